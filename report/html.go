package report

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/instudio/instudio-report/templates"
)

// parseHTML parses the embedded HTML template once, on first use.
var parseHTML = sync.OnceValues(func() (*template.Template, error) {
	return template.New("report.html").Funcs(template.FuncMap{
		"mso":         mso,
		"staffHeader": staffHeader,
		"valueSize":   valueSize,
	}).ParseFS(templates.FS, "report.html")
})

// valueSize is the font size in px of a tile's figure: 22 as on a
// desktop for the usual figures, smaller for long amounts, so that a
// figure fits a tile two to a row on a 320 px phone on one line. An amount
// cannot wrap at its (non-breaking) space, so "S/ 40,805.00" (12
// characters) takes 16 px rather than break inside the number.
func valueSize(value string) int {
	switch n := len([]rune(value)); {
	case n <= 9:
		return 22
	case n <= 11:
		return 18
	case n <= 13:
		return 16
	}
	return 14
}

// mso wraps markup for Outlook's Word engine alone: the fixed-width ghost
// tables that stand in for max-width and inline-block there. html/template
// drops the comments of a template, so they are written by this function;
// its argument is always a constant of the template, never data.
func mso(markup string) template.HTML {
	return template.HTML("<!--[if mso]>" + markup + "<![endif]-->")
}

// WriteHTML renders the reports as one self-contained HTML document: no
// script, no external resource, every style inline, the charts built from
// tables, so that it reads the same in a browser and in an email client.
func WriteHTML(w io.Writer, reports []Report, opt Options) error {
	f, err := newFormatter(opt)
	if err != nil {
		return err
	}
	t, err := parseHTML()
	if err != nil {
		return fmt.Errorf("parse html template: %w", err)
	}
	doc := htmlDoc{Lang: f.lang, F: f, Title: f.T("title")}
	for _, r := range reports {
		doc.Reports = append(doc.Reports, newHTMLReport(f, r))
	}
	if len(reports) == 1 {
		doc.Title = doc.Reports[0].Title + " · " + doc.Reports[0].Span
	}
	return t.Execute(w, doc)
}

type htmlDoc struct {
	Lang    string
	Title   string
	F       formatter
	Reports []htmlReport
}

type htmlReport struct {
	Title, Span, Days, PrevSpan, AsOf string
	// Anchor is the id of the report's card, which the index of a
	// document of several salons links to; Headline, HeadlineChange and
	// HeadlineColor are its bookings figure there.
	Anchor, Headline, HeadlineChange, HeadlineColor string
	Empty                                           bool
	Tiles                                           [][]tile
	Status                                          []statusRow
	Daily                                           dailyChart
	Hours                                           []hourBar
	Heat                                            heatmap
	Staff                                           []staffRow
	Clients                                         clientsView
	// WeekTiles are the "This week" block: the week ahead against the same
	// moment a week earlier.
	WeekTiles [][]tile
	// Lost is the line of money lost to no-shows and late cancellations,
	// LostBefore the previous period's; both empty without amounts.
	Lost, LostBefore string
	AtRisk           []atRiskRow
	AtRiskMore       string
	// DataStarts says, for an empty period, where the salon's data starts.
	DataStarts string
}

// Colors of the report.
const (
	colorInk      = "#1f2937"
	colorMuted    = "#6b7280"
	colorAccent   = "#4f46e5"
	colorCanceled = "#f43f5e"
	colorGood     = "#047857"
	colorBad      = "#b91c1c"
	colorReturn   = "#14b8a6"
)

type tile struct {
	Label, Value, Note, Change, ChangeColor, Previous string
}

// direction says whether a rise of a figure is good news.
type direction int

const (
	neutral direction = iota
	upIsGood
	downIsGood
)

