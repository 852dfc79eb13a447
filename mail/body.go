package mail

import (
	"bytes"
	"fmt"
	"time"

	"github.com/instudio/instudio-report/report"
)

// RenderBody renders one salon's report as the two alternatives of an
// email: the plain-text table and the self-contained HTML report, both in
// the salon's language and currency. It is the only place that renders an
// email body.
func RenderBody(r report.Report, opt report.Options) (text, html string, err error) {
	one := []report.Report{r}
	var t, h bytes.Buffer
	if err := report.WriteTable(&t, one, opt); err != nil {
		return "", "", fmt.Errorf("salon %d: render text: %w", r.SalonID, err)
	}
	if err := report.WriteHTML(&h, one, opt); err != nil {
		return "", "", fmt.Errorf("salon %d: render html: %w", r.SalonID, err)
	}
	return t.String(), h.String(), nil
}

// subjects are the subject lines by language: salon name, first and last
// day of the period.
var subjects = map[string]string{
	"en": "%s: bookings report %s to %s",
	"es": "%s: reporte de reservas del %s al %s",
}

// Subject is the subject line of a salon's report email. The period's end
// is shown inclusive, as people read dates.
func Subject(r report.Report, lang string) string {
	name := r.SalonName
	if name == "" {
		name = fmt.Sprintf("Salon %d", r.SalonID)
	}
	format, ok := subjects[lang]
	if !ok {
		format = subjects["en"]
	}
	last := r.Current.To.AddDate(0, 0, -1)
	return fmt.Sprintf(format, name, r.Current.From.Format(time.DateOnly), last.Format(time.DateOnly))
}
