package ingest_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/ingest"
	"github.com/instudio/instudio-report/storage"
	"github.com/instudio/instudio-report/storage/s3test"
)

// ingestTime is the injected clock of every test.
var ingestTime = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func newPipeline(t *testing.T, root storage.Root) *ingest.Pipeline {
	t.Helper()
	lima, err := time.LoadLocation("America/Lima")
	if err != nil {
		t.Fatal(err)
	}
	return &ingest.Pipeline{Root: root, Zone: lima, Now: func() time.Time { return ingestTime }}
}

func fixtureRecords(t *testing.T, format, file string) []ingest.Record {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := ingest.NewReader(f, format, file)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := r.Next(1 << 20)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return recs
}

// storedEvents reads every booking file of a root, by key.
func storedEvents(t *testing.T, root storage.Root) map[string][]booking.Event {
	t.Helper()
	ctx := context.Background()
	objs, err := root.List(ctx, booking.Prefix+"/")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]booking.Event{}
	for _, o := range objs {
		data, err := root.Read(ctx, o.Key)
		if err != nil {
			t.Fatal(err)
		}
		events, err := booking.ReadParquet(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("%s: %v", o.Key, err)
		}
		out[o.Key] = events
	}
	return out
}

// eventIDCount counts each stored event id over all files.
func eventIDCount(t *testing.T, root storage.Root) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, events := range storedEvents(t, root) {
		for _, e := range events {
			out[e.EventID]++
		}
	}
	return out
}

