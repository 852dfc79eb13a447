package queries_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/report"
)

// The clients, lead time, money and staff fixture. The period is
// [2026-03-01, 2026-03-08) (2026-03-01 is a Sunday), the previous one
// [2026-02-22, 2026-03-01). Every booking is (id: client, employee,
// created -> booking_date, latest status, amount):
//
// Salon 10 (UTC):
//
//	1001: client 500, emp 1, 01-01 10:00 -> 01-10 10:00, completed, 5000  (before both periods)
//	1012: client 503, emp 3, 02-01 10:00 -> 02-10 10:00, canceled 02-05    (before both periods)
//	1010: client 504, emp 1, 02-20 10:00 -> 02-23 10:00, completed, 5000  previous
//	1011: client 500, emp 1, 02-21 10:00 -> 02-24 10:00, no-show          previous
//	1002: client 500, emp 1, 02-25 12:00 -> 03-02 12:00 Mon, completed, 4000
//	1003: client 501, emp 2, 02-28 09:00 -> 03-03 09:00 Tue, pending, 3000
//	1004: client 502, emp 2, 03-01 10:00 -> 03-04 10:00 Wed, completed 03-04 11:00, 6000
//	1005: client 502, emp 2, 03-04 11:30 -> 03-20 10:00, confirmed        (booked after the visit, after the period)
//	1006: client 503, emp 3, 02-20 08:00 -> 03-05 15:00 Thu, canceled 03-05 08:00 (7 h before: late), no amount
//	1007: client 503, emp 1, 02-26 08:00 -> 03-06 16:00 Fri, completed, 2000
//	1008: client 503, emp 3, 03-06 17:00 -> 03-15 10:00, canceled 03-07   (after the period)
//
// Current period: 1002, 1003, 1004, 1006, 1007.
//
//	lead times in days: 1002 5, 1003 3, 1004 3, 1006 13 7/24 = 13.291667,
//	  1007 8 8/24 = 8.333333; sorted 3, 3, 5, 8.333333, 13.291667:
//	  median = the 3rd = 5; p90 at position 4 x 0.9 = 3.6 =
//	  8.333333 + 0.6 x (13.291667 - 8.333333) = 8.333333 + 2.975 = 11.308333
//	clients 500, 501, 502, 503 = 4. Earliest booking_date: 500 01-10 (1001),
//	  501 03-03, 502 03-04, 503 02-10 (1012, canceled: any status counts):
//	  new = 501, 502 = 2; returning = 2
//	rebooking: clients with a completed booking: 500 (last 03-02 12:00),
//	  502 (03-04 10:00), 503 (03-06 16:00) = 3. 500 holds nothing later;
//	  502 holds 1005 (confirmed, 03-20): rebooked; 503's later 1008 is
//	  canceled: not. Rate 1/3
//	revenue: completed 1002 + 1004 + 1007 = 4000 + 6000 + 2000 = 12000,
//	  average 4000
//	staff: emp 1 = 1002, 1007: 2 bookings, 2 completed, 6000;
//	  emp 2 = 1003, 1004: 2 bookings, 1 completed, 6000;
//	  emp 3 = 1006 only, canceled: 1 booking, 1 canceled, rate 1, no revenue
//	by_weekday_hour (not canceled): Mon 12, Tue 9, Wed 10, Fri 16
//
// Previous period: 1010, 1011. Lead times 3 and 3: median and p90 3.
// Clients 504 (new: first booking 02-23) and 500 (not): 2, new 1.
// Rebooking: 504 completed 02-23 and holds nothing later: 0 of 1.
// Revenue 5000, average 5000.
//
// Salon 11 keeps no amounts: 1101, client 600, emp 5, 03-01 08:00 ->
// 03-02 10:00, completed. Revenue and average ticket are null, as is emp 5's
// revenue; 600 is a new client.
func writeMetricsFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	type b struct {
		id, client, emp, salon int64
		created, date          string
		amount                 *int64
		// later events: status and occurred_at
		then []struct {
			st booking.Status
			at string
		}
	}
	type step = struct {
		st booking.Status
		at string
	}
	amt := func(n int64) *int64 { return &n }
	bookings := []b{
		{1001, 500, 1, 10, "2026-01-01 10:00", "2026-01-10 10:00", amt(5000), []step{{booking.Completed, "2026-01-10 11:00"}}},
		{1012, 503, 3, 10, "2026-02-01 10:00", "2026-02-10 10:00", nil, []step{{booking.Canceled, "2026-02-05 10:00"}}},
		{1010, 504, 1, 10, "2026-02-20 10:00", "2026-02-23 10:00", amt(5000), []step{{booking.Completed, "2026-02-23 11:00"}}},
		{1011, 500, 1, 10, "2026-02-21 10:00", "2026-02-24 10:00", amt(4500), []step{{booking.NoShow, "2026-02-24 10:30"}}},
		{1002, 500, 1, 10, "2026-02-25 12:00", "2026-03-02 12:00", amt(4000), []step{{booking.Confirmed, "2026-02-26 12:00"}, {booking.Completed, "2026-03-02 13:00"}}},
		{1003, 501, 2, 10, "2026-02-28 09:00", "2026-03-03 09:00", amt(3000), nil},
		{1004, 502, 2, 10, "2026-03-01 10:00", "2026-03-04 10:00", amt(6000), []step{{booking.Completed, "2026-03-04 11:00"}}},
		{1005, 502, 2, 10, "2026-03-04 11:30", "2026-03-20 10:00", amt(6000), []step{{booking.Confirmed, "2026-03-04 12:00"}}},
		{1006, 503, 3, 10, "2026-02-20 08:00", "2026-03-05 15:00", nil, []step{{booking.Canceled, "2026-03-05 08:00"}}},
		{1007, 503, 1, 10, "2026-02-26 08:00", "2026-03-06 16:00", amt(2000), []step{{booking.Completed, "2026-03-06 17:00"}}},
		{1008, 503, 3, 10, "2026-03-06 17:00", "2026-03-15 10:00", amt(2000), []step{{booking.Canceled, "2026-03-07 10:00"}}},
		{1101, 600, 5, 11, "2026-03-01 08:00", "2026-03-02 10:00", nil, []step{{booking.Completed, "2026-03-02 11:00"}}},
	}
	var events []booking.Event
	for _, x := range bookings {
		ev := func(n int, st booking.Status, at string) booking.Event {
			e := bt.Event(t, "m"+itoa(x.id)+"-"+itoa(int64(n)), x.id, x.salon, st, at, x.date)
			e.UserID, e.EmployeeID, e.AmountCents = &x.client, &x.emp, x.amount
			return e
		}
		events = append(events, ev(0, booking.Pending, x.created))
		for i, s := range x.then {
			events = append(events, ev(i+1, s.st, s.at))
		}
	}
	bt.WriteFiles(t, dir, map[string][]booking.Event{"metrics": events})
	return dir
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestClientsLeadTimeMoneyStaff(t *testing.T) {
	db := openFixture(t, writeMetricsFixture(t), nil)
	rs := reports(t, db, "2026-03-01", "2026-03-08", queries.Salon{ID: 10}, queries.Salon{ID: 11})
	s10, s11 := rs[0], rs[1]
	cur, prev := s10.Current, s10.Previous

	if want := (report.Counts{Bookings: 5, Pending: 1, Completed: 3, Canceled: 1, LateCanceled: 1}); cur.Counts != want {
		t.Errorf("counts = %+v, want %+v", cur.Counts, want)
	}
	checkRate(t, "lead_time_days_median", cur.LeadTimeMedian, ptr(5.0))
	checkRate(t, "lead_time_days_p90", cur.LeadTimeP90, ptr(8+1.0/3+0.6*(13+7.0/24-8-1.0/3)))
	if want := (report.Clients{Clients: 4, New: 2, Completed: 3, Rebooked: 1}); cur.Clients != want {
		t.Errorf("clients = %+v, want %+v", cur.Clients, want)
	}
	if cur.Clients.Returning() != 2 {
		t.Errorf("returning = %d, want 2", cur.Clients.Returning())
	}
	checkRate(t, "rebooking_rate", cur.Clients.RebookingRate(), ptr(1.0/3))
	checkCents(t, "revenue_cents", cur.RevenueCents, ptr(int64(12000)))
	checkRate(t, "avg_ticket_cents", cur.AvgTicketCents, ptr(4000.0))

	wantStaff := []report.Staff{
		{EmployeeID: 1, Bookings: 2, Completed: 2, RevenueCents: ptr(int64(6000))},
		{EmployeeID: 2, Bookings: 2, Completed: 1, RevenueCents: ptr(int64(6000))},
		{EmployeeID: 3, Bookings: 1, Canceled: 1},
	}
	if len(cur.Staff) != len(wantStaff) {
		t.Fatalf("staff = %+v, want %+v", cur.Staff, wantStaff)
	}
	for i, w := range wantStaff {
		g := cur.Staff[i]
		if g.EmployeeID != w.EmployeeID || g.Bookings != w.Bookings || g.Completed != w.Completed || g.Canceled != w.Canceled || g.NoShow != w.NoShow {
			t.Errorf("staff[%d] = %+v, want %+v", i, g, w)
		}
		checkCents(t, "staff revenue", g.RevenueCents, w.RevenueCents)
	}
	checkRate(t, "employee 3 cancellation_rate", cur.Staff[2].CancellationRate(), ptr(1.0))

	var wantGrid [7][24]int64
	wantGrid[0][12], wantGrid[1][9], wantGrid[2][10], wantGrid[4][16] = 1, 1, 1, 1
	if cur.ByWeekdayHour != wantGrid {
		t.Errorf("by_weekday_hour = %v, want Mon 12, Tue 9, Wed 10, Fri 16", cur.ByWeekdayHour)
	}

	checkRate(t, "previous lead_time_days_median", prev.LeadTimeMedian, ptr(3.0))
	checkRate(t, "previous lead_time_days_p90", prev.LeadTimeP90, ptr(3.0))
	if want := (report.Clients{Clients: 2, New: 1, Completed: 1}); prev.Clients != want {
		t.Errorf("previous clients = %+v, want %+v", prev.Clients, want)
	}
	checkRate(t, "previous rebooking_rate", prev.Clients.RebookingRate(), ptr(0.0))
	checkCents(t, "previous revenue_cents", prev.RevenueCents, ptr(int64(5000)))
	checkRate(t, "previous avg_ticket_cents", prev.AvgTicketCents, ptr(5000.0))

	// Salon 11 has no amounts at all.
	checkCents(t, "salon 11 revenue_cents", s11.Current.RevenueCents, nil)
	checkRate(t, "salon 11 avg_ticket_cents", s11.Current.AvgTicketCents, nil)
	if len(s11.Current.Staff) != 1 || s11.Current.Staff[0].RevenueCents != nil || s11.Current.Staff[0].Completed != 1 {
		t.Errorf("salon 11 staff = %+v, want employee 5 with 1 completed and no revenue", s11.Current.Staff)
	}
	if want := (report.Clients{Clients: 1, New: 1, Completed: 1}); s11.Current.Clients != want {
		t.Errorf("salon 11 clients = %+v, want %+v", s11.Current.Clients, want)
	}
	// An empty previous period: null lead times and rebooking rate.
	if s11.Previous.LeadTimeMedian != nil || s11.Previous.Clients.RebookingRate() != nil || s11.Previous.RevenueCents != nil {
		t.Errorf("salon 11 previous = %+v, want null figures", s11.Previous)
	}

	// Salon 10 alone gives the same figures as with salon 11.
	alone := reports(t, db, "2026-03-01", "2026-03-08", queries.Salon{ID: 10})[0]
	if alone.Current.Clients != cur.Clients || *alone.Current.LeadTimeP90 != *cur.LeadTimeP90 || len(alone.Current.Staff) != 3 {
		t.Errorf("salon 10 alone differs: %+v", alone.Current)
	}
}

