package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// Root is where the data set is written: the part of storage.Root that
// demo needs.
type Root interface {
	String() string
	Read(ctx context.Context, key string) ([]byte, error)
	Create(ctx context.Context, key string, data []byte) (bool, error)
}

// StampKey names the file at the root that records the options of the demo
// data there, so that a second run with other options does not silently
// mix two generations. Readers list only bookings/, so they never see it.
const StampKey = "demo.json"

type stamp struct {
	Now         string `json:"now"`
	Seed        uint64 `json:"seed"`
	Salons      int    `json:"salons"`
	Days        int    `json:"days"`
	Ahead       int    `json:"ahead"`
	OnePerEvent bool   `json:"one_per_event,omitempty"`
}

func stampOf(opt Options) stamp {
	return stamp{
		Now: opt.Now.UTC().Truncate(time.Second).Format(time.RFC3339), Seed: opt.Seed,
		Salons: opt.Salons, Days: opt.Days, Ahead: opt.Ahead, OnePerEvent: opt.OnePerEvent,
	}
}

func (s stamp) String() string {
	out := fmt.Sprintf("--now %s --seed %d --salons %d --days %d --ahead %d", s.Now, s.Seed, s.Salons, s.Days, s.Ahead)
	if s.OnePerEvent {
		out += " (one file per event)"
	}
	return out
}

// MixError says that the root holds demo data written with other options.
type MixError struct {
	Root           string
	There, ThisRun string
}

func (e *MixError) Error() string {
	return fmt.Sprintf("%s holds demo data generated with %s; this run uses %s: mixing two generations gives wrong numbers, so use another --dest, delete %s first, or pass --force",
		e.Root, e.There, e.ThisRun, e.Root)
}

// Result is what Write did.
type Result struct {
	Root       string
	Events     int // events in the files written
	Files      int // files written
	KeptFiles  int // files already there, left as they were
	KeptEvents int
}

// Summary is the one line a user reads, for example "wrote 1,057,657 events
// in 2,449 files to ./data in 11.8 s".
func (r Result) Summary(elapsed time.Duration) string {
	msg := fmt.Sprintf("wrote %s events in %s files to %s in %.1f s",
		thousands(r.Events), thousands(r.Files), r.Root, elapsed.Seconds())
	if r.KeptFiles > 0 {
		msg += fmt.Sprintf(" (%s files, %s events, were already there)", thousands(r.KeptFiles), thousands(r.KeptEvents))
	}
	return msg
}

// thousands formats n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Write generates the data set into root, encoding files in parallel while
// the next days are generated. Files already there are left as they are.
// Unless force, it refuses a root that holds demo data generated with other
// options. progress, when not nil, is called after each file.
func Write(ctx context.Context, root Root, opt Options, force bool, progress func()) (Result, error) {
	res := Result{Root: root.String()}
	if err := opt.Check(); err != nil {
		return res, err
	}
	if err := checkStamp(ctx, root, opt, force); err != nil {
		return res, err
	}
	var events, files, keptEvents, keptFiles atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	err := Generate(gctx, opt, func(b Batch) error {
		g.Go(func() error {
			_, created, _, err := b.File().Write(gctx, root.Create)
			if err != nil {
				return err
			}
			if created {
				files.Add(1)
				events.Add(int64(len(b.Events)))
			} else {
				keptFiles.Add(1)
				keptEvents.Add(int64(len(b.Events)))
			}
			if progress != nil {
				progress()
			}
			return nil
		})
		return nil
	})
	// A failed write cancels gctx, which stops Generate; its error is the
	// cause, so it comes first.
	if werr := g.Wait(); werr != nil {
		err = werr
	}
	if err == nil {
		err = ctx.Err()
	}
	res.Events, res.Files = int(events.Load()), int(files.Load())
	res.KeptEvents, res.KeptFiles = int(keptEvents.Load()), int(keptFiles.Load())
	return res, err
}

// RecordedNow is the --now of the demo data already at root, if there is
// any: a run that names no --now takes it, so that running demo twice with
// no options adds nothing instead of being refused.
func RecordedNow(ctx context.Context, root Root) (time.Time, bool, error) {
	data, err := root.Read(ctx, StampKey)
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	var there stamp
	if err := json.Unmarshal(data, &there); err != nil {
		return time.Time{}, false, fmt.Errorf("%s/%s: %w", root, StampKey, err)
	}
	now, err := time.Parse(time.RFC3339, there.Now)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("%s/%s: now: %w", root, StampKey, err)
	}
	return now, true, nil
}

// DefaultNow is the generation time of a run that names no --now: the
// --now of the demo data already at root, unless force, else clock. A
// directory that holds demo data so keeps its clock, and a second plain
// run adds nothing instead of being refused. note, when not empty, tells
// the user which time was taken.
func DefaultNow(ctx context.Context, root Root, clock time.Time, force bool) (now time.Time, note string, err error) {
	recorded, ok, err := RecordedNow(ctx, root)
	if err != nil {
		return time.Time{}, "", err
	}
	if !ok || force {
		return clock, "", nil
	}
	return recorded, fmt.Sprintf("demo: %s holds demo data generated with --now %s: using it (delete %s, or pass --now, for data up to another time)",
		root, recorded.Format(time.RFC3339), root), nil
}

// checkStamp compares the options with those recorded at the root, and
// records them when the root has none.
func checkStamp(ctx context.Context, root Root, opt Options, force bool) error {
	this := stampOf(opt)
	data, err := root.Read(ctx, StampKey)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		data, err := json.MarshalIndent(this, "", "  ")
		if err != nil {
			return err
		}
		_, err = root.Create(ctx, StampKey, append(data, '\n'))
		return err
	case err != nil:
		return err
	}
	var there stamp
	if err := json.Unmarshal(data, &there); err != nil {
		return fmt.Errorf("%s/%s: %w", root, StampKey, err)
	}
	if there != this && !force {
		return &MixError{Root: root.String(), There: there.String(), ThisRun: this.String()}
	}
	return nil
}
