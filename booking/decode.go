package booking

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// DecodeOptions says how to read the parts of a producer's JSON that depend
// on where it came from.
type DecodeOptions struct {
	// Zone is the platform time zone: a booking_date given as an instant
	// (with Z or an offset) becomes wall-clock time there. Nil means UTC.
	Zone *time.Location
	// EventID is used when the payload has no event_id (SQS messageId,
	// Kafka topic-partition-offset, a hash of the raw line).
	EventID string
	// OccurredAt is used when the payload has no occurred_at (SQS
	// SentTimestamp, Kafka record timestamp, else ingest time).
	OccurredAt time.Time
	// IngestedAt is stamped on the event.
	IngestedAt time.Time
}

// MaxFutureSkew is how far after its arrival an event's occurred_at may be:
// the clock skew allowed between a producer and ingest. Later ones are
// rejected (kept raw with the reason, as every rejected record).
const MaxFutureSkew = 15 * time.Minute

// Decode reads one booking event in either producer variant of docs/design.md
// (numbers as JSON numbers or as strings; price in currency units) and
// validates it. Unknown fields are ignored. The error names the field.
func Decode(raw []byte, opt DecodeOptions) (Event, error) {
	var fields map[string]json.RawMessage
	// Unmarshal, not a Decoder: a body with anything after its object is
	// not one event.
	if err := json.Unmarshal(raw, &fields); err != nil {
		return Event{}, fmt.Errorf("not a JSON object: %w", err)
	}
	if fields == nil {
		return Event{}, fmt.Errorf("not a JSON object: null")
	}
	f := fieldReader(fields)
	zone := opt.Zone
	if zone == nil {
		zone = time.UTC
	}

	var e Event
	var err error
	if e.BookingID, err = f.requiredInt("booking_id"); err != nil {
		return Event{}, err
	}
	if e.SalonID, err = f.requiredInt("salon_id"); err != nil {
		return Event{}, err
	}
	status, err := f.requiredInt("status")
	if err != nil {
		return Event{}, err
	}
	e.Status = Status(status)
	if !e.Status.Valid() {
		return Event{}, fieldError("status", fmt.Sprintf("must be 1..5, got %d", status))
	}
	if e.BookingDate, err = f.bookingDate(zone); err != nil {
		return Event{}, err
	}
	if e.UserID, err = f.optionalInt("user_id"); err != nil {
		return Event{}, err
	}
	if e.EmployeeID, err = f.optionalInt("employee_id"); err != nil {
		return Event{}, err
	}
	if e.PaymentID, err = f.optionalInt("payment_id"); err != nil {
		return Event{}, err
	}
	if e.Service, err = f.optionalString("service"); err != nil {
		return Event{}, err
	}
	if e.Service == nil {
		if e.Service, err = f.optionalString("service_name"); err != nil {
			return Event{}, err
		}
	}
	if e.AmountCents, err = f.optionalInt("amount_cents"); err != nil {
		return Event{}, err
	}
	if e.AmountCents == nil {
		if e.AmountCents, err = f.price("price"); err != nil {
			return Event{}, err
		}
	}

	id, err := f.optionalString("event_id")
	if err != nil {
		return Event{}, err
	}
	e.EventID = opt.EventID
	if id != nil {
		e.EventID = *id
	}
	typ, err := f.optionalString("event_type")
	if err != nil {
		return Event{}, err
	}
	e.EventType = e.Status.EventType()
	if typ != nil && *typ != "" {
		e.EventType = *typ
	}
	occurred, err := f.instant("occurred_at")
	if err != nil {
		return Event{}, err
	}
	e.OccurredAt = opt.OccurredAt.UTC()
	if occurred != nil {
		e.OccurredAt = *occurred
	}
	e.IngestedAt = opt.IngestedAt.UTC()
	if e.IngestedAt.IsZero() {
		e.IngestedAt = e.OccurredAt
	}
	if err := e.Validate(); err != nil {
		return Event{}, err
	}
	// An event cannot have happened after it arrived, beyond the clock
	// skew between producer and ingest. Accepted, one event dated next
	// year would sit in the newest partition for a year.
	if !opt.IngestedAt.IsZero() && e.OccurredAt.After(e.IngestedAt.Add(MaxFutureSkew)) {
		return Event{}, fieldError("occurred_at", fmt.Sprintf("is %s, more than %s after it arrived (%s)",
			e.OccurredAt.Format(time.RFC3339), MaxFutureSkew, e.IngestedAt.Format(time.RFC3339)))
	}
	return e, nil
}

// fieldReader reads typed fields out of a decoded JSON object; a JSON null
// counts as absent.
type fieldReader map[string]json.RawMessage

