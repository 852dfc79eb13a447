package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/instudio/instudio-report/report"
)

// Salon is a salon of the config file as a send run sees it.
type Salon struct {
	ID   int64
	Name string
	// Zone is the salon's time zone: where send_at and its period are
	// read. nil for the platform's.
	Zone   *time.Location
	To, Cc []string
	// Report is the salon's language and currency.
	Report report.Options
}

// Freshness is what the source's health check found at the run's time.
type Freshness struct {
	Stale bool
	// Why says, for people, how long ago the newest event arrived: "newest event
	// arrived 2026-11-20T05:00:00Z, 74h0m0s before 2026-11-23T07:00:00Z".
	Why string
}

// Send is one run of the send command: which salons are due, their
// reports paired with them by salon id, then the dry run or the delivery.
// The dependencies are functions so that a run builds only what it needs:
// a rerun of a finished period opens no database, a dry run no SMTP
// connection.
type Send struct {
	Settings Settings
	// ConfigFile names the config file in messages.
	ConfigFile string
	Salons     []Salon
	// Only is --salon: 0 sends to every salon.
	Only int64
	// PeriodOf is the period a report covers when today is the given
	// date: the platform's date, or with smtp.send_at each salon's own.
	PeriodOf func(today time.Time) (Period, error)
	// Zone is the platform time zone: what today is without send_at.
	Zone *time.Location
	// Rolling is true for a period named relative to today (last-week,
	// last-month, last-Nd): only those wait for smtp.send_at. A fixed
	// period (dates, a month) is sent when the run is.
	Rolling bool
	// Force sends again to salons already sent, and past a stale source.
	Force bool
	// DryRun is the directory of a dry run; "" for a real run.
	DryRun string

	// Now is the run's clock (send --now): periods, send_at, staleness,
	// the Date header and the ledger's times. Clock measures how long the
	// steps take; nil uses Now.
	Now   func() time.Time
	Clock func() time.Time

	// Reports computes the salons' reports of a period as of the run's
	// time.
	Reports func(ctx context.Context, p Period, salons []Salon) ([]report.Report, error)
	// Sender dials nothing until its first Send; the func returned closes
	// it.
	Sender func() (Sender, func(), error)
	// Ledger opens the delivery ledger.
	Ledger func(ctx context.Context) (*Ledger, error)
	// Freshness checks the source; nil skips the check.
	Freshness func(ctx context.Context) (Freshness, error)
	// Sleep waits between retries; nil sleeps for real.
	Sleep func(ctx context.Context, d time.Duration) error

	Log *slog.Logger
	// Out receives the summaries (the command's stderr).
	Out io.Writer
}

// UnknownSalonError is a --salon that the config file does not list.
type UnknownSalonError struct{ ID int64 }

func (e *UnknownSalonError) Error() string { return fmt.Sprintf("salon %d is not in the config", e.ID) }

// StaleError is a run that sent nothing because the source is stale.
type StaleError struct {
	Why    string
	MaxLag time.Duration
	Due    int // salons that would have been sent
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("send: the source is stale (%s, more than smtp.max_lag %s): sent nothing to %d salon(s); fix the pipeline, or send anyway with --force",
		e.Why, e.MaxLag, e.Due)
}

// FailedError is a run in which some salons failed. Stuck of them are
// left "sending" in the ledger (Result.Stuck), which a rerun does not retry.
type FailedError struct{ Failed, Salons, Stuck int }

func (e *FailedError) Error() string {
	msg := fmt.Sprintf("send: %d of %d salons failed (see the summary above)", e.Failed, e.Salons)
	switch {
	case e.Stuck == 0:
		return msg + "; rerun to retry them"
	case e.Stuck == e.Failed:
		return msg + "; they stay \"sending\" in the ledger, so a rerun will not send them again (see each salon's line)"
	}
	return fmt.Sprintf("%s; %d stay \"sending\" in the ledger, so a rerun will not send them again (see each salon's line); rerun to retry the other %d",
		msg, e.Stuck, e.Failed-e.Stuck)
}

// slot is one salon in a run: its period and whether send_at has come.
type slot struct {
	salon  Salon
	period Period
	hold   Result // what send_at says: not yet, or its day has passed
	job    Job
}

