package layout

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/storage"
)

// legacyName is the name the seed's Lambda gave each file:
// datetime.utcnow().strftime('%Y-%m-%dT%H-%M-%S') + "_" + uuid4 + ".parquet".
var legacyName = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2})_([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\.parquet$`)

const legacyTimeLayout = "2006-01-02T15-04-05"

// ImportOptions tune ImportLegacy.
type ImportOptions struct {
	// DryRun reads and checks but writes nothing.
	DryRun bool
	// Progress, when set, is told how many legacy files have been read.
	Progress func(done, total int)
}

// ImportResult tells what an import did.
type ImportResult struct {
	// Written are the layout files written, one per day of events.
	Written []string
	// Imported is the number of legacy files (one event each) written now;
	// AlreadyImported those whose event was already in the layout.
	Imported, AlreadyImported int
	// LeftAlone are the files at the root that are not the seed's, and why.
	LeftAlone []Skipped
	// Changed are legacy files imported before whose content differs now
	// from the event imported from them (counted in AlreadyImported too):
	// the layout keeps what was imported, and the reason says what differs
	// and in which layout file.
	Changed []Skipped
}

// legacyFile is a file of the seed's Lambda at the root of from.
type legacyFile struct {
	storage.Object
	at time.Time
}

// ImportLegacy brings the seed's files (one event each, 7 columns, at the
// root of from, named YYYY-MM-DDTHH-MM-SS_<uuid>.parquet) into the layout
// of dest: event_id is the file name, occurred_at and ingested_at the UTC
// time in the name (when the seed's Lambda stored the event), event_type
// follows the status. The events of a day go into one file under that day,
// named from the exact set of files it holds. An event whose event_id is
// already in the layout (imported before, possibly compacted since) is not
// imported again, so a second import adds nothing. Other objects at the
// root are listed with the reason and left alone; nothing is deleted.
func ImportLegacy(ctx context.Context, from, dest storage.Root, opt ImportOptions) (*ImportResult, error) {
	if err := storage.Exists(from); err != nil {
		return nil, err
	}
	objs, err := from.List(ctx, "")
	if err != nil {
		return nil, err
	}
	res := &ImportResult{}
	var cands []legacyFile
	for _, o := range objs {
		if strings.Contains(o.Key, "/") {
			continue // the layout itself, or other folders: not the seed's files
		}
		m := legacyName.FindStringSubmatch(o.Key)
		if m == nil {
			res.LeftAlone = append(res.LeftAlone, Skipped{Key: from.URI(o.Key), Reason: "name is not YYYY-MM-DDTHH-MM-SS_<uuid>.parquet"})
			continue
		}
		at, err := time.Parse(legacyTimeLayout, m[1])
		if err != nil {
			res.LeftAlone = append(res.LeftAlone, Skipped{Key: from.URI(o.Key), Reason: fmt.Sprintf("time in the name: %v", err)})
			continue
		}
		cands = append(cands, legacyFile{Object: o, at: at.UTC()})
	}
	if len(cands) == 0 {
		return res, nil
	}

	imported, err := importedEvents(ctx, dest, cands)
	if err != nil {
		return nil, err
	}
	var todo, before []legacyFile
	for _, c := range cands {
		if imported.files[c.Key] {
			res.AlreadyImported++
			before = append(before, c)
		} else {
			todo = append(todo, c)
		}
	}
	if res.Changed, err = changedSinceImport(ctx, from, dest, before, imported); err != nil {
		return nil, err
	}

	// Read and check every file, several at a time.
	events := make([][]booking.Event, len(todo))
	reasons := make([]string, len(todo))
	var done int
	var mu sync.Mutex
	err = readLegacyFiles(ctx, from, todo, func(i int, evs []booking.Event, fe *FormatError) {
		if fe != nil {
			reasons[i] = fe.Reason
		} else {
			events[i] = evs
		}
		if opt.Progress != nil {
			mu.Lock()
			done++
			opt.Progress(done, len(todo))
			mu.Unlock()
		}
	})
	if err != nil {
		return nil, err
	}

	byDay := map[string][]int{}
	for i, c := range todo {
		if reasons[i] != "" {
			res.LeftAlone = append(res.LeftAlone, Skipped{Key: from.URI(c.Key), Reason: reasons[i]})
			continue
		}
		day := c.at.Format(time.DateOnly)
		byDay[day] = append(byDay[day], i)
	}
	days := make([]string, 0, len(byDay))
	for d := range byDay {
		days = append(days, d)
	}
	slices.Sort(days)
	for _, day := range days {
		idx := byDay[day]
		f := &booking.DayFile{Day: day, Label: "legacy-", HashLen: 16, Order: booking.CopiesTogether}
		var batch []booking.Event
		for _, i := range idx {
			f.Hashed = append(f.Hashed, fmt.Sprintf("%s\t%d", todo[i].Key, todo[i].Size))
			batch = append(batch, events[i]...)
		}
		f.Parts = [][]booking.Event{batch}
		res.Imported += len(idx)
		res.Written = append(res.Written, f.Key())
		if opt.DryRun {
			continue
		}
		if _, _, _, err := f.Write(ctx, dest.Create); err != nil {
			return nil, fmt.Errorf("import-legacy: %w", err)
		}
	}
	return res, nil
}

// legacyEvents turns one seed file into events of the layout.
func legacyEvents(c legacyFile, data []byte) ([]booking.Event, error) {
	evs, err := decodeLegacy(c.Key, data)
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 {
		return nil, formatErrorf(c.Key, "holds no rows")
	}
	for i := range evs {
		e := &evs[i]
		e.EventID = c.Key
		if len(evs) > 1 {
			// The seed wrote one event per file; should a file hold more,
			// each still needs an id of its own.
			e.EventID = fmt.Sprintf("%s#%d", c.Key, i+1)
		}
		e.EventType = e.Status.EventType()
		e.OccurredAt = c.at
		e.IngestedAt = c.at
		if err := e.Validate(); err != nil {
			return nil, formatErrorf(c.Key, "row %d: %v", i+1, err)
		}
	}
	return evs, nil
}

// imported is what dest already holds of the candidates: the legacy files
// with an event in the layout, and each such event with its layout file.
type imported struct {
	files  map[string]bool
	events map[string]storedEvent // by event_id
}

type storedEvent struct {
	booking.Event
	key string // the layout file that holds it
}

// readLegacyFiles reads and decodes files, 16 at a time, and calls each
// with a file's index and its events, or with the *FormatError that leaves
// it alone; any other error stops the read. each may run concurrently
// for different files.
func readLegacyFiles(ctx context.Context, from storage.Root, files []legacyFile, each func(i int, evs []booking.Event, fe *FormatError)) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for i, c := range files {
		g.Go(func() error {
			data, err := from.Read(gctx, c.Key)
			if err != nil {
				return err
			}
			evs, err := legacyEvents(c, data)
			var fe *FormatError
			if err != nil && !errors.As(err, &fe) {
				return err
			}
			each(i, evs, fe)
			return nil
		})
	}
	return g.Wait()
}

// changedSinceImport reads the legacy files imported before and compares
// each event with the one the layout holds: a seed file rewritten since
// (another status, booking or date under the same name) must not pass for
// "already imported".
func changedSinceImport(ctx context.Context, from, dest storage.Root, done []legacyFile, in imported) ([]Skipped, error) {
	reasons := make([]string, len(done))
	err := readLegacyFiles(ctx, from, done, func(i int, evs []booking.Event, fe *FormatError) {
		if fe != nil {
			reasons[i] = "changed since it was imported, and now unreadable: " + fe.Reason
			return
		}
		for _, e := range evs {
			st, ok := in.events[e.EventID]
			if !ok {
				reasons[i] = fmt.Sprintf("changed since it was imported: event %s is not in the layout (it now holds %d events)", e.EventID, len(evs))
				return
			}
			if field := firstDifference(e, st.Event); field != "" {
				reasons[i] = fmt.Sprintf("changed since it was imported: %s differs from the event imported into %s, which the layout keeps", field, dest.URI(st.key))
				if strings.HasPrefix(path.Base(st.key), "legacy-") {
					// That file holds legacy events only: an import
					// writes all of them again from the seed's files.
					reasons[i] += "; to replace it, delete that file and import again"
				}
				return
			}
		}
	})
	if err != nil {
		return nil, err
	}
	var out []Skipped
	for i, c := range done {
		if reasons[i] != "" {
			out = append(out, Skipped{Key: from.URI(c.Key), Reason: reasons[i]})
		}
	}
	return out, nil
}

// firstDifference names the first column in which a and b differ, or "".
func firstDifference(a, b booking.Event) string {
	eqInt := func(x, y *int64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	switch {
	case a.Status != b.Status:
		return "status"
	case a.EventType != b.EventType:
		return "event_type"
	case !a.OccurredAt.Equal(b.OccurredAt):
		return "occurred_at"
	case a.BookingID != b.BookingID:
		return "booking_id"
	case !a.BookingDate.Equal(b.BookingDate):
		return "booking_date"
	case !eqInt(a.UserID, b.UserID):
		return "user_id"
	case a.SalonID != b.SalonID:
		return "salon_id"
	case !eqInt(a.EmployeeID, b.EmployeeID):
		return "employee_id"
	case !eqInt(a.PaymentID, b.PaymentID):
		return "payment_id"
	}
	return ""
}

// importedEvents returns the events already in dest among those the
// candidates would get, reading only the files whose days could hold them.
func importedEvents(ctx context.Context, dest storage.Root, cands []legacyFile) (imported, error) {
	want := map[string]bool{}
	days := map[string]bool{}
	for _, c := range cands {
		want[c.Key] = true
		days[c.at.Format(time.DateOnly)] = true
	}
	in := imported{files: map[string]bool{}, events: map[string]storedEvent{}}
	files, err := ListFiles(ctx, dest)
	if err != nil {
		return in, err
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, f := range files {
		relevant := false
		for d := f.Day; d <= f.Until; d = dayAfter(d) {
			if days[d] {
				relevant = true
				break
			}
		}
		if !relevant {
			continue
		}
		g.Go(func() error {
			data, err := readObject(gctx, dest, f.Key)
			if err != nil {
				return err
			}
			evs, err := decode(f.Key, data, eventColumns, decodeOptions{truncate: true})
			if err != nil {
				return fmt.Errorf("import-legacy: reading the events of %s: %w", dest.URI(f.Key), err)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, e := range evs {
				base, _, _ := strings.Cut(e.EventID, "#")
				if want[base] {
					in.files[base] = true
					in.events[e.EventID] = storedEvent{Event: e, key: f.Key}
				}
			}
			return nil
		})
	}
	return in, g.Wait()
}
