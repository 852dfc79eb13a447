package athena

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/queries"
)

// TestViewsFollowDuckDBRules runs the Athena views, where Trino and DuckDB
// share their syntax (all of these views), in DuckDB next to the DuckDB
// views of queries/, over one fixture of the rules: both give the rows
// derived by hand below. booking_files is the fixture's rows with "$path"
// as Athena gives it, the object's full name.
//
//	event e1 (booking 1): copy in a.parquet ingested 10:05 (status 2), copy
//	   in b.parquet ingested 10:01 (status 1): the earlier ingested_at wins,
//	   although its file sorts later: status 1
//	event e2 (booking 1): the same ingested_at in c1 (status 3) and c2
//	   (status 4): the first file by name wins: status 3
//	event e3 (booking 2): an invalid copy (status 9, in a0, ingested first)
//	   and a valid one (status 2, in c2): the valid one wins
//	booking 3: canceled 03-02 08:00, reinstated 03-03, canceled again 03-04
//	   09:00, then two events at 03-05 10:00 (statuses 2 and 4) tie on
//	   occurred_at: the higher status (4) is the latest, and ranks after
//	   the 2, so the booking re-entered canceled at 03-05 10:00
//	booking 4: status 9 only: left out of both views
func TestViewsFollowDuckDBRules(t *testing.T) {
	dir := t.TempDir()
	ev := func(id string, bookingID int64, st booking.Status, occurred, ingested string) booking.Event {
		e := bt.Event(t, id, bookingID, 1, st, occurred, "2026-03-10 10:00")
		e.IngestedAt = bt.Time(t, ingested)
		return e
	}
	bt.WriteFiles(t, dir, map[string][]booking.Event{
		"a0": {ev("e3", 2, 9, "2026-03-01 09:00", "2026-03-01 09:00"), ev("e9", 4, 9, "2026-03-01 09:00", "2026-03-01 09:00")},
		"a":  {ev("e1", 1, booking.Confirmed, "2026-03-01 10:00", "2026-03-01 10:05")},
		"b":  {ev("e1", 1, booking.Pending, "2026-03-01 10:00", "2026-03-01 10:01")},
		"c1": {ev("e2", 1, booking.Completed, "2026-03-02 10:00", "2026-03-02 10:00")},
		"c2": {ev("e2", 1, booking.Canceled, "2026-03-02 10:00", "2026-03-02 10:00"), ev("e3", 2, booking.Confirmed, "2026-03-01 09:00", "2026-03-01 09:30")},
		"d": {
			ev("b3-1", 3, booking.Canceled, "2026-03-02 08:00", "2026-03-02 08:00"),
			ev("b3-2", 3, booking.Confirmed, "2026-03-03 08:00", "2026-03-03 08:00"),
			ev("b3-3", 3, booking.Canceled, "2026-03-04 09:00", "2026-03-04 09:00"),
			ev("b3-4", 3, booking.Canceled, "2026-03-05 10:00", "2026-03-05 10:00"),
			ev("b3-5", 3, booking.Confirmed, "2026-03-05 10:00", "2026-03-05 10:00"),
		},
	})
	files, err := filepath.Glob(filepath.Join(dir, "bookings", "dt=*", "*.parquet"))
	if err != nil || len(files) == 0 {
		t.Fatalf("fixture files %v: %v", files, err)
	}
	slices.Sort(files)
	ctx := context.Background()
	db, err := queries.Open(ctx, queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Attach(ctx, layout.NewLocal(dir), nil); err != nil {
		t.Fatal(err)
	}
	conn := db.Conn()
	list := "['" + strings.Join(files, "', '") + "']"
	events, _ := ViewBody(EventsView)
	bookings, _ := ViewBody(BookingsView)
	for _, stmt := range []string{
		`CREATE TEMP TABLE booking_files AS SELECT * EXCLUDE (filename), filename AS "$path" FROM read_parquet(` + list + `, filename = true)`,
		"CREATE TEMP VIEW athena_events AS " + events,
		"CREATE TEMP VIEW athena_bookings AS " + strings.Replace(bookings, "FROM events e", "FROM athena_events e", 1),
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%v\n%s", err, stmt)
		}
	}
	rows := func(query string) []string {
		t.Helper()
		r, err := conn.QueryContext(ctx, query)
		if err != nil {
			t.Fatalf("%v\n%s", err, query)
		}
		defer r.Close()
		cols, _ := r.Columns()
		var out []string
		for r.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, v := range vals {
				if v.Valid {
					parts = append(parts, v.String)
				} else {
					parts = append(parts, "NULL")
				}
			}
			out = append(out, strings.Join(parts, " "))
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	eventsQ := "SELECT event_id, status, strftime(ingested_at, '%%m-%%d %%H:%%M') FROM %s ORDER BY event_id"
	wantEvents := []string{"b3-1 4 03-02 08:00", "b3-2 2 03-03 08:00", "b3-3 4 03-04 09:00", "b3-4 4 03-05 10:00", "b3-5 2 03-05 10:00",
		"e1 1 03-01 10:01", "e2 3 03-02 10:00", "e3 2 03-01 09:30"}
	bookingsQ := "SELECT booking_id, status, strftime(created_at, '%%m-%%d %%H:%%M'), strftime(canceled_at, '%%m-%%d %%H:%%M'), " +
		"strftime(completed_at, '%%m-%%d %%H:%%M'), event_count FROM %s ORDER BY booking_id"
	// Booking 1: e1 pending 03-01, e2 completed 03-02 -> completed since 03-02.
	// Booking 3: ordered by (occurred_at, status, event_id) its statuses
	// are 4, 2, 4, then at 03-05 10:00 b3-5 (2) before b3-4 (4): the latest
	// is b3-4, canceled, and the event before it was confirmed, so canceled
	// since 03-05 10:00.
	wantBookings := []string{"1 3 03-01 10:00 NULL 03-02 10:00 2", "2 2 03-01 09:00 NULL NULL 1", "3 4 03-02 08:00 03-05 10:00 NULL 5"}
	for _, tc := range []struct {
		name, query, view string
		want              []string
	}{
		{"DuckDB events", eventsQ, "events", wantEvents},
		{"Athena events", eventsQ, "athena_events", wantEvents},
		{"DuckDB bookings", bookingsQ, "bookings", wantBookings},
		{"Athena bookings", bookingsQ, "athena_bookings", wantBookings},
	} {
		if got := rows(fmt.Sprintf(tc.query, tc.view)); !slices.Equal(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}
