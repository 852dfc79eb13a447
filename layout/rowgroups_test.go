package layout_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/storage"
)

// TestCompactClosesRowGroupsAtASalon: 20,000 events over two days compact
// into one file sorted by salon. Unless --row-group-rows is given, a row
// group closes where the salon changes once it holds 4,096 events:
//   - 4 salons of 5,000: one row group each;
//   - 10 salons of 2,000: salons 1–3 (6,000), 4–6, 7–9, then salon 10
//     (2,000), since 4,000 events are short of 4,096;
//   - with 15,000 asked for: 15,000 and 5,000, wherever the salons change.
func TestCompactClosesRowGroupsAtASalon(t *testing.T) {
	for _, c := range []struct {
		salons int64
		asked  int64
		want   []int64
	}{
		{4, 0, []int64{5_000, 5_000, 5_000, 5_000}},
		{10, 0, []int64{6_000, 6_000, 6_000, 2_000}},
		{4, 15_000, []int64{15_000, 5_000}},
	} {
		t.Run(fmt.Sprintf("%d salons, %d asked", c.salons, c.asked), func(t *testing.T) {
			root := &storage.Dir{Path: t.TempDir()}
			for d, day := range []string{"2026-03-01", "2026-03-02"} {
				var events []booking.Event
				for i := range 10_000 {
					id := int64(d*10_000 + i + 1)
					events = append(events, bt.Event(t, fmt.Sprintf("e%d", id), id, id%c.salons+1, booking.Pending, day+" 09:00", "2026-03-20 10:00"))
				}
				putEvents(t, root, booking.Key(day, "a"), events...)
			}
			res, err := layout.Compact(context.Background(), root, layout.CompactOptions{Before: "2026-03-03", RowGroupRows: c.asked})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Outputs) != 1 || res.Outputs[0].Rows != 20_000 {
				t.Fatalf("outputs = %+v, want one of 20,000 rows", res.Outputs)
			}
			data, err := root.Read(context.Background(), res.Outputs[0].Key)
			if err != nil {
				t.Fatal(err)
			}
			f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, rg := range f.RowGroups() {
				got = append(got, rg.NumRows())
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("row groups of %v events, want %v", got, c.want)
			}
		})
	}
}
