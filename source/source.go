// Package source turns the --source setting into what DuckDB reads: a
// local directory as it is, or an S3 root, either read by DuckDB itself
// through httpfs, or synced into a local cache that DuckDB reads as a
// directory. It owns the choice between the two (--s3-mode) and the
// fallback of auto mode.
package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/storage"
)

// HTTPFSError is DuckDB's httpfs extension failing to load in httpfs mode:
// the caller says how to install it or to read through the cache instead.
type HTTPFSError struct {
	Root string
	Err  error
}

func (e *HTTPFSError) Error() string {
	return fmt.Sprintf("%s: httpfs mode: %s", e.Root, e.Err)
}

func (e *HTTPFSError) Unwrap() error { return e.Err }

// Modes of reading an S3 source.
const (
	ModeAuto   = "auto"
	ModeHTTPFS = "httpfs"
	ModeCache  = "cache"
)

// Options say how to read a source.
type Options struct {
	// URI is the --source value: a directory or s3://bucket[/prefix].
	URI string
	// Mode is auto, httpfs or cache; it matters only for S3.
	Mode string
	S3   storage.S3Options
	// CacheBase holds the caches of cache mode, one directory per
	// endpoint, bucket and prefix.
	CacheBase string
	// AsOf, when set, leaves out the partitions after its UTC date.
	AsOf *time.Time
	// Log gets debug details. Fallback, when set, is called with the
	// source once, on the run where auto mode finds httpfs unavailable
	// and falls back to the cache: the caller words the notice (and
	// names its own way to skip the attempt).
	Log      *slog.Logger
	Fallback func(root string)
	// Progress, when set, makes a progress display for a sync.
	Progress func() layout.SyncProgress
	// Now times the listing and the sync for the log; nil leaves the
	// durations zero.
	Now func() time.Time
}

// Attach opens the source and attaches its booking files to db: the
// events and bookings views read them from then on.
func Attach(ctx context.Context, db *queries.DB, opt Options) (queries.Source, error) {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Fallback == nil {
		opt.Fallback = func(string) {}
	}
	if opt.Now == nil {
		opt.Now = func() time.Time { return time.Time{} }
	}
	root, err := storage.Open(ctx, opt.URI, opt.S3)
	if err != nil {
		return nil, err
	}
	var src queries.Source
	switch r := root.(type) {
	case *storage.Dir:
		src = &layout.Local{Dir: r}
	case *storage.S3:
		if src, err = s3Source(ctx, db, r, opt); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("source %s: cannot be read", root)
	}
	if err := db.Attach(ctx, src, opt.AsOf); err != nil {
		var none *queries.NoBookingFilesError
		if dir, ok := root.(*storage.Dir); ok && errors.As(err, &none) {
			if _, serr := os.Stat(dir.Path); errors.Is(serr, fs.ErrNotExist) {
				none.MissingDir = dir.Path
			}
		}
		return nil, err
	}
	if err := useMoves(ctx, db, root, src, opt.Log); err != nil {
		return nil, err
	}
	return src, nil
}

// useMoves hands the session the moves index of the source (layout's),
// when one covers some of its files, so that a report on a few salons does
// not read two columns of every file to find their moved bookings. Without
// one (never compacted, or an index that cannot be read) the report scans:
// slower, never wrong.
func useMoves(ctx context.Context, db *queries.DB, root storage.Root, src queries.Source, log *slog.Logger) error {
	// The files the session reads, by key: the index names keys.
	type file struct {
		path string
		size int64
	}
	byKey := map[string]file{}
	var indexes []storage.Object
	switch s := src.(type) {
	case *layout.Local:
		keys, err := layout.MovesIndexKeys(ctx, s.Dir)
		if err != nil {
			log.Debug("moves index not listed", "source", root.String(), "reason", err.Error())
			return nil
		}
		present := func(key string) (int64, bool) {
			info, err := os.Stat(s.URI(key))
			if err != nil || !info.Mode().IsRegular() {
				return 0, false
			}
			byKey[key] = file{s.URI(key), info.Size()}
			return info.Size(), true
		}
		return applyMoves(ctx, db, root, keys, present, func(key string) string { return byKey[key].path }, log)
	case *layout.Remote:
		for _, o := range s.Objects {
			byKey[o.Key] = file{s.Root.URI(o.Key), o.Size}
		}
		indexes = s.Moves
	case *layout.Cached:
		for i, o := range s.Result.Objects {
			byKey[o.Key] = file{s.Result.Files[i], o.Size}
		}
		indexes = s.Result.Moves
		root = s.MovesRoot() // the synced copies, without a GET
	default:
		return nil
	}
	keys := make([]string, len(indexes))
	for i, o := range indexes {
		keys[i] = o.Key
	}
	present := func(key string) (int64, bool) {
		f, ok := byKey[key]
		return f.size, ok
	}
	return applyMoves(ctx, db, root, keys, present, func(key string) string { return byKey[key].path }, log)
}

