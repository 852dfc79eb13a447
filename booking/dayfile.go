package booking

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
)

// DayFile is one booking file of one partition day, before it is written:
// ingest's batch files, import-legacy's files and compaction's outputs are
// all written by its Write ("sort, hash name, encode, create"), so they
// share one sort, one naming scheme and one encoding.
type DayFile struct {
	// Prefix is the key prefix of the layout; "" is Prefix.
	Prefix string
	// Day is the dt= partition the file goes in.
	Day string
	// Label starts the file's name; the hash of Hashed follows it, then
	// Suffix.
	Label, Suffix string
	// Hashed are the lines whose SHA-256 names the file, each hashed with
	// a newline after it: what makes a retry of the same work find the
	// same key (ingest: the event ids; legacy and compaction: the input
	// keys and sizes).
	Hashed []string
	// HashLen is how many hex digits of the hash the name keeps.
	HashLen int
	// Parts are the events, in the order read: one slice per input file,
	// or one for all. They are not modified.
	Parts [][]Event
	// Order says how events that tie on (salon_id, booking_id,
	// occurred_at) are ordered.
	Order Order
	// RowGroupRows caps a row group; 0 leaves the encoder's default.
	RowGroupRows int64
	// SalonRowGroups, when positive, also closes a row group where the
	// salon changes once it holds at least this many events, so that a
	// salon's rows share row groups with as few other salons as that
	// allows (both orders sort by salon first).
	SalonRowGroups int64
	// Metadata is key-value metadata of the file (name, value).
	Metadata [][2]string

	// sorted, when set (SplitAtSalons), is the file's events already in
	// f.Order: a part of a larger sorted run.
	sorted []ref
}

// Order is how a DayFile sorts its events. Both orders sort by
// (salon_id, booking_id, occurred_at), the order compacted files hold, so a
// salon's rows sit together; they differ in what breaks ties.
type Order int

const (
	// ByEventID sorts each event under its own key, then by event_id,
	// then in the order read: the file is the same whatever order a batch
	// was delivered in (ingest).
	ByEventID Order = iota
	// CopiesTogether keeps the copies of one event_id together, in the
	// order read, under the first copy's place, and other ties in the
	// order read: readers that break ties between copies by their
	// position then pick the same copy as they did across the input files
	// (compaction, import-legacy).
	CopiesTogether
)

// Name is the file's name without its extension.
func (f *DayFile) Name() string {
	h := sha256.New()
	for _, l := range f.Hashed {
		io.WriteString(h, l)
		io.WriteString(h, "\n")
	}
	return f.Label + hex.EncodeToString(h.Sum(nil))[:f.HashLen] + f.Suffix
}

// Key is the file's storage key: <prefix>/dt=<day>/<name>.parquet.
func (f *DayFile) Key() string {
	prefix := strings.Trim(cmp.Or(f.Prefix, Prefix), "/")
	return path.Join(prefix, "dt="+f.Day, f.Name()+".parquet")
}

// Rows is how many events the file holds.
func (f *DayFile) Rows() int {
	if f.sorted != nil {
		return len(f.sorted)
	}
	n := 0
	for _, p := range f.Parts {
		n += len(p)
	}
	return n
}

