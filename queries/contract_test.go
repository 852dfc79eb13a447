package queries_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/report"
)

// writeOther writes a file of another producer, bt.OtherProducer's (INT32
// ids, ms and ns units, UTC adjustment flipped) or bt.Nullable's, as
// bookings/dt=<day>/<name>.parquet.
func writeOther(t *testing.T, dir, day, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, "bookings", "dt="+day, name+".parquet")
	if err := mkdirAll(filepath.Dir(path)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A source that mixes id widths is read in either file order, every id as
// a BIGINT. The standard file m-standard holds 60 pending bookings of salon
// 5 (ids 1..60, at 03-04 09:00): enough for DuckDB to push a Bloom filter
// of the salon's booking ids into the scan, which it cannot do for a file
// of INT32 ids. The other producer's file (INT32 ids, ms/ns units, UTC
// flags flipped) holds booking 501: created, then canceled 03-02 16:00 for
// 03-03 15:00, 23 h before: late. When the INT32 file sorts first, a third
// file z-wide holds booking 5,000,000,000 (too wide for INT32), pending at
// 03-04 11:00.
//
// Period [03-01, 03-08), INT64 first: bookings 60 + 1 = 61, pending 60,
// canceled 1, late 1; by_hour[9] = 60, 501 is canceled so hour 15 = 0.
// INT32 first: the wide booking adds 1 to bookings and pending, by_hour[11] = 1.
func TestMixedIdWidthsInEitherFileOrder(t *testing.T) {
	at := func(s string) time.Time { return bt.Time(t, s) }
	var standard []booking.Event
	for id := int64(1); id <= 60; id++ {
		standard = append(standard, bt.Event(t, fmt.Sprintf("s%d", id), id, 5, booking.Pending, "2026-02-21 10:00", "2026-03-04 09:00"))
	}
	created := []booking.Event{{EventID: "o1", EventType: "created", OccurredAt: at("2026-02-21 10:00"), IngestedAt: at("2026-02-21 10:00"), BookingID: 501, BookingDate: at("2026-03-03 15:00"), Status: 1, SalonID: 5}}
	canceled := []booking.Event{{EventID: "o2", EventType: "canceled", OccurredAt: at("2026-03-02 16:00"), IngestedAt: at("2026-03-02 16:00"), BookingID: 501, BookingDate: at("2026-03-03 15:00"), Status: 4, SalonID: 5}}

	for _, tc := range []struct {
		name, otherFile string
		wide            bool
		want            report.Counts
		hour11          int64
	}{
		{"int32 file first", "a-other", true, report.Counts{Bookings: 62, Pending: 61, Canceled: 1, LateCanceled: 1}, 1},
		{"int64 file first", "z-other", false, report.Counts{Bookings: 61, Pending: 60, Canceled: 1, LateCanceled: 1}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string][]booking.Event{"m-standard": standard}
			if tc.wide {
				files["z-wide"] = []booking.Event{bt.Event(t, "wide", 5_000_000_000, 5, booking.Pending, "2026-02-21 11:00", "2026-03-04 11:00")}
			}
			bt.WriteFiles(t, dir, files)
			writeOther(t, dir, "2026-02-21", tc.otherFile, bt.OtherProducer(t, created))
			writeOther(t, dir, "2026-03-02", tc.otherFile, bt.OtherProducer(t, canceled))
			db := openFixture(t, dir, nil)
			r := reports(t, db, "2026-03-01", "2026-03-08", queries.Salon{ID: 5})[0]
			if r.Current.Counts != tc.want {
				t.Errorf("counts = %+v, want %+v", r.Current.Counts, tc.want)
			}
			if r.Current.ByHour[9] != 60 || r.Current.ByHour[11] != tc.hour11 || r.Current.ByHour[15] != 0 {
				t.Errorf("by_hour[9,11,15] = %d, %d, %d; want 60, %d, 0", r.Current.ByHour[9], r.Current.ByHour[11], r.Current.ByHour[15], tc.hour11)
			}
			var occurred time.Time
			if err := db.Conn().QueryRowContext(context.Background(), "SELECT occurred_at FROM events WHERE event_id = 'o2'").Scan(&occurred); err != nil || !occurred.Equal(at("2026-03-02 16:00")) {
				t.Errorf("o2 occurred_at read as %v (%v), want 2026-03-02 16:00", occurred, err)
			}
		})
	}
}

