package layout

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"

	"github.com/instudio/instudio-report/booking"
)

// FormatError says why a file cannot be carried into the layout as it is:
// a column that is missing, of a type no reader agrees on, or a value that
// would change on the way. Compaction and the legacy import leave such a
// file where it is and list it with the reason; it is never fatal.
type FormatError struct {
	Key    string
	Reason string
}

func (e *FormatError) Error() string { return e.Key + ": " + e.Reason }

func formatErrorf(key, format string, args ...any) error {
	return &FormatError{Key: key, Reason: fmt.Sprintf(format, args...)}
}

// column is a column of the layout (booking.Columns) and where its value
// goes in an event.
type column struct {
	booking.Column
	set func(e *booking.Event, v cell)
}

// cell is one decoded value.
type cell struct {
	null bool
	s    string
	i    int64
	t    time.Time
}

func optInt(v cell) *int64 {
	if v.null {
		return nil
	}
	return booking.Ptr(v.i)
}

// setters put a decoded value in its field of an event, by column name.
var setters = map[string]func(e *booking.Event, v cell){
	"event_id":     func(e *booking.Event, v cell) { e.EventID = v.s },
	"event_type":   func(e *booking.Event, v cell) { e.EventType = v.s },
	"occurred_at":  func(e *booking.Event, v cell) { e.OccurredAt = v.t },
	"ingested_at":  func(e *booking.Event, v cell) { e.IngestedAt = v.t },
	"booking_id":   func(e *booking.Event, v cell) { e.BookingID = v.i },
	"booking_date": func(e *booking.Event, v cell) { e.BookingDate = v.t },
	"status":       func(e *booking.Event, v cell) { e.Status = booking.Status(v.i) },
	"user_id":      func(e *booking.Event, v cell) { e.UserID = optInt(v) },
	"salon_id":     func(e *booking.Event, v cell) { e.SalonID = v.i },
	"employee_id":  func(e *booking.Event, v cell) { e.EmployeeID = optInt(v) },
	"payment_id":   func(e *booking.Event, v cell) { e.PaymentID = optInt(v) },
	"service": func(e *booking.Event, v cell) {
		if !v.null {
			e.Service = booking.Ptr(v.s)
		}
	},
	"amount_cents": func(e *booking.Event, v cell) { e.AmountCents = optInt(v) },
}

// columnsNamed returns the layout's columns called names, in that order.
// A name with no column or no setter is a programming error, caught by
// every test of the package, since the package's variables are built with
// it.
func columnsNamed(names ...string) []column {
	cols := make([]column, len(names))
	for i, n := range names {
		c, ok := booking.ColumnNamed(n)
		if !ok || setters[n] == nil {
			panic("layout: no column " + n)
		}
		cols[i] = column{c, setters[n]}
	}
	return cols
}

// allColumns returns every column of booking.Columns.
func allColumns() []column {
	names := make([]string, len(booking.Columns))
	for i, c := range booking.Columns {
		names[i] = c.Name
	}
	return columnsNamed(names...)
}

// eventColumns are the 13 columns of docs/design.md.
var eventColumns = allColumns()

// legacyColumns are the 7 columns of the seed's Python Lambda. The ids are
// nullable in its files (pyarrow's default); booking_id, booking_date,
// status and salon_id must still hold a value in every row, as they must
// in the layout.
var legacyColumns = columnsNamed("booking_id", "booking_date", "status", "user_id", "salon_id", "employee_id", "payment_id")

// DecodeEvents reads every row of a booking file of the layout, whatever
// encoding its writer chose among those readers accept (docs/design.md): 32- or
// 64-bit integers; timestamps in seconds, milliseconds, microseconds or
// nanoseconds (or INT96), adjusted to UTC or not. All columns must be
// there, except that the optional ones (user_id, employee_id, payment_id,
// service, amount_cents) may be missing, which reads as null. A column
// that is not in the layout, a null in a required column, or a timestamp
// finer than a microsecond (the unit the layout stores) is a *FormatError:
// rewriting such a file would lose or change something.
func DecodeEvents(key string, data []byte) ([]booking.Event, error) {
	return decode(key, data, eventColumns, decodeOptions{strict: true})
}

