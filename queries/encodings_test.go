package queries_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/report"
)

// otherProducer writes the same columns the way other producers and legacy
// files do: millisecond and nanosecond units, the UTC adjustment flipped
// (booking_date adjusted, occurred_at not), 32-bit ids.
type otherProducer struct {
	EventID     string    `parquet:"event_id"`
	EventType   string    `parquet:"event_type"`
	OccurredAt  time.Time `parquet:"occurred_at,timestamp(millisecond:local)"`
	IngestedAt  time.Time `parquet:"ingested_at,timestamp(nanosecond:utc)"`
	BookingID   int32     `parquet:"booking_id"`
	BookingDate time.Time `parquet:"booking_date,timestamp(millisecond:utc)"`
	Status      int64     `parquet:"status"`
	UserID      *int32    `parquet:"user_id,optional"`
	SalonID     int32     `parquet:"salon_id"`
	EmployeeID  *int32    `parquet:"employee_id,optional"`
	PaymentID   *int32    `parquet:"payment_id,optional"`
	Service     *string   `parquet:"service,optional"`
	AmountCents *int32    `parquet:"amount_cents,optional"`
}

func TestReadersAcceptTimestampEncodings(t *testing.T) {
	dir := t.TempDir()
	at := func(s string) time.Time { return bt.Time(t, s) }
	other := []otherProducer{
		{EventID: "o1", EventType: "created", OccurredAt: at("2026-02-20 10:00"), IngestedAt: at("2026-02-20 10:00"), BookingID: 501, BookingDate: at("2026-03-03 15:00"), Status: 1, SalonID: 5},
		{EventID: "o2", EventType: "canceled", OccurredAt: at("2026-03-02 16:00"), IngestedAt: at("2026-03-02 16:00"), BookingID: 501, BookingDate: at("2026-03-03 15:00"), Status: 4, SalonID: 5},
	}
	// The file of the other producer sorts first, so DuckDB meets its
	// schema before the standard one.
	path := filepath.Join(dir, "bookings", "dt=2026-02-20", "a-other.parquet")
	if err := mkdirAll(filepath.Dir(path)); err != nil {
		t.Fatal(err)
	}
	if err := parquet.WriteFile(path, other); err != nil {
		t.Fatal(err)
	}
	bt.WriteFiles(t, dir, map[string][]booking.Event{"b-standard": {
		bt.Event(t, "s1", 502, 5, booking.Pending, "2026-02-21 10:00", "2026-03-04 09:00"),
	}})

	db := openFixture(t, dir, nil)
	var occurred, bookingDate time.Time
	err := db.Conn().QueryRowContext(context.Background(), "SELECT occurred_at, booking_date FROM events WHERE event_id = 'o2'").Scan(&occurred, &bookingDate)
	if err != nil {
		t.Fatal(err)
	}
	if !occurred.Equal(at("2026-03-02 16:00")) || !bookingDate.Equal(at("2026-03-03 15:00")) {
		t.Errorf("o2 read as occurred_at %v, booking_date %v; want 2026-03-02 16:00 and 2026-03-03 15:00", occurred, bookingDate)
	}
	r := reports(t, db, "2026-03-01", "2026-03-08", queries.Salon{ID: 5})[0]
	want := report.Counts{Bookings: 2, Pending: 1, Canceled: 1, LateCanceled: 1}
	if r.Current.Counts != want {
		t.Errorf("counts = %+v, want %+v", r.Current.Counts, want)
	}
	if r.Current.ByHour[9] != 1 || r.Current.ByHour[15] != 0 {
		t.Errorf("by_hour[9] = %d, by_hour[15] = %d; want 1 and 0 (the 15:00 booking is canceled)", r.Current.ByHour[9], r.Current.ByHour[15])
	}
}
