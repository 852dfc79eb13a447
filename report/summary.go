package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter/tw"
)

// The summary is the `salons` overview: one row per salon with its headline
// figures.

// WriteSummaryTable prints one table row per salon, in the language of opt.
func WriteSummaryTable(w io.Writer, reports []Report, opt Options) error {
	f, err := newFormatter(opt)
	if err != nil {
		return err
	}
	if len(reports) > 0 {
		cur := reports[0].Current
		fmt.Fprintf(w, "%s %s (%s), %s %s\n\n", f.T("appointments"), dateSpan(cur), fmt.Sprintf(f.T("days_count"), cur.Days()), f.T("compared_with"), dateSpan(reports[0].Previous))
	}
	header, rows := summaryRows(f, reports)
	align := make([]tw.Align, len(header))
	for i := range align {
		align[i] = tw.AlignRight
	}
	align[1] = tw.AlignLeft
	t := newTable(w, align)
	t.Header(header)
	for _, r := range rows {
		if err := t.Append(r); err != nil {
			return err
		}
	}
	return t.Render()
}

// WriteSummaryMarkdown prints the same rows as a Markdown table.
func WriteSummaryMarkdown(w io.Writer, reports []Report, opt Options) error {
	f, err := newFormatter(opt)
	if err != nil {
		return err
	}
	var b strings.Builder
	if len(reports) > 0 {
		cur := reports[0].Current
		fmt.Fprintf(&b, "## %s\n\n%s %s (%s), %s %s.\n\n", f.T("salons"), f.T("appointments"), f.Span(cur), fmt.Sprintf(f.T("days_count"), cur.Days()), f.T("compared_with"), f.Span(reports[0].Previous))
	}
	header, rows := summaryRows(f, reports)
	b.WriteString("| " + strings.Join(header, " | ") + " |\n|")
	for i := range header {
		if i == 1 {
			b.WriteString("---|")
		} else {
			b.WriteString("--:|")
		}
	}
	b.WriteString("\n")
	for _, r := range rows {
		for i := range r {
			r[i] = mdEscape(r[i])
		}
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	_, err = io.WriteString(w, b.String())
	return err
}

func summaryRows(f formatter, reports []Report) ([]string, [][]string) {
	header := []string{f.T("salon"), f.T("salon_name"), f.T("bookings"), f.T("change"), f.T("completed_t"), f.T("canceled_pct"),
		f.T("late_pct"), f.T("no_show_pct"), f.T("clients"), f.T("new_short"), f.T("prebook_pct"), f.T("rebooked_pct"), f.T("revenue"), f.T("lost_short")}
	var rows [][]string
	for _, r := range reports {
		cur, prev := r.Current, r.Previous
		rows = append(rows, []string{
			strconv.FormatInt(r.SalonID, 10), summaryName(f, r),
			f.Count(cur.Counts.Bookings), f.CountChange(cur.Counts.Bookings, prev.Counts.Bookings),
			f.Count(cur.Counts.Completed), f.Percent(cur.CancellationRate()), f.Percent(cur.LateCancellationRate()),
			f.Percent(cur.NoShowRate()), f.Count(cur.Clients.Clients), f.Count(cur.Clients.New),
			f.Percent(cur.PrebookRate()), f.Percent(cur.Clients.RebookingRate()), f.Money(cur.RevenueCents), f.Money(cur.LostRevenueCents),
		})
	}
	return header, rows
}

// summaryName is the salon's configured name, or "Salon N" without one,
// so that no row of the overview has an empty name.
func summaryName(f formatter, r Report) string {
	if r.SalonName != "" {
		return r.SalonName
	}
	return fmt.Sprintf("%s %d", f.T("salon"), r.SalonID)
}

// WriteSummaryCSV prints one row per salon: salon_id, salon_name, from, to,
// as_of, then the headline keys of the JSON output (current period), then
// retention_rate, week_ahead_bookings, week_ahead_value_cents,
// week_ahead_last_week_bookings and at_risk_clients, plain
// machine-readable values, a null as an empty cell.
func WriteSummaryCSV(w io.Writer, reports []Report) error {
	cw := csv.NewWriter(w)
	header := []string{"salon_id", "salon_name", "from", "to", "as_of"}
	for _, m := range headlineMetrics(Period{}) {
		header = append(header, m.key)
	}
	for _, m := range reportMetrics(Report{}) {
		header = append(header, m.key)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range reports {
		asOf := ""
		if r.AsOf != nil {
			asOf = r.AsOf.UTC().Format(time.RFC3339)
		}
		row := []string{strconv.FormatInt(r.SalonID, 10), r.SalonName, r.Current.From.Format(time.DateOnly), r.Current.To.Format(time.DateOnly), asOf}
		for _, m := range headlineMetrics(r.Current) {
			row = append(row, m.value)
		}
		for _, m := range reportMetrics(r) {
			row = append(row, m.value)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
