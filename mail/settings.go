package mail

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/instudio/instudio-report/report"
)

// Settings is the smtp block of the config file. The password is never
// here: it comes from INSTUDIO_SMTP_PASSWORD or the file password_file
// names.
type Settings struct {
	// URL is smtp://[user@]host[:port] (STARTTLS when offered, port 587 by
	// default) or smtps://[user@]host[:port] (TLS from the start, 465).
	URL          string `yaml:"url"`
	From         string `yaml:"from"`
	PasswordFile string `yaml:"password_file"`
	// StartTLS is "opportunistic" (the default: STARTTLS when the server
	// offers it) or "required" (refuse a server that does not).
	StartTLS string `yaml:"starttls"`
	// ListUnsubscribe is the List-Unsubscribe header value:
	// "<mailto:…>" and/or "<https://…>"; empty for none.
	ListUnsubscribe string `yaml:"list_unsubscribe"`
	// AttachCSV attaches the report as CSV (the tidy shape of -o csv).
	AttachCSV bool `yaml:"attach_csv"`
	// SkipEmpty sends nothing to a salon with no bookings in the period.
	SkipEmpty bool `yaml:"skip_empty"`
	// Retries is how many times a transient failure (4xx, a connection
	// error) is retried; nil for the default.
	Retries *int `yaml:"retries"`
	// RetryBackoff is the wait before the first retry; it doubles each
	// time. 0 for the default.
	RetryBackoff time.Duration `yaml:"retry_backoff"`
	// Timeout bounds connecting and each SMTP command; 0 for the default.
	Timeout time.Duration `yaml:"timeout"`
	// Ledger is where deliveries are recorded: a directory or
	// s3://bucket/prefix; empty for the XDG state directory.
	Ledger string `yaml:"ledger"`
	// SendAt is "HH:MM", the salon's wall time after which its report of
	// a period goes out, on the first day after the period; "" sends
	// whenever send runs.
	SendAt string `yaml:"send_at"`
	// MaxLag is how old the newest event may be at send time before the
	// source counts as stale and nothing is sent; 0 for the default.
	MaxLag time.Duration `yaml:"max_lag"`
}

// Defaults of the smtp settings.
const (
	DefaultRetries      = 3
	DefaultRetryBackoff = 5 * time.Second
	DefaultTimeout      = 30 * time.Second
	// DefaultMaxLag is 48 hours: salons close on Sundays and at night, so
	// at 07:00 on a Monday the newest event of a healthy pipeline can be
	// Saturday evening's, some 35 to 40 hours old; 48 hours leaves room
	// for a salon that closes early on Saturday, and still stops the
	// Monday email of a pipeline that has been down since Friday night.
	DefaultMaxLag = 48 * time.Hour
)

// Backoff is the configured first retry wait, or the default.
func (s Settings) Backoff() time.Duration {
	if s.RetryBackoff == 0 {
		return DefaultRetryBackoff
	}
	return s.RetryBackoff
}

// MaxLagOrDefault is the configured max_lag, or the default.
func (s Settings) MaxLagOrDefault() time.Duration {
	if s.MaxLag == 0 {
		return DefaultMaxLag
	}
	return s.MaxLag
}

// ClockTime is a wall-clock time of day, as smtp.send_at gives it.
type ClockTime struct{ Hour, Minute int }

func (c ClockTime) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// SendAtTime parses smtp.send_at; nil when it is not set.
func (s Settings) SendAtTime() (*ClockTime, error) {
	if s.SendAt == "" {
		return nil, nil
	}
	t, err := time.Parse("15:04", s.SendAt)
	if err != nil || len(s.SendAt) != 5 {
		return nil, fmt.Errorf("smtp.send_at: %q is not a time of day: use HH:MM, such as 07:00", s.SendAt)
	}
	return &ClockTime{Hour: t.Hour(), Minute: t.Minute()}, nil
}

// RetryCount is the configured number of retries, or the default.
func (s Settings) RetryCount() int {
	if s.Retries == nil {
		return DefaultRetries
	}
	return *s.Retries
}

