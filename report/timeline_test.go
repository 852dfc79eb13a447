package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/report"
)

// A booking with everything a producer should not send, in order of
// occurred_at:
//
//	a 03-01 10:00 pending   for 03-10 10:00
//	b 03-02 10:00 confirmed, rescheduled to 03-11 12:00
//	c 03-05 09:00 canceled                     (terminal)
//	d 03-05 09:30 canceled again               -> repeated_status
//	e 03-06 08:00 confirmed                    -> after_terminal (reinstated)
//	f 03-11 13:00 completed, delivered twice with a different amount
//	                                           -> duplicate_delivery, conflicting_copies
//	g 03-11 13:00 no_show at the same instant  -> same_instant, after_terminal
func TestTimelineAnomalies(t *testing.T) {
	ev := func(id string, st booking.Status, at, date string) booking.Event {
		return bt.Event(t, id, 7, 1, st, at, date)
	}
	f1 := ev("f", booking.Completed, "2026-03-11 13:00", "2026-03-11 12:00")
	f2 := f1
	f2.IngestedAt = f2.IngestedAt.Add(3600e9)
	f2.AmountCents = booking.Ptr(int64(9999))
	rows := []booking.Event{
		f2, // arrives in an earlier file but was ingested later
		ev("a", booking.Pending, "2026-03-01 10:00", "2026-03-10 10:00"),
		ev("b", booking.Confirmed, "2026-03-02 10:00", "2026-03-11 12:00"),
		ev("c", booking.Canceled, "2026-03-05 09:00", "2026-03-11 12:00"),
		ev("d", booking.Canceled, "2026-03-05 09:30", "2026-03-11 12:00"),
		ev("e", booking.Confirmed, "2026-03-06 08:00", "2026-03-11 12:00"),
		f1,
		ev("g", booking.NoShow, "2026-03-11 13:00", "2026-03-11 12:00"),
	}
	tl := report.NewTimeline(7, rows, nil)
	var ids []string
	for _, e := range tl.Entries {
		ids = append(ids, e.EventID)
	}
	if strings.Join(ids, "") != "abcdefg" {
		t.Fatalf("order = %v, want a..g", ids)
	}
	if f := tl.Entries[5]; f.Copies != 2 || *f.AmountCents != 4500 {
		t.Errorf("f = %d copies, amount %d; want 2 copies, the first ingested (4500)", f.Copies, *f.AmountCents)
	}
	if r := tl.Entries[1].RescheduledFrom; r == nil || !r.Equal(bt.Time(t, "2026-03-10 10:00")) {
		t.Errorf("b rescheduled from %v, want 2026-03-10 10:00", r)
	}
	if tl.Entries[2].RescheduledFrom != nil {
		t.Errorf("c is no reschedule")
	}
	var got []string
	for _, a := range tl.Anomalies {
		got = append(got, a.EventID+":"+a.Kind)
	}
	want := "d:repeated_status e:after_terminal f:duplicate_delivery f:conflicting_copies g:same_instant g:after_terminal"
	if strings.Join(got, " ") != want {
		t.Errorf("anomalies = %v\nwant        %s", got, want)
	}

	var buf bytes.Buffer
	if err := report.WriteTimelineJSON(&buf, tl); err != nil {
		t.Fatal(err)
	}
	var out struct {
		BookingID int64 `json:"booking_id"`
		Events    []struct {
			EventID         string  `json:"event_id"`
			RescheduledFrom *string `json:"rescheduled_from"`
			Copies          int     `json:"copies"`
		} `json:"events"`
		State     any   `json:"state"`
		Anomalies []any `json:"anomalies"`
	}
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	// The terminal table reads in 100 columns (issue 21, item 18: it was
	// 136-170 wide): the event id and the reschedule have their own line.
	buf.Reset()
	if err := report.WriteTimelineTable(&buf, tl); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(buf.String(), "\n") {
		if n := utf8.RuneCountInString(line); n > 100 {
			t.Errorf("%d columns: %s", n, line)
		}
	}
	if !strings.Contains(buf.String(), "  2  event_id b, rescheduled from 2026-03-10 10:00\n") {
		t.Errorf("table lacks event 2's line:\n%s", buf.String())
	}
	if out.BookingID != 7 || len(out.Events) != 7 || out.State != nil || len(out.Anomalies) != 6 {
		t.Errorf("json = %+v", out)
	}
	if r := out.Events[1].RescheduledFrom; r == nil || *r != "2026-03-10T10:00:00" {
		t.Errorf("rescheduled_from = %v, want the wall time 2026-03-10T10:00:00", r)
	}
}

// A clean history has no anomalies.
func TestTimelineClean(t *testing.T) {
	tl := report.NewTimeline(8, []booking.Event{
		bt.Event(t, "x", 8, 1, booking.Pending, "2026-03-01 10:00", "2026-03-10 10:00"),
		bt.Event(t, "y", 8, 1, booking.Confirmed, "2026-03-02 10:00", "2026-03-10 10:00"),
		bt.Event(t, "z", 8, 1, booking.Completed, "2026-03-10 11:00", "2026-03-10 10:00"),
	}, nil)
	if len(tl.Anomalies) != 0 {
		t.Errorf("anomalies = %+v, want none", tl.Anomalies)
	}
	var buf bytes.Buffer
	if err := report.WriteTimelineTable(&buf, tl); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Anomalies: none") {
		t.Errorf("table:\n%s", buf.String())
	}
}

// A status outside 1..5 (here 9) is an anomaly, never "Anomalies: none":
// the reports leave that event out, and the timeline says so.
func TestTimelineInvalidStatus(t *testing.T) {
	tl := report.NewTimeline(8, []booking.Event{
		bt.Event(t, "x", 8, 1, booking.Pending, "2026-03-01 10:00", "2026-03-10 10:00"),
		bt.Event(t, "y", 8, 1, booking.Status(9), "2026-03-02 10:00", "2026-03-10 10:00"),
	}, nil)
	if len(tl.Anomalies) != 1 || tl.Anomalies[0].EventID != "y" || tl.Anomalies[0].Kind != "invalid_status" {
		t.Fatalf("anomalies = %+v, want y:invalid_status", tl.Anomalies)
	}
	var buf bytes.Buffer
	if err := report.WriteTimelineTable(&buf, tl); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); strings.Contains(out, "Anomalies: none") || !strings.Contains(out, "status 9 is outside 1..5; the reports leave this event out") {
		t.Errorf("table:\n%s", out)
	}
}
