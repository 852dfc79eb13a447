package queries_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/report"
)

// The fixture: the period is [2026-03-01, 2026-03-08), so the previous one
// is [2026-02-22, 2026-03-01). Every expected number below is counted by
// hand from these events.
//
// Salon 1, current period:
//
//	101 created, confirmed, completed 03-02 10:00; the completion event is
//	    delivered twice (two files)                       -> completed, hour 10
//	102 booked 03-03 15:00, canceled 03-02 15:00: exactly 24 h before -> canceled, not late
//	103 booked 03-03 15:00, canceled 03-02 15:01: 23 h 59 m before    -> canceled, late
//	104 booked 02-27 18:00 (previous period), rescheduled on 02-26 to
//	    03-04 18:00                                       -> pending, hour 18 (moved in)
//	105 booked 03-05 09:00, rescheduled on 03-01 to 03-10 -> out of both periods (moved out)
//	106 booked 03-06 18:00, no-show at 18:30              -> no_show, hour 18
//	107 booked 03-07 10:00, confirmed, canceled 03-05 12:00 (46 h before)
//	    -> canceled, not late; as of 03-05 00:00 still confirmed
//
// Salon 1, previous period:
//
//	201 booked 02-23 10:00, completed                     -> completed, hour 10
//	202 booked 02-24 19:00, canceled 02-24 10:00 (9 h before) -> canceled, late
//	203 booked 02-28 12:00, only created                  -> pending, hour 12
//
// Salon 2 (must not leak into salon 1): 301 canceled, 302 completed, both
// in the current period.
//
// Salon 3, time zone America/Lima (UTC-5): 401 booked 03-03 10:00 local
// (15:00 UTC), canceled at 2026-03-02 14:30 UTC = 09:30 Lima, 24 h 30 m
// before: not late. Read as if the salon were on UTC it would be 19 h 30 m
// before, late.
func writeFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ev := func(id string, b, salon int64, st booking.Status, at, date string) booking.Event {
		return bt.Event(t, id, b, salon, st, at, date)
	}
	rescheduled := func(e booking.Event) booking.Event {
		e.EventType = "rescheduled"
		return e
	}
	completed101 := ev("e101c", 101, 1, booking.Completed, "2026-03-02 11:00", "2026-03-02 10:00")
	redelivered := completed101
	redelivered.IngestedAt = redelivered.IngestedAt.Add(2 * time.Hour)

	bt.WriteFiles(t, dir, map[string][]booking.Event{
		"batch-1": {
			ev("e101a", 101, 1, booking.Pending, "2026-02-20 10:00", "2026-03-02 10:00"),
			ev("e101b", 101, 1, booking.Confirmed, "2026-02-21 09:00", "2026-03-02 10:00"),
			completed101,
			ev("e102a", 102, 1, booking.Pending, "2026-02-25 12:00", "2026-03-03 15:00"),
			ev("e102b", 102, 1, booking.Canceled, "2026-03-02 15:00", "2026-03-03 15:00"),
			ev("e103a", 103, 1, booking.Pending, "2026-02-25 12:00", "2026-03-03 15:00"),
			ev("e103b", 103, 1, booking.Canceled, "2026-03-02 15:01", "2026-03-03 15:00"),
			ev("e104a", 104, 1, booking.Pending, "2026-02-20 08:00", "2026-02-27 18:00"),
			rescheduled(ev("e104b", 104, 1, booking.Pending, "2026-02-26 09:00", "2026-03-04 18:00")),
			ev("e105a", 105, 1, booking.Pending, "2026-02-20 08:00", "2026-03-05 09:00"),
			ev("e105b", 105, 1, booking.Confirmed, "2026-02-21 08:00", "2026-03-05 09:00"),
			rescheduled(ev("e105c", 105, 1, booking.Confirmed, "2026-03-01 08:00", "2026-03-10 09:00")),
			ev("e106a", 106, 1, booking.Pending, "2026-02-28 08:00", "2026-03-06 18:00"),
			ev("e106b", 106, 1, booking.NoShow, "2026-03-06 18:30", "2026-03-06 18:00"),
			ev("e107a", 107, 1, booking.Pending, "2026-02-25 08:00", "2026-03-07 10:00"),
			ev("e107b", 107, 1, booking.Confirmed, "2026-02-26 08:00", "2026-03-07 10:00"),
			ev("e107c", 107, 1, booking.Canceled, "2026-03-05 12:00", "2026-03-07 10:00"),
		},
		"batch-2": {
			redelivered,
			ev("e201a", 201, 1, booking.Pending, "2026-02-15 10:00", "2026-02-23 10:00"),
			ev("e201b", 201, 1, booking.Completed, "2026-02-23 11:00", "2026-02-23 10:00"),
			ev("e202a", 202, 1, booking.Pending, "2026-02-16 10:00", "2026-02-24 19:00"),
			ev("e202b", 202, 1, booking.Canceled, "2026-02-24 10:00", "2026-02-24 19:00"),
			ev("e203a", 203, 1, booking.Pending, "2026-02-27 10:00", "2026-02-28 12:00"),
			ev("e301a", 301, 2, booking.Pending, "2026-02-27 10:00", "2026-03-03 10:00"),
			ev("e301b", 301, 2, booking.Canceled, "2026-03-03 09:00", "2026-03-03 10:00"),
			ev("e302a", 302, 2, booking.Pending, "2026-02-27 10:00", "2026-03-02 11:00"),
			ev("e302b", 302, 2, booking.Completed, "2026-03-02 12:00", "2026-03-02 11:00"),
			ev("e401a", 401, 3, booking.Pending, "2026-02-20 10:00", "2026-03-03 10:00"),
			ev("e401b", 401, 3, booking.Canceled, "2026-03-02 14:30", "2026-03-03 10:00"),
		},
	})
	return dir
}

