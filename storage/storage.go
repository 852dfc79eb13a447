// Package storage owns the roots that hold the booking layout
// (<root>/bookings/dt=YYYY-MM-DD/*.parquet): listing what a reader should
// scan, reading objects, and writing immutable batch files create-if-absent.
// A root is a local directory (Dir) or an S3 prefix; both offer Root, so the
// ingest pipeline, compaction and the legacy import run on either.
//
// It is pure Go (no cgo): the ingest Lambda links it.
package storage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/instudio/instudio-report/booking"
)

// Root is a storage root: a local directory or an s3://bucket/prefix. Keys
// are slash-separated and relative to the root ("bookings/dt=…/x.parquet").
type Root interface {
	// String names the root as the user gave it ("./data", "s3://b/p").
	String() string
	// URI names one key of the root for messages ("./data/bookings/…",
	// "s3://b/p/bookings/…").
	URI(key string) string
	// List returns the objects whose keys start with prefix, sorted by key.
	// Temporary files of writers are never listed. Any error while listing
	// is returned, naming the place that failed.
	List(ctx context.Context, prefix string) ([]Object, error)
	// Read returns the whole object at key.
	Read(ctx context.Context, key string) ([]byte, error)
	// Create writes data at key unless an object is already there (S3's
	// If-None-Match: *) and reports whether it wrote. A reader never sees a
	// partial object.
	Create(ctx context.Context, key string, data []byte) (bool, error)
	// Delete removes the object at key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// Object is one listed object of a root.
type Object struct {
	Key     string // relative to the root, slash-separated
	Size    int64
	ETag    string // S3's ETag; empty for a local file
	ModTime time.Time
}

// ErrNotFound is returned (wrapped) by Read for a missing key.
var ErrNotFound = fs.ErrNotExist

// Dir is a local directory root.
type Dir struct {
	Path string
}

var _ Root = (*Dir)(nil)

func (d *Dir) String() string { return d.Path }

// URI is the local path of key.
func (d *Dir) URI(key string) string { return filepath.Join(d.Path, filepath.FromSlash(key)) }

// Pattern is the glob that BookingFiles matches: what a user is told when
// nothing is there.
func (d *Dir) Pattern() string {
	return filepath.Join(d.Path, booking.Prefix, "dt=*", "*.parquet")
}

// tempPrefix starts the names of the temporary files that writers rename
// or link into place; listings skip them.
const tempPrefix = ".tmp-"

// BookingFiles lists the booking Parquet files, sorted; a missing
// directory holds none.
func (d *Dir) BookingFiles(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	info, err := os.Stat(d.Path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("source %s: %w", d.Path, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("source %s: not a directory", d.Path)
	}
	files, err := filepath.Glob(d.Pattern())
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", d.Path, err)
	}
	slices.Sort(files)
	return files, nil
}

// List walks the directory under prefix. A missing directory lists nothing.
func (d *Dir) List(ctx context.Context, prefix string) ([]Object, error) {
	// The walk starts at the deepest directory that the prefix names whole,
	// and keeps the keys that start with the prefix.
	start := prefix
	if i := strings.LastIndexByte(start, '/'); i >= 0 {
		start = start[:i]
	} else {
		start = ""
	}
	base := d.URI(start)
	var out []Object
	err := filepath.WalkDir(base, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == base {
				return fs.SkipAll
			}
			return fmt.Errorf("list %s: %w", path, err)
		}
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if e.IsDir() || strings.HasPrefix(e.Name(), tempPrefix) {
			return nil
		}
		rel, err := filepath.Rel(d.Path, path)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return fmt.Errorf("list %s: %w", path, err)
		}
		out = append(out, Object{Key: key, Size: info.Size(), ModTime: info.ModTime()})
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Object) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// Read returns the file at key.
func (d *Dir) Read(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(d.URI(key))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", d.URI(key), err)
	}
	return data, nil
}

// Delete removes the file at key.
func (d *Dir) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Remove(d.URI(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", d.URI(key), err)
	}
	return nil
}

// Create writes data at key unless an object is already there, the local
// form of S3's If-None-Match: *, and reports whether it wrote. The data goes
// to a temporary file that is then hard-linked into place: the link fails if
// the key exists, so two writers of the same batch never leave a torn or
// doubled file.
func (d *Dir) Create(ctx context.Context, key string, data []byte) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	final := d.URI(key)
	if _, err := os.Stat(final); err == nil {
		return false, nil
	}
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, fmt.Errorf("write %s: %w", final, err)
	}
	tmp, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return false, fmt.Errorf("write %s: %w", final, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return false, fmt.Errorf("write %s: %w", final, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return false, fmt.Errorf("write %s: %w", final, err)
	}
	if err := tmp.Close(); err != nil {
		return false, fmt.Errorf("write %s: %w", final, err)
	}
	if err := os.Link(tmp.Name(), final); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		return false, fmt.Errorf("write %s: %w", final, err)
	}
	return true, nil
}
