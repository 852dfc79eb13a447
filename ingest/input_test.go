package ingest_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/instudio/instudio-report/ingest"
)

// "-" is stdin, named so in positions; any other input is the file at that
// path, named by it; a missing file is an error.
func TestOpenInput(t *testing.T) {
	r, name, done, err := ingest.OpenInput("-", strings.NewReader("from stdin\n"))
	if err != nil || name != "stdin" {
		t.Fatalf("-: name %q, err %v", name, err)
	}
	if b, _ := io.ReadAll(r); string(b) != "from stdin\n" {
		t.Errorf("-: read %q", b)
	}
	done()

	path := filepath.Join(t.TempDir(), "events.jsonl")
	if err := os.WriteFile(path, []byte("from the file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, name, done, err = ingest.OpenInput(path, strings.NewReader("from stdin\n"))
	if err != nil || name != path {
		t.Fatalf("file: name %q, err %v", name, err)
	}
	if b, _ := io.ReadAll(r); string(b) != "from the file\n" {
		t.Errorf("file: read %q", b)
	}
	done()
	if _, err := r.Read(make([]byte, 1)); err == nil {
		t.Error("file still open after done")
	}

	if _, _, _, err := ingest.OpenInput(filepath.Join(t.TempDir(), "missing"), nil); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: err = %v", err)
	}
}