func openFixture(t *testing.T, dir string, asOf *time.Time) *queries.DB {
	t.Helper()
	ctx := context.Background()
	db, err := queries.Open(ctx, queries.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Attach(ctx, layout.NewLocal(dir), asOf); err != nil {
		t.Fatal(err)
	}
	return db
}

func date(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := report.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func reports(t *testing.T, db *queries.DB, from, to string, salons ...queries.Salon) []report.Report {
	t.Helper()
	rs, err := db.Reports(context.Background(), queries.ReportRequest{Salons: salons, From: date(t, from), To: date(t, to)})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func ptr[T any](v T) *T { return &v }

func TestReportFixture(t *testing.T) {
	dir := writeFixture(t)
	db := openFixture(t, dir, nil)
	rs := reports(t, db, "2026-03-01", "2026-03-08", queries.Salon{ID: 1}, queries.Salon{ID: 2})
	s1, s2 := rs[0], rs[1]

	wantCurrent := report.Counts{Bookings: 6, Pending: 1, Confirmed: 0, Completed: 1, Canceled: 3, NoShow: 1, LateCanceled: 1}
	if s1.Current.Counts != wantCurrent {
		t.Errorf("salon 1 current counts = %+v, want %+v", s1.Current.Counts, wantCurrent)
	}
	checkRate(t, "cancellation_rate", s1.Current.CancellationRate(), ptr(3.0/6))
	checkRate(t, "late_cancellation_rate", s1.Current.LateCancellationRate(), ptr(1.0/6))
	checkRate(t, "no_show_rate", s1.Current.NoShowRate(), ptr(1.0/6))
	var wantHours [24]int64
	wantHours[10], wantHours[18] = 1, 2
	if s1.Current.ByHour != wantHours {
		t.Errorf("salon 1 by_hour = %v, want %v", s1.Current.ByHour, wantHours)
	}
	if h := s1.Current.PeakHour(); h == nil || *h != 18 {
		t.Errorf("salon 1 peak hour = %v, want 18", h)
	}
	wantDaily := []report.Day{
		{Date: date(t, "2026-03-01")},
		{Date: date(t, "2026-03-02"), Bookings: 1},
		{Date: date(t, "2026-03-03"), Bookings: 2, Canceled: 2},
		{Date: date(t, "2026-03-04"), Bookings: 1},
		{Date: date(t, "2026-03-05")},
		{Date: date(t, "2026-03-06"), Bookings: 1},
		{Date: date(t, "2026-03-07"), Bookings: 1, Canceled: 1},
	}
	if len(s1.Current.Daily) != len(wantDaily) {
		t.Fatalf("salon 1 daily has %d days, want %d", len(s1.Current.Daily), len(wantDaily))
	}
	for i, d := range wantDaily {
		if !s1.Current.Daily[i].Date.Equal(d.Date) || s1.Current.Daily[i].Bookings != d.Bookings || s1.Current.Daily[i].Canceled != d.Canceled {
			t.Errorf("salon 1 daily[%d] = %+v, want %+v", i, s1.Current.Daily[i], d)
		}
	}

	// The previous period: 104 moved out of it, 201-203 are in it.
	wantPrevious := report.Counts{Bookings: 3, Pending: 1, Completed: 1, Canceled: 1, LateCanceled: 1}
	if s1.Previous.Counts != wantPrevious {
		t.Errorf("salon 1 previous counts = %+v, want %+v", s1.Previous.Counts, wantPrevious)
	}
	if !s1.Previous.From.Equal(date(t, "2026-02-22")) || !s1.Previous.To.Equal(date(t, "2026-03-01")) {
		t.Errorf("previous period = %v..%v, want 2026-02-22..2026-03-01", s1.Previous.From, s1.Previous.To)
	}
	checkRate(t, "previous no_show_rate", s1.Previous.NoShowRate(), ptr(0.0))
	// 201 at 10:00 and 203 at 12:00 tie with one each: the earliest wins.
	if h := s1.Previous.PeakHour(); h == nil || *h != 10 {
		t.Errorf("salon 1 previous peak hour = %v, want 10", h)
	}

	wantSalon2 := report.Counts{Bookings: 2, Completed: 1, Canceled: 1, LateCanceled: 1}
	if s2.Current.Counts != wantSalon2 {
		t.Errorf("salon 2 current counts = %+v, want %+v", s2.Current.Counts, wantSalon2)
	}
	if s2.Previous.Counts != (report.Counts{}) {
		t.Errorf("salon 2 previous counts = %+v, want none", s2.Previous.Counts)
	}

	// Asked alone, salon 1 gives the same figures: nothing leaks between
	// salons in a shared run.
	alone := reports(t, db, "2026-03-01", "2026-03-08", queries.Salon{ID: 1})[0]
	if alone.Current.Counts != s1.Current.Counts || alone.Previous.Counts != s1.Previous.Counts {
		t.Errorf("salon 1 alone = %+v / %+v, with salon 2 = %+v / %+v", alone.Current.Counts, alone.Previous.Counts, s1.Current.Counts, s1.Previous.Counts)
	}
}

func TestEventsViewDeduplicates(t *testing.T) {
	db := openFixture(t, writeFixture(t), nil)
	var rows, distinct int
	err := db.Conn().QueryRowContext(context.Background(), "SELECT count(*), count(DISTINCT event_id) FROM events").Scan(&rows, &distinct)
	if err != nil {
		t.Fatal(err)
	}
	// 28 distinct events are written (17 in batch-1, 11 more in batch-2),
	// and e101c a second time.
	if rows != 28 || distinct != 28 {
		t.Errorf("events view has %d rows, %d distinct ids; want 28 and 28", rows, distinct)
	}
}

func TestBookingsViewLatestState(t *testing.T) {
	db := openFixture(t, writeFixture(t), nil)
	type row struct {
		status              int
		created             time.Time
		canceled, completed *time.Time
		bookingDate         time.Time
		lastEventType       string
		events              int
	}
	get := func(id int64) row {
		var r row
		err := db.Conn().QueryRowContext(context.Background(),
			"SELECT status, created_at, canceled_at, completed_at, booking_date, last_event_type, event_count FROM bookings WHERE booking_id = $1", id).
			Scan(&r.status, &r.created, &r.canceled, &r.completed, &r.bookingDate, &r.lastEventType, &r.events)
		if err != nil {
			t.Fatalf("booking %d: %v", id, err)
		}
		return r
	}
	b101 := get(101)
	if b101.status != 3 || b101.events != 3 || b101.completed == nil || !b101.completed.Equal(bt.Time(t, "2026-03-02 11:00")) || b101.canceled != nil {
		t.Errorf("booking 101 = %+v, want completed at 2026-03-02 11:00 from 3 events", b101)
	}
	if !b101.created.Equal(bt.Time(t, "2026-02-20 10:00")) {
		t.Errorf("booking 101 created_at = %v, want 2026-02-20 10:00", b101.created)
	}
	b105 := get(105)
	if b105.status != 2 || b105.lastEventType != "rescheduled" || !b105.bookingDate.Equal(bt.Time(t, "2026-03-10 09:00")) {
		t.Errorf("booking 105 = %+v, want confirmed, rescheduled to 2026-03-10 09:00", b105)
	}
	b107 := get(107)
	if b107.canceled == nil || !b107.canceled.Equal(bt.Time(t, "2026-03-05 12:00")) {
		t.Errorf("booking 107 canceled_at = %v, want 2026-03-05 12:00", b107.canceled)
	}
}

func TestBookingsViewTiesAndRecancel(t *testing.T) {
	dir := t.TempDir()
	ev := func(id string, st booking.Status, at string) booking.Event {
		return bt.Event(t, id, 9, 1, st, at, "2026-03-10 10:00")
	}
	bt.WriteFiles(t, dir, map[string][]booking.Event{"b": {
		ev("a", booking.Pending, "2026-03-01 10:00"),
		ev("b", booking.Canceled, "2026-03-02 10:00"),
		ev("c", booking.Confirmed, "2026-03-03 10:00"), // reinstated
		ev("d", booking.Canceled, "2026-03-09 20:00"),  // canceled again, late
		// Same instant as d, lower status: d still wins the tie.
		ev("e", booking.Confirmed, "2026-03-09 20:00"),
	}})
	db := openFixture(t, dir, nil)
	var status int
	var canceled time.Time
	err := db.Conn().QueryRowContext(context.Background(), "SELECT status, canceled_at FROM bookings WHERE booking_id = 9").Scan(&status, &canceled)
	if err != nil {
		t.Fatal(err)
	}
	if status != 4 || !canceled.Equal(bt.Time(t, "2026-03-09 20:00")) {
		t.Errorf("booking 9: status %d canceled_at %v, want 4 at 2026-03-09 20:00 (the second cancellation)", status, canceled)
	}
	r := reports(t, db, "2026-03-10", "2026-03-11", queries.Salon{ID: 1})[0]
	if r.Current.Counts.LateCanceled != 1 {
		t.Errorf("late cancellations = %d, want 1: the cancellation that stands came 14 h before", r.Current.Counts.LateCanceled)
	}
}

// Two events of one booking at the same instant with the same status: the
// higher event_id is the latest, in the report as in the bookings view,
// whichever file or row holds it. Booking 9 is completed twice at 11:00,
// by "k" (employee 701, 3000) and "m" (employee 702, 5000): "m" stands.
// Booking 8 is canceled, reinstated, and canceled again at the instant of a
// confirmation (the higher status wins the tie): the cancellation stands
// from 03-09 20:00, 14 h before its date, so it is late (from 03-02 it
// would not be).
func TestReportTiesByEventID(t *testing.T) {
	dir := t.TempDir()
	done := func(id string, employee, cents int64) booking.Event {
		e := bt.Event(t, id, 9, 1, booking.Completed, "2026-03-10 11:00", "2026-03-10 10:00")
		e.EmployeeID, e.AmountCents = booking.Ptr(employee), booking.Ptr(cents)
		return e
	}
	ev := func(id string, st booking.Status, at string) booking.Event {
		return bt.Event(t, id, 8, 1, st, at, "2026-03-10 10:00")
	}
	bt.WriteFiles(t, dir, map[string][]booking.Event{
		"a": {bt.Event(t, "j", 9, 1, booking.Pending, "2026-03-01 10:00", "2026-03-10 10:00"), done("m", 702, 5000)},
		"b": {done("k", 701, 3000)},
		"c": {
			ev("p", booking.Pending, "2026-03-01 10:00"),
			ev("q", booking.Canceled, "2026-03-02 10:00"),
			ev("r", booking.Confirmed, "2026-03-09 20:00"),
			ev("s", booking.Canceled, "2026-03-09 20:00"),
		},
	})
	db := openFixture(t, dir, nil)
	// One salon's scope, and every salon of the source (no scope).
	for _, every := range []bool{false, true} {
		rs, err := db.Reports(context.Background(), queries.ReportRequest{Salons: []queries.Salon{{ID: 1}}, From: date(t, "2026-03-10"), To: date(t, "2026-03-11"), EverySalon: every})
		if err != nil {
			t.Fatal(err)
		}
		r := rs[0]
		if r.Current.RevenueCents == nil || *r.Current.RevenueCents != 5000 {
			t.Errorf("every salon %v: revenue = %v, want 5000: event m (the higher event_id) stands", every, r.Current.RevenueCents)
		}
		for _, st := range r.Current.Staff {
			if st.EmployeeID == 701 || (st.EmployeeID == 702 && (st.RevenueCents == nil || *st.RevenueCents != 5000)) {
				t.Errorf("every salon %v: staff = %+v, want employee 702 with 5000 and no 701", every, r.Current.Staff)
			}
		}
		if c := r.Current.Counts; c.Bookings != 2 || c.Completed != 1 || c.Canceled != 1 || c.LateCanceled != 1 {
			t.Errorf("every salon %v: counts = %+v, want 2 bookings, 1 completed, 1 canceled late", every, c)
		}
	}
}

func TestAsOf(t *testing.T) {
	dir := writeFixture(t)
	for _, tc := range []struct {
		name      string
		asOf      string
		want      report.Counts
		wantPeak  int
		wantHours map[int]int64
	}{
		{
			// Before 107's cancellation (03-05 12:00) and 106's no-show (03-06 18:30).
			name:      "before the cancellation",
			asOf:      "2026-03-05 00:00",
			want:      report.Counts{Bookings: 6, Pending: 2, Confirmed: 1, Completed: 1, Canceled: 2, LateCanceled: 1},
			wantPeak:  10, // 101 and 107 at 10:00 tie with 104 and 106 at 18:00
			wantHours: map[int]int64{10: 2, 18: 2},
		},
		{
			name:      "after the cancellation",
			asOf:      "2026-03-05 12:00",
			want:      report.Counts{Bookings: 6, Pending: 2, Completed: 1, Canceled: 3, LateCanceled: 1},
			wantPeak:  18,
			wantHours: map[int]int64{10: 1, 18: 2},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			asOf := bt.Time(t, tc.asOf)
			db := openFixture(t, dir, &asOf)
			r := reports(t, db, "2026-03-01", "2026-03-08", queries.Salon{ID: 1})[0]
			if r.Current.Counts != tc.want {
				t.Errorf("counts = %+v, want %+v", r.Current.Counts, tc.want)
			}
			if h := r.Current.PeakHour(); h == nil || *h != tc.wantPeak {
				t.Errorf("peak hour = %v, want %d", h, tc.wantPeak)
			}
			for h, n := range r.Current.ByHour {
				if n != tc.wantHours[h] {
					t.Errorf("by_hour[%d] = %d, want %d", h, n, tc.wantHours[h])
				}
			}
		})
	}
}

func TestEmptyPeriod(t *testing.T) {
	db := openFixture(t, writeFixture(t), nil)
	r := reports(t, db, "2025-01-01", "2025-01-08", queries.Salon{ID: 1})[0]
	if r.Current.Counts != (report.Counts{}) || r.Previous.Counts != (report.Counts{}) {
		t.Errorf("counts = %+v / %+v, want zero", r.Current.Counts, r.Previous.Counts)
	}
	if r.Current.CancellationRate() != nil || r.Current.NoShowRate() != nil || r.Current.LateCancellationRate() != nil || r.Current.PeakHour() != nil {
		t.Error("rates and peak hour of an empty period must be null")
	}
	if len(r.Current.Daily) != 7 {
		t.Errorf("daily has %d entries, want one per day (7)", len(r.Current.Daily))
	}
}

func TestSalonTimeZone(t *testing.T) {
	db := openFixture(t, writeFixture(t), nil)
	lima := reports(t, db, "2026-03-01", "2026-03-08", queries.Salon{ID: 3, TimeZone: "America/Lima"})[0]
	utc := reports(t, db, "2026-03-01", "2026-03-08", queries.Salon{ID: 3})[0]
	if lima.Current.Counts.Canceled != 1 || lima.Current.Counts.LateCanceled != 0 {
		t.Errorf("Lima salon: %+v, want 1 canceled, 0 late (24 h 30 m before)", lima.Current.Counts)
	}
	if utc.Current.Counts.LateCanceled != 1 {
		t.Errorf("same salon read as UTC: %d late, want 1 (19 h 30 m before)", utc.Current.Counts.LateCanceled)
	}
}

func TestSalonsPresent(t *testing.T) {
	db := openFixture(t, writeFixture(t), nil)
	ids, err := db.SalonsPresent(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 3 || ids[0] != 1 || ids[1] != 2 || ids[2] != 3 {
		t.Errorf("salons present = %v, want [1 2 3]", ids)
	}
}

func TestNoBookingFiles(t *testing.T) {
	db, err := queries.Open(context.Background(), queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir := t.TempDir()
	err = db.Attach(context.Background(), layout.NewLocal(dir), nil)
	// The demo command and --source are the CLI's to suggest (cli's hints).
	var none *queries.NoBookingFilesError
	if err == nil || !errors.As(err, &none) || !strings.Contains(err.Error(), dir+"/bookings/dt=*/*.parquet") || strings.Contains(err.Error(), "--") {
		t.Errorf("error = %v, want a NoBookingFilesError naming the pattern searched and no flag", err)
	}
}

func TestCorruptFileIsNamed(t *testing.T) {
	dir := writeFixture(t)
	bad := dir + "/bookings/dt=2026-03-02/zz-broken.parquet"
	if err := writeFile(bad, []byte("PAR1 this is not parquet")); err != nil {
		t.Fatal(err)
	}
	db := openFixture(t, dir, nil)
	_, err := db.Reports(context.Background(), queries.ReportRequest{Salons: []queries.Salon{{ID: 1}}, From: date(t, "2026-03-01"), To: date(t, "2026-03-08")})
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("error = %v, want one naming %s", err, bad)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error spans lines: %q", err)
	}
}

func mkdirAll(dir string) error { return os.MkdirAll(dir, 0o755) }

func writeFile(path string, data []byte) error {
	return os.WriteFile(path, data, 0o644)
}

func checkRate(t *testing.T, name string, got, want *float64) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %v, want %v", name, got, want)
	case abs(*got-*want) > 1e-12:
		t.Errorf("%s = %v, want %v", name, *got, *want)
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// A booking belongs to the salon of its latest event. Were a booking ever
// moved, it would count for the salon it moved to and no longer for the
// one it left, whichever salons a report asks for.
func TestBookingCountsForItsLatestSalon(t *testing.T) {
	dir := t.TempDir()
	bt.WriteFiles(t, dir, map[string][]booking.Event{"b": {
		bt.Event(t, "m1", 8, 1, booking.Pending, "2026-03-01 10:00", "2026-03-03 10:00"),
		bt.Event(t, "m2", 8, 2, booking.Confirmed, "2026-03-02 10:00", "2026-03-03 10:00"),
		bt.Event(t, "s1", 9, 1, booking.Pending, "2026-03-01 10:00", "2026-03-03 11:00"),
	}})
	db := openFixture(t, dir, nil)
	for _, salons := range [][]queries.Salon{{{ID: 1}}, {{ID: 2}}, {{ID: 1}, {ID: 2}}} {
		for _, r := range reports(t, db, "2026-03-03", "2026-03-04", salons...) {
			want := report.Counts{Bookings: 1, Pending: 1} // salon 1: booking 9
			if r.SalonID == 2 {
				want = report.Counts{Bookings: 1, Confirmed: 1} // booking 8
			}
			if r.Current.Counts != want {
				t.Errorf("asking for %v: salon %d = %+v, want %+v", salons, r.SalonID, r.Current.Counts, want)
			}
		}
	}
}
