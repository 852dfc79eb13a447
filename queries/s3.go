package queries

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// LoadHTTPFS loads DuckDB's httpfs extension, which reads s3:// URLs. When
// it is missing and install is true, it is installed first: from the
// Options' extension repository when given, else from DuckDB's own, which
// needs the internet. A build with httpfs linked in (duckdb_use_lib)
// loads it at once.
func (d *DB) LoadHTTPFS(ctx context.Context, install bool) error {
	_, err := d.conn.ExecContext(ctx, "LOAD httpfs")
	if err == nil {
		return nil
	}
	if !install {
		return fmt.Errorf("load httpfs: %s", firstLine(err))
	}
	if _, err := d.conn.ExecContext(ctx, "INSTALL httpfs"); err != nil {
		return fmt.Errorf("install httpfs: %s", firstLine(err))
	}
	if _, err := d.conn.ExecContext(ctx, "LOAD httpfs"); err != nil {
		return fmt.Errorf("load httpfs: %s", firstLine(err))
	}
	return nil
}

// CacheRemoteMetadata keeps what httpfs learns about each object for the
// rest of the session: its HEAD (size, time) and its Parquet footer. A
// report reads the files in several statements (the salons' rows, then
// their moved bookings), and without these each statement asks about every
// object again: one HEAD per file per statement.
func (d *DB) CacheRemoteMetadata(ctx context.Context) error {
	for _, stmt := range []string{"SET enable_http_metadata_cache = true", "SET parquet_metadata_cache = true"} {
		if _, err := d.conn.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %s", stmt, firstLine(err))
		}
	}
	return nil
}

// S3Secret is what httpfs needs to sign S3 requests.
type S3Secret struct {
	// Scope is the s3://bucket the secret serves.
	Scope                       string
	KeyID, Secret, SessionToken string
	// Region is always set: httpfs would otherwise guess.
	Region string
	// Endpoint is host[:port] of an S3-compatible store; "" for AWS.
	// Such stores are addressed path-style, with or without TLS.
	Endpoint string
	UseSSL   bool
}

// SecretSQL is the statement that creates the session's S3 secret. DuckDB
// cannot bind parameters in CREATE SECRET, so every value is a quoted
// string literal (quotes doubled; DuckDB's literals know no backslash
// escapes). A value with a NUL byte is refused. The statement holds the
// secret: never log it.
func SecretSQL(s S3Secret) (string, error) {
	lit := func(v string) (string, error) {
		if strings.ContainsRune(v, 0) {
			return "", errors.New("a NUL byte in an S3 secret value")
		}
		return "'" + strings.ReplaceAll(v, "'", "''") + "'", nil
	}
	type opt struct{ name, value string }
	opts := []opt{
		{"KEY_ID", s.KeyID},
		{"SECRET", s.Secret},
		{"SESSION_TOKEN", s.SessionToken},
		{"REGION", s.Region},
	}
	if s.Endpoint != "" {
		opts = append(opts, opt{"ENDPOINT", s.Endpoint}, opt{"URL_STYLE", "path"})
	}
	if s.Scope != "" {
		opts = append(opts, opt{"SCOPE", s.Scope})
	}
	var b strings.Builder
	b.WriteString("CREATE OR REPLACE TEMPORARY SECRET instudio_s3 (\n    TYPE s3")
	for _, o := range opts {
		v, err := lit(o.value)
		if err != nil {
			return "", fmt.Errorf("s3 secret %s: %w", strings.ToLower(o.name), err)
		}
		fmt.Fprintf(&b, ",\n    %s %s", o.name, v)
	}
	if s.Endpoint != "" {
		fmt.Fprintf(&b, ",\n    USE_SSL %t", s.UseSSL)
	}
	b.WriteString("\n)")
	return b.String(), nil
}

// CreateS3Secret gives httpfs the credentials. A failure is reported
// without DuckDB's message, which may quote the statement.
func (d *DB) CreateS3Secret(ctx context.Context, s S3Secret) error {
	stmt, err := SecretSQL(s)
	if err != nil {
		return err
	}
	if _, err := d.conn.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("create the s3 secret for %s: %s", s.Scope, redact(firstLine(err), s.KeyID, s.Secret, s.SessionToken))
	}
	return nil
}

// redact hides the given values in msg.
func redact(msg string, values ...string) string {
	for _, v := range values {
		if v != "" {
			msg = strings.ReplaceAll(msg, v, "***")
		}
	}
	return msg
}

// Extension is one DuckDB extension as the engine sees it.
type Extension struct {
	Name              string
	Installed, Loaded bool
	// Mode says how it was installed: BUILT-IN (linked in), REPOSITORY,
	// CUSTOM_PATH, STATICALLY_LINKED or "" when not installed.
	Mode string
}

// Extensions lists the extensions that are installed or loaded, and
// httpfs in any case: what `version` reports.
func (d *DB) Extensions(ctx context.Context) ([]Extension, error) {
	rows, err := d.conn.QueryContext(ctx, `
SELECT extension_name, installed, loaded, coalesce(install_mode, '')
FROM duckdb_extensions()
WHERE installed OR loaded OR extension_name = 'httpfs'
ORDER BY extension_name`)
	if err != nil {
		return nil, fmt.Errorf("list extensions: %s", firstLine(err))
	}
	defer rows.Close()
	var out []Extension
	for rows.Next() {
		var e Extension
		if err := rows.Scan(&e.Name, &e.Installed, &e.Loaded, &e.Mode); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
