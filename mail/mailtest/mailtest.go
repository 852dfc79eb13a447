// Package mailtest runs a real SMTP server for tests: mailpit, installed
// by `make tools` into .tools/ at the repository root, started on free
// 127.0.0.1 ports, with the delivered messages read back through its HTTP
// API. Without the binary a test skips, except under CI=true where it
// fails.
package mailtest

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// Server is a running mailpit.
type Server struct {
	SMTPPort int
	APIURL   string // http://127.0.0.1:PORT
	cmd      *exec.Cmd
	log      *strings.Builder
}

// Binary finds mailpit: .tools/mailpit at the repository root, else PATH.
func Binary(t testing.TB) string {
	t.Helper()
	if dir, err := os.Getwd(); err == nil {
		for ; ; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				p := filepath.Join(dir, ".tools", "mailpit")
				if _, err := os.Stat(p); err == nil {
					return p
				}
				break
			}
			if dir == filepath.Dir(dir) {
				break
			}
		}
	}
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("mailpit not found in .tools/ or on PATH: run `make tools`")
	}
	t.Skip("mailpit not found in .tools/ or on PATH: run `make tools`")
	return ""
}

// FreePort returns a 127.0.0.1 TCP port that nothing listens on now.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Start runs mailpit on free ports; extra are more mailpit flags, such as
// "--smtp-allowed-recipients", "@example\\.com$".
func Start(t testing.TB, extra ...string) *Server {
	t.Helper()
	return StartOn(t, FreePort(t), extra...)
}

// StartOn runs mailpit with its SMTP server on smtpPort (a port that a
// test reserved, to start the server late) and waits until both the SMTP
// port and the API answer. The server stops when the test ends.
func StartOn(t testing.TB, smtpPort int, extra ...string) *Server {
	t.Helper()
	bin := Binary(t)
	apiPort := FreePort(t)
	s := &Server{SMTPPort: smtpPort, APIURL: fmt.Sprintf("http://127.0.0.1:%d", apiPort), log: &strings.Builder{}}
	args := append([]string{
		"--smtp", fmt.Sprintf("127.0.0.1:%d", smtpPort),
		"--listen", fmt.Sprintf("127.0.0.1:%d", apiPort),
		"--database", filepath.Join(t.TempDir(), "mailpit.db"),
		"--max", "0",
		"--smtp-disable-rdns",
		"--disable-version-check",
		"--quiet",
	}, extra...)
	s.cmd = exec.Command(bin, args...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start mailpit: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = s.cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("mailpit exited: %s", s.log.String())
		default:
		}
		if s.ready() {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit did not start in 20 s: %s", s.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Server) ready() bool {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.SMTPPort), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	resp, err := http.Get(s.APIURL + "/api/v1/info")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// SMTPURL is smtp://127.0.0.1:PORT.
func (s *Server) SMTPURL() string { return fmt.Sprintf("smtp://127.0.0.1:%d", s.SMTPPort) }

// Address is a name and address as mailpit reports them.
type Address struct {
	Name    string
	Address string
}

// Summary is a message in mailpit's list.
type Summary struct {
	ID          string
	MessageID   string
	From        Address
	To, Cc      []Address
	Subject     string
	Username    string // the SMTP AUTH user, if any
	Attachments int
}

// Message is one message in full.
type Message struct {
	ID              string
	MessageID       string
	From            Address
	To, Cc          []Address
	Subject         string
	Text, HTML      string
	Date            time.Time
	ListUnsubscribe struct {
		Header     string
		HeaderPost string
	}
	Attachments []struct {
		FileName    string
		ContentType string
		PartID      string
	}
}

// Addresses is the addresses of as, sorted, to compare a message's To or
// Cc with the expected recipients.
func Addresses(as []Address) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Address)
	}
	slices.Sort(out)
	return out
}

var (
	tag   = regexp.MustCompile(`<[^>]*>`)
	space = regexp.MustCompile(`\s+`)
)

// HTMLText is the text a reader sees in an HTML part: tags dropped,
// entities decoded, white space collapsed, so a test can look for
// "Bookings 4 before: 0".
func HTMLText(h string) string {
	if i := strings.Index(h, "<body"); i >= 0 {
		h = h[i:]
	}
	return strings.TrimSpace(space.ReplaceAllString(html.UnescapeString(tag.ReplaceAllString(h, " ")), " "))
}

// Messages lists every stored message, newest first.
func (s *Server) Messages(t testing.TB) []Summary {
	t.Helper()
	var out struct {
		Total    int
		Messages []Summary
	}
	s.get(t, "/api/v1/messages?limit=100000", &out)
	return out.Messages
}

// Message returns one message in full.
func (s *Server) Message(t testing.TB, id string) Message {
	t.Helper()
	var m Message
	s.get(t, "/api/v1/message/"+id, &m)
	return m
}

// Headers returns a message's headers.
func (s *Server) Headers(t testing.TB, id string) map[string][]string {
	t.Helper()
	var h map[string][]string
	s.get(t, "/api/v1/message/"+id+"/headers", &h)
	return h
}

// Part returns the raw bytes of an attachment.
func (s *Server) Part(t testing.TB, id, partID string) []byte {
	t.Helper()
	resp, err := http.Get(s.APIURL + "/api/v1/message/" + id + "/part/" + partID)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// SetChaos sets mailpit's chaos triggers (started with --enable-chaos):
// the reply code and probability (percent) of a failure at MAIL FROM,
// RCPT TO and AUTH.
func (s *Server) SetChaos(t testing.TB, sender, recipient [2]int) {
	t.Helper()
	body := fmt.Sprintf(`{"Sender":{"ErrorCode":%d,"Probability":%d},"Recipient":{"ErrorCode":%d,"Probability":%d},"Authentication":{"ErrorCode":535,"Probability":0}}`,
		sender[0], sender[1], recipient[0], recipient[1])
	req, err := http.NewRequest(http.MethodPut, s.APIURL+"/api/v1/chaos", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		t.Fatalf("set chaos: %s: %s", resp.Status, msg)
	}
}

func (s *Server) get(t testing.TB, path string, v any) {
	t.Helper()
	resp, err := http.Get(s.APIURL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %s: %s", path, resp.Status, msg)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}
