package source_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/report"
	"github.com/instudio/instudio-report/source"
	"github.com/instudio/instudio-report/storage"
)

// The salon sets each state of TestMovesIndexSameAsScan reports on.
var movesSalonSets = [][]int64{{1}, {2}, {3}, {1, 2}, {2, 3}}

// movesReports are the reports of the last week of March 10 for each
// salon set, read through source.Attach (which uses the moves index) or
// straight from the files, which scans every file for moved bookings.
func movesReports(t *testing.T, dir string, withIndex bool, sets [][]int64) (out [][]report.Report, log string) {
	t.Helper()
	ctx := context.Background()
	db, err := queries.Open(ctx, queries.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var buf bytes.Buffer
	if withIndex {
		logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		if _, err := source.Attach(ctx, db, source.Options{URI: dir, Log: logger}); err != nil {
			t.Fatal(err)
		}
	} else if err := db.Attach(ctx, layout.NewLocal(dir), nil); err != nil {
		t.Fatal(err)
	}
	return reportsOf(t, db, sets), buf.String()
}

// reportsOf are the reports of the last week of March 10 for each salon
// set, from db.
func reportsOf(t *testing.T, db *queries.DB, sets [][]int64) (out [][]report.Report) {
	t.Helper()
	from, to := bt.Time(t, "2026-03-08 00:00"), bt.Time(t, "2026-03-15 00:00")
	for _, ids := range sets {
		var salons []queries.Salon
		for _, id := range ids {
			salons = append(salons, queries.Salon{ID: id})
		}
		rs, err := db.Reports(context.Background(), queries.ReportRequest{Salons: salons, From: from, To: to})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rs)
	}
	return out
}

var coveredFiles = regexp.MustCompile(`msg="moves index" .*covered_files=(\d+)`)

// checkSameAsScan compares the reports through the index with the scan's,
// and says how many files the index covered.
func checkSameAsScan(t *testing.T, state, dir string) (covered string, got [][]report.Report) {
	t.Helper()
	return checkSetsSameAsScan(t, state, dir, movesSalonSets)
}

func checkSetsSameAsScan(t *testing.T, state, dir string, sets [][]int64) (covered string, got [][]report.Report) {
	t.Helper()
	got, log := movesReports(t, dir, true, sets)
	want, _ := movesReports(t, dir, false, sets)
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("%s: salons %v through the index differ from the scan:\n%+v\nscan:\n%+v", state, sets[i], got[i], want[i])
		}
	}
	m := coveredFiles.FindStringSubmatch(log)
	if m == nil {
		t.Fatalf("%s: no moves index line in the debug log:\n%s", state, log)
	}
	return m[1], got
}

