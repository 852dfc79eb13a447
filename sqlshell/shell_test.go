package sqlshell

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/queries"
)

func openConn(t *testing.T) *sql.Conn {
	t.Helper()
	db, err := queries.Open(context.Background(), queries.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db.Conn()
}

// runScript runs script through a fresh shell and returns what it wrote.
func runScript(t *testing.T, conn *sql.Conn, opt Options, script string) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	opt.Stdout, opt.Stderr = &out, &errOut
	sh := New(conn, opt)
	defer sh.Close()
	if err := sh.Run(context.Background(), Input{Reader: NewScanner(strings.NewReader(script)), Name: "script"}); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out.String(), errOut.String()
}

func TestShellScripts(t *testing.T) {
	conn := openConn(t)
	tests := []struct {
		name           string
		opt            Options
		script         string
		stdout, stderr string
		prefix         bool // stderr starts with stderr
	}{
		{
			name:   "csv values of every kind",
			opt:    Options{Mode: "csv"},
			script: "SELECT NULL AS n, 12.50::DECIMAL(5,2) AS d, -0.05::DECIMAL(4,2) AS neg, 1.5::DOUBLE AS f, 1e20::DOUBLE AS big, DATE '2026-03-01' AS day, TIMESTAMP '2026-03-01 10:30:00' AS ts, TIME '08:15:00' AS t, INTERVAL 90 MINUTE AS iv, INTERVAL 14 MONTH AS months, [1, 2] AS l, ['a'] AS sl, {'k': 'v'} AS st, 'x'::BLOB AS b, true AS yes;",
			stdout: "n,d,neg,f,big,day,ts,t,iv,months,l,sl,st,b,yes\n" +
				",12.50,-0.05,1.5,1e+20,2026-03-01,2026-03-01 10:30:00,08:15:00,01:30:00,1 year 2 months,\"[1, 2]\",['a'],{'k': 'v'},x,true\n",
		},
		{
			name:   "NULL shows as NULL outside CSV",
			opt:    Options{Mode: "line"},
			script: "SELECT NULL AS n, 'x' AS long_name;",
			stdout: "        n = NULL\nlong_name = x\n",
		},
		{
			name:   "a statement over lines, and dot-commands between statements",
			opt:    Options{Mode: "csv"},
			script: "SELECT 1\n  + 1\n  AS two;\n.mode json\nSELECT 'a' AS s UNION ALL SELECT 'b' ORDER BY 1;\n",
			stdout: "two\n2\n[\n  {\"s\": \"a\"},\n  {\"s\": \"b\"}\n]\n",
		},
		{
			name:   "an empty result has its header",
			opt:    Options{Mode: "md"},
			script: "SELECT 1 AS a, 'x|y' AS b WHERE false;\nSELECT 1 AS a, 'x|y' AS b;",
			stdout: "|   a | b   |\n| --: | --- |\n|   a | b    |\n| --: | ---- |\n|   1 | x\\|y |\n",
		},
		{
			name:   "an error, then the next statement runs",
			opt:    Options{Mode: "csv"},
			script: "SELECT 1 AS one;\n\nSELECT *\n  FROM nope;\nSELECT 2 AS two;",
			stdout: "one\n1\ntwo\n2\n",
			// DuckDB goes on with a guess at the table meant.
			stderr: `Error: script:4: Catalog Error: Table with name nope does not exist!`,
			prefix: true,
		},
		{
			name:   "maxrows leaves rows out and says how many",
			opt:    Options{Mode: "csv", MaxRows: 2},
			script: "SELECT * FROM range(5) t(i);",
			stdout: "i\n0\n1\n",
			stderr: "(2 rows shown, 3 more not shown: .maxrows 2; .maxrows 0 shows all)\n",
		},
		{
			name:   "statements without a result print nothing",
			opt:    Options{Mode: "csv"},
			script: "CREATE TEMP TABLE t (i INTEGER);\nINSERT INTO t VALUES (1), (2);\nSELECT sum(i) AS s FROM t;\nDROP TABLE t;",
			stdout: "Count\n2\ns\n3\n",
		},
		{
			name:   "bad dot-commands",
			opt:    Options{Mode: "csv"},
			script: ".maxrows -1\n.timer maybe\n.schema a b\n.read\n",
			stderr: "Error: script:1: .maxrows: \"-1\" is not a number of rows (0 or more)\n" +
				"Error: script:2: .timer: use on or off, not \"maybe\"\n" +
				"Error: script:3: .schema takes at most one name\n" +
				"Error: script:4: .read: name the file to run\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr := runScript(t, conn, tt.opt, tt.script)
			if stdout != tt.stdout {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout, tt.stdout)
			}
			if stderr != tt.stderr && !(tt.prefix && strings.HasPrefix(stderr, tt.stderr)) {
				t.Errorf("stderr:\n%s\nwant:\n%s", stderr, tt.stderr)
			}
		})
	}
}

