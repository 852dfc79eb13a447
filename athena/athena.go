// Package athena owns the SQL that puts the layout in front of Amazon
// Athena (Trino): the Glue table over bookings/ with partition projection,
// the events and bookings views, and the salon headline as one query. The
// .sql files under sql/ are the one copy: deploy/terraform installs the
// views from them with file(), and `instudio-report athena-sql` prints them.
package athena

import (
	"embed"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/instudio/instudio-report/booking"
)

//go:embed sql/*.sql
var files embed.FS

// The view names, as the DuckDB views are named.
const (
	EventsView   = "events"
	BookingsView = "bookings"
	// Table is the Glue table over the Parquet files.
	Table = "booking_files"
)

// Columns returns the table's columns as name, type pairs, in the order of
// docs/design.md's contract (booking.Columns), dt (the partition) not
// included. Each column's Athena type is that of the physical type the
// layout writes.
func Columns() [][2]string {
	out := make([][2]string, len(booking.Columns))
	for i, c := range booking.Columns {
		typ := "bigint"
		switch {
		case c.Kind == booking.KindString:
			typ = "string"
		case c.Kind == booking.KindTime:
			typ = "timestamp"
		case c.Written == parquet.Int32:
			typ = "int"
		}
		out[i] = [2]string{c.Name, typ}
	}
	return out
}

// Setup names where the table lives.
type Setup struct {
	Database        string // Glue database, e.g. instudio
	Location        string // s3://bucket/[prefix/]bookings/
	ProjectionStart string // first dt, yyyy-MM-dd
}

// Headline names one salon's report period.
type Headline struct {
	Database string
	SalonID  int64
	From, To time.Time // dates; To exclusive
	Zone     *time.Location
}

var (
	identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
	location   = regexp.MustCompile(`^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[A-Za-z0-9!_.*()=/-]*)?/$`)
	zoneName   = regexp.MustCompile(`^[A-Za-z0-9_+/-]+$`)
)

func (s Setup) check() error {
	if !identifier.MatchString(s.Database) {
		return fmt.Errorf("athena database %q: use lowercase letters, digits and _", s.Database)
	}
	if !location.MatchString(s.Location) {
		return fmt.Errorf("athena location %q: want s3://bucket/prefix/ ending in /", s.Location)
	}
	if _, err := time.Parse(time.DateOnly, s.ProjectionStart); err != nil {
		return fmt.Errorf("athena projection start %q: want a date such as 2024-01-01", s.ProjectionStart)
	}
	return nil
}

// ViewBody returns the SELECT that defines the view name (events or
// bookings) without its header comment: what Glue stores as the view.
func ViewBody(name string) (string, error) {
	text, err := files.ReadFile("sql/" + name + "_view.sql")
	if err != nil {
		return "", fmt.Errorf("athena view %q: no such view", name)
	}
	return StripHeader(string(text)), nil
}

// StripHeader drops the leading -- comment lines of a .sql file, as
// deploy/terraform does before installing a view.
func StripHeader(text string) string {
	lines := strings.Split(text, "\n")
	i := 0
	for i < len(lines) && (strings.HasPrefix(lines[i], "--") || strings.TrimSpace(lines[i]) == "") {
		i++
	}
	return strings.TrimSpace(strings.Join(lines[i:], "\n"))
}

// Statements returns the DDL and the two views as Athena statements, each
// ending in a semicolon, in the order they must run.
func Statements(s Setup) ([]string, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	table, err := render("booking_files_table.sql", map[string]string{
		"database": s.Database, "location": s.Location, "projection_start": s.ProjectionStart,
	})
	if err != nil {
		return nil, err
	}
	out := []string{table}
	for _, v := range []string{EventsView, BookingsView} {
		body, err := ViewBody(v)
		if err != nil {
			return nil, err
		}
		// Athena resolves the view's unqualified table names in the
		// database the view is created in.
		out = append(out, fmt.Sprintf("CREATE OR REPLACE VIEW %s.%s AS\n%s;", s.Database, v, body))
	}
	return out, nil
}

// Script is what athena-sql prints: the statements of s and, when h is
// not nil, that salon's headline query, separated by blank lines.
func Script(s Setup, h *Headline) (string, error) {
	stmts, err := Statements(s)
	if err != nil {
		return "", err
	}
	if h != nil {
		q, err := HeadlineQuery(*h)
		if err != nil {
			return "", err
		}
		stmts = append(stmts, q)
	}
	return strings.Join(stmts, "\n\n"), nil
}

// HeadlineQuery returns the salon's headline as one Athena query.
func HeadlineQuery(h Headline) (string, error) {
	if !identifier.MatchString(h.Database) {
		return "", fmt.Errorf("athena database %q: use lowercase letters, digits and _", h.Database)
	}
	if h.SalonID <= 0 {
		return "", fmt.Errorf("salon id %d: must be positive", h.SalonID)
	}
	if !h.To.After(h.From) {
		return "", fmt.Errorf("period %s to %s: the end must come after the start", h.From.Format(time.DateOnly), h.To.Format(time.DateOnly))
	}
	zone := "UTC"
	if h.Zone != nil {
		zone = h.Zone.String()
	}
	if !zoneName.MatchString(zone) || zone == "Local" {
		return "", fmt.Errorf("time zone %q: give an IANA name such as America/Lima", zone)
	}
	q, err := render("salon_headline.sql", map[string]string{
		"database": h.Database, "salon_id": fmt.Sprint(h.SalonID),
		"from": h.From.Format(time.DateOnly), "to": h.To.Format(time.DateOnly), "timezone": zone,
	})
	if err != nil {
		return "", err
	}
	return q, nil
}

var placeholder = regexp.MustCompile(`\{\{([a-z_]+)\}\}`)

// render fills the {{name}} placeholders of a .sql file with values that
// the callers have checked, and ends the statement with a semicolon.
func render(name string, values map[string]string) (string, error) {
	text, err := files.ReadFile("sql/" + name)
	if err != nil {
		return "", fmt.Errorf("athena: %s: %w", name, err)
	}
	var missing []string
	out := placeholder.ReplaceAllStringFunc(StripHeader(string(text)), func(m string) string {
		key := placeholder.FindStringSubmatch(m)[1]
		v, ok := values[key]
		if !ok {
			missing = append(missing, key)
		}
		return v
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("athena: %s: no value for %s", name, strings.Join(missing, ", "))
	}
	return strings.TrimRight(out, "\n;") + ";", nil
}
