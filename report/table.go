package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// histogramWidth is the length of the longest bar of the hour histogram.
const histogramWidth = 30

// WriteTable prints the reports as terminal tables in the chosen language:
// the headline figures against the previous period, the staff, an
// hour-of-day histogram, and the daily series.
func WriteTable(w io.Writer, reports []Report, opt Options) error {
	f, err := newFormatter(opt)
	if err != nil {
		return err
	}
	for i, r := range reports {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if err := writeTable(w, f, r); err != nil {
			return err
		}
	}
	return nil
}

func writeTable(w io.Writer, f formatter, r Report) error {
	cur, prev := r.Current, r.Previous
	fmt.Fprintln(w, salonHeading(f, r))
	fmt.Fprintf(w, "%s %s (%s), %s %s\n", f.T("appointments"), dateSpan(cur), fmt.Sprintf(f.T("days_count"), cur.Days()), f.T("compared_with"), dateSpan(prev))
	if r.AsOf != nil {
		fmt.Fprintf(w, "%s %s\n", f.T("as_of"), r.AsOf.UTC().Format("2006-01-02 15:04 MST"))
	}
	fmt.Fprintln(w)

	headline := newTable(w, []tw.Align{tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight})
	headline.Header(f.T("metric"), f.T("current"), f.T("previous"), f.T("change"))
	for _, row := range headlineRows(f, r) {
		if err := headline.Append(row[0], row[1], row[2], row[3]); err != nil {
			return err
		}
	}
	if err := headline.Render(); err != nil {
		return err
	}

	ahead, last := weekAheadLines(f, r.WeekAhead)
	fmt.Fprintf(w, "\n%s\n  %s\n  %s\n", f.T("this_week"), ahead, last)

	fmt.Fprintf(w, "\n%s\n", f.T("at_risk"))
	if len(r.AtRisk) == 0 {
		fmt.Fprintln(w, "  "+f.T("no_at_risk"))
	} else {
		risk := newTable(w, []tw.Align{tw.AlignLeft, tw.AlignRight, tw.AlignLeft, tw.AlignRight, tw.AlignRight})
		risk.Header(f.T("client"), f.T("visits"), f.T("last_visit"), f.T("usual_interval"), f.T("days_since"))
		for _, c := range atRiskRows(f, r.AtRisk) {
			if err := risk.Append(c.Client, c.Visits, c.LastVisit, c.Usual, c.Since); err != nil {
				return err
			}
		}
		if err := risk.Render(); err != nil {
			return err
		}
		if more := atRiskMore(f, r.AtRisk); more != "" {
			fmt.Fprintln(w, "  "+more)
		}
	}

	if len(cur.Staff) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, f.T("staff"))
		staff := newTable(w, []tw.Align{tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight})
		staff.Header(f.T("employee"), f.T("bookings"), f.T("completed_t"), f.T("canceled_t"), f.T("no_show_t"), f.T("cancellation_rate"), f.T("revenue"))
		for _, s := range staffRows(f, cur.Staff) {
			if err := staff.Append(s.Name, s.Bookings, s.Completed, s.Canceled, s.NoShow, s.CancellationRate, s.Revenue); err != nil {
				return err
			}
		}
		if err := staff.Render(); err != nil {
			return err
		}
	}

	fmt.Fprintln(w)
	fmt.Fprintf(w, "%s (%s)\n", f.T("by_hour"), f.T("not_canceled"))
	if err := writeHistogram(w, f, cur.ByHour, dataStarts(f, r)); err != nil {
		return err
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, f.T("daily"))
	daily := newTable(w, []tw.Align{tw.AlignLeft, tw.AlignLeft, tw.AlignRight, tw.AlignRight})
	daily.Header(f.T("date"), f.T("day"), f.T("bookings"), f.T("canceled_t"))
	for _, d := range cur.Daily {
		if err := daily.Append(d.Date.Format(time.DateOnly), f.Weekday(d.Date.Weekday()), strconv.FormatInt(d.Bookings, 10), strconv.FormatInt(d.Canceled, 10)); err != nil {
			return err
		}
	}
	return daily.Render()
}

// writeHistogram shows the hours from the first to the last with bookings,
// so a salon's opening hours frame the chart.
func writeHistogram(w io.Writer, f formatter, byHour [24]int64, dataStarts string) error {
	first, last := -1, -1
	var peak int64
	for h, n := range byHour {
		if n > 0 {
			if first < 0 {
				first = h
			}
			last = h
			peak = max(peak, n)
		}
	}
	if first < 0 {
		fmt.Fprintln(w, "  "+f.T("no_bookings")+" "+dataStarts)
		return nil
	}
	t := newTable(w, []tw.Align{tw.AlignLeft, tw.AlignRight, tw.AlignLeft})
	t.Header(f.T("hour"), f.T("bookings"), f.T("vs_peak"))
	for h := first; h <= last; h++ {
		n := byHour[h]
		bar := strings.Repeat("█", int(math.Round(float64(n)*histogramWidth/float64(peak))))
		if n > 0 && bar == "" {
			bar = "▏"
		}
		if err := t.Append(fmt.Sprintf("%02d:00", h), strconv.FormatInt(n, 10), bar); err != nil {
			return err
		}
	}
	return t.Render()
}

func newTable(w io.Writer, align []tw.Align, more ...tablewriter.Option) *tablewriter.Table {
	opts := append([]tablewriter.Option{
		// Headers as the words are written (report/lang.go), as in the
		// Markdown and HTML: tablewriter's own upper-casing turned
		// "No-shows" into "NO - SHOWS".
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: align}),
	}, more...)
	return tablewriter.NewTable(w, opts...)
}

func dateSpan(p Period) string {
	last := p.To.AddDate(0, 0, -1)
	return p.From.Format(time.DateOnly) + " → " + last.Format(time.DateOnly)
}

// signed formats a change with one decimal and its sign; a change that
// rounds to nothing has none ("0.0", never "-0.0").
func signed(v float64, unit string) string {
	s := fmt.Sprintf("%+.1f", v)
	if s == "+0.0" || s == "-0.0" {
		s = "0.0"
	}
	return s + unit
}
