package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// S3Options say how to reach S3. Credentials always come from the AWS SDK's
// default chain (environment, shared profiles, SSO, web identity, ECS and
// EC2 roles), never from here.
type S3Options struct {
	// Profile is the shared-config profile; "" leaves the SDK's choice
	// (AWS_PROFILE, else "default").
	Profile string
	// Region overrides the SDK's region (AWS_REGION, the profile's). When
	// neither gives one, us-east-1.
	Region string
	// Endpoint is a custom S3 endpoint URL (MinIO, R2, versitygw); "" falls
	// back to AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, then AWS itself.
	// A custom endpoint is addressed path-style (http://host/bucket/key).
	Endpoint string
	// Getenv reads the endpoint variables above; nil reads none.
	Getenv func(string) string
	// MaxAttempts bounds the SDK's retries of transient faults (503
	// SlowDown, reset connections, timeouts); 0 reads AWS_MAX_ATTEMPTS,
	// else 6.
	MaxAttempts int
}

// DefaultRegion is the region used when neither the options nor the SDK's
// configuration name one.
const DefaultRegion = "us-east-1"

// Open resolves a --source or --dest value: a local directory, or an
// s3://bucket[/prefix] URL (whose client is configured from opt).
func Open(ctx context.Context, uri string, opt S3Options) (Root, error) {
	if uri == "" {
		return nil, errors.New("empty source: give a directory or s3://bucket/prefix")
	}
	if bucket, prefix, ok, err := ParseS3URI(uri); ok {
		if err != nil {
			return nil, err
		}
		return NewS3(ctx, bucket, prefix, opt)
	}
	if i := strings.Index(uri, "://"); i > 0 && !strings.ContainsAny(uri[:i], `/\.`) {
		return nil, fmt.Errorf("source %s: unsupported scheme %q: give a directory or s3://bucket/prefix", uri, uri[:i])
	}
	return &Dir{Path: uri}, nil
}

