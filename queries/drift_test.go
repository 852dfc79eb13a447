package queries_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/queries"
)

// The drift fixture: salon 30 (UTC) repeats one week's pattern, shifted by
// 7 days, every week from Monday 2026-01-05 (week 0) to week 24. Week k's
// Monday is M = 2026-01-05 + 7k days:
//
//	u1 (client 1): visits every Monday 10:00, completed 11:00; at 11:00 on
//	    the visit's day it books next Monday's visit (a prebook)
//	u2 (client 2): visits every Tuesday 15:00, completed 16:00; books the
//	    next Tuesday on the Wednesday after, 09:00 (a rebooking, not a
//	    prebook)
//	n_k (client 1000+k): a new client: books on Sunday M-1 12:00 for
//	    Wednesday 12:00, completed 13:00, never again
//	u3 (client 3): books on Monday 08:00 for Thursday 17:00, no-show 17:30,
//	    3000
//	u4 (client 4): books on Tuesday 08:00 for Friday 18:00, canceled 16:00
//	    (2 h before: late), 2500
//	v_k (client 2000+k): books on Saturday M-2 10:00 for Saturday M+5
//	    10:00, completed 11:00; books again on Thursday M+10 10:00 (five
//	    days after the visit) for Saturday M+26 10:00, completed 11:00.
//	    Clients who take days to rebook are what made rebooking_rate drift:
//	    in the state at R the last weeks' v_k have not rebooked yet, while
//	    every v_k of the previous period has
//
// Every booking has an amount (4000, or as given). The report runs at R =
// Monday 2026-05-25 09:00 (week 20) over the 28 days before, against the 28
// before those: both periods, and both states (R and R - 28 d), are the
// same pattern shifted by four weeks, so every change must be zero.
func writeDriftFixture(t *testing.T) string {
	t.Helper()
	week0 := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	var events []booking.Event
	next := int64(1)
	add := func(client int64, created, date time.Time, amount int64, then ...struct {
		st booking.Status
		at time.Time
	}) {
		id := next
		next++
		ev := func(n int, st booking.Status, at time.Time) booking.Event {
			return booking.Event{
				EventID: fmt.Sprintf("d%d-%d", id, n), EventType: st.EventType(),
				OccurredAt: at, IngestedAt: at.Add(time.Second),
				BookingID: id, BookingDate: date, Status: st,
				UserID: booking.Ptr(client), SalonID: 30, EmployeeID: booking.Ptr(int64(7)),
				AmountCents: booking.Ptr(amount),
			}
		}
		events = append(events, ev(0, booking.Pending, created))
		for i, s := range then {
			events = append(events, ev(i+1, s.st, s.at))
		}
	}
	type step = struct {
		st booking.Status
		at time.Time
	}
	day := func(k, d, h int) time.Time { return week0.AddDate(0, 0, 7*k+d).Add(time.Duration(h) * time.Hour) }
	for k := -1; k <= 24; k++ {
		// u1's visit of week k was booked at the end of week k-1's.
		add(1, day(k-1, 0, 11), day(k, 0, 10), 4000, step{booking.Completed, day(k, 0, 11)})
		// u2's visit of week k was booked on week k-1's Wednesday.
		add(2, day(k-1, 2, 9), day(k, 1, 15), 4000, step{booking.Completed, day(k, 1, 16)})
		add(1000+int64(k+1), day(k, -1, 12), day(k, 2, 12), 4000, step{booking.Completed, day(k, 2, 13)})
		add(3, day(k, 0, 8), day(k, 3, 17), 3000, step{booking.NoShow, day(k, 3, 17).Add(30 * time.Minute)})
		add(4, day(k, 1, 8), day(k, 4, 18), 2500, step{booking.Canceled, day(k, 4, 16)})
		v := 2000 + int64(k+1)
		add(v, day(k, -2, 10), day(k, 5, 10), 4000, step{booking.Completed, day(k, 5, 11)})
		add(v, day(k, 10, 10), day(k, 26, 10), 4000, step{booking.Completed, day(k, 26, 11)})
	}
	dir := t.TempDir()
	bt.WriteFiles(t, dir, map[string][]booking.Event{"drift": events})
	return dir
}

// TestDriftFreeWeeks: on data whose behaviour is the same in both periods,
// every headline figure of the previous period equals the current one, in
// the JSON output (so a key added to previous is checked too), and the
// week ahead equals the same week a week earlier.
func TestDriftFreeWeeks(t *testing.T) {
	r := time.Date(2026, 5, 25, 9, 0, 0, 0, time.UTC)
	db := openFixture(t, writeDriftFixture(t), &r)
	rs, err := db.Reports(context.Background(), queries.ReportRequest{
		Salons: []queries.Salon{{ID: 30}}, From: date(t, "2026-04-27"), To: date(t, "2026-05-25"), AsOf: &r,
	})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(rs[0])
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	prev := got["previous"].(map[string]any)
	if got["bookings"].(float64) != 4*7 {
		t.Fatalf("bookings = %v, want 28 (4 weeks of 7): the fixture is not what the test expects", got["bookings"])
	}
	for key, old := range prev {
		if key == "from" || key == "to" {
			continue
		}
		if !reflect.DeepEqual(got[key], old) {
			t.Errorf("%s = %v, previous %v: a change where nothing changed", key, got[key], old)
		}
	}
	if wa, ok := got["week_ahead"].(map[string]any); ok {
		last := wa["last_week"].(map[string]any)
		if wa["bookings"] != last["bookings"] || wa["bookings"].(float64) == 0 {
			t.Errorf("week_ahead bookings = %v, last week %v: want equal and not 0", wa["bookings"], last["bookings"])
		}
	} else {
		t.Error("no week_ahead in the report")
	}
}