// change formats a change with an arrow and the color its direction earns.
func change(text string, delta float64, dir direction) (string, string) {
	if text == dash {
		return "", colorMuted
	}
	switch {
	case roundsToZero(text) || math.Abs(delta) < 1e-12:
		// No arrow on a change that shows as zero: "▼ -0.0 days" would
		// point at nothing.
		return "= " + strings.TrimLeft(text, "+-"), colorMuted
	case delta > 0:
		text = "▲ " + text
	default:
		text = "▼ " + text
	}
	if dir == neutral {
		return text, colorMuted
	}
	if (delta > 0) == (dir == upIsGood) {
		return text, colorGood
	}
	return text, colorBad
}

// roundsToZero is true when a formatted change has no digit but 0.
func roundsToZero(text string) bool {
	digits := false
	for _, c := range text {
		switch {
		case c >= '1' && c <= '9':
			return false
		case c == '0':
			digits = true
		}
	}
	return digits
}

func countTile(f formatter, label string, cur, old int64, dir direction) tile {
	c, color := change(f.CountChange(cur, old), float64(cur-old), dir)
	return tile{Label: label, Value: f.Count(cur), Change: c, ChangeColor: color, Previous: fmt.Sprintf(f.T("prev_value"), f.Count(old))}
}

func rateTile(f formatter, label, note string, cur, old *float64, dir direction) tile {
	var delta float64
	if cur != nil && old != nil {
		delta = *cur - *old
	}
	c, color := change(f.PointChange(cur, old), delta, dir)
	return tile{Label: label, Value: f.Percent(cur), Note: note, Change: c, ChangeColor: color, Previous: fmt.Sprintf(f.T("prev_value"), f.Percent(old))}
}

func moneyTile(f formatter, label string, cur, old *float64, completed int64) tile {
	t := tile{Label: label, Value: f.MoneyF(cur), Note: f.T("revenue_note"), Previous: fmt.Sprintf(f.T("prev_value"), f.MoneyF(old))}
	if cur == nil && completed > 0 {
		t.Note = f.T("no_amounts")
	}
	if cur != nil && old != nil && *old != 0 {
		t.Change, t.ChangeColor = change(signed((*cur-*old)*100 / *old, "%"), *cur-*old, upIsGood)
	}
	return t
}

func centsF(c *int64) *float64 {
	if c == nil {
		return nil
	}
	v := float64(*c)
	return &v
}

