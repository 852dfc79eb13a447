package cli

import (
	"strings"
	"testing"
)

func TestQueryInputsFormatsAndErrors(t *testing.T) {
	dir := writeSmallFixture(t)
	// Per salon, from the fixture: salon 1 has bookings 1-6, salon 2 has
	// booking 7; 14 events, two per booking.
	perSalon := "SELECT salon_id, count(*) AS bookings FROM bookings GROUP BY ALL ORDER BY 1"
	tests := []struct {
		name     string
		terminal bool
		args     []string
		code     int
		stdout   string
		stderr   string // a part of it
	}{
		{name: "csv when piped", args: []string{"query", perSalon},
			stdout: "salon_id,bookings\n1,6\n2,1\n"},
		{name: "a table on a terminal", terminal: true, args: []string{"query", perSalon},
			stdout: "┌──────────┬──────────┐\n│ salon_id │ bookings │\n├──────────┼──────────┤\n│        1 │        6 │\n│        2 │        1 │\n└──────────┴──────────┘\n"},
		{name: "json", args: []string{"query", "-o", "json", perSalon},
			stdout: "[\n  {\"salon_id\": 1, \"bookings\": 6},\n  {\"salon_id\": 2, \"bookings\": 1}\n]\n"},
		{name: "md", args: []string{"query", "-o", "md", perSalon},
			stdout: "| salon_id | bookings |\n| -------: | -------: |\n|        1 |        6 |\n|        2 |        1 |\n"},
		{name: "several statements print the last", args: []string{"query", "SELECT 1; SELECT count(*) AS events FROM events;"},
			stdout: "events\n14\n"},
		// As of 2026-03-01 12:00 the events that count are the "created"
		// ones of bookings 1, 2, 3, 4 and 7 (03-01 10:00) and of 5 and 6
		// (02-20), and 6's cancellation (02-28 09:00): seven bookings, six
		// pending and one canceled.
		{name: "as of", args: []string{"query", "--as-of", "2026-03-01T12:00:00Z",
			"SELECT count(*) AS n, count(*) FILTER (WHERE status = 1) AS pending, count(*) FILTER (WHERE status = 4) AS canceled FROM bookings"},
			stdout: "n,pending,canceled\n7,6,1\n"},
		{name: "error with position", args: []string{"query", "SELECT 1;\nSELECT nope\nFROM bookings"}, code: 1,
			stderr: "instudio-report: query: statement 2 (line 2): Binder Error: Referenced column \"nope\" not found in FROM clause!"},
		{name: "no SQL", args: []string{"query"}, code: 2, stderr: "give the SQL"},
		{name: "bad as-of", args: []string{"query", "--as-of", "soon", "SELECT 1"}, code: 2, stderr: "--as-of: invalid time"},
		{name: "line is for the repl", args: []string{"query", "-o", "line", "SELECT 1"}, code: 2, stderr: "invalid output format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, runOpts{terminal: tt.terminal}, append([]string{"--source", dir}, tt.args...)...)
			if res.code != tt.code {
				t.Fatalf("exit %d, want %d: %s", res.code, tt.code, res.stderr)
			}
			if res.stdout != tt.stdout {
				t.Errorf("stdout:\n%s\nwant:\n%s", res.stdout, tt.stdout)
			}
			if !strings.Contains(res.stderr, tt.stderr) {
				t.Errorf("stderr = %q, want it to hold %q", res.stderr, tt.stderr)
			}
		})
	}
}

func TestQueryWithoutBookingFiles(t *testing.T) {
	res := run(t, runOpts{}, "--source", t.TempDir(), "query", "SELECT 40 + 2 AS answer")
	if res.code != 0 || res.stdout != "answer\n42\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stderr, "the events and bookings views are not defined: no booking files match") {
		t.Errorf("no warning: %q", res.stderr)
	}
}
