package report

import (
	"encoding/json"
	"io"
	"time"
)

// The JSON keys are a public interface (docs/design.md): downstream scripts
// depend on them, so these structs only ever gain fields. Field order is
// the order of the keys in the output.

type jsonHeadline struct {
	Bookings             int64    `json:"bookings"`
	Pending              int64    `json:"pending"`
	Confirmed            int64    `json:"confirmed"`
	Completed            int64    `json:"completed"`
	Canceled             int64    `json:"canceled"`
	NoShow               int64    `json:"no_show"`
	CancellationRate     *float64 `json:"cancellation_rate"`
	LateCancellationRate *float64 `json:"late_cancellation_rate"`
	NoShowRate           *float64 `json:"no_show_rate"`
	PeakHour             *int     `json:"peak_hour"`
}

// jsonFigures are the headline keys that docs/design.md lists after daily.
type jsonFigures struct {
	LeadTimeDaysMedian *float64 `json:"lead_time_days_median"`
	LeadTimeDaysP90    *float64 `json:"lead_time_days_p90"`
	Clients            int64    `json:"clients"`
	NewClients         int64    `json:"new_clients"`
	ReturningClients   int64    `json:"returning_clients"`
	RebookingRate      *float64 `json:"rebooking_rate"`
	RevenueCents       *int64   `json:"revenue_cents"`
	AvgTicketCents     *float64 `json:"avg_ticket_cents"`
	PrebookRate        *float64 `json:"prebook_rate"`
	LostRevenueCents   *int64   `json:"lost_revenue_cents"`
}

type jsonLastWeek struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Bookings int64  `json:"bookings"`
}

type jsonWeekAhead struct {
	From       string       `json:"from"`
	To         string       `json:"to"`
	Bookings   int64        `json:"bookings"`
	ValueCents *int64       `json:"value_cents"`
	LastWeek   jsonLastWeek `json:"last_week"`
}

type jsonAtRisk struct {
	UserID            int64   `json:"user_id"`
	Visits            int64   `json:"visits"`
	LastVisit         string  `json:"last_visit"`
	UsualIntervalDays float64 `json:"usual_interval_days"`
	DaysSince         float64 `json:"days_since"`
}

// wallTime is how booking_date is written: ISO 8601 without an offset, the
// salon's wall-clock time, as the producer sends it.
const wallTime = "2006-01-02T15:04:05"

type jsonStaff struct {
	EmployeeID       int64    `json:"employee_id"`
	Bookings         int64    `json:"bookings"`
	Completed        int64    `json:"completed"`
	Canceled         int64    `json:"canceled"`
	NoShow           int64    `json:"no_show"`
	CancellationRate *float64 `json:"cancellation_rate"`
	RevenueCents     *int64   `json:"revenue_cents"`
}

type jsonPrevious struct {
	From string `json:"from"`
	To   string `json:"to"`
	jsonHeadline
	ByHour [24]int64 `json:"by_hour"`
	jsonFigures
}

type jsonDay struct {
	Date     string `json:"date"`
	Bookings int64  `json:"bookings"`
	Canceled int64  `json:"canceled"`
}

type jsonReport struct {
	SalonID int64   `json:"salon_id"`
	From    string  `json:"from"`
	To      string  `json:"to"`
	AsOf    *string `json:"as_of"`
	jsonHeadline
	ByHour        [24]int64    `json:"by_hour"`
	ByWeekdayHour [7][24]int64 `json:"by_weekday_hour"`
	Daily         []jsonDay    `json:"daily"`
	jsonFigures
	Staff         []jsonStaff   `json:"staff"`
	RetentionRate *float64      `json:"retention_rate"`
	WeekAhead     jsonWeekAhead `json:"week_ahead"`
	AtRiskClients int           `json:"at_risk_clients"`
	AtRisk        []jsonAtRisk  `json:"at_risk"`
	Previous      jsonPrevious  `json:"previous"`
}

