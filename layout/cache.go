package layout

// The S3 cache: a local copy of an S3 root's booking objects that DuckDB
// reads as a directory (source's cache mode). It lives here, beside the
// layout it copies (which keys are booking files, which partitions an
// as-of date leaves out), over storage's generic S3 root.

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/storage"
)

// ErrNoCacheDir is a sync without a directory to keep the copy in.
var ErrNoCacheDir = errors.New("no cache directory")

// SyncOptions configure a cache sync.
type SyncOptions struct {
	// Dir is the local copy of this root (see CacheDir).
	Dir string
	// AsOf, when set, limits the sync to partitions dated on or before its
	// UTC date: a later partition holds only later events (docs/design.md).
	AsOf *time.Time
	// Workers is the number of parallel downloads; 0 means 16.
	Workers int
	// Log gets the listing, each object fetched, skipped or dropped, and
	// the time spent, at debug level. Nil logs nothing.
	Log *slog.Logger
	// Progress, when set, follows the downloads.
	Progress SyncProgress
	// Now is the clock that times the sync for the log and Took; nil
	// leaves the durations zero.
	Now func() time.Time
	// Listing, when set, is a listing the caller just made (auto mode lists
	// before it chooses): the sync uses it instead of listing again, except
	// to retry after an object vanished.
	Listing *Listing
}

// Listing is one listing of a root's booking objects (BookingListing).
type Listing struct {
	Objects, Moves []storage.Object
}

// CacheMissing says how much of objs the cache at dir lacks, by its
// manifest (what a sync would fetch, short of a copy deleted by hand).
func CacheMissing(dir string, objs []storage.Object) (n int, bytes int64) {
	man := readManifest(dir)
	for _, o := range objs {
		if e, ok := man.Objects[o.Key]; !ok || e.ETag != o.ETag || e.Size != o.Size {
			n++
			bytes += o.Size
		}
	}
	return n, bytes
}

// SyncProgress follows the downloads of a sync.
type SyncProgress interface {
	// Start is called once, with what is to be fetched.
	Start(objects int, bytes int64)
	// Fetched is called after each object; calls never overlap.
	Fetched(bytes int64)
	// Finish is called once at the end, whatever happened.
	Finish()
}

// SyncResult is what a sync did and what it leaves for the reader.
type SyncResult struct {
	// Objects are the booking objects in scope, by key, and Files their
	// local copies, in the same order: what DuckDB reads.
	Objects []storage.Object
	Files   []string
	// Moves are the moves indexes the listing met, and MoveFiles the
	// local copies of those that could be fetched, by key. An index's key
	// names the files it covers and is written once (create-if-absent),
	// so a copy kept under the same key, with the ETag and size listed
	// and the bytes that were fetched, is the object itself: a warm run
	// reads it without a GET.
	Moves     []storage.Object
	MoveFiles map[string]string
	// Fetched objects were downloaded (new or changed upstream), Kept ones
	// were already there, Dropped local copies were deleted upstream.
	// Repaired counts the fetched objects whose local copy was there but
	// no longer what was fetched (changed in place, or its Parquet footer
	// damaged).
	Fetched, Kept, Dropped, Repaired int
	FetchedBytes                     int64
	// Took is the whole sync, ListTook its listing.
	Took, ListTook time.Duration
}

// bookingKey is a key that readers scan: bookings/dt=YYYY-MM-DD/x.parquet.
var bookingKey = regexp.MustCompile(`^` + booking.Prefix + `/dt=\d{4}-\d{2}-\d{2}/[^/]+\.parquet$`)

// BookingObjects lists the booking Parquet objects of the root, with the
// partitions after asOf's UTC date left out and not even listed: S3 lists
// in key order, and dt=YYYY-MM-DD sorts by date.
func BookingObjects(ctx context.Context, r *storage.S3, asOf *time.Time) ([]storage.Object, error) {
	objs, _, err := BookingListing(ctx, r, asOf)
	return objs, err
}

