package layout_test

import (
	"context"
	"testing"
	"time"

	"github.com/instudio/instudio-report/layout"
)

func TestCheck(t *testing.T) {
	for name, newRoot := range roots {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			root, _ := newRoot(t)
			writeCompactFixture(t, root)
			put(t, root, "bookings-rejected/dt=2026-03-09/sqs-1.jsonl", []byte("{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n"))
			put(t, root, "bookings-rejected/dt=2026-03-10/sqs-2.jsonl", []byte("{\"d\":4}\n"))

			// The newest event is e9, occurred 2026-03-10 09:00 and
			// ingested a second later; at 12:00 it is 3 h old.
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
					Lag:           layout.Duration(3 * time.Hour), LagSeconds: 3 * 60 * 60,
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
