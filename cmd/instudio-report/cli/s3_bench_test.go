package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/storage/s3test"
)

// BenchmarkS3 measures, against versitygw on loopback, the cold and warm
// cache sync of the bench data set (`make bench` writes it and sets
// INSTUDIO_BENCH_DIR), and `salon` from the warm cache against the same
// files on local disk. It is skipped without the data set.
func BenchmarkS3(b *testing.B) {
	dir := os.Getenv("INSTUDIO_BENCH_DIR")
	if dir == "" {
		b.Skip("INSTUDIO_BENCH_DIR is not set: run `make bench`")
	}
	srv := s3test.Start(b)
	bucket := srv.CreateBucket(b, "bench")
	objects, bytesUp := uploadParallel(b, srv, dir, bucket, "data")
	b.Logf("uploaded %d objects, %.1f MB", objects, float64(bytesUp)/1e6)

	ctx := context.Background()
	root := srv.Root(b, bucket, "data")
	report := func(b *testing.B, took time.Duration, n int, size int64) {
		b.ReportMetric(float64(n)/took.Seconds(), "objects/s")
		b.ReportMetric(float64(size)/1e6/took.Seconds(), "MB/s")
	}
	b.Run("sync-cold", func(b *testing.B) {
		for b.Loop() {
			res, err := layout.Sync(ctx, root, syncOpts(b.TempDir()))
			if err != nil || res.Fetched != objects {
				b.Fatalf("fetched %d of %d: %v", res.Fetched, objects, err)
			}
			report(b, res.Took, res.Fetched, res.FetchedBytes)
		}
	})
	cache := b.TempDir()
	if _, err := layout.Sync(ctx, root, syncOpts(layout.CacheDir(root, cache))); err != nil {
		b.Fatal(err)
	}
	b.Run("sync-warm", func(b *testing.B) {
		for b.Loop() {
			res, err := layout.Sync(ctx, root, syncOpts(layout.CacheDir(root, cache)))
			if err != nil || res.Fetched != 0 {
				b.Fatalf("warm sync fetched %d: %v", res.Fetched, err)
			}
			b.ReportMetric(float64(len(res.Objects))/res.Took.Seconds(), "objects/s")
			b.ReportMetric(float64(res.ListTook.Milliseconds()), "list-ms")
		}
	})
	args := []string{"salon", "--id", "1", "--from", "2026-10-28", "--to", "2026-11-27", "-o", "json"}
	var local, remote string
	b.Run("salon-local", func(b *testing.B) {
		for b.Loop() {
			local = benchRun(b, map[string]string{}, append([]string{"--source", dir}, args...))
		}
	})
	b.Run("salon-warm-cache", func(b *testing.B) {
		env := map[string]string{"INSTUDIO_S3_MODE": "cache", "INSTUDIO_S3_ENDPOINT": srv.Endpoint, "INSTUDIO_CACHE_DIR": cache}
		for b.Loop() {
			remote = benchRun(b, env, append([]string{"--source", "s3://bench/data"}, args...))
		}
	})
	if local != remote {
		b.Error("salon from the warm cache differs from the local run")
	}
}

func syncOpts(dir string) layout.SyncOptions { return layout.SyncOptions{Dir: dir, Now: time.Now} }

func benchRun(b *testing.B, env map[string]string, args []string) string {
	out, _ := benchRunErr(b, env, args)
	return out
}

// benchNow is the instant the bench data sets were written at (the
// Makefile's BENCH_NOW). Every bench run reads the clock as this instant:
// a report's week ahead and its clients at risk run from now, so two runs
// a second apart would differ, and the benches compare reports byte for
// byte across modes.
var benchNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// benchRunErr is benchRun that returns stderr too.
func benchRunErr(b *testing.B, env map[string]string, args []string) (string, string) {
	var stdout, stderr bytes.Buffer
	code := Execute(context.Background(), Env{
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return env[k] }, Now: func() time.Time { return benchNow },
	}, args)
	if code != 0 {
		b.Fatalf("exit %d: %s", code, stderr.String())
	}
	return stdout.String(), stderr.String()
}

// uploadParallel puts every booking file under dir, and the moves index,
// into bucket/prefix with 16 parallel PUTs.
func uploadParallel(b *testing.B, srv *s3test.Server, dir, bucket, prefix string) (int, int64) {
	var files []string
	_ = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && (strings.HasSuffix(p, ".parquet") || strings.HasPrefix(e.Name(), "_moves-")) {
			files = append(files, p)
		}
		return nil
	})
	var total int64
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(16)
	for _, p := range files {
		info, err := os.Stat(p)
		if err != nil {
			b.Fatal(err)
		}
		total += info.Size()
		g.Go(func() error {
			rel, _ := filepath.Rel(dir, p)
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = srv.Client().PutObject(ctx, &s3.PutObjectInput{
				Bucket: aws.String(bucket), Key: aws.String(prefix + "/" + filepath.ToSlash(rel)),
				Body: io.ReadSeeker(f), ContentLength: aws.Int64(info.Size()),
			})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	return len(files), total
}
