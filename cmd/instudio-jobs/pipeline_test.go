package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/cmd/instudio-jobs/emf"
	"github.com/instudio/instudio-report/mail/mailtest"
	"github.com/instudio/instudio-report/storage/s3test"
)

// jobsNow is the clock of these tests: Friday 2026-03-13 09:00 UTC, so
// last-week is [2026-03-02, 2026-03-09) and compact's default is the days
// before 2026-03-12.
var jobsNow = time.Date(2026, 3, 13, 9, 0, 0, 0, time.UTC)

// jobsFixture is a bucket with the config under config/ and, for salon 1:
//
//	booking 1, booked 03-04 10:00, created 03-03 10:00, completed 03-04 11:00
//	booking 2, booked 03-05 12:00, created 03-03 12:00 (confirmed)
//	booking 3, booked 03-20 10:00, created 03-13 08:30 (the newest event)
//
// in four batch files: two on dt=2026-03-03, one on dt=2026-03-04 (days
// compact merges), one on dt=2026-03-13 (today, left alone).
type jobsFixture struct {
	srv    *s3test.Server
	bucket string
	mail   *mailtest.Server
	env    map[string]string
	getenv func(string) string
}

func newJobsFixture(t *testing.T) *jobsFixture {
	t.Helper()
	s3test.SetEnv(t)
	srv := s3test.Start(t)
	bucket := srv.CreateBucket(t, "instudio-jobs")
	root := srv.Root(t, bucket, "")
	bt.WriteTo(t, root, map[string][]booking.Event{
		"batch-a": {bt.Event(t, "e1", 1, 1, booking.Pending, "2026-03-03 10:00", "2026-03-04 10:00")},
		"batch-b": {bt.Event(t, "e2", 2, 1, booking.Confirmed, "2026-03-03 12:00", "2026-03-05 12:00")},
		"batch-c": {bt.Event(t, "e3", 1, 1, booking.Completed, "2026-03-04 11:00", "2026-03-04 10:00")},
		"batch-d": {bt.Event(t, "e4", 3, 1, booking.Pending, "2026-03-13 08:30", "2026-03-20 10:00")},
	})
	mp := mailtest.Start(t)
	srv.Put(t, bucket, "config/instudio-report.yaml", []byte(fmt.Sprintf(`smtp:
  url: %s
  from: InStudio Reports <reports@instudio.example>
  retries: 1
  retry_backoff: 10ms
  timeout: 5s
  # the fixture's newest event is of 2026-03; the binary reads the real clock
  max_lag: 100000h
salons:
  - id: 1
    name: Salon Uno
    email: [owner1@example.com]
`, mp.SMTPURL())))
	env := map[string]string{
		envBucket: bucket, envNamespace: "InStudio", envConfigKey: "config/instudio-report.yaml",
		"AWS_LAMBDA_FUNCTION_NAME": "instudio-jobs", "TMPDIR": t.TempDir(),
		"AWS_ENDPOINT_URL_S3": srv.Endpoint,
	}
	return &jobsFixture{srv: srv, bucket: bucket, mail: mp, env: env, getenv: func(k string) string { return env[k] }}
}

