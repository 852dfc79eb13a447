package cli

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/instudio/instudio-report/layout"
)

// The summaries that compact and import-legacy end with: one plain line on
// stderr, numbers grouped as demo's line has them, for a person or a cron
// mail. The structured record of the same run is logged at debug level.
// --log-level warn (or error) leaves the line out, so that a cron job
// mails only its failures.

// summaryWanted says whether the one-line summary goes to stderr.
func (o *rootOptions) summaryWanted(ctx context.Context) bool {
	return o.log.Enabled(ctx, slog.LevelInfo)
}

// compactSummary is compact's line, for example "wrote 1,061,234 events in
// 2 files to ./data in 2.8 s (2,468 files before, 2 after)".
func compactSummary(root string, res *layout.CompactResult, dryRun bool, elapsed time.Duration) string {
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

// importSummary is import-legacy's line, for example "imported 99,687
// events in 88 files to ./data in 5.5 s (0 already imported)".
func importSummary(dest string, res *layout.ImportResult, dryRun bool, elapsed time.Duration) string {
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
