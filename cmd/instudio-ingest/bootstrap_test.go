package main

import (
	"bytes"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/instudio/instudio-report/storage/s3test"
)

// buildBootstrap builds the Lambda binary as `make lambda` does.
func buildBootstrap(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build bootstrap: %v\n%s", err, out)
	}
	return bin
}

// The binary is static (no program interpreter: nothing to find on
// provided.al2023) and says clearly why it cannot start outside Lambda.
func TestBootstrapStaticAndStarts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Lambda binary")
	}
	bin := buildBootstrap(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("bootstrap has a program interpreter: it is dynamically linked")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("bootstrap imports %v", libs)
	}
	f.Close()

	run := func(env ...string) (string, error) {
		cmd := exec.Command(bin)
		cmd.Env = append([]string{"PATH=/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED=true"}, env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run()
	if err == nil || !strings.Contains(out, `"msg":"instudio-ingest cannot start: missing environment variables INSTUDIO_BUCKET, INSTUDIO_REJECTED_PREFIX, INSTUDIO_METRICS_NAMESPACE"`) {
		t.Errorf("without configuration: %v\n%s", err, out)
	}
	// Lambda gives the role's credentials in the environment; these are dummies.
	out, err = run("INSTUDIO_BUCKET=b", "INSTUDIO_REJECTED_PREFIX=bookings-rejected/", "INSTUDIO_METRICS_NAMESPACE=InStudio/Ingest",
		"AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=test")
	if err == nil || !strings.Contains(out, "expected AWS Lambda environment variables [AWS_LAMBDA_RUNTIME_API] are not defined") ||
		!strings.Contains(out, `"msg":"instudio-ingest ready"`) {
		t.Errorf("without the runtime API: %v\n%s", err, out)
	}
}

// fakeRuntime is the Lambda Runtime API, enough for one invocation: it
// hands out the event once and records the function's response.
type fakeRuntime struct {
	srv      *httptest.Server
	response chan string
}

func startRuntime(t *testing.T, event []byte) *fakeRuntime {
	t.Helper()
	rt := &fakeRuntime{response: make(chan string, 1)}
	served := make(chan struct{}, 1)
	served <- struct{}{}
	rt.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/2018-06-01/runtime/invocation/next":
			select {
			case <-served:
			case <-r.Context().Done():
				return
			}
			w.Header().Set("Lambda-Runtime-Aws-Request-Id", "req-1")
			w.Header().Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(time.Minute).UnixMilli()))
			w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:instudio-ingest")
			_, _ = w.Write(event)
		case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/2018-06-01/runtime/invocation/req-1/"):
			body, _ := io.ReadAll(r.Body)
			rt.response <- strings.TrimPrefix(r.URL.Path, "/2018-06-01/runtime/invocation/req-1/") + " " + string(body)
			w.WriteHeader(http.StatusAccepted)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(rt.srv.Close)
	return rt
}

// The built bootstrap end to end: the seed's SQS event through a fake
// Runtime API into versitygw. The response has no batch item failures,
// stdout carries exactly one EMF line, and the event is in the bucket.
func TestBootstrapEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Lambda binary")
	}
	srv := s3test.Start(t)
	bucket := srv.CreateBucket(t, "analytics-bucket-s3")
	bin := buildBootstrap(t)
	rt := startRuntime(t, fixture(t, "sqs-seed.json"))

	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = []string{
		"AWS_LAMBDA_RUNTIME_API=" + strings.TrimPrefix(rt.srv.URL, "http://"),
		"AWS_LAMBDA_FUNCTION_NAME=instudio-ingest",
		"INSTUDIO_BUCKET=" + bucket,
		"INSTUDIO_REJECTED_PREFIX=bookings-rejected/",
		"INSTUDIO_METRICS_NAMESPACE=InStudio/Ingest",
		"INSTUDIO_TIMEZONE=America/Lima",
		"AWS_ENDPOINT_URL_S3=" + srv.Endpoint,
		"AWS_ACCESS_KEY_ID=" + s3test.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + s3test.SecretKey,
		"AWS_REGION=" + s3test.Region,
		"AWS_EC2_METADATA_DISABLED=true",
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	var resp string
	select {
	case resp = <-rt.response:
	case <-time.After(30 * time.Second):
		t.Fatalf("no response from the function; stderr:\n%s", stderr.String())
	}
	var sqsResp events.SQSEventResponse
	path, body, _ := strings.Cut(resp, " ")
	if path != "response" || json.Unmarshal([]byte(body), &sqsResp) != nil || len(sqsResp.BatchItemFailures) != 0 {
		t.Fatalf("function answered %q", resp)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()

	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var m emf
	if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &m) != nil {
		t.Fatalf("stdout %q, want one EMF line", stdout.String())
	}
	if m.FunctionName != "instudio-ingest" || m.Source != "sqs" || m.RecordsReceived != 1 || m.RecordsWritten != 1 || m.FilesWritten != 1 {
		t.Errorf("metrics %+v", m)
	}
	for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		if !json.Valid([]byte(l)) {
			t.Errorf("log line is not JSON: %q", l)
		}
	}
	ids := storedIDs(t, srv.Root(t, bucket, ""))
	if len(ids) != 1 || ids["1"] != 1 {
		t.Errorf("stored %v, want the seed's message 1 once", ids)
	}
}
