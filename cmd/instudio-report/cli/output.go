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

var formats = []string{"table", "csv", "json", "md", "html"}

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

// writeReports renders reports to stdout, or to outFile when given ("-" is
// stdout). Nothing is written once ctx is cancelled, and a file is written
// whole or not at all.
func (o *rootOptions) writeReports(ctx context.Context, reports []report.Report, format, outFile string, asArray bool, opt report.Options) error {
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
	return o.writeOutput(ctx, buf.Bytes(), outFile)
}

// writeOutput writes rendered output to stdout, or to outFile when given
// ("-" is stdout). Nothing is written once ctx is cancelled, and a file is
// written whole or not at all.
func (o *rootOptions) writeOutput(ctx context.Context, data []byte, outFile string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if outFile == "" || outFile == "-" {
		_, err := o.env.Stdout.Write(data)
		return err
	}
	return storage.ReplaceFile(ctx, outFile, data)
}
