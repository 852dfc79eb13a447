package source

import (
	"context"
	"errors"
	"io/fs"
	"os"
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
// does not fail. When a local copy of an S3 object (the cache) cannot be
// read though the sync found it as fetched (a block rotted on disk with
// the file's time kept), the copy is dropped and the whole read runs
// again, once: the sync fetches it anew. An object broken in S3 itself
// fails the second read too, and is named. read must not have written its
// output when it fails.
func Read(ctx context.Context, open func(context.Context) (*queries.DB, error), read func(*queries.DB) error) error {
	var err error
	refetched := false
	for try := 1; try <= ReadTries; {
		err = readOnce(ctx, open, read)
		if err == nil || ctx.Err() != nil {
			return err
		}
		if Vanished(err) {
			try++
			continue
		}
		if !refetched && dropDamagedCopy(err) {
			refetched = true
			continue
		}
		return err
	}
	return err
}

// dropDamagedCopy removes the local copy that err says could not be read,
// and says whether it did.
func dropDamagedCopy(err error) bool {
	var fe *queries.FileReadError
	if !errors.As(err, &fe) || !fe.Copy {
		return false
	}
	rerr := os.Remove(fe.File)
	return rerr == nil || errors.Is(rerr, fs.ErrNotExist)
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
