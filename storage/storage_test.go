package storage_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/instudio/instudio-report/layout"
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
	files, err := (&layout.Local{Dir: d}).BookingFiles(ctx)
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
	if files, err := (&layout.Local{Dir: missing}).BookingFiles(ctx); err != nil || len(files) != 0 {
		t.Errorf("missing dir: %v, %v; want none and no error", files, err)
	}
}

// TestOpenRefusesBadURIsAndOpensAPathAsADirectory: an empty source, an S3
// URI without a bucket or with "..", and another scheme are refused; a
// plain path is a directory root.
func TestOpenRefusesBadURIsAndOpensAPathAsADirectory(t *testing.T) {
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

// The source is a literal path: '*', '?' and '[' in it are names. Before,
// it was used as a glob, and a sibling directory's files were read too.
func TestBookingFilesLiteralPath(t *testing.T) {
	ctx := context.Background()
	parent := t.TempDir()
	for _, name := range []string{"data[1]*?", "data1x", "data[1]ab"} {
		d := &storage.Dir{Path: filepath.Join(parent, name)}
		if _, err := d.Create(ctx, "bookings/dt=2026-11-01/"+name+".parquet", []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	d := &storage.Dir{Path: filepath.Join(parent, "data[1]*?")}
	files, err := (&layout.Local{Dir: d}).BookingFiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(parent, "data[1]*?", "bookings", "dt=2026-11-01", "data[1]*?.parquet")
	if len(files) != 1 || files[0] != want {
		t.Errorf("files = %v, want only %s", files, want)
	}
}

// A writer killed mid-write leaves .tmp-<pid>-* behind. The next write into
// that directory removes it, and leaves alone the temporary file of a
// process that still runs (this one).
func TestCreateSweepsStaleTemps(t *testing.T) {
	ctx := context.Background()
	d := &storage.Dir{Path: t.TempDir()}
	dir := filepath.Join(d.Path, "bookings", "dt=2026-11-01")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// 2^22 is above Linux's largest process id (pid_max), so it never runs.
	dead := filepath.Join(dir, ".tmp-4194305-123")
	alive := filepath.Join(dir, fmt.Sprintf(".tmp-%d-456", os.Getpid()))
	for _, p := range []string{dead, alive} {
		if err := os.WriteFile(p, []byte("torn"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Create(ctx, "bookings/dt=2026-11-01/a.parquet", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale %s still there (%v)", dead, err)
	}
	if _, err := os.Stat(alive); err != nil {
		t.Errorf("a running writer's %s was removed: %v", alive, err)
	}
	files, err := (&layout.Local{Dir: d}).BookingFiles(ctx)
	if err != nil || len(files) != 1 {
		t.Errorf("files = %v, %v; want a.parquet only", files, err)
	}
}

// An unreadable directory under bookings/ is an error that names it, not a
// smaller listing. As root every directory is readable, so the check runs
// again as nobody through setpriv.
func TestBookingFilesUnreadableDirectory(t *testing.T) {
	if dir := os.Getenv("STORAGE_TEST_UNREADABLE"); dir != "" {
		checkUnreadable(t, dir)
		return
	}
	parent, err := os.MkdirTemp("", "storage-unreadable-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = os.Chmod(filepath.Join(parent, "data", "bookings", "dt=2026-11-02"), 0o755)
		os.RemoveAll(parent)
	})
	d := &storage.Dir{Path: filepath.Join(parent, "data")}
	for _, key := range []string{"bookings/dt=2026-11-01/a.parquet", "bookings/dt=2026-11-02/b.parquet"} {
		if _, err := d.Create(context.Background(), key, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{parent, filepath.Join(parent, "data"), filepath.Join(parent, "data", "bookings")} {
		if err := os.Chmod(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(parent, "data", "bookings", "dt=2026-11-02"), 0o000); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		checkUnreadable(t, d.Path)
		return
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("running as root and setpriv is missing: `make deps` installs util-linux")
		}
		t.Skip("running as root and setpriv (util-linux) is missing: no unprivileged user to read as")
	}
	// The test binary sits in a directory only root may enter: copy it.
	bin := filepath.Join(parent, "storage.test")
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", bin, "-test.run=^TestBookingFilesUnreadableDirectory$", "-test.v")
	cmd.Env = append(os.Environ(), "STORAGE_TEST_UNREADABLE="+d.Path)
	cmd.Dir = parent
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Errorf("as nobody: %v\n%s", err, out)
	}
}

func checkUnreadable(t *testing.T, path string) {
	d := &storage.Dir{Path: path}
	files, err := (&layout.Local{Dir: d}).BookingFiles(context.Background())
	bad := filepath.Join(path, "bookings", "dt=2026-11-02")
	want := "source " + path + ": list " + bad + ": open " + bad + ": permission denied"
	if err == nil || err.Error() != want {
		t.Errorf("BookingFiles = %v, %v; want the error %q", files, err, want)
	}
}

// A day partition kept elsewhere and linked in is listed like any other;
// a link loop ends. Before, listing did not follow a linked directory's
// files (a report without them).
func TestBookingFilesFollowLinks(t *testing.T) {
	ctx := context.Background()
	elsewhere := &storage.Dir{Path: t.TempDir()}
	if _, err := elsewhere.Create(ctx, "dt=2026-11-02/b.parquet", []byte("x")); err != nil {
		t.Fatal(err)
	}
	d := &storage.Dir{Path: t.TempDir()}
	if _, err := d.Create(ctx, "bookings/dt=2026-11-01/a.parquet", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(elsewhere.Path, "dt=2026-11-02"), filepath.Join(d.Path, "bookings", "dt=2026-11-02")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(d.Path, "bookings"), filepath.Join(d.Path, "bookings", "dt=loop")); err != nil {
		t.Fatal(err)
	}
	files, err := (&layout.Local{Dir: d}).BookingFiles(ctx)
	want := []string{
		filepath.Join(d.Path, "bookings", "dt=2026-11-01", "a.parquet"),
		filepath.Join(d.Path, "bookings", "dt=2026-11-02", "b.parquet"),
	}
	if err != nil || strings.Join(files, " ") != strings.Join(want, " ") {
		t.Errorf("files = %v, %v; want %v", files, err, want)
	}
}