// BookingListing is BookingObjects, plus the moves indexes that the same
// listing met (booking.MovesIndexPrefix): a reader needs no second listing
// to find them.
func BookingListing(ctx context.Context, r *storage.S3, asOf *time.Time) (bookings, moves []storage.Object, err error) {
	last := ""
	if asOf != nil {
		last = asOf.UTC().Format(time.DateOnly)
	}
	objs, err := r.ListUntil(ctx, booking.Prefix+"/", func(key string) bool {
		day := booking.DayOfKey(key)
		return last != "" && day != "" && day > last
	})
	if err != nil {
		return nil, nil, err
	}
	out := objs[:0]
	for _, o := range objs {
		switch {
		case bookingKey.MatchString(o.Key):
			out = append(out, o)
		case strings.HasPrefix(o.Key, booking.MovesIndexPrefix) && !strings.Contains(strings.TrimPrefix(o.Key, booking.Prefix+"/"), "/"):
			moves = append(moves, o)
		}
	}
	return out, moves, nil
}

// CacheDir is where the local copy of this root lives under base: one
// directory per endpoint, bucket and prefix, so that two sources never
// share (or clobber) a copy.
func CacheDir(r *storage.S3, base string) string {
	endpoint := "aws"
	if r.Endpoint() != "" {
		endpoint = strings.TrimPrefix(strings.TrimPrefix(r.Endpoint(), "https://"), "http://")
	}
	var b strings.Builder
	for _, c := range endpoint {
		if c == '.' || c == '-' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	// A short hash keeps two endpoints apart that sanitize alike.
	sum := sha256.Sum256([]byte(r.Endpoint()))
	dir := filepath.Join(base, "s3", b.String()+"-"+hex.EncodeToString(sum[:4]), r.Bucket())
	if r.Prefix() != "" {
		dir = filepath.Join(dir, "prefix", filepath.FromSlash(r.Prefix()))
	} else {
		dir = filepath.Join(dir, "root")
	}
	return dir
}

// manifestName is the file, in a cache directory, that records what each
// local copy was when it was fetched: the object's ETag and size, and the
// copy's SHA-256, modification time and whether it ended as Parquet does.
//
// The ETag tells whether the object changed upstream; it cannot check the
// copy's bytes, because an S3 ETag is an MD5 of the content only for a
// single-part upload without KMS encryption (a multipart upload's is an
// MD5 of the parts' MD5s, "…-N"). So the copy's own SHA-256, computed as
// it is downloaded, is what a copy is checked against: when its
// modification time or size is no longer the recorded one, it is hashed
// again and fetched again unless the hash is the same.
const manifestName = ".instudio-cache.json"

type manifest struct {
	Version int                      `json:"version"`
	Objects map[string]manifestEntry `json:"objects"`
}

type manifestEntry struct {
	ETag string `json:"etag"`
	Size int64  `json:"size"`
	// SHA256 is the hex SHA-256 of the local copy as fetched, ModTime its
	// modification time (Unix nanoseconds) once in place; empty and zero
	// in a manifest written before copies were checked.
	SHA256  string `json:"sha256,omitempty"`
	ModTime int64  `json:"mtime,omitempty"`
	// Parquet says that the copy, as fetched, started and ended with
	// Parquet's magic and a footer length that fits: a copy that did and
	// no longer does (its footer damaged in place) is fetched again.
	Parquet bool `json:"parquet,omitempty"`
}

// Sync brings the local copy at opt.Dir up to date with the root's booking
// objects: it downloads, in parallel, only the objects that are new or
// whose ETag or size changed, and deletes the copies of objects that are
// gone upstream. Each download goes to a temporary name and is renamed
// into place once complete, so a reader never sees a partial file, and an
// interrupted sync is completed by the next one.
//
// An object deleted between the listing and its download (a compaction
// that replaced it, say) makes the sync list again, once: skipping it
// could miss the events that moved elsewhere.
func Sync(ctx context.Context, r *storage.S3, opt SyncOptions) (SyncResult, error) {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = func() time.Time { return time.Time{} }
	}
	res, err := syncOnce(ctx, r, opt)
	if errors.Is(err, storage.ErrNotFound) && ctx.Err() == nil {
		opt.Log.Debug("s3 object gone during the sync: listing again", "source", r.String(), "error", err)
		opt.Listing = nil
		res, err = syncOnce(ctx, r, opt)
	}
	return res, err
}

