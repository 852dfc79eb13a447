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

func TestRowGroupRows(t *testing.T) {
	for _, c := range []struct {
		rows   int64
		salons int
		want   int64
	}{
		{1_000_000, 40, 32_768},   // 25,000 a salon
		{1_000_000, 400, 4_096},   // 2,500 a salon: the floor
		{1_000_000, 4_000, 4_096}, // 250 a salon: the floor
		{1_000_000, 15, 65_536},   // 66,667 a salon: the cap
		{1_000_000, 1, 65_536},
		{20_000, 4, 8_192}, // 5,000 a salon
		{9, 2, 4_096},
	} {
		if got := layout.RowGroupRows(c.rows, c.salons); got != c.want {
			t.Errorf("RowGroupRows(%d, %d) = %d, want %d", c.rows, c.salons, got, c.want)
		}
	}
}

// TestCompactSizesRowGroupsBySalon: 20,000 events of 4 salons (5,000 each)
// compact into one file of row groups of 8,192 events (8,192, 8,192 and
// 3,616), so a salon's rows span at most two; --row-group-rows, when
// given, wins.
func TestCompactSizesRowGroupsBySalon(t *testing.T) {
	for _, c := range []struct {
		asked int64
		want  []int64
	}{
		{0, []int64{8_192, 8_192, 3_616}},
		{15_000, []int64{15_000, 5_000}},
	} {
		t.Run(fmt.Sprint(c.asked), func(t *testing.T) {
			dir := t.TempDir()
			root := &storage.Dir{Path: dir}
			for d, day := range []string{"2026-03-01", "2026-03-02"} {
				var events []booking.Event
				for i := range 10_000 {
					id := int64(d*10_000 + i + 1)
					events = append(events, bt.Event(t, fmt.Sprintf("e%d", id), id, id%4+1, booking.Pending, day+" 09:00", "2026-03-20 10:00"))
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
