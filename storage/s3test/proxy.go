package s3test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
)

// Faults say which requests a FaultProxy spoils, by their order of
// arrival (1, 2, 3, …): every SlowDownEvery-th is answered 503 SlowDown,
// every CutEvery-th has its connection closed before any answer, and every
// TruncateEvery-th GET gets half its body and then a closed connection.
// Zero turns a fault off. A retried request arrives with a new number, so
// a client that retries gets through.
type Faults struct {
	SlowDownEvery, CutEvery, TruncateEvery int64
}

// FaultProxy is a reverse proxy in front of an S3 server that injects
// transient faults.
type FaultProxy struct {
	// Endpoint is the proxy's URL, to use in place of the server's.
	Endpoint string
	requests atomic.Int64
	mu       sync.Mutex
	injected map[string]int
}

// Injected counts the faults injected so far, by kind: "slowdown", "cut",
// "truncate".
func (p *FaultProxy) Injected() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]int{}
	for k, v := range p.injected {
		out[k] = v
	}
	return out
}

// Requests is the number of requests that reached the proxy.
func (p *FaultProxy) Requests() int64 { return p.requests.Load() }

func (p *FaultProxy) count(kind string) {
	p.mu.Lock()
	p.injected[kind]++
	p.mu.Unlock()
}

// StartFaultProxy starts a proxy to target (an http:// endpoint) for the
// duration of the test.
func StartFaultProxy(t testing.TB, target string, f Faults) *FaultProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &FaultProxy{injected: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	// The SDK signs the Host header; keep the client's.
	director := rp.Director
	rp.Director = func(r *http.Request) {
		host := r.Host
		director(r)
		r.Host = host
	}
	rp.ErrorLog = nil
	hit := func(n, every int64) bool { return every > 0 && n%every == 0 }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := p.requests.Add(1)
		switch {
		case hit(n, f.SlowDownEvery):
			p.count("slowdown")
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`)
			return
		case hit(n, f.CutEvery):
			p.count("cut")
			cut(w)
			return
		case r.Method == http.MethodGet && r.URL.Query().Get("list-type") == "" && hit(n, f.TruncateEvery):
			p.count("truncate")
			rec := httptest.NewRecorder()
			rp.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(body[:len(body)/2])
			if fl, ok := w.(http.Flusher); ok {
				fl.Flush()
			}
			cut(w)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.Endpoint = srv.URL
	return p
}

// cut closes the client's connection without a (complete) answer.
func cut(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("s3test: response writer cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // a reset, not a polite close
	}
	conn.Close()
}
