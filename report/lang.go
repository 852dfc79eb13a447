package report

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Options choose how a report reads for people: its language and the
// currency of its amounts.
type Options struct {
	Lang     string // "en" or "es"; empty means en
	Currency string // ISO 4217 code such as "PEN"; empty means PEN
}

// Languages are the values Options.Lang accepts.
var Languages = []string{"en", "es"}

// DefaultCurrency is the currency of the platform's salons, in Lima.
const DefaultCurrency = "PEN"

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// Validate checks the language and the currency code.
func (o Options) Validate() error {
	if _, ok := labels[o.lang()]; !ok {
		return fmt.Errorf("unknown language %q: use en or es", o.Lang)
	}
	if o.Currency != "" && !currencyCode.MatchString(o.Currency) {
		return fmt.Errorf("invalid currency %q: use an ISO 4217 code such as PEN or USD", o.Currency)
	}
	return nil
}

func (o Options) lang() string {
	if o.Lang == "" {
		return "en"
	}
	return o.Lang
}

// formatter formats numbers, money and dates for people, in one language.
// Both languages write decimals with a point and group thousands with a
// comma, as Peru (the platform's market) does.
type formatter struct {
	lang     string
	currency string
	words    map[string]string
}

func newFormatter(opt Options) (formatter, error) {
	if err := opt.Validate(); err != nil {
		return formatter{}, err
	}
	cur := opt.Currency
	if cur == "" {
		cur = DefaultCurrency
	}
	return formatter{lang: opt.lang(), currency: cur, words: labels[opt.lang()]}, nil
}

// T is the label of key in the formatter's language.
func (f formatter) T(key string) string {
	if s, ok := f.words[key]; ok {
		return s
	}
	return key
}

// dash stands for a figure that does not exist (a rate of nothing).
const dash = "–"

// Count groups thousands: 12,345.
func (f formatter) Count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Percent shows a fraction as a percentage with one decimal.
func (f formatter) Percent(r *float64) string {
	if r == nil {
		return dash
	}
	return fmt.Sprintf("%.1f%%", *r*100)
}

// currencySymbols are the symbols of the currencies the platform meets;
// any other code is written before the amount.
var currencySymbols = map[string]string{
	"PEN": "S/", "USD": "US$", "EUR": "€", "MXN": "MX$", "COP": "COL$",
	"CLP": "CLP$", "ARS": "ARS$", "BRL": "R$", "GBP": "£",
}

// Money formats an amount in cents with the currency: S/ 1,234.50, with a
// non-breaking space so that an amount never wraps from its currency.
func (f formatter) Money(cents *int64) string {
	if cents == nil {
		return dash
	}
	return f.moneyOf(float64(*cents))
}

// MoneyF formats a fractional amount of cents (a mean), to the cent.
func (f formatter) MoneyF(cents *float64) string {
	if cents == nil {
		return dash
	}
	return f.moneyOf(*cents)
}

func (f formatter) moneyOf(cents float64) string {
	c := int64(math.Round(cents))
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	sym, ok := currencySymbols[f.currency]
	if !ok {
		sym = f.currency
	}
	return fmt.Sprintf("%s%s\u00a0%s.%02d", sign, sym, f.Count(c/100), c%100)
}

// Days shows a lead time in days with one decimal.
func (f formatter) Days(d *float64) string {
	if d == nil {
		return dash
	}
	return fmt.Sprintf("%.1f %s", *d, f.T("days_unit"))
}

// Hour shows an hour of day as 18:00.
func (f formatter) Hour(h *int) string {
	if h == nil {
		return dash
	}
	return fmt.Sprintf("%02d:00", *h)
}

// Date is a date in the language: Mon 2 Mar 2026, lun 2 mar 2026.
func (f formatter) Date(t time.Time) string {
	return fmt.Sprintf("%s %d %s %d", f.Weekday(t.Weekday()), t.Day(), f.Month(t.Month()), t.Year())
}

