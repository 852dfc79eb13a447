// Package storage owns the roots that hold the booking layout: listing
// objects, reading them, and writing immutable files create-if-absent. A
// root is a local directory (Dir) or an S3 prefix; both offer Root, so the
// ingest pipeline, compaction and the legacy import run on either. What
// the keys mean (which are booking files, the S3 cache of them) is
// layout's: storage knows no key but the ones it is given.
//
// It is pure Go (no cgo): the ingest Lambda links it.
package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Root is a storage root: a local directory or an s3://bucket/prefix. Keys
// are slash-separated and relative to the root ("bookings/dt=…/x.parquet").
type Root interface {
	// String names the root as the user gave it ("./data", "s3://b/p").
	String() string
	// URI names one key of the root for messages ("./data/bookings/…",
	// "s3://b/p/bookings/…").
	URI(key string) string
	// List returns the objects whose keys start with prefix, sorted by key.
	// Temporary files of writers are never listed. Any error while listing
	// is returned, naming the place that failed.
	List(ctx context.Context, prefix string) ([]Object, error)
	// Read returns the whole object at key.
	Read(ctx context.Context, key string) ([]byte, error)
	// Create writes data at key unless an object is already there (S3's
	// If-None-Match: *) and reports whether it wrote. A reader never sees a
	// partial object.
	Create(ctx context.Context, key string, data []byte) (bool, error)
	// Delete removes the object at key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// Object is one listed object of a root.
type Object struct {
	Key     string // relative to the root, slash-separated
	Size    int64
	ETag    string // S3's ETag; empty for a local file
	ModTime time.Time
}

// ErrNotFound is returned (wrapped) by Read for a missing key.
var ErrNotFound = fs.ErrNotExist

// Dir is a local directory root.
type Dir struct {
	Path string

	// swept records the directories whose stale temporary files this Dir
	// has removed, so that each is swept once.
	swept sync.Map
}

var _ Root = (*Dir)(nil)

func (d *Dir) String() string { return d.Path }

// Exists says whether root is there to be read: a local directory that
// does not exist is an error (a typo in a cron job's path must not look
// like an empty, healthy source), as S3 already says of a missing bucket
// on the first request. Roots other than a Dir are taken as there.
func Exists(root Root) error {
	d, ok := root.(*Dir)
	if !ok {
		return nil
	}
	info, err := os.Stat(d.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s does not exist", d.Path)
	}
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is not a directory", d.Path)
	}
	return nil
}

// URI is the local path of key.
func (d *Dir) URI(key string) string { return filepath.Join(d.Path, filepath.FromSlash(key)) }

// TempPrefix starts the names of the temporary files that writers rename
// or link into place; listings skip them. The writer's process id follows,
// so that a later writer can tell a file left by a killed writer from one
// that is being written.
const TempPrefix = ".tmp-"

const tempPrefix = TempPrefix

// List walks the directory under prefix. A missing directory lists nothing.
// Symbolic links are followed, to files and to directories (a day
// partition kept on another disk), so that a link never hides data.
func (d *Dir) List(ctx context.Context, prefix string) ([]Object, error) {
	// The walk starts at the deepest directory that the prefix names whole,
	// and keeps the keys that start with the prefix.
	start := prefix
	if i := strings.LastIndexByte(start, '/'); i >= 0 {
		start = start[:i]
	} else {
		start = ""
	}
	var out []Object
	if err := d.walk(ctx, d.URI(start), prefix, map[string]bool{}, &out); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Object) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// walk lists the files under base into out; seen holds the real paths of
// the linked directories already walked, so that a link loop ends.
func (d *Dir) walk(ctx context.Context, base, prefix string, seen map[string]bool, out *[]Object) error {
	return filepath.WalkDir(base, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == base {
				return fs.SkipAll
			}
			return fmt.Errorf("list %s: %w", path, err)
		}
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if e.IsDir() || strings.HasPrefix(e.Name(), tempPrefix) {
			return nil
		}
		rel, err := filepath.Rel(d.Path, path)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		// os.Stat follows a link; a directory's keys may still start with
		// the prefix even when the link's own name is shorter.
		info, err := os.Stat(path)
		if err != nil {
			if _, lerr := os.Lstat(path); errors.Is(lerr, fs.ErrNotExist) {
				// Deleted since the directory was read (a compaction
				// finishing): gone, as it would be from an S3 listing.
				return nil
			}
			return fmt.Errorf("list %s: %w", path, err)
		}
		if info.IsDir() {
			real, err := filepath.EvalSymlinks(path)
			if err != nil {
				return fmt.Errorf("list %s: %w", path, err)
			}
			if seen[real] || !(strings.HasPrefix(key+"/", prefix) || strings.HasPrefix(prefix, key+"/")) {
				return nil
			}
			seen[real] = true
			return d.walk(ctx, path+string(filepath.Separator), prefix, seen, out)
		}
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		*out = append(*out, Object{Key: key, Size: info.Size(), ModTime: info.ModTime()})
		return nil
	})
}

