package report_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/output"
	"github.com/instudio/instudio-report/report"
)

// WriteTimeline writes the formats it declares, and names the one it
// cannot write rather than falling back to a table.
func TestWriteTimelineFormats(t *testing.T) {
	tl := report.NewTimeline(8, []booking.Event{
		bt.Event(t, "x", 8, 1, booking.Pending, "2026-03-01 10:00", "2026-03-10 10:00"),
	}, nil)
	var buf bytes.Buffer
	if err := report.WriteTimeline(&buf, output.JSON, tl); err != nil {
		t.Fatal(err)
	}
	var got struct {
		BookingID int64 `json:"booking_id"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil || got.BookingID != 8 {
		t.Errorf("json: booking_id %d, err %v:\n%s", got.BookingID, err, buf.String())
	}
	buf.Reset()
	if err := report.WriteTimeline(&buf, output.Table, tl); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "Booking 8: 1 events\n") {
		t.Errorf("table:\n%s", buf.String())
	}
	for _, f := range report.TimelineFormats {
		if err := report.WriteTimeline(&bytes.Buffer{}, f, tl); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if err := report.WriteTimeline(&bytes.Buffer{}, output.CSV, tl); err == nil || !strings.Contains(err.Error(), `"csv"`) {
		t.Errorf("csv: err = %v, want one naming csv", err)
	}
}

// A directory of reports is in the format asked for when reports have it,
// else JSON (never the terminal's table by default).
func TestDirFormat(t *testing.T) {
	for asked, want := range map[output.Format]output.Format{
		"": output.JSON, output.HTML: output.HTML, output.CSV: output.CSV, output.Markdown: output.Markdown,
		output.Table: output.Table, "jsonl": output.JSON,
	} {
		if got := report.DirFormat(asked); got != want {
			t.Errorf("DirFormat(%q) = %q, want %q", asked, got, want)
		}
	}
}

// WriteEach names each salon's file by its id and the format's extension,
// renders it alone in that salon's options, and names the salon whose
// file failed.
func TestWriteEach(t *testing.T) {
	a, b := sample(t), sample(t)
	b.SalonID, b.SalonName = 12, "Barranco"
	files := map[string]string{}
	var langs []string
	opt := func(id int64) report.Options {
		lang := map[int64]string{1: "en", 12: "es"}[id]
		langs = append(langs, lang)
		return report.Options{Lang: lang, Currency: "PEN"}
	}
	err := report.WriteEach(output.JSON, []report.Report{a, b}, opt, func(name string, data []byte) error {
		files[name] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || !strings.Contains(files["salon-1.json"], `"salon_id": 1,`) ||
		!strings.Contains(files["salon-12.json"], `"salon_id": 12,`) {
		t.Errorf("files = %v", files)
	}
	// One object per file, not an array.
	if strings.HasPrefix(strings.TrimSpace(files["salon-12.json"]), "[") {
		t.Errorf("salon-12.json is an array:\n%s", files["salon-12.json"])
	}
	if strings.Join(langs, ",") != "en,es" {
		t.Errorf("options asked for %v, want en,es", langs)
	}
	full := errors.New("disk full")
	err = report.WriteEach(output.HTML, []report.Report{a, b}, opt, func(name string, data []byte) error {
		if name == "salon-12.html" {
			return full
		}
		return nil
	})
	if !errors.Is(err, full) || !strings.HasPrefix(err.Error(), "salon 12: ") {
		t.Errorf("err = %v, want salon 12: disk full", err)
	}
}
