package booking_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
)

var ingest = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func decode(t *testing.T, raw string, opt booking.DecodeOptions) booking.Event {
	t.Helper()
	if opt.IngestedAt.IsZero() {
		opt.IngestedAt = ingest
	}
	if opt.OccurredAt.IsZero() {
		opt.OccurredAt = ingest
	}
	e, err := booking.Decode([]byte(raw), opt)
	if err != nil {
		t.Fatalf("Decode(%s): %v", raw, err)
	}
	return e
}

// The seed's payload, as the seed's SQS message carries it.
func TestDecodeSeedPayload(t *testing.T) {
	raw := `{"booking_id": 1, "booking_date": "2024-10-06T20:00:00", "status": 1, "user_id": 1, "salon_id": 1, "employee_id": 1, "payment_id": 1}`
	e := decode(t, raw, booking.DecodeOptions{EventID: "1"})
	want := time.Date(2024, 10, 6, 20, 0, 0, 0, time.UTC)
	switch {
	case e.EventID != "1", e.EventType != "created", e.BookingID != 1, e.SalonID != 1, e.Status != booking.Pending:
		t.Errorf("decoded %+v", e)
	case !e.BookingDate.Equal(want):
		t.Errorf("booking_date = %v, want %v", e.BookingDate, want)
	case *e.UserID != 1 || *e.EmployeeID != 1 || *e.PaymentID != 1:
		t.Errorf("ids = %d %d %d, want 1 1 1", *e.UserID, *e.EmployeeID, *e.PaymentID)
	case e.Service != nil || e.AmountCents != nil:
		t.Errorf("service/amount = %v/%v, want absent", e.Service, e.AmountCents)
	case !e.OccurredAt.Equal(ingest) || !e.IngestedAt.Equal(ingest):
		t.Errorf("occurred/ingested = %v/%v, want the ingest time", e.OccurredAt, e.IngestedAt)
	}
}

// The producer's second variant: every number a string, price in currency
// units, service_name, and fields the project does not store.
func TestDecodeStringVariant(t *testing.T) {
	raw := `{"booking_id": "7", "booking_date": "2024-10-06T20:00:00", "status": "3", "user_id": "12",
	  "salon_id": "2", "employee_id": "5", "payment_id": null, "service_id": "4",
	  "service_name": "Corte de cabello", "price": "100.50", "district_id": "15"}`
	e := decode(t, raw, booking.DecodeOptions{EventID: "x"})
	if e.BookingID != 7 || e.SalonID != 2 || e.Status != booking.Completed || e.EventType != "completed" || *e.UserID != 12 || *e.EmployeeID != 5 {
		t.Errorf("decoded %+v", e)
	}
	if e.PaymentID != nil {
		t.Errorf("payment_id = %d, want null", *e.PaymentID)
	}
	if e.Service == nil || *e.Service != "Corte de cabello" {
		t.Errorf("service = %v, want Corte de cabello", e.Service)
	}
	if e.AmountCents == nil || *e.AmountCents != 10050 {
		t.Errorf("amount_cents = %v, want 10050", e.AmountCents)
	}
}

func TestDecodeWholeNumbersWrittenAsDecimals(t *testing.T) {
	e := decode(t, `{"booking_id":"12.0","salon_id":3.0,"status":"2","booking_date":"2024-10-06T20:00:00","user_id":1e2}`, booking.DecodeOptions{EventID: "x"})
	if e.BookingID != 12 || e.SalonID != 3 || e.Status != booking.Confirmed || *e.UserID != 100 {
		t.Errorf("decoded %+v", e)
	}
}