// rejectedLines reads every rejected object of a root.
func rejectedLines(t *testing.T, root storage.Root) []ingest.RejectedLine {
	t.Helper()
	ctx := context.Background()
	objs, err := root.List(ctx, booking.RejectedPrefix+"/")
	if err != nil {
		t.Fatal(err)
	}
	var out []ingest.RejectedLine
	for _, o := range objs {
		data, err := root.Read(ctx, o.Key)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var l ingest.RejectedLine
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Fatalf("%s: %v", o.Key, err)
			}
			out = append(out, l)
		}
	}
	return out
}

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The seed's sample SQS event ingests unchanged: one event, its id the
// messageId "1", occurred_at the SentTimestamp 1626469652051 ms =
// 2021-07-16T21:07:32.051Z, so it lands in dt=2021-07-16.
func TestSeedSQSEvent(t *testing.T) {
	root := &storage.Dir{Path: t.TempDir()}
	res, err := newPipeline(t, root).Ingest(context.Background(), ingest.SourceSQS, fixtureRecords(t, "sqs", "sqs-seed.json"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Received != 1 || res.Written != 1 || res.Rejected != 0 || res.Failed != 0 || res.FilesWritten != 1 {
		t.Fatalf("result %+v, want 1 received, 1 written, 1 file", res)
	}
	files := storedEvents(t, root)
	if len(files) != 1 {
		t.Fatalf("files %v, want one", files)
	}
	for key, events := range files {
		if !strings.HasPrefix(key, "bookings/dt=2021-07-16/") {
			t.Errorf("key %s, want under bookings/dt=2021-07-16/", key)
		}
		e := events[0]
		want := booking.Event{
			EventID: "1", EventType: "created",
			OccurredAt: day("2021-07-16T21:07:32.051Z"), IngestedAt: ingestTime,
			BookingID: 1, BookingDate: day("2024-10-06T20:00:00Z"), Status: booking.Pending,
			UserID: booking.Ptr[int64](1), SalonID: 1, EmployeeID: booking.Ptr[int64](1), PaymentID: booking.Ptr[int64](1),
		}
		if len(events) != 1 || !equalEvent(e, want) {
			t.Errorf("stored %+v, want %+v", events, want)
		}
	}
}

func equalEvent(a, b booking.Event) bool {
	eq := func(x, y *int64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	eqs := func(x, y *string) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.EventID == b.EventID && a.EventType == b.EventType && a.OccurredAt.Equal(b.OccurredAt) &&
		a.IngestedAt.Equal(b.IngestedAt) && a.BookingID == b.BookingID && a.BookingDate.Equal(b.BookingDate) &&
		a.Status == b.Status && eq(a.UserID, b.UserID) && a.SalonID == b.SalonID && eq(a.EmployeeID, b.EmployeeID) &&
		eq(a.PaymentID, b.PaymentID) && eqs(a.Service, b.Service) && eq(a.AmountCents, b.AmountCents)
}

// The Kafka and HTTP fixtures, each worked out by hand from the file.
func TestKafkaAndHTTPFixturesByHand(t *testing.T) {
	tests := []struct {
		format, file string
		// stored events by id, and the rejected positions with a part of
		// their reason
		stored   map[string]booking.Event
		rejected map[string]string
		days     []string
	}{
		{
			// bookings-0 offsets 15 and 16 (timestamps 1728200000000 and
			// 1728203600000 ms = 2024-10-06 07:33:20Z and 08:33:20Z) and
			// bookings-1 offset 3 whose own occurred_at 2024-10-05T23:30-05:00
			// is 2024-10-06T04:30Z: all dt=2024-10-06. Offset 17 has status 9.
			format: "kafka", file: "kafka-msk.json",
			stored: map[string]booking.Event{
				"bookings-0-15": {EventID: "bookings-0-15", EventType: "created", OccurredAt: day("2024-10-06T07:33:20Z"), IngestedAt: ingestTime,
					BookingID: 10, BookingDate: day("2024-10-07T10:00:00Z"), Status: 1, UserID: booking.Ptr[int64](3), SalonID: 2, EmployeeID: booking.Ptr[int64](4)},
				// the string variant: price "100.50" = 10050 cents
				"bookings-0-16": {EventID: "bookings-0-16", EventType: "confirmed", OccurredAt: day("2024-10-06T08:33:20Z"), IngestedAt: ingestTime,
					BookingID: 10, BookingDate: day("2024-10-07T10:00:00Z"), Status: 2, UserID: booking.Ptr[int64](3), SalonID: 2, EmployeeID: booking.Ptr[int64](4),
					Service: booking.Ptr("Corte de cabello"), AmountCents: booking.Ptr[int64](10050)},
				// booking_date 18:00Z is 13:00 in Lima (UTC-5)
				"evt-11-created": {EventID: "evt-11-created", EventType: "created", OccurredAt: day("2024-10-06T04:30:00Z"), IngestedAt: ingestTime,
					BookingID: 11, BookingDate: day("2024-10-09T13:00:00Z"), Status: 1, SalonID: 2, AmountCents: booking.Ptr[int64](4500)},
			},
			rejected: map[string]string{"bookings-0-17": "status: must be 1..5, got 9"},
			days:     []string{"2024-10-06"},
		},
		{
			// offset 100 is good (1728200000000 ms = 2024-10-06T07:33:20Z);
			// 101 carries the bytes ff fe; 102 is not base64.
			format: "kafka", file: "kafka-self-managed.json",
			stored: map[string]booking.Event{
				"bookings-0-100": {EventID: "bookings-0-100", EventType: "created", OccurredAt: day("2024-10-06T07:33:20Z"), IngestedAt: ingestTime,
					BookingID: 20, BookingDate: day("2024-10-08T09:30:00Z"), Status: 1, UserID: booking.Ptr[int64](5), SalonID: 3},
			},
			rejected: map[string]string{"bookings-0-101": "not valid UTF-8", "bookings-0-102": "value is not base64"},
			days:     []string{"2024-10-06"},
		},
		{
			// two events in one POST at timeEpoch 1728561600000 ms =
			// 2024-10-10T12:00Z; ids are content hashes, checked below.
			format: "http", file: "apigw-v2.json",
			stored: map[string]booking.Event{
				"body[0]": {EventType: "created", OccurredAt: day("2024-10-10T12:00:00Z"), IngestedAt: ingestTime,
					BookingID: 30, BookingDate: day("2024-10-10T15:00:00Z"), Status: 1, UserID: booking.Ptr[int64](7), SalonID: 4,
					EmployeeID: booking.Ptr[int64](2), PaymentID: booking.Ptr[int64](9)},
				"body[1]": {EventType: "created", OccurredAt: day("2024-10-10T12:00:00Z"), IngestedAt: ingestTime,
					BookingID: 31, BookingDate: day("2024-10-10T16:00:00Z"), Status: 1, UserID: booking.Ptr[int64](8), SalonID: 4,
					EmployeeID: booking.Ptr[int64](2), Service: booking.Ptr("Manicure"), AmountCents: booking.Ptr[int64](3500)},
			},
			days: []string{"2024-10-10"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			root := &storage.Dir{Path: t.TempDir()}
			recs := fixtureRecords(t, tt.format, tt.file)
			res, err := newPipeline(t, root).Ingest(context.Background(), tt.format, recs)
			if err != nil {
				t.Fatal(err)
			}
			if res.Written != len(tt.stored) || res.Rejected != len(tt.rejected) || res.Failed != 0 {
				t.Fatalf("result %+v, want %d written, %d rejected", res, len(tt.stored), len(tt.rejected))
			}
			byID := map[string]booking.Event{}
			var days []string
			for key, events := range storedEvents(t, root) {
				days = append(days, booking.DayOfKey(key))
				for _, e := range events {
					byID[e.EventID] = e
				}
			}
			if !slices.Equal(days, tt.days) {
				t.Errorf("days %v, want %v (one file a day)", days, tt.days)
			}
			for pos, want := range tt.stored {
				if want.EventID == "" {
					// HTTP: the id is the hash of the element's bytes.
					for _, r := range recs {
						if r.Position == pos {
							want.EventID = ingest.ContentID(r.Body)
						}
					}
				}
				if got, ok := byID[want.EventID]; !ok || !equalEvent(got, want) {
					t.Errorf("%s: stored %+v, want %+v", pos, got, want)
				}
			}
			lines := rejectedLines(t, root)
			if len(lines) != len(tt.rejected) {
				t.Fatalf("rejected lines %+v, want %v", lines, tt.rejected)
			}
			for _, l := range lines {
				if want, ok := tt.rejected[l.Position]; !ok || !strings.Contains(l.Reason, want) {
					t.Errorf("rejected %s: %q, want a reason with %q", l.Position, l.Reason, want)
				}
			}
		})
	}
}

// A corpus of bad records mixed with good ones in one batch: every good one
// is stored, every bad one is kept raw with its reason, and the counts add
// up.
func TestMixedBatch(t *testing.T) {
	good := func(id int) string {
		return `{"booking_id": ` + itoa(id) + `, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1, "occurred_at": "2024-10-01T10:00:00Z"}`
	}
	oversized := `{"booking_id": 1, "salon_id": 1, "status": 1, "booking_date": "2024-10-06T20:00:00", "pad": "` + strings.Repeat("x", 70<<10) + `"}`
	bad := []struct{ body, reason string }{
		{`{"booking_id": 1, "booking_date": `, `not JSON: it starts with "{\"booking_id\": 1, \"booki"…`},
		{`not json at all`, `not JSON: it starts with "not json at all"`},
		{`[1, 2]`, "not a JSON object"},
		{`null`, "not a JSON object"},
		{``, "body is empty"},
		{`{"booking_id": true, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1}`, "booking_id"},
		{`{"booking_id": "abc", "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1}`, "booking_id: must be an integer"},
		{`{"booking_id": 1.5, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1}`, "booking_id: must be an integer"},
		{`{"booking_id": 1, "booking_date": 20241006, "status": 1, "salon_id": 1}`, "booking_date: must be a string"},
		{`{"booking_id": 1, "booking_date": "2024-10-06T20:00:00", "status": 1}`, "salon_id: is required"},
		{`{"booking_id": 1, "status": 1, "salon_id": 1}`, "booking_date: is required"},
		{`{"booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1}`, "booking_id: is required"},
		{`{"booking_id": 0, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1}`, "booking_id: must be > 0"},
		{`{"booking_id": 1, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1, "user_id": -1}`, "user_id: must be > 0"},
		{`{"booking_id": 1, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1, "amount_cents": -5}`, "amount_cents: must be >= 0"},
		{`{"booking_id": 1, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1, "price": "-1"}`, "price: must be >= 0"},
		{`{"booking_id": 99999999999999999999, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1}`, "booking_id: must be an integer"},
		{`{"booking_id": 1, "booking_date": "2024-13-45T20:00:00", "status": 1, "salon_id": 1}`, "booking_date: must be ISO 8601"},
		{`{"booking_id": 1, "booking_date": "2024-10-06T20:00:00", "status": 7, "salon_id": 1}`, "status: must be 1..5, got 7"},
		// Parquet's nanosecond path would wrap year 0 to 1754
		{`{"booking_id": 1, "booking_date": "0000-10-01 00:00:00", "status": 1, "salon_id": 1}`, "booking_date: must be between 1900 and 2199"},
		{`{"booking_id": 1, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1, "occurred_at": "2300-01-01T00:00:00Z"}`, "occurred_at: must be between"},
		{`{"booking_id": 1, "booking_date": "2024-10-06T20:00:00", "status": "canceled", "salon_id": 1}`, "status: must be an integer"},
		{"{\"booking_id\": 1, \"booking_date\": \"2024-10-06T20:00:00\", \"status\": 1, \"salon_id\": 1, \"service\": \"Corte \xc3\x28\"}", "not valid UTF-8"},
		{"\xff\xfe{}", "not valid UTF-8"},
		{oversized, "more than the 65536 allowed"},
		{`{"booking_id": 1, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1, "occurred_at": "yesterday"}`, "occurred_at: must be RFC 3339"},
	}
	var recs []ingest.Record
	wantReason := map[string]string{}
	wantStored := map[string]bool{}
	for i, b := range bad {
		// a good record before every bad one
		g := "good-" + itoa(i)
		recs = append(recs, ingest.Record{Position: g, Body: []byte(good(100 + i)), EventID: g})
		wantStored[g] = true
		p := "bad-" + itoa(i)
		recs = append(recs, ingest.Record{Position: p, Body: []byte(b.body), EventID: p})
		wantReason[p] = b.reason
	}
	root := &storage.Dir{Path: t.TempDir()}
	res, err := newPipeline(t, root).Ingest(context.Background(), "jsonl", recs)
	if err != nil {
		t.Fatal(err)
	}
	if res.Received != 2*len(bad) || res.Written != len(bad) || res.Rejected != len(bad) || res.Failed != 0 {
		t.Errorf("result received %d written %d rejected %d failed %d, want %d %d %d 0",
			res.Received, res.Written, res.Rejected, res.Failed, 2*len(bad), len(bad), len(bad))
	}
	// one Parquet file (all good events occurred on 2024-10-01) and one
	// rejected object
	if res.FilesWritten != 2 {
		t.Errorf("files written %d, want 2", res.FilesWritten)
	}
	ids := eventIDCount(t, root)
	for g := range wantStored {
		if ids[g] != 1 {
			t.Errorf("%s stored %d times, want once", g, ids[g])
		}
	}
	if len(ids) != len(wantStored) {
		t.Errorf("stored ids %v, want only the good ones", ids)
	}
	lines := rejectedLines(t, root)
	if len(lines) != len(bad) {
		t.Fatalf("%d rejected lines, want %d", len(lines), len(bad))
	}
	for i, l := range lines {
		want := wantReason[l.Position]
		if !strings.Contains(l.Reason, want) {
			t.Errorf("%s: reason %q, want it to contain %q", l.Position, l.Reason, want)
		}
		raw, err := l.Raw()
		if err != nil || string(raw) != bad[i].body {
			t.Errorf("%s: kept body %q, want the raw %q", l.Position, raw, bad[i].body)
		}
		if l.Source != "jsonl" || !l.ReceivedAt.Equal(ingestTime) {
			t.Errorf("%s: source %q received %v", l.Position, l.Source, l.ReceivedAt)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// A retried batch writes the same names: nothing new is written and every
// record still counts as stored.
func TestRetriedBatchWritesNothingTwice(t *testing.T) {
	root := &storage.Dir{Path: t.TempDir()}
	p := newPipeline(t, root)
	recs := fixtureRecords(t, "kafka", "kafka-msk.json")
	first, err := p.Ingest(context.Background(), "kafka", recs)
	if err != nil {
		t.Fatal(err)
	}
	second, err := p.Ingest(context.Background(), "kafka", recs)
	if err != nil {
		t.Fatal(err)
	}
	// 3 stored in one file, 1 rejected in one object, both times
	if first.FilesWritten != 2 || second.FilesWritten != 0 || second.FilesExisting != 2 || second.Written != 3 || second.Rejected != 1 {
		t.Errorf("first %+v, second %+v", first, second)
	}
	objs, _ := root.List(context.Background(), "")
	if len(objs) != 2 {
		t.Errorf("objects %v, want one Parquet file and one rejected object", objs)
	}
}

// failingRoot fails Create for the keys that match, or the nth Create.
type failingRoot struct {
	storage.Root
	mu      sync.Mutex
	creates int
	failNth int                   // 1-based; 0 never
	failKey func(key string) bool // nil never
}

var errInjected = errors.New("injected: s3 unavailable")

func (f *failingRoot) Create(ctx context.Context, key string, data []byte) (bool, error) {
	f.mu.Lock()
	f.creates++
	n := f.creates
	f.mu.Unlock()
	if n == f.failNth || (f.failKey != nil && f.failKey(key)) {
		return false, errInjected
	}
	return f.Root.Create(ctx, key, data)
}

// Storage failing mid-batch: the records of the failed write, and only
// they, are reported; delivering exactly them again stores them, and in the
// end every good event is stored exactly once.
func TestStorageFailsMidBatch(t *testing.T) {
	// three days, two events each, and one bad record
	var recs []ingest.Record
	for i, occurred := range []string{"2024-10-01T10:00:00Z", "2024-10-01T11:00:00Z", "2024-10-02T10:00:00Z", "2024-10-02T11:00:00Z", "2024-10-03T10:00:00Z", "2024-10-03T11:00:00Z"} {
		id := "m" + itoa(i)
		recs = append(recs, ingest.Record{Position: id, EventID: id,
			Body: []byte(`{"booking_id": ` + itoa(i+1) + `, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1, "occurred_at": "` + occurred + `"}`)})
	}
	recs = append(recs, ingest.Record{Position: "bad", EventID: "bad", Body: []byte(`{"status": 9}`)})
	tests := []struct {
		name       string
		root       func(storage.Root) *failingRoot
		wantFailed []string
	}{
		{"the second day's file", func(r storage.Root) *failingRoot {
			return &failingRoot{Root: r, failKey: func(k string) bool { return strings.Contains(k, "dt=2024-10-02") }}
		}, []string{"m2", "m3"}},
		{"the rejected object", func(r storage.Root) *failingRoot {
			return &failingRoot{Root: r, failKey: func(k string) bool { return strings.HasPrefix(k, booking.RejectedPrefix) }}
		}, []string{"bad"}},
		{"every write", func(r storage.Root) *failingRoot {
			return &failingRoot{Root: r, failKey: func(string) bool { return true }}
		}, []string{"m0", "m1", "m2", "m3", "m4", "m5", "bad"}},
		{"the third write, in order", func(r storage.Root) *failingRoot { return &failingRoot{Root: r, failNth: 3} },
			[]string{"m4", "m5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := &storage.Dir{Path: t.TempDir()}
			p := newPipeline(t, tt.root(dir))
			p.Concurrency = 1 // writes in day order, then the rejected object
			res, err := p.Ingest(context.Background(), "sqs", recs)
			if !errors.Is(err, errInjected) {
				t.Fatalf("error %v, want the injected one", err)
			}
			if got := res.FailedPositions(); !slices.Equal(got, tt.wantFailed) {
				t.Fatalf("failed %v, want %v", got, tt.wantFailed)
			}
			if res.Written+res.Rejected+res.Failed != len(recs) {
				t.Errorf("result %+v does not add up to %d", res, len(recs))
			}
			// The source redelivers exactly the failed records.
			var retry []ingest.Record
			for _, r := range recs {
				if slices.Contains(tt.wantFailed, r.Position) {
					retry = append(retry, r)
				}
			}
			p.Root = dir
			again, err := p.Ingest(context.Background(), "sqs", retry)
			if err != nil || again.Failed != 0 {
				t.Fatalf("retry: %+v, %v", again, err)
			}
			ids := eventIDCount(t, dir)
			for _, r := range recs[:6] {
				if ids[r.EventID] != 1 {
					t.Errorf("%s stored %d times, want once", r.EventID, ids[r.EventID])
				}
			}
			if lines := rejectedLines(t, dir); len(lines) != 1 || lines[0].Position != "bad" {
				t.Errorf("rejected %+v, want the bad record once", lines)
			}
		})
	}
}

// Two records of one batch with one event id (an SQS file with one
// messageId twice, different bookings): both copies are written, both
// records count as stored, and Duplicates says one of them shares an id.
func TestDuplicateInOneBatch(t *testing.T) {
	first := []byte(`{"booking_id": 1, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1}`)
	second := []byte(`{"booking_id": 2, "booking_date": "2024-10-06T21:00:00", "status": 1, "salon_id": 1}`)
	recs := []ingest.Record{{Position: "a", EventID: "same", Body: first}, {Position: "b", EventID: "same", Body: second}}
	root := &storage.Dir{Path: t.TempDir()}
	res, err := newPipeline(t, root).Ingest(context.Background(), "sqs", recs)
	if err != nil || res.Written != 2 || res.Duplicates != 1 || res.FilesWritten != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	var bookings []int64
	for _, events := range storedEvents(t, root) {
		for _, e := range events {
			if e.EventID != "same" {
				t.Errorf("event id %q", e.EventID)
			}
			bookings = append(bookings, e.BookingID)
		}
	}
	slices.Sort(bookings)
	if !slices.Equal(bookings, []int64{1, 2}) {
		t.Errorf("stored bookings %v, want both 1 and 2", bookings)
	}
	// The same batch again writes nothing new.
	again, err := newPipeline(t, root).Ingest(context.Background(), "sqs", recs)
	if err != nil || again.FilesWritten != 0 || again.FilesExisting != 1 {
		t.Errorf("retry %+v %v", again, err)
	}
}

// The JSON-lines reader: blank lines skipped, positions by line number,
// ids by content, batches of the asked size.
func TestJSONLReader(t *testing.T) {
	in := "{\"a\":1}\n\n{\"b\":2}\r\n{\"c\":3}"
	r, err := ingest.NewReader(strings.NewReader(in), "jsonl", "in.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	first, err := r.Next(2)
	if err != nil || len(first) != 2 || first[0].Position != "in.jsonl:1" || first[1].Position != "in.jsonl:3" ||
		string(first[1].Body) != `{"b":2}` || first[1].EventID != ingest.ContentID([]byte(`{"b":2}`)) {
		t.Fatalf("first batch %+v %v", first, err)
	}
	second, err := r.Next(2)
	if err != nil || len(second) != 1 || second[0].Position != "in.jsonl:4" {
		t.Fatalf("second batch %+v %v", second, err)
	}
	if _, err := r.Next(2); err == nil {
		t.Fatal("want io.EOF after the last line")
	}
}

// An SQS dump from `aws sqs receive-message` reads like a Lambda event.
func TestSQSReceiveMessageDump(t *testing.T) {
	dump := `{"Messages": [{"MessageId": "m-1", "ReceiptHandle": "h", "MD5OfBody": "x",
	  "Body": "{\"booking_id\": 1, \"booking_date\": \"2024-10-06T20:00:00\", \"status\": 1, \"salon_id\": 1}",
	  "Attributes": {"SentTimestamp": "1626469652051"}}]}`
	recs, err := ingest.DocumentRecords("sqs", []byte(dump))
	if err != nil || len(recs) != 1 || recs[0].Position != "m-1" || recs[0].EventID != "m-1" ||
		!recs[0].OccurredAt.Equal(day("2021-07-16T21:07:32.051Z")) {
		t.Fatalf("%+v %v", recs, err)
	}
}

// The EMF line parses alone and carries every metric and both dimensions.
func TestWriteEMF(t *testing.T) {
	var buf bytes.Buffer
	err := ingest.WriteEMF(&buf, ingest.Invocation{
		Namespace: "InStudio/Ingest", FunctionName: "fn", Source: "sqs",
		Result: ingest.Result{Received: 5, Written: 3, Rejected: 1, Failed: 1, FilesWritten: 2, BytesWritten: 1234},
		Start:  ingestTime, Duration: 1500 * time.Microsecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(buf.Bytes(), []byte("\n")) != 1 {
		t.Fatalf("want one line, got %q", buf.String())
	}
	var doc struct {
		AWS struct {
			Timestamp         int64
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name, Unit string }
			}
		} `json:"_aws"`
		FunctionName, Source string
		RecordsReceived      int
		RecordsWritten       int
		RecordsRejected      int
		FilesWritten         int
		BytesWritten         int64
		DurationMs           float64
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	d := doc.AWS.CloudWatchMetrics[0]
	var names []string
	for _, m := range d.Metrics {
		names = append(names, m.Name)
	}
	for _, want := range []string{"RecordsReceived", "RecordsWritten", "RecordsRejected", "FilesWritten", "BytesWritten", "DurationMs"} {
		if !slices.Contains(names, want) {
			t.Errorf("metric %s missing from %v", want, names)
		}
	}
	if doc.AWS.Timestamp != ingestTime.UnixMilli() || d.Namespace != "InStudio/Ingest" ||
		!slices.Equal(d.Dimensions[0], []string{"FunctionName", "Source"}) || doc.FunctionName != "fn" || doc.Source != "sqs" ||
		doc.RecordsReceived != 5 || doc.RecordsWritten != 3 || doc.RecordsRejected != 1 || doc.FilesWritten != 2 ||
		doc.BytesWritten != 1234 || doc.DurationMs != 1.5 {
		t.Errorf("EMF %s", buf.String())
	}
}

// One event id on two days (a producer that reused an id): each copy is in
// its own day's file, so a failure of one day's file can never leave a
// record reported as stored without its copy.
func TestSameIDOnTwoDays(t *testing.T) {
	recs := []ingest.Record{
		{Position: "a", EventID: "same", Body: []byte(`{"booking_id": 1, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1, "occurred_at": "2024-10-01T10:00:00Z"}`)},
		{Position: "b", EventID: "same", Body: []byte(`{"booking_id": 1, "booking_date": "2024-10-06T20:00:00", "status": 2, "salon_id": 1, "occurred_at": "2024-10-02T10:00:00Z"}`)},
	}
	dir := &storage.Dir{Path: t.TempDir()}
	p := newPipeline(t, &failingRoot{Root: dir, failKey: func(k string) bool { return strings.Contains(k, "dt=2024-10-01") }})
	res, _ := p.Ingest(context.Background(), "sqs", recs)
	if got := res.FailedPositions(); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("failed %v, want [a]", got)
	}
	files := storedEvents(t, dir)
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	for key, events := range files {
		if booking.DayOfKey(key) != "2024-10-02" || len(events) != 1 || events[0].Status != 2 {
			t.Errorf("%s holds %+v, want b's copy only", key, events)
		}
	}
}

// sqsDoc is an SQS event of one message with a booking of id bookingID.
func sqsDoc(messageID string, bookingID int) string {
	return `{"Records": [{"messageId": "` + messageID + `", "eventSource": "aws:sqs", "attributes": {"SentTimestamp": "1626469652051"},
	  "body": "{\"booking_id\": ` + strconv.Itoa(bookingID) + `, \"booking_date\": \"2024-10-06T20:00:00\", \"status\": 1, \"salon_id\": 1}"}]}`
}

// One bad document in an SQS file is kept raw with its reason, and the
// documents around it are stored; text that is not JSON keeps the rest of
// the file, raw, as one rejected record.
func TestBadDocumentKeptAndRestStored(t *testing.T) {
	notSQS := `{"hello": "world"}`
	tail := "this is not JSON\n" + sqsDoc("m-4", 4) + "\n"
	in := sqsDoc("m-1", 1) + "\n" + notSQS + "\n" + sqsDoc("m-3", 3) + "\n" + tail
	r, err := ingest.NewReader(strings.NewReader(in), "sqs", "dlq.json")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := r.Next(100)
	if err != nil {
		t.Fatal(err)
	}
	var positions []string
	for _, rec := range recs {
		positions = append(positions, rec.Position)
	}
	want := []string{"m-1", "dlq.json: document 2", "m-3", "dlq.json: document 4 on"}
	if !slices.Equal(positions, want) {
		t.Fatalf("positions %q, want %q", positions, want)
	}
	root := &storage.Dir{Path: t.TempDir()}
	res, err := newPipeline(t, root).Ingest(context.Background(), "sqs", recs)
	if err != nil || res.Written != 2 || res.Rejected != 2 || res.Failed != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	if ids := eventIDCount(t, root); ids["m-1"] != 1 || ids["m-3"] != 1 || len(ids) != 2 {
		t.Errorf("stored %v, want m-1 and m-3", ids)
	}
	lines := rejectedLines(t, root)
	if len(lines) != 2 {
		t.Fatalf("rejected %+v", lines)
	}
	byPos := map[string]ingest.RejectedLine{}
	for _, l := range lines {
		byPos[l.Position] = l
	}
	if l := byPos["dlq.json: document 2"]; l.Body == nil || *l.Body != notSQS || !strings.Contains(l.Reason, "no Records or Messages") {
		t.Errorf("document 2 kept as %+v", l)
	}
	if l := byPos["dlq.json: document 4 on"]; l.Body == nil || *l.Body != "\n"+tail || !strings.Contains(l.Reason, "not JSON from document 4") {
		t.Errorf("the tail kept as %q: %s", *l.Body, l.Reason)
	}
}

// AWS's sample events of other sources, given as SQS, Kafka or HTTP, stop
// the read with the file, the document and what it looks like, where they
// used to become records "rejected: body is empty" with nothing kept.
func TestOtherSourcesRefused(t *testing.T) {
	like := map[string]string{
		"aws/kinesis-event.json":  "a Kinesis event",
		"aws/s3-event.json":       "an S3 event notification",
		"aws/sns-event.json":      "an SNS event",
		"aws/dynamodb-event.json": "a DynamoDB Streams event",
		"aws/apigw-request.json":  "an API Gateway v1 (REST API) request",
		"sqs-seed.json":           "an SQS event",
		"kafka-msk.json":          "a Kafka event",
		"apigw-v2.json":           "an API Gateway v2 request",
	}
	own := map[string]string{"sqs": "sqs-seed.json", "kafka": "kafka-msk.json", "http": "apigw-v2.json"}
	name := map[string]string{"sqs": "an SQS event", "kafka": "a Kafka event", "http": "an API Gateway v2 request"}
	for _, format := range []string{"sqs", "kafka", "http"} {
		for file, looks := range like {
			if file == own[format] {
				continue
			}
			t.Run(format+"/"+file, func(t *testing.T) {
				f, err := os.Open(filepath.Join("testdata", file))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				r, err := ingest.NewReader(f, format, file)
				if err != nil {
					t.Fatal(err)
				}
				recs, err := r.Next(100)
				want := file + ": document 1: this is " + looks
				if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), ", not "+name[format]) ||
					strings.Contains(err.Error(), "\n") || len(recs) != 0 {
					t.Fatalf("got %d records, error %v; want %q…", len(recs), err, want)
				}
			})
		}
	}
}

// A GET in an HTTP file is what the function answers 405: nothing of it is
// stored; it is kept raw as rejected, and the POST after it is stored.
func TestHTTPFileGETRejected(t *testing.T) {
	post, err := os.ReadFile(filepath.Join("testdata", "apigw-v2.json"))
	if err != nil {
		t.Fatal(err)
	}
	get := strings.Replace(string(post), `"method": "POST"`, `"method": "GET"`, 1)
	if get == string(post) {
		t.Fatal("fixture has no POST method")
	}
	r, err := ingest.NewReader(strings.NewReader(get+"\n"+string(post)), "http", "req.json")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := r.Next(100)
	if err != nil {
		t.Fatal(err)
	}
	root := &storage.Dir{Path: t.TempDir()}
	// The POST's body holds two events (booking 30 and 31).
	res, err := newPipeline(t, root).Ingest(context.Background(), "http", recs)
	if err != nil || res.Received != 3 || res.Written != 2 || res.Rejected != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	rej := res.Rejections()
	if rej[0].Position != "req.json: document 1" || !strings.HasPrefix(rej[0].Reason, "method GET: use POST") {
		t.Errorf("rejected %+v", rej[0])
	}
	if lines := rejectedLines(t, root); len(lines) != 1 || lines[0].Body == nil || *lines[0].Body != strings.TrimSpace(get) {
		t.Errorf("kept %+v", lines)
	}
}

// countingRoot counts the writes it is asked for.
type countingRoot struct {
	storage.Root
	creates atomic.Int64
}

func (c *countingRoot) Create(ctx context.Context, key string, data []byte) (bool, error) {
	c.creates.Add(1)
	return c.Root.Create(ctx, key, data)
}

// S3 down (a closed port on 127.0.0.1, versitygw's credentials): a file of
// 20 events in batches of one tries DefaultGiveUpAfter (3) writes, then
// reports the 17 others as not stored without trying them.
func TestIngestAllGivesUpOnADeadStore(t *testing.T) {
	srv := s3test.Start(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()
	opts := srv.Options()
	opts.Endpoint = dead
	opts.MaxAttempts = 1
	s3root, err := storage.Open(context.Background(), "s3://analytics", opts)
	if err != nil {
		t.Fatal(err)
	}
	root := &countingRoot{Root: s3root}
	var in strings.Builder
	for i := range 20 {
		fmt.Fprintf(&in, `{"booking_id": %d, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1}`+"\n", i+1)
	}
	r, err := ingest.NewReader(strings.NewReader(in.String()), "jsonl", "in.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	p := newPipeline(t, root)
	batches := 0
	total, readErr, storeErr := p.IngestAll(context.Background(), r, "jsonl", 1, func(error) { batches++ })
	if readErr != nil {
		t.Fatal(readErr)
	}
	if n := root.creates.Load(); n != 3 || batches != 3 {
		t.Errorf("%d writes tried, %d batch errors; want 3 and 3", n, batches)
	}
	if total.Received != 20 || total.Failed != 20 || total.Written != 0 || len(total.FailedPositions()) != 20 {
		t.Errorf("%+v", total)
	}
	if storeErr == nil || !strings.Contains(storeErr.Error(), "gave up after 3 writes in a row failed: 17 more records not attempted") {
		t.Errorf("error %v", storeErr)
	}
	if o := total.Outcomes[19]; o.Position != "in.jsonl:20" || o.Reason != ingest.ErrGaveUp.Error() {
		t.Errorf("last outcome %+v", o)
	}
}

// An SQS message whose SentTimestamp is there but not epoch milliseconds is
// rejected, not stored as if it occurred at ingest time; one without the
// attribute still defaults to ingest time.
func TestBadSentTimestampRejected(t *testing.T) {
	body := `{"booking_id": 1, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1}`
	recs := ingest.SQSRecords(events.SQSEvent{Records: []events.SQSMessage{
		{MessageId: "bad", Body: body, Attributes: map[string]string{"SentTimestamp": "2024-10-06"}},
		{MessageId: "none", Body: body},
	}})
	root := &storage.Dir{Path: t.TempDir()}
	res, err := newPipeline(t, root).Ingest(context.Background(), "sqs", recs)
	if err != nil || res.Written != 1 || res.Rejected != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if o := res.Outcomes[0]; o.Status != ingest.Rejected || o.Reason != `SentTimestamp "2024-10-06" is not a positive count of epoch milliseconds` {
		t.Errorf("bad: %+v", o)
	}
	for _, events := range storedEvents(t, root) {
		if len(events) != 1 || events[0].EventID != "none" || !events[0].OccurredAt.Equal(ingestTime) {
			t.Errorf("stored %+v", events)
		}
	}
}
