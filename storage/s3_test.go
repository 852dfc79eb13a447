package storage_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/instudio/instudio-report/storage"
	"github.com/instudio/instudio-report/storage/s3test"
)

// The S3 root against a real S3 server: the same contract as the
// directory root, with and without a prefix.
func TestS3Root(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.CreateBucket(t, "roots")
	ctx := context.Background()
	for _, prefix := range []string{"", "team/analytics"} {
		t.Run("prefix="+prefix, func(t *testing.T) {
			r := srv.Root(t, bucket, prefix)
			wantString := "s3://roots"
			if prefix != "" {
				wantString += "/" + prefix
			}
			if r.String() != wantString {
				t.Errorf("String() = %q, want %q", r.String(), wantString)
			}
			if got, want := r.URI("bookings/x.parquet"), wantString+"/bookings/x.parquet"; got != want {
				t.Errorf("URI = %q, want %q", got, want)
			}
			keys := []string{"bookings/dt=2026-11-02/b.parquet", "bookings/dt=2026-11-01/a.parquet", "bookings-rejected/x.jsonl"}
			for _, key := range keys {
				wrote, err := r.Create(ctx, key, []byte("first "+key))
				if err != nil || !wrote {
					t.Fatalf("Create(%s) = %v, %v; want a write", key, wrote, err)
				}
			}
			// If-None-Match: * keeps the first copy.
			wrote, err := r.Create(ctx, keys[0], []byte("second"))
			if err != nil || wrote {
				t.Errorf("second Create = %v, %v; want no write and no error", wrote, err)
			}
			if data, err := r.Read(ctx, keys[0]); err != nil || string(data) != "first "+keys[0] {
				t.Errorf("Read = %q, %v; want the first copy", data, err)
			}
			// A writer's temporary object is never listed.
			srv.Put(t, bucket, strings.TrimPrefix(prefix+"/bookings/dt=2026-11-01/.tmp-123", "/"), []byte("partial"))

			objs, err := r.List(ctx, "bookings/")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range objs {
				got = append(got, o.Key)
				if o.ETag == "" || o.Size != int64(len("first "+o.Key)) {
					t.Errorf("%s: etag %q size %d", o.Key, o.ETag, o.Size)
				}
			}
			want := "bookings/dt=2026-11-01/a.parquet bookings/dt=2026-11-02/b.parquet"
			if strings.Join(got, " ") != want {
				t.Errorf("List = %v, want %s", got, want)
			}

			if err := r.Delete(ctx, keys[1]); err != nil {
				t.Fatal(err)
			}
			if err := r.Delete(ctx, keys[1]); err != nil {
				t.Errorf("deleting a missing key: %v", err)
			}
			if _, err := r.Read(ctx, keys[1]); !errors.Is(err, storage.ErrNotFound) || !strings.Contains(err.Error(), r.URI(keys[1])) {
				t.Errorf("Read of a deleted key: %v; want ErrNotFound naming %s", err, r.URI(keys[1]))
			}
		})
	}
}

// Each way of failing to reach the data is one line that names the
// bucket and what to check, and never the secret.
func TestS3Errors(t *testing.T) {
	srv := s3test.Start(t)
	srv.CreateBucket(t, "present")
	ctx := context.Background()
	cases := []struct {
		name, bucket string
		setup        func(t *testing.T, opt *storage.S3Options)
		want         []string
	}{
		{"missing bucket", "absent", nil, []string{"bucket absent does not exist", srv.Endpoint}},
		{"wrong region", "present", func(t *testing.T, opt *storage.S3Options) {
			opt.Region = "eu-west-3"
		}, []string{"bucket present is not in region eu-west-3 at " + srv.Endpoint}},
		{"wrong secret", "present", func(t *testing.T, opt *storage.S3Options) {
			t.Setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-xyzzy")
		}, []string{"access denied to bucket present", "environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"}},
		{"unknown key", "present", func(t *testing.T, opt *storage.S3Options) {
			t.Setenv("AWS_ACCESS_KEY_ID", "nobody")
		}, []string{"access denied to bucket present"}},
		{"wrong endpoint", "present", func(t *testing.T, opt *storage.S3Options) {
			opt.Endpoint = "http://127.0.0.1:1"
			opt.MaxAttempts = 2
		}, []string{"cannot reach http://127.0.0.1:1", "connection refused"}},
		{"throttled throughout", "present", func(t *testing.T, opt *storage.S3Options) {
			opt.Endpoint = s3test.StartFaultProxy(t, srv.Endpoint, s3test.Faults{SlowDownEvery: 1}).Endpoint
			opt.MaxAttempts = 2
		}, []string{"list s3://present/p/bookings/: SlowDown from http://127.0.0.1:", "still after 2 attempts: try again later"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opt := srv.Options()
			if tc.setup != nil {
				tc.setup(t, &opt)
			}
			r, err := storage.NewS3(ctx, tc.bucket, "p", opt)
			if err != nil {
				t.Fatal(err)
			}
			_, err = r.List(ctx, "bookings/")
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			if strings.Contains(msg, "\n") || strings.Contains(msg, "xyzzy") || strings.Contains(msg, s3test.SecretKey) {
				t.Errorf("error is not one safe line: %q", msg)
			}
			// Flags are the CLI's to name (cli's hints), not storage's.
			if strings.Contains(msg, "--") {
				t.Errorf("error %q names a flag", msg)
			}
			var (
				noBucket *storage.NoBucketError
				region   *storage.BucketRegionError
				network  *storage.UnreachableError
			)
			switch tc.name {
			case "missing bucket":
				if !errors.As(err, &noBucket) || noBucket.Bucket != "absent" {
					t.Errorf("%v is not a NoBucketError for absent", err)
				}
			case "wrong region":
				if !errors.As(err, &region) || region.Region != "eu-west-3" {
					t.Errorf("%v is not a BucketRegionError for eu-west-3", err)
				}
			case "wrong endpoint":
				if !errors.As(err, &network) || network.Endpoint != "http://127.0.0.1:1" {
					t.Errorf("%v is not an UnreachableError for http://127.0.0.1:1", err)
				}
			}
		})
	}
}
