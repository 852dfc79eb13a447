package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/report"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := report.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestParsePeriod(t *testing.T) {
	// Friday 27 November 2026.
	today := time.Date(2026, 11, 27, 15, 30, 0, 0, time.UTC)
	for _, tc := range []struct{ spec, from, to string }{
		{"last-7d", "2026-11-20", "2026-11-27"},
		{"last-30d", "2026-10-28", "2026-11-27"},
		{"last-1d", "2026-11-26", "2026-11-27"},
		{"last-week", "2026-11-16", "2026-11-23"}, // Monday 16 to Sunday 22
		{"last-month", "2026-10-01", "2026-11-01"},
		{"2026-02", "2026-02-01", "2026-03-01"},
		{"2024-02", "2024-02-01", "2024-03-01"},
	} {
		from, to, err := report.ParsePeriod(tc.spec, today)
		if err != nil {
			t.Errorf("%s: %v", tc.spec, err)
			continue
		}
		if !from.Equal(day(t, tc.from)) || !to.Equal(day(t, tc.to)) {
			t.Errorf("%s = %s..%s, want %s..%s", tc.spec, from.Format(time.DateOnly), to.Format(time.DateOnly), tc.from, tc.to)
		}
	}
	// On a Monday, last week is the seven days just before.
	monday := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	if from, to, _ := report.ParsePeriod("last-week", monday); !from.Equal(day(t, "2026-11-16")) || !to.Equal(monday) {
		t.Errorf("last-week on a Monday = %v..%v", from, to)
	}
	// January's last month is the previous December.
	if from, _, _ := report.ParsePeriod("last-month", day(t, "2027-01-10")); !from.Equal(day(t, "2026-12-01")) {
		t.Errorf("last-month in January starts %v, want 2026-12-01", from)
	}
	for _, bad := range []string{"", "yesterday", "last-0d", "last-d", "2026-13", "2026-1", "last-30"} {
		if _, _, err := report.ParsePeriod(bad, today); err == nil {
			t.Errorf("ParsePeriod(%q) succeeded, want an error", bad)
		}
	}
}

func TestPreviousPeriodIsAsManyDaysBefore(t *testing.T) {
	from, to := report.Before(day(t, "2026-03-01"), day(t, "2026-03-08"))
	if !from.Equal(day(t, "2026-02-22")) || !to.Equal(day(t, "2026-03-01")) {
		t.Errorf("Before = %v..%v, want 2026-02-22..2026-03-01", from, to)
	}
	// A month is compared with as many days before it, not the calendar
	// month before.
	from, _ = report.Before(day(t, "2026-03-01"), day(t, "2026-04-01"))
	if !from.Equal(day(t, "2026-01-29")) {
		t.Errorf("31 days before 2026-03-01 = %v, want 2026-01-29", from)
	}
	// The period before is cut at 1900-01-01, the first supported date.
	// 1950 to 2000 and 1900 to 1950 both hold 12 leap days: 18,262 days,
	// so the period before 1950..2000 just fits.
	for _, tc := range []struct{ from, to, want string }{
		{"1950-01-01", "2000-01-01", "1900-01-01"},
		{"1926-09-16", "2026-12-01", "1900-01-01"}, // last-36600d on 2026-12-01
		{"1900-01-01", "1950-01-01", "1900-01-01"}, // empty
		{"1900-01-02", "1900-01-05", "1900-01-01"},
	} {
		from, to := report.Before(day(t, tc.from), day(t, tc.to))
		if !from.Equal(day(t, tc.want)) || !to.Equal(day(t, tc.from)) {
			t.Errorf("Before(%s, %s) = %v..%v, want %s..%s", tc.from, tc.to, from, to, tc.want, tc.from)
		}
	}
}

func TestPeakHour(t *testing.T) {
	var p report.Period
	if p.PeakHour() != nil {
		t.Error("peak hour of no bookings must be null")
	}
	p.ByHour[19], p.ByHour[11], p.ByHour[15] = 4, 4, 3
	if h := p.PeakHour(); h == nil || *h != 11 {
		t.Errorf("peak hour = %v, want 11 (tie with 19: the earliest)", h)
	}
	p.ByHour[0] = 5
	if h := p.PeakHour(); h == nil || *h != 0 {
		t.Errorf("peak hour = %v, want 0", h)
	}
}

