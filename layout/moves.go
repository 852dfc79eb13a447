package layout

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/storage"
)

// The moves index: a booking that changes salon is rare, yet a report on
// one salon must read every row of its bookings, also those at the salons
// a booking was at before or after. Without help that takes booking_id and
// salon_id of every row of the source (the whole lake, for one salon).
// Compaction therefore records, in a small JSON object under the root, the
// bookings that have rows at more than one salon among the compacted files,
// and names the files it read them from. A reader trusts it only for the
// files it names with their size (keys are create-if-absent, and a
// compacted file's name hashes its inputs, so a key of the same size is the
// same file), and scans every other file as before: a missing, stale or
// partial index costs a scan, never a wrong number.
//
// Compaction writes the index, not ingest: ingest writes one small batch at
// a time and cannot tell a move without reading what came before, while
// compaction already reads the days it merges and runs once a day. The
// index covers the compacted files only; the batch files of recent days are
// few and small, and a report scans them.

// movesPrefix starts the keys of moves indexes. It sorts before the dt=
// partitions and matches no booking file, so readers of the layout never
// take it for one.
const movesPrefix = booking.MovesIndexPrefix

// MovesIndex is the content of a moves index object.
type MovesIndex struct {
	Version int `json:"version"`
	// Files are the files the moves were read from, by key and size.
	Files []IndexedFile `json:"files"`
	// Moves are the bookings with rows at more than one salon among
	// Files, by booking id, each with those salons in ascending order.
	Moves []Move `json:"moves"`
}

// IndexedFile is one file a moves index covers, with the smallest and
// largest salon_id and booking_id of its rows: a report on a few salons
// skips the files whose salon range holds none of them (compaction cuts
// its outputs at salons for this), and the check for moves into those
// salons skips the files whose booking range holds none of its bookings.
type IndexedFile struct {
	Key        string `json:"key"`
	Size       int64  `json:"size"`
	SalonMin   int64  `json:"salon_min"`
	SalonMax   int64  `json:"salon_max"`
	BookingMin int64  `json:"booking_min"`
	BookingMax int64  `json:"booking_max"`
}

// Move is a booking seen at more than one salon.
type Move struct {
	BookingID int64   `json:"booking_id"`
	Salons    []int64 `json:"salons"`
}

// movesVersion 2 added the files' ranges. A reader still uses an index of
// version 1 (written before) for the moves, without ranges: every file it
// covers is opened, as before, until the next compaction writes version 2
// beside it. Any other version is passed over (a scan).
const movesVersion = 2

// HasRanges tells whether the index records its files' salon and booking
// ranges (version 2 on): without them, a reader must open every file.
func (idx *MovesIndex) HasRanges() bool { return idx.Version >= 2 }

// movesKey names the index of a set of files by a hash of the index's
// version and the files' keys and sizes: the same set always gets the same
// name, so a rerun writes nothing.
func movesKey(files []IndexedFile) string {
	h := sha256.New()
	fmt.Fprintf(h, "v%d\n", movesVersion)
	for _, f := range files {
		fmt.Fprintf(h, "%s\t%d\n", f.Key, f.Size)
	}
	return movesPrefix + hex.EncodeToString(h.Sum(nil))[:16] + ".json"
}

// WriteMovesIndex records the moves among the compacted files of root in
// a new index (create-if-absent), then deletes the older indexes. It reads
// two columns of every compacted file, unless an index of exactly these
// files is there already. It returns the index's key and the number of
// moves ("" and 0 when there is no compacted file).
func WriteMovesIndex(ctx context.Context, root storage.Root) (string, int, error) {
	files, err := ListFiles(ctx, root)
	if err != nil {
		return "", 0, err
	}
	var covered []IndexedFile
	for _, f := range files {
		if f.Compacted {
			covered = append(covered, IndexedFile{Key: f.Key, Size: f.Size})
		}
	}
	existing, err := MovesIndexKeys(ctx, root)
	if err != nil {
		return "", 0, err
	}
	if len(covered) == 0 {
		return "", 0, nil
	}
	key := movesKey(covered)
	n := -1
	if slices.Contains(existing, key) {
		if idx, err := readMovesIndex(ctx, root, key); err == nil {
			n = len(idx.Moves)
		}
	}
	if n < 0 {
		idx, err := buildMovesIndex(ctx, root, covered)
		if err != nil {
			return "", 0, err
		}
		data, err := json.Marshal(idx)
		if err != nil {
			return "", 0, err
		}
		if _, err := root.Create(ctx, key, append(data, '\n')); err != nil {
			return "", 0, fmt.Errorf("write the moves index: %w", err)
		}
		n = len(idx.Moves)
	}
	var old []string
	for _, k := range existing {
		if k != key {
			old = append(old, k)
		}
	}
	if err := deleteAll(ctx, root, old); err != nil {
		return key, n, fmt.Errorf("delete an older moves index: %w", err)
	}
	return key, n, nil
}

