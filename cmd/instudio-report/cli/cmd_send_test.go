package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/booking"
	bt "github.com/instudio/instudio-report/booking/bookingtest"
	"github.com/instudio/instudio-report/mail"
	"github.com/instudio/instudio-report/mail/mailtest"
	"github.com/instudio/instudio-report/storage"
)

// writeSendFixture writes three salons' bookings. With the tests' clock
// (Friday 2026-03-13) last-week is Monday 2026-03-02 to Sunday 2026-03-08,
// and nothing falls in the week before.
//
// Salon 1:
//
//	11 booked 03-03 10:00, completed
//	12 booked 03-04 15:00, canceled 03-04 09:00 (6 h before: late)
//	13 booked 03-05 10:00, completed
//	14 booked 03-06 17:00, no-show
//
// so 4 bookings, cancellation 1/4 = 25.0%, late 1/4 = 25.0%, no-show 1/4 =
// 25.0%, peak hour 10:00 (two non-canceled bookings at 10, one at 17).
//
// Salon 2:
//
//	21 booked 03-02 12:00, completed
//	22 booked 03-07 12:00, canceled 03-01 12:00 (6 days before: not late)
//	23 booked 03-09 12:00, completed (the next week: not counted)
//
// so 2 bookings, cancellation 1/2 = 50.0%, late 0.0%, no-show 0.0%, peak
// 12:00 (booking 21; 22 is canceled).
//
// Salon 3:
//
//	31 booked 03-08 11:00, confirmed
//	32 booked 03-08 16:00, pending
//
// so 2 bookings, every rate 0.0%, peak 11:00 (a tie at one each: the
// earliest hour).
func writeSendFixture(t *testing.T) string {
	dir := t.TempDir()
	ev := func(id string, b, salon int64, st booking.Status, at, date string) booking.Event {
		return bt.Event(t, id, b, salon, st, at, date)
	}
	bt.WriteFiles(t, dir, map[string][]booking.Event{"batch": {
		ev("11a", 11, 1, booking.Pending, "2026-02-25 10:00", "2026-03-03 10:00"),
		ev("11b", 11, 1, booking.Completed, "2026-03-03 11:00", "2026-03-03 10:00"),
		ev("12a", 12, 1, booking.Pending, "2026-02-25 10:00", "2026-03-04 15:00"),
		ev("12b", 12, 1, booking.Canceled, "2026-03-04 09:00", "2026-03-04 15:00"),
		ev("13a", 13, 1, booking.Pending, "2026-02-25 10:00", "2026-03-05 10:00"),
		ev("13b", 13, 1, booking.Completed, "2026-03-05 11:00", "2026-03-05 10:00"),
		ev("14a", 14, 1, booking.Pending, "2026-02-25 10:00", "2026-03-06 17:00"),
		ev("14b", 14, 1, booking.NoShow, "2026-03-06 17:30", "2026-03-06 17:00"),
		ev("21a", 21, 2, booking.Pending, "2026-02-25 10:00", "2026-03-02 12:00"),
		ev("21b", 21, 2, booking.Completed, "2026-03-02 13:00", "2026-03-02 12:00"),
		ev("22a", 22, 2, booking.Pending, "2026-02-25 10:00", "2026-03-07 12:00"),
		ev("22b", 22, 2, booking.Canceled, "2026-03-01 12:00", "2026-03-07 12:00"),
		ev("23a", 23, 2, booking.Pending, "2026-02-25 10:00", "2026-03-09 12:00"),
		ev("23b", 23, 2, booking.Completed, "2026-03-09 13:00", "2026-03-09 12:00"),
		ev("31a", 31, 3, booking.Pending, "2026-03-01 10:00", "2026-03-08 11:00"),
		ev("31b", 31, 3, booking.Confirmed, "2026-03-02 10:00", "2026-03-08 11:00"),
		ev("32a", 32, 3, booking.Pending, "2026-03-01 10:00", "2026-03-08 16:00"),
	}})
	return dir
}

