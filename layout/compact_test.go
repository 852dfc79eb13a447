package layout_test

import (
	"context"
	"errors"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/storage"
)

// writeCompactFixture writes, by hand:
//
//	dt=2026-03-01/a  standard  e1 (b101 s1 created), e2 (b201 s2 created)        2 rows
//	dt=2026-03-01/b  other     e3 (b102 s1 created), e1 again, identical          2 rows
//	dt=2026-03-02/a  standard  e4 (b101 confirmed), e5 (b102 canceled)            2 rows
//	dt=2026-03-02/c  other     e4 again, ingested 2 h later and with another
//	                           service: the copy ingested first must still win  1 row
//	dt=2026-03-03/a  standard  e6 (b202 s2 created), e7 (b103 s1 created)         2 rows
//	dt=2026-03-09/y  standard  e8 (b103 confirmed)  yesterday: left alone         1 row
//	dt=2026-03-10/t  standard  e9 (b104 created)    today: left alone             1 row
//
// "other" files are written as another producer would: int32 ids,
// millisecond/nanosecond timestamps, UTC flags flipped. Nine events, eleven
// rows; the files of 03-01..03-03 hold 9 rows (two of them copies).
func writeCompactFixture(t *testing.T, root storage.Root) {
	ev := func(id string, b, salon int64, st booking.Status, at, date string) booking.Event {
		return bt.Event(t, id, b, salon, st, at, date)
	}
	e1 := ev("e1", 101, 1, booking.Pending, "2026-03-01 09:00", "2026-03-05 10:00")
	e4 := ev("e4", 101, 1, booking.Confirmed, "2026-03-02 09:00", "2026-03-05 10:00")
	e4late := e4
	e4late.IngestedAt = e4late.IngestedAt.Add(2 * time.Hour)
	e4late.Service = booking.Ptr("Color")
	putEvents(t, root, booking.Key("2026-03-01", "a"), e1, ev("e2", 201, 2, booking.Pending, "2026-03-01 10:00", "2026-03-06 12:00"))
	putOther(t, root, booking.Key("2026-03-01", "b"), ev("e3", 102, 1, booking.Pending, "2026-03-01 11:00", "2026-03-04 15:00"), e1)
	putEvents(t, root, booking.Key("2026-03-02", "a"), e4, ev("e5", 102, 1, booking.Canceled, "2026-03-02 16:00", "2026-03-04 15:00"))
	putOther(t, root, booking.Key("2026-03-02", "c"), e4late)
	putEvents(t, root, booking.Key("2026-03-03", "a"),
		ev("e6", 202, 2, booking.Pending, "2026-03-03 08:00", "2026-03-03 20:00"),
		ev("e7", 103, 1, booking.Pending, "2026-03-03 12:00", "2026-03-07 18:00"))
	putEvents(t, root, booking.Key("2026-03-09", "y"), ev("e8", 103, 1, booking.Confirmed, "2026-03-09 10:00", "2026-03-07 18:00"))
	putEvents(t, root, booking.Key("2026-03-10", "t"), ev("e9", 104, 1, booking.Pending, "2026-03-10 09:00", "2026-03-20 11:00"))
}