// decodeLegacy reads a file of the seed's Lambda; every one of its 7
// columns must be there. Columns it did not write are ignored.
func decodeLegacy(key string, data []byte) ([]booking.Event, error) {
	return decode(key, data, legacyColumns, decodeOptions{allRequired: true})
}

// EventIDs reads only the event_id column of a booking file.
func EventIDs(key string, data []byte) ([]string, error) {
	cols := columnsNamed("event_id")
	events, err := decode(key, data, cols, decodeOptions{allRequired: true})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.EventID
	}
	return ids, nil
}

// decodeOptions say how much of a file decode insists on.
type decodeOptions struct {
	// strict: every column of the file must be one of cols (a rewrite
	// would drop the others).
	strict bool
	// allRequired: every one of cols must be in the file.
	allRequired bool
	// truncate: a timestamp finer than a microsecond is cut to the
	// microsecond instead of refused. Only for readers that rewrite
	// nothing (check, which needs the newest times).
	truncate bool
}

func decode(key string, data []byte, cols []column, opt decodeOptions) (events []booking.Event, err error) {
	// A file no decoder here can make sense of is a file left alone with
	// its reason, never a crash of every compaction and check after it.
	defer func() {
		if r := recover(); r != nil {
			events, err = nil, formatErrorf(key, "not a readable Parquet file: %v", r)
		}
	}()
	// The page index is not needed to read every page in order, and some
	// writers (@dsnp/parquetjs) interleave column and offset indexes in a
	// way the spec allows but parquet-go's ReadPageIndex panics on.
	f, err := openParquet(data)
	if err != nil {
		return nil, formatErrorf(key, "not a readable Parquet file: %v", err)
	}
	schema := f.Schema()
	type source struct {
		col  column
		leaf int // -1: missing, reads as null
		conv func(parquet.Value) (cell, error)
	}
	sources := make([]source, 0, len(cols))
	known := map[string]bool{}
	for _, c := range cols {
		known[c.Name] = true
		leaf, ok := schema.Lookup(c.Name)
		if !ok {
			if !c.Nullable || opt.allRequired {
				return nil, formatErrorf(key, "column %s is missing", c.Name)
			}
			sources = append(sources, source{col: c, leaf: -1})
			continue
		}
		// The leaf's own repetition, not MaxRepetitionLevel: arrow-go's
		// default writer properties mark the schema root REPEATED, which
		// the spec gives no meaning (the file's columns carry no
		// repetition levels for it), and parquet-go counts it.
		if len(leaf.Path) != 1 || leaf.Node.Repeated() {
			return nil, formatErrorf(key, "column %s is nested or repeated", c.Name)
		}
		conv, err := converter(c, leaf.Node.Type(), opt.truncate)
		if err != nil && c.Nullable {
			// A column no value of which is set carries nothing, whatever
			// its type: writers that guess a type from the data
			// (hyparquet-writer) type an all-null column as they like. The
			// first value set is refused.
			reason := err
			conv, err = func(parquet.Value) (cell, error) { return cell{}, reason }, nil
		}
		if err != nil {
			return nil, formatErrorf(key, "column %s: %v", c.Name, err)
		}
		sources = append(sources, source{col: c, leaf: leaf.ColumnIndex, conv: conv})
	}
	if opt.strict {
		for _, path := range schema.Columns() {
			if name := strings.Join(path, "."); !known[name] {
				return nil, formatErrorf(key, "column %s is not in the layout; rewriting the file would drop it", name)
			}
		}
	}

	// Column by column, page by page: the row readers of parquet-go keep
	// large buffers alive through finalizers, which costs a reader of many
	// small files far more memory than the data.
	// The footer's row count is a claim: a damaged one must not allocate
	// without bound. A booking file stores a row in several bytes at the
	// least (event_id is required and distinct); 64 rows a byte is far
	// beyond any real one.
	if f.NumRows() < 0 || f.NumRows() > int64(len(data))*64 {
		return nil, formatErrorf(key, "the footer claims %d rows in %d bytes", f.NumRows(), len(data))
	}
	events = make([]booking.Event, f.NumRows())
	base := 0
	var vals []parquet.Value
	for _, rg := range f.RowGroups() {
		n := int(rg.NumRows())
		chunks := rg.ColumnChunks()
		for _, s := range sources {
			if s.leaf < 0 {
				for i := base; i < base+n; i++ {
					s.col.set(&events[i], cell{null: true})
				}
				continue
			}
			row := base
			pages := chunks[s.leaf].Pages()
			for {
				p, err := pages.ReadPage()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					pages.Close()
					return nil, fmt.Errorf("read %s: column %s: %w", key, s.col.Name, err)
				}
				if cap(vals) < int(p.NumValues()) {
					vals = make([]parquet.Value, p.NumValues())
				}
				vals = vals[:p.NumValues()]
				got, err := readAll(p.Values(), vals)
				if err != nil {
					parquet.Release(p)
					pages.Close()
					return nil, fmt.Errorf("read %s: column %s: %w", key, s.col.Name, err)
				}
				for _, pv := range vals[:got] {
					if row >= base+n {
						break
					}
					v := cell{null: true}
					if !pv.IsNull() {
						var cerr error
						if v, cerr = s.conv(pv); cerr != nil {
							parquet.Release(p)
							pages.Close()
							return nil, formatErrorf(key, "row %d: column %s: %v", row+1, s.col.Name, cerr)
						}
					}
					if v.null && !s.col.Nullable {
						parquet.Release(p)
						pages.Close()
						return nil, formatErrorf(key, "row %d: column %s is null", row+1, s.col.Name)
					}
					s.col.set(&events[row], v)
					row++
				}
				parquet.Release(p)
			}
			pages.Close()
			if row != base+n {
				return nil, formatErrorf(key, "column %s holds %d values for %d rows", s.col.Name, row-base, n)
			}
		}
		base += n
	}
	return events, nil
}

