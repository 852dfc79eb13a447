// Package mail owns the report emails: composing a salon's message
// (multipart/alternative HTML and plain text, an optional CSV attachment),
// sending it over SMTP with bounded retries, and the delivery ledger that
// makes a send exactly once per (salon, period). It knows nothing of cobra
// or DuckDB: the command hands it rendered reports and recipients.
package mail

import (
	"bytes"
	"fmt"
	"io"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one email, ready to build. Addresses are RFC 5322 strings
// ("Name <addr>" or "addr"), checked by CheckAddresses at config load.
type Message struct {
	From    string
	To, Cc  []string
	Subject string
	Text    string // the text/plain alternative
	HTML    string // the text/html alternative
	// Attachment is optional.
	Attachment *Attachment
	Date       time.Time
	// MessageID is the Message-ID without angle brackets; set by the
	// delivery (it names the attempt) or by the dry run.
	MessageID string
	// ListUnsubscribe is the List-Unsubscribe header value, for example
	// "<mailto:unsubscribe@example.com>"; empty for none.
	ListUnsubscribe string
}

// Attachment is a file attached to a message.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Recipients are every envelope recipient of the message.
func (m *Message) Recipients() []string {
	return append(append([]string(nil), m.To...), m.Cc...)
}

// build turns the message into go-mail's form.
func (m *Message) build() (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(m.From); err != nil {
		return nil, fmt.Errorf("from %q: %w", m.From, err)
	}
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	if len(m.Cc) > 0 {
		if err := msg.Cc(m.Cc...); err != nil {
			return nil, fmt.Errorf("cc: %w", err)
		}
	}
	msg.Subject(m.Subject)
	msg.SetDateWithValue(m.Date)
	if m.MessageID != "" {
		msg.SetMessageIDWithValue(m.MessageID)
	}
	msg.SetGenHeader(gomail.HeaderUserAgent, "instudio-report")
	// A report is machine-sent: auto-responders and vacation replies
	// should stay quiet (RFC 3834).
	msg.SetGenHeaderPreformatted("Auto-Submitted", "auto-generated")
	if m.ListUnsubscribe != "" {
		msg.SetGenHeaderPreformatted("List-Unsubscribe", m.ListUnsubscribe)
		if strings.Contains(m.ListUnsubscribe, "<https://") {
			// RFC 8058 one-click unsubscribe needs an https link and this.
			msg.SetGenHeaderPreformatted("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
		}
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	if a := m.Attachment; a != nil {
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(a.ContentType))); err != nil {
			return nil, fmt.Errorf("attach %s: %w", a.Name, err)
		}
	}
	return msg, nil
}

// WriteEML writes the message as an RFC 5322 file, exactly the bytes an
// SMTP transaction would carry.
func (m *Message) WriteEML(w io.Writer) error {
	msg, err := m.build()
	if err != nil {
		return err
	}
	_, err = msg.WriteTo(w)
	return err
}

// CheckAddresses reports the first address of list that is not a valid
// RFC 5322 address.
func CheckAddresses(list []string) error {
	for _, a := range list {
		if _, err := netmail.ParseAddress(a); err != nil {
			return fmt.Errorf("invalid email address %q: %w", a, err)
		}
	}
	return nil
}

// domainOf is the domain of an address, for Message-IDs; "localhost" when
// the address does not parse.
func domainOf(addr string) string {
	a, err := netmail.ParseAddress(addr)
	if err != nil {
		return "localhost"
	}
	if i := strings.LastIndexByte(a.Address, '@'); i >= 0 {
		return a.Address[i+1:]
	}
	return "localhost"
}
