package queries_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/report"
)

// The owner's figures fixture. Bookings are (id: client, created ->
// booking_date, later events, amount); a booking with no later event stays
// pending. The report runs as of R = Tue 2026-03-10 12:00 UTC over
// [2026-03-01, 2026-03-08), against [2026-02-22, 2026-03-01); the period is
// 7 days, so R - 7 d = R - the period's length = 2026-03-03 12:00.
//
// Salon 40 (UTC):
//
//	4001: 1, 02-20 10:00 -> 03-02 10:00, completed 03-02 11:00, 5000
//	4002: 1, 03-02 19:30 -> 03-20 10:00, pending, 5000   (booked the same evening: 4001 is prebooked)
//	4003: 2, 02-25 09:00 -> 03-03 15:00, completed 03-03 16:00, 5000
//	4004: 2, 03-03 16:05 -> 03-24 15:00, canceled 03-05 09:00, 5000 (canceled later: 4003 still prebooked)
//	4005: 3, 02-26 09:00 -> 03-04 11:00, completed 03-04 12:00, 4000
//	4006: 3, 03-05 08:00 -> 03-25 11:00, confirmed, 4000 (the next morning: 4005 not prebooked)
//	4007: 4, 02-27 09:00 -> 03-06 17:00, no-show 03-06 17:30, 3000
//	4008: 4, 02-27 09:00 -> 03-07 10:00, canceled 03-07 08:00 (2 h before: late), 2000
//	4009: 5, 02-27 09:00 -> 03-07 12:00, canceled 03-04 10:00 (not late), 7000
//	4034: 34, 03-05 09:00 -> 03-06 10:00, pending, 1500 (created between R - 7 d and R)
//	4010: 1, 02-01 09:00 -> 02-23 10:00, completed 02-23 11:00, 5000 (previous)
//	4011: 6, 02-10 09:00 -> 02-24 10:00, completed 02-24 11:00, 5000 (previous)
//	4012: 6, 02-24 12:00 -> 03-30 10:00, confirmed 02-25, 5000 (prebooks 4011)
//	4013: 7, 02-10 09:00 -> 02-25 10:00, no-show 02-25 10:30, 6000 (previous)
//	4014: 8, 02-10 09:00 -> 02-26 10:00, completed 02-26 11:00, 5000 (previous)
//	4015: 8, 03-05 10:00 -> 03-28 10:00, pending, 5000 (rebooks 4014 after R - 7 d)
//	4030: 30, 03-01 09:00 -> 03-10 09:00, pending, 1000
//	4031: 31, 03-09 09:00 -> 03-16 18:00, confirmed 03-09 10:00, 2000
//	4032: 32, 03-02 09:00 -> 03-17 09:00, pending, 1000 (just after the week ahead)
//	4033: 33, 03-02 09:00 -> 03-12 10:00, canceled 03-08 09:00, 1000
//
// and the regulars, every visit 10:00, completed 11:00, 4000:
//
//	client 20: 01-01, 01-11, 01-21: 3 visits, gaps 10 and 10, usual 10;
//	           48 d 2 h since (R - 01-21 10:00) > 15: at risk, 4.81 intervals
//	client 21: 01-01, 01-05: 2 visits, not at risk however long ago
//	client 22: 01-01, 01-08, 01-22, 01-29: gaps 7, 14, 7, usual 7; 40 d 2 h
//	           since, overdue, but holds 4022, confirmed, 03-15 10:00 (4000):
//	           not at risk
//	client 23: 01-20, 02-04, 02-19: usual 15, 19 d 2 h since < 22.5: not
//	client 24: 2025-12-20, 01-03, 01-24: gaps 14 and 21, usual 17.5 (the
//	           median of two gaps is their mean); 45 d 2 h since > 26.25:
//	           at risk, 2.58 intervals
//
// Expected, salon 40:
//
//	current: bookings 4001 3 5 7 8 9 4034 = 7; visits 4001 4003 4005 = 3,
//	  prebooked 4001 4003: prebook_rate 2/3; lost 4007 + 4008 = 5000
//	previous: bookings 4010 4011 4013 4014 = 4; visits 4010 4011 4014,
//	  prebooked 4011 (4012 made that day): 1/3; lost 4013 = 6000
//	retention: clients served in the previous period 1, 6, 8; of them 1 in
//	  this one: 1/3
//	previous.rebooking_rate in the state at 03-03 12:00: 1 holds 4001
//	  (completed by then), 6 holds 4012, 8's 4015 does not exist yet: 2/3
//	  (in the state at R it would be 3/3)
//	week_ahead [03-10, 03-17) at R: 4030, 4031, 4022 = 3, 1000 + 2000 +
//	  4000 = 7000; last_week [03-03, 03-10) at 03-03 12:00: 4003, 4005,
//	  4007, 4008, 4009 (all still pending then) = 5; 4034 did not exist
//	at_risk: 20 then 24; the data starts 2025-12-20
//
// Salon 42 keeps no amounts: 4201, client 50, 03-01 -> 03-12 10:00
// pending; 4202, client 51, 03-01 -> 03-03 10:00, no-show. Week ahead 1
// booking of null value; lost revenue null; no visits, so prebook null.
//
// Salon 41 (Europe/Madrid), for the week ahead across the change to summer
// time on Sunday 2026-03-29, is reported as of 2026-03-25 23:30 UTC, which
// is Thu 03-26 00:30 in Madrid: the week ahead is [03-26, 04-02) on the
// wall clock, last week [03-19, 03-26) in the state at 03-18 23:30 UTC:
//
//	4101: 03-20 -> 03-25 18:00 pending (before today in Madrid)
//	4102: 03-20 -> 04-01 10:00 pending      in the week ahead
//	4103: 03-20 -> 04-02 00:30 pending      just after it
//	4104: 03-20 -> 03-29 02:30 pending      in it (the hour the clocks skip)
//	4107: 03-20 -> 04-01 12:00 pending      in it
//	4105: 03-01 -> 03-19 09:00 pending      last week
//	4106: 03-01 -> 03-18 20:00 pending      before last week
//
// Madrid: 3 ahead (4102, 4104, 4107), 1 last week (4105; 4101 was not
// booked yet at 03-18 23:30). Read as UTC, today would be 03-25 and the
// week ahead 4101 and 4104: 2.
func writeOwnerFixture(t *testing.T) string {
	t.Helper()
	type step struct {
		st booking.Status
		at string
	}
	var events []booking.Event
	add := func(id, client, salon int64, created, date string, amount *int64, then ...step) {
		ev := func(n int, st booking.Status, at string) booking.Event {
			e := bt.Event(t, fmt.Sprintf("o%d-%d", id, n), id, salon, st, at, date)
			e.UserID, e.AmountCents = &client, amount
			return e
		}
		events = append(events, ev(0, booking.Pending, created))
		for i, s := range then {
			events = append(events, ev(i+1, s.st, s.at))
		}
	}
	amt := func(n int64) *int64 { return &n }
	add(4001, 1, 40, "2026-02-20 10:00", "2026-03-02 10:00", amt(5000), step{booking.Completed, "2026-03-02 11:00"})
	add(4002, 1, 40, "2026-03-02 19:30", "2026-03-20 10:00", amt(5000))
	add(4003, 2, 40, "2026-02-25 09:00", "2026-03-03 15:00", amt(5000), step{booking.Completed, "2026-03-03 16:00"})
	add(4004, 2, 40, "2026-03-03 16:05", "2026-03-24 15:00", amt(5000), step{booking.Canceled, "2026-03-05 09:00"})
	add(4005, 3, 40, "2026-02-26 09:00", "2026-03-04 11:00", amt(4000), step{booking.Completed, "2026-03-04 12:00"})
	add(4006, 3, 40, "2026-03-05 08:00", "2026-03-25 11:00", amt(4000), step{booking.Confirmed, "2026-03-05 08:30"})
	add(4007, 4, 40, "2026-02-27 09:00", "2026-03-06 17:00", amt(3000), step{booking.NoShow, "2026-03-06 17:30"})
	add(4008, 4, 40, "2026-02-27 09:00", "2026-03-07 10:00", amt(2000), step{booking.Canceled, "2026-03-07 08:00"})
	add(4009, 5, 40, "2026-02-27 09:00", "2026-03-07 12:00", amt(7000), step{booking.Canceled, "2026-03-04 10:00"})
	add(4034, 34, 40, "2026-03-05 09:00", "2026-03-06 10:00", amt(1500))
	add(4010, 1, 40, "2026-02-01 09:00", "2026-02-23 10:00", amt(5000), step{booking.Completed, "2026-02-23 11:00"})
	add(4011, 6, 40, "2026-02-10 09:00", "2026-02-24 10:00", amt(5000), step{booking.Completed, "2026-02-24 11:00"})
	add(4012, 6, 40, "2026-02-24 12:00", "2026-03-30 10:00", amt(5000), step{booking.Confirmed, "2026-02-25 09:00"})
	add(4013, 7, 40, "2026-02-10 09:00", "2026-02-25 10:00", amt(6000), step{booking.NoShow, "2026-02-25 10:30"})
	add(4014, 8, 40, "2026-02-10 09:00", "2026-02-26 10:00", amt(5000), step{booking.Completed, "2026-02-26 11:00"})
	add(4015, 8, 40, "2026-03-05 10:00", "2026-03-28 10:00", amt(5000))
	add(4030, 30, 40, "2026-03-01 09:00", "2026-03-10 09:00", amt(1000))
	add(4031, 31, 40, "2026-03-09 09:00", "2026-03-16 18:00", amt(2000), step{booking.Confirmed, "2026-03-09 10:00"})
	add(4032, 32, 40, "2026-03-02 09:00", "2026-03-17 09:00", amt(1000))
	add(4033, 33, 40, "2026-03-02 09:00", "2026-03-12 10:00", amt(1000), step{booking.Canceled, "2026-03-08 09:00"})
	id := int64(4300)
	visit := func(client int64, date string) {
		id++
		d := bt.Time(t, date+" 10:00")
		add(id, client, 40, d.AddDate(0, 0, -3).Format("2006-01-02 15:04"), date+" 10:00", amt(4000), step{booking.Completed, date + " 11:00"})
	}
	for _, d := range []string{"2026-01-01", "2026-01-11", "2026-01-21"} {
		visit(20, d)
	}
	for _, d := range []string{"2026-01-01", "2026-01-05"} {
		visit(21, d)
	}
	for _, d := range []string{"2026-01-01", "2026-01-08", "2026-01-22", "2026-01-29"} {
		visit(22, d)
	}
	add(4022, 22, 40, "2026-02-01 09:00", "2026-03-15 10:00", amt(4000), step{booking.Confirmed, "2026-02-01 10:00"})
	for _, d := range []string{"2026-01-20", "2026-02-04", "2026-02-19"} {
		visit(23, d)
	}
	for _, d := range []string{"2025-12-20", "2026-01-03", "2026-01-24"} {
		visit(24, d)
	}
	add(4201, 50, 42, "2026-03-01 09:00", "2026-03-12 10:00", nil)
	add(4202, 51, 42, "2026-03-01 09:00", "2026-03-03 10:00", nil, step{booking.NoShow, "2026-03-03 10:30"})
	for _, b := range []struct {
		id            int64
		created, date string
	}{
		{4101, "2026-03-20 09:00", "2026-03-25 18:00"},
		{4102, "2026-03-20 09:00", "2026-04-01 10:00"},
		{4103, "2026-03-20 09:00", "2026-04-02 00:30"},
		{4104, "2026-03-20 09:00", "2026-03-29 02:30"},
		{4107, "2026-03-20 09:00", "2026-04-01 12:00"},
		{4105, "2026-03-01 09:00", "2026-03-19 09:00"},
		{4106, "2026-03-01 09:00", "2026-03-18 20:00"},
	} {
		add(b.id, 60, 41, b.created, b.date, amt(1000))
	}
	dir := t.TempDir()
	bt.WriteFiles(t, dir, map[string][]booking.Event{"owner": events})
	return dir
}

