package queries_test

import (
	"context"
	"strings"
	"testing"

	"github.com/instudio/instudio-report/queries"
)

// The secret statement quotes every value as a literal, so no value can
// end its string or add an option, and sets the region always and the
// endpoint options only for a custom endpoint.
func TestSecretSQL(t *testing.T) {
	cases := []struct {
		name   string
		secret queries.S3Secret
		want   string
	}{
		{"aws with a session token", queries.S3Secret{
			Scope: "s3://b", KeyID: "AKIA1", Secret: "s3cr3t", SessionToken: "tok", Region: "eu-west-1",
		}, `CREATE OR REPLACE TEMPORARY SECRET instudio_s3 (
    TYPE s3,
    KEY_ID 'AKIA1',
    SECRET 's3cr3t',
    SESSION_TOKEN 'tok',
    REGION 'eu-west-1',
    SCOPE 's3://b'
)`},
		{"custom endpoint without TLS", queries.S3Secret{
			Scope: "s3://b", KeyID: "k", Secret: "s", Region: "us-east-1", Endpoint: "127.0.0.1:9000",
		}, `CREATE OR REPLACE TEMPORARY SECRET instudio_s3 (
    TYPE s3,
    KEY_ID 'k',
    SECRET 's',
    SESSION_TOKEN '',
    REGION 'us-east-1',
    ENDPOINT '127.0.0.1:9000',
    URL_STYLE 'path',
    SCOPE 's3://b',
    USE_SSL false
)`},
		{"R2 with TLS", queries.S3Secret{
			Scope: "s3://b", KeyID: "k", Secret: "s", Region: "auto", Endpoint: "acct.r2.cloudflarestorage.com", UseSSL: true,
		}, `CREATE OR REPLACE TEMPORARY SECRET instudio_s3 (
    TYPE s3,
    KEY_ID 'k',
    SECRET 's',
    SESSION_TOKEN '',
    REGION 'auto',
    ENDPOINT 'acct.r2.cloudflarestorage.com',
    URL_STYLE 'path',
    SCOPE 's3://b',
    USE_SSL true
)`},
		{"quotes in values", queries.S3Secret{
			KeyID: "k", Secret: `a'b', TYPE gcs --`, Region: "r",
		}, `CREATE OR REPLACE TEMPORARY SECRET instudio_s3 (
    TYPE s3,
    KEY_ID 'k',
    SECRET 'a''b'', TYPE gcs --',
    SESSION_TOKEN '',
    REGION 'r'
)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := queries.SecretSQL(tc.secret)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
	if _, err := queries.SecretSQL(queries.S3Secret{Secret: "a\x00b"}); err == nil || strings.Contains(err.Error(), "a\x00b") {
		t.Errorf("a NUL byte: %v; want an error that does not quote the value", err)
	}
}

// DuckDB parses the quoted statement as one statement with the values
// intact: where httpfs is missing it fails on the secret type, not on
// syntax, and the failure does not repeat the secret.
func TestCreateS3SecretParses(t *testing.T) {
	db, err := queries.Open(context.Background(), queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.LoadHTTPFS(context.Background(), true) == nil {
		if err := db.CreateS3Secret(context.Background(), queries.S3Secret{KeyID: "k", Secret: `it's`, Region: "r"}); err != nil {
			t.Fatalf("with httpfs: %v", err)
		}
		return
	}
	err = db.CreateS3Secret(context.Background(), queries.S3Secret{Scope: "s3://b", KeyID: "k", Secret: `it's-secret`, Region: "r"})
	if err == nil || !strings.Contains(err.Error(), "Secret type 's3' does not exist") {
		t.Fatalf("without httpfs: %v; want the missing secret type", err)
	}
	if strings.Contains(err.Error(), "it's-secret") {
		t.Errorf("the error repeats the secret: %v", err)
	}
}
