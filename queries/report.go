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
	// Now is the reference instant R when AsOf is nil: the week ahead, the
	// clients at risk and the previous period's rebooking are measured
	// against it. Zero means the end of the period (midnight UTC), for
	// callers without a clock.
	Now time.Time
	// EverySalon says that Salons include every salon of the source, so
	// the events need not be narrowed to theirs first (a cheaper read for
	// the all-salons report).
	EverySalon bool
}

// Reports computes one report per requested salon, in the order asked, in
// one pass over the bookings.
func (d *DB) Reports(ctx context.Context, req ReportRequest) ([]report.Report, error) {
	prevFrom, prevTo := report.Before(req.From, req.To)
	ids := make([]int64, len(req.Salons))
	index := make(map[int64]int, len(req.Salons))
	out := make([]report.Report, len(req.Salons))
	for i, s := range req.Salons {
		ids[i], index[s.ID] = s.ID, i
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

	// Every salon of the source needs no narrowing pass over the files:
	// the scope is the whole source.
	scopeIDs := ids
	if req.EverySalon {
		scopeIDs = nil
	}
	if err := d.scope(ctx, scopeIDs); err != nil {
		return nil, err
	}
	salon := func(id int64) *report.Report { return &out[index[id]] }
	daily := make(map[int64][]report.Day)
	metrics := metricRows(period, salon, daily)
	for _, t := range reportTables {
		defer d.conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+t)
	}
	for _, s := range ReportPlan(req) {
		if !s.Metric {
			if err := d.run(ctx, s); err != nil {
				return nil, err
			}
			continue
		}
		row, ok := metrics[s.Name]
		if !ok {
			return nil, fmt.Errorf("%s: no reader of its rows", s.Name)
		}
		if err := d.each(ctx, s.Name, row); err != nil {
			return nil, err
		}
	}
	for i := range out {
		out[i].Current.FillDaily(daily[out[i].SalonID])
	}
	return out, nil
}

// run executes a step that creates a table (OnlyIf checked first). A step
// that reads the source has its failure blamed on a file.
func (d *DB) run(ctx context.Context, s Step) error {
	if s.OnlyIf != "" {
		var yes bool
		if err := d.conn.QueryRowContext(ctx, s.OnlyIf).Scan(&yes); err != nil {
			return fmt.Errorf("%s: %s", s.Name, firstLine(err))
		}
		if !yes {
			return nil
		}
	}
	if !s.Reads {
		if _, err := d.conn.ExecContext(ctx, Query(s.Name), s.Args...); err != nil {
			return fmt.Errorf("%s: %s", s.Name, firstLine(err))
		}
		return nil
	}
	if err := d.execRead(ctx, Query(s.Name), s.Args...); err != nil {
		return d.readError(err)
	}
	return nil
}

// reference is the instant R that the week ahead, the clients at risk and
// the previous period's rebooking are measured at.
func (req ReportRequest) reference() time.Time {
	switch {
	case req.AsOf != nil:
		return req.AsOf.UTC()
	case !req.Now.IsZero():
		return req.Now.UTC()
	}
	return req.To
}

// rowReader reads one result row of a metric query into the reports.
type rowReader func(scan func(...any) error) error

