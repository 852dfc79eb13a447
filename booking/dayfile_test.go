package booking_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/storage"
)

// Three events of salon 1 in the order read: event "b" of booking 2 at
// 10:00, event "a" of booking 2 at 10:00, and a second copy of "b" that
// says booking 1 at 09:00. ByEventID puts each under its own key (the copy
// of booking 1 first, then the 10:00 tie by event id: a, b);
// CopiesTogether keeps the copy under the first "b" (b, its copy, then a).
func TestDayFileOrders(t *testing.T) {
	at := func(hhmm string) time.Time {
		v, err := time.Parse("2006-01-02 15:04", "2026-03-01 "+hhmm)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ev := func(id string, bk int64, occurred string) booking.Event {
		return booking.Event{EventID: id, EventType: "created", BookingID: bk, SalonID: 1, Status: booking.Pending,
			OccurredAt: at(occurred), IngestedAt: at(occurred), BookingDate: at("18:00")}
	}
	read := []booking.Event{ev("b", 2, "10:00"), ev("a", 2, "10:00"), ev("b", 1, "09:00")}
	type row struct {
		id string
		bk int64
	}
	for _, tc := range []struct {
		order booking.Order
		want  []row
	}{
		{booking.ByEventID, []row{{"b", 1}, {"a", 2}, {"b", 2}}},
		{booking.CopiesTogether, []row{{"b", 2}, {"b", 1}, {"a", 2}}},
	} {
		f := &booking.DayFile{Day: "2026-03-01", Parts: [][]booking.Event{read}, Order: tc.order}
		data, err := f.Encode()
		if err != nil {
			t.Fatal(err)
		}
		got, err := booking.ReadParquet(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		var rows []row
		for _, e := range got {
			rows = append(rows, row{e.EventID, e.BookingID})
		}
		if len(rows) != len(tc.want) {
			t.Fatalf("order %d: %v, want %v", tc.order, rows, tc.want)
		}
		for i := range rows {
			if rows[i] != tc.want[i] {
				t.Errorf("order %d: %v, want %v", tc.order, rows, tc.want)
				break
			}
		}
	}
}

// The name is the label and the first HashLen hex digits of the SHA-256 of
// the hashed lines, each followed by a newline (sha256sum of "l1\nl2\n"
// starts 259ed500); Write creates it once and reports it there after.
func TestDayFileNameAndWrite(t *testing.T) {
	f := &booking.DayFile{Prefix: "/data/bookings/", Day: "2026-03-01", Label: "x-", Hashed: []string{"l1", "l2"}, HashLen: 8,
		Parts: [][]booking.Event{{{EventID: "e", EventType: "created", BookingID: 1, SalonID: 1, Status: booking.Pending,
			OccurredAt: time.Date(2026, 3, 1, 9, 0, 0, 1500, time.UTC), BookingDate: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}}}}
	if got, want := f.Key(), "data/bookings/dt=2026-03-01/x-259ed500.parquet"; got != want {
		t.Errorf("key = %q, want %q", got, want)
	}
	root := &storage.Dir{Path: t.TempDir()}
	for i, wantCreated := range []bool{true, false} {
		key, created, size, err := f.Write(context.Background(), root.Create)
		if err != nil || key != f.Key() || created != wantCreated || size == 0 {
			t.Errorf("write %d: key %q created %v size %d err %v", i+1, key, created, size, err)
		}
	}
	data, err := root.Read(context.Background(), f.Key())
	if err != nil {
		t.Fatal(err)
	}
	got, err := booking.ReadParquet(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	// 1,500 ns is stored as the microsecond it falls in.
	if len(got) != 1 || !got[0].OccurredAt.Equal(time.Date(2026, 3, 1, 9, 0, 0, 1000, time.UTC)) {
		t.Errorf("stored %+v", got)
	}
}

// Ten events in the order read, salon and event id each:
//
//	s1 a, s1 b, s2 c, s2 d, s3 e, s3 f, s3 g, s4 h, then a copy of "d"
//	that says salon 5, and s5 i.
//
// CopiesTogether puts the copy of d under the first d (salon 2), so sorted:
// s1 a b | s2 c d d' | s3 e f g | s4 h | s5 i. With minRows 3: 10/3 = 3
// files of at least ceil(10/3) = 4 events, cut only between salons: after
// s2 (5 events; d and its copy of salon 5 stay together), after s3 (3
// more would be too few: the cut waits for s4, 4 events), and the rest, s5
// (1 event), is under half of 4, so it stays in the second file:
// a b c d d' | e f g h i. Two files, p1of2 and p2of2.
func TestDayFileSplitAtSalons(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	ev := func(id string, salon int64) booking.Event {
		return booking.Event{EventID: id, EventType: "created", BookingID: 100 + int64(id[0]), SalonID: salon,
			Status: booking.Pending, OccurredAt: at, IngestedAt: at, BookingDate: at}
	}
	dCopy := ev("d", 5)
	dCopy.BookingID = ev("d", 2).BookingID
	read := []booking.Event{ev("a", 1), ev("b", 1), ev("c", 2), ev("d", 2), ev("e", 3), ev("f", 3), ev("g", 3), ev("h", 4), dCopy, ev("i", 5)}
	f := &booking.DayFile{Day: "2026-03-01", Label: "x-", Hashed: []string{"k"}, HashLen: 4,
		Parts: [][]booking.Event{read}, Order: booking.CopiesTogether,
		Metadata: [][2]string{{"m", "v"}}}
	files := f.SplitAtSalons(3, func(i, n int) [][2]string { return [][2]string{{"part", fmt.Sprintf("%d/%d", i, n)}} })
	if len(files) != 2 {
		t.Fatalf("%d files, want 2", len(files))
	}
	for i, want := range []string{"a b c d d", "e f g h i"} {
		p := files[i]
		if !strings.HasSuffix(p.Key(), fmt.Sprintf("-p%dof2.parquet", i+1)) || !strings.HasPrefix(p.Name(), f.Name()) {
			t.Errorf("file %d: key %s, want %s-p%dof2.parquet", i+1, p.Key(), f.Name(), i+1)
		}
		data, err := p.Encode()
		if err != nil {
			t.Fatal(err)
		}
		got, err := booking.ReadParquet(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, e := range got {
			ids = append(ids, e.EventID)
		}
		if strings.Join(ids, " ") != want || p.Rows() != len(got) {
			t.Errorf("file %d holds %q (Rows %d), want %q", i+1, ids, p.Rows(), want)
		}
		if len(p.Metadata) != 2 || p.Metadata[1] != [2]string{"part", fmt.Sprintf("%d/2", i+1)} {
			t.Errorf("file %d metadata = %v", i+1, p.Metadata)
		}
	}
	if len(f.Metadata) != 1 {
		t.Errorf("the split changed the file's own metadata: %v", f.Metadata)
	}
	// Fewer than twice minRows: the file itself.
	if one := f.SplitAtSalons(6, nil); len(one) != 1 || one[0] != f {
		t.Errorf("10 events at minRows 6: %d files, want the file itself", len(one))
	}
	if got := booking.PartSuffix(3, 12); got != "-p03of12" {
		t.Errorf("PartSuffix(3, 12) = %q", got)
	}
}
