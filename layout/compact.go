package layout

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/storage"
)

// Defaults of compaction, measured on the bench data (README, make bench):
// a report over files of a million events is within a few percent of one
// over a single sorted file. A file holds a stretch of days of every
// salon, sorted by salon, so one salon's report reads the row groups that
// hold its rows in every file. Unless a size is asked for, a row group
// therefore closes where the salon changes once it holds MinRowGroupRows
// events, and at MaxRowGroupRows events at most: a salon's rows share
// their row groups with few other salons whether the platform has 40
// salons or 4,000, and what a report reads follows its salon's size.
//
// An output of more than 2*DefaultPartRows events is also cut, where the
// salon changes, into files of at least DefaultPartRows events each (the
// -p<i>of<n> files of one output): a file then holds a range of salons over
// the output's days, and the moves index records each file's range of
// salons and bookings, so that a report on one salon opens one file of
// each output instead of all of them (over S3 every footer is a request
// and about a kilobyte per row group, and at 400 salons the footers were
// half of what a one-salon report moved; bench/NOTES.md).
const (
	DefaultTargetRows = 1_000_000
	DefaultPartRows   = 128 * 1024
	MinRowGroupRows   = 4 * 1024
	MaxRowGroupRows   = 64 * 1024
)

// metaInputs is the key-value metadata entry of a compacted file that
// lists its inputs ("key\tsize" lines, gzip, base64): what lets a rerun
// after a crash delete the inputs that the crash left behind.
const metaInputs = "instudio.compacted_from"

// CompactOptions choose what to compact.
type CompactOptions struct {
	// Before compacts the days before it (YYYY-MM-DD, exclusive); Day, when
	// set instead, compacts that day only. One of them must be set.
	Before, Day string
	// TargetRows closes an output file once it holds this many events
	// (default DefaultTargetRows); RowGroupRows fixes the size of its row
	// groups (default: closed at a change of salon, see MinRowGroupRows).
	// PartRows cuts an output into files of a range of salons each, of at
	// least this many events (default DefaultPartRows; negative: never).
	TargetRows, RowGroupRows, PartRows int64
	// DryRun reads and plans but writes and deletes nothing.
	DryRun bool
	// Progress, when set, is told how many of the input files have been
	// read.
	Progress func(done, total int)
}

// Output is one file that compaction wrote (or would write): the output of
// a group of Inputs files, or its Part (1-based) of Parts, cut at salons.
type Output struct {
	Key          string
	Inputs       int
	Part, Parts  int
	Rows         int64
	FirstDay     string
	LastDay      string
	AlreadyThere bool // written by an earlier or concurrent run
}

// Skipped is a file left where it is, and why.
type Skipped struct {
	Key    string
	Reason string
}

// CompactResult tells what a compaction did.
type CompactResult struct {
	Outputs []Output
	// Leftovers are inputs of an interrupted run, already inside a
	// compacted file, deleted (or, in a dry run, to delete).
	Leftovers []string
	// LeftAlone are candidate files that cannot be rewritten faithfully.
	LeftAlone               []Skipped
	FilesBefore, FilesAfter int
	Deleted                 int
	// MovesIndex is the key of the moves index over the compacted files
	// (moves.go), written or found up to date; Moves is its number of
	// bookings seen at more than one salon.
	MovesIndex string
	Moves      int
}

// Compact merges the small files of past days into large files sorted by
// (salon_id, booking_id, occurred_at), each under the first day of its
// inputs as docs/design.md's storage rule allows. Every row is kept, redelivered
// copies included. Each output is written create-if-absent under a name
// derived from its exact input set, and only then are the inputs deleted,
// so a run killed at any point leaves the data readable with the same
// results, and a rerun first deletes what a killed run left behind, then
// plans the rest exactly as the first run would have.
//
// Files are taken in key order and grouped greedily until a group holds
// TargetRows events; a compacted file that already holds TargetRows is
// left alone, a smaller one (the tail of an earlier run) is merged again.
// A group of a single file is never rewritten.
func Compact(ctx context.Context, root storage.Root, opt CompactOptions) (*CompactResult, error) {
	if opt.TargetRows <= 0 {
		opt.TargetRows = DefaultTargetRows
	}
	if (opt.Before == "") == (opt.Day == "") {
		return nil, errors.New("compact: give either a day or a day to compact before")
	}
	if err := storage.Exists(root); err != nil {
		return nil, err
	}
	files, err := ListFiles(ctx, root)
	if err != nil {
		return nil, err
	}
	res := &CompactResult{FilesBefore: len(files)}

	leftovers, err := findLeftovers(ctx, root, files)
	if err != nil {
		return nil, err
	}
	for _, f := range leftovers {
		res.Leftovers = append(res.Leftovers, f.Key)
	}
	if !opt.DryRun {
		if err := deleteAll(ctx, root, res.Leftovers); err != nil {
			return nil, err
		}
		res.Deleted += len(res.Leftovers)
	}
	files = slices.DeleteFunc(files, func(f File) bool { return slices.Contains(res.Leftovers, f.Key) })

	cands := Candidates(files, opt)
	c := &compactor{root: root, opt: opt, res: res}
	if err := c.run(ctx, cands); err != nil {
		return res, err
	}
	// The index follows the compacted files as they now are. Compaction is
	// done whatever becomes of it: a reader without an index scans.
	if !opt.DryRun {
		if res.MovesIndex, res.Moves, err = WriteMovesIndex(ctx, root); err != nil {
			return res, fmt.Errorf("compact: the files are compacted; the moves index: %w (run compact again to write it)", err)
		}
	}
	res.FilesAfter = res.FilesBefore - res.Deleted
	for _, o := range res.Outputs {
		if !o.AlreadyThere && !opt.DryRun {
			res.FilesAfter++
		}
	}
	if opt.DryRun {
		res.FilesAfter = res.FilesBefore - len(res.Leftovers)
		for _, o := range res.Outputs {
			res.FilesAfter++
			if o.Part <= 1 {
				res.FilesAfter -= o.Inputs
			}
		}
	}
	return res, nil
}

