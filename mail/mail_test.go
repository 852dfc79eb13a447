package mail_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instudio/instudio-report/mail"
	"github.com/instudio/instudio-report/mail/mailtest"
	"github.com/instudio/instudio-report/report"
	"github.com/instudio/instudio-report/storage"
)

var (
	week     = mail.Period{From: date("2026-11-16"), To: date("2026-11-23")}
	sentAt   = time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)
	fixedNow = func() time.Time { return sentAt }
)

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// salonReport is a report with the given headline counts; the figures the
// tests look for in the text are these, so they are known by hand.
func salonReport(id int64, name string, bookings, completed, canceled, noShow int64) report.Report {
	prevFrom, prevTo := report.Before(week.From, week.To)
	r := report.Report{
		SalonID:   id,
		SalonName: name,
		Current: report.Period{From: week.From, To: week.To, Counts: report.Counts{
			Bookings: bookings, Completed: completed, Canceled: canceled, NoShow: noShow,
			Confirmed: bookings - completed - canceled - noShow,
		}},
		Previous: report.Period{From: prevFrom, To: prevTo},
	}
	r.Current.FillDaily(nil)
	return r
}

type salonSpec struct {
	id     int64
	name   string
	to, cc []string
	counts [4]int64
}

// threeSalons are the salons of most tests. Salon 3 had no bookings.
var threeSalons = []salonSpec{
	{1, "Salon Uno", []string{"owner1@example.com"}, []string{"accounts@example.com"}, [4]int64{4, 2, 1, 1}},
	{2, "Salon Dos", []string{"Dos Owner <owner2@example.com>"}, nil, [4]int64{10, 7, 2, 0}},
	{3, "Salon Tres", []string{"owner3@example.com", "manager3@example.com"}, nil, [4]int64{0, 0, 0, 0}},
}

var settings = mail.Settings{
	From:            "InStudio Reports <reports@instudio.example>",
	ListUnsubscribe: "<mailto:unsubscribe@instudio.example>",
	AttachCSV:       true,
}

func jobs(t *testing.T, specs []salonSpec) []mail.Job {
	t.Helper()
	var out []mail.Job
	for _, s := range specs {
		r := salonReport(s.id, s.name, s.counts[0], s.counts[1], s.counts[2], s.counts[3])
		job, err := mail.Compose(r, mail.Recipient{To: s.to, Cc: s.cc}, settings, sentAt)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, job)
	}
	return out
}

// delivery is a run against srv with the ledger in dir; no real sleeps.
func delivery(t *testing.T, smtpURL, dir string) *mail.Delivery {
	t.Helper()
	s := settings
	s.URL = smtpURL
	s.Timeout = 5 * time.Second
	sender, err := mail.NewSMTP(mail.SMTPOptions{Settings: s})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sender.Close() })
	return &mail.Delivery{
		Sender:  sender,
		Ledger:  &mail.Ledger{Root: &storage.Dir{Path: dir}},
		Period:  week,
		Retries: 2,
		Backoff: time.Second,
		Sleep:   func(context.Context, time.Duration) error { return nil },
		Now:     fixedNow,
	}
}

func outcomes(s *mail.Summary) map[int64]mail.Outcome {
	out := map[int64]mail.Outcome{}
	for _, r := range s.Results {
		out[r.SalonID] = r.Outcome
	}
	return out
}

func ledgerStates(t *testing.T, dir string) map[int64]mail.Status {
	t.Helper()
	st, err := (&mail.Ledger{Root: &storage.Dir{Path: dir}}).Load(context.Background(), week)
	if err != nil {
		t.Fatal(err)
	}
	for id, s := range st {
		s.Since = time.Time{}
		st[id] = s
	}
	return st
}

func bySubject(t *testing.T, srv *mailtest.Server) map[string][]mailtest.Summary {
	t.Helper()
	out := map[string][]mailtest.Summary{}
	for _, m := range srv.Messages(t) {
		out[m.Subject] = append(out[m.Subject], m)
	}
	return out
}

