package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/report"
	"github.com/instudio/instudio-report/source"
)

type salonOptions struct {
	*rootOptions
	id                     int64
	from, to, period, asOf string
	out                    string
}

func newSalonCmd(root *rootOptions) *cobra.Command {
	o := &salonOptions{rootOptions: root}
	cmd := &cobra.Command{
		Use:     "salon --id N [--from D --to D | --period P] [--as-of T]",
		Short:   "Report one salon's bookings for a period",
		Long:    helpText("salon"),
		Example: helpExample("salon"),
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("id") {
				return usagef("salon: --id is required (see 'instudio-report salon --help')")
			}
			if o.id <= 0 {
				return usagef("salon: --id must be a positive salon id, got %d", o.id)
			}
			rng, err := o.reportRange(o.from, o.to, o.period, o.asOf)
			if err != nil {
				return err
			}
			return o.run(cmd.Context(), rng)
		},
	}
	f := cmd.Flags()
	f.Int64Var(&o.id, "id", 0, "salon id (required)")
	addRangeFlags(cmd, &o.from, &o.to, &o.period, &o.asOf)
	f.StringVar(&o.out, "out", "", "write the report to this file instead of stdout (- is stdout); an existing file keeps its mode, a symlink is followed")
	return writes(cmd, report.Formats...)
}

// addRangeFlags adds the period flags that every report command shares.
func addRangeFlags(cmd *cobra.Command, from, to, period, asOf *string) {
	f := cmd.Flags()
	f.StringVar(from, "from", "", "first appointment date, YYYY-MM-DD (with --to)")
	f.StringVar(to, "to", "", "end date, YYYY-MM-DD, exclusive (with --from)")
	f.StringVar(period, "period", "", "last-7d, last-30d, last-Nd, last-week, last-month or YYYY-MM (default last-30d)")
	f.StringVar(asOf, "as-of", "", "count only events that occurred at or before this time: RFC 3339, or YYYY-MM-DD for 00:00 UTC that day")
	_ = cmd.RegisterFlagCompletionFunc("period", cobra.FixedCompletions(report.Periods, cobra.ShellCompDirectiveNoFileComp))
}

// reportRange checks the period flags; every mistake is a usage error.
func (o *rootOptions) reportRange(from, to, period, asOf string) (report.Range, error) {
	r, err := report.ParseRange(report.RangeFlags{From: from, To: to, Period: period, AsOf: asOf}, o.settings.Today(o.env.Now()), o.settings.Location())
	if err != nil {
		return r, &usageError{err: err}
	}
	return r, nil
}

func (o *salonOptions) run(ctx context.Context, rng report.Range) error {
	var r report.Report
	var left queries.LeftOut
	err := o.readSource(ctx, rng.AsOf, func(db *queries.DB) error {
		var err error
		r, left, err = db.SalonReport(ctx, o.reportRequest(rng, o.id), o.settings.Source)
		return err
	})
	if err != nil {
		return err
	}
	o.warn(left)
	return o.writeReports(ctx, []report.Report{r}, o.format, o.out, false, o.settings.ReportOptions(o.id))
}

// reportRequest asks for the reports of rng for salons ids.
func (o *rootOptions) reportRequest(rng report.Range, ids ...int64) queries.ReportRequest {
	req := queries.ReportRequest{From: rng.From, To: rng.To, AsOf: rng.AsOf, Now: o.env.Now()}
	for _, id := range ids {
		req.Salons = append(req.Salons, o.salonOf(id))
	}
	return req
}

// salonOf is a salon as its reports read it: with its configured name and
// time zone.
func (o *rootOptions) salonOf(id int64) queries.Salon {
	c := o.settings.Salon(id)
	return queries.Salon{ID: id, Name: c.Name, TimeZone: c.TimeZone}
}

// readSource opens the source and runs read on it, listing and reading
// again when a compaction replaced a file in between (source.Read).
func (o *rootOptions) readSource(ctx context.Context, asOf *time.Time, read func(*queries.DB) error) error {
	return source.Read(ctx, func(ctx context.Context) (*queries.DB, error) { return o.openDB(ctx, asOf) }, read)
}

// warn prints one line on stderr when rows broke the data contract and
// were left out of the report.
func (o *rootOptions) warn(left queries.LeftOut) {
	if w := left.Warning(); w != "" {
		fmt.Fprintf(o.env.Stderr, "instudio-report: %s\n", w)
	}
}

// httpfsFallback is the one-line notice of auto mode falling back to
// the local cache, with the flag that skips the attempt.
func (o *rootOptions) httpfsFallback(root string) {
	fmt.Fprintf(o.env.Stderr, "instudio-report: httpfs unavailable here, so %s is read through the local cache; --s3-mode cache skips the attempt\n", root)
}

// openDB opens DuckDB on the configured source: a directory, or S3
// through httpfs or the local cache (--s3-mode).
func (o *rootOptions) openDB(ctx context.Context, asOf *time.Time) (*queries.DB, error) {
	db, err := o.openEngine(ctx)
	if err != nil {
		return nil, err
	}
	start := o.env.Now()
	src, err := source.Attach(ctx, db, source.Options{
		URI:       o.settings.Source,
		Mode:      o.settings.S3Mode,
		S3:        o.settings.S3Options(o.env.Getenv),
		CacheBase: o.settings.CacheDir,
		AsOf:      asOf,
		Log:       o.log,
		Fallback:  o.httpfsFallback,
		Progress:  o.syncProgress,
		Now:       o.env.Now,
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	o.log.Debug("attached source", "source", src.String(), "took", o.env.Now().Sub(start))
	return db, nil
}

// openEngine opens DuckDB with the global settings.
func (o *rootOptions) openEngine(ctx context.Context) (*queries.DB, error) {
	return queries.Open(ctx, queries.Options{
		Threads:             o.settings.Threads,
		MemoryLimit:         o.settings.MemoryLimit,
		ExtensionDirectory:  o.settings.ExtensionDir,
		ExtensionRepository: o.settings.ExtensionRepository,
	})
}
