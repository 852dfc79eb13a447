package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/storage/s3test"
)

func ingestFixture(name string) string {
	return filepath.Join("..", "..", "..", "ingest", "testdata", name)
}

// The seed's SQS event: one record stored; a second run writes nothing.
func TestIngestSeedEvent(t *testing.T) {
	dest := t.TempDir()
	res := run(t, runOpts{}, "ingest", "--input", ingestFixture("sqs-seed.json"), "--input-format", "sqs", "--dest", dest)
	if res.code != 0 || !regexp.MustCompile(`sqs-seed.json: 1 records: 1 stored, 0 rejected, 0 not stored; 1 files written \([0-9]+ bytes\), 0 already in `).MatchString(res.stdout) {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", res.code, res.stdout, res.stderr)
	}
	// messageId 1, SentTimestamp 2021-07-16T21:07:32.051Z
	files, _ := filepath.Glob(filepath.Join(dest, "bookings", "dt=2021-07-16", "*.parquet"))
	if len(files) != 1 {
		t.Errorf("files %v, want one under dt=2021-07-16", files)
	}
	again := run(t, runOpts{}, "ingest", "--input", ingestFixture("sqs-seed.json"), "--input-format", "sqs", "--dest", dest)
	if again.code != 0 || !strings.Contains(again.stdout, "1 stored, 0 rejected, 0 not stored; 0 files written (0 bytes), 1 already in") {
		t.Errorf("second run: exit %d, %s %s", again.code, again.stdout, again.stderr)
	}
}

