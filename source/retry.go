package source

import (
	"context"
	"errors"
	"io/fs"
	"strings"

	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/storage"
)

// ReadTries is how many times Read lists and reads a source whose inputs
// vanish under it. Each try lists afresh; a compaction deletes its inputs
// only after its output exists (the storage rule), so a new listing finds
// the same events, and only another compaction finishing in between makes
// a try fail again.
const ReadTries = 3

// Read opens the source (open lists it and attaches its files) and runs
// read on it. When a file listed is gone by the time it is read (a
// compaction replaced it), it lists again and reruns, up to ReadTries
// times in all: a report beside a compaction gives the same numbers and
// does not fail. read must not have written its output when it fails.
func Read(ctx context.Context, open func(context.Context) (*queries.DB, error), read func(*queries.DB) error) error {
	var err error
	for try := 1; try <= ReadTries; try++ {
		err = readOnce(ctx, open, read)
		if err == nil || !Vanished(err) || ctx.Err() != nil {
			return err
		}
	}
	return err
}

func readOnce(ctx context.Context, open func(context.Context) (*queries.DB, error), read func(*queries.DB) error) error {
	db, err := open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return read(db)
}

// Vanished says whether err is a read of a listed file that is no longer
// there: DuckDB's "No such file or directory" for a local file or a cache
// file, a 404 of httpfs, or the storage's ErrNotFound while the cache
// syncs.
func Vanished(err error) bool {
	if errors.Is(err, storage.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"No such file or directory", "no such file or directory", "HTTP 404", "404 (Not Found)", "No files found that match the pattern"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
