package cli

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestCompactKeepsTheReport(t *testing.T) {
	src := writeSmallFixture(t)
	report := func() string {
		var out strings.Builder
		for _, id := range []string{"1", "2"} {
			res := run(t, runOpts{}, "--source", src, "salon", "--id", id, "--period", "last-7d", "-o", "json")
			if res.code != 0 {
				t.Fatalf("report: %s", res.stderr)
			}
			out.WriteString(res.stdout)
		}
		return out.String()
	}
	before := report()
	files := func() []string {
		f, _ := filepath.Glob(filepath.Join(src, "bookings", "dt=*", "*.parquet"))
		return f
	}
	// The fixture's one batch spans 7 days (02-20, 02-28, 03-01, 03-02,
	// 03-09, 03-10, 03-12): 7 files. Today is 03-13, so the days before
	// yesterday (03-12) are compacted: 6 files become 1, 03-12 stays. Of
	// the 14 events only 4b (03-12 11:30) is on 03-12: 13 are compacted.
	if n := len(files()); n != 7 {
		t.Fatalf("fixture has %d files, want 7", n)
	}
	dry := run(t, runOpts{}, "--source", src, "compact", "--dry-run")
	if dry.code != 0 || !strings.HasPrefix(dry.stdout, "would write ") || len(files()) != 7 {
		t.Fatalf("dry run: exit %d\n%s%s", dry.code, dry.stdout, dry.stderr)
	}
	// One plain summary line on stderr (the test clock stands still: 0.0 s).
	if want := "would write 13 events in 1 file to " + src + " (7 files now, 2 after)\n"; dry.stderr != want {
		t.Errorf("dry run stderr %q, want %q", dry.stderr, want)
	}
	res := run(t, runOpts{}, "--source", src, "compact")
	want := regexp.MustCompile(`^wrote .*dt=2026-02-20/compact-to-2026-03-10-n13-[0-9a-f]{16}\.parquet: 13 events from 6 files, 2026-02-20 to 2026-03-10\n$`)
	if res.code != 0 || !want.MatchString(res.stdout) {
		t.Fatalf("exit %d\nstdout %q\nstderr %s", res.code, res.stdout, res.stderr)
	}
	if want := "wrote 13 events in 1 file to " + src + " in 0.0 s (7 files before, 2 after)\n"; res.stderr != want {
		t.Errorf("stderr %q, want %q", res.stderr, want)
	}
	if quiet := run(t, runOpts{}, "--source", src, "--log-level", "warn", "compact"); quiet.code != 0 || quiet.stderr != "" {
		t.Errorf("--log-level warn: exit %d, stderr %q, want no summary", quiet.code, quiet.stderr)
	}
	if n := len(files()); n != 2 {
		t.Errorf("%d files after compaction, want 2", n)
	}
	if after := report(); after != before {
		t.Errorf("report changed:\n%s\nwant:\n%s", after, before)
	}
	for _, args := range [][]string{
		{"compact", "--day", "2026-03-01", "--before", "2026-03-02"},
		{"compact", "--before", "March"},
		{"compact", "--target-rows", "1"},
	} {
		if res := run(t, runOpts{}, append([]string{"--source", src}, args...)...); res.code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, res.code, res.stderr)
		}
	}
}
