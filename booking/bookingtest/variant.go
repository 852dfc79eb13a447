package bookingtest

import (
	"bytes"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/instudio/instudio-report/booking"
)

// Change is how a Variant file writes one column: as Node, each event's
// value given by Value (parquet.NullValue() for a null).
type Change struct {
	Node  parquet.Node
	Value func(e booking.Event) parquet.Value
}

// Variant is events as a Parquet file of the layout's columns
// (booking.Columns, encoded as booking.Event is) but for the columns
// named in changed, written as their Change says (a zero Change leaves
// the column out), plus the extra columns the layout does not have. The
// file's columns are in name order: readers find columns by name. It
// fails the test on an error.
func Variant(t testing.TB, events []booking.Event, changed, extra map[string]Change) []byte {
	t.Helper()
	base := parquet.SchemaOf(booking.Event{})
	group := parquet.Group{}
	for _, f := range base.Fields() {
		if c, ok := changed[f.Name()]; !ok {
			group[f.Name()] = f
		} else if c.Node != nil {
			group[f.Name()] = c.Node
		}
	}
	for name, c := range extra {
		group[name] = c.Node
	}
	schema := parquet.NewSchema("event", group)
	baseNames := make([]string, 0, len(booking.Columns))
	for _, path := range base.Columns() {
		baseNames = append(baseNames, path[0])
	}
	var buf bytes.Buffer
	w := parquet.NewWriter(&buf, schema)
	for _, e := range events {
		own := map[string]parquet.Value{}
		for _, v := range base.Deconstruct(nil, &e) {
			own[baseNames[v.Column()]] = v
		}
		var row parquet.Row
		for i, path := range schema.Columns() {
			name := path[0]
			v, ok := own[name]
			if c, changed := changed[name]; changed {
				v, ok = c.Value(e), true
			} else if c, isExtra := extra[name]; isExtra {
				v, ok = c.Value(e), true
			}
			if !ok {
				t.Fatalf("variant: no value for column %s", name)
			}
			leaf, _ := schema.Lookup(name)
			def := 0
			if leaf.Node.Optional() && !v.IsNull() {
				def = 1
			}
			row = append(row, v.Level(0, def, i))
		}
		if _, err := w.WriteRows([]parquet.Row{row}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// StringValue is a Change's value for a string column.
func StringValue(s string) parquet.Value { return parquet.ByteArrayValue([]byte(s)) }
