package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A value past a limit, or one the program does not support, is one line
// with its exit code: an unsupported shell for completion (cobra would
// print help and exit 0), a memory share over 100%, periods too long for
// time.Duration or past the stated limit of about 100 years.
func TestLimitsAndUnsupportedValuesAreOneLineUsageErrors(t *testing.T) {
	dir := writeSmallFixture(t)
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"completion", "tcsh"}, 2, `instudio-report: completion: unsupported shell "tcsh": use bash, fish, powershell, zsh`},
		{[]string{"--memory-limit", "200%", "salon", "--id", "1"}, 2, `instudio-report: invalid memory limit "200%": a share of RAM is more than 0% and at most 100%`},
		{[]string{"--memory-limit", "0%", "salon", "--id", "1"}, 2, `instudio-report: invalid memory limit "0%": a share of RAM is more than 0% and at most 100%`},
		{[]string{"salon", "--id", "1", "--period", "last-100000d"}, 2, `instudio-report: --period: invalid period "last-100000d": at most last-36600d (about 100 years)`},
		{[]string{"salon", "--id", "1", "--from", "1700-01-01", "--to", "2026-01-01"}, 2, `instudio-report: --from: invalid date "1700-01-01": dates run from 1900-01-01 to 9999-12-31`},
		{[]string{"salon", "--id", "1", "--from", "1900-01-01", "--to", "2026-01-01"}, 2, `instudio-report: --from/--to: period 1900-01-01 to 2026-01-01 is 46021 days: at most 36600 (about 100 years)`},
		{[]string{"salon", "--id", "1", "--period", "0000-01"}, 2, `instudio-report: --period: period 0000-01-01 to 0000-02-01: dates run from 1900-01-01 to 9999-12-31`},
		{[]string{"--source", dir, "salon", "--id", "1", "--out", dir}, 1, "instudio-report: write " + dir + ": is a directory; name a file"},
	} {
		res := run(t, runOpts{}, tc.args...)
		if res.code != tc.code || res.stderr != tc.stderr+"\n" {
			t.Errorf("%v: exit %d, stderr %q; want %d, %q", tc.args, res.code, res.stderr, tc.code, tc.stderr)
		}
	}
}

// A 50% memory limit used to fail as DuckDB opened; now the report runs.
func TestMemoryLimitShare(t *testing.T) {
	res := run(t, runOpts{}, "--source", writeSmallFixture(t), "--memory-limit", "50%", "salon", "--id", "1", "--period", "last-7d", "-o", "json")
	if res.code != 0 || !strings.Contains(res.stdout, `"bookings": 4`) {
		t.Errorf("exit %d, stdout %.80q, stderr %q", res.code, res.stdout, res.stderr)
	}
}

// The previous period of a 100-year span is as many calendar days before
// it, cut at 1900-01-01, the first supported date. [1926-01-01,
// 2026-01-01) has 36,525 days; as many days before would start in 1825, so
// the previous period is [1900-01-01, 1926-01-01). Before, time.Duration
// overflowed and the previous period ended in the wrong century; then it
// started in 1825, a date that --from refuses.
func TestLongPeriodPrevious(t *testing.T) {
	res := run(t, runOpts{}, "--source", writeSmallFixture(t), "salon", "--id", "1", "--from", "1926-01-01", "--to", "2026-01-01", "-o", "json")
	if res.code != 0 || !strings.Contains(res.stdout, "\"previous\": {\n    \"from\": \"1900-01-01\",\n    \"to\": \"1926-01-01\",") {
		t.Errorf("exit %d, stderr %q, previous period not [1900-01-01, 1926-01-01):\n%.2000s", res.code, res.stderr, res.stdout)
	}
}

// --out: "-" is stdout; a symlink is followed and its target replaced; an
// existing file keeps its mode. Before, a file named "-" was created, the
// link became a regular file, and the mode went back to 0644.
func TestOutFile(t *testing.T) {
	src := writeSmallFixture(t)
	dir := t.TempDir()
	args := func(out string) []string {
		return []string{"--source", src, "salon", "--id", "1", "-o", "json", "--out", out}
	}

	t.Chdir(dir)
	res := run(t, runOpts{}, args("-")...)
	if res.code != 0 || !strings.Contains(res.stdout, `"salon_id": 1`) {
		t.Errorf("--out -: exit %d, stdout %.60q", res.code, res.stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "-")); err == nil {
		t.Error(`--out - created a file named "-"`)
	}

	target := filepath.Join(dir, "reports", "salon-1.json")
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "latest.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if res := run(t, runOpts{}, args(link)...); res.code != 0 {
		t.Fatalf("--out link: exit %d, stderr %q", res.code, res.stderr)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", info.Mode(), err)
	}
	info, err := os.Stat(target)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("target mode = %v (%v), want 0600 kept", info.Mode().Perm(), err)
	}
	if data, _ := os.ReadFile(target); !bytes.Contains(data, []byte(`"salon_id": 1`)) {
		t.Errorf("target holds %.60q, want the report", data)
	}
	entries, _ := os.ReadDir(filepath.Dir(target))
	if len(entries) != 1 {
		t.Errorf("files beside the target: %v, want only salon-1.json", entries)
	}
}

// A run whose context is cancelled (Ctrl-C) says "interrupted", exits 130
// and writes nothing: before, a cancellation during rendering or writing was
// swallowed and the file written.
func TestInterruptedRunWritesNothing(t *testing.T) {
	src := writeSmallFixture(t)
	out := filepath.Join(t.TempDir(), "r.json")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := Execute(ctx, Env{
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(string) string { return "" },
		Now:    func() time.Time { return fixedNow },
	}, []string{"--source", src, "salon", "--id", "1", "--out", out})
	if code != ExitInterrupted || stderr.String() != "instudio-report: interrupted\n" || stdout.Len() != 0 {
		t.Errorf("exit %d, stderr %q, stdout %d bytes; want 130, one line, nothing", code, stderr.String(), stdout.Len())
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s was written", out)
	}
}
