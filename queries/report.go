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

	// Every salon of the source needs no narrowing pass over the files:
	// the scope is the whole source, and report_scope reads every booking.
	var narrow any = ids
	scopeIDs := ids
	if req.EverySalon {
		narrow, scopeIDs = nil, nil
	}
	if err := d.scope(ctx, scopeIDs); err != nil {
		return nil, err
	}
	ref := req.reference()
	periodLength := time.Duration(report.Days(req.From, req.To)) * 24 * time.Hour
	weekBefore, periodBefore := ref.Add(-7*24*time.Hour), ref.Add(-periodLength)
	if _, err := d.conn.ExecContext(ctx, Query("report_salons"), ids, zones, ref, weekBefore, periodBefore, prevFrom, req.From, req.To); err != nil {
		return nil, fmt.Errorf("report_salons: %s", firstLine(err))
	}
	defer d.conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS report_salons")
	if err := d.execRead(ctx, Query("report_books"), narrow); err != nil {
		return nil, d.readError(err)
	}
	defer d.conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS report_books")
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
	salon := func(id int64) *report.Report { return &out[index[id]] }
	if err := d.moreFigures(ctx, period, salon); err != nil {
		return nil, err
	}
	if err := d.ownerFigures(ctx, period, salon); err != nil {
		return nil, err
	}
	return out, nil
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

// ownerFigures fills the figures an owner acts on: prebook, retention,
// the previous period's rebooking in the state a period before R, the week
// ahead and the clients at risk, each one grouped query for every salon.
func (d *DB) ownerFigures(ctx context.Context, period func(int64, string) *report.Period, salon func(int64) *report.Report) error {
	err := d.each(ctx, "prebook", func(scan func(...any) error) error {
		var id int64
		var label string
		var visits, prebooked int64
		if err := scan(&id, &label, &visits, &prebooked); err != nil {
			return err
		}
		p := period(id, label)
		p.Visits, p.Prebooked = visits, prebooked
		return nil
	})
	if err != nil {
		return err
	}
	err = d.each(ctx, "retention", func(scan func(...any) error) error {
		var id int64
		var r report.Retention
		if err := scan(&id, &r.PreviousClients, &r.Retained); err != nil {
			return err
		}
		salon(id).Retention = r
		return nil
	})
	if err != nil {
		return err
	}
	err = d.each(ctx, "rebooking_before", func(scan func(...any) error) error {
		var id, completed, rebooked int64
		if err := scan(&id, &completed, &rebooked); err != nil {
			return err
		}
		c := &salon(id).Previous.Clients
		c.Completed, c.Rebooked = completed, rebooked
		return nil
	})
	if err != nil {
		return err
	}
	err = d.each(ctx, "week_ahead", func(scan func(...any) error) error {
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
	})
	if err != nil {
		return err
	}
	return d.each(ctx, "at_risk", func(scan func(...any) error) error {
		var id int64
		var c report.AtRiskClient
		if err := scan(&id, &c.UserID, &c.Visits, &c.LastVisit, &c.UsualIntervalDays, &c.DaysSince); err != nil {
			return err
		}
		r := salon(id)
		r.AtRisk = append(r.AtRisk, c)
		return nil
	})
}

// moreFigures fills lead time, money, clients, staff and the weekday-hour
// counts, each one grouped query over report_scope for every salon.
func (d *DB) moreFigures(ctx context.Context, period func(int64, string) *report.Period, salon func(int64) *report.Report) error {
	err := d.each(ctx, "period_figures", func(scan func(...any) error) error {
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
	})
	if err != nil {
		return err
	}
	err = d.each(ctx, "clients", func(scan func(...any) error) error {
		var id int64
		var label string
		var c report.Clients
		if err := scan(&id, &label, &c.Clients, &c.New, &c.Completed, &c.Rebooked); err != nil {
			return err
		}
		period(id, label).Clients = c
		return nil
	})
	if err != nil {
		return err
	}
	err = d.each(ctx, "staff", func(scan func(...any) error) error {
		var id int64
		var s report.Staff
		if err := scan(&id, &s.EmployeeID, &s.Bookings, &s.Completed, &s.Canceled, &s.NoShow, &s.RevenueCents); err != nil {
			return err
		}
		r := salon(id)
		r.Current.Staff = append(r.Current.Staff, s)
		return nil
	})
	if err != nil {
		return err
	}
	return d.each(ctx, "by_weekday_hour", func(scan func(...any) error) error {
		var id, n int64
		var weekday, hour int
		if err := scan(&id, &weekday, &hour, &n); err != nil {
			return err
		}
		salon(id).Current.ByWeekdayHour[weekday][hour] = n
		return nil
	})
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
