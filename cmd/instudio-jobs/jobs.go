package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/instudio/instudio-report/cmd/instudio-jobs/emf"
	"github.com/instudio/instudio-report/cmd/instudio-report/cli"
	"github.com/instudio/instudio-report/cmd/internal/awshint"
)

// Event is one invocation: which job, and that job's own options. Unknown
// fields are refused, so a typo in a schedule's input fails loudly.
type Event struct {
	Job string `json:"job"` // send, compact or check

	// send
	Period string `json:"period,omitempty"` // last-week (default), last-30d, YYYY-MM, …
	From   string `json:"from,omitempty"`   // YYYY-MM-DD, with To
	To     string `json:"to,omitempty"`
	Salon  int64  `json:"salon,omitempty"` // only this salon of the config
	Force  bool   `json:"force,omitempty"` // send again to salons the ledger lists

	// compact
	Day    string `json:"day,omitempty"`    // compact only this day
	Before string `json:"before,omitempty"` // compact the days before this one

	// check
	MaxLag string `json:"max_lag,omitempty"` // a Go duration, default 2h
}

// Result is what a successful invocation returns to its caller.
type Result struct {
	Job     string             `json:"job"`
	Metrics map[string]float64 `json:"metrics"`
	Output  string             `json:"output,omitempty"` // the command's summary
}

// config is the function's configuration, from its environment.
type config struct {
	Bucket       string
	ConfigKey    string // the CLI's YAML in the bucket, or
	ConfigSSM    string // in this SSM parameter
	SMTPSecret   string // Secrets Manager secret id of the SMTP password
	LedgerPrefix string
	Namespace    string
	TimeZone     string
	FunctionName string
	WorkDir      string // ephemeral storage: the config file and the S3 cache
}

// The environment variables the function reads.
const (
	envBucket       = "INSTUDIO_BUCKET"
	envConfigKey    = "INSTUDIO_CONFIG_S3_KEY"
	envConfigSSM    = "INSTUDIO_CONFIG_SSM"
	envSMTPSecret   = "INSTUDIO_SMTP_SECRET"
	envLedgerPrefix = "INSTUDIO_LEDGER_PREFIX"
	envNamespace    = "INSTUDIO_METRICS_NAMESPACE"
	envTimeZone     = "INSTUDIO_TIMEZONE"
)

func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		Bucket:       strings.TrimSpace(getenv(envBucket)),
		ConfigKey:    strings.TrimSpace(getenv(envConfigKey)),
		ConfigSSM:    strings.TrimSpace(getenv(envConfigSSM)),
		SMTPSecret:   strings.TrimSpace(getenv(envSMTPSecret)),
		LedgerPrefix: strings.Trim(getenv(envLedgerPrefix), "/ "),
		Namespace:    strings.TrimSpace(getenv(envNamespace)),
		TimeZone:     strings.TrimSpace(getenv(envTimeZone)),
		FunctionName: getenv("AWS_LAMBDA_FUNCTION_NAME"),
		WorkDir:      filepath.Join(cmp(getenv("TMPDIR"), "/tmp"), "instudio"),
	}
	var errs []error
	if c.Bucket == "" || c.Namespace == "" {
		errs = append(errs, fmt.Errorf("%s and %s are required", envBucket, envNamespace))
	}
	if strings.ContainsAny(c.Bucket, "/:") {
		errs = append(errs, fmt.Errorf("%s=%q: give the bucket name only", envBucket, c.Bucket))
	}
	if (c.ConfigKey == "") == (c.ConfigSSM == "") {
		errs = append(errs, fmt.Errorf("set one of %s (a key in the bucket) and %s (an SSM parameter) to the config YAML", envConfigKey, envConfigSSM))
	}
	if c.LedgerPrefix == "" {
		c.LedgerPrefix = "ledger"
	}
	if c.TimeZone == "" {
		c.TimeZone = "UTC"
	}
	if c.FunctionName == "" {
		c.FunctionName = "instudio-jobs"
	}
	return c, errors.Join(errs...)
}

func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// handler runs one job per invocation through the CLI's own command tree
// (cli.Execute), the thin layer that keeps the jobs and the CLI one code:
// the same flags, the same checks, the same exit codes.
type handler struct {
	cfg        config
	getenv     func(string) string
	now        func() time.Time
	log        *slog.Logger
	metrics    io.Writer // stdout: one EMF line per invocation
	readConfig func(ctx context.Context) ([]byte, error)
	smtpSecret func(ctx context.Context) (string, error)
	execute    func(ctx context.Context, env cli.Env, args []string) int
}

