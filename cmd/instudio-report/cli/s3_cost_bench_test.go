//go:build duckdb_use_lib

package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/instudio/instudio-report/storage/s3test"
)

// The targets for one of 40 salons at 1M events, compacted, through
// httpfs (README, Benchmarks). On a bigger data set with salons of the same
// size (INSTUDIO_BENCH_BASELINE_MB set to the 1M figure), the bytes may be
// at most twice the 1M figure: what a report reads follows its salon, not
// the lake. The request count grows with the number of files there (a
// HEAD and a footer each) and is reported, not held to the 1M target.
const (
	costMaxRequests = 50
	costMaxBytes    = 15 << 20
)

// costLimits are the request and byte limits of compacted httpfs for this
// run, and where to write its byte figure (INSTUDIO_BENCH_COST_OUT).
func costLimits(b *testing.B) (maxRequests int, maxBytes int64, out string) {
	base := os.Getenv("INSTUDIO_BENCH_BASELINE_MB")
	if base == "" {
		return costMaxRequests, costMaxBytes, os.Getenv("INSTUDIO_BENCH_COST_OUT")
	}
	mb, err := strconv.ParseFloat(strings.TrimSpace(base), 64)
	if err != nil || mb <= 0 {
		b.Fatalf("INSTUDIO_BENCH_BASELINE_MB=%q: want the 1M figure in MB", base)
	}
	return 0, int64(2 * mb * 1e6), os.Getenv("INSTUDIO_BENCH_COST_OUT")
}

// BenchmarkS3Cost counts what one salon's report costs over S3: the
// requests and the bytes that pass a counting proxy in front of versitygw,
// for httpfs, a cold and a warm cache, and auto, over the bench data set's
// batch files and over a compacted copy of them (with its moves index).
// It needs httpfs linked in (make bench-s3 builds against
// ../shared/duckdb-httpfs) and INSTUDIO_BENCH_DIR; it fails when compacted
// httpfs misses the targets.
func BenchmarkS3Cost(b *testing.B) {
	dir := os.Getenv("INSTUDIO_BENCH_DIR")
	if dir == "" {
		b.Skip("INSTUDIO_BENCH_DIR is not set: run `make bench-s3`")
	}
	if !httpfsLoads(b) {
		b.Fatal("this DuckDB cannot load httpfs: make bench-s3 links ../shared/duckdb-httpfs")
	}
	compacted := filepath.Join(b.TempDir(), "compacted")
	if out, err := exec.Command("cp", "-r", dir, compacted).CombinedOutput(); err != nil {
		b.Fatalf("copy the bench data: %v %s", err, out)
	}
	benchRun(b, map[string]string{"INSTUDIO_LOG_LEVEL": "warn"}, []string{"--source", compacted, "compact", "--before", "2026-11-26"})

	srv := s3test.Start(b)
	bucket := srv.CreateBucket(b, "cost")
	proxy := s3test.StartFaultProxy(b, srv.Endpoint, s3test.Faults{})
	layouts := []struct{ name, dir string }{{"batch", dir}, {"compacted", compacted}}
	for _, l := range layouts {
		n, size := uploadParallel(b, srv, l.dir, bucket, l.name)
		b.Logf("%s: %d objects, %.1f MB", l.name, n, float64(size)/1e6)
	}
	args := []string{"salon", "--id", "7", "--from", "2026-10-28", "--to", "2026-11-27", "-o", "json"}
	local := map[string]string{}
	for _, l := range layouts {
		local[l.name] = benchRun(b, map[string]string{}, append([]string{"--source", l.dir}, args...))
	}
	choice := regexp.MustCompile(`msg="s3 auto" .*choice=(\w+)`)
	for _, l := range layouts {
		warmCache := b.TempDir()
		for _, mode := range []string{"httpfs", "cache-cold", "cache-warm", "auto-cold", "auto-warm"} {
			b.Run(l.name+"/"+mode, func(b *testing.B) {
				for b.Loop() {
					env := map[string]string{"INSTUDIO_S3_ENDPOINT": proxy.Endpoint, "INSTUDIO_LOG_LEVEL": "debug"}
					switch mode {
					case "httpfs":
						env["INSTUDIO_S3_MODE"], env["INSTUDIO_CACHE_DIR"] = "httpfs", b.TempDir()
					case "cache-cold":
						env["INSTUDIO_S3_MODE"], env["INSTUDIO_CACHE_DIR"] = "cache", b.TempDir()
					case "cache-warm":
						env["INSTUDIO_S3_MODE"], env["INSTUDIO_CACHE_DIR"] = "cache", warmCache
						b.StopTimer()
						benchRun(b, env, append([]string{"--source", "s3://cost/" + l.name}, args...))
						b.StartTimer()
					case "auto-cold":
						env["INSTUDIO_S3_MODE"], env["INSTUDIO_CACHE_DIR"] = "auto", b.TempDir()
					case "auto-warm":
						env["INSTUDIO_S3_MODE"], env["INSTUDIO_CACHE_DIR"] = "auto", warmCache
					}
					b.StopTimer()
					proxy.Reset()
					b.StartTimer()
					out, stderr := benchRunErr(b, env, append([]string{"--source", "s3://cost/" + l.name}, args...))
					b.StopTimer()
					if out != local[l.name] {
						b.Errorf("%s %s: the report differs from the local one", l.name, mode)
					}
					served := proxy.Served()
					requests := 0
					for _, n := range served {
						requests += n
					}
					bytes := proxy.Bytes()
					b.ReportMetric(float64(requests), "requests/report")
					b.ReportMetric(float64(bytes)/1e6, "MB/report")
					how := ""
					if m := choice.FindStringSubmatch(stderr); m != nil {
						how = " (auto chose " + m[1] + ")"
					}
					b.Logf("%s %s%s: %v, %.1f MB", l.name, mode, how, served, float64(bytes)/1e6)
					if l.name == "compacted" && mode == "httpfs" {
						maxRequests, maxBytes, out := costLimits(b)
						switch {
						case maxRequests == 0 && int64(bytes) > maxBytes:
							// The bigger set's target is reported, not enforced,
							// so that a miss does not stop make bench from
							// recording the rest.
							b.Logf("MISSED: compacted httpfs moved %.1f MB, more than twice the 1M set's %.1f MB", float64(bytes)/1e6, float64(maxBytes)/2e6)
						case (maxRequests > 0 && requests > maxRequests) || int64(bytes) > maxBytes:
							b.Errorf("compacted httpfs: %d requests and %.1f MB, want at most %d requests (0: any) and %.1f MB", requests, float64(bytes)/1e6, maxRequests, float64(maxBytes)/1e6)
						}
						if out != "" {
							if err := os.WriteFile(out, []byte(fmt.Sprintf("%.3f\n", float64(bytes)/1e6)), 0o644); err != nil {
								b.Fatal(err)
							}
						}
					}
					b.StartTimer()
				}
			})
		}
	}
}