// Rejected records make the command exit 1 and are listed with reasons.
func TestIngestRejectsExit1(t *testing.T) {
	dest := t.TempDir()
	in := filepath.Join(t.TempDir(), "mixed.jsonl")
	lines := `{"booking_id": 1, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1}
{"booking_id": 2, "booking_date": "2024-10-06T20:00:00", "status": 8, "salon_id": 1}

{"booking_id": 3, "booking_date": "2024-10-06T20:00:00", "status": 1, "salon_id": 1}
not json
`
	if err := os.WriteFile(in, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	res := run(t, runOpts{}, "ingest", "--input", in, "--input-format", "jsonl", "--dest", dest)
	// lines 1 and 4 stored; 2 (status 8) and 5 rejected; 3 is blank
	if res.code != 1 ||
		!strings.Contains(res.stdout, "4 records: 2 stored, 2 rejected, 0 not stored; 2 files written") ||
		!strings.Contains(res.stdout, "  rejected "+in+":2: status: must be 1..5, got 8\n") ||
		!strings.Contains(res.stdout, "  rejected "+in+":5: not JSON: it starts with \"not json\"\n") ||
		!strings.Contains(res.stderr, "instudio-report: ingest "+in+": 2 of 4 records rejected; kept with their reasons under "+filepath.Join(dest, "bookings-rejected")) {
		t.Errorf("exit %d\nstdout %s\nstderr %s", res.code, res.stdout, res.stderr)
	}
}

// -o is the summary's format on ingest as everywhere (it used to be the
// unknown shorthand of a hidden flag), and --format with an input format
// still works, with a note on stderr.
func TestIngestOutputFormat(t *testing.T) {
	dest := t.TempDir()
	res := run(t, runOpts{}, "ingest", "--input", ingestFixture("sqs-seed.json"), "--input-format", "sqs", "--dest", dest, "-o", "json")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	var got struct {
		Received, Written, Rejected, Failed int
		NotStored                           []any `json:"not_stored"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, res.stdout)
	}
	// The seed fixture is one SQS message holding one event.
	if got.Received != 1 || got.Written != 1 || got.Rejected != 0 || got.Failed != 0 || got.NotStored == nil {
		t.Errorf("summary %+v", got)
	}
	old := run(t, runOpts{}, "ingest", "--input", ingestFixture("sqs-seed.json"), "--format", "sqs", "--dest", dest)
	if old.code != 0 || !strings.Contains(old.stderr, "--format sqs is deprecated: use --input-format sqs") ||
		!strings.HasPrefix(old.stdout, ingestFixture("sqs-seed.json")+": 1 records: 1 stored") {
		t.Errorf("--format sqs: exit %d, stdout %q, stderr %q", old.code, old.stdout, old.stderr)
	}
	// INSTUDIO_FORMAT is an output setting: an input format there is refused.
	env := run(t, runOpts{env: map[string]string{"INSTUDIO_FORMAT": "jsonl"}}, "ingest", "--input", "x", "--input-format", "jsonl")
	if env.code != 2 || !strings.Contains(env.stderr, `invalid output format "jsonl"`) {
		t.Errorf("INSTUDIO_FORMAT=jsonl: exit %d, %s", env.code, env.stderr)
	}
}

// A document of the wrong kind is a mistake in the input, which running
// again cannot fix: the message says so (it used to say "run again to
// retry them").
func TestIngestWrongKindOfDocument(t *testing.T) {
	in := ingestFixture("sqs-seed.json")
	res := run(t, runOpts{}, "ingest", "--input", in, "--input-format", "kafka", "--dest", t.TempDir())
	if res.code != 1 || !strings.Contains(res.stderr, "instudio-report: ingest "+in+": "+in+": document 1: this is an SQS event, not a Kafka event") ||
		!strings.Contains(res.stderr, "(fix the input: running again reads it the same way)") || strings.Contains(res.stderr, "run again") {
		t.Errorf("exit %d, stderr %q", res.code, res.stderr)
	}
}

func TestIngestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"ingest", "--input-format", "sqs"}, "--input is required"},
		{[]string{"ingest", "--input", "x"}, "instudio-report: ingest: --input-format is required: jsonl, sqs, kafka or http\n"},
		{[]string{"ingest", "--input", "x", "--input-format", "csv"}, `--input-format "csv": use jsonl, sqs, kafka or http`},
		{[]string{"ingest", "--input", "x", "--format", "csv"}, `invalid output format "csv" for ingest: use table or json`},
		{[]string{"ingest", "--input", "x", "--input-format", "sqs", "--format", "kafka"}, "--input-format sqs and --format kafka disagree"},
		{[]string{"ingest", "--input", "x", "--input-format", "sqs", "--batch-size", "0"}, "--batch-size must be at least 1"},
	} {
		res := run(t, runOpts{}, tc.args...)
		if res.code != 2 || !strings.Contains(res.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want exit 2 and %q", tc.args, res.code, res.stderr, tc.want)
		}
	}
	if res := run(t, runOpts{}, "ingest", "--input", "missing.json", "--input-format", "sqs", "--dest", t.TempDir()); res.code != 1 ||
		!strings.Contains(res.stderr, "instudio-report: ingest: open missing.json: no such file or directory") {
		t.Errorf("missing input: exit %d, %s", res.code, res.stderr)
	}
}

// sqsDump is an `aws sqs receive-message` output of messages with ids.
func sqsDump(ids ...int) string {
	var msgs []string
	for _, id := range ids {
		msgs = append(msgs, fmt.Sprintf(`{"MessageId": "m%d", "Body": "{\"booking_id\": %d, \"booking_date\": \"2024-10-06T20:00:00\", \"status\": 1, \"salon_id\": 1}", "Attributes": {"SentTimestamp": "1728200000000"}}`, id, id))
	}
	return `{"Messages": [` + strings.Join(msgs, ", ") + `]}`
}

// The same message delivered in two batches lands in two files, and the
// events view shows it once.
func TestIngestRedeliveryIsOneEvent(t *testing.T) {
	dest := t.TempDir()
	dir := t.TempDir()
	for name, body := range map[string]string{"a.json": sqsDump(1, 2), "b.json": sqsDump(2, 3)} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if res := run(t, runOpts{}, "ingest", "--input", path, "--input-format", "sqs", "--dest", dest); res.code != 0 {
			t.Fatalf("%s: exit %d %s", name, res.code, res.stderr)
		}
	}
	// two files (ids {m1,m2} and {m2,m3}), four rows, m2 twice
	files, _ := filepath.Glob(filepath.Join(dest, "bookings", "dt=2024-10-06", "*.parquet"))
	if len(files) != 2 {
		t.Fatalf("files %v, want two batch files", files)
	}
	ctx := context.Background()
	db, err := queries.Open(ctx, queries.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Attach(ctx, layout.NewLocal(dest), nil); err != nil {
		t.Fatal(err)
	}
	var rows, m2 int
	var raw int
	if err := db.Conn().QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE event_id = 'm2') FROM events`).Scan(&rows, &m2); err != nil {
		t.Fatal(err)
	}
	if err := db.Conn().QueryRowContext(ctx, `SELECT count(*) FROM read_parquet(?)`, filepath.Join(dest, "bookings", "*", "*.parquet")).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if raw != 4 || rows != 3 || m2 != 1 {
		t.Errorf("raw rows %d, events %d, m2 %d; want 4, 3, 1", raw, rows, m2)
	}
}

// ingest --dest s3://…: the Kafka fixture into versitygw; a second run
// finds every name already there.
func TestIngestToS3(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.CreateBucket(t, "analytics")
	args := []string{"--s3-endpoint", srv.Endpoint, "ingest", "--input", ingestFixture("kafka-msk.json"), "--input-format", "kafka", "--dest", "s3://" + bucket}
	// 3 stored in one file of dt=2024-10-06, offset 17 (status 9) rejected
	res := run(t, runOpts{}, args...)
	if res.code != 1 || !strings.Contains(res.stdout, "4 records: 3 stored, 1 rejected, 0 not stored; 2 files written") ||
		!strings.Contains(res.stderr, "kept with their reasons under s3://"+bucket+"/bookings-rejected") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", res.code, res.stdout, res.stderr)
	}
	root := srv.Root(t, bucket, "")
	// sorted by key: "bookings-" before "bookings/"
	objs, err := root.List(context.Background(), "")
	if err != nil || len(objs) != 2 || !strings.HasPrefix(objs[1].Key, "bookings/dt=2024-10-06/ingest-") ||
		!strings.HasPrefix(objs[0].Key, "bookings-rejected/dt=2026-03-13/kafka-") {
		t.Fatalf("objects %+v %v", objs, err)
	}
	again := run(t, runOpts{}, args...)
	if !strings.Contains(again.stdout, "0 files written (0 bytes), 2 already in s3://"+bucket) {
		t.Errorf("second run: %s %s", again.stdout, again.stderr)
	}
}

// AWS's Kinesis sample given as SQS is refused in one line naming the file
// and what it is; nothing is written.
func TestIngestOtherSourceRefused(t *testing.T) {
	dest := t.TempDir()
	in := ingestFixture(filepath.Join("aws", "kinesis-event.json"))
	res := run(t, runOpts{}, "ingest", "--input", in, "--input-format", "sqs", "--dest", dest)
	want := in + ": document 1: this is a Kinesis event, not an SQS event"
	if res.code != 1 || !strings.Contains(res.stderr, want) || strings.Count(res.stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr %q; want exit 1 and one line with %q", res.code, res.stderr, want)
	}
	if entries, _ := os.ReadDir(dest); len(entries) != 0 {
		t.Errorf("wrote %v", entries)
	}
}
