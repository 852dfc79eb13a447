// Package rietest runs a Lambda bootstrap under AWS's own Runtime
// Interface Emulator (aws-lambda-rie, pinned by the Makefile into .tools/)
// for the Lambdas' tests. The emulator serves the runtime API on the fixed
// address 127.0.0.1:9001, so only one may run on the machine at a time:
// Start holds a lock file for the test's duration, which serialises the
// tests of different packages that `go test ./...` runs at once. Without
// the emulator a test skips, except under CI=true, where it fails.
package rietest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Binary finds the emulator: .tools/aws-lambda-rie at the repository root,
// else aws-lambda-rie on PATH.
func Binary(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	local := filepath.Join(filepath.Dir(file), "..", "..", "..", ".tools", "aws-lambda-rie")
	if _, err := os.Stat(local); err == nil {
		return local
	}
	if p, err := exec.LookPath("aws-lambda-rie"); err == nil {
		return p
	}
	msg := "aws-lambda-rie not found in .tools/ or on PATH: run make tools"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Emulator is one running emulator with its function.
type Emulator struct {
	url    string
	Stdout *syncBuffer // the function's stdout (EMF lines) and the emulator's log
	Stderr *syncBuffer
}

type syncBuffer struct {
	mu  chan struct{}
	buf bytes.Buffer
}

func newBuffer() *syncBuffer { return &syncBuffer{mu: make(chan struct{}, 1)} }

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu <- struct{}{}
	defer func() { <-b.mu }()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *syncBuffer) String() string {
	b.mu <- struct{}{}
	defer func() { <-b.mu }()
	return b.buf.String()
}

// Await returns the function's stdout once it holds at least n
// occurrences of substr, or as it is after 10 s. The emulator copies the
// function's output on its own, so the last lines can trail the answer to
// the invocation that wrote them.
func (e *Emulator) Await(substr string, n int) string {
	deadline := time.Now().Add(10 * time.Second)
	for {
		out := e.Stdout.String()
		if strings.Count(out, substr) >= n || time.Now().After(deadline) {
			return out
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Start runs bootstrap under the emulator with env as its whole
// environment, and stops both when the test ends.
func Start(t testing.TB, bootstrap string, env []string) *Emulator {
	t.Helper()
	bin := Binary(t)
	lock(t)
	port := freePort(t)
	e := &Emulator{url: fmt.Sprintf("http://127.0.0.1:%d/2015-03-31/functions/function/invocations", port), Stdout: newBuffer(), Stderr: newBuffer()}
	cmd := exec.Command(bin, "--runtime-interface-emulator-address", fmt.Sprintf("127.0.0.1:%d", port), "--log-level", "error", bootstrap)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = e.Stdout, e.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start aws-lambda-rie: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond); err == nil {
			c.Close()
			return e
		}
		if time.Now().After(deadline) {
			t.Fatalf("aws-lambda-rie did not listen in 20 s:\n%s%s", e.Stdout.String(), e.Stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Invoke sends one event and returns the function's response body and,
// when the function failed, its error message.
func (e *Emulator) Invoke(t testing.TB, event []byte) (body []byte, functionError string) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Minute}
	resp, err := client.Post(e.url, "application/json", bytes.NewReader(event))
	if err != nil {
		t.Fatalf("invoke: %v\n%s%s", err, e.Stdout.String(), e.Stderr.String())
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("invoke: HTTP %d: %s", resp.StatusCode, body)
	}
	if resp.Header.Get("X-Amz-Function-Error") != "" || bytes.Contains(body, []byte(`"errorMessage"`)) {
		var msg struct {
			ErrorMessage string `json:"errorMessage"`
		}
		_ = json.Unmarshal(body, &msg)
		return body, cmpString(msg.ErrorMessage, string(body))
	}
	return body, ""
}

func cmpString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// lock holds an exclusive lock on a file beside the temp dir for the rest
// of the test: the emulator's runtime API port is fixed.
func lock(t testing.TB) {
	t.Helper()
	path := filepath.Join(os.TempDir(), "instudio-aws-lambda-rie.lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	})
	// A previous emulator's runtime API may take a moment to close.
	for i := 0; i < 100; i++ {
		c, err := net.DialTimeout("tcp", "127.0.0.1:9001", 100*time.Millisecond)
		if err != nil {
			return
		}
		c.Close()
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("127.0.0.1:9001 is taken by another process: the emulator needs it")
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Env is the environment a bootstrap gets under Lambda that tests also
// need: the function's name and memory, and the AWS SDK pointed at the
// test's credentials only.
func Env(functionName string, extra ...string) []string {
	base := []string{
		"PATH=/usr/bin:/bin",
		"AWS_LAMBDA_FUNCTION_NAME=" + functionName,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
	}
	return append(base, extra...)
}