// buildMovesIndex reads booking_id and salon_id of the files.
func buildMovesIndex(ctx context.Context, root storage.Root, files []IndexedFile) (*MovesIndex, error) {
	cols := columnsNamed("booking_id", "salon_id")
	first := map[int64]int64{}  // booking → the first salon seen
	more := map[int64][]int64{} // booking → every salon, when more than one
	for i := range files {
		f := &files[i]
		data, err := readObject(ctx, root, f.Key)
		if err != nil {
			return nil, err
		}
		rows, err := decode(f.Key, data, cols, decodeOptions{allRequired: true})
		if err != nil {
			return nil, fmt.Errorf("moves index: %w", err)
		}
		for j, e := range rows {
			if j == 0 {
				f.SalonMin, f.SalonMax, f.BookingMin, f.BookingMax = e.SalonID, e.SalonID, e.BookingID, e.BookingID
			}
			f.SalonMin, f.SalonMax = min(f.SalonMin, e.SalonID), max(f.SalonMax, e.SalonID)
			f.BookingMin, f.BookingMax = min(f.BookingMin, e.BookingID), max(f.BookingMax, e.BookingID)
			s, ok := first[e.BookingID]
			switch {
			case !ok:
				first[e.BookingID] = e.SalonID
			case s != e.SalonID:
				salons := more[e.BookingID]
				if salons == nil {
					salons = []int64{s}
				}
				if !slices.Contains(salons, e.SalonID) {
					salons = append(salons, e.SalonID)
				}
				more[e.BookingID] = salons
			}
		}
	}
	idx := &MovesIndex{Version: movesVersion, Files: files, Moves: []Move{}}
	for id, salons := range more {
		slices.Sort(salons)
		idx.Moves = append(idx.Moves, Move{BookingID: id, Salons: salons})
	}
	slices.SortFunc(idx.Moves, func(a, b Move) int { return cmpInt(a.BookingID, b.BookingID) })
	return idx, nil
}

func readMovesIndex(ctx context.Context, root storage.Root, key string) (*MovesIndex, error) {
	data, err := root.Read(ctx, key)
	if err != nil {
		return nil, err
	}
	var idx MovesIndex
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&idx); err != nil {
		return nil, fmt.Errorf("%s: %w", root.URI(key), err)
	}
	if idx.Version != movesVersion && idx.Version != 1 {
		return nil, fmt.Errorf("%s: moves index version %d, want %d", root.URI(key), idx.Version, movesVersion)
	}
	return &idx, nil
}

// ReadMovesIndex finds, among the moves indexes at keys (MovesIndexKeys,
// or what an S3 listing met), the one that covers the most of the booking
// files a reader is about to read (present tells the size of each, by
// key), and returns it with the keys of the files it covers: those it
// names, present with the same size. An index stays true for any subset of
// its files (a booking at two salons among fewer files is at two salons
// among all of them), so files it names that are gone do not void it. Nil
// when no index covers any file. One index only: moves between the files
// of two indexes are in neither.
//
// An index that cannot be read or parsed is passed over, with the reason in
// skipped: the reader then scans, which is slower but right.
func ReadMovesIndex(ctx context.Context, root storage.Root, keys []string, present func(key string) (size int64, ok bool)) (idx *MovesIndex, covered map[string]bool, skipped []error) {
	// There is one index in the steady state, two after a compaction
	// killed before it deleted the older one; each is weighed by how much
	// of the listing it covers.
	for _, key := range keys {
		cand, rerr := readMovesIndex(ctx, root, key)
		if errors.Is(rerr, storage.ErrNotFound) {
			continue // replaced by a compaction since the listing
		}
		if rerr != nil {
			skipped = append(skipped, rerr)
			continue
		}
		cov := map[string]bool{}
		for _, f := range cand.Files {
			if size, ok := present(f.Key); ok && size == f.Size {
				cov[f.Key] = true
			}
		}
		// On a tie (a compaction killed before it deleted the older
		// index), the one with the files' ranges.
		if len(cov) > len(covered) || (len(cov) == len(covered) && idx != nil && cand.HasRanges() && !idx.HasRanges()) {
			idx, covered = cand, cov
		}
	}
	if len(covered) == 0 {
		return nil, nil, skipped
	}
	return idx, covered, skipped
}

// MovesIndexKeys lists the moves indexes of root. A directory is read as
// one directory: listing the prefix would walk every partition.
func MovesIndexKeys(ctx context.Context, root storage.Root) ([]string, error) {
	var keys []string
	if dir, ok := root.(*storage.Dir); ok {
		entries, err := os.ReadDir(dir.URI(booking.Prefix))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, nil
			}
			return nil, err
		}
		for _, e := range entries {
			key := booking.Prefix + "/" + e.Name()
			if e.Type().IsRegular() && strings.HasPrefix(key, movesPrefix) && strings.HasSuffix(key, ".json") {
				keys = append(keys, key)
			}
		}
		return keys, ctx.Err()
	}
	objs, err := root.List(ctx, movesPrefix)
	if err != nil {
		return nil, err
	}
	for _, o := range objs {
		if path.Dir(o.Key) == booking.Prefix && strings.HasSuffix(o.Key, ".json") {
			keys = append(keys, o.Key)
		}
	}
	return keys, nil
}
