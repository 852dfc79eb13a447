package main

import (
	"context"
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/instudio/instudio-report/cmd/internal/rietest"
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

// The built bootstrap end to end under AWS's Runtime Interface Emulator,
// into versitygw: the seed's SQS event, an MSK batch and an API Gateway
// request, one after another in one function instance. Each answers as
// Lambda's caller expects, stdout carries one EMF line per invocation,
// and the events are in the bucket.
func TestBootstrapUnderEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Lambda binary")
	}
	srv := s3test.Start(t)
	bucket := srv.CreateBucket(t, "analytics-bucket-s3")
	bin := buildBootstrap(t)
	rie := rietest.Start(t, bin, rietest.Env("instudio-ingest",
		"INSTUDIO_BUCKET="+bucket,
		"INSTUDIO_REJECTED_PREFIX=bookings-rejected/",
		"INSTUDIO_METRICS_NAMESPACE=InStudio/Ingest",
		"INSTUDIO_TIMEZONE=America/Lima",
		"AWS_ENDPOINT_URL_S3="+srv.Endpoint,
		"AWS_ACCESS_KEY_ID="+s3test.AccessKey,
		"AWS_SECRET_ACCESS_KEY="+s3test.SecretKey,
		"AWS_REGION="+s3test.Region,
	))

	// SQS: the seed's one message, stored, so no batch item failures.
	body, fnErr := rie.Invoke(t, fixture(t, "sqs-seed.json"))
	var sqsResp events.SQSEventResponse
	if fnErr != "" || json.Unmarshal(body, &sqsResp) != nil || len(sqsResp.BatchItemFailures) != 0 {
		t.Fatalf("SQS: function answered %s (%s)", body, fnErr)
	}
	// MSK: four records; offset 17 has status 9 and is rejected (kept, not
	// retried), so the batch succeeds.
	if body, fnErr := rie.Invoke(t, fixture(t, "kafka-msk.json")); fnErr != "" {
		t.Fatalf("Kafka: function failed: %s (%s)", fnErr, body)
	}
	// HTTP: the fixture's two events (bookings 30 and 31), both stored.
	body, fnErr = rie.Invoke(t, fixture(t, "apigw-v2.json"))
	var httpResp events.APIGatewayV2HTTPResponse
	if fnErr != "" || json.Unmarshal(body, &httpResp) != nil || httpResp.StatusCode != 202 ||
		httpResp.Body != `{"received":2,"written":2,"rejected":0,"failed":0}` {
		t.Fatalf("HTTP: function answered %s (%s)", body, fnErr)
	}

	var lines []emf
	for _, l := range strings.Split(rie.Await(`{"_aws"`, 3), "\n") {
		var m emf
		if strings.HasPrefix(l, `{"_aws"`) && json.Unmarshal([]byte(l), &m) == nil {
			lines = append(lines, m)
		}
	}
	want := []emf{
		{FunctionName: "instudio-ingest", Source: "sqs", RecordsReceived: 1, RecordsWritten: 1},
		{FunctionName: "instudio-ingest", Source: "kafka", RecordsReceived: 4, RecordsWritten: 3, RecordsRejected: 1},
		{FunctionName: "instudio-ingest", Source: "http", RecordsReceived: 2, RecordsWritten: 2},
	}
	if len(lines) != len(want) {
		t.Fatalf("EMF lines %+v, want %d\nstdout:\n%s", lines, len(want), rie.Stdout.String())
	}
	for i, w := range want {
		g := lines[i]
		if g.FunctionName != w.FunctionName || g.Source != w.Source || g.RecordsReceived != w.RecordsReceived ||
			g.RecordsWritten != w.RecordsWritten || g.RecordsRejected != w.RecordsRejected {
			t.Errorf("EMF line %d: %+v, want %+v", i, g, w)
		}
	}
	ids := storedIDs(t, srv.Root(t, bucket, ""))
	for _, id := range []string{"1", "bookings-0-15", "bookings-0-16", "evt-11-created"} {
		if ids[id] != 1 {
			t.Errorf("event %s stored %d times, want once (stored: %v)", id, ids[id], ids)
		}
	}
	if len(ids) != 6 {
		t.Errorf("stored %d events %v, want 6: the seed's, three from Kafka, two over HTTP", len(ids), ids)
	}
	rejected, err := srv.Root(t, bucket, "").List(context.Background(), "bookings-rejected/")
	if err != nil || len(rejected) != 1 {
		t.Errorf("rejected records %v (%v), want Kafka offset 17's", rejected, err)
	}
}
