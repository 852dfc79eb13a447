package booking_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/instudio/instudio-report/booking"
)

// The columns of docs/design.md, in order, with their physical type, logical
// type and whether they may be null.
func TestParquetSchema(t *testing.T) {
	e := decode(t, `{"event_id":"a","booking_id":1,"salon_id":1,"status":1,"booking_date":"2024-10-06T20:00:00"}`, booking.DecodeOptions{})
	data, err := booking.EncodeParquet([]booking.Event{e})
	if err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	type col struct {
		name     string
		physical parquet.Kind
		logical  string
		optional bool
	}
	want := []col{
		{"event_id", parquet.ByteArray, "STRING", false},
		{"event_type", parquet.ByteArray, "STRING", false},
		{"occurred_at", parquet.Int64, "TIMESTAMP(isAdjustedToUTC=true,unit=MICROS)", false},
		{"ingested_at", parquet.Int64, "TIMESTAMP(isAdjustedToUTC=true,unit=MICROS)", false},
		{"booking_id", parquet.Int64, "", false},
		{"booking_date", parquet.Int64, "TIMESTAMP(isAdjustedToUTC=false,unit=MICROS)", false},
		{"status", parquet.Int32, "", false},
		{"user_id", parquet.Int64, "", true},
		{"salon_id", parquet.Int64, "", false},
		{"employee_id", parquet.Int64, "", true},
		{"payment_id", parquet.Int64, "", true},
		{"service", parquet.ByteArray, "STRING", true},
		{"amount_cents", parquet.Int64, "", true},
	}
	fields := f.Schema().Fields()
	if len(fields) != len(want) {
		t.Fatalf("%d columns, want %d", len(fields), len(want))
	}
	for i, w := range want {
		fl := fields[i]
		logical := ""
		// Only the string and timestamp annotations are part of the contract.
		if lt := fl.Type().LogicalType(); lt != nil && (strings.HasPrefix(lt.String(), "STRING") || strings.HasPrefix(lt.String(), "TIMESTAMP")) {
			logical = lt.String()
		}
		got := col{fl.Name(), fl.Type().Kind(), logical, fl.Optional()}
		if got != w {
			t.Errorf("column %d = %+v, want %+v", i, got, w)
		}
	}
	for _, rg := range f.Metadata().RowGroups {
		for _, c := range rg.Columns {
			if c.MetaData.Codec.String() != "ZSTD" {
				t.Errorf("column %v compressed with %v, want ZSTD", c.MetaData.PathInSchema, c.MetaData.Codec)
			}
		}
	}
}

// booking.Columns and Event's struct tags describe the same file: the
// writer encodes Event, every reader checks against Columns.
func TestColumnsMatchEvent(t *testing.T) {
	fields := parquet.SchemaOf(booking.Event{}).Fields()
	if len(fields) != len(booking.Columns) {
		t.Fatalf("Event has %d fields, booking.Columns %d", len(fields), len(booking.Columns))
	}
	for i, c := range booking.Columns {
		f := fields[i]
		if f.Name() != c.Name || f.Optional() != c.Nullable || f.Type().Kind() != c.Written {
			t.Errorf("column %d: Event has %s (optional %v, %v), booking.Columns %s (nullable %v, %v)",
				i, f.Name(), f.Optional(), f.Type().Kind(), c.Name, c.Nullable, c.Written)
		}
		if !slices.Contains(c.Kind.Physical(), c.Written) {
			t.Errorf("column %s is written as %v, which its readers do not accept (%v)", c.Name, c.Written, c.Kind.Physical())
		}
	}
}
