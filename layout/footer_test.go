package layout_test

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/instudio/instudio-report/layout"
)

// TestDecodeEventsFooterLongerThanTheFile: a file whose last eight bytes
// claim a footer longer than the file (a few flipped bits in a stray or
// damaged file; the fuzz target found it) is a *FormatError at once. Before
// the check, parquet-go allocated the 2 GiB it claimed before it noticed,
// and a few such files held compaction for minutes.
func TestDecodeEventsFooterLongerThanTheFile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "writers", "duckdb", "bookings", "dt=2026-03-02", "batch-duckdb.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := layout.DecodeEvents("good.parquet", data); err != nil {
		t.Fatalf("the file before the damage: %v", err)
	}
	for _, claim := range []uint32{uint32(len(data)) - 11, 1<<31 - 1, 1<<32 - 1} {
		bad := append([]byte(nil), data...)
		binary.LittleEndian.PutUint32(bad[len(bad)-8:], claim)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := layout.DecodeEvents("bad.parquet", bad)
		runtime.ReadMemStats(&after)
		var fe *layout.FormatError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), "bad.parquet") || !strings.Contains(err.Error(), "footer") {
			t.Errorf("footer of %d bytes in %d: %v, want a *FormatError naming the file and the footer", claim, len(bad), err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
			t.Errorf("footer of %d bytes in %d: decoding allocated %d bytes", claim, len(bad), grew)
		}
	}
}
