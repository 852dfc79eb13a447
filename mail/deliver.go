package mail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
)

// Delivery sends a run's jobs exactly once per (salon, period).
type Delivery struct {
	Sender Sender
	Ledger *Ledger
	Period Period
	// Force sends again to salons that were sent (or possibly sent).
	Force     bool
	SkipEmpty bool
	// Retries bounds the retries of a transient failure; Backoff is the
	// first wait, doubled each time.
	Retries int
	Backoff time.Duration
	// Sleep waits between retries; nil sleeps for real. Tests inject it.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the run's clock: the ledger's times. Clock measures the SMTP
	// time; nil uses Now.
	Now   func() time.Time
	Clock func() time.Time
	Log   *slog.Logger
	// Hold holds the salons that smtp.send_at keeps out of this run (not
	// yet, or their day has passed), with the outcome to report unless
	// the ledger already settles them.
	Hold map[int64]Result

	statuses map[int64]Status // the ledger as Load read it
}

// Load reads the ledger's records of the period. Run calls it when the
// caller has not.
func (d *Delivery) Load(ctx context.Context) error {
	st, err := d.Ledger.Load(ctx, d.Period)
	if err != nil {
		return err
	}
	d.statuses = st
	return nil
}

// Due reports whether the salon needs a message in this run: it has no
// record for the period or its last attempt failed, or the run is forced.
// Call it after Load.
func (d *Delivery) Due(salon int64) bool {
	st := d.statuses[salon].State
	return d.Force || st == NotSent || st == Failed
}

// Outcome is what a run did for a salon.
type Outcome string

// The outcomes of a salon in a run.
const (
	OutcomeSent         Outcome = "sent"
	OutcomeAlreadySent  Outcome = "already sent"
	OutcomePossiblySent Outcome = "possibly sent"
	OutcomeSkipped      Outcome = "skipped"
	OutcomeFailed       Outcome = "failed"
	OutcomeNotAttempted Outcome = "not attempted"
	OutcomeNotYet       Outcome = "not yet"
)

// Result is one salon's outcome.
type Result struct {
	SalonID   int64
	SalonName string
	Outcome   Outcome
	Detail    string // why, for every outcome but sent (unless empty) and already sent
	Attempts  int    // SMTP transactions tried in this run
	// Stuck is a failure that leaves the salon "sending" in the ledger (the
	// mail went out, or may have, and the ledger did not record the end):
	// a rerun will not send it again without --force.
	Stuck bool
}

// Summary is the outcome of a run.
type Summary struct {
	Period  Period
	Results []Result
	// SMTPTime is the time spent in SMTP transactions (connecting
	// included, waits between retries not).
	SMTPTime time.Duration
	// ReportTime is the time spent computing the reports and RenderTime
	// the time spent rendering the messages; the caller sets them.
	ReportTime, RenderTime time.Duration
}

// Count is the number of salons with the outcome.
func (s *Summary) Count(o Outcome) int {
	n := 0
	for _, r := range s.Results {
		if r.Outcome == o {
			n++
		}
	}
	return n
}

// Write prints the summary: one line of counts, then a line for every
// salon that needs a look.
func (s *Summary) Write(w io.Writer) {
	fmt.Fprintf(w, "send %s: %d salons: %d sent, %d already sent, %d possibly sent, %d skipped, %d failed",
		s.Period, len(s.Results), s.Count(OutcomeSent), s.Count(OutcomeAlreadySent),
		s.Count(OutcomePossiblySent), s.Count(OutcomeSkipped), s.Count(OutcomeFailed))
	if n := s.Count(OutcomeNotAttempted); n > 0 {
		fmt.Fprintf(w, ", %d not attempted", n)
	}
	if n := s.Count(OutcomeNotYet); n > 0 {
		fmt.Fprintf(w, ", %d not yet", n)
	}
	fmt.Fprintf(w, " (reports %s, render %s, smtp %s)\n", s.ReportTime.Round(time.Millisecond),
		s.RenderTime.Round(time.Millisecond), s.SMTPTime.Round(time.Millisecond))
	for _, r := range s.Results {
		if (r.Outcome == OutcomeSent && r.Detail == "") || r.Outcome == OutcomeAlreadySent {
			continue
		}
		fmt.Fprintf(w, "  %s: %s: %s\n", salonLabel(r.SalonID, r.SalonName), r.Outcome, r.Detail)
	}
}

func salonLabel(id int64, name string) string {
	if name == "" {
		return fmt.Sprintf("salon %d", id)
	}
	return fmt.Sprintf("salon %d (%s)", id, name)
}

// emptyDetail is what the summary says of a salon sent a report without a
// booking in its period: an all-zero email the owner may ask about.
const emptyDetail = "no bookings in the period: the email shows all zeros (smtp.skip_empty skips such salons)"

// Run delivers every job, one salon after another, and never stops at a
// salon's failure. It stops early only when ctx ends; the salons left are
// "not attempted" and a rerun sends them.
func (d *Delivery) Run(ctx context.Context, jobs []Job) *Summary {
	sum := &Summary{Period: d.Period}
	log := d.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var loadErr error
	defer func() { d.statuses = nil }() // a later Run reads the ledger afresh
	if d.statuses == nil {
		loadErr = d.Load(ctx)
	}
	for _, job := range jobs {
		res := Result{SalonID: job.SalonID, SalonName: job.SalonName}
		switch {
		case loadErr != nil:
			res.Outcome, res.Detail = OutcomeFailed, loadErr.Error()
		case d.Hold[job.SalonID].Outcome != "" && d.statuses[job.SalonID].State != Sent:
			res.Outcome, res.Detail = d.Hold[job.SalonID].Outcome, d.Hold[job.SalonID].Detail
		case d.Hold[job.SalonID].Outcome != "":
			res.Outcome = OutcomeAlreadySent
		case ctx.Err() != nil:
			res.Outcome, res.Detail = OutcomeNotAttempted, "the run was interrupted first"
		default:
			res = d.deliver(ctx, job, d.statuses[job.SalonID], sum, log)
		}
		sum.Results = append(sum.Results, res)
	}
	return sum
}