var fixtureNow = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func TestCompactKeepsEveryEvent(t *testing.T) {
	for name, newRoot := range roots {
		t.Run(name, func(t *testing.T) {
			root, dir := newRoot(t)
			writeCompactFixture(t, root)
			before := snapshot(t, dir)

			res, err := layout.Compact(context.Background(), root, layout.CompactOptions{Before: layout.DefaultBefore(fixtureNow)})
			if err != nil {
				t.Fatal(err)
			}
			// The five files of 03-01..03-03 become one file under the
			// first day, holding their 9 rows; yesterday and today stay.
			if len(res.Outputs) != 1 || res.Outputs[0].Inputs != 5 || res.Outputs[0].Rows != 9 {
				t.Fatalf("outputs = %+v, want one of 5 inputs and 9 rows", res.Outputs)
			}
			keys := bookingKeys(t, root)
			want := regexp.MustCompile(`^bookings/dt=2026-03-01/compact-to-2026-03-03-n9-[0-9a-f]{16}\.parquet$`)
			if len(keys) != 3 || !want.MatchString(keys[0]) || keys[1] != booking.Key("2026-03-09", "y") || keys[2] != booking.Key("2026-03-10", "t") {
				t.Fatalf("files after = %q", keys)
			}
			if res.FilesBefore != 7 || res.FilesAfter != 3 {
				t.Errorf("files before/after = %d/%d, want 7/3", res.FilesBefore, res.FilesAfter)
			}
			if after := snapshot(t, dir); after != before {
				t.Errorf("queries changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}

			// The output is sorted by (salon_id, booking_id, occurred_at),
			// with the copies of e1 and e4 next to their first copy.
			data, err := root.Read(context.Background(), keys[0])
			if err != nil {
				t.Fatal(err)
			}
			events, err := layout.DecodeEvents(keys[0], data)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, e := range events {
				ids = append(ids, e.EventID)
			}
			// salon 1: b101 e1 e1 e4 e4(late copy), b102 e3 e5, b103 e7;
			// salon 2: b201 e2, b202 e6.
			if got, want := strings.Join(ids, " "), "e1 e1 e4 e4 e3 e5 e7 e2 e6"; got != want {
				t.Errorf("row order = %s, want %s", got, want)
			}
			if events[2].Service == nil || *events[2].Service != "Haircut" {
				t.Errorf("the first e4 in the file is not the copy ingested first")
			}

			// A second run finds nothing to do.
			again, err := layout.Compact(context.Background(), root, layout.CompactOptions{Before: layout.DefaultBefore(fixtureNow)})
			if err != nil {
				t.Fatal(err)
			}
			if len(again.Outputs) != 0 || again.Deleted != 0 || !slices.Equal(bookingKeys(t, root), keys) {
				t.Errorf("second run changed something: %+v", again)
			}
		})
	}
}

// killCase is a place to kill a compaction: after creates files written
// and delete inputs deleted (-1: unlimited).
type killCase struct {
	name            string
	creates, delete int
}

// killedThenRerun runs opt killed at each case, checks that the queries
// are unchanged after the kill, then reruns it and checks that it ends
// with the files of an uninterrupted run (want) and the same queries.
func killedThenRerun(t *testing.T, newRoot rootFactory, opt layout.CompactOptions, cases []killCase, before string, want map[string]string) {
	t.Helper()
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root, dir := newRoot(t)
			writeCompactFixture(t, root)
			killed := &failingRoot{Root: root, creates: c.creates, delete: c.delete}
			if _, err := layout.Compact(ctx, killed, opt); !errors.Is(err, errKilled) {
				t.Fatalf("compact error = %v, want the injected kill", err)
			}
			if got := snapshot(t, dir); got != before {
				t.Errorf("queries changed after the kill:\nbefore:\n%s\nafter:\n%s", before, got)
			}
			if _, err := layout.Compact(ctx, root, opt); err != nil {
				t.Fatal(err)
			}
			if got := fileSet(t, root); !maps.Equal(got, want) {
				t.Errorf("files after the rerun:\n%v\nwant (uninterrupted run):\n%v", got, want)
			}
			if got := snapshot(t, dir); got != before {
				t.Errorf("queries changed after the rerun:\nbefore:\n%s\nafter:\n%s", before, got)
			}
		})
	}
}

func TestCompactKilledThenRerun(t *testing.T) {
	// With a target of 4 rows the plan is two groups (rows by hand from
	// the fixture): 01/a (2) + 01/b (2) = 4, then 02/a (2) + 02/c (1) +
	// 03/a (2) = 5. Each step of that plan is a place to be killed.
	opt := layout.CompactOptions{Before: "2026-03-09", TargetRows: 4}
	cases := []killCase{
		{"before the first write", 0, -1},
		{"after the first write", 1, 0},
		{"after one delete", 1, 1},
		{"after the second write", 2, 2},
		{"after two of three deletes", 2, 4},
	}
	for name, newRoot := range roots {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			clean, cleanDir := newRoot(t)
			writeCompactFixture(t, clean)
			before := snapshot(t, cleanDir)
			if _, err := layout.Compact(ctx, clean, opt); err != nil {
				t.Fatal(err)
			}
			want := fileSet(t, clean)
			if n := len(bookingKeys(t, clean)); n != 4 {
				t.Fatalf("uninterrupted run left %d files, want 4 (2 compacted + yesterday + today)", n)
			}

			killedThenRerun(t, newRoot, opt, cases, before, want)
		})
	}
}

