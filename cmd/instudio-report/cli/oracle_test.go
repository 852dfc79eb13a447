package cli

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
)

// TestSalonAgreesWithDesign checks `salon -o json` on data that no test
// wrote by hand (a demo data set) against a second, plain-Go reading of
// docs/design.md's definitions: dedup on event_id, latest event by occurred_at
// with the higher status on a tie, the period by booking_date, late
// cancellations from the time of the canceling event.
func TestSalonAgreesWithDesign(t *testing.T) {
	dir := t.TempDir()
	if res := run(t, runOpts{}, "demo", "--dest", dir, "--now", "2026-11-27T12:00:00Z", "--salons", "4", "--days", "75", "--seed", "11"); res.code != 0 {
		t.Fatalf("demo: %s", res.stderr)
	}
	events := readAll(t, dir)
	asOf := time.Date(2026, 11, 10, 8, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		from, to string
		asOf     *time.Time
	}{
		{"2026-10-28", "2026-11-27", nil},
		{"2026-11-01", "2026-12-01", nil}, // includes future appointments
		{"2026-11-01", "2026-11-15", &asOf},
	} {
		for salon := int64(1); salon <= 4; salon++ {
			args := []string{"--source", dir, "salon", "--id", strconv.FormatInt(salon, 10), "--from", tc.from, "--to", tc.to, "-o", "json"}
			if tc.asOf != nil {
				args = append(args, "--as-of", tc.asOf.Format(time.RFC3339))
			}
			res := run(t, runOpts{}, args...)
			if res.code != 0 {
				t.Fatalf("%v: %s", args, res.stderr)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
				t.Fatal(err)
			}
			from, _ := time.Parse(time.DateOnly, tc.from)
			to, _ := time.Parse(time.DateOnly, tc.to)
			days := int(to.Sub(from).Hours() / 24)
			want := expectedReport(events, salon, from, to, tc.asOf)
			compare(t, args, "", got, want)
			wantPrev := expectedReport(events, salon, from.AddDate(0, 0, -days), from, tc.asOf)
			delete(wantPrev, "daily")
			delete(wantPrev, "by_weekday_hour")
			delete(wantPrev, "staff")
			compare(t, args, "previous.", got["previous"].(map[string]any), wantPrev)
			if want["bookings"] == 0.0 {
				t.Errorf("%v: no bookings; the check proves nothing", args)
			}
		}
	}
}

func readAll(t *testing.T, dir string) []booking.Event {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "bookings", "dt=*", "*.parquet"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no files in %s: %v", dir, err)
	}
	var all []booking.Event
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		info, _ := fh.Stat()
		events, err := booking.ReadParquet(fh, info.Size())
		fh.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		all = append(all, events...)
	}
	return all
}