// A report through the moves index equals the full scan, whatever the
// index knows: moves inside the compacted files, moves between compacted
// and newer batch files both ways, a move after the index was written, an
// index older than the files, and no index at all.
func TestMovesIndexSameAsScan(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ev := bt.Event
	const day = "2026-03-10 10:00"
	bt.WriteFiles(t, dir, map[string][]booking.Event{
		"b1": {
			// 10 moves from salon 1 to 2 inside the days compacted below.
			ev(t, "e10a", 10, 1, booking.Pending, "2026-03-01 09:00", day),
			// 20 starts at salon 1 and moves to 3 on the 4th, a day
			// left as a batch file.
			ev(t, "e20a", 20, 1, booking.Pending, "2026-03-01 09:30", day),
			ev(t, "e40a", 40, 1, booking.Pending, "2026-03-01 10:00", "2026-03-10 12:00"),
		},
		"b2": {
			ev(t, "e10b", 10, 2, booking.Confirmed, "2026-03-02 09:00", day),
			// 30 starts at salon 2 and comes to salon 1 after the index.
			ev(t, "e30a", 30, 2, booking.Pending, "2026-03-02 11:00", "2026-03-11 15:00"),
			ev(t, "e50a", 50, 3, booking.Pending, "2026-03-02 12:00", "2026-03-12 09:00"),
		},
		"b3": {
			ev(t, "e40b", 40, 1, booking.Confirmed, "2026-03-03 10:00", "2026-03-10 12:00"),
		},
		"b4": {
			ev(t, "e20b", 20, 3, booking.Confirmed, "2026-03-04 09:00", day),
			ev(t, "e60a", 60, 2, booking.Pending, "2026-03-04 10:00", "2026-03-13 10:00"),
		},
	})
	res, err := layout.Compact(ctx, &storage.Dir{Path: dir}, layout.CompactOptions{Before: "2026-03-04", TargetRows: 7})
	if err != nil {
		t.Fatal(err)
	}
	// By hand: the compacted days 1-3 hold booking 10 at salons 1 and 2.
	if res.MovesIndex == "" || res.Moves != 1 {
		t.Fatalf("compact: moves index %q with %d moves, want one", res.MovesIndex, res.Moves)
	}
	if n, got := checkSameAsScan(t, "after compaction", dir); n != "1" {
		t.Errorf("after compaction: the index covers %s files, want the compacted one", n)
	} else {
		// By hand, salon 1: 40 (confirmed); 10 moved to 2, 20 to 3.
		if c := got[0][0].Current.Counts; c != (report.Counts{Bookings: 1, Confirmed: 1}) {
			t.Errorf("salon 1 after compaction: %+v, want booking 40 alone, confirmed", c)
		}
	}

	// After the index: 30 comes to salon 1 from salon 2 (its only rows
	// here are new), 40 goes to salon 2, 60 is canceled.
	bt.WriteFiles(t, dir, map[string][]booking.Event{"b5": {
		ev(t, "e30b", 30, 1, booking.Confirmed, "2026-03-05 09:00", "2026-03-11 15:00"),
		ev(t, "e40c", 40, 2, booking.Confirmed, "2026-03-05 10:00", "2026-03-10 12:00"),
		ev(t, "e60b", 60, 2, booking.Canceled, "2026-03-05 11:00", "2026-03-13 10:00"),
	}})
	if n, got := checkSameAsScan(t, "a move after the index", dir); n != "1" {
		t.Errorf("a move after the index: the index covers %s files, want 1", n)
	} else if c := got[0][0].Current.Counts; c != (report.Counts{Bookings: 1, Confirmed: 1}) {
		// By hand, salon 1: 30 (confirmed) alone now.
		t.Errorf("salon 1 after the moves: %+v, want booking 30 alone, confirmed", c)
	}

	// A second compaction merges the 4th and 5th (the first compacted
	// file is full at 7 events) and writes a new index;
	// put the old one back, as if the run had been killed before writing
	// it: the new file is not covered and is scanned.
	oldIndex := filepath.Join(dir, filepath.FromSlash(res.MovesIndex))
	oldData, err := os.ReadFile(oldIndex)
	if err != nil {
		t.Fatal(err)
	}
	res2, err := layout.Compact(ctx, &storage.Dir{Path: dir}, layout.CompactOptions{Before: "2026-03-06", TargetRows: 7})
	if err != nil {
		t.Fatal(err)
	}
	// By hand: 10 (1, 2), 20 (1, 3), 30 (1, 2), 40 (1, 2).
	if res2.Moves != 4 || res2.MovesIndex == res.MovesIndex {
		t.Fatalf("second compaction: index %q with %d moves, want a new one with 4", res2.MovesIndex, res2.Moves)
	}
	if _, err := os.Stat(oldIndex); err == nil {
		t.Errorf("the older index %s is still there", res.MovesIndex)
	}
	if n, _ := checkSameAsScan(t, "the new index", dir); n != "2" {
		t.Errorf("the new index covers %s files, want both compacted files", n)
	}
	newIndex := filepath.Join(dir, filepath.FromSlash(res2.MovesIndex))
	if err := os.Remove(newIndex); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(oldIndex, oldData, 0o644); err != nil {
		t.Fatal(err)
	}
	if n, _ := checkSameAsScan(t, "an index older than the files", dir); n != "1" {
		t.Errorf("an index older than the files covers %s files, want 1", n)
	}

	// An index that cannot be read, then none at all: the scan.
	if err := os.WriteFile(oldIndex, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if n, _ := checkSameAsScan(t, "a broken index", dir); n != "0" {
		t.Errorf("a broken index covers %s files, want 0", n)
	}
	if err := os.Remove(oldIndex); err != nil {
		t.Fatal(err)
	}
	if n, _ := checkSameAsScan(t, "no index", dir); n != "0" {
		t.Errorf("no index: %s files covered, want 0", n)
	}
}

// Compaction cuts its output at salons, and the index records each file's
// range of salons and bookings: a report opens only the files that may
// hold its salons' rows (and, for a booking that moved, the rows at its
// other salons). The reports equal the scan's, and a file that no report
// on salons 1 to 3 needs is never opened: overwritten with garbage of the
// same size (so the index still covers it), those reports are unchanged,
// while salon 4's, which needs it, fails.
func TestSalonRangeFilesSameAsScan(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ev := bt.Event
	const day = "2026-03-10 10:00"
	bt.WriteFiles(t, dir, map[string][]booking.Event{
		"b1": {
			ev(t, "e1", 10, 1, booking.Pending, "2026-03-01 09:00", day),
			ev(t, "e2", 20, 2, booking.Pending, "2026-03-01 10:00", day),
			ev(t, "e3", 30, 3, booking.Pending, "2026-03-01 11:00", day),
			ev(t, "e4", 40, 4, booking.Pending, "2026-03-01 12:00", day),
		},
		"b2": {
			ev(t, "e5", 10, 1, booking.Confirmed, "2026-03-02 09:00", day),
			// 20 moves from salon 2 to 3 inside the compacted days.
			ev(t, "e6", 20, 3, booking.Confirmed, "2026-03-02 10:00", day),
			ev(t, "e7", 40, 4, booking.Canceled, "2026-03-02 12:00", day),
			ev(t, "e8", 50, 2, booking.Pending, "2026-03-02 13:00", day),
		},
	})
	// By hand: one group of 8 rows, PartRows 2: 8/2 = 4 files of at least
	// 2 rows, cut at each salon: (s1: 10 10) (s2: 20 50) (s3: 20 30)
	// (s4: 40 40).
	res, err := layout.Compact(ctx, &storage.Dir{Path: dir}, layout.CompactOptions{Before: "2026-03-04", PartRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Outputs) != 4 || res.Moves != 1 {
		t.Fatalf("compact: %d files and %d moves, want 4 and 1 (booking 20)", len(res.Outputs), res.Moves)
	}
	// After the index, as batch files: 30 comes to salon 1 from salon 3
	// (its rows at salon 3 are in the third file, whose booking range,
	// 20 to 30, holds it), and 60 is a new booking of salon 2, in no
	// compacted file's range.
	bt.WriteFiles(t, dir, map[string][]booking.Event{"b3": {
		ev(t, "e9", 30, 1, booking.Confirmed, "2026-03-05 09:00", day),
		ev(t, "e10", 60, 2, booking.Pending, "2026-03-05 10:00", day),
	}})
	sets := [][]int64{{1}, {2}, {3}, {1, 2}}
	if n, got := checkSetsSameAsScan(t, "salon-range files", dir, sets); n != "4" {
		t.Errorf("the index covers %s files, want the 4 compacted ones", n)
	} else {
		// By hand, salon 1: 10 confirmed, and 30, confirmed after its move;
		// salon 2: 50 and 60 pending (20 moved to salon 3).
		if c := got[0][0].Current.Counts; c != (report.Counts{Bookings: 2, Confirmed: 2}) {
			t.Errorf("salon 1: %+v, want bookings 10 and 30, confirmed", c)
		}
		if c := got[1][0].Current.Counts; c != (report.Counts{Bookings: 2, Pending: 2}) {
			t.Errorf("salon 2: %+v, want bookings 50 and 60, pending", c)
		}
	}
	want, _ := movesReports(t, dir, true, sets)

	// An index of version 1, as compaction wrote it before the ranges:
	// still used for the moves, and every file it covers is opened.
	indexPath := filepath.Join(dir, filepath.FromSlash(res.MovesIndex))
	v2, err := os.ReadFile(indexPath)
	if err != nil {
		t.Fatal(err)
	}
	var idx layout.MovesIndex
	if err := json.Unmarshal(v2, &idx); err != nil {
		t.Fatal(err)
	}
	v1 := map[string]any{"version": 1, "moves": idx.Moves}
	var files []map[string]any
	for _, f := range idx.Files {
		files = append(files, map[string]any{"key": f.Key, "size": f.Size})
	}
	v1["files"] = files
	data, err := json.Marshal(v1)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(indexPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if n, _ := checkSetsSameAsScan(t, "an index of version 1", dir, sets); n != "4" {
		t.Errorf("an index of version 1 covers %s files, want 4", n)
	}
	if err := os.WriteFile(indexPath, v2, 0o644); err != nil {
		t.Fatal(err)
	}

	var salon4 string
	for _, o := range res.Outputs {
		if o.Part == 4 {
			salon4 = filepath.Join(dir, filepath.FromSlash(o.Key))
		}
	}
	info, err := os.Stat(salon4)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(salon4, bytes.Repeat([]byte{'x'}, int(info.Size())), 0o644); err != nil {
		t.Fatal(err)
	}
	got, _ := movesReports(t, dir, true, sets)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("with salon 4's file unreadable, the reports on salons 1 to 3 changed:\n%+v\nwant:\n%+v", got, want)
	}
	db, err := queries.Open(ctx, queries.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := source.Attach(ctx, db, source.Options{URI: dir}); err != nil {
		t.Fatal(err)
	}
	from, to := bt.Time(t, "2026-03-08 00:00"), bt.Time(t, "2026-03-15 00:00")
	if _, err := db.Reports(ctx, queries.ReportRequest{Salons: []queries.Salon{{ID: 4}}, From: from, To: to}); err == nil {
		t.Errorf("salon 4's report did not read its file (garbage now)")
	}
}
