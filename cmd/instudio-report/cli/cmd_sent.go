package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/mail"
	"github.com/instudio/instudio-report/output"
	"github.com/instudio/instudio-report/report"
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
		Use:   "sent [--salon N] [--period P] [--ledger L] [-o table|csv|json]",
		Short: "List what send delivered, from its ledger",
		Long: strings.TrimSpace(`
List the send ledger: per salon and period the latest attempt, its state
(sent, sending = possibly sent, failed), when, the Message-ID and the
headline figures the email showed. With --salon and --period, -o json
prints the report archived with the latest sent attempt, exactly as
'salon -o json' printed it at the send time.`),
		Example: strings.Trim(`
  instudio-report sent --config report.yaml
  instudio-report sent --salon 3 --period last-week
  instudio-report sent --salon 3 --period 2026-11-16_2026-11-23 -o json`, "\n"),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var p *mail.Period
			if o.period != "" {
				got, err := o.parsePeriod(o.period)
				if err != nil {
					return err
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
	return writes(cmd, output.Table, output.CSV, output.JSON)
}

func (o *sentOptions) parsePeriod(s string) (mail.Period, error) {
	if from, to, ok := strings.Cut(s, "_"); ok {
		f, err1 := report.ParseDate(from)
		t, err2 := report.ParseDate(to)
		if err1 != nil || err2 != nil || !f.Before(t) {
			return mail.Period{}, usagef("--period %q: use FROM_TO as the ledger names it, such as 2026-11-16_2026-11-23", s)
		}
		return mail.Period{From: f, To: t}, nil
	}
	from, to, err := report.ParsePeriod(s, o.today())
	if err != nil {
		return mail.Period{}, usagef("--period: %s", err)
	}
	return mail.Period{From: from, To: to}, nil
}

func (o *sentOptions) run(ctx context.Context, p *mail.Period) error {
	uri, err := mail.LedgerLocation(o.ledger, o.settings.SMTP, o.getenv)
	if err != nil {
		return err
	}
	root, err := storage.Open(ctx, uri, o.s3Options())
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	ledger := &mail.Ledger{Root: root}
	records, err := ledger.Records(ctx)
	if err != nil {
		return err
	}
	var kept []mail.Record
	for _, r := range records {
		if (o.salon == 0 || r.SalonID == o.salon) && (p == nil || r.Period == *p) {
			kept = append(kept, r)
		}
	}
	format := o.format
	if format == output.JSON && o.salon != 0 && p != nil {
		return o.printArchived(ctx, ledger, kept)
	}
	type row struct {
		SalonID   int64         `json:"salon_id"`
		From      string        `json:"from"`
		To        string        `json:"to"`
		State     string        `json:"state"`
		Attempt   int           `json:"attempt"`
		At        time.Time     `json:"at"`
		MessageID string        `json:"message_id"`
		Figures   *mail.Figures `json:"figures"`
	}
	rows := []row{}
	for _, r := range mail.Latest(kept) {
		e, err := ledger.Read(ctx, r)
		if err != nil {
			return err
		}
		rw := row{SalonID: r.SalonID, From: e.From, To: e.To, State: e.State, Attempt: e.Attempt, At: e.At, MessageID: e.MessageID}
		if len(e.Report) > 0 {
			var f mail.Figures
			if err := json.Unmarshal(e.Report, &f); err != nil {
				return fmt.Errorf("ledger %s: archived report: %w", root.URI(r.Key), err)
			}
			rw.Figures = &f
		}
		rows = append(rows, rw)
	}
	if format == output.JSON {
		enc := json.NewEncoder(o.env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	if len(rows) == 0 {
		fmt.Fprintf(o.env.Stderr, "the ledger %s records nothing%s\n", uri, map[bool]string{true: " for that salon and period", false: ""}[o.salon != 0 || p != nil])
		return nil
	}
	header := []string{"salon", "from", "to", "state", "attempt", "at", "message_id", "bookings", "completed", "cancellation_rate", "revenue_cents"}
	var cells [][]string
	for _, r := range rows {
		row := []string{fmt.Sprint(r.SalonID), r.From, r.To, r.State, fmt.Sprint(r.Attempt), r.At.UTC().Format(time.RFC3339), r.MessageID}
		if f := r.Figures; f != nil {
			rate, revenue := "", ""
			if f.CancellationRate != nil {
				rate = fmt.Sprintf("%.1f%%", *f.CancellationRate*100)
			}
			if f.RevenueCents != nil {
				revenue = fmt.Sprint(*f.RevenueCents)
			}
			row = append(row, fmt.Sprint(f.Bookings), fmt.Sprint(f.Completed), rate, revenue)
		} else {
			row = append(row, "", "", "", "")
		}
		cells = append(cells, row)
	}
	if format == output.CSV {
		cw := csv.NewWriter(o.env.Stdout)
		_ = cw.Write(header)
		_ = cw.WriteAll(cells)
		return cw.Error()
	}
	return output.WriteTable(o.env.Stdout, header, cells)
}

// printArchived prints the report of the salon's latest sent attempt.
func (o *sentOptions) printArchived(ctx context.Context, ledger *mail.Ledger, records []mail.Record) error {
	var last *mail.Record
	for i := range records {
		if records[i].State == mail.Sent {
			last = &records[i]
		}
	}
	if last == nil {
		return fmt.Errorf("sent: the ledger has no sent email for salon %d and %s", o.salon, o.period)
	}
	e, err := ledger.Read(ctx, *last)
	if err != nil {
		return err
	}
	if len(e.Report) == 0 {
		return fmt.Errorf("sent: salon %d, %s_%s: the record predates archived reports", o.salon, e.From, e.To)
	}
	_, err = fmt.Fprintf(o.env.Stdout, "%s\n", e.Report)
	return err
}

func (o *sentOptions) getenv(name string) string {
	if o.env.Getenv == nil {
		return ""
	}
	return o.env.Getenv(name)
}
