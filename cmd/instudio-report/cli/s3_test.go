package cli

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/storage/s3test"
)

// s3Fixture is demo data in a local directory and the same files in a
// versitygw bucket, behind a counting (and optionally faulty) proxy.
type s3Fixture struct {
	srv    *s3test.Server
	proxy  *s3test.FaultProxy
	local  string // the local directory
	bucket string
	source string // s3://bucket/prefix
	env    map[string]string
}

const s3Prefix = "analytics/prod"

// s3DemoArgs write three salons over 30 days and 7 ahead: 4 batch files a
// day (one per 6 hours of ingest), about 150 files.
var s3DemoArgs = []string{"--salons", "3", "--days", "30", "--ahead", "7", "--seed", "7", "--now", "2026-03-13T09:00:00Z"}

func newS3Fixture(t *testing.T, faults s3test.Faults) *s3Fixture {
	t.Helper()
	srv := s3test.Start(t)
	local := t.TempDir()
	res := run(t, runOpts{}, append([]string{"demo", "--dest", local}, s3DemoArgs...)...)
	if res.code != 0 {
		t.Fatalf("demo: %s", res.stderr)
	}
	f := &s3Fixture{srv: srv, local: local, bucket: srv.CreateBucket(t, "analytics-bucket-s3")}
	if n := srv.Upload(t, local, f.bucket, s3Prefix); n < 50 {
		t.Fatalf("uploaded only %d files", n)
	}
	f.proxy = s3test.StartFaultProxy(t, srv.Endpoint, faults)
	f.source = "s3://" + f.bucket + "/" + s3Prefix
	f.env = map[string]string{
		"XDG_CACHE_HOME":       t.TempDir(),
		"INSTUDIO_S3_ENDPOINT": f.proxy.Endpoint,
		"INSTUDIO_S3_MODE":     "cache",
	}
	return f
}

// salonArgs is the report the tests compare: salon 1's last 30 days, as
// JSON, so that every metric takes part.
var salonArgs = []string{"salon", "--id", "1", "--period", "last-30d", "-o", "json"}

func (f *s3Fixture) runS3(t *testing.T, extra map[string]string, args ...string) result {
	t.Helper()
	env := map[string]string{}
	for k, v := range f.env {
		env[k] = v
	}
	for k, v := range extra {
		env[k] = v
	}
	return run(t, runOpts{env: env}, append([]string{"--source", f.source}, args...)...)
}

func (f *s3Fixture) localJSON(t *testing.T) string {
	t.Helper()
	res := run(t, runOpts{}, append([]string{"--source", f.local}, salonArgs...)...)
	if res.code != 0 {
		t.Fatalf("local run: %s", res.stderr)
	}
	return res.stdout
}

var syncDone = regexp.MustCompile(`s3 sync done.*listed=(\d+) fetched=(\d+) fetched_bytes=\d+ kept=(\d+) dropped=(\d+)`)

// syncCounts reads the sync's own summary from the debug log.
func syncCounts(t *testing.T, stderr string) (listed, fetched, kept, dropped string) {
	t.Helper()
	m := syncDone.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no sync summary in the debug log:\n%s", stderr)
	}
	return m[1], m[2], m[3], m[4]
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	_ = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.HasSuffix(p, ".parquet") {
			n++
		}
		return nil
	})
	return n
}

