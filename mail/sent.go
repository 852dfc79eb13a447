package mail

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/instudio/instudio-report/output"
	"github.com/instudio/instudio-report/report"
)

// SentFormats are the formats the list of what was sent is written in.
var SentFormats = []output.Format{output.Table, output.CSV, output.JSON}

// ErrPeriodSyntax is a --period of sent that names no period.
var ErrPeriodSyntax = errors.New("use FROM_TO as the ledger names it, such as 2026-11-16_2026-11-23")

// ParseSentPeriod reads a period as sent takes it: FROM_TO as the ledger
// names it (TO exclusive), or as report commands name periods, relative to
// today.
func ParseSentPeriod(s string, today time.Time) (Period, error) {
	if from, to, ok := strings.Cut(s, "_"); ok {
		f, err1 := report.ParseDate(from)
		t, err2 := report.ParseDate(to)
		if err1 != nil || err2 != nil || !f.Before(t) {
			return Period{}, fmt.Errorf("--period %q: %w", s, ErrPeriodSyntax)
		}
		return Period{From: f, To: t}, nil
	}
	from, to, err := report.ParsePeriod(s, today)
	if err != nil {
		return Period{}, fmt.Errorf("--period: %w", err)
	}
	return Period{From: from, To: to}, nil
}

// SentQuery is what sent lists: one salon's (0 for every salon), one
// period's (nil for every period), in a format.
type SentQuery struct {
	Salon  int64
	Period *Period
	Format output.Format
}

// EmptyNote is the line for stderr when q lists nothing from the ledger
// at uri, or "" in JSON, whose empty list says so itself.
func (q SentQuery) EmptyNote(uri string) string {
	switch {
	case q.Format == output.JSON:
		return ""
	case q.Salon != 0 || q.Period != nil:
		return fmt.Sprintf("the ledger %s records nothing for that salon and period", uri)
	}
	return fmt.Sprintf("the ledger %s records nothing", uri)
}

// WriteSent writes the latest attempt per salon and period that q selects,
// with its state, Message-ID and the headline figures the email showed;
// for one salon and period in JSON, the report archived with the latest
// sent attempt, exactly as salon -o json printed it then. It returns how
// many records it listed.
func (l *Ledger) WriteSent(ctx context.Context, w io.Writer, q SentQuery) (int, error) {
	records, err := l.Records(ctx)
	if err != nil {
		return 0, err
	}
	var kept []Record
	for _, r := range records {
		if (q.Salon == 0 || r.SalonID == q.Salon) && (q.Period == nil || r.Period == *q.Period) {
			kept = append(kept, r)
		}
	}
	if q.Format == output.JSON && q.Salon != 0 && q.Period != nil {
		return 1, l.writeArchived(ctx, w, q, kept)
	}
	type row struct {
		SalonID   int64     `json:"salon_id"`
		From      string    `json:"from"`
		To        string    `json:"to"`
		State     string    `json:"state"`
		Attempt   int       `json:"attempt"`
		At        time.Time `json:"at"`
		MessageID string    `json:"message_id"`
		Figures   *Figures  `json:"figures"`
	}
	rows := []row{}
	for _, r := range Latest(kept) {
		e, err := l.Read(ctx, r)
		if err != nil {
			return 0, err
		}
		rw := row{SalonID: r.SalonID, From: e.From, To: e.To, State: e.State, Attempt: e.Attempt, At: e.At, MessageID: e.MessageID}
		if len(e.Report) > 0 {
			var f Figures
			if err := json.Unmarshal(e.Report, &f); err != nil {
				return 0, fmt.Errorf("ledger %s: archived report: %w", l.Root.URI(r.Key), err)
			}
			rw.Figures = &f
		}
		rows = append(rows, rw)
	}
	if q.Format == output.JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return len(rows), enc.Encode(rows)
	}
	if len(rows) == 0 {
		return 0, nil
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
	if q.Format == output.CSV {
		cw := csv.NewWriter(w)
		_ = cw.Write(header)
		_ = cw.WriteAll(cells)
		return len(rows), cw.Error()
	}
	return len(rows), output.WriteTable(w, header, cells)
}

// writeArchived prints the report of the salon's latest sent attempt.
func (l *Ledger) writeArchived(ctx context.Context, w io.Writer, q SentQuery, records []Record) error {
	var last *Record
	for i := range records {
		if records[i].State == Sent {
			last = &records[i]
		}
	}
	if last == nil {
		return fmt.Errorf("sent: the ledger has no sent email for salon %d and %s", q.Salon, q.Period.Key())
	}
	e, err := l.Read(ctx, *last)
	if err != nil {
		return err
	}
	if len(e.Report) == 0 {
		return fmt.Errorf("sent: salon %d, %s_%s: the record predates archived reports", q.Salon, e.From, e.To)
	}
	_, err = fmt.Fprintf(w, "%s\n", e.Report)
	return err
}
