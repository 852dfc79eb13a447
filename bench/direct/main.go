// Command direct is the reference of `make bench`: it runs the SQL of one
// salon report (the views, report_scope and every metric query over it,
// read from the same embedded .sql files the CLI uses) straight on DuckDB
// through database/sql, with no CLI around it. The CLI's time over this
// one's is what the CLI adds: settings, listing, checks, rendering.
//
//	go run ./bench/direct -source DIR -salon 1 -from 2026-10-28 -to 2026-11-27
//
// The statements and their parameters are the plan that queries.DB.Reports
// runs (queries.ScopePlan, queries.ReportPlan), never a copy of it here.
// -explain NAME prints EXPLAIN ANALYZE of one step of it (scope_rows,
// report_books, report_scope, a metric query); -timings prints each step's
// wall time; -cpuprofile writes a Go CPU profile. -salon 0 runs the
// all-salons report (the salons command).
//
// -anchor runs, instead of the report's SQL, the hand-written headline
// query below (anchorSQL): the least a salon report can cost, what issue 20
// holds the report to (a full `salon` report within 1.5× of it).
package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/queries"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "direct:", err)
		os.Exit(1)
	}
}

func run() error {
	source := flag.String("source", "", "the directory that holds bookings/")
	salon := flag.Int64("salon", 1, "salon id; 0 for every salon (the salons command)")
	fromFlag := flag.String("from", "", "first appointment date, YYYY-MM-DD")
	toFlag := flag.String("to", "", "end date, exclusive")
	explain := flag.String("explain", "", "print EXPLAIN ANALYZE of this step of the plan (scope_rows, report_books, ...)")
	override := flag.String("sql", "", "NAME=FILE: run FILE in place of the embedded query NAME (to measure a rewrite without rebuilding)")
	timings := flag.Bool("timings", false, "print each step's wall time to stderr")
	cpuprofile := flag.String("cpuprofile", "", "write a Go CPU profile here")
	flat := flag.Bool("flat", false, "with -explain: one operator a line (time, rows, operator), from DuckDB's JSON profile")
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

	for _, s := range []struct {
		sql  string
		args []any
	}{
		{"SET VARIABLE instudio_files = $1::VARCHAR[]", []any{files}},
		{"SET VARIABLE instudio_scope_files = getvariable('instudio_files')", nil},
		{"SET VARIABLE instudio_as_of = $1::TIMESTAMP", []any{nil}},
		{queries.Query("events_view"), nil},
		{queries.Query("bookings_view"), nil},
	} {
		if _, err := conn.ExecContext(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("%.40s: %w", s.sql, err)
		}
	}
	// The statements of a report run, as queries.DB runs them (the
	// plans it exports): the salon's bookings read once (ScopePlan, with
	// no moves index), then report_books, report_scope and every metric
	// query (ReportPlan). -salon 0 is the all-salons report, which reads
	// no scope first.
	req := queries.ReportRequest{From: from, To: to}
	var ids []int64
	if *salon == 0 {
		if ids, err = queries.SalonsPresent(ctx, conn); err != nil {
			return err
		}
		req.EverySalon = true
	} else {
		ids = []int64{*salon}
	}
	for _, id := range ids {
		req.Salons = append(req.Salons, queries.Salon{ID: id, TimeZone: "UTC"})
	}
	var plan []queries.Step
	if !req.EverySalon {
		plan = queries.ScopePlan(ids)
	}
	plan = append(plan, queries.ReportPlan(req)...)
	if *anchor {
		if err := drain(ctx, conn, anchorSQL, ids, from, to); err != nil {
			return fmt.Errorf("anchor: %w", err)
		}
		fmt.Fprintf(os.Stderr, "direct: %d files, the anchor query\n", len(files))
		return nil
	}
	text := queries.Query
	if name, file, ok := strings.Cut(*override, "="); ok {
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		text = func(n string) string {
			if n == name {
				return string(b)
			}
			return queries.Query(n)
		}
	}
	n := 0
	for _, s := range plan {
		start, startCPU := time.Now(), cpuTime()
		if s.OnlyIf != "" {
			var yes bool
			if err := conn.QueryRowContext(ctx, s.OnlyIf).Scan(&yes); err != nil {
				return fmt.Errorf("%s: %w", s.Name, err)
			}
			if !yes {
				continue
			}
		}
		if s.Name == *explain {
			if err := explainStep(ctx, conn, s, text(s.Name), *flat); err != nil {
				return fmt.Errorf("%s: %w", s.Name, err)
			}
		}
		var err error
		if s.Metric {
			err = drain(ctx, conn, text(s.Name), s.Args...)
			n++
		} else {
			_, err = conn.ExecContext(ctx, text(s.Name), s.Args...)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		if *timings {
			fmt.Fprintf(os.Stderr, "%-18s %7.1f ms wall %7.1f ms CPU\n", s.Name, ms(time.Since(start)), ms(cpuTime()-startCPU))
		}
	}
	// And the count of rows left out, which the CLI prints when not zero.
	var scope any = ids
	if req.EverySalon {
		scope = nil
	}
	if err := drain(ctx, conn, "SELECT * FROM contract_breaks($1::BIGINT[])", scope); err != nil {
		return fmt.Errorf("contract_breaks: %w", err)
	}
	fmt.Fprintf(os.Stderr, "direct: %d files, %d salons, %d metric queries\n", len(files), len(ids), n)
	return nil
}

// explainStep prints EXPLAIN ANALYZE of a step's statement: its SELECT,
// without the CREATE TABLE around it. The step then runs as usual.
func explainStep(ctx context.Context, conn *sql.Conn, s queries.Step, q string, flat bool) error {
	if i := strings.Index(q, " AS\n"); !s.Metric && strings.Contains(q, "CREATE OR REPLACE TEMP TABLE") && i >= 0 {
		q = q[i+len(" AS\n"):]
	}
	prefix := "EXPLAIN ANALYZE "
	if flat {
		prefix = "EXPLAIN (ANALYZE, FORMAT json) "
	}
	rows, err := conn.QueryContext(ctx, prefix+q, s.Args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, plan string
		if err := rows.Scan(&kind, &plan); err != nil {
			return err
		}
		if !flat {
			fmt.Println(plan)
			continue
		}
		var root profileNode
		if err := json.Unmarshal([]byte(plan), &root); err != nil {
			return err
		}
		root.print(0)
	}
	return rows.Err()
}

// profileNode is one operator of DuckDB's JSON profile.
type profileNode struct {
	Name     string         `json:"operator_name"`
	Timing   float64        `json:"operator_timing"`
	Rows     int64          `json:"operator_cardinality"`
	Extra    map[string]any `json:"extra_info"`
	Children []profileNode  `json:"children"`
}

// print writes the operator tree one operator a line, indented by depth:
// its time, rows and the first words of what it does.
func (n profileNode) print(depth int) {
	if n.Name != "" {
		what := ""
		for _, k := range []string{"Projections", "Aggregates", "Groups", "Conditions", "Table", "Function", "Filters"} {
			if v, ok := n.Extra[k]; ok {
				what = strings.Join(strings.Fields(fmt.Sprint(v)), " ")
				break
			}
		}
		if len(what) > 90 {
			what = what[:90]
		}
		fmt.Printf("%8.1f ms %9d %s%s %s\n", n.Timing*1000, n.Rows, strings.Repeat("  ", depth), n.Name, what)
		depth++
	}
	for _, c := range n.Children {
		c.print(depth)
	}
}

// cpuTime is the CPU time (user and system, every thread) of the process
// so far: DuckDB's worker threads included.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

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
