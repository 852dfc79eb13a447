package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/mail"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/report"
	"github.com/instudio/instudio-report/storage"
)

type sendOptions struct {
	*rootOptions
	from, to, period, asOf string
	salon                  int64
	dryRun, ledger         string
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
again. A summary goes to stderr; the exit code is 1 if any salon failed.`),
		Example: strings.Trim(`
  instudio-report send --config /etc/instudio/report.yaml --period last-week
  instudio-report send --config report.yaml --period 2026-10 --dry-run out/
  instudio-report send --config report.yaml --period last-week --salon 3 --force`, "\n"),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.settings.ConfigFile == "" {
				return usagef("send: give the config file that lists the salons and the smtp block: --config FILE")
			}
			rng, err := o.reportRange(o.from, o.to, o.period, o.asOf)
			if err != nil {
				return err
			}
			return o.run(cmd.Context(), rng)
		},
	}
	f := cmd.Flags()
	addRangeFlags(cmd, &o.from, &o.to, &o.period, &o.asOf)
	f.Int64Var(&o.salon, "salon", 0, "send only to this salon of the config file")
	f.StringVar(&o.dryRun, "dry-run", "", "write one .eml per salon into this directory and send nothing")
	f.BoolVar(&o.force, "force", false, "send again to salons the ledger lists as sent or possibly sent")
	f.StringVar(&o.ledger, "ledger", "", "where deliveries are recorded: a directory or s3://bucket/prefix (env INSTUDIO_LEDGER; default $XDG_STATE_HOME/instudio-report/ledger)")
	return cmd
}

func (o *sendOptions) run(ctx context.Context, rng reportRange) error {
	smtp, path := o.settings.SMTP, o.settings.ConfigFile
	salons := o.settings.Salons
	if o.salon != 0 {
		salons = nil
		for _, s := range o.settings.Salons {
			if s.ID == o.salon {
				salons = append(salons, s)
			}
		}
		if salons == nil {
			return usagef("send: --salon %d is not in %s", o.salon, path)
		}
	}
	switch {
	case len(salons) == 0:
		return fmt.Errorf("%s lists no salons: add salons with an email to send", path)
	case smtp.From == "":
		return fmt.Errorf("%s: smtp.from is required to send", path)
	case smtp.URL == "" && o.dryRun == "":
		return fmt.Errorf("%s: smtp.url is required to send (or use --dry-run DIR)", path)
	}

	period := mail.Period{From: rng.from, To: rng.to}
	// A real run reads the ledger first: salons already sent need no
	// report, and a rerun of a finished period opens no database at all.
	var delivery *mail.Delivery
	if o.dryRun == "" {
		var closeSender func()
		var err error
		if delivery, closeSender, err = o.newDelivery(ctx, period); err != nil {
			return err
		}
		defer closeSender()
	}
	due := func(s SalonConfig) bool {
		return len(s.Email) > 0 && (delivery == nil || delivery.Due(s.ID))
	}
	var wanted []queries.Salon
	for _, s := range salons {
		if len(s.Email) == 0 {
			o.log.Warn("salon has no email in the config: skipped", "salon", s.ID, "config", path)
		}
		if due(s) {
			wanted = append(wanted, queries.Salon{ID: s.ID, Name: s.Name, TimeZone: s.TimeZone})
		}
	}
	var reports []report.Report
	var reportTime time.Duration
	if len(wanted) > 0 {
		db, err := o.openDB(ctx, rng.asOf)
		if err != nil {
			return err
		}
		defer db.Close()
		start := o.env.Now()
		if reports, err = db.Reports(ctx, queries.ReportRequest{Salons: wanted, From: rng.from, To: rng.to, AsOf: rng.asOf}); err != nil {
			return fmt.Errorf("send: %w", err)
		}
		reportTime = o.env.Now().Sub(start)
	}
	start := o.env.Now()
	// One job per salon in config order. A salon without email, or one
	// the ledger settles, stays in the run without a message, so that the
	// summary lists it.
	var jobs []mail.Job
	for _, s := range salons {
		job := mail.Job{SalonID: s.ID, SalonName: s.Name}
		if due(s) {
			var err error
			r := reports[0]
			reports = reports[1:]
			if job, err = mail.Compose(r, mail.Recipient{To: s.Email, Cc: s.Cc, Report: o.settings.reportOptions(s.ID)}, smtp, o.env.Now()); err != nil {
				return err
			}
		}
		jobs = append(jobs, job)
	}
	renderTime := o.env.Now().Sub(start)

	if o.dryRun != "" {
		written, err := mail.WriteDrafts(o.dryRun, period, jobs)
		fmt.Fprintf(o.env.Stderr, "dry run %s: wrote %d messages to %s, sent nothing\n", period, len(written), o.dryRun)
		return err
	}
	sum := delivery.Run(ctx, jobs)
	sum.ReportTime, sum.RenderTime = reportTime, renderTime
	sum.Write(o.env.Stderr)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("send interrupted: %w", err)
	}
	if n := sum.Count(mail.OutcomeFailed); n > 0 {
		return fmt.Errorf("send: %d of %d salons failed (see the summary above); rerun to retry them", n, len(sum.Results))
	}
	return nil
}

// newDelivery connects the pieces of a real run: the SMTP sender (it
// dials on the first message) and the ledger, read once.
func (o *sendOptions) newDelivery(ctx context.Context, period mail.Period) (*mail.Delivery, func(), error) {
	smtp := o.settings.SMTP
	password, err := o.smtpPassword()
	if err != nil {
		return nil, nil, err
	}
	sender, err := mail.NewSMTP(mail.SMTPOptions{Settings: smtp, Password: password})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", o.settings.ConfigFile, err)
	}
	closeSender := func() { sender.Close() }
	root, err := storage.Open(ctx, o.ledgerURI(), o.s3Options())
	if err != nil {
		return nil, nil, fmt.Errorf("ledger: %w", err)
	}
	backoff := smtp.RetryBackoff
	if backoff == 0 {
		backoff = mail.DefaultRetryBackoff
	}
	d := &mail.Delivery{
		Sender:    sender,
		Ledger:    &mail.Ledger{Root: root},
		Period:    period,
		Force:     o.force,
		SkipEmpty: smtp.SkipEmpty,
		Retries:   smtp.RetryCount(),
		Backoff:   backoff,
		Now:       o.env.Now,
		Log:       o.log,
	}
	if err := d.Load(ctx); err != nil {
		return nil, nil, err
	}
	return d, closeSender, nil
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

// ledgerURI is --ledger, else INSTUDIO_LEDGER, else smtp.ledger, else the
// XDG state directory.
func (o *sendOptions) ledgerURI() string {
	if o.ledger != "" {
		return o.ledger
	}
	if v := o.getenv("INSTUDIO_LEDGER"); v != "" {
		return v
	}
	if o.settings.SMTP.Ledger != "" {
		return o.settings.SMTP.Ledger
	}
	dir := o.getenv("XDG_STATE_HOME")
	if dir == "" {
		dir = filepath.Join(o.getenv("HOME"), ".local", "state")
	}
	return filepath.Join(dir, "instudio-report", "ledger")
}

func (o *sendOptions) getenv(name string) string {
	if o.env.Getenv == nil {
		return ""
	}
	return o.env.Getenv(name)
}
