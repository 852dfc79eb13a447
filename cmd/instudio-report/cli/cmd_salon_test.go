package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSalonJSON(t *testing.T) {
	dir := writeSmallFixture(t)
	res := run(t, runOpts{}, "--source", dir, "salon", "--id", "1", "--period", "last-7d", "-o", "json")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, res.stdout)
	}
	want := map[string]any{
		"salon_id": 1.0, "from": "2026-03-06", "to": "2026-03-13", "as_of": nil,
		"bookings": 4.0, "pending": 0.0, "confirmed": 1.0, "completed": 1.0, "canceled": 1.0, "no_show": 1.0,
		"cancellation_rate": 0.25, "late_cancellation_rate": 0.25, "no_show_rate": 0.25,
		"peak_hour": 10.0, // 10:00, 11:00 and 18:00 have one each
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	daily := got["daily"].([]any)
	wantDaily := []string{"2026-03-06 0 0", "2026-03-07 0 0", "2026-03-08 0 0", "2026-03-09 1 0", "2026-03-10 1 1", "2026-03-11 1 0", "2026-03-12 1 0"}
	if len(daily) != len(wantDaily) {
		t.Fatalf("daily = %v", daily)
	}
	for i, w := range wantDaily {
		d := daily[i].(map[string]any)
		if g := strings.Join([]string{d["date"].(string), num(d["bookings"]), num(d["canceled"])}, " "); g != w {
			t.Errorf("daily[%d] = %s, want %s", i, g, w)
		}
	}
	prev := got["previous"].(map[string]any)
	wantPrev := map[string]any{
		"from": "2026-02-27", "to": "2026-03-06", "bookings": 2.0, "completed": 1.0, "canceled": 1.0,
		"cancellation_rate": 0.5, "late_cancellation_rate": 0.0, "no_show_rate": 0.0, "peak_hour": 18.0,
	}
	for k, v := range wantPrev {
		if prev[k] != v {
			t.Errorf("previous.%s = %v, want %v", k, prev[k], v)
		}
	}
}

func num(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestSalonTableOnTerminalCSVWhenPiped(t *testing.T) {
	dir := writeSmallFixture(t)
	tty := run(t, runOpts{terminal: true}, "--source", dir, "salon", "--id", "1", "--period", "last-7d")
	if tty.code != 0 {
		t.Fatalf("exit %d: %s", tty.code, tty.stderr)
	}
	// Cells are compared with their padding folded: widths follow the labels.
	folded := strings.Join(strings.Fields(tty.stdout), " ")
	for _, want := range []string{"Salon 1", "2026-03-06 → 2026-03-12 (7 days)", "│ Cancellation rate │ 25.0% │ 50.0% │ -25.0 pp │", "│ 2026-03-10 │ Tue │ 1 │ 1 │"} {
		if !strings.Contains(folded, want) {
			t.Errorf("table lacks %q:\n%s", want, tty.stdout)
		}
	}

	piped := run(t, runOpts{}, "--source", dir, "salon", "--id", "1", "--period", "last-7d")
	rows, err := csv.NewReader(strings.NewReader(piped.stdout)).ReadAll()
	if err != nil {
		t.Fatalf("piped output is not CSV: %v\n%s", err, piped.stdout)
	}
	if rows[0][0] != "salon_id" || rows[1][5] != "bookings" || rows[1][7] != "4" {
		t.Errorf("CSV starts %v %v", rows[0], rows[1])
	}
}

func TestSalonOutFile(t *testing.T) {
	dir := writeSmallFixture(t)
	out := filepath.Join(t.TempDir(), "salon1.json")
	res := run(t, runOpts{terminal: true}, "--source", dir, "salon", "--id", "1", "--period", "last-7d", "--out", out)
	if res.code != 0 || res.stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", res.code, res.stdout, res.stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(data), `"bookings": 4`) {
		t.Errorf("%s = %s (%v), want the JSON report (format from the extension)", out, data, err)
	}
}

