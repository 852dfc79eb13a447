package report

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Periods lists the named --period values, for shell completion.
var Periods = []string{"last-7d", "last-30d", "last-week", "last-month"}

var lastNDays = regexp.MustCompile(`^last-([0-9]+)d$`)

// The dates a report may cover: a period lies within [MinDate, MaxDate] and
// spans at most MaxPeriodDays, so that it and the period before it are
// ordinary calendar dates.
var (
	MinDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxDate = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)

// MaxPeriodDays is the longest period, about 100 years.
const MaxPeriodDays = 36600

// ParsePeriod turns a named period into dates [from, to) relative to today
// (a date). last-Nd is the N full days before today; last-week the Monday to
// Sunday before this week; last-month the calendar month before this one;
// YYYY-MM that month.
func ParsePeriod(spec string, today time.Time) (from, to time.Time, err error) {
	today = Date(today)
	switch {
	case lastNDays.MatchString(spec):
		n, err := strconv.Atoi(lastNDays.FindStringSubmatch(spec)[1])
		if err != nil || n > MaxPeriodDays {
			return from, to, fmt.Errorf("invalid period %q: at most last-%dd (about 100 years)", spec, MaxPeriodDays)
		}
		if n < 1 {
			return from, to, fmt.Errorf("invalid period %q: the number of days must be at least 1", spec)
		}
		return today.AddDate(0, 0, -n), today, CheckRange(today.AddDate(0, 0, -n), today)
	case spec == "last-week":
		// Go's weekdays start on Sunday; ISO weeks on Monday.
		sinceMonday := (int(today.Weekday()) + 6) % 7
		thisMonday := today.AddDate(0, 0, -sinceMonday)
		return thisMonday.AddDate(0, 0, -7), thisMonday, nil
	case spec == "last-month":
		first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
		return first.AddDate(0, -1, 0), first, nil
	}
	if m, err := time.Parse("2006-01", spec); err == nil {
		return m, m.AddDate(0, 1, 0), CheckRange(m, m.AddDate(0, 1, 0))
	}
	return from, to, fmt.Errorf("invalid period %q: use last-7d, last-30d, last-Nd, last-week, last-month or YYYY-MM", spec)
}

// ParseDate reads a YYYY-MM-DD date.
func ParseDate(s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid date %q: use YYYY-MM-DD", s)
	}
	if d.Before(MinDate) || d.After(MaxDate) {
		return time.Time{}, fmt.Errorf("invalid date %q: dates run from %s to %s", s, MinDate.Format(time.DateOnly), MaxDate.Format(time.DateOnly))
	}
	return d, nil
}

// CheckRange says what is wrong with the period [from, to), if anything:
// dates outside [MinDate, MaxDate] or more than MaxPeriodDays between them.
func CheckRange(from, to time.Time) error {
	for _, d := range []time.Time{from, to} {
		if d.Before(MinDate) || d.After(MaxDate) {
			return fmt.Errorf("period %s to %s: dates run from %s to %s", from.Format(time.DateOnly), to.Format(time.DateOnly), MinDate.Format(time.DateOnly), MaxDate.Format(time.DateOnly))
		}
	}
	if days := Days(from, to); days > MaxPeriodDays {
		return fmt.Errorf("period %s to %s is %d days: at most %d (about 100 years)", from.Format(time.DateOnly), to.Format(time.DateOnly), days, MaxPeriodDays)
	}
	return nil
}

// Days is the number of calendar days from one date to another, counted on
// Unix seconds rather than a time.Duration, which overflows past about 292
// years.
func Days(from, to time.Time) int64 {
	return (Date(to).Unix() - Date(from).Unix()) / (24 * 60 * 60)
}

// Before returns the equally long period just before [from, to), cut at
// MinDate: dates before it are not supported, so the period before a very
// long or very early one is shorter (and empty for one that starts at
// MinDate).
func Before(from, to time.Time) (time.Time, time.Time) {
	prev := from.AddDate(0, 0, -int(Days(from, to)))
	if prev.Before(MinDate) {
		prev = MinDate
	}
	return prev, from
}

// Date is t's calendar date, as midnight UTC.
func Date(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
