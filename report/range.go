package report

import (
	"errors"
	"fmt"
	"time"
)

// RangeFlags are the period flags of a report command as given: --from
// and --to, or --period, and --as-of.
type RangeFlags struct {
	From, To, Period, AsOf string
}

// Range is the period [From, To) a report covers and the instant its
// events are counted up to (nil: all of them).
type Range struct {
	From, To time.Time
	AsOf     *time.Time
}

// ParseRange checks the period flags. today is the platform's date and
// zone its time zone: a relative period ends at today, or at the as-of
// day when --as-of is given (the books as they stood then, over the days
// before then, rather than a page of zeros). The default period is
// last-30d.
func ParseRange(f RangeFlags, today time.Time, zone *time.Location) (Range, error) {
	var r Range
	if f.AsOf != "" {
		t, err := ParseInstant(f.AsOf)
		if err != nil {
			return r, fmt.Errorf("--as-of: %w", err)
		}
		r.AsOf = &t
	}
	switch {
	case f.Period != "" && (f.From != "" || f.To != ""):
		return r, errors.New("give either --period or --from and --to, not both")
	case (f.From == "") != (f.To == ""):
		return r, errors.New("--from and --to go together: give both, or use --period")
	case f.From != "":
		var err error
		if r.From, err = ParseDate(f.From); err != nil {
			return r, fmt.Errorf("--from: %w", err)
		}
		if r.To, err = ParseDate(f.To); err != nil {
			return r, fmt.Errorf("--to: %w", err)
		}
		if !r.From.Before(r.To) {
			return r, fmt.Errorf("--from %s must be before --to %s (--to is exclusive)", f.From, f.To)
		}
		if err := CheckRange(r.From, r.To); err != nil {
			return r, fmt.Errorf("--from/--to: %w", err)
		}
	default:
		period := f.Period
		if period == "" {
			period = "last-30d"
		}
		if r.AsOf != nil {
			today = Date(r.AsOf.In(zone))
		}
		var err error
		if r.From, r.To, err = ParsePeriod(period, today); err != nil {
			return r, fmt.Errorf("--period: %w", err)
		}
	}
	return r, nil
}

// ParseInstant reads RFC 3339, a date-time without offset (UTC), or a
// date (its start, UTC).
func ParseInstant(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid time %q: use RFC 3339 such as 2026-11-01T12:00:00Z, or YYYY-MM-DD", s)
}
