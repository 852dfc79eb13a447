package queries_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/report"
)

// A salon's report tells an id the source does not hold (an error that
// lists those it does) from a salon with a quiet period (an empty report).
func TestSalonReport(t *testing.T) {
	ctx := context.Background()
	db := openFixture(t, writeFixture(t), nil)
	req := func(from, to string, salons ...queries.Salon) queries.ReportRequest {
		return queries.ReportRequest{Salons: salons, From: date(t, from), To: date(t, to)}
	}
	// Salon 1's current period holds 101-104, 106 and 107 (105 moved out).
	r, _, err := db.SalonReport(ctx, req("2026-03-01", "2026-03-08", queries.Salon{ID: 1}), "fixture")
	if err != nil || r.SalonID != 1 || r.Current.Counts.Bookings != 6 {
		t.Errorf("salon 1: %d bookings (salon %d), err %v; want 6", r.Current.Counts.Bookings, r.SalonID, err)
	}
	// Salon 2 holds events, none in January 2025.
	r, _, err = db.SalonReport(ctx, req("2025-01-01", "2025-01-08", queries.Salon{ID: 2}), "fixture")
	if err != nil || r.SalonID != 2 || r.Current.Counts != (report.Counts{}) {
		t.Errorf("quiet salon 2: %+v, err %v; want an empty report", r.Current.Counts, err)
	}
	_, _, err = db.SalonReport(ctx, req("2026-03-01", "2026-03-08", queries.Salon{ID: 9}), "fixture")
	var notFound *queries.SalonNotFoundError
	if !errors.As(err, &notFound) || err.Error() != "salon 9 not found in fixture (salons present: 1, 2, 3)" {
		t.Errorf("salon 9: err = %v, want salon 9 not found in fixture (salons present: 1, 2, 3)", err)
	}
	if _, _, err := db.SalonReport(ctx, req("2026-03-01", "2026-03-08", queries.Salon{ID: 1}, queries.Salon{ID: 2}), "fixture"); err == nil {
		t.Error("two salons: no error")
	}
}

// The reports of several salons cover those asked for, or with none every
// salon present or configured, in id order, each named by the lookup.
func TestSalonsReports(t *testing.T) {
	ctx := context.Background()
	db := openFixture(t, writeFixture(t), nil)
	req := queries.ReportRequest{From: date(t, "2026-03-01"), To: date(t, "2026-03-08")}
	named := func(id int64) queries.Salon {
		return queries.Salon{ID: id, Name: map[int64]string{2: "Barranco", 7: "Surco"}[id]}
	}
	describe := func(rs []report.Report) string {
		var parts []string
		for _, r := range rs {
			parts = append(parts, r.SalonName)
			if r.SalonName == "" {
				parts[len(parts)-1] = "-"
			}
		}
		return strings.Join(parts, ",")
	}
	for _, tc := range []struct {
		asked, configured []int64
		want              string // the salons' names in order, - for none
	}{
		// Present 1, 2, 3 and configured 7 (no events): every one.
		{nil, []int64{7}, "-,Barranco,-,Surco"},
		// Asked: those, in the order asked; 7 is configured.
		{[]int64{7, 2}, []int64{7}, "Surco,Barranco"},
	} {
		rs, _, err := db.SalonsReports(ctx, req, tc.asked, tc.configured, "fixture", named)
		if err != nil {
			t.Fatalf("asked %v: %v", tc.asked, err)
		}
		if got := describe(rs); got != tc.want {
			t.Errorf("asked %v, configured %v: salons %s, want %s", tc.asked, tc.configured, got, tc.want)
		}
	}
	// Salon 2's two bookings of the period are counted for it.
	rs, _, err := db.SalonsReports(ctx, req, []int64{2}, nil, "fixture", named)
	if err != nil || len(rs) != 1 || rs[0].SalonID != 2 || rs[0].Current.Counts.Bookings != 2 {
		t.Errorf("salon 2: %+v, err %v; want 2 bookings", rs, err)
	}
	_, _, err = db.SalonsReports(ctx, req, []int64{9}, []int64{7}, "fixture", named)
	var notFound *queries.SalonNotFoundError
	if !errors.As(err, &notFound) || notFound.ID != 9 {
		t.Errorf("salon 9: err = %v, want a SalonNotFoundError", err)
	}
}
