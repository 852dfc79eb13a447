package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestBookingTimelineAsTableAndJSON(t *testing.T) {
	dir := writeSmallFixture(t)
	// Booking 2: created 03-01 10:00, canceled 03-10 08:00, for 03-10 18:00.
	res := run(t, runOpts{terminal: true}, "--source", dir, "booking", "--id", "2")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	for _, want := range []string{"Booking 2: 2 events", "2026-03-10 08:00:00", "canceled", "Current state: canceled, appointment 2026-03-10 18:00 at salon 1", "Anomalies: none"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, res.stdout)
		}
	}
	res = run(t, runOpts{}, "--source", dir, "booking", "--id", "2", "-o", "json")
	var got struct {
		Events []map[string]any `json:"events"`
		State  map[string]any   `json:"state"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, res.stdout)
	}
	if len(got.Events) != 2 || got.State["status_name"] != "canceled" || got.State["canceled_at"] != "2026-03-10T08:00:00Z" {
		t.Errorf("json = %s", res.stdout)
	}
	// As of before the cancellation, it is still pending.
	res = run(t, runOpts{}, "--source", dir, "booking", "--id", "2", "--as-of", "2026-03-05", "-o", "json")
	if !strings.Contains(res.stdout, `"status_name": "pending"`) {
		t.Errorf("as of 03-05: %s", res.stdout)
	}
	if res := run(t, runOpts{}, "--source", dir, "booking", "--id", "99"); res.code != 1 || !strings.Contains(res.stderr, "booking 99 not found") {
		t.Errorf("unknown booking: exit %d %s", res.code, res.stderr)
	}
	if res := run(t, runOpts{}, "--source", dir, "booking"); res.code != 2 {
		t.Errorf("no --id: exit %d, want 2", res.code)
	}
}
