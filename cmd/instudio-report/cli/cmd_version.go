package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/queries"
)

// describeExtensions says which DuckDB extensions this binary can use, and
// what that means for s3:// sources.
func describeExtensions(exts []queries.Extension) string {
	var parts []string
	httpfs := "httpfs not installed (s3:// sources are read through the local cache)"
	for _, e := range exts {
		if e.Name == "httpfs" {
			if e.Installed || e.Loaded {
				httpfs = "httpfs " + strings.ToLower(e.Mode) + " (s3:// sources can be read directly)"
			}
			continue
		}
		if e.Installed || e.Loaded {
			parts = append(parts, e.Name)
		}
	}
	return strings.Join(parts, ", ") + "; " + httpfs
}

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
			fmt.Fprintf(w, "extensions: %s\n", describeExtensions(exts))
			return nil
		},
	}
}