func newHTMLReport(f formatter, r Report) htmlReport {
	cur, prev := r.Current, r.Previous
	h := htmlReport{
		Title:    salonTitle(f, r),
		Span:     f.Span(cur),
		Days:     fmt.Sprintf(f.T("days_count"), cur.Days()),
		PrevSpan: f.Span(prev),
		Empty:    cur.Counts.Bookings == 0,
	}
	if r.AsOf != nil {
		h.AsOf = f.Date(r.AsOf.UTC()) + r.AsOf.UTC().Format(" 15:04 UTC")
	}
	leadDelta := 0.0
	if cur.LeadTimeMedian != nil && prev.LeadTimeMedian != nil {
		leadDelta = *cur.LeadTimeMedian - *prev.LeadTimeMedian
	}
	leadTile := tile{Label: f.T("lead_time_median"), Value: f.Days(cur.LeadTimeMedian), Note: f.T("lead_note"), Previous: fmt.Sprintf(f.T("prev_value"), f.Days(prev.LeadTimeMedian))}
	if cur.LeadTimeMedian != nil && prev.LeadTimeMedian != nil {
		leadTile.Change, leadTile.ChangeColor = change(signed(leadDelta, " "+f.T("days_unit")), leadDelta, neutral)
	}
	peak := tile{Label: f.T("peak_hour"), Value: f.Hour(cur.PeakHour()), Previous: fmt.Sprintf(f.T("prev_value"), f.Hour(prev.PeakHour()))}
	newClients := countTile(f, f.T("new_clients"), cur.Clients.New, prev.Clients.New, upIsGood)
	if cur.Clients.Clients > 0 {
		newClients.Note = fmt.Sprintf(f.T("new_share"), f.Percent(rate(cur.Clients.New, cur.Clients.Clients)))
	}
	late := rateTile(f, f.T("late_cancellation_rate"), f.T("late_note"), cur.LateCancellationRate(), prev.LateCancellationRate(), downIsGood)
	tiles := []tile{
		countTile(f, f.T("bookings"), cur.Counts.Bookings, prev.Counts.Bookings, upIsGood),
		countTile(f, f.T("completed_t"), cur.Counts.Completed, prev.Counts.Completed, upIsGood),
		moneyTile(f, f.T("revenue"), centsF(cur.RevenueCents), centsF(prev.RevenueCents), cur.Counts.Completed),
		moneyTile(f, f.T("avg_ticket"), cur.AvgTicketCents, prev.AvgTicketCents, cur.Counts.Completed),
		rateTile(f, f.T("cancellation_rate"), "", cur.CancellationRate(), prev.CancellationRate(), downIsGood),
		late,
		rateTile(f, f.T("no_show_rate"), "", cur.NoShowRate(), prev.NoShowRate(), downIsGood),
		countTile(f, f.T("clients"), cur.Clients.Clients, prev.Clients.Clients, upIsGood),
		newClients,
		rateTile(f, f.T("prebook_rate"), f.T("prebook_note"), cur.PrebookRate(), prev.PrebookRate(), upIsGood),
		leadTile,
		peak,
	}
	h.Anchor = fmt.Sprintf("salon-%d", r.SalonID)
	h.Headline = tiles[0].Label + " " + tiles[0].Value
	h.HeadlineChange, h.HeadlineColor = tiles[0].Change, tiles[0].ChangeColor
	for i := 0; i < len(tiles); i += 3 {
		h.Tiles = append(h.Tiles, tiles[i:min(i+3, len(tiles))])
	}
	h.Status = statusRows(f, cur.Counts, prev.Counts)
	h.Daily = newDailyChart(f, cur.Daily)
	h.Hours = newHourBars(cur.ByHour)
	h.Heat = newHeatmap(f, cur.ByWeekdayHour)
	h.Staff = staffRows(f, cur.Staff)
	h.Clients = newClientsView(f, cur.Clients, prev.Clients)
	h.Clients.Retention = f.Percent(r.Retention.Rate())
	h.WeekTiles = weekTiles(f, r.WeekAhead)
	if cur.LostRevenueCents != nil {
		h.Lost = fmt.Sprintf(f.T("lost_line"), f.Money(cur.LostRevenueCents), f.Count(cur.Counts.NoShow), f.Count(cur.Counts.LateCanceled))
		h.LostBefore = fmt.Sprintf(f.T("lost_before"), f.Money(prev.LostRevenueCents))
	}
	h.AtRisk = atRiskRows(f, r.AtRisk)
	h.AtRiskMore = atRiskMore(f, r.AtRisk)
	if h.Empty {
		h.DataStarts = dataStarts(f, r)
	}
	return h
}

// weekTiles are the week ahead's figures: its bookings against what was on
// the books a week earlier for the week just past, and their value.
func weekTiles(f formatter, w WeekAhead) [][]tile {
	span := func(from, to time.Time) string {
		return f.ShortDate(from) + " – " + f.ShortDate(to.AddDate(0, 0, -1))
	}
	ahead := countTile(f, f.T("week_ahead"), w.Bookings, w.LastWeek.Bookings, upIsGood)
	ahead.Note = span(w.From, w.To)
	ahead.Previous = fmt.Sprintf(f.T("prev_value"), f.Count(w.LastWeek.Bookings))
	last := tile{Label: f.T("last_week"), Value: f.Count(w.LastWeek.Bookings), Note: span(w.LastWeek.From, w.LastWeek.To)}
	value := tile{Label: f.T("week_value"), Value: f.Money(w.ValueCents), Note: span(w.From, w.To)}
	return [][]tile{{ahead, last, value}}
}

func salonTitle(f formatter, r Report) string {
	t := fmt.Sprintf("%s %d", f.T("salon"), r.SalonID)
	if r.SalonName != "" {
		t = r.SalonName
	}
	return t
}

