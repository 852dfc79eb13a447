package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"
)

// CSVHeader is the tidy shape of the CSV output: one value per row, so that
// a spreadsheet pivots it by salon, period, metric and key. Headline metrics
// have an empty key; by_hour rows have the hour (0-23) as key;
// by_weekday_hour rows "D-H" with D the weekday (0 = Monday) and H the hour;
// daily_bookings and daily_canceled rows have the date; staff_* rows the
// employee id; the week_ahead_* rows (current period only) the first date
// of their week; at_risk rows, one per client at risk, most overdue first,
// the client's user_id, and the days since the last visit as value. A null
// value is an empty cell. The metric names are the JSON
// keys, in every language.
var CSVHeader = []string{"salon_id", "period", "from", "to", "as_of", "metric", "key", "value"}

// WriteCSV prints the reports in the tidy shape, header first.
func WriteCSV(w io.Writer, reports []Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, r := range reports {
		for _, row := range csvRows(r) {
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvRows(r Report) [][]string {
	salon := strconv.FormatInt(r.SalonID, 10)
	asOf := ""
	if r.AsOf != nil {
		asOf = r.AsOf.UTC().Format(time.RFC3339)
	}
	var rows [][]string
	add := func(p Period, label, metric, key, value string) {
		rows = append(rows, []string{salon, label, p.From.Format(time.DateOnly), p.To.Format(time.DateOnly), asOf, metric, key, value})
	}
	for _, part := range []struct {
		label  string
		period Period
	}{{"current", r.Current}, {"previous", r.Previous}} {
		p := part.period
		for _, m := range headlineMetrics(p) {
			add(p, part.label, m.key, "", m.value)
		}
		if part.label == "current" {
			for _, m := range reportMetrics(r) {
				add(p, part.label, m.key, m.date, m.value)
			}
			for _, c := range r.AtRisk {
				add(p, part.label, "at_risk", strconv.FormatInt(c.UserID, 10), strconv.FormatFloat(c.DaysSince, 'f', -1, 64))
			}
		}
		for h, n := range p.ByHour {
			add(p, part.label, "by_hour", strconv.Itoa(h), strconv.FormatInt(n, 10))
		}
		if part.label == "current" {
			for d, hours := range p.ByWeekdayHour {
				for h, n := range hours {
					add(p, part.label, "by_weekday_hour", strconv.Itoa(d)+"-"+strconv.Itoa(h), strconv.FormatInt(n, 10))
				}
			}
		}
		for _, d := range p.Daily {
			date := d.Date.Format(time.DateOnly)
			add(p, part.label, "daily_bookings", date, strconv.FormatInt(d.Bookings, 10))
			add(p, part.label, "daily_canceled", date, strconv.FormatInt(d.Canceled, 10))
		}
		for _, st := range p.Staff {
			id := strconv.FormatInt(st.EmployeeID, 10)
			add(p, part.label, "staff_bookings", id, strconv.FormatInt(st.Bookings, 10))
			add(p, part.label, "staff_completed", id, strconv.FormatInt(st.Completed, 10))
			add(p, part.label, "staff_canceled", id, strconv.FormatInt(st.Canceled, 10))
			add(p, part.label, "staff_no_show", id, strconv.FormatInt(st.NoShow, 10))
			add(p, part.label, "staff_cancellation_rate", id, fraction(st.CancellationRate()))
			add(p, part.label, "staff_revenue_cents", id, optionalInt(st.RevenueCents))
		}
	}
	return rows
}

func fraction(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

func optionalInt(n *int64) string {
	if n == nil {
		return ""
	}
	return strconv.FormatInt(*n, 10)
}

type metricValue struct{ key, value string }

// headlineMetrics lists the headline figures under their JSON keys, as
// plain machine-readable text.
func headlineMetrics(p Period) []metricValue {
	c := p.Counts
	count := func(n int64) string { return strconv.FormatInt(n, 10) }
	peak := ""
	if h := p.PeakHour(); h != nil {
		peak = strconv.Itoa(*h)
	}
	return []metricValue{
		{"bookings", count(c.Bookings)},
		{"pending", count(c.Pending)},
		{"confirmed", count(c.Confirmed)},
		{"completed", count(c.Completed)},
		{"canceled", count(c.Canceled)},
		{"no_show", count(c.NoShow)},
		{"cancellation_rate", fraction(p.CancellationRate())},
		{"late_cancellation_rate", fraction(p.LateCancellationRate())},
		{"no_show_rate", fraction(p.NoShowRate())},
		{"peak_hour", peak},
		{"lead_time_days_median", fraction(p.LeadTimeMedian)},
		{"lead_time_days_p90", fraction(p.LeadTimeP90)},
		{"clients", count(p.Clients.Clients)},
		{"new_clients", count(p.Clients.New)},
		{"returning_clients", count(p.Clients.Returning())},
		{"rebooking_rate", fraction(p.Clients.RebookingRate())},
		{"revenue_cents", optionalInt(p.RevenueCents)},
		{"avg_ticket_cents", fraction(p.AvgTicketCents)},
		{"prebook_rate", fraction(p.PrebookRate())},
		{"lost_revenue_cents", optionalInt(p.LostRevenueCents)},
	}
}

type reportValue struct{ key, date, value string }

// reportMetrics are the figures of the report as a whole rather than of a
// period: retention (across both periods), the week ahead against last
// week (keyed by their first date), and the number of clients at risk.
func reportMetrics(r Report) []reportValue {
	w := r.WeekAhead
	count := func(n int64) string { return strconv.FormatInt(n, 10) }
	return []reportValue{
		{"retention_rate", "", fraction(r.Retention.Rate())},
		{"week_ahead_bookings", w.From.Format(time.DateOnly), count(w.Bookings)},
		{"week_ahead_value_cents", w.From.Format(time.DateOnly), optionalInt(w.ValueCents)},
		{"week_ahead_last_week_bookings", w.LastWeek.From.Format(time.DateOnly), count(w.LastWeek.Bookings)},
		{"at_risk_clients", "", count(int64(len(r.AtRisk)))},
	}
}