// Rows outside the contract are left out of both views and counted. The
// good file holds booking 1 (pending), 2 (canceled), 3 (completed), all at
// salon 7 on 03-03 10:00. The bad file, which sorts after it, holds:
//
//	booking 4 with status 0, booking 5 with status 9 (an hour-9 slot), booking 6 with a null status
//	a null booking_id, a null booking_date (booking 8), a null event_id (booking 9), all at salon 7
//	booking 1 again with status 9 under a new event id: the later event is invalid, so 1 stays pending
//	a null salon_id for booking 10
//
// Salon 7's report over [03-03, 03-04): bookings 3 = pending 1 + canceled 1 +
// completed 1; by_hour[10] = 2 (the canceled one is not counted),
// by_hour[9] = 0. Left out of salon 7's bookings: the 7 rows of bookings 4,
// 5, 6, 8, 9, booking 1's status 9 and the row without a booking_id, which
// names salon 7 (the row without a salon_id names no salon; over the whole
// source it counts too: 8). The first by file and row is booking 4's status 0.
func TestRowsOutsideTheContractAreLeftOut(t *testing.T) {
	dir := t.TempDir()
	bt.WriteFiles(t, dir, map[string][]booking.Event{"a-good": {
		bt.Event(t, "g1", 1, 7, booking.Pending, "2026-03-01 08:00", "2026-03-03 10:00"),
		bt.Event(t, "g2", 2, 7, booking.Canceled, "2026-03-01 08:00", "2026-03-03 10:00"),
		bt.Event(t, "g3", 3, 7, booking.Completed, "2026-03-01 08:00", "2026-03-03 10:00"),
	}})
	at := bt.Time(t, "2026-03-01 09:00")
	date := bt.Time(t, "2026-03-03 09:00")
	row := func(id string, b int64, st booking.Status, null ...string) bt.NullRow {
		return bt.NullRow{Event: booking.Event{EventID: id, EventType: "created", OccurredAt: at, IngestedAt: at, BookingID: b, BookingDate: date, Status: st, SalonID: 7}, Null: null}
	}
	nullBooking := row("n1", 0, 1, "booking_id")
	nullDate := row("n2", 8, 1, "booking_date")
	nullEvent := row("", 9, 1, "event_id")
	nullStatus := row("n3", 6, 1, "status")
	nullSalon := row("n4", 10, 1, "salon_id")
	later := row("n5", 1, 9)
	later.OccurredAt = bt.Time(t, "2026-03-02 09:00")
	bad := writeOther(t, dir, "2026-03-01", "b-bad", bt.Nullable(t, []bt.NullRow{
		row("x4", 4, 0), row("x5", 5, 9), nullStatus, nullBooking, nullDate, nullEvent, later, nullSalon,
	}))

	db := openFixture(t, dir, nil)
	r := reports(t, db, "2026-03-03", "2026-03-04", queries.Salon{ID: 7})[0]
	want := report.Counts{Bookings: 3, Pending: 1, Canceled: 1, Completed: 1}
	if r.Current.Counts != want {
		t.Errorf("counts = %+v, want %+v", r.Current.Counts, want)
	}
	if r.Current.ByHour[10] != 2 || r.Current.ByHour[9] != 0 {
		t.Errorf("by_hour[10] = %d, by_hour[9] = %d; want 2 and 0", r.Current.ByHour[10], r.Current.ByHour[9])
	}
	left, err := db.RowsLeftOut(context.Background(), []int64{7})
	if err != nil {
		t.Fatal(err)
	}
	if left.Rows != 7 || left.FirstFile != bad || left.FirstWhy != "status 0 is outside 1..5" {
		t.Errorf("left out = %+v, want 7 rows, first in %s (status 0)", left, bad)
	}
	wantWarning := "warning: left out 7 rows of these salons' bookings that break the data contract, first in " + bad + " (status 0 is outside 1..5)"
	if left.Warning() != wantWarning {
		t.Errorf("warning = %q\nwant      %q", left.Warning(), wantWarning)
	}
	// Over the whole source the row without a salon_id counts too.
	all, err := db.RowsLeftOut(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if all.Rows != 8 {
		t.Errorf("left out over every booking = %d, want 8", all.Rows)
	}
	// The events view holds the 3 good events only; the bookings view 3
	// bookings whose statuses sum to its count.
	var events, bookings, valid int
	err = db.Conn().QueryRowContext(context.Background(), "SELECT (SELECT count(*) FROM events), count(*), count(*) FILTER (WHERE status BETWEEN 1 AND 5) FROM bookings").Scan(&events, &bookings, &valid)
	if err != nil {
		t.Fatal(err)
	}
	if events != 3 || bookings != 3 || valid != 3 {
		t.Errorf("events = %d, bookings = %d (valid %d); want 3, 3, 3", events, bookings, valid)
	}
}

// Two copies of one event_id that differ: both views take the copy with
// the earliest ingested_at, and on a tie the one in the first file by name.
//
//	booking 1: e1 in a.parquet says canceled, ingested 12:00; in b.parquet
//	           confirmed, ingested 11:00 -> b's copy (earlier) -> confirmed
//	booking 2: e2 in a.parquet says canceled, in b.parquet confirmed, both
//	           ingested 11:00 -> a's copy (first file) -> canceled
//
// The report over [03-05, 03-06): bookings 2, confirmed 1, canceled 1.
func TestConflictingCopiesFollowOneRule(t *testing.T) {
	dir := t.TempDir()
	copyOf := func(id string, b int64, st booking.Status, ingested string) booking.Event {
		e := bt.Event(t, id, b, 3, st, "2026-03-01 10:00", "2026-03-05 10:00")
		e.IngestedAt = bt.Time(t, ingested)
		return e
	}
	bt.WriteFiles(t, dir, map[string][]booking.Event{
		"a": {copyOf("e1", 1, booking.Canceled, "2026-03-01 12:00"), copyOf("e2", 2, booking.Canceled, "2026-03-01 11:00")},
		"b": {copyOf("e1", 1, booking.Confirmed, "2026-03-01 11:00"), copyOf("e2", 2, booking.Confirmed, "2026-03-01 11:00")},
	})
	db := openFixture(t, dir, nil)
	for _, tc := range []struct {
		booking    int64
		wantStatus int
	}{{1, 2}, {2, 4}} {
		var event, state int
		err := db.Conn().QueryRowContext(context.Background(),
			"SELECT (SELECT status FROM events WHERE booking_id = $1), (SELECT status FROM bookings WHERE booking_id = $1)", tc.booking).Scan(&event, &state)
		if err != nil {
			t.Fatal(err)
		}
		if event != tc.wantStatus || state != tc.wantStatus {
			t.Errorf("booking %d: events view status %d, bookings view %d; want %d in both", tc.booking, event, state, tc.wantStatus)
		}
	}
	r := reports(t, db, "2026-03-05", "2026-03-06", queries.Salon{ID: 3})[0]
	if want := (report.Counts{Bookings: 2, Confirmed: 1, Canceled: 1}); r.Current.Counts != want {
		t.Errorf("counts = %+v, want %+v", r.Current.Counts, want)
	}
	var n int
	if err := db.Conn().QueryRowContext(context.Background(), "SELECT count(*) FROM events").Scan(&n); err != nil || n != 2 {
		t.Errorf("events view has %d rows (%v), want 2", n, err)
	}
}

// A share of the memory becomes a size DuckDB accepts: 50% of 8 GiB is
// 4 GiB. Before, DuckDB refused "50%" as it opened.
func TestMemoryLimitShare(t *testing.T) {
	ctx := context.Background()
	db, err := queries.Open(ctx, queries.Options{MemoryLimit: "50%", MemTotal: func() (int64, error) { return 8 << 30, nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var limit string
	if err := db.Conn().QueryRowContext(ctx, "SELECT current_setting('memory_limit')").Scan(&limit); err != nil {
		t.Fatal(err)
	}
	if limit != "4.0 GiB" {
		t.Errorf("memory_limit = %q, want 4.0 GiB", limit)
	}
	if _, err := queries.Open(ctx, queries.Options{MemoryLimit: "150%"}); err == nil || err.Error() != `memory limit "150%": a share of the memory is more than 0% and at most 100%` {
		t.Errorf("150%%: %v", err)
	}
}
