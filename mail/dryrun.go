package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/instudio/instudio-report/report"
)

// DryRunSummary is DIR/summary.json of a dry run: what an operator reads
// before the first real run.
type DryRunSummary struct {
	Now time.Time `json:"now"`
	// Stale and Freshness are the source's health at Now.
	Stale     bool           `json:"stale"`
	Freshness string         `json:"freshness,omitempty"`
	Salons    []DryRunSalon  `json:"salons"`
	Skipped   []SkippedSalon `json:"skipped,omitempty"`
}

// DryRunSalon is one drafted message.
type DryRunSalon struct {
	SalonID      int64     `json:"salon_id"`
	Name         string    `json:"name,omitempty"`
	From         string    `json:"from"`
	To           string    `json:"to"` // exclusive, as in the report's JSON
	File         string    `json:"file"`
	MessageBytes int       `json:"message_bytes"`
	Figures      Figures   `json:"figures"`
	LastSent     *LastSent `json:"last_sent"`
	Change       *Change   `json:"change"`
	Warnings     []string  `json:"warnings"`
}

// LastSent is the last period the ledger records as sent to a salon.
type LastSent struct {
	From    string    `json:"from"`
	To      string    `json:"to"`
	At      time.Time `json:"at"`
	Figures Figures   `json:"figures"`
}

// Change is a salon's figures minus those of the last period sent to it:
// counts and cents as differences, rates in percentage points.
type Change struct {
	Bookings         int64    `json:"bookings"`
	BookingsPercent  *float64 `json:"bookings_percent"`
	Completed        int64    `json:"completed"`
	CancellationRate *float64 `json:"cancellation_rate_pp"`
	NoShowRate       *float64 `json:"no_show_rate_pp"`
	Clients          int64    `json:"clients"`
	RevenueCents     *int64   `json:"revenue_cents"`
}

// SkippedSalon is a salon that got no draft, and why.
type SkippedSalon struct {
	SalonID int64  `json:"salon_id"`
	Reason  string `json:"reason"`
}

func (s *Send) dryRun(ctx context.Context, groups []*group, ledger *Ledger, fresh Freshness) error {
	log := s.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var records []Record
	if ledger != nil {
		var err error
		if records, err = ledger.Records(ctx); err != nil {
			log.Warn("dry run: cannot read the ledger to compare with", "err", err)
			records = nil
		}
	}
	sum := DryRunSummary{Now: s.Now().UTC(), Stale: fresh.Stale, Freshness: fresh.Why, Salons: []DryRunSalon{}}
	if err := os.MkdirAll(s.DryRun, 0o755); err != nil {
		return fmt.Errorf("dry run: %w", err)
	}
	written := 0
	var periods []string
	for _, g := range groups {
		periods = append(periods, g.period.String())
		for _, sl := range g.slots {
			if len(sl.salon.To) == 0 {
				sum.Skipped = append(sum.Skipped, SkippedSalon{SalonID: sl.salon.ID, Reason: "no email configured"})
				continue
			}
			path, size, err := writeDraft(s.DryRun, g.period, sl.job)
			if err != nil {
				return err
			}
			written++
			d := DryRunSalon{
				SalonID: sl.salon.ID, Name: sl.salon.Name,
				From: g.period.From.Format(time.DateOnly), To: g.period.To.Format(time.DateOnly),
				File: filepath.Base(path), MessageBytes: size, Figures: sl.job.Figures, Warnings: []string{},
			}
			if rec, ok := LastSentRecord(records, sl.salon.ID, g.period); ok {
				e, err := ledger.Read(ctx, rec)
				var old Figures
				if err == nil {
					err = json.Unmarshal(e.Report, &old)
				}
				if err != nil {
					d.Warnings = append(d.Warnings, fmt.Sprintf("the last sent record cannot be read: %v", err))
				} else {
					d.LastSent = &LastSent{From: e.From, To: e.To, At: e.At, Figures: old}
					d.Change = change(d.Figures, old)
				}
			}
			d.Warnings = append(d.Warnings, warnings(d, sl.job, sl.salon.Report)...)
			sum.Salons = append(sum.Salons, d)
		}
	}
	data, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(s.DryRun, "summary.json")
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("dry run: %w", err)
	}
	period := ""
	if len(periods) > 0 {
		period = periods[0]
		if len(periods) > 1 {
			period += fmt.Sprintf(" (and %d more periods)", len(periods)-1)
		}
	}
	fmt.Fprintf(s.Out, "dry run %s: wrote %d messages to %s, sent nothing\n", period, written, s.DryRun)
	for _, d := range sum.Salons {
		for _, w := range d.Warnings {
			fmt.Fprintf(s.Out, "  %s: warning: %s\n", salonLabel(d.SalonID, d.Name), w)
		}
	}
	if fresh.Stale {
		fmt.Fprintf(s.Out, "  warning: the source is stale (%s): a real run would send nothing without --force\n", fresh.Why)
	}
	return nil
}

