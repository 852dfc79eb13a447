package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/output"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/report"
	"github.com/instudio/instudio-report/sqlshell"
)

type queryOptions struct {
	*rootOptions
	file, asOf string
}

func newQueryCmd(root *rootOptions) *cobra.Command {
	o := &queryOptions{rootOptions: root}
	cmd := &cobra.Command{
		Use:     `query "SQL" | -f FILE | -`,
		Short:   "Run SQL over the bookings and print the last result",
		Long:    helpText("query"),
		Example: helpExample("query"),
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			script, name, err := o.script(args)
			if err != nil {
				return err
			}
			asOf, err := parseAsOf(o.asOf)
			if err != nil {
				return err
			}
			return o.run(cmd.Context(), script, name, string(o.format), asOf)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.file, "file", "f", "", "read the SQL from this file (- for stdin)")
	f.StringVar(&o.asOf, "as-of", "", "count only events that occurred at or before this time (RFC 3339, or YYYY-MM-DD)")
	return writes(cmd, output.Table, output.CSV, output.JSON, output.Markdown)
}

// script is the SQL to run and what to call it in an error.
func (o *queryOptions) script(args []string) (sql, name string, err error) {
	switch {
	case o.file != "" && len(args) > 0:
		return "", "", usagef("query: give the SQL as an argument or with -f, not both")
	case o.file == "" && len(args) == 0:
		return "", "", usagef(`query: give the SQL: query "SELECT …", query -f FILE, or query - to read stdin`)
	}
	arg := ""
	if len(args) > 0 {
		arg = args[0]
	}
	if sql, name, err = sqlshell.ReadScript(o.file, arg, o.env.Stdin); err != nil {
		return "", "", fmt.Errorf("query: %w", err)
	}
	return sql, name, nil
}

func (o *queryOptions) run(ctx context.Context, script, name, format string, asOf *time.Time) error {
	db, err := o.openSessionDB(ctx, asOf)
	if err != nil {
		return err
	}
	defer db.Close()
	err = db.NameFiles(sqlshell.RunScript(ctx, db.Conn(), script, format, o.env.Stdout))
	if err == nil {
		return nil
	}
	if name != "" {
		return fmt.Errorf("query: %s: %w", name, err)
	}
	return fmt.Errorf("query: %w", err)
}

// openSessionDB opens the session of query and repl. A source without
// booking files is a warning, not an error: SQL that needs no bookings
// still runs.
func (o *rootOptions) openSessionDB(ctx context.Context, asOf *time.Time) (*queries.DB, error) {
	db, err := o.openDB(ctx, asOf)
	var none *queries.NoBookingFilesError
	if !errors.As(err, &none) {
		return db, err
	}
	o.log.Warn("the events and bookings views are not defined: " + none.Error() + hintSuffix(none, nil))
	return o.openEngine(ctx)
}

// parseAsOf reads an optional --as-of.
func parseAsOf(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := report.ParseInstant(s)
	if err != nil {
		return nil, usagef("--as-of: %s", err)
	}
	return &t, nil
}
