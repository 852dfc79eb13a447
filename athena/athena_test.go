package athena

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func setup() Setup {
	return Setup{Database: "instudio_bookings", Location: "s3://instudio-data/bookings/", ProjectionStart: "2024-01-01"}
}

func lima(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("America/Lima")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestStatementsFillEveryPlaceholder(t *testing.T) {
	stmts, err := Statements(setup())
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 3 {
		t.Fatalf("want table, events, bookings; got %d statements", len(stmts))
	}
	for _, want := range []string{
		"CREATE EXTERNAL TABLE IF NOT EXISTS instudio_bookings.booking_files (",
		"LOCATION 's3://instudio-data/bookings/'",
		"'projection.dt.range'         = '2024-01-01,NOW'",
		"'storage.location.template'   = 's3://instudio-data/bookings/dt=${dt}/'",
	} {
		if !strings.Contains(stmts[0], want) {
			t.Errorf("table DDL lacks %q:\n%s", want, stmts[0])
		}
	}
	if !strings.HasPrefix(stmts[1], "CREATE OR REPLACE VIEW instudio_bookings.events AS\nSELECT") ||
		!strings.HasPrefix(stmts[2], "CREATE OR REPLACE VIEW instudio_bookings.bookings AS\nWITH") {
		t.Errorf("views:\n%s\n%s", stmts[1][:60], stmts[2][:60])
	}
	for _, s := range stmts {
		if strings.Contains(s, "{{") || !strings.HasSuffix(s, ";") || strings.Count(s, ";") != 1 {
			t.Errorf("statement not filled in, or not one statement:\n%s", s)
		}
	}
	q, err := HeadlineQuery(Headline{Database: "instudio_bookings", SalonID: 7,
		From: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Zone: lima(t)})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"b.salon_id = 7", "TIMESTAMP '2026-10-01 00:00:00'", "TIMESTAMP '2026-11-01 00:00:00'", "AT TIME ZONE 'America/Lima'"} {
		if !strings.Contains(q, want) {
			t.Errorf("headline lacks %q", want)
		}
	}
}

func TestBadSetupIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Setup)
		want string
	}{
		{"quote in database", func(s *Setup) { s.Database = "x'; DROP TABLE y; --" }, "athena database"},
		{"location without slash", func(s *Setup) { s.Location = "s3://b/bookings" }, "athena location"},
		{"location not s3", func(s *Setup) { s.Location = "/data/bookings/" }, "athena location"},
		{"bad start", func(s *Setup) { s.ProjectionStart = "2024-13-01" }, "projection start"},
	} {
		s := setup()
		tc.edit(&s)
		if _, err := Statements(s); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error naming %q", tc.name, err, tc.want)
		}
	}
	if _, err := HeadlineQuery(Headline{Database: "d", SalonID: 0, From: time.Now(), To: time.Now().Add(time.Hour)}); err == nil {
		t.Error("salon 0 accepted")
	}
}

// TestTrinoGrammar parses every statement with dt-sql-parser's Trino
// grammar (athena/trino, installed by `make athena-parser`).
func TestTrinoGrammar(t *testing.T) {
	node, err := exec.LookPath("node")
	mod := filepath.Join("trino", "node_modules", "dt-sql-parser", "package.json")
	if _, statErr := os.Stat(mod); err != nil || statErr != nil {
		msg := "node or athena/trino/node_modules missing: run make athena-parser"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	stmts, err := Statements(setup())
	if err != nil {
		t.Fatal(err)
	}
	q, err := HeadlineQuery(Headline{Database: "instudio_bookings", SalonID: 7,
		From: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Zone: lima(t)})
	if err != nil {
		t.Fatal(err)
	}
	// Glue stores a view's bare SELECT, which must parse on its own too.
	var bodies []string
	for _, v := range []string{EventsView, BookingsView} {
		b, err := ViewBody(v)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, b)
	}
	// Hive DDL (CREATE EXTERNAL TABLE … STORED AS) is not Trino's grammar:
	// Athena runs DDL through Hive. Its Trino twin, CREATE TABLE … WITH,
	// is what the grammar can check; the DDL is checked by
	// TestStatementsFillEveryPlaceholder and deploy's plan test.
	all := append(append(stmts[1:], q), bodies...)
	// A statement that must not parse proves the parser can fail.
	all = append(all, "SELECT count(* FROM events")
	in, _ := json.Marshal(all)
	cmd := exec.Command(node, "--import", "./resolve.mjs", "parse.mjs")
	cmd.Dir = "trino"
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node parse.mjs: %v\n%s", err, stderr.String())
	}
	var errs [][]string
	if err := json.Unmarshal(out, &errs); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for i, e := range errs[:len(errs)-1] {
		if len(e) > 0 {
			t.Errorf("Trino grammar rejects statement %d: %v\n%s", i, e, all[i])
		}
	}
	if len(errs[len(errs)-1]) == 0 {
		t.Error("the parser accepted a broken statement")
	}
}

// The script is the three statements, then the headline when a salon is
// asked for, a blank line between each; a bad headline fails it whole.
func TestScript(t *testing.T) {
	plain, err := Script(setup(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(plain, ";\n\n"); n != 2 || !strings.HasSuffix(plain, ";") || strings.Contains(plain, "salon_id = 7") {
		t.Errorf("without a salon: %d separators, want 2 and no headline:\n%s", n, plain)
	}
	h := &Headline{Database: "instudio_bookings", SalonID: 7,
		From: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Zone: lima(t)}
	full, err := Script(setup(), h)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(full, plain+"\n\n") || strings.Count(full, ";\n\n") != 3 || !strings.Contains(full[len(plain):], "b.salon_id = 7") {
		t.Errorf("with salon 7: not the statements then the headline:\n%s", full[len(plain):])
	}
	h.To = h.From
	if _, err := Script(setup(), h); err == nil {
		t.Error("an empty period: no error")
	}
}
