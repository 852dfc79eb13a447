package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAthenaSQL(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte("salons:\n  - id: 3\n    timezone: America/Lima\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		args  []string
		code  int
		want  []string // in stdout, or in stderr when code != 0
		wantN int      // statements printed
	}{
		{"views from an s3 source", []string{"--source", "s3://instudio-data/prod", "athena-sql"}, 0,
			[]string{"LOCATION 's3://instudio-data/prod/bookings/'", "CREATE OR REPLACE VIEW instudio_bookings.events AS", "CREATE OR REPLACE VIEW instudio_bookings.bookings AS"}, 3},
		// fixedNow is 2026-03-13, so last-7d is [2026-03-06, 2026-03-13).
		{"headline of salon 3 in its zone", []string{"--config", cfg, "athena-sql", "--location", "s3://bkt/bookings", "--database", "analytics", "--id", "3", "--period", "last-7d"}, 0,
			[]string{"LOCATION 's3://bkt/bookings/'", "FROM analytics.bookings b", "b.salon_id = 3", "TIMESTAMP '2026-03-06 00:00:00'", "TIMESTAMP '2026-03-13 00:00:00'", "AT TIME ZONE 'America/Lima'"}, 4},
		{"salon without a zone is UTC", []string{"athena-sql", "--location", "s3://bkt/bookings/", "--id", "9", "--from", "2026-01-01", "--to", "2026-02-01"}, 0,
			[]string{"b.salon_id = 9", "AT TIME ZONE 'UTC'", "DATE '2026-02-01'"}, 4},
		{"local source needs --location", []string{"--source", dir, "athena-sql"}, 2, []string{"instudio-report: athena-sql: give --location s3://bucket/bookings/"}, 0},
		{"database must be an identifier", []string{"athena-sql", "--location", "s3://bkt/bookings/", "--database", "a;b"}, 2, []string{`athena database "a;b"`}, 0},
		{"as-of has no Athena form", []string{"athena-sql", "--location", "s3://bkt/bookings/", "--id", "3", "--as-of", "2026-03-01"}, 2, []string{"--as-of has no Athena form"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, runOpts{}, tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %s", r.code, tc.code, r.stderr)
			}
			out := r.stdout
			if tc.code != 0 {
				out = r.stderr
				if strings.Count(out, "\n") != 1 {
					t.Errorf("want a one-line error, got %q", out)
				}
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if got := strings.Count(r.stdout, ";\n"); got != tc.wantN {
				t.Errorf("%d statements, want %d", got, tc.wantN)
			}
		})
	}
}
