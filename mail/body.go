package mail

import (
	"bytes"
	"fmt"
	"html/template"
	"time"

	"github.com/instudio/instudio-report/report"
)

// BodyOptions are the per-salon rendering choices of an email body.
type BodyOptions struct {
	Lang     string // "" for the default language
	Currency string // ISO 4217 code; "" for the default
}

// RenderBody renders one salon's report as the two alternatives of an
// email: plain text and HTML. It is the only place that renders an email
// body, so switching renderers is a change here alone.
func RenderBody(r report.Report, opt BodyOptions) (text, html string, err error) {
	var t bytes.Buffer
	if err := report.WriteTable(&t, []report.Report{r}); err != nil {
		return "", "", fmt.Errorf("salon %d: render text: %w", r.SalonID, err)
	}
	// REPLACE when report.WriteHTML lands (branch report): the HTML part
	// becomes report.WriteHTML(&h, []report.Report{r}, report.Options{Lang:
	// opt.Lang, Currency: opt.Currency}) and this template goes away.
	var h bytes.Buffer
	if err := interimHTML.Execute(&h, struct {
		Title string
		Table string
	}{Subject(r), t.String()}); err != nil {
		return "", "", fmt.Errorf("salon %d: render html: %w", r.SalonID, err)
	}
	return t.String(), h.String(), nil
}

// interimHTML wraps the text table until the report's own HTML renderer
// exists (see RenderBody).
var interimHTML = template.Must(template.New("email").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body><pre style="font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px">{{.Table}}</pre></body></html>
`))

// Subject is the subject line of a salon's report email. The period's end
// is shown inclusive, as people read dates.
func Subject(r report.Report) string {
	name := r.SalonName
	if name == "" {
		name = fmt.Sprintf("Salon %d", r.SalonID)
	}
	last := r.Current.To.AddDate(0, 0, -1)
	return fmt.Sprintf("%s: bookings report %s to %s", name, r.Current.From.Format(time.DateOnly), last.Format(time.DateOnly))
}