// Cache mode reads what the local directory holds, byte for byte, and
// afterwards fetches only what changed upstream.
func TestSalonS3Cache(t *testing.T) {
	f := newS3Fixture(t, s3test.Faults{})
	files := countFiles(t, f.local)
	want := f.localJSON(t)
	debug := map[string]string{"INSTUDIO_LOG_LEVEL": "debug"}

	// Cold: one listing, every file fetched once.
	res := f.runS3(t, debug, salonArgs...)
	if res.code != 0 {
		t.Fatalf("cold run: exit %d: %s", res.code, res.stderr)
	}
	if res.stdout != want {
		t.Fatalf("cold run JSON differs from the local run:\n%s\nwant:\n%s", res.stdout, want)
	}
	served := f.proxy.Served()
	if served["list"] != 1 || served["get"] != files {
		t.Errorf("cold run: %d listings and %d GETs, want 1 and %d", served["list"], served["get"], files)
	}
	if listed, fetched, _, _ := syncCounts(t, res.stderr); listed != strconv.Itoa(files) || fetched != strconv.Itoa(files) {
		t.Errorf("cold run: listed %s fetched %s, want %d of each", listed, fetched, files)
	}

	// demo writes to S3 too, create-if-absent: over the same data it
	// writes nothing (If-None-Match: * answers 412 for every file).
	f.proxy.Reset()
	res = f.runS3(t, nil, append([]string{"demo", "--dest", f.source}, s3DemoArgs...)...)
	if res.code != 0 || !strings.Contains(res.stderr, "wrote 0 events in 0 files") || !strings.Contains(res.stderr, "("+strconv.Itoa(files)+" files, ") {
		t.Errorf("demo over S3: exit %d: %s", res.code, res.stderr)
	}
	if served := f.proxy.Served(); served["put"] != files {
		t.Errorf("demo over S3: %d PUTs, want %d", served["put"], files)
	}

	// Warm: one listing, no GETs.
	f.proxy.Reset()
	res = f.runS3(t, debug, salonArgs...)
	if res.code != 0 || res.stdout != want {
		t.Fatalf("warm run: exit %d, same JSON %v: %s", res.code, res.stdout == want, res.stderr)
	}
	if served := f.proxy.Served(); served["list"] != 1 || served["get"] != 0 {
		t.Errorf("warm run: %d listings and %d GETs, want 1 and 0", served["list"], served["get"])
	}

	// One object changes upstream (it becomes a copy of another day's
	// file: a different ETag and size), another is deleted. The same
	// happens locally, so the reports must again agree.
	keys := localKeys(t, f.local)
	changed, source, deleted := keys[len(keys)-3], keys[len(keys)-2], keys[len(keys)-1]
	data, err := os.ReadFile(filepath.Join(f.local, source))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.local, changed), data, 0o644); err != nil {
		t.Fatal(err)
	}
	f.srv.Put(t, f.bucket, s3Prefix+"/"+changed, data)
	if err := os.Remove(filepath.Join(f.local, deleted)); err != nil {
		t.Fatal(err)
	}
	f.srv.Delete(t, f.bucket, s3Prefix+"/"+deleted)
	want = f.localJSON(t)

	f.proxy.Reset()
	res = f.runS3(t, debug, salonArgs...)
	if res.code != 0 || res.stdout != want {
		t.Fatalf("after the change: exit %d, same JSON %v: %s", res.code, res.stdout == want, res.stderr)
	}
	if served := f.proxy.Served(); served["get"] != 1 {
		t.Errorf("after the change: %d GETs, want 1 (the changed object)", served["get"])
	}
	if _, fetched, kept, dropped := syncCounts(t, res.stderr); fetched != "1" || dropped != "1" || kept != strconv.Itoa(files-2) {
		t.Errorf("after the change: fetched %s kept %s dropped %s, want 1, %d, 1", fetched, kept, dropped, files-2)
	}
	cache := filepath.Join(f.env["XDG_CACHE_HOME"], "instudio-report")
	if n := countFiles(t, cache); n != files-1 {
		t.Errorf("the cache holds %d files, want %d", n, files-1)
	}
	// With --as-of, the partitions after its day are not synced, and the
	// report is still the local one.
	through := 0
	for _, k := range localKeys(t, f.local) {
		if k <= "bookings/dt=2026-03-01/~" {
			through++
		}
	}
	asOfArgs := []string{"salon", "--id", "1", "--period", "2026-02", "--as-of", "2026-03-01T12:00:00Z", "-o", "json"}
	local := run(t, runOpts{}, append([]string{"--source", f.local}, asOfArgs...)...)
	res = f.runS3(t, map[string]string{"INSTUDIO_LOG_LEVEL": "debug", "XDG_CACHE_HOME": t.TempDir()}, asOfArgs...)
	if res.code != 0 || local.code != 0 || res.stdout != local.stdout {
		t.Fatalf("as-of: exit %d and %d, same JSON %v: %s", res.code, local.code, res.stdout == local.stdout, res.stderr)
	}
	if listed, fetched, _, _ := syncCounts(t, res.stderr); listed != strconv.Itoa(through) || fetched != listed || through == 0 || through >= files-1 {
		t.Errorf("as-of: listed %s fetched %s, want the %d files through 2026-03-01 of %d", listed, fetched, through, files-1)
	}
	// The debug log never carries the secret.
	if strings.Contains(res.stderr, s3test.SecretKey) {
		t.Error("the secret key is in the log")
	}
}

