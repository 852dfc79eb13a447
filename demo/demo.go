// Package demo generates realistic, deterministic booking events: salons of
// different sizes with their staff, services and clients (who arrive over
// time, mostly book the next visit at checkout, a few on a standing
// appointment, and some lapse), demand
// that peaks in the evenings and on Saturdays, lead times from same-day to
// weeks ahead, full lifecycles (confirmations, completions, cancellations,
// some of them late, no-shows and reschedules) and a few redelivered
// duplicates, batched per day as the ingest Lambda would write them.
package demo

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/instudio/instudio-report/booking"
)

// Options control what is generated. The same options give the same events.
type Options struct {
	Salons int       // number of salons; salon 1 is the largest
	Days   int       // days of history before Now
	Ahead  int       // days of future appointments after Now
	Seed   uint64    // random seed
	Now    time.Time // the generation instant: no event occurs after it
	// OnePerEvent writes every event to a file of its own, as the seed's
	// Lambda did, instead of one file per batch: the worst case for readers.
	OnePerEvent bool
}

// Defaults are the options of `instudio-report demo` without flags.
var Defaults = Options{Salons: 3, Days: 120, Ahead: 28, Seed: 1}

// Limits of the options. Generation holds about seven weeks of events in
// memory (a booking's events span its lead time), so the number of salons
// bounds the memory: 500 salons take a few hundred MB.
const (
	MaxSalons = 500
	MaxDays   = 3660
	MaxAhead  = 366
)

// Check reports the first option out of its bounds, naming the flag.
func (o Options) Check() error {
	switch {
	case o.Salons < 1 || o.Salons > MaxSalons:
		return fmt.Errorf("--salons must be between 1 and %d, got %d", MaxSalons, o.Salons)
	case o.Days < 1 || o.Days > MaxDays:
		return fmt.Errorf("--days must be between 1 and %d, got %d", MaxDays, o.Days)
	case o.Ahead < 0 || o.Ahead > MaxAhead:
		return fmt.Errorf("--ahead must be between 0 and %d, got %d", MaxAhead, o.Ahead)
	}
	return nil
}

type service struct {
	name     string
	cents    int64
	duration time.Duration
	weight   float64
}

var services = []service{
	{"Haircut", 4500, 45 * time.Minute, 30},
	{"Blow-dry", 3500, 40 * time.Minute, 14},
	{"Hair color", 16000, 2 * time.Hour, 12},
	{"Highlights", 22000, 150 * time.Minute, 6},
	{"Manicure", 3000, 40 * time.Minute, 16},
	{"Pedicure", 4000, 50 * time.Minute, 10},
	{"Gel nails", 6500, time.Hour, 8},
	{"Facial", 9000, time.Hour, 5},
	{"Brow shaping", 2500, 20 * time.Minute, 6},
	{"Massage", 12000, time.Hour, 4},
}

// Demand by weekday (Sunday first, as time.Weekday counts), relative.
var weekdayDemand = [7]float64{0.35, 0.7, 0.85, 0.9, 1.0, 1.3, 1.65}

// Demand by hour of day: weekdays peak after work, Saturdays late morning.
var (
	weekdayHours  = hourWeights(map[int]float64{9: .45, 10: .65, 11: .75, 12: .7, 13: .5, 14: .55, 15: .7, 16: .9, 17: 1.3, 18: 1.65, 19: 1.55, 20: .9})
	saturdayHours = hourWeights(map[int]float64{9: .9, 10: 1.4, 11: 1.65, 12: 1.5, 13: 1.2, 14: 1.1, 15: 1.0, 16: .9, 17: .75, 18: .55, 19: .35})
	sundayHours   = hourWeights(map[int]float64{10: .8, 11: 1.0, 12: 1.0, 13: .8, 14: .7, 15: .5})
)

func hourWeights(m map[int]float64) [24]float64 {
	var w [24]float64
	for h, v := range m {
		w[h] = v
	}
	return w
}

