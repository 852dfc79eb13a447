package layout_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/storage"
	"github.com/instudio/instudio-report/storage/s3test"
)

// uploadDays puts n objects per day, for each day, with contents that say
// which they are.
func uploadDays(t *testing.T, srv *s3test.Server, bucket, prefix string, days []string, n int) []string {
	t.Helper()
	var keys []string
	for _, day := range days {
		for i := range n {
			key := fmt.Sprintf("bookings/dt=%s/batch-%02d.parquet", day, i)
			srv.Put(t, bucket, prefix+"/"+key, []byte(strings.Repeat(key, 50)))
			keys = append(keys, key)
		}
	}
	return keys
}

// cancelAfter cancels a sync after a number of downloads.
type cancelAfter struct {
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Start(int, int64) {}
func (c *cancelAfter) Finish()          {}
func (c *cancelAfter) Fetched(int64) {
	c.n--
	if c.n == 0 {
		c.cancel()
	}
}

// A sync stopped halfway leaves only whole files, remembers them, and the
// next sync fetches just the rest.
func TestSyncInterrupted(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.CreateBucket(t, "sync")
	keys := uploadDays(t, srv, bucket, "p", []string{"2026-01-01", "2026-01-02", "2026-01-03"}, 10)
	root := srv.Root(t, bucket, "p")
	dir := t.TempDir()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := layout.Sync(ctx, root, layout.SyncOptions{Dir: dir, Workers: 2, Progress: &cancelAfter{n: 5, cancel: cancel}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted sync: %v, want context.Canceled", err)
	}
	whole := 0
	err = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || e.Name() == ".instudio-cache.json" {
			return err
		}
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", p)
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if string(data) != strings.Repeat(filepath.ToSlash(rel), 50) {
			t.Errorf("%s is not whole", rel)
		}
		whole++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if whole < 5 || whole >= len(keys) {
		t.Fatalf("%d files after the interruption, want at least 5 and fewer than %d", whole, len(keys))
	}

	res, err := layout.Sync(context.Background(), root, layout.SyncOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if res.Fetched != len(keys)-whole || res.Kept != whole || len(res.Files) != len(keys) {
		t.Errorf("resumed sync fetched %d kept %d of %d, want %d and %d", res.Fetched, res.Kept, len(res.Files), len(keys)-whole, whole)
	}
}

// With an as-of date, later partitions are neither listed nor fetched,
// and their local copies from an earlier full sync stay.
func TestSyncAsOf(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.CreateBucket(t, "asof")
	uploadDays(t, srv, bucket, "p", []string{"2026-01-01", "2026-01-02", "2026-01-03"}, 2)
	// Not in the layout: never synced.
	srv.Put(t, bucket, "p/bookings/dt=2026-01-01/notes.txt", []byte("x"))
	srv.Put(t, bucket, "p/legacy.parquet", []byte("x"))
	root := srv.Root(t, bucket, "p")
	dir := t.TempDir()

	asOf := time.Date(2026, 1, 2, 23, 59, 0, 0, time.UTC)
	res, err := layout.Sync(context.Background(), root, layout.SyncOptions{Dir: dir, AsOf: &asOf})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range res.Objects {
		got = append(got, o.Key)
	}
	want := "bookings/dt=2026-01-01/batch-00.parquet bookings/dt=2026-01-01/batch-01.parquet bookings/dt=2026-01-02/batch-00.parquet bookings/dt=2026-01-02/batch-01.parquet"
	if strings.Join(got, " ") != want || res.Fetched != 4 {
		t.Errorf("as-of sync: %v (fetched %d), want %s", got, res.Fetched, want)
	}
	for i, f := range res.Files {
		if f != filepath.Join(dir, filepath.FromSlash(got[i])) {
			t.Errorf("file %d = %s, want the copy of %s in %s", i, f, got[i], dir)
		}
	}

	// A full sync, then an as-of sync after 2026-01-03 is deleted
	// upstream: the as-of sync does not look at 01-03, so its copies stay.
	if _, err := layout.Sync(context.Background(), root, layout.SyncOptions{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	srv.Delete(t, bucket, "p/bookings/dt=2026-01-03/batch-00.parquet")
	res, err = layout.Sync(context.Background(), root, layout.SyncOptions{Dir: dir, AsOf: &asOf})
	if err != nil {
		t.Fatal(err)
	}
	if res.Dropped != 0 || res.Fetched != 0 {
		t.Errorf("as-of sync dropped %d fetched %d, want 0 and 0", res.Dropped, res.Fetched)
	}
	if _, err := os.Stat(filepath.Join(dir, "bookings/dt=2026-01-03/batch-00.parquet")); err != nil {
		t.Errorf("a later partition's copy was touched: %v", err)
	}
	res, err = layout.Sync(context.Background(), root, layout.SyncOptions{Dir: dir})
	if err != nil || res.Dropped != 1 {
		t.Errorf("full sync: dropped %d, %v; want 1", res.Dropped, err)
	}
}

// The cache directory keeps endpoints, buckets and prefixes apart.
func TestCacheDir(t *testing.T) {
	ctx := context.Background()
	s3test.SetEnv(t)
	dirs := map[string]bool{}
	for _, tc := range []struct{ endpoint, bucket, prefix string }{
		{"", "b", ""},
		{"", "b", "p"},
		{"", "c", "p"},
		{"http://127.0.0.1:9000", "b", "p"},
		{"https://127.0.0.1:9000", "b", "p"},
		{"https://acct.r2.cloudflarestorage.com", "b", "p"},
	} {
		r, err := storage.NewS3(ctx, tc.bucket, tc.prefix, storage.S3Options{Endpoint: tc.endpoint})
		if err != nil {
			t.Fatal(err)
		}
		d := layout.CacheDir(r, "/cache")
		if !strings.HasPrefix(d, "/cache/s3/") || dirs[d] {
			t.Errorf("%+v: cache dir %s is not under /cache/s3 or not its own", tc, d)
		}
		dirs[d] = true
	}
}
