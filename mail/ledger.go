package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/instudio/instudio-report/settings/xdg"
	"github.com/instudio/instudio-report/storage"
)

// Period is the appointment dates [From, To) that a report covers; the
// ledger records one delivery per (salon, period).
type Period struct {
	From, To time.Time // dates, midnight UTC; To is exclusive
}

// Key names the period in the ledger: "2026-11-16_2026-11-23" (To
// exclusive, as in the report's JSON).
func (p Period) Key() string {
	return p.From.Format(time.DateOnly) + "_" + p.To.Format(time.DateOnly)
}

// String is the period as people read it, its last day inclusive.
func (p Period) String() string {
	return p.From.Format(time.DateOnly) + " to " + p.To.AddDate(0, 0, -1).Format(time.DateOnly)
}

// State is where a salon's latest delivery attempt of a period stands.
type State int

// The states of an attempt. Sending without an outcome is a run that was
// killed (or is still running) between claiming the attempt and recording
// what the server said: the message may have been delivered.
const (
	NotSent State = iota
	Sending
	Sent
	Failed
)

var stateNames = [...]string{NotSent: "", Sending: "sending", Sent: "sent", Failed: "failed"}

func (s State) String() string { return stateNames[s] }

// Entry is one ledger record, stored as JSON.
type Entry struct {
	SalonID    int64     `json:"salon_id"`
	From       string    `json:"from"`
	To         string    `json:"to"`
	Attempt    int       `json:"attempt"`
	State      string    `json:"state"`
	MessageID  string    `json:"message_id"`
	Recipients []string  `json:"recipients,omitempty"`
	At         time.Time `json:"at"`
	Error      string    `json:"error,omitempty"`
	// Report is the salon's report as salon -o json prints it for the
	// period as of the run's time: what the email showed. HTMLSHA256 and
	// TextSHA256 are the hex SHA-256 of the two parts of the message.
	Report     json.RawMessage `json:"report,omitempty"`
	HTMLSHA256 string          `json:"html_sha256,omitempty"`
	TextSHA256 string          `json:"text_sha256,omitempty"`
}

// Status is a salon's latest attempt for a period.
type Status struct {
	Attempt int // 0 when never attempted
	State   State
	Since   time.Time // when the latest record was written
}

// Ledger records deliveries under a storage root:
//
//	<root>/<from>_<to>/salon-<id>/<attempt>.sending   claimed: about to send
//	<root>/<from>_<to>/salon-<id>/<attempt>.sent      the server accepted it
//	<root>/<from>_<to>/salon-<id>/<attempt>.failed    refused, not delivered
//
// Every record is written create-if-absent (a hard link locally, S3's
// If-None-Match: * on a bucket) and never changed. Claiming attempt n is
// the lock: of two runs that race for the same salon and period only one
// creates n.sending, so only one sends, on a directory or on S3 alike,
// and a claim that never got its outcome is the "possibly sent" state
// that nothing expires.
type Ledger struct {
	Root storage.Root
}

// Load returns the status of every salon with records for the period, in
// one listing.
func (l *Ledger) Load(ctx context.Context, p Period) (map[int64]Status, error) {
	objects, err := l.Root.List(ctx, p.Key()+"/")
	if err != nil {
		return nil, fmt.Errorf("ledger %s: %w", l.Root.String(), err)
	}
	out := map[int64]Status{}
	for _, o := range objects {
		salon, attempt, state, ok := parseKey(strings.TrimPrefix(o.Key, p.Key()+"/"))
		if !ok {
			continue
		}
		st := out[salon]
		switch {
		case attempt > st.Attempt:
			st = Status{Attempt: attempt, State: state, Since: o.ModTime}
		case attempt == st.Attempt && state > st.State:
			// An outcome outranks the claim it ends.
			st.State, st.Since = state, o.ModTime
		}
		out[salon] = st
	}
	return out, nil
}

// Write records e create-if-absent and reports whether it wrote: false
// means another run holds that record already.
func (l *Ledger) Write(ctx context.Context, p Period, e Entry) (bool, error) {
	e.From, e.To = p.From.Format(time.DateOnly), p.To.Format(time.DateOnly)
	data, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return false, err
	}
	key := fmt.Sprintf("%s/salon-%d/%04d.%s", p.Key(), e.SalonID, e.Attempt, e.State)
	wrote, err := l.Root.Create(ctx, key, append(data, '\n'))
	if err != nil {
		return false, fmt.Errorf("ledger: %w", err)
	}
	return wrote, nil
}

// parseKey reads "salon-<id>/<attempt>.<state>".
func parseKey(key string) (salon int64, attempt int, state State, ok bool) {
	dir, file, found := strings.Cut(key, "/")
	if !found || !strings.HasPrefix(dir, "salon-") {
		return 0, 0, 0, false
	}
	salon, err := strconv.ParseInt(strings.TrimPrefix(dir, "salon-"), 10, 64)
	if err != nil {
		return 0, 0, 0, false
	}
	num, ext, found := strings.Cut(file, ".")
	if !found {
		return 0, 0, 0, false
	}
	if attempt, err = strconv.Atoi(num); err != nil || attempt < 1 {
		return 0, 0, 0, false
	}
	for s, name := range stateNames {
		if s != int(NotSent) && name == ext {
			return salon, attempt, State(s), true
		}
	}
	return 0, 0, 0, false
}

// LedgerLocation is where a run records its deliveries: flag (--ledger),
// else INSTUDIO_LEDGER, else smtp.ledger, else the XDG state directory
// ($XDG_STATE_HOME, else $HOME/.local/state, then instudio-report/ledger).
// The default is always an absolute path: a relative one would move with
// the directory cron starts in, and a run from elsewhere would not find
// what was sent and send again.
func LedgerLocation(flag string, s Settings, getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	for _, v := range []string{flag, getenv("INSTUDIO_LEDGER"), s.Ledger} {
		if v != "" {
			return v, nil
		}
	}
	path, err := xdg.Path(getenv, xdg.State, "ledger")
	if err != nil {
		return "", ErrNoStateDir
	}
	return path, nil
}
