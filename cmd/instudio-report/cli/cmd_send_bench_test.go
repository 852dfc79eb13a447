package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/mail/mailtest"
)

// BenchmarkSend500Salons emails 500 salons their weekly report through
// mailpit in one run, and reports the time spent computing the reports (one
// pass over the bookings) against the time spent in SMTP. `make bench` runs
// it; BENCH_SEND_DIR keeps the demo data between runs.
func BenchmarkSend500Salons(b *testing.B) {
	const salons = 500
	dir := os.Getenv("BENCH_SEND_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	runCmd := func(args ...string) result { return runB(b, args...) }
	if _, err := os.Stat(filepath.Join(dir, "bookings")); err != nil {
		res := runCmd("demo", "--dest", dir, "--salons", fmt.Sprint(salons), "--days", "14", "--ahead", "0", "--now", "2026-11-27T12:00:00Z")
		if res.code != 0 {
			b.Fatalf("demo: %s", res.stderr)
		}
	}
	srv := mailtest.Start(b)
	var conf strings.Builder
	fmt.Fprintf(&conf, "source: %s\nsmtp:\n  url: %s\n  from: reports@instudio.example\nsalons:\n", dir, srv.SMTPURL())
	for i := 1; i <= salons; i++ {
		fmt.Fprintf(&conf, "  - id: %d\n    name: Salon %d\n    email: [owner%d@example.com]\n", i, i, i)
	}
	path := filepath.Join(b.TempDir(), "report.yaml")
	if err := os.WriteFile(path, []byte(conf.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	summary := regexp.MustCompile(`(\d+) sent.*\(reports ([^,]+), render ([^,]+), smtp ([^)]+)\)`)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		// --now at the demo's clock: with the real one the data would be
		// days old and send would stop at the stale source (smtp.max_lag).
		res := runCmd("--config", path, "send", "--from", "2026-11-20", "--to", "2026-11-27", "--ledger", b.TempDir(), "--now", "2026-11-27T12:00:00Z")
		wall := time.Since(start)
		m := summary.FindStringSubmatch(res.stderr)
		if res.code != 0 || m == nil || m[1] != fmt.Sprint(salons) {
			b.Fatalf("exit %d: %s", res.code, res.stderr)
		}
		var d [3]time.Duration
		for j := range d {
			var err error
			if d[j], err = time.ParseDuration(m[j+2]); err != nil {
				b.Fatalf("summary %q: %v", m[0], err)
			}
		}
		b.ReportMetric(d[0].Seconds(), "report-s")
		b.ReportMetric(d[1].Seconds(), "render-s")
		b.ReportMetric(d[2].Seconds(), "smtp-s")
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.Logf("%d salons: reports %s (one pass), rendering %s, smtp %s (%s a message), whole run %s",
			salons, d[0], d[1], d[2], d[2]/salons, wall.Round(time.Millisecond))
	}
}

// runB runs the command tree with the real clock, as a user would.
func runB(b *testing.B, args ...string) result {
	b.Helper()
	var stdout, stderr strings.Builder
	code := Execute(b.Context(), Env{
		Stdin:  strings.NewReader(""),
		Stdout: &stdout,
		Stderr: &stderr,
		Getenv: func(string) string { return "" },
		Now:    time.Now,
	}, args)
	return result{stdout.String(), stderr.String(), code}
}
