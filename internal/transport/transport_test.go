package transport_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

func newClient(t *testing.T, o transport.Options) *transport.Client {
	t.Helper()
	if o.RetryWaitMin == 0 {
		o.RetryWaitMin = 5 * time.Millisecond
	}
	c, err := transport.New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func get(t *testing.T, c *transport.Client, url string) (*http.Response, error) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	return c.HTTP().Do(req)
}

func TestRetriesOnlyTransientStatuses(t *testing.T) {
	for _, tc := range []struct {
		status int
		hits   int32
	}{
		{http.StatusServiceUnavailable, 4}, {http.StatusBadGateway, 4}, {http.StatusTooManyRequests, 4},
		{http.StatusInternalServerError, 4},
		{http.StatusNotImplemented, 1}, {http.StatusBadRequest, 1}, {http.StatusUnauthorized, 1},
		{http.StatusForbidden, 1}, {http.StatusNotFound, 1}, {http.StatusConflict, 1},
	} {
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			w.WriteHeader(tc.status)
		}))
		c := newClient(t, transport.Options{Timeout: 5 * time.Second})
		resp, err := get(t, c, srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		srv.Close()
		if resp.StatusCode != tc.status || hits.Load() != tc.hits {
			t.Errorf("HTTP %d: got %d after %d requests, want %d requests", tc.status, resp.StatusCode, hits.Load(), tc.hits)
		}
	}
}

func TestRetryReplaysBodyAndRecovers(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if string(body) != "grant_type=client_credentials" {
			t.Errorf("attempt %d: body %q", hits.Load()+1, body)
		}
		if hits.Add(1) < 3 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	c := newClient(t, transport.Options{Timeout: 5 * time.Second})
	ctx, trace := transport.WithTrace(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader("grant_type=client_credentials"))
	resp, err := c.HTTP().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	statuses, _ := trace.Retries()
	if resp.StatusCode != 200 || len(statuses) != 2 {
		t.Fatalf("status %d, retried %v", resp.StatusCode, statuses)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"2": 2 * time.Second, "0": 0, " 7 ": 7 * time.Second,
		"Thu, 01 Jan 2026 00:00:30 GMT": 30 * time.Second,
		"Wed, 31 Dec 2025 23:00:00 GMT": 0,
	} {
		got, ok := transport.RetryAfter(http.Header{"Retry-After": {v}}, now)
		if !ok || got != want {
			t.Errorf("Retry-After %q: %s %v, want %s", v, got, ok, want)
		}
	}
	for _, v := range []string{"", "soon", "-1", "1.5"} {
		if _, ok := transport.RetryAfter(http.Header{"Retry-After": {v}}, now); ok {
			t.Errorf("Retry-After %q accepted", v)
		}
	}
}

// TestRetryBudget: retries never outlast the timeout or the context.
func TestRetryBudget(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	c := newClient(t, transport.Options{Timeout: 1500 * time.Millisecond, MaxRetries: 10})
	start := time.Now()
	resp, err := get(t, c, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Fatalf("took %s, beyond the 1.5s timeout", d)
	}
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

func TestBodyCap(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("x", 32<<10))
		for i := 0; i < 1600; i++ { // 50 MB
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c := newClient(t, transport.Options{Timeout: 5 * time.Second, MaxBodyBytes: 1 << 20})
	resp, err := get(t, c, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	var tooLarge *transport.BodyTooLargeError
	if !errors.As(err, &tooLarge) || n != 1<<20 {
		t.Fatalf("read %d bytes, err %v", n, err)
	}
	if f := transport.Classify(err); f.Category != finding.UnexpectedResponse {
		t.Fatalf("category %s", f.Category)
	}
}

// TestCrossOriginRedirect: through the real client, a same-origin redirect
// keeps the credential, a cross-origin one is refused before anything is
// sent to the other origin, and a request without credentials follows it.
func TestCrossOriginRedirect(t *testing.T) {
	var mu sync.Mutex
	var got []string
	second := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.String()+" "+r.Header.Get("Authorization"))
		mu.Unlock()
	}))
	defer second.Close()
	var same atomic.Int32
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/same" {
			same.Add(1)
			if r.Header.Get("Authorization") == "" && r.URL.Query().Get("anon") == "" {
				t.Error("same-origin redirect lost the Authorization header")
			}
			http.Redirect(w, r, second.URL+"/landing?code=1", http.StatusTemporaryRedirect)
			return
		}
		http.Redirect(w, r, "/same?"+r.URL.RawQuery, http.StatusFound)
	}))
	defer first.Close()
	c := newClient(t, transport.Options{Timeout: 5 * time.Second})

	req, _ := http.NewRequest(http.MethodGet, first.URL+"/start", nil)
	req.Header.Set("Authorization", "Bearer secret-token")
	_, err := c.HTTP().Do(req)
	var re *transport.RedirectError
	if !errors.As(err, &re) || re.Reason != transport.RedirectCredential || re.To != second.URL+"/landing?…" {
		t.Fatalf("got %v, want the cross-origin redirect refused", err)
	}
	if f := transport.Classify(err); f.Category != finding.InvalidConfiguration || strings.Contains(f.Detail, "code=1") {
		t.Fatalf("finding %+v", f)
	}
	mu.Lock()
	if same.Load() != 1 || len(got) != 0 {
		t.Fatalf("same-origin hops %d; the other origin received %q", same.Load(), got)
	}
	mu.Unlock()

	resp, err := get(t, c, first.URL+"/start?anon=1")
	if err != nil {
		t.Fatalf("a request without credentials was not redirected: %v", err)
	}
	resp.Body.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0] != "GET /landing?code=1 " {
		t.Fatalf("the other origin received %q", got)
	}
}

