package queries

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/instudio/instudio-report/report"
)

// SalonNotFoundError is a salon id that the source holds no events of.
type SalonNotFoundError struct {
	ID      int64
	Source  string  // the source as the user named it
	Present []int64 // the salons it does hold
}

func (e *SalonNotFoundError) Error() string {
	ids := make([]string, len(e.Present))
	for i, p := range e.Present {
		ids[i] = strconv.FormatInt(p, 10)
	}
	const most = 20
	if len(ids) > most {
		ids = append(ids[:most], fmt.Sprintf("… %d more", len(e.Present)-most))
	}
	return fmt.Sprintf("salon %d not found in %s (salons present: %s)", e.ID, e.Source, strings.Join(ids, ", "))
}

// CheckSalonExists tells an unknown salon id (a *SalonNotFoundError) from
// a salon with a quiet period (nil). source names the source in the error.
func (db *DB) CheckSalonExists(ctx context.Context, id int64, source string) error {
	present, err := db.SalonsPresent(ctx)
	if err != nil {
		return err
	}
	if slices.Contains(present, id) {
		return nil
	}
	return &SalonNotFoundError{ID: id, Source: source, Present: present}
}

// SelectSalons is the salons a report of several salons covers, in id
// order: those asked for, each of which must be in the source or
// configured (else a *SalonNotFoundError), or, when none is asked for,
// every salon the source holds or the config names.
func (db *DB) SelectSalons(ctx context.Context, asked, configured []int64, source string) ([]int64, error) {
	present, err := db.SalonsPresent(ctx)
	if err != nil {
		return nil, err
	}
	if len(asked) == 0 {
		ids := append(slices.Clone(present), configured...)
		slices.Sort(ids)
		return slices.Compact(ids), nil
	}
	for _, id := range asked {
		if !slices.Contains(present, id) && !slices.Contains(configured, id) {
			return nil, &SalonNotFoundError{ID: id, Source: source, Present: present}
		}
	}
	return asked, nil
}

// ReportsAndLeftOut runs the reports of req and counts the rows the views
// left out of them: of req's salons, or of every salon when
// req.EverySalon (then a row left out of any salon counts).
func (db *DB) ReportsAndLeftOut(ctx context.Context, req ReportRequest) ([]report.Report, LeftOut, error) {
	reports, err := db.Reports(ctx, req)
	if err != nil {
		return nil, LeftOut{}, err
	}
	var scope []int64
	if !req.EverySalon {
		for _, s := range req.Salons {
			scope = append(scope, s.ID)
		}
	}
	left, err := db.RowsLeftOut(ctx, scope)
	if err != nil {
		return nil, LeftOut{}, err
	}
	return reports, left, nil
}

// SalonReport is the report of req's one salon and the rows left out of
// it. A report without bookings in either period is told apart: a salon
// the source does not hold is a *SalonNotFoundError naming source, a
// quiet one is an empty report.
func (db *DB) SalonReport(ctx context.Context, req ReportRequest, source string) (report.Report, LeftOut, error) {
	if len(req.Salons) != 1 {
		return report.Report{}, LeftOut{}, fmt.Errorf("a salon report asks for one salon, not %d", len(req.Salons))
	}
	id := req.Salons[0].ID
	reports, left, err := db.ReportsAndLeftOut(ctx, req)
	if err != nil {
		return report.Report{}, LeftOut{}, fmt.Errorf("salon %d: %w", id, err)
	}
	r := reports[0]
	if r.Current.Counts.Bookings == 0 && r.Previous.Counts.Bookings == 0 {
		if err := db.CheckSalonExists(ctx, id, source); err != nil {
			return report.Report{}, LeftOut{}, err
		}
	}
	return r, left, nil
}

// SalonsReports is the reports over req's period of the salons
// SelectSalons picks from asked and configured, each named and zoned by
// salon, and the rows left out of them. With none asked the salons are
// every one present, so the events are read without narrowing.
func (db *DB) SalonsReports(ctx context.Context, req ReportRequest, asked, configured []int64, source string, salon func(id int64) Salon) ([]report.Report, LeftOut, error) {
	ids, err := db.SelectSalons(ctx, asked, configured, source)
	if err != nil {
		return nil, LeftOut{}, err
	}
	req.Salons = nil
	for _, id := range ids {
		req.Salons = append(req.Salons, salon(id))
	}
	req.EverySalon = len(asked) == 0
	reports, left, err := db.ReportsAndLeftOut(ctx, req)
	if err != nil {
		return nil, LeftOut{}, fmt.Errorf("salons: %w", err)
	}
	return reports, left, nil
}
