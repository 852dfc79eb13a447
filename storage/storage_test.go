package storage_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/instudio/instudio-report/storage"
)

func TestCreateNeverOverwrites(t *testing.T) {
	ctx := context.Background()
	d := &storage.Dir{Path: t.TempDir()}
	key := "bookings/dt=2026-11-27/batch-1.parquet"
	// Writers racing on the same batch: exactly one writes.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wrote := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := d.Create(ctx, key, []byte{byte('a' + i)})
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				wrote++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wrote != 1 {
		t.Errorf("%d writers wrote, want 1", wrote)
	}
	data, err := os.ReadFile(filepath.Join(d.Path, key))
	if err != nil || len(data) != 1 {
		t.Fatalf("file = %q, %v", data, err)
	}
	ok, err := d.Create(ctx, key, []byte("again"))
	if ok || err != nil {
		t.Errorf("second create = %v, %v; want false, nil", ok, err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(d.Path, "bookings", "dt=2026-11-27", ".tmp-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	info, _ := os.Stat(filepath.Join(d.Path, key))
	if info.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, want 0644", info.Mode().Perm())
	}
}

func TestBookingFiles(t *testing.T) {
	ctx := context.Background()
	d := &storage.Dir{Path: t.TempDir()}
	for _, key := range []string{
		"bookings/dt=2026-11-02/b.parquet",
		"bookings/dt=2026-11-01/a.parquet",
		"bookings/dt=2026-11-01/notes.txt",
		"bookings-rejected/dt=2026-11-01/x.parquet",
		"2024-10-06T20-00-00_0b1f.parquet", // a legacy file at the root
	} {
		if _, err := d.Create(ctx, key, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	files, err := d.BookingFiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		filepath.Join(d.Path, "bookings/dt=2026-11-01/a.parquet"),
		filepath.Join(d.Path, "bookings/dt=2026-11-02/b.parquet"),
	}
	if strings.Join(files, "\n") != strings.Join(want, "\n") {
		t.Errorf("files = %v, want %v", files, want)
	}
	missing := &storage.Dir{Path: filepath.Join(d.Path, "nope")}
	if files, err := missing.BookingFiles(ctx); err != nil || len(files) != 0 {
		t.Errorf("missing dir: %v, %v; want none and no error", files, err)
	}
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	for _, bad := range []string{"", "s3://", "s3:///prefix", "s3://b/a/../c", "gs://bucket/x"} {
		if _, err := storage.Open(ctx, bad, storage.S3Options{}); err == nil {
			t.Errorf("Open(%q) accepted", bad)
		}
	}
	d, err := storage.Open(ctx, "./data", storage.S3Options{})
	if err != nil || d.String() != "./data" {
		t.Errorf("Open(./data) = %v, %v", d, err)
	}
	if _, ok := d.(*storage.Dir); !ok {
		t.Errorf("Open(./data) is a %T, want a directory", d)
	}
}

func TestParseS3URI(t *testing.T) {
	for _, tc := range []struct{ uri, bucket, prefix string }{
		{"s3://b", "b", ""},
		{"s3://b/", "b", ""},
		{"s3://b/p", "b", "p"},
		{"s3://b/p/q/", "b", "p/q"},
	} {
		bucket, prefix, ok, err := storage.ParseS3URI(tc.uri)
		if !ok || err != nil || bucket != tc.bucket || prefix != tc.prefix {
			t.Errorf("ParseS3URI(%q) = %q, %q, %v, %v; want %q, %q", tc.uri, bucket, prefix, ok, err, tc.bucket, tc.prefix)
		}
	}
	if _, _, ok, _ := storage.ParseS3URI("./data"); ok {
		t.Error("a directory parsed as an s3 URL")
	}
}

func TestDirListReadDelete(t *testing.T) {
	ctx := context.Background()
	d := &storage.Dir{Path: t.TempDir()}
	for _, key := range []string{"bookings/dt=2026-11-02/b.parquet", "bookings/dt=2026-11-01/a.parquet", "bookings-rejected/x.jsonl", "legacy.parquet"} {
		if _, err := d.Create(ctx, key, []byte(key)); err != nil {
			t.Fatal(err)
		}
	}
	// A writer killed mid-write leaves a temporary file; it is never listed.
	if err := os.WriteFile(filepath.Join(d.Path, "bookings", "dt=2026-11-01", ".tmp-123"), []byte("torn"), 0o644); err != nil {
		t.Fatal(err)
	}
	objs, err := d.List(ctx, "bookings/")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range objs {
		keys = append(keys, o.Key)
	}
	want := "bookings/dt=2026-11-01/a.parquet bookings/dt=2026-11-02/b.parquet"
	if got := strings.Join(keys, " "); got != want {
		t.Errorf("List(bookings/) = %s, want %s", got, want)
	}
	if objs[0].Size != int64(len("bookings/dt=2026-11-01/a.parquet")) {
		t.Errorf("size %d", objs[0].Size)
	}
	all, err := d.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 4 {
		t.Errorf("List(\"\") gave %d objects, want 4", len(all))
	}
	data, err := d.Read(ctx, "legacy.parquet")
	if err != nil || string(data) != "legacy.parquet" {
		t.Errorf("Read = %q, %v", data, err)
	}
	if err := d.Delete(ctx, "legacy.parquet"); err != nil {
		t.Fatal(err)
	}
	if err := d.Delete(ctx, "legacy.parquet"); err != nil {
		t.Errorf("second delete: %v", err)
	}
	if _, err := d.Read(ctx, "legacy.parquet"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("read after delete: %v", err)
	}
	missing := &storage.Dir{Path: filepath.Join(d.Path, "nope")}
	if objs, err := missing.List(ctx, "bookings/"); err != nil || len(objs) != 0 {
		t.Errorf("missing dir: %v %v", objs, err)
	}
}
