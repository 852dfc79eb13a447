// Package sqlshell owns ad-hoc SQL over a DuckDB session: the statement
// splitter, the dot-commands of the interactive shell, the output modes
// (table, csv, json, md, line) and the loop that runs a terminal session
// and a piped script through the same code. Input comes through a
// LineReader, so a terminal with line editing, a pipe and a .read file
// differ only in the reader. It knows nothing of flags.
package sqlshell

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// LineReader yields the lines of input.
type LineReader interface {
	// ReadLine returns the next line without its line ending. A terminal
	// shows prompt; other readers ignore it. It returns io.EOF at the end
	// of input, and ErrInterrupt when the user pressed Ctrl-C at the
	// prompt.
	ReadLine(prompt string) (string, error)
}

// HistoryWriter is a LineReader that remembers what was entered.
type HistoryWriter interface {
	AddHistory(entry string) error
}

// ErrInterrupt is Ctrl-C pressed at the prompt: it discards the statement
// being typed.
var ErrInterrupt = errors.New("interrupt")

// The prompts of a terminal session.
const (
	Prompt             = "sql> "
	ContinuationPrompt = "...> "
)

// Options configure a Shell.
type Options struct {
	Stdout, Stderr io.Writer
	// Mode is the output mode, one of Modes; "" is table.
	Mode string
	// MaxRows caps the rows printed of a result; 0 prints all.
	MaxRows int
	// Now times statements for .timer; nil is time.Now.
	Now func() time.Time
	// Interrupts delivers the Ctrl-C (SIGINT) pressed while a statement
	// runs: each cancels the running statement and the session goes on.
	// Nil when the caller lets an interrupt end the whole session.
	Interrupts <-chan os.Signal
	// NameFiles, when set, rewrites a statement's error before it is
	// printed: the S3 cache's local paths become the objects' keys
	// (queries.DB.NameFiles).
	NameFiles func(error) error
}

// Shell runs statements and dot-commands on one DuckDB connection.
type Shell struct {
	conn       *sql.Conn
	stdout     io.Writer
	stderr     io.Writer
	out        io.Writer // stdout, or the file of .output
	outFile    *os.File
	mode       string
	maxRows    int
	timer      bool
	now        func() time.Time
	interrupts <-chan os.Signal
	nameFiles  func(error) error
	quit       bool
	failed     int
	depth      int // nesting of .read
	names      *names
}