func TestDecodePrice(t *testing.T) {
	for price, want := range map[string]int64{
		`"100.50"`: 10050,
		`100.5`:    10050,
		`"0.005"`:  1, // half a cent rounds up
		`"0.004"`:  0,
		`"19.99"`:  1999,
		`"35"`:     3500,
		`1.015`:    102, // exact decimal: a float would give 101.49999
	} {
		e := decode(t, `{"booking_id":1,"salon_id":1,"status":1,"booking_date":"2024-10-06T20:00:00","price":`+price+`}`, booking.DecodeOptions{EventID: "x"})
		if *e.AmountCents != want {
			t.Errorf("price %s = %d cents, want %d", price, *e.AmountCents, want)
		}
	}
	// amount_cents, when given, wins over price.
	e := decode(t, `{"booking_id":1,"salon_id":1,"status":1,"booking_date":"2024-10-06T20:00:00","price":"1.00","amount_cents":250}`, booking.DecodeOptions{EventID: "x"})
	if *e.AmountCents != 250 {
		t.Errorf("amount_cents = %d, want 250", *e.AmountCents)
	}
}

func TestDecodeOptionalFields(t *testing.T) {
	raw := `{"event_id":"evt-9","event_type":"rescheduled","occurred_at":"2024-10-01T10:00:00-05:00",
	  "booking_id":1,"salon_id":1,"status":2,"booking_date":"2024-10-06T20:00:00","service":"Manicure","amount_cents":3000}`
	e := decode(t, raw, booking.DecodeOptions{EventID: "fallback"})
	if e.EventID != "evt-9" || e.EventType != "rescheduled" || e.Status != booking.Confirmed {
		t.Errorf("decoded %+v", e)
	}
	if want := time.Date(2024, 10, 1, 15, 0, 0, 0, time.UTC); !e.OccurredAt.Equal(want) || e.OccurredAt.Location() != time.UTC {
		t.Errorf("occurred_at = %v, want %v in UTC", e.OccurredAt, want)
	}
	// occurred_at without offset is UTC.
	e = decode(t, `{"occurred_at":"2024-10-01T10:00:00","booking_id":1,"salon_id":1,"status":2,"booking_date":"2024-10-06T20:00:00"}`, booking.DecodeOptions{EventID: "x"})
	if want := time.Date(2024, 10, 1, 10, 0, 0, 0, time.UTC); !e.OccurredAt.Equal(want) {
		t.Errorf("occurred_at = %v, want %v", e.OccurredAt, want)
	}
}

// A booking_date with an offset is an instant: it becomes wall-clock time
// in the platform's zone.
func TestDecodeBookingDateInstant(t *testing.T) {
	lima, err := time.LoadLocation("America/Lima")
	if err != nil {
		t.Fatal(err)
	}
	e := decode(t, `{"booking_id":1,"salon_id":1,"status":1,"booking_date":"2024-10-07T01:00:00Z"}`, booking.DecodeOptions{EventID: "x", Zone: lima})
	if want := time.Date(2024, 10, 6, 20, 0, 0, 0, time.UTC); !e.BookingDate.Equal(want) {
		t.Errorf("booking_date = %v, want wall time %v", e.BookingDate, want)
	}
}

func TestDecodeErrorsNameTheField(t *testing.T) {
	base := `"booking_date":"2024-10-06T20:00:00"`
	for _, tc := range []struct{ raw, field string }{
		{`{"salon_id":1,"status":1,` + base + `}`, "booking_id"},
		{`{"booking_id":0,"salon_id":1,"status":1,` + base + `}`, "booking_id"},
		{`{"booking_id":"abc","salon_id":1,"status":1,` + base + `}`, "booking_id"},
		{`{"booking_id":1.5,"salon_id":1,"status":1,` + base + `}`, "booking_id"},
		{`{"booking_id":1,"status":1,` + base + `}`, "salon_id"},
		{`{"booking_id":1,"salon_id":1,"status":6,` + base + `}`, "status"},
		{`{"booking_id":1,"salon_id":1,"status":1}`, "booking_date"},
		{`{"booking_id":1,"salon_id":1,"status":1,"booking_date":"06/10/2024"}`, "booking_date"},
		{`{"booking_id":1,"salon_id":1,"status":1,"user_id":0,` + base + `}`, "user_id"},
		{`{"booking_id":1,"salon_id":1,"status":1,"employee_id":-2,` + base + `}`, "employee_id"},
		{`{"booking_id":1,"salon_id":1,"status":1,"amount_cents":-1,` + base + `}`, "amount_cents"},
		{`{"booking_id":1,"salon_id":1,"status":1,"price":"abc",` + base + `}`, "price"},
		{`{"booking_id":1,"salon_id":1,"status":1,"occurred_at":"yesterday",` + base + `}`, "occurred_at"},
		{`{"booking_id":1,"salon_id":1,"status":[1],` + base + `}`, "status"},
	} {
		_, err := booking.Decode([]byte(tc.raw), booking.DecodeOptions{EventID: "x", OccurredAt: ingest})
		if err == nil || !strings.HasPrefix(err.Error(), tc.field+": ") {
			t.Errorf("Decode(%s) error = %v, want one naming %s", tc.raw, err, tc.field)
		}
	}
	for _, raw := range []string{``, `[]`, `null`, `{"booking_id":`} {
		if _, err := booking.Decode([]byte(raw), booking.DecodeOptions{EventID: "x", OccurredAt: ingest}); err == nil {
			t.Errorf("Decode(%q) succeeded, want an error", raw)
		}
	}
}

