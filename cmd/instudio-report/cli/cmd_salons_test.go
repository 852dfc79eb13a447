package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
)

// TestSalonsAgreesWithSalon: on demo data, `salons -o json` carries, for
// every salon, exactly the object that `salon -o json` prints for it.
func TestSalonsAgreesWithSalon(t *testing.T) {
	dir := t.TempDir()
	if res := run(t, runOpts{}, "demo", "--dest", dir, "--now", "2026-11-27T12:00:00Z", "--salons", "4", "--days", "60", "--seed", "5"); res.code != 0 {
		t.Fatalf("demo: %s", res.stderr)
	}
	span := []string{"--from", "2026-10-28", "--to", "2026-11-27"}
	res := run(t, runOpts{}, append([]string{"--source", dir, "salons", "-o", "json"}, span...)...)
	if res.code != 0 {
		t.Fatalf("salons: %s", res.stderr)
	}
	var all []map[string]any
	if err := json.Unmarshal([]byte(res.stdout), &all); err != nil {
		t.Fatalf("not a JSON array: %v", err)
	}
	if len(all) != 4 {
		t.Fatalf("%d salons, want the 4 of the demo", len(all))
	}
	for i, got := range all {
		id := strconv.Itoa(i + 1)
		one := run(t, runOpts{}, append([]string{"--source", dir, "salon", "--id", id, "-o", "json"}, span...)...)
		if one.code != 0 {
			t.Fatalf("salon %s: %s", id, one.stderr)
		}
		var want map[string]any
		if err := json.Unmarshal([]byte(one.stdout), &want); err != nil {
			t.Fatal(err)
		}
		if want["bookings"] == 0.0 || want["revenue_cents"] == nil || len(want["staff"].([]any)) == 0 {
			t.Errorf("salon %s: an empty report proves nothing", id)
		}
		if !reflect.DeepEqual(got, want) {
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(want)
			t.Errorf("salon %s differs:\nsalons: %s\nsalon:  %s", id, gj, wj)
		}
	}
}