type salon struct {
	id        int64
	perDay    float64 // mean bookings on an average day
	employees []int64
	// clients arrive over time: the salon's clientele when the history
	// starts, then new ones, a few percent of a month's clients. The first
	// fifth of those at the start are regulars.
	clients  []*client
	regulars int
}

// client is one client of a salon and their habits.
type client struct {
	id int64
	// every is the client's usual interval between visits, in days.
	every int
	// prebooks: the client usually books the next visit at checkout.
	prebooks bool
	// standing: a standing appointment, the same hour every week or two,
	// always booked at checkout; such clients never lapse.
	standing bool
	// lapsed clients book no more.
	lapsed bool
	// last is the latest appointment booked for the client so far.
	last time.Time
}

// Habits of the demo's clients, chosen so that a month looks like the one
// before: most clients book the next visit at checkout, a few hold a
// standing appointment, some lapse, and new clients keep arriving.
const (
	newClientShare  = 0.05 // of the bookings made on demand, by a new client
	prebookerShare  = 0.8  // of the clients
	prebookAtVisit  = 0.8  // a prebooker books the next visit at checkout
	standingShare   = 0.03 // of the clients
	lapseAfterVisit = 0.10 // a client who did not book ahead stops coming
	lapseAfterMiss  = 0.25 // after a no-show
	// demandShare scales the bookings made on demand so that, with the
	// visits booked at checkout, a salon keeps about its size.
	demandShare = 0.5
	// warmUpDays are generated before the history and left out of it.
	warmUpDays = 120
	// lapseAfterDays: a client who has booked nothing for this long has
	// lapsed and does not come back, as salons count them. It is shorter
	// than the warm-up, so that a client whose visits all fell in the
	// warm-up never turns up later looking new.
	lapseAfterDays = 60
)

// Batch is one file of the demo data set: its key, its events in the
// order generated, and the layout's day file that writes them.
type Batch struct {
	Key    string
	Events []booking.Event
	file   *booking.DayFile
}

// newBatch is the events of day as the file named name. The file is a
// booking.DayFile, as ingest's batches are, so it is sorted and encoded
// as theirs; its name is the demo's own (no hash), which a rerun finds
// again.
func newBatch(day, name string, events []booking.Event) Batch {
	f := &booking.DayFile{Day: day, Label: name, Parts: [][]booking.Event{events}, Order: booking.ByEventID}
	return Batch{Key: f.Key(), Events: events, file: f}
}

// File is the day file that writes the batch.
func (b Batch) File() *booking.DayFile { return b.file }

// maxLeadDays bounds how many days before its appointment day a booking's
// first event can occur (the longest lead time is 42 days). Once the
// appointments of day D are generated, no later appointment adds an event
// before D - maxLeadDays, so those days can be written and forgotten.
const maxLeadDays = 43