// metricRows are the readers of every metric query of ReportPlan, by
// name: each query is grouped by salon (and period), one pass for every
// salon of the run. daily collects the days, which the caller fills in.
func metricRows(period func(int64, string) *report.Period, salon func(int64) *report.Report, daily map[int64][]report.Day) map[string]rowReader {
	return map[string]rowReader{
		"headline": func(scan func(...any) error) error {
			var id int64
			var label string
			var c report.Counts
			if err := scan(&id, &label, &c.Bookings, &c.Pending, &c.Confirmed, &c.Completed, &c.Canceled, &c.NoShow, &c.LateCanceled); err != nil {
				return err
			}
			period(id, label).Counts = c
			return nil
		},
		"by_hour": func(scan func(...any) error) error {
			var id, n int64
			var label string
			var hour int
			if err := scan(&id, &label, &hour, &n); err != nil {
				return err
			}
			period(id, label).ByHour[hour] = n
			return nil
		},
		"daily": func(scan func(...any) error) error {
			var id int64
			var day report.Day
			if err := scan(&id, &day.Date, &day.Bookings, &day.Canceled); err != nil {
				return err
			}
			day.Date = report.Date(day.Date)
			daily[id] = append(daily[id], day)
			return nil
		},
		// Lead time, money, clients, staff and the weekday-hour counts.
		"period_figures": func(scan func(...any) error) error {
			var id int64
			var label string
			var median, p90, avg *float64
			var revenue, lost *int64
			if err := scan(&id, &label, &median, &p90, &revenue, &avg, &lost); err != nil {
				return err
			}
			p := period(id, label)
			p.LeadTimeMedian, p.LeadTimeP90, p.RevenueCents, p.AvgTicketCents = median, p90, revenue, avg
			p.LostRevenueCents = lost
			return nil
		},
		"clients": func(scan func(...any) error) error {
			var id int64
			var label string
			var c report.Clients
			if err := scan(&id, &label, &c.Clients, &c.New, &c.Completed, &c.Rebooked); err != nil {
				return err
			}
			period(id, label).Clients = c
			return nil
		},
		"staff": func(scan func(...any) error) error {
			var id int64
			var s report.Staff
			if err := scan(&id, &s.EmployeeID, &s.Bookings, &s.Completed, &s.Canceled, &s.NoShow, &s.RevenueCents); err != nil {
				return err
			}
			r := salon(id)
			r.Current.Staff = append(r.Current.Staff, s)
			return nil
		},
		"by_weekday_hour": func(scan func(...any) error) error {
			var id, n int64
			var weekday, hour int
			if err := scan(&id, &weekday, &hour, &n); err != nil {
				return err
			}
			salon(id).Current.ByWeekdayHour[weekday][hour] = n
			return nil
		},
		// The figures an owner acts on: prebook, retention, the previous
		// period's rebooking in the state a period before R, the week
		// ahead and the clients at risk.
		"prebook": func(scan func(...any) error) error {
			var id int64
			var label string
			var visits, prebooked int64
			if err := scan(&id, &label, &visits, &prebooked); err != nil {
				return err
			}
			p := period(id, label)
			p.Visits, p.Prebooked = visits, prebooked
			return nil
		},
		"retention": func(scan func(...any) error) error {
			var id int64
			var r report.Retention
			if err := scan(&id, &r.PreviousClients, &r.Retained); err != nil {
				return err
			}
			salon(id).Retention = r
			return nil
		},
		"rebooking_before": func(scan func(...any) error) error {
			var id, completed, rebooked int64
			if err := scan(&id, &completed, &rebooked); err != nil {
				return err
			}
			c := &salon(id).Previous.Clients
			c.Completed, c.Rebooked = completed, rebooked
			return nil
		},
		"week_ahead": func(scan func(...any) error) error {
			var id int64
			var today time.Time
			var w report.WeekAhead
			var first *time.Time
			if err := scan(&id, &today, &w.Bookings, &w.ValueCents, &w.LastWeek.Bookings, &first); err != nil {
				return err
			}
			today = report.Date(today)
			w.From, w.To = today, today.AddDate(0, 0, 7)
			w.LastWeek.From, w.LastWeek.To = today.AddDate(0, 0, -7), today
			r := salon(id)
			r.WeekAhead = w
			if first != nil {
				d := report.Date(*first)
				r.DataFrom = &d
			}
			return nil
		},
		"at_risk": func(scan func(...any) error) error {
			var id int64
			var c report.AtRiskClient
			if err := scan(&id, &c.UserID, &c.Visits, &c.LastVisit, &c.UsualIntervalDays, &c.DaysSince); err != nil {
				return err
			}
			r := salon(id)
			r.AtRisk = append(r.AtRisk, c)
			return nil
		},
	}
}

// each runs an embedded metric query over report_scope and calls row for
// every result row. These queries never read the source, so their errors
// are reported as they are rather than blamed on a file.
func (d *DB) each(ctx context.Context, name string, row rowReader) error {
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
