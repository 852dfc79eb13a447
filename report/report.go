// Package report owns the salon report: the model that the metric queries
// fill, the derived figures (rates, peak hour) defined once here, and the
// renderers (table, CSV, JSON). It knows nothing of DuckDB.
package report

import (
	"time"
)

// Report is one salon's figures for the period [From, To) and the equally
// long period just before it.
type Report struct {
	SalonID   int64
	SalonName string     // from config; empty when unknown
	AsOf      *time.Time // the books as of this instant; nil for now
	Current   Period
	Previous  Period
	// Retention is measured across the two periods: of the clients with a
	// completed visit in the previous period, those with one in this one.
	Retention Retention
	// WeekAhead is what is on the books for the 7 days from the reference
	// instant's date, against the same moment a week earlier.
	WeekAhead WeekAhead
	// AtRisk are the regular clients overdue against their own rhythm, most
	// overdue first.
	AtRisk []AtRiskClient
	// DataFrom is the earliest booking_date of the salon (any status, in the
	// state at the reference instant); nil when it has none. An empty
	// period says where the data starts.
	DataFrom *time.Time
}

// Retention counts the clients of retention_rate.
type Retention struct {
	PreviousClients int64 // with a completed visit in the previous period
	Retained        int64 // those of them with a completed visit in this one
}

// Rate is retained / previous clients; nil when the previous period has
// none.
func (r Retention) Rate() *float64 { return rate(r.Retained, r.PreviousClients) }

// WeekAhead is docs/design.md's week_ahead: at the reference instant R,
// with today its date in the salon's zone, the pending and confirmed
// bookings dated in [today, today + 7 d), and last week's: those dated in
// [today - 7 d, today) that were pending or confirmed at R - 7 d.
type WeekAhead struct {
	From, To time.Time // dates; To is exclusive
	Bookings int64
	// ValueCents is the sum of their amount_cents; nil when none has one.
	ValueCents *int64
	LastWeek   LastWeek
}

// LastWeek is the week ahead as it stood a week before.
type LastWeek struct {
	From, To time.Time
	Bookings int64
}

// AtRiskClient is a client with at least 3 completed visits, none booked
// ahead, and more days since the last visit than 1.5 times the usual
// interval (the median gap between visits).
type AtRiskClient struct {
	UserID            int64
	Visits            int64
	LastVisit         time.Time // booking_date, the salon's wall time
	UsualIntervalDays float64
	DaysSince         float64
}

// Period holds the figures of one period of appointments.
type Period struct {
	From, To time.Time // dates (midnight UTC); To is exclusive
	Counts   Counts
	// ByHour counts non-canceled bookings by hour of booking_date.
	ByHour [24]int64
	// Daily has one entry per day of the period, in order; the model fills
	// it only for the current period.
	Daily []Day
	// ByWeekdayHour counts non-canceled bookings by weekday (Monday first)
	// and hour of booking_date; filled only for the current period.
	ByWeekdayHour [7][24]int64
	// LeadTimeMedian and LeadTimeP90 are quantiles (linear interpolation)
	// of booking_date - created_at in days; nil for an empty period.
	LeadTimeMedian, LeadTimeP90 *float64
	Clients                     Clients
	// RevenueCents and AvgTicketCents are the sum and mean of amount_cents
	// over completed bookings; nil when none of them carries an amount.
	RevenueCents   *int64
	AvgTicketCents *float64
	// Staff has one entry per employee with bookings in the period, by
	// employee id; filled only for the current period.
	Staff []Staff
	// Visits are the completed bookings; Prebooked those at which the
	// client booked a later visit on the visit's day.
	Visits, Prebooked int64
	// LostRevenueCents is the sum of amount_cents over the no-shows and
	// late cancellations; nil when no booking of the period has an amount.
	LostRevenueCents *int64
}

// PrebookRate is prebooked / visits; nil without visits.
func (p Period) PrebookRate() *float64 { return rate(p.Prebooked, p.Visits) }

// Clients are the distinct clients (user_id) of a period's bookings.
type Clients struct {
	Clients int64
	// New are the clients whose earliest booking_date at the salon (any
	// status) is in the period.
	New int64
	// Completed are the clients with a completed booking in the period;
	// Rebooked those of them holding another booking (not canceled or
	// no-show) with a later booking_date than their last completed one.
	// For the previous period both are measured in the state at R - the
	// period's length, so that it has had as long to rebook as the current
	// one.
	Completed, Rebooked int64
}

// Returning are the clients that are not new.
func (c Clients) Returning() int64 { return c.Clients - c.New }

// RebookingRate is rebooked / clients with a completed booking; nil when
// there are none.
func (c Clients) RebookingRate() *float64 { return rate(c.Rebooked, c.Completed) }

// Staff is one employee's bookings in a period, by latest status.
type Staff struct {
	EmployeeID int64
	Bookings   int64
	Completed  int64
	Canceled   int64
	NoShow     int64
	// RevenueCents is the sum of amount_cents over the completed bookings;
	// nil when none carries an amount.
	RevenueCents *int64
}

// CancellationRate is canceled / bookings; nil without bookings.
func (s Staff) CancellationRate() *float64 { return rate(s.Canceled, s.Bookings) }

// Counts are the bookings of a period by latest status.
type Counts struct {
	Bookings  int64
	Pending   int64
	Confirmed int64
	Completed int64
	Canceled  int64
	NoShow    int64
	// LateCanceled are the canceled bookings whose cancel time was less
	// than 24 h before booking_date.
	LateCanceled int64
}

// Day is one day of the daily series.
type Day struct {
	Date     time.Time
	Bookings int64
	Canceled int64
}

// Days is the number of days in the period.
func (p Period) Days() int { return int(p.To.Sub(p.From).Hours() / 24) }

// CancellationRate is canceled / bookings; nil for an empty period.
func (p Period) CancellationRate() *float64 { return rate(p.Counts.Canceled, p.Counts.Bookings) }

// LateCancellationRate is late cancellations / bookings; nil for an empty period.
func (p Period) LateCancellationRate() *float64 {
	return rate(p.Counts.LateCanceled, p.Counts.Bookings)
}

// NoShowRate is no-shows / bookings; nil for an empty period.
func (p Period) NoShowRate() *float64 { return rate(p.Counts.NoShow, p.Counts.Bookings) }

// PeakHour is the hour with most non-canceled bookings, the earliest on a
// tie; nil when there are none.
func (p Period) PeakHour() *int {
	best := -1
	for h, n := range p.ByHour {
		if n > 0 && (best < 0 || n > p.ByHour[best]) {
			best = h
		}
	}
	if best < 0 {
		return nil
	}
	return &best
}

func rate(n, d int64) *float64 {
	if d == 0 {
		return nil
	}
	r := float64(n) / float64(d)
	return &r
}

// FillDaily sets p.Daily to one entry per day of the period, taking counts
// from the given days (which may skip days with no bookings).
func (p *Period) FillDaily(days []Day) {
	byDate := make(map[time.Time]Day, len(days))
	for _, d := range days {
		byDate[d.Date] = d
	}
	p.Daily = p.Daily[:0]
	for d := p.From; d.Before(p.To); d = d.AddDate(0, 0, 1) {
		day := byDate[d]
		day.Date = d
		p.Daily = append(p.Daily, day)
	}
}
