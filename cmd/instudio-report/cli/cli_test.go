package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
)

// fixedNow is the clock of the command tests: Friday 2026-03-13 09:00 UTC,
// so last-7d is [2026-03-06, 2026-03-13).
var fixedNow = time.Date(2026, 3, 13, 9, 0, 0, 0, time.UTC)

type result struct {
	stdout, stderr string
	code           int
}

type runOpts struct {
	terminal bool
	env      map[string]string
}

func run(t *testing.T, o runOpts, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	env := o.env
	if env == nil {
		env = map[string]string{}
	}
	code := Execute(context.Background(), Env{
		Stdin:            strings.NewReader(""),
		Stdout:           &stdout,
		Stderr:           &stderr,
		StdoutIsTerminal: o.terminal,
		// No HOME or XDG_CONFIG_HOME: the user's own config never leaks in.
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return fixedNow },
	}, args)
	return result{stdout.String(), stderr.String(), code}
}

// writeSmallFixture writes two salons. Salon 1 has, in [2026-03-06,
// 2026-03-13):
//
//	1 booked 03-09 10:00, completed
//	2 booked 03-10 18:00, canceled 03-10 08:00 (10 h before: late)
//	3 booked 03-11 18:00, confirmed
//	4 booked 03-12 11:00, no-show
//
// and in the previous seven days [2026-02-27, 2026-03-06):
//
//	5 booked 03-02 18:00, completed
//	6 booked 03-03 12:00, canceled 02-28 09:00 (3 days before: not late)
//
// Salon 2 has booking 7, booked 03-09 10:00, completed.
func writeSmallFixture(t *testing.T) string {
	dir := t.TempDir()
	ev := func(id string, b, salon int64, st booking.Status, at, date string) booking.Event {
		return bt.Event(t, id, b, salon, st, at, date)
	}
	bt.WriteFiles(t, dir, map[string][]booking.Event{"batch": {
		ev("1a", 1, 1, booking.Pending, "2026-03-01 10:00", "2026-03-09 10:00"),
		ev("1b", 1, 1, booking.Completed, "2026-03-09 11:00", "2026-03-09 10:00"),
		ev("2a", 2, 1, booking.Pending, "2026-03-01 10:00", "2026-03-10 18:00"),
		ev("2b", 2, 1, booking.Canceled, "2026-03-10 08:00", "2026-03-10 18:00"),
		ev("3a", 3, 1, booking.Pending, "2026-03-01 10:00", "2026-03-11 18:00"),
		ev("3b", 3, 1, booking.Confirmed, "2026-03-02 10:00", "2026-03-11 18:00"),
		ev("4a", 4, 1, booking.Pending, "2026-03-01 10:00", "2026-03-12 11:00"),
		ev("4b", 4, 1, booking.NoShow, "2026-03-12 11:30", "2026-03-12 11:00"),
		ev("5a", 5, 1, booking.Pending, "2026-02-20 10:00", "2026-03-02 18:00"),
		ev("5b", 5, 1, booking.Completed, "2026-03-02 19:00", "2026-03-02 18:00"),
		ev("6a", 6, 1, booking.Pending, "2026-02-20 10:00", "2026-03-03 12:00"),
		ev("6b", 6, 1, booking.Canceled, "2026-02-28 09:00", "2026-03-03 12:00"),
		ev("7a", 7, 2, booking.Pending, "2026-03-01 10:00", "2026-03-09 10:00"),
		ev("7b", 7, 2, booking.Completed, "2026-03-09 11:00", "2026-03-09 10:00"),
	}})
	return dir
}
