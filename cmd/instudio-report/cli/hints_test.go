package cli

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/source"
	"github.com/instudio/instudio-report/storage"
)

// The CLI words storage's and source's typed errors with its own flags,
// however deeply they are wrapped; other errors get no hint.
func TestHints(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{&storage.NoBucketError{Bucket: "b"}, "check the bucket name, --s3-endpoint and --s3-region"},
		{&storage.BucketRegionError{Bucket: "b", Region: "us-east-1", BucketRegion: "eu-west-3"}, "pass --s3-region eu-west-3"},
		{&storage.BucketRegionError{Bucket: "b", Region: "us-east-1"}, "pass the bucket's region with --s3-region"},
		{&storage.UnreachableError{Endpoint: "http://x"}, "check --s3-endpoint and the network"},
		{&storage.ProfileNotFoundError{Profile: "p"}, "check --profile or AWS_PROFILE"},
		{&storage.CredentialsError{}, "set AWS_PROFILE or --profile, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws sso login`"},
		{fmt.Errorf("s3://b: %w", layout.ErrNoCacheDir), "set --cache-dir, XDG_CACHE_HOME or HOME"},
		{&source.HTTPFSError{Root: "s3://b", Err: errors.New("install httpfs: offline")}, "install httpfs with --extension-repository or --extension-dir, or use --s3-mode cache"},
		{errors.New("something else"), ""},
	}
	for _, tc := range cases {
		wrapped := fmt.Errorf("salon 1: %w", tc.err)
		if got := hint(wrapped); got != tc.want {
			t.Errorf("hint(%v) = %q, want %q", wrapped, got, tc.want)
		}
	}
}

// queries says that a source holds no booking files; the demo command and
// the --source flag are the CLI's to suggest, and a caller with its own
// words (the jobs Lambda) gets none of them.
func TestNoBookingFilesHint(t *testing.T) {
	none := &queries.NoBookingFilesError{Pattern: "s3://b/bookings/dt=*/*.parquet"}
	if strings.Contains(none.Error(), "--") || strings.Contains(none.Error(), "instudio-report demo") {
		t.Errorf("queries speaks the CLI's words: %q", none.Error())
	}
	err := fmt.Errorf("salon 1: %w", none)
	if got, want := hintSuffix(err, nil), "; run `instudio-report demo` to create sample data there, or point --source at the directory that holds bookings/"; got != want {
		t.Errorf("hintSuffix = %q, want %q", got, want)
	}
	if got := hintSuffix(err, func(error) string { return "" }); got != "" {
		t.Errorf("with the caller's own words: %q, want none", got)
	}
}