// ParseS3URI splits s3://bucket[/prefix] into its bucket and prefix
// (without slashes at either end). ok is false when uri is not an s3 URL.
func ParseS3URI(uri string) (bucket, prefix string, ok bool, err error) {
	rest, ok := strings.CutPrefix(uri, "s3://")
	if !ok {
		return "", "", false, nil
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	prefix = strings.Trim(prefix, "/")
	if bucket == "" {
		return "", "", true, fmt.Errorf("source %s: no bucket: use s3://bucket[/prefix]", uri)
	}
	if strings.ContainsAny(bucket, " \t\\?#") {
		return "", "", true, fmt.Errorf("source %s: invalid bucket name %q", uri, bucket)
	}
	for _, seg := range strings.Split(prefix, "/") {
		if seg == "." || seg == ".." || (seg == "" && prefix != "") {
			return "", "", true, fmt.Errorf("source %s: the prefix may not hold empty, . or .. segments", uri)
		}
	}
	return bucket, prefix, true, nil
}

// S3 is a root under s3://Bucket/Prefix.
type S3 struct {
	client   *s3.Client
	bucket   string
	prefix   string // "" or "a/b", no slashes at the ends
	endpoint string // the custom endpoint URL, "" for AWS
	region   string
	profile  string
	creds    aws.CredentialsProvider
	attempts int
}

var _ Root = (*S3)(nil)

// NewS3 configures a client from the SDK's default chain and opt, and
// resolves the credentials once, so that a missing or broken credential
// setup fails here, with its cause, rather than on the first request.
func NewS3(ctx context.Context, bucket, prefix string, opt S3Options) (*S3, error) {
	where := "s3://" + path.Join(bucket, prefix)
	endpoint := opt.Endpoint
	if endpoint == "" && opt.Getenv != nil {
		endpoint = opt.Getenv("AWS_ENDPOINT_URL_S3")
		if endpoint == "" {
			endpoint = opt.Getenv("AWS_ENDPOINT_URL")
		}
	}
	if endpoint != "" {
		u, err := url.Parse(endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("s3 endpoint %q: use a URL such as https://s3.example.com or http://127.0.0.1:9000", endpoint)
		}
		endpoint = strings.TrimRight(endpoint, "/")
	}
	attempts := opt.MaxAttempts
	if attempts <= 0 && opt.Getenv != nil {
		attempts, _ = strconv.Atoi(opt.Getenv("AWS_MAX_ATTEMPTS"))
	}
	if attempts <= 0 {
		attempts = 6
	}
	httpClient := awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = 10 * time.Second }).
		WithTransportOptions(func(t *http.Transport) {
			t.ResponseHeaderTimeout = 30 * time.Second
			t.MaxIdleConnsPerHost = 64
		})
	loaders := []func(*config.LoadOptions) error{
		config.WithHTTPClient(httpClient),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = attempts
				o.MaxBackoff = 5 * time.Second
				// The default token bucket gives up on a whole burst of
				// throttling, which a parallel sync meets at once; the
				// attempt bound above is what limits the retries.
				o.RateLimiter = ratelimit.None
			})
		}),
	}
	if opt.Profile != "" {
		loaders = append(loaders, config.WithSharedConfigProfile(opt.Profile))
	}
	if opt.Region != "" {
		loaders = append(loaders, config.WithRegion(opt.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loaders...)
	if err != nil {
		var noProfile config.SharedConfigProfileNotExistError
		if errors.As(err, &noProfile) {
			files := "the AWS config files"
			if len(noProfile.Filename) > 0 {
				files = strings.Join(noProfile.Filename, " or ")
			}
			return nil, &ProfileNotFoundError{Root: where, Profile: noProfile.Profile, Files: files}
		}
		return nil, fmt.Errorf("%s: aws configuration%s: %s", where, profileNote(opt.Profile), firstLineOf(err))
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			o.UsePathStyle = true
		}
		// Checksums only where S3 requires them: S3-compatible stores
		// differ in what they accept.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	r := &S3{client: client, bucket: bucket, prefix: prefix, endpoint: endpoint, region: cfg.Region, profile: opt.Profile, creds: cfg.Credentials, attempts: attempts}
	if cfg.Credentials == nil {
		return nil, &CredentialsError{Root: where, Profile: opt.Profile}
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return nil, &CredentialsError{Root: where, Profile: opt.Profile, Cause: firstLineOf(err)}
	}
	return r, nil
}

func profileNote(profile string) string {
	if profile == "" {
		return ""
	}
	return fmt.Sprintf(" (profile %s)", profile)
}

// Bucket is the root's bucket.
func (r *S3) Bucket() string { return r.bucket }

// Prefix is the root's key prefix, without slashes at the ends.
func (r *S3) Prefix() string { return r.prefix }

// Endpoint is the custom endpoint URL, "" for AWS.
func (r *S3) Endpoint() string { return r.endpoint }

// Region is the region requests are signed for.
func (r *S3) Region() string { return r.region }

// Credentials returns the resolved credentials, for handing to DuckDB's
// httpfs. They must never be logged or printed.
func (r *S3) Credentials(ctx context.Context) (aws.Credentials, error) {
	return r.creds.Retrieve(ctx)
}

// String is s3://bucket[/prefix].
func (r *S3) String() string { return "s3://" + path.Join(r.bucket, r.prefix) }

// URI is s3://bucket/prefix/key.
func (r *S3) URI(key string) string { return "s3://" + r.bucket + "/" + r.fullKey(key) }

func (r *S3) fullKey(key string) string {
	if r.prefix == "" {
		return key
	}
	return r.prefix + "/" + key
}

// List lists the objects under prefix with S3's paginated listing.
func (r *S3) List(ctx context.Context, prefix string) ([]Object, error) {
	return r.ListUntil(ctx, prefix, nil)
}

// ListUntil lists the objects under prefix, in key order, and stops early
// at the first key for which stop returns true: S3 lists in key order, so
// a layout whose keys sort by date needs no listing past its last date.
func (r *S3) ListUntil(ctx context.Context, prefix string, stop func(key string) bool) ([]Object, error) {
	full := r.fullKey(prefix)
	base := ""
	if r.prefix != "" {
		base = r.prefix + "/"
	}
	p := s3.NewListObjectsV2Paginator(r.client, &s3.ListObjectsV2Input{
		Bucket: aws.String(r.bucket),
		Prefix: aws.String(full),
	})
	var out []Object
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, r.wrap("list", "s3://"+r.bucket+"/"+full, err)
		}
		for _, o := range page.Contents {
			key := strings.TrimPrefix(aws.ToString(o.Key), base)
			if stop != nil && stop(key) {
				return sortObjects(out), nil
			}
			if strings.HasPrefix(path.Base(key), tempPrefix) || strings.HasSuffix(key, "/") {
				continue
			}
			out = append(out, Object{
				Key:     key,
				Size:    aws.ToInt64(o.Size),
				ETag:    strings.Trim(aws.ToString(o.ETag), `"`),
				ModTime: aws.ToTime(o.LastModified),
			})
		}
	}
	return sortObjects(out), nil
}

func sortObjects(out []Object) []Object {
	slices.SortFunc(out, func(a, b Object) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// Read returns the whole object at key.
func (r *S3) Read(ctx context.Context, key string) ([]byte, error) {
	body, _, err := r.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, r.wrap("read", r.URI(key), err)
	}
	return data, nil
}

// Get opens the object at key for reading, with its size and ETag.
func (r *S3) Get(ctx context.Context, key string) (io.ReadCloser, Object, error) {
	out, err := r.client.GetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(r.bucket),
		Key:    aws.String(r.fullKey(key)),
	})
	if err != nil {
		return nil, Object{}, r.wrap("read", r.URI(key), err)
	}
	return out.Body, Object{
		Key:     key,
		Size:    aws.ToInt64(out.ContentLength),
		ETag:    strings.Trim(aws.ToString(out.ETag), `"`),
		ModTime: aws.ToTime(out.LastModified),
	}, nil
}

