package demo_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/demo"
)

var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func options() demo.Options {
	o := demo.Defaults
	o.Now = now
	return o
}

// batches collects what Generate writes.
func batches(t *testing.T, opt demo.Options) []demo.Batch {
	t.Helper()
	var out []demo.Batch
	err := demo.Generate(context.Background(), opt, func(b demo.Batch) error {
		out = append(out, b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func events(t *testing.T, opt demo.Options) []booking.Event {
	var out []booking.Event
	for _, b := range batches(t, opt) {
		out = append(out, b.Events...)
	}
	return out
}

func TestSameSeedSameData(t *testing.T) {
	opt := options()
	opt.Days = 30
	ba, bb := batches(t, opt), batches(t, opt)
	if !reflect.DeepEqual(ba, bb) || len(ba) == 0 {
		t.Fatal("two runs with the same options differ")
	}
	// And the same bytes on disk.
	for i := range ba {
		da, _ := ba[i].File().Encode()
		db, _ := bb[i].File().Encode()
		if ba[i].Key != bb[i].Key || !bytes.Equal(da, db) {
			t.Fatalf("batch %d differs: %s vs %s", i, ba[i].Key, bb[i].Key)
		}
	}
	other := opt
	other.Seed = 2
	if reflect.DeepEqual(ba, batches(t, other)) {
		t.Error("another seed gives the same data")
	}
}

// The data set has what the reports need to show something real.
func TestDemoIsRealistic(t *testing.T) {
	events := events(t, options())
	if len(events) < 10000 {
		t.Fatalf("only %d events", len(events))
	}
	seen := map[string]int{}
	types := map[string]int{}
	created := map[int64]time.Time{}
	var sameDay, weeksAhead, lateCancels, earlyCancels, priced int
	salons := map[int64]int{}
	saturday, tuesday := 0, 0
	for _, e := range events {
		if err := e.Validate(); err != nil {
			t.Fatalf("invalid event %+v: %v", e, err)
		}
		if e.OccurredAt.After(now) {
			t.Fatalf("event after now: %+v", e)
		}
		seen[e.EventID]++
		if seen[e.EventID] > 1 {
			continue
		}
		types[e.EventType]++
		if e.AmountCents != nil && *e.AmountCents > 0 && e.Service != nil {
			priced++
		}
		switch e.Status {
		case booking.Pending:
			if e.EventType != "created" {
				break
			}
			created[e.BookingID] = e.OccurredAt
			salons[e.SalonID]++
			lead := e.BookingDate.Sub(e.OccurredAt)
			if lead < 24*time.Hour && e.BookingDate.YearDay() == e.OccurredAt.YearDay() {
				sameDay++
			}
			if lead > 14*24*time.Hour {
				weeksAhead++
			}
			if e.SalonID == 1 {
				switch e.BookingDate.Weekday() {
				case time.Saturday:
					saturday++
				case time.Tuesday:
					tuesday++
				}
			}
		case booking.Canceled:
			if e.BookingDate.Sub(e.OccurredAt) < 24*time.Hour {
				lateCancels++
			} else {
				earlyCancels++
			}
		}
	}
	duplicates := 0
	for _, n := range seen {
		duplicates += n - 1
	}
	for _, typ := range []string{"created", "confirmed", "completed", "canceled", "no_show", "rescheduled"} {
		if types[typ] == 0 {
			t.Errorf("no %s events", typ)
		}
	}
	checks := []struct {
		what string
		ok   bool
	}{
		{"redelivered duplicates", duplicates > 0},
		{"same-day bookings", sameDay > 0},
		{"bookings weeks ahead", weeksAhead > 0},
		{"late cancellations", lateCancels > 0},
		{"early cancellations", earlyCancels > 0},
		{"services with prices", priced == len(seen)},
		{"Saturdays busier than Tuesdays", saturday > tuesday},
		{"three salons of different sizes", len(salons) == 3 && salons[1] > salons[2] && salons[2] > salons[3]},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("demo data lacks %s", c.what)
		}
	}
}

func TestBatchesFollowTheLayout(t *testing.T) {
	last := ""
	for _, b := range batches(t, options()) {
		day := booking.DayOfKey(b.Key)
		// Days are written in order, each once all its events are known:
		// that is what lets generation stream.
		if day < last {
			t.Fatalf("%s written after a file of %s", b.Key, last)
		}
		last = day
		for _, e := range b.Events {
			if e.Day() != day {
				t.Fatalf("%s holds an event of %s", b.Key, e.Day())
			}
		}
	}
}

// Booking ids are one platform-wide sequence in order of creation: 1, 2, 3
// ... by the occurred_at of each booking's created event, with the salons
// interleaved rather than holding one block of ids each.
func TestBookingIDsFollowCreation(t *testing.T) {
	created := map[int64]time.Time{}
	salonOf := map[int64]int64{}
	for _, e := range events(t, options()) {
		if e.EventType == "created" {
			created[e.BookingID] = e.OccurredAt
		}
		if s, ok := salonOf[e.BookingID]; ok && s != e.SalonID {
			t.Fatalf("booking %d at salons %d and %d", e.BookingID, s, e.SalonID)
		}
		salonOf[e.BookingID] = e.SalonID
		if e.PaymentID != nil && *e.PaymentID != e.BookingID*10+1 {
			t.Fatalf("booking %d has payment %d", e.BookingID, *e.PaymentID)
		}
	}
	ids := make([]int64, 0, len(created))
	for id := range created {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if len(ids) != len(salonOf) || ids[0] != 1 || ids[len(ids)-1] != int64(len(ids)) {
		t.Fatalf("%d created bookings of %d, ids %d..%d: want 1..N with no gaps", len(ids), len(salonOf), ids[0], ids[len(ids)-1])
	}
	switches := 0
	for i := 1; i < len(ids); i++ {
		if created[ids[i]].Before(created[ids[i-1]]) {
			t.Fatalf("booking %d created at %s, before booking %d at %s", ids[i], created[ids[i]], ids[i-1], created[ids[i-1]])
		}
		if salonOf[ids[i]] != salonOf[ids[i-1]] {
			switches++
		}
	}
	// Three salons booked at random moments: consecutive ids change salon
	// about half the time (salon 1 takes 30 of 51 bookings a day, so two
	// neighbours share a salon with probability (30²+15²+6²)/51² = 0.45).
	if switches < len(ids)/3 {
		t.Errorf("consecutive ids change salon %d times in %d: ids come in blocks per salon", switches, len(ids))
	}
}

// One file per event holds the same events as the batches.
func TestOnePerEvent(t *testing.T) {
	opt := options()
	opt.Days = 10
	want := events(t, opt)
	opt.OnePerEvent = true
	var got []booking.Event
	for _, b := range batches(t, opt) {
		if len(b.Events) != 1 || !strings.HasSuffix(b.Key, "_"+b.Events[0].EventID+".parquet") {
			t.Fatalf("%s holds %d events", b.Key, len(b.Events))
		}
		got = append(got, b.Events...)
	}
	key := func(a, b booking.Event) int {
		if c := strings.Compare(a.EventID, b.EventID); c != 0 {
			return c
		}
		return a.IngestedAt.Compare(b.IngestedAt)
	}
	slices.SortFunc(want, key)
	slices.SortFunc(got, key)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("one file per event: %d events, batches: %d", len(got), len(want))
	}
}

func TestGenerateStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := demo.Generate(ctx, options(), func(demo.Batch) error {
		calls++
		if calls == 3 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || calls != 3 {
		t.Errorf("canceled after 3 files: %d files written, error %v", calls, err)
	}
	boom := errors.New("disk full")
	err = demo.Generate(context.Background(), options(), func(demo.Batch) error { return boom })
	if !errors.Is(err, boom) {
		t.Errorf("a failing write: %v", err)
	}
}

func TestOptionBounds(t *testing.T) {
	for _, tc := range []struct {
		change func(*demo.Options)
		want   string
	}{
		{func(o *demo.Options) { o.Salons = 0 }, "--salons must be between 1 and 500, got 0"},
		{func(o *demo.Options) { o.Salons = 100000000 }, "--salons must be between 1 and 500, got 100000000"},
		{func(o *demo.Options) { o.Days = 0 }, "--days must be between 1 and 3660, got 0"},
		{func(o *demo.Options) { o.Days = 3661 }, "--days must be between 1 and 3660, got 3661"},
		{func(o *demo.Options) { o.Ahead = -1 }, "--ahead must be between 0 and 366, got -1"},
		{func(o *demo.Options) { o.Ahead = 367 }, "--ahead must be between 0 and 366, got 367"},
	} {
		opt := options()
		tc.change(&opt)
		err := demo.Generate(context.Background(), opt, func(demo.Batch) error {
			t.Fatal("wrote a file")
			return nil
		})
		if err == nil || err.Error() != tc.want {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
}

// finalStates is every booking as it stands at the end: its latest event.
func finalStates(evs []booking.Event) map[int64]booking.Event {
	last := map[int64]booking.Event{}
	for _, e := range evs {
		if l, ok := last[e.BookingID]; !ok || e.OccurredAt.After(l.OccurredAt) {
			last[e.BookingID] = e
		}
	}
	return last
}

// New clients, those whose earliest booking at the salon falls in a
// period (docs/design.md), are a few percent of the period's clients in
// each of the last two 30-day periods: the warm-up the generator drops
// must not leave clients who look new when they come back.
func TestNewClientsAreAFewPercent(t *testing.T) {
	first := map[[2]int64]time.Time{} // by salon and client
	type period struct{ from, to time.Time }
	periods := []period{
		{time.Date(2026, 9, 28, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 28, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 10, 28, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)},
	}
	states := finalStates(events(t, options()))
	inPeriod := make([]map[[2]int64]bool, len(periods))
	for i := range inPeriod {
		inPeriod[i] = map[[2]int64]bool{}
	}
	for _, e := range states {
		k := [2]int64{e.SalonID, *e.UserID}
		if f, ok := first[k]; !ok || e.BookingDate.Before(f) {
			first[k] = e.BookingDate
		}
		for i, p := range periods {
			if !e.BookingDate.Before(p.from) && e.BookingDate.Before(p.to) {
				inPeriod[i][k] = true
			}
		}
	}
	for i, p := range periods {
		clients, fresh := 0, 0
		for k := range inPeriod[i] {
			if k[0] != 1 {
				continue
			}
			clients++
			if !first[k].Before(p.from) {
				fresh++
			}
		}
		share := float64(fresh) / float64(clients)
		if share < 0.01 || share > 0.05 {
			t.Errorf("salon 1, %s to %s: %d new clients of %d (%.1f%%), want a few percent", p.from.Format(time.DateOnly), p.to.Format(time.DateOnly), fresh, clients, 100*share)
		}
	}
}

// A client's visits are spaced like real ones: hardly ever two completed
// visits of one client within three days.
func TestVisitsAreSpacedOut(t *testing.T) {
	visits := map[int64][]time.Time{}
	for _, e := range finalStates(events(t, options())) {
		if e.Status == booking.Completed {
			visits[*e.UserID] = append(visits[*e.UserID], e.BookingDate)
		}
	}
	gaps, close := 0, 0
	for _, v := range visits {
		slices.SortFunc(v, time.Time.Compare)
		for i := 1; i < len(v); i++ {
			gaps++
			if v[i].Sub(v[i-1]) < 3*24*time.Hour {
				close++
			}
		}
	}
	if gaps < 1000 || close*200 > gaps {
		t.Errorf("%d of %d gaps between a client's visits are under 3 days, want under 0.5%%", close, gaps)
	}
}

// Demo files are the layout's day files, as ingest writes its batches:
// under the demo's own names, each sorted by salon, booking and
// occurred_at (ties by event_id) rather than in the order generated, and
// holding every event of its batch.
func TestFilesAreDayFiles(t *testing.T) {
	dir := &memRoot{files: map[string][]byte{}}
	opt := options()
	opt.Days = 10
	if _, err := demo.Write(context.Background(), dir, opt, false, nil); err != nil {
		t.Fatal(err)
	}
	bs := batches(t, opt)
	if len(bs) == 0 || len(dir.files) != len(bs)+1 { // + the stamp
		t.Fatalf("%d files for %d batches", len(dir.files), len(bs))
	}
	unordered := 0
	for _, b := range bs {
		data, ok := dir.files[b.Key]
		if !ok || !strings.HasPrefix(b.Key, "bookings/dt=") || !strings.Contains(b.Key, "/demo-") {
			t.Fatalf("no file %s", b.Key)
		}
		got, err := booking.ReadParquet(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.IsSortedFunc(got, func(a, b booking.Event) int {
			if c := cmp.Compare(a.SalonID, b.SalonID); c != 0 {
				return c
			}
			if c := cmp.Compare(a.BookingID, b.BookingID); c != 0 {
				return c
			}
			if c := a.OccurredAt.Compare(b.OccurredAt); c != 0 {
				return c
			}
			return strings.Compare(a.EventID, b.EventID)
		}) {
			t.Errorf("%s is not sorted by salon, booking, occurred_at", b.Key)
		}
		ids := func(es []booking.Event) []string {
			var out []string
			for _, e := range es {
				out = append(out, fmt.Sprint(e.EventID, e.IngestedAt.UnixMicro()))
			}
			slices.Sort(out)
			return out
		}
		if !slices.Equal(ids(got), ids(b.Events)) {
			t.Errorf("%s holds other events than its batch", b.Key)
		}
		if !slices.EqualFunc(got, b.Events, func(x, y booking.Event) bool { return x.EventID == y.EventID }) {
			unordered++
		}
	}
	// Generated in ingestion order, most files are reordered.
	if unordered == 0 {
		t.Error("every file is in the order generated")
	}
}

// memRoot is a demo.Root in memory.
type memRoot struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memRoot) String() string { return "mem" }

func (m *memRoot) Read(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	data, ok := m.files[key]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return data, nil
}

func (m *memRoot) Create(_ context.Context, key string, data []byte) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.files[key]; ok {
		return false, nil
	}
	m.files[key] = data
	return true, nil
}
