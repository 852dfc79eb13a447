// Package ingest owns the ingest pipeline: raw booking messages from SQS,
// Kafka, HTTP or a local file are decoded and validated (booking.Decode),
// grouped into one batch per dt day, encoded as Parquet (zstd) and written
// through a storage root under a name derived from the batch's event ids,
// create-if-absent. Records that fail validation are kept, raw, with their
// reason and source position, in one JSON-lines object per batch under the
// rejected prefix.
//
// The pipeline never loses a record: every record ends stored, rejected (and
// kept), or failed, and a failed record is reported by its position so that
// the source retries exactly it. A retried batch writes the same names, so a
// retry never writes a second copy; a message redelivered into another batch,
// or twice into one, is harmless because readers deduplicate on event_id.
//
// It is pure Go (no cgo): the Lambda links it.
package ingest

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/storage"
)

// DefaultMaxRecordBytes bounds one record's body. A booking event is a few
// hundred bytes; anything this large is not one, and decoding it would only
// cost memory.
const DefaultMaxRecordBytes = 64 << 10

// Record is one raw message and where it came from.
type Record struct {
	// Position names the record in its source: the SQS messageId (what
	// batchItemFailures names), the Kafka topic-partition-offset, "line N"
	// of a file, "body[i]" of an HTTP request.
	Position string
	// Body is the raw message: one JSON booking event.
	Body []byte
	// EventID and OccurredAt are the defaults of docs/design.md for a body
	// without event_id or occurred_at; a zero OccurredAt means ingest time.
	EventID    string
	OccurredAt time.Time
	// Err, when set, rejects the record before decoding: the source could
	// not even extract its body (a Kafka value that is not base64).
	Err string
}

// Status is what became of one record.
type Status int

// The three ends of a record.
const (
	// Stored: the event is in a Parquet file (written now, or already
	// there from an earlier delivery of the same batch).
	Stored Status = iota + 1
	// Rejected: the record failed validation and is kept, raw, with its
	// reason, under the rejected prefix. Retrying it would fail again.
	Rejected
	// Failed: the record could not be stored or kept (a storage error);
	// the source must deliver it again.
	Failed
)

func (s Status) String() string {
	switch s {
	case Stored:
		return "stored"
	case Rejected:
		return "rejected"
	case Failed:
		return "failed"
	}
	return "unknown"
}

// Outcome is the end of one record of a batch.
type Outcome struct {
	Position string
	Status   Status
	// Reason says why a record was rejected, or the storage error that
	// failed it.
	Reason string
	// Key is the object that holds the record (Parquet or rejected).
	Key string
}

// NotStoredReason is what a client is told about a record that could not be
// stored: the storage error names the bucket, the endpoint and how the
// function is configured, which is nothing a client can act on and nothing
// it should learn; the details go to the log.
const NotStoredReason = "not stored: the event store could not be written just now; retry the request"

// ClientReason is the reason to give the sender of the record: a rejected
// record's reason says what is wrong with the record itself; a failed
// record gets NotStoredReason.
func (o Outcome) ClientReason() string {
	if o.Status == Failed {
		return NotStoredReason
	}
	return o.Reason
}

// Result is what one batch came to. Every record of the batch is in exactly
// one of Written, Rejected and Failed.
type Result struct {
	Source   string
	Received int
	Written  int // stored, in a file written now or already there
	Rejected int // kept under the rejected prefix
	Failed   int // neither: the source must retry them
	// Duplicates counts the good records whose event_id an earlier record
	// of the batch has too: each is written (and counted in Written), but
	// readers, which deduplicate on event_id, keep one of them.
	Duplicates int
	// FilesWritten and BytesWritten count objects created by this batch
	// (Parquet and rejected); FilesExisting counts names already present.
	FilesWritten  int
	FilesExisting int
	BytesWritten  int64
	// Outcomes has one entry per record, in input order.
	Outcomes []Outcome
}

// FailedPositions lists the positions of the records not stored, in input
// order: what an SQS batchItemFailures response names.
func (r Result) FailedPositions() []string {
	var out []string
	for _, o := range r.Outcomes {
		if o.Status == Failed {
			out = append(out, o.Position)
		}
	}
	return out
}

