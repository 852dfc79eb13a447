package mail_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/mail"
)

// A server that accepts and never greets: smtp.timeout covers the
// greeting (issue 19, item 11), so Send fails with a timeout, not when
// the context (a minute here) or the server gives up.
func TestTimeoutCoversTheGreeting(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	held := make(chan net.Conn, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			select {
			case held <- c: // kept open, silent
			default: // more attempts than the test expects: never block
				c.Close()
			}
		}
	}()
	// Stop accepting and wait for the accept loop before closing what it
	// held: only then is nothing left to send on held.
	defer func() {
		ln.Close()
		<-done
		close(held)
		for c := range held {
			c.Close()
		}
	}()
	sender, err := mail.NewSMTP(mail.SMTPOptions{Settings: mail.Settings{URL: "smtp://" + ln.Addr().String(), Timeout: 200 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = sender.Send(ctx, &mail.Message{From: "a@example.com", To: []string{"b@example.com"}, Subject: "s", Text: "t"})
	if err == nil || ctx.Err() != nil || !strings.Contains(err.Error(), "i/o timeout") {
		t.Fatalf("Send to a silent server: %v (context: %v), want an i/o timeout", err, ctx.Err())
	}
}
