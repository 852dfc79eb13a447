package demo_test

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/demo"
)

var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func options() demo.Options {
	o := demo.Defaults
	o.Now = now
	return o
}

func TestSameSeedSameData(t *testing.T) {
	opt := options()
	opt.Days = 30
	a, b := demo.Generate(opt), demo.Generate(opt)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with the same options differ")
	}
	// And the same bytes on disk.
	ba, bb := demo.Batches(a), demo.Batches(b)
	for i := range ba {
		da, _ := booking.EncodeParquet(ba[i].Events)
		db, _ := booking.EncodeParquet(bb[i].Events)
		if ba[i].Key != bb[i].Key || !bytes.Equal(da, db) {
			t.Fatalf("batch %d differs: %s vs %s", i, ba[i].Key, bb[i].Key)
		}
	}
	other := opt
	other.Seed = 2
	if reflect.DeepEqual(a, demo.Generate(other)) {
		t.Error("another seed gives the same data")
	}
}

// The data set has what the reports need to show something real.
func TestDemoIsRealistic(t *testing.T) {
	events := demo.Generate(options())
	if len(events) < 10000 {
		t.Fatalf("only %d events", len(events))
	}
	seen := map[string]int{}
	types := map[string]int{}
	created := map[int64]time.Time{}
	var sameDay, weeksAhead, lateCancels, earlyCancels, priced int
	salons := map[int64]int{}
	saturday, tuesday := 0, 0
	for _, e := range events {
		if err := e.Validate(); err != nil {
			t.Fatalf("invalid event %+v: %v", e, err)
		}
		if e.OccurredAt.After(now) {
			t.Fatalf("event after now: %+v", e)
		}
		seen[e.EventID]++
		if seen[e.EventID] > 1 {
			continue
		}
		types[e.EventType]++
		if e.AmountCents != nil && *e.AmountCents > 0 && e.Service != nil {
			priced++
		}
		switch e.Status {
		case booking.Pending:
			if e.EventType != "created" {
				break
			}
			created[e.BookingID] = e.OccurredAt
			salons[e.SalonID]++
			lead := e.BookingDate.Sub(e.OccurredAt)
			if lead < 24*time.Hour && e.BookingDate.YearDay() == e.OccurredAt.YearDay() {
				sameDay++
			}
			if lead > 14*24*time.Hour {
				weeksAhead++
			}
			if e.SalonID == 1 {
				switch e.BookingDate.Weekday() {
				case time.Saturday:
					saturday++
				case time.Tuesday:
					tuesday++
				}
			}
		case booking.Canceled:
			if e.BookingDate.Sub(e.OccurredAt) < 24*time.Hour {
				lateCancels++
			} else {
				earlyCancels++
			}
		}
	}
	duplicates := 0
	for _, n := range seen {
		duplicates += n - 1
	}
	for _, typ := range []string{"created", "confirmed", "completed", "canceled", "no_show", "rescheduled"} {
		if types[typ] == 0 {
			t.Errorf("no %s events", typ)
		}
	}
	checks := []struct {
		what string
		ok   bool
	}{
		{"redelivered duplicates", duplicates > 0},
		{"same-day bookings", sameDay > 0},
		{"bookings weeks ahead", weeksAhead > 0},
		{"late cancellations", lateCancels > 0},
		{"early cancellations", earlyCancels > 0},
		{"services with prices", priced == len(seen)},
		{"Saturdays busier than Tuesdays", saturday > tuesday},
		{"three salons of different sizes", len(salons) == 3 && salons[1] > salons[2] && salons[2] > salons[3]},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("demo data lacks %s", c.what)
		}
	}
}

func TestBatchesFollowTheLayout(t *testing.T) {
	for _, b := range demo.Batches(demo.Generate(options())) {
		day := booking.DayOfKey(b.Key)
		for _, e := range b.Events {
			if e.Day() != day {
				t.Fatalf("%s holds an event of %s", b.Key, e.Day())
			}
		}
	}
}
