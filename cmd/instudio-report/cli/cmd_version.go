package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/cmd/internal/buildinfo"
	"github.com/instudio/instudio-report/queries"
)

func newVersionCmd(root *rootOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and build information",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			w := cmd.OutOrStdout()
			buildinfo.Resolve(root.env.Build).Write(w, "instudio-report")
			db, err := root.openEngine(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			engine, err := db.EngineVersion(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "duckdb:  %s\n", engine)
			exts, err := db.Extensions(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "extensions: %s\n", queries.DescribeExtensions(exts))
			return nil
		},
	}
}