func syncOnce(ctx context.Context, r *storage.S3, opt SyncOptions) (SyncResult, error) {
	now := opt.Now
	start := now()
	log := opt.Log
	if opt.Dir == "" {
		return SyncResult{}, fmt.Errorf("%s: %w", r, ErrNoCacheDir)
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = 16
	}
	var objs, moves []storage.Object
	if opt.Listing != nil {
		objs, moves = opt.Listing.Objects, opt.Listing.Moves
	} else {
		var err error
		if objs, moves, err = BookingListing(ctx, r, opt.AsOf); err != nil {
			return SyncResult{}, err
		}
	}
	listTook := now().Sub(start)
	log.Debug("s3 listing", "source", r.String(), "objects", len(objs), "took", listTook)

	if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
		return SyncResult{}, fmt.Errorf("local cache of %s: %s", r, localCause(err))
	}
	man := readManifest(opt.Dir)
	local := &storage.Dir{Path: opt.Dir}
	have, err := local.List(ctx, booking.Prefix+"/")
	if err != nil {
		return SyncResult{}, fmt.Errorf("local cache of %s: %s", r, localCause(err))
	}
	localCopy := make(map[string]storage.Object, len(have))
	for _, h := range have {
		localCopy[h.Key] = h
	}

	res := SyncResult{Objects: objs, Files: make([]string, len(objs)), Moves: moves, MoveFiles: map[string]string{}, ListTook: listTook}
	changed := false // whether the manifest must be written
	var todo []storage.Object
	var todoBytes int64
	upstream := make(map[string]bool, len(objs)+len(moves))
	for _, o := range moves {
		upstream[o.Key] = true // kept by syncMoves, not dropped below
	}
	for i, o := range objs {
		upstream[o.Key] = true
		res.Files[i] = local.URI(o.Key)
		if e, ok := man.Objects[o.Key]; ok && e.ETag == o.ETag && e.Size == o.Size {
			if h, ok := localCopy[o.Key]; ok && h.Size == o.Size {
				checked, problem := verifyCopy(local.URI(o.Key), e, h.ModTime)
				if problem == "" {
					if checked != e {
						man.Objects[o.Key] = checked
						changed = true
					}
					res.Kept++
					log.Debug("s3 object up to date", "key", o.Key)
					continue
				}
				res.Repaired++
				log.Debug("s3 local copy is not what was fetched: fetching it again", "key", o.Key, "problem", problem)
			}
		}
		todo = append(todo, o)
		todoBytes += o.Size
	}

	// Copies of objects gone upstream go, within the synced scope: with
	// --as-of, later partitions were not listed and are left alone.
	last := ""
	if opt.AsOf != nil {
		last = opt.AsOf.UTC().Format(time.DateOnly)
	}
	inScope := func(key string) bool { return last == "" || booking.DayOfKey(key) <= last }
	if len(todo) > 0 {
		changed = true
	}
	var mu sync.Mutex // guards man and the progress
	for _, h := range have {
		if upstream[h.Key] || !inScope(h.Key) {
			continue
		}
		if err := local.Delete(ctx, h.Key); err != nil {
			return SyncResult{}, fmt.Errorf("local cache of %s: drop the copy of %s: %s", r, r.URI(h.Key), localCause(err))
		}
		delete(man.Objects, h.Key)
		res.Dropped++
		changed = true
		log.Debug("s3 object gone upstream: local copy dropped", "key", h.Key)
	}
	for key := range man.Objects {
		if !upstream[key] && inScope(key) {
			delete(man.Objects, key)
			changed = true
		}
	}

	if opt.Progress != nil && len(todo) > 0 {
		opt.Progress.Start(len(todo), todoBytes)
		defer opt.Progress.Finish()
	}
	var fetched atomic.Int64
	var fetchedBytes atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for _, o := range todo {
		g.Go(func() error {
			t0 := now()
			entry, err := fetch(gctx, r, o, local.URI(o.Key))
			if err != nil {
				return err
			}
			mu.Lock()
			man.Objects[o.Key] = entry
			if opt.Progress != nil {
				opt.Progress.Fetched(o.Size)
			}
			mu.Unlock()
			fetched.Add(1)
			fetchedBytes.Add(o.Size)
			log.Debug("s3 object fetched", "key", o.Key, "bytes", o.Size, "took", now().Sub(t0))
			return nil
		})
	}
	werr := g.Wait()
	if werr == nil && syncMoves(ctx, r, local, man, moves, res.MoveFiles, log) {
		changed = true
	}
	// What was fetched stays recorded even when the sync stopped halfway,
	// so the next run fetches only the rest.
	if changed {
		if err := writeManifest(opt.Dir, man); err != nil && werr == nil {
			werr = fmt.Errorf("local cache of %s: %s", r, localCause(err))
		}
	}
	res.Fetched, res.FetchedBytes = int(fetched.Load()), fetchedBytes.Load()
	res.Took = now().Sub(start)
	if werr != nil {
		return res, werr
	}
	log.Debug("s3 sync done", "source", r.String(), "cache", opt.Dir, "listed", len(objs),
		"fetched", res.Fetched, "fetched_bytes", res.FetchedBytes, "kept", res.Kept, "dropped", res.Dropped, "repaired", res.Repaired, "took", res.Took)
	return res, nil
}

