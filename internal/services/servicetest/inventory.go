package servicetest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
)

// Tests of inventory listers (Service.List): sign in with an admin spec as
// the provider does, count the requests a listing makes, run it to the end
// or stop it early, and catch a credential sent to another origin.

// OpenSession signs in with the admin spec through probe.Open (the
// vendor's live check, no retries) and fails the test when the check did
// not pass.
func OpenSession(t testing.TB, plan probe.Planner, s *connector.Spec) *inventory.Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sess, res := probe.Open(ctx, probe.Options{Client: NoRetryClient(t), Planner: plan}, s)
	if sess == nil {
		t.Fatalf("probe.Open refused the admin spec:\n%s", DumpResult(res))
	}
	return sess
}

// OpenAdmin is OpenSession with the session's later requests recorded.
func OpenAdmin(t testing.TB, plan probe.Planner, s *connector.Spec) (*inventory.Session, *RequestLog) {
	t.Helper()
	sess := OpenSession(t, plan, s)
	return sess, RecordRequests(t, sess)
}

// RequestLog records the requests a session's client sends.
type RequestLog struct {
	mu   sync.Mutex
	reqs []string // method and URL
}

// Count is how many requests were sent.
func (l *RequestLog) Count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.reqs)
}

// URLs are the requested URLs, in order.
func (l *RequestLog) URLs() []string {
	out := l.Requests()
	for i, r := range out {
		_, out[i], _ = strings.Cut(r, " ")
	}
	return out
}

// Requests are the requests sent, as "GET <url>".
func (l *RequestLog) Requests() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.reqs...)
}

type logTransport struct {
	next http.RoundTripper
	log  *RequestLog
}

func (t logTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.log.mu.Lock()
	t.log.reqs = append(t.log.reqs, r.Method+" "+r.URL.String())
	t.log.mu.Unlock()
	return t.next.RoundTrip(r)
}

// RecordRequests makes s use a copy of its client that records every
// request (after the client's own redirect policy, before its transport).
func RecordRequests(t testing.TB, s *inventory.Session) *RequestLog {
	t.Helper()
	log := &RequestLog{}
	c := *s.HTTP
	if c.Transport == nil {
		t.Fatal("the session's client has no transport: sessions use transport.Client's")
	}
	c.Transport = logTransport{next: c.Transport, log: log}
	s.HTTP = &c
	return log
}

// ListApps runs a lister; with stopAfter > 0 its yield returns false at
// the stopAfter-th app, as when Terraform has read enough.
func ListApps(t testing.TB, list inventory.Lister, s *inventory.Session, stopAfter int) ([]inventory.App, []finding.Finding) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var apps []inventory.App
	fs := list(ctx, s, func(a inventory.App) bool {
		apps = append(apps, a)
		return stopAfter <= 0 || len(apps) < stopAfter
	})
	return apps, fs
}

// ForeignOrigin is a server on another origin that records whether any
// request reached it and whether one carried an Authorization header.
type ForeignOrigin struct {
	*httptest.Server
	mu       sync.Mutex
	hits     int
	withAuth int
}

// StartForeignOrigin starts a ForeignOrigin; it answers 200 with an empty
// JSON body, and closes with the test.
func StartForeignOrigin(t testing.TB) *ForeignOrigin {
	f := &ForeignOrigin{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.hits++
		if r.Header.Get("Authorization") != "" {
			f.withAuth++
		}
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(f.Close)
	return f
}

// Hits is how many requests reached the server, and how many of them
// carried a credential.
func (f *ForeignOrigin) Hits() (all, withAuth int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits, f.withAuth
}

// StubSession is a session for a lister against a test server: the spec,
// the provider's client (without retries), an access token (nil when
// empty) and decode as the session's decoder.
func StubSession(t testing.TB, s *connector.Spec, token string, decode connector.Decoder) *inventory.Session {
	sess := &inventory.Session{Spec: s, HTTP: NoRetryClient(t).HTTP(), Now: time.Now,
		Decode: func(a connector.Answer) finding.Finding {
			if f, ok := decode(a); ok {
				return f
			}
			return finding.Errorf(finding.UnexpectedResponse, nil, "HTTP %d", a.StatusCode)
		}}
	if token != "" {
		sess.Token = &oauth2.Token{AccessToken: token, TokenType: "Bearer"}
	}
	return sess
}
