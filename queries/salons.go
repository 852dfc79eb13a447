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