// group is the salons of a run that share a period: one ledger listing,
// one report query, one delivery.
type group struct {
	period   Period
	slots    []*slot
	delivery *Delivery
}

// Run sends (or drafts) the run and writes its summaries to Out.
func (s *Send) Run(ctx context.Context) error {
	log := s.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	clock := s.Clock
	if clock == nil {
		clock = s.Now
	}
	salons, err := s.selectSalons()
	if err != nil {
		return err
	}
	sendAt, err := s.Settings.SendAtTime()
	if err != nil {
		return err
	}
	now := s.Now()
	groups, err := s.plan(salons, sendAt, now)
	if err != nil {
		return err
	}

	// A real run reads the ledger first: salons already sent need no
	// report, and a rerun of a finished period opens no database at all.
	// A dry run reads it too, when it can, to compare with what was sent.
	var ledger *Ledger
	if s.Ledger != nil {
		if ledger, err = s.Ledger(ctx); err != nil && s.DryRun == "" {
			return err
		} else if err != nil {
			log.Warn("dry run: no ledger to compare with", "err", err)
			ledger = nil
		}
	}
	if s.DryRun == "" {
		sender, closeSender, err := s.Sender()
		if err != nil {
			return err
		}
		defer closeSender()
		for _, g := range groups {
			g.delivery = &Delivery{
				Sender: sender, Ledger: ledger, Period: g.period,
				Force: s.Force, SkipEmpty: s.Settings.SkipEmpty,
				Retries: s.Settings.RetryCount(), Backoff: s.Settings.Backoff(),
				Sleep: s.Sleep, Now: s.Now, Clock: clock, Log: log,
			}
			if err := g.delivery.Load(ctx); err != nil {
				return err
			}
		}
	}
	due := func(g *group, sl *slot) bool {
		if len(sl.salon.To) == 0 {
			return false
		}
		if s.DryRun != "" {
			return true // a dry run drafts every salon, whatever the hour
		}
		return sl.hold.Outcome == "" && g.delivery.Due(sl.salon.ID)
	}
	nDue := 0
	for _, g := range groups {
		for _, sl := range g.slots {
			if len(sl.salon.To) == 0 {
				log.Warn("salon has no email in the config: skipped", "salon", sl.salon.ID, "config", s.ConfigFile)
			}
			if due(g, sl) {
				nDue++
			}
		}
	}

	var fresh Freshness
	if nDue > 0 && s.Freshness != nil {
		if fresh, err = s.Freshness(ctx); err != nil {
			return fmt.Errorf("send: check the source: %w", err)
		}
		if fresh.Stale && !s.Force && s.DryRun == "" {
			return &StaleError{Why: fresh.Why, MaxLag: s.Settings.MaxLagOrDefault(), Due: nDue}
		}
		if fresh.Stale {
			log.Warn("the source is stale: sending anyway", "why", fresh.Why, "force", s.Force)
		}
	}

	var reportTime, renderTime time.Duration
	for _, g := range groups {
		var wanted []Salon
		for _, sl := range g.slots {
			if due(g, sl) {
				wanted = append(wanted, sl.salon)
			}
		}
		if len(wanted) == 0 {
			continue
		}
		start := clock()
		reports, err := s.Reports(ctx, g.period, wanted)
		if err != nil {
			return fmt.Errorf("send: %w", err)
		}
		reportTime += clock().Sub(start)
		start = clock()
		byID := make(map[int64]report.Report, len(reports))
		for _, r := range reports {
			byID[r.SalonID] = r
		}
		for _, sl := range g.slots {
			if !due(g, sl) {
				continue
			}
			r, ok := byID[sl.salon.ID]
			if !ok {
				return fmt.Errorf("send: salon %d: the report query returned no report for it", sl.salon.ID)
			}
			if sl.job, err = Compose(r, Recipient{To: sl.salon.To, Cc: sl.salon.Cc, Report: sl.salon.Report}, s.Settings, now); err != nil {
				return err
			}
		}
		renderTime += clock().Sub(start)
	}

	if s.DryRun != "" {
		return s.dryRun(ctx, groups, ledger, fresh)
	}
	failed, stuck, total := 0, 0, 0
	for _, g := range groups {
		var jobs []Job
		hold := map[int64]Result{}
		for _, sl := range g.slots {
			job := sl.job
			if job.SalonID == 0 {
				job.SalonID, job.SalonName = sl.salon.ID, sl.salon.Name
			}
			if sl.hold.Outcome != "" {
				hold[sl.salon.ID] = sl.hold
			}
			jobs = append(jobs, job)
		}
		g.delivery.Hold = hold
		sum := g.delivery.Run(ctx, jobs)
		sum.ReportTime, sum.RenderTime = reportTime, renderTime
		sum.Write(s.Out)
		failed += sum.Count(OutcomeFailed)
		for _, r := range sum.Results {
			if r.Stuck {
				stuck++
			}
		}
		total += len(sum.Results)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("send interrupted: %w", err)
	}
	if failed > 0 {
		return &FailedError{Failed: failed, Salons: total, Stuck: stuck}
	}
	return nil
}