type statusRow struct {
	Label, Current, Previous, Change, ChangeColor string
}

func statusRows(f formatter, cur, prev Counts) []statusRow {
	rows := []struct {
		key      string
		cur, old int64
		dir      direction
	}{
		{"pending", cur.Pending, prev.Pending, neutral},
		{"confirmed", cur.Confirmed, prev.Confirmed, neutral},
		{"completed", cur.Completed, prev.Completed, upIsGood},
		{"canceled", cur.Canceled, prev.Canceled, downIsGood},
		{"no_show", cur.NoShow, prev.NoShow, downIsGood},
	}
	out := make([]statusRow, len(rows))
	for i, r := range rows {
		c, color := change(f.CountChange(r.cur, r.old), float64(r.cur-r.old), r.dir)
		out[i] = statusRow{Label: f.T(r.key), Current: f.Count(r.cur), Previous: f.Count(r.old), Change: c, ChangeColor: color}
	}
	return out
}

// dailyChart is a column chart of bookings per day (or per group of days
// when the period is long), each column split into kept and canceled.
type dailyChart struct {
	Columns []dayColumn
	// Labels are the dates under the columns, each spanning the columns
	// up to the next, so that a label never widens the chart.
	Labels []chartLabel
	Peak   string // the tallest column's bookings
	Width  int    // px per column
	Height int    // px of the tallest column
	Per    string // "" for days, else the span of a column
}

type chartLabel struct {
	Text string
	Span int
}

type dayColumn struct {
	Title          string // hover text
	Label          string // under the column; empty for most
	KeptPx, CancPx int
	SpacePx        int
}

// maxColumns keeps the chart within an email's width.
const maxColumns = 62

func newDailyChart(f formatter, days []Day) dailyChart {
	const height, width = 120, 600
	per := (len(days) + maxColumns - 1) / maxColumns
	per = max(per, 1)
	type group struct {
		first, last Day
		bookings    int64
		canceled    int64
	}
	var groups []group
	for i := 0; i < len(days); i += per {
		g := group{first: days[i], last: days[min(i+per, len(days))-1]}
		for _, d := range days[i:min(i+per, len(days))] {
			g.bookings += d.Bookings
			g.canceled += d.Canceled
		}
		groups = append(groups, g)
	}
	var peak int64
	for _, g := range groups {
		peak = max(peak, g.bookings)
	}
	c := dailyChart{Height: height, Peak: f.Count(peak)}
	if len(groups) > 0 {
		c.Width = max(width/len(groups), 4)
	}
	if per > 1 {
		c.Per = fmt.Sprintf(f.T("per_bar"), per)
	}
	labelEvery := max(1, (len(groups)+7)/8)
	for i, g := range groups {
		col := dayColumn{Title: fmt.Sprintf("%s: %s %s, %s %s", f.Date(g.first.Date), f.Count(g.bookings), f.T("bookings"), f.Count(g.canceled), f.T("canceled"))}
		if per > 1 {
			col.Title = fmt.Sprintf("%s – %s: %s %s, %s %s", f.ShortDate(g.first.Date), f.ShortDate(g.last.Date), f.Count(g.bookings), f.T("bookings"), f.Count(g.canceled), f.T("canceled"))
		}
		if peak > 0 {
			total := int(math.Round(float64(g.bookings) * height / float64(peak)))
			col.CancPx = int(math.Round(float64(g.canceled) * height / float64(peak)))
			col.KeptPx = total - col.CancPx
			col.SpacePx = height - total
		} else {
			col.SpacePx = height
		}
		if i%labelEvery == 0 {
			col.Label = f.ShortDate(g.first.Date)
			c.Labels = append(c.Labels, chartLabel{Text: col.Label, Span: min(labelEvery, len(groups)-i)})
		}
		c.Columns = append(c.Columns, col)
	}
	return c
}

type hourBar struct {
	Hour  string
	Count int64
	Px    int
	Pct   string // the bar's width as a share of the widest: "61.1%"
}

