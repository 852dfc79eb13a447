package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// corpusWriters are the writers of layout/testdata/writers (see its
// write.mjs and gowrite), each with a batch file of the layout and three
// legacy files of the seed's 7 columns, all from fixture.json.
var corpusWriters = []string{"parquet-go", "parquet-go-delta", "arrow-go", "duckdb", "parquetjs", "hyparquet"}

// copyCorpus copies one writer's files into a fresh directory: the
// commands write beside them.
func copyCorpus(t *testing.T, writer string) string {
	t.Helper()
	return copyDir(t, filepath.Join("..", "..", "..", "layout", "testdata", "writers", writer))
}

// Every command on every writer's files. From fixture.json, by hand:
//
// Salon 7, [2026-03-02, 2026-03-04): booking 101 (03-02 11:00) created then
// completed, 2500 cents; 102 (03-03 15:00) created then canceled 03-02
// 18:00 UTC, 21 h before (late); 103 (03-03 18:00) confirmed. So 3
// bookings: completed 1, canceled 1, confirmed 1, revenue 2500.
//
// The legacy files, salon 8, [2026-03-03, 2026-03-04): 201 (03-03 10:00)
// pending at 09:00 then completed at 10:00; 202 (03-03 16:00) canceled at
// 11:00. So 3 events imported into one file of 2026-03-02, and 2
// bookings: completed 1, canceled 1.
//
// The newest event to arrive is w-103-a, ingested 2026-03-02 20:00:05; at
// the tests' clock, 2026-03-13 09:00, that is 10 d 12 h 59 m 55 s ago =
// 252h59m55s = 910795 s.
func TestEveryCommandOnOtherWritersFiles(t *testing.T) {
	for _, w := range corpusWriters {
		t.Run(w, func(t *testing.T) {
			dir := copyCorpus(t, w)
			salon := func(id, from, to string) map[string]any {
				t.Helper()
				res := run(t, runOpts{}, "--source", dir, "salon", "--id", id, "--from", from, "--to", to, "-o", "json")
				if res.code != 0 {
					t.Fatalf("salon %s: exit %d: %s", id, res.code, res.stderr)
				}
				var got map[string]any
				if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
					t.Fatalf("salon %s: %v\n%s", id, err, res.stdout)
				}
				return got
			}
			want7 := map[string]string{"bookings": "3", "pending": "0", "confirmed": "1", "completed": "1", "canceled": "1", "no_show": "0", "revenue_cents": "2500"}
			check7 := func(when string) {
				t.Helper()
				got := salon("7", "2026-03-02", "2026-03-04")
				for k, v := range want7 {
					if num(got[k]) != v {
						t.Errorf("%s: salon 7 %s = %v, want %s", when, k, got[k], v)
					}
				}
				if r, _ := got["late_cancellation_rate"].(float64); r < 0.333 || r > 0.334 {
					t.Errorf("%s: salon 7 late_cancellation_rate = %v, want 1/3", when, got["late_cancellation_rate"])
				}
			}
			check7("as written")

			imp := run(t, runOpts{}, "import-legacy", "--from", dir, "--dest", dir)
			if imp.code != 0 || !strings.HasPrefix(imp.stderr, "imported 3 events in 1 file to "+dir+" in ") ||
				!strings.HasSuffix(imp.stderr, " (0 already imported)\n") {
				t.Fatalf("import-legacy: exit %d\n%s%s", imp.code, imp.stdout, imp.stderr)
			}
			want8 := map[string]string{"bookings": "2", "completed": "1", "canceled": "1", "pending": "0"}
			check8 := func(when string) {
				t.Helper()
				got := salon("8", "2026-03-03", "2026-03-04")
				for k, v := range want8 {
					if num(got[k]) != v {
						t.Errorf("%s: salon 8 %s = %v, want %s", when, k, got[k], v)
					}
				}
			}
			check8("imported")

			// Both files of 2026-03-02 (the batch and the import) become one.
			comp := run(t, runOpts{}, "--source", dir, "compact", "--before", "2026-03-04")
			if comp.code != 0 || !strings.HasPrefix(comp.stderr, "wrote 8 events in 1 file to "+dir+" in ") ||
				!strings.HasSuffix(comp.stderr, " (2 files before, 1 after)\n") {
				t.Fatalf("compact: exit %d\n%s%s", comp.code, comp.stdout, comp.stderr)
			}
			check7("compacted")
			check8("compacted")

			chk := run(t, runOpts{}, "--source", dir, "check", "--max-lag", "300h", "-o", "json")
			var h map[string]any
			if err := json.Unmarshal([]byte(chk.stdout), &h); chk.code != 0 || err != nil {
				t.Fatalf("check: exit %d %v\n%s%s", chk.code, err, chk.stdout, chk.stderr)
			}
			for k, v := range map[string]string{"newest_ingested_at": "2026-03-02T20:00:05Z", "newest_occurred_at": "2026-03-02T20:00:00Z", "lag_seconds": "910795", "last_day": "2026-03-02", "last_day_events": "8", "files": "1", "stale": "false"} {
				got := num(h[k])
				if s, ok := h[k].(string); ok {
					got = s
				}
				if got != v {
					t.Errorf("check %s = %s, want %s", k, got, v)
				}
			}
			if res := run(t, runOpts{}, "--source", dir, "check", "--max-lag", "252h"); res.code != 3 {
				t.Errorf("check --max-lag 252h: exit %d, want 3: %s", res.code, res.stderr)
			}

			bk := run(t, runOpts{terminal: true}, "--source", dir, "booking", "--id", "102")
			for _, want := range []string{"Booking 102: 2 events", "2026-03-02 18:00:00", "Current state: canceled, appointment 2026-03-03 15:00 at salon 7"} {
				if bk.code != 0 || !strings.Contains(bk.stdout, want) {
					t.Errorf("booking 102: exit %d, output lacks %q:\n%s%s", bk.code, want, bk.stdout, bk.stderr)
				}
			}
		})
	}
}
