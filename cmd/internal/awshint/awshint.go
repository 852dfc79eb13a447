// Package awshint words the storage errors for the Lambdas: what to check
// is the function's environment, region, network and role, never the
// CLI's flags (the CLI has its own hints, in cli).
package awshint

import (
	"errors"
	"fmt"

	"github.com/instudio/instudio-report/storage"
)

// Hint is what the function's operator should check about err, or "" when
// err is none of storage's typed errors.
func Hint(err error) string {
	var (
		noBucket *storage.NoBucketError
		region   *storage.BucketRegionError
		network  *storage.UnreachableError
		profile  *storage.ProfileNotFoundError
		creds    *storage.CredentialsError
	)
	switch {
	case errors.As(err, &noBucket):
		return "check INSTUDIO_BUCKET"
	case errors.As(err, &region):
		where := "the bucket's region"
		if region.BucketRegion != "" {
			where = region.BucketRegion
		}
		return fmt.Sprintf("the function signs for its own region (AWS_REGION %s): deploy it in %s, or set AWS_REGION to it", region.Region, where)
	case errors.As(err, &network):
		return "check AWS_ENDPOINT_URL_S3 if set, and the function's network (in a VPC it needs an S3 gateway endpoint or a NAT)"
	case errors.As(err, &profile), errors.As(err, &creds):
		return "check the function's execution role (unset AWS_PROFILE and the AWS_ACCESS_KEY_ID variables)"
	}
	return ""
}

// Explain is err with its hint appended, for a log line or the error the
// function returns; nil stays nil.
func Explain(err error) error {
	if err == nil {
		return nil
	}
	if h := Hint(err); h != "" {
		return &hinted{err: err, hint: h}
	}
	return err
}

type hinted struct {
	err  error
	hint string
}

func (h *hinted) Error() string { return h.err.Error() + ": " + h.hint }
func (h *hinted) Unwrap() error { return h.err }
