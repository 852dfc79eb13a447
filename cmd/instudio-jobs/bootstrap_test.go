package main

import (
	"archive/zip"
	"debug/elf"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/instudio/instudio-report/cmd/instudio-jobs/emf"
	"github.com/instudio/instudio-report/cmd/internal/rietest"
	"github.com/instudio/instudio-report/mail/mailtest"
	"github.com/instudio/instudio-report/storage/s3test"
)

// buildBootstrap builds the jobs Lambda as `make lambda` does (the
// Makefile's JOBS_FLAGS): fully static, so that it needs nothing of
// Amazon Linux 2023's glibc or libstdc++.
func buildBootstrap(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc,netgo,osusergo", "-trimpath",
		"-ldflags", `-s -w -linkmode external -extldflags "-static"`, "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1", "GOOS=linux")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build bootstrap: %v\n%s", err, out)
	}
	return bin
}

// checkAL2023 checks what the binary needs of Amazon Linux 2023: nothing.
// Built on Debian 12, a dynamically linked bootstrap asks for glibc 2.35
// and 2.36 symbols (_dl_find_object, arc4random) and GLIBCXX_3.4.30, all
// newer than Amazon Linux 2023 has (glibc 2.34, GCC 11's libstdc++); a
// static one loads no library and has no interpreter. And the zip stays
// within Lambda's limits.
func checkAL2023(t *testing.T, bin string) {
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatal(err)
	}
	if len(libs) > 0 {
		t.Errorf("bootstrap loads %v; want a static binary", libs)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("bootstrap has a dynamic loader (PT_INTERP); want a static binary")
		}
	}

	st, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	zipped := filepath.Join(t.TempDir(), "jobs.zip")
	out, err := os.Create(zipped)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	w, err := zw.Create("bootstrap")
	if err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(w, in); err != nil {
		t.Fatal(err)
	}
	in.Close()
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out.Close()
	zst, _ := os.Stat(zipped)
	// Lambda: 250 MB unzipped; 50 MB zipped for a direct upload (Terraform
	// uploads the zip directly).
	if st.Size() > 250<<20 || zst.Size() > 50<<20 {
		t.Errorf("bootstrap %d bytes, zipped %d: over Lambda's 250 MB unzipped or 50 MB zipped", st.Size(), zst.Size())
	}
	t.Logf("bootstrap %d MiB, zipped %d MiB", st.Size()>>20, zst.Size()>>20)
}

// TestJobsUnderEmulator runs the built jobs bootstrap under AWS's Runtime
// Interface Emulator against versitygw and mailpit: check fresh and stale,
// send with the ledger on S3, compact. The binary reads the real clock, so
// max_lag and the send period are given against the fixture's dates
// (2026-03).
func TestJobsUnderEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Lambda binary")
	}
	bin := buildBootstrap(t)
	checkAL2023(t, bin)
	f := newJobsFixture(t)
	env := rietest.Env("instudio-jobs",
		"AWS_ACCESS_KEY_ID="+s3test.AccessKey, "AWS_SECRET_ACCESS_KEY="+s3test.SecretKey, "AWS_REGION="+s3test.Region)
	for k, v := range f.env {
		if k != "AWS_LAMBDA_FUNCTION_NAME" {
			env = append(env, k+"="+v)
		}
	}
	rie := rietest.Start(t, bin, env)
	result := func(body []byte) Result {
		t.Helper()
		var r Result
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatalf("response %s: %v", body, err)
		}
		return r
	}

	// Fresh: the newest event (2026-03-13 08:30) is within 100 000 hours.
	body, fnErr := rie.Invoke(t, []byte(`{"job":"check","max_lag":"100000h"}`))
	if fnErr != "" {
		t.Fatalf("check: %s\n%s", fnErr, rie.Stderr.String())
	}
	if r := result(body); r.Metrics[emf.CheckStale] != 0 || r.Metrics[emf.SmallFiles] == 0 {
		t.Errorf("fresh check: %+v", r)
	}
	// Stale: it is older than one hour; the invocation fails.
	if _, fnErr := rie.Invoke(t, []byte(`{"job":"check","max_lag":"1h"}`)); !strings.Contains(fnErr, "check failed (exit 3): stale") {
		t.Errorf("stale check: function error %q", fnErr)
	}
	// Send salon 1's week of 2026-03-02 once; the second run finds it in
	// the ledger on S3.
	for i, want := range []float64{1, 0} {
		body, fnErr := rie.Invoke(t, []byte(`{"job":"send","from":"2026-03-02","to":"2026-03-09"}`))
		if fnErr != "" {
			t.Fatalf("send %d: %s\n%s", i+1, fnErr, rie.Stderr.String())
		}
		if r := result(body); r.Metrics[emf.EmailsSent] != want || r.Metrics[emf.EmailsFailed] != 0 {
			t.Errorf("send %d: %+v, want %v sent", i+1, r, want)
		}
	}
	if msgs := f.mail.Messages(t); len(msgs) != 1 || strings.Join(mailtest.Addresses(msgs[0].To), ",") != "owner1@example.com" {
		t.Errorf("mailpit holds %+v", msgs)
	}
	if len(f.keys(t, "ledger/")) == 0 {
		t.Error("no ledger on S3")
	}
	// Compact the days before 2026-03-12: three files into one.
	body, fnErr = rie.Invoke(t, []byte(`{"job":"compact","before":"2026-03-12"}`))
	if fnErr != "" {
		t.Fatalf("compact: %s\n%s", fnErr, rie.Stderr.String())
	}
	if r := result(body); r.Metrics[emf.FilesCompacted] != 3 || r.Metrics[emf.FilesWritten] != 1 {
		t.Errorf("compact: %+v", r)
	}
	// A bad event fails the invocation.
	if _, fnErr := rie.Invoke(t, []byte(`{"job":"reindex"}`)); !strings.Contains(fnErr, `unknown job "reindex"`) {
		t.Errorf("bad job: function error %q", fnErr)
	}
	// One EMF line per job that ran: two checks, two sends, one compact (the
	// bad event fails before any job runs).
	n := strings.Count(rie.Await(`"_aws":{"CloudWatchMetrics"`, 5), `"_aws":{"CloudWatchMetrics"`)
	if n != 5 {
		t.Errorf("%d EMF lines, want 5:\n%s", n, rie.Stdout.String())
	}
}
