package report

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/instudio/instudio-report/booking"
)

// Timeline is the history of one booking, for support staff: its events in
// order, the state derived from them, and what looks wrong.
type Timeline struct {
	BookingID int64
	Entries   []TimelineEntry
	// State is the booking as the bookings view derives it; nil when no
	// event of the booking counts (all of them after --as-of).
	State     *BookingState
	Anomalies []Anomaly
}

// TimelineEntry is one event (once, however often it was delivered).
type TimelineEntry struct {
	booking.Event
	// Copies is how many stored rows carry this event_id.
	Copies int
	// RescheduledFrom is the booking_date before this event, when it moved
	// the appointment.
	RescheduledFrom *time.Time
}

// BookingState is a booking's current state: the fields of its latest
// event and when it was created, canceled and completed.
type BookingState struct {
	SalonID     int64
	UserID      *int64
	EmployeeID  *int64
	BookingDate time.Time
	Status      booking.Status
	Service     *string
	AmountCents *int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	CanceledAt  *time.Time
	CompletedAt *time.Time
}

// Anomaly is something in a booking's history that a well-behaved producer
// does not send.
type Anomaly struct {
	Kind    string // duplicate_delivery, conflicting_copies, after_terminal, repeated_status, same_instant, salon_changed, invalid_status
	EventID string
	Detail  string
}

// terminal statuses end a booking's life: nothing should follow them.
func terminal(s booking.Status) bool {
	return s == booking.Completed || s == booking.Canceled || s == booking.NoShow
}

// NewTimeline orders the stored rows of one booking as the read model does
// (occurred_at, then status, then event_id), keeps each event_id once (its
// copy ingested first) and lists the anomalies.
func NewTimeline(id int64, rows []booking.Event, state *BookingState) Timeline {
	t := Timeline{BookingID: id, State: state}
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b booking.Event) int {
		if c := a.OccurredAt.Compare(b.OccurredAt); c != 0 {
			return c
		}
		if a.Status != b.Status {
			return int(a.Status - b.Status)
		}
		if a.EventID != b.EventID {
			if a.EventID < b.EventID {
				return -1
			}
			return 1
		}
		return a.IngestedAt.Compare(b.IngestedAt)
	})
	// The copy ingested first stands for its event_id.
	first := map[string]int{}
	copies := map[string][]booking.Event{}
	for _, e := range sorted {
		copies[e.EventID] = append(copies[e.EventID], e)
	}
	for _, e := range sorted {
		if i, seen := first[e.EventID]; seen {
			if e.IngestedAt.Before(t.Entries[i].IngestedAt) {
				t.Entries[i].Event = e
			}
			continue
		}
		first[e.EventID] = len(t.Entries)
		t.Entries = append(t.Entries, TimelineEntry{Event: e, Copies: len(copies[e.EventID])})
	}
	for id, cs := range copies {
		if len(cs) < 2 {
			continue
		}
		t.Anomalies = append(t.Anomalies, Anomaly{Kind: "duplicate_delivery", EventID: id, Detail: fmt.Sprintf("delivered %d times", len(cs))})
		for _, c := range cs[1:] {
			if !sameContent(c, cs[0]) {
				t.Anomalies = append(t.Anomalies, Anomaly{Kind: "conflicting_copies", EventID: id, Detail: "copies differ; the one ingested first counts"})
				break
			}
		}
	}
	var ended *TimelineEntry
	for i := range t.Entries {
		e := &t.Entries[i]
		if !e.Status.Valid() {
			// The views leave such an event out (docs/design.md's
			// contract), so it takes no part in the other checks.
			t.Anomalies = append(t.Anomalies, Anomaly{Kind: "invalid_status", EventID: e.EventID,
				Detail: fmt.Sprintf("status %d is outside 1..5; the reports leave this event out", e.Status)})
			continue
		}
		if i > 0 {
			prev := t.Entries[i-1]
			if !e.BookingDate.Equal(prev.BookingDate) {
				from := prev.BookingDate
				e.RescheduledFrom = &from
			}
			if e.OccurredAt.Equal(prev.OccurredAt) && e.Status != prev.Status {
				t.Anomalies = append(t.Anomalies, Anomaly{Kind: "same_instant", EventID: e.EventID,
					Detail: fmt.Sprintf("%s and %s at the same instant; the higher status wins", statusName(prev.Status), statusName(e.Status))})
			}
			if e.SalonID != prev.SalonID {
				t.Anomalies = append(t.Anomalies, Anomaly{Kind: "salon_changed", EventID: e.EventID,
					Detail: fmt.Sprintf("salon %d to %d", prev.SalonID, e.SalonID)})
			}
		}
		switch {
		case ended != nil && e.Status == ended.Status:
			t.Anomalies = append(t.Anomalies, Anomaly{Kind: "repeated_status", EventID: e.EventID,
				Detail: fmt.Sprintf("%s again after %s at %s", statusName(e.Status), ended.EventID, stamp(ended.OccurredAt))})
		case ended != nil:
			t.Anomalies = append(t.Anomalies, Anomaly{Kind: "after_terminal", EventID: e.EventID,
				Detail: fmt.Sprintf("%s after %s (%s at %s)", statusName(e.Status), statusName(ended.Status), ended.EventID, stamp(ended.OccurredAt))})
		}
		if terminal(e.Status) && (ended == nil || e.Status != ended.Status) {
			ended = e
		} else if !terminal(e.Status) {
			ended = nil
		}
	}
	slices.SortStableFunc(t.Anomalies, func(a, b Anomaly) int { return t.position(a.EventID) - t.position(b.EventID) })
	return t
}

