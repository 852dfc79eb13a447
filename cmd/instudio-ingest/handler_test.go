package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/ingest"
	"github.com/instudio/instudio-report/storage"
	"github.com/instudio/instudio-report/storage/s3test"
)

var now = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// testHandler runs the handler over root, with a clock that advances 2 ms
// a reading, logs and metrics into buffers.
func testHandler(t *testing.T, root storage.Root) (*handler, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var logs, metrics bytes.Buffer
	var ticks atomic.Int64
	clock := func() time.Time { return now.Add(time.Duration(ticks.Add(1)) * 2 * time.Millisecond) }
	return &handler{
		pipeline:     &ingest.Pipeline{Root: root, Now: func() time.Time { return now }, Zone: time.UTC},
		log:          slog.New(slog.NewJSONHandler(&logs, nil)),
		metrics:      &metrics,
		namespace:    "InStudio/Ingest",
		functionName: "instudio-ingest-test",
		now:          clock,
	}, &logs, &metrics
}

func fixture(t *testing.T, name string) json.RawMessage {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "ingest", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// emf is the metrics line of one invocation.
type emf struct {
	FunctionName, Source string
	RecordsReceived      int
	RecordsWritten       int
	RecordsRejected      int
	FilesWritten         int
	BytesWritten         int64
	DurationMs           float64
}

func lastEMF(t *testing.T, buf *bytes.Buffer) emf {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	var m emf
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &m); err != nil {
		t.Fatalf("metrics line %q: %v", lines[len(lines)-1], err)
	}
	return m
}