// expectedReport computes the keys of one salon's report as JSON would
// carry them.
func expectedReport(all []booking.Event, salon int64, from, to time.Time, asOf *time.Time) map[string]any {
	seen := map[string]bool{}
	byBooking := map[int64][]booking.Event{}
	for _, e := range all {
		if asOf != nil && e.OccurredAt.After(*asOf) {
			continue
		}
		if seen[e.EventID] {
			continue
		}
		seen[e.EventID] = true
		byBooking[e.BookingID] = append(byBooking[e.BookingID], e)
	}
	var bookings, pending, confirmed, completed, canceled, noShow, late float64
	byHour := make([]any, 24)
	for h := range byHour {
		byHour[h] = 0.0
	}
	dailyBookings := map[string]float64{}
	dailyCanceled := map[string]float64{}
	var byWeekdayHour [7][24]float64
	var leads []float64
	clients := map[int64]bool{}
	lastCompleted := map[int64]time.Time{}
	var revenue, withAmount float64
	staff := map[int64]*staffFigures{}
	// A client's earliest booking at the salon (any status) and latest
	// booking neither canceled nor no-show, over every date.
	firstBooking := map[int64]time.Time{}
	lastActive := map[int64]time.Time{}
	for _, evs := range byBooking {
		slices.SortFunc(evs, func(a, b booking.Event) int {
			if c := a.OccurredAt.Compare(b.OccurredAt); c != 0 {
				return c
			}
			if a.Status != b.Status {
				return int(a.Status - b.Status)
			}
			if a.EventID < b.EventID {
				return -1
			}
			return 1
		})
		last := evs[len(evs)-1]
		if last.SalonID == salon && last.UserID != nil {
			u := *last.UserID
			if f, ok := firstBooking[u]; !ok || last.BookingDate.Before(f) {
				firstBooking[u] = last.BookingDate
			}
			if last.Status <= booking.Completed && last.BookingDate.After(lastActive[u]) {
				lastActive[u] = last.BookingDate
			}
		}
		if last.SalonID != salon || last.BookingDate.Before(from) || !last.BookingDate.Before(to) {
			continue
		}
		leads = append(leads, float64(last.BookingDate.Sub(evs[0].OccurredAt))/float64(24*time.Hour))
		if last.UserID != nil {
			clients[*last.UserID] = true
			if last.Status == booking.Completed && last.BookingDate.After(lastCompleted[*last.UserID]) {
				lastCompleted[*last.UserID] = last.BookingDate
			}
		}
		if last.Status == booking.Completed && last.AmountCents != nil {
			revenue += float64(*last.AmountCents)
			withAmount++
		}
		if last.EmployeeID != nil {
			st := staff[*last.EmployeeID]
			if st == nil {
				st = &staffFigures{}
				staff[*last.EmployeeID] = st
			}
			st.bookings++
			switch last.Status {
			case booking.Completed:
				st.completed++
				if last.AmountCents != nil {
					st.revenue += float64(*last.AmountCents)
					st.amounts++
				}
			case booking.Canceled:
				st.canceled++
			case booking.NoShow:
				st.noShow++
			}
		}
		// When the booking entered its final status.
		since := evs[0].OccurredAt
		for i := 1; i < len(evs); i++ {
			if evs[i].Status != evs[i-1].Status {
				since = evs[i].OccurredAt
			}
		}
		bookings++
		day := last.BookingDate.Format(time.DateOnly)
		dailyBookings[day]++
		switch last.Status {
		case booking.Pending:
			pending++
		case booking.Confirmed:
			confirmed++
		case booking.Completed:
			completed++
		case booking.Canceled:
			canceled++
			dailyCanceled[day]++
			if last.BookingDate.Sub(since) < 24*time.Hour {
				late++
			}
		case booking.NoShow:
			noShow++
		}
		if last.Status != booking.Canceled {
			byHour[last.BookingDate.Hour()] = byHour[last.BookingDate.Hour()].(float64) + 1
			byWeekdayHour[(int(last.BookingDate.Weekday())+6)%7][last.BookingDate.Hour()]++
		}
	}
	var newClients, rebooked float64
	for u := range clients {
		if !firstBooking[u].Before(from) {
			newClients++
		}
		if lc, ok := lastCompleted[u]; ok && lastActive[u].After(lc) {
			rebooked++
		}
	}
	var rebookingRate, revenueCents, avgTicket any
	if len(lastCompleted) > 0 {
		rebookingRate = rebooked / float64(len(lastCompleted))
	}
	if withAmount > 0 {
		revenueCents, avgTicket = revenue, revenue/withAmount
	}
	staffList := []any{}
	ids := make([]int64, 0, len(staff))
	for id := range staff {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		st := staff[id]
		var rev any
		if st.amounts > 0 {
			rev = st.revenue
		}
		staffList = append(staffList, map[string]any{
			"employee_id": float64(id), "bookings": st.bookings, "completed": st.completed, "canceled": st.canceled,
			"no_show": st.noShow, "cancellation_rate": st.canceled / st.bookings, "revenue_cents": rev,
		})
	}
	grid := make([]any, 7)
	for d := range grid {
		row := make([]any, 24)
		for h := range row {
			row[h] = byWeekdayHour[d][h]
		}
		grid[d] = row
	}
	ratio := func(n float64) any {
		if bookings == 0 {
			return nil
		}
		return n / bookings
	}
	var peak any
	best := 0.0
	for h, n := range byHour {
		if n.(float64) > best {
			best, peak = n.(float64), float64(h)
		}
	}
	var daily []any
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		key := d.Format(time.DateOnly)
		daily = append(daily, map[string]any{"date": key, "bookings": dailyBookings[key], "canceled": dailyCanceled[key]})
	}
	return map[string]any{
		"bookings": bookings, "pending": pending, "confirmed": confirmed, "completed": completed,
		"canceled": canceled, "no_show": noShow,
		"cancellation_rate": ratio(canceled), "late_cancellation_rate": ratio(late), "no_show_rate": ratio(noShow),
		"peak_hour": peak, "by_hour": byHour, "daily": daily,
		"by_weekday_hour": grid, "lead_time_days_median": quantile(leads, 0.5), "lead_time_days_p90": quantile(leads, 0.9),
		"clients": float64(len(clients)), "new_clients": newClients, "returning_clients": float64(len(clients)) - newClients,
		"rebooking_rate": rebookingRate, "revenue_cents": revenueCents, "avg_ticket_cents": avgTicket, "staff": staffList,
	}
}

type staffFigures struct {
	bookings, completed, canceled, noShow, revenue, amounts float64
}

// quantile is the continuous quantile (linear interpolation); nil for none.
func quantile(values []float64, q float64) any {
	if len(values) == 0 {
		return nil
	}
	v := slices.Sorted(slices.Values(values))
	pos := float64(len(v)-1) * q
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	return v[lo] + (pos-float64(lo))*(v[hi]-v[lo])
}

func compare(t *testing.T, args []string, prefix string, got, want map[string]any) {
	t.Helper()
	for k, w := range want {
		g := got[k]
		if !near(g, w) {
			gj, _ := json.Marshal(g)
			wj, _ := json.Marshal(w)
			t.Errorf("%v: %s%s = %s, want %s", args[3:], prefix, k, gj, wj)
		}
	}
}

// near compares JSON values, numbers to within 1e-9 (relative for large
// ones: DuckDB and Go sum in different orders).
func near(g, w any) bool {
	switch w := w.(type) {
	case float64:
		gf, ok := g.(float64)
		return ok && math.Abs(gf-w) <= 1e-9*math.Max(1, math.Abs(w))
	case []any:
		ga, ok := g.([]any)
		if !ok || len(ga) != len(w) {
			return false
		}
		for i := range w {
			if !near(ga[i], w[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		gm, ok := g.(map[string]any)
		if !ok || len(gm) != len(w) {
			return false
		}
		for k := range w {
			if !near(gm[k], w[k]) {
				return false
			}
		}
		return true
	}
	gj, _ := json.Marshal(g)
	wj, _ := json.Marshal(w)
	return string(gj) == string(wj)
}
