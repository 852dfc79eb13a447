package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDemoWritesTheLayout(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "data")
	res := run(t, runOpts{}, "--log-format", "json", "demo", "--dest", dest, "--salons", "2", "--days", "10", "--ahead", "3")
	if res.code != 0 || res.stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", res.code, res.stdout, res.stderr)
	}
	var log map[string]any
	if err := json.Unmarshal([]byte(res.stderr), &log); err != nil {
		t.Fatalf("--log-format json: stderr is not one JSON record: %v\n%s", err, res.stderr)
	}
	files, _ := filepath.Glob(filepath.Join(dest, "bookings", "dt=*", "*.parquet"))
	if log["msg"] != "demo data written" || log["files_written"] != float64(len(files)) || len(files) == 0 {
		t.Errorf("log %v, %d files on disk", log, len(files))
	}
	// The clock decides the dates: nothing is partitioned after today.
	last := filepath.Base(filepath.Dir(files[len(files)-1]))
	if last != "dt="+fixedNow.Format("2006-01-02") {
		t.Errorf("last partition %s, want today's (dt=%s)", last, fixedNow.Format("2006-01-02"))
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

func TestDemoUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"demo", "--salons", "0"}, "--salons must be at least 1"},
		{[]string{"demo", "--days", "0"}, "--days must be at least 1"},
		{[]string{"demo", "--now", "tomorrow"}, `--now: invalid time "tomorrow"`},
		{[]string{"--log-level", "loud", "demo"}, `invalid log level "loud"`},
		{[]string{"--log-format", "xml", "demo"}, `invalid log format "xml"`},
	} {
		res := run(t, runOpts{}, append(tc.args, "--dest", t.TempDir())...)
		if res.code != 2 || !strings.Contains(res.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want exit 2 and %q", tc.args, res.code, res.stderr, tc.want)
		}
	}
}
