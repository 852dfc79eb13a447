package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// terminal drives the repl through a pseudo-terminal, as a person at a
// keyboard would: the process has a controlling terminal, so Ctrl-C is
// the terminal's SIGINT and line editing is live.
type terminal struct {
	t    *testing.T
	cmd  *exec.Cmd
	pty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	seen int // output before this offset has been matched already
	done chan error
}

func startTerminal(t *testing.T, env []string, args ...string) *terminal {
	t.Helper()
	exe, err := exec.LookPath("instudio-report")
	if err != nil {
		t.Fatalf("the command under test is not on PATH: %v", err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = env
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 160})
	if err != nil {
		t.Fatalf("start in a pseudo-terminal: %v", err)
	}
	term := &terminal{t: t, cmd: cmd, pty: f, done: make(chan error, 1)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			term.mu.Lock()
			term.out.Write(buf[:n])
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() { term.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
		f.Close()
	})
	return term
}

func (term *terminal) typ(keys string) {
	term.t.Helper()
	if _, err := term.pty.WriteString(keys); err != nil {
		term.t.Fatalf("type %q: %v", keys, err)
	}
}

// expect waits for output that matches pattern, after what was matched
// before, and returns how long it waited. The wait is bounded only so that
// a broken build fails instead of hanging; nothing here asserts speed.
func (term *terminal) expect(pattern string) time.Duration {
	term.t.Helper()
	return term.expectWhile(pattern, 0, nil)
}

// expectWhile is expect that calls press every interval until the output
// shows (press nil: never).
func (term *terminal) expectWhile(pattern string, interval time.Duration, press func()) time.Duration {
	term.t.Helper()
	re := regexp.MustCompile(pattern)
	start := time.Now()
	deadline := start.Add(20 * time.Second)
	var pressed time.Time
	for {
		if press != nil && time.Since(pressed) >= interval {
			press()
			pressed = time.Now()
		}
		term.mu.Lock()
		out := term.out.String()
		loc := re.FindStringIndex(out[term.seen:])
		if loc != nil {
			term.seen += loc[1]
		}
		term.mu.Unlock()
		if loc != nil {
			return time.Since(start)
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("no output matching %q; the terminal shows:\n%s", pattern, out[term.seen:])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// exit waits for the process to end and returns its exit code.
func (term *terminal) exit() int {
	term.t.Helper()
	select {
	case err := <-term.done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		if err != nil {
			term.t.Fatalf("wait: %v", err)
		}
		return 0
	case <-time.After(20 * time.Second):
		term.t.Fatalf("the repl did not exit; the terminal shows:\n%s", term.out.String())
	}
	return -1
}

func TestReplTerminal(t *testing.T) {
	dir := t.TempDir()
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"XDG_STATE_HOME=" + filepath.Join(dir, "state"),
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"TERM=xterm",
	}
	demo := exec.Command("instudio-report", "demo", "--dest", filepath.Join(dir, "data"), "--salons", "2", "--days", "3", "--now", "2026-11-27T12:00:00Z")
	demo.Env = env
	if out, err := demo.CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	source := "--source=" + filepath.Join(dir, "data")

	term := startTerminal(t, env, source, "repl")
	term.expect(`Ctrl-D to quit`)
	term.expect(`sql> `)

	// A statement over two lines: the continuation prompt, then the result.
	term.typ("SELECT 6 *\r")
	term.expect(`\.\.\.> `)
	term.typ("7 AS answer;\r")
	term.expect(`│ answer │`)
	term.expect(`│     42 │`)
	term.expect(`sql> `)

	// Ctrl-C during a long statement cancels it; the session goes on.
	// Ctrl-C is pressed again every 200 ms until the cancellation shows,
	// as sqlshell's test does: a Ctrl-C that comes before the statement
	// started is dropped, and no fixed sleep tells when it has.
	term.typ("SELECT count(*) FROM range(1000000000000);\r")
	took := term.expectWhile(`Error: query canceled`, 200*time.Millisecond, func() { term.typ("\x03") })
	t.Logf("Ctrl-C to cancellation: %v", took)
	term.expect(`sql> `)
	term.typ("SELECT 'still' || ' here' AS s;\r")
	term.expect(`│ still here │`)
	term.expect(`sql> `)

	// Ctrl-C at the prompt clears the statement being typed, even one
	// that spans lines.
	term.typ("SELECT\r")
	term.expect(`\.\.\.> `)
	term.typ("1 AS never")
	term.typ("\x03")
	term.expect(`sql> `)
	term.typ("SELECT 2 AS two;\r")
	term.expect(`│ two │`)
	term.expect(`sql> `)

	// Tab completes dot-commands and table names.
	term.typ(".ti\t on\r")
	term.expect(`sql> `)
	term.typ("SELECT count(DISTINCT salon_id) AS salons FROM bookin\t;\r")
	term.expect(`│ salons │`)
	term.expect(`│      2 │`) // demo --salons 2
	term.expect(`Run Time: [0-9.]+s`)
	term.expect(`sql> `)

	// Ctrl-D on an empty line ends the session with exit code 0.
	term.typ("\x04")
	if code := term.exit(); code != 0 {
		t.Fatalf("exit code after Ctrl-D = %d, want 0", code)
	}

	history, err := os.ReadFile(filepath.Join(dir, "state", "instudio-report", "history"))
	if err != nil {
		t.Fatalf("history: %v", err)
	}
	for _, want := range []string{"SELECT 6 * 7 AS answer;", ".timer on", "SELECT count(DISTINCT salon_id) AS salons FROM bookings;"} {
		if !strings.Contains(string(history), want+"\n") {
			t.Errorf("history lacks %q:\n%s", want, history)
		}
	}
	if strings.Contains(string(history), "never") {
		t.Errorf("history keeps a statement cleared with Ctrl-C:\n%s", history)
	}

	// The next session recalls the history: Up arrow brings back the last
	// statement, Enter runs it.
	term = startTerminal(t, env, source, "repl")
	term.expect(`sql> `)
	term.typ("\x1b[A")
	term.expect(`FROM bookings;`)
	term.typ("\r")
	term.expect(`│      2 │`)
	term.expect(`sql> `)
	term.typ(".quit\r")
	if code := term.exit(); code != 0 {
		t.Fatalf("exit code after .quit = %d, want 0", code)
	}
}
