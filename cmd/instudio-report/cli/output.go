package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/instudio/instudio-report/report"
)

var formats = []string{"table", "csv", "json", "md", "html"}

func validFormat(f string) bool { return slices.Contains(formats, f) }

// outputFormat picks the format of a run: the setting when given, else the
// extension of --out, else a table on a terminal and CSV when piped.
func (o *rootOptions) outputFormat(outFile string) string {
	if o.settings.Format != "" {
		return o.settings.Format
	}
	if outFile != "" {
		switch strings.ToLower(filepath.Ext(outFile)) {
		case ".json":
			return "json"
		case ".txt":
			return "table"
		case ".md":
			return "md"
		case ".html", ".htm":
			return "html"
		}
		return "csv"
	}
	if o.env.StdoutIsTerminal {
		return "table"
	}
	return "csv"
}

// writeReports renders reports to stdout, or to outFile when given. The
// file is written whole or not at all.
func (o *rootOptions) writeReports(reports []report.Report, format, outFile string, asArray bool, opt report.Options) error {
	var buf bytes.Buffer
	var err error
	switch format {
	case "table":
		err = report.WriteTable(&buf, reports, opt)
	case "csv":
		err = report.WriteCSV(&buf, reports)
	case "json":
		err = report.WriteJSON(&buf, reports, asArray)
	case "md":
		err = report.WriteMarkdown(&buf, reports, opt)
	case "html":
		err = report.WriteHTML(&buf, reports, opt)
	default:
		err = usagef("invalid output format %q: use %s", format, strings.Join(formats, ", "))
	}
	if err != nil {
		return err
	}
	if outFile == "" {
		_, err = o.env.Stdout.Write(buf.Bytes())
		return err
	}
	return writeFileAtomic(outFile, buf.Bytes())
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".instudio-report-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