func countObjects(t *testing.T, root storage.Root, prefix string) int {
	t.Helper()
	objs, err := root.List(context.Background(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	return len(objs)
}

// Each fixture through the handler, as the Lambda runtime hands it over:
// the response, the metrics line and what is stored, worked out from the
// fixture by hand (see ingest/ingest_test.go for the events themselves).
func TestInvokeFixtures(t *testing.T) {
	tests := []struct {
		file                        string
		source                      string
		received, written, rejected int
		files                       int
		check                       func(t *testing.T, resp any, err error)
	}{
		{"sqs-seed.json", "sqs", 1, 1, 0, 1, func(t *testing.T, resp any, err error) {
			r, ok := resp.(events.SQSEventResponse)
			if err != nil || !ok || len(r.BatchItemFailures) != 0 {
				t.Errorf("response %#v %v, want no batch item failures", resp, err)
			}
		}},
		// 3 good, status 9 rejected: a Parquet file and a rejected object
		{"kafka-msk.json", "kafka", 4, 3, 1, 2, func(t *testing.T, resp any, err error) {
			if err != nil || resp != nil {
				t.Errorf("response %#v %v, want success", resp, err)
			}
		}},
		{"kafka-self-managed.json", "kafka", 3, 1, 2, 2, func(t *testing.T, resp any, err error) {
			if err != nil || resp != nil {
				t.Errorf("response %#v %v, want success", resp, err)
			}
		}},
		{"apigw-v2.json", "http", 2, 2, 0, 1, func(t *testing.T, resp any, err error) {
			r, ok := resp.(events.APIGatewayV2HTTPResponse)
			if err != nil || !ok || r.StatusCode != 202 || r.Body != `{"received":2,"written":2,"rejected":0,"failed":0}` {
				t.Errorf("response %#v %v, want 202 with counts", resp, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			root := &storage.Dir{Path: t.TempDir()}
			h, _, metrics := testHandler(t, root)
			resp, err := h.invoke(context.Background(), fixture(t, tt.file))
			tt.check(t, resp, err)
			m := lastEMF(t, metrics)
			// the clock advances 2 ms between the two readings of a run
			if m.Source != tt.source || m.FunctionName != "instudio-ingest-test" || m.RecordsReceived != tt.received ||
				m.RecordsWritten != tt.written || m.RecordsRejected != tt.rejected || m.FilesWritten != tt.files ||
				m.BytesWritten <= 0 || m.DurationMs != 2 {
				t.Errorf("metrics %+v", m)
			}
			if n := countObjects(t, root, ""); n != tt.files {
				t.Errorf("%d objects stored, want %d", n, tt.files)
			}
		})
	}
}

func httpRequest(t *testing.T, method, body string, base64Body bool) json.RawMessage {
	t.Helper()
	var req events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(fixture(t, "apigw-v2.json"), &req); err != nil {
		t.Fatal(err)
	}
	req.RequestContext.HTTP.Method = method
	req.Body, req.IsBase64Encoded = body, base64Body
	raw, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestInvokeHTTP(t *testing.T) {
	good := `{"booking_id": 1, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1}`
	tests := []struct {
		name   string
		req    json.RawMessage
		status int
		body   string
	}{
		{"one event", httpRequest(t, "POST", good, false), 202, `{"received":1,"written":1,"rejected":0,"failed":0}`},
		// "eyJib29raW5nX2lkIjogMX0=" is base64 of {"booking_id": 1}
		{"base64 body, missing fields", httpRequest(t, "POST", "eyJib29raW5nX2lkIjogMX0=", true), 400,
			`{"received":1,"written":0,"rejected":1,"failed":0,"errors":[{"position":"body","reason":"salon_id: is required"}]}`},
		{"array with a bad one", httpRequest(t, "POST", `[`+good+`, {"booking_id": 2, "booking_date": "2024-10-06T20:00:00", "status": 6, "salon_id": 1}]`, false), 400,
			`{"received":2,"written":1,"rejected":1,"failed":0,"errors":[{"position":"body[1]","reason":"status: must be 1..5, got 6"}]}`},
		{"broken array", httpRequest(t, "POST", `[`+good, false), 400, ""},
		{"GET", httpRequest(t, "GET", "", false), 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _, _ := testHandler(t, &storage.Dir{Path: t.TempDir()})
			resp, err := h.invoke(context.Background(), tt.req)
			r, ok := resp.(events.APIGatewayV2HTTPResponse)
			if err != nil || !ok {
				t.Fatalf("response %#v %v", resp, err)
			}
			if r.StatusCode != tt.status || (tt.body != "" && r.Body != tt.body) || r.Headers["Content-Type"] != "application/json" {
				t.Errorf("got %d %s, want %d %s", r.StatusCode, r.Body, tt.status, tt.body)
			}
		})
	}
}

func TestInvokeUnknownEvent(t *testing.T) {
	raws := []string{`{"hello": "world"}`, `[1]`, `{"Records": [{"eventSource": "aws:s3"}]}`}
	// AWS's own samples of the sources the function does not take.
	for _, f := range []string{"kinesis-event", "s3-event", "sns-event", "dynamodb-event", "apigw-request"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "ingest", "testdata", "aws", f+".json"))
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, string(data))
	}
	for _, raw := range raws {
		h, logs, _ := testHandler(t, &storage.Dir{Path: t.TempDir()})
		if _, err := h.invoke(context.Background(), json.RawMessage(raw)); !errors.Is(err, errUnknownEvent) {
			t.Errorf("%s: error %v, want errUnknownEvent", raw, err)
		}
		if !strings.Contains(logs.String(), `"level":"ERROR"`) {
			t.Errorf("%s: no error logged: %s", raw, logs)
		}
	}
}

// failingRoot fails every Create whose key contains a substring.
type failingRoot struct {
	storage.Root
	mu   sync.Mutex
	fail string
}

func (f *failingRoot) setFail(s string) { f.mu.Lock(); f.fail = s; f.mu.Unlock() }

func (f *failingRoot) Create(ctx context.Context, key string, data []byte) (bool, error) {
	f.mu.Lock()
	fail := f.fail
	f.mu.Unlock()
	if fail != "" && strings.Contains(key, fail) {
		return false, fmt.Errorf("put %s: injected failure", key)
	}
	return f.Root.Create(ctx, key, data)
}

// sqsEvent is a batch of messages m0..m5 over three days (two a day, by
// their SentTimestamp) and one bad message.
func sqsEvent() events.SQSEvent {
	var ev events.SQSEvent
	for i := range 6 {
		sent := time.Date(2024, 10, 1+i/2, 10+i%2, 0, 0, 0, time.UTC).UnixMilli()
		ev.Records = append(ev.Records, events.SQSMessage{
			MessageId: fmt.Sprintf("m%d", i), EventSource: "aws:sqs",
			Body:       fmt.Sprintf(`{"booking_id": %d, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1}`, i+1),
			Attributes: map[string]string{"SentTimestamp": fmt.Sprint(sent)},
		})
	}
	ev.Records = append(ev.Records, events.SQSMessage{MessageId: "bad", EventSource: "aws:sqs", Body: `{"status": 1}`})
	return ev
}

// redeliver keeps the messages named by the response, as SQS does.
func redeliver(ev events.SQSEvent, resp events.SQSEventResponse) events.SQSEvent {
	var out events.SQSEvent
	for _, m := range ev.Records {
		for _, f := range resp.BatchItemFailures {
			if f.ItemIdentifier == m.MessageId {
				out.Records = append(out.Records, m)
			}
		}
	}
	return out
}

func invokeSQS(t *testing.T, h *handler, ev events.SQSEvent) events.SQSEventResponse {
	t.Helper()
	raw, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := h.invoke(context.Background(), raw)
	if err != nil {
		t.Fatalf("SQS invocation failed: %v", err)
	}
	return resp.(events.SQSEventResponse)
}

func failures(resp events.SQSEventResponse) []string {
	var out []string
	for _, f := range resp.BatchItemFailures {
		out = append(out, f.ItemIdentifier)
	}
	return out
}

// storedIDs counts each event id over every booking file of root.
func storedIDs(t *testing.T, root storage.Root) map[string]int {
	t.Helper()
	ctx := context.Background()
	objs, err := root.List(ctx, booking.Prefix+"/")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, o := range objs {
		data, err := root.Read(ctx, o.Key)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := booking.ReadParquet(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			out[e.EventID]++
		}
	}
	return out
}

// checkExactlyOnce: m0..m5 stored once each, the bad message kept once.
func checkExactlyOnce(t *testing.T, root storage.Root) {
	t.Helper()
	ids := storedIDs(t, root)
	want := map[string]int{"m0": 1, "m1": 1, "m2": 1, "m3": 1, "m4": 1, "m5": 1}
	if fmt.Sprint(ids) != fmt.Sprint(want) {
		t.Errorf("stored ids %v, want %v", ids, want)
	}
	objs, err := root.List(context.Background(), booking.RejectedPrefix+"/")
	if err != nil || len(objs) != 1 {
		t.Fatalf("rejected objects %v %v, want one", objs, err)
	}
	data, _ := root.Read(context.Background(), objs[0].Key)
	if n := bytes.Count(data, []byte("\n")); n != 1 || !bytes.Contains(data, []byte(`"position":"bad"`)) {
		t.Errorf("rejected object %s, want the bad message once", data)
	}
}

// SQS with storage failing for one day's file: batchItemFailures names
// exactly that day's messages (m2, m3), not the rejected one; SQS
// redelivers them and they are stored. Nothing is lost or stored twice.
func TestSQSPartialFailureLocal(t *testing.T) {
	dir := &storage.Dir{Path: t.TempDir()}
	root := &failingRoot{Root: dir, fail: "dt=2024-10-02"}
	h, _, _ := testHandler(t, root)
	ev := sqsEvent()
	resp := invokeSQS(t, h, ev)
	if got := failures(resp); !slices.Equal(got, []string{"m2", "m3"}) {
		t.Fatalf("batchItemFailures %v, want [m2 m3]", got)
	}
	root.setFail("")
	if again := invokeSQS(t, h, redeliver(ev, resp)); len(again.BatchItemFailures) != 0 {
		t.Fatalf("redelivery failed again: %v", failures(again))
	}
	checkExactlyOnce(t, dir)
}

// Kafka with a storage failure fails the invocation; Lambda retries the
// whole batch, which then stores what is missing and rewrites nothing.
func TestKafkaFailureFailsInvocation(t *testing.T) {
	dir := &storage.Dir{Path: t.TempDir()}
	root := &failingRoot{Root: dir, fail: booking.RejectedPrefix}
	h, _, metrics := testHandler(t, root)
	if _, err := h.invoke(context.Background(), fixture(t, "kafka-msk.json")); err == nil {
		t.Fatal("a storage failure must fail a Kafka invocation")
	}
	root.setFail("")
	if _, err := h.invoke(context.Background(), fixture(t, "kafka-msk.json")); err != nil {
		t.Fatal(err)
	}
	// the retry writes only the rejected object: the Parquet file of the
	// three good records is already there under the same name
	if m := lastEMF(t, metrics); m.FilesWritten != 1 || m.RecordsWritten != 3 || m.RecordsRejected != 1 {
		t.Errorf("retry metrics %+v", m)
	}
	if n := countObjects(t, dir, ""); n != 2 {
		t.Errorf("%d objects, want 2", n)
	}
}

// faultProxy sits in front of versitygw and answers 500 InternalError to
// every PUT whose path contains a substring: S3 failing for some objects
// of a batch and not others, for as long as the test says.
type faultProxy struct {
	url  string
	mu   sync.Mutex
	fail string
	hits int
}

func startFaultProxy(t *testing.T, target string) *faultProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{}
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(u)
		r.Out.Host = r.In.Host // signed by the SDK
	}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		fail := p.fail != "" && r.Method == http.MethodPut && strings.Contains(r.URL.Path, p.fail)
		if fail {
			p.hits++
		}
		p.mu.Unlock()
		if fail {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected</Message></Error>`)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.url = srv.URL
	return p
}

func (p *faultProxy) setFail(s string) { p.mu.Lock(); p.fail = s; p.mu.Unlock() }

// The same through real S3 (versitygw): the handler runs over the S3 root
// behind a proxy that fails the PUT of the second day's file (through
// every retry of the SDK). The response names exactly m2 and m3; the
// redelivery stores them; the bucket ends with every event once.
func TestSQSPartialFailureS3(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.CreateBucket(t, "analytics")
	proxy := startFaultProxy(t, srv.Endpoint)
	opts := srv.Options()
	opts.Endpoint = proxy.url
	opts.MaxAttempts = 2
	root, err := storage.Open(context.Background(), "s3://"+bucket, opts)
	if err != nil {
		t.Fatal(err)
	}
	h, logs, _ := testHandler(t, root)
	proxy.setFail("dt=2024-10-02")
	ev := sqsEvent()
	resp := invokeSQS(t, h, ev)
	if got := failures(resp); !slices.Equal(got, []string{"m2", "m3"}) {
		t.Fatalf("batchItemFailures %v, want [m2 m3]; logs: %s", got, logs)
	}
	if proxy.hits == 0 {
		t.Fatal("the proxy failed nothing")
	}
	proxy.setFail("")
	if again := invokeSQS(t, h, redeliver(ev, resp)); len(again.BatchItemFailures) != 0 {
		t.Fatalf("redelivery failed again: %v", failures(again))
	}
	// the whole batch delivered once more: every name already there
	if again := invokeSQS(t, h, ev); len(again.BatchItemFailures) != 0 {
		t.Fatalf("a full redelivery failed: %v", failures(again))
	}
	checkExactlyOnce(t, srv.Root(t, bucket, ""))
}

func TestLoadConfig(t *testing.T) {
	full := map[string]string{
		envBucket: "analytics-bucket-s3", envRejectedPrefix: "bookings-rejected/",
		envNamespace: "InStudio/Ingest", envTimeZone: "America/Lima", "AWS_LAMBDA_FUNCTION_NAME": "fn",
	}
	with := func(k, v string) func(string) string {
		return func(name string) string {
			if name == k {
				return v
			}
			return full[name]
		}
	}
	c, err := loadConfig(with("", ""))
	if err != nil || c.Bucket != "analytics-bucket-s3" || c.Prefix != "bookings/" || c.RejectedPrefix != "bookings-rejected/" ||
		c.Namespace != "InStudio/Ingest" || c.Zone.String() != "America/Lima" || c.FunctionName != "fn" {
		t.Fatalf("config %+v %v", c, err)
	}
	for _, tt := range []struct{ key, value, want string }{
		{envBucket, "", "missing environment variables INSTUDIO_BUCKET"},
		{envRejectedPrefix, "", "missing environment variables INSTUDIO_REJECTED_PREFIX"},
		{envNamespace, "", "missing environment variables INSTUDIO_METRICS_NAMESPACE"},
		{envBucket, "s3://analytics/x", "give the bucket name only"},
		{envTimeZone, "Lima", `INSTUDIO_TIMEZONE="Lima" is not an IANA time zone`},
		{envPrefix, "bookings-rejected", "must differ"},
	} {
		if _, err := loadConfig(with(tt.key, tt.value)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s=%q: error %v, want %q", tt.key, tt.value, err, tt.want)
		}
	}
}

// An invocation out of time stores nothing and says so: every message is
// named for redelivery, none is lost.
func TestSQSOutOfTime(t *testing.T) {
	dir := &storage.Dir{Path: t.TempDir()}
	h, _, _ := testHandler(t, dir)
	ctx, cancel := context.WithDeadline(context.Background(), now)
	defer cancel()
	raw, err := json.Marshal(sqsEvent())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := h.invoke(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	if got := failures(resp.(events.SQSEventResponse)); !slices.Equal(got, []string{"m0", "m1", "m2", "m3", "m4", "m5", "bad"}) {
		t.Errorf("batchItemFailures %v, want every message", got)
	}
	if n := countObjects(t, dir, ""); n != 0 {
		t.Errorf("%d objects written out of time", n)
	}
}

// A POST while S3 fails (versitygw behind the fault proxy): the 503 names
// no bucket, endpoint or flag, for the client; the log has the details.
func TestHTTPNotStoredNamesNoInternals(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.CreateBucket(t, "secret-analytics")
	proxy := startFaultProxy(t, srv.Endpoint)
	opts := srv.Options()
	opts.Endpoint = proxy.url
	opts.MaxAttempts = 1
	root, err := storage.Open(context.Background(), "s3://"+bucket, opts)
	if err != nil {
		t.Fatal(err)
	}
	h, logs, _ := testHandler(t, root)
	proxy.setFail("bookings")
	resp, err := h.invoke(context.Background(), httpRequest(t, "POST", `{"booking_id": 1, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1}`, false))
	r, ok := resp.(events.APIGatewayV2HTTPResponse)
	if err != nil || !ok || r.StatusCode != 503 {
		t.Fatalf("response %#v %v", resp, err)
	}
	host := strings.TrimPrefix(proxy.url, "http://")
	for _, secret := range []string{bucket, host, "127.0.0.1", "s3://", "--", "bookings/"} {
		if strings.Contains(r.Body, secret) {
			t.Errorf("the reply names %q: %s", secret, r.Body)
		}
	}
	if !strings.Contains(r.Body, `"reason":"`+ingest.NotStoredReason+`"`) {
		t.Errorf("reply %s, want the reason %q", r.Body, ingest.NotStoredReason)
	}
	if !strings.Contains(logs.String(), bucket) {
		t.Errorf("the log does not name the bucket: %s", logs)
	}
}

// A bucket that is not there: the log says so in the function's words
// (its environment variable), never with a flag of the CLI.
func TestMissingBucketLoggedInLambdaWords(t *testing.T) {
	srv := s3test.Start(t)
	opts := srv.Options()
	opts.MaxAttempts = 1
	root, err := storage.Open(context.Background(), "s3://no-such-ingest-bucket", opts)
	if err != nil {
		t.Fatal(err)
	}
	h, logs, _ := testHandler(t, root)
	resp := invokeSQS(t, h, sqsEvent())
	if len(resp.BatchItemFailures) == 0 {
		t.Fatalf("nothing failed writing to a missing bucket; logs: %s", logs)
	}
	for _, want := range []string{"bucket no-such-ingest-bucket does not exist", "check INSTUDIO_BUCKET"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log does not say %q: %s", want, logs)
		}
	}
	if strings.Contains(logs.String(), "--s3") {
		t.Errorf("the log names a CLI flag: %s", logs)
	}
}
