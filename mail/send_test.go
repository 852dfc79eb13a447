package mail_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instudio/instudio-report/mail"
	"github.com/instudio/instudio-report/report"
	"github.com/instudio/instudio-report/storage"
)

// fakeSender records what it delivers; fail, when set, decides each call
// (n counts the calls for one Message-ID from 1).
type fakeSender struct {
	mu        sync.Mutex
	delivered []mail.Message
	calls     map[string]int
	fail      func(m *mail.Message, n int) error
	at        []time.Time // the run's clock at each delivery
	now       func() time.Time
}

func (f *fakeSender) Send(_ context.Context, m *mail.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[m.MessageID]++
	if f.fail != nil {
		if err := f.fail(m, f.calls[m.MessageID]); err != nil {
			return err
		}
	}
	f.delivered = append(f.delivered, *m)
	if f.now != nil {
		f.at = append(f.at, f.now())
	}
	return nil
}

func (f *fakeSender) to(addr string) []mail.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []mail.Message
	for _, m := range f.delivered {
		if strings.Contains(strings.Join(m.To, ","), addr) {
			out = append(out, m)
		}
	}
	return out
}

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	z, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return z
}

// bookingsOf gives each salon of the send tests its bookings: salon 1
// has 10, salon 2 has 3.
var bookingsOf = map[int64]int64{1: 10, 2: 3}

// newSend is a run over salons 1 (Madrid) and 2 (Lima) with the ledger in
// dir and the fake sender; the period is spec relative to today.
func newSend(t *testing.T, dir string, sender *fakeSender, now time.Time, spec string) *mail.Send {
	t.Helper()
	s := settings
	s.URL = "smtp://fake.invalid"
	var out bytes.Buffer
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("run at %s:\n%s", now.Format(time.RFC3339), out.String())
		}
	})
	return &mail.Send{
		Settings:   s,
		ConfigFile: "report.yaml",
		Salons: []mail.Salon{
			{ID: 1, Name: "Madrid", Zone: zone(t, "Europe/Madrid"), To: []string{"madrid@example.com"}},
			{ID: 2, Name: "Lima", Zone: zone(t, "America/Lima"), To: []string{"lima@example.com"}},
		},
		PeriodOf: func(today time.Time) (mail.Period, error) {
			from, to, err := report.ParsePeriod(spec, today)
			return mail.Period{From: from, To: to}, err
		},
		Rolling: true,
		Now:     func() time.Time { return now },
		Reports: func(_ context.Context, p mail.Period, salons []mail.Salon) ([]report.Report, error) {
			// Reversed on purpose: a report goes with its salon by id.
			var out []report.Report
			for i := len(salons) - 1; i >= 0; i-- {
				r := report.Report{SalonID: salons[i].ID, SalonName: salons[i].Name,
					Current: report.Period{From: p.From, To: p.To, Counts: report.Counts{Bookings: bookingsOf[salons[i].ID], Confirmed: bookingsOf[salons[i].ID]}}}
				r.Previous.From, r.Previous.To = report.Before(p.From, p.To)
				r.Current.FillDaily(nil)
				out = append(out, r)
			}
			return out, nil
		},
		Sender: func() (mail.Sender, func(), error) { return sender, func() {}, nil },
		Ledger: func(context.Context) (*mail.Ledger, error) {
			return &mail.Ledger{Root: &storage.Dir{Path: dir}}, nil
		},
		Sleep: func(context.Context, time.Duration) error { return nil },
		Out:   &out,
	}
}

func TestSendPairsReportsWithSalonsByID(t *testing.T) {
	sender := &fakeSender{}
	// Monday 2026-11-23 12:00 UTC: last-week is 2026-11-16 to 11-22.
	s := newSend(t, t.TempDir(), sender, time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), "last-week")
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for addr, name := range map[string]string{"madrid@example.com": "Madrid", "lima@example.com": "Lima"} {
		got := sender.to(addr)
		if len(got) != 1 || got[0].Subject != name+": bookings report 2026-11-16 to 2026-11-22" {
			t.Errorf("%s got %d messages: %+v", addr, len(got), got)
		}
	}
}

