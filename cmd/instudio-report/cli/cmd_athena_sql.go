package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/athena"
)

type athenaSQLOptions struct {
	*rootOptions
	database, location, projectionStart string
	salon                               int64
	from, to, period, asOf              string
}

func newAthenaSQLCmd(root *rootOptions) *cobra.Command {
	o := &athenaSQLOptions{rootOptions: root}
	cmd := &cobra.Command{
		Use:     "athena-sql [--database D] [--location s3://bucket/bookings/] [--id N [--period P | --from D --to D]]",
		Short:   "Print the Athena table, views and a salon's headline query",
		Long:    helpText("athena-sql"),
		Example: helpExample("athena-sql"),
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run()
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.database, "database", "instudio_bookings", "the Glue database of the table and views")
	f.StringVar(&o.location, "location", "", "s3:// URI of bookings/ (default: <source>/bookings/ when --source is s3://)")
	f.StringVar(&o.projectionStart, "projection-start", "2024-01-01", "the first dt of the partition projection, YYYY-MM-DD")
	f.Int64Var(&o.salon, "id", 0, "also print this salon's headline query")
	addRangeFlags(cmd, &o.from, &o.to, &o.period, &o.asOf)
	return cmd
}

func (o *athenaSQLOptions) run() error {
	loc, err := athena.BookingsLocation(o.settings.Source, o.location)
	var none *athena.NoLocationError
	if errors.As(err, &none) {
		return usagef("athena-sql: give --location s3://bucket/bookings/ (--source %s is not on S3)", none.Source)
	}
	if err != nil {
		return usagef("athena-sql: %s", err)
	}
	var headline *athena.Headline
	if o.salon != 0 {
		if o.asOf != "" {
			return usagef("athena-sql: --as-of has no Athena form yet; the views hold the latest state")
		}
		rng, err := o.reportRange(o.from, o.to, o.period, "")
		if err != nil {
			return err
		}
		// Without a zone of its own a salon's dates are UTC, as the
		// reports read them.
		zone, err := o.settings.SalonLocation(o.salon, time.UTC)
		if err != nil {
			return err
		}
		headline = &athena.Headline{Database: o.database, SalonID: o.salon, From: rng.From, To: rng.To, Zone: zone}
	}
	script, err := athena.Script(athena.Setup{Database: o.database, Location: loc, ProjectionStart: o.projectionStart}, headline)
	if err != nil {
		return usagef("athena-sql: %s", err)
	}
	_, err = fmt.Fprintln(o.env.Stdout, script)
	return err
}
