package sqlshell

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/instudio/instudio-report/queries"
)

// command is a dot-command of the shell. The table of them, in commands,
// is what runs them, what .help prints and what completion offers.
type command struct {
	name string
	args string
	help string
	// values are the words the argument may be, for completion; files
	// says that it may be a file name.
	values []string
	files  bool
	run    func(s *Shell, ctx context.Context, arg string) error
}

// maxReadDepth stops a file that reads itself.
const maxReadDepth = 16

func commands() []command {
	return []command{
		{name: ".help", help: "show this list", run: (*Shell).help},
		{name: ".tables", help: "list the tables and views (events and bookings are the source's)", run: (*Shell).tables},
		{name: ".schema", args: "[name]", help: "show the columns of every table and view, or of one", run: (*Shell).schema},
		{name: ".mode", args: strings.Join(modes(), "|"), help: "set the output mode (no argument: show it)", values: modes(), run: (*Shell).setMode},
		{name: ".timer", args: "on|off", help: "print how long each statement took", values: []string{"on", "off"}, run: (*Shell).setTimer},
		{name: ".maxrows", args: "N", help: "print at most N rows of a result, 0 for all (no argument: show it)", run: (*Shell).setMaxRows},
		{name: ".output", args: "FILE|stdout", help: "write results to FILE (truncated first), or back to stdout", values: []string{"stdout"}, files: true, run: (*Shell).output},
		{name: ".read", args: "FILE", help: "run the statements and dot-commands of FILE", files: true, run: (*Shell).read},
		{name: ".quit", help: "end the session (so does Ctrl-D)", run: (*Shell).quitCmd},
	}
}

// dotCommand runs one line that starts with a dot.
func (s *Shell) dotCommand(ctx context.Context, line string) error {
	name, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	for _, c := range commands() {
		if c.name == name {
			return c.run(s, ctx, arg)
		}
	}
	return fmt.Errorf("unknown command %s: .help lists the commands", name)
}

func (s *Shell) help(_ context.Context, _ string) error {
	cmds := commands()
	width := 0
	for _, c := range cmds {
		width = max(width, len(c.name)+1+len(c.args))
	}
	var b strings.Builder
	for _, c := range cmds {
		usage := strings.TrimSpace(c.name + " " + c.args)
		fmt.Fprintf(&b, "%-*s  %s\n", width, usage, c.help)
	}
	b.WriteString(`
A statement ends with ";" and may span lines. At a terminal, Tab completes
commands, file names, tables and columns; Ctrl-C cancels a running statement
or clears the line; Ctrl-D ends the session.
`)
	_, err := io.WriteString(s.stdout, b.String())
	return err
}

func (s *Shell) tables(ctx context.Context, arg string) error {
	if arg != "" {
		return fmt.Errorf(".tables takes no argument")
	}
	return s.query(ctx, queries.Query("shell_tables"))
}

func (s *Shell) schema(ctx context.Context, arg string) error {
	if strings.Contains(arg, " ") {
		return fmt.Errorf(".schema takes at most one name")
	}
	if arg == "" {
		return s.query(ctx, queries.Query("shell_columns"), nil)
	}
	n, err := s.loadNames(ctx)
	if err != nil {
		return err
	}
	if _, ok := n.columns[arg]; !ok {
		return fmt.Errorf("no table or view named %q: .tables lists them", arg)
	}
	return s.query(ctx, queries.Query("shell_columns"), arg)
}

func (s *Shell) setMode(_ context.Context, arg string) error {
	if arg == "" {
		_, err := fmt.Fprintln(s.stdout, s.mode)
		return err
	}
	if !ValidMode(arg) {
		return fmt.Errorf("invalid mode %q: use %s", arg, strings.Join(modes(), ", "))
	}
	s.mode = arg
	return nil
}

func (s *Shell) setTimer(_ context.Context, arg string) error {
	switch arg {
	case "on":
		s.timer = true
	case "off":
		s.timer = false
	case "":
		_, err := fmt.Fprintln(s.stdout, map[bool]string{true: "on", false: "off"}[s.timer])
		return err
	default:
		return fmt.Errorf(".timer: use on or off, not %q", arg)
	}
	return nil
}

func (s *Shell) setMaxRows(_ context.Context, arg string) error {
	if arg == "" {
		_, err := fmt.Fprintln(s.stdout, s.maxRows)
		return err
	}
	n, err := strconv.Atoi(arg)
	if err != nil || n < 0 {
		return fmt.Errorf(".maxrows: %q is not a number of rows (0 or more)", arg)
	}
	s.maxRows = n
	return nil
}

func (s *Shell) output(_ context.Context, arg string) error {
	arg = unquote(arg)
	if arg == "stdout" {
		arg = ""
	}
	return s.setOutput(arg)
}

// setOutput sends results to the file at path, or to stdout when path is
// empty, closing the file used before.
func (s *Shell) setOutput(path string) error {
	var f *os.File
	if path != "" {
		var err error
		if f, err = os.Create(path); err != nil {
			return fmt.Errorf(".output: %w", err)
		}
	}
	var err error
	if s.outFile != nil {
		if err = s.outFile.Close(); err != nil {
			err = fmt.Errorf(".output: close %s: %w", s.outFile.Name(), err)
		}
	}
	s.outFile, s.out = f, s.stdout
	if f != nil {
		s.out = f
	}
	return err
}

func (s *Shell) read(ctx context.Context, arg string) error {
	path := unquote(arg)
	if path == "" {
		return errors.New(".read: name the file to run")
	}
	if s.depth >= maxReadDepth {
		return fmt.Errorf(".read %s: files read each other more than %d deep", path, maxReadDepth)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf(".read: %w", err)
	}
	defer f.Close()
	s.depth++
	defer func() { s.depth-- }()
	return s.Run(ctx, Input{Reader: NewScanner(f), Name: path})
}

func (s *Shell) quitCmd(_ context.Context, _ string) error {
	s.quit = true
	return nil
}

// unquote takes the quotes off a file name given in quotes.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// Scanner reads lines from a pipe or a file; it shows no prompts.
type Scanner struct{ r *bufio.Reader }

// NewScanner reads the lines of r.
func NewScanner(r io.Reader) *Scanner { return &Scanner{r: bufio.NewReader(r)} }

// ReadLine returns the next line; the prompt is ignored.
func (sc *Scanner) ReadLine(string) (string, error) {
	line, err := sc.r.ReadString('\n')
	if err == io.EOF && line != "" {
		err = nil
	}
	if err != nil {
		return "", err
	}
	line = strings.TrimSuffix(line, "\n")
	return strings.TrimSuffix(line, "\r"), nil
}
