package main

import (
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/cmd/instudio-jobs/emf"
)

func TestEventArgs(t *testing.T) {
	for _, tc := range []struct {
		event string
		want  string // the command line, or the error
	}{
		{`{"job":"check"}`, "check -o json"},
		{`{"job":"check","max_lag":"30m"}`, "check -o json --max-lag=30m"},
		{`{"job":"compact"}`, "compact"},
		{`{"job":"compact","before":"2026-03-01"}`, "compact --before=2026-03-01"},
		{`{"job":"send"}`, "send --period=last-week"},
		{`{"job":"send","period":"2026-02","salon":3,"force":true}`, "send --period=2026-02 --salon=3 --force"},
		{`{"job":"send","from":"2026-02-01","to":"2026-02-08"}`, "send --from=2026-02-01 --to=2026-02-08"},
		// A value can never become a flag of its own.
		{`{"job":"check","max_lag":"1h --source=/etc"}`, "check -o json --max-lag=1h --source=/etc"},
		{`{"job":"check","day":"2026-03-01"}`, `error: job check takes no "day"`},
		{`{"job":"send","max_lag":"2h"}`, `error: job send takes no "max_lag"`},
		{`{"job":"rm -rf"}`, `error: unknown job "rm -rf": want send, compact or check`},
		{`{"job":"check","maxlag":"2h"}`, `error: event {"job":"check","maxlag":"2h"}: json: unknown field "maxlag"`},
		{`[1]`, `error: event [1]: json: cannot unmarshal array`},
	} {
		got := ""
		ev, err := decodeEvent([]byte(tc.event))
		var args []string
		if err == nil {
			args, err = ev.args()
		}
		if err != nil {
			got = "error: " + err.Error()
		} else {
			got = strings.Join(args, " ")
		}
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.event, got, tc.want)
		}
	}
}

// The outputs below are written by hand in the formats of check -o json,
// compact and send's summary.
func TestJobMetrics(t *testing.T) {
	now := time.Date(2026, 3, 13, 9, 0, 0, 0, time.UTC)
	check := `{"source":"s3://b","empty":false,"newest_occurred_at":"2026-03-13T08:30:00Z","stale":false,"small_files":4,"rejected_records":2}`
	compact := "wrote s3://b/bookings/dt=2026-03-03/c-1.parquet: 12 events from 3 files, 2026-03-03 to 2026-03-05\n" +
		"left alone s3://b/bookings/dt=2026-03-06/x.parquet: too big\n" +
		"wrote s3://b/bookings/dt=2026-03-07/c-2.parquet: 5 events from 2 files, 2026-03-07 to 2026-03-07\n"
	send := "send 2026-03-02..2026-03-09: 3 salons: 2 sent, 0 already sent, 0 possibly sent, 0 skipped, 1 failed (reports 1ms, render 1ms, smtp 1ms)\n  salon 3: failed: 550\n"
	for _, tc := range []struct {
		job, stdout, stderr string
		code                int
		want                map[string]float64
	}{
		{"check", check, "", 0, map[string]float64{emf.CheckStale: 0, emf.CheckLagSeconds: 1800, emf.SmallFiles: 4, emf.RejectedRecords: 2}},
		{"check", strings.Replace(check, `"stale":false`, `"stale":true`, 1), "", 3, map[string]float64{emf.CheckStale: 1, emf.CheckLagSeconds: 1800, emf.SmallFiles: 4, emf.RejectedRecords: 2}},
		{"check", "", "instudio-report: no such bucket\n", 1, map[string]float64{emf.CheckStale: 1}},
		{"compact", compact, "", 0, map[string]float64{emf.FilesWritten: 2, emf.FilesCompacted: 5}},
		{"send", "", send, 1, map[string]float64{emf.EmailsSent: 2, emf.EmailsFailed: 1}},
		{"send", "", "instudio-report: config.yaml: smtp.from is required to send\n", 1, map[string]float64{emf.EmailsSent: 0, emf.EmailsFailed: 1}},
	} {
		got := jobMetrics(tc.job, tc.stdout, tc.stderr, tc.code, now)
		if len(got) != len(tc.want) {
			t.Errorf("%s exit %d: got %v, want %v", tc.job, tc.code, got, tc.want)
			continue
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%s exit %d: %s = %v, want %v", tc.job, tc.code, k, got[k], v)
			}
		}
	}
}

func TestLoadConfig(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if _, err := loadConfig(env(map[string]string{})); err == nil ||
		!strings.Contains(err.Error(), "INSTUDIO_BUCKET and INSTUDIO_METRICS_NAMESPACE are required") ||
		!strings.Contains(err.Error(), "INSTUDIO_CONFIG_S3_KEY") {
		t.Errorf("got %v", err)
	}
	c, err := loadConfig(env(map[string]string{envBucket: "b", envNamespace: "InStudio", envConfigKey: "config/x.yaml", "TMPDIR": "/var/tmp"}))
	if err != nil || c.LedgerPrefix != "ledger" || c.WorkDir != "/var/tmp/instudio" || c.TimeZone != "UTC" {
		t.Errorf("got %+v, %v", c, err)
	}
	if _, err := loadConfig(env(map[string]string{envBucket: "b", envNamespace: "n", envConfigKey: "k", envConfigSSM: "/p"})); err == nil {
		t.Error("both config sources accepted")
	}
}