func TestTableMode(t *testing.T) {
	stdout, _ := runScript(t, openConn(t), Options{}, "SELECT 7 AS salon_id, 'Studio Sur' AS \"Salon name\";")
	want := `┌──────────┬────────────┐
│ salon_id │ Salon name │
├──────────┼────────────┤
│        7 │ Studio Sur │
└──────────┴────────────┘
`
	if stdout != want {
		t.Errorf("table:\n%s\nwant:\n%s", stdout, want)
	}
}

func TestOutputAndRead(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	inc := filepath.Join(dir, "inc.sql")
	loop := filepath.Join(dir, "loop.sql")
	must(t, os.WriteFile(inc, []byte("SELECT 'inc' AS f;\n.quit\nSELECT 'not after quit';\n"), 0o644))
	must(t, os.WriteFile(loop, []byte(".read "+loop+"\n"), 0o644))
	stdout, stderr := runScript(t, openConn(t), Options{Mode: "csv"},
		".output "+out+"\nSELECT 1 AS a;\n.output stdout\nSELECT 2 AS b;\n.read "+loop+"\n.read '"+inc+"'\nSELECT 'not after quit';\n")
	got, err := os.ReadFile(out)
	must(t, err)
	if string(got) != "a\n1\n" {
		t.Errorf(".output file = %q, want %q", got, "a\n1\n")
	}
	if want := "b\n2\nf\ninc\n"; stdout != want {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}
	if !strings.Contains(stderr, "files read each other more than 16 deep") {
		t.Errorf("a file that reads itself is not stopped: %q", stderr)
	}
}

// lines is a LineReader over a list, which may hold ErrInterrupt, and
// remembers history entries.
type lines struct {
	items   []any
	prompts []string
	history []string
	onRead  func(n int)
}

func (l *lines) ReadLine(prompt string) (string, error) {
	l.prompts = append(l.prompts, prompt)
	if l.onRead != nil {
		l.onRead(len(l.prompts))
	}
	if len(l.items) == 0 {
		return "", io.EOF
	}
	item := l.items[0]
	l.items = l.items[1:]
	if err, ok := item.(error); ok {
		return "", err
	}
	return item.(string), nil
}

func (l *lines) AddHistory(entry string) error {
	l.history = append(l.history, entry)
	return nil
}

func TestTerminalSessionGoesOnAfterInterruptsAndErrors(t *testing.T) {
	conn := openConn(t)
	in := &lines{items: []any{
		"SELECT", ErrInterrupt, // Ctrl-C clears the statement being typed
		"SELECT 1,", "-- a note", "2 AS two;",
		".mode csv",
		"SELECT * FROM nope;",
		"SELECT 'left unfinished'",
	}}
	var out, errOut bytes.Buffer
	sh := New(conn, Options{Stdout: &out, Stderr: &errOut, Mode: "csv"})
	if err := sh.Run(context.Background(), Input{Reader: in, Name: "terminal", Interactive: true}); err != nil {
		t.Fatal(err)
	}
	if want := "1,two\n1,2\n\n"; out.String() != want {
		t.Errorf("stdout = %q, want %q (Ctrl-D does not run an unfinished statement)", out.String(), want)
	}
	wantPrompts := []string{Prompt, ContinuationPrompt, Prompt, ContinuationPrompt, ContinuationPrompt, Prompt, Prompt, Prompt, ContinuationPrompt}
	if !reflect.DeepEqual(in.prompts, wantPrompts) {
		t.Errorf("prompts = %q, want %q", in.prompts, wantPrompts)
	}
	wantHistory := []string{"SELECT 1, 2 AS two;", ".mode csv", "SELECT * FROM nope;"}
	if !reflect.DeepEqual(in.history, wantHistory) {
		t.Errorf("history = %q, want %q", in.history, wantHistory)
	}
	// At a terminal the error comes whole, with DuckDB's pointer.
	if !strings.Contains(errOut.String(), "Error: Catalog Error: Table with name nope does not exist!") ||
		!strings.Contains(errOut.String(), "LINE 1: SELECT * FROM nope") {
		t.Errorf("stderr = %q", errOut.String())
	}
}

