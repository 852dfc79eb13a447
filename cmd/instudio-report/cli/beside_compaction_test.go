package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/storage"
	"github.com/instudio/instudio-report/storage/s3test"
)

// copyDir copies a source directory (a demo's) for one round.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// compactBeside starts a compaction of root (the default: every day before
// yesterday) and returns the channel of its error.
func compactBeside(root storage.Root) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := layout.Compact(context.Background(), root, layout.CompactOptions{Before: layout.DefaultBefore(fixedNow)})
		done <- err
	}()
	return done
}

// A report run while compact deletes the files it listed succeeds with the
// same numbers (issue 19, item 10): it lists again and reruns. Many rounds,
// each a fresh copy of ~150 batch files that a compaction replaces while
// the report reads them.
func TestReportBesideCompactionLocal(t *testing.T) {
	demo := t.TempDir()
	if res := run(t, runOpts{}, append([]string{"demo", "--dest", demo}, s3DemoArgs...)...); res.code != 0 {
		t.Fatalf("demo: %s", res.stderr)
	}
	want := run(t, runOpts{}, append([]string{"--source", demo}, salonArgs...)...)
	if want.code != 0 {
		t.Fatalf("salon: %s", want.stderr)
	}
	for round := 1; round <= 30; round++ {
		dir := copyDir(t, demo)
		done := compactBeside(&storage.Dir{Path: dir})
		got := run(t, runOpts{}, append([]string{"--source", dir}, salonArgs...)...)
		if err := <-done; err != nil {
			t.Fatalf("round %d: compact: %v", round, err)
		}
		if got.code != 0 || got.stdout != want.stdout {
			t.Fatalf("round %d: report beside a compaction: exit %d\n%s", round, got.code, got.stderr)
		}
	}
}

// The same on versitygw, in cache mode: the sync lists, then fetches, and
// compaction deletes objects in between.
func TestReportBesideCompactionS3(t *testing.T) {
	f := newS3Fixture(t, s3test.Faults{})
	want := run(t, runOpts{}, append([]string{"--source", f.local}, salonArgs...)...)
	if want.code != 0 {
		t.Fatalf("salon: %s", want.stderr)
	}
	for round := 1; round <= 10; round++ {
		prefix := fmt.Sprintf("round-%d", round)
		f.srv.Upload(t, f.local, f.bucket, prefix)
		done := compactBeside(f.srv.Root(t, f.bucket, prefix))
		env := map[string]string{}
		for k, v := range f.env {
			env[k] = v
		}
		got := run(t, runOpts{env: env}, append([]string{"--source", "s3://" + f.bucket + "/" + prefix}, salonArgs...)...)
		if err := <-done; err != nil {
			t.Fatalf("round %d: compact: %v", round, err)
		}
		if got.code != 0 || got.stdout != want.stdout {
			t.Fatalf("round %d: report beside a compaction on S3: exit %d\n%s", round, got.code, got.stderr)
		}
	}
}