func TestDeliverThreeSalonsOnceAndForce(t *testing.T) {
	srv := mailtest.Start(t)
	dir := t.TempDir()
	d := delivery(t, srv.SMTPURL(), dir)
	sum := d.Run(context.Background(), jobs(t, threeSalons))
	if got := outcomes(sum); got[1] != mail.OutcomeSent || got[2] != mail.OutcomeSent || got[3] != mail.OutcomeSent {
		t.Fatalf("outcomes = %v, want all sent", got)
	}

	msgs := bySubject(t, srv)
	if len(srv.Messages(t)) != 3 {
		t.Fatalf("mailpit holds %d messages, want 3", len(srv.Messages(t)))
	}
	tests := []struct {
		subject  string
		to, cc   []string
		salon    int64
		text     []string // in the text part
		html     []string // in the HTML part, tags stripped
		csvLines []string
	}{
		{"Salon Uno: bookings report 2026-11-16 to 2026-11-22", []string{"owner1@example.com"}, []string{"accounts@example.com"}, 1,
			// 4 bookings, 1 canceled -> 25.0 %, 1 no-show -> 25.0 %.
			[]string{"Salon 1 · Salon Uno", "2026-11-16 → 2026-11-22", "25.0%"},
			[]string{"Salon report Salon Uno Appointments Mon 16 Nov 2026 – Sun 22 Nov 2026 (7 days)", "Bookings 4 before: 0", "Cancellation rate 25.0% before: –", "No-show rate 25.0% before: –"},
			[]string{"1,current,2026-11-16,2026-11-23,,bookings,,4", "1,current,2026-11-16,2026-11-23,,cancellation_rate,,0.25"}},
		{"Salon Dos: bookings report 2026-11-16 to 2026-11-22", []string{"owner2@example.com"}, nil, 2,
			// 10 bookings, 2 canceled -> 20.0 %, no no-shows -> 0.0 %.
			[]string{"Salon 2 · Salon Dos", "20.0%", "0.0%"},
			[]string{"Bookings 10 before: 0", "Completed 7 before: 0", "Cancellation rate 20.0% before: –", "No-show rate 0.0% before: –"},
			[]string{"2,current,2026-11-16,2026-11-23,,bookings,,10"}},
		{"Salon Tres: bookings report 2026-11-16 to 2026-11-22", []string{"manager3@example.com", "owner3@example.com"}, nil, 3,
			// No bookings: rates are null, shown as a dash.
			[]string{"Salon 3 · Salon Tres", "–"},
			[]string{"Bookings 0 before: 0", "Cancellation rate – before: –"},
			[]string{"3,current,2026-11-16,2026-11-23,,bookings,,0"}},
	}
	for _, tt := range tests {
		t.Run(tt.subject, func(t *testing.T) {
			got := msgs[tt.subject]
			if len(got) != 1 {
				t.Fatalf("%d messages with this subject, want 1 (subjects: %v)", len(got), msgs)
			}
			sum := got[0]
			if a := mailtest.Addresses(sum.To); !slices.Equal(a, tt.to) {
				t.Errorf("To = %v, want %v", a, tt.to)
			}
			if a := mailtest.Addresses(sum.Cc); !slices.Equal(a, tt.cc) {
				t.Errorf("Cc = %v, want %v", a, tt.cc)
			}
			if sum.From.Address != "reports@instudio.example" || sum.From.Name != "InStudio Reports" {
				t.Errorf("From = %+v", sum.From)
			}
			// Written out: salon, period key, attempt, the domain of from.
			if want := fmt.Sprintf("instudio-report.salon-%d.2026-11-16_2026-11-23.1@instudio.example", tt.salon); sum.MessageID != want {
				t.Errorf("Message-ID = %q, want %q", sum.MessageID, want)
			}
			m := srv.Message(t, sum.ID)
			for _, f := range tt.text {
				if !strings.Contains(m.Text, f) {
					t.Errorf("text part lacks %q:\n%s", f, m.Text)
				}
			}
			html := mailtest.HTMLText(m.HTML)
			for _, f := range tt.html {
				if !strings.Contains(html, f) {
					t.Errorf("html part lacks %q:\n%s", f, html)
				}
			}
			if !m.Date.Equal(sentAt) {
				t.Errorf("Date = %v, want %v", m.Date, sentAt)
			}
			if m.ListUnsubscribe.Header != "<mailto:unsubscribe@instudio.example>" {
				t.Errorf("List-Unsubscribe = %q", m.ListUnsubscribe.Header)
			}
			h := srv.Headers(t, sum.ID)
			if ct := strings.Join(h["Content-Type"], ""); !strings.HasPrefix(ct, "multipart/mixed") {
				t.Errorf("Content-Type = %q, want multipart/mixed (alternative + attachment)", ct)
			}
			if got := strings.Join(h["Auto-Submitted"], ""); got != "auto-generated" {
				t.Errorf("Auto-Submitted = %q", got)
			}
			if len(m.Attachments) != 1 || m.Attachments[0].ContentType != "text/csv" {
				t.Fatalf("attachments = %+v, want one text/csv", m.Attachments)
			}
			if want := fmt.Sprintf("salon-%d_2026-11-16_2026-11-23.csv", tt.salon); m.Attachments[0].FileName != want {
				t.Errorf("attachment name = %q, want %q", m.Attachments[0].FileName, want)
			}
			csv := string(srv.Part(t, sum.ID, m.Attachments[0].PartID))
			for _, line := range tt.csvLines {
				if !strings.Contains(csv, line+"\n") && !strings.Contains(csv, line+"\r\n") {
					t.Errorf("csv lacks %q:\n%s", line, csv)
				}
			}
		})
	}
	want := map[int64]mail.Status{1: {Attempt: 1, State: mail.Sent}, 2: {Attempt: 1, State: mail.Sent}, 3: {Attempt: 1, State: mail.Sent}}
	if got := ledgerStates(t, dir); !maps.Equal(got, want) {
		t.Errorf("ledger = %v, want %v", got, want)
	}

	// The same period again: nothing new.
	sum = delivery(t, srv.SMTPURL(), dir).Run(context.Background(), jobs(t, threeSalons))
	if n := sum.Count(mail.OutcomeAlreadySent); n != 3 {
		t.Errorf("second run: %d already sent, want 3: %v", n, outcomes(sum))
	}
	if n := len(srv.Messages(t)); n != 3 {
		t.Errorf("second run: mailpit holds %d messages, want still 3", n)
	}

	// --force sends again, as attempt 2 with a new Message-ID.
	d = delivery(t, srv.SMTPURL(), dir)
	d.Force = true
	sum = d.Run(context.Background(), jobs(t, threeSalons[:1]))
	if n := sum.Count(mail.OutcomeSent); n != 1 {
		t.Errorf("forced run: %d sent, want 1: %v", n, outcomes(sum))
	}
	if n := len(srv.Messages(t)); n != 4 {
		t.Errorf("forced run: mailpit holds %d messages, want 4", n)
	}
	if got := srv.Messages(t)[0].MessageID; got != "instudio-report.salon-1.2026-11-16_2026-11-23.2@instudio.example" {
		t.Errorf("forced resend Message-ID = %q, want attempt 2", got)
	}
	if got := ledgerStates(t, dir)[1]; got != (mail.Status{Attempt: 2, State: mail.Sent}) {
		t.Errorf("ledger after force = %+v", got)
	}
}