// New makes a shell on conn.
func New(conn *sql.Conn, opt Options) *Shell {
	s := &Shell{
		conn:       conn,
		stdout:     opt.Stdout,
		stderr:     opt.Stderr,
		out:        opt.Stdout,
		mode:       opt.Mode,
		maxRows:    opt.MaxRows,
		now:        opt.Now,
		interrupts: opt.Interrupts,
		nameFiles:  opt.NameFiles,
	}
	if s.mode == "" {
		s.mode = "table"
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Failed counts the statements and dot-commands that failed so far.
func (s *Shell) Failed() int { return s.failed }

// Close closes the file that .output opened, if any.
func (s *Shell) Close() error {
	return s.setOutput("")
}

// Input is one source of lines.
type Input struct {
	Reader LineReader
	// Name says where an error is in a script: "stdin", a file name.
	Name string
	// Interactive input gets DuckDB's errors in full (with the excerpt
	// that points at the mistake); a script gets one line per error with
	// its position.
	Interactive bool
}

// Run reads statements and dot-commands from in until the input ends or
// .quit. Errors are printed and the session goes on; Run itself fails only
// when reading fails or ctx ends.
func (s *Shell) Run(ctx context.Context, in Input) error {
	var pending strings.Builder
	pendingLine, lineNo := 0, 0
	for !s.quit {
		if err := ctx.Err(); err != nil {
			return err
		}
		prompt := Prompt
		if pending.Len() > 0 {
			prompt = ContinuationPrompt
		}
		line, err := in.Reader.ReadLine(prompt)
		switch {
		case errors.Is(err, ErrInterrupt):
			pending.Reset()
			continue
		case errors.Is(err, io.EOF):
			// A script's last statement may go without its semicolon;
			// at a terminal, Ctrl-D leaves an unfinished one unrun.
			if st, ok := Rest(pending.String(), pendingLine); ok && !in.Interactive {
				s.execute(ctx, st, in)
			}
			if in.Interactive {
				// Leave the shell's prompt on a line of its own.
				fmt.Fprintln(s.stdout)
			}
			return ctx.Err()
		case err != nil:
			return fmt.Errorf("read %s: %w", in.Name, err)
		}
		lineNo++
		if pending.Len() == 0 && strings.HasPrefix(strings.TrimSpace(line), ".") {
			s.addHistory(in, strings.TrimSpace(line))
			if err := s.dotCommand(ctx, strings.TrimSpace(line)); err != nil {
				s.failed++
				s.printError(in, lineNo, err.Error())
			}
			continue
		}
		if pending.Len() == 0 {
			pendingLine = lineNo
		}
		pending.WriteString(line)
		pending.WriteByte('\n')
		stmts, rest, restLine := Split(pending.String(), pendingLine)
		if len(stmts) == 0 {
			if onlyComments(pending.String()) {
				pending.Reset()
			}
			continue
		}
		s.addHistory(in, pending.String()[:len(pending.String())-len(rest)])
		pending.Reset()
		if !onlyComments(rest) {
			pending.WriteString(rest)
			pendingLine = restLine
		}
		for _, st := range stmts {
			if s.quit || ctx.Err() != nil {
				break
			}
			s.execute(ctx, st, in)
		}
	}
	return nil
}

// addHistory keeps an entry of a terminal session on one line: full-line
// comments are dropped and the lines of a statement joined.
func (s *Shell) addHistory(in Input, entry string) {
	h, ok := in.Reader.(HistoryWriter)
	if !ok {
		return
	}
	var lines []string
	for _, l := range strings.Split(entry, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "--") {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return
	}
	if err := h.AddHistory(strings.Join(lines, " ")); err != nil {
		fmt.Fprintf(s.stderr, "Warning: %s\n", err)
	}
}

// execute runs one statement, printing its result or its error.
func (s *Shell) execute(ctx context.Context, st Statement, in Input) {
	qctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopWatching := s.cancelOnInterrupt(cancel)
	start := s.now()
	err := s.query(qctx, st.Text)
	stopWatching()
	if s.timer {
		fmt.Fprintf(s.stderr, "Run Time: %.3fs\n", s.now().Sub(start).Seconds())
	}
	// Completion offers the tables and columns that exist now.
	s.names = nil
	if err == nil {
		return
	}
	if s.nameFiles != nil {
		err = s.nameFiles(err)
	}
	s.failed++
	switch {
	case ctx.Err() != nil:
		// The session is ending; Run reports why.
	case qctx.Err() != nil:
		fmt.Fprintln(s.stderr, "Error: query canceled")
	case in.Interactive:
		fmt.Fprintf(s.stderr, "Error: %s\n", dropForeignHint(ctx, s.conn, strings.TrimRight(err.Error(), "\n")))
	default:
		msg, line := errorMessage(err, st.Line)
		msg = dropForeignHint(ctx, s.conn, msg)
		s.printError(in, line, msg)
	}
}

func (s *Shell) printError(in Input, line int, msg string) {
	if in.Interactive {
		fmt.Fprintf(s.stderr, "Error: %s\n", msg)
		return
	}
	fmt.Fprintf(s.stderr, "Error: %s:%d: %s\n", in.Name, line, msg)
}

// cancelOnInterrupt cancels the running statement when an interrupt
// arrives, until the returned function is called.
func (s *Shell) cancelOnInterrupt(cancel context.CancelFunc) (stop func()) {
	if s.interrupts == nil {
		return func() {}
	}
	// An interrupt from before this statement started is not for it.
	for drained := false; !drained; {
		select {
		case <-s.interrupts:
		default:
			drained = true
		}
	}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-s.interrupts:
			cancel()
		case <-done:
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// query runs a statement and writes its result, if it has columns, in the
// current mode, at most maxRows rows of it.
func (s *Shell) query(ctx context.Context, text string, args ...any) error {
	rows, err := s.conn.QueryContext(ctx, text, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	shown, omitted, err := writeRows(rows, newResultWriter(s.mode, s.out), s.maxRows)
	if err != nil {
		return err
	}
	if omitted > 0 {
		// The note goes to stderr, so that CSV or JSON stays clean.
		fmt.Fprintf(s.stderr, "(%d rows shown, %d more not shown: .maxrows %d; .maxrows 0 shows all)\n", shown, omitted, s.maxRows)
	}
	return nil
}

// writeRows renders rows with w, at most limit of them (0: all), and
// counts the rest.
func writeRows(rows *sql.Rows, w resultWriter, limit int) (shown, omitted int64, err error) {
	types, err := rows.ColumnTypes()
	if err != nil {
		return 0, 0, err
	}
	if len(types) == 0 {
		for rows.Next() {
		}
		return 0, 0, rows.Err()
	}
	cols := make([]Column, len(types))
	for i, t := range types {
		cols[i] = Column{Name: t.Name(), Type: t.DatabaseTypeName()}
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	more := rows.Next()
	if !more && statusOnly(cols) {
		return 0, 0, rows.Err()
	}
	if err := w.Begin(cols); err != nil {
		return 0, 0, err
	}
	for ; more; more = rows.Next() {
		if limit > 0 && shown >= int64(limit) {
			omitted++
			continue
		}
		if err := rows.Scan(ptrs...); err != nil {
			return shown, omitted, err
		}
		if err := w.Row(vals); err != nil {
			return shown, omitted, err
		}
		shown++
	}
	if err := rows.Err(); err != nil {
		return shown, omitted, err
	}
	return shown, omitted, w.End()
}

// statusOnly tells the empty status column of a statement that returns
// no data (CREATE gives an empty "Count", DROP an empty "Success") from a
// query's result, whose header is printed even with no rows.
func statusOnly(cols []Column) bool {
	return len(cols) == 1 &&
		(cols[0].Name == "Count" && cols[0].Type == "BIGINT" || cols[0].Name == "Success" && cols[0].Type == "BOOLEAN")
}

// duckdbLine finds the "LINE n:" that DuckDB adds to an error about a
// place in the statement.
var duckdbLine = regexp.MustCompile(`(?m)^LINE ([0-9]+):`)

// errorMessage folds a DuckDB error onto one line, without the excerpt of
// the statement, and gives the script line it points at: the line DuckDB
// names, counted from the statement's first line, or that first line.
func errorMessage(err error, stmtLine int) (string, int) {
	msg := err.Error()
	line := stmtLine
	if m := duckdbLine.FindStringSubmatchIndex(msg); m != nil {
		if n, err := strconv.Atoi(msg[m[2]:m[3]]); err == nil {
			line = stmtLine + n - 1
		}
		msg = msg[:m[0]]
	}
	var parts []string
	sc := bufio.NewScanner(strings.NewReader(msg))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, " "), line
}