// syncMoves keeps a local copy of each moves index the listing met and
// records it in files, by key: a copy whose manifest entry has the listed
// ETag and size, and whose bytes still hash to the SHA-256 taken when it
// was fetched (checked every run: an index is a few kilobytes), is kept;
// any other is fetched again. An index that cannot be fetched (replaced
// by a compaction since the listing, say) is left out of files, and the
// reader asks S3 for it, which passes over a missing one. It reports
// whether the manifest changed.
func syncMoves(ctx context.Context, r *storage.S3, local *storage.Dir, man *manifest, moves []storage.Object, files map[string]string, log *slog.Logger) (changed bool) {
	for _, o := range moves {
		dest := local.URI(o.Key)
		if e, ok := man.Objects[o.Key]; ok && e.ETag == o.ETag && e.Size == o.Size && e.SHA256 != "" {
			sum, err := hashFile(dest)
			if err == nil && sum == e.SHA256 {
				files[o.Key] = dest
				log.Debug("s3 moves index up to date", "key", o.Key)
				continue
			}
			log.Debug("s3 local copy of the moves index is not what was fetched: fetching it again", "key", o.Key)
		}
		entry, err := fetch(ctx, r, o, dest)
		if err != nil {
			if _, ok := man.Objects[o.Key]; ok {
				delete(man.Objects, o.Key)
				changed = true
			}
			log.Debug("s3 moves index not cached", "key", o.Key, "reason", storage.FirstLine(err))
			continue
		}
		man.Objects[o.Key] = entry
		changed = true
		files[o.Key] = dest
		log.Debug("s3 moves index fetched", "key", o.Key, "bytes", o.Size)
	}
	return changed
}

// fetch downloads one object to dest through a temporary file. The SDK
// retries failed requests; a body cut off mid-way is retried here.
func fetch(ctx context.Context, r *storage.S3, o storage.Object, dest string) (manifestEntry, error) {
	// A flaky network can cut several bodies in a row (a pooled connection
	// that the peer reset fails the next request on it too), so a few more
	// tries than the SDK's, with a backoff capped at a second.
	const attempts = 8
	var err error
	for attempt := range attempts {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return manifestEntry{}, ctx.Err()
			case <-time.After(time.Duration(min(attempt*attempt, 10)) * 100 * time.Millisecond):
			}
		}
		var retry bool
		var entry manifestEntry
		entry, retry, err = fetchOnce(ctx, r, o, dest)
		if err == nil || !retry {
			return entry, err
		}
	}
	return manifestEntry{}, err
}