func TestCompactMergesTheTailOfAnEarlierRun(t *testing.T) {
	for name, newRoot := range roots {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			root, dir := newRoot(t)
			writeCompactFixture(t, root)
			before := snapshot(t, dir)
			// First only 03-01 (4 rows: a small tail), then up to 03-09:
			// the tail is merged with 03-02 and 03-03 into one 9-row file.
			first, err := layout.Compact(ctx, root, layout.CompactOptions{Before: "2026-03-02"})
			if err != nil {
				t.Fatal(err)
			}
			if len(first.Outputs) != 1 || first.Outputs[0].Rows != 4 {
				t.Fatalf("first run outputs = %+v, want one of 4 rows", first.Outputs)
			}
			second, err := layout.Compact(ctx, root, layout.CompactOptions{Before: "2026-03-09"})
			if err != nil {
				t.Fatal(err)
			}
			if len(second.Outputs) != 1 || second.Outputs[0].Rows != 9 || second.Outputs[0].Inputs != 4 {
				t.Fatalf("second run outputs = %+v, want one of 4 inputs and 9 rows", second.Outputs)
			}
			if keys := bookingKeys(t, root); len(keys) != 3 || path.Dir(keys[0]) != "bookings/dt=2026-03-01" {
				t.Errorf("files = %q", keys)
			}
			if got := snapshot(t, dir); got != before {
				t.Errorf("queries changed")
			}
		})
	}
}