func TestParquetRoundTrip(t *testing.T) {
	events := []booking.Event{
		decode(t, `{"event_id":"a","booking_id":1,"salon_id":1,"status":1,"booking_date":"2024-10-06T20:00:00","user_id":3,"service":"Haircut","amount_cents":4500}`, booking.DecodeOptions{}),
		decode(t, `{"event_id":"b","booking_id":1,"salon_id":1,"status":4,"booking_date":"2024-10-06T20:00:00"}`, booking.DecodeOptions{OccurredAt: ingest.Add(1500 * time.Nanosecond)}),
	}
	data, err := booking.EncodeParquet(events)
	if err != nil {
		t.Fatal(err)
	}
	got, err := booking.ReadParquet(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("read %d events, want 2", len(got))
	}
	if got[0].EventID != "a" || *got[0].UserID != 3 || *got[0].Service != "Haircut" || *got[0].AmountCents != 4500 || got[0].PaymentID != nil {
		t.Errorf("event a = %+v", got[0])
	}
	if got[1].UserID != nil || got[1].Status != booking.Canceled || got[1].EventType != "canceled" {
		t.Errorf("event b = %+v", got[1])
	}
	// Stored in microseconds: the 500 ns are dropped.
	if want := ingest.Add(time.Microsecond); !got[1].OccurredAt.Equal(want) {
		t.Errorf("occurred_at = %v, want %v", got[1].OccurredAt, want)
	}
	if !got[0].BookingDate.Equal(time.Date(2024, 10, 6, 20, 0, 0, 0, time.UTC)) {
		t.Errorf("booking_date = %v", got[0].BookingDate)
	}
}

func TestKeyLayout(t *testing.T) {
	if got, want := booking.Key("2026-11-27", "batch-1"), "bookings/dt=2026-11-27/batch-1.parquet"; got != want {
		t.Errorf("Key = %q, want %q", got, want)
	}
	if got := booking.DayOfKey("bookings/dt=2026-11-27/batch-1.parquet"); got != "2026-11-27" {
		t.Errorf("DayOfKey = %q", got)
	}
	late := time.Date(2026, 11, 27, 23, 30, 0, 0, time.FixedZone("PET", -5*3600)) // 04:30 UTC next day
	e := booking.Event{OccurredAt: late}
	if e.Day() != "2026-11-28" {
		t.Errorf("Day = %s, want the UTC date 2026-11-28", e.Day())
	}
}

