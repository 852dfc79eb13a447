package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Ctrl-C (SIGINT) or SIGTERM while salon runs: the program stops, says
// "interrupted" on one line, exits 130 (SIGINT) or 143 (SIGTERM, 128 + 15)
// and leaves no output file, not even a temporary one. The phase is picked
// from the debug log: "settings" comes just before the source is listed,
// "attached source" just before the report's queries run. Rendering and
// writing take microseconds, so a signal there is tested in-process
// (cli.TestInterruptedRunWritesNothing). The time from the signal to the
// exit is logged; the bound is loose on purpose (a loaded CI machine), the
// figure on an idle machine is well under a second.
func TestSignals(t *testing.T) {
	home, program := programDir(t)
	data := filepath.Join(home, "data")
	demo := exec.Command(program, "demo", "--dest", data, "--salons", "20", "--days", "200", "--seed", "1", "--now", "2026-11-27T12:00:00Z")
	demo.Env = []string{"HOME=" + home}
	if out, err := demo.CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		phase, logLine string
		signal         syscall.Signal
		code           int
	}{
		{"listing", "msg=settings", syscall.SIGINT, 130},
		{"listing", "msg=settings", syscall.SIGTERM, 143},
		{"query", `msg="attached source"`, syscall.SIGINT, 130},
		{"query", `msg="attached source"`, syscall.SIGTERM, 143},
	} {
		t.Run(tc.phase+" "+tc.signal.String(), func(t *testing.T) {
			outDir := t.TempDir()
			out := filepath.Join(outDir, "report.json")
			cmd := exec.Command(program, "--source", data, "--log-level", "debug", "salon", "--id", "1", "--from", "2026-05-01", "--to", "2026-11-27", "--out", out)
			cmd.Env = []string{"HOME=" + home}
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var rest bytes.Buffer
			var sent time.Time
			lines := bufio.NewScanner(stderr)
			for lines.Scan() {
				line := lines.Text()
				if !strings.Contains(line, "level=DEBUG") {
					rest.WriteString(line + "\n")
				}
				if sent.IsZero() && strings.Contains(line, tc.logLine) {
					sent = time.Now()
					if err := cmd.Process.Signal(tc.signal); err != nil {
						t.Fatal(err)
					}
				}
			}
			took := waitAfterSignal(t, cmd, sent)
			code := cmd.ProcessState.ExitCode()
			t.Logf("%s during %s: exit %d, %v after the signal", tc.signal, tc.phase, code, took.Round(time.Millisecond))
			if sent.IsZero() {
				t.Fatalf("the log never showed %s; stderr:\n%s", tc.logLine, rest.String())
			}
			if code != tc.code || rest.String() != "instudio-report: interrupted\n" {
				t.Errorf("exit %d, stderr %q; want %d and one line \"instudio-report: interrupted\"", code, rest.String(), tc.code)
			}
			if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
				t.Errorf("files left in the output directory: %v", entries)
			}
		})
	}
}

// stopBound is how long a signalled run may take to exit before the test
// calls it hung and kills it: a guard against a hang, not a speed target
// (the time is logged; on an idle machine it is well under a second).
const stopBound = 2 * time.Minute

// waitAfterSignal waits for cmd, signalled at sent, and returns how long
// it took to exit; a run still going after stopBound is killed and fails
// the test.
func waitAfterSignal(t *testing.T, cmd *exec.Cmd, sent time.Time) time.Duration {
	t.Helper()
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(stopBound):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running %v after the signal: killed", stopBound)
	}
	return time.Since(sent)
}
