package queries

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/parquet-go/parquet-go"

	"github.com/instudio/instudio-report/booking"
)

// Options configure the embedded database.
type Options struct {
	// Threads caps DuckDB's worker threads; 0 leaves DuckDB's default (the
	// number of cores).
	Threads int
	// MemoryLimit caps DuckDB's memory, in DuckDB's syntax ("2GB"), or as
	// a share of the machine's memory ("75%"), which DuckDB itself does not
	// accept; empty leaves DuckDB's default (80% of the memory).
	MemoryLimit string
	// ExtensionDirectory is where DuckDB looks for (and installs)
	// extensions; empty leaves DuckDB's default (~/.duckdb/extensions).
	ExtensionDirectory string
	// ExtensionRepository is the repository INSTALL downloads from (a URL
	// or a local directory); empty leaves DuckDB's own.
	ExtensionRepository string
	// MemTotal returns the machine's memory in bytes, for a share; nil
	// reads /proc/meminfo.
	MemTotal func() (int64, error)
}

// memoryLimit turns a share of the machine's memory ("50%") into a size
// that DuckDB accepts; a size passes as it is.
func memoryLimit(limit string, memTotal func() (int64, error)) (string, error) {
	share, ok := strings.CutSuffix(strings.TrimSpace(limit), "%")
	if !ok {
		return limit, nil
	}
	p, err := strconv.ParseFloat(strings.TrimSpace(share), 64)
	if err != nil || p <= 0 || p > 100 {
		return "", fmt.Errorf("memory limit %q: a share of the memory is more than 0%% and at most 100%%", limit)
	}
	if memTotal == nil {
		memTotal = procMemTotal
	}
	total, err := memTotal()
	if err != nil {
		return "", fmt.Errorf("memory limit %q: %w; give a size such as 2GB instead", limit, err)
	}
	return fmt.Sprintf("%dKiB", int64(float64(total)*p/100)/1024), nil
}

// procMemTotal reads the machine's memory from /proc/meminfo (Linux).
func procMemTotal() (int64, error) {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, fmt.Errorf("cannot tell the machine's memory: %w", err)
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			f := strings.Fields(rest)
			if n, err := strconv.ParseInt(f[0], 10, 64); err == nil && len(f) == 2 && f[1] == "kB" {
				return n * 1024, nil
			}
		}
	}
	return 0, errors.New("cannot tell the machine's memory: no MemTotal in /proc/meminfo")
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
	// scopeIDs are the salons whose bookings' rows are in the scope_rows
	// table that report_rows reads (see scope); nil when report_rows is
	// stored_rows.
	scopeIDs []int64
	// schemaDir holds schema.parquet, an empty file with docs/design.md's
	// physical types that is read before the source's files (see Attach).
	schemaDir  string
	schemaFile string
	// moves, when set, is the moves index that scope uses (UseMoves).
	moves *movesState
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

// NameFiles is err with every local copy it names replaced by the object
// it is a copy of (the S3 cache's paths are internals, never shown): for
// the failures of statements that the session runs as they are (query,
// repl), which readError does not see.
func (d *DB) NameFiles(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := d.source.(FileNamer); !ok {
		return err
	}
	msg := err.Error()
	renamed := msg
	for _, f := range d.files {
		if strings.Contains(renamed, f) {
			renamed = strings.ReplaceAll(renamed, f, d.fileName(f))
		}
	}
	if renamed == msg {
		return err
	}
	return &namedFilesError{msg: renamed, err: err}
}

type namedFilesError struct {
	msg string
	err error
}

func (e *namedFilesError) Error() string { return e.msg }
func (e *namedFilesError) Unwrap() error { return e.err }

// NoBookingFilesError says that a source holds no booking files.
type NoBookingFilesError struct {
	Pattern string
	// MissingDir, when set, is the source directory, which does not exist.
	MissingDir string
}

// Error says what is missing; what to do about it (the CLI's demo
// command, its --source flag) is the caller's to add.
func (e *NoBookingFilesError) Error() string {
	if e.MissingDir != "" {
		return fmt.Sprintf("source directory %s does not exist", e.MissingDir)
	}
	return fmt.Sprintf("no booking files match %s", e.Pattern)
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
		limit, err := memoryLimit(opt.MemoryLimit, opt.MemTotal)
		if err != nil {
			return nil, err
		}
		cfg.Set("memory_limit", limit)
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
	err = errors.Join(err, d.db.Close())
	if d.schemaDir != "" {
		err = errors.Join(err, os.RemoveAll(d.schemaDir))
	}
	return err
}