// writeSendConfig writes a config for the fixture; salon 4 has no email.
// The newest event (23b, 03-09 13:00) is 92 hours older than the tests'
// clock (03-13 09:00), so max_lag is 100h to keep the source fresh.
func writeSendConfig(t *testing.T, source, smtpURL, salon2Email string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.yaml")
	conf := fmt.Sprintf(`source: %s
smtp:
  url: %s
  from: InStudio Reports <reports@instudio.example>
  list_unsubscribe: <mailto:unsubscribe@instudio.example>
  retries: 1
  retry_backoff: 10ms
  timeout: 5s
  max_lag: 100h
salons:
  - id: 1
    name: Salon Uno
    email: [owner1@example.com]
    cc: [accounts@example.com]
  - id: 2
    name: Salon Dos
    email: [%s]
  - id: 3
    name: Salon Tres
    email: [owner3@example.com, manager3@example.com]
  - id: 4
    name: Salon Cuatro
`, source, smtpURL, salon2Email)
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// row matches a line of the headline table: the metric, then the current
// and previous values.
func row(metric, current, previous string) *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta(metric) + `\s+│\s+` + regexp.QuoteMeta(current) + `\s+│\s+` + regexp.QuoteMeta(previous) + `\s+│`)
}

func TestSendThreeSalonsOncePerPeriod(t *testing.T) {
	srv := mailtest.Start(t)
	state := t.TempDir()
	source := writeSendFixture(t)
	conf := writeSendConfig(t, source, srv.SMTPURL(), "Dos Owner <owner2@example.com>")
	env := map[string]string{"XDG_STATE_HOME": state}
	res := run(t, runOpts{env: env}, "--config", conf, "send", "--period", "last-week")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	for _, want := range []string{
		"send 2026-03-02 to 2026-03-08: 4 salons: 3 sent, 0 already sent, 0 possibly sent, 1 skipped, 0 failed",
		"salon 4 (Salon Cuatro): skipped: no email configured",
	} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}

	tests := []struct {
		subject string
		to, cc  []string
		text    []*regexp.Regexp // rows of the text part's table
		html    []string         // in the HTML part, tags stripped
	}{
		{"Salon Uno: bookings report 2026-03-02 to 2026-03-08", []string{"owner1@example.com"}, []string{"accounts@example.com"}, []*regexp.Regexp{
			row("Bookings", "4", "0"), row("completed", "2", "0"), row("canceled", "1", "0"), row("no-show", "1", "0"),
			row("Cancellation rate", "25.0%", "–"), row("Late cancellation rate", "25.0%", "–"), row("No-show rate", "25.0%", "–"),
			row("Peak hour", "10:00", "–"),
		}, []string{
			"Bookings 4 before: 0", "Completed 2 before: 0", "Cancellation rate 25.0% before: –",
			"Late cancellation rate 25.0% before: –", "No-show rate 25.0% before: –", "Peak hour 10:00 before: –",
		}},
		{"Salon Dos: bookings report 2026-03-02 to 2026-03-08", []string{"owner2@example.com"}, nil, []*regexp.Regexp{
			row("Bookings", "2", "0"), row("Cancellation rate", "50.0%", "–"), row("Late cancellation rate", "0.0%", "–"),
			row("No-show rate", "0.0%", "–"), row("Peak hour", "12:00", "–"),
		}, []string{
			"Bookings 2 before: 0", "Cancellation rate 50.0% before: –", "Late cancellation rate 0.0% before: –", "Peak hour 12:00 before: –",
		}},
		{"Salon Tres: bookings report 2026-03-02 to 2026-03-08", []string{"manager3@example.com", "owner3@example.com"}, nil, []*regexp.Regexp{
			row("Bookings", "2", "0"), row("pending", "1", "0"), row("confirmed", "1", "0"), row("Cancellation rate", "0.0%", "–"),
			row("Peak hour", "11:00", "–"),
		}, []string{
			"Bookings 2 before: 0", "Cancellation rate 0.0% before: –", "Peak hour 11:00 before: –",
		}},
	}
	msgs := srv.Messages(t)
	if len(msgs) != len(tests) {
		t.Fatalf("mailpit holds %d messages, want %d", len(msgs), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.subject, func(t *testing.T) {
			i := slices.IndexFunc(msgs, func(m mailtest.Summary) bool { return m.Subject == tt.subject })
			if i < 0 {
				t.Fatalf("no message with this subject in %+v", msgs)
			}
			if got := mailtest.Addresses(msgs[i].To); !slices.Equal(got, tt.to) {
				t.Errorf("To = %v, want %v", got, tt.to)
			}
			if got := mailtest.Addresses(msgs[i].Cc); !slices.Equal(got, tt.cc) {
				t.Errorf("Cc = %v, want %v", got, tt.cc)
			}
			m := srv.Message(t, msgs[i].ID)
			if m.Text == "" || m.HTML == "" {
				t.Fatalf("want both parts: text %d bytes, html %d bytes", len(m.Text), len(m.HTML))
			}
			for _, re := range tt.text {
				if !re.MatchString(m.Text) {
					t.Errorf("text part lacks %s:\n%s", re, m.Text)
				}
			}
			html := mailtest.HTMLText(m.HTML)
			for _, f := range tt.html {
				if !strings.Contains(html, f) {
					t.Errorf("html part lacks %q:\n%s", f, html)
				}
			}
			if !m.Date.Equal(fixedNow) {
				t.Errorf("Date = %v, want the run's clock %v", m.Date, fixedNow)
			}
			if m.ListUnsubscribe.Header != "<mailto:unsubscribe@instudio.example>" {
				t.Errorf("List-Unsubscribe = %q", m.ListUnsubscribe.Header)
			}
		})
	}

	// The ledger is in the XDG state directory.
	if _, err := os.Stat(filepath.Join(state, "instudio-report", "ledger", "2026-03-02_2026-03-09", "salon-1", "0001.sent")); err != nil {
		t.Errorf("ledger entry: %v", err)
	}

	// A second run of the same period sends nothing, and needs no report:
	// it runs even with the bookings gone.
	if err := os.Rename(source, source+".away"); err != nil {
		t.Fatal(err)
	}
	res = run(t, runOpts{env: env}, "--config", conf, "send", "--period", "last-week")
	if res.code != 0 || !strings.Contains(res.stderr, "0 sent, 3 already sent") {
		t.Errorf("second run: exit %d: %s", res.code, res.stderr)
	}
	if n := len(srv.Messages(t)); n != 3 {
		t.Errorf("after the second run mailpit holds %d messages, want 3", n)
	}

	if err := os.Rename(source+".away", source); err != nil {
		t.Fatal(err)
	}

	// --force --salon resends one.
	res = run(t, runOpts{env: env}, "--config", conf, "send", "--period", "last-week", "--salon", "2", "--force")
	if res.code != 0 || !strings.Contains(res.stderr, "1 salons: 1 sent") {
		t.Errorf("forced run: exit %d: %s", res.code, res.stderr)
	}
	if n := len(srv.Messages(t)); n != 4 {
		t.Errorf("after --force mailpit holds %d messages, want 4", n)
	}
}

