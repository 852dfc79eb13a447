package layout

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/instudio/instudio-report/output"
)

// The summaries that compact and import-legacy end with: one plain line
// (the CLI prints it on stderr), numbers grouped as demo's line has them,
// for a person or a cron mail.

// CompactSummary is compact's line, for example "wrote 1,061,234 events in
// 2 files to ./data in 2.8 s (2,468 files before, 2 after)".
func CompactSummary(root string, res *CompactResult, dryRun bool, elapsed time.Duration) string {
	var files, already int
	var events int64
	for _, out := range res.Outputs {
		if out.AlreadyThere {
			already++
			continue
		}
		files++
		events += out.Rows
	}
	var b strings.Builder
	if dryRun {
		fmt.Fprintf(&b, "would write %s events in %s to %s (%s now, %s after",
			grouped(events), fileCount(files), root, fileCount(res.FilesBefore), grouped(int64(res.FilesAfter)))
	} else {
		fmt.Fprintf(&b, "wrote %s events in %s to %s in %.1f s (%s before, %s after",
			grouped(events), fileCount(files), root, elapsed.Seconds(), fileCount(res.FilesBefore), grouped(int64(res.FilesAfter)))
	}
	if already > 0 {
		fmt.Fprintf(&b, "; %s already there", grouped(int64(already)))
	}
	if n := len(res.Leftovers); n > 0 {
		fmt.Fprintf(&b, "; %s left by an interrupted run", grouped(int64(n)))
	}
	if n := len(res.LeftAlone); n > 0 {
		fmt.Fprintf(&b, "; %s left alone", grouped(int64(n)))
	}
	b.WriteString(")")
	return b.String()
}

// ImportSummary is import-legacy's line, for example "imported 99,687
// events in 88 files to ./data in 5.5 s (0 already imported)".
func ImportSummary(dest string, res *ImportResult, dryRun bool, elapsed time.Duration) string {
	var b strings.Builder
	if dryRun {
		fmt.Fprintf(&b, "would import %s events in %s to %s (%s already imported",
			grouped(int64(res.Imported)), fileCount(len(res.Written)), dest, grouped(int64(res.AlreadyImported)))
	} else {
		fmt.Fprintf(&b, "imported %s events in %s to %s in %.1f s (%s already imported",
			grouped(int64(res.Imported)), fileCount(len(res.Written)), dest, elapsed.Seconds(), grouped(int64(res.AlreadyImported)))
	}
	if n := len(res.Changed); n > 0 {
		fmt.Fprintf(&b, ", %s of them changed since", grouped(int64(n)))
	}
	if n := len(res.LeftAlone); n > 0 {
		fmt.Fprintf(&b, "; %s left alone", grouped(int64(n)))
	}
	b.WriteString(")")
	return b.String()
}

// LogAttrs are compact's result as slog key-value pairs, for the
// structured record of the run.
func (res *CompactResult) LogAttrs() []any {
	return []any{"files_before", res.FilesBefore, "files_after", res.FilesAfter, "written", len(res.Outputs), "left_alone", len(res.LeftAlone)}
}

// LogAttrs are import-legacy's result as slog key-value pairs, for the
// structured record of the run.
func (res *ImportResult) LogAttrs() []any {
	return []any{"imported", res.Imported, "already_imported", res.AlreadyImported, "files_written", len(res.Written), "left_alone", len(res.LeftAlone)}
}

// WriteLines lists what compact did, a line per file, as uri names them:
// leftovers deleted, files written, files left alone.
func (res *CompactResult) WriteLines(w io.Writer, uri func(key string) string, dryRun bool) {
	verb := "wrote"
	if dryRun {
		verb = "would write"
	}
	for _, k := range res.Leftovers {
		fmt.Fprintf(w, "deleted %s: already in a compacted file (a run was interrupted)\n", uri(k))
	}
	for _, out := range res.Outputs {
		note := ""
		if out.Parts > 0 {
			note = fmt.Sprintf(" (part %d of %d)", out.Part, out.Parts)
		}
		if out.AlreadyThere {
			note += " (already there)"
		}
		fmt.Fprintf(w, "%s %s: %d events from %d files, %s to %s%s\n", verb, uri(out.Key), out.Rows, out.Inputs, out.FirstDay, out.LastDay, note)
	}
	for _, s := range res.LeftAlone {
		fmt.Fprintf(w, "left alone %s: %s\n", uri(s.Key), s.Reason)
	}
}

// WriteLines lists what import-legacy did, a line per file written (as
// uri names them) or left alone.
func (res *ImportResult) WriteLines(w io.Writer, uri func(key string) string, dryRun bool) {
	verb := "wrote"
	if dryRun {
		verb = "would write"
	}
	for _, k := range res.Written {
		fmt.Fprintf(w, "%s %s\n", verb, uri(k))
	}
	for _, s := range res.LeftAlone {
		fmt.Fprintf(w, "left alone %s: %s\n", s.Key, s.Reason)
	}
	for _, s := range res.Changed {
		fmt.Fprintf(w, "not imported again %s: %s\n", s.Key, s.Reason)
	}
}

// Write prints the health as check does: JSON, CSV or a table of keys and
// values.
func (h *Health) Write(w io.Writer, format output.Format) error {
	if format == output.JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(h)
	}
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	rows := [][2]string{
		{"source", h.Source},
		{"newest_occurred_at", at(h.NewestOccurredAt)},
		{"newest_ingested_at", at(h.NewestIngestedAt)},
		{"lag", h.Lag.String()},
		{"max_lag", h.MaxLag.String()},
		{"stale", strconv.FormatBool(h.Stale)},
		{"last_day", h.LastDay},
		{"last_day_files", strconv.Itoa(h.LastDayFiles)},
		{"last_day_events", strconv.FormatInt(h.LastDayEvents, 10)},
		{"files", strconv.Itoa(h.Files)},
		{"small_files", strconv.Itoa(h.SmallFiles)},
		{"rejected_files", strconv.Itoa(h.RejectedFiles)},
		{"rejected_records", strconv.FormatInt(h.RejectedRecords, 10)},
	}
	if h.Empty {
		rows[3][1] = ""
	}
	if format == output.CSV {
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"key", "value"})
		for _, r := range rows {
			_ = cw.Write(r[:])
		}
		cw.Flush()
		return cw.Error()
	}
	cells := make([][]string, len(rows))
	for i, r := range rows {
		cells[i] = r[:]
	}
	return output.WriteTable(w, nil, cells)
}

// grouped writes n with a comma between groups of three digits: 16,927.
func grouped(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String()
}

// fileCount is "1 file" or "2,468 files".
func fileCount(n int) string {
	if n == 1 {
		return "1 file"
	}
	return grouped(int64(n)) + " files"
}
