package queries_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/queries"
)

// Every embedded query that reads the report's tables and is not itself
// one of the tables is a metric of ReportPlan, so that a new metric cannot
// be left out of the plan that DB.Reports and bench/direct both run.
func TestReportPlanHoldsEveryMetricQuery(t *testing.T) {
	req := queries.ReportRequest{
		Salons: []queries.Salon{{ID: 1}},
		From:   time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		To:     time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC),
	}
	var metrics, tables []string
	for _, s := range queries.ReportPlan(req) {
		if s.Metric {
			metrics = append(metrics, s.Name)
		} else {
			tables = append(tables, s.Name)
		}
	}
	if want := []string{"report_salons", "report_books", "report_scope"}; !slices.Equal(tables, want) {
		t.Errorf("tables of the plan = %v, want %v", tables, want)
	}
	for _, name := range queries.QueryNames() {
		q := queries.Query(name)
		reads := strings.Contains(q, "FROM report_scope") || strings.Contains(q, "FROM report_books")
		if !reads || slices.Contains(tables, name) {
			continue
		}
		if !slices.Contains(metrics, name) {
			t.Errorf("%s reads the report's tables but is not a metric of ReportPlan", name)
		}
	}
	if len(metrics) < 12 {
		t.Errorf("ReportPlan has %d metric queries, want at least 12: %v", len(metrics), metrics)
	}
}

// The all-salons report narrows no read of the events: report_books is
// bound to NULL, not to the list of every salon.
func TestReportPlanEverySalonNarrowsNothing(t *testing.T) {
	req := queries.ReportRequest{
		Salons: []queries.Salon{{ID: 1}, {ID: 2, TimeZone: "America/Lima"}},
		From:   time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		To:     time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC),
	}
	for _, every := range []bool{false, true} {
		req.EverySalon = every
		for _, s := range queries.ReportPlan(req) {
			if s.Name != "report_books" {
				continue
			}
			if got := s.Args[0] == nil; got != every {
				t.Errorf("EverySalon %v: report_books narrowed by %v", every, s.Args[0])
			}
		}
	}
}
