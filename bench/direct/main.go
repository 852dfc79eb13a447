// Command direct is the reference of `make bench`: it runs the SQL of one
// salon report (the views, report_scope and every metric query over it,
// read from the same embedded .sql files the CLI uses) straight on DuckDB
// through database/sql, with no CLI around it. The CLI's time over this
// one's is what the CLI adds: settings, listing, checks, rendering.
//
//	go run ./bench/direct -source DIR -salon 1 -from 2026-10-28 -to 2026-11-27
//
// -explain prints EXPLAIN ANALYZE of the statement that reads the files
// (scope_rows) instead of timing the
// report; -cpuprofile writes a Go CPU profile.
//
// -anchor runs, instead of the report's SQL, the hand-written headline
// query below (anchorSQL): the least a salon report can cost, what issue 20
// holds the report to (a full `salon` report within 1.5× of it).
package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/report"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "direct:", err)
		os.Exit(1)
	}
}

func run() error {
	source := flag.String("source", "", "the directory that holds bookings/")
	salon := flag.Int64("salon", 1, "salon id")
	fromFlag := flag.String("from", "", "first appointment date, YYYY-MM-DD")
	toFlag := flag.String("to", "", "end date, exclusive")
	explain := flag.Bool("explain", false, "print EXPLAIN ANALYZE of the statement that reads the files")
	cpuprofile := flag.String("cpuprofile", "", "write a Go CPU profile here")
	anchor := flag.Bool("anchor", false, "run the hand-written headline query (anchorSQL) instead of the report's SQL")
	flag.Parse()
	from, err := time.Parse(time.DateOnly, *fromFlag)
	if err != nil {
		return err
	}
	to, err := time.Parse(time.DateOnly, *toFlag)
	if err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	ctx := context.Background()
	files, err := filepath.Glob(filepath.Join(*source, "bookings", "dt=*", "*.parquet"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no files in %s (%v)", *source, err)
	}
	slices.Sort(files)
	// As queries.DB.Attach does: an empty file of docs/design.md's types first,
	// so that every file is read as those types.
	schema, err := booking.EncodeParquet(nil)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "direct-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.WriteFile(filepath.Join(tmp, "schema.parquet"), schema, 0o600); err != nil {
		return err
	}
	files = append([]string{filepath.Join(tmp, "schema.parquet")}, files...)

	connector, err := duckdb.NewConnector("", func(execer driver.ExecerContext) error {
		_, err := execer.ExecContext(ctx, "SET TimeZone = 'UTC'", nil)
		return err
	})
	if err != nil {
		return err
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()

	prevFrom, _ := report.Before(from, to)
	// The parameters of report_scope, as queries.Reports binds them for one
	// salon: the ids, their zones and the periods.
	scopeArgs := []any{[]int64{*salon}, []string{"UTC"}, prevFrom, from, to}
	// report_salons: the ids, zones, the reference instant (the period's
	// end), a week and a period before it, and the dates; report_books
	// takes the narrowing ids.
	ref := to
	salonsArgs := []any{[]int64{*salon}, []string{"UTC"}, ref, ref.AddDate(0, 0, -7), ref.Add(-to.Sub(from)), prevFrom, from, to}
	steps := []struct {
		sql  string
		args []any
	}{
		{"SET VARIABLE instudio_files = $1::VARCHAR[]", []any{files}},
		{"SET VARIABLE instudio_as_of = $1::TIMESTAMP", []any{nil}},
		{queries.Query("events_view"), nil},
		{queries.Query("bookings_view"), nil},
	}
	for _, s := range steps {
		if _, err := conn.ExecContext(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("%.40s: %w", s.sql, err)
		}
	}
	if *anchor {
		if err := drain(ctx, conn, anchorSQL, []int64{*salon}, from, to); err != nil {
			return fmt.Errorf("anchor: %w", err)
		}
		fmt.Fprintf(os.Stderr, "direct: %d files, the anchor query\n", len(files))
		return nil
	}
	if *explain {
		// The statement that reads the files: scope_rows, without the
		// CREATE TABLE around its SELECT.
		const create = "CREATE OR REPLACE TEMP TABLE scope_rows AS"
		scope := queries.Query("scope_rows")
		i := strings.Index(scope, create)
		if i < 0 {
			return fmt.Errorf("scope_rows.sql no longer starts with %q", create)
		}
		rows, err := conn.QueryContext(ctx, "EXPLAIN ANALYZE "+scope[i+len(create):], scopeArgs[0])
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var kind, plan string
			if err := rows.Scan(&kind, &plan); err != nil {
				return err
			}
			fmt.Println(plan)
		}
		return rows.Err()
	}
	// The statements of a report run, as queries.DB runs them: the salon's
	// bookings read once (scope_rows, scope_moved_ids), then report_scope
	// over them.
	for _, s := range []struct {
		sql  string
		args []any
	}{
		{queries.Query("scope_rows"), scopeArgs[:1]},
		{queries.Query("scope_moved_ids"), scopeArgs[:1]},
		// scope_moved_rows runs only when a booking moved between salons,
		// which the bench data never has.
		{queries.Query("scope_view"), nil},
		{queries.Query("report_salons"), salonsArgs},
		{queries.Query("report_books"), []any{[]int64{*salon}}},
		{queries.Query("report_scope"), scopeArgs},
	} {
		if _, err := conn.ExecContext(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("%.40s: %w", s.sql, err)
		}
	}
	// Every metric query is one that reads report_scope or report_books:
	// new metrics are picked up as they are added.
	n := 0
	for _, name := range queries.QueryNames() {
		q := queries.Query(name)
		if name == "report_scope" || name == "report_books" || !(strings.Contains(q, "FROM report_scope") || strings.Contains(q, "FROM report_books")) {
			continue
		}
		if err := drain(ctx, conn, q); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		n++
	}
	// And the count of rows left out, which the CLI prints when not zero.
	if err := drain(ctx, conn, "SELECT * FROM contract_breaks($1::BIGINT[])", []int64{*salon}); err != nil {
		return fmt.Errorf("contract_breaks: %w", err)
	}
	fmt.Fprintf(os.Stderr, "direct: %d files, %d metric queries\n", len(files), n)
	return nil
}

// anchorSQL is the headline of one salon's period written by hand: one
// pass over the salon's events (the filter on salon_id, which sorted files
// answer from their statistics), the latest state of each booking by
// arg_max, and a few counts. No dedup, no previous period, no clients, no
// staff, no contract check, no moved bookings: what any report has to do at
// the least.
const anchorSQL = `
WITH latest AS (
    SELECT
        booking_id,
        arg_max(status, (occurred_at, status))       AS status,
        arg_max(booking_date, (occurred_at, status)) AS booking_date
    FROM read_parquet(getvariable('instudio_files'))
    WHERE salon_id IN (SELECT unnest($1::BIGINT[]))
    GROUP BY booking_id
)
SELECT
    count(*)                           AS bookings,
    count(*) FILTER (WHERE status = 3) AS completed,
    count(*) FILTER (WHERE status = 4) AS canceled,
    count(*) FILTER (WHERE status = 5) AS no_show
FROM latest
WHERE booking_date >= $2 AND booking_date < $3`

// drain runs a query and reads every value of every row, as the CLI does.
func drain(ctx context.Context, conn *sql.Conn, q string, args ...any) error {
	rows, err := conn.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
	}
	return rows.Err()
}
