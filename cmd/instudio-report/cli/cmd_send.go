package cli

import (
	"context"
	"errors"

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
			sched, err := o.schedule()
			if err != nil {
				return err
			}
			return o.run(cmd.Context(), sched)
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

func (o *sendOptions) schedule() (mail.Schedule, error) {
	// reportRange checks the flags as every report command does.
	rng, err := o.reportRange(o.from, o.to, o.period, o.asOf)
	if err != nil {
		return mail.Schedule{}, err
	}
	sched, err := mail.NewSchedule(report.RangeFlags{From: o.from, To: o.to, Period: o.period}, rng, o.now, o.env.Now)
	if err != nil {
		return sched, &usageError{err: err}
	}
	return sched, nil
}

func (o *sendOptions) run(ctx context.Context, sched mail.Schedule) error {
	conf := o.settings
	salons, err := conf.MailSalons()
	if err != nil {
		return err
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
		PeriodOf:   sched.PeriodOf,
		Zone:       conf.Location(),
		Rolling:    sched.Rolling,
		Force:      o.force,
		DryRun:     o.dryRun,
		Now:        sched.Now,
		Clock:      o.env.Now,
		Reports: func(ctx context.Context, p mail.Period, salons []mail.Salon) ([]report.Report, error) {
			if db == nil {
				var err error
				if db, err = o.openDB(ctx, &sched.AsOf); err != nil {
					return nil, err
				}
			}
			req := queries.ReportRequest{From: p.From, To: p.To, AsOf: &sched.AsOf, Now: sched.Now()}
			for _, s := range salons {
				req.Salons = append(req.Salons, o.salonOf(s.ID))
			}
			return db.Reports(ctx, req)
		},
		Sender: mail.SMTPSender(conf.SMTP, conf.ConfigFile, o.env.Getenv),
		// A dry run writes nothing to the ledger and needs none: without
		// one it compares with nothing.
		Ledger:    mail.OpenLedger(o.ledger, conf.SMTP, o.env.Getenv, o.dryRun != "", o.openLayoutRoot),
		Freshness: mail.SourceFreshness(conf.Source, conf.SMTP, sched.Now, o.openLayoutRoot),
		Log:       o.log,
		Out:       o.env.Stderr,
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
