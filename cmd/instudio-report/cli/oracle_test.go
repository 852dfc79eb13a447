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
	demoNow := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		from, to string
		asOf     *time.Time
	}{
		{"2026-10-28", "2026-11-27", nil},
		{"2026-11-01", "2026-12-01", nil}, // includes future appointments
		{"2026-11-01", "2026-11-15", &asOf},
		{"2026-10-28", "2026-11-27", &demoNow}, // the week ahead and the clients at risk of the demo's today
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
			// The reference instant R is --as-of, else the command's clock;
			// the previous period's rebooking is read in the state at R -
			// the period's length.
			ref := fixedNow
			if tc.asOf != nil {
				ref = *tc.asOf
			}
			periodBefore := ref.Add(-time.Duration(days) * 24 * time.Hour)
			wantPrev["rebooking_rate"] = expectedReport(events, salon, from.AddDate(0, 0, -days), from, &periodBefore)["rebooking_rate"]
			compare(t, args, "previous.", got["previous"].(map[string]any), wantPrev)
			compare(t, args, "", got, expectedOwner(events, salon, from.AddDate(0, 0, -days), from, to, ref, tc.asOf))
			if want["bookings"] == 0.0 {
				t.Errorf("%v: no bookings; the check proves nothing", args)
			}
			if tc.asOf == &demoNow && (got["at_risk_clients"] == 0.0 || got["week_ahead"].(map[string]any)["bookings"] == 0.0) {
				t.Errorf("%v: no client at risk or nothing in the week ahead; the check proves little", args)
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
	// prebook_rate: per client, the days on which they created a booking
	// at the salon, with the dates first booked that day.
	type made struct {
		day    string
		booked time.Time
	}
	madeBy := map[int64][]made{}
	type visit struct {
		client *int64
		date   time.Time
	}
	var visits []visit
	var lost, amounts float64
	for _, evs := range byBooking {
		sortEvents(evs)
		if last := evs[len(evs)-1]; last.SalonID == salon && last.UserID != nil {
			madeBy[*last.UserID] = append(madeBy[*last.UserID], made{evs[0].OccurredAt.Format(time.DateOnly), evs[0].BookingDate})
		}
	}
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
		if last.Status == booking.Completed {
			visits = append(visits, visit{last.UserID, last.BookingDate})
		}
		if last.AmountCents != nil {
			amounts++
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
				if last.AmountCents != nil {
					lost += float64(*last.AmountCents)
				}
			}
		case booking.NoShow:
			noShow++
			if last.AmountCents != nil {
				lost += float64(*last.AmountCents)
			}
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
	var prebookRate, lostCents any
	if len(visits) > 0 {
		prebooked := 0.0
		for _, v := range visits {
			if v.client == nil {
				continue
			}
			for _, m := range madeBy[*v.client] {
				if m.day == v.date.Format(time.DateOnly) && m.booked.After(v.date) {
					prebooked++
					break
				}
			}
		}
		prebookRate = prebooked / float64(len(visits))
	}
	if amounts > 0 {
		lostCents = lost
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
		"prebook_rate": prebookRate, "lost_revenue_cents": lostCents,
	}
}

// sortEvents orders a booking's events as the views rank them: by
// occurred_at, then status, then event_id.
func sortEvents(evs []booking.Event) {
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
}

// latestAt is every booking's latest event among those that occurred at or
// before the instant (nil: all of them), deduplicated on event_id.
func latestAt(all []booking.Event, at *time.Time) map[int64]booking.Event {
	seen := map[string]bool{}
	byBooking := map[int64][]booking.Event{}
	for _, e := range all {
		if (at != nil && e.OccurredAt.After(*at)) || seen[e.EventID] {
			continue
		}
		seen[e.EventID] = true
		byBooking[e.BookingID] = append(byBooking[e.BookingID], e)
	}
	out := make(map[int64]booking.Event, len(byBooking))
	for id, evs := range byBooking {
		sortEvents(evs)
		out[id] = evs[len(evs)-1]
	}
	return out
}

// expectedOwner computes retention_rate, week_ahead and the clients at
// risk of one UTC salon as docs/design.md defines them, at the reference
// instant ref, with the books in the state at asOf (nil: every event).
func expectedOwner(all []booking.Event, salon int64, prevFrom, from, to, ref time.Time, asOf *time.Time) map[string]any {
	now := latestAt(all, asOf)
	weekBefore := ref.Add(-7 * 24 * time.Hour)
	then := latestAt(all, &weekBefore)
	in := func(d, lo, hi time.Time) bool { return !d.Before(lo) && d.Before(hi) }
	open := func(e booking.Event) bool { return e.Status == booking.Pending || e.Status == booking.Confirmed }

	// Retention: clients served in the previous period, and again in this.
	before, again := map[int64]bool{}, map[int64]bool{}
	for _, e := range now {
		if e.SalonID != salon || e.UserID == nil || e.Status != booking.Completed {
			continue
		}
		if in(e.BookingDate, prevFrom, from) {
			before[*e.UserID] = true
		}
		if in(e.BookingDate, from, to) {
			again[*e.UserID] = true
		}
	}
	var retention any
	if len(before) > 0 {
		kept := 0.0
		for u := range before {
			if again[u] {
				kept++
			}
		}
		retention = kept / float64(len(before))
	}

	today := time.Date(ref.Year(), ref.Month(), ref.Day(), 0, 0, 0, 0, time.UTC)
	ahead, lastWeek, value, withValue := 0.0, 0.0, 0.0, 0
	for _, e := range now {
		if e.SalonID == salon && open(e) && in(e.BookingDate, today, today.AddDate(0, 0, 7)) {
			ahead++
			if e.AmountCents != nil {
				value += float64(*e.AmountCents)
				withValue++
			}
		}
	}
	for _, e := range then {
		if e.SalonID == salon && open(e) && in(e.BookingDate, today.AddDate(0, 0, -7), today) {
			lastWeek++
		}
	}
	var valueCents any
	if withValue > 0 {
		valueCents = value
	}

	// At risk: 3 completed visits or more, nothing open after R, and more
	// days since the last visit than 1.5 times the median gap.
	visits := map[int64][]time.Time{}
	holding := map[int64]bool{}
	for _, e := range now {
		if e.SalonID != salon || e.UserID == nil {
			continue
		}
		if e.Status == booking.Completed {
			visits[*e.UserID] = append(visits[*e.UserID], e.BookingDate)
		}
		if open(e) && e.BookingDate.After(ref) {
			holding[*e.UserID] = true
		}
	}
	type risk struct {
		user                 int64
		visits               int
		last                 time.Time
		usual, since, behind float64
	}
	var risks []risk
	for u, ds := range visits {
		if len(ds) < 3 || holding[u] {
			continue
		}
		slices.SortFunc(ds, func(a, b time.Time) int { return a.Compare(b) })
		var gaps []float64
		for i := 1; i < len(ds); i++ {
			gaps = append(gaps, float64(ds[i].Sub(ds[i-1]))/float64(24*time.Hour))
		}
		usual := quantile(gaps, 0.5).(float64)
		since := float64(ref.Sub(ds[len(ds)-1])) / float64(24*time.Hour)
		if since > 1.5*usual {
			risks = append(risks, risk{u, len(ds), ds[len(ds)-1], usual, since, since / usual})
		}
	}
	slices.SortFunc(risks, func(a, b risk) int {
		if a.behind != b.behind {
			if a.behind > b.behind {
				return -1
			}
			return 1
		}
		return int(a.user - b.user)
	})
	list := []any{}
	for _, r := range risks {
		list = append(list, map[string]any{"user_id": float64(r.user), "visits": float64(r.visits),
			"last_visit": r.last.Format("2006-01-02T15:04:05"), "usual_interval_days": r.usual, "days_since": r.since})
	}
	return map[string]any{
		"retention_rate": retention,
		"week_ahead": map[string]any{
			"from": today.Format(time.DateOnly), "to": today.AddDate(0, 0, 7).Format(time.DateOnly),
			"bookings": ahead, "value_cents": valueCents,
			"last_week": map[string]any{"from": today.AddDate(0, 0, -7).Format(time.DateOnly), "to": today.Format(time.DateOnly), "bookings": lastWeek},
		},
		"at_risk_clients": float64(len(risks)),
		"at_risk":         list,
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