// killAfter stands for a process killed after n messages were accepted:
// the run's context ends, as on SIGTERM, before the next salon.
type killAfter struct {
	mail.Sender
	n      int
	cancel context.CancelFunc
}

func (k *killAfter) Send(ctx context.Context, m *mail.Message) error {
	err := k.Sender.Send(ctx, m)
	if k.n--; k.n == 0 {
		k.cancel()
	}
	return err
}

// crashAfterAccept delivers the message and then loses the server's
// answer, as a process killed after the server accepted the message and
// before the ledger recorded it.
type crashAfterAccept struct{ mail.Sender }

func (c crashAfterAccept) Send(ctx context.Context, m *mail.Message) error {
	if err := c.Sender.Send(ctx, m); err != nil {
		return err
	}
	return &mail.DeliveryError{Err: errors.New("connection lost after the final dot"), Unknown: true}
}

func TestDeliverResumesAfterKill(t *testing.T) {
	srv := mailtest.Start(t)
	dir := t.TempDir()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := delivery(t, srv.SMTPURL(), dir)
	d.Sender = &killAfter{Sender: d.Sender, n: 1, cancel: cancel}
	sum := d.Run(ctx, jobs(t, threeSalons))
	if got, want := outcomes(sum), map[int64]mail.Outcome{1: mail.OutcomeSent, 2: mail.OutcomeNotAttempted, 3: mail.OutcomeNotAttempted}; !maps.Equal(got, want) {
		t.Fatalf("killed run: %v, want %v", got, want)
	}
	if n := len(srv.Messages(t)); n != 1 {
		t.Fatalf("killed run delivered %d, want 1", n)
	}

	sum = delivery(t, srv.SMTPURL(), dir).Run(context.Background(), jobs(t, threeSalons))
	if got, want := outcomes(sum), map[int64]mail.Outcome{1: mail.OutcomeAlreadySent, 2: mail.OutcomeSent, 3: mail.OutcomeSent}; !maps.Equal(got, want) {
		t.Fatalf("resumed run: %v, want %v", got, want)
	}
	for subject, ms := range bySubject(t, srv) {
		if len(ms) != 1 {
			t.Errorf("%q delivered %d times, want once", subject, len(ms))
		}
	}
	if n := len(srv.Messages(t)); n != 3 {
		t.Errorf("after resume mailpit holds %d messages, want 3", n)
	}
}

