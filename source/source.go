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
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/storage"
)

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
	// Log gets debug details; Notice gets auto mode's one-line notice
	// when it falls back to the cache.
	Log    *slog.Logger
	Notice io.Writer
	// Progress, when set, makes a progress display for a sync.
	Progress func() storage.SyncProgress
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
	if opt.Notice == nil {
		opt.Notice = io.Discard
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
		src = r
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
	return src, nil
}

func s3Source(ctx context.Context, db *queries.DB, root *storage.S3, opt Options) (queries.Source, error) {
	switch opt.Mode {
	case ModeCache:
		return cached(ctx, root, opt)
	case ModeHTTPFS, ModeAuto, "":
	default:
		return nil, fmt.Errorf("invalid s3 mode %q: use auto, httpfs or cache", opt.Mode)
	}
	if opt.Mode == ModeHTTPFS {
		if err := db.LoadHTTPFS(ctx, true); err != nil {
			return nil, fmt.Errorf("%s: --s3-mode httpfs: %w; install httpfs with --extension-repository or --extension-dir, or use --s3-mode cache", root, err)
		}
	} else if err := loadHTTPFSAuto(ctx, db, opt); err != nil {
		fmt.Fprintf(opt.Notice, "instudio-report: httpfs unavailable (%s): reading %s through the local cache\n", err, root)
		return cached(ctx, root, opt)
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
	start := opt.Now()
	objs, err := root.BookingObjects(ctx, opt.AsOf)
	if err != nil {
		return nil, err
	}
	opt.Log.Debug("s3 listing", "source", root.String(), "mode", ModeHTTPFS, "objects", len(objs), "took", opt.Now().Sub(start))
	return &storage.Remote{Root: root, Objects: objs}, nil
}

// installRetry is how long auto mode trusts a failed httpfs install: on
// a host without internet access every attempt costs a failed download.
const installRetry = 24 * time.Hour

// loadHTTPFSAuto loads httpfs, installing it unless an install failed
// less than installRetry ago (remembered in the cache directory, with the
// reason, so the notice can repeat it).
func loadHTTPFSAuto(ctx context.Context, db *queries.DB, opt Options) error {
	marker := ""
	if opt.CacheBase != "" {
		marker = filepath.Join(opt.CacheBase, "httpfs-install-failed")
	}
	if marker != "" {
		if info, err := os.Stat(marker); err == nil && opt.Now().Sub(info.ModTime()) < installRetry {
			if db.LoadHTTPFS(ctx, false) == nil {
				return nil
			}
			reason, _ := os.ReadFile(marker)
			return fmt.Errorf("%s; not retried before %s, or delete %s", strings.TrimSpace(string(reason)),
				info.ModTime().Add(installRetry).UTC().Format(time.RFC3339), marker)
		}
	}
	err := db.LoadHTTPFS(ctx, true)
	if err != nil && marker != "" {
		// Best effort: without the note the next run tries again.
		if os.MkdirAll(opt.CacheBase, 0o755) == nil {
			_ = os.WriteFile(marker, []byte(err.Error()+"\n"), 0o644)
		}
	}
	if err == nil && marker != "" {
		_ = os.Remove(marker)
	}
	return err
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

func cached(ctx context.Context, root *storage.S3, opt Options) (queries.Source, error) {
	if opt.CacheBase == "" {
		return nil, fmt.Errorf("%s: no cache directory for --s3-mode cache: set --cache-dir, XDG_CACHE_HOME or HOME", root)
	}
	sync := storage.SyncOptions{Dir: root.CacheDir(opt.CacheBase), AsOf: opt.AsOf, Log: opt.Log, Now: opt.Now}
	if opt.Progress != nil {
		sync.Progress = opt.Progress()
	}
	res, err := root.Sync(ctx, sync)
	if err != nil {
		return nil, err
	}
	opt.Log.Debug("s3 cache", "source", root.String(), "cache", sync.Dir, "objects", len(res.Objects),
		"fetched", res.Fetched, "kept", res.Kept, "dropped", res.Dropped)
	return storage.NewCached(root, res), nil
}
