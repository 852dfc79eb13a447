package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/mail"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/report"
	"github.com/instudio/instudio-report/storage"
)

type sendOptions struct {
	*rootOptions
	from, to, period, asOf string
	salon                  int64
	dryRun, ledger, now    string
	force                  bool
}

func newSendCmd(root *rootOptions) *cobra.Command {
	o := &sendOptions{rootOptions: root}
	cmd := &cobra.Command{
		Use:   "send --config FILE [--period P | --from D --to D] [--as-of T] [--salon N] [--dry-run DIR] [--force] [--ledger L]",
		Short: "Email every configured salon its report, once per period",
		Long: strings.TrimSpace(`
Email each salon of the config file (salons[].email, cc) its report for the
period: HTML with a plain-text alternative, optionally the CSV attached,
through the SMTP server of the smtp block. The password comes from
INSTUDIO_SMTP_PASSWORD or smtp.password_file.

A ledger records every delivery, so a salon gets one email per period:
rerunning sends nothing new, a killed run resends only what it had not
sent, and two runs at once never send twice. A delivery whose outcome was
lost in a crash is listed as "possibly sent" and left alone; --force sends
again. A summary goes to stderr; the exit code is 1 if any salon failed.

With smtp.send_at (HH:MM, each salon's wall time) run send every hour: a
salon is sent when its own clock reaches send_at on the first day after
its period, computed in its zone. When the newest event is older than
smtp.max_lag (default 48h) nothing is sent and the exit code is 3, as for
check; --force sends anyway. 'instudio-report sent' lists what went out.`),
		Example: strings.Trim(`
  instudio-report send --config /etc/instudio/report.yaml --period last-week
  instudio-report send --config report.yaml --period 2026-10 --dry-run out/
  instudio-report send --config report.yaml --period last-week --salon 3 --force
  instudio-report send --config report.yaml --period last-week --now 2026-11-23T06:00:00Z`, "\n"),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.settings.ConfigFile == "" {
				return usagef("send: give the config file that lists the salons and the smtp block: --config FILE")
			}
			rng, err := o.sendRange()
			if err != nil {
				return err
			}
			return o.run(cmd.Context(), rng)
		},
	}
	f := cmd.Flags()
	addRangeFlags(cmd, &o.from, &o.to, &o.period, &o.asOf)
	f.Int64Var(&o.salon, "salon", 0, "send only to this salon of the config file")
	f.StringVar(&o.dryRun, "dry-run", "", "write one .eml per salon and summary.json into this directory and send nothing")
	f.BoolVar(&o.force, "force", false, "send again to salons the ledger lists as sent or possibly sent, and send on a stale source")
	f.StringVar(&o.now, "now", "", "act as if it were this time (RFC 3339, or YYYY-MM-DD for 00:00 UTC): the clock of periods, send_at and staleness; later events are not seen (as --as-of)")
	f.StringVar(&o.ledger, "ledger", "", "where deliveries are recorded: a directory or s3://bucket/prefix (env INSTUDIO_LEDGER; default smtp.ledger, then $XDG_STATE_HOME or $HOME/.local/state, /instudio-report/ledger)")
	return cmd
}

// sendRange is what a run covers: the period as a function of the date
// (the platform's, or with smtp.send_at each salon's), and the clock.
type sendRange struct {
	periodOf func(today time.Time) (mail.Period, error)
	asOf     *time.Time
	now      *time.Time // --now
	rolling  bool       // the period is named relative to today
}

func (o *sendOptions) sendRange() (sendRange, error) {
	// reportRange checks the flags as every report command does.
	rng, err := o.reportRange(o.from, o.to, o.period, o.asOf)
	if err != nil {
		return sendRange{}, err
	}
	r := sendRange{asOf: rng.asOf}
	if o.now != "" {
		t, err := parseInstant(o.now)
		if err != nil {
			return r, usagef("--now: %s", err)
		}
		r.now = &t
	}
	if o.from != "" {
		fixed := mail.Period{From: rng.from, To: rng.to}
		r.periodOf = func(time.Time) (mail.Period, error) { return fixed, nil }
		return r, nil
	}
	spec := o.period
	if spec == "" {
		spec = "last-30d"
	}
	_, monthErr := time.Parse("2006-01", spec)
	r.rolling = monthErr != nil
	r.periodOf = func(today time.Time) (mail.Period, error) {
		from, to, err := report.ParsePeriod(spec, today)
		if err != nil {
			return mail.Period{}, usagef("--period: %s", err)
		}
		return mail.Period{From: from, To: to}, nil
	}
	return r, nil
}

