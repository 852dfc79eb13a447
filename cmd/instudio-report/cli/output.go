package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"

	"github.com/instudio/instudio-report/report"
	"github.com/instudio/instudio-report/storage"
)

var formats = []string{"table", "csv", "json"}

func validFormat(f string) bool { return slices.Contains(formats, f) }

// outputFormat picks the format of a run: the setting when given, else the
// extension of --out, else a table on a terminal and CSV when piped.
func (o *rootOptions) outputFormat(outFile string) string {
	if o.settings.Format != "" {
		return o.settings.Format
	}
	if outFile != "" && outFile != "-" {
		switch strings.ToLower(filepath.Ext(outFile)) {
		case ".json":
			return "json"
		case ".txt":
			return "table"
		}
		return "csv"
	}
	if o.env.StdoutIsTerminal {
		return "table"
	}
	return "csv"
}

// writeReports renders reports to stdout, or to outFile when given ("-" is
// stdout). Nothing is written once ctx is cancelled, and a file is written
// whole or not at all.
func (o *rootOptions) writeReports(ctx context.Context, reports []report.Report, format, outFile string, asArray bool) error {
	var buf bytes.Buffer
	var err error
	switch format {
	case "table":
		err = report.WriteTable(&buf, reports)
	case "csv":
		err = report.WriteCSV(&buf, reports)
	case "json":
		err = report.WriteJSON(&buf, reports, asArray)
	default:
		err = usagef("invalid output format %q: use %s", format, strings.Join(formats, ", "))
	}
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if outFile == "" || outFile == "-" {
		_, err = o.env.Stdout.Write(buf.Bytes())
		return err
	}
	return storage.ReplaceFile(ctx, outFile, buf.Bytes())
}
