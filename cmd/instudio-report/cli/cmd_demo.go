package cli

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/demo"
	"github.com/instudio/instudio-report/storage"
)

type demoOptions struct {
	*rootOptions
	dest        string
	salons      int
	days, ahead int
	seed        uint64
	now         string
}

func newDemoCmd(root *rootOptions) *cobra.Command {
	o := &demoOptions{rootOptions: root}
	cmd := &cobra.Command{
		Use:   "demo [--dest DIR]",
		Short: "Write realistic sample booking data",
		Long: strings.TrimSpace(`
Write a realistic, deterministic set of booking events in the storage layout
(DIR/bookings/dt=YYYY-MM-DD/*.parquet), batched per day as the ingest Lambda
writes them: salons of different sizes with staff, services and returning
clients; evening and Saturday peaks; lead times from same-day to weeks ahead;
confirmations, completions, cancellations (some less than 24 h ahead),
no-shows and reschedules; and a few redelivered duplicates.

Dates are relative to --now, so "the last 30 days" always has data. The same
flags write the same files; files already there are left as they are.`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.salons < 1 {
				return usagef("demo: --salons must be at least 1, got %d", o.salons)
			}
			if o.days < 1 || o.ahead < 0 {
				return usagef("demo: --days must be at least 1 and --ahead at least 0")
			}
			now := o.env.Now()
			if o.now != "" {
				t, err := parseInstant(o.now)
				if err != nil {
					return usagef("demo: --now: %s", err)
				}
				now = t
			}
			dest := o.dest
			if dest == "" {
				dest = o.settings.Source
			}
			return o.run(cmd.Context(), dest, demo.Options{Salons: o.salons, Days: o.days, Ahead: o.ahead, Seed: o.seed, Now: now})
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.dest, "dest", "", "directory or s3://bucket[/prefix] to write to (default: --source)")
	f.IntVar(&o.salons, "salons", demo.Defaults.Salons, "number of salons")
	f.IntVar(&o.days, "days", demo.Defaults.Days, "days of history before --now")
	f.IntVar(&o.ahead, "ahead", demo.Defaults.Ahead, "days of future appointments after --now")
	f.Uint64Var(&o.seed, "seed", demo.Defaults.Seed, "random seed: the same seed and --now write the same data")
	f.StringVar(&o.now, "now", "", "the generation time, RFC 3339 or YYYY-MM-DD (default: now)")
	return cmd
}

func (o *demoOptions) run(ctx context.Context, dest string, opt demo.Options) error {
	dir, err := storage.Open(ctx, dest, o.s3Options())
	if err != nil {
		return err
	}
	events := demo.Generate(opt)
	batches := demo.Batches(events)

	var bar *progressbar.ProgressBar
	if o.env.StderrIsTerminal {
		bar = progressbar.NewOptions(len(batches),
			progressbar.OptionSetWriter(o.env.Stderr),
			progressbar.OptionSetDescription("writing demo files"),
			progressbar.OptionShowCount(),
			progressbar.OptionClearOnFinish(),
		)
	}
	var written, kept atomic.Int64
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, b := range batches {
		g.Go(func() error {
			data, err := booking.EncodeParquet(b.Events)
			if err != nil {
				return fmt.Errorf("demo: %s: %w", b.Key, err)
			}
			created, err := dir.Create(ctx, b.Key, data)
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			if created {
				written.Add(1)
			} else {
				kept.Add(1)
			}
			if bar != nil {
				_ = bar.Add(1)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if bar != nil {
		_ = bar.Finish()
	}
	o.log.Info("demo data written", "dir", dir.String(), "events", len(events), "salons", opt.Salons,
		"files_written", written.Load(), "files_already_there", kept.Load())
	return nil
}