// TestLateCancellationAcrossDST: Madrid moves its clocks from 02:00 CET to
// 03:00 CEST on 2026-03-29, so that day has 23 hours. The 24 h of a late
// cancellation are wall-clock hours in the salon's time zone.
//
//	1201 booked 03-29 11:30 local, canceled 03-28 10:00 UTC = 11:00 CET:
//	     24 h 30 m before on the wall clock, not late (only 23 h 30 m of
//	     real time: 11:30 CEST is 09:30 UTC)
//	1202 booked 03-29 11:30 local, canceled 03-28 10:45 UTC = 11:45 CET:
//	     23 h 45 m before on the wall clock, late
//
// Lead times, created in wall time: 1201 03-20 11:30 UTC = 12:30 CET ->
// 8 d 23 h = 8.958333; 1202 03-27 11:30 UTC = 12:30 CET -> 1 d 23 h =
// 1.958333. Median (1.958333 + 8.958333) / 2 = 5.458333; p90 1.958333 +
// 0.9 x 7 = 8.258333. Read as a UTC salon, the cancellations come 25 h 30 m
// and 24 h 45 m before: neither is late.
func TestLateCancellationAcrossDST(t *testing.T) {
	dir := t.TempDir()
	bt.WriteFiles(t, dir, map[string][]booking.Event{"dst": {
		bt.Event(t, "d1a", 1201, 12, booking.Pending, "2026-03-20 11:30", "2026-03-29 11:30"),
		bt.Event(t, "d1b", 1201, 12, booking.Canceled, "2026-03-28 10:00", "2026-03-29 11:30"),
		bt.Event(t, "d2a", 1202, 12, booking.Pending, "2026-03-27 11:30", "2026-03-29 11:30"),
		bt.Event(t, "d2b", 1202, 12, booking.Canceled, "2026-03-28 10:45", "2026-03-29 11:30"),
	}})
	db := openFixture(t, dir, nil)
	madrid := reports(t, db, "2026-03-23", "2026-03-30", queries.Salon{ID: 12, TimeZone: "Europe/Madrid"})[0]
	if c := madrid.Current.Counts; c.Canceled != 2 || c.LateCanceled != 1 {
		t.Errorf("Madrid: %+v, want 2 canceled, 1 late", c)
	}
	checkRate(t, "Madrid lead median", madrid.Current.LeadTimeMedian, ptr((1+23.0/24+8+23.0/24)/2))
	checkRate(t, "Madrid lead p90", madrid.Current.LeadTimeP90, ptr(1+23.0/24+0.9*7))
	utc := reports(t, db, "2026-03-23", "2026-03-30", queries.Salon{ID: 12})[0]
	if c := utc.Current.Counts; c.Canceled != 2 || c.LateCanceled != 0 {
		t.Errorf("as UTC: %+v, want 2 canceled, none late", c)
	}
}