// sample is a report whose numbers are chosen by hand: 8 bookings, 2
// canceled (1 late), 1 no-show.
func sample(t *testing.T) report.Report {
	asOf := time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)
	r := report.Report{
		SalonID:   1,
		SalonName: "Studio Miraflores",
		AsOf:      &asOf,
		Current: report.Period{
			From:   day(t, "2026-03-01"),
			To:     day(t, "2026-03-04"),
			Counts: report.Counts{Bookings: 8, Pending: 1, Confirmed: 1, Completed: 3, Canceled: 2, NoShow: 1, LateCanceled: 1},
		},
		Previous: report.Period{From: day(t, "2026-02-26"), To: day(t, "2026-03-01")},
	}
	r.Current.ByHour[10], r.Current.ByHour[18] = 2, 4
	r.Current.FillDaily([]report.Day{{Date: day(t, "2026-03-02"), Bookings: 5, Canceled: 2}, {Date: day(t, "2026-03-03"), Bookings: 3}})
	return r
}

func TestJSONKeys(t *testing.T) {
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, []report.Report{sample(t)}, false); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"salon_id": 1.0, "from": "2026-03-01", "to": "2026-03-04", "as_of": "2026-03-05T12:00:00Z",
		"bookings": 8.0, "pending": 1.0, "confirmed": 1.0, "completed": 3.0, "canceled": 2.0, "no_show": 1.0,
		"cancellation_rate": 0.25, "late_cancellation_rate": 0.125, "no_show_rate": 0.125, "peak_hour": 18.0,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	daily := got["daily"].([]any)
	if len(daily) != 3 {
		t.Fatalf("daily has %d days, want 3", len(daily))
	}
	if d := daily[0].(map[string]any); d["date"] != "2026-03-01" || d["bookings"] != 0.0 || d["canceled"] != 0.0 {
		t.Errorf("daily[0] = %v, want an empty 2026-03-01", d)
	}
	if d := daily[1].(map[string]any); d["date"] != "2026-03-02" || d["bookings"] != 5.0 || d["canceled"] != 2.0 {
		t.Errorf("daily[1] = %v", d)
	}
	if hours := got["by_hour"].([]any); len(hours) != 24 || hours[18] != 4.0 {
		t.Errorf("by_hour = %v", hours)
	}
	prev := got["previous"].(map[string]any)
	for _, k := range []string{"cancellation_rate", "late_cancellation_rate", "no_show_rate", "peak_hour"} {
		if v, ok := prev[k]; !ok || v != nil {
			t.Errorf("previous.%s = %v (present %v), want null for an empty period", k, v, ok)
		}
	}
	if prev["bookings"] != 0.0 || prev["from"] != "2026-02-26" || prev["to"] != "2026-03-01" {
		t.Errorf("previous = %v", prev)
	}
	// The keys come in the documented order.
	text := buf.String()
	if strings.Index(text, `"salon_id"`) > strings.Index(text, `"from"`) || strings.Index(text, `"as_of"`) > strings.Index(text, `"bookings"`) {
		t.Errorf("keys out of order:\n%s", text)
	}
}

