package mail_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/mail"
	"github.com/instudio/instudio-report/output"
	"github.com/instudio/instudio-report/report"
	"github.com/instudio/instudio-report/storage"
)

// The range flags of send: a fixed period whatever the date, a named one
// as a function of it (rolling unless it is a month), --now fixing the
// clock, and the reports counted up to --as-of, else the run's time.
func TestNewSchedule(t *testing.T) {
	clock := func() time.Time { return time.Date(2026, 11, 25, 9, 30, 0, 0, time.FixedZone("Lima", -5*3600)) }
	d := func(day int) time.Time { return time.Date(2026, 11, day, 0, 0, 0, 0, time.UTC) }
	asOf := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	monday := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		f        report.RangeFlags
		rng      report.Range
		now      string
		period   mail.Period // on monday 2026-11-23
		rolling  bool
		wantNow  time.Time
		wantAsOf time.Time
	}{
		{"from and to", report.RangeFlags{From: "2026-11-02", To: "2026-11-09"}, report.Range{From: d(2), To: d(9)}, "",
			mail.Period{From: d(2), To: d(9)}, false, clock(), clock().UTC()},
		// 16 to 23 November: the Monday to Sunday before 23 November.
		{"last-week", report.RangeFlags{Period: "last-week"}, report.Range{}, "",
			mail.Period{From: d(16), To: d(23)}, true, clock(), clock().UTC()},
		{"a month", report.RangeFlags{Period: "2026-10"}, report.Range{}, "",
			mail.Period{From: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}, false, clock(), clock().UTC()},
		// 30 days before 23 November: from 24 October.
		{"default last-30d", report.RangeFlags{}, report.Range{}, "",
			mail.Period{From: time.Date(2026, 10, 24, 0, 0, 0, 0, time.UTC), To: d(23)}, true, clock(), clock().UTC()},
		{"--now", report.RangeFlags{Period: "last-week"}, report.Range{}, "2026-11-21",
			mail.Period{From: d(16), To: d(23)}, true, d(21), d(21)},
		{"--as-of wins over --now", report.RangeFlags{Period: "last-week", AsOf: "2026-11-20"}, report.Range{AsOf: &asOf}, "2026-11-21",
			mail.Period{From: d(16), To: d(23)}, true, d(21), asOf},
	} {
		s, err := mail.NewSchedule(tc.f, tc.rng, tc.now, clock)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		p, err := s.PeriodOf(monday)
		if err != nil || p != tc.period || s.Rolling != tc.rolling {
			t.Errorf("%s: period %v, rolling %v, err %v; want %v, %v", tc.name, p, s.Rolling, err, tc.period, tc.rolling)
		}
		if !s.Now().Equal(tc.wantNow) || !s.AsOf.Equal(tc.wantAsOf) {
			t.Errorf("%s: now %s, as of %s; want %s, %s", tc.name, s.Now(), s.AsOf, tc.wantNow, tc.wantAsOf)
		}
	}
	if _, err := mail.NewSchedule(report.RangeFlags{}, report.Range{}, "tomorrow", clock); err == nil || !strings.HasPrefix(err.Error(), "--now: ") {
		t.Errorf("--now tomorrow: err = %v, want one naming --now", err)
	}
}

// A dry run opens only a ledger that is there, and so creates none; a
// real run opens the one the flag names.
func TestOpenLedgerDryRunCreatesNothing(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "ledger")
	var opened []string
	open := func(ctx context.Context, uri string) (storage.Root, error) {
		opened = append(opened, uri)
		return storage.Open(ctx, uri, storage.S3Options{})
	}
	if _, err := mail.OpenLedger(dir, mail.Settings{Ledger: "/elsewhere"}, nil, true, open)(ctx); err == nil {
		t.Error("dry run: a missing ledger opened")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) || len(opened) != 0 {
		t.Errorf("dry run: %s stat %v, opened %v; want nothing", dir, err, opened)
	}
	l, err := mail.OpenLedger(dir, mail.Settings{Ledger: "/elsewhere"}, nil, false, open)(ctx)
	if err != nil || l == nil || len(opened) != 1 || opened[0] != dir {
		t.Errorf("real run: ledger %v, err %v, opened %v; want %s", l, err, opened, dir)
	}
	if _, err := mail.OpenLedger("", mail.Settings{}, func(string) string { return "" }, false, open)(ctx); err == nil {
		t.Error("no flag, setting or HOME: no error")
	}
}

// sent says on stderr that it found nothing, narrowed or not, except in
// JSON, whose empty list is the answer.
func TestSentEmptyNote(t *testing.T) {
	p := mail.Period{From: time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}
	for _, tc := range []struct {
		q    mail.SentQuery
		want string
	}{
		{mail.SentQuery{Format: output.Table}, "the ledger /l records nothing"},
		{mail.SentQuery{Format: output.CSV, Salon: 7}, "the ledger /l records nothing for that salon and period"},
		{mail.SentQuery{Format: output.Table, Period: &p}, "the ledger /l records nothing for that salon and period"},
		{mail.SentQuery{Format: output.JSON, Salon: 7}, ""},
	} {
		if got := tc.q.EmptyNote("/l"); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.q, got, tc.want)
		}
	}
}