func TestSalonEmptyPeriod(t *testing.T) {
	dir := writeSmallFixture(t)
	res := run(t, runOpts{}, "--source", dir, "salon", "--id", "2", "--from", "2025-01-01", "--to", "2025-01-03", "-o", "json")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got["bookings"] != 0.0 || got["cancellation_rate"] != nil || got["peak_hour"] != nil || len(got["daily"].([]any)) != 2 {
		t.Errorf("empty period report = %s", res.stdout)
	}
}

func TestSalonErrors(t *testing.T) {
	dir := writeSmallFixture(t)
	empty := t.TempDir()
	corrupt := writeSmallFixture(t)
	bad := filepath.Join(corrupt, "bookings", "dt=2026-03-01", "broken.parquet")
	if err := os.WriteFile(bad, []byte("not parquet at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown salon", []string{"--source", dir, "salon", "--id", "99"}, 1,
			"instudio-report: salon 99 not found in " + dir + " (salons present: 1, 2)\n"},
		{"no booking files", []string{"--source", empty, "salon", "--id", "1"}, 1,
			"instudio-report: no booking files match " + empty + "/bookings/dt=*/*.parquet; run `instudio-report demo`"},
		{"missing source", []string{"--source", empty + "/nope", "salon", "--id", "1"}, 1,
			"instudio-report: source directory " + empty + "/nope does not exist; run `instudio-report demo` to create sample data there, or point --source at the directory that holds bookings/\n"},
		{"corrupt file", []string{"--source", corrupt, "salon", "--id", "1"}, 1, bad},
		{"from after to", []string{"--source", dir, "salon", "--id", "1", "--from", "2026-03-10", "--to", "2026-03-01"}, 2,
			"--from 2026-03-10 must be before --to 2026-03-01"},
		{"bad date", []string{"--source", dir, "salon", "--id", "1", "--from", "2026-3-1", "--to", "2026-03-10"}, 2,
			`--from: invalid date "2026-3-1": use YYYY-MM-DD`},
		{"bad period", []string{"--source", dir, "salon", "--id", "1", "--period", "fortnight"}, 2,
			`--period: invalid period "fortnight"`},
		{"period and dates", []string{"--source", dir, "salon", "--id", "1", "--period", "last-7d", "--from", "2026-03-01"}, 2,
			"give either --period or --from and --to, not both"},
		{"from alone", []string{"--source", dir, "salon", "--id", "1", "--from", "2026-03-01"}, 2,
			"--from and --to go together"},
		{"bad as-of", []string{"--source", dir, "salon", "--id", "1", "--as-of", "noon"}, 2, `--as-of: invalid time "noon"`},
		{"missing id", []string{"--source", dir, "salon"}, 2, "--id is required"},
		{"id not a number", []string{"--source", dir, "salon", "--id", "one"}, 2, `invalid argument "one" for "--id"`},
		{"unknown flag", []string{"salon", "--id", "1", "--colour"}, 2, "unknown flag: --colour"},
		{"unknown command", []string{"salom"}, 2, `unknown command "salom"`},
		{"bad format", []string{"--source", dir, "-o", "xml", "salon", "--id", "1"}, 2, `invalid output format "xml"`},
		{"bad memory limit", []string{"--source", dir, "--memory-limit", "lots", "salon", "--id", "1"}, 2, `invalid memory limit "lots"`},
		{"bad threads env", []string{"--source", dir, "salon", "--id", "1"}, 2, `INSTUDIO_THREADS: "many" is not a whole number`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var env map[string]string
			if tc.name == "bad threads env" {
				env = map[string]string{"INSTUDIO_THREADS": "many"}
			}
			res := run(t, runOpts{env: env}, tc.args...)
			if res.code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", res.code, tc.code, res.stderr)
			}
			if !strings.Contains(res.stderr, tc.want) {
				t.Errorf("stderr = %q, want it to contain %q", res.stderr, tc.want)
			}
			if lines := strings.Count(strings.TrimRight(res.stderr, "\n"), "\n"); lines > 0 {
				t.Errorf("error spans %d lines, want one:\n%s", lines+1, res.stderr)
			}
			if strings.Contains(res.stderr, "goroutine") || res.stdout != "" {
				t.Errorf("stdout %q, stderr %q", res.stdout, res.stderr)
			}
		})
	}
}

