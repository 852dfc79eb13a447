package booking

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// Prefix is the key prefix, under a storage root, that holds booking events.
const Prefix = "bookings"

// MovesIndexPrefix starts the keys of the moves indexes that compaction
// writes beside the partitions (layout/moves.go): bookings/_moves-<hash>.json.
// It sorts before the dt= partitions and names no booking file.
const MovesIndexPrefix = Prefix + "/_moves-"

// RejectedPrefix holds the raw records that failed validation, with reasons.
const RejectedPrefix = "bookings-rejected"

// Key is the storage key of one batch file of one day:
// bookings/dt=YYYY-MM-DD/<name>.parquet.
func Key(day, name string) string {
	return path.Join(Prefix, "dt="+day, name+".parquet")
}

// DayOfKey returns the dt= day of a key written by Key, or "" when the key
// is not in the layout.
func DayOfKey(key string) string {
	for _, part := range strings.Split(key, "/") {
		if day, ok := strings.CutPrefix(part, "dt="); ok {
			return day
		}
	}
	return ""
}

// SplitByDay groups events by their partition day, in day order; events keep
// their relative order within a day.
func SplitByDay(events []Event) []DayBatch {
	byDay := map[string][]Event{}
	for _, e := range events {
		byDay[e.Day()] = append(byDay[e.Day()], e)
	}
	days := make([]string, 0, len(byDay))
	for d := range byDay {
		days = append(days, d)
	}
	slices.Sort(days)
	out := make([]DayBatch, len(days))
	for i, d := range days {
		out[i] = DayBatch{Day: d, Events: byDay[d]}
	}
	return out
}

// DayBatch is the events of one partition day.
type DayBatch struct {
	Day    string
	Events []Event
}

// WriteParquet encodes events, in their order, as one zstd-compressed
// Parquet file with the columns of docs/design.md. Times are truncated to
// microseconds, the unit stored. Files of the layout are written by
// DayFile, which sorts and names them.
func WriteParquet(w io.Writer, events []Event) error {
	refs := make([]ref, len(events))
	for i := range refs {
		refs[i] = ref{0, int32(i)}
	}
	return writeRefs(w, [][]Event{events}, refs, 0, parquet.Compression(&parquet.Zstd))
}

// EncodeParquet returns the Parquet bytes of events.
func EncodeParquet(events []Event) ([]byte, error) {
	var buf bytes.Buffer
	if err := WriteParquet(&buf, events); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ReadParquet decodes a file written by WriteParquet. It is for tests and
// tools; the report reads through DuckDB.
func ReadParquet(r io.ReaderAt, size int64) ([]Event, error) {
	out, err := parquet.Read[Event](r, size)
	if err != nil {
		return nil, fmt.Errorf("decode parquet: %w", err)
	}
	for i := range out {
		out[i].OccurredAt = out[i].OccurredAt.UTC()
		out[i].IngestedAt = out[i].IngestedAt.UTC()
		out[i].BookingDate = WallClock(out[i].BookingDate)
	}
	return out, nil
}
