// Command instudio-ingest is the booking-events Lambda (runtime
// provided.al2023, binary bootstrap, no cgo): it takes SQS, MSK or
// self-managed Kafka events and API Gateway v2 / function URL requests,
// and stores their booking events as Parquet batches in S3 through the
// ingest pipeline. See the README's "Ingest Lambda" section to deploy it.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/cmd/internal/awshint"
	"github.com/instudio/instudio-report/ingest"
	"github.com/instudio/instudio-report/storage"
)

// config is the function's configuration, from its environment.
type config struct {
	Bucket         string
	Prefix         string // the booking files' key prefix, default bookings/
	RejectedPrefix string
	Namespace      string // CloudWatch metrics namespace
	Zone           *time.Location
	FunctionName   string
}

// The environment variables the function reads.
const (
	envBucket         = "INSTUDIO_BUCKET"
	envPrefix         = "INSTUDIO_PREFIX"
	envRejectedPrefix = "INSTUDIO_REJECTED_PREFIX"
	envNamespace      = "INSTUDIO_METRICS_NAMESPACE"
	envTimeZone       = "INSTUDIO_TIMEZONE"
)

// loadConfig reads the configuration; every missing or bad variable is
// named in the one error, so a cold start says all that is wrong at once.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		Bucket:         strings.TrimSpace(getenv(envBucket)),
		Prefix:         strings.TrimSpace(getenv(envPrefix)),
		RejectedPrefix: strings.TrimSpace(getenv(envRejectedPrefix)),
		Namespace:      strings.TrimSpace(getenv(envNamespace)),
		FunctionName:   getenv("AWS_LAMBDA_FUNCTION_NAME"),
	}
	if c.Prefix == "" {
		c.Prefix = booking.Prefix + "/"
	}
	var missing []string
	for _, v := range []struct{ name, value string }{
		{envBucket, c.Bucket}, {envRejectedPrefix, c.RejectedPrefix}, {envNamespace, c.Namespace},
	} {
		if v.value == "" {
			missing = append(missing, v.name)
		}
	}
	var errs []error
	if len(missing) > 0 {
		errs = append(errs, fmt.Errorf("missing environment variables %s", strings.Join(missing, ", ")))
	}
	if strings.Contains(c.Bucket, "/") || strings.HasPrefix(c.Bucket, "s3:") {
		errs = append(errs, fmt.Errorf("%s=%q: give the bucket name only; the key prefix goes in %s", envBucket, c.Bucket, envPrefix))
	}
	if c.RejectedPrefix != "" && strings.Trim(c.RejectedPrefix, "/") == strings.Trim(c.Prefix, "/") {
		errs = append(errs, fmt.Errorf("%s and %s must differ, both are %q", envPrefix, envRejectedPrefix, c.Prefix))
	}
	zone := getenv(envTimeZone)
	if zone == "" {
		zone = "UTC"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		errs = append(errs, fmt.Errorf("%s=%q is not an IANA time zone such as America/Lima", envTimeZone, zone))
	}
	c.Zone = loc
	if c.FunctionName == "" {
		c.FunctionName = "instudio-ingest"
	}
	if len(errs) > 0 {
		return config{}, errors.Join(errs...)
	}
	return c, nil
}

// openRoot is the storage root the function writes to: the bucket. Keys
// carry the prefixes, so the root is the bucket itself. Credentials and
// region come from the function's role and environment through the AWS
// SDK's default chain; AWS_ENDPOINT_URL_S3 points it at another S3 (tests).
func openRoot(ctx context.Context, c config, getenv func(string) string) (storage.Root, error) {
	root, err := storage.Open(ctx, "s3://"+c.Bucket, storage.S3Options{Getenv: getenv})
	return root, awshint.Explain(err)
}

// tuneGC lets the heap grow to 4x the live data (GOGC=400) under a soft
// limit of 80% of the function's memory: a batch's garbage is short-lived,
// and collecting it less often is most of a batch's CPU saved. GOGC or
// GOMEMLIMIT in the environment win.
func tuneGC(getenv func(string) string) {
	mb, err := strconv.Atoi(getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"))
	if err != nil || mb <= 0 || getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(int64(mb) << 20 / 10 * 8)
	debug.SetGCPercent(400)
}

func main() {
	tuneGC(os.Getenv)
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		log.Error("instudio-ingest cannot start: "+strings.ReplaceAll(err.Error(), "\n", "; "), "error", err.Error())
		os.Exit(1)
	}
	ctx := context.Background()
	root, err := openRoot(ctx, cfg, os.Getenv)
	if err != nil {
		log.Error("instudio-ingest cannot start: "+err.Error(), "bucket", cfg.Bucket)
		os.Exit(1)
	}
	log = log.With("function", cfg.FunctionName)
	h := &handler{
		pipeline: &ingest.Pipeline{
			Root:           root,
			Prefix:         cfg.Prefix,
			RejectedPrefix: cfg.RejectedPrefix,
			Zone:           cfg.Zone,
			Now:            time.Now,
		},
		log:          log,
		metrics:      os.Stdout,
		namespace:    cfg.Namespace,
		functionName: cfg.FunctionName,
		now:          time.Now,
	}
	log.Info("instudio-ingest ready", "bucket", cfg.Bucket, "prefix", cfg.Prefix,
		"rejected_prefix", cfg.RejectedPrefix, "namespace", cfg.Namespace, "timezone", cfg.Zone.String())
	lambda.Start(h.invoke)
}