func applyMoves(ctx context.Context, db *queries.DB, root storage.Root, keys []string, present func(string) (int64, bool), pathOf func(string) string, log *slog.Logger) error {
	idx, covered, skipped := layout.ReadMovesIndex(ctx, root, keys, present)
	for _, s := range skipped {
		log.Debug("moves index passed over", "source", root.String(), "reason", s.Error())
	}
	if idx == nil {
		log.Debug("moves index", "source", root.String(), "covered_files", 0)
		return nil
	}
	m := &queries.Moves{Covered: make(map[string]bool, len(covered)), Salons: make(map[int64][]int64, len(idx.Moves)), Ranges: make(map[string]queries.FileRange, len(covered))}
	for key := range covered {
		m.Covered[pathOf(key)] = true
	}
	for _, f := range idx.Files {
		if covered[f.Key] && idx.HasRanges() {
			m.Ranges[pathOf(f.Key)] = queries.FileRange{SalonMin: f.SalonMin, SalonMax: f.SalonMax, BookingMin: f.BookingMin, BookingMax: f.BookingMax}
		}
	}
	for _, mv := range idx.Moves {
		m.Salons[mv.BookingID] = mv.Salons
	}
	log.Debug("moves index", "source", root.String(), "covered_files", len(covered), "moves", len(idx.Moves))
	return db.UseMoves(ctx, m)
}

func s3Source(ctx context.Context, db *queries.DB, root *storage.S3, opt Options) (queries.Source, error) {
	switch opt.Mode {
	case ModeCache:
		return cached(ctx, root, opt, nil)
	case ModeHTTPFS:
		if err := db.LoadHTTPFS(ctx, true); err != nil {
			return nil, &HTTPFSError{Root: root.String(), Err: err}
		}
	case ModeAuto, "":
	default:
		return nil, fmt.Errorf("invalid s3 mode %q: use auto, httpfs or cache", opt.Mode)
	}
	start := opt.Now()
	objs, moves, err := layout.BookingListing(ctx, root, opt.AsOf)
	if err != nil {
		return nil, err
	}
	opt.Log.Debug("s3 listing", "source", root.String(), "objects", len(objs), "took", opt.Now().Sub(start))
	listing := &layout.Listing{Objects: objs, Moves: moves}
	if opt.Mode != ModeHTTPFS {
		if chooseCache(root, opt, objs) {
			return cached(ctx, root, opt, listing)
		}
		if remembered, err := loadHTTPFSAuto(ctx, db, opt); err != nil {
			// The notice is said once, on the run whose install failed:
			// the runs that only read the remembered failure keep quiet,
			// and the reason (DuckDB's long download error) goes to the
			// debug log.
			opt.Log.Debug("httpfs unavailable: reading through the local cache", "source", root.String(), "reason", err.Error())
			if !remembered {
				opt.Fallback(root.String())
			}
			return cached(ctx, root, opt, listing)
		}
	}
	if err := db.CacheRemoteMetadata(ctx); err != nil {
		return nil, err
	}
	creds, err := root.Credentials(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: aws credentials: %s", root, err)
	}
	secret, err := Secret(root, creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken)
	if err != nil {
		return nil, err
	}
	if err := db.CreateS3Secret(ctx, secret); err != nil {
		return nil, err
	}
	return &layout.Remote{Root: root, Objects: objs, Moves: moves}, nil
}

// What auto mode weighs. httpfs pays a HEAD and one or more GETs per file
// on every run, tens of milliseconds each on real S3, but reads only the
// column chunks and row groups a report needs; the cache pays each new
// object once, whole, and then reads local files. So:
//   - a cache that holds nearly everything (at most 1/autoCacheShare of
//     the bytes to fetch: a few new batch files) is the cheaper read
//     whatever the layout;
//   - many batch files cost httpfs requests per file per run (every
//     report opens every batch file, which holds every salon): over
//     autoHTTPFSMaxFiles of them, the cache, which fetches each once, in
//     parallel. Compacted files do not count: a report opens only the few
//     whose salon range holds its salons (the moves index's ranges);
//   - otherwise (a compacted layout and a cold or stale cache) httpfs,
//     which moves the salon's share rather than the whole lake.
//
// Measured over versitygw on loopback at 1M events (issue 20): 2,468 batch
// files take httpfs 8.5 s against 1.8 s from a warm cache; 9 compacted files
// take it 0.33 s against 0.28 s warm, and a cold sync of those moves the
// whole lake (99 MB) where httpfs moves a salon's share.
const (
	autoHTTPFSMaxFiles = 64
	autoCacheShare     = 16
)