// Create writes data at key with If-None-Match: *, so that S3 refuses it
// when the key exists (412 Precondition Failed): a retried batch never
// overwrites or doubles one already written.
func (r *S3) Create(ctx context.Context, key string, data []byte) (bool, error) {
	_, err := r.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(r.bucket),
		Key:           aws.String(r.fullKey(key)),
		Body:          bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))),
		IfNoneMatch:   aws.String("*"),
	})
	if err != nil {
		if isPreconditionFailed(err) {
			return false, nil
		}
		return false, r.wrap("write", r.URI(key), err)
	}
	return true, nil
}

func isPreconditionFailed(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "PreconditionFailed" {
		return true
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusPreconditionFailed
}

// Delete removes the object at key; S3 does not mind a missing key.
func (r *S3) Delete(ctx context.Context, key string) error {
	_, err := r.client.DeleteObject(ctx, &s3.DeleteObjectInput{
		Bucket: aws.String(r.bucket),
		Key:    aws.String(r.fullKey(key)),
	})
	if err != nil {
		return r.wrap("delete", r.URI(key), err)
	}
	return nil
}

// credentialSource names where the credentials came from (never what they
// are), for messages about access.
func (r *S3) credentialSource(ctx context.Context) string {
	c, err := r.creds.Retrieve(ctx)
	if err != nil {
		return "no usable credentials"
	}
	src := c.Source
	switch {
	case src == "EnvConfigCredentials":
		src = "environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
	case strings.HasPrefix(src, "SharedConfigCredentials"):
		src = "shared credentials file" + strings.TrimPrefix(src, "SharedConfigCredentials")
	case src == "":
		src = "the AWS SDK's default chain"
	}
	if r.profile != "" {
		src += ", profile " + r.profile
	}
	return src
}

// wrap turns an SDK error into one line that says what failed, naming the
// bucket and never a credential. A missing bucket, a wrong region and an
// unreachable endpoint are typed (errors.go) for the caller to hint at its
// own settings.
func (r *S3) wrap(op, uri string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s %s: %w", op, uri, err)
	}
	code, status := "", 0
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	where := r.endpointName()
	switch {
	case code == "NoSuchKey" || (status == http.StatusNotFound && (code == "" || code == "NotFound")):
		return fmt.Errorf("%s %s: %w", op, uri, ErrNotFound)
	case code == "NoSuchBucket":
		return &NoBucketError{Op: op, URI: uri, Bucket: r.bucket, Endpoint: where, Region: r.region}
	case code == "PermanentRedirect" || code == "AuthorizationHeaderMalformed" || code == "IllegalLocationConstraintException" || status == http.StatusMovedPermanently:
		e := &BucketRegionError{Op: op, URI: uri, Bucket: r.bucket, Endpoint: where, Region: r.region}
		if re != nil && re.Response != nil {
			e.BucketRegion = re.Response.Header.Get("X-Amz-Bucket-Region")
		}
		return e
	case code == "AccessDenied" || code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" ||
		code == "InvalidToken" || code == "ExpiredToken" || code == "TokenRefreshRequired" ||
		code == "AllAccessDisabled" || code == "XAdminUserNotFound" || // versitygw's unknown key
		status == http.StatusForbidden || status == http.StatusUnauthorized:
		if code == "" {
			code = http.StatusText(status)
		}
		return fmt.Errorf("%s %s: access denied to bucket %s (%s) with credentials from %s: check the credentials and the bucket's policy", op, uri, r.bucket, code, r.credentialSource(context.Background()))
	}
	var netErr net.Error
	var dnsErr *net.DNSError
	var opErr *net.OpError
	if errors.As(err, &dnsErr) || errors.As(err, &opErr) || errors.As(err, &netErr) {
		return &UnreachableError{Op: op, URI: uri, Endpoint: where, Cause: netCause(err)}
	}
	switch code {
	case "SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "Throttling":
		return fmt.Errorf("%s %s: %s from %s, still after %d attempts: try again later", op, uri, code, where, r.attempts)
	case "":
	default:
		return fmt.Errorf("%s %s: %s (%s)", op, uri, code, where)
	}
	return fmt.Errorf("%s %s: %s", op, uri, firstLineOf(err))
}

// netCause is the innermost network error, without the SDK's wrapping
// (which repeats the whole request URL).
func netCause(err error) string {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return opErr.Op + ": " + opErr.Err.Error()
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.Error()
	}
	return firstLineOf(err)
}

func (r *S3) endpointName() string {
	if r.endpoint != "" {
		return r.endpoint
	}
	return "AWS S3"
}

// FirstLine is the first line of err's message, trimmed.
func FirstLine(err error) string { return firstLineOf(err) }

func firstLineOf(err error) string {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg)
}
