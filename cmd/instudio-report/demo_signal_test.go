package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
)

// Ctrl-C (SIGINT) or SIGTERM while demo generates ten years of 500 salons
// (minutes of work): it stops, says "interrupted" on one line, exits 130 or
// 143, and every file it wrote is whole (no temporary file left, each one a
// readable Parquet file). The signal goes once the first files are on disk.
// The time to stop is logged (on an idle machine it is under 0.2 s); the
// test asks only that far fewer days than asked are on disk, and calls a
// run still going after stopBound hung.
func TestDemoSignals(t *testing.T) {
	home, program := programDir(t)
	for _, tc := range []struct {
		signal syscall.Signal
		code   int
	}{
		{syscall.SIGINT, 130},
		{syscall.SIGTERM, 143},
	} {
		t.Run(tc.signal.String(), func(t *testing.T) {
			dest := filepath.Join(t.TempDir(), "data")
			cmd := exec.Command(program, "demo", "--dest", dest, "--salons", "500", "--days", "3660", "--now", "2026-11-27T12:00:00Z")
			cmd.Env = []string{"HOME=" + home}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(60 * time.Second)
			for {
				if files, _ := filepath.Glob(filepath.Join(dest, "bookings", "dt=*", "*.parquet")); len(files) > 0 {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("no file after 60 s: %s", stderr.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
			sent := time.Now()
			if err := cmd.Process.Signal(tc.signal); err != nil {
				t.Fatal(err)
			}
			took := waitAfterSignal(t, cmd, sent)
			code := cmd.ProcessState.ExitCode()
			t.Logf("%s during demo generation: exit %d, %v after the signal", tc.signal, code, took.Round(time.Millisecond))
			if code != tc.code || stderr.String() != "instudio-report: interrupted\n" {
				t.Errorf("exit %d, stderr %q; want %d and one line \"instudio-report: interrupted\"", code, stderr.String(), tc.code)
			}
			// It stopped rather than finished: 3,660 days of history are
			// asked for, and far fewer are on disk.
			days, err := filepath.Glob(filepath.Join(dest, "bookings", "dt=*"))
			if err != nil {
				t.Fatal(err)
			}
			if len(days) >= 3660 {
				t.Errorf("%d days written: the run finished instead of stopping", len(days))
			}
			err = filepath.WalkDir(dest, func(path string, e os.DirEntry, err error) error {
				if err != nil || e.IsDir() {
					return err
				}
				if strings.HasPrefix(e.Name(), ".tmp-") {
					t.Errorf("temporary file left: %s", path)
				}
				if strings.HasSuffix(path, ".parquet") {
					data, err := os.ReadFile(path)
					if err != nil {
						return err
					}
					if _, err := booking.ReadParquet(bytes.NewReader(data), int64(len(data))); err != nil {
						t.Errorf("%s: %v", path, err)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
