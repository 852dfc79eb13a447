package sqlshell

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/peterh/liner"
)

// Terminal is the LineReader of an interactive session: line editing,
// history search, tab completion, and a history file kept across
// sessions. liner owns the process's terminal (it reads os.Stdin and
// writes os.Stdout itself), so make one only when both are a terminal.
type Terminal struct {
	state       *liner.State
	historyPath string
}

// NewTerminal puts the terminal in line-editing mode, with the history
// file historyPath ("" keeps none; LoadHistory reads it) and complete for
// the Tab key. Close gives the terminal back.
func NewTerminal(historyPath string, complete liner.WordCompleter) *Terminal {
	t := &Terminal{state: liner.NewLiner(), historyPath: historyPath}
	t.state.SetCtrlCAborts(true)
	t.state.SetTabCompletionStyle(liner.TabPrints)
	if complete != nil {
		t.state.SetWordCompleter(complete)
	}
	return t
}

// LoadHistory reads the history of earlier sessions; a missing file is
// a first session.
func (t *Terminal) LoadHistory() error {
	if t.historyPath == "" {
		return nil
	}
	f, err := os.Open(t.historyPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer f.Close()
	if _, err := t.state.ReadHistory(f); err != nil {
		return fmt.Errorf("history %s: %w", t.historyPath, err)
	}
	return nil
}

// ReadLine reads a line with editing. Ctrl-C gives ErrInterrupt, Ctrl-D
// on an empty line io.EOF.
func (t *Terminal) ReadLine(prompt string) (string, error) {
	line, err := t.state.Prompt(prompt)
	if errors.Is(err, liner.ErrPromptAborted) {
		return "", ErrInterrupt
	}
	return line, err
}

// AddHistory remembers an entry and saves the history at once, so that a
// session that dies keeps what it had.
func (t *Terminal) AddHistory(entry string) error {
	t.state.AppendHistory(entry)
	if t.historyPath == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(t.historyPath), 0o700); err != nil {
		return fmt.Errorf("save history: %w", err)
	}
	// Write to a temporary file and rename it, so that two sessions
	// saving at once leave one whole history rather than a mix.
	tmp, err := os.CreateTemp(filepath.Dir(t.historyPath), ".history-*")
	if err != nil {
		return fmt.Errorf("save history: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := t.state.WriteHistory(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("save history %s: %w", t.historyPath, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save history %s: %w", t.historyPath, err)
	}
	if err := os.Rename(tmp.Name(), t.historyPath); err != nil {
		return fmt.Errorf("save history %s: %w", t.historyPath, err)
	}
	return nil
}

// Close gives the terminal back in the mode it was in.
func (t *Terminal) Close() error { return t.state.Close() }
