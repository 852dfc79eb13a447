package cli

import (
	"context"
	"fmt"
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
	total, readErr, storeErr := p.IngestAll(ctx, reader, o.inputFormat, o.batchSize, func(err error) {
		o.log.Error("batch not stored", "input", name, "error", err)
	})
	if err := total.WriteSummary(o.env.Stdout, o.format == output.JSON, name, root.String()); err != nil {
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
