package sqlshell

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// modes are the output modes, in the order .help lists them.
func modes() []string { return []string{"table", "csv", "json", "md", "line"} }

// ValidMode reports whether m is an output mode: table, csv, json, md or
// line.
func ValidMode(m string) bool {
	for _, x := range modes() {
		if x == m {
			return true
		}
	}
	return false
}

// resultWriter renders one result set. Begin comes once, then Row for
// each row, then End; table-like modes buffer until End to size columns.
type resultWriter interface {
	Begin(cols []Column) error
	Row(vals []any) error
	End() error
}

func newResultWriter(mode string, w io.Writer) resultWriter {
	switch mode {
	case "csv":
		return &csvWriter{w: csv.NewWriter(w)}
	case "json":
		return &jsonWriter{w: bufio.NewWriter(w)}
	case "md":
		return &mdWriter{w: w}
	case "line":
		return &lineWriter{w: bufio.NewWriter(w)}
	}
	return &tableWriter{w: w}
}

// tableWriter draws a box table with tablewriter; numbers align right.
type tableWriter struct {
	w    io.Writer
	cols []Column
	rows [][]string
}

func (t *tableWriter) Begin(cols []Column) error { t.cols = cols; return nil }

func (t *tableWriter) Row(vals []any) error {
	cells := make([]string, len(vals))
	for i, v := range vals {
		cells[i] = text(v, t.cols[i].Type)
	}
	t.rows = append(t.rows, cells)
	return nil
}

func (t *tableWriter) End() error {
	align := make([]tw.Align, len(t.cols))
	header := make([]any, len(t.cols))
	for i, c := range t.cols {
		align[i] = tw.AlignLeft
		if c.numeric() {
			align[i] = tw.AlignRight
		}
		header[i] = c.Name
	}
	table := tablewriter.NewTable(t.w,
		// Column names are shown as they are: the default upper-cases
		// them and turns underscores into spaces.
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
	)
	table.Header(header...)
	for _, r := range t.rows {
		if err := table.Append(r); err != nil {
			return err
		}
	}
	return table.Render()
}

// csvWriter writes RFC 4180 CSV with a header line; NULL is an empty
// field.
type csvWriter struct {
	w    *csv.Writer
	cols []Column
}

func (c *csvWriter) Begin(cols []Column) error {
	c.cols = cols
	names := make([]string, len(cols))
	for i, col := range cols {
		names[i] = col.Name
	}
	return c.w.Write(names)
}

func (c *csvWriter) Row(vals []any) error {
	rec := make([]string, len(vals))
	for i, v := range vals {
		if v != nil {
			rec[i] = text(v, c.cols[i].Type)
		}
	}
	return c.w.Write(rec)
}

func (c *csvWriter) End() error {
	c.w.Flush()
	return c.w.Error()
}

// jsonWriter writes an array of objects, one per row, keys in column
// order, one row a line.
type jsonWriter struct {
	w    *bufio.Writer
	cols []Column
	keys [][]byte
	n    int
}

func (j *jsonWriter) Begin(cols []Column) error {
	j.cols = cols
	j.keys = make([][]byte, len(cols))
	for i, c := range cols {
		k, err := json.Marshal(c.Name)
		if err != nil {
			return err
		}
		j.keys[i] = k
	}
	_, err := j.w.WriteString("[")
	return err
}

func (j *jsonWriter) Row(vals []any) error {
	if j.n > 0 {
		j.w.WriteString(",")
	}
	j.n++
	j.w.WriteString("\n  {")
	for i, v := range vals {
		if i > 0 {
			j.w.WriteString(", ")
		}
		b, err := json.Marshal(jsonValue(v, j.cols[i].Type))
		if err != nil {
			return fmt.Errorf("column %s: %w", j.cols[i].Name, err)
		}
		j.w.Write(j.keys[i])
		j.w.WriteString(": ")
		j.w.Write(b)
	}
	_, err := j.w.WriteString("}")
	return err
}

func (j *jsonWriter) End() error {
	if j.n > 0 {
		j.w.WriteString("\n")
	}
	j.w.WriteString("]\n")
	return j.w.Flush()
}

// mdWriter writes a GitHub-flavoured Markdown table; numbers align right.
type mdWriter struct {
	w    io.Writer
	cols []Column
	rows [][]string
}

func (m *mdWriter) Begin(cols []Column) error { m.cols = cols; return nil }

func (m *mdWriter) Row(vals []any) error {
	cells := make([]string, len(vals))
	for i, v := range vals {
		cells[i] = mdCell(text(v, m.cols[i].Type))
	}
	m.rows = append(m.rows, cells)
	return nil
}

func (m *mdWriter) End() error {
	width := make([]int, len(m.cols))
	header := make([]string, len(m.cols))
	for i, c := range m.cols {
		header[i] = mdCell(c.Name)
		width[i] = max(3, displayWidth(header[i]))
	}
	for _, r := range m.rows {
		for i, c := range r {
			width[i] = max(width[i], displayWidth(c))
		}
	}
	var sb strings.Builder
	line := func(cells []string) {
		sb.WriteString("|")
		for i, c := range cells {
			pad := strings.Repeat(" ", width[i]-displayWidth(c))
			if m.cols[i].numeric() {
				sb.WriteString(" " + pad + c + " |")
			} else {
				sb.WriteString(" " + c + pad + " |")
			}
		}
		sb.WriteString("\n")
	}
	line(header)
	sb.WriteString("|")
	for i, c := range m.cols {
		if c.numeric() {
			sb.WriteString(" " + strings.Repeat("-", width[i]-1) + ": |")
		} else {
			sb.WriteString(" " + strings.Repeat("-", width[i]) + " |")
		}
	}
	sb.WriteString("\n")
	for _, r := range m.rows {
		line(r)
	}
	_, err := io.WriteString(m.w, sb.String())
	return err
}

// mdCell escapes what would break a Markdown table row.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "<br>"), "\n", "<br>")
}

func displayWidth(s string) int { return runewidth.StringWidth(s) }

// lineWriter writes one "column = value" line per column, rows apart by
// a blank line: the layout for wide rows.
type lineWriter struct {
	w     *bufio.Writer
	cols  []Column
	width int
	n     int
}

func (l *lineWriter) Begin(cols []Column) error {
	l.cols = cols
	for _, c := range cols {
		l.width = max(l.width, displayWidth(c.Name))
	}
	return nil
}

func (l *lineWriter) Row(vals []any) error {
	if l.n > 0 {
		l.w.WriteString("\n")
	}
	l.n++
	for i, v := range vals {
		name := l.cols[i].Name
		fmt.Fprintf(l.w, "%s%s = %s\n", strings.Repeat(" ", l.width-displayWidth(name)), name, text(v, l.cols[i].Type))
	}
	return nil
}

func (l *lineWriter) End() error { return l.w.Flush() }
