package source_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/source"
	"github.com/instudio/instudio-report/storage"
	"github.com/instudio/instudio-report/storage/s3test"
)

// The httpfs secret follows the root: the SDK's region always, and for a
// custom endpoint its host, TLS or not, and path-style URLs.
func TestHTTPFSSecretFollowsTheRoot(t *testing.T) {
	s3test.SetEnv(t)
	ctx := context.Background()
	cases := []struct {
		opt  storage.S3Options
		want queries.S3Secret
	}{
		{storage.S3Options{Region: "eu-west-1"}, queries.S3Secret{Scope: "s3://b", KeyID: "K", Secret: "S", SessionToken: "T", Region: "eu-west-1"}},
		{storage.S3Options{Endpoint: "http://127.0.0.1:9000/"}, queries.S3Secret{Scope: "s3://b", KeyID: "K", Secret: "S", SessionToken: "T", Region: s3test.Region, Endpoint: "127.0.0.1:9000"}},
		{storage.S3Options{Endpoint: "https://acct.r2.cloudflarestorage.com", Region: "auto"}, queries.S3Secret{Scope: "s3://b", KeyID: "K", Secret: "S", SessionToken: "T", Region: "auto", Endpoint: "acct.r2.cloudflarestorage.com", UseSSL: true}},
	}
	for _, tc := range cases {
		root, err := storage.NewS3(ctx, "b", "p", tc.opt)
		if err != nil {
			t.Fatal(err)
		}
		got, err := source.Secret(root, "K", "S", "T")
		if err != nil || got != tc.want {
			t.Errorf("%+v: Secret = %+v, %v; want %+v", tc.opt, got, err, tc.want)
		}
	}
}

// In httpfs mode DuckDB reads the listed objects' s3:// URLs, and with
// --as-of no partition after its date.
func TestRemoteFiles(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.CreateBucket(t, "remote")
	for _, key := range []string{
		"bookings/dt=2026-01-01/a.parquet", "bookings/dt=2026-01-02/b.parquet", "bookings/dt=2026-01-03/c.parquet",
		"bookings-rejected/dt=2026-01-01/x.jsonl", "legacy.parquet",
	} {
		srv.Put(t, bucket, "team/"+key, []byte("x"))
	}
	root := srv.Root(t, bucket, "team")
	asOf := time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		asOf *time.Time
		want string
	}{
		{nil, "s3://remote/team/bookings/dt=2026-01-01/a.parquet s3://remote/team/bookings/dt=2026-01-02/b.parquet s3://remote/team/bookings/dt=2026-01-03/c.parquet"},
		{&asOf, "s3://remote/team/bookings/dt=2026-01-01/a.parquet s3://remote/team/bookings/dt=2026-01-02/b.parquet"},
	} {
		objs, err := layout.BookingObjects(context.Background(), root, tc.asOf)
		if err != nil {
			t.Fatal(err)
		}
		remote := &layout.Remote{Root: root, Objects: objs}
		files, err := remote.BookingFiles(context.Background())
		if err != nil || strings.Join(files, " ") != tc.want {
			t.Errorf("as of %v: files %v, %v; want %s", tc.asOf, files, err, tc.want)
		}
		if remote.Pattern() != "s3://remote/team/bookings/dt=*/*.parquet" {
			t.Errorf("pattern %s", remote.Pattern())
		}
	}
}

// --s3-mode httpfs where httpfs cannot be loaded is an error that says
// what to do, not a silent fallback.
func TestHTTPFSModeWithoutHTTPFS(t *testing.T) {
	srv := s3test.Start(t)
	srv.CreateBucket(t, "bkt")
	db, err := queries.Open(context.Background(), queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.LoadHTTPFS(context.Background(), true) == nil {
		t.Skip("httpfs loads here")
	}
	_, err = source.Attach(context.Background(), db, source.Options{URI: "s3://bkt/p", Mode: source.ModeHTTPFS, S3: srv.Options()})
	// What to do (a flag to install it, or cache mode) is the CLI's to say.
	var httpfs *source.HTTPFSError
	if err == nil || !errors.As(err, &httpfs) || !strings.Contains(err.Error(), "s3://bkt/p: httpfs mode: install httpfs:") || strings.Contains(err.Error(), "--") {
		t.Errorf("error %v, want an HTTPFSError naming s3://bkt/p and no flag", err)
	}
}