// errJob is a job that ran and failed; its message is the command's.
type errJob struct {
	job, msg string
	code     int
}

func (e *errJob) Error() string { return fmt.Sprintf("%s failed (exit %d): %s", e.job, e.code, e.msg) }

func decodeEvent(raw []byte) (Event, error) {
	var ev Event
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		return ev, fmt.Errorf("event %s: %w: want {\"job\": \"send\"|\"compact\"|\"check\", …}", strings.TrimSpace(string(raw)), err)
	}
	return ev, nil
}

// args turns a typed event into the command line of its job; every value
// goes in as one flag's value, so no event can add a flag of its own.
func (ev Event) args() ([]string, error) {
	flag := func(out []string, name, v string) []string {
		if v == "" {
			return out
		}
		return append(out, "--"+name+"="+v)
	}
	other := func(fields map[string]bool) error {
		for name, set := range fields {
			if set {
				return fmt.Errorf("job %s takes no %q", ev.Job, name)
			}
		}
		return nil
	}
	switch ev.Job {
	case "send":
		if err := other(map[string]bool{"day": ev.Day != "", "before": ev.Before != "", "max_lag": ev.MaxLag != ""}); err != nil {
			return nil, err
		}
		a := []string{"send"}
		if ev.Period == "" && ev.From == "" {
			a = append(a, "--period=last-week")
		}
		a = flag(a, "period", ev.Period)
		a = flag(a, "from", ev.From)
		a = flag(a, "to", ev.To)
		if ev.Salon != 0 {
			a = append(a, "--salon="+strconv.FormatInt(ev.Salon, 10))
		}
		if ev.Force {
			a = append(a, "--force")
		}
		return a, nil
	case "compact":
		if err := other(map[string]bool{"period": ev.Period != "", "from": ev.From != "", "to": ev.To != "", "salon": ev.Salon != 0, "force": ev.Force, "max_lag": ev.MaxLag != ""}); err != nil {
			return nil, err
		}
		return flag(flag([]string{"compact"}, "day", ev.Day), "before", ev.Before), nil
	case "check":
		if err := other(map[string]bool{"period": ev.Period != "", "from": ev.From != "", "to": ev.To != "", "salon": ev.Salon != 0, "force": ev.Force, "day": ev.Day != "", "before": ev.Before != ""}); err != nil {
			return nil, err
		}
		return flag([]string{"check", "-o", "json"}, "max-lag", ev.MaxLag), nil
	}
	return nil, fmt.Errorf("unknown job %q: want send, compact or check", ev.Job)
}

func (h *handler) invoke(ctx context.Context, raw json.RawMessage) (*Result, error) {
	start := h.now()
	ev, err := decodeEvent(raw)
	if err != nil {
		return nil, err
	}
	args, err := ev.args()
	if err != nil {
		return nil, err
	}
	env, err := h.environment(ctx, ev.Job)
	if err != nil {
		h.emit(ev.Job, start, map[string]float64{emf.JobFailed: 1, emf.JobSucceeded: 0})
		return nil, fmt.Errorf("%s: %w", ev.Job, err)
	}
	var stdout, stderr bytes.Buffer
	code := h.execute(ctx, cli.Env{
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string {
			if v, ok := env[k]; ok {
				return v
			}
			return h.getenv(k)
		},
		Now:  h.now,
		Hint: awshint.Hint,
	}, args)
	values := jobMetrics(ev.Job, stdout.String(), stderr.String(), code, h.now())
	values[emf.DurationMs] = float64(h.now().Sub(start).Microseconds()) / 1000
	if code == 0 {
		values[emf.JobSucceeded], values[emf.JobFailed] = 1, 0
	} else {
		values[emf.JobSucceeded], values[emf.JobFailed] = 0, 1
	}
	h.emit(ev.Job, start, values)
	out := strings.TrimSpace(stdout.String() + stderr.String())
	h.log.Info("job ran", "job", ev.Job, "args", strings.Join(args, " "), "exit", code, "output", out)
	if code != 0 {
		return nil, &errJob{job: ev.Job, code: code, msg: lastLine(stderr.String())}
	}
	return &Result{Job: ev.Job, Metrics: values, Output: out}, nil
}