// Through a proxy that answers 503 SlowDown, cuts connections and
// truncates bodies, the sync retries its way to the same report.
func TestSalonS3CacheFaults(t *testing.T) {
	f := newS3Fixture(t, s3test.Faults{SlowDownEvery: 5, CutEvery: 7, TruncateEvery: 11})
	want := f.localJSON(t)
	res := f.runS3(t, nil, salonArgs...)
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	if res.stdout != want {
		t.Errorf("JSON through the faulty proxy differs from the local run")
	}
	inj := f.proxy.Injected()
	if inj["slowdown"] == 0 || inj["cut"] == 0 || inj["truncate"] == 0 {
		t.Errorf("faults injected: %v; want some of each", inj)
	}
	// What was synced through the faults is whole: a second run, without
	// faults, fetches nothing.
	f.proxy.SetFaults(s3test.Faults{})
	res = f.runS3(t, map[string]string{"INSTUDIO_LOG_LEVEL": "debug"}, salonArgs...)
	if _, fetched, _, _ := syncCounts(t, res.stderr); res.code != 0 || fetched != "0" || res.stdout != want {
		t.Errorf("second run: exit %d, fetched %s, same JSON %v", res.code, fetched, res.stdout == want)
	}
}

// Every way an S3 source can be wrong is one line, exit 1, naming the
// place and never the secret.
func TestSalonS3Errors(t *testing.T) {
	f := newS3Fixture(t, s3test.Faults{})
	corruptKey := s3Prefix + "/bookings/dt=2026-03-01/zz-corrupt.parquet"
	cases := []struct {
		name   string
		source string
		env    map[string]string
		setenv map[string]string
		want   string
	}{
		{"wrong secret", f.source, nil, map[string]string{"AWS_SECRET_ACCESS_KEY": "wrong-secret-xyzzy"},
			`access denied to bucket analytics-bucket-s3 \(SignatureDoesNotMatch\) with credentials from environment variables`},
		{"missing bucket", "s3://no-such-bucket/p", nil, nil,
			`bucket no-such-bucket does not exist at http://127\.0\.0\.1:\d+ \(region us-east-1\): check the bucket name, --s3-endpoint and --s3-region\n`},
		{"empty prefix", "s3://analytics-bucket-s3/nothing-here", nil, nil,
			"no booking files match s3://analytics-bucket-s3/nothing-here/bookings/dt=\\*/\\*\\.parquet; run `instudio-report demo`"},
		{"wrong endpoint", f.source, map[string]string{"INSTUDIO_S3_ENDPOINT": "http://127.0.0.1:1", "AWS_MAX_ATTEMPTS": "2"}, nil,
			`cannot reach http://127\.0\.0\.1:1: dial: connect: connection refused: check --s3-endpoint`},
		{"wrong region", f.source, map[string]string{"INSTUDIO_S3_REGION": "eu-west-3"}, nil,
			`bucket analytics-bucket-s3 is not in region eu-west-3 at http://127\.0\.0\.1:\d+: pass the bucket's region with --s3-region`},
		{"no credentials", f.source, nil, map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""},
			`s3://analytics-bucket-s3/analytics/prod: no usable AWS credentials \(.+\): set AWS_PROFILE or --profile, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run .aws sso login.`},
		{"unknown profile", f.source, map[string]string{"INSTUDIO_PROFILE": "nope"}, nil,
			`s3://analytics-bucket-s3/analytics/prod: aws profile nope not found in the AWS config files: check --profile or AWS_PROFILE`},
		{"bad endpoint", f.source, map[string]string{"INSTUDIO_S3_ENDPOINT": "127.0.0.1:1"}, nil,
			`s3 endpoint "127\.0\.0\.1:1": use a URL such as`},
		{"corrupt object", f.source, nil, nil,
			`read s3://analytics-bucket-s3/` + regexp.QuoteMeta(corruptKey) + `: `},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.setenv {
				t.Setenv(k, v)
			}
			if tc.name == "corrupt object" {
				f.srv.Put(t, f.bucket, corruptKey, []byte("PAR1 this is not parquet PAR1"))
				defer f.srv.Delete(t, f.bucket, corruptKey)
			}
			env := map[string]string{}
			for k, v := range f.env {
				env[k] = v
			}
			for k, v := range tc.env {
				env[k] = v
			}
			res := run(t, runOpts{env: env}, append([]string{"--source", tc.source}, salonArgs...)...)
			if res.code != exitError {
				t.Fatalf("exit %d, want %d: %s", res.code, exitError, res.stderr)
			}
			if !regexp.MustCompile(tc.want).MatchString(res.stderr) {
				t.Errorf("stderr %q does not match %q", res.stderr, tc.want)
			}
			if lines := strings.Count(strings.TrimSpace(res.stderr), "\n"); lines != 0 || !strings.HasPrefix(res.stderr, "instudio-report: ") {
				t.Errorf("not one error line: %q", res.stderr)
			}
			if strings.Contains(res.stderr, "xyzzy") || strings.Contains(res.stderr, s3test.SecretKey) {
				t.Errorf("a secret is in the message: %q", res.stderr)
			}
			if strings.Contains(res.stderr, f.env["XDG_CACHE_HOME"]) {
				t.Errorf("the message names the cache, not the object: %q", res.stderr)
			}
		})
	}
}