// The delivery state machine against a fake sender: a transient failure
// is retried, an unknown outcome is possibly sent and left alone until
// --force, which archives a second attempt.
func TestSendRetriesPossiblySentAndForce(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	sender := &fakeSender{fail: func(m *mail.Message, n int) error {
		switch {
		case strings.Contains(m.To[0], "madrid") && n <= 2:
			return &mail.DeliveryError{Err: errors.New("421 try later"), Temporary: true}
		case strings.Contains(m.To[0], "lima") && strings.HasSuffix(strings.Split(m.MessageID, "@")[0], ".1"):
			return &mail.DeliveryError{Err: errors.New("connection lost after the final dot"), Unknown: true}
		}
		return nil
	}}
	s := newSend(t, dir, sender, now, "last-week")
	s.Settings.Retries = new(int)
	*s.Settings.Retries = 2
	var fe *mail.FailedError
	if err := s.Run(context.Background()); !errors.As(err, &fe) || fe.Failed != 1 {
		t.Fatalf("first run: %v, want 1 failed", err)
	}
	if n := sender.calls["instudio-report.salon-1.2026-11-16_2026-11-23.1@instudio.example"]; n != 3 {
		t.Errorf("madrid: %d SMTP transactions, want 3 (two 421s, then accepted)", n)
	}
	st := ledgerStates(t, dir)
	if st[1].State != mail.Sent || st[2].State != mail.Sending {
		t.Errorf("ledger after the first run: %+v", st)
	}

	// A rerun leaves the possibly-sent salon alone.
	if err := newSend(t, dir, sender, now, "last-week").Run(context.Background()); err != nil {
		t.Fatalf("rerun: %v", err)
	}
	if got := len(sender.to("lima@example.com")); got != 0 {
		t.Errorf("lima delivered %d times after the rerun, want 0", got)
	}

	// --force sends attempt 2 to both and archives it.
	forced := newSend(t, dir, sender, now, "last-week")
	forced.Force = true
	if err := forced.Run(context.Background()); err != nil {
		t.Fatalf("forced: %v", err)
	}
	st = ledgerStates(t, dir)
	if st[1].Attempt != 2 || st[1].State != mail.Sent || st[2].Attempt != 2 || st[2].State != mail.Sent {
		t.Errorf("ledger after --force: %+v", st)
	}
	for _, attempt := range []string{"0001.sent", "0002.sent"} {
		e := readEntry(t, filepath.Join(dir, week.Key(), "salon-1", attempt))
		var fig struct {
			SalonID  int64 `json:"salon_id"`
			Bookings int64 `json:"bookings"`
		}
		if err := json.Unmarshal(e.Report, &fig); err != nil || fig.SalonID != 1 || fig.Bookings != 10 {
			t.Errorf("%s archives %s (%v), want salon 1 with 10 bookings", attempt, e.Report, err)
		}
	}
}