func TestDeliverCrashAfterAcceptIsPossiblySent(t *testing.T) {
	srv := mailtest.Start(t)
	dir := t.TempDir()
	d := delivery(t, srv.SMTPURL(), dir)
	d.Sender = crashAfterAccept{d.Sender}
	sum := d.Run(context.Background(), jobs(t, threeSalons[:1]))
	if got := outcomes(sum)[1]; got != mail.OutcomeFailed {
		t.Fatalf("crashed attempt: %s, want failed", got)
	}
	if !strings.Contains(sum.Results[0].Detail, "may have been delivered") {
		t.Errorf("detail = %q", sum.Results[0].Detail)
	}
	if got := ledgerStates(t, dir)[1]; got != (mail.Status{Attempt: 1, State: mail.Sending}) {
		t.Fatalf("ledger = %+v, want attempt 1 sending", got)
	}

	// The next run lists it and leaves it alone.
	sum = delivery(t, srv.SMTPURL(), dir).Run(context.Background(), jobs(t, threeSalons[:1]))
	if got := outcomes(sum)[1]; got != mail.OutcomePossiblySent {
		t.Fatalf("resumed run: %s, want possibly sent", got)
	}
	var buf bytes.Buffer
	sum.Write(&buf)
	if !strings.Contains(buf.String(), "salon 1 (Salon Uno): possibly sent: attempt 1 began at") || !strings.Contains(buf.String(), "--force") {
		t.Errorf("summary:\n%s", buf.String())
	}
	if n := len(srv.Messages(t)); n != 1 {
		t.Fatalf("mailpit holds %d messages, want 1", n)
	}

	// --force sends it again.
	d = delivery(t, srv.SMTPURL(), dir)
	d.Force = true
	d.Run(context.Background(), jobs(t, threeSalons[:1]))
	if n := len(srv.Messages(t)); n != 2 {
		t.Fatalf("after --force mailpit holds %d messages, want 2", n)
	}
	if got := ledgerStates(t, dir)[1]; got != (mail.Status{Attempt: 2, State: mail.Sent}) {
		t.Errorf("ledger = %+v, want attempt 2 sent", got)
	}
}

func TestDeliverRetriesUntilServerUp(t *testing.T) {
	mailtest.Binary(t)
	port := mailtest.FreePort(t)
	var srv *mailtest.Server
	var waits []time.Duration
	d := delivery(t, fmt.Sprintf("smtp://127.0.0.1:%d", port), t.TempDir())
	d.Sleep = func(ctx context.Context, dur time.Duration) error {
		waits = append(waits, dur)
		if srv == nil {
			// The server comes up during the first backoff.
			srv = mailtest.StartOn(t, port)
		}
		return nil
	}
	sum := d.Run(context.Background(), jobs(t, threeSalons[:2]))
	if got := outcomes(sum); got[1] != mail.OutcomeSent || got[2] != mail.OutcomeSent {
		var buf bytes.Buffer
		sum.Write(&buf)
		t.Fatalf("outcomes %v:\n%s", got, buf.String())
	}
	if sum.Results[0].Attempts != 2 || sum.Results[1].Attempts != 1 {
		t.Errorf("attempts = %d, %d; want 2 (refused, then delivered) and 1", sum.Results[0].Attempts, sum.Results[1].Attempts)
	}
	if !slices.Equal(waits, []time.Duration{time.Second}) {
		t.Errorf("waits = %v, want one backoff of 1s", waits)
	}
	if n := len(srv.Messages(t)); n != 2 {
		t.Errorf("mailpit holds %d, want 2", n)
	}
}

