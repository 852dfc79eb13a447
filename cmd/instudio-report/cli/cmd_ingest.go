package cli

import (
	"cmp"
	"context"
	"fmt"
	"slices"

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
		Use:     "ingest --input FILE|- --input-format jsonl|sqs|kafka|http [--dest DIR|s3://…] [-o table|json]",
		Short:   "Store booking events from a file, as the ingest Lambda does",
		Long:    helpText("ingest"),
		Example: helpExample("ingest"),
		Args:    cobra.NoArgs,
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
	in, name, done, err := ingest.OpenInput(o.input, o.env.Stdin)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	defer done()
	root, err := storage.Open(ctx, cmp.Or(o.dest, o.settings.Source), o.settings.S3Options(o.env.Getenv))
	if err != nil {
		return err
	}
	reader, err := ingest.NewReader(in, o.inputFormat, name)
	if err != nil {
		return usagef("ingest: %s", err)
	}
	p := &ingest.Pipeline{Root: root, Zone: o.settings.Location(), Now: o.env.Now}
	return p.IngestInput(ctx, reader, name, o.inputFormat, o.batchSize, o.env.Stdout, o.format == output.JSON, func(err error) {
		o.log.Error("batch not stored", "input", name, "error", err)
	})
}