// ShortDate is a date without the year and weekday: 2 Mar.
func (f formatter) ShortDate(t time.Time) string {
	return fmt.Sprintf("%d %s", t.Day(), f.Month(t.Month()))
}

// Span is the dates of a period, its last day inclusive.
func (f formatter) Span(p Period) string {
	last := p.To.AddDate(0, 0, -1)
	if last.Equal(p.From) {
		return f.Date(p.From)
	}
	return f.Date(p.From) + " – " + f.Date(last)
}

// Weekday is the short name of a weekday.
func (f formatter) Weekday(d time.Weekday) string {
	return weekdayNames[f.lang][d]
}

// Month is the short name of a month.
func (f formatter) Month(m time.Month) string {
	return monthNames[f.lang][m-1]
}

// CountChange is the relative change of a count, "+12.5%"; none from zero.
func (f formatter) CountChange(cur, old int64) string {
	if old == 0 {
		return dash
	}
	return signed((float64(cur)-float64(old))*100/float64(old), "%")
}

// PointChange is the change of a rate in percentage points.
func (f formatter) PointChange(cur, old *float64) string {
	if cur == nil || old == nil {
		return dash
	}
	return signed((*cur-*old)*100, " pp")
}

var weekdayNames = map[string][7]string{
	"en": {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
	"es": {"dom", "lun", "mar", "mié", "jue", "vie", "sáb"},
}

var monthNames = map[string][12]string{
	"en": {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	"es": {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"},
}

// labels are the words of the human outputs (table, Markdown, HTML), by
// language. Every language has every key (a test checks).
var labels = map[string]map[string]string{
	"en": {
		"title":                  "Salon report",
		"index":                  "Salons in this report",
		"email_subject":          "%s: bookings report %s to %s",
		"salon":                  "Salon",
		"salons":                 "Salons",
		"appointments":           "Appointments",
		"compared_with":          "compared with",
		"as_of":                  "Books as of",
		"days_unit":              "days",
		"days_count":             "%d days",
		"per_bar":                "one bar per %d days",
		"metric":                 "Metric",
		"current":                "Current",
		"previous":               "Previous",
		"change":                 "Change",
		"bookings":               "Bookings",
		"pending":                "pending",
		"confirmed":              "confirmed",
		"completed":              "completed",
		"canceled":               "canceled",
		"no_show":                "no-show",
		"completed_t":            "Completed",
		"canceled_t":             "Canceled",
		"no_show_t":              "No-shows",
		"cancellation_rate":      "Cancellation rate",
		"late_cancellation_rate": "Late cancellation rate",
		"late_note":              "canceled less than 24 h before",
		"no_show_rate":           "No-show rate",
		"peak_hour":              "Peak hour",
		"lead_time_median":       "Median lead time",
		"lead_time_p90":          "Lead time, 90th percentile",
		"lead_note":              "from booking to appointment",
		"clients":                "Clients",
		"new_clients":            "New clients",
		"returning_clients":      "Returning clients",
		"rebooking_rate":         "Rebooking rate",
		"rebooking_note":         "clients served who booked again",
		"revenue":                "Revenue",
		"avg_ticket":             "Average ticket",
		"revenue_note":           "completed bookings",
		"no_amounts":             "no amounts recorded",
		"prev_value":             "before: %s",
		"by_hour":                "Bookings by hour of day",
		"by_weekday_hour":        "Bookings by weekday and hour",
		"not_canceled":           "not canceled",
		"daily":                  "Bookings per day",
		"legend_kept":            "kept",
		"legend_canceled":        "canceled",
		"staff":                  "Staff",
		"employee":               "Employee",
		"employee_n":             "Employee %d",
		"hour":                   "Hour",
		"vs_peak":                "Against the busiest hour",
		"salon_name":             "Name",
		"date":                   "Date",
		"day":                    "Day",
		"status":                 "Bookings by status",
		"no_bookings":            "No bookings in this period.",
		"no_staff":               "No bookings with an employee in this period.",
		"new_share":              "%s of clients are new",
		"canceled_pct":           "Canceled %",
		"late_pct":               "Late %",
		"no_show_pct":            "No-show %",
		"new_short":              "New",
		"rebooked_pct":           "Rebooked %",
		"prebook_rate":           "Prebook rate",
		"prebook_note":           "visits that booked the next one that day",
		"prebook_pct":            "Prebook %",
		"lost_revenue":           "Money lost to no-shows and late cancellations",
		"lost_short":             "Lost",
		"lost_line":              "%s lost (no-shows: %s, late cancellations: %s)",
		"lost_before":            "before: %s",
		"retention_rate":         "Retention rate",
		"retention_note":         "clients served in the previous period who came again",
		"this_week":              "This week",
		"week_ahead":             "On the books for the next 7 days",
		"week_ahead_span":        "%s, at the same moment a week ago: %s",
		"week_ahead_line":        "%s bookings on the books for %s (%s)",
		"week_last_line":         "a week ago, for %s: %s",
		"week_value":             "Value on the books",
		"last_week":              "A week ago",
		"at_risk":                "Clients at risk",
		"at_risk_note":           "Regulars (3 visits or more) overdue by half their usual interval again, with nothing booked",
		"at_risk_more":           "and %s more (in the JSON and CSV output)",
		"no_at_risk":             "No clients at risk.",
		"client":                 "Client",
		"client_n":               "Client %d",
		"visits":                 "Visits",
		"last_visit":             "Last visit",
		"usual_interval":         "Usual interval",
		"days_since":             "Days since last visit",
		"usual_interval_days":    "Usual interval, days",
		"data_starts":            "The data for this salon starts on %s.",
		"no_data":                "There is no data for this salon yet.",
		"footer":                 "Figures count appointments by their date and latest status. Generated by instudio-report.",

		// The staff table's column names in HTML, where a column is about
		// 55 px wide on a phone: U+00AD (a soft hyphen) marks where a word
		// may break, with a hyphen, rather than anywhere.
		"completed_h":         "Com\u00adplet\u00aded",
		"canceled_h":          "Can\u00adceled",
		"no_show_h":           "No-shows",
		"cancellation_rate_h": "Can\u00adcel\u00adla\u00adtion rate",
	},
	"es": {
		"title":                  "Reporte del salón",
		"index":                  "Salones de este reporte",
		"email_subject":          "%s: reporte de reservas del %s al %s",
		"salon":                  "Salón",
		"salons":                 "Salones",
		"appointments":           "Citas",
		"compared_with":          "comparado con",
		"as_of":                  "Datos al",
		"days_unit":              "días",
		"days_count":             "%d días",
		"per_bar":                "una barra cada %d días",
		"metric":                 "Métrica",
		"current":                "Actual",
		"previous":               "Anterior",
		"change":                 "Cambio",
		"bookings":               "Reservas",
		"pending":                "pendientes",
		"confirmed":              "confirmadas",
		"completed":              "completadas",
		"canceled":               "canceladas",
		"no_show":                "inasistencias",
		"completed_t":            "Completadas",
		"canceled_t":             "Canceladas",
		"no_show_t":              "Inasistencias",
		"cancellation_rate":      "Tasa de cancelación",
		"late_cancellation_rate": "Cancelación tardía",
		"late_note":              "canceladas con menos de 24 h",
		"no_show_rate":           "Tasa de inasistencia",
		"peak_hour":              "Hora pico",
		"lead_time_median":       "Anticipación mediana",
		"lead_time_p90":          "Anticipación, percentil 90",
		"lead_note":              "de la reserva a la cita",
		"clients":                "Clientes",
		"new_clients":            "Clientes nuevos",
		"returning_clients":      "Clientes recurrentes",
		"rebooking_rate":         "Tasa de nueva reserva",
		"rebooking_note":         "clientes atendidos que volvieron a reservar",
		"revenue":                "Ingresos",
		"avg_ticket":             "Ticket promedio",
		"revenue_note":           "reservas completadas",
		"no_amounts":             "sin montos registrados",
		"prev_value":             "antes: %s",
		"by_hour":                "Reservas por hora del día",
		"by_weekday_hour":        "Reservas por día de la semana y hora",
		"not_canceled":           "sin canceladas",
		"daily":                  "Reservas por día",
		"legend_kept":            "vigentes",
		"legend_canceled":        "canceladas",
		"staff":                  "Equipo",
		"employee":               "Profesional",
		"employee_n":             "Profesional %d",
		"hour":                   "Hora",
		"vs_peak":                "Frente a la hora más concurrida",
		"salon_name":             "Nombre",
		"date":                   "Fecha",
		"day":                    "Día",
		"status":                 "Reservas por estado",
		"no_bookings":            "Sin reservas en este período.",
		"no_staff":               "Sin reservas con profesional asignado en este período.",
		"new_share":              "%s de los clientes son nuevos",
		"canceled_pct":           "% canceladas",
		"late_pct":               "% tardías",
		"no_show_pct":            "% inasistencias",
		"new_short":              "Nuevos",
		"rebooked_pct":           "% nueva reserva",
		"prebook_rate":           "Tasa de prerreserva",
		"prebook_note":           "visitas que reservaron la siguiente ese día",
		"prebook_pct":            "% prerreserva",
		"lost_revenue":           "Dinero perdido por inasistencias y cancelaciones tardías",
		"lost_short":             "Perdido",
		"lost_line":              "%s perdidos (inasistencias: %s, cancelaciones tardías: %s)",
		"lost_before":            "antes: %s",
		"retention_rate":         "Tasa de retención",
		"retention_note":         "clientes atendidos en el período anterior que volvieron",
		"this_week":              "Esta semana",
		"week_ahead":             "Reservas para los próximos 7 días",
		"week_ahead_span":        "%s, en el mismo momento hace una semana: %s",
		"week_ahead_line":        "%s reservas agendadas para %s (%s)",
		"week_last_line":         "hace una semana, para %s: %s",
		"week_value":             "Valor agendado",
		"last_week":              "Hace una semana",
		"at_risk":                "Clientes en riesgo",
		"at_risk_note":           "Habituales (3 visitas o más) que ya superan en la mitad su intervalo usual, sin nada reservado",
		"at_risk_more":           "y %s más (en la salida JSON y CSV)",
		"no_at_risk":             "Ningún cliente en riesgo.",
		"client":                 "Cliente",
		"client_n":               "Cliente %d",
		"visits":                 "Visitas",
		"last_visit":             "Última visita",
		"usual_interval":         "Intervalo usual",
		"days_since":             "Días desde la última",
		"usual_interval_days":    "Intervalo usual, días",
		"data_starts":            "Los datos de este salón empiezan el %s.",
		"no_data":                "Aún no hay datos de este salón.",
		"footer":                 "Las cifras cuentan las citas por su fecha y su último estado. Generado por instudio-report.",

		"completed_h":         "Com\u00adple\u00adta\u00addas",
		"canceled_h":          "Can\u00adce\u00adla\u00addas",
		"no_show_h":           "Ina\u00adsis\u00adten\u00adcias",
		"cancellation_rate_h": "Tasa de can\u00adce\u00adla\u00adción",
	},
}

// MissingWords lists the words that the English report has and lang
// lacks (they print as their keys); nil for a complete or unknown
// language.
func MissingWords(lang string) []string {
	words, ok := labels[Options{Lang: lang}.lang()]
	if !ok {
		return nil
	}
	var missing []string
	for key := range labels["en"] {
		if _, ok := words[key]; !ok {
			missing = append(missing, key)
		}
	}
	slices.Sort(missing)
	return missing
}
