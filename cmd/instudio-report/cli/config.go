package cli

import (
	"errors"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/instudio/instudio-report/output"
	"github.com/instudio/instudio-report/settings"
)

// addGlobalFlags registers a flag for each row of the settings table.
func addGlobalFlags(cmd *cobra.Command) {
	pf := cmd.PersistentFlags()
	pf.String(settings.ConfigFlag, "", settings.ConfigUsage)
	for _, row := range settings.Table() {
		if row.Flag == "" {
			continue
		}
		if row.Int {
			pf.IntP(row.Flag, row.Short, 0, row.Usage())
		} else {
			pf.StringP(row.Flag, row.Short, "", row.Usage())
		}
		switch {
		case row.Flag == "format":
			// Each command completes the formats it writes.
			_ = cmd.RegisterFlagCompletionFunc(row.Flag, func(c *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
				return output.Strings(formatsOf(c)), cobra.ShellCompDirectiveNoFileComp
			})
		case row.Choices != nil:
			_ = cmd.RegisterFlagCompletionFunc(row.Flag, cobra.FixedCompletions(row.Choices, cobra.ShellCompDirectiveNoFileComp))
		}
	}
}

// resolveSettings resolves the settings from the flags given, the
// environment and the config file (package settings holds the rules).
func resolveSettings(cmd *cobra.Command, env Env) (settings.Settings, error) {
	given := map[string]string{}
	cmd.Flags().Visit(func(f *pflag.Flag) {
		// A command's own flag may stand for a setting only sometimes
		// (ingest's --format, for one release).
		if sv, ok := f.Value.(interface{ SettingValue() (string, bool) }); ok {
			if v, ok := sv.SettingValue(); ok {
				given[f.Name] = v
			}
			return
		}
		given[f.Name] = f.Value.String()
	})
	s, err := settings.Resolve(given, env.Getenv)
	var invalid *settings.InvalidError
	if errors.As(err, &invalid) {
		return s, &usageError{err: err}
	}
	return s, err
}

const formatsAnnotation = "instudio-report/formats"

// writes declares the formats cmd can write; the first is its default on
// a terminal. A command that declares none writes no formatted output.
func writes(cmd *cobra.Command, formats ...output.Format) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[formatsAnnotation] = strings.Join(output.Strings(formats), ",")
	return cmd
}

// formatsOf is what writes declared for cmd.
func formatsOf(cmd *cobra.Command) []output.Format {
	var fs []output.Format
	if names := cmd.Annotations[formatsAnnotation]; names != "" {
		for _, n := range strings.Split(names, ",") {
			fs = append(fs, output.Format(n))
		}
	}
	return fs
}

// pickFormat chooses the run's format once, before the command runs: -o
// (or INSTUDIO_FORMAT, format) when the command writes it, else the
// extension of --out, else a table on a terminal and CSV when piped.
func (o *rootOptions) pickFormat(cmd *cobra.Command) error {
	var outFile string
	if f := cmd.Flags().Lookup("out"); f != nil {
		outFile = f.Value.String()
	}
	f, err := output.Pick(cmd.Name(), output.Choice{
		Setting:  o.settings.Format,
		Explicit: o.settings.FormatFlag,
		OutFile:  outFile,
		Terminal: o.env.StdoutIsTerminal,
	}, formatsOf(cmd))
	if err != nil {
		return &usageError{err: err}
	}
	o.format = f
	return nil
}
