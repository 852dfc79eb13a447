package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instudio/instudio-report/mail/mailtest"
)

// writeSendAtConfig puts salon 1 of the send fixture in Madrid and salon 2
// in Lima, each mailed at 07:00 its own time. The newest event of the
// fixture (03-09 13:00 UTC) is at most a few hours from the runs' clocks,
// so the source is fresh under max_lag.
func writeSendAtConfig(t *testing.T, source, smtpURL, maxLag string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.yaml")
	conf := fmt.Sprintf(`source: %s
smtp:
  url: %s
  from: reports@instudio.example
  timeout: 5s
  retries: 0
  send_at: "07:00"
  max_lag: %s
salons:
  - id: 1
    name: Salon Uno
    timezone: Europe/Madrid
    email: [madrid@example.com]
  - id: 2
    name: Salon Dos
    timezone: America/Lima
    email: [lima@example.com]
`, source, smtpURL, maxLag)
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Hourly runs from Sunday 12:00 to Monday 18:00 UTC: the week of
// 2026-03-02 goes to Madrid (UTC+1 in March) at 06:00 UTC and to Lima
// (UTC-5) at 12:00 UTC, one email each. Earlier runs say "not yet".
func TestSendAtHourlyThroughMailpit(t *testing.T) {
	srv := mailtest.Start(t)
	ledger := t.TempDir()
	conf := writeSendAtConfig(t, writeSendFixture(t), srv.SMTPURL(), "100h")
	start := time.Date(2026, 3, 8, 12, 0, 0, 0, time.UTC)
	sentAt := map[string]string{}
	for now := start; now.Before(start.Add(31 * time.Hour)); now = now.Add(time.Hour) {
		before := len(srv.Messages(t))
		res := run(t, runOpts{}, "--config", conf, "send", "--period", "last-week", "--ledger", ledger, "--now", now.Format(time.RFC3339))
		if res.code != 0 {
			t.Fatalf("run at %s: exit %d: %s", now, res.code, res.stderr)
		}
		if now.Equal(time.Date(2026, 3, 9, 5, 0, 0, 0, time.UTC)) && !strings.Contains(res.stderr, "salon 1 (Salon Uno): not yet: 07:00 Europe/Madrid") {
			t.Errorf("run at 05:00 UTC (06:00 in Madrid) does not say not yet:\n%s", res.stderr)
		}
		msgs := srv.Messages(t)
		for _, m := range msgs[:len(msgs)-before] { // mailpit lists newest first
			for _, a := range mailtest.Addresses(m.To) {
				if _, dup := sentAt[a]; dup {
					t.Errorf("%s got a second email at %s", a, now)
				}
				sentAt[a] = now.Format("01-02 15:04") + " " + m.Subject
			}
		}
	}
	want := map[string]string{
		"madrid@example.com": "03-09 06:00 Salon Uno: bookings report 2026-03-02 to 2026-03-08",
		"lima@example.com":   "03-09 12:00 Salon Dos: bookings report 2026-03-02 to 2026-03-08",
	}
	if !reflect.DeepEqual(sentAt, want) {
		t.Errorf("emails = %v, want %v", sentAt, want)
	}

	// sent lists both, with the figures of the send fixture's comment.
	res := run(t, runOpts{}, "--config", conf, "sent", "--ledger", ledger, "-o", "csv")
	for _, line := range []string{
		"1,2026-03-02,2026-03-09,sent,1,2026-03-09T06:00:00Z,instudio-report.salon-1.2026-03-02_2026-03-09.1@instudio.example,4,2,25.0%,",
		"2,2026-03-02,2026-03-09,sent,1,2026-03-09T12:00:00Z,instudio-report.salon-2.2026-03-02_2026-03-09.1@instudio.example,2,1,50.0%,",
	} {
		if !strings.Contains(res.stdout, line) {
			t.Errorf("sent lacks %q:\n%s%s", line, res.stdout, res.stderr)
		}
	}

	table := run(t, runOpts{terminal: true}, "--config", conf, "sent", "--ledger", ledger, "--salon", "2")
	if !regexp.MustCompile(`(?m)^\W*2[\s│]+2026-03-02[\s│]+2026-03-09[\s│]+sent[\s│]+1[\s│]+2026-03-09T12:00:00Z[\s│]+\S+[\s│]+2[\s│]+1[\s│]+50\.0%`).MatchString(table.stdout) || strings.Contains(table.stdout, "madrid") {
		t.Errorf("sent --salon 2 on a terminal:\n%s%s", table.stdout, table.stderr)
	}
	if res := run(t, runOpts{}, "--config", conf, "sent", "--ledger", ledger, "--salon", "9", "--period", "2026-03-02_2026-03-09", "-o", "json"); res.code != 1 ||
		!strings.Contains(res.stderr, "instudio-report: sent: the ledger has no sent email for salon 9 and 2026-03-02_2026-03-09") {
		t.Errorf("sent for an unknown salon: exit %d: %s", res.code, res.stderr)
	}

	// The archived report is salon -o json as of the send time, key by key.
	archived := run(t, runOpts{}, "--config", conf, "sent", "--ledger", ledger, "--salon", "1", "--period", "2026-03-02_2026-03-09", "-o", "json")
	direct := run(t, runOpts{}, "--config", conf, "salon", "--id", "1", "--from", "2026-03-02", "--to", "2026-03-09", "--as-of", "2026-03-09T06:00:00Z", "-o", "json")
	if archived.code != 0 || direct.code != 0 {
		t.Fatalf("sent: exit %d %s; salon: exit %d %s", archived.code, archived.stderr, direct.code, direct.stderr)
	}
	var a, d map[string]any
	if err := json.Unmarshal([]byte(archived.stdout), &a); err != nil {
		t.Fatalf("%v: %s", err, archived.stdout)
	}
	if err := json.Unmarshal([]byte(direct.stdout), &d); err != nil {
		t.Fatal(err)
	}
	if len(a) < 20 || len(a) != len(d) {
		t.Errorf("archived report has %d keys, salon -o json %d", len(a), len(d))
	}
	for k, v := range d {
		if !reflect.DeepEqual(a[k], v) {
			t.Errorf("key %s: archived %v, salon -o json %v", k, a[k], v)
		}
	}
	if a["bookings"] != 4.0 {
		t.Errorf("archived bookings = %v, want 4 (salon 1 of the fixture)", a["bookings"])
	}

	// A rerun with --force archives a second attempt.
	res = run(t, runOpts{}, "--config", conf, "send", "--period", "last-week", "--ledger", ledger, "--salon", "1", "--force", "--now", "2026-03-09T08:00:00Z")
	if res.code != 0 || !strings.Contains(res.stderr, "1 sent") {
		t.Fatalf("forced: exit %d: %s", res.code, res.stderr)
	}
	for _, attempt := range []string{"0001.sent", "0002.sent"} {
		data, err := os.ReadFile(filepath.Join(ledger, "2026-03-02_2026-03-09", "salon-1", attempt))
		if err != nil || !strings.Contains(string(data), `"report": {`) || !strings.Contains(string(data), `"html_sha256": "`) {
			t.Errorf("%s: %v\n%s", attempt, err, data)
		}
	}
}

// Two runs at 07:00 in Madrid at once: one email.
func TestSendAtConcurrentRuns(t *testing.T) {
	srv := mailtest.Start(t)
	ledger := t.TempDir()
	conf := writeSendAtConfig(t, writeSendFixture(t), srv.SMTPURL(), "100h")
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = run(t, runOpts{}, "--config", conf, "send", "--period", "last-week", "--ledger", ledger, "--now", "2026-03-09T06:00:00Z").code
		}()
	}
	wg.Wait()
	if !slices.Equal(codes, []int{0, 0}) {
		t.Errorf("exit codes %v", codes)
	}
	if msgs := srv.Messages(t); len(msgs) != 1 || mailtest.Addresses(msgs[0].To)[0] != "madrid@example.com" {
		t.Errorf("mailpit holds %+v, want one email to Madrid", msgs)
	}
}

