package queries

import (
	"time"

	"github.com/instudio/instudio-report/report"
)

// Step is one statement of a report run: an embedded query (sql/<Name>.sql)
// and the parameters it is bound to. DB.Reports runs these steps, and
// bench/direct runs the same ones straight on DuckDB, so that the two
// never disagree about the order of statements or their parameters.
type Step struct {
	Name string
	Args []any
	// Reads says that the statement reads the source's files (a failure
	// is blamed on a file); the others read only temporary tables.
	Reads bool
	// Metric says that the statement returns rows that fill the reports
	// (run as a query); the others create a table (run as a statement).
	Metric bool
	// OnlyIf, when set, is a query of one boolean that says whether the
	// step runs at all (scope_moved_rows runs only when a booking moved).
	OnlyIf string
}

// ScopePlan is how a report run reads the rows of a few salons' bookings
// into scope_rows when no moves index covers the files (DB.scope): the
// salons' own rows, the bookings among them that have rows elsewhere, those
// rows when there are any, and the view over the table.
func ScopePlan(salonIDs []int64) []Step {
	return []Step{
		{Name: "scope_rows", Args: []any{salonIDs}, Reads: true},
		{Name: "scope_moved_ids", Args: []any{salonIDs}, Reads: true},
		{Name: "scope_moved_rows", Args: []any{salonIDs}, Reads: true, OnlyIf: "SELECT count(*) > 0 FROM scope_moved"},
		{Name: "scope_view"},
	}
}

// ReportPlan is the statements of one report run over req's salons, once
// their rows are in scope (ScopePlan, or none for every salon): the
// per-salon instants, every booking's latest state (report_books), the
// bookings of the two periods (report_scope), then every metric query, in
// the order DB.Reports reads them.
func ReportPlan(req ReportRequest) []Step {
	prevFrom, _ := report.Before(req.From, req.To)
	ids := make([]int64, len(req.Salons))
	zones := make([]string, len(req.Salons))
	for i, s := range req.Salons {
		ids[i], zones[i] = s.ID, s.TimeZone
		if zones[i] == "" {
			zones[i] = "UTC"
		}
	}
	// Every salon of the source needs no narrowing of the events: the
	// scope is the whole source, and report_books ranks every booking.
	var narrow any = ids
	if req.EverySalon {
		narrow = nil
	}
	ref := req.reference()
	periodLength := time.Duration(report.Days(req.From, req.To)) * 24 * time.Hour
	weekBefore, periodBefore := ref.Add(-7*24*time.Hour), ref.Add(-periodLength)
	steps := []Step{
		{Name: "report_salons", Args: []any{ids, zones, ref, weekBefore, periodBefore, prevFrom, req.From, req.To}},
		{Name: "report_books", Args: []any{narrow}, Reads: true},
		{Name: "report_scope", Args: []any{ids, zones, prevFrom, req.From, req.To}, Reads: true},
	}
	for _, name := range metricQueries {
		steps = append(steps, Step{Name: name, Metric: true})
	}
	return steps
}

// metricQueries are the queries that fill a report from report_scope,
// report_books and report_salons, in the order DB.Reports reads them.
var metricQueries = []string{
	"headline", "by_hour", "daily",
	"period_figures", "clients", "staff", "by_weekday_hour",
	"prebook", "retention", "rebooking_before", "week_ahead", "at_risk",
}

// reportTables are the temporary tables of ReportPlan, dropped after a run.
var reportTables = []string{"report_salons", "report_books", "report_scope"}
