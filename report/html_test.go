package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/report"
)

// full is sample (8 bookings, 2 canceled, 1 no-show over 2026-03-01..03)
// with every figure filled by hand, against a previous period of 10
// bookings:
//
//	revenue 123450 cents = S/ 1,234.50 against 125000 = S/ 1,250.00:
//	  (123450 - 125000) / 125000 = -1.24%, shown -1.2%
//	average ticket 41150 = S/ 411.50
//	bookings 8 against 10: -20.0%
//	cancellation rate 2/8 = 25.0% against 3/10 = 30.0%: -5.0 pp
//	clients 6, new 2 (33.3%), returning 4; rebooking 2 of 3 = 66.7%
//	lead time median 2.5 days against 3.0: -0.5 days
//	employee 7: 5 bookings, 1 canceled = 20.0%, S/ 800.00; employee 9 has
//	  no revenue (–)
func full(t *testing.T) report.Report {
	r := sample(t)
	c := &r.Current
	c.LeadTimeMedian, c.LeadTimeP90 = ptr(2.5), ptr(10.25)
	c.Clients = report.Clients{Clients: 6, New: 2, Completed: 3, Rebooked: 2}
	c.RevenueCents, c.AvgTicketCents = ptrInt(123450), ptr(41150.0)
	c.Staff = []report.Staff{
		{EmployeeID: 7, Bookings: 5, Completed: 2, Canceled: 1, NoShow: 1, RevenueCents: ptrInt(80000)},
		{EmployeeID: 9, Bookings: 3, Completed: 1, Canceled: 1},
	}
	c.ByWeekdayHour[0][10], c.ByWeekdayHour[0][18], c.ByWeekdayHour[1][18] = 2, 3, 1
	p := &r.Previous
	p.Counts = report.Counts{Bookings: 10, Completed: 5, Canceled: 3, NoShow: 2}
	p.ByHour[11] = 7
	p.LeadTimeMedian, p.LeadTimeP90 = ptr(3.0), ptr(9.0)
	p.Clients = report.Clients{Clients: 5, New: 1, Completed: 4, Rebooked: 2}
	p.RevenueCents, p.AvgTicketCents = ptrInt(125000), ptr(25000.0)
	return r
}

func ptr(f float64) *float64 { return &f }
func ptrInt(n int64) *int64  { return &n }

func TestMarkdownGolden(t *testing.T) {
	for _, lang := range []string{"en", "es"} {
		var buf bytes.Buffer
		if err := report.WriteMarkdown(&buf, []report.Report{full(t)}, report.Options{Lang: lang}); err != nil {
			t.Fatal(err)
		}
		golden(t, "report."+lang+".md", buf.Bytes())
	}
}

func TestHTMLGolden(t *testing.T) {
	for _, lang := range []string{"en", "es"} {
		var buf bytes.Buffer
		if err := report.WriteHTML(&buf, []report.Report{full(t)}, report.Options{Lang: lang}); err != nil {
			t.Fatal(err)
		}
		golden(t, "report."+lang+".html", buf.Bytes())
	}
}

// The HTML must render the same in an email client: no script, nothing
// fetched from elsewhere, no style sheet (Gmail keeps only inline styles),
// no SVG (Gmail drops it), and nothing html/template had to neutralize.
func TestHTMLIsSelfContained(t *testing.T) {
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, []report.Report{full(t), sample(t)}, report.Options{Lang: "es", Currency: "USD"}); err != nil {
		t.Fatal(err)
	}
	html := strings.ToLower(buf.String())
	for _, banned := range []string{"<script", "javascript:", "<link", "<style", "@import", "url(", "src=", "http://", "https://", "<svg", "<img", "zgotmplz"} {
		if strings.Contains(html, banned) {
			t.Errorf("the HTML contains %q", banned)
		}
	}
	if n := strings.Count(html, "<h1"); n != 2 {
		t.Errorf("%d reports in the document, want 2", n)
	}
	if !strings.Contains(buf.String(), "US$ 1,234.50") {
		t.Error("the revenue is not in dollars")
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		opt report.Options
		ok  bool
	}{
		{report.Options{}, true},
		{report.Options{Lang: "es", Currency: "PEN"}, true},
		{report.Options{Lang: "fr"}, false},
		{report.Options{Currency: "soles"}, false},
		{report.Options{Currency: "pen"}, false},
	} {
		err := tc.opt.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("Validate(%+v) = %v, want ok=%v", tc.opt, err, tc.ok)
		}
		if err := report.WriteHTML(new(bytes.Buffer), nil, tc.opt); (err == nil) != tc.ok {
			t.Errorf("WriteHTML with %+v = %v, want ok=%v", tc.opt, err, tc.ok)
		}
	}
}