func TestOwnerFigures(t *testing.T) {
	dir := writeOwnerFixture(t)
	asOf := bt.Time(t, "2026-03-10 12:00")
	db := openFixture(t, dir, &asOf)
	rs, err := db.Reports(context.Background(), queries.ReportRequest{
		Salons: []queries.Salon{{ID: 40}, {ID: 42}}, From: date(t, "2026-03-01"), To: date(t, "2026-03-08"), AsOf: &asOf,
	})
	if err != nil {
		t.Fatal(err)
	}
	r, bare := rs[0], rs[1]
	cur, prev := r.Current, r.Previous
	if cur.Counts.Bookings != 7 || prev.Counts.Bookings != 4 {
		t.Errorf("bookings = %d / %d, want 7 / 4", cur.Counts.Bookings, prev.Counts.Bookings)
	}
	checkRate(t, "prebook_rate", cur.PrebookRate(), ptr(2.0/3))
	checkRate(t, "previous.prebook_rate", prev.PrebookRate(), ptr(1.0/3))
	checkCents(t, "lost_revenue_cents", cur.LostRevenueCents, ptr(int64(5000)))
	checkCents(t, "previous.lost_revenue_cents", prev.LostRevenueCents, ptr(int64(6000)))
	checkRate(t, "retention_rate", r.Retention.Rate(), ptr(1.0/3))
	checkRate(t, "rebooking_rate", cur.Clients.RebookingRate(), ptr(2.0/3))
	checkRate(t, "previous.rebooking_rate", prev.Clients.RebookingRate(), ptr(2.0/3))
	if prev.Clients.Completed != 3 || prev.Clients.Rebooked != 2 {
		t.Errorf("previous rebooking = %d of %d, want 2 of 3 (client 8 rebooked only after R - 7 d)", prev.Clients.Rebooked, prev.Clients.Completed)
	}

	w := r.WeekAhead
	if !w.From.Equal(date(t, "2026-03-10")) || !w.To.Equal(date(t, "2026-03-17")) || w.Bookings != 3 {
		t.Errorf("week ahead = %v..%v %d bookings, want 2026-03-10..2026-03-17 3", w.From, w.To, w.Bookings)
	}
	checkCents(t, "week_ahead.value_cents", w.ValueCents, ptr(int64(7000)))
	if !w.LastWeek.From.Equal(date(t, "2026-03-03")) || !w.LastWeek.To.Equal(date(t, "2026-03-10")) || w.LastWeek.Bookings != 5 {
		t.Errorf("last week = %+v, want 2026-03-03..2026-03-10 5", w.LastWeek)
	}

	want := []report.AtRiskClient{
		{UserID: 20, Visits: 3, LastVisit: bt.Time(t, "2026-01-21 10:00"), UsualIntervalDays: 10, DaysSince: 48 + 2.0/24},
		{UserID: 24, Visits: 3, LastVisit: bt.Time(t, "2026-01-24 10:00"), UsualIntervalDays: 17.5, DaysSince: 45 + 2.0/24},
	}
	if len(r.AtRisk) != len(want) {
		t.Fatalf("at risk = %+v, want clients 20 and 24", r.AtRisk)
	}
	for i, c := range r.AtRisk {
		if c.UserID != want[i].UserID || c.Visits != want[i].Visits || !c.LastVisit.Equal(want[i].LastVisit) ||
			abs(c.UsualIntervalDays-want[i].UsualIntervalDays) > 1e-9 || abs(c.DaysSince-want[i].DaysSince) > 1e-9 {
			t.Errorf("at_risk[%d] = %+v, want %+v", i, c, want[i])
		}
	}
	if r.DataFrom == nil || !r.DataFrom.Equal(date(t, "2025-12-20")) {
		t.Errorf("data from = %v, want 2025-12-20", r.DataFrom)
	}

	if bare.WeekAhead.Bookings != 1 || bare.WeekAhead.ValueCents != nil {
		t.Errorf("salon 42 week ahead = %d, %v; want 1 booking of null value", bare.WeekAhead.Bookings, deref(bare.WeekAhead.ValueCents))
	}
	checkCents(t, "salon 42 lost_revenue_cents", bare.Current.LostRevenueCents, nil)
	checkRate(t, "salon 42 prebook_rate", bare.Current.PrebookRate(), nil)
	checkRate(t, "salon 42 retention_rate", bare.Retention.Rate(), nil)
	if len(bare.AtRisk) != 0 {
		t.Errorf("salon 42 at risk = %+v, want none", bare.AtRisk)
	}
}

