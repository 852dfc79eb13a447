package report

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Periods lists the named --period values, for shell completion.
var Periods = []string{"last-7d", "last-30d", "last-week", "last-month"}

var lastNDays = regexp.MustCompile(`^last-([0-9]{1,4})d$`)

// ParsePeriod turns a named period into dates [from, to) relative to today
// (a date). last-Nd is the N full days before today; last-week the Monday to
// Sunday before this week; last-month the calendar month before this one;
// YYYY-MM that month.
func ParsePeriod(spec string, today time.Time) (from, to time.Time, err error) {
	today = Date(today)
	switch {
	case lastNDays.MatchString(spec):
		n, _ := strconv.Atoi(lastNDays.FindStringSubmatch(spec)[1])
		if n < 1 {
			return from, to, fmt.Errorf("invalid period %q: the number of days must be at least 1", spec)
		}
		return today.AddDate(0, 0, -n), today, nil
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
		return m, m.AddDate(0, 1, 0), nil
	}
	return from, to, fmt.Errorf("invalid period %q: use last-7d, last-30d, last-Nd, last-week, last-month or YYYY-MM", spec)
}

// ParseDate reads a YYYY-MM-DD date.
func ParseDate(s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid date %q: use YYYY-MM-DD", s)
	}
	return d, nil
}

// Before returns the equally long period just before [from, to).
func Before(from, to time.Time) (time.Time, time.Time) {
	days := int(to.Sub(from).Hours() / 24)
	return from.AddDate(0, 0, -days), from
}

// Date is t's calendar date, as midnight UTC.
func Date(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
