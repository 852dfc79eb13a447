package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Each command writes the formats it declares; -o naming another is a
// usage error that names them (booking -o csv and check -o html used to
// print a table), and --out with an ending that names no format is one
// too (r.xlsx used to get CSV).
func TestOutputFormatRule(t *testing.T) {
	dir := writeSmallFixture(t)
	out := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"booking", "--id", "1", "-o", "csv"}, "instudio-report: invalid output format \"csv\" for booking: use table or json\n"},
		{[]string{"check", "-o", "html"}, "instudio-report: invalid output format \"html\" for check: use table, csv or json\n"},
		{[]string{"query", "-o", "html", "SELECT 1"}, "instudio-report: invalid output format \"html\" for query: use table, csv, json or md\n"},
		{[]string{"compact", "-o", "json"}, "instudio-report: compact writes no formatted output: leave out -o json\n"},
		{[]string{"salon", "--id", "1", "--out", filepath.Join(out, "r.xlsx")},
			"instudio-report: --out " + filepath.Join(out, "r.xlsx") + ": \".xlsx\" names no output format: end the name in .txt, .csv, .json, .md, .html or .htm, or give -o\n"},
	} {
		res := run(t, runOpts{}, append([]string{"--source", dir}, tc.args...)...)
		if res.code != exitUsage || res.stderr != tc.want || res.stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.args, res.code, res.stdout, res.stderr, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "r.xlsx")); err == nil {
		t.Error("r.xlsx was written")
	}

	// .htm is HTML, and -o wins over the name.
	res := run(t, runOpts{}, "--source", dir, "salon", "--id", "1", "--period", "last-7d", "--out", filepath.Join(out, "r.htm"))
	page, _ := os.ReadFile(filepath.Join(out, "r.htm"))
	if res.code != 0 || !strings.HasPrefix(string(page), "<!DOCTYPE html>") {
		t.Errorf("--out r.htm: exit %d, %s, file starts %.40q", res.code, res.stderr, page)
	}
	res = run(t, runOpts{}, "--source", dir, "-o", "json", "salon", "--id", "1", "--period", "last-7d", "--out", filepath.Join(out, "r.xlsx"))
	data, _ := os.ReadFile(filepath.Join(out, "r.xlsx"))
	if res.code != 0 || !strings.HasPrefix(string(data), "{") {
		t.Errorf("-o json --out r.xlsx: exit %d, %s, file starts %.40q", res.code, res.stderr, data)
	}

	// A format from the environment that a command cannot write is a
	// preference for the others: check prints its default, CSV in a pipe.
	res = run(t, runOpts{env: map[string]string{"INSTUDIO_FORMAT": "html"}}, "--source", dir, "check", "--max-lag", "876000h")
	if res.code != 0 || !strings.HasPrefix(res.stdout, "key,value\n") {
		t.Errorf("INSTUDIO_FORMAT=html check: exit %d, stdout %.40q, stderr %s", res.code, res.stdout, res.stderr)
	}
}

// -o completes the formats of the command at hand.
func TestOutputFormatCompletion(t *testing.T) {
	for cmd, want := range map[string]string{
		"booking": "table\njson\n",
		"check":   "table\ncsv\njson\n",
		"salon":   "table\ncsv\njson\nmd\nhtml\n",
	} {
		res := run(t, runOpts{}, "__complete", cmd, "-o", "")
		if got, _, _ := strings.Cut(res.stdout, ":"); res.code != 0 || got != want {
			t.Errorf("%s -o <Tab>: exit %d, %q; want %q", cmd, res.code, got, want)
		}
	}
}
