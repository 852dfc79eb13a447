package cli

import (
	"errors"
	"fmt"

	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/source"
	"github.com/instudio/instudio-report/storage"
)

// demoHint follows a source without booking files.
const demoHint = "run `instudio-report demo` to create sample data there, or point --source at the directory that holds bookings/"

// hintSuffix is what follows err's message: the hint of other (the
// caller's words, Env.Hint) or else the CLI's own, after ": ". A source
// without booking files gets the CLI's demo hint, after "; ", unless the
// caller has its own words (the jobs Lambda runs no demo).
func hintSuffix(err error, other func(error) string) string {
	var none *queries.NoBookingFilesError
	if errors.As(err, &none) && other == nil {
		return "; " + demoHint
	}
	h := hint(err)
	if other != nil {
		h = other(err)
	}
	if h == "" {
		return ""
	}
	return ": " + h
}

// hint is what to do about err in the CLI's words (its flags and
// environment variables), or "": storage and source say what is wrong,
// and only the CLI knows which flag sets what.
func hint(err error) string {
	var (
		noBucket *storage.NoBucketError
		region   *storage.BucketRegionError
		network  *storage.UnreachableError
		profile  *storage.ProfileNotFoundError
		creds    *storage.CredentialsError
		httpfs   *source.HTTPFSError
	)
	switch {
	case errors.As(err, &noBucket):
		return "check the bucket name, --s3-endpoint and --s3-region"
	case errors.As(err, &region):
		if region.BucketRegion != "" {
			return fmt.Sprintf("pass --s3-region %s", region.BucketRegion)
		}
		return "pass the bucket's region with --s3-region"
	case errors.As(err, &network):
		return "check --s3-endpoint and the network"
	case errors.As(err, &profile):
		return "check --profile or AWS_PROFILE"
	case errors.As(err, &creds):
		return "set AWS_PROFILE or --profile, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws sso login`"
	case errors.Is(err, layout.ErrNoCacheDir):
		return "set --cache-dir, XDG_CACHE_HOME or HOME"
	case errors.As(err, &httpfs):
		return "install httpfs with --extension-repository or --extension-dir, or use --s3-mode cache"
	}
	return ""
}