// chromium finds Debian's chromium: in the repository's .tools/ or on PATH.
// Under CI=true a missing browser fails the test.
func chromium(t *testing.T) string {
	t.Helper()
	if p, err := filepath.Abs(filepath.Join("..", ".tools", "chromium")); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium not found: `make deps` installs Debian's chromium package")
	}
	t.Skip("chromium not found; `make deps` installs it")
	return ""
}

// render runs headless chromium on an HTML file with a fresh profile and
// returns its stdout.
func render(t *testing.T, browser, page string, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}, extra...)
	args = append(args, "file://"+page)
	cmd := exec.CommandContext(ctx, browser, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	return stdout.String()
}

// TestHTMLInChromium renders the report in a real browser and looks for
// the key figures (derived in the comment of full) in the DOM it built.
func TestHTMLInChromium(t *testing.T) {
	browser := chromium(t)
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"en", []string{"Studio Miraflores", "Sun 1 Mar 2026 – Tue 3 Mar 2026", "S/ 1,234.50", "S/ 411.50", "▼ -20.0%", "▼ -5.0 pp", "25.0%", "66.7%", "2.5 days", "Employee 7", "S/ 800.00", "18:00"}},
		{"es", []string{"Studio Miraflores", "dom 1 mar 2026 – mar 3 mar 2026", "S/ 1,234.50", "▼ -1.2%", "Tasa de cancelación", "66.7%", "2.5 días", "Profesional 7", "lun", "Clientes nuevos"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			page := filepath.Join(t.TempDir(), "report.html")
			var buf bytes.Buffer
			if err := report.WriteHTML(&buf, []report.Report{full(t)}, report.Options{Lang: tc.lang}); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			dom := render(t, browser, page, "--dump-dom")
			if !strings.Contains(dom, "<table") {
				t.Fatalf("chromium returned no document:\n%.500s", dom)
			}
			text := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(dom, " ")
			text = strings.Join(strings.Fields(strings.ReplaceAll(text, "&nbsp;", " ")), " ")
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("the rendered page lacks %q", w)
				}
			}
		})
	}
}

// The JSON keys come in docs/design.md's order, and the new ones carry the
// figures of full (see its comment).
func TestJSONNewKeys(t *testing.T) {
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, []report.Report{full(t)}, false); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(buf.Bytes()))
	var keys []string
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				depth++
			} else {
				depth--
			}
		case string:
			if depth == 1 && dec.More() {
				keys = append(keys, v)
				// skip the value
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	want := "salon_id from to as_of bookings pending confirmed completed canceled no_show cancellation_rate late_cancellation_rate no_show_rate peak_hour by_hour by_weekday_hour daily lead_time_days_median lead_time_days_p90 clients new_clients returning_clients rebooking_rate revenue_cents avg_ticket_cents staff previous"
	if got := strings.Join(keys, " "); got != want {
		t.Errorf("keys =\n%s\nwant\n%s", got, want)
	}
	var got struct {
		Median    float64          `json:"lead_time_days_median"`
		Returning int64            `json:"returning_clients"`
		Rebooking float64          `json:"rebooking_rate"`
		Revenue   int64            `json:"revenue_cents"`
		Grid      [][]int64        `json:"by_weekday_hour"`
		Staff     []map[string]any `json:"staff"`
		Previous  map[string]any   `json:"previous"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Median != 2.5 || got.Returning != 4 || got.Rebooking != 2.0/3 || got.Revenue != 123450 || got.Grid[0][18] != 3 || len(got.Grid) != 7 {
		t.Errorf("figures = %+v", got)
	}
	if len(got.Staff) != 2 || got.Staff[1]["revenue_cents"] != nil || got.Staff[0]["cancellation_rate"] != 0.2 {
		t.Errorf("staff = %v", got.Staff)
	}
	// previous: 5 clients, 1 new, 4 returning; rebooking 2/4; revenue 125000.
	p := got.Previous
	if p["clients"] != 5.0 || p["returning_clients"] != 4.0 || p["rebooking_rate"] != 0.5 || p["revenue_cents"] != 125000.0 || p["lead_time_days_p90"] != 9.0 {
		t.Errorf("previous = %v", p)
	}
	if _, ok := p["staff"]; ok {
		t.Error("previous carries staff; it has only the headline keys")
	}
}

// An empty period says so once, draws no empty chart, and does not claim
// that amounts are missing.
func TestHTMLEmptyPeriod(t *testing.T) {
	r := report.Report{SalonID: 4, Current: report.Period{From: day(t, "2026-03-01"), To: day(t, "2026-03-08")}, Previous: report.Period{From: day(t, "2026-02-22"), To: day(t, "2026-03-01")}}
	r.Current.FillDaily(nil)
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, []report.Report{r}, report.Options{}); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	if !strings.Contains(html, "No bookings in this period.") || strings.Contains(html, "Bookings per day") || strings.Contains(html, "no amounts recorded") {
		t.Errorf("empty report:\n%s", html)
	}
	if !strings.Contains(html, "Salon 4") {
		t.Error("an unnamed salon is titled by its id")
	}
}
