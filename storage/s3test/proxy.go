package s3test

import (
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
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

// FaultProxy is a reverse proxy in front of an S3 server (path-style
// requests) that injects transient faults and counts what it passes on.
type FaultProxy struct {
	// Endpoint is the proxy's URL, to use in place of the server's.
	Endpoint string
	requests atomic.Int64
	mu       sync.Mutex
	faults   Faults
	injected map[string]int
	served   map[string]int
	// heads counts the HEAD requests by path, bytes the bytes of the
	// answers passed on (bodies only).
	heads map[string]int
	bytes int64
}

// Heads counts the HEAD requests passed on, by request path
// (/bucket/key): what tells a reader that asks twice about one object.
func (p *FaultProxy) Heads() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]int{}
	for k, v := range p.heads {
		out[k] = v
	}
	return out
}

// Bytes is the number of body bytes of the answers passed on since the
// last Reset: what a reader moved.
func (p *FaultProxy) Bytes() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.bytes
}

// Served counts the requests passed on to the server, by kind: "list"
// (ListObjectsV2), "get" (GetObject), "head" (HeadObject), "put",
// "delete", "other".
func (p *FaultProxy) Served() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]int{}
	for k, v := range p.served {
		out[k] = v
	}
	return out
}

// Reset zeroes the counts of Served and Injected.
func (p *FaultProxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.served, p.injected, p.heads, p.bytes = map[string]int{}, map[string]int{}, map[string]int{}, 0
}

func requestKind(r *http.Request) string {
	q := r.URL.Query()
	switch {
	case r.Method == http.MethodGet && q.Get("list-type") == "2":
		return "list"
	case r.Method == http.MethodGet && strings.Count(strings.Trim(r.URL.Path, "/"), "/") >= 1:
		return "get"
	case r.Method == http.MethodHead:
		return "head"
	case r.Method == http.MethodPut:
		return "put"
	case r.Method == http.MethodDelete:
		return "delete"
	}
	return "other"
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

// SetFaults changes the faults from the next request on.
func (p *FaultProxy) SetFaults(f Faults) {
	p.mu.Lock()
	p.faults = f
	p.mu.Unlock()
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
	p := &FaultProxy{injected: map[string]int{}, served: map[string]int{}, heads: map[string]int{}, faults: f}
	rp := &httputil.ReverseProxy{
		// The SDK signs the Host header: keep the client's.
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.Out.Host = pr.In.Host
		},
		ErrorLog: log.New(io.Discard, "", 0),
	}
	hit := func(n, every int64) bool { return every > 0 && n%every == 0 }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := p.requests.Add(1)
		p.mu.Lock()
		f := p.faults
		p.mu.Unlock()
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
		case requestKind(r) == "get" && hit(n, f.TruncateEvery):
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
		kind := requestKind(r)
		p.mu.Lock()
		p.served[kind]++
		if kind == "head" {
			p.heads[r.URL.Path]++
		}
		p.mu.Unlock()
		cw := &countingWriter{ResponseWriter: w}
		rp.ServeHTTP(cw, r)
		p.mu.Lock()
		p.bytes += cw.n
		p.mu.Unlock()
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

// countingWriter counts the body bytes written through it.
type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.n += int64(n)
	return n, err
}

// Flush lets the reverse proxy stream through the counter.
func (c *countingWriter) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