// selectSalons applies --salon and checks the settings a run needs.
func (s *Send) selectSalons() ([]Salon, error) {
	salons := s.Salons
	if s.Only != 0 {
		salons = nil
		for _, sl := range s.Salons {
			if sl.ID == s.Only {
				salons = append(salons, sl)
			}
		}
		if salons == nil {
			return nil, &UnknownSalonError{ID: s.Only}
		}
	}
	switch {
	case len(salons) == 0:
		return nil, fmt.Errorf("%s lists no salons: add salons with an email to send", s.ConfigFile)
	case s.Settings.From == "":
		return nil, fmt.Errorf("%s: smtp.from is required to send", s.ConfigFile)
	case s.Settings.URL == "" && s.DryRun == "":
		return nil, fmt.Errorf("%s: smtp.url is required to send (or use --dry-run DIR)", s.ConfigFile)
	}
	return salons, nil
}

// plan gives each salon its period and, with send_at, says whether its
// hour has come: a salon is due when its own clock reads send_at or later
// on the first day after its period. A run on a later day leaves it alone
// and says how to send it: catching up on its own could mail an owner a
// report weeks old when send_at is first switched on. Salons of one
// period form a group, in config order.
func (s *Send) plan(salons []Salon, sendAt *ClockTime, now time.Time) ([]*group, error) {
	var groups []*group
	byKey := map[string]*group{}
	platformToday := report.Date(now.In(s.zone(nil)))
	for _, sl := range salons {
		today := platformToday
		zone := s.zone(sl.Zone)
		if sendAt != nil && s.Rolling {
			today = report.Date(now.In(zone))
		}
		p, err := s.PeriodOf(today)
		if err != nil {
			return nil, err
		}
		st := &slot{salon: sl, period: p}
		if sendAt != nil && s.Rolling {
			at := time.Date(p.To.Year(), p.To.Month(), p.To.Day(), sendAt.Hour, sendAt.Minute, 0, 0, zone)
			switch {
			case now.Before(at):
				st.hold = Result{Outcome: OutcomeNotYet, Detail: fmt.Sprintf("%s %s", sendAt, zone)}
			case today.After(p.To):
				st.hold = Result{Outcome: OutcomeSkipped, Detail: fmt.Sprintf("its send_at, %s %s %s, has passed: send it with --salon %d --now %s",
					p.To.Format(time.DateOnly), sendAt, zone, sl.ID, at.UTC().Format(time.RFC3339))}
			}
		}
		g := byKey[p.Key()]
		if g == nil {
			g = &group{period: p}
			byKey[p.Key()] = g
			groups = append(groups, g)
		}
		g.slots = append(g.slots, st)
	}
	return groups, nil
}

func (s *Send) zone(z *time.Location) *time.Location {
	switch {
	case z != nil:
		return z
	case s.Zone != nil:
		return s.Zone
	}
	return time.UTC
}

// ErrNoStateDir is returned by DefaultLedger when neither XDG_STATE_HOME
// nor HOME is an absolute path.
var ErrNoStateDir = errors.New("no state directory for the ledger: XDG_STATE_HOME and HOME are unset or relative; set smtp.ledger or INSTUDIO_LEDGER to an absolute path or s3:// URL")
