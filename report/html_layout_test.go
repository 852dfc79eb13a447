package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/instudio/instudio-report/report"
)

// harness shows the report in an iframe as wide as a phone (Chromium's
// window cannot be narrower than 500 px) and, once it has loaded, writes
// the frame's width, the document's, the box of every headline figure's
// text, the lines of tiles and the staff column names into the DOM that
// --dump-dom prints. The email itself has no script.
const harness = `<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" width="%d" height="8000" scrolling="no" style="border:0;display:block" srcdoc="%s"></iframe>
<script>
window.onload = function () {
  var d = document.getElementById('f').contentDocument;
  var vw = d.documentElement.clientWidth;
  var out = {viewport: vw, document: d.documentElement.scrollWidth, figures: 0, outside: []};
  d.querySelectorAll('.figure').forEach(function (el) {
    var r = d.createRange();
    r.selectNodeContents(el);
    var b = r.getBoundingClientRect();
    out.figures++;
    var tile = el.parentElement.getBoundingClientRect();
    if (b.left < 0 || b.right > vw + 0.5) out.outside.push(el.textContent + ' at ' + b.left + '..' + b.right);
    else if (b.left < tile.left - 0.5 || b.right > tile.right + 0.5) out.outside.push(el.textContent + ' spills out of its tile ' + tile.left + '..' + tile.right + ' at ' + b.left + '..' + b.right);
  });
  out.rows = 0; out.gaps = [];
  var rows = new Set();
  d.querySelectorAll('.tile').forEach(function (el) { rows.add(el.parentElement); });
  rows.forEach(function (td) {
    var cs = getComputedStyle(td), box = td.getBoundingClientRect();
    var left = box.left + parseFloat(cs.paddingLeft), right = box.right - parseFloat(cs.paddingRight);
    var lines = {};
    td.querySelectorAll(':scope > .tile').forEach(function (el) {
      var b = el.getBoundingClientRect(), k = Math.round(b.top);
      var l = lines[k] || (lines[k] = {n: 0, left: b.left, right: b.right});
      l.n++; l.left = Math.min(l.left, b.left); l.right = Math.max(l.right, b.right);
    });
    var most = 0;
    Object.values(lines).forEach(function (l) { most = Math.max(most, l.n); });
    Object.values(lines).forEach(function (l) {
      if (l.n < most) return;
      out.rows++;
      if (l.left > left + 1 || l.right < right - 1) out.gaps.push(l.n + ' tiles at ' + l.left + '..' + l.right + ' in a row ' + left + '..' + right);
    });
  });
  d.querySelectorAll('.staff-head td').forEach(function (el) {
    var ws = getComputedStyle(el);
    if (ws.overflowWrap != 'normal' || ws.wordBreak != 'normal') out.gaps.push('staff column name "' + el.textContent + '" may break anywhere');
    else if (el.scrollWidth > el.clientWidth) out.gaps.push('staff column name "' + el.textContent + '" is ' + el.scrollWidth + ' px in a ' + el.clientWidth + ' px column');
  });
  var pre = document.createElement('pre');
  pre.id = 'measure';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
};
</script></body></html>`

var measured = regexp.MustCompile(`<pre id="measure">([^<]*)</pre>`)

// wide is full stretched to what makes a report widest: a 31-day
// period with bookings every day, every hour of every weekday busy (24
// heat-map columns), eight staff, twelve clients at risk with long ids, a
// long salon name and amounts in the millions.
func wide(t *testing.T) report.Report {
	r := full(t)
	r.SalonName = "Peluquería y Spa Internacional de Miraflores"
	c := &r.Current
	c.To = c.From.AddDate(0, 0, 31)
	var days []report.Day
	for d := c.From; d.Before(c.To); d = d.AddDate(0, 0, 1) {
		days = append(days, report.Day{Date: d, Bookings: 40, Canceled: 5})
	}
	c.FillDaily(days)
	for h := range 24 {
		c.ByHour[h] = int64(100 + h)
		for d := range 7 {
			c.ByWeekdayHour[d][h] = int64(10 + d + h)
		}
	}
	c.RevenueCents, c.AvgTicketCents = ptrInt(123456789012), ptr(12345678.0)
	r.WeekAhead.Bookings, r.WeekAhead.ValueCents, r.WeekAhead.LastWeek.Bookings = 123456, ptrInt(123456789012), 99999
	r.AtRisk = nil
	for i := range 12 {
		r.AtRisk = append(r.AtRisk, report.AtRiskClient{UserID: 123456789 + int64(i), Visits: 1234, LastVisit: day(t, "2026-01-01"), UsualIntervalDays: 1234.5, DaysSince: 4321.25})
	}
	c.Staff = nil
	for i := range 8 {
		c.Staff = append(c.Staff, report.Staff{EmployeeID: int64(1000 + i), Bookings: int64(200 + i), Completed: 150, Canceled: 30, NoShow: 20, RevenueCents: ptrInt(9876543210)})
	}
	return r
}

