package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/mail"
	"github.com/instudio/instudio-report/storage"
)

type sentOptions struct {
	*rootOptions
	salon          int64
	period, ledger string
}

func newSentCmd(root *rootOptions) *cobra.Command {
	o := &sentOptions{rootOptions: root}
	cmd := &cobra.Command{
		Use:     "sent [--salon N] [--period P] [--ledger L] [-o table|csv|json]",
		Short:   "List what send delivered, from its ledger",
		Long:    helpText("sent"),
		Example: helpExample("sent"),
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var p *mail.Period
			if o.period != "" {
				got, err := mail.ParseSentPeriod(o.period, o.settings.Today(o.env.Now()))
				if err != nil {
					return usagef("%s", err)
				}
				p = &got
			}
			return o.run(cmd.Context(), p)
		},
	}
	f := cmd.Flags()
	f.Int64Var(&o.salon, "salon", 0, "only this salon")
	f.StringVar(&o.period, "period", "", "only this period: last-week, last-month, last-Nd, YYYY-MM, or FROM_TO as the ledger names it (2026-11-16_2026-11-23, TO exclusive)")
	f.StringVar(&o.ledger, "ledger", "", "the ledger send wrote: a directory or s3://bucket/prefix (env INSTUDIO_LEDGER; default smtp.ledger, then $XDG_STATE_HOME/instudio-report/ledger)")
	return writes(cmd, mail.SentFormats...)
}

func (o *sentOptions) run(ctx context.Context, p *mail.Period) error {
	uri, err := mail.LedgerLocation(o.ledger, o.settings.SMTP, o.env.Getenv)
	if err != nil {
		return err
	}
	root, err := storage.Open(ctx, uri, o.settings.S3Options(o.env.Getenv))
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	ledger := &mail.Ledger{Root: root}
	q := mail.SentQuery{Salon: o.salon, Period: p, Format: o.format}
	n, err := ledger.WriteSent(ctx, o.env.Stdout, q)
	if note := q.EmptyNote(uri); err == nil && n == 0 && note != "" {
		fmt.Fprintln(o.env.Stderr, note)
	}
	return err
}