func TestCSVIsTidy(t *testing.T) {
	var buf bytes.Buffer
	if err := report.WriteCSV(&buf, []report.Report{sample(t)}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "salon_id,period,from,to,as_of,metric,key,value" {
		t.Fatalf("header = %v", rows[0])
	}
	// Per period: 20 headline rows and 24 by_hour rows; the current period
	// adds 5 rows of the report as a whole (retention, 3 of the week ahead,
	// at_risk_clients; no client is at risk), 7 x 24 by_weekday_hour rows
	// and 2 rows per day for 3 days.
	if want := 1 + (20 + 5 + 24 + 7*24 + 6) + (20 + 24); len(rows) != want {
		t.Errorf("%d rows, want %d", len(rows), want)
	}
	find := func(period, metric, key string) []string {
		for _, r := range rows[1:] {
			if r[1] == period && r[5] == metric && r[6] == key {
				return r
			}
		}
		t.Fatalf("no row %s/%s/%s", period, metric, key)
		return nil
	}
	if r := find("current", "cancellation_rate", ""); r[7] != "0.25" || r[0] != "1" || r[2] != "2026-03-01" || r[3] != "2026-03-04" || r[4] != "2026-03-05T12:00:00Z" {
		t.Errorf("cancellation_rate row = %v", r)
	}
	if r := find("current", "by_hour", "18"); r[7] != "4" {
		t.Errorf("by_hour 18 row = %v", r)
	}
	if r := find("current", "daily_canceled", "2026-03-02"); r[7] != "2" {
		t.Errorf("daily_canceled row = %v", r)
	}
	if r := find("previous", "no_show_rate", ""); r[7] != "" || r[2] != "2026-02-26" {
		t.Errorf("previous no_show_rate row = %v, want an empty value", r)
	}
}

func TestTableChanges(t *testing.T) {
	r := sample(t)
	// 8 bookings now against 8 before, 2 canceled against 3 (25% to 37.5%).
	r.Previous.Counts = report.Counts{Bookings: 8, Canceled: 3, Completed: 5}
	var buf bytes.Buffer
	if err := report.WriteTable(&buf, []report.Report{r}, report.Options{}); err != nil {
		t.Fatal(err)
	}
	// Cells are compared with their padding folded: widths follow the data.
	text := strings.Join(strings.Fields(buf.String()), " ")
	for _, want := range []string{
		"│ Bookings │ 8 │ 8 │ 0.0% │",
		"│ canceled │ 2 │ 3 │ -33.3% │",
		"│ Cancellation rate │ 25.0% │ 37.5% │ -12.5 pp │",
		"│ No-show rate │ 12.5% │ 0.0% │ +12.5 pp │",
		"│ pending │ 1 │ 0 │ – │",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("table lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestTableGolden(t *testing.T) {
	var buf bytes.Buffer
	// Every report the CLI builds has its week ahead: here 4 bookings
	// worth S/ 160.00 on the books for Thu 5 – Wed 11 Mar, 2 a week earlier.
	r := sample(t)
	r.WeekAhead = report.WeekAhead{From: day(t, "2026-03-05"), To: day(t, "2026-03-12"), Bookings: 4, ValueCents: ptrInt(16000),
		LastWeek: report.LastWeek{From: day(t, "2026-02-26"), To: day(t, "2026-03-05"), Bookings: 2}}
	if err := report.WriteTable(&buf, []report.Report{r}, report.Options{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "table.golden", buf.Bytes())
	text := buf.String()
	for _, want := range []string{"Salon 1 · Studio Miraflores", "2026-03-01 → 2026-03-03 (3 days)", "25.0%", "18:00", "2026-03-02"} {
		if !strings.Contains(text, want) {
			t.Errorf("table lacks %q", want)
		}
	}
}

// golden compares got with testdata/name; -update rewrites the file, to be
// read by a person before it is committed.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update and review the file)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s:\n%s", path, got)
	}
}

// Periods are counted in calendar days, without time.Duration, which
// overflows past about 292 years: 1700-01-01..2026-01-01 is 119,069 days
// (326 years of 365 days = 118,990, plus 79 leap days: 1700..2024 has 82
// years divisible by 4, less 1700, 1800 and 1900).
func TestDaysOverCenturies(t *testing.T) {
	from, to := time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC), day(t, "2026-01-01")
	if n := report.Days(from, to); n != 119069 {
		t.Errorf("Days = %d, want 119069", n)
	}
	if err := report.CheckRange(day(t, "1926-01-01"), day(t, "2026-01-01")); err != nil {
		t.Errorf("100 years: %v", err)
	}
	if err := report.CheckRange(day(t, "1920-01-01"), day(t, "2026-01-01")); err == nil {
		t.Error("106 years accepted")
	}
}

// Table headers read as the words are written in each language (issue 21,
// item 6): tablewriter upper-cased "No-shows" into "NO - SHOWS", the
// histogram's bar column had no title, and the salons overview had an
// empty header and empty cells for the name of a salon without a config.
func TestTableHeadersAsWritten(t *testing.T) {
	r := sample(t)
	r.Current.Staff = []report.Staff{{EmployeeID: 7, Bookings: 8, Completed: 3, Canceled: 2, NoShow: 1}}
	for _, lang := range []string{"en", "es"} {
		var buf bytes.Buffer
		if err := report.WriteTable(&buf, []report.Report{r}, report.Options{Lang: lang}); err != nil {
			t.Fatal(err)
		}
		text := buf.String()
		want := map[string][]string{
			"en": {"│ No-shows │", "│ Against the busiest hour", "│ Hour  │ Bookings │"},
			"es": {"│ Inasistencias │", "│ Frente a la hora más concurrida", "│ Hora  │ Reservas │"},
		}[lang]
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: table lacks %q:\n%s", lang, w, text)
			}
		}
		if strings.Contains(text, "NO - SHOWS") || strings.Contains(text, "INASISTENCIAS") {
			t.Errorf("%s: upper-cased headers:\n%s", lang, text)
		}
	}

	nameless := sample(t)
	nameless.SalonID, nameless.SalonName = 3, ""
	var buf bytes.Buffer
	if err := report.WriteSummaryTable(&buf, []report.Report{sample(t), nameless}, report.Options{}); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(buf.String()), " ")
	for _, w := range []string{"│ Salon │ Name │ Bookings │", "│ 1 │ Studio Miraflores │", "│ 3 │ Salon 3 │"} {
		if !strings.Contains(text, w) {
			t.Errorf("summary lacks %q:\n%s", w, buf.String())
		}
	}
	buf.Reset()
	if err := report.WriteSummaryMarkdown(&buf, []report.Report{nameless}, report.Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "| Salon | Name | Bookings |") || !strings.Contains(buf.String(), "| 3 | Salon 3 |") {
		t.Errorf("summary markdown:\n%s", buf.String())
	}
}