// Generate writes the demo data set through write, one Batch per file, in
// order of day: every day is written once all of its events are known, so
// memory holds a few weeks of events whatever the length of the history.
// Files are batched as the ingest Lambda writes them: a batch per six hours
// of ingestion, split into one file per day of occurred_at.
//
// Booking ids are one platform-wide sequence in order of creation, as a
// real booking service assigns them: a day's bookings get their ids when
// that day is written. Generation stops when ctx is canceled.
func Generate(ctx context.Context, opt Options, write func(Batch) error) error {
	if err := opt.Check(); err != nil {
		return err
	}
	g := &generator{
		rng:     rand.New(rand.NewPCG(opt.Seed, 0x1257d10)),
		now:     opt.Now.UTC().Truncate(time.Second),
		byDay:   map[int64][]pendingEvent{},
		created: map[int64][]*bookingRecord{},
		later:   map[int64][]laterBooking{},
		perFile: opt.OnePerEvent,
		write: func(b Batch) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return write(b)
		},
	}
	salons := make([]*salon, opt.Salons)
	for i := range salons {
		salons[i] = g.newSalon(int64(i + 1))
	}
	today := time.Date(g.now.Year(), g.now.Month(), g.now.Day(), 0, 0, 0, 0, time.UTC)
	// The salon was running before the history starts: generation begins
	// warmUpDays earlier and keeps only the events from the first day on,
	// so that the visits booked at checkout, the clients who come and go
	// and the new ones are as many in the first month as in the last.
	g.first = today.AddDate(0, 0, -opt.Days)
	first := g.first.AddDate(0, 0, -warmUpDays)
	last := today.AddDate(0, 0, opt.Ahead)
	g.flushed = dayNumber(first) - maxLeadDays - 1
	// The clientele of the first day comes back within its usual interval.
	for _, s := range salons {
		for _, c := range s.clients {
			day := first.AddDate(0, 0, g.rng.IntN(c.every))
			start := day.Add(time.Duration(g.hour(day))*time.Hour + time.Duration(15*g.rng.IntN(4))*time.Minute)
			created := start.Add(-g.leadTime())
			if c.prebooks || created.Before(first) {
				created = g.between(first, minTime(start, first.Add(24*time.Hour)))
			}
			g.book(s, c, start, created.Truncate(time.Second))
		}
	}
	for day := first; !day.After(last); day = day.AddDate(0, 0, 1) {
		if err := ctx.Err(); err != nil {
			return err
		}
		g.day = dayNumber(day)
		for _, s := range salons {
			mean := demandShare * s.perDay * weekdayDemand[day.Weekday()] * (0.85 + 0.3*g.rng.Float64())
			n := int(math.Round(mean + math.Sqrt(mean)*g.rng.NormFloat64()))
			for range max(n, 0) {
				g.booking(s, day)
			}
		}
		for len(g.later[g.day]) > 0 {
			todo := g.later[g.day]
			delete(g.later, g.day)
			for _, b := range todo {
				g.book(b.s, b.c, b.start, b.created)
			}
		}
		if err := g.flushThrough(ctx, dayNumber(day)-maxLeadDays-1); err != nil {
			return err
		}
	}
	return g.flushThrough(ctx, dayNumber(g.now))
}

// dayNumber is the number of the UTC day of t, counted from 1970-01-01.
func dayNumber(t time.Time) int64 {
	s := t.Unix()
	if s < 0 {
		return (s+1)/86400 - 1
	}
	return s / 86400
}

// bookingRecord is a booking whose id is assigned when the day of its
// creation is written.
type bookingRecord struct {
	created time.Time
	seq     int64 // generation order, to break ties of created
	id      int64
}

// laterBooking is a visit booked at checkout, generated once the
// generation reaches the day it is booked.
type laterBooking struct {
	s              *salon
	c              *client
	start, created time.Time
}

// pendingEvent is an event held until its day is written.
type pendingEvent struct {
	event   booking.Event
	booking *bookingRecord
	paid    bool // payment_id follows from the booking id
}

type generator struct {
	rng   *rand.Rand
	now   time.Time
	first time.Time // the first day of the history: no event before it
	day   int64     // the day being generated
	// later are the visits booked at checkout, by the day they are booked.
	later   map[int64][]laterBooking
	perFile bool
	write   func(Batch) error

	byDay   map[int64][]pendingEvent   // by day of occurred_at
	created map[int64][]*bookingRecord // by day of creation
	flushed int64                      // every day up to this one is written
	seq     int64                      // bookings generated
	lastID  int64                      // booking ids assigned
}

func (g *generator) newSalon(id int64) *salon {
	var perDay float64
	switch id {
	case 1:
		perDay = 30
	case 2:
		perDay = 15
	case 3:
		perDay = 6
	default:
		perDay = 4 + 26*g.rng.Float64()
	}
	s := &salon{id: id, perDay: perDay}
	for i := range max(2, int(perDay/4)) {
		s.employees = append(s.employees, id*100+int64(i+1))
	}
	for range int(perDay * 25) {
		g.newClient(s)
	}
	s.regulars = max(1, len(s.clients)/5)
	return s
}