// Rejections lists the rejected records, in input order.
func (r Result) Rejections() []Outcome {
	var out []Outcome
	for _, o := range r.Outcomes {
		if o.Status == Rejected {
			out = append(out, o)
		}
	}
	return out
}

// Add sums b into r (a run of many batches).
func (r *Result) Add(b Result) {
	r.Received += b.Received
	r.Written += b.Written
	r.Rejected += b.Rejected
	r.Failed += b.Failed
	r.Duplicates += b.Duplicates
	r.FilesWritten += b.FilesWritten
	r.FilesExisting += b.FilesExisting
	r.BytesWritten += b.BytesWritten
	r.Outcomes = append(r.Outcomes, b.Outcomes...)
}

// Pipeline decodes, batches and stores records.
type Pipeline struct {
	Root storage.Root
	// Prefix holds the booking files (default booking.Prefix): keys are
	// <Prefix>/dt=YYYY-MM-DD/<name>.parquet.
	Prefix string
	// RejectedPrefix holds the rejected records (default
	// booking.RejectedPrefix): <RejectedPrefix>/dt=<ingest day>/<name>.jsonl.
	RejectedPrefix string
	// Zone is the platform time zone for booking dates given as instants.
	Zone *time.Location
	// Now is the clock: ingested_at, and occurred_at when nothing else
	// gives it.
	Now func() time.Time
	// MaxRecordBytes rejects larger bodies (default DefaultMaxRecordBytes).
	MaxRecordBytes int
	// Concurrency bounds the objects written at once (default 8).
	Concurrency int
	// GiveUpAfter, when above zero, stops writing after that many writes
	// in a row have failed (a store that is down): every later write fails
	// at once with ErrGaveUp instead of waiting out the client's retries.
	// IngestAll sets it (DefaultGiveUpAfter) for a run over a file; the
	// Lambda leaves it zero, since its next invocation should try again.
	GiveUpAfter int
	// failStreak counts the writes failed in a row.
	failStreak atomic.Int64
}

// DefaultGiveUpAfter is the failed writes in a row after which IngestAll
// stops writing.
const DefaultGiveUpAfter = 3

// ErrGaveUp fails a write not attempted because the writes before it
// failed, GiveUpAfter of them in a row.
var ErrGaveUp = errors.New("not attempted: the writes before it failed")

// create writes one object, or fails it at once when the pipeline has
// given up; it keeps the count of writes failed in a row.
func (p *Pipeline) create(ctx context.Context, key string, data []byte) (bool, error) {
	if p.GiveUpAfter > 0 && p.failStreak.Load() >= int64(p.GiveUpAfter) {
		return false, ErrGaveUp
	}
	created, err := p.Root.Create(ctx, key, data)
	if err != nil {
		p.failStreak.Add(1)
	} else {
		p.failStreak.Store(0)
	}
	return created, err
}

// GaveUp reports whether the pipeline has stopped writing (GiveUpAfter).
func (p *Pipeline) GaveUp() bool {
	return p.GiveUpAfter > 0 && p.failStreak.Load() >= int64(p.GiveUpAfter)
}

// decoded is one record after decoding: an event, or why not.
type decoded struct {
	event  booking.Event
	day    string // the event's dt partition
	reason string
}