// Read returns the file at key.
func (d *Dir) Read(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(d.URI(key))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", d.URI(key), err)
	}
	return data, nil
}

// Delete removes the file at key.
func (d *Dir) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Remove(d.URI(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", d.URI(key), err)
	}
	return nil
}

// Create writes data at key unless an object is already there, the local
// form of S3's If-None-Match: *, and reports whether it wrote. The data goes
// to a temporary file that is then hard-linked into place: the link fails if
// the key exists, so two writers of the same batch never leave a torn or
// doubled file.
func (d *Dir) Create(ctx context.Context, key string, data []byte) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	final := d.URI(key)
	if _, err := os.Stat(final); err == nil {
		return false, nil
	}
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, fmt.Errorf("write %s: %w", final, err)
	}
	d.sweepTemps(dir)
	tmp, err := os.CreateTemp(dir, fmt.Sprintf("%s%d-*", tempPrefix, os.Getpid()))
	if err != nil {
		return false, fmt.Errorf("write %s: %w", final, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return false, fmt.Errorf("write %s: %w", final, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return false, fmt.Errorf("write %s: %w", final, err)
	}
	if err := tmp.Close(); err != nil {
		return false, fmt.Errorf("write %s: %w", final, err)
	}
	if err := os.Link(tmp.Name(), final); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		return false, fmt.Errorf("write %s: %w", final, err)
	}
	return true, nil
}

// sweepTemps removes, once per directory, the temporary files that a
// writer killed mid-write left there: those of a process that no longer
// runs on this host. A failure to remove one is not an error: readers never
// list them.
func (d *Dir) sweepTemps(dir string) {
	if _, done := d.swept.LoadOrStore(dir, true); done {
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasPrefix(e.Name(), tempPrefix) {
			continue
		}
		if staleTemp(e.Name()) {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// staleTemp tells whether the temporary file named name was left behind:
// the process named in it no longer runs. A name without a process id
// (from an older writer) is stale too.
func staleTemp(name string) bool {
	pidText, _, _ := strings.Cut(strings.TrimPrefix(name, tempPrefix), "-")
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 {
		return true
	}
	return !processRuns(pid)
}

// processRuns reports whether a process with this id runs on this host.
func processRuns(pid int) bool {
	if pid == os.Getpid() {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	// EPERM: it runs, as another user.
	return err == nil || errors.Is(err, syscall.EPERM)
}

// WriteOutput writes a command's rendered output to stdout when path is
// "" or "-", else to the file at path with ReplaceFile. Nothing is written
// once ctx is cancelled.
func WriteOutput(ctx context.Context, stdout io.Writer, path string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if path == "" || path == "-" {
		_, err := stdout.Write(data)
		return err
	}
	return ReplaceFile(ctx, path, data)
}

// ReplaceFile writes data to the local file at path, whole or not at all:
// it goes to a temporary file beside the target that is renamed over it
// once written, and only while ctx is live, so a cancelled run leaves the
// old file (or none) rather than part of a new one. A symbolic link is
// followed and its target replaced; an existing file keeps its mode (a new
// one gets 0644); a directory is an error.
func ReplaceFile(ctx context.Context, path string, data []byte) error {
	target := path
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		target = resolved
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("write %s: %w", path, err)
	}
	mode := fs.FileMode(0o644)
	switch info, err := os.Stat(target); {
	case err == nil && info.IsDir():
		return fmt.Errorf("write %s: is a directory; name a file", path)
	case err == nil:
		mode = info.Mode().Perm()
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("write %s: %w", path, err)
	}
	d := &Dir{}
	dir := filepath.Dir(target)
	d.sweepTemps(dir)
	tmp, err := os.CreateTemp(dir, fmt.Sprintf("%s%d-*", tempPrefix, os.Getpid()))
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		err = os.Rename(tmp.Name(), target)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