func (f fieldReader) get(name string) (json.RawMessage, bool) {
	raw, ok := f[name]
	if !ok || string(raw) == "null" {
		return nil, false
	}
	return raw, true
}

// scalar returns the text of a JSON number or string. The object was
// decoded whole, so raw is one valid JSON value: its first byte says which
// kind. (A json.Decoder a field cost more than the rest of decoding.)
func (f fieldReader) scalar(name string) (string, bool, error) {
	raw, ok := f.get(name)
	if !ok {
		return "", false, nil
	}
	switch c := raw[0]; {
	case c == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", false, fieldError(name, err.Error())
		}
		return strings.TrimSpace(s), true, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return string(raw), true, nil
	}
	return "", false, fieldError(name, fmt.Sprintf("must be a number or a string, got %s", raw))
}

func (f fieldReader) optionalInt(name string) (*int64, error) {
	s, ok, err := f.scalar(name)
	if err != nil || !ok {
		return nil, err
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return &n, nil
	}
	// Some producers write whole numbers as 1.0 or "1.0"; those are
	// integers too. 1.5 is not.
	r, ok := new(big.Rat).SetString(s)
	if !ok || !r.IsInt() || !r.Num().IsInt64() {
		return nil, fieldError(name, fmt.Sprintf("must be an integer, got %q", s))
	}
	n := r.Num().Int64()
	return &n, nil
}

func (f fieldReader) requiredInt(name string) (int64, error) {
	n, err := f.optionalInt(name)
	if err != nil {
		return 0, err
	}
	if n == nil {
		return 0, fieldError(name, "is required")
	}
	if *n <= 0 {
		return 0, fieldError(name, fmt.Sprintf("must be > 0, got %d", *n))
	}
	return *n, nil
}

func (f fieldReader) optionalString(name string) (*string, error) {
	raw, ok := f.get(name)
	if !ok {
		return nil, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fieldError(name, fmt.Sprintf("must be a string, got %s", raw))
	}
	return &s, nil
}

// price reads a decimal amount in currency units and returns it in cents,
// rounded half away from zero. It is parsed as an exact decimal so that
// "100.50" is 10050 cents, never 10049.
func (f fieldReader) price(name string) (*int64, error) {
	s, ok, err := f.scalar(name)
	if err != nil || !ok {
		return nil, err
	}
	r, valid := new(big.Rat).SetString(s)
	if !valid {
		return nil, fieldError(name, fmt.Sprintf("must be a decimal amount, got %q", s))
	}
	if r.Sign() < 0 {
		return nil, fieldError(name, fmt.Sprintf("must be >= 0, got %s", s))
	}
	r.Mul(r, big.NewRat(100, 1))
	// Round half up (the value is non-negative): floor(r + 1/2).
	r.Add(r, big.NewRat(1, 2))
	cents := new(big.Int).Quo(r.Num(), r.Denom())
	if !cents.IsInt64() {
		return nil, fieldError(name, fmt.Sprintf("is out of range: %s", s))
	}
	n := cents.Int64()
	return &n, nil
}

// Layouts of a wall-clock booking_date (no offset), most common first.
var wallLayouts = []string{
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
}

// bookingDate reads booking_date as wall-clock time; an instant (with Z or
// an offset) is converted to wall-clock time in zone.
func (f fieldReader) bookingDate(zone *time.Location) (time.Time, error) {
	s, err := f.optionalString("booking_date")
	if err != nil {
		return time.Time{}, err
	}
	if s == nil || *s == "" {
		return time.Time{}, fieldError("booking_date", "is required")
	}
	if t, err := time.Parse(time.RFC3339Nano, *s); err == nil {
		return WallClock(t.In(zone)), nil
	}
	for _, layout := range wallLayouts {
		if t, err := time.Parse(layout, *s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fieldError("booking_date", fmt.Sprintf("must be ISO 8601 like 2024-10-06T20:00:00, got %q", *s))
}

// instant reads an RFC 3339 time; without an offset it is UTC.
func (f fieldReader) instant(name string) (*time.Time, error) {
	s, err := f.optionalString(name)
	if err != nil || s == nil || *s == "" {
		return nil, err
	}
	if t, err := time.Parse(time.RFC3339Nano, *s); err == nil {
		t = t.UTC()
		return &t, nil
	}
	for _, layout := range wallLayouts {
		if t, err := time.Parse(layout, *s); err == nil {
			return &t, nil
		}
	}
	return nil, fieldError(name, fmt.Sprintf("must be RFC 3339 like 2024-10-06T20:00:00Z, got %q", *s))
}

// WallClock returns the wall-clock reading of t as a time.Time in UTC, the
// form in which booking dates are carried.
func WallClock(t time.Time) time.Time {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, t.Nanosecond(), time.UTC)
}
