package storage

import "fmt"

// The errors below say what is wrong with an S3 root in the words of
// storage: which bucket, endpoint, region or profile. What to do about it
// depends on the caller (the CLI names its flags, a Lambda its environment
// variables and role), so none of them says it: callers match them with
// errors.As and add their own hint.

// NoBucketError is a bucket that does not exist at the endpoint.
type NoBucketError struct {
	Op, URI  string // what failed, on which object or prefix
	Bucket   string
	Endpoint string // the endpoint's URL, or "AWS S3"
	Region   string // the region requests were signed for
}

func (e *NoBucketError) Error() string {
	return fmt.Sprintf("%s %s: bucket %s does not exist at %s (region %s)", e.Op, e.URI, e.Bucket, e.Endpoint, e.Region)
}

// BucketRegionError is a bucket that lives in another region than the one
// requests were signed for.
type BucketRegionError struct {
	Op, URI  string
	Bucket   string
	Endpoint string
	Region   string // the region requests were signed for
	// BucketRegion is the bucket's region as S3 told it
	// (X-Amz-Bucket-Region); "" when it did not say.
	BucketRegion string
}

func (e *BucketRegionError) Error() string {
	msg := fmt.Sprintf("%s %s: bucket %s is not in region %s at %s", e.Op, e.URI, e.Bucket, e.Region, e.Endpoint)
	if e.BucketRegion != "" {
		msg += fmt.Sprintf(" (it is in %s)", e.BucketRegion)
	}
	return msg
}

// UnreachableError is an endpoint that could not be reached at all
// (DNS, a refused or timed-out connection).
type UnreachableError struct {
	Op, URI  string
	Endpoint string
	Cause    string // the innermost network error, one line
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("%s %s: cannot reach %s: %s", e.Op, e.URI, e.Endpoint, e.Cause)
}

// ProfileNotFoundError is a shared-config profile that no AWS config file
// holds.
type ProfileNotFoundError struct {
	Root    string // s3://bucket/prefix
	Profile string
	Files   string // the files searched, for the message
}

func (e *ProfileNotFoundError) Error() string {
	return fmt.Sprintf("%s: aws profile %s not found in %s", e.Root, e.Profile, e.Files)
}

// CredentialsError is an AWS credential chain that gave no credentials
// (Cause is empty) or none that work (Cause says why).
type CredentialsError struct {
	Root    string // s3://bucket/prefix
	Profile string // the profile asked for, "" for the SDK's choice
	Cause   string
}

func (e *CredentialsError) Error() string {
	if e.Cause == "" {
		return fmt.Sprintf("%s: no AWS credentials found%s", e.Root, profileNote(e.Profile))
	}
	return fmt.Sprintf("%s: no usable AWS credentials%s (%s)", e.Root, profileNote(e.Profile), e.Cause)
}
