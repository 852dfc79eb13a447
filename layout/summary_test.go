package layout

import (
	"fmt"
	"testing"
)

func TestGroupedPutsCommasEveryThreeDigits(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 16927: "16,927", 1057265: "1,057,265", -1234: "-1,234"} {
		if got := grouped(n); got != want {
			t.Errorf("grouped(%d) = %q, want %q", n, got, want)
		}
	}
}

// The structured record of a run counts files as the summary line does.
func TestResultLogAttrs(t *testing.T) {
	c := &CompactResult{Outputs: []Output{{Key: "a"}, {Key: "b"}}, LeftAlone: []Skipped{{Key: "c"}}, FilesBefore: 9, FilesAfter: 3}
	if got, want := fmt.Sprint(c.LogAttrs()...), fmt.Sprint("files_before", 9, "files_after", 3, "written", 2, "left_alone", 1); got != want {
		t.Errorf("compact: %s, want %s", got, want)
	}
	i := &ImportResult{Written: []string{"a"}, Imported: 5, AlreadyImported: 2, LeftAlone: []Skipped{{Key: "x"}, {Key: "y"}}}
	if got, want := fmt.Sprint(i.LogAttrs()...), fmt.Sprint("imported", 5, "already_imported", 2, "files_written", 1, "left_alone", 2); got != want {
		t.Errorf("import: %s, want %s", got, want)
	}
}