// An occurred_at more than 15 minutes after the event arrived is refused
// (issue 19, item 15): accepted, one event dated next year would hide a
// dead pipeline. The skew itself is allowed.
func TestDecodeRefusesTheFuture(t *testing.T) {
	base := `{"booking_id": 1, "booking_date": "2026-12-06T20:00:00", "status": 1, "salon_id": 1, "occurred_at": "%s"}`
	// ingest is 2026-11-27 09:00 UTC: 09:15 is the last instant allowed.
	for at, ok := range map[string]bool{
		"2026-11-27T09:15:00Z":      true,
		"2026-11-27T04:15:00-05:00": true,
		"2026-11-27T09:15:01Z":      false,
		"2027-11-27T09:00:00Z":      false,
		"2199-01-01T00:00:00Z":      false,
	} {
		_, err := booking.Decode([]byte(strings.Replace(base, "%s", at, 1)), booking.DecodeOptions{EventID: "x", IngestedAt: ingest, OccurredAt: ingest})
		var fe *booking.FieldError
		switch {
		case ok && err != nil:
			t.Errorf("occurred_at %s: %v", at, err)
		case !ok && (err == nil || !errors.As(err, &fe) || fe.Field != "occurred_at" || !strings.Contains(err.Error(), "more than 15m0s after it arrived (2026-11-27T09:00:00Z)")):
			t.Errorf("occurred_at %s: err %v, want refused", at, err)
		}
	}
}

// The lenient readings docs/design.md decides: a whole number written as a
// decimal is that integer; a number in a string must be plain decimal
// digits (no spaces, sign, exponent, fraction or base prefix); an object
// with a key twice is rejected, naming the key.
func TestDecodeLenientForms(t *testing.T) {
	base := func(field, value string) string {
		fields := map[string]string{"booking_id": "1", "salon_id": "1", "status": "1", "booking_date": `"2024-10-06T20:00:00"`}
		fields[field] = value
		var parts []string
		for _, k := range []string{"booking_id", "salon_id", "status", "booking_date", "amount_cents", "price"} {
			if v, ok := fields[k]; ok {
				parts = append(parts, `"`+k+`":`+v)
			}
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	e := decode(t, base("booking_id", `"21.0"`), booking.DecodeOptions{EventID: "x"})
	if e.BookingID != 21 {
		t.Errorf(`"21.0" read as %d, want 21`, e.BookingID)
	}
	for _, tc := range []struct{ field, value, reason string }{
		{"booking_id", `" 22"`, `booking_id: must be an integer in plain decimal digits (an optional - and .), got " 22"`},
		{"booking_id", `"22 "`, `got "22 "`},
		{"booking_id", `"+22"`, `got "+22"`},
		{"amount_cents", `"1e3"`, `amount_cents: must be an integer in plain decimal digits (an optional - and .), got "1e3"`},
		{"price", `"1e3"`, `price: must be a decimal amount in plain decimal digits`},
		{"price", `"1/2"`, `got "1/2"`},
		{"salon_id", `"0x16"`, `got "0x16"`},
		{"booking_id", `"21.5"`, `booking_id: must be an integer, got "21.5"`},
	} {
		_, err := booking.Decode([]byte(base(tc.field, tc.value)), booking.DecodeOptions{EventID: "x"})
		if err == nil || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%s %s: error %v, want %q", tc.field, tc.value, err, tc.reason)
		}
	}
	dup := `{"booking_id":1,"salon_id":1,"status":1,"booking_date":"2024-10-06T20:00:00","salon_id":2}`
	if _, err := booking.Decode([]byte(dup), booking.DecodeOptions{EventID: "x"}); err == nil ||
		err.Error() != "salon_id: appears twice in the object: which copy is meant is unknown" {
		t.Errorf("duplicate key: error %v", err)
	}
	// A key spelled with an escape is the same key; nested objects and
	// strings with braces and commas are not top-level keys.
	esc := `{"booking_id":1,"salon_id":1,"status":1,"booking_date":"2024-10-06T20:00:00","service":"a,\"b\":{c}","x":{"salon_id":3,"y":[1,{"z":2}]},"salon\u005fid":2}`
	if _, err := booking.Decode([]byte(esc), booking.DecodeOptions{EventID: "x"}); err == nil || !strings.HasPrefix(err.Error(), "salon_id: appears twice") {
		t.Errorf("escaped duplicate: error %v", err)
	}
	nested := `{"booking_id":1,"salon_id":1,"status":1,"booking_date":"2024-10-06T20:00:00","service":"a,\"b\":{c}","x":{"salon_id":3,"y":[1,{"z":2}]}}`
	decode(t, nested, booking.DecodeOptions{EventID: "x"})
}
