// Package storage owns the roots that hold the booking layout
// (<root>/bookings/dt=YYYY-MM-DD/*.parquet): listing what a reader should
// scan and writing immutable batch files. Today that is a local directory;
// an S3 root offers the same methods (BookingFiles for queries.Source,
// Create for writers).
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

	"github.com/instudio/instudio-report/booking"
)

// Open resolves a --source or --dest value: a directory, or an s3:// URL.
func Open(uri string) (*Dir, error) {
	if uri == "" {
		return nil, errors.New("empty source: give a directory or s3://bucket/prefix")
	}
	if strings.HasPrefix(uri, "s3://") {
		return nil, fmt.Errorf("source %s: s3 sources are not available in this build yet; sync the bucket to a directory and pass that", uri)
	}
	return &Dir{Path: uri}, nil
}

// Dir is a local directory root.
type Dir struct {
	Path string
}

func (d *Dir) String() string { return d.Path }

// Pattern is the glob that BookingFiles matches: what a user is told when
// nothing is there.
func (d *Dir) Pattern() string {
	return filepath.Join(d.Path, booking.Prefix, "dt=*", "*.parquet")
}

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

// Create writes data at key unless an object is already there, the local
// form of S3's If-None-Match: *, and reports whether it wrote. The data goes to a temporary file that is then
// hard-linked into place: the link fails if the key exists, so two writers
// of the same batch never leave a torn or doubled file.
func (d *Dir) Create(ctx context.Context, key string, data []byte) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	final := filepath.Join(d.Path, filepath.FromSlash(key))
	if _, err := os.Stat(final); err == nil {
		return false, nil
	}
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, fmt.Errorf("write %s: %w", final, err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
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