// The sync draws a progress bar on a terminal, and nothing when stderr is
// piped.
func TestSalonS3Progress(t *testing.T) {
	f := newS3Fixture(t, s3test.Faults{})
	for _, terminal := range []bool{true, false} {
		var stdout, stderr strings.Builder
		env := map[string]string{"XDG_CACHE_HOME": t.TempDir()}
		for k, v := range f.env {
			if k != "XDG_CACHE_HOME" {
				env[k] = v
			}
		}
		code := Execute(context.Background(), Env{
			Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, StderrIsTerminal: terminal,
			Getenv: func(k string) string { return env[k] }, Now: func() time.Time { return fixedNow },
		}, append([]string{"--source", f.source}, salonArgs...))
		if code != 0 {
			t.Fatalf("terminal %v: exit %d: %s", terminal, code, stderr.String())
		}
		bar := regexp.MustCompile(`syncing \d+/\d+ objects .*\(\d.* [kM]B, .*/s\)`)
		if terminal && !bar.MatchString(stderr.String()) {
			t.Errorf("terminal: no progress bar in %q", stderr.String())
		}
		if !terminal && stderr.String() != "" {
			t.Errorf("piped: stderr %q, want nothing", stderr.String())
		}
	}
}

// compactedCopy compacts the fixture's local directory (writing its moves
// index) and uploads it under another prefix: the layout that auto mode
// reads through httpfs. It returns that source, the local report over it,
// and its number of files.
func (f *s3Fixture) compactedCopy(t *testing.T) (src, want string, files int) {
	t.Helper()
	if res := run(t, runOpts{}, "--source", f.local, "compact", "--before", "2026-03-12"); res.code != 0 {
		t.Fatalf("compact: %s", res.stderr)
	}
	files = countFiles(t, f.local)
	if files > 16 {
		t.Fatalf("compaction left %d files", files)
	}
	f.srv.Upload(t, f.local, f.bucket, "compacted")
	return "s3://" + f.bucket + "/compacted", f.localJSON(t), files
}

var autoChoice = regexp.MustCompile(`msg="s3 auto" .*choice=(\w+)`)

func chosen(t *testing.T, stderr string) string {
	t.Helper()
	m := autoChoice.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no s3 auto choice in the debug log:\n%s", stderr)
	}
	return m[1]
}

