package bookingtest

import (
	"bytes"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/instudio/instudio-report/booking"
)

// SeedRow is a row of a file of the seed's Python Lambda as pyarrow writes
// it: the 7 columns, int32 and nullable (pyarrow's default), booking_date a
// timestamp('s') that Parquet stores in milliseconds without UTC
// adjustment. SeedParquet writes them snappy-compressed, as pyarrow does.
type SeedRow struct {
	BookingID   *int32     `parquet:"booking_id,optional"`
	BookingDate *time.Time `parquet:"booking_date,optional,timestamp(millisecond:local)"`
	Status      *int32     `parquet:"status,optional"`
	UserID      *int32     `parquet:"user_id,optional"`
	SalonID     *int32     `parquet:"salon_id,optional"`
	EmployeeID  *int32     `parquet:"employee_id,optional"`
	PaymentID   *int32     `parquet:"payment_id,optional"`
}

// SeedParquet encodes rows (SeedRow, or a variant of it) as a Parquet file
// compressed with snappy, as the seed's Lambda wrote its files. It takes no
// testing.TB so that bench tools can use it too.
func SeedParquet[T any](rows []T) ([]byte, error) {
	var buf bytes.Buffer
	if err := parquet.Write(&buf, rows, parquet.Compression(&parquet.Snappy)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Parquet is rows as a Parquet file in the schema of their Go type, with
// parquet-go's defaults (no compression); it fails the test on an error.
// For files of a shape other than booking.Event's.
func Parquet[T any](t testing.TB, rows []T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := parquet.Write(&buf, rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// OtherProducer is a row of the 13 event columns written the way other
// producers and legacy files do: millisecond and nanosecond units, the UTC
// adjustment flipped (booking_date adjusted, occurred_at not), 32-bit ids,
// a 64-bit status.
type OtherProducer struct {
	EventID     string    `parquet:"event_id"`
	EventType   string    `parquet:"event_type"`
	OccurredAt  time.Time `parquet:"occurred_at,timestamp(millisecond:local)"`
	IngestedAt  time.Time `parquet:"ingested_at,timestamp(nanosecond:utc)"`
	BookingID   int32     `parquet:"booking_id"`
	BookingDate time.Time `parquet:"booking_date,timestamp(millisecond:utc)"`
	Status      int64     `parquet:"status"`
	UserID      *int32    `parquet:"user_id,optional"`
	SalonID     int32     `parquet:"salon_id"`
	EmployeeID  *int32    `parquet:"employee_id,optional"`
	PaymentID   *int32    `parquet:"payment_id,optional"`
	Service     *string   `parquet:"service,optional"`
	AmountCents *int32    `parquet:"amount_cents,optional"`
}

// AsOther is e in the other producer's encoding (ids narrowed to int32).
func AsOther(e booking.Event) OtherProducer {
	i32 := func(p *int64) *int32 {
		if p == nil {
			return nil
		}
		v := int32(*p)
		return &v
	}
	return OtherProducer{
		EventID: e.EventID, EventType: e.EventType, OccurredAt: e.OccurredAt, IngestedAt: e.IngestedAt,
		BookingID: int32(e.BookingID), BookingDate: e.BookingDate, Status: int64(e.Status),
		UserID: i32(e.UserID), SalonID: int32(e.SalonID), EmployeeID: i32(e.EmployeeID),
		PaymentID: i32(e.PaymentID), Service: e.Service, AmountCents: i32(e.AmountCents),
	}
}

// NullableRow is a row as a careless producer writes it: the layout's
// types, but any required column may be null and status may be anything.
type NullableRow struct {
	EventID     *string    `parquet:"event_id,optional"`
	EventType   string     `parquet:"event_type"`
	OccurredAt  time.Time  `parquet:"occurred_at,timestamp(microsecond:utc)"`
	IngestedAt  time.Time  `parquet:"ingested_at,timestamp(microsecond:utc)"`
	BookingID   *int64     `parquet:"booking_id,optional"`
	BookingDate *time.Time `parquet:"booking_date,optional,timestamp(microsecond:local)"`
	Status      *int32     `parquet:"status,optional"`
	UserID      *int64     `parquet:"user_id,optional"`
	SalonID     *int64     `parquet:"salon_id,optional"`
	EmployeeID  *int64     `parquet:"employee_id,optional"`
	PaymentID   *int64     `parquet:"payment_id,optional"`
	Service     *string    `parquet:"service,optional"`
	AmountCents *int64     `parquet:"amount_cents,optional"`
}