func readEntry(t *testing.T, path string) mail.Entry {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var e mail.Entry
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

// Two runs at once claim each salon's attempt once: one of them sends.
func TestSendConcurrentRunsSendOnce(t *testing.T) {
	dir := t.TempDir()
	sender := &fakeSender{}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := newSend(t, dir, sender, now, "last-week").Run(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for _, addr := range []string{"madrid@example.com", "lima@example.com"} {
		if n := len(sender.to(addr)); n != 1 {
			t.Errorf("%s got %d messages, want 1", addr, n)
		}
	}
}

// hourSteps runs send every hour in [from, to) and returns when each
// address got its messages, as UTC times.
func hourSteps(t *testing.T, from, to time.Time, spec string) map[string][]string {
	t.Helper()
	dir := t.TempDir()
	sender := &fakeSender{}
	got := map[string][]string{}
	for now := from; now.Before(to); now = now.Add(time.Hour) {
		before := len(sender.delivered)
		s := newSend(t, dir, sender, now, spec)
		s.Settings.SendAt = "07:00"
		if err := s.Run(context.Background()); err != nil {
			t.Fatalf("run at %s: %v", now, err)
		}
		for _, m := range sender.delivered[before:] {
			got[m.To[0]] = append(got[m.To[0]], now.Format("01-02 15:04")+" "+m.Subject)
		}
	}
	return got
}

// Hourly runs across a Monday: Madrid (CET, UTC+1 in November) gets its
// week at 06:00 UTC, Lima (UTC-5) at 12:00 UTC, once each.
func TestSendAtAcrossAMonday(t *testing.T) {
	got := hourSteps(t, time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), "last-week")
	want := map[string]string{
		"madrid@example.com": "11-23 06:00 Madrid: bookings report 2026-11-16 to 2026-11-22",
		"lima@example.com":   "11-23 12:00 Lima: bookings report 2026-11-16 to 2026-11-22",
	}
	for addr, w := range want {
		if len(got[addr]) != 1 || got[addr][0] != w {
			t.Errorf("%s: %q, want exactly %q", addr, got[addr], w)
		}
	}
}

// Daily reports across the last Sunday of October: Madrid leaves summer
// time at 01:00 UTC on 2026-10-25, so its 07:00 moves from 05:00 UTC on
// Saturday to 06:00 UTC on Sunday and Monday; Lima keeps 12:00 UTC.
func TestSendAtAcrossMadridDST(t *testing.T) {
	// The steps start at 05:00 UTC, midnight in Lima, so that no salon is
	// already past its 07:00 of a day before.
	got := hourSteps(t, time.Date(2026, 10, 24, 5, 0, 0, 0, time.UTC), time.Date(2026, 10, 27, 0, 0, 0, 0, time.UTC), "last-1d")
	want := map[string][]string{
		"madrid@example.com": {
			"10-24 05:00 Madrid: bookings report 2026-10-23 to 2026-10-23",
			"10-25 06:00 Madrid: bookings report 2026-10-24 to 2026-10-24",
			"10-26 06:00 Madrid: bookings report 2026-10-25 to 2026-10-25",
		},
		"lima@example.com": {
			"10-24 12:00 Lima: bookings report 2026-10-23 to 2026-10-23",
			"10-25 12:00 Lima: bookings report 2026-10-24 to 2026-10-24",
			"10-26 12:00 Lima: bookings report 2026-10-25 to 2026-10-25",
		},
	}
	for addr, w := range want {
		if strings.Join(got[addr], "\n") != strings.Join(w, "\n") {
			t.Errorf("%s:\n%s\nwant\n%s", addr, strings.Join(got[addr], "\n"), strings.Join(w, "\n"))
		}
	}
}

func TestSendAtNotYetAndPassed(t *testing.T) {
	dir := t.TempDir()
	sender := &fakeSender{}
	// Monday 2026-11-23 05:30 UTC: 06:30 in Madrid, 00:30 in Lima.
	s := newSend(t, dir, sender, time.Date(2026, 11, 23, 5, 30, 0, 0, time.UTC), "last-week")
	s.Settings.SendAt = "07:00"
	var out bytes.Buffer
	s.Out = &out
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"salon 1 (Madrid): not yet: 07:00 Europe/Madrid", "salon 2 (Lima): not yet: 07:00 America/Lima"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	// On Tuesday the Monday of the week has passed: nothing is sent, and
	// the summary says how to send it.
	s = newSend(t, dir, sender, time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC), "last-week")
	s.Settings.SendAt = "07:00"
	out.Reset()
	s.Out = &out
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := "salon 1 (Madrid): skipped: its send_at, 2026-11-23 07:00 Europe/Madrid, has passed: send it with --salon 1 --now 2026-11-23T06:00:00Z"; !strings.Contains(out.String(), want) {
		t.Errorf("summary lacks %q:\n%s", want, out.String())
	}
	if len(sender.delivered) != 0 {
		t.Errorf("delivered %d messages, want none", len(sender.delivered))
	}
}

func TestSendStaleSourceSendsNothing(t *testing.T) {
	dir := t.TempDir()
	sender := &fakeSender{}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	stale := func(context.Context) (mail.Freshness, error) {
		return mail.Freshness{Stale: true, Why: "newest event arrived 2026-11-20T18:00:00Z, 66h0m0s before 2026-11-23T12:00:00Z"}, nil
	}
	s := newSend(t, dir, sender, now, "last-week")
	s.Freshness = stale
	var se *mail.StaleError
	if err := s.Run(context.Background()); !errors.As(err, &se) || se.Due != 2 || !strings.Contains(err.Error(), "66h0m0s before") {
		t.Fatalf("err = %v, want a StaleError for 2 salons", err)
	}
	if len(sender.delivered) != 0 || len(ledgerStates(t, dir)) != 0 {
		t.Fatalf("a stale run delivered %d messages", len(sender.delivered))
	}
	s = newSend(t, dir, sender, now, "last-week")
	s.Freshness, s.Force = stale, true
	if err := s.Run(context.Background()); err != nil {
		t.Fatalf("forced: %v", err)
	}
	if len(sender.delivered) != 2 {
		t.Errorf("forced run delivered %d, want 2", len(sender.delivered))
	}
	// Once sent, a stale source does not matter: nothing is due.
	s = newSend(t, dir, sender, now, "last-week")
	s.Freshness = stale
	if err := s.Run(context.Background()); err != nil {
		t.Errorf("rerun after sending: %v", err)
	}
}