func (t Timeline) position(eventID string) int {
	for i, e := range t.Entries {
		if e.EventID == eventID {
			return i
		}
	}
	return len(t.Entries)
}

func sameContent(a, b booking.Event) bool {
	a.IngestedAt, b.IngestedAt = time.Time{}, time.Time{}
	aj, _ := json.Marshal(a)
	bj, _ := json.Marshal(b)
	return string(aj) == string(bj)
}

func statusName(s booking.Status) string {
	switch s {
	case booking.Pending:
		return "pending"
	case booking.Confirmed:
		return "confirmed"
	case booking.Completed:
		return "completed"
	case booking.Canceled:
		return "canceled"
	case booking.NoShow:
		return "no_show"
	}
	return "status " + strconv.Itoa(int(s))
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }

func optInt(n *int64) string {
	if n == nil {
		return dash
	}
	return strconv.FormatInt(*n, 10)
}

// WriteTimelineTable prints the timeline for a terminal, within 100
// columns: the table holds the short fields, numbered, and each event's id
// (with its copies) and a reschedule follow on a line of their own.
func WriteTimelineTable(w io.Writer, t Timeline) error {
	fmt.Fprintf(w, "Booking %d: %d events\n\n", t.BookingID, len(t.Entries))
	tbl := newTable(w, []tw.Align{tw.AlignRight, tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, tw.AlignRight, tw.AlignRight})
	tbl.Header("#", "occurred_at (UTC)", "event_type", "status", "booking_date", "employee", "amount_cents")
	for i, e := range t.Entries {
		if err := tbl.Append(strconv.Itoa(i+1), stamp(e.OccurredAt), e.EventType, statusName(e.Status), e.BookingDate.Format("2006-01-02 15:04"), optInt(e.EmployeeID), optInt(e.AmountCents)); err != nil {
			return err
		}
	}
	if err := tbl.Render(); err != nil {
		return err
	}
	for i, e := range t.Entries {
		line := fmt.Sprintf("%3d  event_id %s", i+1, e.EventID)
		if e.Copies > 1 {
			line += fmt.Sprintf(" ×%d", e.Copies)
		}
		if e.RescheduledFrom != nil {
			line += ", rescheduled from " + e.RescheduledFrom.Format("2006-01-02 15:04")
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w)
	if s := t.State; s != nil {
		fmt.Fprintf(w, "Current state: %s, appointment %s at salon %d", statusName(s.Status), s.BookingDate.Format("2006-01-02 15:04"), s.SalonID)
		fmt.Fprintf(w, "\n  client %s, employee %s, amount_cents %s\n", optInt(s.UserID), optInt(s.EmployeeID), optInt(s.AmountCents))
		fmt.Fprintf(w, "  created %s UTC, last change %s UTC\n", stamp(s.CreatedAt), stamp(s.UpdatedAt))
		if s.CanceledAt != nil {
			fmt.Fprintf(w, "  canceled %s UTC\n", stamp(*s.CanceledAt))
		}
		if s.CompletedAt != nil {
			fmt.Fprintf(w, "  completed %s UTC\n", stamp(*s.CompletedAt))
		}
	}
	if len(t.Anomalies) == 0 {
		fmt.Fprintln(w, "Anomalies: none")
		return nil
	}
	fmt.Fprintln(w, "Anomalies:")
	for _, a := range t.Anomalies {
		fmt.Fprintf(w, "  %s  %s: %s\n", a.Kind, a.EventID, a.Detail)
	}
	return nil
}

type jsonTimelineEvent struct {
	EventID         string  `json:"event_id"`
	EventType       string  `json:"event_type"`
	OccurredAt      string  `json:"occurred_at"`
	IngestedAt      string  `json:"ingested_at"`
	Status          int     `json:"status"`
	StatusName      string  `json:"status_name"`
	BookingDate     string  `json:"booking_date"`
	RescheduledFrom *string `json:"rescheduled_from"`
	SalonID         int64   `json:"salon_id"`
	UserID          *int64  `json:"user_id"`
	EmployeeID      *int64  `json:"employee_id"`
	PaymentID       *int64  `json:"payment_id"`
	Service         *string `json:"service"`
	AmountCents     *int64  `json:"amount_cents"`
	Copies          int     `json:"copies"`
}

type jsonBookingState struct {
	SalonID     int64   `json:"salon_id"`
	Status      int     `json:"status"`
	StatusName  string  `json:"status_name"`
	BookingDate string  `json:"booking_date"`
	UserID      *int64  `json:"user_id"`
	EmployeeID  *int64  `json:"employee_id"`
	Service     *string `json:"service"`
	AmountCents *int64  `json:"amount_cents"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
	CanceledAt  *string `json:"canceled_at"`
	CompletedAt *string `json:"completed_at"`
}

type jsonAnomaly struct {
	Kind    string `json:"kind"`
	EventID string `json:"event_id"`
	Detail  string `json:"detail"`
}

const localLayout = "2006-01-02T15:04:05"

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func optTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := rfc(*t)
	return &s
}

// WriteTimelineJSON prints the timeline as one JSON object: booking_id,
// events, state and anomalies. occurred_at and friends are RFC 3339 UTC;
// booking_date is the salon's wall time without offset, as producers send it.
func WriteTimelineJSON(w io.Writer, t Timeline) error {
	out := struct {
		BookingID int64               `json:"booking_id"`
		Events    []jsonTimelineEvent `json:"events"`
		State     *jsonBookingState   `json:"state"`
		Anomalies []jsonAnomaly       `json:"anomalies"`
	}{BookingID: t.BookingID, Events: []jsonTimelineEvent{}, Anomalies: []jsonAnomaly{}}
	for _, e := range t.Entries {
		je := jsonTimelineEvent{
			EventID: e.EventID, EventType: e.EventType, OccurredAt: rfc(e.OccurredAt), IngestedAt: rfc(e.IngestedAt),
			Status: int(e.Status), StatusName: statusName(e.Status), BookingDate: e.BookingDate.Format(localLayout),
			SalonID: e.SalonID, UserID: e.UserID, EmployeeID: e.EmployeeID, PaymentID: e.PaymentID,
			Service: e.Service, AmountCents: e.AmountCents, Copies: e.Copies,
		}
		if e.RescheduledFrom != nil {
			s := e.RescheduledFrom.Format(localLayout)
			je.RescheduledFrom = &s
		}
		out.Events = append(out.Events, je)
	}
	if s := t.State; s != nil {
		out.State = &jsonBookingState{
			SalonID: s.SalonID, Status: int(s.Status), StatusName: statusName(s.Status), BookingDate: s.BookingDate.Format(localLayout),
			UserID: s.UserID, EmployeeID: s.EmployeeID, Service: s.Service, AmountCents: s.AmountCents,
			CreatedAt: rfc(s.CreatedAt), UpdatedAt: rfc(s.UpdatedAt), CanceledAt: optTime(s.CanceledAt), CompletedAt: optTime(s.CompletedAt),
		}
	}
	for _, a := range t.Anomalies {
		out.Anomalies = append(out.Anomalies, jsonAnomaly(a))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
