package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/cmd/internal/interrupts"
	"github.com/instudio/instudio-report/output"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/sqlshell"
)

type replOptions struct {
	*rootOptions
	asOf string
}

func newReplCmd(root *rootOptions) *cobra.Command {
	o := &replOptions{rootOptions: root}
	cmd := &cobra.Command{
		Use:     "repl",
		Short:   "Interactive SQL over the bookings",
		Long:    helpText("repl"),
		Example: helpExample("repl"),
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			asOf, err := parseAsOf(o.asOf)
			if err != nil {
				return err
			}
			db, err := o.openSessionDB(cmd.Context(), asOf)
			if err != nil {
				return err
			}
			defer db.Close()
			return o.run(cmd.Context(), db)
		},
	}
	cmd.Flags().StringVar(&o.asOf, "as-of", "", "count only events that occurred at or before this time (RFC 3339, or YYYY-MM-DD)")
	return writes(cmd, output.Table, output.CSV, output.JSON, output.Markdown)
}

func (o *replOptions) run(ctx context.Context, db *queries.DB) error {
	conn := db.Conn()
	s := sqlshell.Session{
		Options:  sqlshell.Options{Stdout: o.env.Stdout, Stderr: o.env.Stderr, Mode: string(o.format), Now: o.env.Now, NameFiles: db.NameFiles},
		Stdin:    o.env.Stdin,
		Terminal: o.stdinIsTerminal() && o.env.StdoutIsTerminal,
		Banner:   sqlshell.Banner(o.settings.Source),
	}
	s.HistoryFile, s.StartupFile = sqlshell.Files(o.env.Getenv)
	if s.Terminal {
		taken, release := interrupts.Take(ctx)
		defer release()
		s.Interrupts, s.MaxRows = taken, sqlshell.TerminalMaxRows
	}
	if err := sqlshell.RunSession(ctx, conn, s); err != nil {
		return fmt.Errorf("repl: %w", err)
	}
	return nil
}

func (o *replOptions) stdinIsTerminal() bool {
	f, ok := o.env.Stdin.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}
