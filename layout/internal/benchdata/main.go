// Command benchdata writes the bench data sets of `make bench` that the
// demo command does not: the first N events of a layout written one file
// per event, in the layout (-mode events) or as the seed's Python Lambda
// wrote them at the bucket root (-mode seed: 7 int32 columns, named
// YYYY-MM-DDTHH-MM-SS_<uuid>.parquet). It is a bench tool, not part of the
// product.
package main

import (
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sync/errgroup"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/storage"
)

func main() {
	from := flag.String("from", "", "layout to take events from")
	to := flag.String("to", "", "directory to write to")
	n := flag.Int("events", 100_000, "number of events")
	mode := flag.String("mode", "events", "events: one layout file per event; seed: the seed Lambda's files")
	flag.Parse()
	if err := run(*from, *to, *n, *mode); err != nil {
		fmt.Fprintln(os.Stderr, "benchdata:", err)
		os.Exit(1)
	}
}

func run(from, to string, n int, mode string) error {
	ctx := context.Background()
	src, dst := &storage.Dir{Path: from}, &storage.Dir{Path: to}
	files, err := layout.ListFiles(ctx, src)
	if err != nil {
		return err
	}
	var events []booking.Event
	for _, f := range files {
		if len(events) >= n {
			break
		}
		data, err := src.Read(ctx, f.Key)
		if err != nil {
			return err
		}
		evs, err := layout.DecodeEvents(f.Key, data)
		if err != nil {
			return err
		}
		events = append(events, evs...)
	}
	events = events[:min(n, len(events))]
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0) * 2)
	for i, e := range events {
		g.Go(func() error {
			key, data, err := encode(mode, i, e)
			if err != nil {
				return err
			}
			_, err = dst.Create(ctx, key, data)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "benchdata: %d events, one file each (%s) in %s\n", len(events), mode, to)
	return nil
}

func encode(mode string, i int, e booking.Event) (string, []byte, error) {
	if mode == "events" {
		data, err := booking.EncodeParquet([]booking.Event{e})
		return booking.Key(e.Day(), fmt.Sprintf("event-%08d", i)), data, err
	}
	i32 := func(v int64) *int32 { x := int32(v); return &x }
	opt := func(p *int64) *int32 {
		if p == nil {
			return nil
		}
		return i32(*p)
	}
	bd := e.BookingDate
	row := bookingtest.SeedRow{BookingID: i32(e.BookingID), BookingDate: &bd, Status: i32(int64(e.Status)), UserID: opt(e.UserID), SalonID: i32(e.SalonID), EmployeeID: opt(e.EmployeeID), PaymentID: opt(e.PaymentID)}
	h := fmt.Sprintf("%x", sha256.Sum256([]byte(e.EventID)))
	uuid := h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:32]
	name := fmt.Sprintf("%s_%s.parquet", e.OccurredAt.UTC().Format("2006-01-02T15-04-05"), uuid)
	data, err := bookingtest.SeedParquet([]bookingtest.SeedRow{row})
	return name, data, err
}
