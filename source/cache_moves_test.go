package source_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/source"
	"github.com/instudio/instudio-report/storage"
	"github.com/instudio/instudio-report/storage/s3test"
)

// Cache mode keeps a copy of the moves index beside the booking files: its
// key names what it covers and is never written twice, so a warm run
// serves it from the cache and makes the listing request alone. A copy
// whose bytes are no longer the ones fetched is fetched again, and the
// reports equal the local scan's throughout.
func TestCachedMovesIndexWithoutGET(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ev := bt.Event
	const day = "2026-03-10 10:00"
	bt.WriteFiles(t, dir, map[string][]booking.Event{
		"b1": {
			ev(t, "e10a", 10, 1, booking.Pending, "2026-03-01 09:00", day),
			ev(t, "e20a", 20, 1, booking.Pending, "2026-03-01 09:30", day),
		},
		"b2": {
			// 10 moves from salon 1 to 2 inside the compacted days.
			ev(t, "e10b", 10, 2, booking.Confirmed, "2026-03-02 09:00", day),
			ev(t, "e30a", 30, 2, booking.Pending, "2026-03-02 11:00", day),
		},
		"b4": {
			ev(t, "e20b", 20, 1, booking.Confirmed, "2026-03-04 09:00", day),
		},
	})
	res, err := layout.Compact(ctx, &storage.Dir{Path: dir}, layout.CompactOptions{Before: "2026-03-03"})
	if err != nil {
		t.Fatal(err)
	}
	if res.MovesIndex == "" || res.Moves != 1 {
		t.Fatalf("compact: moves index %q with %d moves, want one (booking 10)", res.MovesIndex, res.Moves)
	}
	sets := [][]int64{{1}, {2}}
	want, _ := movesReports(t, dir, false, sets)

	srv := s3test.Start(t)
	bucket := srv.CreateBucket(t, "moves-cache")
	objects := srv.Upload(t, dir, bucket, "p")
	proxy := s3test.StartFaultProxy(t, srv.Endpoint, s3test.Faults{})
	opt := storage.S3Options{Endpoint: proxy.Endpoint, Region: s3test.Region}
	cacheBase := t.TempDir()
	root, err := storage.NewS3(ctx, bucket, "p", opt)
	if err != nil {
		t.Fatal(err)
	}
	indexCopy := filepath.Join(layout.CacheDir(root, cacheBase), filepath.FromSlash(res.MovesIndex))

	run := func(state string, wantGets int) {
		t.Helper()
		proxy.Reset()
		db, err := queries.Open(ctx, queries.Options{Threads: 2})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var buf bytes.Buffer
		logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		if _, err := source.Attach(ctx, db, source.Options{URI: "s3://" + bucket + "/p", Mode: source.ModeCache, S3: opt, CacheBase: cacheBase, Log: logger}); err != nil {
			t.Fatalf("%s: %v", state, err)
		}
		if got := reportsOf(t, db, sets); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the reports differ from the local scan:\n%+v\nwant:\n%+v", state, got, want)
		}
		if m := coveredFiles.FindStringSubmatch(buf.String()); m == nil || m[1] != "1" {
			t.Errorf("%s: the moves index was not used (want it to cover the compacted file):\n%s", state, buf.String())
		}
		served := proxy.Served()
		if served["list"] != 1 || served["get"] != wantGets || len(served) > 2 {
			t.Errorf("%s: requests %v, want 1 listing and %d GETs", state, served, wantGets)
		}
	}
	// Cold: every object, the index included, is fetched once.
	run("cold", objects)
	run("warm", 0)

	// The copy damaged in place, its size kept: fetched again, once.
	data, err := os.ReadFile(indexCopy)
	if err != nil {
		t.Fatalf("no copy of the moves index in the cache: %v", err)
	}
	if err := os.WriteFile(indexCopy, bytes.Repeat([]byte{' '}, len(data)), 0o644); err != nil {
		t.Fatal(err)
	}
	run("a damaged copy", 1)
	run("warm again", 0)

	// Gone from the cache: fetched again.
	if err := os.Remove(indexCopy); err != nil {
		t.Fatal(err)
	}
	run("a deleted copy", 1)
}
