package ingest

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// The sources a batch can come from; they name rejected objects and the
// Source dimension of the metrics.
const (
	SourceSQS   = "sqs"
	SourceKafka = "kafka"
	SourceHTTP  = "http"
	SourceJSONL = "jsonl"
)

// Sources are the input formats, in the order messages list them.
var Sources = []string{SourceJSONL, SourceSQS, SourceKafka, SourceHTTP}

// SQSRecords turns an SQS event into records. A message's default event_id
// is its messageId and its default occurred_at its SentTimestamp.
func SQSRecords(ev events.SQSEvent) []Record {
	out := make([]Record, len(ev.Records))
	for i, m := range ev.Records {
		out[i] = Record{
			Position:   m.MessageId,
			Body:       []byte(m.Body),
			EventID:    m.MessageId,
			OccurredAt: epochMillis(m.Attributes["SentTimestamp"]),
		}
		// A SentTimestamp that is there but not epoch milliseconds would
		// silently make the event's default occurred_at the ingest time.
		if sent, ok := m.Attributes["SentTimestamp"]; ok && out[i].OccurredAt.IsZero() {
			out[i].Err = fmt.Sprintf("SentTimestamp %q is not a positive count of epoch milliseconds", sent)
		}
	}
	return out
}

// sqsMessages is the output of `aws sqs receive-message` (a dead-letter
// queue dump), the other shape an SQS file can have.
type sqsMessages struct {
	Messages []struct {
		MessageID  string            `json:"MessageId"`
		Body       string            `json:"Body"`
		Attributes map[string]string `json:"Attributes"`
	} `json:"Messages"`
}

func epochMillis(s string) time.Time {
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil || ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// KafkaRecords turns an MSK or self-managed Kafka event into records, in
// topic-partition then offset order. Values are base64; a value that is not
// is rejected as such. A record's default event_id is topic-partition-offset
// and its default occurred_at the record timestamp.
func KafkaRecords(ev events.KafkaEvent) []Record {
	var out []Record
	for _, tp := range slices.Sorted(maps.Keys(ev.Records)) {
		for _, r := range ev.Records[tp] {
			id := fmt.Sprintf("%s-%d-%d", r.Topic, r.Partition, r.Offset)
			rec := Record{Position: id, EventID: id, OccurredAt: r.Timestamp.UTC()}
			if r.Timestamp.UnixMilli() <= 0 {
				rec.OccurredAt = time.Time{}
			}
			body, err := base64.StdEncoding.DecodeString(r.Value)
			if err != nil {
				rec.Body = []byte(r.Value)
				rec.Err = "value is not base64: " + err.Error()
			} else {
				rec.Body = body
			}
			out = append(out, rec)
		}
	}
	return out
}

// UsePOST is what a client is told when it does not POST.
const UsePOST = "use POST with one booking event or a JSON array of them"

// CheckHTTPMethod refuses a request that is not a POST: the function
// answers it 405, and `ingest --input-format http` keeps it as rejected.
func CheckHTTPMethod(req events.APIGatewayV2HTTPRequest) error {
	if m := req.RequestContext.HTTP.Method; m != "POST" {
		if m == "" {
			m = "(none)"
		}
		return fmt.Errorf("method %s: %s", m, UsePOST)
	}
	return nil
}

// HTTPRecords turns an API Gateway v2 (or function URL) request into
// records: its body is one event or a JSON array of events. A body's
// default event_id is a hash of the event's bytes, so a client that retries
// a request does not store it twice; its default occurred_at is the time of
// the request.
func HTTPRecords(req events.APIGatewayV2HTTPRequest) []Record {
	at := time.Time{}
	if req.RequestContext.TimeEpoch > 0 {
		at = time.UnixMilli(req.RequestContext.TimeEpoch).UTC()
	}
	body := []byte(req.Body)
	if req.IsBase64Encoded {
		raw, err := base64.StdEncoding.DecodeString(req.Body)
		if err != nil {
			return []Record{{Position: "body", Body: body, Err: "body is not base64: " + err.Error()}}
		}
		body = raw
	}
	return BodyRecords(body, at)
}

// BodyRecords splits a request body: a JSON array gives one record per
// element ("body[i]"), anything else is one record ("body").
func BodyRecords(body []byte, at time.Time) []Record {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(trimmed, &items); err != nil {
			return []Record{{Position: "body", Body: body, Err: "not a JSON array of events: " + err.Error()}}
		}
		out := make([]Record, len(items))
		for i, item := range items {
			out[i] = Record{Position: fmt.Sprintf("body[%d]", i), Body: item, EventID: ContentID(item), OccurredAt: at}
		}
		return out
	}
	return []Record{{Position: "body", Body: body, EventID: ContentID(trimmed), OccurredAt: at}}
}

// Reader yields the records of a local file, batch by batch.
type Reader interface {
	// Next returns up to max records; io.EOF after the last.
	Next(max int) ([]Record, error)
}

// OpenInput opens the input a run names: the file at path, or stdin for
// "-". name is what record positions and errors call it; done closes it.
func OpenInput(path string, stdin io.Reader) (r io.Reader, name string, done func(), err error) {
	if path == "-" {
		return stdin, "stdin", func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", nil, err
	}
	return f, path, func() { f.Close() }, nil
}