// fetchTimeout bounds one download attempt, so that a stalled body is
// retried rather than waited on for ever.
const fetchTimeout = 5 * time.Minute

func fetchOnce(parent context.Context, r *storage.S3, o storage.Object, dest string) (entry manifestEntry, retry bool, err error) {
	ctx, cancel := context.WithTimeout(parent, fetchTimeout)
	defer cancel()
	body, got, err := r.Get(ctx, o.Key)
	if err != nil {
		return entry, parent.Err() == nil && errors.Is(err, context.DeadlineExceeded), err
	}
	defer body.Close()
	// Local failures name the object: the cache's path is an internal of
	// this program, never something a user is told.
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return entry, false, fmt.Errorf("cache %s: %s", r.URI(o.Key), localCause(err))
	}
	tmp, err := os.CreateTemp(filepath.Dir(dest), storage.TempPrefix+"*")
	if err != nil {
		return entry, false, fmt.Errorf("cache %s: %s", r.URI(o.Key), localCause(err))
	}
	defer os.Remove(tmp.Name())
	sum := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, sum), body)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		return entry, false, fmt.Errorf("cache %s: %s", r.URI(o.Key), localCause(cerr))
	}
	if err != nil {
		if parent.Err() != nil {
			return entry, false, parent.Err()
		}
		return entry, true, fmt.Errorf("read %s: %s", r.URI(o.Key), storage.FirstLine(err))
	}
	if n != o.Size || (got.ETag != "" && got.ETag != o.ETag) {
		// Changed between the listing and the download, or cut short:
		// the next attempt gets the whole of one version.
		return entry, true, fmt.Errorf("read %s: got %d bytes (etag %s), listed %d (etag %s)", r.URI(o.Key), n, got.ETag, o.Size, o.ETag)
	}
	entry = manifestEntry{ETag: o.ETag, Size: o.Size, SHA256: hex.EncodeToString(sum.Sum(nil)), Parquet: parquetFramed(tmp.Name(), n)}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return entry, false, fmt.Errorf("cache %s: %s", r.URI(o.Key), localCause(err))
	}
	if info, err := os.Stat(dest); err == nil {
		entry.ModTime = info.ModTime().UnixNano()
	}
	return entry, false, nil
}

// localCause is a local file error without its path (the cache's).
func localCause(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Op + ": " + le.Err.Error()
	}
	return storage.FirstLine(err)
}

// verifyCopy checks the local copy at file against its manifest entry e
// and its listed modification time: problem says what is wrong with it
// ("" when it is good), and checked is the entry to record for it. A copy
// whose time is the recorded one is taken as written, after a look at its
// Parquet framing (a few bytes at each end); any other is hashed whole,
// and good only when the hash is the one recorded. An entry without a hash
// (an older manifest) gets one.
func verifyCopy(file string, e manifestEntry, modTime time.Time) (checked manifestEntry, problem string) {
	checked = e
	if e.SHA256 == "" || e.ModTime != modTime.UnixNano() {
		sum, err := hashFile(file)
		if err != nil {
			return e, "unreadable: " + localCause(err)
		}
		if e.SHA256 != "" && sum != e.SHA256 {
			return e, "changed since it was fetched (sha256 differs)"
		}
		checked.SHA256, checked.ModTime = sum, modTime.UnixNano()
		if e.SHA256 == "" {
			checked.Parquet = parquetFramed(file, e.Size)
		}
	}
	if checked.Parquet && !parquetFramed(file, e.Size) {
		return e, "its Parquet footer is damaged"
	}
	return checked, ""
}

