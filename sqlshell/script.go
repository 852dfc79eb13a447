package sqlshell

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
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
			err = writeResult(ctx, conn, st.Text, newResultWriter(mode, w))
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

func writeResult(ctx context.Context, conn *sql.Conn, text string, w resultWriter) error {
	rows, err := conn.QueryContext(ctx, text)
	if err != nil {
		return err
	}
	defer rows.Close()
	_, _, err = writeRows(rows, w, 0)
	return err
}