// TestHTMLFitsPhones renders the report in Chromium at phone and desktop
// widths, in both languages: the document is never wider than the
// viewport and every headline figure (12 tiles and the week ahead's 3
// per report) lies inside it.
func TestHTMLFitsPhones(t *testing.T) {
	browser := chromium(t)
	for _, lang := range []string{"en", "es"} {
		var buf bytes.Buffer
		if err := report.WriteHTML(&buf, []report.Report{full(t), wide(t)}, report.Options{Lang: lang}); err != nil {
			t.Fatal(err)
		}
		for _, width := range []int{320, 375, 600} {
			t.Run(fmt.Sprintf("%s/%dpx", lang, width), func(t *testing.T) {
				page := filepath.Join(t.TempDir(), "harness.html")
				if err := os.WriteFile(page, []byte(fmt.Sprintf(harness, width, html.EscapeString(buf.String()))), 0o644); err != nil {
					t.Fatal(err)
				}
				dom := render(t, browser, page, "--dump-dom", "--window-size=1000,2000")
				m := measured.FindStringSubmatch(dom)
				if m == nil {
					t.Fatalf("the measuring script wrote nothing:\n%.500s", dom)
				}
				var got struct {
					Viewport, Document, Figures, Rows int
					Outside, Gaps                     []string
				}
				if err := json.Unmarshal([]byte(strings.ReplaceAll(m[1], "&#34;", `"`)), &got); err != nil {
					t.Fatalf("%v: %s", err, m[1])
				}
				if got.Viewport != width {
					t.Fatalf("the viewport is %d px, want %d", got.Viewport, width)
				}
				if got.Document > got.Viewport {
					t.Errorf("the document is %d px wide in a %d px viewport", got.Document, got.Viewport)
				}
				if got.Figures != 30 || len(got.Outside) > 0 {
					t.Errorf("%d headline figures, want 30; outside the viewport or its tile: %q", got.Figures, got.Outside)
				}
				// Full lines of tiles fill their row (no white strip beside
				// them), and no staff column name breaks inside a word.
				if got.Rows == 0 || len(got.Gaps) > 0 {
					t.Errorf("%d full lines of tiles; gaps: %q", got.Rows, got.Gaps)
				}
			})
		}
	}
}