// Ingest runs one batch from source ("sqs", "kafka", "http", "jsonl") and
// reports what became of every record. The error is non-nil exactly when
// some records failed (a storage error); the Result is complete either way.
func (p *Pipeline) Ingest(ctx context.Context, source string, records []Record) (Result, error) {
	now := p.Now().UTC()
	res := Result{Source: source, Received: len(records), Outcomes: make([]Outcome, len(records))}
	for i, r := range records {
		res.Outcomes[i].Position = r.Position
	}
	dec := p.decodeAll(records, now)

	// Group the good events by day. Every record's event is written, even
	// a second one with an event id already seen in the batch (the same
	// message delivered twice at once, or two messages a producer gave one
	// id): readers deduplicate on event_id, and dropping a copy here would
	// lose a booking whenever the two differ. Duplicates counts them, so
	// the summary says how many records readers will fold into another.
	type group struct {
		events  []booking.Event
		records []int // input indexes
	}
	// Size each day's slices first: a batch of 10,000 events would
	// otherwise spend much of its time growing them.
	perDay := map[string]int{}
	for _, d := range dec {
		if d.reason == "" {
			perDay[d.day]++
		}
	}
	groups := make(map[string]*group, len(perDay))
	for day, n := range perDay {
		groups[day] = &group{events: make([]booking.Event, 0, n), records: make([]int, 0, n)}
	}
	var rejected []int
	seen := make(map[string]bool, len(dec))
	for i, d := range dec {
		if d.reason != "" {
			rejected = append(rejected, i)
			continue
		}
		if seen[d.event.EventID] {
			res.Duplicates++
		}
		seen[d.event.EventID] = true
		g := groups[d.day]
		g.records = append(g.records, i)
		g.events = append(g.events, d.event)
	}

	var mu sync.Mutex
	settle := func(idx []int, status Status, key, reason string, created bool, size int) {
		mu.Lock()
		defer mu.Unlock()
		for _, i := range idx {
			o := &res.Outcomes[i]
			o.Status, o.Key = status, key
			switch status {
			case Stored:
				res.Written++
			case Rejected:
				res.Rejected++
				o.Reason = dec[i].reason
			case Failed:
				res.Failed++
				o.Reason = reason
				if dec[i].reason != "" {
					o.Reason = dec[i].reason + " (not kept: " + reason + ")"
				}
			}
		}
		if status == Failed {
			return
		}
		if created {
			res.FilesWritten++
			res.BytesWritten += int64(size)
		} else {
			res.FilesExisting++
		}
	}

	var errs []error
	var errMu sync.Mutex
	fail := func(idx []int, err error) {
		settle(idx, Failed, "", err.Error(), false, 0)
		errMu.Lock()
		errs = append(errs, err)
		errMu.Unlock()
	}

	var g errgroup.Group
	g.SetLimit(cmp.Or(p.Concurrency, 8))
	days := make([]string, 0, len(groups))
	for d := range groups {
		days = append(days, d)
	}
	slices.Sort(days)
	for _, day := range days {
		grp := groups[day]
		g.Go(func() error {
			f := p.dayFile(day, grp.events)
			key, created, size, err := f.Write(ctx, p.create)
			if err != nil {
				fail(grp.records, err)
				return nil
			}
			settle(grp.records, Stored, key, "", created, size)
			return nil
		})
	}
	if len(rejected) > 0 {
		g.Go(func() error {
			key, data := p.rejectedObject(source, records, dec, rejected, now)
			created, err := p.create(ctx, key, data)
			if err != nil {
				fail(rejected, err)
				return nil
			}
			settle(rejected, Rejected, key, "", created, len(data))
			return nil
		})
	}
	_ = g.Wait()
	if len(errs) > 0 {
		return res, fmt.Errorf("%d of %d records not stored: %w", res.Failed, res.Received, errors.Join(errs...))
	}
	return res, nil
}

// decodeAll decodes every record, in parallel for large batches: decoding
// is most of the CPU time of a batch.
func (p *Pipeline) decodeAll(records []Record, now time.Time) []decoded {
	out := make([]decoded, len(records))
	one := func(i int) {
		out[i] = p.decode(records[i], now)
	}
	workers := runtime.GOMAXPROCS(0)
	if len(records) < 256 || workers == 1 {
		for i := range records {
			one(i)
		}
		return out
	}
	var wg sync.WaitGroup
	chunk := (len(records) + workers - 1) / workers
	for start := 0; start < len(records); start += chunk {
		end := min(start+chunk, len(records))
		wg.Go(func() {
			for i := start; i < end; i++ {
				one(i)
			}
		})
	}
	wg.Wait()
	return out
}

func (p *Pipeline) decode(r Record, now time.Time) decoded {
	limit := cmp.Or(p.MaxRecordBytes, DefaultMaxRecordBytes)
	switch {
	case r.Err != "":
		return decoded{reason: r.Err}
	case len(r.Body) > limit:
		return decoded{reason: fmt.Sprintf("body is %d bytes, more than the %d allowed", len(r.Body), limit)}
	case !utf8.Valid(r.Body):
		return decoded{reason: "body is not valid UTF-8"}
	case len(bytes.TrimSpace(r.Body)) == 0:
		return decoded{reason: "body is empty"}
	}
	occurred := r.OccurredAt
	if occurred.IsZero() {
		occurred = now
	}
	e, err := booking.Decode(r.Body, booking.DecodeOptions{
		Zone:       p.Zone,
		EventID:    r.EventID,
		OccurredAt: occurred,
		IngestedAt: now,
	})
	if err != nil {
		// JSON's own complaint ("invalid character 'h' in literal true")
		// points the wrong way for a line that is not JSON at all.
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return decoded{reason: "not JSON: it starts with " + firstBytes(r.Body)}
		}
		return decoded{reason: err.Error()}
	}
	return decoded{event: e, day: e.Day()}
}

