package layout_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/queries"
	"github.com/instudio/instudio-report/report"
	"github.com/instudio/instudio-report/storage"
	"github.com/instudio/instudio-report/storage/s3test"
)

// rootFactory makes an empty storage root for a test and returns it with
// the local directory that holds its files (for DuckDB, which reads local
// files: the S3 root's objects are files of versitygw's posix backend).
type rootFactory func(t *testing.T) (storage.Root, string)

func localRoot(t *testing.T) (storage.Root, string) {
	dir := t.TempDir()
	return &storage.Dir{Path: dir}, dir
}

// s3Root is s3://bookings/prod on a versitygw of its own.
func s3Root(t *testing.T) (storage.Root, string) {
	srv := s3test.Start(t)
	bucket := srv.CreateBucket(t, "bookings")
	return srv.Root(t, bucket, "prod"), filepath.Join(srv.Dir, bucket, "prod")
}

// roots are the storage roots every layout test runs on.
var roots = map[string]rootFactory{"local": localRoot, "s3": s3Root}

func put(t *testing.T, root storage.Root, key string, data []byte) {
	t.Helper()
	if _, err := root.Create(context.Background(), key, data); err != nil {
		t.Fatal(err)
	}
}

func putEvents(t *testing.T, root storage.Root, key string, events ...booking.Event) {
	t.Helper()
	data, err := booking.EncodeParquet(events)
	if err != nil {
		t.Fatal(err)
	}
	put(t, root, key, data)
}

func putOther(t *testing.T, root storage.Root, key string, events ...booking.Event) {
	t.Helper()
	// The other producer's encoding: ms and ns units, the UTC flags
	// flipped, 32-bit ids.
	put(t, root, key, bt.OtherProducer(t, events))
}

// fileSet is every object of a root with its bytes, as "key size sha".
func fileSet(t *testing.T, root storage.Root) map[string]string {
	t.Helper()
	ctx := context.Background()
	objs, err := root.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, o := range objs {
		data, err := root.Read(ctx, o.Key)
		if err != nil {
			t.Fatal(err)
		}
		out[o.Key] = fmt.Sprintf("%d bytes sha256 %x", len(data), sha256.Sum256(data))
	}
	return out
}

func bookingKeys(t *testing.T, root storage.Root) []string {
	t.Helper()
	objs, err := root.List(context.Background(), booking.Prefix+"/")
	if err != nil {
		t.Fatal(err)
	}
	// The booking files only: the moves index (moves.go) lives beside them.
	var keys []string
	for _, o := range objs {
		if strings.HasSuffix(o.Key, ".parquet") {
			keys = append(keys, o.Key)
		}
	}
	return keys
}

// snapshot is what queries see in dir: every row of the events view and
// the salon JSON of salons 1 and 2 over March 2026.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	ctx := context.Background()
	db, err := queries.Open(ctx, queries.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Attach(ctx, layout.NewLocal(dir), nil); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	names := make([]string, len(booking.Columns))
	for i, c := range booking.Columns {
		names[i] = c.Name
	}
	rows, err := db.Conn().QueryContext(ctx, "SELECT "+strings.Join(names, ", ")+" FROM events ORDER BY event_id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		values := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range values {
			switch v := v.(type) {
			case nil:
				values[i] = "null"
			case time.Time:
				values[i] = v.Format(time.RFC3339Nano)
			}
		}
		fmt.Fprintln(&b, values...)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rs, err := db.Reports(ctx, queries.ReportRequest{
		Salons: []queries.Salon{{ID: 1}, {ID: 2, TimeZone: "America/Lima"}},
		From:   time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		To:     time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := report.WriteJSON(&b, rs, true); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// failingRoot injects a crash: Create or Delete fail once their budget of
// successful calls is spent, as if the process had been killed there.
type failingRoot struct {
	storage.Root
	mu              sync.Mutex
	creates, delete int // successful calls left; -1: unlimited
}

var errKilled = errors.New("killed (injected)")

func (f *failingRoot) Create(ctx context.Context, key string, data []byte) (bool, error) {
	f.mu.Lock()
	if f.creates == 0 {
		f.mu.Unlock()
		return false, errKilled
	}
	f.creates--
	f.mu.Unlock()
	return f.Root.Create(ctx, key, data)
}

func (f *failingRoot) Delete(ctx context.Context, key string) error {
	f.mu.Lock()
	if f.delete == 0 {
		f.mu.Unlock()
		return errKilled
	}
	f.delete--
	f.mu.Unlock()
	return f.Root.Delete(ctx, key)
}

// putWithNote writes e in the layout plus a column it does not have.
func putWithNote(t *testing.T, root storage.Root, key string, e booking.Event) {
	t.Helper()
	note := map[string]bt.Change{"note": {Node: parquet.String(), Value: func(booking.Event) parquet.Value { return bt.StringValue("walk-in") }}}
	put(t, root, key, bt.Variant(t, []booking.Event{e}, nil, note))
}
