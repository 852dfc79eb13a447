package layout_test

import (
	"context"
	"maps"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/storage"
)

// seedWithoutPayment is a seed file (bt.SeedRow) that lost a column.
type seedWithoutPayment struct {
	BookingID   *int32     `parquet:"booking_id,optional"`
	BookingDate *time.Time `parquet:"booking_date,optional,timestamp(millisecond:local)"`
	Status      *int32     `parquet:"status,optional"`
	UserID      *int32     `parquet:"user_id,optional"`
	SalonID     *int32     `parquet:"salon_id,optional"`
	EmployeeID  *int32     `parquet:"employee_id,optional"`
}

func i32(v int32) *int32 { return &v }

// seedFile is row as a file of the seed's Python Lambda (bt.SeedParquet:
// snappy, as pyarrow writes it).
func seedFile[T any](t *testing.T, row T) []byte {
	t.Helper()
	data, err := bt.SeedParquet([]T{row})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// seed is the message of the seed's sample SQS event, as its Lambda stored
// it; booking and salon vary per file.
func seed(booking, salon, status int32, date string) bt.SeedRow {
	d, _ := time.Parse("2006-01-02T15:04:05", date)
	return bt.SeedRow{BookingID: i32(booking), BookingDate: &d, Status: i32(status), UserID: i32(1), SalonID: i32(salon), EmployeeID: i32(1), PaymentID: i32(1)}
}

const (
	legacyA = "2024-10-05T22-15-01_0b9d3c52-6b59-4bb1-9a8f-0a3c1f6f4e11.parquet"
	legacyB = "2024-10-05T23-59-59_1c2e4d63-7c6a-4cc2-8b9f-1b4d2a7a5f22.parquet"
	legacyC = "2024-10-06T00-00-00_2d3f5e74-8d7b-4dd3-9caf-2c5e3b8b6a33.parquet"
	legacyD = "2024-10-06T20-00-00_3e4a6f85-9e8c-4ee4-adbf-3d6f4c9c7b44.parquet"
)

// writeLegacyFixture writes, at the root as the seed did:
//
//	A 2024-10-05 22:15:01  booking 1 salon 1 pending, for 2024-10-06 20:00  imported
//	B 2024-10-05 23:59:59  booking 1 salon 1 confirmed                       imported
//	C 2024-10-06 00:00:00  booking 2 salon 2 canceled, payment null          imported
//	D 2024-10-06 20:00:00  booking 1 salon 1 completed                       imported
//	bad names, a missing column, status 9, a text file: left alone (5)
//
// so 2024-10-05 gets one file of 2 events and 2024-10-06 one of 2.
func writeLegacyFixture(t *testing.T, root storage.Root) {
	put(t, root, legacyA, seedFile(t, seed(1, 1, 1, "2024-10-06T20:00:00")))
	put(t, root, legacyB, seedFile(t, seed(1, 1, 2, "2024-10-06T20:00:00")))
	c := seed(2, 2, 4, "2024-10-07T09:30:00")
	c.PaymentID = nil
	put(t, root, legacyC, seedFile(t, c))
	put(t, root, legacyD, seedFile(t, seed(1, 1, 3, "2024-10-06T20:00:00")))

	d, _ := time.Parse(time.DateOnly, "2024-10-08")
	put(t, root, "booking-7.parquet", seedFile(t, seed(7, 1, 1, "2024-10-08T10:00:00")))
	put(t, root, "2024-13-06T20-00-00_4f5b7a96-af9d-4ff5-bec0-4e7a5dad8c55.parquet", seedFile(t, seed(8, 1, 1, "2024-10-08T10:00:00")))
	put(t, root, "2024-10-07T10-00-00_5a6c8ba7-b0ae-4a06-8fd1-5f8b6ebe9d66.parquet", seedFile(t, seedWithoutPayment{
		BookingID: i32(9), BookingDate: &d, Status: i32(1), UserID: i32(1), SalonID: i32(1), EmployeeID: i32(1)}))
	put(t, root, "2024-10-07T11-00-00_6b7d9cb8-c1bf-4b17-90e2-6a9c7fcfae77.parquet", seedFile(t, seed(10, 1, 9, "2024-10-08T10:00:00")))
	put(t, root, "notes.txt", []byte("not a booking\n"))
}

func TestImportLegacy(t *testing.T) {
	for name, newRoot := range roots {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			from, _ := newRoot(t)
			dest, destDir := newRoot(t)
			writeLegacyFixture(t, from)

			res, err := layout.ImportLegacy(ctx, from, dest, layout.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Imported != 4 || len(res.Written) != 2 || res.AlreadyImported != 0 {
				t.Fatalf("imported %d files into %q (already %d), want 4 into 2 files", res.Imported, res.Written, res.AlreadyImported)
			}
			reasons := map[string]string{}
			for _, s := range res.LeftAlone {
				reasons[s.Key[strings.LastIndexAny(s.Key, "/")+1:]] = s.Reason
			}
			wantReasons := map[string]string{
				"booking-7.parquet": "name is not",
				"2024-13-06T20-00-00_4f5b7a96-af9d-4ff5-bec0-4e7a5dad8c55.parquet": "time in the name",
				"2024-10-07T10-00-00_5a6c8ba7-b0ae-4a06-8fd1-5f8b6ebe9d66.parquet": "column payment_id is missing",
				"2024-10-07T11-00-00_6b7d9cb8-c1bf-4b17-90e2-6a9c7fcfae77.parquet": "status: must be 1..5, got 9",
				"notes.txt": "name is not",
			}
			if len(reasons) != len(wantReasons) {
				t.Errorf("left alone = %v", reasons)
			}
			for file, want := range wantReasons {
				if !strings.Contains(reasons[file], want) {
					t.Errorf("%s: reason %q, want it to say %q", file, reasons[file], want)
				}
			}
			keys := bookingKeys(t, dest)
			if len(keys) != 2 || !strings.HasPrefix(keys[0], "bookings/dt=2024-10-05/legacy-") || !strings.HasPrefix(keys[1], "bookings/dt=2024-10-06/legacy-") {
				t.Fatalf("layout files = %q", keys)
			}
			// Nothing at the source was touched.
			if objs, _ := from.List(ctx, ""); len(objs) != 9 {
				t.Errorf("source holds %d objects, want the 9 written", len(objs))
			}

			// The events view reads them as docs/design.md says: event_id the
			// file name, occurred_at the time in the name, event_type from
			// the status, booking_date the wall time stored.
			got := eventsTable(t, destDir)
			want := strings.Join([]string{
				legacyA + " created 2024-10-05T22:15:01Z 1 1 2024-10-06T20:00:00Z 1 1",
				legacyB + " confirmed 2024-10-05T23:59:59Z 1 1 2024-10-06T20:00:00Z 2 1",
				legacyC + " canceled 2024-10-06T00:00:00Z 2 2 2024-10-07T09:30:00Z 4 null",
				legacyD + " completed 2024-10-06T20:00:00Z 1 1 2024-10-06T20:00:00Z 3 1",
			}, "\n") + "\n"
			if got != want {
				t.Errorf("events:\n%s\nwant:\n%s", got, want)
			}

			// A second import adds nothing, and neither does one after
			// the imported files were compacted together.
			files := fileSet(t, dest)
			again, err := layout.ImportLegacy(ctx, from, dest, layout.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if again.Imported != 0 || again.AlreadyImported != 4 || !maps.Equal(fileSet(t, dest), files) {
				t.Errorf("second import: %+v", again)
			}
			if _, err := layout.Compact(ctx, dest, layout.CompactOptions{Before: "2024-10-07"}); err != nil {
				t.Fatal(err)
			}
			if n := len(bookingKeys(t, dest)); n != 1 {
				t.Fatalf("%d files after compaction, want 1", n)
			}
			files = fileSet(t, dest)
			third, err := layout.ImportLegacy(ctx, from, dest, layout.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if third.Imported != 0 || !maps.Equal(fileSet(t, dest), files) {
				t.Errorf("import after compaction: %+v", third)
			}
			if got := eventsTable(t, destDir); got != want {
				t.Errorf("events after compaction:\n%s", got)
			}
		})
	}
}

func TestImportLegacyIntoItsOwnBucket(t *testing.T) {
	// The seed's bucket is both source and destination: the layout it
	// writes under bookings/ is not taken for legacy files next time.
	ctx := context.Background()
	root, _ := localRoot(t)
	writeLegacyFixture(t, root)
	if _, err := layout.ImportLegacy(ctx, root, root, layout.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	again, err := layout.ImportLegacy(ctx, root, root, layout.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Imported != 0 || len(again.LeftAlone) != 5 {
		t.Errorf("second import into the same bucket: %+v", again)
	}
}

// eventsTable is the events view of dir, one line per event.
func eventsTable(t *testing.T, dir string) string {
	t.Helper()
	s := snapshot(t, dir)
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) != 13 {
			continue
		}
		// event_id type occurred booking salon booking_date status payment
		b.WriteString(strings.Join([]string{f[0], f[1], f[2], f[4], f[8], f[5], f[6], f[10]}, " ") + "\n")
	}
	return b.String()
}

func TestDecodeEvents(t *testing.T) {
	ev := booking.Event{
		EventID: "x1", EventType: "created",
		OccurredAt: time.Date(2026, 3, 1, 9, 30, 15, 123000000, time.UTC),
		IngestedAt: time.Date(2026, 3, 1, 9, 30, 16, 0, time.UTC),
		BookingID:  7, BookingDate: time.Date(2026, 3, 5, 18, 0, 0, 0, time.UTC),
		Status: booking.Pending, UserID: booking.Ptr(int64(70)), SalonID: 3,
	}
	type int32Ids struct {
		EventID     string    `parquet:"event_id"`
		EventType   string    `parquet:"event_type"`
		OccurredAt  time.Time `parquet:"occurred_at,timestamp(millisecond:local)"`
		IngestedAt  time.Time `parquet:"ingested_at,timestamp(nanosecond:utc)"`
		BookingID   int32     `parquet:"booking_id"`
		BookingDate time.Time `parquet:"booking_date,timestamp(millisecond:utc)"`
		Status      int32     `parquet:"status"`
		UserID      *int32    `parquet:"user_id,optional"`
		SalonID     int32     `parquet:"salon_id"`
	}
	type noSalon struct {
		EventID     string    `parquet:"event_id"`
		EventType   string    `parquet:"event_type"`
		OccurredAt  time.Time `parquet:"occurred_at,timestamp"`
		IngestedAt  time.Time `parquet:"ingested_at,timestamp"`
		BookingID   int64     `parquet:"booking_id"`
		BookingDate time.Time `parquet:"booking_date,timestamp"`
		Status      int32     `parquet:"status"`
	}
	type stringIDs struct {
		EventID     string    `parquet:"event_id"`
		EventType   string    `parquet:"event_type"`
		OccurredAt  time.Time `parquet:"occurred_at,timestamp"`
		IngestedAt  time.Time `parquet:"ingested_at,timestamp"`
		BookingID   string    `parquet:"booking_id"`
		BookingDate time.Time `parquet:"booking_date,timestamp"`
		Status      int32     `parquet:"status"`
		SalonID     int64     `parquet:"salon_id"`
	}
	type nanoTimes struct {
		EventID     string    `parquet:"event_id"`
		EventType   string    `parquet:"event_type"`
		OccurredAt  time.Time `parquet:"occurred_at,timestamp(nanosecond:utc)"`
		IngestedAt  time.Time `parquet:"ingested_at,timestamp"`
		BookingID   int64     `parquet:"booking_id"`
		BookingDate time.Time `parquet:"booking_date,timestamp"`
		Status      int32     `parquet:"status"`
		SalonID     int64     `parquet:"salon_id"`
	}
	nanos := ev.OccurredAt.Add(1)
	cases := []struct {
		name    string
		data    func(t *testing.T) []byte
		wantErr string
	}{
		{"standard", func(t *testing.T) []byte {
			data, err := booking.EncodeParquet([]booking.Event{ev})
			if err != nil {
				t.Fatal(err)
			}
			return data
		}, ""},
		{"int32 ids, ms and ns, flags flipped, optional columns missing", func(t *testing.T) []byte {
			return bt.Parquet(t, []int32Ids{{ev.EventID, ev.EventType, ev.OccurredAt, ev.IngestedAt, 7, ev.BookingDate, 1, i32(70), 3}})
		}, ""},
		{"required column missing", func(t *testing.T) []byte {
			return bt.Parquet(t, []noSalon{{ev.EventID, ev.EventType, ev.OccurredAt, ev.IngestedAt, 7, ev.BookingDate, 1}})
		}, "column salon_id is missing"},
		{"ids as strings", func(t *testing.T) []byte {
			return bt.Parquet(t, []stringIDs{{ev.EventID, ev.EventType, ev.OccurredAt, ev.IngestedAt, "7", ev.BookingDate, 1, 3}})
		}, "column booking_id: type"},
		{"finer than a microsecond", func(t *testing.T) []byte {
			return bt.Parquet(t, []nanoTimes{{ev.EventID, ev.EventType, nanos, ev.IngestedAt, 7, ev.BookingDate, 1, 3}})
		}, "finer than the microsecond"},
		{"not parquet", func(t *testing.T) []byte { return []byte("PAR1 nope") }, "not a readable Parquet file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := layout.DecodeEvents("k.parquet", c.data(t))
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.HasPrefix(err.Error(), "k.parquet: ") {
					t.Fatalf("error = %v, want one naming the file and saying %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("%d events", len(got))
			}
			g := got[0]
			if g.EventID != ev.EventID || !g.OccurredAt.Equal(ev.OccurredAt) || !g.IngestedAt.Equal(ev.IngestedAt) ||
				!g.BookingDate.Equal(ev.BookingDate) || g.BookingID != 7 || g.SalonID != 3 || g.Status != booking.Pending ||
				g.UserID == nil || *g.UserID != 70 || g.EmployeeID != nil || g.Service != nil {
				t.Errorf("decoded %+v, want %+v", g, ev)
			}
		})
	}
}

// A local path that does not exist is an error, not an empty success: a
// cron job with a typo must not look healthy forever.
func TestMissingLocalPathIsAnError(t *testing.T) {
	ctx := context.Background()
	missing := &storage.Dir{Path: filepath.Join(t.TempDir(), "typo")}
	if _, err := layout.ImportLegacy(ctx, missing, &storage.Dir{Path: t.TempDir()}, layout.ImportOptions{}); err == nil || err.Error() != missing.Path+" does not exist" {
		t.Errorf("import-legacy from a missing path: %v", err)
	}
	if _, err := layout.Compact(ctx, missing, layout.CompactOptions{Before: "2026-03-01"}); err == nil || err.Error() != missing.Path+" does not exist" {
		t.Errorf("compact of a missing path: %v", err)
	}
}

// A seed file rewritten after its import (booking 1's pending becomes
// canceled under the same name, same size) is not passed off as "already
// imported": it is listed as changed, with the column that differs and the
// layout file that keeps the imported event. An unchanged file is not.
func TestImportLegacyChangedSinceImport(t *testing.T) {
	for name, newRoot := range roots {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			from, _ := newRoot(t)
			dest, _ := newRoot(t)
			put(t, from, legacyA, seedFile(t, seed(1, 1, 1, "2024-10-06T20:00:00")))
			put(t, from, legacyB, seedFile(t, seed(1, 1, 2, "2024-10-06T20:00:00")))
			first, err := layout.ImportLegacy(ctx, from, dest, layout.ImportOptions{})
			if err != nil || first.Imported != 2 || len(first.Written) != 1 {
				t.Fatalf("first import: %+v, %v", first, err)
			}
			if err := from.Delete(ctx, legacyA); err != nil {
				t.Fatal(err)
			}
			put(t, from, legacyA, seedFile(t, seed(1, 1, 4, "2024-10-06T20:00:00")))
			again, err := layout.ImportLegacy(ctx, from, dest, layout.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if again.Imported != 0 || again.AlreadyImported != 2 || len(again.Changed) != 1 {
				t.Fatalf("second import: %+v", again)
			}
			c := again.Changed[0]
			if !strings.HasSuffix(c.Key, legacyA) || !strings.Contains(c.Reason, "changed since it was imported: status differs from the event imported into "+dest.URI(first.Written[0])) {
				t.Errorf("changed = %+v", c)
			}
			var lines strings.Builder
			again.WriteLines(&lines, dest.URI, false)
			if want := "not imported again " + c.Key + ": " + c.Reason + "\n"; lines.String() != want {
				t.Errorf("lines = %q, want %q", lines.String(), want)
			}
			if sum := layout.ImportSummary("D", again, false, 0); sum != "imported 0 events in 0 files to D in 0.0 s (2 already imported, 1 of them changed since)" {
				t.Errorf("summary = %q", sum)
			}
		})
	}
}