func (d *Delivery) deliver(ctx context.Context, job Job, st Status, sum *Summary, log *slog.Logger) Result {
	res := Result{SalonID: job.SalonID, SalonName: job.SalonName}
	switch {
	case !d.Force && st.State == Sent:
		res.Outcome = OutcomeAlreadySent
		return res
	case !d.Force && st.State == Sending:
		res.Outcome = OutcomePossiblySent
		res.Detail = fmt.Sprintf("attempt %d began at %s and never recorded what the server answered; check with the recipients, then rerun with --force to send again",
			st.Attempt, st.Since.UTC().Format(time.RFC3339))
		return res
	case len(job.Message.To) == 0:
		res.Outcome, res.Detail = OutcomeSkipped, "no email configured"
		return res
	case d.SkipEmpty && job.Empty:
		res.Outcome, res.Detail = OutcomeSkipped, "no bookings in the period (skip_empty)"
		return res
	}

	msg := job.Message
	attempt := st.Attempt + 1
	msg.MessageID = MessageID(job.SalonID, d.Period, attempt, msg.From)
	entry := Entry{SalonID: job.SalonID, Attempt: attempt, MessageID: msg.MessageID, Recipients: msg.Recipients(),
		Report: job.Report, HTMLSHA256: sha256Hex(msg.HTML), TextSHA256: sha256Hex(msg.Text)}
	entry.State, entry.At = Sending.String(), d.Now().UTC()
	claimed, err := d.Ledger.Write(ctx, d.Period, entry)
	switch {
	case err != nil:
		res.Outcome, res.Detail = OutcomeFailed, fmt.Sprintf("not sent: %v", err)
		return res
	case !claimed:
		// Another run claimed this attempt after we listed the ledger.
		res.Outcome, res.Detail = OutcomePossiblySent, fmt.Sprintf("another run claimed attempt %d while this one ran", attempt)
		return res
	}

	// Ledger writes after the claim must happen even when the run is being
	// interrupted: they record what the server did.
	record := context.WithoutCancel(ctx)
	backoff := d.Backoff
	clock := d.Clock
	if clock == nil {
		clock = d.Now
	}
	for {
		res.Attempts++
		start := clock()
		err = d.Sender.Send(ctx, &msg)
		sum.SMTPTime += clock().Sub(start)
		if err == nil {
			entry.State, entry.At, entry.Error = Sent.String(), d.Now().UTC(), ""
			if _, werr := d.Ledger.Write(record, d.Period, entry); werr != nil {
				res.Outcome, res.Stuck = OutcomeFailed, true
				res.Detail = fmt.Sprintf("the mail went out, but the ledger did not record it: it stays \"sending\", so a rerun will not send it twice; fix the ledger's storage (%v)", werr)
				return res
			}
			log.Info("sent", "salon", job.SalonID, "to", strings.Join(msg.Recipients(), ","), "message_id", msg.MessageID)
			res.Outcome = OutcomeSent
			if job.Empty {
				res.Detail = emptyDetail
			}
			return res
		}
		var de *DeliveryError
		if !errors.As(err, &de) {
			de = &DeliveryError{Err: err}
		}
		if de.Unknown {
			res.Outcome, res.Stuck = OutcomeFailed, true
			res.Detail = fmt.Sprintf("may have been delivered (left \"sending\" in the ledger, so a rerun will not send it again; check with the recipients, then rerun with --force): %v", err)
			return res
		}
		if de.Temporary && res.Attempts <= d.Retries && ctx.Err() == nil {
			log.Warn("transient failure: retrying", "salon", job.SalonID, "in", backoff, "err", err)
			if d.wait(ctx, backoff) == nil {
				backoff *= 2
				continue
			}
		}
		entry.State, entry.At, entry.Error = Failed.String(), d.Now().UTC(), err.Error()
		res.Outcome = OutcomeFailed
		res.Detail = fmt.Sprintf("not delivered after %d attempt(s): %v", res.Attempts, err)
		if _, werr := d.Ledger.Write(record, d.Period, entry); werr != nil {
			res.Stuck = true
			res.Detail += fmt.Sprintf(" (and the ledger did not record the failure: it stays \"sending\", so a rerun will not retry it; fix the ledger's storage, then rerun with --salon %d --force: %v)", job.SalonID, werr)
		}
		log.Error("not delivered", "salon", job.SalonID, "err", err)
		return res
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func (d *Delivery) wait(ctx context.Context, dur time.Duration) error {
	if d.Sleep != nil {
		return d.Sleep(ctx, dur)
	}
	return sleep(ctx, dur)
}

// MessageID names a salon's report of a period and the delivery attempt,
// so a retry of one attempt carries the same Message-ID (mail clients
// fold duplicates by it) and a forced resend a new one.
func MessageID(salon int64, p Period, attempt int, from string) string {
	return fmt.Sprintf("instudio-report.salon-%d.%s.%d@%s", salon, p.Key(), attempt, domainOf(from))
}