func TestInterruptCancelsOnlyTheRunningStatement(t *testing.T) {
	conn := openConn(t)
	interrupts := make(chan os.Signal, 1)
	stop, stopped := make(chan struct{}), make(chan struct{})
	// Press Ctrl-C every 50 ms while the first statement runs: the first
	// interrupt after it started cancels it. An interrupt from before a
	// statement starts is dropped, so none reaches the second one.
	go func() {
		defer close(stopped)
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				select {
				case interrupts <- os.Interrupt:
				default:
				}
			}
		}
	}()
	in := &lines{
		items: []any{"SELECT count(*) FROM range(1000000000000);", "SELECT 'next' AS n;"},
		onRead: func(n int) {
			if n == 2 {
				close(stop)
				<-stopped
			}
		},
	}
	var out, errOut bytes.Buffer
	sh := New(conn, Options{Stdout: &out, Stderr: &errOut, Mode: "csv", Interrupts: interrupts})
	// Without a working cancel the count runs for hours: fail instead.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := sh.Run(ctx, Input{Reader: in, Name: "terminal", Interactive: true}); err != nil {
		t.Fatal(err)
	}
	if errOut.String() != "Error: query canceled\n" {
		t.Errorf("stderr = %q, want the cancellation", errOut.String())
	}
	if out.String() != "n\nnext\n\n" {
		t.Errorf("stdout = %q: the session did not go on", out.String())
	}
}

func TestRunScript(t *testing.T) {
	conn := openConn(t)
	tests := []struct {
		name, script, mode string
		stdout, err        string
	}{
		{"last result", "CREATE TEMP TABLE s AS SELECT 4 AS x;\nSELECT x * 2 AS y FROM s", "csv", "y\n8\n", ""},
		{"error position", "SELECT 1;\n\n  SELECT\n    nope;", "csv", "", "statement 2 (line 4): Binder Error: Referenced column \"nope\" was not found"},
		{"nothing", "-- only\n;", "csv", "", "no SQL statement to run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := RunScript(context.Background(), conn, tt.script, tt.mode, &out)
			if out.String() != tt.stdout {
				t.Errorf("stdout = %q, want %q", out.String(), tt.stdout)
			}
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("error %v", err)
			case tt.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.err)):
				t.Errorf("error = %v, want %q", err, tt.err)
			}
		})
	}
}

