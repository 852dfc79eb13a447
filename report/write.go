package report

import (
	"fmt"
	"io"

	"github.com/instudio/instudio-report/output"
)

// Formats are the formats a report is written in.
var Formats = []output.Format{output.Table, output.CSV, output.JSON, output.Markdown, output.HTML}

// Write renders full reports in format: JSON as an array when asArray
// (or when there are several), else as one object.
func Write(w io.Writer, format output.Format, reports []Report, asArray bool, opt Options) error {
	switch format {
	case output.Table:
		return WriteTable(w, reports, opt)
	case output.CSV:
		return WriteCSV(w, reports)
	case output.JSON:
		return WriteJSON(w, reports, asArray)
	case output.Markdown:
		return WriteMarkdown(w, reports, opt)
	case output.HTML:
		return WriteHTML(w, reports, opt)
	}
	return fmt.Errorf("reports are not written as %q", format)
}

// WriteSummary renders many salons' reports as salons does: one row per
// salon with the headline figures (table, csv, md), or the full reports
// (json, an array; html, one document).
func WriteSummary(w io.Writer, format output.Format, reports []Report, opt Options) error {
	switch format {
	case output.Table:
		return WriteSummaryTable(w, reports, opt)
	case output.CSV:
		return WriteSummaryCSV(w, reports)
	case output.Markdown:
		return WriteSummaryMarkdown(w, reports, opt)
	}
	return Write(w, format, reports, true, opt)
}