// The Outlook path: no Outlook runs here, so the conditional comments are
// checked as markup. Each <!--[if mso]> … <![endif]--> holds a fragment of
// a ghost table; across the document the fragments open and close the
// same tables, rows and cells in order, as Word's engine will read them.
func TestHTMLOutlookGhostTablesBalance(t *testing.T) {
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, []report.Report{full(t), sample(t)}, report.Options{Lang: "es"}); err != nil {
		t.Fatal(err)
	}
	doc := buf.String()
	var widest bytes.Buffer
	if err := report.WriteHTML(&widest, []report.Report{wide(t)}, report.Options{Lang: "es"}); err != nil {
		t.Fatal(err)
	}
	if n := widest.Len(); n > 100_000 {
		t.Errorf("the widest report is %d bytes of HTML; an email must stay under 100 KB", n)
	}
	if strings.Count(doc, "<!--[if mso]>") != strings.Count(doc, "<![endif]-->") {
		t.Fatalf("%d <!--[if mso]> against %d <![endif]-->", strings.Count(doc, "<!--[if mso]>"), strings.Count(doc, "<![endif]-->"))
	}
	blocks := regexp.MustCompile(`(?s)<!--\[if mso\]>(.*?)<!\[endif\]-->`).FindAllStringSubmatch(doc, -1)
	if len(blocks) < 10 {
		t.Fatalf("%d MSO blocks, want the ghost tables of the card, the tiles and the staff", len(blocks))
	}
	tag := regexp.MustCompile(`<(/?)(table|tr|td)\b[^>]*>`)
	var stack []string
	for _, b := range blocks {
		for _, m := range tag.FindAllStringSubmatch(b[1], -1) {
			if m[1] == "" {
				stack = append(stack, m[2])
				continue
			}
			if len(stack) == 0 || stack[len(stack)-1] != m[2] {
				t.Fatalf("</%s> closes %v in MSO block %q", m[2], stack, b[1])
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		t.Errorf("MSO ghost tables left open: %v", stack)
	}
	// The ghost tables make the widths that max-width gives elsewhere.
	if !strings.Contains(doc, `<!--[if mso]><table role="presentation" width="640"`) {
		t.Error("no 640 px ghost table around the card")
	}
}

// Papercut: a change that rounds to zero has no arrow and the neutral
// colour. Lead time 2.54 against 2.5 days is +0.04, shown +0.0 days.
func TestHTMLChangeRoundingToZeroHasNoArrow(t *testing.T) {
	r := full(t)
	r.Current.LeadTimeMedian = ptr(2.54)
	r.Previous.LeadTimeMedian = ptr(2.5)
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, []report.Report{r}, report.Options{}); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	if strings.Contains(html, "▲ &#43;0.0 days") || strings.Contains(html, "▲ +0.0 days") {
		t.Error("a change of +0.0 days carries an arrow")
	}
	if !strings.Contains(html, `color:#6b7280">= 0.0 days</div>`) {
		t.Errorf("no neutral \"= 0.0 days\" in:\n%s", html)
	}
}

// Papercut: a document of several salons starts with an index that links
// to each salon's card.
func TestHTMLIndexOfSalons(t *testing.T) {
	one, two := full(t), sample(t)
	two.SalonID, two.SalonName = 7, "Salon Siete"
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, []report.Report{one, two}, report.Options{}); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{`href="#salon-1"`, `href="#salon-7"`, `id="salon-1"`, `id="salon-7"`, "Salons in this report"} {
		if !strings.Contains(html, want) {
			t.Errorf("the document lacks %s", want)
		}
	}
	if i, j := strings.Index(html, "Salons in this report"), strings.Index(html, "<h1"); i < 0 || i > j {
		t.Error("the index does not come before the first report")
	}
	buf.Reset()
	if err := report.WriteHTML(&buf, []report.Report{one}, report.Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "Salons in this report") {
		t.Error("a single report has an index")
	}
}

// Papercut: the subject's words live with the report's, in both languages.
func TestReportSubjectInEveryLanguage(t *testing.T) {
	r := full(t) // 2026-03-01 to 2026-03-03
	if got := report.Subject(r, report.Options{Lang: "es"}); got != "Studio Miraflores: reporte de reservas del 2026-03-01 al 2026-03-03" {
		t.Errorf("es subject = %q", got)
	}
	r.SalonName = ""
	if got := report.Subject(r, report.Options{}); got != "Salon 1: bookings report 2026-03-01 to 2026-03-03" {
		t.Errorf("en subject = %q", got)
	}
	for _, lang := range report.Languages {
		if missing := report.MissingWords(lang); len(missing) > 0 {
			t.Errorf("%s lacks %v", lang, missing)
		}
	}
}

// Papercut: an empty period says so once, not once per chart.
func TestHTMLEmptyPeriodSaysItOnce(t *testing.T) {
	r := report.Report{SalonID: 4, Current: report.Period{From: day(t, "2026-03-01"), To: day(t, "2026-03-08")}, Previous: report.Period{From: day(t, "2026-02-22"), To: day(t, "2026-03-01")}}
	r.Current.FillDaily(nil)
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, []report.Report{r}, report.Options{}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "No bookings in this period."); n != 1 {
		t.Errorf("\"No bookings in this period.\" appears %d times, want 1", n)
	}
}
