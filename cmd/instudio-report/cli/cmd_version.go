package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/queries"
)

func newVersionCmd(root *rootOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and build information",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			b := root.env.Build
			version, commit, date := b.Version, b.Commit, b.Date
			if info, ok := debug.ReadBuildInfo(); ok {
				if version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
					version = info.Main.Version
				}
				for _, s := range info.Settings {
					switch {
					case s.Key == "vcs.revision" && commit == "":
						commit = s.Value
					case s.Key == "vcs.time" && date == "":
						date = s.Value
					}
				}
			}
			if version == "" {
				version = "dev"
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "instudio-report %s\n", version)
			if commit != "" {
				fmt.Fprintf(w, "commit:  %s\n", commit)
			}
			if date != "" {
				fmt.Fprintf(w, "built:   %s\n", date)
			}
			fmt.Fprintf(w, "go:      %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
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
