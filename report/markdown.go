package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// WriteMarkdown renders the reports as Markdown for chat and wikis: the
// headline figures against the previous period, clients, staff, the hours
// and the days, in the chosen language.
func WriteMarkdown(w io.Writer, reports []Report, opt Options) error {
	f, err := newFormatter(opt)
	if err != nil {
		return err
	}
	var b strings.Builder
	for i, r := range reports {
		if i > 0 {
			b.WriteString("\n---\n\n")
		}
		writeMarkdown(&b, f, r)
	}
	_, err = io.WriteString(w, b.String())
	return err
}

func writeMarkdown(b *strings.Builder, f formatter, r Report) {
	cur, prev := r.Current, r.Previous
	fmt.Fprintf(b, "## %s\n\n", mdEscape(salonHeading(f, r)))
	fmt.Fprintf(b, "%s %s (%s), %s %s.", f.T("appointments"), f.Span(cur), fmt.Sprintf(f.T("days_count"), cur.Days()), f.T("compared_with"), f.Span(prev))
	if r.AsOf != nil {
		fmt.Fprintf(b, " %s %s.", f.T("as_of"), f.Date(r.AsOf.UTC())+r.AsOf.UTC().Format(" 15:04 UTC"))
	}
	b.WriteString("\n\n")

	rows := headlineRows(f, r)
	fmt.Fprintf(b, "| %s | %s | %s | %s |\n|---|--:|--:|--:|\n", f.T("metric"), f.T("current"), f.T("previous"), f.T("change"))
	for _, row := range rows {
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", mdEscape(strings.TrimSpace(row[0])), row[1], row[2], row[3])
	}

	fmt.Fprintf(b, "\n### %s\n\n", f.T("clients"))
	c, pc := cur.Clients, prev.Clients
	fmt.Fprintf(b, "- %s: **%s** (%s)\n", f.T("clients"), f.Count(c.Clients), fmt.Sprintf(f.T("prev_value"), f.Count(pc.Clients)))
	fmt.Fprintf(b, "- %s: **%s** (%s)\n", f.T("new_clients"), f.Count(c.New), f.Percent(rate(c.New, c.Clients)))
	fmt.Fprintf(b, "- %s: **%s** (%s)\n", f.T("returning_clients"), f.Count(c.Returning()), f.Percent(rate(c.Returning(), c.Clients)))
	fmt.Fprintf(b, "- %s: **%s** (%s)\n", f.T("rebooking_rate"), f.Percent(c.RebookingRate()), fmt.Sprintf(f.T("prev_value"), f.Percent(pc.RebookingRate())))
	fmt.Fprintf(b, "- %s: **%s** (%s)\n", f.T("retention_rate"), f.Percent(r.Retention.Rate()), f.T("retention_note"))

	ahead, last := weekAheadLines(f, r.WeekAhead)
	fmt.Fprintf(b, "\n### %s\n\n- %s\n- %s\n", f.T("this_week"), ahead, last)

	fmt.Fprintf(b, "\n### %s\n\n", f.T("at_risk"))
	if len(r.AtRisk) == 0 {
		fmt.Fprintf(b, "%s\n", f.T("no_at_risk"))
	} else {
		fmt.Fprintf(b, "%s.\n\n| %s | %s | %s | %s | %s |\n|---|--:|---|--:|--:|\n", f.T("at_risk_note"),
			f.T("client"), f.T("visits"), f.T("last_visit"), f.T("usual_interval"), f.T("days_since"))
		for _, c := range atRiskRows(f, r.AtRisk) {
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", c.Client, c.Visits, c.LastVisit, c.Usual, c.Since)
		}
		if more := atRiskMore(f, r.AtRisk); more != "" {
			fmt.Fprintf(b, "\n%s\n", more)
		}
	}

	fmt.Fprintf(b, "\n### %s\n\n", f.T("staff"))
	if len(cur.Staff) == 0 {
		fmt.Fprintf(b, "%s\n", f.T("no_staff"))
	} else {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n|---|--:|--:|--:|--:|--:|--:|\n",
			f.T("employee"), f.T("bookings"), f.T("completed_t"), f.T("canceled_t"), f.T("no_show_t"), f.T("cancellation_rate"), f.T("revenue"))
		for _, s := range staffRows(f, cur.Staff) {
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", s.Name, s.Bookings, s.Completed, s.Canceled, s.NoShow, s.CancellationRate, s.Revenue)
		}
	}

	fmt.Fprintf(b, "\n### %s (%s)\n\n", f.T("by_hour"), f.T("not_canceled"))
	bars := newHourBars(cur.ByHour)
	if len(bars) == 0 {
		fmt.Fprintf(b, "%s %s\n", f.T("no_bookings"), dataStarts(f, r))
	} else {
		peak := int64(0)
		for _, h := range bars {
			peak = max(peak, h.Count)
		}
		b.WriteString("```\n")
		for _, h := range bars {
			bar := strings.Repeat("█", int(math.Round(float64(h.Count)*histogramWidth/float64(peak))))
			fmt.Fprintf(b, "%s %-*s %s\n", h.Hour, histogramWidth, bar, f.Count(h.Count))
		}
		b.WriteString("```\n")
	}

	fmt.Fprintf(b, "\n### %s\n\n", f.T("daily"))
	fmt.Fprintf(b, "| %s | %s | %s |\n|---|--:|--:|\n", f.T("date"), f.T("bookings"), f.T("canceled_t"))
	for _, d := range cur.Daily {
		fmt.Fprintf(b, "| %s | %s | %s |\n", f.Date(d.Date), f.Count(d.Bookings), f.Count(d.Canceled))
	}
}

