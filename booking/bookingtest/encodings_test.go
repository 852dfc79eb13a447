package bookingtest_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/layout"
)

func open(t *testing.T, data []byte) *parquet.File {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The other producer's file has every column of the layout, in its order,
// each integer in the width the layout's writer does not use and the
// timestamps in ms and ns; the layout's reader gets the same events back.
func TestOtherProducer(t *testing.T) {
	events := []booking.Event{
		bt.Event(t, "a", 5, 7, booking.Canceled, "2026-03-01 10:00", "2026-03-03 12:00"),
		{EventID: "b", EventType: "created", OccurredAt: bt.Time(t, "2026-03-02 09:30"), IngestedAt: bt.Time(t, "2026-03-02 09:31"),
			BookingID: 6, BookingDate: bt.Time(t, "2026-03-04 18:00"), Status: booking.Pending, SalonID: 7},
	}
	data := bt.OtherProducer(t, events)
	fields := open(t, data).Schema().Fields()
	if len(fields) != len(booking.Columns) {
		t.Fatalf("%d columns, want %d", len(fields), len(booking.Columns))
	}
	var units []string
	for i, c := range booking.Columns {
		f := fields[i]
		if f.Name() != c.Name || f.Optional() != c.Nullable {
			t.Errorf("column %d: %s (optional %v), want %s (nullable %v)", i, f.Name(), f.Optional(), c.Name, c.Nullable)
		}
		switch c.Kind {
		case booking.KindInt:
			if f.Type().Kind() == c.Written {
				t.Errorf("%s: written as %v, as the layout writes it", c.Name, c.Written)
			}
		case booking.KindTime:
			units = append(units, f.Type().String())
		}
	}
	if len(units) < 2 || !strings.Contains(units[0], "unit=MILLIS") || !strings.Contains(units[1], "unit=NANOS") {
		t.Errorf("timestamps %v, want ms then ns", units)
	}
	back, err := layout.DecodeEvents("other.parquet", data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, events) {
		t.Errorf("read back\n%+v\nwant\n%+v", back, events)
	}
}

// A nullable file leaves each row's Null columns null and keeps the rest.
func TestNullable(t *testing.T) {
	e := bt.Event(t, "a", 5, 7, booking.Status(9), "2026-03-01 10:00", "2026-03-03 12:00")
	data := bt.Nullable(t, []bt.NullRow{{Event: e, Null: []string{"event_id", "salon_id"}}, {Event: e}})
	f := open(t, data)
	rows := make([]parquet.Row, 2)
	n, err := parquet.NewReader(f).ReadRows(rows)
	if n != 2 {
		t.Fatalf("read %d rows: %v", n, err)
	}
	for i, c := range booking.Columns {
		if !f.Schema().Fields()[i].Optional() {
			t.Errorf("%s is required", c.Name)
		}
		wantNull := c.Name == "event_id" || c.Name == "salon_id" || c.Name == "payment_id" // bt.Event sets no payment
		if rows[0][i].IsNull() != wantNull {
			t.Errorf("row 1: %s null %v, want %v", c.Name, rows[0][i].IsNull(), wantNull)
		}
		if rows[1][i].IsNull() != (c.Name == "payment_id") {
			t.Errorf("row 2: %s null %v", c.Name, rows[1][i].IsNull())
		}
	}
	if st := rows[0][6]; booking.Columns[6].Name != "status" || st.Int32() != 9 {
		t.Errorf("status %v, want 9", st)
	}
}
