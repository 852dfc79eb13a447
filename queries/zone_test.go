package queries_test

import (
	"math"
	"testing"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/queries"
)

// report_books shifts event times into the salon's wall time by one offset
// per UTC day, and converts each time itself on a day with a transition.
// Madrid moves from CET (UTC+1) to CEST (UTC+2) at 2026-03-29 01:00 UTC,
// so that day's offset is +1 at its start and +2 at its end: a time after
// the transition read at the day's first offset would be an hour early.
//
// Salon 5 (Europe/Madrid), both booked for 2026-03-30 03:30 wall time, so
// "less than 24 h before" means canceled after 2026-03-29 03:30 wall time:
//
//	501 canceled 2026-03-29 01:45 UTC = 03:45 CEST: late (at +1 it would
//	    read 02:45, not late)
//	502 canceled 2026-03-29 00:45 UTC = 01:45 CET: not late
//
// Salon 6 (Europe/Madrid): 503 created 2026-03-29 01:30 UTC = 03:30 CEST,
// booked for 2026-03-30 10:00: lead time 30 h 30 m = 1.2708333 days (at
// +1 it would be 31 h 30 m).
func TestWallTimeOnADaylightSavingDay(t *testing.T) {
	dir := t.TempDir()
	ev := func(id string, b, salon int64, st booking.Status, at, date string) booking.Event {
		return bt.Event(t, id, b, salon, st, at, date)
	}
	bt.WriteFiles(t, dir, map[string][]booking.Event{
		"batch-1": {
			ev("e501a", 501, 5, booking.Pending, "2026-03-20 10:00", "2026-03-30 03:30"),
			ev("e501b", 501, 5, booking.Canceled, "2026-03-29 01:45", "2026-03-30 03:30"),
			ev("e502a", 502, 5, booking.Pending, "2026-03-20 10:00", "2026-03-30 03:30"),
			ev("e502b", 502, 5, booking.Canceled, "2026-03-29 00:45", "2026-03-30 03:30"),
			ev("e503a", 503, 6, booking.Pending, "2026-03-29 01:30", "2026-03-30 10:00"),
		},
	})
	db := openFixture(t, dir, nil)
	rs := reports(t, db, "2026-03-30", "2026-03-31",
		queries.Salon{ID: 5, TimeZone: "Europe/Madrid"}, queries.Salon{ID: 6, TimeZone: "Europe/Madrid"})
	if c := rs[0].Current.Counts; c.Bookings != 2 || c.Canceled != 2 || c.LateCanceled != 1 {
		t.Errorf("salon 5: %d bookings, %d canceled, %d late; want 2, 2, 1", c.Bookings, c.Canceled, c.LateCanceled)
	}
	want := 30.5 / 24
	if got := rs[1].Current.LeadTimeMedian; got == nil {
		t.Errorf("salon 6: no lead time, want %v days", want)
	} else if math.Abs(*got-want) > 1e-9 {
		t.Errorf("salon 6: lead time %v days, want %v", *got, want)
	}
}