// NewReader reads records from r in a format: "jsonl" (one event a line),
// or a stream of one or more JSON documents of an event source: "sqs" (a
// Lambda SQS event or `aws sqs receive-message` output, such as a
// dead-letter queue dump), "kafka" (an MSK or self-managed Kafka event),
// "http" (an API Gateway v2 request). name prefixes line positions.
func NewReader(r io.Reader, format, name string) (Reader, error) {
	switch format {
	case SourceJSONL:
		return &jsonlReader{r: bufio.NewReaderSize(r, 1<<20), name: name}, nil
	case SourceSQS, SourceKafka, SourceHTTP:
		return &docReader{r: r, dec: json.NewDecoder(r), format: format, name: name}, nil
	}
	return nil, fmt.Errorf("unknown format %q: use jsonl, sqs, kafka or http", format)
}

// jsonlReader reads one event a line. Blank lines are skipped; every other
// line is a record, however long or malformed.
type jsonlReader struct {
	r    *bufio.Reader
	name string
	line int
	eof  bool
}

func (j *jsonlReader) Next(max int) ([]Record, error) {
	var out []Record
	for len(out) < max && !j.eof {
		line, err := j.r.ReadBytes('\n')
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return out, fmt.Errorf("%s: line %d: %w", j.name, j.line+1, err)
			}
			j.eof = true
		}
		if len(line) == 0 {
			break
		}
		j.line++
		body := bytes.TrimRight(line, "\r\n")
		if len(bytes.TrimSpace(body)) == 0 {
			continue
		}
		out = append(out, Record{
			Position: fmt.Sprintf("%s:%d", j.name, j.line),
			Body:     body,
			EventID:  ContentID(body),
		})
	}
	if len(out) == 0 && j.eof {
		return nil, io.EOF
	}
	return out, nil
}

// docReader reads a stream of event-source documents. A document's records
// are never split across two batches only when it fits in one.
//
// A bad document does not stop the file: a document that is JSON but not an
// event of the format becomes one record, rejected with its reason and kept
// raw; the reader goes on with the next. Text that is not JSON cannot be
// split into documents, so the rest of the file from there becomes one
// rejected record, kept as it is.
type docReader struct {
	r       io.Reader
	dec     *json.Decoder
	format  string
	name    string
	doc     int
	pending []Record
	eof     bool
}

func (d *docReader) Next(max int) ([]Record, error) {
	for len(d.pending) < max && !d.eof {
		var raw json.RawMessage
		if err := d.dec.Decode(&raw); err != nil {
			if errors.Is(err, io.EOF) {
				d.eof = true
				break
			}
			// The decoder stops at the start of the bad value: what it
			// holds and what it has not read are the rest of the file.
			rest, rerr := io.ReadAll(io.MultiReader(d.dec.Buffered(), d.r))
			if rerr != nil {
				return nil, fmt.Errorf("%s: document %d: %w", d.name, d.doc+1, rerr)
			}
			d.eof = true
			d.pending = append(d.pending, Record{
				Position: fmt.Sprintf("%s: document %d on", d.name, d.doc+1),
				Body:     rest,
				Err:      fmt.Sprintf("not JSON from document %d to the end of the file, kept as it is: %v", d.doc+1, err),
			})
			break
		}
		d.doc++
		recs, err := DocumentRecords(d.format, raw)
		var wrong *WrongSourceError
		if errors.As(err, &wrong) {
			// Another source's event: the format or the file is wrong as a
			// whole, and nothing of it is ours to keep.
			return nil, fmt.Errorf("%s: document %d: %w", d.name, d.doc, err)
		}
		if err != nil {
			recs = []Record{{Position: fmt.Sprintf("%s: document %d", d.name, d.doc), Body: raw, Err: err.Error()}}
		}
		d.pending = append(d.pending, recs...)
	}
	if len(d.pending) == 0 {
		return nil, io.EOF
	}
	n := min(max, len(d.pending))
	out := d.pending[:n:n]
	d.pending = d.pending[n:]
	return out, nil
}

// DocumentRecords decodes one event-source document of a format.
func DocumentRecords(format string, raw []byte) ([]Record, error) {
	switch format {
	case SourceSQS:
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(raw, &probe); err != nil {
			return nil, fmt.Errorf("not an SQS event: %w", err)
		}
		if _, ok := probe["Messages"]; ok {
			var m sqsMessages
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, fmt.Errorf("not an SQS receive-message output: %w", err)
			}
			var ev events.SQSEvent
			for _, msg := range m.Messages {
				ev.Records = append(ev.Records, events.SQSMessage{MessageId: msg.MessageID, Body: msg.Body, Attributes: msg.Attributes})
			}
			return SQSRecords(ev), nil
		}
		if err := checkShape(format, raw); err != nil {
			return nil, err
		}
		if _, ok := probe["Records"]; !ok {
			return nil, errors.New("not an SQS event: no Records or Messages")
		}
		var ev events.SQSEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, fmt.Errorf("not an SQS event: %w", err)
		}
		return SQSRecords(ev), nil
	case SourceKafka:
		if err := checkShape(format, raw); err != nil {
			return nil, err
		}
		var ev events.KafkaEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, fmt.Errorf("not a Kafka event: %w", err)
		}
		if ev.Records == nil {
			return nil, errors.New("not a Kafka event: no records")
		}
		return KafkaRecords(ev), nil
	case SourceHTTP:
		if err := checkShape(format, raw); err != nil {
			return nil, err
		}
		var req events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, fmt.Errorf("not an API Gateway v2 request: %w", err)
		}
		if err := CheckHTTPMethod(req); err != nil {
			return nil, fmt.Errorf("%w (the function answers 405 and stores nothing)", err)
		}
		return HTTPRecords(req), nil
	}
	return nil, fmt.Errorf("unknown format %q", format)
}