// Encode returns the file's Parquet bytes: the events sorted by f.Order,
// with the columns of docs/design.md, zstd. Times are truncated to
// microseconds, the unit stored.
func (f *DayFile) Encode() ([]byte, error) {
	opts := []parquet.WriterOption{parquet.Compression(&parquet.Zstd)}
	if f.RowGroupRows > 0 {
		opts = append(opts, parquet.MaxRowsPerRowGroup(f.RowGroupRows))
	}
	for _, kv := range f.Metadata {
		opts = append(opts, parquet.KeyValueMetadata(kv[0], kv[1]))
	}
	refs := f.sorted
	if refs == nil {
		refs = sortedRefs(f.Parts, f.Order)
	}
	var buf bytes.Buffer
	if err := writeRefs(&buf, f.Parts, refs, f.SalonRowGroups, opts...); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// SplitAtSalons sorts the file's events once and cuts them, where the salon
// changes, into about rows/minRows files of at least minRows events each,
// so that each file holds a range of salons: a report on one salon then
// reads one of them rather than the footers and row groups of all (the
// files a reader may skip are told by the moves index, layout/moves.go).
// Fewer than 2*minRows events, or minRows <= 0, give f alone. A cut falls
// only between two salons, never between the copies of one event (which
// sit together in both orders), and leaves the last file at least half
// the others' size. Each file keeps f's day, label, hash lines and
// metadata; its Suffix ends in PartSuffix(i, n), and (name, value) pairs from meta,
// called with the file's position, are added to its metadata.
func (f *DayFile) SplitAtSalons(minRows int64, meta func(i, n int) [][2]string) []*DayFile {
	rows := int64(f.Rows())
	if minRows <= 0 || rows < 2*minRows {
		return []*DayFile{f}
	}
	refs := sortedRefs(f.Parts, f.Order)
	n := rows / minRows
	target := (rows + n - 1) / n
	at := func(i int) *Event { return &f.Parts[refs[i].part][refs[i].row] }
	var cuts []int // the first index of every file but the first
	start := 0
	for i := 1; i < len(refs); i++ {
		if int64(i-start) < target || int64(len(refs)-i) < target/2 {
			continue
		}
		if a, b := at(i-1), at(i); a.SalonID != b.SalonID && a.EventID != b.EventID {
			cuts = append(cuts, i)
			start = i
		}
	}
	if len(cuts) == 0 {
		return []*DayFile{f}
	}
	bounds := append(append([]int{0}, cuts...), len(refs))
	out := make([]*DayFile, len(bounds)-1)
	for i := range out {
		p := *f
		p.sorted = refs[bounds[i]:bounds[i+1]]
		p.Suffix = f.Suffix + PartSuffix(i+1, len(out))
		if meta != nil {
			p.Metadata = append(slices.Clip(f.Metadata), meta(i+1, len(out))...)
		}
		out[i] = &p
	}
	return out
}

// PartSuffix ends the name of file i (1-based) of n that SplitAtSalons
// cut: "-p<i>of<n>", i padded with zeros to n's width so that the files
// sort in their order.
func PartSuffix(i, n int) string {
	return fmt.Sprintf("-p%0*dof%d", len(strconv.Itoa(n)), i, n)
}

// writeRefs encodes the events refs point at, in that order. With
// salonGroups > 0, a row group also closes where the salon changes once it
// holds at least salonGroups events.
func writeRefs(w io.Writer, parts [][]Event, refs []ref, salonGroups int64, opts ...parquet.WriterOption) error {
	pw := parquet.NewGenericWriter[Event](w, opts...)
	// In chunks: a compaction of millions of rows must not copy them all.
	chunk := make([]Event, 0, min(8192, len(refs)))
	write := func() error {
		if _, err := pw.Write(chunk); err != nil {
			return fmt.Errorf("encode parquet: %w", err)
		}
		chunk = chunk[:0]
		return nil
	}
	var inGroup int64 // events since the last row group this loop closed
	for i, r := range refs {
		e := &parts[r.part][r.row]
		if salonGroups > 0 && i > 0 && inGroup >= salonGroups && e.SalonID != parts[refs[i-1].part][refs[i-1].row].SalonID {
			if err := write(); err != nil {
				return err
			}
			if err := pw.Flush(); err != nil {
				return fmt.Errorf("encode parquet: %w", err)
			}
			inGroup = 0
		}
		chunk = append(chunk, stored(*e))
		inGroup++
		if len(chunk) == cap(chunk) {
			if err := write(); err != nil {
				return err
			}
		}
	}
	if err := write(); err != nil {
		return err
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("encode parquet: %w", err)
	}
	return nil
}

// CreateFunc creates key with data unless the key exists, and reports
// whether it did (storage.Root's Create).
type CreateFunc func(ctx context.Context, key string, data []byte) (created bool, err error)

// Write encodes the file and creates it with create. It returns the key,
// whether the file was created (false: it was there already) and its
// size. An encoding error names the key; create's error is returned as
// it is.
func (f *DayFile) Write(ctx context.Context, create CreateFunc) (key string, created bool, size int, err error) {
	key = f.Key()
	data, err := f.Encode()
	if err != nil {
		return key, false, 0, fmt.Errorf("%s: %w", key, err)
	}
	created, err = create(ctx, key, data)
	return key, created, len(data), err
}

// stored is e as the layout stores it: times in microseconds, the
// instants in UTC.
func stored(e Event) Event {
	e.OccurredAt = e.OccurredAt.UTC().Truncate(time.Microsecond)
	e.IngestedAt = e.IngestedAt.UTC().Truncate(time.Microsecond)
	e.BookingDate = e.BookingDate.Truncate(time.Microsecond)
	return e
}

// Sorted returns events in the order a DayFile of them holds.
func Sorted(events []Event, order Order) []Event {
	parts := [][]Event{events}
	out := make([]Event, 0, len(events))
	for _, r := range sortedRefs(parts, order) {
		out = append(out, parts[r.part][r.row])
	}
	return out
}

// ref is one event of a DayFile: its part and row.
type ref struct{ part, row int32 }

// sortedRefs orders the events of parts by order.
func sortedRefs(parts [][]Event, order Order) []ref {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	refs := make([]ref, 0, n)
	for pi, p := range parts {
		for ri := range p {
			refs = append(refs, ref{int32(pi), int32(ri)})
		}
	}
	if order == ByEventID {
		slices.SortStableFunc(refs, func(x, y ref) int {
			a, b := &parts[x.part][x.row], &parts[y.part][y.row]
			return cmp.Or(cmp.Compare(a.SalonID, b.SalonID), cmp.Compare(a.BookingID, b.BookingID),
				a.OccurredAt.Compare(b.OccurredAt), strings.Compare(a.EventID, b.EventID))
		})
		return refs
	}
	anchor := make([]int32, n) // index into refs of the first copy
	first := make(map[string]int32, n)
	for i, r := range refs {
		id := parts[r.part][r.row].EventID
		a, ok := first[id]
		if !ok {
			a = int32(i)
			first[id] = a
		}
		anchor[i] = a
	}
	first = nil
	// Sort flat keys rather than chasing the events: cache-friendly.
	type sortKey struct {
		salon, booking, occurred int64
		anchor, i                int32
	}
	keys := make([]sortKey, n)
	for i := range keys {
		a := refs[anchor[i]]
		e := &parts[a.part][a.row]
		keys[i] = sortKey{e.SalonID, e.BookingID, e.OccurredAt.UnixMicro(), anchor[i], int32(i)}
	}
	anchor = nil
	slices.SortFunc(keys, func(x, y sortKey) int {
		switch {
		case x.salon != y.salon:
			return cmp.Compare(x.salon, y.salon)
		case x.booking != y.booking:
			return cmp.Compare(x.booking, y.booking)
		case x.occurred != y.occurred:
			return cmp.Compare(x.occurred, y.occurred)
		case x.anchor != y.anchor:
			return cmp.Compare(x.anchor, y.anchor)
		}
		return cmp.Compare(x.i, y.i)
	})
	out := make([]ref, n)
	for i, k := range keys {
		out[i] = refs[k.i]
	}
	return out
}