func (o *sendOptions) run(ctx context.Context, rng sendRange) error {
	conf := o.settings
	now := o.env.Now
	if rng.now != nil {
		at := *rng.now
		now = func() time.Time { return at }
	}
	platform, err := time.LoadLocation(conf.TimeZone)
	if err != nil {
		platform = time.UTC
	}
	var salons []mail.Salon
	for _, s := range conf.Salons {
		zone := platform
		if s.TimeZone != "" {
			if zone, err = time.LoadLocation(s.TimeZone); err != nil {
				return fmt.Errorf("%s: salon %d: timezone %q: %w", conf.ConfigFile, s.ID, s.TimeZone, err)
			}
		}
		salons = append(salons, mail.Salon{ID: s.ID, Name: s.Name, Zone: zone, To: s.Email, Cc: s.Cc, Report: conf.ReportOptions(s.ID)})
	}
	// Reports count the events up to the run's time (--as-of, else --now,
	// else the clock), so that the ledger archives exactly what salon -o
	// json --as-of <send time> prints.
	asOf := rng.asOf
	if asOf == nil {
		t := now().UTC()
		asOf = &t
	}
	var db *queries.DB
	defer func() {
		if db != nil {
			db.Close()
		}
	}()
	run := &mail.Send{
		Settings:   conf.SMTP,
		ConfigFile: conf.ConfigFile,
		Salons:     salons,
		Only:       o.salon,
		PeriodOf:   rng.periodOf,
		Zone:       platform,
		Rolling:    rng.rolling,
		Force:      o.force,
		DryRun:     o.dryRun,
		Now:        now,
		Clock:      o.env.Now,
		Reports: func(ctx context.Context, p mail.Period, salons []mail.Salon) ([]report.Report, error) {
			if db == nil {
				var err error
				if db, err = o.openDB(ctx, asOf); err != nil {
					return nil, err
				}
			}
			req := queries.ReportRequest{From: p.From, To: p.To, AsOf: asOf, Now: now()}
			for _, s := range salons {
				conf := conf.Salon(s.ID)
				req.Salons = append(req.Salons, queries.Salon{ID: s.ID, Name: s.Name, TimeZone: conf.TimeZone})
			}
			return db.Reports(ctx, req)
		},
		Sender: o.newSender,
		Ledger: func(ctx context.Context) (*mail.Ledger, error) {
			uri, err := mail.LedgerLocation(o.ledger, conf.SMTP, o.getenv)
			if err != nil {
				return nil, err
			}
			root, err := storage.Open(ctx, uri, o.s3Options())
			if err != nil {
				return nil, fmt.Errorf("ledger: %w", err)
			}
			return &mail.Ledger{Root: root}, nil
		},
		Freshness: func(ctx context.Context) (mail.Freshness, error) {
			return o.freshness(ctx, now(), conf.SMTP.MaxLagOrDefault())
		},
		Log: o.log,
		Out: o.env.Stderr,
	}
	if o.dryRun != "" {
		// A dry run writes nothing to the ledger and needs none: without
		// one it compares with nothing.
		run.Ledger = o.existingLedger(run.Ledger)
	}
	err = run.Run(ctx)
	var unknown *mail.UnknownSalonError
	var stale *mail.StaleError
	switch {
	case errors.As(err, &unknown):
		return usagef("send: --salon %d is not in %s", unknown.ID, conf.ConfigFile)
	case errors.As(err, &stale):
		return &checkFailedError{msg: stale.Error()}
	}
	return err
}

// existingLedger opens the ledger only where one exists already, so that
// a dry run leaves no trace in the state directory.
func (o *sendOptions) existingLedger(open func(context.Context) (*mail.Ledger, error)) func(context.Context) (*mail.Ledger, error) {
	return func(ctx context.Context) (*mail.Ledger, error) {
		uri, err := mail.LedgerLocation(o.ledger, o.settings.SMTP, o.getenv)
		if err != nil {
			return nil, err
		}
		if !strings.HasPrefix(uri, "s3://") {
			if _, err := os.Stat(uri); err != nil {
				return nil, err
			}
		}
		return open(ctx)
	}
}

// freshness judges the source as check does, with smtp.max_lag.
func (o *sendOptions) freshness(ctx context.Context, now time.Time, maxLag time.Duration) (mail.Freshness, error) {
	root, err := o.openLayoutRoot(ctx, o.settings.Source)
	if err != nil {
		return mail.Freshness{}, err
	}
	h, err := layout.Check(ctx, root, layout.CheckOptions{Now: now, MaxLag: maxLag})
	if err != nil {
		return mail.Freshness{}, err
	}
	if h.Empty {
		return mail.Freshness{Stale: true, Why: "no booking events in " + h.Source}, nil
	}
	// The newest event is told from check's lag, so that the message
	// follows whichever time check judges by.
	lag := time.Duration(h.Lag)
	why := fmt.Sprintf("newest event arrived %s, %s before %s",
		now.Add(-lag).UTC().Format(time.RFC3339), lag.Round(time.Minute), now.UTC().Format(time.RFC3339))
	return mail.Freshness{Stale: h.Stale, Why: why}, nil
}

// newSender is the SMTP sender of a real run; it dials on the first
// message.
func (o *sendOptions) newSender() (mail.Sender, func(), error) {
	password, err := o.smtpPassword()
	if err != nil {
		return nil, nil, err
	}
	sender, err := mail.NewSMTP(mail.SMTPOptions{Settings: o.settings.SMTP, Password: password})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", o.settings.ConfigFile, err)
	}
	return sender, func() { sender.Close() }, nil
}

// smtpPassword reads the password from INSTUDIO_SMTP_PASSWORD, else from
// smtp.password_file. It never appears in a message.
func (o *sendOptions) smtpPassword() (string, error) {
	if v := o.getenv("INSTUDIO_SMTP_PASSWORD"); v != "" {
		return v, nil
	}
	file := o.settings.SMTP.PasswordFile
	if file == "" {
		return "", nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("smtp.password_file %s: %w", file, errors.Unwrap(err))
	}
	return strings.TrimRight(string(data), "\r\n"), nil
}

func (o *sendOptions) getenv(name string) string {
	if o.env.Getenv == nil {
		return ""
	}
	return o.env.Getenv(name)
}
