package cli

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/output"
	"github.com/instudio/instudio-report/storage"
)

type compactOptions struct {
	*rootOptions
	before, day  string
	targetRows   int64
	rowGroupRows int64
	partRows     int64
	dryRun       bool
}

func newCompactCmd(root *rootOptions) *cobra.Command {
	o := &compactOptions{rootOptions: root}
	cmd := &cobra.Command{
		Use:     "compact [--before D | --day D] [--target-rows N] [--part-rows N] [--dry-run]",
		Short:   "Merge the small files of past days into large sorted files",
		Long:    helpText("compact"),
		Example: helpExample("compact"),
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opt := layout.CompactOptions{TargetRows: o.targetRows, RowGroupRows: o.rowGroupRows, PartRows: o.partRows, DryRun: o.dryRun}
			if o.partRows == 0 {
				opt.PartRows = -1 // never cut
			}
			switch {
			case o.before != "" && o.day != "":
				return usagef("compact: give --before or --day, not both")
			case o.day != "":
				d, err := layout.ParseDay(o.day)
				if err != nil {
					return usagef("compact: --day: %s", err)
				}
				opt.Day = d
			case o.before != "":
				d, err := layout.ParseDay(o.before)
				if err != nil {
					return usagef("compact: --before: %s", err)
				}
				opt.Before = d
			default:
				opt.Before = layout.DefaultBefore(o.env.Now())
			}
			if o.targetRows < 2 || o.rowGroupRows < 0 || (cmd.Flags().Changed("row-group-rows") && o.rowGroupRows < 1) {
				return usagef("compact: --target-rows must be at least 2 and --row-group-rows at least 1")
			}
			if o.partRows < 0 {
				return usagef("compact: --part-rows must be 0 (never cut) or more")
			}
			return o.run(cmd.Context(), opt)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.before, "before", "", "compact the days before this one, YYYY-MM-DD (default: yesterday, UTC)")
	f.StringVar(&o.day, "day", "", "compact this day only, YYYY-MM-DD, even if it is recent")
	f.Int64Var(&o.targetRows, "target-rows", layout.DefaultTargetRows, "events per compaction output")
	f.Int64Var(&o.partRows, "part-rows", layout.DefaultPartRows, "cut an output of more than twice this many events, where the salon changes, into files of a range of salons of at least this many (0: never cut)")
	f.Int64Var(&o.rowGroupRows, "row-group-rows", 0, "events per Parquet row group (default: closed at a change of salon once it holds 4,096, at most 65,536)")
	f.BoolVar(&o.dryRun, "dry-run", false, "read and plan, but write and delete nothing")
	return cmd
}

func (o *compactOptions) run(ctx context.Context, opt layout.CompactOptions) error {
	root, err := o.openLayoutRoot(ctx, o.settings.Source)
	if err != nil {
		return err
	}
	opt.Progress = o.progress("compacting")
	start := o.env.Now()
	res, err := layout.Compact(ctx, root, opt)
	if res != nil {
		res.WriteLines(o.env.Stdout, root.URI, opt.DryRun)
	}
	if err != nil {
		return err
	}
	o.log.Debug("compact done", append([]any{"source", root.String(), "before", opt.Before, "day", opt.Day, "dry_run", opt.DryRun}, res.LogAttrs()...)...)
	if o.summaryWanted(ctx) {
		fmt.Fprintln(o.env.Stderr, layout.CompactSummary(root.String(), res, opt.DryRun, o.env.Now().Sub(start)))
	}
	return nil
}

// progress returns a progress callback that draws a bar on stderr when it
// is a terminal, and nil otherwise.
func (o *rootOptions) progress(what string) func(done, total int) {
	if !o.env.StderrIsTerminal {
		return nil
	}
	return output.Bar(o.env.Stderr, what)
}

// openLayoutRoot opens a --source, --from or --dest: a directory or an
// s3:// root.
func (o *rootOptions) openLayoutRoot(ctx context.Context, uri string) (storage.Root, error) {
	return storage.Open(ctx, uri, o.settings.S3Options(o.env.Getenv))
}

// summaryWanted says whether the one-line summary goes to stderr:
// --log-level warn (or error) leaves it out, so that a cron job mails only
// its failures. The structured record of the run is logged at debug level.
func (o *rootOptions) summaryWanted(ctx context.Context) bool {
	return o.log.Enabled(ctx, slog.LevelInfo)
}