func TestDeliverTransientFailureBoundedRetries(t *testing.T) {
	srv := mailtest.Start(t, "--enable-chaos")
	srv.SetChaos(t, [2]int{451, 0}, [2]int{451, 100})
	dir := t.TempDir()
	var waits []time.Duration
	d := delivery(t, srv.SMTPURL(), dir)
	d.Sleep = func(_ context.Context, dur time.Duration) error { waits = append(waits, dur); return nil }
	sum := d.Run(context.Background(), jobs(t, threeSalons[:1]))
	// Retries: 2, so three transactions and two waits, doubling.
	if r := sum.Results[0]; r.Outcome != mail.OutcomeFailed || r.Attempts != 3 || !strings.Contains(r.Detail, "451") {
		t.Fatalf("result = %+v, want failed after 3 attempts with the 451", r)
	}
	if !slices.Equal(waits, []time.Duration{time.Second, 2 * time.Second}) {
		t.Errorf("waits = %v, want [1s 2s]", waits)
	}
	if got := ledgerStates(t, dir)[1]; got != (mail.Status{Attempt: 1, State: mail.Failed}) {
		t.Errorf("ledger = %+v, want attempt 1 failed", got)
	}

	// A failure is not a success: the next run delivers.
	srv.SetChaos(t, [2]int{451, 0}, [2]int{451, 0})
	sum = delivery(t, srv.SMTPURL(), dir).Run(context.Background(), jobs(t, threeSalons[:1]))
	if got := outcomes(sum)[1]; got != mail.OutcomeSent {
		t.Fatalf("next run: %s, want sent", got)
	}
	if got := ledgerStates(t, dir)[1]; got != (mail.Status{Attempt: 2, State: mail.Sent}) {
		t.Errorf("ledger = %+v, want attempt 2 sent", got)
	}
}

func TestDeliverRejectedAddressIsolated(t *testing.T) {
	srv := mailtest.Start(t, "--smtp-allowed-recipients", `@example\.com$`)
	dir := t.TempDir()
	specs := slices.Clone(threeSalons)
	specs[1].to = []string{"owner2@rejected.test"}
	sum := delivery(t, srv.SMTPURL(), dir).Run(context.Background(), jobs(t, specs))
	if got, want := outcomes(sum), map[int64]mail.Outcome{1: mail.OutcomeSent, 2: mail.OutcomeFailed, 3: mail.OutcomeSent}; !maps.Equal(got, want) {
		t.Fatalf("outcomes %v, want %v", got, want)
	}
	// A 5xx is permanent: no retry.
	if r := sum.Results[1]; r.Attempts != 1 || !strings.Contains(r.Detail, "owner2@rejected.test") {
		t.Errorf("salon 2: %+v, want one attempt naming the address", r)
	}
	if n := len(srv.Messages(t)); n != 2 {
		t.Errorf("mailpit holds %d, want 2", n)
	}
	want := map[int64]mail.Status{1: {Attempt: 1, State: mail.Sent}, 2: {Attempt: 1, State: mail.Failed}, 3: {Attempt: 1, State: mail.Sent}}
	if got := ledgerStates(t, dir); !maps.Equal(got, want) {
		t.Errorf("ledger = %v, want %v", got, want)
	}
	var buf bytes.Buffer
	sum.Write(&buf)
	if !strings.Contains(buf.String(), "2 sent, 0 already sent, 0 possibly sent, 0 skipped, 1 failed") ||
		!strings.Contains(buf.String(), "salon 2 (Salon Dos): failed: not delivered after 1 attempt(s)") {
		t.Errorf("summary:\n%s", buf.String())
	}
}

