package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
)

// programDir holds a copy of this test binary named instudio-report, which
// testscript.Main (see main_test.go) runs as the real main: the program as
// a user starts it, with its own signal handling and exit codes. It sits in
// a directory anyone may enter, so that it also runs as nobody.
func programDir(t *testing.T) (dir, program string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "instudio-report-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { chmodAll(dir); os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	program = filepath.Join(dir, "instudio-report")
	if err := os.WriteFile(program, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, program
}

// chmodAll makes everything under dir removable again.
func chmodAll(dir string) {
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if d != nil && d.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
}

// The corpus: the events of every good source are those of salon 1 below,
// and each case adds one kind of trouble.
//
//	booking 1: created 03-01, completed, booked 03-03 10:00   -> completed, hour 10
//	booking 2: created 03-01, canceled 03-02 20:00, booked 03-03 12:00
//	           (16 h before: late)                            -> canceled
//	booking 3: created 03-01, booked 03-04 18:00              -> pending, hour 18
//
// Period [03-03, 03-05): bookings 3 = pending 1 + completed 1 + canceled 1.
func goodEvents(t *testing.T) []booking.Event {
	return []booking.Event{
		bt.Event(t, "1a", 1, 1, booking.Pending, "2026-03-01 09:00", "2026-03-03 10:00"),
		bt.Event(t, "1b", 1, 1, booking.Completed, "2026-03-03 11:00", "2026-03-03 10:00"),
		bt.Event(t, "2a", 2, 1, booking.Pending, "2026-03-01 09:00", "2026-03-03 12:00"),
		bt.Event(t, "2b", 2, 1, booking.Canceled, "2026-03-02 20:00", "2026-03-03 12:00"),
		bt.Event(t, "3a", 3, 1, booking.Pending, "2026-03-01 09:00", "2026-03-04 18:00"),
	}
}

type counts struct {
	Bookings, Pending, Confirmed, Completed, Canceled, NoShow int
}

func TestBadSources(t *testing.T) {
	home, program := programDir(t)
	writeRaw := func(t *testing.T, src, key string, data []byte) string {
		p := filepath.Join(src, filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := func(t *testing.T, src string) {
		bt.WriteFiles(t, src, map[string][]booking.Event{"batch": goodEvents(t)})
	}
	for _, tc := range []struct {
		name   string
		source func(t *testing.T, src string) // writes the source
		code   int
		stderr string // exact, with SRC for the source directory
		want   *counts
		// unprivileged runs the program as nobody when the test runs as
		// root, to whom every directory is readable.
		unprivileged bool
	}{
		{
			name: "zero-byte file",
			source: func(t *testing.T, src string) {
				good(t, src)
				writeRaw(t, src, "bookings/dt=2026-03-02/empty.parquet", nil)
			},
			code:   1,
			stderr: "instudio-report: salon 1: read SRC/bookings/dt=2026-03-02/empty.parquet: not a readable Parquet file: reading magic header of parquet file: EOF\n",
		},
		{
			name: "truncated file",
			source: func(t *testing.T, src string) {
				good(t, src)
				data, _ := booking.EncodeParquet(goodEvents(t))
				writeRaw(t, src, "bookings/dt=2026-03-02/cut.parquet", data[:len(data)/2])
			},
			code:   1,
			stderr: "instudio-report: salon 1: read SRC/bookings/dt=2026-03-02/cut.parquet: not a readable Parquet file: invalid magic footer of parquet file: ",
		},
		{
			name: "text file",
			source: func(t *testing.T, src string) {
				good(t, src)
				writeRaw(t, src, "bookings/dt=2026-03-02/notes.parquet", []byte("booking_id,status\n1,3\n"))
			},
			code:   1,
			stderr: "instudio-report: salon 1: read SRC/bookings/dt=2026-03-02/notes.parquet: not a readable Parquet file: invalid magic header of parquet file: \"book\"\n",
		},
		{
			name:   "good source",
			source: good,
			want:   &counts{Bookings: 3, Pending: 1, Completed: 1, Canceled: 1},
		},
		{
			// The file lacks status: the error names it and the column,
			// not the first good file.
			name: "wrong schema",
			source: func(t *testing.T, src string) {
				good(t, src)
				writeRaw(t, src, "bookings/dt=2026-03-02/old.parquet", bt.Parquet(t, []noStatus{{EventID: "x", BookingID: 9, SalonID: 1}}))
			},
			code:   1,
			stderr: "instudio-report: salon 1: read SRC/bookings/dt=2026-03-02/old.parquet: column event_type is missing (a booking file has the 13 columns of docs/design.md)\n",
		},
		{
			name: "string salon id",
			source: func(t *testing.T, src string) {
				good(t, src)
				writeRaw(t, src, "bookings/dt=2026-03-02/str.parquet", stringSalon(t, booking.Event{EventID: "x", EventType: "created", BookingID: 9, Status: 1, OccurredAt: at(t, "2026-03-02 09:00"), IngestedAt: at(t, "2026-03-02 09:00"), BookingDate: at(t, "2026-03-03 09:00")}))
			},
			code:   1,
			stderr: "instudio-report: salon 1: read SRC/bookings/dt=2026-03-02/str.parquet: column salon_id holds strings or bytes, want integers\n",
		},
		{
			// The legacy file (bt.OtherProducer) sorts first and has
			// INT32 ids: booking 4, pending at 03-04 09:00, adds one
			// pending booking; so does booking 3,000,000,000 in a
			// standard file, an id too wide for INT32 (read as INT32, the
			// legacy file's type, it failed).
			name: "int32 ids first",
			source: func(t *testing.T, src string) {
				good(t, src)
				bt.WriteFiles(t, src, map[string][]booking.Event{"wide": {bt.Event(t, "wa", 3_000_000_000, 1, booking.Pending, "2026-03-01 10:00", "2026-03-04 10:00")}})
				writeRaw(t, src, "bookings/dt=2026-03-01/a-legacy.parquet", bt.OtherProducer(t, []booking.Event{{EventID: "4a", EventType: "created", OccurredAt: at(t, "2026-03-01 09:00"), IngestedAt: at(t, "2026-03-01 09:00"), BookingID: 4, BookingDate: at(t, "2026-03-04 09:00"), Status: 1, SalonID: 1}}))
			},
			want: &counts{Bookings: 5, Pending: 3, Completed: 1, Canceled: 1},
		},
		{
			// Booking 4 has status 9 and booking 5 a null status: both
			// left out, with one warning; the counts add up.
			name: "invalid status",
			source: func(t *testing.T, src string) {
				good(t, src)
				writeRaw(t, src, "bookings/dt=2026-03-01/z-bad.parquet", bt.Nullable(t, []bt.NullRow{
					nullable(t, "4a", 4, 1, 9),
					nullable(t, "5a", 5, 1, 0, "status"),
				}))
			},
			stderr: "instudio-report: warning: left out 2 rows of these salons' bookings that break the data contract, first in SRC/bookings/dt=2026-03-01/z-bad.parquet (status 9 is outside 1..5)\n",
			want:   &counts{Bookings: 3, Pending: 1, Completed: 1, Canceled: 1},
		},
		{
			// A null event_id and a null booking_date for salon 1's
			// bookings 4 and 5, and a row at salon 1 without a
			// booking_id: all three left out and counted.
			name: "null ids",
			source: func(t *testing.T, src string) {
				good(t, src)
				noEvent := nullable(t, "", 4, 1, 1, "event_id")
				noDate := nullable(t, "5a", 5, 1, 1, "booking_date")
				noBooking := nullable(t, "6a", 6, 1, 1, "booking_id")
				writeRaw(t, src, "bookings/dt=2026-03-01/z-bad.parquet", bt.Nullable(t, []bt.NullRow{noEvent, noDate, noBooking}))
			},
			stderr: "instudio-report: warning: left out 3 rows of these salons' bookings that break the data contract, first in SRC/bookings/dt=2026-03-01/z-bad.parquet (event_id is null)\n",
			want:   &counts{Bookings: 3, Pending: 1, Completed: 1, Canceled: 1},
		},
		{
			// Listing fails on dt=2026-03-02: an error naming it, never a
			// report without its files. As root, the program runs as nobody.
			name: "unreadable directory",
			source: func(t *testing.T, src string) {
				good(t, src)
				bt.WriteFiles(t, src, map[string][]booking.Event{"later": {bt.Event(t, "9a", 9, 1, booking.Pending, "2026-03-02 09:00", "2026-03-04 09:00")}})
				if err := os.Chmod(filepath.Join(src, "bookings", "dt=2026-03-02"), 0o000); err != nil {
					t.Fatal(err)
				}
			},
			unprivileged: true,
			code:         1,
			stderr:       "instudio-report: source SRC: list SRC/bookings/dt=2026-03-02: open SRC/bookings/dt=2026-03-02: permission denied\n",
		},
		{
			// A sibling data1x, holding booking 1 only, would match the
			// glob data[1]*; only the source's own 3 bookings count.
			name: "glob characters in the path",
			source: func(t *testing.T, src string) {
				bt.WriteFiles(t, filepath.Join(filepath.Dir(src), "data1x"), map[string][]booking.Event{"batch": goodEvents(t)[:2]})
				good(t, src)
			},
			want: &counts{Bookings: 3, Pending: 1, Completed: 1, Canceled: 1},
		},
		{
			// Event 3a again in a later file, ingested earlier, says
			// confirmed: the earliest ingested copy wins, so booking 3 is
			// confirmed. Event 1b again, same ingested_at, says canceled
			// in a file that sorts after: the first file's copy wins.
			name: "conflicting duplicates",
			source: func(t *testing.T, src string) {
				good(t, src)
				events := goodEvents(t)
				early := events[4]
				early.Status, early.EventType = booking.Confirmed, "confirmed"
				early.IngestedAt = early.IngestedAt.Add(-time.Minute)
				late := events[1]
				late.Status, late.EventType = booking.Canceled, "canceled"
				bt.WriteFiles(t, src, map[string][]booking.Event{"zz-redelivered": {early, late}})
			},
			want: &counts{Bookings: 3, Confirmed: 1, Completed: 1, Canceled: 1},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent, err := os.MkdirTemp(home, "case-")
			if err != nil {
				t.Fatal(err)
			}
			os.Chmod(parent, 0o755)
			src := filepath.Join(parent, "data")
			if strings.Contains(tc.name, "glob") {
				src = filepath.Join(parent, "data[1]*")
			}
			tc.source(t, src)
			args := []string{program, "--source", src, "salon", "--id", "1", "--from", "2026-03-03", "--to", "2026-03-05", "-o", "json"}
			if tc.unprivileged && os.Geteuid() == 0 {
				setpriv, err := exec.LookPath("setpriv")
				if err != nil {
					if os.Getenv("CI") == "true" {
						t.Fatal("running as root and setpriv is missing: `make deps` installs util-linux")
					}
					t.Skip("running as root and setpriv (util-linux) is missing: no unprivileged user to run as")
				}
				chmodTree(t, src)
				args = append([]string{setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"}, args...)
			}
			cmd := exec.Command(args[0], args[1:]...)
			cmd.Dir = home
			// No user config, no INSTUDIO_* settings from the environment.
			cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			err = cmd.Run()
			code := cmd.ProcessState.ExitCode()
			t.Logf("exit %d (%v) in %v\nstderr: %s\nstdout: %.300s", code, err, time.Since(start), stderr.String(), stdout.String())
			wantErr := strings.ReplaceAll(tc.stderr, "SRC", src)
			if code != tc.code || !matches(stderr.String(), wantErr) {
				t.Errorf("exit %d, stderr %q; want %d, %q", code, stderr.String(), tc.code, wantErr)
			}
			if tc.want == nil && stdout.Len() != 0 {
				t.Errorf("a failed run wrote %d bytes to stdout", stdout.Len())
			}
			if tc.want != nil {
				var got counts
				var raw map[string]any
				if err := json.Unmarshal(stdout.Bytes(), &raw); err != nil {
					t.Fatalf("stdout is not one JSON object: %v", err)
				}
				if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
					t.Fatalf("stdout does not hold the counts: %v", err)
				}
				if got != *tc.want {
					t.Errorf("counts = %+v, want %+v", got, *tc.want)
				}
			}
		})
	}
}

func at(t *testing.T, s string) time.Time { return bt.Time(t, s) }

// noStatus is a file of an older schema without status.
type noStatus struct {
	EventID   string `parquet:"event_id"`
	BookingID int64  `parquet:"booking_id"`
	SalonID   int64  `parquet:"salon_id"`
}

// stringSalon is e in the layout but for salon_id, written as the string
// "studio-1".
func stringSalon(t *testing.T, e booking.Event) []byte {
	salon := map[string]bt.Change{"salon_id": {Node: parquet.String(), Value: func(booking.Event) parquet.Value { return bt.StringValue("studio-1") }}}
	return bt.Variant(t, []booking.Event{e}, salon, nil)
}

// nullable is a created event of booking b at salon, booked 03-04 09:00,
// with the columns null left null.
func nullable(t *testing.T, id string, b, salon int64, status booking.Status, null ...string) bt.NullRow {
	return bt.NullRow{Event: booking.Event{
		EventID: id, EventType: "created",
		OccurredAt: at(t, "2026-03-01 09:00"), IngestedAt: at(t, "2026-03-01 09:00"),
		BookingID: b, BookingDate: at(t, "2026-03-04 09:00"), Status: status, SalonID: salon,
	}, Null: null}
}

// matches compares stderr with the expected text; an expectation that does
// not end in a newline is a prefix (for messages that quote binary bytes).
func matches(got, want string) bool {
	if strings.HasSuffix(want, "\n") || want == "" {
		return got == want
	}
	return strings.HasPrefix(got, want)
}

// chmodTree lets nobody read everything under src that is not locked on
// purpose (mode 000), and enter every directory above it.
func chmodTree(t *testing.T, src string) {
	filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if info, _ := d.Info(); info != nil && info.Mode().Perm() != 0 {
			if d.IsDir() {
				os.Chmod(p, 0o755)
			} else {
				os.Chmod(p, 0o644)
			}
		}
		return nil
	})
}