// Conn is the session's connection, for ad-hoc SQL.
func (d *DB) Conn() *sql.Conn { return d.conn }

// Attach points the events and bookings views at the source's files. With
// asOf, only events that occurred at or before it count.
//
// DuckDB takes the column types of a multi-file scan from the first file
// and casts every other file to them. A legacy file with INT32 ids that
// sorts first would make every id an INTEGER (and a later 64-bit id an
// error), so an empty file with docs/design.md's types is always read first:
// every file is then read as docs/design.md's types, whatever its own.
func (d *DB) Attach(ctx context.Context, src Source, asOf *time.Time) error {
	files, err := src.BookingFiles(ctx)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return &NoBookingFilesError{Pattern: src.Pattern()}
	}
	schemaFile, err := d.writeSchemaFile()
	if err != nil {
		return err
	}
	d.source, d.files, d.scopeIDs, d.moves, d.schemaFile = src, files, nil, nil, schemaFile
	var asOfArg any
	if asOf != nil {
		asOfArg = asOf.UTC()
	}
	steps := []struct {
		what string
		sql  string
		args []any
	}{
		{"set files", "SET VARIABLE instudio_files = $1::VARCHAR[]", []any{literalPaths(append([]string{schemaFile}, files...))}},
		{"set scope files", "SET VARIABLE instudio_scope_files = getvariable('instudio_files')", nil},
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

// literalPaths protects paths from DuckDB, which reads every path it is
// given as a glob pattern: a '*', '?', '[' or ']' in a name becomes a
// one-character class ("[*]"), which matches only itself. Paths without
// them pass as they are, so that DuckDB does not list their directories.
func literalPaths(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		if !strings.ContainsAny(p, "*?[]") {
			out[i] = p
			continue
		}
		var b strings.Builder
		for _, r := range p {
			switch r {
			case '*', '?', '[', ']':
				b.WriteByte('[')
				b.WriteRune(r)
				b.WriteByte(']')
			default:
				b.WriteRune(r)
			}
		}
		out[i] = b.String()
	}
	return out
}

