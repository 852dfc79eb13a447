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

// WriteTable prints the reports as terminal tables: the headline figures
// against the previous period, an hour-of-day histogram, and the daily
// series.
func WriteTable(w io.Writer, reports []Report) error {
	for i, r := range reports {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if err := writeTable(w, r); err != nil {
			return err
		}
	}
	return nil
}

func writeTable(w io.Writer, r Report) error {
	cur, prev := r.Current, r.Previous
	title := fmt.Sprintf("Salon %d", r.SalonID)
	if r.SalonName != "" {
		title += " · " + r.SalonName
	}
	fmt.Fprintln(w, title)
	fmt.Fprintf(w, "Appointments %s (%d days), compared with %s\n", dateSpan(cur), cur.Days(), dateSpan(prev))
	if r.AsOf != nil {
		fmt.Fprintf(w, "As of %s\n", r.AsOf.UTC().Format("2006-01-02 15:04 MST"))
	}
	fmt.Fprintln(w)

	headline := newTable(w, []tw.Align{tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight})
	headline.Header("Metric", "Current", "Previous", "Change")
	counts := []struct {
		label    string
		cur, old int64
	}{
		{"Bookings", cur.Counts.Bookings, prev.Counts.Bookings},
		{"  pending", cur.Counts.Pending, prev.Counts.Pending},
		{"  confirmed", cur.Counts.Confirmed, prev.Counts.Confirmed},
		{"  completed", cur.Counts.Completed, prev.Counts.Completed},
		{"  canceled", cur.Counts.Canceled, prev.Counts.Canceled},
		{"  no-show", cur.Counts.NoShow, prev.Counts.NoShow},
	}
	for _, c := range counts {
		if err := headline.Append(c.label, strconv.FormatInt(c.cur, 10), strconv.FormatInt(c.old, 10), countChange(c.cur, c.old)); err != nil {
			return err
		}
	}
	rates := []struct {
		label    string
		cur, old *float64
	}{
		{"Cancellation rate", cur.CancellationRate(), prev.CancellationRate()},
		{"Late cancellation rate", cur.LateCancellationRate(), prev.LateCancellationRate()},
		{"No-show rate", cur.NoShowRate(), prev.NoShowRate()},
	}
	for _, rt := range rates {
		if err := headline.Append(rt.label, percent(rt.cur), percent(rt.old), pointChange(rt.cur, rt.old)); err != nil {
			return err
		}
	}
	if err := headline.Append("Peak hour", hourLabel(cur.PeakHour()), hourLabel(prev.PeakHour()), ""); err != nil {
		return err
	}
	if err := headline.Render(); err != nil {
		return err
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "Bookings by hour of day (not canceled)")
	if err := writeHistogram(w, cur.ByHour); err != nil {
		return err
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "Daily")
	daily := newTable(w, []tw.Align{tw.AlignLeft, tw.AlignLeft, tw.AlignRight, tw.AlignRight})
	daily.Header("Date", "Day", "Bookings", "Canceled")
	for _, d := range cur.Daily {
		if err := daily.Append(d.Date.Format(time.DateOnly), d.Date.Format("Mon"), strconv.FormatInt(d.Bookings, 10), strconv.FormatInt(d.Canceled, 10)); err != nil {
			return err
		}
	}
	return daily.Render()
}

// writeHistogram shows the hours from the first to the last with bookings,
// so a salon's opening hours frame the chart.
func writeHistogram(w io.Writer, byHour [24]int64) error {
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
		fmt.Fprintln(w, "  no bookings")
		return nil
	}
	t := newTable(w, []tw.Align{tw.AlignLeft, tw.AlignRight, tw.AlignLeft})
	t.Header("Hour", "Bookings", "")
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

func newTable(w io.Writer, align []tw.Align) *tablewriter.Table {
	return tablewriter.NewTable(w,
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: align}),
	)
}

func dateSpan(p Period) string {
	last := p.To.AddDate(0, 0, -1)
	return p.From.Format(time.DateOnly) + " → " + last.Format(time.DateOnly)
}

func percent(f *float64) string {
	if f == nil {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", *f*100)
}

func hourLabel(h *int) string {
	if h == nil {
		return "–"
	}
	return fmt.Sprintf("%02d:00", *h)
}

// countChange is the relative change of a count; none from zero.
func countChange(cur, old int64) string {
	if old == 0 {
		return "–"
	}
	return signed((float64(cur)-float64(old))*100/float64(old), "%")
}

// pointChange is the change of a rate in percentage points.
func pointChange(cur, old *float64) string {
	if cur == nil || old == nil {
		return "–"
	}
	return signed((*cur-*old)*100, " pp")
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
