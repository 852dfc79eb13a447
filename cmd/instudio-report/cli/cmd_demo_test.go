package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
)

// summaryRE is demo's one line on stderr. The test clock stands still, so
// the time is 0.0 s.
var summaryRE = regexp.MustCompile(`^wrote ([0-9,]+) events in ([0-9,]+) files to (.+) in 0\.0 s(?: \(([0-9,]+) files, ([0-9,]+) events, were already there\))?\n$`)

func atoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// countEvents reads back every file demo wrote.
func countEvents(t *testing.T, dir string) (files, events int) {
	paths, _ := filepath.Glob(filepath.Join(dir, "bookings", "dt=*", "*.parquet"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := booking.ReadParquet(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		events += len(evs)
	}
	return len(paths), events
}

func TestDemoWritesTheLayout(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "data")
	res := run(t, runOpts{}, "demo", "--dest", dest, "--salons", "2", "--days", "10", "--ahead", "3")
	if res.code != 0 || res.stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", res.code, res.stdout, res.stderr)
	}
	// The summary is plain text, not a log record, and its counts are what
	// is on disk.
	m := summaryRE.FindStringSubmatch(res.stderr)
	files, events := countEvents(t, dest)
	if m == nil || atoi(t, m[1]) != events || atoi(t, m[2]) != files || m[3] != dest || files == 0 {
		t.Errorf("stderr %q; on disk %d events in %d files", res.stderr, events, files)
	}
	// The clock decides the dates: nothing is partitioned after today.
	paths, _ := filepath.Glob(filepath.Join(dest, "bookings", "dt=*", "*.parquet"))
	last := filepath.Base(filepath.Dir(paths[len(paths)-1]))
	if last != "dt="+fixedNow.Format("2006-01-02") {
		t.Errorf("last partition %s, want today's (dt=%s)", last, fixedNow.Format("2006-01-02"))
	}
	// The log record is still there for --log-level debug.
	again := run(t, runOpts{}, "--log-level", "debug", "--log-format", "json", "demo", "--dest", dest, "--salons", "2", "--days", "10", "--ahead", "3")
	if !strings.Contains(again.stderr, `"msg":"demo data written"`) || !strings.Contains(again.stderr, fmt.Sprintf(`"files_already_there":%d`, files)) {
		t.Errorf("--log-level debug: %s", again.stderr)
	}
	// Without --dest, demo writes to the source.
	src := t.TempDir()
	if res := run(t, runOpts{}, "--source", src, "demo", "--salons", "1", "--days", "2"); res.code != 0 {
		t.Fatalf("demo into --source: %s", res.stderr)
	}
	if _, err := os.Stat(filepath.Join(src, "bookings")); err != nil {
		t.Errorf("demo without --dest: %v", err)
	}
}

// A second run adds nothing with the same options, refuses other options
// (naming both), and mixes them only with --force.
func TestDemoIntoADirectoryWithDemoData(t *testing.T) {
	dest := t.TempDir()
	base := []string{"demo", "--dest", dest, "--salons", "1", "--days", "5", "--ahead", "0"}
	first := run(t, runOpts{}, append(base, "--now", "2026-03-10T12:00:00Z")...)
	if first.code != 0 {
		t.Fatal(first.stderr)
	}
	files, events := countEvents(t, dest)

	same := run(t, runOpts{}, append(base, "--now", "2026-03-10T12:00:00Z")...)
	m := summaryRE.FindStringSubmatch(same.stderr)
	if same.code != 0 || m == nil || m[1] != "0" || m[2] != "0" || atoi(t, m[4]) != files || atoi(t, m[5]) != events {
		t.Errorf("same options again: exit %d, stderr %q; want 0 written, %d files and %d events already there", same.code, same.stderr, files, events)
	}

	// Without --now, the clock (2026-03-13 09:00) gives way to the --now
	// recorded there: nothing new, and a note says which clock it used.
	plain := run(t, runOpts{}, base...)
	note, summary, _ := strings.Cut(plain.stderr, "\n")
	m = summaryRE.FindStringSubmatch(summary)
	if plain.code != 0 || note != "demo: "+dest+" holds demo data generated with --now 2026-03-10T12:00:00Z: using it (delete "+dest+", or pass --now, for data up to another time)" ||
		m == nil || m[1] != "0" || m[2] != "0" || atoi(t, m[4]) != files {
		t.Errorf("no --now: exit %d, stderr %q", plain.code, plain.stderr)
	}

	other := run(t, runOpts{}, append(base, "--now", "2026-03-11T12:00:00Z")...)
	want := "instudio-report: demo: " + dest + " holds demo data generated with --now 2026-03-10T12:00:00Z --seed 1 --salons 1 --days 5 --ahead 0; " +
		"this run uses --now 2026-03-11T12:00:00Z --seed 1 --salons 1 --days 5 --ahead 0: mixing two generations gives wrong numbers, so use another --dest, delete " + dest + " first, or pass --force\n"
	if other.code != 1 || other.stderr != want {
		t.Errorf("another --now: exit %d, stderr\n%s\nwant\n%s", other.code, other.stderr, want)
	}
	if f, e := countEvents(t, dest); f != files || e != events {
		t.Errorf("the refused run wrote: %d files, %d events, want %d and %d", f, e, files, events)
	}

	forced := run(t, runOpts{}, append(base, "--now", "2026-03-11T12:00:00Z", "--force")...)
	if f, _ := countEvents(t, dest); forced.code != 0 || f <= files {
		t.Errorf("--force: exit %d, %d files (had %d): %s", forced.code, f, files, forced.stderr)
	}
}

func TestDemoUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"demo", "--salons", "0"}, "--salons must be between 1 and 500, got 0"},
		{[]string{"demo", "--salons", "100000000", "--days", "1"}, "--salons must be between 1 and 500, got 100000000"},
		{[]string{"demo", "--days", "0"}, "--days must be between 1 and 3660, got 0"},
		{[]string{"demo", "--days", "100000"}, "--days must be between 1 and 3660, got 100000"},
		{[]string{"demo", "--ahead", "-1"}, "--ahead must be between 0 and 366, got -1"},
		{[]string{"demo", "--now", "tomorrow"}, `--now: invalid time "tomorrow"`},
		{[]string{"--log-level", "loud", "demo"}, `invalid log level "loud"`},
		{[]string{"--log-format", "xml", "demo"}, `invalid log format "xml"`},
	} {
		dest := t.TempDir()
		res := run(t, runOpts{}, append(tc.args, "--dest", dest)...)
		if res.code != 2 || !strings.Contains(res.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want exit 2 and %q", tc.args, res.code, res.stderr, tc.want)
		}
		if entries, _ := os.ReadDir(dest); len(entries) != 0 {
			t.Errorf("%v: wrote %d entries", tc.args, len(entries))
		}
	}
}

// Cancellation (Ctrl-C) stops a large generation: 500 salons over ten
// years would take minutes. The cancel comes once the run has recorded its
// options (demo.json, written just before generating); the run exits 130
// with the one-line message, and far fewer days than asked are written. A run still going two minutes after the cancel
// is called hung (a guard, not a speed target).
func TestDemoStopsWhenCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dest := t.TempDir()
	var stderr bytes.Buffer
	done := make(chan int)
	go func() {
		done <- Execute(ctx, Env{
			Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &stderr,
			Getenv: func(string) string { return "" },
			Now:    func() time.Time { return fixedNow },
		}, []string{"demo", "--dest", dest, "--salons", "500", "--days", "3660"})
	}()
	days := func() int {
		d, err := filepath.Glob(filepath.Join(dest, "bookings", "dt=*"))
		if err != nil {
			t.Fatal(err)
		}
		return len(d)
	}
	for {
		if _, err := os.Stat(filepath.Join(dest, "demo.json")); err == nil {
			break
		}
		select {
		case code := <-done:
			t.Fatalf("demo ended (exit %d) before it started generating: %s", code, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != ExitInterrupted || stderr.String() != "instudio-report: interrupted\n" {
			t.Errorf("exit %d, stderr %q after cancel; want %d and \"instudio-report: interrupted\"", code, stderr.String(), ExitInterrupted)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("demo still running 2 minutes after the cancel")
	}
	if n := days(); n >= 3660 {
		t.Errorf("%d days written: the run finished instead of stopping", n)
	}
}
