// Command instudio-jobs is the jobs Lambda (runtime provided.al2023, cgo,
// the report code with DuckDB linked in): one invocation runs one job,
// send, compact or check, from a typed event such as {"job": "check",
// "max_lag": "2h"}, through the same command tree as the CLI. Its config
// YAML comes from an S3 object or an SSM parameter, the SMTP password from
// Secrets Manager; S3 is read through the local cache in ephemeral
// storage, so no DuckDB extension is ever downloaded. A failed job fails
// the invocation (Lambda's Errors metric) and every run writes one EMF
// line (package emf). See the README's "Deploy on AWS".
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/instudio/instudio-report/cmd/instudio-report/cli"
	"github.com/instudio/instudio-report/cmd/internal/awshint"
	"github.com/instudio/instudio-report/storage"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		log.Error("instudio-jobs cannot start: "+strings.ReplaceAll(err.Error(), "\n", "; "), "error", err.Error())
		os.Exit(1)
	}
	// Lambda sets no HOME, and DuckDB asks for the home directory; the
	// static bootstrap cannot ask glibc's user database (NSS) instead.
	if os.Getenv("HOME") == "" {
		os.Setenv("HOME", cfg.WorkDir)
	}
	h := newHandler(cfg, os.Getenv, log)
	log.Info("instudio-jobs ready", "bucket", cfg.Bucket, "config_key", cfg.ConfigKey, "config_ssm", cfg.ConfigSSM, "namespace", cfg.Namespace)
	lambda.Start(h.invoke)
}

func newHandler(cfg config, getenv func(string) string, log *slog.Logger) *handler {
	return &handler{
		cfg:        cfg,
		getenv:     getenv,
		now:        time.Now,
		log:        log.With("function", cfg.FunctionName),
		metrics:    os.Stdout,
		readConfig: func(ctx context.Context) ([]byte, error) { return readConfig(ctx, cfg, getenv) },
		smtpSecret: func(ctx context.Context) (string, error) { return smtpSecret(ctx, cfg.SMTPSecret) },
		execute:    cli.Execute,
	}
}

// readConfig fetches the CLI's YAML from the bucket or from SSM.
func readConfig(ctx context.Context, cfg config, getenv func(string) string) ([]byte, error) {
	if cfg.ConfigSSM != "" {
		awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("config parameter %s: %w", cfg.ConfigSSM, err)
		}
		withDecryption := true
		out, err := ssm.NewFromConfig(awsCfg).GetParameter(ctx, &ssm.GetParameterInput{Name: &cfg.ConfigSSM, WithDecryption: &withDecryption})
		if err != nil {
			return nil, fmt.Errorf("config parameter %s: %w", cfg.ConfigSSM, err)
		}
		if out.Parameter == nil || out.Parameter.Value == nil {
			return nil, fmt.Errorf("config parameter %s has no value", cfg.ConfigSSM)
		}
		return []byte(*out.Parameter.Value), nil
	}
	root, err := storage.Open(ctx, "s3://"+cfg.Bucket, storage.S3Options{Getenv: getenv})
	if err != nil {
		return nil, fmt.Errorf("config s3://%s/%s: %w", cfg.Bucket, cfg.ConfigKey, awshint.Explain(err))
	}
	data, err := root.Read(ctx, cfg.ConfigKey)
	if err != nil {
		return nil, fmt.Errorf("config: %w", awshint.Explain(err))
	}
	return data, nil
}

// smtpSecret reads the SMTP password, the secret string as it is.
func smtpSecret(ctx context.Context, id string) (string, error) {
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return "", fmt.Errorf("smtp password secret: %w", err)
	}
	out, err := secretsmanager.NewFromConfig(awsCfg).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: &id})
	if err != nil {
		// The SDK's message names the secret, never its value.
		return "", fmt.Errorf("smtp password secret: %w", err)
	}
	if out.SecretString == nil || *out.SecretString == "" {
		return "", fmt.Errorf("smtp password secret %s is empty: put the password in it", id)
	}
	return strings.TrimRight(*out.SecretString, "\r\n"), nil
}
