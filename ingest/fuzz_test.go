package ingest_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/ingest"
)

// FuzzDecode feeds booking.Decode arbitrary bodies. Whatever it accepts
// must be a valid event that survives the Parquet round trip, and whatever
// the pipeline rejects must be kept byte for byte in its rejected line.
// The seed corpus is testdata/fuzz/FuzzDecode (plain `go test` runs it);
// explore with `go test ./ingest -run '^$' -fuzz FuzzDecode -fuzztime 1m`.
func FuzzDecode(f *testing.F) {
	lima, err := time.LoadLocation("America/Lima")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := booking.Decode(body, booking.DecodeOptions{
			Zone: lima, EventID: "fuzz", OccurredAt: ingestTime, IngestedAt: ingestTime,
		})
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty reason")
			}
			line := ingest.NewRejectedLine("fuzz", "p", err.Error(), body, ingestTime)
			data, merr := json.Marshal(line)
			if merr != nil {
				t.Fatal(merr)
			}
			var back ingest.RejectedLine
			if err := json.Unmarshal(data, &back); err != nil {
				t.Fatal(err)
			}
			if raw, err := back.Raw(); err != nil || !bytes.Equal(raw, body) {
				t.Fatalf("rejected line keeps %q, want %q (%v)", raw, body, err)
			}
			return
		}
		if verr := e.Validate(); verr != nil {
			t.Fatalf("Decode accepted %q but the event is invalid: %v", body, verr)
		}
		data, err := booking.EncodeParquet([]booking.Event{e})
		if err != nil {
			t.Fatalf("encode %q: %v", body, err)
		}
		back, err := booking.ReadParquet(bytes.NewReader(data), int64(len(data)))
		if err != nil || len(back) != 1 {
			t.Fatalf("read back %q: %v", body, err)
		}
		want := e
		want.OccurredAt = want.OccurredAt.Truncate(time.Microsecond)
		want.IngestedAt = want.IngestedAt.Truncate(time.Microsecond)
		want.BookingDate = want.BookingDate.Truncate(time.Microsecond)
		if !equalEvent(back[0], want) {
			t.Fatalf("round trip of %q: got %+v, want %+v", body, back[0], want)
		}
	})
}