func salonHeading(f formatter, r Report) string {
	t := fmt.Sprintf("%s %d", f.T("salon"), r.SalonID)
	if r.SalonName != "" {
		t += " · " + r.SalonName
	}
	return t
}

// headlineRows are the headline figures as label, current, previous and
// change, shared by the table and Markdown renderers. Retention spans both
// periods, so it has no previous figure.
func headlineRows(f formatter, r Report) [][4]string {
	cur, prev := r.Current, r.Previous
	count := func(label string, c, o int64) [4]string {
		return [4]string{label, f.Count(c), f.Count(o), f.CountChange(c, o)}
	}
	pct := func(label string, c, o *float64) [4]string {
		return [4]string{label, f.Percent(c), f.Percent(o), f.PointChange(c, o)}
	}
	money := func(label string, c, o *float64) [4]string {
		ch := dash
		if c != nil && o != nil && *o != 0 {
			ch = signed((*c-*o)*100 / *o, "%")
		}
		return [4]string{label, f.MoneyF(c), f.MoneyF(o), ch}
	}
	days := func(label string, c, o *float64) [4]string {
		ch := dash
		if c != nil && o != nil {
			ch = signed(*c-*o, " "+f.T("days_unit"))
		}
		return [4]string{label, f.Days(c), f.Days(o), ch}
	}
	cc, pc := cur.Counts, prev.Counts
	return [][4]string{
		count(f.T("bookings"), cc.Bookings, pc.Bookings),
		count("  "+f.T("pending"), cc.Pending, pc.Pending),
		count("  "+f.T("confirmed"), cc.Confirmed, pc.Confirmed),
		count("  "+f.T("completed"), cc.Completed, pc.Completed),
		count("  "+f.T("canceled"), cc.Canceled, pc.Canceled),
		count("  "+f.T("no_show"), cc.NoShow, pc.NoShow),
		pct(f.T("cancellation_rate"), cur.CancellationRate(), prev.CancellationRate()),
		pct(f.T("late_cancellation_rate"), cur.LateCancellationRate(), prev.LateCancellationRate()),
		pct(f.T("no_show_rate"), cur.NoShowRate(), prev.NoShowRate()),
		{f.T("peak_hour"), f.Hour(cur.PeakHour()), f.Hour(prev.PeakHour()), ""},
		days(f.T("lead_time_median"), cur.LeadTimeMedian, prev.LeadTimeMedian),
		days(f.T("lead_time_p90"), cur.LeadTimeP90, prev.LeadTimeP90),
		count(f.T("clients"), cur.Clients.Clients, prev.Clients.Clients),
		count("  "+f.T("new_clients"), cur.Clients.New, prev.Clients.New),
		count("  "+f.T("returning_clients"), cur.Clients.Returning(), prev.Clients.Returning()),
		pct(f.T("rebooking_rate"), cur.Clients.RebookingRate(), prev.Clients.RebookingRate()),
		pct(f.T("prebook_rate"), cur.PrebookRate(), prev.PrebookRate()),
		{f.T("retention_rate"), f.Percent(r.Retention.Rate()), "", ""},
		money(f.T("revenue"), centsF(cur.RevenueCents), centsF(prev.RevenueCents)),
		money(f.T("avg_ticket"), cur.AvgTicketCents, prev.AvgTicketCents),
		money(f.T("lost_revenue"), centsF(cur.LostRevenueCents), centsF(prev.LostRevenueCents)),
	}
}

