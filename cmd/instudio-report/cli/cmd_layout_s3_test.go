package cli

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/storage/s3test"
)

// The layout commands on an s3:// source, against versitygw: compact keeps
// the report, check reads the bucket, import-legacy reads the bucket root.
func TestLayoutCommandsOnS3(t *testing.T) {
	f := newS3Fixture(t, s3test.Faults{})
	objects := filepath.Join(f.srv.Dir, f.bucket, s3Prefix)
	before := f.runS3(t, nil, salonArgs...)
	if before.code != 0 {
		t.Fatalf("salon before: %s", before.stderr)
	}
	n := countFiles(t, objects)

	// The clock says 2026-03-13: everything before 03-12 is compacted
	// into files of at most --target-rows events.
	res := f.runS3(t, nil, "compact", "--target-rows", "1000")
	if res.code != 0 || !strings.HasPrefix(res.stdout, "wrote s3://analytics-bucket-s3/analytics/prod/bookings/dt=") {
		t.Fatalf("compact: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	after := countFiles(t, objects)
	if after >= n/4 {
		t.Errorf("%d objects before compaction, %d after", n, after)
	}
	if got := f.runS3(t, nil, salonArgs...); got.code != 0 || got.stdout != before.stdout {
		t.Errorf("salon over S3 changed after compaction: exit %d\n%s", got.code, got.stderr)
	}

	// Files of 1,000 events are small for the default target: check
	// counts them, and a compact with the defaults merges them.
	health := func() map[string]any {
		chk := f.runS3(t, nil, "check", "--max-lag", "24h", "-o", "json")
		var h map[string]any
		if chk.code != 0 || json.Unmarshal([]byte(chk.stdout), &h) != nil || h["files"] != float64(countFiles(t, objects)) {
			t.Fatalf("check: exit %d\n%s%s", chk.code, chk.stdout, chk.stderr)
		}
		return h
	}
	if h := health(); h["small_files"].(float64) < 2 {
		t.Errorf("small files after compacting into files of 1,000 events: %v", h["small_files"])
	}
	if res := f.runS3(t, nil, "compact"); res.code != 0 {
		t.Fatalf("compact: %s", res.stderr)
	}
	if h := health(); h["small_files"] != 0.0 {
		t.Errorf("small files after a default compact: %v", h["small_files"])
	}
	if chk := f.runS3(t, nil, "check", "--max-lag", "1m"); chk.code != 3 {
		t.Errorf("check --max-lag 1m: exit %d, want 3 (%s)", chk.code, chk.stderr)
	}

	// A seed file at the bucket root, imported into the same bucket.
	one := func(v int32) *int32 { return &v }
	date := time.Date(2026, 3, 20, 18, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	if err := parquet.Write(&buf, []bt.SeedRow{{BookingID: one(90001), BookingDate: &date, Status: one(1), UserID: one(5), SalonID: one(1), EmployeeID: one(3)}}); err != nil {
		t.Fatal(err)
	}
	f.srv.Put(t, f.bucket, "2026-03-01T10-00-00_0b9d3c52-6b59-4bb1-9a8f-0a3c1f6f4e11.parquet", buf.Bytes())
	imp := f.runS3(t, nil, "import-legacy", "--from", "s3://"+f.bucket)
	if imp.code != 0 || !strings.HasPrefix(imp.stdout, "wrote s3://analytics-bucket-s3/analytics/prod/bookings/dt=2026-03-01/legacy-") {
		t.Fatalf("import-legacy: exit %d\n%s%s", imp.code, imp.stdout, imp.stderr)
	}
	// The bucket root also holds the layout under analytics/: a folder,
	// not a legacy file, so nothing else is listed.
	if strings.Contains(imp.stdout, "left alone") {
		t.Errorf("import-legacy listed more than it imported:\n%s", imp.stdout)
	}
	if again := f.runS3(t, nil, "import-legacy", "--from", "s3://"+f.bucket); again.code != 0 || strings.Contains(again.stdout, "wrote") {
		t.Errorf("second import: %s%s", again.stdout, again.stderr)
	}
}