// newHourBars covers the hours from the first to the last with bookings,
// so that the salon's opening hours frame the chart.
func newHourBars(byHour [24]int64) []hourBar {
	const width = 360
	first, last := openHours(byHour[:])
	if first < 0 {
		return nil
	}
	peak := slices.Max(byHour[:])
	var bars []hourBar
	for h := first; h <= last; h++ {
		n := byHour[h]
		px := int(math.Round(float64(n) * width / float64(peak)))
		if n > 0 && px == 0 {
			px = 1
		}
		bars = append(bars, hourBar{Hour: fmt.Sprintf("%02d:00", h), Count: n, Px: px, Pct: pct(px, width)})
	}
	return bars
}

func openHours(byHour []int64) (first, last int) {
	first, last = -1, -1
	for h, n := range byHour {
		if n > 0 {
			if first < 0 {
				first = h
			}
			last = h
		}
	}
	return first, last
}

type heatmap struct {
	Hours []string
	Rows  []heatRow
	// MaxWidth keeps the cells as wide as they were on a desktop (35 px)
	// while letting them narrow on a phone.
	MaxWidth int
}

type heatRow struct {
	Day   string
	Cells []heatCellView
}

type heatCellView struct {
	Count        int64
	Text, Bg, Fg string
	Title        string
}

// heatCell is the cell of weekday wd at hour h with n bookings.
func heatCell(f formatter, wd string, h int, n, peak int64) heatCellView {
	c := heatCellView{Count: n, Bg: "#f8fafc", Fg: colorMuted, Title: fmt.Sprintf("%s %02d:00: %s", wd, h, f.Count(n))}
	if n > 0 {
		c.Text = f.Count(n)
		share := float64(n) / float64(peak)
		c.Bg = mix("#e0e7ff", "#3730a3", share)
		if share > 0.5 {
			c.Fg = "#ffffff"
		} else {
			c.Fg = colorInk
		}
	}
	return c
}

func newHeatmap(f formatter, m [7][24]int64) heatmap {
	var total [24]int64
	var peak int64
	for _, row := range m {
		for h, n := range row {
			total[h] += n
			peak = max(peak, n)
		}
	}
	first, last := openHours(total[:])
	if first < 0 {
		return heatmap{}
	}
	if last-first+1 > maxHeatColumns {
		return transposedHeatmap(f, m, first, last, peak)
	}
	var hm heatmap
	for h := first; h <= last; h++ {
		hm.Hours = append(hm.Hours, fmt.Sprintf("%02d", h))
	}
	hm.MaxWidth = 40 + 35*len(hm.Hours)
	for d, row := range m {
		wd := f.Weekday(mondayFirst(d))
		r := heatRow{Day: wd}
		for h := first; h <= last; h++ {
			r.Cells = append(r.Cells, heatCell(f, wd, h, row[h], peak))
		}
		hm.Rows = append(hm.Rows, r)
	}
	return hm
}

// maxHeatColumns is the most hours the heat map shows as columns: 12
// columns and the day names fit a 320 px phone with readable counts. A
// salon open longer gets the map turned: a row per hour, a column per
// weekday, which fits any width.
const maxHeatColumns = 12

// transposedHeatmap is the heat map with the hours as rows: Hours then
// holds the weekdays (the column headings) and each row's Day its hour.
func transposedHeatmap(f formatter, m [7][24]int64, first, last int, peak int64) heatmap {
	var hm heatmap
	for d := range m {
		hm.Hours = append(hm.Hours, f.Weekday(mondayFirst(d)))
	}
	for h := first; h <= last; h++ {
		r := heatRow{Day: fmt.Sprintf("%02d:00", h)}
		for d := range m {
			r.Cells = append(r.Cells, heatCell(f, f.Weekday(mondayFirst(d)), h, m[d][h], peak))
		}
		hm.Rows = append(hm.Rows, r)
	}
	hm.MaxWidth = 40 + 56*len(hm.Hours)
	return hm
}