func figures(p Period) jsonFigures {
	return jsonFigures{
		LeadTimeDaysMedian: p.LeadTimeMedian,
		LeadTimeDaysP90:    p.LeadTimeP90,
		Clients:            p.Clients.Clients,
		NewClients:         p.Clients.New,
		ReturningClients:   p.Clients.Returning(),
		RebookingRate:      p.Clients.RebookingRate(),
		RevenueCents:       p.RevenueCents,
		AvgTicketCents:     p.AvgTicketCents,
		PrebookRate:        p.PrebookRate(),
		LostRevenueCents:   p.LostRevenueCents,
	}
}

func headline(p Period) jsonHeadline {
	c := p.Counts
	return jsonHeadline{
		Bookings:             c.Bookings,
		Pending:              c.Pending,
		Confirmed:            c.Confirmed,
		Completed:            c.Completed,
		Canceled:             c.Canceled,
		NoShow:               c.NoShow,
		CancellationRate:     p.CancellationRate(),
		LateCancellationRate: p.LateCancellationRate(),
		NoShowRate:           p.NoShowRate(),
		PeakHour:             p.PeakHour(),
	}
}

// MarshalJSON renders the report with the keys of docs/design.md.
func (r Report) MarshalJSON() ([]byte, error) {
	out := jsonReport{
		SalonID:       r.SalonID,
		From:          r.Current.From.Format(time.DateOnly),
		To:            r.Current.To.Format(time.DateOnly),
		jsonHeadline:  headline(r.Current),
		ByHour:        r.Current.ByHour,
		ByWeekdayHour: r.Current.ByWeekdayHour,
		Daily:         make([]jsonDay, len(r.Current.Daily)),
		jsonFigures:   figures(r.Current),
		Staff:         make([]jsonStaff, len(r.Current.Staff)),
		RetentionRate: r.Retention.Rate(),
		WeekAhead: jsonWeekAhead{
			From: r.WeekAhead.From.Format(time.DateOnly), To: r.WeekAhead.To.Format(time.DateOnly),
			Bookings: r.WeekAhead.Bookings, ValueCents: r.WeekAhead.ValueCents,
			LastWeek: jsonLastWeek{
				From: r.WeekAhead.LastWeek.From.Format(time.DateOnly), To: r.WeekAhead.LastWeek.To.Format(time.DateOnly),
				Bookings: r.WeekAhead.LastWeek.Bookings,
			},
		},
		AtRiskClients: len(r.AtRisk),
		AtRisk:        make([]jsonAtRisk, len(r.AtRisk)),
		Previous: jsonPrevious{
			From:         r.Previous.From.Format(time.DateOnly),
			To:           r.Previous.To.Format(time.DateOnly),
			jsonHeadline: headline(r.Previous),
			ByHour:       r.Previous.ByHour,
			jsonFigures:  figures(r.Previous),
		},
	}
	for i, s := range r.Current.Staff {
		out.Staff[i] = jsonStaff{
			EmployeeID: s.EmployeeID, Bookings: s.Bookings, Completed: s.Completed, Canceled: s.Canceled,
			NoShow: s.NoShow, CancellationRate: s.CancellationRate(), RevenueCents: s.RevenueCents,
		}
	}
	for i, c := range r.AtRisk {
		out.AtRisk[i] = jsonAtRisk{UserID: c.UserID, Visits: c.Visits, LastVisit: c.LastVisit.Format(wallTime),
			UsualIntervalDays: c.UsualIntervalDays, DaysSince: c.DaysSince}
	}
	if r.AsOf != nil {
		s := r.AsOf.UTC().Format(time.RFC3339)
		out.AsOf = &s
	}
	for i, d := range r.Current.Daily {
		out.Daily[i] = jsonDay{Date: d.Date.Format(time.DateOnly), Bookings: d.Bookings, Canceled: d.Canceled}
	}
	return json.Marshal(out)
}

// WriteJSON prints one indented JSON object for a single report, or an
// array for several (the `salons` form).
func WriteJSON(w io.Writer, reports []Report, asArray bool) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if asArray {
		if reports == nil {
			reports = []Report{}
		}
		return enc.Encode(reports)
	}
	for _, r := range reports {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}
