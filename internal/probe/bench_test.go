package probe_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// oauthStub is a minimal OAuth server and API for benchmarks and request
// counting (conformance is covered against oidc-provider).
type oauthStub struct {
	*httptest.Server
	tokens, calls atomic.Int64
}

func newOAuthStub(tb testing.TB) *oauthStub {
	s := &oauthStub{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/token":
			s.tokens.Add(1)
			if _, _, ok := r.BasicAuth(); !ok || r.FormValue("grant_type") != "client_credentials" {
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"error":"invalid_request"}`))
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"stub-access-token-0123456789","token_type":"Bearer","expires_in":3600,"scope":"api:read"}`))
		case "/api":
			s.calls.Add(1)
			if r.Header.Get("Authorization") != "Bearer stub-access-token-0123456789" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id":"me"}`))
		default:
			http.NotFound(w, r)
		}
	}))
	tb.Cleanup(s.Close)
	return s
}

func (s *oauthStub) settings() map[string]string {
	return map[string]string{"token_url": s.URL + "/token", "probe_url": s.URL + "/api"}
}

// BenchmarkProbe measures one full check against a local OAuth server:
//   - token: every check fetches a token (a new credential each time),
//   - cached-token: the credential's token comes from the shared cache,
//   - new-transport: no shared client (new connection pool per check).
func BenchmarkProbe(b *testing.B) {
	stub := newOAuthStub(b)
	client, err := transport.New(transport.Options{Timeout: 5 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer client.CloseIdleConnections()
	ctx := context.Background()
	run := func(b *testing.B, opts probe.Options, secret func(i int) string) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			s := oauthSpec(stub.settings(), "bench", secret(i), "api:read")
			if res := run(ctx, opts, s); res.Status != probe.StatusHealthy {
				b.Fatalf("status %s: %s", res.Status, res.Summary)
			}
		}
	}
	b.Run("token", func(b *testing.B) {
		run(b, probe.Options{Client: client}, func(i int) string { return fmt.Sprintf("bench-secret-%d", i) })
	})
	b.Run("cached-token", func(b *testing.B) {
		run(b, probe.Options{Client: client}, func(int) string { return "bench-secret" })
	})
	b.Run("new-transport", func(b *testing.B) {
		run(b, probe.Options{Timeout: 5 * time.Second}, func(i int) string { return fmt.Sprintf("bench-secret-new-%d", i) })
	})
}

// TestSharedCredentialFetchesOnce: N connectors sharing one credential,
// checked concurrently with one client, cause exactly one token request and
// one probe call (issue 14: at most one per distinct credential and probe).
func TestSharedCredentialFetchesOnce(t *testing.T) {
	stub := newOAuthStub(t)
	client, err := transport.New(transport.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseIdleConnections()
	const n = 25
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			s := oauthSpec(stub.settings(), "shared", "shared-secret-0123456789", "api:read")
			s.Name = fmt.Sprintf("connector-%d", i)
			if res := run(context.Background(), probe.Options{Client: client}, s); res.Status != probe.StatusHealthy {
				t.Errorf("%s: %s %s", s.Name, res.Status, res.Summary)
			}
		}(i)
	}
	wg.Wait()
	if got := stub.tokens.Load(); got != 1 {
		t.Fatalf("%d token requests for one credential, want 1", got)
	}
	if got := stub.calls.Load(); got != 1 {
		t.Fatalf("%d probe calls for one credential and one probe URL, want 1", got)
	}
	// A different secret for the same client is a different credential.
	s := oauthSpec(stub.settings(), "shared", "another-secret-0123456789", "api:read")
	run(context.Background(), probe.Options{Client: client}, s)
	if got := stub.tokens.Load(); got != 2 {
		t.Fatalf("%d token requests after a second credential, want 2", got)
	}
}