func TestWeekAheadAcrossDST(t *testing.T) {
	dir := writeOwnerFixture(t)
	asOf := time.Date(2026, 3, 25, 23, 30, 0, 0, time.UTC)
	db := openFixture(t, dir, &asOf)
	for _, tc := range []struct {
		zone            string
		from            string
		ahead, lastWeek int64
	}{
		{"Europe/Madrid", "2026-03-26", 3, 1},
		// Read as UTC: today is 03-25; last week [03-18, 03-25) holds 4105
		// and 4106.
		{"UTC", "2026-03-25", 2, 2},
	} {
		rs, err := db.Reports(context.Background(), queries.ReportRequest{
			Salons: []queries.Salon{{ID: 41, TimeZone: tc.zone}}, From: date(t, "2026-03-01"), To: date(t, "2026-03-08"), AsOf: &asOf,
		})
		if err != nil {
			t.Fatal(err)
		}
		w := rs[0].WeekAhead
		if !w.From.Equal(date(t, tc.from)) || !w.To.Equal(date(t, tc.from).AddDate(0, 0, 7)) || w.Bookings != tc.ahead || w.LastWeek.Bookings != tc.lastWeek {
			t.Errorf("%s: week ahead from %s: %d, last week %d; want from %s: %d, last week %d",
				tc.zone, w.From.Format(time.DateOnly), w.Bookings, w.LastWeek.Bookings, tc.from, tc.ahead, tc.lastWeek)
		}
	}
}
