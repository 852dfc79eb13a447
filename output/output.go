// Package output owns the output rule of the program: the formats, how a
// run picks one (once: -o, else the extension of --out, else a table on a
// terminal and CSV in a pipe), which formats a command can write, the
// terminal table every command draws with, and where the bytes go.
package output

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// Format is an output format, as -o names it.
type Format string

// The formats. To add one: a constant here, its extension in extensions,
// and its writer in the commands that can write it (each declares its
// formats where it is built).
const (
	Table    Format = "table"
	CSV      Format = "csv"
	JSON     Format = "json"
	Markdown Format = "md"
	HTML     Format = "html"
)

// All is every format, in the order help and errors list them.
var All = []Format{Table, CSV, JSON, Markdown, HTML}

// extensions are the file-name endings of the formats: --out picks a
// format from them, --out-dir names files with the first.
var extensions = map[Format][]string{
	Table:    {".txt"},
	CSV:      {".csv"},
	JSON:     {".json"},
	Markdown: {".md"},
	HTML:     {".html", ".htm"},
}

// Extension is the file-name ending of f, such as ".json".
func Extension(f Format) string { return extensions[f][0] }

// Names lists formats for a message: "table, csv or json".
func Names(formats []Format) string {
	s := make([]string, len(formats))
	for i, f := range formats {
		s[i] = string(f)
	}
	return orList(s)
}

// Strings are the formats' names, for completion.
func Strings(formats []Format) []string {
	s := make([]string, len(formats))
	for i, f := range formats {
		s[i] = string(f)
	}
	return s
}

func orList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// Parse checks that s names a format.
func Parse(s string) (Format, error) {
	if f := Format(s); slices.Contains(All, f) {
		return f, nil
	}
	return "", fmt.Errorf("invalid output format %q: use %s", s, Names(All))
}

// Choice is what decides a run's format.
type Choice struct {
	// Setting is -o, INSTUDIO_FORMAT or the config's format ("" for none);
	// Explicit is set when it came from -o on this command line.
	Setting  Format
	Explicit bool
	// OutFile is --out ("" or "-" for stdout).
	OutFile string
	// Terminal says that stdout is a terminal.
	Terminal bool
}

// UnsupportedError is a format that the command cannot write.
type UnsupportedError struct {
	Command string
	Format  Format
	Allowed []Format
}

func (e *UnsupportedError) Error() string {
	if len(e.Allowed) == 0 {
		return fmt.Sprintf("%s writes no formatted output: leave out -o %s", e.Command, e.Format)
	}
	return fmt.Sprintf("invalid output format %q for %s: use %s", e.Format, e.Command, Names(e.Allowed))
}

// ExtensionError is an --out file whose ending names no format.
type ExtensionError struct {
	File    string
	Allowed []Format
}

func (e *ExtensionError) Error() string {
	var exts []string
	for _, f := range e.Allowed {
		exts = append(exts, extensions[f]...)
	}
	return fmt.Sprintf("--out %s: %q names no output format: end the name in %s, or give -o", e.File, filepath.Ext(e.File), orList(exts))
}

// Pick chooses the format of a command that writes allowed (the first is
// its default for a terminal): -o when it is one of them, else, on a
// setting from the environment or the config file that the command
// cannot write, the default; else the extension of --out; else a table on
// a terminal and CSV in a pipe (a table when the command has no CSV). -o
// naming a format the command cannot write is an *UnsupportedError, and a
// --out name whose extension names none an *ExtensionError.
func Pick(command string, c Choice, allowed []Format) (Format, error) {
	if c.Setting != "" {
		if slices.Contains(allowed, c.Setting) {
			return c.Setting, nil
		}
		if c.Explicit {
			return "", &UnsupportedError{Command: command, Format: c.Setting, Allowed: allowed}
		}
	}
	if len(allowed) == 0 {
		return "", nil
	}
	if c.OutFile != "" && c.OutFile != "-" {
		ext := strings.ToLower(filepath.Ext(c.OutFile))
		if ext == "" {
			return fallback(allowed, false), nil
		}
		for _, f := range allowed {
			if slices.Contains(extensions[f], ext) {
				return f, nil
			}
		}
		return "", &ExtensionError{File: c.OutFile, Allowed: allowed}
	}
	return fallback(allowed, c.Terminal), nil
}

func fallback(allowed []Format, terminal bool) Format {
	if !terminal && slices.Contains(allowed, CSV) {
		return CSV
	}
	if slices.Contains(allowed, Table) {
		return Table
	}
	return allowed[0]
}

// WriteTable draws rows under header as the program's terminal tables
// are drawn (tablewriter's box, headers as given). Without a header it
// draws a plain list of aligned columns, two spaces apart, for keys and
// values.
func WriteTable(w io.Writer, header []string, rows [][]string) error {
	opts := []tablewriter.Option{
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
	}
	if len(header) == 0 {
		opts = append(opts,
			tablewriter.WithRendition(tw.Rendition{Borders: tw.BorderNone, Settings: tw.Settings{Separators: tw.SeparatorsNone, Lines: tw.LinesNone}}),
			tablewriter.WithPadding(tw.Padding{Left: "", Right: "  ", Overwrite: true}))
	}
	var buf bytes.Buffer
	t := tablewriter.NewTable(&buf, opts...)
	if len(header) > 0 {
		t.Header(header)
	}
	if err := t.Bulk(rows); err != nil {
		return err
	}
	if err := t.Render(); err != nil {
		return err
	}
	out := buf.Bytes()
	if len(header) == 0 {
		// The last column is padded like the others: no trailing spaces.
		lines := bytes.SplitAfter(out, []byte("\n"))
		out = out[:0:0]
		for _, l := range lines {
			end := bytes.HasSuffix(l, []byte("\n"))
			l = bytes.TrimRight(l, " \n")
			out = append(out, l...)
			if end {
				out = append(out, '\n')
			}
		}
	}
	_, err := w.Write(out)
	return err
}
