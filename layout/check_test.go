package layout_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/layout"
)

func TestCheckHealthAndFreshness(t *testing.T) {
	for name, newRoot := range roots {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			root, _ := newRoot(t)
			writeCompactFixture(t, root)
			put(t, root, "bookings-rejected/dt=2026-03-09/sqs-1.jsonl", []byte("{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n"))
			put(t, root, "bookings-rejected/dt=2026-03-10/sqs-2.jsonl", []byte("{\"d\":4}\n"))

			// The newest event is e9, occurred 2026-03-10 09:00 and
			// ingested a second later; at 12:00 it arrived 2h59m59s ago.
			cases := []struct {
				maxLag time.Duration
				stale  bool
			}{{4 * time.Hour, false}, {2 * time.Hour, true}}
			for _, c := range cases {
				h, err := layout.Check(ctx, root, layout.CheckOptions{Now: fixtureNow, MaxLag: c.maxLag})
				if err != nil {
					t.Fatal(err)
				}
				if h.Stale != c.stale || h.Empty {
					t.Errorf("max lag %s: stale %v empty %v, want stale %v", c.maxLag, h.Stale, h.Empty, c.stale)
				}
				want := layout.Health{
					Source: root.String(), MaxLag: layout.Duration(c.maxLag), Stale: c.stale,
					MaxLagSeconds: int64(c.maxLag / time.Second),
					Lag:           layout.Duration(3*time.Hour - time.Second), LagSeconds: 3*60*60 - 1,
					LastDay: "2026-03-10", LastDayFiles: 1, LastDayEvents: 1,
					// 7 files; the 5 of 03-01..03-03 are before
					// yesterday (03-09) and wait for compaction.
					Files: 7, SmallFiles: 5,
					RejectedFiles: 2, RejectedRecords: 4,
				}
				occurred := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
				if h.NewestOccurredAt == nil || !h.NewestOccurredAt.Equal(occurred) ||
					h.NewestIngestedAt == nil || !h.NewestIngestedAt.Equal(occurred.Add(time.Second)) {
					t.Errorf("newest = %v / %v", h.NewestOccurredAt, h.NewestIngestedAt)
				}
				h.NewestOccurredAt, h.NewestIngestedAt = nil, nil
				if *h != want {
					t.Errorf("health = %+v\nwant     %+v", *h, want)
				}
			}

			// After compaction nothing waits, and the freshness is the same.
			if _, err := layout.Compact(ctx, root, layout.CompactOptions{Before: layout.DefaultBefore(fixtureNow)}); err != nil {
				t.Fatal(err)
			}
			h, err := layout.Check(ctx, root, layout.CheckOptions{Now: fixtureNow, MaxLag: 4 * time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			if h.SmallFiles != 0 || h.Files != 3 || h.Stale {
				t.Errorf("after compaction: %+v", h)
			}

			empty, _ := newRoot(t)
			h, err = layout.Check(ctx, empty, layout.CheckOptions{Now: fixtureNow, MaxLag: 4 * time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			if !h.Empty || !h.Stale || h.NewestOccurredAt != nil {
				t.Errorf("empty source: %+v", h)
			}
		})
	}
}

// One event dated next year (written before ingest refused such events,
// or by another producer) must not make a dead pipeline look fresh: check
// judges by what arrived, and the future day does not hide today's.
func TestCheckIsNotFooledByAFutureDate(t *testing.T) {
	for name, newRoot := range roots {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			root, _ := newRoot(t)
			now := time.Date(2026, 3, 13, 12, 0, 0, 0, time.UTC)
			// Nothing has arrived for 271 hours: the last batch came in
			// 2026-03-02 05:00:01, and it holds an event claiming 2027.
			old := bt.Event(t, "old", 1, 1, booking.Pending, "2026-03-02 05:00", "2026-03-05 10:00")
			future := bt.Event(t, "future", 2, 1, booking.Pending, "2027-03-02 05:00", "2027-03-05 10:00")
			future.IngestedAt = old.IngestedAt
			putEvents(t, root, booking.Key("2026-03-02", "a"), old)
			putEvents(t, root, booking.Key("2027-03-02", "a"), future)
			h, err := layout.Check(ctx, root, layout.CheckOptions{Now: now, MaxLag: 2 * time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			if !h.Stale || h.LagSeconds != 271*3600-1 || h.LastDay != "2026-03-02" {
				t.Errorf("future-dated event: stale %v, lag %s, last day %s; want stale, 270h59m59s, 2026-03-02", h.Stale, h.Lag, h.LastDay)
			}
			// A live pipeline writing today beside the future file is fresh.
			live := bt.Event(t, "live", 3, 1, booking.Pending, "2026-03-13 11:00", "2026-03-15 10:00")
			putEvents(t, root, booking.Key("2026-03-13", "b"), live)
			h, err = layout.Check(ctx, root, layout.CheckOptions{Now: now, MaxLag: 2 * time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			if h.Stale || h.LagSeconds != 3600-1 || h.LastDay != "2026-03-13" || h.LastDayEvents != 1 {
				t.Errorf("live beside a future file: %+v", h)
			}
		})
	}
}

func TestCheckFreshness(t *testing.T) {
	now := time.Date(2026, 3, 13, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		arrived time.Time
		lag     time.Duration
		stale   bool
	}{
		{now.Add(-2 * time.Hour), 2 * time.Hour, false}, // exactly max lag: fresh
		{now.Add(-2*time.Hour - time.Second), 2*time.Hour + time.Second, true},
		{now, 0, false},
	} {
		lag, stale := layout.CheckFreshness(c.arrived, now, 2*time.Hour)
		if lag != c.lag || stale != c.stale {
			t.Errorf("arrived %s: lag %s stale %v, want %s %v", c.arrived, lag, stale, c.lag, c.stale)
		}
	}
}

// check needs only the newest times: a nanosecond timestamp (which
// compaction refuses to round) and an all-null column of a type the
// layout does not have do not stop it.
func TestCheckReadsWhatCompactionRefuses(t *testing.T) {
	ctx := context.Background()
	root, _ := localRoot(t)
	type odd struct {
		EventID     string    `parquet:"event_id"`
		EventType   string    `parquet:"event_type"`
		OccurredAt  time.Time `parquet:"occurred_at,timestamp(nanosecond)"`
		IngestedAt  time.Time `parquet:"ingested_at,timestamp(nanosecond)"`
		BookingID   int64     `parquet:"booking_id"`
		BookingDate time.Time `parquet:"booking_date,timestamp(nanosecond)"`
		Status      int32     `parquet:"status"`
		SalonID     int64     `parquet:"salon_id"`
		Service     *int32    `parquet:"service"`
		Extra       string    `parquet:"extra"`
	}
	at := time.Date(2026, 3, 13, 10, 0, 0, 123456789, time.UTC)
	put(t, root, booking.Key("2026-03-13", "odd"), bt.Parquet(t, []odd{{"x", "created", at, at, 1, at, 1, 1, nil, "y"}}))
	h, err := layout.Check(ctx, root, layout.CheckOptions{Now: time.Date(2026, 3, 13, 12, 0, 0, 0, time.UTC), MaxLag: 4 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	// 12:00 - 10:00:00.123456 (cut to the microsecond).
	if want := 2*time.Hour - 123456*time.Microsecond; h.Stale || time.Duration(h.Lag) != want {
		t.Errorf("lag %v stale %v, want %v fresh", time.Duration(h.Lag), h.Stale, want)
	}
	// Compaction still refuses the nanoseconds: rewriting would change them.
	type fine struct {
		EventID     string    `parquet:"event_id"`
		EventType   string    `parquet:"event_type"`
		OccurredAt  time.Time `parquet:"occurred_at,timestamp(nanosecond)"`
		IngestedAt  time.Time `parquet:"ingested_at,timestamp(nanosecond)"`
		BookingID   int64     `parquet:"booking_id"`
		BookingDate time.Time `parquet:"booking_date,timestamp(nanosecond)"`
		Status      int32     `parquet:"status"`
		SalonID     int64     `parquet:"salon_id"`
	}
	if _, err := layout.DecodeEvents("odd", bt.Parquet(t, []fine{{"x", "created", at, at, 1, at, 1, 1}})); err == nil || !strings.Contains(err.Error(), "finer than the microsecond") {
		t.Errorf("DecodeEvents: %v", err)
	}
}
