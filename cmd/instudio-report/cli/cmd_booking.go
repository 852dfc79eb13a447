package cli

import (
	"bytes"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/report"
)

type bookingOptions struct {
	*rootOptions
	id   int64
	asOf string
}

func newBookingCmd(root *rootOptions) *cobra.Command {
	o := &bookingOptions{rootOptions: root}
	cmd := &cobra.Command{
		Use:     "booking --id N [--as-of T]",
		Short:   "Show the event timeline of one booking",
		Long:    helpText("booking"),
		Example: helpExample("booking"),
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("id") || o.id <= 0 {
				return usagef("booking: --id must be a positive booking id (see 'instudio-report booking --help')")
			}
			rng, err := o.reportRange("", "", "last-1d", o.asOf)
			if err != nil {
				return err
			}
			var t report.Timeline
			err = o.readSource(cmd.Context(), rng.AsOf, func(db *queries.DB) error {
				var err error
				t, err = db.BookingTimeline(cmd.Context(), o.id)
				return err
			})
			if err != nil && rng.AsOf != nil {
				return fmt.Errorf("%w as of %s", err, rng.AsOf.Format(time.RFC3339))
			}
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := report.WriteTimeline(&buf, o.format, t); err != nil {
				return err
			}
			_, err = o.env.Stdout.Write(buf.Bytes())
			return err
		},
	}
	cmd.Flags().Int64Var(&o.id, "id", 0, "booking id (required)")
	cmd.Flags().StringVar(&o.asOf, "as-of", "", "count only events that occurred at or before this time: RFC 3339, or YYYY-MM-DD")
	return writes(cmd, report.TimelineFormats...)
}