func (f *jobsFixture) keys(t *testing.T, prefix string) []string {
	t.Helper()
	root := f.srv.Root(t, f.bucket, "")
	objs, err := root.List(context.Background(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range objs {
		out = append(out, o.Key)
	}
	return out
}

// emfLine is the one EMF line a run wrote.
func emfLine(t *testing.T, out string) map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("want one EMF line, got %q", out)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestJobsInProcess runs each job through the handler, against versitygw
// and mailpit; TestJobsUnderEmulator runs the built bootstrap the same way
// under AWS's Runtime Interface Emulator.
func TestJobsInProcess(t *testing.T) {
	f := newJobsFixture(t)
	cfg, err := loadConfig(f.getenv)
	if err != nil {
		t.Fatal(err)
	}
	var metrics, logs bytes.Buffer
	h := newHandler(cfg, f.getenv, slog.New(slog.NewTextHandler(&logs, nil)))
	h.now = func() time.Time { return jobsNow }
	h.metrics = &metrics
	invoke := func(event string) (*Result, map[string]any, error) {
		metrics.Reset()
		res, err := h.invoke(context.Background(), json.RawMessage(event))
		return res, emfLine(t, metrics.String()), err
	}

	// check, fresh: the newest event occurred 30 min before now.
	res, line, err := invoke(`{"job":"check","max_lag":"2h"}`)
	if err != nil {
		t.Fatalf("check: %v\n%s", err, logs.String())
	}
	if res.Metrics[emf.CheckStale] != 0 || res.Metrics[emf.CheckLagSeconds] != 1800 || line["Job"] != "check" || line[emf.JobFailed] != 0.0 {
		t.Errorf("fresh check: %v, EMF %v", res.Metrics, line)
	}
	// check, stale: 30 min is more than 10 min. The invocation fails, so
	// Lambda counts an error; the EMF line says stale.
	_, line, err = invoke(`{"job":"check","max_lag":"10m"}`)
	if err == nil || !strings.Contains(err.Error(), "check failed (exit 3): stale") {
		t.Errorf("stale check: got %v", err)
	}
	if line[emf.CheckStale] != 1.0 || line[emf.JobFailed] != 1.0 {
		t.Errorf("stale check EMF %v", line)
	}

	// send: salon 1's last week (bookings 1 and 2) goes to mailpit once,
	// and the ledger on S3 keeps a second run from sending again.
	res, _, err = invoke(`{"job":"send","period":"last-week"}`)
	if err != nil {
		t.Fatalf("send: %v\n%s", err, logs.String())
	}
	if res.Metrics[emf.EmailsSent] != 1 || res.Metrics[emf.EmailsFailed] != 0 {
		t.Errorf("send metrics %v (%s)", res.Metrics, res.Output)
	}
	msgs := f.mail.Messages(t)
	if len(msgs) != 1 || strings.Join(mailtest.Addresses(msgs[0].To), ",") != "owner1@example.com" {
		t.Fatalf("mailpit holds %+v", msgs)
	}
	if ledger := f.keys(t, "ledger/"); len(ledger) == 0 {
		t.Errorf("no ledger under s3://%s/ledger/", f.bucket)
	}
	res, _, err = invoke(`{"job":"send","period":"last-week"}`)
	if err != nil || res.Metrics[emf.EmailsSent] != 0 || len(f.mail.Messages(t)) != 1 {
		t.Errorf("second send: %v %v, %d messages", err, res, len(f.mail.Messages(t)))
	}

	// compact: the three files of 03-03 and 03-04 become one; today's stays.
	res, _, err = invoke(`{"job":"compact"}`)
	if err != nil {
		t.Fatalf("compact: %v\n%s", err, logs.String())
	}
	if res.Metrics[emf.FilesCompacted] != 3 || res.Metrics[emf.FilesWritten] != 1 {
		t.Errorf("compact metrics %v (%s)", res.Metrics, res.Output)
	}
	// Compaction also writes its moves index beside the day folders.
	var keys, idx []string
	for _, k := range f.keys(t, "bookings/") {
		if strings.HasPrefix(k, "bookings/_moves-") {
			idx = append(idx, k)
		} else {
			keys = append(keys, k)
		}
	}
	if len(keys) != 2 || !strings.HasPrefix(keys[0], "bookings/dt=2026-03-03/") || !strings.HasPrefix(keys[1], "bookings/dt=2026-03-13/") {
		t.Errorf("after compact: %v", keys)
	}
	if len(idx) != 1 {
		t.Errorf("moves index after compact: %v", idx)
	}

	// A bad event fails the invocation with a message naming the field.
	if _, err := h.invoke(context.Background(), json.RawMessage(`{"job":"compact","max_lag":"1h"}`)); err == nil || !strings.Contains(err.Error(), `job compact takes no "max_lag"`) {
		t.Errorf("bad event: %v", err)
	}
}

// TestSMTPSecret reads the password from a Secrets Manager endpoint that
// speaks the service's JSON protocol (no real one runs offline).
func TestSMTPSecret(t *testing.T) {
	var target, body string
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		target, body = r.Header.Get("X-Amz-Target"), string(b)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if strings.Contains(body, "empty") {
			fmt.Fprint(w, `{"Name":"empty","SecretString":""}`)
			return
		}
		fmt.Fprint(w, `{"Name":"instudio/smtp-password","SecretString":"hunter2\n"}`)
	}))
	defer fake.Close()
	s3test.SetEnv(t)
	t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", fake.URL)
	pw, err := smtpSecret(context.Background(), "arn:aws:secretsmanager:us-east-1:123456789012:secret:instudio/smtp-password-AbCdEf")
	if err != nil || pw != "hunter2" {
		t.Fatalf("got %q, %v", pw, err)
	}
	if target != "secretsmanager.GetSecretValue" || !strings.Contains(body, `"SecretId":"arn:aws:secretsmanager:us-east-1:123456789012:secret:instudio/smtp-password-AbCdEf"`) {
		t.Errorf("request %s %s", target, body)
	}
	if _, err := smtpSecret(context.Background(), "empty"); err == nil || !strings.Contains(err.Error(), "smtp password secret empty is empty") {
		t.Errorf("empty secret: %v", err)
	}
}

// A bucket that is not there is said in the function's words: what to
// check is its environment, never a flag of the CLI that it wraps.
func TestJobsMissingBucketInLambdaWords(t *testing.T) {
	f := newJobsFixture(t)
	f.env[envBucket] = "no-such-jobs-bucket"
	cfg, err := loadConfig(f.getenv)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	h := newHandler(cfg, f.getenv, slog.New(slog.NewTextHandler(&logs, nil)))
	h.now = func() time.Time { return jobsNow }
	h.metrics = io.Discard
	_, err = h.invoke(context.Background(), json.RawMessage(`{"job":"check","max_lag":"2h"}`))
	if err == nil {
		t.Fatal("no error for a missing bucket")
	}
	msg := err.Error()
	for _, want := range []string{"bucket no-such-jobs-bucket does not exist", "check INSTUDIO_BUCKET"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, "--") {
		t.Errorf("error %q names a CLI flag", msg)
	}
}
