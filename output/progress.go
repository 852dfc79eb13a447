package output

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// The progress bars of long runs. They go to stderr, and only when it is
// a terminal: the caller decides, and passes nil (no progress) otherwise.

// SyncBar shows the objects, bytes and rate of an S3 cache sync (a
// layout.SyncProgress).
type SyncBar struct {
	w       io.Writer
	bar     *progressbar.ProgressBar
	objects int
	done    int
}

// NewSyncBar draws on w.
func NewSyncBar(w io.Writer) *SyncBar { return &SyncBar{w: w} }

// Start begins the bar of objects totalling bytes.
func (p *SyncBar) Start(objects int, bytes int64) {
	p.objects = objects
	p.bar = progressbar.NewOptions64(bytes,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(fmt.Sprintf("syncing 0/%d objects", objects)),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

// Fetched counts one object of bytes.
func (p *SyncBar) Fetched(bytes int64) {
	p.done++
	p.bar.Describe(fmt.Sprintf("syncing %d/%d objects", p.done, p.objects))
	_ = p.bar.Add64(bytes)
}

// Finish clears the bar.
func (p *SyncBar) Finish() { _ = p.bar.Finish() }

// Bar is a progress callback, done of total, drawn on w as what.
func Bar(w io.Writer, what string) func(done, total int) {
	var bar *progressbar.ProgressBar
	return func(done, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total,
				progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription(what),
				progressbar.OptionShowCount(),
				progressbar.OptionClearOnFinish(),
			)
		}
		_ = bar.Set(done)
		if done == total {
			_ = bar.Finish()
		}
	}
}

// Counter counts things whose number is known only at the end: add
// counts one, finish clears it.
func Counter(w io.Writer, what string) (add, finish func()) {
	bar := progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
	)
	return func() { _ = bar.Add(1) }, func() { _ = bar.Finish() }
}
