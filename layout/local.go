package layout

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/storage"
)

// Local is a local directory read as the booking layout: the source that
// DuckDB reads as it is (queries.Source).
type Local struct {
	*storage.Dir
}

// NewLocal is the layout under the local directory path.
func NewLocal(path string) *Local { return &Local{Dir: &storage.Dir{Path: path}} }

// Pattern is what BookingFiles lists, written as a glob: what a user is
// told when nothing is there. The path itself is never used as a pattern.
func (l *Local) Pattern() string {
	return filepath.Join(l.Path, booking.Prefix, "dt=*", "*.parquet")
}

// BookingFiles lists the booking Parquet files
// (<root>/bookings/dt=*/<name>.parquet), sorted. The root is a literal path:
// '*', '?' and '[' in it are names, not patterns. A missing directory holds
// none; any other error while listing names the path that failed.
func (l *Local) BookingFiles(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	info, err := os.Stat(l.Path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("source %s: %w", l.Path, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("source %s: not a directory", l.Path)
	}
	objs, err := l.List(ctx, booking.Prefix+"/")
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", l.Path, err)
	}
	var files []string
	for _, o := range objs {
		parts := strings.Split(o.Key, "/")
		if len(parts) == 3 && strings.HasPrefix(parts[1], "dt=") && strings.HasSuffix(parts[2], ".parquet") {
			files = append(files, l.URI(o.Key))
		}
	}
	return files, nil
}
