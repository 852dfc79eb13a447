package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"syscall"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// Sender delivers one message. SMTP is the real one; tests wrap it to
// inject crashes.
type Sender interface {
	Send(ctx context.Context, m *Message) error
}

// SMTPOptions configure an SMTP sender.
type SMTPOptions struct {
	Settings Settings
	// Password for the user in Settings.URL; never logged.
	Password string
	// TLSConfig overrides the TLS settings (tests trust their own CA);
	// nil verifies the server against the system roots.
	TLSConfig *tls.Config
	// HELO is the name the client greets with; "" for go-mail's default.
	HELO string
}

// SMTP sends messages over one SMTP connection, reconnecting after any
// failure. It is not safe for concurrent use.
type SMTP struct {
	client *gomail.Client
	conn   *smtp.Client // nil when no connection is open
}

// NewSMTP checks the settings and prepares a client; it connects on the
// first Send.
func NewSMTP(opt SMTPOptions) (*SMTP, error) {
	u, err := parseURL(opt.Settings.URL)
	if err != nil {
		return nil, err
	}
	timeout := opt.Settings.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	tlsConfig := opt.TLSConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: u.host, MinVersion: tls.VersionTLS12}
	}
	opts := []gomail.Option{
		gomail.WithPort(u.port),
		gomail.WithTimeout(timeout),
		gomail.WithTLSConfig(tlsConfig),
	}
	if !u.implicitTLS {
		// go-mail bounds the dial, not the server's greeting: a server that
		// accepts and never greets held each attempt until it hung up.
		// Every read and write of the connection gets the timeout. (With
		// smtps:// go-mail's own TLS dialer stays: it tells auth the
		// connection is encrypted.)
		opts = append(opts, gomail.WithDialContextFunc(func(ctx context.Context, network, addr string) (net.Conn, error) {
			var d net.Dialer
			conn, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &deadlineConn{Conn: conn, timeout: timeout}, nil
		}))
	}
	switch {
	case u.implicitTLS:
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSPolicy(gomail.NoTLS))
	case opt.Settings.StartTLS == "required":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if u.user != "" {
		if opt.Password == "" {
			return nil, fmt.Errorf("smtp.url names user %q but no password is set: set INSTUDIO_SMTP_PASSWORD or smtp.password_file", u.user)
		}
		// Auto-discovery picks the strongest mechanism the server offers;
		// go-mail refuses PLAIN and LOGIN over an unencrypted connection.
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.user), gomail.WithPassword(opt.Password))
	}
	if opt.HELO != "" {
		opts = append(opts, gomail.WithHELO(opt.HELO))
	}
	client, err := gomail.NewClient(u.host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp %s:%d: %w", u.host, u.port, err)
	}
	return &SMTP{client: client}, nil
}

// Send delivers m, connecting first when no connection is open. Its error
// is a *DeliveryError that says whether the server may have accepted the
// message and whether a retry may help.
func (s *SMTP) Send(ctx context.Context, m *Message) error {
	msg, err := m.build()
	if err != nil {
		return &DeliveryError{Err: err}
	}
	if s.conn == nil {
		conn, err := s.client.DialToSMTPClientWithContext(ctx)
		if err != nil {
			if errors.Is(err, gomail.ErrNoSupportedAuthDiscovered) {
				err = fmt.Errorf("%w (PLAIN and LOGIN are refused on a connection in clear: use smtps:// or a server that offers STARTTLS)", err)
			}
			return &DeliveryError{Err: fmt.Errorf("connect %s: %w", s.client.ServerAddr(), err), Temporary: dialTemporary(err)}
		}
		s.conn = conn
	}
	err = s.client.SendWithSMTPClient(s.conn, msg)
	if err == nil {
		return nil
	}
	// After any failure the connection's state is unknown: drop it without
	// a QUIT that could hang on a dead peer, and start afresh next time.
	s.conn.Close()
	s.conn = nil
	if msg.IsDelivered() {
		// The server answered 250 to the data; only the RSET after it
		// failed. The message is delivered.
		return nil
	}
	return classify(err)
}

// Close ends the connection, if one is open.
func (s *SMTP) Close() error {
	if s.conn == nil {
		return nil
	}
	defer s.conn.Close()
	err := s.client.CloseWithSMTPClient(s.conn)
	s.conn = nil
	return err
}

// DeliveryError is a failed delivery.
type DeliveryError struct {
	Err error
	// Temporary failures (a 4xx reply, a dropped connection before the
	// data was accepted) may succeed on a retry.
	Temporary bool
	// Unknown is true when the connection broke after the whole message
	// was sent and before the server's reply: it may have been delivered.
	Unknown bool
}

func (e *DeliveryError) Error() string { return e.Err.Error() }
func (e *DeliveryError) Unwrap() error { return e.Err }

// classify reads go-mail's send error.
func classify(err error) *DeliveryError {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return &DeliveryError{Err: err, Temporary: networkError(err)}
	}
	code := se.ErrorCode()
	if code == 0 {
		code = replyCode(err)
	}
	switch {
	case code >= 400 && code < 500:
		return &DeliveryError{Err: err, Temporary: true}
	case code >= 500:
		return &DeliveryError{Err: err}
	case se.Reason == gomail.ErrSMTPDataClose:
		// No reply to the final dot: the server may have queued it.
		return &DeliveryError{Err: err, Unknown: true}
	}
	// A broken connection before the data was complete: nothing was
	// delivered, and a new connection may do better.
	return &DeliveryError{Err: err, Temporary: true}
}

// dialTemporary tells a server that is down or busy (worth a retry) from
// one that refuses us for good (TLS required but not offered, bad
// credentials, a certificate that does not verify).
func dialTemporary(err error) bool {
	if code := replyCode(err); code != 0 {
		return code >= 400 && code < 500
	}
	return networkError(err)
}

func networkError(err error) bool {
	var netErr net.Error
	var opErr *net.OpError
	return errors.As(err, &opErr) || (errors.As(err, &netErr) && netErr.Timeout()) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, context.DeadlineExceeded)
}

// replyCode is the SMTP reply code an error carries, or 0.
func replyCode(err error) int {
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return tp.Code
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		msg := e.Error()
		if len(msg) >= 4 && msg[3] == ' ' || len(msg) >= 4 && msg[3] == '-' {
			if n, convErr := strconv.Atoi(msg[:3]); convErr == nil && n >= 200 && n < 600 {
				return n
			}
		}
	}
	return 0
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// deadlineConn gives every read and write its own deadline: an SMTP step
// that does not answer within the timeout fails, the greeting included.
type deadlineConn struct {
	net.Conn
	timeout time.Duration
}

func (c *deadlineConn) Read(b []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Read(b)
}

func (c *deadlineConn) Write(b []byte) (int, error) {
	if err := c.Conn.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Write(b)
}
