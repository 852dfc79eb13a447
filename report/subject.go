package report

import (
	"fmt"
	"time"
)

// Subject is the subject line of a salon's report email, in the
// language of opt (its words live in lang.go with every other word of
// the report): the salon's name, the period's first and last day (the
// end shown inclusive, as people read dates).
func Subject(r Report, opt Options) string {
	f, err := newFormatter(opt)
	if err != nil {
		f, _ = newFormatter(Options{})
	}
	last := r.Current.To.AddDate(0, 0, -1)
	return fmt.Sprintf(f.T("email_subject"), salonTitle(f, r), r.Current.From.Format(time.DateOnly), last.Format(time.DateOnly))
}