// A source whose newest event (03-09 13:00 UTC, ingested 13:00:01) arrived
// 91h59m59s (92 h to the minute) before
// Friday 03-13 09:00 UTC is stale under max_lag 48h: exit 3, no email;
// --force sends.
func TestSendStaleSource(t *testing.T) {
	srv := mailtest.Start(t)
	conf := writeSendConfig(t, writeSendFixture(t), srv.SMTPURL(), "owner2@example.com")
	data, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte(strings.Replace(string(data), "max_lag: 100h", "max_lag: 48h", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	ledger := t.TempDir()
	res := run(t, runOpts{}, "--config", conf, "send", "--period", "last-week", "--ledger", ledger)
	want := "instudio-report: send: the source is stale (newest event arrived 2026-03-09T13:00:01Z, 92h0m0s before 2026-03-13T09:00:00Z, more than smtp.max_lag 48h0m0s): sent nothing to 3 salon(s)"
	if res.code != 3 || !strings.Contains(res.stderr, want) {
		t.Errorf("exit %d, want 3 and %q:\n%s", res.code, want, res.stderr)
	}
	if n := len(srv.Messages(t)); n != 0 {
		t.Errorf("a stale run sent %d emails", n)
	}
	res = run(t, runOpts{}, "--config", conf, "send", "--period", "last-week", "--ledger", ledger, "--force")
	if res.code != 0 || len(srv.Messages(t)) != 3 {
		t.Errorf("--force: exit %d, %d emails, want 0 and 3: %s", res.code, len(srv.Messages(t)), res.stderr)
	}
}

// The dry-run summary of the week after the fixture's: salon 1 had 4
// bookings sent for the week of 03-02 and has none in the week of 03-09
// (a drop and no bookings), salon 2 had 2 and has 1 (booking 23: exactly
// half, not more than half), salon 3 had 2 and has none.
func TestSendDryRunSummaryAgainstTheLedger(t *testing.T) {
	srv := mailtest.Start(t)
	ledger := t.TempDir()
	conf := writeSendConfig(t, writeSendFixture(t), srv.SMTPURL(), "owner2@example.com")
	if res := run(t, runOpts{}, "--config", conf, "send", "--period", "last-week", "--ledger", ledger); res.code != 0 {
		t.Fatalf("send: exit %d: %s", res.code, res.stderr)
	}
	out := filepath.Join(t.TempDir(), "out")
	res := run(t, runOpts{}, "--config", conf, "send", "--period", "last-week", "--ledger", ledger, "--now", "2026-03-16T09:00:00Z", "--dry-run", out)
	if res.code != 0 {
		t.Fatalf("dry run: exit %d: %s", res.code, res.stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sum struct {
		Salons []struct {
			SalonID  int64 `json:"salon_id"`
			From     string
			Figures  struct{ Bookings int64 }
			LastSent *struct {
				From    string
				Figures struct{ Bookings int64 }
			} `json:"last_sent"`
			Change   struct{ Bookings int64 }
			Warnings []string
		}
	}
	if err := json.Unmarshal(data, &sum); err != nil {
		t.Fatal(err)
	}
	want := map[int64]struct {
		now, sent, change int64
		warnings          []string
	}{
		1: {0, 4, -4, []string{"bookings dropped by more than half: 0 against 4 sent for 2026-03-02 to 2026-03-08", "no bookings at all in the period"}},
		2: {1, 2, -1, []string{}},
		3: {0, 2, -2, []string{"bookings dropped by more than half: 0 against 2 sent for 2026-03-02 to 2026-03-08", "no bookings at all in the period"}},
	}
	if len(sum.Salons) != 3 {
		t.Fatalf("summary lists %d salons:\n%s", len(sum.Salons), data)
	}
	for _, s := range sum.Salons {
		w := want[s.SalonID]
		if s.From != "2026-03-09" || s.Figures.Bookings != w.now || s.LastSent == nil || s.LastSent.Figures.Bookings != w.sent ||
			s.Change.Bookings != w.change || !slices.Equal(s.Warnings, w.warnings) {
			t.Errorf("salon %d: %+v, want %+v", s.SalonID, s, w)
		}
	}
	if !strings.Contains(res.stderr, "salon 1 (Salon Uno): warning: no bookings at all in the period") {
		t.Errorf("stderr lacks the warnings:\n%s", res.stderr)
	}
}