func TestSettingsPrecedence(t *testing.T) {
	dir := writeSmallFixture(t)
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("source: "+dir+"\nformat: json\nsalons:\n  - id: 1\n    name: Studio Miraflores\n    timezone: America/Lima\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--config", cfg, "salon", "--id", "1", "--period", "last-7d"}

	// The config file alone: its source and its format.
	res := run(t, runOpts{}, args...)
	if res.code != 0 || !strings.HasPrefix(res.stdout, "{") {
		t.Fatalf("config format json: exit %d, stdout %.60q, stderr %s", res.code, res.stdout, res.stderr)
	}
	// The environment beats the file.
	res = run(t, runOpts{env: map[string]string{"INSTUDIO_FORMAT": "csv"}}, args...)
	if !strings.HasPrefix(res.stdout, "salon_id,") {
		t.Errorf("env over config: stdout %.60q", res.stdout)
	}
	// A flag beats both.
	res = run(t, runOpts{env: map[string]string{"INSTUDIO_FORMAT": "csv"}}, append([]string{"-o", "table"}, args...)...)
	if !strings.Contains(res.stdout, "Salon 1 · Studio Miraflores") {
		t.Errorf("flag over env: stdout %.80q", res.stdout)
	}
	// INSTUDIO_CONFIG names the file too, and XDG_CONFIG_HOME holds the default one.
	res = run(t, runOpts{env: map[string]string{"INSTUDIO_CONFIG": cfg}}, "salon", "--id", "1", "--period", "last-7d")
	if !strings.HasPrefix(res.stdout, "{") {
		t.Errorf("INSTUDIO_CONFIG: stdout %.60q stderr %s", res.stdout, res.stderr)
	}
	xdg := t.TempDir()
	if err := os.MkdirAll(filepath.Join(xdg, "instudio-report"), 0o755); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(cfg)
	if err := os.WriteFile(filepath.Join(xdg, "instudio-report", "config.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	res = run(t, runOpts{env: map[string]string{"XDG_CONFIG_HOME": xdg}}, "salon", "--id", "1", "--period", "last-7d")
	if !strings.HasPrefix(res.stdout, "{") {
		t.Errorf("XDG default config: stdout %.60q stderr %s", res.stdout, res.stderr)
	}
	// The source from the environment beats the file's.
	res = run(t, runOpts{env: map[string]string{"INSTUDIO_SOURCE": t.TempDir()}}, args...)
	if res.code != 1 || !strings.Contains(res.stderr, "no booking files") {
		t.Errorf("INSTUDIO_SOURCE over config: exit %d, stderr %s", res.code, res.stderr)
	}
}

func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.yaml")
	os.WriteFile(typo, []byte("sorce: ./data\n"), 0o644)
	badZone := filepath.Join(dir, "zone.yaml")
	os.WriteFile(badZone, []byte("salons:\n  - id: 3\n    timezone: Lima/Peru\n"), 0o644)
	twice := filepath.Join(dir, "twice.yaml")
	os.WriteFile(twice, []byte("salons:\n  - id: 3\n  - id: 3\n"), 0o644)
	salonTypo := filepath.Join(dir, "salontypo.yaml")
	os.WriteFile(salonTypo, []byte("salons:\n  - id: 3\n    timzone: America/Lima\n"), 0o644)
	farTypo := filepath.Join(dir, "far.yaml")
	os.WriteFile(farTypo, []byte("colour: blue\n"), 0o644)
	noID := filepath.Join(dir, "noid.yaml")
	os.WriteFile(noID, []byte("salons:\n  - name: Studio\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--config", twice, "salon", "--id", "1"}, "salons[1]: salon 3 is listed twice"},
		{[]string{"--config", noID, "salon", "--id", "1"}, "salons[0]: id must be a positive salon id, got 0"},
		{[]string{"--config", typo, "salon", "--id", "1"}, "instudio-report: config " + typo + ": line 1: unknown key \"sorce\" (did you mean \"source\"?)\n"},
		{[]string{"--config", salonTypo, "salon", "--id", "1"}, "instudio-report: config " + salonTypo + ": line 3: unknown key \"timzone\" (did you mean \"timezone\"?)\n"},
		{[]string{"--config", farTypo, "salon", "--id", "1"}, "instudio-report: config " + farTypo + ": line 1: unknown key \"colour\"\n"},
		{[]string{"--config", filepath.Join(dir, "missing.yaml"), "salon", "--id", "1"}, "missing.yaml: open"},
		{[]string{"--config", badZone, "salon", "--id", "1"}, `salon 3: invalid timezone "Lima/Peru"`},
		{[]string{"--timezone", "Mars/Olympus", "salon", "--id", "1"}, `invalid time zone "Mars/Olympus"`},
	} {
		res := run(t, runOpts{}, tc.args...)
		if res.code == 0 || !strings.Contains(res.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, res.code, res.stderr, tc.want)
		}
	}
}