// newClient adds a client to the salon, with habits of their own.
func (g *generator) newClient(s *salon) *client {
	c := &client{id: s.id*100000 + int64(len(s.clients)+1), every: 21 + g.rng.IntN(22), prebooks: g.rng.Float64() < prebookerShare}
	if g.rng.Float64() < standingShare {
		c.standing, c.prebooks, c.every = true, true, 7*(1+g.rng.IntN(2))
	}
	s.clients = append(s.clients, c)
	return c
}

// client picks who makes a booking on demand for an appointment at start:
// now and then a new client, else one of the salon's clients who still
// come, regulars most often, and only one who is due: with no appointment
// booked after start, and none within half their usual interval before it,
// so that a client's visits are spaced like real ones. A client not seen
// for lapseAfterDays has lapsed.
func (g *generator) client(s *salon, start time.Time) *client {
	if g.rng.Float64() < newClientShare {
		return g.newClient(s)
	}
	for range 8 {
		var c *client
		if g.rng.Float64() < 0.6 {
			c = s.clients[g.rng.IntN(s.regulars)]
		} else {
			c = s.clients[g.rng.IntN(len(s.clients))]
		}
		if g.due(c, start) {
			return c
		}
	}
	// Else the first client due from a random place in the list.
	n := len(s.clients)
	for i, o := 0, g.rng.IntN(n); i < n; i++ {
		if c := s.clients[(o+i)%n]; g.due(c, start) {
			return c
		}
	}
	return g.newClient(s)
}

// due tells whether c may book an appointment at start on demand, and
// lapses c when not seen for lapseAfterDays.
func (g *generator) due(c *client, start time.Time) bool {
	if c.lapsed {
		return false
	}
	if !c.last.IsZero() && start.Sub(c.last) > lapseAfterDays*24*time.Hour {
		c.lapsed = true
		return false
	}
	return c.last.IsZero() || start.Sub(c.last) >= time.Duration(c.every)*12*time.Hour
}

func (g *generator) service() service {
	var total float64
	for _, sv := range services {
		total += sv.weight
	}
	x := g.rng.Float64() * total
	for _, sv := range services {
		if x < sv.weight {
			return sv
		}
		x -= sv.weight
	}
	return services[0]
}

func (g *generator) hour(day time.Time) int {
	weights := &weekdayHours
	switch day.Weekday() {
	case time.Saturday:
		weights = &saturdayHours
	case time.Sunday:
		weights = &sundayHours
	}
	var total float64
	for _, w := range weights {
		total += w
	}
	x := g.rng.Float64() * total
	for h, w := range weights {
		if x < w {
			return h
		}
		x -= w
	}
	return 12
}

// leadTime is how long before the appointment it was booked.
func (g *generator) leadTime() time.Duration {
	x := g.rng.Float64()
	var hours float64
	switch {
	case x < 0.12: // same day
		hours = 0.5 + 6*g.rng.Float64()
	case x < 0.57: // this week
		hours = 24 + 6*24*g.rng.Float64()
	case x < 0.90: // one to three weeks
		hours = 7*24 + 14*24*g.rng.Float64()
	default: // planned well ahead
		hours = 21*24 + 21*24*g.rng.Float64()
	}
	return time.Duration(hours * float64(time.Hour))
}

// between returns a uniformly random instant in [a, b).
func (g *generator) between(a, b time.Time) time.Time {
	if !b.After(a) {
		return a
	}
	return a.Add(time.Duration(g.rng.Int64N(int64(b.Sub(a)))))
}

// booking is a booking made on demand for an appointment on day.
func (g *generator) booking(s *salon, day time.Time) {
	start := day.Add(time.Duration(g.hour(day))*time.Hour + time.Duration(15*g.rng.IntN(4))*time.Minute)
	created := start.Add(-g.leadTime()).Truncate(time.Second)
	g.book(s, g.client(s, start), start, created)
}