// auto chooses by the layout: the cache for many batch files, httpfs for
// a few compacted ones while the cache is cold, the cache once it holds
// them. Where httpfs cannot be loaded it falls back to the cache with a
// one-line notice, said once: the runs that only remember the failed
// install keep quiet, with the reason at debug level. Either way the
// report is the local one.
func TestSalonS3Auto(t *testing.T) {
	f := newS3Fixture(t, s3test.Faults{})
	want := f.localJSON(t)
	debug := map[string]string{"INSTUDIO_S3_MODE": "auto", "INSTUDIO_LOG_LEVEL": "debug"}
	res := f.runS3(t, debug, salonArgs...)
	if res.code != 0 || res.stdout != want {
		t.Fatalf("batch files: exit %d, same JSON %v: %s", res.code, res.stdout == want, res.stderr)
	}
	if c := chosen(t, res.stderr); c != "cache" || strings.Contains(res.stderr, "instudio-report: ") {
		t.Errorf("batch files: auto chose %s, want the cache and no notice:\n%s", c, res.stderr)
	}
	if served := f.proxy.Served(); served["list"] != 1 {
		t.Errorf("batch files: %d listings, want one (auto's listing is the sync's)", served["list"])
	}

	src, want, _ := f.compactedCopy(t)
	cacheBase := filepath.Join(f.env["XDG_CACHE_HOME"], "instudio-report")
	env := map[string]string{"INSTUDIO_S3_MODE": "auto"}
	runCompacted := func(extra map[string]string) result {
		e := map[string]string{}
		for k, v := range f.env {
			e[k] = v
		}
		for k, v := range extra {
			e[k] = v
		}
		return run(t, runOpts{env: e}, append([]string{"--source", src}, salonArgs...)...)
	}
	res = runCompacted(env)
	if res.code != 0 || res.stdout != want {
		t.Fatalf("compacted: exit %d, same JSON %v: %s", res.code, res.stdout == want, res.stderr)
	}
	if httpfsLoads(t) {
		if res.stderr != "" {
			t.Errorf("httpfs loads, yet stderr says %q", res.stderr)
		}
		res = runCompacted(debug)
		if c := chosen(t, res.stderr); res.code != 0 || res.stdout != want || c != "httpfs" {
			t.Errorf("compacted, cold cache: exit %d, same JSON %v, chose %s, want httpfs", res.code, res.stdout == want, c)
		}
		return
	}
	notice := "instudio-report: httpfs unavailable here, so " + src + " is read through the local cache; --s3-mode cache skips the attempt\n"
	if res.stderr != notice {
		t.Errorf("stderr = %q, want the one-line fallback notice %q", res.stderr, notice)
	}
	// The cache now holds the compacted files: auto reads it, and does not
	// even try httpfs.
	res = runCompacted(debug)
	if c := chosen(t, res.stderr); res.code != 0 || res.stdout != want || c != "cache" || strings.Contains(res.stderr, "httpfs unavailable") {
		t.Errorf("warm cache: exit %d, same JSON %v, chose %s, want the cache without a word of httpfs:\n%s", res.code, res.stdout == want, c, res.stderr)
	}
	// A cold cache again, and the failed install remembered for a day: the
	// run does not pay for another download attempt, and says nothing but
	// at debug level.
	if err := os.RemoveAll(filepath.Join(cacheBase, "s3")); err != nil {
		t.Fatal(err)
	}
	res = runCompacted(env)
	if res.code != 0 || res.stdout != want || res.stderr != "" {
		t.Errorf("remembered failure: exit %d, same JSON %v, stderr %q, want none", res.code, res.stdout == want, res.stderr)
	}
	if err := os.RemoveAll(filepath.Join(cacheBase, "s3")); err != nil {
		t.Fatal(err)
	}
	res = runCompacted(debug)
	if res.code != 0 || strings.Contains(res.stderr, "instudio-report: httpfs") ||
		!regexp.MustCompile(`msg="httpfs unavailable: reading through the local cache".*reason=".*not retried before`).MatchString(res.stderr) {
		t.Errorf("remembered failure, debug: exit %d, stderr %q, want the reason at debug level only", res.code, res.stderr)
	}
}

// httpfsLoads reports whether this DuckDB can load httpfs.
func httpfsLoads(t testing.TB) bool {
	t.Helper()
	db, err := queries.Open(context.Background(), queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return db.LoadHTTPFS(context.Background(), true) == nil
}

func localKeys(t *testing.T, dir string) []string {
	t.Helper()
	var keys []string
	_ = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.HasSuffix(p, ".parquet") {
			rel, _ := filepath.Rel(dir, p)
			keys = append(keys, filepath.ToSlash(rel))
		}
		return nil
	})
	return keys
}

