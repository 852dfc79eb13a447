package mail

import (
	"bytes"
	"fmt"

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

// Subject is the subject line of a salon's report email; its words are
// the report's (report/lang.go).
func Subject(r report.Report, lang string) string {
	return report.Subject(r, report.Options{Lang: lang})
}
