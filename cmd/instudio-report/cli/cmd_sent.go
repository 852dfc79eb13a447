package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/mail"
	"github.com/instudio/instudio-report/output"
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
				got, err := mail.ParseSentPeriod(o.period, o.today())
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
	root, err := storage.Open(ctx, uri, o.s3Options())
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	ledger := &mail.Ledger{Root: root}
	n, err := ledger.WriteSent(ctx, o.env.Stdout, mail.SentQuery{Salon: o.salon, Period: p, Format: o.format})
	if err == nil && n == 0 && o.format != output.JSON {
		fmt.Fprintf(o.env.Stderr, "the ledger %s records nothing%s\n", uri, map[bool]string{true: " for that salon and period", false: ""}[o.salon != 0 || p != nil])
	}
	return err
}