func (h *handler) emit(job string, start time.Time, values map[string]float64) {
	if err := emf.Write(h.metrics, emf.Run{Namespace: h.cfg.Namespace, FunctionName: h.cfg.FunctionName, Job: job, Start: start, Values: values}); err != nil {
		h.log.Error("metrics not written", "error", err)
	}
}

// environment is what the CLI reads on top of the function's own
// environment: the config file fetched into ephemeral storage, the bucket
// as the source read through the local cache (no extension downloads),
// the ledger on S3, and for send the SMTP password.
func (h *handler) environment(ctx context.Context, job string) (map[string]string, error) {
	if err := os.MkdirAll(h.cfg.WorkDir, 0o700); err != nil {
		return nil, fmt.Errorf("work directory: %w", err)
	}
	yaml, err := h.readConfig(ctx)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(h.cfg.WorkDir, "config.yaml")
	if err := os.WriteFile(path, yaml, 0o600); err != nil {
		return nil, fmt.Errorf("write config: %w", err)
	}
	env := map[string]string{
		"INSTUDIO_CONFIG":     path,
		"INSTUDIO_SOURCE":     "s3://" + h.cfg.Bucket,
		"INSTUDIO_S3_MODE":    "cache",
		"INSTUDIO_CACHE_DIR":  filepath.Join(h.cfg.WorkDir, "cache"),
		"INSTUDIO_LEDGER":     "s3://" + h.cfg.Bucket + "/" + h.cfg.LedgerPrefix,
		"INSTUDIO_TIMEZONE":   h.cfg.TimeZone,
		"INSTUDIO_LOG_FORMAT": "json",
		"HOME":                h.cfg.WorkDir,
		"XDG_STATE_HOME":      filepath.Join(h.cfg.WorkDir, "state"),
	}
	if job == "send" && h.cfg.SMTPSecret != "" {
		pw, err := h.smtpSecret(ctx)
		if err != nil {
			return nil, err
		}
		env["INSTUDIO_SMTP_PASSWORD"] = pw
	}
	return env, nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimPrefix(lines[len(lines)-1], "instudio-report: ")
}

var (
	compactedLine = regexp.MustCompile(`(?m)^wrote \S+: \d+ events from (\d+) files`)
	sendSummary   = regexp.MustCompile(`(?m)^send .*: \d+ salons: (\d+) sent, .* (\d+) failed`)
)

// jobMetrics reads a job's figures from what its command printed: check's
// JSON, compact's "wrote" lines, send's summary line. This is the one
// place that knows those formats.
func jobMetrics(job, stdout, stderr string, code int, now time.Time) map[string]float64 {
	v := map[string]float64{}
	switch job {
	case "check":
		var h struct {
			Empty            bool       `json:"empty"`
			Stale            bool       `json:"stale"`
			NewestOccurredAt *time.Time `json:"newest_occurred_at"`
			SmallFiles       int        `json:"small_files"`
			RejectedRecords  int64      `json:"rejected_records"`
		}
		if err := json.Unmarshal([]byte(stdout), &h); err != nil {
			v[emf.CheckStale] = 1 // no health at all is as bad as stale
			return v
		}
		v[emf.CheckStale] = 0
		if h.Stale || h.Empty || code == 3 {
			v[emf.CheckStale] = 1
		}
		if h.NewestOccurredAt != nil {
			v[emf.CheckLagSeconds] = now.Sub(*h.NewestOccurredAt).Seconds()
		}
		v[emf.SmallFiles] = float64(h.SmallFiles)
		v[emf.RejectedRecords] = float64(h.RejectedRecords)
	case "compact":
		written, inputs := 0, 0
		for _, m := range compactedLine.FindAllStringSubmatch(stdout, -1) {
			n, _ := strconv.Atoi(m[1])
			written, inputs = written+1, inputs+n
		}
		v[emf.FilesWritten], v[emf.FilesCompacted] = float64(written), float64(inputs)
	case "send":
		if m := sendSummary.FindStringSubmatch(stderr); m != nil {
			sent, _ := strconv.Atoi(m[1])
			failed, _ := strconv.Atoi(m[2])
			v[emf.EmailsSent], v[emf.EmailsFailed] = float64(sent), float64(failed)
		} else if code != 0 {
			v[emf.EmailsSent], v[emf.EmailsFailed] = 0, 1 // failed before any salon: count the run
		}
	}
	return v
}