// firstBytes quotes the start of a body (valid UTF-8) for a message.
func firstBytes(body []byte) string {
	const most = 24
	body = bytes.TrimSpace(body)
	if len(body) <= most {
		return fmt.Sprintf("%q", body)
	}
	cut := most
	for cut > 0 && !utf8.RuneStart(body[cut]) {
		cut--
	}
	return fmt.Sprintf("%q…", body[:cut])
}

// dayFile is the batch file of one day's events, named by their event
// ids: the same set of events always gets the same name, so a retried
// batch finds its file already written instead of writing a second copy.
// Sorted ByEventID, its bytes do not depend on the order of delivery.
func (p *Pipeline) dayFile(day string, events []booking.Event) *booking.DayFile {
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.EventID
	}
	slices.Sort(ids)
	for i, id := range ids {
		ids[i] = fmt.Sprintf("%d:%s", len(id), id)
	}
	return &booking.DayFile{
		Prefix: p.Prefix, Day: day, Label: "ingest-", Hashed: ids, HashLen: 32,
		Parts: [][]booking.Event{events}, Order: booking.ByEventID,
	}
}

// RejectedLine is one line of a rejected object: the record as received,
// where it came from, and why it was not stored.
type RejectedLine struct {
	Source     string    `json:"source"`
	Position   string    `json:"position"`
	Reason     string    `json:"reason"`
	ReceivedAt time.Time `json:"received_at"`
	// Body is the raw record when it is valid UTF-8; otherwise BodyBase64
	// holds its bytes.
	Body       *string `json:"body,omitempty"`
	BodyBase64 *string `json:"body_base64,omitempty"`
}

// NewRejectedLine keeps body as it came: as text when it is valid UTF-8,
// else base64.
func NewRejectedLine(source, position, reason string, body []byte, at time.Time) RejectedLine {
	l := RejectedLine{Source: source, Position: position, Reason: reason, ReceivedAt: at}
	if utf8.Valid(body) {
		s := string(body)
		l.Body = &s
	} else {
		s := base64.StdEncoding.EncodeToString(body)
		l.BodyBase64 = &s
	}
	return l
}

// Raw returns the record's bytes exactly as received.
func (l RejectedLine) Raw() ([]byte, error) {
	switch {
	case l.Body != nil:
		return []byte(*l.Body), nil
	case l.BodyBase64 != nil:
		return base64.StdEncoding.DecodeString(*l.BodyBase64)
	}
	return nil, nil
}

// rejectedObject is the JSON-lines object of a batch's rejected records,
// named by their positions and bodies so a retried batch writes it once.
func (p *Pipeline) rejectedObject(source string, records []Record, dec []decoded, idx []int, now time.Time) (string, []byte) {
	var buf bytes.Buffer
	h := sha256.New()
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, i := range idx {
		r := records[i]
		fmt.Fprintf(h, "%d:%s%d:", len(r.Position), r.Position, len(r.Body))
		h.Write(r.Body)
		// A line of strings and a time cannot fail to encode.
		_ = enc.Encode(NewRejectedLine(source, r.Position, dec[i].reason, r.Body, now))
	}
	name := source + "-" + hex.EncodeToString(h.Sum(nil))[:32]
	return path.Join(p.RejectedKeyPrefix(), "dt="+now.Format(time.DateOnly), name+".jsonl"), buf.Bytes()
}

// RejectedKeyPrefix is the key prefix that holds the rejected objects.
func (p *Pipeline) RejectedKeyPrefix() string {
	return strings.Trim(cmp.Or(p.RejectedPrefix, booking.RejectedPrefix), "/")
}

// ContentID is the default event_id of a record that carries no id of its
// own and whose source gives none (a line of a file, an HTTP body): a hash
// of its bytes, so that the same line ingested twice is one event.
func ContentID(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:16])
}