// Check validates the block as far as it can without the password. An
// empty block is valid: it matters only to send.
func (s Settings) Check() error {
	if s.URL != "" {
		if _, err := parseURL(s.URL); err != nil {
			return err
		}
	}
	if s.From != "" {
		if err := CheckAddresses([]string{s.From}); err != nil {
			return fmt.Errorf("smtp.from: %w", err)
		}
	}
	switch s.StartTLS {
	case "", "opportunistic", "required":
	default:
		return fmt.Errorf("smtp.starttls: %q is not a policy: use required or opportunistic", s.StartTLS)
	}
	if s.ListUnsubscribe != "" && !strings.HasPrefix(s.ListUnsubscribe, "<") {
		return fmt.Errorf("smtp.list_unsubscribe: %q must be one or more <mailto:…> or <https://…> links in angle brackets", s.ListUnsubscribe)
	}
	if s.Retries != nil && (*s.Retries < 0 || *s.Retries > 20) {
		return fmt.Errorf("smtp.retries: %d is out of range: use 0 to 20", *s.Retries)
	}
	if s.RetryBackoff < 0 || s.Timeout < 0 {
		return errors.New("smtp.retry_backoff and smtp.timeout must not be negative")
	}
	if _, err := s.SendAtTime(); err != nil {
		return err
	}
	if s.MaxLag < 0 {
		return fmt.Errorf("smtp.max_lag: %s must not be negative", s.MaxLag)
	}
	return nil
}

// smtpURL is a parsed smtp.url.
type smtpURL struct {
	implicitTLS bool
	host        string
	port        int
	user        string
}

// parseURL reads smtp.url. A password in the URL is refused without
// echoing the URL, so that it never reaches a log.
func parseURL(raw string) (smtpURL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return smtpURL{}, errors.New("smtp.url: not a URL: use smtp://[user@]host[:port] or smtps://[user@]host[:port]")
	}
	var s smtpURL
	switch u.Scheme {
	case "smtp":
		s.port = 587
	case "smtps":
		s.implicitTLS, s.port = true, 465
	default:
		return s, fmt.Errorf("smtp.url: scheme %q: use smtp:// (STARTTLS) or smtps:// (TLS from the start)", u.Scheme)
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			return s, errors.New("smtp.url must not hold a password: set INSTUDIO_SMTP_PASSWORD or smtp.password_file")
		}
		s.user = u.User.Username()
	}
	s.host = u.Hostname()
	if s.host == "" {
		return s, errors.New("smtp.url: no host: use smtp://[user@]host[:port]")
	}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil || s.port < 1 || s.port > 65535 {
			return s, fmt.Errorf("smtp.url: invalid port %q", p)
		}
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return s, fmt.Errorf("smtp.url: unexpected path or query in a %s:// URL", u.Scheme)
	}
	return s, nil
}

// Recipient is a salon that gets the report, with its addresses.
type Recipient struct {
	To, Cc []string
	// Report is the salon's language and currency.
	Report report.Options
}

// Job is one salon's email of a run.
type Job struct {
	SalonID   int64
	SalonName string
	// Empty is true when the salon had no bookings in the period.
	Empty   bool
	Message Message // complete but for its Message-ID
	// Report is the report as salon -o json prints it, for the ledger.
	Report json.RawMessage
	// Figures are the report's headline figures, for summaries;
	// Previous the bookings of the period before.
	Figures  Figures
	Previous int64
}

// Compose builds a salon's email from its report. now is the Date header.
func Compose(r report.Report, to Recipient, s Settings, now time.Time) (Job, error) {
	text, html, err := RenderBody(r, to.Report)
	if err != nil {
		return Job{}, err
	}
	var archived bytes.Buffer
	if err := report.WriteJSON(&archived, []report.Report{r}, false); err != nil {
		return Job{}, fmt.Errorf("salon %d: render json: %w", r.SalonID, err)
	}
	job := Job{
		SalonID:   r.SalonID,
		SalonName: r.SalonName,
		Empty:     r.Current.Counts.Bookings == 0,
		Report:    bytes.TrimRight(archived.Bytes(), "\n"),
		Figures:   FiguresOf(r),
		Previous:  r.Previous.Counts.Bookings,
		Message: Message{
			From:            s.From,
			To:              to.To,
			Cc:              to.Cc,
			Subject:         Subject(r, to.Report.Lang),
			Text:            text,
			HTML:            html,
			Date:            now,
			ListUnsubscribe: s.ListUnsubscribe,
		},
	}
	if s.AttachCSV {
		var csv bytes.Buffer
		if err := report.WriteCSV(&csv, []report.Report{r}); err != nil {
			return Job{}, fmt.Errorf("salon %d: render csv: %w", r.SalonID, err)
		}
		job.Message.Attachment = &Attachment{
			Name:        fmt.Sprintf("salon-%d_%s.csv", r.SalonID, periodOf(r).Key()),
			ContentType: "text/csv",
			Data:        csv.Bytes(),
		}
	}
	return job, nil
}

func periodOf(r report.Report) Period { return Period{From: r.Current.From, To: r.Current.To} }
