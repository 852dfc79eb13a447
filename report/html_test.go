package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
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
	// The owner's figures: prebook 2 of 3 visits = 66.7% against 2 of 5 =
	// 40.0% (+26.7 pp); S/ 90.00 lost against S/ 150.00; retention 3 of 4 =
	// 75.0%; 9 bookings worth S/ 360.00 on the books for 5-11 Mar against
	// 6 a week earlier (+50.0%).
	c.Visits, c.Prebooked, p.Visits, p.Prebooked = 3, 2, 5, 2
	c.LostRevenueCents, p.LostRevenueCents = ptrInt(9000), ptrInt(15000)
	r.Retention = report.Retention{PreviousClients: 4, Retained: 3}
	r.WeekAhead = report.WeekAhead{From: day(t, "2026-03-05"), To: day(t, "2026-03-12"), Bookings: 9, ValueCents: ptrInt(36000),
		LastWeek: report.LastWeek{From: day(t, "2026-02-26"), To: day(t, "2026-03-05"), Bookings: 6}}
	// At risk at the as-of instant, Thu 2026-03-05 12:00: client 42 last
	// came 2026-01-10 10:00, 54 d 2 h = 54.1 days before, every 14 days
	// (3.9 intervals); client 17 on 2026-02-01 09:00, 32 d 3 h = 32.1 days,
	// every 10.5 (3.1 intervals).
	r.AtRisk = []report.AtRiskClient{
		{UserID: 42, Visits: 5, LastVisit: time.Date(2026, 1, 10, 10, 0, 0, 0, time.UTC), UsualIntervalDays: 14, DaysSince: 54 + 2.0/24},
		{UserID: 17, Visits: 3, LastVisit: time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC), UsualIntervalDays: 10.5, DaysSince: 32.125},
	}
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
	if !strings.Contains(buf.String(), "US$\u00a01,234.50") {
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
		{"en", []string{"Studio Miraflores", "Sun 1 Mar 2026 – Tue 3 Mar 2026", "S/ 1,234.50", "S/ 411.50", "▼ -20.0%", "▼ -5.0 pp", "25.0%", "66.7%", "2.5 days", "Employee 7", "S/ 800.00", "18:00",
			"Prebook rate", "▲ +26.7 pp", "Money lost to no-shows and late cancellations", "S/ 90.00 lost (no-shows: 1, late cancellations: 1)", "before: S/ 150.00",
			"This week", "On the books for the next 7 days", "9", "▲ +50.0%", "S/ 360.00", "Retention rate", "75.0%",
			"Clients at risk", "Usual interval, days", "42 5 14.0 54.1", "17 3 10.5 32.1"}},
		{"es", []string{"Studio Miraflores", "dom 1 mar 2026 – mar 3 mar 2026", "S/ 1,234.50", "▼ -1.2%", "Tasa de cancelación", "66.7%", "2.5 días", "Profesional 7", "lun", "Clientes nuevos",
			"Tasa de prerreserva", "Esta semana", "Tasa de retención", "Clientes en riesgo", "Intervalo usual, días", "42 5 14.0 54.1", "S/ 90.00 perdidos"}},
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
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the JSON does not parse: %v", err)
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
	want := "salon_id from to as_of bookings pending confirmed completed canceled no_show cancellation_rate late_cancellation_rate no_show_rate peak_hour by_hour by_weekday_hour daily lead_time_days_median lead_time_days_p90 clients new_clients returning_clients rebooking_rate revenue_cents avg_ticket_cents prebook_rate lost_revenue_cents staff retention_rate week_ahead at_risk_clients at_risk previous"
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
	if !strings.Contains(html, "No bookings in this period.") || strings.Contains(html, "no amounts recorded") || strings.Contains(html, "vertical-align:bottom;padding:0 1px") {
		t.Errorf("empty report:\n%s", html)
	}
	// Said once, under its section's heading, with where the data starts
	// (issue 21, item 4); a salon without any data says that instead.
	if !regexp.MustCompile(`Bookings per day</h2>\s*<div[^>]*>No bookings in this period\. There is no data for this salon yet\.</div>`).MatchString(html) {
		t.Errorf("the empty period's message is not under its heading:\n%s", html)
	}
	first := day(t, "2025-11-04")
	r.DataFrom = &first
	buf.Reset()
	if err := report.WriteHTML(&buf, []report.Report{r}, report.Options{Lang: "es"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Sin reservas en este período. Los datos de este salón empiezan el mar 4 nov 2025.") {
		t.Errorf("the empty period does not say where the data starts:\n%s", buf.String())
	}
	if !strings.Contains(html, "Salon 4") {
		t.Error("an unnamed salon is titled by its id")
	}
}
