package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCheckExitCodes(t *testing.T) {
	src := writeSmallFixture(t)
	// The newest event of the fixture is 4b, a no-show at 2026-03-12
	// 11:30, ingested a second later; the clock says 2026-03-13 09:00, so
	// it arrived 21 h 29 m 59 s ago.
	cases := []struct {
		name   string
		source string
		args   []string
		code   int
		stderr string
	}{
		{"fresh", src, []string{"--max-lag", "24h"}, 0, ""},
		{"stale", src, []string{"--max-lag", "2h"}, 3, "instudio-report: stale: newest event arrived 21h29m59s ago (ingested_at 2026-03-12T11:30:01Z), more than --max-lag 2h0m0s\n"},
		{"empty", t.TempDir(), nil, 3, "no booking events in"},
		{"bad lag", src, []string{"--max-lag", "0s"}, 2, "--max-lag must be positive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := run(t, runOpts{}, append([]string{"--source", c.source, "check", "-o", "json"}, c.args...)...)
			if res.code != c.code || !strings.Contains(res.stderr, c.stderr) {
				t.Fatalf("exit %d, stderr %q; want exit %d and %q", res.code, res.stderr, c.code, c.stderr)
			}
			if c.code == 2 {
				return
			}
			var h map[string]any
			if err := json.Unmarshal([]byte(res.stdout), &h); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, res.stdout)
			}
			if c.name == "fresh" && (h["newest_occurred_at"] != "2026-03-12T11:30:00Z" || h["lag"] != "21h29m59s" || h["lag_seconds"] != 77399.0 || h["max_lag_seconds"] != 86400.0 || h["last_day"] != "2026-03-12" || h["last_day_events"] != 1.0) {
				t.Errorf("health = %v", h)
			}
		})
	}
	// On a terminal it is a table of keys and values.
	res := run(t, runOpts{terminal: true}, "--source", src, "check", "--max-lag", "24h")
	if res.code != 0 || !strings.Contains(res.stdout, "newest_occurred_at  2026-03-12T11:30:00Z\n") {
		t.Errorf("table:\n%s", res.stdout)
	}
}