// The S3 settings follow the precedence of every setting: flag, then
// INSTUDIO_* environment, then the config file, then the default.
func TestS3Settings(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte(strings.Join([]string{
		"source: s3://cfg-bucket/p",
		"s3_mode: httpfs",
		"s3_endpoint: http://cfg.example:9000",
		"s3_region: eu-cfg-1",
		"profile: cfg-profile",
		"extension_dir: /cfg/ext",
		"extension_repository: /cfg/repo",
		"cache_dir: /cfg/cache",
	}, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	settings := func(res result) string {
		i := strings.Index(res.stderr, "msg=settings")
		if i < 0 {
			t.Fatalf("no settings in the debug log: exit %d %s", res.code, res.stderr)
		}
		return res.stderr[i : i+strings.IndexByte(res.stderr[i:], '\n')]
	}
	// "version" opens no source, so the settings are all it needs.
	res := run(t, runOpts{env: map[string]string{"INSTUDIO_LOG_LEVEL": "debug"}}, "--config", cfg, "version")
	want := "source=s3://cfg-bucket/p timezone=UTC s3_mode=httpfs s3_endpoint=http://cfg.example:9000 s3_region=eu-cfg-1 profile=cfg-profile extension_dir=/cfg/ext extension_repository=/cfg/repo cache_dir=/cfg/cache"
	if got := settings(res); !strings.HasSuffix(got, want) {
		t.Errorf("config file: %s\nwant …%s", got, want)
	}
	env := map[string]string{
		"INSTUDIO_LOG_LEVEL": "debug", "INSTUDIO_S3_MODE": "cache", "INSTUDIO_S3_ENDPOINT": "http://env:1",
		"INSTUDIO_S3_REGION": "env-1", "INSTUDIO_PROFILE": "env-p", "INSTUDIO_EXTENSION_DIR": "/env/ext",
		"INSTUDIO_EXTENSION_REPOSITORY": "/env/repo", "INSTUDIO_CACHE_DIR": "/env/cache",
	}
	res = run(t, runOpts{env: env}, "--config", cfg, "version")
	want = "s3_mode=cache s3_endpoint=http://env:1 s3_region=env-1 profile=env-p extension_dir=/env/ext extension_repository=/env/repo cache_dir=/env/cache"
	if got := settings(res); !strings.HasSuffix(got, want) {
		t.Errorf("env over config: %s\nwant …%s", got, want)
	}
	res = run(t, runOpts{env: env}, "--config", cfg, "--s3-mode", "auto", "--s3-endpoint", "http://flag:2", "--s3-region", "flag-2",
		"--profile", "flag-p", "--extension-dir", "/flag/ext", "--extension-repository", "/flag/repo", "--cache-dir", "/flag/cache", "version")
	want = "s3_mode=auto s3_endpoint=http://flag:2 s3_region=flag-2 profile=flag-p extension_dir=/flag/ext extension_repository=/flag/repo cache_dir=/flag/cache"
	if got := settings(res); !strings.HasSuffix(got, want) {
		t.Errorf("flag over env: %s\nwant …%s", got, want)
	}
	// The default cache is under XDG_CACHE_HOME, else ~/.cache.
	res = run(t, runOpts{env: map[string]string{"INSTUDIO_LOG_LEVEL": "debug", "HOME": "/home/u"}}, "version")
	if got := settings(res); !strings.Contains(got, "s3_mode=auto") || !strings.HasSuffix(got, "cache_dir=/home/u/.cache/instudio-report") {
		t.Errorf("defaults: %s", got)
	}
	res = run(t, runOpts{env: map[string]string{"INSTUDIO_S3_MODE": "fast"}}, "version")
	if res.code != exitUsage || !strings.Contains(res.stderr, `invalid s3 mode "fast": use auto, httpfs or cache`) {
		t.Errorf("bad mode: exit %d, %s", res.code, res.stderr)
	}
}

// version says which extensions this DuckDB has, httpfs included.
func TestVersionExtensions(t *testing.T) {
	res := run(t, runOpts{}, "version")
	if res.code != 0 || !regexp.MustCompile(`(?m)^extensions: .*parquet.*; httpfs (not installed|.+)`).MatchString(res.stdout) {
		t.Errorf("version: exit %d, stdout %q", res.code, res.stdout)
	}
}
