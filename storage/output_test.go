package storage_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/instudio/instudio-report/storage"
)

// Output goes to stdout for "" and "-", else replaces the file, and is not
// written at all once the run is cancelled.
func TestWriteOutput(t *testing.T) {
	ctx := context.Background()
	for _, path := range []string{"", "-"} {
		var stdout bytes.Buffer
		if err := storage.WriteOutput(ctx, &stdout, path, []byte("report\n")); err != nil || stdout.String() != "report\n" {
			t.Errorf("%q: stdout %q, err %v", path, stdout.String(), err)
		}
	}
	file := filepath.Join(t.TempDir(), "r.csv")
	if err := os.WriteFile(file, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	if err := storage.WriteOutput(ctx, &stdout, file, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(file)
	if st, _ := os.Stat(file); string(got) != "new\n" || stdout.Len() != 0 || st.Mode().Perm() != 0o600 {
		t.Errorf("file: %q (mode %v), stdout %q; want new, mode 0600 kept, nothing on stdout", got, st.Mode().Perm(), stdout.String())
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := storage.WriteOutput(cancelled, &stdout, "", []byte("late\n")); !errors.Is(err, context.Canceled) || stdout.Len() != 0 {
		t.Errorf("cancelled, stdout: err %v, wrote %q", err, stdout.String())
	}
	if err := storage.WriteOutput(cancelled, &stdout, file, []byte("late\n")); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled, file: err %v", err)
	}
	if got, _ := os.ReadFile(file); string(got) != "new\n" {
		t.Errorf("cancelled run changed the file: %q", got)
	}
}
