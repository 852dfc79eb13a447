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
// them: running again retries exactly those records).
func (p *Pipeline) IngestAll(ctx context.Context, r Reader, format string, batchSize int, onStoreErr func(error)) (total Result, readErr, storeErr error) {
	for {
		recs, err := r.Next(batchSize)
		if errors.Is(err, io.EOF) {
			return total, nil, storeErr
		}
		if err != nil {
			return total, err, storeErr
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
			FilesWritten  int       `json:"files_written"`
			BytesWritten  int64     `json:"bytes_written"`
			FilesExisting int       `json:"files_existing"`
			NotStored     []outcome `json:"not_stored"`
		}{input, dest, r.Received, r.Written, r.Rejected, r.Failed, r.FilesWritten, r.BytesWritten, r.FilesExisting, []outcome{}}
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
	for _, o := range r.Outcomes {
		if o.Status != Stored {
			fmt.Fprintf(w, "  %s %s: %s\n", o.Status, o.Position, o.Reason)
		}
	}
	return nil
}
