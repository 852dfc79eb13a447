package cli

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/instudio/instudio-report/storage/s3test"
)

var syncRepaired = regexp.MustCompile(`s3 sync done.* repaired=(\d+)`)

// cachedCopies are the local copies of the booking objects in the cache of
// an s3Fixture, sorted.
func (f *s3Fixture) cachedCopies(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(f.env["XDG_CACHE_HOME"], func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.HasSuffix(p, ".parquet") && strings.Contains(filepath.ToSlash(p), "/bookings/dt=") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	if len(files) < 10 {
		t.Fatalf("only %d cached copies", len(files))
	}
	return files
}

// overwrite replaces length bytes of file at offset (negative: from the
// end) with garbage; keepTime puts the modification time back, as a disk
// that rots a block does not touch it.
func overwrite(t *testing.T, file string, offset int64, length int, keepTime bool) {
	t.Helper()
	info, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if offset < 0 {
		offset += info.Size()
	}
	fh, err := os.OpenFile(file, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fh.WriteAt([]byte(strings.Repeat("\xde\xad", length/2+1)[:length]), offset); err != nil {
		t.Fatal(err)
	}
	if err := fh.Close(); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.Stat(file); after.Size() != info.Size() {
		t.Fatalf("%s changed size", file)
	}
	if keepTime {
		if err := os.Chtimes(file, info.ModTime(), info.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
}

// A copy in the S3 cache corrupted in place, at the same size, is fetched
// again, once, and the report is the same as before: whether the copy was
// rewritten whole (its time changes, and its SHA-256 is no longer the
// recorded one) or rotted in its footer with its time kept. Issue 19 item 14.
func TestS3CacheRepairsCorruptCopies(t *testing.T) {
	f := newS3Fixture(t, s3test.Faults{})
	want := f.localJSON(t)
	debug := map[string]string{"INSTUDIO_LOG_LEVEL": "debug"}
	res := f.runS3(t, debug, salonArgs...)
	if res.code != 0 || res.stdout != want {
		t.Fatalf("first run: exit %d, same JSON as the local run %v: %s", res.code, res.stdout == want, res.stderr)
	}
	copies := f.cachedCopies(t)

	cases := []struct {
		name     string
		file     string
		offset   int64
		length   int
		keepTime bool
	}{
		// every byte garbage, same size: DuckDB cannot read it at all
		{"rewritten whole", copies[0], 0, 0, false},
		// the last 16 bytes (the footer's tail and magic), time kept
		{"footer rotted", copies[len(copies)/2], -16, 16, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			length := tc.length
			if length == 0 {
				info, err := os.Stat(tc.file)
				if err != nil {
					t.Fatal(err)
				}
				length = int(info.Size())
			}
			overwrite(t, tc.file, tc.offset, length, tc.keepTime)
			res := f.runS3(t, debug, salonArgs...)
			if res.code != 0 || res.stdout != want {
				t.Fatalf("after the corruption: exit %d, same JSON %v: %s", res.code, res.stdout == want, res.stderr)
			}
			_, fetched, _, _ := syncCounts(t, res.stderr)
			m := syncRepaired.FindStringSubmatch(res.stderr)
			if fetched != "1" || m == nil || m[1] != "1" {
				t.Errorf("fetched %s, repaired %v; want the one copy fetched again", fetched, m)
			}
			// and then it is a good copy again: nothing more to fetch
			res = f.runS3(t, debug, salonArgs...)
			if _, fetched, _, _ := syncCounts(t, res.stderr); res.code != 0 || fetched != "0" || res.stdout != want {
				t.Errorf("next run: exit %d, fetched %s, same JSON %v", res.code, fetched, res.stdout == want)
			}
		})
	}
}

// query through the cache: a corrupted copy is fetched again, and an
// object that is itself broken is named by its S3 key, never by the path
// of its local copy.
func TestS3CacheQueryNamesObjects(t *testing.T) {
	f := newS3Fixture(t, s3test.Faults{})
	const count = "SELECT count(*) AS n, count(DISTINCT booking_id) AS bookings FROM events"
	local := run(t, runOpts{}, "--source", f.local, "query", count)
	if local.code != 0 {
		t.Fatalf("local query: %s", local.stderr)
	}
	res := f.runS3(t, nil, "query", count)
	if res.code != 0 || res.stdout != local.stdout {
		t.Fatalf("first query: exit %d, %q, want %q: %s", res.code, res.stdout, local.stdout, res.stderr)
	}
	copies := f.cachedCopies(t)
	overwrite(t, copies[1], 0, 64, false)
	res = f.runS3(t, nil, "query", count)
	if res.code != 0 || res.stdout != local.stdout {
		t.Fatalf("query after the corruption: exit %d, %q, want %q: %s", res.code, res.stdout, local.stdout, res.stderr)
	}

	brokenKey := s3Prefix + "/bookings/dt=2026-03-01/zz-broken.parquet"
	f.srv.Put(t, f.bucket, brokenKey, []byte("PAR1 not parquet at all, but it ends as one PAR1"))
	res = f.runS3(t, nil, "query", count)
	if res.code != exitError {
		t.Fatalf("query over a broken object: exit %d, want %d: %s", res.code, exitError, res.stderr)
	}
	if !strings.Contains(res.stderr, "s3://"+f.bucket+"/"+brokenKey) {
		t.Errorf("the error does not name the object s3://%s/%s: %q", f.bucket, brokenKey, res.stderr)
	}
	if strings.Contains(res.stderr, f.env["XDG_CACHE_HOME"]) {
		t.Errorf("the error names the cache: %q", res.stderr)
	}

	// the same statement in the repl
	env := map[string]string{"HOME": t.TempDir()}
	for k, v := range f.env {
		env[k] = v
	}
	res = runRepl(t, env, count+";\n", "--source", f.source)
	if !strings.Contains(res.stderr, "s3://"+f.bucket+"/"+brokenKey) || strings.Contains(res.stderr, f.env["XDG_CACHE_HOME"]) {
		t.Errorf("the repl's error does not name the object s3://%s/%s, or names the cache: %q", f.bucket, brokenKey, res.stderr)
	}
}

// A copy whose Parquet metadata rotted with its framing and time kept
// passes the sync's checks; DuckDB cannot read it, so the report drops the
// copy and runs again, once, and the sync fetches it anew: the same report.
func TestS3CacheRefetchesOnReadError(t *testing.T) {
	f := newS3Fixture(t, s3test.Faults{})
	want := f.localJSON(t)
	debug := map[string]string{"INSTUDIO_LOG_LEVEL": "debug"}
	if res := f.runS3(t, debug, salonArgs...); res.code != 0 || res.stdout != want {
		t.Fatalf("first run: exit %d, same JSON %v: %s", res.code, res.stdout == want, res.stderr)
	}
	file := f.cachedCopies(t)[3]
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// The footer is the metadata's length bytes before its last 8 (the
	// length and "PAR1"): garbage over the start of the metadata.
	footer := int64(binary.LittleEndian.Uint32(data[len(data)-8:]))
	overwrite(t, file, int64(len(data))-8-footer, 24, true)

	res := f.runS3(t, debug, salonArgs...)
	if res.code != 0 || res.stdout != want {
		t.Fatalf("after the corruption: exit %d, same JSON %v: %s", res.code, res.stdout == want, res.stderr)
	}
	syncs := syncDone.FindAllStringSubmatch(res.stderr, -1)
	if len(syncs) != 2 || syncs[0][2] != "0" || syncs[1][2] != "1" {
		t.Errorf("syncs %v: want one that fetched nothing, then one that fetched the dropped copy", syncs)
	}
}