func TestComplete(t *testing.T) {
	conn := openConn(t)
	_, err := conn.ExecContext(context.Background(), "CREATE TEMP TABLE salons (salon_id BIGINT, name VARCHAR)")
	must(t, err)
	sh := New(conn, Options{Stdout: io.Discard, Stderr: io.Discard})
	tests := []struct {
		line       string
		head       string
		candidates []string
	}{
		{".mo", "", []string{".mode"}},
		{".", "", []string{".help", ".tables", ".schema", ".mode", ".timer", ".maxrows", ".output", ".read", ".quit"}},
		{".mode c", ".mode ", []string{"csv"}},
		{".timer o", ".timer ", []string{"on", "off"}},
		{".schema sal", ".schema ", []string{"salons"}},
		{"SELECT * FROM sa", "SELECT * FROM ", []string{"salons"}},
		{"SELECT sal", "SELECT ", []string{"salons", "salon_id"}},
		{"SELECT salons.n", "SELECT ", []string{"salons.name"}},
		{"sel", "", []string{"select"}},
		{"SEL", "", []string{"SELECT"}},
		{"SELECT count(sa", "SELECT count(", []string{"salons", "salon_id"}},
		{"SELECT 'ñandú', sa", "SELECT 'ñandú', ", []string{"salons", "salon_id"}},
	}
	for _, tt := range tests {
		head, got, tail := sh.Complete(tt.line, len([]rune(tt.line)))
		if head != tt.head || tail != "" || !reflect.DeepEqual(got, tt.candidates) {
			t.Errorf("Complete(%q) = %q, %q, %q; want %q, %q", tt.line, head, got, tail, tt.head, tt.candidates)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// After .read and .output, Tab completes file names, relative to the
// working directory as the commands open them.
func TestCompleteFileNames(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"monthly.sql", "weekly.sql", ".hidden.sql", "more/inner.sql"} {
		must(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755))
		must(t, os.WriteFile(filepath.Join(dir, f), []byte("SELECT 1;\n"), 0o644))
	}
	t.Chdir(dir)
	sh := New(openConn(t), Options{Stdout: io.Discard, Stderr: io.Discard})
	for _, tt := range []struct {
		line       string
		head       string
		candidates []string
	}{
		{".read m", ".read ", []string{"monthly.sql", "more/"}},
		{".read more/", ".read ", []string{"more/inner.sql"}},
		{".read more/in", ".read ", []string{"more/inner.sql"}},
		{".read .", ".read ", []string{".hidden.sql"}},
		{".read x", ".read ", nil},
		{".output w", ".output ", []string{"weekly.sql"}},
		{".output ", ".output ", []string{"stdout", "monthly.sql", "more/", "weekly.sql"}},
		{"  .read  mo", "  .read  ", []string{"monthly.sql", "more/"}},
		// Other commands take no file.
		{".mode m", ".mode ", []string{"md"}},
	} {
		head, got, tail := sh.Complete(tt.line, len([]rune(tt.line)))
		if head != tt.head || tail != "" || !reflect.DeepEqual(got, tt.candidates) {
			t.Errorf("Complete(%q) = %q, %q, %q; want %q, %q", tt.line, head, got, tail, tt.head, tt.candidates)
		}
	}
}

// A missing table's "Did you mean" stays only when it names one of the
// session's own tables or views: DuckDB offers its catalog views too.
func TestMissingTableHints(t *testing.T) {
	conn := openConn(t)
	_, err := conn.ExecContext(context.Background(), "CREATE TEMP TABLE salons (salon_id BIGINT)")
	must(t, err)
	_, stderr := runScript(t, conn, Options{Mode: "csv"}, "SELECT * FROM nope;\nSELECT * FROM salon;\n")
	want := "Error: script:1: Catalog Error: Table with name nope does not exist!\n" +
		"Error: script:2: Catalog Error: Table with name salon does not exist! Did you mean \"salons\"?\n"
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
	err = RunScript(context.Background(), conn, "SELECT 1;\nSELECT * FROM nope;", "csv", io.Discard)
	if err == nil || err.Error() != "statement 2 (line 2): Catalog Error: Table with name nope does not exist!" {
		t.Errorf("RunScript: %v", err)
	}
}

// At a terminal the error is printed whole, over several lines: the hint
// on the line after the error goes too, and the rest stays.
func TestDropForeignHintMultiLine(t *testing.T) {
	conn := openConn(t)
	msg := "Catalog Error: Table with name nope does not exist!\nDid you mean \"pg_enum\"?\n\nLINE 1: SELECT * FROM nope\n                      ^"
	want := "Catalog Error: Table with name nope does not exist!\n\nLINE 1: SELECT * FROM nope\n                      ^"
	if got := dropForeignHint(context.Background(), conn, msg); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	// Other hints (a function's) are DuckDB's to give.
	fn := `Catalog Error: Scalar Function with name cont does not exist! Did you mean "count"?`
	if got := dropForeignHint(context.Background(), conn, fn); got != fn {
		t.Errorf("function hint: got %q", got)
	}
}

// query -o table holds at most TableRowLimit rows: 3 rows past the limit
// are counted and said under the table, never drawn; csv prints them all.
func TestRunScriptTableIsBounded(t *testing.T) {
	conn := openConn(t)
	script := fmt.Sprintf("SELECT range AS n FROM range(%d)", TableRowLimit+3)
	var out bytes.Buffer
	if err := RunScript(context.Background(), conn, script, "table", &out); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	last := fmt.Sprintf("│ %d │", TableRowLimit-1)
	if !strings.Contains(text, last) || strings.Contains(text, fmt.Sprintf("│ %d │", TableRowLimit)) {
		t.Errorf("table does not end at row %d", TableRowLimit-1)
	}
	if want := fmt.Sprintf("(%d rows shown, 3 more not shown: -o csv or -o json prints every row)\n", TableRowLimit); !strings.HasSuffix(text, want) {
		t.Errorf("table ends %q, want %q", text[max(0, len(text)-200):], want)
	}
	out.Reset()
	if err := RunScript(context.Background(), conn, script, "csv", &out); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "\n"); n != TableRowLimit+3+1 {
		t.Errorf("csv has %d lines, want every row and the header", n)
	}
}
