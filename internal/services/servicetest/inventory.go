package servicetest

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
)

// Listers' tests: sign in with an admin connector as the provider does,
// count the requests the listing sends, and collect what it yields.

// RequestLog records the URLs a session requested after sign-in.
type RequestLog struct {
	rt   http.RoundTripper
	mu   sync.Mutex
	urls []string
}

func (l *RequestLog) RoundTrip(r *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.urls = append(l.urls, r.URL.String())
	l.mu.Unlock()
	return l.rt.RoundTrip(r)
}

// URLs are the requested URLs, in order.
func (l *RequestLog) URLs() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.urls...)
}

// OpenAdmin signs in with the admin connector s through probe.Open (a
// client without retries) and logs the session's later requests.
func OpenAdmin(t testing.TB, plan probe.Planner, s *connector.Spec) (*inventory.Session, *RequestLog) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sess, res := probe.Open(ctx, probe.Options{Client: NoRetryClient(t), Planner: plan}, s)
	if sess == nil {
		t.Fatalf("sign-in failed: %s", DumpResult(res))
	}
	log := &RequestLog{rt: sess.HTTP.Transport}
	if log.rt == nil {
		t.Fatal("the session's client has no transport")
	}
	client := *sess.HTTP
	client.Transport = log
	sess.HTTP = &client
	return sess, log
}

// Collect runs list on sess and returns what it yielded, stopping after
// stop apps (0: never) as Terraform does when it has read enough.
func Collect(t testing.TB, list inventory.Lister, sess *inventory.Session, stop int) ([]inventory.App, []finding.Finding) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got []inventory.App
	fs := list(ctx, sess, func(a inventory.App) bool {
		got = append(got, a)
		return stop == 0 || len(got) < stop
	})
	return got, fs
}