// weekAheadLines are the two lines of the week ahead: what is on the books
// for the next 7 days, and what was for the week just past a week ago.
func weekAheadLines(f formatter, w WeekAhead) (string, string) {
	span := func(from, to time.Time) string {
		return f.Span(Period{From: from, To: to})
	}
	ahead := fmt.Sprintf(f.T("week_ahead_line"), f.Count(w.Bookings), span(w.From, w.To), f.Money(w.ValueCents))
	last := fmt.Sprintf(f.T("week_last_line"), span(w.LastWeek.From, w.LastWeek.To), f.Count(w.LastWeek.Bookings))
	return ahead, last
}

// atRiskShown is how many clients at risk the human outputs list; the
// JSON and CSV list them all.
const atRiskShown = 10

// atRiskRow is one client at risk as the human outputs show it.
type atRiskRow struct {
	Client, Visits, LastVisit, Usual, Since string
	// ID, UsualN and SinceN are the bare figures, for the phone's narrow
	// table, whose headings carry the unit.
	ID, UsualN, SinceN string
}

func atRiskRows(f formatter, clients []AtRiskClient) []atRiskRow {
	rows := make([]atRiskRow, 0, min(len(clients), atRiskShown))
	for _, c := range clients[:min(len(clients), atRiskShown)] {
		usual, since := c.UsualIntervalDays, c.DaysSince
		rows = append(rows, atRiskRow{
			Client:    fmt.Sprintf(f.T("client_n"), c.UserID),
			Visits:    f.Count(c.Visits),
			LastVisit: f.Date(c.LastVisit),
			Usual:     f.Days(&usual),
			Since:     f.Days(&since),
			ID:        strconv.FormatInt(c.UserID, 10),
			UsualN:    fmt.Sprintf("%.1f", usual),
			SinceN:    fmt.Sprintf("%.1f", since),
		})
	}
	return rows
}

// atRiskMore is the line under a list cut at atRiskShown; "" when none
// was cut.
func atRiskMore(f formatter, clients []AtRiskClient) string {
	if len(clients) <= atRiskShown {
		return ""
	}
	return fmt.Sprintf(f.T("at_risk_more"), f.Count(int64(len(clients)-atRiskShown)))
}

// dataStarts says where the salon's data starts, for an empty period.
func dataStarts(f formatter, r Report) string {
	if r.DataFrom == nil {
		return f.T("no_data")
	}
	return fmt.Sprintf(f.T("data_starts"), f.Date(*r.DataFrom))
}

// mdEscape keeps a salon name from breaking a table or a heading.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "#", `\#`, "<", "&lt;").Replace(s)
}
