package cli

import (
	"context"
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/mail"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/report"
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
		Use:     "send --config FILE [--period P | --from D --to D] [--as-of T] [--salon N] [--dry-run DIR] [--force] [--ledger L]",
		Short:   "Email every configured salon its report, once per period",
		Long:    helpText("send"),
		Example: helpExample("send"),
		Args:    cobra.NoArgs,
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
	r := sendRange{asOf: rng.AsOf}
	if o.now != "" {
		t, err := report.ParseInstant(o.now)
		if err != nil {
			return r, usagef("--now: %s", err)
		}
		r.now = &t
	}
	if o.from != "" {
		r.periodOf = mail.FixedPeriod(mail.Period{From: rng.From, To: rng.To})
		return r, nil
	}
	r.periodOf, r.rolling = mail.PeriodSpec(o.period)
	return r, nil
}

func (o *sendOptions) run(ctx context.Context, rng sendRange) error {
	conf := o.settings
	now := o.env.Now
	if rng.now != nil {
		at := *rng.now
		now = func() time.Time { return at }
	}
	salons, err := conf.MailSalons()
	if err != nil {
		return err
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
		Zone:       conf.Location(),
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
				req.Salons = append(req.Salons, queries.Salon{ID: s.ID, Name: s.Name, TimeZone: conf.Salon(s.ID).TimeZone})
			}
			return db.Reports(ctx, req)
		},
		Sender: mail.SMTPSender(conf.SMTP, conf.ConfigFile, o.env.Getenv),
		Ledger: func(ctx context.Context) (*mail.Ledger, error) {
			uri, err := mail.LedgerLocation(o.ledger, conf.SMTP, o.env.Getenv)
			if err != nil {
				return nil, err
			}
			// A dry run writes nothing to the ledger and needs none:
			// without one it compares with nothing.
			return mail.OpenLedger(uri, o.dryRun != "", o.openLayoutRoot)(ctx)
		},
		Freshness: func(ctx context.Context) (mail.Freshness, error) {
			root, err := o.openLayoutRoot(ctx, conf.Source)
			if err != nil {
				return mail.Freshness{}, err
			}
			return mail.CheckFreshness(ctx, root, now(), conf.SMTP.MaxLagOrDefault())
		},
		Log: o.log,
		Out: o.env.Stderr,
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
