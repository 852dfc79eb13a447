package cli

import (
	"cmp"
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/layout"
)

type importLegacyOptions struct {
	*rootOptions
	from, dest string
	dryRun     bool
}

func newImportLegacyCmd(root *rootOptions) *cobra.Command {
	o := &importLegacyOptions{rootOptions: root}
	cmd := &cobra.Command{
		Use:     "import-legacy --from DIR|s3://bucket[/prefix] [--dest DIR|s3://…]",
		Short:   "Bring the seed Lambda's one-file-per-event files into the layout",
		Long:    helpText("import-legacy"),
		Example: helpExample("import-legacy"),
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.from == "" {
				return usagef("import-legacy: --from is required (the directory or s3://bucket[/prefix] that holds the legacy files)")
			}
			return o.run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.from, "from", "", "where the legacy files are: a directory or s3://bucket[/prefix] (required)")
	f.StringVar(&o.dest, "dest", "", "root to write the layout to (default: --source)")
	f.BoolVar(&o.dryRun, "dry-run", false, "read and check, but write nothing")
	return cmd
}

func (o *importLegacyOptions) run(ctx context.Context) error {
	from, err := o.openLayoutRoot(ctx, o.from)
	if err != nil {
		return err
	}
	destURI := cmp.Or(o.dest, o.settings.Source)
	dest, err := o.openLayoutRoot(ctx, destURI)
	if err != nil {
		return err
	}
	start := o.env.Now()
	res, err := layout.ImportLegacy(ctx, from, dest, layout.ImportOptions{DryRun: o.dryRun, Progress: o.progress("importing")})
	if err != nil {
		return err
	}
	res.WriteLines(o.env.Stdout, dest.URI, o.dryRun)
	o.log.Debug("import-legacy done", append([]any{"from", from.String(), "dest", dest.String(), "dry_run", o.dryRun}, res.LogAttrs()...)...)
	if o.summaryWanted(ctx) {
		fmt.Fprintln(o.env.Stderr, layout.ImportSummary(dest.String(), res, o.dryRun, o.env.Now().Sub(start)))
	}
	return nil
}
