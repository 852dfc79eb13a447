package layout

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/storage"
)

// Health is what Check found.
type Health struct {
	Source string `json:"source"`
	// Empty is true when the source holds no booking events at all.
	Empty bool `json:"empty"`
	// NewestOccurredAt and NewestIngestedAt are the latest times over the
	// files of the newest day (the newest not after tomorrow, UTC) and any
	// later ones.
	NewestOccurredAt *time.Time `json:"newest_occurred_at"`
	NewestIngestedAt *time.Time `json:"newest_ingested_at"`
	// Lag is how long ago the newest event arrived (ingested_at, see
	// CheckFreshness); Stale is Lag > MaxLag.
	// The text is rounded to the second; LagSeconds and MaxLagSeconds are
	// the same in whole seconds, for scripts (0 when Empty).
	Lag           Duration `json:"lag"`
	LagSeconds    int64    `json:"lag_seconds"`
	MaxLag        Duration `json:"max_lag"`
	MaxLagSeconds int64    `json:"max_lag_seconds"`
	Stale         bool     `json:"stale"`
	// LastDay is the newest dt= partition, with its files and events.
	LastDay       string `json:"last_day"`
	LastDayFiles  int    `json:"last_day_files"`
	LastDayEvents int64  `json:"last_day_events"`
	// Files is the number of booking files; SmallFiles those that compact
	// with its defaults would merge now.
	Files      int `json:"files"`
	SmallFiles int `json:"small_files"`
	// RejectedFiles and RejectedRecords count what ingest set aside under
	// the rejected prefix (one JSON line per record).
	RejectedFiles   int   `json:"rejected_files"`
	RejectedRecords int64 `json:"rejected_records"`
}

// Duration prints as Go's duration string rounded to the second
// ("1h30m0s", "16s"): a lag to the nanosecond only hides its size.
type Duration time.Duration

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d Duration) String() string { return time.Duration(d).Round(time.Second).String() }

// Seconds is d rounded to whole seconds.
func (d Duration) Seconds() int64 { return int64(time.Duration(d).Round(time.Second) / time.Second) }

// CheckOptions tune Check.
type CheckOptions struct {
	Now    time.Time
	MaxLag time.Duration
}

// Check reports how fresh and how tidy the layout of root is. The newest
// times are read from the files of the newest dt= day and from compacted
// files that reach it (a batch file holds one day, so older files cannot
// hold newer events).
func Check(ctx context.Context, root storage.Root, opt CheckOptions) (*Health, error) {
	h := &Health{Source: root.String(), MaxLag: Duration(opt.MaxLag), MaxLagSeconds: Duration(opt.MaxLag).Seconds()}
	files, err := ListFiles(ctx, root)
	if err != nil {
		return nil, err
	}
	h.Files = len(files)
	cands := Candidates(files, CompactOptions{Before: DefaultBefore(opt.Now)})
	h.SmallFiles = len(cands)
	if h.SmallFiles == 1 || onlyParts(cands) {
		h.SmallFiles = 0 // a single file, or the parts of one output, is never rewritten
	}

	rejected, err := root.List(ctx, booking.RejectedPrefix+"/")
	if err != nil {
		return nil, err
	}
	for _, o := range rejected {
		h.RejectedFiles++
		data, err := root.Read(ctx, o.Key)
		if err != nil {
			return nil, err
		}
		h.RejectedRecords += int64(bytes.Count(bytes.TrimRight(data, "\n"), []byte("\n")))
		if len(bytes.TrimSpace(data)) > 0 {
			h.RejectedRecords++
		}
	}

	// The newest day is the newest not in the future: a file dated next
	// year (a producer's wrong clock, from before ingest refused such
	// events) must not hide today's files. Files beyond it are read too:
	// what they hold still arrived at some time.
	limit := dayAfter(opt.Now.UTC().Format(time.DateOnly))
	var last string
	for _, f := range files {
		if f.Day <= limit {
			last = max(last, min(f.Until, limit))
		}
	}
	if last == "" {
		for _, f := range files {
			last = max(last, f.Until)
		}
	}
	for _, f := range files {
		if f.Day == last {
			h.LastDayFiles++
		}
	}
	h.LastDay = last
	for _, f := range files {
		if f.Until < last {
			continue
		}
		data, err := readObject(ctx, root, f.Key)
		if err != nil {
			return nil, err
		}
		// Only the two times: check rewrites nothing, so a column beyond
		// the layout's, one it would refuse to carry over (an all-null
		// column typed INT32), or nanoseconds do not matter here.
		events, err := decode(f.Key, data, timeColumns, decodeOptions{truncate: true})
		if err != nil {
			return nil, fmt.Errorf("check: %w", err)
		}
		for _, e := range events {
			if e.Day() == last {
				h.LastDayEvents++
			}
			if h.NewestOccurredAt == nil || e.OccurredAt.After(*h.NewestOccurredAt) {
				h.NewestOccurredAt = &e.OccurredAt
			}
			if h.NewestIngestedAt == nil || e.IngestedAt.After(*h.NewestIngestedAt) {
				h.NewestIngestedAt = &e.IngestedAt
			}
		}
	}
	if h.NewestIngestedAt == nil {
		h.Empty, h.Stale = true, true
		return h, nil
	}
	lag, stale := CheckFreshness(*h.NewestIngestedAt, opt.Now, opt.MaxLag)
	h.Lag = Duration(lag)
	h.LagSeconds = h.Lag.Seconds()
	h.Stale = stale
	return h, nil
}

// timeColumns are what Check reads of a file.
var timeColumns = columnsNamed("occurred_at", "ingested_at")

// CheckFreshness is the one rule of freshness, for check and for send's
// refusal to mail a stale source: the lag is how long ago the newest event
// arrived (its ingested_at, stamped by ingest's own clock), and the source
// is stale when the lag is more than maxLag. It never trusts occurred_at,
// a time the producer claims: one event dated next year would make a dead
// pipeline look fresh for a year.
func CheckFreshness(newestIngestedAt, now time.Time, maxLag time.Duration) (lag time.Duration, stale bool) {
	lag = now.Sub(newestIngestedAt)
	return lag, lag > maxLag
}

// DefaultBefore is the day compact works before when not told: the day
// before today (UTC), so that today and yesterday, which late deliveries
// and retries still write to, are left alone.
func DefaultBefore(now time.Time) string {
	return now.UTC().AddDate(0, 0, -1).Format(time.DateOnly)
}

// Summary is one line for a log or a cron mail.
func (h *Health) Summary() string {
	if h.Empty {
		return fmt.Sprintf("no booking events in %s", h.Source)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "newest event arrived %s ago (ingested_at %s)", h.Lag, h.NewestIngestedAt.Format(time.RFC3339))
	if h.Stale {
		fmt.Fprintf(&b, ", more than --max-lag %s", time.Duration(h.MaxLag))
	}
	return b.String()
}