// book generates a booking's life from its creation. A completed visit of
// a client who books ahead books the next one at checkout, their usual
// interval later at the same hour.
func (g *generator) book(s *salon, c *client, start, created time.Time) {
	if created.After(g.now) {
		return // not booked yet
	}
	// A booking made before the history starts for a day in it is on the
	// books when they start: it is booked on the first day, as the
	// clientele's first visits are, so that no client of the salon shows
	// up later looking new.
	if created.Before(g.first) && !start.Before(g.first) {
		created = g.between(g.first, minTime(start, g.first.Add(24*time.Hour))).Truncate(time.Second)
	}
	// A booking made and held before the history starts is lived through,
	// for the client's habits, but none of its events is kept.
	visible := !created.Before(g.first)
	if start.After(c.last) {
		c.last = start
	}
	g.seq++
	rec := &bookingRecord{created: created, seq: g.seq}
	if visible {
		createdDay := dayNumber(created)
		g.created[createdDay] = append(g.created[createdDay], rec)
	}
	sv := g.service()
	paid := false
	snapshot := booking.Event{
		BookingDate: start,
		Status:      booking.Pending,
		UserID:      booking.Ptr(c.id),
		SalonID:     s.id,
		EmployeeID:  booking.Ptr(s.employees[g.rng.IntN(len(s.employees))]),
		Service:     booking.Ptr(sv.name),
		AmountCents: booking.Ptr(sv.cents),
	}
	at := created
	emit := func(status booking.Status, eventType string, when time.Time) bool {
		if when.After(g.now) {
			return false
		}
		snapshot.Status = status
		snapshot.EventType = eventType
		snapshot.OccurredAt = when
		at = when
		if visible {
			g.emit(snapshot, rec, paid)
		}
		return true
	}
	emit(booking.Pending, "created", created)

	if g.rng.Float64() < 0.75 {
		confirmBy := at.Add(min(start.Sub(at)/2, 24*time.Hour))
		if !emit(booking.Confirmed, "confirmed", g.between(at.Add(5*time.Minute), confirmBy)) {
			return
		}
	}
	if g.rng.Float64() < 0.05 && start.Sub(at) > 6*time.Hour {
		// A reschedule moves the appointment by up to a week either way,
		// sometimes across a period boundary.
		shift := time.Duration(g.rng.IntN(15)-7) * 24 * time.Hour
		if shift == 0 {
			shift = 24 * time.Hour
		}
		when := g.between(at.Add(time.Hour), start.Add(-4*time.Hour))
		moved := start.Add(shift)
		if moved.After(when.Add(2 * time.Hour)) {
			snapshot.BookingDate = moved
			if !emit(snapshot.Status, "rescheduled", when) {
				snapshot.BookingDate = start
				return
			}
			start = moved
		}
	}

	switch x := g.rng.Float64(); {
	case x < 0.03:
		// The salon never recorded how it went: it stays pending or
		// confirmed, as real books do.
	case x < 0.16:
		// Cancellations: about four in ten come in the last 24 hours.
		var when time.Time
		if g.rng.Float64() < 0.4 || start.Sub(at) < 25*time.Hour {
			when = g.between(maxTime(at.Add(time.Minute), start.Add(-23*time.Hour)), start.Add(-30*time.Minute))
		} else {
			when = g.between(at.Add(time.Hour), start.Add(-25*time.Hour))
		}
		emit(booking.Canceled, "canceled", when)
	case x < 0.22:
		emit(booking.NoShow, "no_show", start.Add(30*time.Minute))
		if !c.standing && g.rng.Float64() < lapseAfterMiss {
			c.lapsed = true
		}
	default:
		end := start.Add(sv.duration)
		paid = true
		done := end.Add(time.Duration(g.rng.IntN(20)) * time.Minute)
		if !emit(booking.Completed, "completed", done) {
			return
		}
		switch {
		case c.standing || (c.prebooks && g.rng.Float64() < prebookAtVisit):
			// Booked when the generation reaches the day of the visit, so
			// that memory holds a few weeks of events, not a client's
			// every future visit.
			created := done.Add(time.Duration(1+g.rng.IntN(10)) * time.Minute).Truncate(time.Second)
			day := max(dayNumber(created), g.day)
			g.later[day] = append(g.later[day], laterBooking{s, c, start.AddDate(0, 0, c.every), created})
		case g.rng.Float64() < lapseAfterVisit:
			c.lapsed = true
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// emit holds an event until its day is written. A few events are
// delivered twice, as a queue does: same event, later ingestion, often
// another batch.
func (g *generator) emit(e booking.Event, rec *bookingRecord, paid bool) {
	e.EventID = g.uuid()
	e.IngestedAt = e.OccurredAt.Add(time.Duration(200+g.rng.IntN(4800)) * time.Millisecond)
	day := dayNumber(e.OccurredAt)
	if day <= g.flushed {
		panic(fmt.Sprintf("demo: an event of %s after that day was written", e.Day()))
	}
	g.byDay[day] = append(g.byDay[day], pendingEvent{event: e, booking: rec, paid: paid})
	if g.rng.Float64() < 0.003 {
		e.IngestedAt = e.IngestedAt.Add(time.Duration(1+g.rng.IntN(180)) * time.Minute)
		g.byDay[day] = append(g.byDay[day], pendingEvent{event: e, booking: rec, paid: paid})
	}
}

// uuid returns a random (version 4) UUID from the generator's stream, so
// that ids repeat with the seed.
func (g *generator) uuid() string {
	hi, lo := g.rng.Uint64(), g.rng.Uint64()
	hi = hi&^0xf000 | 0x4000
	lo = lo&^(0xc<<60) | 0x8<<60
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, hi>>16&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}

// flushThrough writes every day up to and including last, in order.
func (g *generator) flushThrough(ctx context.Context, last int64) error {
	for ; g.flushed < last; g.flushed++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := g.flushDay(g.flushed + 1); err != nil {
			return err
		}
	}
	return nil
}

// flushDay assigns ids to the bookings created on day, then writes the
// events that occurred on it.
func (g *generator) flushDay(day int64) error {
	recs := g.created[day]
	slices.SortFunc(recs, func(a, b *bookingRecord) int {
		if c := a.created.Compare(b.created); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	for _, r := range recs {
		g.lastID++
		r.id = g.lastID
	}
	delete(g.created, day)

	pending := g.byDay[day]
	delete(g.byDay, day)
	if len(pending) == 0 {
		return nil
	}
	events := make([]booking.Event, len(pending))
	for i, p := range pending {
		e := p.event
		e.BookingID = p.booking.id
		if p.paid {
			e.PaymentID = booking.Ptr(e.BookingID*10 + 1)
		}
		events[i] = e
	}
	slices.SortStableFunc(events, func(a, b booking.Event) int {
		return a.IngestedAt.Compare(b.IngestedAt)
	})
	if g.perFile {
		for _, e := range events {
			name := e.IngestedAt.Format("2006-01-02T15-04-05") + "_" + e.EventID
			if err := g.write(newBatch(e.Day(), name, []booking.Event{e})); err != nil {
				return err
			}
		}
		return nil
	}
	// Sorted by ingestion, the events of one six-hour block are adjacent.
	for len(events) > 0 {
		block := events[0].IngestedAt.Truncate(6 * time.Hour)
		n := 1
		for n < len(events) && events[n].IngestedAt.Truncate(6*time.Hour).Equal(block) {
			n++
		}
		b := newBatch(events[0].Day(), "demo-"+block.Format("20060102T15"), events[:n:n])
		if err := g.write(b); err != nil {
			return err
		}
		events = events[n:]
	}
	return nil
}
