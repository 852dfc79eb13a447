package queries_test

import (
	"context"
	"strings"
	"testing"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/report"
)

// A report reads its salons' rows once into scope_rows, with only the
// columns its queries use. A query over that scope that needs another
// column fails and says where to add it, rather than reading NULLs.
func TestScopeNamesAColumnItDoesNotRead(t *testing.T) {
	dir := t.TempDir()
	bt.WriteFiles(t, dir, map[string][]booking.Event{"b": {
		bt.Event(t, "e1", 1, 1, booking.Pending, "2026-03-01 10:00", "2026-03-03 10:00"),
	}})
	db := openFixture(t, dir, nil)
	reports(t, db, "2026-03-03", "2026-03-04", queries.Salon{ID: 1})
	var n int
	if err := db.Conn().QueryRowContext(context.Background(), "SELECT count(*) FROM events_of([1])").Scan(&n); err != nil || n != 1 {
		t.Fatalf("the scoped events: %d, %v", n, err)
	}
	var typ string
	err := db.Conn().QueryRowContext(context.Background(), "SELECT event_type FROM events_of([1])").Scan(&typ)
	if err == nil || !strings.Contains(err.Error(), "event_type is not read by scope_rows.sql") {
		t.Errorf("event_type over the scope: %q, %v", typ, err)
	}
	// Every booking is read from the files, with every column.
	if err := db.Conn().QueryRowContext(context.Background(), "SELECT event_type FROM events").Scan(&typ); err != nil || typ != "created" {
		t.Errorf("event_type of the events view: %q, %v", typ, err)
	}
}

// A report on many salons reads the files where they are instead of holding
// their rows in memory (maxScopedSalons); the numbers are the same.
func TestManySalonsSameNumbers(t *testing.T) {
	dir := t.TempDir()
	bt.WriteFiles(t, dir, map[string][]booking.Event{"b": {
		bt.Event(t, "m1", 8, 1, booking.Pending, "2026-03-01 10:00", "2026-03-03 10:00"),
		bt.Event(t, "m2", 8, 2, booking.Confirmed, "2026-03-02 10:00", "2026-03-03 10:00"),
		bt.Event(t, "s1", 9, 1, booking.Pending, "2026-03-01 10:00", "2026-03-03 11:00"),
	}})
	db := openFixture(t, dir, nil)
	var many []queries.Salon
	for id := int64(1); id <= 20; id++ {
		many = append(many, queries.Salon{ID: id})
	}
	// Salon 1 holds booking 9 (pending); booking 8 moved to salon 2,
	// where it is confirmed. Salons 3 to 20 hold nothing.
	for _, salons := range [][]queries.Salon{many, {{ID: 1}}, many} {
		for _, r := range reports(t, db, "2026-03-03", "2026-03-04", salons...) {
			var want report.Counts
			switch r.SalonID {
			case 1:
				want = report.Counts{Bookings: 1, Pending: 1}
			case 2:
				want = report.Counts{Bookings: 1, Confirmed: 1}
			}
			if r.Current.Counts != want {
				t.Errorf("%d salons asked: salon %d = %+v, want %+v", len(salons), r.SalonID, r.Current.Counts, want)
			}
		}
	}
}