func hashFile(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// parquetFramed says whether the file of size bytes starts and ends with
// Parquet's magic "PAR1" and its footer length fits in it: what a reader
// needs before it can read anything of the file.
func parquetFramed(file string, size int64) bool {
	const magic = "PAR1"
	if size < 12 {
		return false
	}
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4)
	tail := make([]byte, 8)
	if _, err := f.ReadAt(head, 0); err != nil {
		return false
	}
	if _, err := f.ReadAt(tail, size-8); err != nil {
		return false
	}
	footer := int64(binary.LittleEndian.Uint32(tail[:4]))
	return string(head) == magic && string(tail[4:]) == magic && footer > 0 && footer+12 <= size
}

func readManifest(dir string) *manifest {
	m := &manifest{Version: 1, Objects: map[string]manifestEntry{}}
	data, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return m
	}
	var read manifest
	// A manifest that cannot be read costs a full download, nothing more.
	if json.Unmarshal(data, &read) == nil && read.Version == 1 && read.Objects != nil {
		return &read
	}
	return m
}

func writeManifest(dir string, m *manifest) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, storage.TempPrefix+"*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, manifestName)); err != nil {
		return err
	}
	return nil
}

// Cached is an S3 root read through its local copy: DuckDB reads the
// files, and every message names the objects.
type Cached struct {
	Root   *storage.S3
	Result SyncResult
	byPath map[string]string
}

// NewCached wraps the result of a sync for a reader.
func NewCached(root *storage.S3, res SyncResult) *Cached {
	c := &Cached{Root: root, Result: res, byPath: make(map[string]string, len(res.Files))}
	for i, f := range res.Files {
		c.byPath[f] = root.URI(res.Objects[i].Key)
	}
	return c
}

// String names the S3 source.
func (c *Cached) String() string { return c.Root.String() }

// Pattern is what was searched, for the message about an empty source.
func (c *Cached) Pattern() string { return BookingPattern(c.Root) }

// BookingFiles are the local copies of the synced objects.
func (c *Cached) BookingFiles(ctx context.Context) ([]string, error) {
	return c.Result.Files, ctx.Err()
}

// FileName is the s3:// URI of a local copy, for messages.
func (c *Cached) FileName(file string) string {
	if uri, ok := c.byPath[file]; ok {
		return uri
	}
	return file
}

// MovesRoot is the root to read the moves indexes from: the S3 root,
// except that an index synced to the cache is read from its local copy.
func (c *Cached) MovesRoot() storage.Root {
	return &cachedIndexes{S3: c.Root, files: c.Result.MoveFiles}
}

// cachedIndexes reads the synced moves indexes from the cache and
// anything else (an index the sync could not fetch) from S3.
type cachedIndexes struct {
	*storage.S3
	files map[string]string
}

func (c *cachedIndexes) Read(ctx context.Context, key string) ([]byte, error) {
	if file, ok := c.files[key]; ok {
		if data, err := os.ReadFile(file); err == nil {
			return data, nil
		}
	}
	return c.S3.Read(ctx, key)
}

// BookingPattern is the glob, under a root, of the files readers scan.
func BookingPattern(r storage.Root) string {
	return r.URI(path.Join(booking.Prefix, "dt=*", "*.parquet"))
}

// Remote is an S3 root that DuckDB reads directly (httpfs): the files are
// s3:// URLs.
type Remote struct {
	Root    *storage.S3
	Objects []storage.Object
	// Moves are the moves indexes the listing met.
	Moves []storage.Object
}

// String names the S3 source.
func (r *Remote) String() string { return r.Root.String() }

// Pattern is what was searched, for the message about an empty source.
func (r *Remote) Pattern() string { return BookingPattern(r.Root) }

// BookingFiles are the s3:// URLs of the listed objects.
func (r *Remote) BookingFiles(ctx context.Context) ([]string, error) {
	out := make([]string, len(r.Objects))
	for i, o := range r.Objects {
		out[i] = r.Root.URI(o.Key)
	}
	return out, ctx.Err()
}