func TestCompactDayAndDryRun(t *testing.T) {
	ctx := context.Background()
	root, _ := localRoot(t)
	writeCompactFixture(t, root)
	before := fileSet(t, root)
	// 03-02 alone: a (2 rows) and c (1 row) into one file of 3 rows.
	dry, err := layout.Compact(ctx, root, layout.CompactOptions{Day: "2026-03-02", DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(dry.Outputs) != 1 || dry.Outputs[0].Rows != 3 || dry.FilesAfter != 6 {
		t.Fatalf("dry run = %+v, want one output of 3 rows and 6 files after", dry)
	}
	if !maps.Equal(fileSet(t, root), before) {
		t.Fatal("a dry run changed files")
	}
	res, err := layout.Compact(ctx, root, layout.CompactOptions{Day: "2026-03-02"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Outputs[0].Key != dry.Outputs[0].Key {
		t.Errorf("dry run planned %s, the run wrote %s", dry.Outputs[0].Key, res.Outputs[0].Key)
	}
	if len(bookingKeys(t, root)) != 6 {
		t.Errorf("files = %q, want 6", bookingKeys(t, root))
	}
}

func TestCompactLeavesUnfaithfulFilesAlone(t *testing.T) {
	ctx := context.Background()
	root, dir := localRoot(t)
	writeCompactFixture(t, root)
	// A file with a column the layout does not have: rewriting it would
	// drop the column, so it stays where it is.
	putWithNote(t, root, booking.Key("2026-03-02", "z-extra"), bt.Event(t, "e10", 105, 1, booking.Pending, "2026-03-02 12:00", "2026-03-12 12:00"))
	before := snapshot(t, dir)
	res, err := layout.Compact(ctx, root, layout.CompactOptions{Before: "2026-03-09"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.LeftAlone) != 1 || res.LeftAlone[0].Key != booking.Key("2026-03-02", "z-extra") || !strings.Contains(res.LeftAlone[0].Reason, "column note is not in the layout") {
		t.Fatalf("left alone = %+v", res.LeftAlone)
	}
	if !slices.Contains(bookingKeys(t, root), booking.Key("2026-03-02", "z-extra")) {
		t.Error("the file left alone was deleted")
	}
	if got := snapshot(t, dir); got != before {
		t.Errorf("queries changed")
	}
}

func TestTwoCompactionsAtOnce(t *testing.T) {
	for name, newRoot := range roots {
		t.Run(name, func(t *testing.T) { twoCompactionsAtOnce(t, newRoot, 0) })
		// Groups of 4 and 5 rows cut into files of 2 rows or more.
		t.Run(name+"/cut at salons", func(t *testing.T) { twoCompactionsAtOnce(t, newRoot, 2) })
	}
}

func twoCompactionsAtOnce(t *testing.T, newRoot rootFactory, partRows int64) {
	ctx := context.Background()
	opt := layout.CompactOptions{Before: "2026-03-09", TargetRows: 4, PartRows: partRows}
	clean, _ := newRoot(t)
	writeCompactFixture(t, clean)
	if _, err := layout.Compact(ctx, clean, opt); err != nil {
		t.Fatal(err)
	}
	want := fileSet(t, clean)

	root, dir := newRoot(t)
	writeCompactFixture(t, root)
	before := snapshot(t, dir)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { _, errs[i] = layout.Compact(ctx, root, opt) })
	}
	wg.Wait()
	for _, err := range errs {
		// The loser may find an input gone; that is its whole failure.
		if err != nil && !strings.Contains(err.Error(), "vanished") {
			t.Errorf("compaction failed: %v", err)
		}
	}
	// Finish whatever the loser left, as a later run would.
	if _, err := layout.Compact(ctx, root, opt); err != nil {
		t.Fatal(err)
	}
	if got := fileSet(t, root); !maps.Equal(got, want) {
		t.Errorf("files = %v, want %v", got, want)
	}
	if got := snapshot(t, dir); got != before {
		t.Errorf("queries changed")
	}
}

// An output cut at salons is several files, written one after the other
// before any input is deleted: a run killed between them has deleted
// nothing, and the rerun must neither take the first part for a finished
// output (and delete the inputs the missing part still needs) nor leave a
// different set of files than an uninterrupted run.
func TestCompactCutAtSalonsKilledThenRerun(t *testing.T) {
	// One group of the five files of 03-01..03-03, 9 rows. PartRows 4:
	// 9/4 = 2 files of at least ceil(9/2) = 5 rows, cut where the salon
	// changes: salon 1's 7 rows (e1 e1 e4 e4 e3 e5 e7), then salon 2's 2
	// (e2 e6); the last file may be half the size of the others.
	opt := layout.CompactOptions{Before: "2026-03-09", PartRows: 4}
	cases := []killCase{
		{"after the first part", 1, -1},
		{"after both parts", 2, 0},
		{"after two of five deletes", 2, 2},
	}
	for name, newRoot := range roots {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			clean, cleanDir := newRoot(t)
			writeCompactFixture(t, clean)
			before := snapshot(t, cleanDir)
			res, err := layout.Compact(ctx, clean, opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Outputs) != 2 || res.Outputs[0].Rows != 7 || res.Outputs[1].Rows != 2 || res.Outputs[1].Part != 2 || res.Outputs[1].Parts != 2 {
				t.Fatalf("outputs = %+v, want parts 1 and 2 of 7 and 2 rows", res.Outputs)
			}
			keys := bookingKeys(t, clean)
			part := regexp.MustCompile(`^bookings/dt=2026-03-01/compact-to-2026-03-03-n9-[0-9a-f]{16}-p[12]of2\.parquet$`)
			if len(keys) != 4 || !part.MatchString(keys[0]) || !part.MatchString(keys[1]) {
				t.Fatalf("files after = %q, want the two parts, yesterday and today", keys)
			}
			if got := snapshot(t, cleanDir); got != before {
				t.Errorf("queries changed:\nbefore:\n%s\nafter:\n%s", before, got)
			}
			want := fileSet(t, clean)
			// Nothing new: the two parts are one earlier output, not a
			// group to write again.
			again, err := layout.Compact(ctx, clean, opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(again.Outputs) != 0 || again.Deleted != 0 || !maps.Equal(fileSet(t, clean), want) {
				t.Errorf("second run changed something: %+v", again)
			}
			// ...and check does not count them as small files to merge.
			h, err := layout.Check(ctx, clean, layout.CheckOptions{Now: fixtureNow})
			if err != nil {
				t.Fatal(err)
			}
			if h.SmallFiles != 0 {
				t.Errorf("check counts %d small files, want 0 (the parts of one output)", h.SmallFiles)
			}

			killedThenRerun(t, newRoot, opt, cases, before, want)
		})
	}
}
