package queries_test

import (
	"context"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/report"
)

func TestReadersAcceptTimestampEncodings(t *testing.T) {
	dir := t.TempDir()
	at := func(s string) time.Time { return bt.Time(t, s) }
	// bt.OtherProducer: ms and ns units, the UTC adjustment flipped
	// (booking_date adjusted, occurred_at not), 32-bit ids.
	other := []booking.Event{
		{EventID: "o1", EventType: "created", OccurredAt: at("2026-02-20 10:00"), IngestedAt: at("2026-02-20 10:00"), BookingID: 501, BookingDate: at("2026-03-03 15:00"), Status: 1, SalonID: 5},
		{EventID: "o2", EventType: "canceled", OccurredAt: at("2026-03-02 16:00"), IngestedAt: at("2026-03-02 16:00"), BookingID: 501, BookingDate: at("2026-03-03 15:00"), Status: 4, SalonID: 5},
	}
	// The file of the other producer sorts first, so DuckDB meets its
	// schema before the standard one.
	writeOther(t, dir, "2026-02-20", "a-other", bt.OtherProducer(t, other))
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
