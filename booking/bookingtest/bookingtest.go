// Package bookingtest builds handmade booking events and writes them as a
// source directory, for tests whose expected numbers are worked out by hand.
package bookingtest

import (
	"context"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/storage"
)

// Time parses "2006-01-02 15:04" (UTC) and fails the test on a typo.
func Time(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		t.Fatalf("bad fixture time %q: %v", s, err)
	}
	return v
}

// Event returns an event of booking id at salon with the given status,
// occurred_at and booking_date ("2006-01-02 15:04"); event_type follows the
// status. The event id is given so tests can redeliver it.
func Event(t testing.TB, eventID string, bookingID, salonID int64, status booking.Status, occurred, bookingDate string) booking.Event {
	t.Helper()
	at := Time(t, occurred)
	return booking.Event{
		EventID:     eventID,
		EventType:   status.EventType(),
		OccurredAt:  at,
		IngestedAt:  at.Add(time.Second),
		BookingID:   bookingID,
		BookingDate: Time(t, bookingDate),
		Status:      status,
		UserID:      booking.Ptr(bookingID * 10),
		SalonID:     salonID,
		EmployeeID:  booking.Ptr(salonID*100 + 1),
		Service:     booking.Ptr("Haircut"),
		AmountCents: booking.Ptr(int64(4500)),
	}
}

// WriteFiles writes each group of events as one batch file named
// <name>.parquet in its day partition of dir, as the ingest Lambda would.
func WriteFiles(t testing.TB, dir string, files map[string][]booking.Event) {
	t.Helper()
	WriteTo(t, &storage.Dir{Path: dir}, files)
}

// WriteTo is WriteFiles for any storage root, an S3 one included.
func WriteTo(t testing.TB, root storage.Root, files map[string][]booking.Event) {
	t.Helper()
	for name, events := range files {
		for _, day := range booking.SplitByDay(events) {
			data, err := booking.EncodeParquet(day.Events)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := root.Create(context.Background(), booking.Key(day.Day, name), data); err != nil {
				t.Fatal(err)
			}
		}
	}
}
