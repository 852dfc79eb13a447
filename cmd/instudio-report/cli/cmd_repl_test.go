package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runRepl runs the repl with script on stdin (a reader, not a terminal).
func runRepl(t *testing.T, env map[string]string, script string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Execute(context.Background(), Env{
		Stdin:  strings.NewReader(script),
		Stdout: &stdout,
		Stderr: &stderr,
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return fixedNow },
	}, append(args, "repl"))
	return result{stdout.String(), stderr.String(), code}
}

func TestReplPiped(t *testing.T) {
	dir := writeSmallFixture(t)
	home := t.TempDir()
	env := map[string]string{"HOME": home}
	// Salon 2 has one booking (7), completed; salon 1 has six.
	res := runRepl(t, env, ".mode csv\nSELECT salon_id, count(*) AS n\nFROM bookings\nGROUP BY ALL ORDER BY 1;\n", "--source", dir)
	if res.code != 0 || res.stdout != "salon_id,n\n1,6\n2,1\n" || res.stderr != "" {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", res.code, res.stdout, res.stderr)
	}
	// A piped session keeps no history.
	if _, err := os.Stat(filepath.Join(home, ".local", "state", "instudio-report", "history")); !os.IsNotExist(err) {
		t.Errorf("history written by a piped session: %v", err)
	}

	res = runRepl(t, env, "SELECT * FROM nope;\nSELECT 1 AS one;\n", "--source", dir)
	if res.code != 1 || res.stdout != "one\n1\n" {
		t.Fatalf("exit %d, stdout %q", res.code, res.stdout)
	}
	if !strings.HasPrefix(res.stderr, "Error: stdin:1: Catalog Error: Table with name nope does not exist!") ||
		!strings.HasSuffix(res.stderr, "instudio-report: repl: 1 of the statements and commands failed\n") {
		t.Errorf("stderr %q", res.stderr)
	}
}

func TestReplRC(t *testing.T) {
	dir := writeSmallFixture(t)
	tests := []struct {
		name string
		env  func(home string) map[string]string
		rc   func(home string) string
	}{
		{"XDG_CONFIG_HOME",
			func(home string) map[string]string {
				return map[string]string{"XDG_CONFIG_HOME": filepath.Join(home, "cfg")}
			},
			func(home string) string { return filepath.Join(home, "cfg", "instudio-report", "replrc") }},
		{"HOME",
			func(home string) map[string]string { return map[string]string{"HOME": home} },
			func(home string) string { return filepath.Join(home, ".config", "instudio-report", "replrc") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			rc := tt.rc(home)
			if err := os.MkdirAll(filepath.Dir(rc), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(rc, []byte(".mode json\nCREATE TEMP VIEW mine AS SELECT 3 AS x;\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			res := runRepl(t, tt.env(home), "SELECT x FROM mine;\n", "--source", dir)
			if res.code != 0 || res.stdout != "[\n  {\"x\": 3}\n]\n" {
				t.Fatalf("exit %d\nstdout %q\nstderr %q", res.code, res.stdout, res.stderr)
			}
		})
	}
}