func TestPerHostConcurrencyLimit(t *testing.T) {
	var cur, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(30 * time.Millisecond)
		cur.Add(-1)
	}))
	defer srv.Close()
	c := newClient(t, transport.Options{Timeout: 5 * time.Second, MaxConnsPerHost: 2})
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := get(t, c, srv.URL)
			if err != nil {
				t.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}()
	}
	wg.Wait()
	if p := peak.Load(); p > 2 || p == 0 {
		t.Fatalf("peak concurrency %d, limit 2", p)
	}
}

func TestTokenCacheFetchesOnce(t *testing.T) {
	cache := transport.NewTokenCache()
	key := transport.CredentialKey{TokenURL: "https://idp/token", ClientID: "c", Secret: "s", Scopes: []string{"b", "a"}}
	var calls atomic.Int32
	fetch := func(context.Context) (*oauth2.Token, error) {
		calls.Add(1)
		time.Sleep(20 * time.Millisecond)
		return &oauth2.Token{AccessToken: "t", Expiry: time.Now().Add(time.Hour)}, nil
	}
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := key
			k.Scopes = []string{"a", "b"} // order does not matter
			if _, _, err := cache.Token(context.Background(), k, fetch); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if calls.Load() != 1 {
		t.Fatalf("%d fetches, want 1", calls.Load())
	}
	other := key
	other.Secret = "different"
	_, shared, _ := cache.Token(context.Background(), other, fetch)
	if shared || calls.Load() != 2 {
		t.Fatal("a different secret reused the cached token")
	}
	if strings.Contains(key.String(), "\x1fs\x1f") {
		t.Fatal("the cache key contains the secret")
	}
}

func TestTokenCacheErrors(t *testing.T) {
	cache := transport.NewTokenCache()
	key := transport.CredentialKey{TokenURL: "u", ClientID: "c", Secret: "s"}
	var calls int
	refusal := func(context.Context) (*oauth2.Token, error) {
		calls++
		return nil, &oauth2.RetrieveError{Response: &http.Response{StatusCode: 401}, ErrorCode: "invalid_client"}
	}
	_, _, _ = cache.Token(context.Background(), key, refusal)
	_, shared, err := cache.Token(context.Background(), key, refusal)
	if calls != 1 || !shared || err == nil {
		t.Fatalf("a definitive refusal was not cached (calls %d)", calls)
	}
	key.ClientID = "c2"
	outage := func(context.Context) (*oauth2.Token, error) {
		calls++
		return nil, &oauth2.RetrieveError{Response: &http.Response{StatusCode: 503}}
	}
	_, _, _ = cache.Token(context.Background(), key, outage)
	_, _, _ = cache.Token(context.Background(), key, outage)
	if calls != 3 {
		t.Fatalf("a transient failure was cached (calls %d)", calls)
	}
}

func TestClassifyStatus(t *testing.T) {
	for status, want := range map[int]finding.Category{
		404: finding.EndpointNotFound, 410: finding.EndpointNotFound, 401: finding.InvalidCredentials,
		403: finding.AccessDenied, 429: finding.RateLimited, 500: finding.ServiceUnavailable,
		503: finding.ServiceUnavailable, 402: finding.LicenseRequired, 418: finding.UnexpectedResponse,
	} {
		f := transport.ClassifyStatus(status, nil)
		if f.Category != want || f.Severity != finding.Error {
			t.Errorf("%d: %s", status, f.Category)
		}
		if f.Retryable != (status == 429 || status >= 500) {
			t.Errorf("%d: retryable %v", status, f.Retryable)
		}
	}
}

func TestClassifyNeverLeaksQuery(t *testing.T) {
	c := newClient(t, transport.Options{Timeout: time.Second})
	_, err := get(t, c, "http://127.0.0.1:1/x?api_key=supersecret")
	f := transport.Classify(err)
	if f.Category != finding.NetworkError {
		t.Fatalf("category %s (%v)", f.Category, err)
	}
	if strings.Contains(f.Summary+f.Detail, "supersecret") {
		t.Fatalf("query leaked: %s %s", f.Summary, f.Detail)
	}
	if got := transport.RedactURL("https://u:p@h/p?k=v#f"); got != "https://h/p" {
		t.Fatalf("RedactURL: %s", got)
	}
}

func TestBadCABundle(t *testing.T) {
	if _, err := transport.New(transport.Options{CABundle: "not a certificate"}); err == nil {
		t.Fatal("accepted a CA bundle without certificates")
	}
}