func TestVersionNamesTheBuildAndEngine(t *testing.T) {
	res := run(t, runOpts{}, "version")
	if res.code != 0 || !strings.HasPrefix(res.stdout, "instudio-report ") || !strings.Contains(res.stdout, "duckdb:  v1.5") {
		t.Errorf("version: exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}
}

func TestCompletionScriptForBash(t *testing.T) {
	res := run(t, runOpts{}, "completion", "bash")
	if res.code != 0 || !strings.Contains(res.stdout, "__start_instudio-report") {
		t.Errorf("completion bash: exit %d, %d bytes", res.code, len(res.stdout))
	}
}

// A relative period ends at the --as-of day, not at today: the books as
// they stood then, over the days before then.
func TestRelativePeriodEndsAtAsOf(t *testing.T) {
	dir := writeSmallFixture(t)
	// last-7d as of 2026-03-10 00:00 is [03-03, 03-10): booking 1 (03-09,
	// completed 03-09 11:00) and booking 6 (03-03, canceled 02-28). The
	// week before, [02-24, 03-03), holds booking 5 (03-02, completed).
	res := run(t, runOpts{}, "--source", dir, "salon", "--id", "1", "--period", "last-7d", "--as-of", "2026-03-10", "-o", "json")
	for _, want := range []string{
		`"from": "2026-03-03"`, `"to": "2026-03-10"`, `"as_of": "2026-03-10T00:00:00Z"`,
		`"bookings": 2,`, `"completed": 1,`, `"canceled": 1,`,
		`"previous": {` + "\n" + `    "from": "2026-02-24",`,
	} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("missing %s in\n%s", want, res.stdout)
		}
	}
	// The default period too: the 30 days before 2026-03-10.
	res = run(t, runOpts{}, "--source", dir, "salon", "--id", "1", "--as-of", "2026-03-10", "-o", "json")
	if !strings.Contains(res.stdout, `"from": "2026-02-08"`) || !strings.Contains(res.stdout, `"to": "2026-03-10"`) {
		t.Errorf("default period as of 2026-03-10:\n%s", res.stdout)
	}
	// An explicit period is what it says.
	res = run(t, runOpts{}, "--source", dir, "salon", "--id", "1", "--period", "2026-03", "--as-of", "2026-03-10", "-o", "json")
	if !strings.Contains(res.stdout, `"from": "2026-03-01"`) || !strings.Contains(res.stdout, `"to": "2026-04-01"`) {
		t.Errorf("2026-03 as of 2026-03-10:\n%s", res.stdout)
	}
}