func checkCents(t *testing.T, name string, got, want *int64) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil || *got != *want:
		t.Errorf("%s = %v, want %v", name, deref(got), deref(want))
	}
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestBookingTimeline reads booking 101 of the report fixture: created,
// confirmed, completed, the completion delivered twice.
func TestBookingTimeline(t *testing.T) {
	db := openFixture(t, writeFixture(t), nil)
	tl, err := db.BookingTimeline(context.Background(), 101)
	if err != nil {
		t.Fatal(err)
	}
	if len(tl.Entries) != 3 || tl.Entries[2].EventID != "e101c" || tl.Entries[2].Copies != 2 {
		t.Fatalf("entries = %+v, want 3 with e101c delivered twice", tl.Entries)
	}
	if tl.State == nil || tl.State.Status != booking.Completed || tl.State.CompletedAt == nil || !tl.State.CompletedAt.Equal(bt.Time(t, "2026-03-02 11:00")) {
		t.Errorf("state = %+v, want completed at 2026-03-02 11:00", tl.State)
	}
	if len(tl.Anomalies) != 1 || tl.Anomalies[0].Kind != "duplicate_delivery" {
		t.Errorf("anomalies = %+v, want one duplicate_delivery", tl.Anomalies)
	}
	// 104 was rescheduled from 02-27 18:00 to 03-04 18:00.
	tl, err = db.BookingTimeline(context.Background(), 104)
	if err != nil {
		t.Fatal(err)
	}
	if r := tl.Entries[1].RescheduledFrom; r == nil || !r.Equal(bt.Time(t, "2026-02-27 18:00")) {
		t.Errorf("104's second event rescheduled from %v, want 2026-02-27 18:00", r)
	}
	if _, err := db.BookingTimeline(context.Background(), 999); err == nil || err.Error() != "booking 999 not found" {
		t.Errorf("unknown booking: %v", err)
	}
}

// Asking for every salon of the source without narrowing the read gives
// the same reports as the narrowed read.
func TestEverySalonReadsTheSame(t *testing.T) {
	db := openFixture(t, writeFixture(t), nil)
	salons := []queries.Salon{{ID: 1}, {ID: 2}, {ID: 3, TimeZone: "America/Lima"}}
	req := queries.ReportRequest{Salons: salons, From: date(t, "2026-03-01"), To: date(t, "2026-03-08")}
	narrowed, err := db.Reports(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	req.EverySalon = true
	every, err := db.Reports(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	for i := range salons {
		a, b := narrowed[i], every[i]
		if a.Current.Counts != b.Current.Counts || a.Previous.Counts != b.Previous.Counts || a.Current.Clients != b.Current.Clients || a.Current.ByHour != b.Current.ByHour {
			t.Errorf("salon %d: narrowed %+v, every %+v", salons[i].ID, a.Current, b.Current)
		}
	}
}
