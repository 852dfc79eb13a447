package sqlshell

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
)

// StatementError is a failed statement of a script, with its position.
type StatementError struct {
	// Statement is the statement's number in the script, from 1.
	Statement int
	// Line is the script line the error points at: where DuckDB places
	// it, else where the statement starts.
	Line int
	// Message is DuckDB's message on one line.
	Message string
	Err     error
}

func (e *StatementError) Error() string {
	return fmt.Sprintf("statement %d (line %d): %s", e.Statement, e.Line, e.Message)
}

func (e *StatementError) Unwrap() error { return e.Err }

// ErrNoStatement is a script with nothing to run.
var ErrNoStatement = errors.New("no SQL statement to run")

// RunScript runs every statement of script on conn in order and writes the
// result of the last one to w in mode. The first error stops it.
func RunScript(ctx context.Context, conn *sql.Conn, script, mode string, w io.Writer) error {
	stmts, rest, restLine := Split(script, 1)
	if st, ok := Rest(rest, restLine); ok {
		stmts = append(stmts, st)
	}
	if len(stmts) == 0 {
		return ErrNoStatement
	}
	for i, st := range stmts {
		var err error
		if i < len(stmts)-1 {
			_, err = conn.ExecContext(ctx, st.Text)
		} else {
			err = writeResult(ctx, conn, st.Text, mode, w)
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			msg, line := errorMessage(err, st.Line)
			msg = dropForeignHint(ctx, conn, msg)
			return &StatementError{Statement: i + 1, Line: line, Message: msg, Err: err}
		}
	}
	return nil
}

// TableRowLimit caps the rows that RunScript draws as a table (or a
// Markdown table): those modes hold every row shown until the end to size
// the columns, so an unbounded result would take unbounded memory (5M rows
// took 4.8 GB). The rest is counted, streamed past, and said under the
// table; csv, json and line stream every row.
const TableRowLimit = 10_000

func writeResult(ctx context.Context, conn *sql.Conn, text, mode string, w io.Writer) error {
	rows, err := conn.QueryContext(ctx, text)
	if err != nil {
		return err
	}
	defer rows.Close()
	limit := 0
	if mode != "csv" && mode != "json" && mode != "line" {
		limit = TableRowLimit
	}
	shown, omitted, err := writeRows(rows, newResultWriter(mode, w), limit)
	if err == nil && omitted > 0 {
		_, err = fmt.Fprintf(w, "(%d rows shown, %d more not shown: -o csv or -o json prints every row)\n", shown, omitted)
	}
	return err
}

// ReadScript returns the SQL of query's input and what to call it in an
// error: the file (- is stdin), else the argument (- is stdin). The caller
// has checked that exactly one of them is given.
func ReadScript(file, arg string, stdin io.Reader) (script, name string, err error) {
	switch {
	case file != "" && file != "-":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", "", err
		}
		return string(b), file, nil
	case file == "-" || arg == "-":
		b, err := io.ReadAll(stdin)
		if err != nil {
			return "", "", fmt.Errorf("read stdin: %w", err)
		}
		return string(b), "stdin", nil
	}
	return arg, "", nil
}