func TestSalonsRows(t *testing.T) {
	dir := writeSmallFixture(t)
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	// Salon 3 is configured but has no events: it still gets its row.
	if err := os.WriteFile(cfg, []byte("salons:\n  - id: 1\n    name: Miraflores\n  - id: 3\n    name: Barranco\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := run(t, runOpts{}, "--source", dir, "--config", cfg, "salons", "--period", "last-7d")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(res.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Header, then salons 1, 2, 3. Salon 1: 4 bookings (writeSmallFixture);
	// salon 2: 1 completed; salon 3: nothing.
	if len(rows) != 4 || rows[0][0] != "salon_id" || rows[0][5] != "bookings" {
		t.Fatalf("rows = %v", rows)
	}
	for i, want := range []string{"1,Miraflores,4", "2,,1", "3,Barranco,0"} {
		if got := rows[i+1][0] + "," + rows[i+1][1] + "," + rows[i+1][5]; got != want {
			t.Errorf("row %d = %s, want %s", i+1, got, want)
		}
	}

	tty := run(t, runOpts{terminal: true}, "--source", dir, "--config", cfg, "salons", "--period", "last-7d", "--lang", "es")
	for _, want := range []string{"Citas 2026-03-06 → 2026-03-12 (7 días)", "Miraflores", "Reservas", "% canceladas"} {
		if !strings.Contains(tty.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, tty.stdout)
		}
	}

	md := run(t, runOpts{}, "--source", dir, "--config", cfg, "salons", "--period", "last-7d", "-o", "md")
	// Salon 1: 4 bookings against 2 the week before (+100.0%), 1 completed,
	// 1 of 4 canceled (25.0%).
	if !strings.Contains(md.stdout, "| 1 | Miraflores | 4 | +100.0% | 1 | 25.0% |") {
		t.Errorf("markdown rows:\n%s", md.stdout)
	}

	one := run(t, runOpts{}, "--source", dir, "salons", "--ids", "2", "--period", "last-7d", "-o", "json")
	var arr []map[string]any
	if err := json.Unmarshal([]byte(one.stdout), &arr); err != nil || len(arr) != 1 || arr[0]["salon_id"] != 2.0 {
		t.Errorf("--ids 2 -o json = %s (%v)", one.stdout, err)
	}

	bad := run(t, runOpts{}, "--source", dir, "salons", "--ids", "9")
	if bad.code != 1 || !strings.Contains(bad.stderr, "salon 9 not found") {
		t.Errorf("unknown salon: exit %d, %s", bad.code, bad.stderr)
	}
	if u := run(t, runOpts{}, "--source", dir, "salons", "--ids", "0"); u.code != 2 {
		t.Errorf("--ids 0: exit %d, want 2", u.code)
	}
}

func TestSalonsOutDir(t *testing.T) {
	dir := writeSmallFixture(t)
	out := filepath.Join(t.TempDir(), "reports")
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("lang: en\nsalons:\n  - id: 2\n    lang: es\n    currency: USD\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := run(t, runOpts{}, "--source", dir, "--config", cfg, "salons", "--period", "last-7d", "-o", "html", "--out-dir", out)
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	one, err := os.ReadFile(filepath.Join(out, "salon-1.html"))
	if err != nil {
		t.Fatal(err)
	}
	two, err := os.ReadFile(filepath.Join(out, "salon-2.html"))
	if err != nil {
		t.Fatal(err)
	}
	// Each file in its salon's language and currency: salon 2's one
	// completed booking is worth 4500 cents (bookingtest's amount).
	if !strings.Contains(string(one), `lang="en"`) || !strings.Contains(string(one), "S/\u00a045.00") {
		t.Error("salon-1.html is not in English with soles")
	}
	if !strings.Contains(string(two), `lang="es"`) || !strings.Contains(string(two), "US$\u00a045.00") {
		t.Error("salon-2.html is not in Spanish with dollars")
	}
	// The default format of --out-dir is JSON.
	res = run(t, runOpts{}, "--source", dir, "salons", "--period", "last-7d", "--out-dir", out)
	if _, err := os.Stat(filepath.Join(out, "salon-2.json")); err != nil || res.code != 0 {
		t.Errorf("no salon-2.json: %v %s", err, res.stderr)
	}
}

func TestLangAndCurrencySettings(t *testing.T) {
	dir := writeSmallFixture(t)
	conf := func(body string) string {
		p := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name     string
		args     []string
		env      map[string]string
		code     int
		want     string // in stdout, or stderr when code != 0
		wantLang string
	}{
		{"default", nil, nil, 0, "S/\u00a045.00", "en"},
		{"flag", []string{"--lang", "es"}, nil, 0, "Ingresos", "es"},
		{"env", nil, map[string]string{"INSTUDIO_LANG": "es"}, 0, "Ingresos", "es"},
		{"config", []string{"--config", conf("lang: es\ncurrency: EUR\n")}, nil, 0, "€\u00a045.00", "es"},
		{"salon entry", []string{"--config", conf("lang: en\nsalons:\n  - id: 1\n    lang: es\n    currency: USD\n")}, nil, 0, "US$\u00a045.00", "es"},
		{"flag beats salon entry", []string{"--lang", "en", "--config", conf("salons:\n  - id: 1\n    lang: es\n")}, nil, 0, "Revenue", "en"},
		{"bad flag", []string{"--lang", "fr"}, nil, 2, `unknown language "fr": use en or es`, ""},
		{"bad config currency", []string{"--config", conf("currency: soles\n")}, nil, 2, `invalid currency "soles"`, ""},
		{"bad salon lang", []string{"--config", conf("salons:\n  - id: 1\n    lang: pt\n")}, nil, 1, `salon 1: unknown language "pt"`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--source", dir}, tc.args...)
			args = append(args, "salon", "--id", "1", "--period", "last-7d", "-o", "html")
			res := run(t, runOpts{env: tc.env}, args...)
			if res.code != tc.code {
				t.Fatalf("exit %d, want %d: %s", res.code, tc.code, res.stderr)
			}
			out := res.stdout
			if tc.code != 0 {
				out = res.stderr
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q:\n%.300s", tc.want, out)
			}
			if tc.wantLang != "" && !strings.Contains(out, `<html lang="`+tc.wantLang+`">`) {
				t.Errorf("not in %s", tc.wantLang)
			}
		})
	}
}

// salons over every salon says what it left out, as salon and salons
// --ids do (issue 19, item 17): here one event of salon 2 with status 9.
func TestSalonsEverySalonWarnsAboutRowsLeftOut(t *testing.T) {
	dir := writeSmallFixture(t)
	bad := bt.Event(t, "bad", 70, 2, booking.Status(9), "2026-03-09 12:00", "2026-03-11 10:00")
	bt.WriteFiles(t, dir, map[string][]booking.Event{"odd": {bad}})
	file := filepath.Join(dir, "bookings", "dt=2026-03-09", "odd.parquet")
	for args, want := range map[string]string{
		"salons":         "instudio-report: warning: left out 1 row that break the data contract, first in " + file + " (status 9 is outside 1..5)\n",
		"salons --ids 2": "instudio-report: warning: left out 1 row of these salons' bookings that break the data contract, first in " + file + " (status 9 is outside 1..5)\n",
	} {
		res := run(t, runOpts{}, append(append([]string{"--source", dir}, strings.Fields(args)...), "--period", "last-7d", "-o", "json")...)
		if res.code != 0 || res.stderr != want {
			t.Errorf("%s: exit %d, stderr %q, want %q", args, res.code, res.stderr, want)
		}
	}
}

// A salon the config file lists only with an email (no name, no zone) and
// that has no events yet is a salon: salons lists it, and --ids 9 reports
// it (it used to say "salon 9 not found"). An id in neither is still an
// error.
func TestSalonsIDsOfAConfiguredSalon(t *testing.T) {
	dir := writeSmallFixture(t)
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("salons:\n  - id: 9\n    email: [owner9@example.com]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := run(t, runOpts{}, "--source", dir, "--config", cfg, "salons", "--ids", "9", "--period", "last-7d", "-o", "json")
	if res.code != 0 || !strings.Contains(res.stdout, `"salon_id": 9,`) || !strings.Contains(res.stdout, `"bookings": 0,`) {
		t.Errorf("--ids 9: exit %d, stdout %.200s, stderr %s", res.code, res.stdout, res.stderr)
	}
	res = run(t, runOpts{}, "--source", dir, "--config", cfg, "salons", "--ids", "8", "--period", "last-7d", "-o", "json")
	if res.code != 1 || res.stderr != "instudio-report: salon 8 not found in "+dir+" (salons present: 1, 2)\n" {
		t.Errorf("--ids 8: exit %d, stderr %q", res.code, res.stderr)
	}
}
