package report

import (
	"bytes"
	"fmt"
	"io"
	"slices"

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

// TimelineFormats are the formats a booking's timeline is written in.
var TimelineFormats = []output.Format{output.Table, output.JSON}

// WriteTimeline renders a booking's timeline in format.
func WriteTimeline(w io.Writer, format output.Format, t Timeline) error {
	switch format {
	case output.Table:
		return WriteTimelineTable(w, t)
	case output.JSON:
		return WriteTimelineJSON(w, t)
	}
	return fmt.Errorf("a timeline is not written as %q", format)
}

// DirFormat is the format of the files of a directory of reports (salons
// --out-dir): the format asked for when reports are written in it, else
// JSON. A directory is never a terminal, so the table is not its default.
func DirFormat(asked output.Format) output.Format {
	if slices.Contains(Formats, asked) {
		return asked
	}
	return output.JSON
}

// WriteEach renders each report on its own in format, as the file
// salon-<id>.<ext>, in each salon's options, and hands it to write.
func WriteEach(format output.Format, reports []Report, opt func(salonID int64) Options, write func(name string, data []byte) error) error {
	for _, r := range reports {
		var buf bytes.Buffer
		if err := Write(&buf, format, []Report{r}, false, opt(r.SalonID)); err != nil {
			return fmt.Errorf("salon %d: %w", r.SalonID, err)
		}
		if err := write(fmt.Sprintf("salon-%d%s", r.SalonID, output.Extension(format)), buf.Bytes()); err != nil {
			return fmt.Errorf("salon %d: %w", r.SalonID, err)
		}
	}
	return nil
}
