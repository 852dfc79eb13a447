package booking

import "github.com/parquet-go/parquet-go"

// Kind is what a column of the layout holds, whatever Parquet encoding a
// writer chose for it.
type Kind int

// The kinds of docs/design.md's columns.
const (
	KindString Kind = iota
	KindInt
	KindTime
)

// Physical returns the Parquet physical types a reader of the layout
// accepts for a column of kind k (docs/design.md): strings as byte arrays,
// integers of either width, timestamps as INT64 in any unit or as the
// INT96 of older writers.
func (k Kind) Physical() []parquet.Kind {
	switch k {
	case KindString:
		return []parquet.Kind{parquet.ByteArray}
	case KindInt:
		return []parquet.Kind{parquet.Int32, parquet.Int64}
	case KindTime:
		return []parquet.Kind{parquet.Int64, parquet.Int96}
	}
	return nil
}

// String names what a column of kind k holds, in the plural, for messages
// ("column salon_id holds strings or bytes, want integers").
func (k Kind) String() string {
	switch k {
	case KindString:
		return "strings"
	case KindInt:
		return "integers"
	case KindTime:
		return "timestamps"
	}
	return "unknown"
}

// Column is one column of a booking file: its name, what it holds, whether
// it may be null, and the physical type the layout's own writer gives it.
type Column struct {
	Name     string
	Kind     Kind
	Nullable bool
	Written  parquet.Kind
}

// Columns are the 13 columns of docs/design.md, in their order. Every other
// description of the schema derives from this list: the readers' checks
// (layout, queries), the Athena table and the tests' rows. Event's struct
// tags are the one copy Go requires; TestColumnsMatchEvent holds them to it.
// (layout/testdata/writers/gowrite is a module of its own, built by a test
// with other writers' libraries, and keeps a copy of its own.)
var Columns = []Column{
	{"event_id", KindString, false, parquet.ByteArray},
	{"event_type", KindString, false, parquet.ByteArray},
	{"occurred_at", KindTime, false, parquet.Int64},
	{"ingested_at", KindTime, false, parquet.Int64},
	{"booking_id", KindInt, false, parquet.Int64},
	{"booking_date", KindTime, false, parquet.Int64},
	{"status", KindInt, false, parquet.Int32},
	{"user_id", KindInt, true, parquet.Int64},
	{"salon_id", KindInt, false, parquet.Int64},
	{"employee_id", KindInt, true, parquet.Int64},
	{"payment_id", KindInt, true, parquet.Int64},
	{"service", KindString, true, parquet.ByteArray},
	{"amount_cents", KindInt, true, parquet.Int64},
}

// ColumnNamed returns the column called name.
func ColumnNamed(name string) (Column, bool) {
	for _, c := range Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}