func TestSendUnknownSalon(t *testing.T) {
	s := newSend(t, t.TempDir(), &fakeSender{}, time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), "last-week")
	s.Only = 9
	var ue *mail.UnknownSalonError
	if err := s.Run(context.Background()); !errors.As(err, &ue) || ue.ID != 9 {
		t.Errorf("err = %v, want salon 9 unknown", err)
	}
}

// The dry-run summary compares with the last period the ledger records
// as sent: salon 1 had 10 bookings sent for the week of 11-09 and has 10
// again (no warning); salon 2 had 10 sent and has 3 now, a drop of 70%.
func TestDryRunSummary(t *testing.T) {
	dir := t.TempDir()
	old := map[int64]int64{1: 10, 2: 10}
	sent := newSend(t, dir, &fakeSender{}, time.Date(2026, 11, 16, 12, 0, 0, 0, time.UTC), "last-week")
	base := sent.Reports
	sent.Reports = func(ctx context.Context, p mail.Period, salons []mail.Salon) ([]report.Report, error) {
		rs, err := base(ctx, p, salons)
		for i := range rs {
			rs[i].Current.Counts.Bookings = old[rs[i].SalonID]
		}
		return rs, err
	}
	if err := sent.Run(context.Background()); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "out")
	s := newSend(t, dir, &fakeSender{}, time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), "last-week")
	s.DryRun = out
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sum mail.DryRunSummary
	if err := json.Unmarshal(data, &sum); err != nil {
		t.Fatal(err)
	}
	if len(sum.Salons) != 2 {
		t.Fatalf("summary has %d salons:\n%s", len(sum.Salons), data)
	}
	for _, d := range sum.Salons {
		eml, err := os.Stat(filepath.Join(out, d.File))
		if err != nil || int64(d.MessageBytes) != eml.Size() {
			t.Errorf("salon %d: message_bytes %d, file %v %v", d.SalonID, d.MessageBytes, eml, err)
		}
		if d.LastSent == nil || d.LastSent.From != "2026-11-09" || d.LastSent.Figures.Bookings != 10 {
			t.Errorf("salon %d: last_sent = %+v", d.SalonID, d.LastSent)
			continue
		}
		switch d.SalonID {
		case 1:
			if d.Change.Bookings != 0 || len(d.Warnings) != 0 {
				t.Errorf("salon 1: change %+v, warnings %q; want 0 and none", d.Change, d.Warnings)
			}
		case 2:
			if d.Change.Bookings != -7 || *d.Change.BookingsPercent != -70 || len(d.Warnings) != 1 ||
				d.Warnings[0] != "bookings dropped by more than half: 3 against 10 sent for 2026-11-09 to 2026-11-15" {
				t.Errorf("salon 2: change %+v, warnings %q", d.Change, d.Warnings)
			}
		}
	}
}

// The default ledger is absolute or an error: a relative one would follow
// the directory cron starts in and lose what was sent.
func TestLedgerLocation(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	for _, tc := range []struct {
		name, flag string
		s          mail.Settings
		env        map[string]string
		want       string
		err        bool
	}{
		{"flag first", "/l/flag", mail.Settings{Ledger: "/l/conf"}, map[string]string{"INSTUDIO_LEDGER": "/l/env"}, "/l/flag", false},
		{"env before config", "", mail.Settings{Ledger: "/l/conf"}, map[string]string{"INSTUDIO_LEDGER": "/l/env"}, "/l/env", false},
		{"config", "", mail.Settings{Ledger: "s3://b/ledger"}, nil, "s3://b/ledger", false},
		{"XDG state", "", mail.Settings{}, map[string]string{"XDG_STATE_HOME": "/var/lib", "HOME": "/home/x"}, "/var/lib/instudio-report/ledger", false},
		{"HOME", "", mail.Settings{}, map[string]string{"HOME": "/home/x"}, "/home/x/.local/state/instudio-report/ledger", false},
		{"relative XDG falls to HOME", "", mail.Settings{}, map[string]string{"XDG_STATE_HOME": "state", "HOME": "/home/x"}, "/home/x/.local/state/instudio-report/ledger", false},
		{"HOME unset", "", mail.Settings{}, nil, "", true},
		{"HOME relative", "", mail.Settings{}, map[string]string{"HOME": "home"}, "", true},
	} {
		got, err := mail.LedgerLocation(tc.flag, tc.s, env(tc.env))
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("%s: %q, %v; want %q (error %v)", tc.name, got, err, tc.want, tc.err)
		}
	}
}
