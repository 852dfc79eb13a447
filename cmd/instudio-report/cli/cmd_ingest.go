package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/ingest"
	"github.com/instudio/instudio-report/output"
	"github.com/instudio/instudio-report/storage"
)

type ingestOptions struct {
	*rootOptions
	input       string
	inputFormat string
	// format is ingest's own -o/--format: an output format, or for one
	// release the input format it used to be.
	formatFlag ingestFormatFlag
	dest       string
	batchSize  int
}

// ingestFormatFlag is -o/--format on ingest. It used to name the input
// format, which hid the global -o: an output format (table, json) is the
// summary's format as everywhere, and an input format (jsonl, sqs, kafka,
// http) still works as --input-format, with a note.
type ingestFormatFlag struct{ value string }

func (f *ingestFormatFlag) String() string     { return f.value }
func (f *ingestFormatFlag) Set(v string) error { f.value = v; return nil }
func (f *ingestFormatFlag) Type() string       { return "string" }

// deprecatedInput is the input format the flag names, or "".
func (f *ingestFormatFlag) deprecatedInput() string {
	if slices.Contains(ingest.Sources, f.value) {
		return f.value
	}
	return ""
}

// SettingValue is what the flag says as the global -o: nothing when it
// names an input format.
func (f *ingestFormatFlag) SettingValue() (string, bool) {
	return f.value, f.deprecatedInput() == ""
}

func newIngestCmd(root *rootOptions) *cobra.Command {
	o := &ingestOptions{rootOptions: root}
	cmd := &cobra.Command{
		Use:   "ingest --input FILE|- --input-format jsonl|sqs|kafka|http [--dest DIR|s3://…] [-o table|json]",
		Short: "Store booking events from a file, as the ingest Lambda does",
		Long: strings.TrimSpace(`
Run the ingest Lambda's pipeline locally, for backfills, tests and replays of
a dead-letter queue dump: decode and validate every record, write the good
ones as Parquet batches (one file per batch and day, named by their event
ids, so a rerun writes nothing twice) and keep the bad ones, raw, with their
reasons, under bookings-rejected/.

Input formats: jsonl (one booking event a line); sqs (a Lambda SQS event, or the
output of 'aws sqs receive-message', one or more documents); kafka (an MSK or
self-managed Kafka event); http (an API Gateway v2 request).

Prints a summary (-o json: one object); exits 1 if any record was rejected
or could not be stored. --format used to name the input format: it still
does, with a note, for one release.`),
		Example: `  instudio-report ingest --input events.jsonl --input-format jsonl --dest ./data
  aws sqs receive-message --queue-url "$DLQ" --max-number-of-messages 10 \
    | instudio-report ingest --input - --input-format sqs --dest s3://analytics-bucket-s3`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.input == "" {
				return usagef("ingest: --input is required (a file, or - for stdin)")
			}
			if old := o.formatFlag.deprecatedInput(); old != "" {
				if o.inputFormat != "" && o.inputFormat != old {
					return usagef("ingest: --input-format %s and --format %s disagree: give --input-format only", o.inputFormat, old)
				}
				o.inputFormat = old
				fmt.Fprintf(o.env.Stderr, "instudio-report: ingest: --format %s is deprecated: use --input-format %s (-o is the summary's format, table or json)\n", old, old)
			}
			switch {
			case o.inputFormat == "":
				return usagef("ingest: --input-format is required: jsonl, sqs, kafka or http")
			case !slices.Contains(ingest.Sources, o.inputFormat):
				return usagef("ingest: --input-format %q: use jsonl, sqs, kafka or http", o.inputFormat)
			}
			if o.batchSize < 1 {
				return usagef("ingest: --batch-size must be at least 1, got %d", o.batchSize)
			}
			return o.run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.input, "input", "", "the file to read, or - for stdin")
	f.StringVar(&o.inputFormat, "input-format", "", "jsonl, sqs, kafka or http")
	f.VarP(&o.formatFlag, "format", "o", "the summary's format: table or json (an input format here is the deprecated form of --input-format)")
	f.StringVar(&o.dest, "dest", "", "directory or s3://bucket[/prefix] to write to (default: the --source)")
	f.IntVar(&o.batchSize, "batch-size", 10000, "records per batch file")
	return writes(cmd, output.Table, output.JSON)
}

func (o *ingestOptions) run(ctx context.Context) error {
	in, name := o.env.Stdin, "stdin"
	if o.input != "-" {
		f, err := os.Open(o.input)
		if err != nil {
			return fmt.Errorf("ingest: %w", err)
		}
		defer f.Close()
		in, name = f, o.input
	}
	dest := o.dest
	if dest == "" {
		dest = o.settings.Source
	}
	root, err := storage.Open(ctx, dest, o.s3Options())
	if err != nil {
		return err
	}
	zone, err := time.LoadLocation(o.settings.TimeZone)
	if err != nil {
		return err
	}
	reader, err := ingest.NewReader(in, o.inputFormat, name)
	if err != nil {
		return usagef("ingest: %s", err)
	}
	p := &ingest.Pipeline{Root: root, Zone: zone, Now: o.env.Now}
	var total ingest.Result
	var storeErr, readErr error
	for {
		recs, err := reader.Next(o.batchSize)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			readErr = err
			break
		}
		res, err := p.Ingest(ctx, o.inputFormat, recs)
		total.Add(res)
		if err != nil {
			storeErr = errors.Join(storeErr, err)
			o.log.Error("batch not stored", "input", name, "error", err)
		}
	}
	if err := writeIngestSummary(o.env.Stdout, o.format, name, root, total); err != nil {
		return err
	}
	switch {
	case readErr != nil:
		return fmt.Errorf("ingest %s: %w (fix the input: running again reads it the same way)", name, readErr)
	case storeErr != nil:
		return fmt.Errorf("ingest %s: %d records not stored (run again to retry them): %w", name, total.Failed, storeErr)
	case total.Rejected > 0:
		return fmt.Errorf("ingest %s: %d of %d records rejected; kept with their reasons under %s", name, total.Rejected, total.Received, root.URI(p.RejectedKeyPrefix()))
	}
	return nil
}

// writeIngestSummary prints what ingest did: a line and the records not
// stored (table), or one object (json).
func writeIngestSummary(w io.Writer, format output.Format, name string, root storage.Root, r ingest.Result) error {
	if format == output.JSON {
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
		}{name, root.String(), r.Received, r.Written, r.Rejected, r.Failed, r.Duplicates, r.FilesWritten, r.BytesWritten, r.FilesExisting, []outcome{}}
		for _, o := range r.Outcomes {
			if o.Status != ingest.Stored {
				summary.NotStored = append(summary.NotStored, outcome{o.Position, o.Status.String(), o.Reason})
			}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(summary)
	}
	fmt.Fprintf(w, "%s: %d records: %d stored, %d rejected, %d not stored; %d files written (%d bytes), %d already in %s\n",
		name, r.Received, r.Written, r.Rejected, r.Failed, r.FilesWritten, r.BytesWritten, r.FilesExisting, root)
	if r.Duplicates > 0 {
		fmt.Fprintf(w, "  %d stored records share an event_id with an earlier record: all are kept, readers count each id once\n", r.Duplicates)
	}
	for _, o := range r.Outcomes {
		if o.Status != ingest.Stored {
			fmt.Fprintf(w, "  %s %s: %s\n", o.Status, o.Position, o.Reason)
		}
	}
	return nil
}
