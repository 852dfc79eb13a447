package ingest_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/ingest"
	"github.com/instudio/instudio-report/storage"
)

// benchBodies are realistic bodies of both producer variants.
func benchBodies(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		day := 1 + i%28
		if i%2 == 0 {
			out[i] = fmt.Appendf(nil, `{"booking_id": %d, "booking_date": "2026-10-%02dT%02d:00:00", "status": %d, "user_id": %d, "salon_id": %d, "employee_id": %d, "payment_id": %d}`,
				i+1, day, 9+i%10, 1+i%5, 1+i%900, 1+i%40, 1+i%200, i+1)
		} else {
			out[i] = fmt.Appendf(nil, `{"booking_id": "%d", "booking_date": "2026-10-%02dT%02d:00:00", "status": "%d", "user_id": "%d", "salon_id": "%d", "employee_id": "%d", "service_id": "4", "service_name": "Corte de cabello", "price": "100.50", "district_id": "15"}`,
				i+1, day, 9+i%10, 1+i%5, 1+i%900, 1+i%40, 1+i%200)
		}
	}
	return out
}

// BenchmarkIngest measures decode, encode and write of whole batches into
// a local directory (`make bench` runs it): events/s per batch size. Every
// iteration gets new event ids, so every batch is a new file.
func BenchmarkIngest(b *testing.B) {
	for _, size := range []int{10, 1000, 10000} {
		b.Run(fmt.Sprintf("batch=%d", size), func(b *testing.B) {
			bodies := benchBodies(size)
			root := &storage.Dir{Path: b.TempDir()}
			p := &ingest.Pipeline{Root: root, Zone: time.UTC, Now: time.Now}
			recs := make([]ingest.Record, size)
			sent := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
			cpu := cpuTime()
			for it := 0; b.Loop(); it++ {
				for i := range recs {
					recs[i] = ingest.Record{Position: "m", Body: bodies[i], EventID: fmt.Sprintf("b%d-%d", it, i), OccurredAt: sent}
				}
				res, err := p.Ingest(context.Background(), "sqs", recs)
				if err != nil || res.Written != size {
					b.Fatalf("%+v %v", res, err)
				}
			}
			reportRates(b, size*b.N, cpu)
		})
	}
}

// BenchmarkSeedOneFilePerEvent is the seed's Python Lambda's way, in Go:
// every event decoded, encoded and written as a Parquet file of its own.
func BenchmarkSeedOneFilePerEvent(b *testing.B) {
	const size = 1000
	bodies := benchBodies(size)
	root := &storage.Dir{Path: b.TempDir()}
	sent := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	cpu := cpuTime()
	for it := 0; b.Loop(); it++ {
		for i, body := range bodies {
			e, err := booking.Decode(body, booking.DecodeOptions{EventID: fmt.Sprintf("s%d-%d", it, i), OccurredAt: sent, IngestedAt: time.Now()})
			if err != nil {
				b.Fatal(err)
			}
			data, err := booking.EncodeParquet([]booking.Event{e})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := root.Create(context.Background(), booking.Key(e.Day(), e.EventID), data); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportRates(b, size*b.N, cpu)
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportRates reports events per wall-clock second and per CPU second: on
// a shared machine the second is the one that does not depend on the
// neighbours.
func reportRates(b *testing.B, events int, cpuBefore time.Duration) {
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	if cpu := cpuTime() - cpuBefore; cpu > 0 {
		b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
	}
}
