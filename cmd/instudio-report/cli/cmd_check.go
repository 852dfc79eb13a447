package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/output"
)

type checkOptions struct {
	*rootOptions
	maxLag time.Duration
}

func newCheckCmd(root *rootOptions) *cobra.Command {
	o := &checkOptions{rootOptions: root}
	cmd := &cobra.Command{
		Use:     "check [--max-lag 2h] [-o table|json|csv]",
		Short:   "Tell whether the pipeline is still writing (exit 3 when stale)",
		Long:    helpText("check"),
		Example: helpExample("check"),
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.maxLag <= 0 {
				return usagef("check: --max-lag must be positive, got %s", o.maxLag)
			}
			return o.run(cmd.Context())
		},
	}
	cmd.Flags().DurationVar(&o.maxLag, "max-lag", 2*time.Hour, "how old the newest event may be before the source counts as stale")
	return writes(cmd, output.Table, output.CSV, output.JSON)
}

func (o *checkOptions) run(ctx context.Context) error {
	root, err := o.openLayoutRoot(ctx, o.settings.Source)
	if err != nil {
		return err
	}
	h, err := layout.Check(ctx, root, layout.CheckOptions{Now: o.env.Now(), MaxLag: o.maxLag})
	if err != nil {
		return err
	}
	if err := h.Write(o.env.Stdout, o.format); err != nil {
		return err
	}
	switch {
	case h.Empty:
		return &checkFailedError{msg: fmt.Sprintf("no booking events in %s: the pipeline has written nothing there, or --source points at the wrong place", h.Source)}
	case h.Stale:
		return &checkFailedError{msg: "stale: " + h.Summary()}
	}
	return nil
}