// writeSchemaFile writes the empty file of docs/design.md's types that Attach
// reads first.
func (d *DB) writeSchemaFile() (string, error) {
	if d.schemaDir == "" {
		dir, err := os.MkdirTemp("", "instudio-report-schema-")
		if err != nil {
			return "", fmt.Errorf("write schema file: %w", err)
		}
		d.schemaDir = dir
	}
	path := filepath.Join(d.schemaDir, "schema.parquet")
	data, err := booking.EncodeParquet(nil)
	if err != nil {
		return "", fmt.Errorf("write schema file: %w", err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", fmt.Errorf("write schema file: %w", err)
	}
	return path, nil
}

// bloomFilterLimit is DuckDB's error when a join filter would be pushed
// into a scan of files whose physical types differ (INT32 and INT64 ids):
// it cannot convert a Bloom filter to a file that needs a cast.
const bloomFilterLimit = "Can't convert TableFilterType (BLOOM_FILTER)"

// execRead runs a statement that reads the source. A source that mixes id
// widths trips DuckDB's bloomFilterLimit; the statement is then run again
// without join filter pushdown, which costs about half as much again but
// reads every file as it is. Sources of one width never pay for it.
func (d *DB) execRead(ctx context.Context, query string, args ...any) error {
	_, err := d.conn.ExecContext(ctx, query, args...)
	if err == nil || !strings.Contains(err.Error(), bloomFilterLimit) {
		return err
	}
	if _, serr := d.conn.ExecContext(ctx, "SET disabled_optimizers = 'join_filter_pushdown'"); serr != nil {
		return err
	}
	_, err = d.conn.ExecContext(ctx, query, args...)
	return err
}

// maxScopedSalons bounds the salons whose rows scope reads into memory: the
// rows of many salons are most of the source, which is better read where it
// is than held in memory.
const maxScopedSalons = 16

// scope reads the rows of the given salons' bookings from the files into
// the scope_rows table, once, and points report_rows at it, so that every
// query of a report run over these salons reads the table instead of the
// files. The table stays until another scope or Attach.
func (d *DB) scope(ctx context.Context, salonIDs []int64) error {
	if d.scopeIDs != nil && slices.Equal(d.scopeIDs, salonIDs) {
		return nil
	}
	if _, err := d.conn.ExecContext(ctx, "CREATE OR REPLACE TEMP VIEW report_rows AS SELECT * FROM stored_rows"); err != nil {
		return fmt.Errorf("scope: %s", firstLine(err))
	}
	d.scopeIDs = nil
	if len(salonIDs) == 0 || len(salonIDs) > maxScopedSalons {
		return nil
	}
	// The salons' own rows, then the rows their bookings have elsewhere:
	// the second read is two narrow columns (of the files that no moves
	// index covers, when there is one), and the third runs only when a
	// booking did move.
	if d.moves == nil {
		for _, s := range ScopePlan(salonIDs) {
			if err := d.run(ctx, s); err != nil {
				return err
			}
		}
		d.scopeIDs = slices.Clone(salonIDs)
		return nil
	}
	// With the index, the covered files that hold none of these salons
	// are not opened (over S3: not a request).
	if err := d.setScopeFiles(ctx, d.moves.filesOfSalons(salonIDs)); err != nil {
		return err
	}
	if err := d.execRead(ctx, Query("scope_rows"), salonIDs); err != nil {
		return d.readError(err)
	}
	if err := d.scopeMovedWithIndex(ctx, salonIDs); err != nil {
		return err
	}
	// The salons of the moved rows, 0 standing for rows without a salon
	// (ids are positive, so no file's range holds 0): none, no move.
	movedSalons, err := int64Column(ctx, d.conn, "SELECT DISTINCT coalesce(salon_id, 0) FROM scope_moved")
	if err != nil {
		return fmt.Errorf("scope: %s", firstLine(err))
	}
	if len(movedSalons) > 0 {
		if err := d.setScopeFiles(ctx, d.moves.filesOfSalons(movedSalons)); err != nil {
			return err
		}
		if err := d.execRead(ctx, Query("scope_moved_rows"), salonIDs); err != nil {
			return d.readError(err)
		}
	}
	if _, err := d.conn.ExecContext(ctx, Query("scope_view")); err != nil {
		return fmt.Errorf("scope: %s", firstLine(err))
	}
	d.scopeIDs = slices.Clone(salonIDs)
	return nil
}

// SalonsPresent lists every salon that appears in any event of the source.
func (d *DB) SalonsPresent(ctx context.Context) ([]int64, error) {
	ids, err := SalonsPresent(ctx, d.conn)
	if err != nil {
		return nil, d.readError(err)
	}
	return ids, nil
}

// SalonsPresent runs salons_present.sql on a connection whose views are
// set up (bench/direct's, as well as DB's).
func SalonsPresent(ctx context.Context, conn *sql.Conn) ([]int64, error) {
	return int64Column(ctx, conn, Query("salons_present"))
}

// int64Column runs a query of one BIGINT column and returns its values.
func int64Column(ctx context.Context, conn *sql.Conn, query string, args ...any) ([]int64, error) {
	rows, err := conn.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// FileReadError is one of the source's files that could not be read.
type FileReadError struct {
	// File is the file DuckDB read; Name is how messages name it (the S3
	// object, for a copy in the S3 cache).
	File, Name string
	// Copy says that File is a local copy of Name (the S3 cache), which a
	// caller may drop to have it fetched again.
	Copy bool
	Msg  string
}

func (e *FileReadError) Error() string { return fmt.Sprintf("read %s: %s", e.Name, e.Msg) }

func (d *DB) fileReadError(file, msg string) error {
	name := d.fileName(file)
	return &FileReadError{File: file, Name: name, Copy: name != file, Msg: msg}
}

// readError turns a failure to read the source into one line that names
// the file at fault. DuckDB does not always say which file it could not
// read (a failed conversion names none), so when the message names no file,
// or names one whose schema breaks the contract, the files are checked one
// by one with a pure-Go Parquet reader, which names the column too.
func (d *DB) readError(err error) error {
	msg := firstLine(err)
	// A cancelled query is not the fault of any file: checking every file
	// would only delay the exit.
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || strings.HasPrefix(msg, "INTERRUPT Error") {
		return err
	}
	for _, f := range d.files {
		if strings.Contains(msg, f) {
			name := d.fileName(f)
			if ferr := checkParquet(f); ferr != nil {
				return d.fileReadError(f, strings.ReplaceAll(ferr.Error(), f, name))
			}
			return d.fileReadError(f, strings.ReplaceAll(msg, f, name))
		}
	}
	for _, f := range d.files {
		if ferr := checkParquet(f); ferr != nil {
			return d.fileReadError(f, strings.ReplaceAll(ferr.Error(), f, d.fileName(f)))
		}
	}
	return fmt.Errorf("read bookings in %s: %s", d.source, msg)
}

// checkParquet opens a local Parquet file, reads its footer and checks its
// columns against docs/design.md, naming the first column that is missing or of
// a type no reader accepts.
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
	// No page index: @dsnp/parquetjs files make parquet-go's ReadPageIndex panic.
	pf, err := parquet.OpenFile(f, info.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return fmt.Errorf("not a readable Parquet file: %w", err)
	}
	schema := pf.Schema()
	// The physical types a reader accepts for each column: integers of
	// either width, timestamps of any unit (INT64, or INT96 from older
	// writers), strings.
	for _, c := range booking.Columns {
		leaf, ok := schema.Lookup(c.Name)
		if !ok {
			return fmt.Errorf("column %s is missing (a booking file has the %d columns of docs/design.md)", c.Name, len(booking.Columns))
		}
		if kind := leaf.Node.Type().Kind(); !slices.Contains(c.Kind.Physical(), kind) {
			return fmt.Errorf("column %s holds %s, want %s", c.Name, kindName(kind), c.Kind)
		}
	}
	return nil
}

func kindName(k parquet.Kind) string {
	switch k {
	case parquet.ByteArray, parquet.FixedLenByteArray:
		return "strings or bytes"
	case parquet.Boolean:
		return "booleans"
	case parquet.Float, parquet.Double:
		return "floating-point numbers"
	}
	return strings.ToLower(k.String())
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

// LeftOut counts the stored rows that break docs/design.md's contract (a status
// outside 1..5, a null id, occurred_at, ingested_at or booking_date), which
// the views leave out.
type LeftOut struct {
	Rows       int64
	FirstFile  string // the first file, by name, that holds one
	FirstWhy   string // what is wrong with the first such row of that file
	salonScope bool
}

// Warning is the one line a command prints about the rows left out, or ""
// when there are none.
func (l LeftOut) Warning() string {
	if l.Rows == 0 {
		return ""
	}
	what := "rows"
	if l.Rows == 1 {
		what = "row"
	}
	scope := ""
	if l.salonScope {
		scope = " of these salons' bookings"
	}
	return fmt.Sprintf("warning: left out %d %s%s that break the data contract, first in %s (%s)", l.Rows, what, scope, l.FirstFile, l.FirstWhy)
}

// RowsLeftOut counts the rows that the views leave out among the bookings
// of the given salons (every booking when salonIDs is nil): the rows a
// report on them would otherwise have read.
func (d *DB) RowsLeftOut(ctx context.Context, salonIDs []int64) (LeftOut, error) {
	var arg any
	if salonIDs != nil {
		arg = salonIDs
	}
	if salonIDs != nil {
		if err := d.scope(ctx, salonIDs); err != nil {
			return LeftOut{}, err
		}
	}
	var l LeftOut
	var file, why sql.NullString
	err := d.conn.QueryRowContext(ctx, "SELECT * FROM contract_breaks($1::BIGINT[])", arg).Scan(&l.Rows, &file, &why)
	if err != nil && strings.Contains(err.Error(), bloomFilterLimit) {
		if _, serr := d.conn.ExecContext(ctx, "SET disabled_optimizers = 'join_filter_pushdown'"); serr == nil {
			err = d.conn.QueryRowContext(ctx, "SELECT * FROM contract_breaks($1::BIGINT[])", arg).Scan(&l.Rows, &file, &why)
		}
	}
	if err != nil {
		return LeftOut{}, d.readError(err)
	}
	l.FirstFile, l.FirstWhy, l.salonScope = file.String, why.String, salonIDs != nil
	return l, nil
}