func TestSendRejectedAddress(t *testing.T) {
	srv := mailtest.Start(t, "--smtp-allowed-recipients", `@example\.com$`)
	ledger := t.TempDir()
	conf := writeSendConfig(t, writeSendFixture(t), srv.SMTPURL(), "owner2@rejected.test")
	res := run(t, runOpts{}, "--config", conf, "send", "--period", "last-week", "--ledger", ledger)
	if res.code != 1 {
		t.Fatalf("exit %d, want 1: %s", res.code, res.stderr)
	}
	for _, want := range []string{
		"2 sent, 0 already sent, 0 possibly sent, 1 skipped, 1 failed",
		"salon 2 (Salon Dos): failed: not delivered after 1 attempt(s)",
		"owner2@rejected.test",
		"instudio-report: send: 1 of 4 salons failed",
	} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
	if n := len(srv.Messages(t)); n != 2 {
		t.Errorf("mailpit holds %d messages, want 2", n)
	}
	st, err := (&mail.Ledger{Root: &storage.Dir{Path: ledger}}).Load(context.Background(), mail.Period{From: date(t, "2026-03-02"), To: date(t, "2026-03-09")})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]mail.State{1: mail.Sent, 2: mail.Failed, 3: mail.Sent} {
		if st[id].State != want || st[id].Attempt != 1 {
			t.Errorf("ledger salon %d: %+v, want attempt 1 %s", id, st[id], want)
		}
	}
	if _, ok := st[4]; ok {
		t.Errorf("ledger has salon 4, which has no email")
	}
}

func date(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSendDryRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	state := t.TempDir()
	// Nothing listens on port 9: a dry run never connects.
	conf := writeSendConfig(t, writeSendFixture(t), "smtp://127.0.0.1:9", "owner2@example.com")
	res := run(t, runOpts{env: map[string]string{"XDG_STATE_HOME": state}}, "--config", conf, "send", "--period", "last-week", "--dry-run", out)
	if res.code != 0 || !strings.Contains(res.stderr, "wrote 3 messages to "+out+", sent nothing") {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	for _, id := range []int{1, 2, 3} {
		data, err := os.ReadFile(filepath.Join(out, fmt.Sprintf("salon-%d.eml", id)))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "Content-Type: multipart/alternative") {
			t.Errorf("salon-%d.eml is not multipart/alternative:\n%s", id, data)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "salon-4.eml")); err == nil {
		t.Error("salon 4 has no email but got a draft")
	}
	if entries, _ := os.ReadDir(state); len(entries) != 0 {
		t.Errorf("a dry run wrote to the state directory: %v", entries)
	}
}

