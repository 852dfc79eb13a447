package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bt "github.com/instudio/instudio-report/booking/bookingtest"
)

func TestImportLegacyCommand(t *testing.T) {
	legacy, dest := t.TempDir(), t.TempDir()
	one := func(v int32) *int32 { return &v }
	date := time.Date(2024, 10, 6, 20, 0, 0, 0, time.UTC)
	// The seed's sample event, stored twice (pending, then confirmed),
	// and a file whose name is not the seed's.
	for name, status := range map[string]int32{
		"2024-10-05T18-00-00_0b9d3c52-6b59-4bb1-9a8f-0a3c1f6f4e11.parquet": 1,
		"2024-10-05T19-00-00_1c2e4d63-7c6a-4cc2-8b9f-1b4d2a7a5f22.parquet": 2,
		"export.parquet": 1,
	} {
		// A file of the seed's Lambda (bt.SeedRow: 7 nullable int32/timestamp(ms,
		// not UTC-adjusted) columns, snappy, as pyarrow writes them).
		data, err := bt.SeedParquet([]bt.SeedRow{{BookingID: one(1), BookingDate: &date, Status: one(status), UserID: one(1), SalonID: one(1), EmployeeID: one(1), PaymentID: one(1)}})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(legacy, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res := run(t, runOpts{}, "import-legacy", "--from", legacy, "--dest", dest)
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	if want := "imported 2 events in 1 file to " + dest + " in 0.0 s (0 already imported; 1 left alone)\n"; res.stderr != want {
		t.Errorf("stderr %q, want %q", res.stderr, want)
	}
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "wrote "+filepath.Join(dest, "bookings", "dt=2024-10-05", "legacy-")) ||
		lines[1] != "left alone "+filepath.Join(legacy, "export.parquet")+": name is not YYYY-MM-DDTHH-MM-SS_<uuid>.parquet" {
		t.Fatalf("stdout:\n%s", res.stdout)
	}
	// The report reads them: booking 1 of salon 1, confirmed.
	rep := run(t, runOpts{}, "--source", dest, "salon", "--id", "1", "--from", "2024-10-01", "--to", "2024-10-08", "-o", "json")
	if rep.code != 0 || !strings.Contains(rep.stdout, `"confirmed": 1,`) || !strings.Contains(rep.stdout, `"bookings": 1,`) {
		t.Errorf("report over the import: exit %d\n%s%s", rep.code, rep.stdout, rep.stderr)
	}
	again := run(t, runOpts{}, "import-legacy", "--from", legacy, "--dest", dest)
	if again.code != 0 || strings.Contains(again.stdout, "wrote") || again.stderr != "imported 0 events in 0 files to "+dest+" in 0.0 s (2 already imported; 1 left alone)\n" {
		t.Errorf("second import: %s%s", again.stdout, again.stderr)
	}
	if res := run(t, runOpts{}, "import-legacy"); res.code != 2 || !strings.Contains(res.stderr, "--from is required") {
		t.Errorf("without --from: exit %d, %s", res.code, res.stderr)
	}
}

// A typo in a cron job's path fails the job (issue 19, item 16).
func TestLayoutCommandsOnAMissingPath(t *testing.T) {
	typo := filepath.Join(t.TempDir(), "typo")
	for _, args := range [][]string{
		{"import-legacy", "--from", typo, "--dest", t.TempDir()},
		{"--source", typo, "compact", "--before", "2026-03-01"},
	} {
		res := run(t, runOpts{}, args...)
		if res.code != 1 || res.stderr != "instudio-report: "+typo+" does not exist\n" {
			t.Errorf("%v: exit %d, stderr %q", args, res.code, res.stderr)
		}
	}
}