// chooseCache is auto mode's choice, said at debug level.
func chooseCache(root *storage.S3, opt Options, objs []storage.Object) bool {
	if opt.CacheBase == "" {
		return false
	}
	c := autoChoice(layout.CacheDir(root, opt.CacheBase), objs)
	opt.Log.Debug("s3 auto", "source", root.String(), "choice", c.mode, "why", c.why, "files", len(objs), "batch_files", c.batch,
		"bytes", c.total, "cache_missing", c.missing, "cache_missing_bytes", c.missingBytes)
	return c.mode == ModeCache
}

// autoWeighed is auto mode's choice over a listing and a cache directory,
// with what it weighed.
type autoWeighed struct {
	mode, why           string
	batch, missing      int
	total, missingBytes int64
}

func autoChoice(cacheDir string, objs []storage.Object) autoWeighed {
	c := autoWeighed{mode: ModeHTTPFS, why: "few batch files and a cold or stale cache: httpfs reads the salons' share"}
	c.missing, c.missingBytes = layout.CacheMissing(cacheDir, objs)
	for _, o := range objs {
		c.total += o.Size
		if !layout.IsCompacted(o.Key) {
			c.batch++
		}
	}
	switch {
	case c.missingBytes*autoCacheShare <= c.total:
		c.mode, c.why = ModeCache, "the cache holds nearly everything"
	case c.batch > autoHTTPFSMaxFiles:
		c.mode, c.why = ModeCache, "many batch files: httpfs would pay requests per file on every run"
	}
	return c
}

// installRetry is how long auto mode trusts a failed httpfs install: on
// a host without internet access every attempt costs a failed download.
const installRetry = 24 * time.Hour

// loadHTTPFSAuto loads httpfs, installing it unless an install failed
// less than installRetry ago (remembered in the cache directory, with the
// reason, for the debug log). remembered says that the error is such an
// earlier failure rather than this run's.
func loadHTTPFSAuto(ctx context.Context, db *queries.DB, opt Options) (remembered bool, err error) {
	marker := ""
	if opt.CacheBase != "" {
		marker = filepath.Join(opt.CacheBase, "httpfs-install-failed")
	}
	if marker != "" {
		if info, err := os.Stat(marker); err == nil && opt.Now().Sub(info.ModTime()) < installRetry {
			if db.LoadHTTPFS(ctx, false) == nil {
				return false, nil
			}
			reason, _ := os.ReadFile(marker)
			return true, fmt.Errorf("%s; not retried before %s, or delete %s", strings.TrimSpace(string(reason)),
				info.ModTime().Add(installRetry).UTC().Format(time.RFC3339), marker)
		}
	}
	err = db.LoadHTTPFS(ctx, true)
	if err != nil && marker != "" {
		// Best effort: without the note the next run tries again.
		if os.MkdirAll(opt.CacheBase, 0o755) == nil {
			_ = os.WriteFile(marker, []byte(err.Error()+"\n"), 0o644)
		}
	}
	if err == nil && marker != "" {
		_ = os.Remove(marker)
	}
	return false, err
}

// Secret is the httpfs secret for root: its region always, and for a
// custom endpoint its host, path-style URLs and whether to use TLS.
func Secret(root *storage.S3, keyID, secret, token string) (queries.S3Secret, error) {
	s := queries.S3Secret{
		Scope:        "s3://" + root.Bucket(),
		KeyID:        keyID,
		Secret:       secret,
		SessionToken: token,
		Region:       root.Region(),
	}
	if ep := root.Endpoint(); ep != "" {
		u, err := url.Parse(ep)
		if err != nil {
			return s, fmt.Errorf("s3 endpoint %q: %w", ep, err)
		}
		s.Endpoint = u.Host
		if u.Path != "" && u.Path != "/" {
			s.Endpoint += u.Path
		}
		s.UseSSL = u.Scheme == "https"
	}
	return s, nil
}

func cached(ctx context.Context, root *storage.S3, opt Options, listing *layout.Listing) (queries.Source, error) {
	if opt.CacheBase == "" {
		return nil, fmt.Errorf("%s: %w", root, layout.ErrNoCacheDir)
	}
	sync := layout.SyncOptions{Dir: layout.CacheDir(root, opt.CacheBase), AsOf: opt.AsOf, Log: opt.Log, Now: opt.Now, Listing: listing}
	if opt.Progress != nil {
		sync.Progress = opt.Progress()
	}
	res, err := layout.Sync(ctx, root, sync)
	if err != nil {
		return nil, err
	}
	opt.Log.Debug("s3 cache", "source", root.String(), "cache", sync.Dir, "objects", len(res.Objects),
		"fetched", res.Fetched, "kept", res.Kept, "dropped", res.Dropped)
	return layout.NewCached(root, res), nil
}
