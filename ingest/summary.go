package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// IngestAll ingests every record of r, in batches of batchSize, as
// format. It stops at the first record r cannot read (readErr: the input
// is wrong, and running again reads it the same way); a batch that cannot
// be stored is reported to onStoreErr and the rest go on (storeErr joins
// them: running again retries exactly those records). After GiveUpAfter
// (default DefaultGiveUpAfter) writes in a row have failed, a store that
// is down, it writes nothing more: the records read after that are counted
// as not stored, with one error for them all.
func (p *Pipeline) IngestAll(ctx context.Context, r Reader, format string, batchSize int, onStoreErr func(error)) (total Result, readErr, storeErr error) {
	if p.GiveUpAfter == 0 {
		p.GiveUpAfter = DefaultGiveUpAfter
	}
	p.failStreak.Store(0)
	skipped := 0
	defer func() {
		if skipped > 0 {
			storeErr = errors.Join(storeErr, fmt.Errorf("gave up after %d writes in a row failed: %d more records not attempted", p.GiveUpAfter, skipped))
		}
	}()
	for {
		recs, err := r.Next(batchSize)
		if errors.Is(err, io.EOF) {
			return total, nil, storeErr
		}
		if err != nil {
			return total, err, storeErr
		}
		if p.GaveUp() {
			total.Add(notAttempted(format, recs))
			skipped += len(recs)
			continue
		}
		res, err := p.Ingest(ctx, format, recs)
		total.Add(res)
		if err != nil {
			storeErr = errors.Join(storeErr, err)
			if onStoreErr != nil {
				onStoreErr(err)
			}
		}
	}
}

// notAttempted is the result of a batch not written because the pipeline
// gave up: every record failed.
func notAttempted(source string, recs []Record) Result {
	res := Result{Source: source, Received: len(recs), Failed: len(recs), Outcomes: make([]Outcome, len(recs))}
	for i, r := range recs {
		res.Outcomes[i] = Outcome{Position: r.Position, Status: Failed, Reason: ErrGaveUp.Error()}
	}
	return res
}

// WriteSummary prints what an ingest of input into dest did: a line and
// the records not stored, or with asJSON one object.
func (r Result) WriteSummary(w io.Writer, asJSON bool, input, dest string) error {
	if asJSON {
		type outcome struct {
			Position string `json:"position"`
			Status   string `json:"status"`
			Reason   string `json:"reason"`
		}
		summary := struct {
			Input         string    `json:"input"`
			Dest          string    `json:"dest"`
			Received      int       `json:"received"`
			Written       int       `json:"written"`
			Rejected      int       `json:"rejected"`
			Failed        int       `json:"failed"`
			Duplicates    int       `json:"duplicates"`
			FilesWritten  int       `json:"files_written"`
			BytesWritten  int64     `json:"bytes_written"`
			FilesExisting int       `json:"files_existing"`
			NotStored     []outcome `json:"not_stored"`
		}{input, dest, r.Received, r.Written, r.Rejected, r.Failed, r.Duplicates, r.FilesWritten, r.BytesWritten, r.FilesExisting, []outcome{}}
		for _, o := range r.Outcomes {
			if o.Status != Stored {
				summary.NotStored = append(summary.NotStored, outcome{o.Position, o.Status.String(), o.Reason})
			}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(summary)
	}
	fmt.Fprintf(w, "%s: %d records: %d stored, %d rejected, %d not stored; %d files written (%d bytes), %d already in %s\n",
		input, r.Received, r.Written, r.Rejected, r.Failed, r.FilesWritten, r.BytesWritten, r.FilesExisting, dest)
	if r.Duplicates > 0 {
		fmt.Fprintf(w, "  %d stored records share an event_id with an earlier record: all are kept, readers count each id once\n", r.Duplicates)
	}
	for _, o := range r.Outcomes {
		if o.Status != Stored {
			fmt.Fprintf(w, "  %s %s: %s\n", o.Status, o.Position, o.Reason)
		}
	}
	return nil
}

// IngestInput is IngestAll over one input named name, as the CLI runs it:
// the summary goes to summary (as JSON when asJSON), and the error says
// what became of the records that were not stored: an input to fix, records
// to retry, or records rejected and kept with their reasons.
func (p *Pipeline) IngestInput(ctx context.Context, r Reader, name, format string, batchSize int, summary io.Writer, asJSON bool, onStoreErr func(error)) error {
	total, readErr, storeErr := p.IngestAll(ctx, r, format, batchSize, onStoreErr)
	if err := total.WriteSummary(summary, asJSON, name, p.Root.String()); err != nil {
		return err
	}
	switch {
	case readErr != nil:
		return fmt.Errorf("ingest %s: %w (fix the input: running again reads it the same way)", name, readErr)
	case storeErr != nil:
		return fmt.Errorf("ingest %s: %d records not stored (run again to retry them): %w", name, total.Failed, storeErr)
	case total.Rejected > 0:
		return fmt.Errorf("ingest %s: %d of %d records rejected; kept with their reasons under %s", name, total.Rejected, total.Received, p.Root.URI(p.RejectedKeyPrefix()))
	}
	return nil
}