// Candidates are the files that Compact with opt would read, in key order:
// the files of the days in scope, except compacted files that are full and
// the parts of an output that a killed run did not finish (its inputs are
// all still there, and the run that plans them again writes the same
// parts).
func Candidates(files []File, opt CompactOptions) []File {
	target := opt.TargetRows
	if target <= 0 {
		target = DefaultTargetRows
	}
	keys := make(map[string]bool, len(files))
	for _, f := range files {
		keys[f.Key] = true
	}
	var out []File
	for _, f := range files {
		inScope := f.Day == opt.Day || (opt.Day == "" && f.Day < opt.Before)
		if inScope && !(f.Compacted && f.Rows >= target) && allParts(f, keys) {
			out = append(out, f)
		}
	}
	return out
}

// findLeftovers returns the files that some compacted file lists as its
// inputs, with the same size: a run was killed between writing that file
// and deleting them. A file cut at salons vouches for its inputs only when
// every part of its output is there: a run killed between two parts has
// deleted no input, and the rerun writes the missing parts. Only compacted
// files whose day range holds another file are opened, which in the steady
// state is none.
func findLeftovers(ctx context.Context, root storage.Root, files []File) ([]File, error) {
	keys := make(map[string]bool, len(files))
	for _, f := range files {
		keys[f.Key] = true
	}
	var out []File
	for _, o := range files {
		if !o.Compacted || !allParts(o, keys) {
			continue
		}
		overlap := false
		for _, f := range files {
			if f.Key != o.Key && f.Day >= o.Day && f.Day <= o.Until {
				overlap = true
				break
			}
		}
		if !overlap {
			continue
		}
		data, err := readObject(ctx, root, o.Key)
		if err != nil {
			return nil, err
		}
		inputs, err := compactedInputs(o.Key, data)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if size, ok := inputs[f.Key]; ok && size == f.Size && f.Key != o.Key && !slices.ContainsFunc(out, func(x File) bool { return x.Key == f.Key }) {
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// onlyParts tells whether group is exactly the parts of one earlier
// output: rewriting them would write the same events again under another
// name, as a group of a single file would.
func onlyParts(group []File) bool {
	if len(group) == 0 {
		return false
	}
	f := group[0]
	if f.Parts == 0 || len(group) != f.Parts {
		return false
	}
	keys := make(map[string]bool, len(group))
	for _, g := range group {
		keys[g.Key] = true
	}
	return allParts(f, keys)
}

// allParts tells whether every part of f's output is among keys.
func allParts(f File, keys map[string]bool) bool {
	if f.Parts == 0 {
		return true
	}
	stem := strings.TrimSuffix(f.Key, booking.PartSuffix(f.Part, f.Parts)+".parquet")
	for i := 1; i <= f.Parts; i++ {
		if !keys[stem+booking.PartSuffix(i, f.Parts)+".parquet"] {
			return false
		}
	}
	return true
}

// compactedInputs reads the input list of a compacted file.
func compactedInputs(key string, data []byte) (map[string]int64, error) {
	v, ok, err := fileMetadata(key, data, metaInputs)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s: compacted file without its input list (%s metadata)", key, metaInputs)
	}
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("%s: input list: %w", key, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: input list: %w", key, err)
	}
	out := map[string]int64{}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		k, s, ok := strings.Cut(sc.Text(), "\t")
		size, err := strconv.ParseInt(s, 10, 64)
		if !ok || err != nil {
			return nil, fmt.Errorf("%s: input list: bad line %q", key, sc.Text())
		}
		out[k] = size
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: input list: %w", key, err)
	}
	return out, nil
}

// encodeInputs is the metadata value listing inputs.
func encodeInputs(inputs []File) string {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	for _, f := range inputs {
		fmt.Fprintf(zw, "%s\t%d\n", f.Key, f.Size)
	}
	zw.Close()
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// outputFile is the compacted file of a group: under the first day, with
// the last day, the row count and a hash of the exact input set.
func outputFile(inputs []File, parts [][]booking.Event, rows int64, rowGroupRows int64) (f *booking.DayFile, first, last string) {
	first, last = inputs[0].Day, inputs[0].Until
	hashed := make([]string, len(inputs))
	for i, in := range inputs {
		hashed[i] = fmt.Sprintf("%s\t%d", in.Key, in.Size)
		first, last = min(first, in.Day), max(last, in.Until)
	}
	f = &booking.DayFile{
		Day: first, Label: fmt.Sprintf("compact-to-%s-n%d-", last, rows), Hashed: hashed, HashLen: 16,
		Parts: parts, Order: booking.CopiesTogether, RowGroupRows: rowGroupRows,
		Metadata: [][2]string{{metaInputs, encodeInputs(inputs)}},
	}
	if rowGroupRows <= 0 {
		f.RowGroupRows, f.SalonRowGroups = MaxRowGroupRows, MinRowGroupRows
	}
	return f, first, last
}

type compactor struct {
	root storage.Root
	opt  CompactOptions
	res  *CompactResult
}

// loaded is one input file, read and decoded.
type loaded struct {
	events []booking.Event
	err    error
}

// run reads the candidates in key order (several at a time, consumed in
// order) and flushes a group each time it reaches the target.
func (c *compactor) run(ctx context.Context, cands []File) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	window := 4 * runtime.GOMAXPROCS(0)
	results := make([]chan loaded, len(cands))
	for i := range results {
		results[i] = make(chan loaded, 1)
	}
	slots := make(chan struct{}, window)
	go func() {
		for i, f := range cands {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			go func() {
				data, err := readObject(ctx, c.root, f.Key)
				if err != nil {
					results[i] <- loaded{err: err}
					return
				}
				events, err := DecodeEvents(f.Key, data)
				results[i] <- loaded{events: events, err: err}
			}()
		}
	}()

	var group []File
	var parts [][]booking.Event
	var rows int64
	for i, f := range cands {
		var r loaded
		select {
		case r = <-results[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		<-slots
		if c.opt.Progress != nil {
			c.opt.Progress(i+1, len(cands))
		}
		var fe *FormatError
		if errors.As(r.err, &fe) {
			c.res.LeftAlone = append(c.res.LeftAlone, Skipped{Key: f.Key, Reason: fe.Reason})
			continue
		}
		if r.err != nil {
			return r.err
		}
		group = append(group, f)
		parts = append(parts, r.events)
		rows += int64(len(r.events))
		if rows >= c.opt.TargetRows {
			if err := c.flush(ctx, group, parts, rows); err != nil {
				return err
			}
			group, parts, rows = nil, nil, 0
		}
	}
	return c.flush(ctx, group, parts, rows)
}

// flush writes one group as a sorted file (or its files cut at salons),
// then deletes its inputs.
func (c *compactor) flush(ctx context.Context, group []File, parts [][]booking.Event, rows int64) error {
	if len(group) < 2 || onlyParts(group) {
		return nil
	}
	f, first, last := outputFile(group, parts, rows, c.opt.RowGroupRows)
	partRows := c.opt.PartRows
	if partRows == 0 {
		partRows = DefaultPartRows
	}
	files := f.SplitAtSalons(partRows, nil)
	var written []Output
	for i, pf := range files {
		out := Output{Key: pf.Key(), Inputs: len(group), Rows: int64(pf.Rows()), FirstDay: first, LastDay: last}
		if len(files) > 1 {
			out.Part, out.Parts = i+1, len(files)
		}
		if !c.opt.DryRun {
			_, created, _, err := pf.Write(ctx, c.root.Create)
			if err != nil {
				c.res.Outputs = append(c.res.Outputs, written...)
				return fmt.Errorf("compact: %w", err)
			}
			out.AlreadyThere = !created
		}
		written = append(written, out)
	}
	c.res.Outputs = append(c.res.Outputs, written...)
	if c.opt.DryRun {
		return nil
	}
	key := files[len(files)-1].Key()
	keys := make([]string, len(group))
	for i, f := range group {
		keys[i] = f.Key
	}
	if err := deleteAll(ctx, c.root, keys); err != nil {
		return fmt.Errorf("compact: %s is written; deleting its inputs: %w (run compact again to finish)", c.root.URI(key), err)
	}
	c.res.Deleted += len(keys)
	return nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// deleteAll deletes keys, several at a time.
func deleteAll(ctx context.Context, root storage.Root, keys []string) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for _, k := range keys {
		g.Go(func() error { return root.Delete(ctx, k) })
	}
	return g.Wait()
}