// readAll reads a page's values into vals, which holds them all.
func readAll(r parquet.ValueReader, vals []parquet.Value) (int, error) {
	got := 0
	for got < len(vals) {
		n, err := r.ReadValues(vals[got:])
		got += n
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return got, err
		}
		if n == 0 {
			break
		}
	}
	return got, nil
}

// logicalType returns the logical type annotation of t, or nil.
func logicalType(t parquet.Type) format.LogicalTypeValue {
	if lt := t.LogicalType(); lt != nil {
		return lt.Value
	}
	return nil
}

// converter returns the function that turns a stored value of type t into
// the column's kind, or says why no reader could.
func converter(c column, t parquet.Type, truncate bool) (func(parquet.Value) (cell, error), error) {
	lt := logicalType(t)
	switch c.Kind {
	case booking.KindString:
		if _, isString := lt.(*format.StringType); t.Kind() != parquet.ByteArray || (lt != nil && !isString) {
			return nil, fmt.Errorf("type %s, want a string", t)
		}
		return func(v parquet.Value) (cell, error) { return cell{s: string(v.ByteArray())}, nil }, nil
	case booking.KindInt:
		unsigned := false
		if lt != nil {
			it, ok := lt.(*format.IntType)
			if !ok {
				return nil, fmt.Errorf("type %s, want an integer", t)
			}
			unsigned = !it.IsSigned
		}
		switch {
		case t.Kind() == parquet.Int32 && unsigned:
			return func(v parquet.Value) (cell, error) { return cell{i: int64(uint32(v.Int32()))}, nil }, nil
		case t.Kind() == parquet.Int32:
			return func(v parquet.Value) (cell, error) { return cell{i: int64(v.Int32())}, nil }, nil
		case t.Kind() == parquet.Int64 && unsigned:
			return func(v parquet.Value) (cell, error) {
				if v.Int64() < 0 {
					return cell{}, fmt.Errorf("unsigned value %d does not fit a BIGINT", uint64(v.Int64()))
				}
				return cell{i: v.Int64()}, nil
			}, nil
		case t.Kind() == parquet.Int64:
			return func(v parquet.Value) (cell, error) { return cell{i: v.Int64()}, nil }, nil
		}
		return nil, fmt.Errorf("type %s, want an integer", t)
	case booking.KindTime:
		return timeConverter(t, lt, truncate)
	}
	return nil, fmt.Errorf("unknown column kind")
}

