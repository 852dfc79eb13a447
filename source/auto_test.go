package source

import (
	"fmt"
	"testing"

	"github.com/instudio/instudio-report/storage"
)

// Auto mode counts the batch files, which every report opens, not the
// compacted files, of which a report opens only those of its salons: 100
// files cut at salons and 8 batch files are httpfs's (a cold cache would
// fetch the whole lake), 100 batch files the cache's.
func TestAutoCountsBatchFiles(t *testing.T) {
	cache := t.TempDir()
	var compacted, batch []storage.Object
	for i := range 100 {
		compacted = append(compacted, storage.Object{Key: fmt.Sprintf("bookings/dt=2026-01-01/compact-to-2026-02-01-n1000000-0123456789abcdef-p%03dof100.parquet", i+1), Size: 1 << 20})
		batch = append(batch, storage.Object{Key: fmt.Sprintf("bookings/dt=2026-03-01/batch-%03d.parquet", i), Size: 1 << 10})
	}
	if c := autoChoice(cache, append(compacted, batch[:8]...)); c.mode != ModeHTTPFS || c.batch != 8 {
		t.Errorf("100 compacted files and 8 batch files: auto chose %s (%d batch files), want httpfs", c.mode, c.batch)
	}
	if c := autoChoice(cache, batch); c.mode != ModeCache {
		t.Errorf("100 batch files: auto chose %s, want the cache", c.mode)
	}
}
