package queries

import (
	"context"
	"fmt"
	"time"

	"github.com/instudio/instudio-report/report"
)

// Salon is a salon to report on, with the IANA time zone its booking dates
// are in.
type Salon struct {
	ID       int64
	Name     string
	TimeZone string
}

// ReportRequest asks for the reports of some salons over the appointment
// dates [From, To), compared with the equally long period before.
type ReportRequest struct {
	Salons   []Salon
	From, To time.Time // dates, midnight UTC
	AsOf     *time.Time
}

// Reports computes one report per requested salon, in the order asked, in
// one pass over the bookings.
func (d *DB) Reports(ctx context.Context, req ReportRequest) ([]report.Report, error) {
	prevFrom, prevTo := report.Before(req.From, req.To)
	ids := make([]int64, len(req.Salons))
	zones := make([]string, len(req.Salons))
	index := make(map[int64]int, len(req.Salons))
	out := make([]report.Report, len(req.Salons))
	for i, s := range req.Salons {
		ids[i], zones[i], index[s.ID] = s.ID, s.TimeZone, i
		if zones[i] == "" {
			zones[i] = "UTC"
		}
		out[i] = report.Report{
			SalonID:   s.ID,
			SalonName: s.Name,
			AsOf:      req.AsOf,
			Current:   report.Period{From: req.From, To: req.To},
			Previous:  report.Period{From: prevFrom, To: prevTo},
		}
	}
	period := func(salon int64, label string) *report.Period {
		r := &out[index[salon]]
		if label == "current" {
			return &r.Current
		}
		return &r.Previous
	}

	if err := d.scope(ctx, ids); err != nil {
		return nil, err
	}
	if err := d.execRead(ctx, Query("report_scope"), ids, zones, prevFrom, req.From, req.To); err != nil {
		return nil, d.readError(err)
	}
	defer d.conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS report_scope")

	err := d.each(ctx, "headline", func(scan func(...any) error) error {
		var salon int64
		var label string
		var c report.Counts
		if err := scan(&salon, &label, &c.Bookings, &c.Pending, &c.Confirmed, &c.Completed, &c.Canceled, &c.NoShow, &c.LateCanceled); err != nil {
			return err
		}
		period(salon, label).Counts = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = d.each(ctx, "by_hour", func(scan func(...any) error) error {
		var salon, n int64
		var label string
		var hour int
		if err := scan(&salon, &label, &hour, &n); err != nil {
			return err
		}
		period(salon, label).ByHour[hour] = n
		return nil
	})
	if err != nil {
		return nil, err
	}
	daily := make(map[int64][]report.Day)
	err = d.each(ctx, "daily", func(scan func(...any) error) error {
		var salon int64
		var day report.Day
		if err := scan(&salon, &day.Date, &day.Bookings, &day.Canceled); err != nil {
			return err
		}
		day.Date = report.Date(day.Date)
		daily[salon] = append(daily[salon], day)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Current.FillDaily(daily[out[i].SalonID])
	}
	return out, nil
}

// each runs an embedded metric query over report_scope and calls row for
// every result row. These queries never read the source, so their errors
// are reported as they are rather than blamed on a file.
func (d *DB) each(ctx context.Context, name string, row func(scan func(...any) error) error) error {
	rows, err := d.conn.QueryContext(ctx, Query(name))
	if err != nil {
		return fmt.Errorf("%s: %s", name, firstLine(err))
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %s", name, firstLine(err))
	}
	return nil
}
