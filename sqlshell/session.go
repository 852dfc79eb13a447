package sqlshell

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/instudio/instudio-report/settings/xdg"
)

// Session is one run of the repl: the shell's options, where its input
// comes from, and its start-up file. On a terminal it reads through the
// line editor, with history and completion.
type Session struct {
	Options
	// Stdin is read when the session is not on a terminal.
	Stdin io.Reader
	// Terminal: stdin and stdout are terminals.
	Terminal bool
	// HistoryFile keeps a terminal's history; "" keeps none.
	HistoryFile string
	// StartupFile runs before the input; "" or a missing file runs nothing.
	StartupFile string
	// Banner is printed to Stderr when a terminal session starts.
	Banner string
}

// TerminalMaxRows is how many rows of a result a terminal session prints
// before it says how many it left out.
const TerminalMaxRows = 40

// Banner is the line a terminal session on source starts with.
func Banner(source string) string {
	return fmt.Sprintf("SQL on %s: views events and bookings. \".help\" for help, Ctrl-D to quit.", source)
}

// Files are a session's files in the XDG directories that getenv finds:
// the history in the state directory, the start-up file replrc in the
// config one. Either is "" when its directory cannot be found: then there
// is no history, or no start-up file, and the session goes on.
func Files(getenv func(string) string) (history, startup string) {
	history, _ = xdg.Path(getenv, xdg.State, "history")
	startup, _ = xdg.Path(getenv, xdg.Config, "replrc")
	return history, startup
}

// RunSession runs s on conn. Outside a terminal, a session in which a
// statement or command failed returns an error saying how many did, so
// that a script fed to it fails as a whole.
func RunSession(ctx context.Context, conn *sql.Conn, s Session) error {
	shell := New(conn, s.Options)
	defer shell.Close()
	in := Input{Reader: NewScanner(s.Stdin), Name: "stdin"}
	if s.Terminal {
		term := NewTerminal(s.HistoryFile, shell.Complete)
		defer term.Close()
		if err := term.LoadHistory(); err != nil {
			fmt.Fprintf(s.Stderr, "Warning: %s\n", err)
		}
		in = Input{Reader: term, Name: "terminal", Interactive: true}
		fmt.Fprintln(s.Stderr, s.Banner)
	}
	if err := runStartup(ctx, shell, s.StartupFile); err != nil {
		return err
	}
	if err := shell.Run(ctx, in); err != nil {
		return err
	}
	if n := shell.Failed(); n > 0 && !s.Terminal {
		return fmt.Errorf("%d of the statements and commands failed", n)
	}
	return nil
}

// runStartup runs the start-up file, when there is one.
func runStartup(ctx context.Context, shell *Shell, path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	return shell.Run(ctx, Input{Reader: NewScanner(f), Name: path})
}
