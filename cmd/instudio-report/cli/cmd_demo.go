package cli

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/demo"
	"github.com/instudio/instudio-report/output"
	"github.com/instudio/instudio-report/report"
	"github.com/instudio/instudio-report/storage"
)

type demoOptions struct {
	*rootOptions
	dest        string
	salons      int
	days, ahead int
	seed        uint64
	now         string
	force       bool
	perEvent    bool
}

func newDemoCmd(root *rootOptions) *cobra.Command {
	o := &demoOptions{rootOptions: root}
	cmd := &cobra.Command{
		Use:   "demo [--dest DIR]",
		Short: "Write realistic sample booking data",
		Long:  helpText("demo"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var now time.Time
			if o.now != "" {
				t, err := report.ParseInstant(o.now)
				if err != nil {
					return usagef("demo: --now: %s", err)
				}
				now = t
			}
			dest := cmp.Or(o.dest, o.settings.Source)
			opt := demo.Options{Salons: o.salons, Days: o.days, Ahead: o.ahead, Seed: o.seed, Now: now, OnePerEvent: o.perEvent}
			if err := opt.Check(); err != nil {
				return usagef("demo: %s", err)
			}
			return o.run(cmd.Context(), dest, opt)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.dest, "dest", "", "directory or s3://bucket[/prefix] to write to (default: --source)")
	f.IntVar(&o.salons, "salons", demo.Defaults.Salons, fmt.Sprintf("number of salons (at most %d)", demo.MaxSalons))
	f.IntVar(&o.days, "days", demo.Defaults.Days, fmt.Sprintf("days of history before --now (at most %d)", demo.MaxDays))
	f.IntVar(&o.ahead, "ahead", demo.Defaults.Ahead, fmt.Sprintf("days of future appointments after --now (at most %d)", demo.MaxAhead))
	f.Uint64Var(&o.seed, "seed", demo.Defaults.Seed, "random seed: the same seed and --now write the same data")
	f.StringVar(&o.now, "now", "", "the generation time, RFC 3339 or YYYY-MM-DD (default: the --now of the demo data already in DIR, else now)")
	f.BoolVar(&o.perEvent, "file-per-event", false, "write one file per event, as the seed's Lambda did: the worst case for readers, for benchmarks")
	f.BoolVar(&o.force, "force", false, "write into a directory that holds demo data generated with other options")
	return cmd
}

func (o *demoOptions) run(ctx context.Context, dest string, opt demo.Options) error {
	dir, err := storage.Open(ctx, dest, o.settings.S3Options(o.env.Getenv))
	if err != nil {
		return err
	}
	if o.now == "" {
		now, note, err := demo.DefaultNow(ctx, dir, o.env.Now(), o.force)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if opt.Now = now; note != "" {
			fmt.Fprintln(o.env.Stderr, note)
		}
	}
	var progress func()
	if o.env.StderrIsTerminal {
		// The number of files is known only at the end: a counter, not a bar.
		add, finish := output.Counter(o.env.Stderr, "writing demo files")
		defer finish()
		progress = add
	}
	start := o.env.Now()
	res, err := demo.Write(ctx, dir, opt, o.force, progress)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	o.log.Debug("demo data written", "dir", res.Root, "events", res.Events, "files", res.Files,
		"files_already_there", res.KeptFiles, "salons", opt.Salons)
	fmt.Fprintln(o.env.Stderr, res.Summary(o.env.Now().Sub(start)))
	return nil
}
