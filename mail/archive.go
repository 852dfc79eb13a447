package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/instudio/instudio-report/report"
)

// Figures are a report's headline figures, named as in its JSON so that
// they read the same from a report and from an archived one.
type Figures struct {
	Bookings         int64    `json:"bookings"`
	Completed        int64    `json:"completed"`
	Canceled         int64    `json:"canceled"`
	NoShow           int64    `json:"no_show"`
	CancellationRate *float64 `json:"cancellation_rate"`
	NoShowRate       *float64 `json:"no_show_rate"`
	Clients          int64    `json:"clients"`
	RevenueCents     *int64   `json:"revenue_cents"`
}

// FiguresOf reads the headline figures of a report.
func FiguresOf(r report.Report) Figures {
	c := r.Current
	return Figures{
		Bookings: c.Counts.Bookings, Completed: c.Counts.Completed, Canceled: c.Counts.Canceled, NoShow: c.Counts.NoShow,
		CancellationRate: c.CancellationRate(), NoShowRate: c.NoShowRate(), Clients: c.Clients.Clients, RevenueCents: c.RevenueCents,
	}
}

// Record is one listed ledger record, its body not read yet.
type Record struct {
	Period  Period
	SalonID int64
	Attempt int
	State   State
	Key     string
	ModTime time.Time
}

// Records lists every record of the ledger, oldest period first, then by
// salon and attempt.
func (l *Ledger) Records(ctx context.Context) ([]Record, error) {
	objects, err := l.Root.List(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("ledger %s: %w", l.Root.String(), err)
	}
	var out []Record
	for _, o := range objects {
		periodKey, rest, ok := strings.Cut(o.Key, "/")
		if !ok {
			continue
		}
		p, ok := parsePeriodKey(periodKey)
		if !ok {
			continue
		}
		salon, attempt, state, ok := parseKey(rest)
		if !ok {
			continue
		}
		out = append(out, Record{Period: p, SalonID: salon, Attempt: attempt, State: state, Key: o.Key, ModTime: o.ModTime})
	}
	slices.SortStableFunc(out, func(a, b Record) int {
		if c := strings.Compare(a.Period.Key(), b.Period.Key()); c != 0 {
			return c
		}
		if a.SalonID != b.SalonID {
			return int(a.SalonID - b.SalonID)
		}
		if a.Attempt != b.Attempt {
			return a.Attempt - b.Attempt
		}
		return int(a.State - b.State)
	})
	return out, nil
}

// Read returns the entry a record holds.
func (l *Ledger) Read(ctx context.Context, r Record) (Entry, error) {
	data, err := l.Root.Read(ctx, r.Key)
	if err != nil {
		return Entry{}, fmt.Errorf("ledger %s: %w", l.Root.URI(r.Key), err)
	}
	var e Entry
	if err := json.Unmarshal(data, &e); err != nil {
		return Entry{}, fmt.Errorf("ledger %s: not a ledger record: %w", l.Root.URI(r.Key), err)
	}
	return e, nil
}

// Latest keeps, of each (salon, period), the record that says where it
// stands: the highest attempt, its outcome over its claim.
func Latest(records []Record) []Record {
	var out []Record
	for _, r := range records {
		if n := len(out); n > 0 && out[n-1].SalonID == r.SalonID && out[n-1].Period == r.Period {
			out[n-1] = r // records are sorted: a later one outranks
			continue
		}
		out = append(out, r)
	}
	return out
}

// LastSentRecord is the newest sent record of the salon for a period that ended
// by before's start; ok is false when there is none.
func LastSentRecord(records []Record, salon int64, before Period) (Record, bool) {
	var found Record
	ok := false
	for _, r := range records {
		if r.SalonID != salon || r.State != Sent || r.Period.To.After(before.From) {
			continue
		}
		if !ok || r.Period.To.After(found.Period.To) || (r.Period == found.Period && r.Attempt > found.Attempt) {
			found, ok = r, true
		}
	}
	return found, ok
}

func parsePeriodKey(key string) (Period, bool) {
	from, to, ok := strings.Cut(key, "_")
	if !ok {
		return Period{}, false
	}
	f, err1 := time.Parse(time.DateOnly, from)
	t, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil || !f.Before(t) {
		return Period{}, false
	}
	return Period{From: f, To: t}, true
}
