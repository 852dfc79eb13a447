package cli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/cmd/internal/interrupts"
	"github.com/instudio/instudio-report/output"
	"github.com/instudio/instudio-report/settings/xdg"
	"github.com/instudio/instudio-report/sqlshell"
)

// replMaxRows is how many rows of a result a terminal session prints
// before it says how many it left out.
const replMaxRows = 40

type replOptions struct {
	*rootOptions
	asOf string
}

func newReplCmd(root *rootOptions) *cobra.Command {
	o := &replOptions{rootOptions: root}
	cmd := &cobra.Command{
		Use:   "repl",
		Short: "Interactive SQL over the bookings",
		Long: strings.TrimSpace(`
An interactive SQL session on the same DuckDB session as the reports: the
source attached and the views events and bookings defined. A statement ends
with ";" and may span lines; dot-commands (.help lists them) set the output
mode, the row limit, the timer, and more.

At a terminal: line editing, history kept in
$XDG_STATE_HOME/instudio-report/history (default ~/.local/state/...), Tab
completes commands, tables and columns, Ctrl-C cancels the running statement
or clears the line, Ctrl-D ends the session. With stdin not a terminal, the
same code runs the piped script without prompts; errors are printed and the
script goes on, and the exit code is 1 if any statement failed.

At start the session runs $XDG_CONFIG_HOME/instudio-report/replrc (default
~/.config/instudio-report/replrc) when it exists.`),
		Example: strings.Trim(`
  instudio-report repl
  instudio-report --source s3://bucket repl --as-of 2026-11-01
  instudio-report repl < checks.sql`, "\n"),
		Args: cobra.NoArgs,
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
			return o.run(cmd.Context(), db.Conn())
		},
	}
	cmd.Flags().StringVar(&o.asOf, "as-of", "", "count only events that occurred at or before this time (RFC 3339, or YYYY-MM-DD)")
	return writes(cmd, output.Table, output.CSV, output.JSON, output.Markdown)
}

func (o *replOptions) run(ctx context.Context, conn *sql.Conn) error {
	interactive := o.stdinIsTerminal() && o.env.StdoutIsTerminal
	opts := sqlshell.Options{Stdout: o.env.Stdout, Stderr: o.env.Stderr, Mode: string(o.format), Now: o.env.Now}
	in := sqlshell.Input{Reader: sqlshell.NewScanner(o.env.Stdin), Name: "stdin"}
	if interactive {
		taken, release := interrupts.Take(ctx)
		defer release()
		opts.Interrupts = taken
		opts.MaxRows = replMaxRows
	}
	shell := sqlshell.New(conn, opts)
	defer shell.Close()
	if interactive {
		// No state directory: no history file, and the session goes on.
		history, _ := xdg.Path(o.env.Getenv, xdg.State, "history")
		term := sqlshell.NewTerminal(history, shell.Complete)
		defer term.Close()
		if err := term.LoadHistory(); err != nil {
			fmt.Fprintf(o.env.Stderr, "Warning: %s\n", err)
		}
		in = sqlshell.Input{Reader: term, Name: "terminal", Interactive: true}
		fmt.Fprintf(o.env.Stderr, "SQL on %s: views events and bookings. \".help\" for help, Ctrl-D to quit.\n", o.settings.Source)
	}
	if err := o.runRC(ctx, shell); err != nil {
		return err
	}
	if err := shell.Run(ctx, in); err != nil {
		return fmt.Errorf("repl: %w", err)
	}
	if n := shell.Failed(); n > 0 && !interactive {
		return fmt.Errorf("repl: %d of the statements and commands failed", n)
	}
	return nil
}

// runRC runs the start-up file, when there is one.
func (o *replOptions) runRC(ctx context.Context, shell *sqlshell.Shell) error {
	path, err := xdg.Path(o.env.Getenv, xdg.Config, "replrc")
	if err != nil {
		return nil // no config directory, no start-up file
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("repl: %w", err)
	}
	defer f.Close()
	return shell.Run(ctx, sqlshell.Input{Reader: sqlshell.NewScanner(f), Name: path})
}

func (o *replOptions) stdinIsTerminal() bool {
	f, ok := o.env.Stdin.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}
