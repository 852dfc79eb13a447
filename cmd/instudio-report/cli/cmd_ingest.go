package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/ingest"
	"github.com/instudio/instudio-report/storage"
)

type ingestOptions struct {
	*rootOptions
	input     string
	format    string
	dest      string
	batchSize int
}

func newIngestCmd(root *rootOptions) *cobra.Command {
	o := &ingestOptions{rootOptions: root}
	cmd := &cobra.Command{
		Use:   "ingest --input FILE|- --format jsonl|sqs|kafka|http [--dest DIR|s3://…]",
		Short: "Store booking events from a file, as the ingest Lambda does",
		Long: strings.TrimSpace(`
Run the ingest Lambda's pipeline locally, for backfills, tests and replays of
a dead-letter queue dump: decode and validate every record, write the good
ones as Parquet batches (one file per batch and day, named by their event
ids, so a rerun writes nothing twice) and keep the bad ones, raw, with their
reasons, under bookings-rejected/.

Formats: jsonl (one booking event a line); sqs (a Lambda SQS event, or the
output of 'aws sqs receive-message', one or more documents); kafka (an MSK or
self-managed Kafka event); http (an API Gateway v2 request).

Prints a summary; exits 1 if any record was rejected or could not be stored.`),
		Example: `  instudio-report ingest --input events.jsonl --format jsonl --dest ./data
  aws sqs receive-message --queue-url "$DLQ" --max-number-of-messages 10 \
    | instudio-report ingest --input - --format sqs --dest s3://analytics-bucket-s3`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.input == "" {
				return usagef("ingest: --input is required (a file, or - for stdin)")
			}
			switch o.format {
			case ingest.SourceJSONL, ingest.SourceSQS, ingest.SourceKafka, ingest.SourceHTTP:
			default:
				return usagef("ingest: --format %q: use jsonl, sqs, kafka or http", o.format)
			}
			if o.batchSize < 1 {
				return usagef("ingest: --batch-size must be at least 1, got %d", o.batchSize)
			}
			return o.run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.input, "input", "", "the file to read, or - for stdin")
	f.StringVar(&o.format, "format", "", "jsonl, sqs, kafka or http")
	f.StringVar(&o.dest, "dest", "", "directory or s3://bucket[/prefix] to write to (default: the --source)")
	f.IntVar(&o.batchSize, "batch-size", 10000, "records per batch file")
	return cmd
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
	reader, err := ingest.NewReader(in, o.format, name)
	if err != nil {
		return usagef("ingest: %s", err)
	}
	p := &ingest.Pipeline{Root: root, Zone: zone, Now: o.env.Now}
	var total ingest.Result
	var storeErr error
	for {
		recs, err := reader.Next(o.batchSize)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			storeErr = errors.Join(storeErr, err)
			break
		}
		res, err := p.Ingest(ctx, o.format, recs)
		total.Add(res)
		if err != nil {
			storeErr = errors.Join(storeErr, err)
			o.log.Error("batch not stored", "input", name, "error", err)
		}
	}
	printIngestSummary(o.env.Stdout, name, root, total)
	switch {
	case storeErr != nil:
		return fmt.Errorf("ingest %s: %d records not stored (run again to retry them): %w", name, total.Failed, storeErr)
	case total.Rejected > 0:
		return fmt.Errorf("ingest %s: %d of %d records rejected; kept with their reasons under %s", name, total.Rejected, total.Received, root.URI(p.RejectedKeyPrefix()))
	}
	return nil
}

func printIngestSummary(w io.Writer, name string, root storage.Root, r ingest.Result) {
	fmt.Fprintf(w, "%s: %d records: %d stored, %d rejected, %d not stored; %d files written (%d bytes), %d already in %s\n",
		name, r.Received, r.Written, r.Rejected, r.Failed, r.FilesWritten, r.BytesWritten, r.FilesExisting, root)
	for _, o := range r.Outcomes {
		if o.Status != ingest.Stored {
			fmt.Fprintf(w, "  %s %s: %s\n", o.Status, o.Position, o.Reason)
		}
	}
}
