package queries

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/parquet-go/parquet-go"
)

// Options configure the embedded database.
type Options struct {
	// Threads caps DuckDB's worker threads; 0 leaves DuckDB's default (the
	// number of cores).
	Threads int
	// MemoryLimit caps DuckDB's memory, in DuckDB's syntax ("2GB", "75%");
	// empty leaves DuckDB's default.
	MemoryLimit string
	// ExtensionDirectory is where DuckDB looks for (and installs)
	// extensions; empty leaves DuckDB's default (~/.duckdb/extensions).
	ExtensionDirectory string
	// ExtensionRepository is the repository INSTALL downloads from (a URL
	// or a local directory); empty leaves DuckDB's own.
	ExtensionRepository string
}

// Source is where the booking files are: a storage root.
type Source interface {
	String() string
	// Pattern is what a user is told was searched when nothing is there.
	Pattern() string
	// BookingFiles lists the Parquet files that DuckDB should read.
	BookingFiles(ctx context.Context) ([]string, error)
}

// DB is an embedded DuckDB session. It holds one connection, because the
// views, variables and temporary tables of a session live on a connection.
type DB struct {
	db     *sql.DB
	conn   *sql.Conn
	source Source
	files  []string
}

// FileNamer is a Source whose files are local copies of remote objects
// (the S3 cache): messages name the objects, not the copies.
type FileNamer interface {
	FileName(file string) string
}

// fileName is how messages name one of the source's files.
func (d *DB) fileName(file string) string {
	if n, ok := d.source.(FileNamer); ok {
		return n.FileName(file)
	}
	return file
}

// NoBookingFilesError says that a source holds no booking files.
type NoBookingFilesError struct{ Pattern string }

func (e *NoBookingFilesError) Error() string {
	return fmt.Sprintf("no booking files match %s; run `instudio-report demo` to create sample data there, or point --source at the directory that holds bookings/", e.Pattern)
}

// Open starts an in-memory DuckDB with the session in UTC.
func Open(ctx context.Context, opt Options) (*DB, error) {
	if opt.Threads < 0 {
		return nil, fmt.Errorf("threads must be >= 0, got %d", opt.Threads)
	}
	// Settings go in through the connector's config, not formatted SQL.
	cfg := url.Values{}
	if opt.Threads > 0 {
		cfg.Set("threads", strconv.Itoa(opt.Threads))
	}
	if opt.MemoryLimit != "" {
		cfg.Set("memory_limit", opt.MemoryLimit)
	}
	if opt.ExtensionDirectory != "" {
		cfg.Set("extension_directory", opt.ExtensionDirectory)
	}
	if opt.ExtensionRepository != "" {
		cfg.Set("custom_extension_repository", opt.ExtensionRepository)
	}
	// DuckDB would otherwise try to download extensions it is missing,
	// which hangs on a machine without internet access.
	cfg.Set("autoinstall_known_extensions", "false")
	cfg.Set("autoload_known_extensions", "false")
	// TimeZone belongs to the ICU extension, which is loaded only once the
	// database is open, so it is set on each new connection instead.
	utc := func(execer driver.ExecerContext) error {
		_, err := execer.ExecContext(ctx, "SET TimeZone = 'UTC'", nil)
		return err
	}
	connector, err := duckdb.NewConnector("?"+cfg.Encode(), utc)
	if err != nil {
		return nil, fmt.Errorf("open duckdb: %s", firstLine(err))
	}
	db := sql.OpenDB(connector)
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open duckdb: %s", firstLine(err))
	}
	return &DB{db: db, conn: conn}, nil
}

// Close ends the session.
func (d *DB) Close() error {
	err := d.conn.Close()
	return errors.Join(err, d.db.Close())
}

// Conn is the session's connection, for ad-hoc SQL.
func (d *DB) Conn() *sql.Conn { return d.conn }

// Attach points the events and bookings views at the source's files. With
// asOf, only events that occurred at or before it count.
func (d *DB) Attach(ctx context.Context, src Source, asOf *time.Time) error {
	files, err := src.BookingFiles(ctx)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return &NoBookingFilesError{Pattern: src.Pattern()}
	}
	d.source, d.files = src, files
	var asOfArg any
	if asOf != nil {
		asOfArg = asOf.UTC()
	}
	steps := []struct {
		what string
		sql  string
		args []any
	}{
		{"set files", "SET VARIABLE instudio_files = $1::VARCHAR[]", []any{files}},
		{"set as-of", "SET VARIABLE instudio_as_of = $1::TIMESTAMP", []any{asOfArg}},
		{"create events view", Query("events_view"), nil},
		{"create bookings view", Query("bookings_view"), nil},
	}
	for _, s := range steps {
		if _, err := d.conn.ExecContext(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("%s: %s", s.what, firstLine(err))
		}
	}
	return nil
}

// SalonsPresent lists every salon that appears in any event of the source.
func (d *DB) SalonsPresent(ctx context.Context) ([]int64, error) {
	rows, err := d.conn.QueryContext(ctx, Query("salons_present"))
	if err != nil {
		return nil, d.readError(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, d.readError(err)
	}
	return ids, nil
}

// readError turns a failure to read the source into one line that names
// the file at fault. DuckDB does not always say which file it could not
// read, so when the message has no file name the files are checked one by
// one with a pure-Go Parquet reader.
func (d *DB) readError(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	msg := firstLine(err)
	for _, f := range d.files {
		if strings.Contains(msg, f) {
			name := d.fileName(f)
			return fmt.Errorf("read %s: %s", name, strings.ReplaceAll(msg, f, name))
		}
	}
	for _, f := range d.files {
		if ferr := checkParquet(f); ferr != nil {
			return fmt.Errorf("read %s: %s", d.fileName(f), strings.ReplaceAll(ferr.Error(), f, d.fileName(f)))
		}
	}
	return fmt.Errorf("read bookings in %s: %s", d.source, msg)
}

// checkParquet opens a local Parquet file and reads its footer.
func checkParquet(path string) error {
	if strings.Contains(path, "://") {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if _, err := parquet.OpenFile(f, info.Size()); err != nil {
		return fmt.Errorf("not a readable Parquet file: %w", err)
	}
	return nil
}

// firstLine keeps the first line of a DuckDB error, which carries the
// message; the rest is a SQL excerpt that helps no user.
func firstLine(err error) string {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg)
}

// EngineVersion is the version of the embedded DuckDB.
func (d *DB) EngineVersion(ctx context.Context) (string, error) {
	var v string
	err := d.conn.QueryRowContext(ctx, "SELECT version()").Scan(&v)
	return v, err
}
