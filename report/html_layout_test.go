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
// the frame's width, the document's and the box of every headline
// figure's text into the DOM that --dump-dom prints. The email itself
// has no script.
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
  var pre = document.createElement('pre');
  pre.id = 'measure';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
};
</script></body></html>`

var measured = regexp.MustCompile(`<pre id="measure">([^<]*)</pre>`)

// wide is full stretched to what makes a report widest: a 31-day
// period with bookings every day, every hour of every weekday busy (24
// heat-map columns), eight staff, a long salon name and amounts in the
// millions.
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
	c.Staff = nil
	for i := range 8 {
		c.Staff = append(c.Staff, report.Staff{EmployeeID: int64(1000 + i), Bookings: int64(200 + i), Completed: 150, Canceled: 30, NoShow: 20, RevenueCents: ptrInt(9876543210)})
	}
	return r
}

// TestHTMLFitsPhones renders the report in Chromium at phone and desktop
// widths, in both languages: the document is never wider than the
// viewport and every headline figure (12 tiles per report) lies inside
// it.
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
					Viewport, Document, Figures int
					Outside                     []string
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
				if got.Figures != 24 || len(got.Outside) > 0 {
					t.Errorf("%d headline figures, want 24; outside the viewport or its tile: %q", got.Figures, got.Outside)
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
	if n := len(doc); n > 100_000 {
		t.Errorf("two reports make %d bytes of HTML; one email must stay under 100 KB", n)
	}
}
