// Package booking owns the booking event: its type, how producers' JSON is
// decoded and validated, and how events are encoded as Parquet in the storage
// layout that every reader of the project agrees on (docs/design.md).
//
// It is pure Go (no cgo) so that both the CLI and the ingest Lambda use it.
package booking

import (
	"fmt"
	"time"
)

// Status is the state of a booking after an event.
type Status int32

// The statuses of docs/design.md; their numbers are the producer's wire values.
const (
	Pending   Status = 1
	Confirmed Status = 2
	Completed Status = 3
	Canceled  Status = 4
	NoShow    Status = 5
)

// Valid reports whether s is one of the five known statuses.
func (s Status) Valid() bool { return s >= Pending && s <= NoShow }

// EventType is the event_type derived from a status when the producer did
// not name one.
func (s Status) EventType() string {
	switch s {
	case Pending:
		return "created"
	case Confirmed:
		return "confirmed"
	case Completed:
		return "completed"
	case Canceled:
		return "canceled"
	case NoShow:
		return "no_show"
	}
	return fmt.Sprintf("status_%d", int32(s))
}

// Event is one immutable change of a booking: a full snapshot of the booking
// after the change. Its fields are the Parquet columns, in their order.
//
// OccurredAt and IngestedAt are instants (UTC). BookingDate is the
// appointment start in the salon's wall-clock time, carried in a time.Time
// whose location is UTC only so that its fields read as that wall time.
type Event struct {
	EventID     string    `parquet:"event_id"`
	EventType   string    `parquet:"event_type"`
	OccurredAt  time.Time `parquet:"occurred_at,timestamp(microsecond:utc)"`
	IngestedAt  time.Time `parquet:"ingested_at,timestamp(microsecond:utc)"`
	BookingID   int64     `parquet:"booking_id"`
	BookingDate time.Time `parquet:"booking_date,timestamp(microsecond:local)"`
	Status      Status    `parquet:"status"`
	UserID      *int64    `parquet:"user_id,optional"`
	SalonID     int64     `parquet:"salon_id"`
	EmployeeID  *int64    `parquet:"employee_id,optional"`
	PaymentID   *int64    `parquet:"payment_id,optional"`
	Service     *string   `parquet:"service,optional"`
	AmountCents *int64    `parquet:"amount_cents,optional"`
}

// Validate checks the rules of docs/design.md that hold for every stored event.
// The error names the offending field.
func (e *Event) Validate() error {
	switch {
	case e.EventID == "":
		return fieldError("event_id", "is empty")
	case e.EventType == "":
		return fieldError("event_type", "is empty")
	case e.BookingID <= 0:
		return fieldError("booking_id", fmt.Sprintf("must be > 0, got %d", e.BookingID))
	case e.SalonID <= 0:
		return fieldError("salon_id", fmt.Sprintf("must be > 0, got %d", e.SalonID))
	case e.BookingDate.IsZero():
		return fieldError("booking_date", "is missing")
	case !e.Status.Valid():
		return fieldError("status", fmt.Sprintf("must be 1..5, got %d", e.Status))
	case e.UserID != nil && *e.UserID <= 0:
		return fieldError("user_id", fmt.Sprintf("must be > 0 when present, got %d", *e.UserID))
	case e.EmployeeID != nil && *e.EmployeeID <= 0:
		return fieldError("employee_id", fmt.Sprintf("must be > 0 when present, got %d", *e.EmployeeID))
	case e.AmountCents != nil && *e.AmountCents < 0:
		return fieldError("amount_cents", fmt.Sprintf("must be >= 0, got %d", *e.AmountCents))
	case e.OccurredAt.IsZero():
		return fieldError("occurred_at", "is missing")
	}
	for _, f := range []struct {
		name string
		t    time.Time
	}{{"booking_date", e.BookingDate}, {"occurred_at", e.OccurredAt}, {"ingested_at", e.IngestedAt}} {
		if f.t.Before(minTime) || !f.t.Before(maxTime) {
			return fieldError(f.name, fmt.Sprintf("must be between %d and %d, got %s", minTime.Year(), maxTime.Year()-1, f.t.Format(time.RFC3339)))
		}
	}
	return nil
}

// The years an event's times may fall in. The Parquet encoder goes through
// int64 nanoseconds (1677 to 2262) and would silently wrap anything
// outside; no booking is that old or that far ahead.
var (
	minTime = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Day is the partition an event is stored in: the UTC date of OccurredAt.
func (e *Event) Day() string { return e.OccurredAt.UTC().Format(time.DateOnly) }

// FieldError is a validation failure of one field of an event.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

func fieldError(field, reason string) error { return &FieldError{Field: field, Reason: reason} }

// Ptr returns a pointer to v; optional fields are pointers.
func Ptr[T any](v T) *T { return &v }