func TestSendConfigErrors(t *testing.T) {
	source := writeSendFixture(t)
	write := func(body string) string {
		p := filepath.Join(t.TempDir(), "report.yaml")
		if err := os.WriteFile(p, []byte("source: "+source+"\n"+body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const smtpBlock = "smtp:\n  url: smtp://127.0.0.1:9\n  from: reports@instudio.example\n"
	tests := []struct {
		name string
		conf string
		args []string
		env  map[string]string
		code int
		want string
	}{
		{"invalid address names the salon", smtpBlock + "salons:\n  - id: 7\n    name: Siete\n    email: [not an address]\n", nil, nil, 1,
			`salon 7: invalid email address "not an address"`},
		{"invalid cc names the salon", smtpBlock + "salons:\n  - id: 8\n    email: [a@example.com]\n    cc: [b@]\n", nil, nil, 1,
			`salon 8: invalid email address "b@"`},
		{"unknown smtp key", smtpBlock + "  tls: yes\nsalons:\n  - id: 1\n    email: [a@example.com]\n", nil, nil, 1,
			`unknown key "tls"`},
		{"password in the url", "smtp:\n  url: smtp://reports:hunter2@mail.example.com\n  from: r@example.com\n", nil, nil, 1,
			"smtp.url must not hold a password"},
		{"no smtp url", "smtp:\n  from: r@example.com\nsalons:\n  - id: 1\n    email: [a@example.com]\n", nil, nil, 1,
			"smtp.url is required to send (or use --dry-run DIR)"},
		{"user without password", "smtp:\n  url: smtp://reports@127.0.0.1:9\n  from: r@example.com\nsalons:\n  - id: 1\n    email: [a@example.com]\n", nil, nil, 1,
			`smtp.url names user "reports" but no password is set`},
		{"salon not in the config", smtpBlock + "salons:\n  - id: 1\n    email: [a@example.com]\n", []string{"--salon", "5"}, nil, 2,
			"--salon 5 is not in"},
		{"missing password file", "smtp:\n  url: smtp://reports@127.0.0.1:9\n  from: r@example.com\n  password_file: /nonexistent/pw\nsalons:\n  - id: 1\n    email: [a@example.com]\n", nil, nil, 1,
			"smtp.password_file /nonexistent/pw: no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--config", write(tt.conf), "send", "--period", "last-week", "--ledger", t.TempDir()}, tt.args...)
			res := run(t, runOpts{env: tt.env}, args...)
			if res.code != tt.code || !strings.Contains(res.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", res.code, res.stderr, tt.code, tt.want)
			}
			if strings.Contains(res.stderr, "hunter2") {
				t.Errorf("stderr leaks the password: %s", res.stderr)
			}
		})
	}

	res := run(t, runOpts{}, "send", "--period", "last-week")
	if res.code != 2 || !strings.Contains(res.stderr, "--config FILE") {
		t.Errorf("without a config: exit %d: %s", res.code, res.stderr)
	}
}

// The password never reaches the output, even at debug level and when the
// login fails. (Delivery with a login is tested in the mail package, over
// TLS: go-mail refuses PLAIN and LOGIN on a connection in clear, and so
// does this run.)
func TestSendPasswordNeverPrinted(t *testing.T) {
	srv := mailtest.Start(t, "--smtp-auth-accept-any", "--smtp-auth-allow-insecure")
	conf := writeSendConfig(t, writeSendFixture(t), strings.Replace(srv.SMTPURL(), "smtp://", "smtp://reports@", 1), "owner2@example.com")
	env := map[string]string{"INSTUDIO_SMTP_PASSWORD": "hunter2-secret"}
	res := run(t, runOpts{env: env}, "--config", conf, "--log-level", "debug", "send", "--period", "last-week", "--ledger", t.TempDir())
	if res.code != 1 || !strings.Contains(res.stderr, "not able to detect a supported authentication mechanism") {
		t.Fatalf("exit %d, want 1 and the refused login: %s", res.code, res.stderr)
	}
	if strings.Contains(res.stderr+res.stdout, "hunter2") {
		t.Errorf("output leaks the password:\n%s", res.stderr)
	}
	if n := len(srv.Messages(t)); n != 0 {
		t.Errorf("mailpit holds %d messages, want none", n)
	}
}
