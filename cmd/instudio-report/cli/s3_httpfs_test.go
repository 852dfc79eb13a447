//go:build duckdb_use_lib

package cli

import (
	"os"
	"strings"
	"testing"

	"github.com/instudio/instudio-report/storage/s3test"
)

// These tests need a DuckDB with httpfs linked in, which DuckDB cannot
// download on the project's machines: `make test-httpfs` builds them
// against ../shared/duckdb-httpfs (build tag duckdb_use_lib). Under
// CI=true a library without httpfs fails them; elsewhere they skip.
func requireHTTPFS(t *testing.T) {
	t.Helper()
	if httpfsLoads(t) {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("LOAD httpfs fails with this DuckDB library, and CI=true: build against a DuckDB with httpfs linked in (make test-httpfs)")
	}
	t.Skip("LOAD httpfs fails with this DuckDB library: build against one with httpfs linked in (make test-httpfs)")
}

// httpfs reads the bucket through the counting proxy and gives the local
// report, byte for byte, asking about each object at most once.
func TestSalonS3HTTPFS(t *testing.T) {
	requireHTTPFS(t)
	f := newS3Fixture(t, s3test.Faults{})
	want := f.localJSON(t)
	files := countFiles(t, f.local)
	f.proxy.Reset()
	res := f.runS3(t, map[string]string{"INSTUDIO_S3_MODE": "httpfs"}, salonArgs...)
	if res.code != 0 || res.stdout != want {
		t.Fatalf("exit %d, same JSON %v: %s", res.code, res.stdout == want, res.stderr)
	}
	served := f.proxy.Served()
	if served["list"] < 1 || served["get"] < files {
		t.Errorf("served %v: want a listing and a GET of each of the %d files at least", served, files)
	}
	for path, n := range f.proxy.Heads() {
		if n > 1 {
			t.Errorf("%d HEAD requests for %s, want at most one", n, path)
		}
	}
	t.Logf("httpfs over %d batch files: %v, %d bytes", files, served, f.proxy.Bytes())

	// Compacted, with its moves index: the same report as the compacted
	// directory, a GET or two per file, and the index read once.
	src, want, compacted := f.compactedCopy(t)
	f.proxy.Reset()
	res = run(t, runOpts{env: map[string]string{"XDG_CACHE_HOME": t.TempDir(), "INSTUDIO_S3_ENDPOINT": f.proxy.Endpoint,
		"INSTUDIO_S3_MODE": "httpfs", "INSTUDIO_LOG_LEVEL": "debug"}},
		append([]string{"--source", src}, salonArgs...)...)
	if res.code != 0 || res.stdout != want {
		t.Fatalf("compacted: exit %d, same JSON %v: %s", res.code, res.stdout == want, res.stderr)
	}
	if !strings.Contains(res.stderr, "msg=\"moves index\"") || strings.Contains(res.stderr, "covered_files=0") {
		t.Errorf("compacted: the moves index was not used:\n%s", res.stderr)
	}
	served = f.proxy.Served()
	for path, n := range f.proxy.Heads() {
		if n > 1 {
			t.Errorf("compacted: %d HEAD requests for %s, want at most one", n, path)
		}
	}
	// A listing, the index, and per file a HEAD and a few ranged GETs.
	if total := served["list"] + served["get"] + served["head"] + served["other"]; total > 2+4*compacted {
		t.Errorf("compacted: %v requests over %d files, want at most %d", served, compacted, 2+4*compacted)
	}
	t.Logf("httpfs over %d compacted files: %v, %d bytes", compacted, served, f.proxy.Bytes())
}