// timeConverter reads a timestamp in any unit. Both UTC-adjusted and local
// timestamps read as the same clock reading: occurred_at and ingested_at
// are UTC instants, booking_date is wall time, and DuckDB sessions in UTC
// see either flag that way too.
func timeConverter(t parquet.Type, lt format.LogicalTypeValue, truncate bool) (func(parquet.Value) (cell, error), error) {
	if t.Kind() == parquet.Int96 && lt == nil {
		return func(v parquet.Value) (cell, error) { return cell{t: int96Time(v.Int96())}, nil }, nil
	}
	if t.Kind() != parquet.Int64 {
		return nil, fmt.Errorf("type %s, want a timestamp", t)
	}
	var unit time.Duration
	ts, isTimestamp := lt.(*format.TimestampType)
	switch ct := t.ConvertedType(); {
	case isTimestamp:
		unit = ts.Unit.Value.Duration()
	case lt == nil && ct != nil && *ct == deprecated.TimestampMillis:
		unit = time.Millisecond
	case lt == nil && ct != nil && *ct == deprecated.TimestampMicros:
		unit = time.Microsecond
	default:
		return nil, fmt.Errorf("type %s, want a timestamp", t)
	}
	return func(v parquet.Value) (cell, error) {
		n := v.Int64()
		switch unit {
		case time.Nanosecond:
			if n%1000 != 0 && !truncate {
				return cell{}, fmt.Errorf("timestamp %d ns is finer than the microsecond the layout stores", n)
			}
			return cell{t: time.Unix(0, n).UTC().Truncate(time.Microsecond)}, nil
		case time.Microsecond:
			return cell{t: time.UnixMicro(n).UTC()}, nil
		case time.Millisecond:
			return cell{t: time.UnixMilli(n).UTC()}, nil
		}
		return cell{t: time.Unix(n, 0).UTC()}, nil
	}, nil
}

// int96Time decodes the deprecated INT96 timestamp: nanoseconds of the day,
// then the Julian day.
func int96Time(v deprecated.Int96) time.Time {
	var b [12]byte
	binary.LittleEndian.PutUint32(b[0:], v[0])
	binary.LittleEndian.PutUint32(b[4:], v[1])
	binary.LittleEndian.PutUint32(b[8:], v[2])
	nanos := int64(binary.LittleEndian.Uint64(b[0:8]))
	julian := int64(binary.LittleEndian.Uint32(b[8:12]))
	const unixEpochJulian = 2440588
	return time.Unix((julian-unixEpochJulian)*86400, nanos).UTC()
}

// openParquet opens a file without its page index and bloom filters,
// which no reader here uses. It checks the footer's length against the
// file first: parquet-go allocates whatever length the last eight bytes
// claim (up to 4 GiB) before it finds the file too short for it.
func openParquet(data []byte) (*parquet.File, error) {
	if len(data) < 12 {
		return nil, fmt.Errorf("%d bytes is too short for a Parquet file", len(data))
	}
	if footer := int64(binary.LittleEndian.Uint32(data[len(data)-8:])); footer > int64(len(data))-12 {
		return nil, fmt.Errorf("the footer claims %d bytes in a file of %d", footer, len(data))
	}
	return parquet.OpenFile(bytes.NewReader(data), int64(len(data)), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
}

// fileMetadata reads one key of a Parquet file's key-value metadata.
func fileMetadata(key string, data []byte, name string) (string, bool, error) {
	f, err := openParquet(data)
	if err != nil {
		return "", false, formatErrorf(key, "not a readable Parquet file: %v", err)
	}
	v, ok := f.Lookup(name)
	return v, ok, nil
}
