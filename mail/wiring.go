package mail

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/report"
	"github.com/instudio/instudio-report/storage"
)

// The parts of a send run that come from outside the delivery state
// machine: the period, the password, the SMTP sender, the ledger and the
// freshness of the source. The CLI and the jobs Lambda fill a Send with
// them.

// Schedule is what the range flags decide of a send run: the period as a
// function of the date (the platform's, or with smtp.send_at each
// salon's), whether it is named relative to today, the run's clock and
// the instant its reports count events up to.
type Schedule struct {
	PeriodOf func(today time.Time) (Period, error)
	Rolling  bool
	// Now is the run's clock: --now, fixed, else the real one.
	Now func() time.Time
	// AsOf is --as-of, else the run's time, so that the ledger archives
	// exactly what salon -o json --as-of <send time> prints.
	AsOf time.Time
}

// NewSchedule reads the range flags of send: f as given, rng as
// report.ParseRange checked them, now the --now flag ("" for none) and
// clock the real clock. Its errors are the caller's usage errors.
func NewSchedule(f report.RangeFlags, rng report.Range, now string, clock func() time.Time) (Schedule, error) {
	s := Schedule{Now: clock}
	if now != "" {
		t, err := report.ParseInstant(now)
		if err != nil {
			return s, fmt.Errorf("--now: %w", err)
		}
		s.Now = func() time.Time { return t }
	}
	if rng.AsOf != nil {
		s.AsOf = *rng.AsOf
	} else {
		s.AsOf = s.Now().UTC()
	}
	if f.From != "" {
		s.PeriodOf = FixedPeriod(Period{From: rng.From, To: rng.To})
		return s, nil
	}
	s.PeriodOf, s.Rolling = PeriodSpec(f.Period)
	return s, nil
}

// PeriodSpec turns --period into Send.PeriodOf: the period as a function
// of the date (the platform's, or with smtp.send_at each salon's), and
// whether it is named relative to today (rolling; a month is not).
func PeriodSpec(spec string) (periodOf func(today time.Time) (Period, error), rolling bool) {
	if spec == "" {
		spec = "last-30d"
	}
	_, monthErr := time.Parse("2006-01", spec)
	return func(today time.Time) (Period, error) {
		from, to, err := report.ParsePeriod(spec, today)
		if err != nil {
			return Period{}, fmt.Errorf("--period: %w", err)
		}
		return Period{From: from, To: to}, nil
	}, monthErr != nil
}

// FixedPeriod is Send.PeriodOf for --from and --to.
func FixedPeriod(p Period) func(time.Time) (Period, error) {
	return func(time.Time) (Period, error) { return p, nil }
}

// Password is the SMTP password: INSTUDIO_SMTP_PASSWORD, else the file
// smtp.password_file names, else none. It never appears in a message.
func Password(getenv func(string) string, s Settings) (string, error) {
	if getenv != nil {
		if v := getenv("INSTUDIO_SMTP_PASSWORD"); v != "" {
			return v, nil
		}
	}
	if s.PasswordFile == "" {
		return "", nil
	}
	data, err := os.ReadFile(s.PasswordFile)
	if err != nil {
		return "", fmt.Errorf("smtp.password_file %s: %w", s.PasswordFile, errors.Unwrap(err))
	}
	return strings.TrimRight(string(data), "\r\n"), nil
}

// SMTPSender is Send.Sender for a real run: the SMTP sender of the smtp
// block, which dials on the first message. configFile names the block in
// errors.
func SMTPSender(s Settings, configFile string, getenv func(string) string) func() (Sender, func(), error) {
	return func() (Sender, func(), error) {
		password, err := Password(getenv, s)
		if err != nil {
			return nil, nil, err
		}
		sender, err := NewSMTP(SMTPOptions{Settings: s, Password: password})
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", configFile, err)
		}
		return sender, func() { sender.Close() }, nil
	}
}

// OpenLedger is Send.Ledger: the ledger LedgerLocation finds from flag
// (--ledger), s and getenv, opened with open (a storage root). With
// existingOnly (a dry run) a local ledger that does not exist yet is an
// error rather than created, so that a dry run leaves no trace in the
// state directory; Send then compares with nothing.
func OpenLedger(flag string, s Settings, getenv func(string) string, existingOnly bool, open func(ctx context.Context, uri string) (storage.Root, error)) func(context.Context) (*Ledger, error) {
	return func(ctx context.Context) (*Ledger, error) {
		uri, err := LedgerLocation(flag, s, getenv)
		if err != nil {
			return nil, err
		}
		if existingOnly && !strings.HasPrefix(uri, "s3://") {
			if _, err := os.Stat(uri); err != nil {
				return nil, err
			}
		}
		root, err := open(ctx, uri)
		if err != nil {
			return nil, fmt.Errorf("ledger: %w", err)
		}
		return &Ledger{Root: root}, nil
	}
}

// SourceFreshness is Send.Freshness: the source at uri, opened with open,
// judged by CheckFreshness at now() with s's max lag.
func SourceFreshness(uri string, s Settings, now func() time.Time, open func(ctx context.Context, uri string) (storage.Root, error)) func(context.Context) (Freshness, error) {
	return func(ctx context.Context) (Freshness, error) {
		root, err := open(ctx, uri)
		if err != nil {
			return Freshness{}, err
		}
		return CheckFreshness(ctx, root, now(), s.MaxLagOrDefault())
	}
}

// CheckFreshness judges the source as check does, with maxLag
// (smtp.max_lag): stale when its newest event is older, or when it holds
// none.
func CheckFreshness(ctx context.Context, source storage.Root, now time.Time, maxLag time.Duration) (Freshness, error) {
	h, err := layout.Check(ctx, source, layout.CheckOptions{Now: now, MaxLag: maxLag})
	if err != nil {
		return Freshness{}, err
	}
	if h.Empty {
		return Freshness{Stale: true, Why: "no booking events in " + h.Source}, nil
	}
	// The newest event is told from check's lag, so that the message
	// follows whichever time check judges by.
	lag := time.Duration(h.Lag)
	why := fmt.Sprintf("newest event arrived %s, %s before %s",
		now.Add(-lag).UTC().Format(time.RFC3339), lag.Round(time.Minute), now.UTC().Format(time.RFC3339))
	return Freshness{Stale: h.Stale, Why: why}, nil
}
