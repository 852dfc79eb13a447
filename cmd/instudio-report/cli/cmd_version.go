package cli

import (
	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/cmd/internal/buildinfo"
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
			return db.WriteEngine(cmd.Context(), w)
		},
	}
}