func TestConcurrentRunsNeverSendTwice(t *testing.T) {
	srv := mailtest.Start(t)
	dir := t.TempDir()
	var specs []salonSpec
	for i := int64(1); i <= 12; i++ {
		specs = append(specs, salonSpec{i, fmt.Sprintf("Salon %d", i), []string{fmt.Sprintf("owner%d@example.com", i)}, nil, [4]int64{1, 1, 0, 0}})
	}
	// Three runs read the ledger at the same moment, so each believes every
	// salon is its to send; then they race. Forced runs race the same way
	// for the next attempt.
	for _, force := range []bool{false, true} {
		runs := make([]*mail.Delivery, 3)
		for i := range runs {
			runs[i] = delivery(t, srv.SMTPURL(), dir)
			runs[i].Force = force
			if err := runs[i].Load(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		sums := make([]*mail.Summary, len(runs))
		for i, d := range runs {
			js := jobs(t, specs)
			if i == 1 {
				slices.Reverse(js) // meet the others in the middle
			}
			wg.Go(func() { sums[i] = d.Run(context.Background(), js) })
		}
		wg.Wait()
		sent := 0
		for _, s := range sums {
			sent += s.Count(mail.OutcomeSent)
		}
		round := 1
		if force {
			round = 2
		}
		if sent != len(specs) {
			t.Errorf("force=%v: the runs sent %d in all, want %d", force, sent, len(specs))
		}
		for subject, ms := range bySubject(t, srv) {
			if len(ms) != round {
				t.Errorf("force=%v: %q delivered %d times, want %d", force, subject, len(ms), round)
			}
		}
	}
}

func TestDryRunWritesEML(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	written, err := mail.WriteDrafts(dir, week, jobs(t, threeSalons))
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 3 {
		t.Fatalf("wrote %v, want 3 files", written)
	}
	f, err := os.Open(filepath.Join(dir, "salon-2.eml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	msg, err := netmail.ReadMessage(f)
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get("Subject"); got != "Salon Dos: bookings report 2026-11-16 to 2026-11-22" {
		t.Errorf("Subject = %q", got)
	}
	if got := msg.Header.Get("Message-Id"); got != "<instudio-report.salon-2.2026-11-16_2026-11-23.1@instudio.example>" {
		t.Errorf("Message-ID = %q", got)
	}
	if d, err := msg.Header.Date(); err != nil || !d.Equal(sentAt) {
		t.Errorf("Date = %v, %v", d, err)
	}
	// multipart/mixed holds a multipart/alternative (text, then html) and the CSV.
	var types []string
	var walk func(ct string, body []byte)
	walk = func(ct string, body []byte) {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, mt)
		if !strings.HasPrefix(mt, "multipart/") {
			return
		}
		r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err != nil {
				break
			}
			var b bytes.Buffer
			b.ReadFrom(p)
			walk(p.Header.Get("Content-Type"), b.Bytes())
		}
	}
	var body bytes.Buffer
	body.ReadFrom(msg.Body)
	walk(msg.Header.Get("Content-Type"), body.Bytes())
	want := []string{"multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/csv"}
	if !slices.Equal(types, want) {
		t.Errorf("MIME structure %v, want %v", types, want)
	}
}

func TestSettingsCheck(t *testing.T) {
	tests := []struct {
		name string
		s    mail.Settings
		err  string // "" for valid
	}{
		{"smtp with user", mail.Settings{URL: "smtp://reports@mail.example.com:587", From: "r@example.com"}, ""},
		{"smtps", mail.Settings{URL: "smtps://mail.example.com", StartTLS: "required"}, ""},
		{"password in url", mail.Settings{URL: "smtp://reports:hunter2@mail.example.com"}, "must not hold a password"},
		{"other scheme", mail.Settings{URL: "http://mail.example.com"}, `scheme "http"`},
		{"no host", mail.Settings{URL: "smtp://"}, "no host"},
		{"bad port", mail.Settings{URL: "smtp://mail.example.com:0"}, "invalid port"},
		{"bad starttls", mail.Settings{StartTLS: "always"}, `"always" is not a policy`},
		{"bad from", mail.Settings{From: "reports at example"}, "smtp.from: invalid email address"},
		{"unbracketed unsubscribe", mail.Settings{ListUnsubscribe: "mailto:u@example.com"}, "angle brackets"},
		{"negative retries", mail.Settings{Retries: ptr(-1)}, "smtp.retries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Check()
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("error = %v, want one containing %q", err, tt.err)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error leaks the password: %v", err)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// selfSigned writes a certificate for 127.0.0.1 and returns its files and
// a pool that trusts it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestTLSModes(t *testing.T) {
	cert, key, pool := selfSigned(t)
	tlsConfig := &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	plain := mailtest.Start(t)
	startTLS := mailtest.Start(t, "--smtp-tls-cert", cert, "--smtp-tls-key", key, "--smtp-require-starttls",
		"--smtp-auth-accept-any")
	implicit := mailtest.Start(t, "--smtp-tls-cert", cert, "--smtp-tls-key", key, "--smtp-require-tls",
		"--smtp-auth-accept-any")
	tests := []struct {
		name      string
		srv       *mailtest.Server
		url       string
		starttls  string
		password  string
		err       string // "" when delivered
		temporary bool
	}{
		{"starttls offered and used, with auth", startTLS, "smtp://reports@127.0.0.1:%d", "required", "s3cret", "", false},
		{"opportunistic takes it when offered", startTLS, "smtp://127.0.0.1:%d", "", "", "", false},
		{"smtps is TLS from the start", implicit, "smtps://reports@127.0.0.1:%d", "", "s3cret", "", false},
		{"opportunistic without starttls sends in clear", plain, "smtp://127.0.0.1:%d", "opportunistic", "", "", false},
		{"required refuses a server without starttls", plain, "smtp://127.0.0.1:%d", "required", "", "STARTTLS", false},
		// A TLS handshake with a plain server is a misconfiguration: no retry.
		{"smtps against a plain server fails", plain, "smtps://127.0.0.1:%d", "", "", "connect", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := settings
			s.URL, s.StartTLS, s.Timeout = fmt.Sprintf(tt.url, tt.srv.SMTPPort), tt.starttls, 3*time.Second
			sender, err := mail.NewSMTP(mail.SMTPOptions{Settings: s, Password: tt.password, TLSConfig: tlsConfig})
			if err != nil {
				t.Fatal(err)
			}
			defer sender.Close()
			job := jobs(t, threeSalons[:1])[0]
			job.Message.Subject = tt.name
			err = sender.Send(context.Background(), &job.Message)
			if tt.err == "" {
				if err != nil {
					t.Fatalf("send: %v", err)
				}
				for _, m := range tt.srv.Messages(t) {
					if m.Subject == tt.name {
						if tt.password != "" && m.Username != "reports" {
							t.Errorf("delivered as user %q, want reports", m.Username)
						}
						return
					}
				}
				t.Fatal("not delivered")
			}
			var de *mail.DeliveryError
			if err == nil || !errors.As(err, &de) || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("error = %v, want a delivery error containing %q", err, tt.err)
			}
			if de.Temporary != tt.temporary || de.Unknown {
				t.Errorf("temporary = %v, unknown = %v; want temporary %v", de.Temporary, de.Unknown, tt.temporary)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
}

func TestMailSubjectFollowsTheLanguage(t *testing.T) {
	r := salonReport(7, "Studio Miraflores", 1, 1, 0, 0)
	unnamed := salonReport(8, "", 1, 1, 0, 0)
	tests := []struct {
		r    report.Report
		lang string
		want string
	}{
		{r, "", "Studio Miraflores: bookings report 2026-11-16 to 2026-11-22"},
		{r, "en", "Studio Miraflores: bookings report 2026-11-16 to 2026-11-22"},
		{r, "es", "Studio Miraflores: reporte de reservas del 2026-11-16 al 2026-11-22"},
		{unnamed, "en", "Salon 8: bookings report 2026-11-16 to 2026-11-22"},
	}
	for _, tt := range tests {
		if got := mail.Subject(tt.r, tt.lang); got != tt.want {
			t.Errorf("Subject(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
}

func TestSkipEmpty(t *testing.T) {
	srv := mailtest.Start(t)
	dir := t.TempDir()
	d := delivery(t, srv.SMTPURL(), dir)
	d.SkipEmpty = true
	sum := d.Run(context.Background(), jobs(t, threeSalons))
	// Salon 3 had no bookings in the period.
	if got, want := outcomes(sum), map[int64]mail.Outcome{1: mail.OutcomeSent, 2: mail.OutcomeSent, 3: mail.OutcomeSkipped}; !maps.Equal(got, want) {
		t.Fatalf("outcomes %v, want %v", got, want)
	}
	if r := sum.Results[2]; !strings.Contains(r.Detail, "no bookings") {
		t.Errorf("salon 3 detail = %q", r.Detail)
	}
	if n := len(srv.Messages(t)); n != 2 {
		t.Errorf("mailpit holds %d, want 2", n)
	}
	if _, ok := ledgerStates(t, dir)[3]; ok {
		t.Error("a skipped salon has a ledger record")
	}
}

// lossyProxy relays SMTP to addr but, once a message's final dot has gone
// through, swallows the server's reply and hangs up: the server accepted
// the message and the client never hears so. This is the window of a
// crash between acceptance and the ledger, made real.
func lossyProxy(t *testing.T, addr string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			client, err := l.Accept()
			if err != nil {
				return
			}
			go relayUntilDot(client, addr)
		}
	}()
	return l.Addr().String()
}

func relayUntilDot(client net.Conn, addr string) {
	defer client.Close()
	server, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	defer server.Close()
	var mu sync.Mutex
	swallow := false
	done := make(chan struct{})
	go func() { // server to client
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := server.Read(buf)
			if err != nil {
				return
			}
			mu.Lock()
			drop := swallow
			mu.Unlock()
			if drop {
				// The server answered the final dot: hang up on the client.
				client.Close()
				return
			}
			if _, err := client.Write(buf[:n]); err != nil {
				return
			}
		}
	}()
	var tail []byte
	buf := make([]byte, 4096)
	for {
		n, err := client.Read(buf)
		if err != nil {
			break
		}
		seen := append(tail, buf[:n]...)
		if bytes.Contains(seen, []byte("\r\n.\r\n")) {
			mu.Lock()
			swallow = true
			mu.Unlock()
		}
		if len(seen) > 4 {
			tail = append([]byte(nil), seen[len(seen)-4:]...)
		} else {
			tail = seen
		}
		if _, err := server.Write(buf[:n]); err != nil {
			break
		}
	}
	<-done
}

func TestLostReplyAfterDataIsPossiblySent(t *testing.T) {
	srv := mailtest.Start(t)
	proxy := lossyProxy(t, fmt.Sprintf("127.0.0.1:%d", srv.SMTPPort))
	dir := t.TempDir()
	d := delivery(t, "smtp://"+proxy, dir)
	sum := d.Run(context.Background(), jobs(t, threeSalons[:1]))
	r := sum.Results[0]
	// Not retried: a retry could deliver it twice.
	if r.Outcome != mail.OutcomeFailed || r.Attempts != 1 || !strings.Contains(r.Detail, "may have been delivered") {
		t.Fatalf("result = %+v, want failed after one attempt, may have been delivered", r)
	}
	if n := len(srv.Messages(t)); n != 1 {
		t.Fatalf("mailpit holds %d, want the 1 it accepted", n)
	}
	if got := ledgerStates(t, dir)[1]; got != (mail.Status{Attempt: 1, State: mail.Sending}) {
		t.Fatalf("ledger = %+v, want attempt 1 still sending", got)
	}
	sum = delivery(t, srv.SMTPURL(), dir).Run(context.Background(), jobs(t, threeSalons[:1]))
	if got := outcomes(sum)[1]; got != mail.OutcomePossiblySent {
		t.Errorf("next run: %s, want possibly sent", got)
	}
	if n := len(srv.Messages(t)); n != 1 {
		t.Errorf("after the next run mailpit holds %d, want still 1", n)
	}
}

// sentRecordFails is the real ledger directory whose "sent" records cannot
// be written (a full disk, a revoked write permission on the bucket).
type sentRecordFails struct{ *storage.Dir }

func (r sentRecordFails) Create(ctx context.Context, key string, data []byte) (bool, error) {
	if strings.HasSuffix(key, ".sent") {
		return false, errors.New("no space left on device")
	}
	return r.Dir.Create(ctx, key, data)
}

// The mail went out and the ledger could not record it: the salon fails,
// but saying "rerun to retry" would be false, since a rerun finds it
// "sending" and (rightly) does not send it twice.
func TestDeliveredButUnrecordedIsNotRetried(t *testing.T) {
	srv := mailtest.Start(t)
	dir := t.TempDir()
	d := delivery(t, srv.SMTPURL(), dir)
	d.Ledger = &mail.Ledger{Root: sentRecordFails{&storage.Dir{Path: dir}}}
	sum := d.Run(context.Background(), jobs(t, threeSalons[:1]))
	r := sum.Results[0]
	if r.Outcome != mail.OutcomeFailed || !r.Stuck || !strings.Contains(r.Detail, "the mail went out") ||
		!strings.Contains(r.Detail, "a rerun will not send it twice") || !strings.Contains(r.Detail, "no space left on device") {
		t.Errorf("result = %+v", r)
	}
	if n := len(srv.Messages(t)); n != 1 {
		t.Fatalf("mailpit holds %d, want 1", n)
	}
	msg := (&mail.FailedError{Failed: 1, Salons: 1, Stuck: 1}).Error()
	if strings.Contains(msg, "rerun to retry") || !strings.Contains(msg, "a rerun will not send them again") {
		t.Errorf("run error = %q", msg)
	}
	if msg := (&mail.FailedError{Failed: 3, Salons: 4, Stuck: 1}).Error(); !strings.HasSuffix(msg, "rerun to retry the other 2") {
		t.Errorf("run error = %q", msg)
	}
	// The rerun, as the message says, sends nothing.
	again := delivery(t, srv.SMTPURL(), dir).Run(context.Background(), jobs(t, threeSalons[:1]))
	if o := again.Results[0].Outcome; o != mail.OutcomePossiblySent {
		t.Errorf("rerun: %s, want possibly sent", o)
	}
	if n := len(srv.Messages(t)); n != 1 {
		t.Errorf("after the rerun mailpit holds %d, want 1", n)
	}
}

// A configured salon without bookings in the period is sent its all-zero
// report (without skip_empty), and the summary says so.
func TestEmptySalonIsSaidSoInTheSummary(t *testing.T) {
	srv := mailtest.Start(t)
	d := delivery(t, srv.SMTPURL(), t.TempDir())
	sum := d.Run(context.Background(), jobs(t, threeSalons))
	var buf bytes.Buffer
	sum.Write(&buf)
	out := buf.String()
	// Salon 3 had no bookings; salons 1 and 2 had some and get no line.
	if !strings.Contains(out, "  salon 3 (Salon Tres): sent: no bookings in the period: the email shows all zeros") ||
		strings.Contains(out, "salon 1 ") || strings.Contains(out, "salon 2 ") {
		t.Errorf("summary:\n%s", out)
	}
}
