package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/report"
)

type salonsOptions struct {
	*rootOptions
	ids                    []int64
	from, to, period, asOf string
	out, outDir            string
}

func newSalonsCmd(root *rootOptions) *cobra.Command {
	o := &salonsOptions{rootOptions: root}
	cmd := &cobra.Command{
		Use:     "salons [--ids 1,2,...] [--from D --to D | --period P] [--as-of T] [--out FILE | --out-dir DIR]",
		Short:   "Report every salon in one pass",
		Long:    helpText("salons"),
		Example: helpExample("salons"),
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, id := range o.ids {
				if id <= 0 {
					return usagef("salons: --ids must be positive salon ids, got %d", id)
				}
			}
			if o.out != "" && o.outDir != "" {
				return usagef("salons: give --out or --out-dir, not both")
			}
			rng, err := o.reportRange(o.from, o.to, o.period, o.asOf)
			if err != nil {
				return err
			}
			return o.run(cmd.Context(), rng)
		},
	}
	f := cmd.Flags()
	f.Int64SliceVar(&o.ids, "ids", nil, "salon ids, comma-separated; without it, every salon in the data and the config")
	addRangeFlags(cmd, &o.from, &o.to, &o.period, &o.asOf)
	f.StringVar(&o.out, "out", "", "write the output to this file instead of stdout")
	f.StringVar(&o.outDir, "out-dir", "", "write one file per salon into this directory")
	return writes(cmd, report.Formats...)
}

func (o *salonsOptions) run(ctx context.Context, rng report.Range) error {
	var reports []report.Report
	var left queries.LeftOut
	err := o.readSource(ctx, rng.AsOf, func(db *queries.DB) error {
		var err error
		reports, left, err = o.read(ctx, db, rng)
		return err
	})
	if err != nil {
		return err
	}
	o.warn(left)
	if o.outDir != "" {
		return o.writeDir(ctx, reports)
	}
	var buf bytes.Buffer
	if err := report.WriteSummary(&buf, o.format, reports, o.settings.PlatformReportOptions()); err != nil {
		return err
	}
	return o.writeOutput(ctx, buf.Bytes(), o.out)
}

// writeDir writes one full report per salon, salon-<id>.<ext>.
func (o *salonsOptions) writeDir(ctx context.Context, reports []report.Report) error {
	if err := os.MkdirAll(o.outDir, 0o755); err != nil {
		return fmt.Errorf("--out-dir: %w", err)
	}
	err := report.WriteEach(report.DirFormat(o.settings.Format), reports, o.settings.ReportOptions, func(name string, data []byte) error {
		return o.writeOutput(ctx, data, filepath.Join(o.outDir, name))
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(o.env.Stderr, "wrote %d reports to %s\n", len(reports), o.outDir)
	return nil
}

// read runs the reports of the salons asked for, or of every salon present
// and configured.
func (o *salonsOptions) read(ctx context.Context, db *queries.DB, rng report.Range) ([]report.Report, queries.LeftOut, error) {
	start := o.env.Now()
	reports, left, err := db.SalonsReports(ctx, o.reportRequest(rng), o.ids, o.settings.SalonIDs(), o.settings.Source, o.salonOf)
	if err == nil {
		o.log.Debug("reports", "salons", len(reports), "took", o.env.Now().Sub(start))
	}
	return reports, left, err
}