// writeDraft writes a job as <dir>/salon-<id>.eml, the message a run would
// send as its first attempt, and returns its path and size.
func writeDraft(dir string, p Period, job Job) (string, int, error) {
	msg := job.Message
	msg.MessageID = MessageID(job.SalonID, p, 1, msg.From)
	var buf bytes.Buffer
	if err := msg.WriteEML(&buf); err != nil {
		return "", 0, fmt.Errorf("dry run: salon %d: %w", job.SalonID, err)
	}
	path := filepath.Join(dir, fmt.Sprintf("salon-%d.eml", job.SalonID))
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return "", 0, fmt.Errorf("dry run: %w", err)
	}
	return path, buf.Len(), nil
}

func change(cur, old Figures) *Change {
	c := &Change{
		Bookings: cur.Bookings - old.Bookings, Completed: cur.Completed - old.Completed, Clients: cur.Clients - old.Clients,
		CancellationRate: points(cur.CancellationRate, old.CancellationRate), NoShowRate: points(cur.NoShowRate, old.NoShowRate),
	}
	if old.Bookings > 0 {
		p := float64(cur.Bookings-old.Bookings) * 100 / float64(old.Bookings)
		c.BookingsPercent = &p
	}
	if cur.RevenueCents != nil && old.RevenueCents != nil {
		d := *cur.RevenueCents - *old.RevenueCents
		c.RevenueCents = &d
	}
	return c
}

func points(cur, old *float64) *float64 {
	if cur == nil || old == nil {
		return nil
	}
	p := (*cur - *old) * 100
	return &p
}

// warnings are what an operator should look at before the real run: a
// drop of more than half against the last period sent (or, with none
// sent, the period before), no bookings at all, words of the report that
// the salon's language lacks.
func warnings(d DryRunSalon, job Job, opt report.Options) []string {
	var out []string
	cur := d.Figures.Bookings
	if d.LastSent != nil {
		if old := d.LastSent.Figures.Bookings; old > 0 && cur*2 < old {
			to, _ := time.Parse(time.DateOnly, d.LastSent.To)
			out = append(out, fmt.Sprintf("bookings dropped by more than half: %d against %d sent for %s to %s", cur, old, d.LastSent.From, to.AddDate(0, 0, -1).Format(time.DateOnly)))
		}
	} else if old := job.Previous; old > 0 && cur*2 < old {
		out = append(out, fmt.Sprintf("bookings dropped by more than half: %d against %d in the period before", cur, old))
	}
	if cur == 0 {
		out = append(out, "no bookings at all in the period")
	}
	if missing := report.MissingWords(opt.Lang); len(missing) > 0 {
		out = append(out, fmt.Sprintf("language %q lacks %d words, shown as their keys: %v", opt.Lang, len(missing), missing))
	}
	return out
}

// WriteDrafts writes each job with recipients as <dir>/salon-<id>.eml, the
// message a run would send as its first attempt, and sends nothing.
func WriteDrafts(dir string, p Period, jobs []Job) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("dry run: %w", err)
	}
	var written []string
	for _, job := range jobs {
		if len(job.Message.To) == 0 {
			continue
		}
		path, _, err := writeDraft(dir, p, job)
		if err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}
