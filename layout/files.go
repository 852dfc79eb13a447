package layout

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/storage"
)

// File is a booking file of the layout: bookings/dt=YYYY-MM-DD/<name>.parquet.
type File struct {
	storage.Object
	// Day is the dt= partition: the file holds events that occurred on or
	// after it (UTC).
	Day string
	// Until is the last day whose events the file holds: Day for a batch
	// file, which holds one day, and the last day of its inputs for a
	// compacted file.
	Until string
	// Compacted marks a file written by Compact; Rows is then the number
	// of events of its output, read from its name: of the file, or of all
	// the Parts of a group that compaction cut at salons, of which the
	// file is Part (1-based; 0 when it is the output alone).
	Compacted   bool
	Rows        int64
	Part, Parts int
}

// compactedName is the name Compact gives its output: the last day it
// holds, its row count, and a hash of the exact set of inputs, so that two
// runs over the same inputs write the same name; an output cut into files
// of a range of salons each ends in -p<i>of<n>.
var compactedName = regexp.MustCompile(`^compact-to-(\d{4}-\d{2}-\d{2})-n(\d+)-([0-9a-f]{16})(?:-p(\d+)of([1-9]\d*))?\.parquet$`)

var layoutKey = regexp.MustCompile(`^` + booking.Prefix + `/dt=(\d{4}-\d{2}-\d{2})/([^/]+\.parquet)$`)

// parseFile recognizes a key of the layout.
func parseFile(o storage.Object) (File, bool) {
	m := layoutKey.FindStringSubmatch(o.Key)
	if m == nil {
		return File{}, false
	}
	if _, err := time.Parse(time.DateOnly, m[1]); err != nil {
		return File{}, false
	}
	f := File{Object: o, Day: m[1], Until: m[1]}
	if c := compactedName.FindStringSubmatch(m[2]); c != nil && c[1] >= m[1] {
		rows, err := strconv.ParseInt(c[2], 10, 64)
		part, _ := strconv.Atoi(c[4])
		parts, _ := strconv.Atoi(c[5])
		if err == nil && part <= parts && (part > 0) == (parts > 0) {
			f.Compacted, f.Until, f.Rows, f.Part, f.Parts = true, c[1], rows, part, parts
		}
	}
	return f, true
}

// IsCompacted tells whether key is a file that Compact wrote: a file that
// a moves index may cover, and that a report on a few salons may skip.
func IsCompacted(key string) bool {
	f, ok := parseFile(storage.Object{Key: key})
	return ok && f.Compacted
}

// ListFiles lists the booking files of root, sorted by key.
func ListFiles(ctx context.Context, root storage.Root) ([]File, error) {
	objs, err := root.List(ctx, booking.Prefix+"/")
	if err != nil {
		return nil, err
	}
	var out []File
	for _, o := range objs {
		if f, ok := parseFile(o); ok {
			out = append(out, f)
		}
	}
	return out, nil
}

// readObject reads a key, saying plainly when it vanished under us.
func readObject(ctx context.Context, root storage.Root, key string) ([]byte, error) {
	data, err := root.Read(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("%s vanished while it was being read: is another compaction or import running? run again once it is done: %w", root.URI(key), err)
	}
	return data, err
}

// dayAfter is the day after d (YYYY-MM-DD).
func dayAfter(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.AddDate(0, 0, 1).Format(time.DateOnly)
}

// ParseDay checks a YYYY-MM-DD day.
func ParseDay(s string) (string, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return "", fmt.Errorf("invalid day %q: use YYYY-MM-DD", s)
	}
	return t.Format(time.DateOnly), nil
}
