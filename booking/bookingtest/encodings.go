package bookingtest

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
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

// OtherProducer is events as a file of the layout's columns
// (booking.Columns, in their order) written the way other producers and
// legacy files do: each integer in the other width than the layout's
// writer gives it (32-bit ids, a 64-bit status), the timestamps in
// milliseconds and nanoseconds in turn, the UTC adjustment flipped on the
// millisecond ones (occurred_at not adjusted, booking_date adjusted).
func OtherProducer(t testing.TB, events []booking.Event) []byte {
	t.Helper()
	times := 0
	typ := rowType(func(c booking.Column, f reflect.StructField) (reflect.Type, string) {
		tag := c.Name
		if c.Nullable {
			tag += ",optional"
		}
		switch c.Kind {
		case booking.KindInt:
			width := reflect.TypeFor[int32]()
			if c.Written == parquet.Int32 {
				width = reflect.TypeFor[int64]()
			}
			if c.Nullable {
				return reflect.PointerTo(width), tag
			}
			return width, tag
		case booking.KindTime:
			unit, adjusted := "millisecond", !strings.Contains(f.Tag.Get("parquet"), ":utc")
			if times++; times%2 == 0 {
				unit, adjusted = "nanosecond", !adjusted
			}
			zone := map[bool]string{true: "utc", false: "local"}[adjusted]
			return f.Type, tag + ",timestamp(" + unit + ":" + zone + ")"
		}
		return f.Type, tag
	})
	rows := make([]reflect.Value, len(events))
	for i, e := range events {
		rows[i] = fill(typ, e, nil)
	}
	return writeRows(t, typ, rows)
}

// NullRow is an event as a careless producer writes it: the layout's
// types, but the columns named in Null are null, whether or not the
// layout allows it, and status may be anything.
type NullRow struct {
	booking.Event
	Null []string
}

// Nullable is rows as a file of the layout's columns (booking.Columns, in
// their order, encoded as booking.Event is), every one optional, each
// row's Null columns null.
func Nullable(t testing.TB, rows []NullRow) []byte {
	t.Helper()
	typ := rowType(func(c booking.Column, f reflect.StructField) (reflect.Type, string) {
		tag := strings.Replace(f.Tag.Get("parquet"), ",optional", "", 1)
		name, rest, _ := strings.Cut(tag, ",")
		if rest != "" {
			rest = "," + rest
		}
		if f.Type.Kind() == reflect.Pointer {
			return f.Type, name + ",optional" + rest
		}
		return reflect.PointerTo(f.Type), name + ",optional" + rest
	})
	values := make([]reflect.Value, len(rows))
	for i, r := range rows {
		for _, name := range r.Null {
			if _, ok := booking.ColumnNamed(name); !ok {
				t.Fatalf("nullable: no column %s", name)
			}
		}
		values[i] = fill(typ, r.Event, r.Null)
	}
	return writeRows(t, typ, values)
}

// rowType is a struct with a field per column of booking.Columns, in
// their order, each of the Go type and parquet tag that field gives it
// from the column and booking.Event's field of that column.
func rowType(field func(c booking.Column, f reflect.StructField) (reflect.Type, string)) reflect.Type {
	fields := make([]reflect.StructField, len(booking.Columns))
	for i, c := range booking.Columns {
		f := eventField(c.Name)
		typ, tag := field(c, f)
		fields[i] = reflect.StructField{Name: f.Name, Type: typ, Tag: reflect.StructTag(`parquet:"` + tag + `"`)}
	}
	return reflect.StructOf(fields)
}

// eventField is booking.Event's field of the column name.
func eventField(name string) reflect.StructField {
	for _, f := range reflect.VisibleFields(reflect.TypeFor[booking.Event]()) {
		if tag, _, _ := strings.Cut(f.Tag.Get("parquet"), ","); tag == name {
			return f
		}
	}
	panic("bookingtest: booking.Event has no field for column " + name)
}

// fill is e as a row of typ (a rowType), each value converted to its
// field's type, and the columns in null left null.
func fill(typ reflect.Type, e booking.Event, null []string) reflect.Value {
	row := reflect.New(typ).Elem()
	ev := reflect.ValueOf(e)
	for i, c := range booking.Columns {
		if slices.Contains(null, c.Name) {
			continue
		}
		v := ev.FieldByName(typ.Field(i).Name)
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				continue
			}
			v = v.Elem()
		}
		dst := row.Field(i)
		if dst.Kind() == reflect.Pointer {
			p := reflect.New(dst.Type().Elem())
			p.Elem().Set(v.Convert(dst.Type().Elem()))
			dst.Set(p)
		} else {
			dst.Set(v.Convert(dst.Type()))
		}
	}
	return row
}

// writeRows writes rows of typ as a Parquet file with parquet-go's
// defaults (no compression).
func writeRows(t testing.TB, typ reflect.Type, rows []reflect.Value) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewWriter(&buf, parquet.SchemaOf(reflect.New(typ).Elem().Interface()))
	for _, r := range rows {
		if err := w.Write(r.Interface()); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
