package storage_test

import (
	"context"
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
	if _, err := storage.Open(""); err == nil {
		t.Error("empty source accepted")
	}
	if _, err := storage.Open("s3://bucket/prefix"); err == nil || !strings.Contains(err.Error(), "s3://bucket/prefix") {
		t.Errorf("s3 source: %v", err)
	}
	d, err := storage.Open("./data")
	if err != nil || d.String() != "./data" {
		t.Errorf("Open(./data) = %v, %v", d, err)
	}
}