// mondayFirst turns a row of by_weekday_hour (0 = Monday) into a weekday.
func mondayFirst(i int) time.Weekday { return time.Weekday((i + 1) % 7) }

// mix blends two #rrggbb colors: share 0 is a, 1 is b.
func mix(a, b string, share float64) string {
	var ra, ga, ba, rb, gb, bb int
	fmt.Sscanf(a, "#%02x%02x%02x", &ra, &ga, &ba)
	fmt.Sscanf(b, "#%02x%02x%02x", &rb, &gb, &bb)
	at := func(x, y int) int { return int(math.Round(float64(x) + (float64(y)-float64(x))*share)) }
	return fmt.Sprintf("#%02x%02x%02x", at(ra, rb), at(ga, gb), at(ba, bb))
}

type staffRow struct {
	Name, Bookings, Completed, Canceled, NoShow, CancellationRate, Revenue string
	Px                                                                     int
	Pct                                                                    string
	Header                                                                 bool // the row of column names
}

// staffHeader is the staff table's row of column names.
func staffHeader(f formatter) staffRow {
	return staffRow{Header: true, Completed: f.T("completed_h"), Canceled: f.T("canceled_h"), NoShow: f.T("no_show_h"),
		CancellationRate: f.T("cancellation_rate_h"), Revenue: f.T("revenue")}
}

// staffRows lists the staff busiest first.
func staffRows(f formatter, staff []Staff) []staffRow {
	sorted := slices.Clone(staff)
	slices.SortStableFunc(sorted, func(a, b Staff) int {
		if a.Bookings != b.Bookings {
			return int(b.Bookings - a.Bookings)
		}
		return int(a.EmployeeID - b.EmployeeID)
	})
	var peak int64
	for _, s := range sorted {
		peak = max(peak, s.Bookings)
	}
	rows := make([]staffRow, len(sorted))
	for i, s := range sorted {
		rows[i] = staffRow{
			Name:             fmt.Sprintf(f.T("employee_n"), s.EmployeeID),
			Bookings:         f.Count(s.Bookings),
			Completed:        f.Count(s.Completed),
			Canceled:         f.Count(s.Canceled),
			NoShow:           f.Count(s.NoShow),
			CancellationRate: f.Percent(s.CancellationRate()),
			Revenue:          f.Money(s.RevenueCents),
			Px:               int(math.Round(float64(s.Bookings) * 80 / float64(max(peak, 1)))),
		}
		rows[i].Pct = pct(rows[i].Px, 80)
	}
	return rows
}

type clientsView struct {
	Clients, New, Returning, NewShare, ReturningShare, Rebooking string
	Retention                                                    string
	PrevClients, PrevNew, PrevReturning, PrevRebooking           string
	NewPx, ReturningPx                                           int
	NewPct, ReturningPct                                         string
}

// pct is px of width as a CSS percentage, so that a bar drawn for a
// desktop width scales to a phone's.
func pct(px, width int) string {
	return strconv.FormatFloat(float64(px)*100/float64(width), 'f', 1, 64) + "%"
}

func newClientsView(f formatter, cur, prev Clients) clientsView {
	const width = 560
	v := clientsView{
		Clients: f.Count(cur.Clients), New: f.Count(cur.New), Returning: f.Count(cur.Returning()),
		NewShare: f.Percent(rate(cur.New, cur.Clients)), ReturningShare: f.Percent(rate(cur.Returning(), cur.Clients)),
		Rebooking:   f.Percent(cur.RebookingRate()),
		PrevClients: f.Count(prev.Clients), PrevNew: f.Count(prev.New), PrevReturning: f.Count(prev.Returning()),
		PrevRebooking: f.Percent(prev.RebookingRate()),
	}
	if cur.Clients > 0 {
		v.NewPx = int(math.Round(float64(cur.New) * width / float64(cur.Clients)))
		v.ReturningPx = width - v.NewPx
		v.NewPct, v.ReturningPct = pct(v.NewPx, width), pct(v.ReturningPx, width)
	}
	return v
}
