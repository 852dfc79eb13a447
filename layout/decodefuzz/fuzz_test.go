package decodefuzz

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/instudio/instudio-report/layout"
)

// FuzzDecodeEvents: whatever the bytes, DecodeEvents returns events or an
// error, never panics, and an error that is not a *FormatError names the
// file. Compaction and the legacy import leave a file alone on a
// *FormatError, so a stray file must never crash them.
func FuzzDecodeEvents(f *testing.F) {
	seeds := 0
	err := filepath.WalkDir(filepath.Join("..", "testdata", "writers"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "node_modules" {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".parquet") {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			f.Add(data)
			seeds++
		}
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	if seeds < 24 {
		f.Fatalf("%d seed files, want the corpus's 24 (6 writers × 4 files)", seeds)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := layout.DecodeEvents("fuzz.parquet", data)
		var fe *layout.FormatError
		if err != nil && !errors.As(err, &fe) && !strings.Contains(err.Error(), "fuzz.parquet") {
			t.Errorf("error does not name the file: %v", err)
		}
	})
}
