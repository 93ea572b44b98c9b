package probe_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

const faultTimeout = time.Second

// fastClient retries quickly so that retry tests stay short.
func fastClient(t *testing.T, timeout time.Duration, ca string) *transport.Client {
	t.Helper()
	c, err := transport.New(transport.Options{Timeout: timeout, CABundle: ca,
		RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func tokenSpec(tokenURL string) *connector.Spec {
	return oauthSpec(map[string]string{"token_url": tokenURL}, "client", "fault-secret-0123456789", "api:read")
}

func apiKeySpec(probeURL, key string) *connector.Spec {
	return &connector.Spec{Name: "k", Service: "api_key", Blocks: []string{"api_key"},
		Settings: map[string]string{"probe_url": probeURL, "name": "X-Api-Key"},
		Auth:     connector.Auth{Token: connector.Secret{Value: key, Attr: "token_wo"}}}
}

// TestFaults drives probe.Run into every kind of network, TLS and HTTP
// failure and checks the category, the time taken and that no goroutine
// is left behind.
func TestFaults(t *testing.T) {
	pki := newPKI(t)
	cases := []struct {
		name    string
		timeout time.Duration
		setup   func(t *testing.T) (*connector.Spec, *transport.Client, func(t *testing.T))
		status  string
		cat     finding.Category
		step    string
		minTime time.Duration
	}{
		{
			name: "server hangs", status: probe.StatusUnreachable, cat: finding.Timeout, step: probe.StepToken,
			setup: func(t *testing.T) (*connector.Spec, *transport.Client, func(*testing.T)) {
				release := make(chan struct{})
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					select {
					case <-release:
					case <-r.Context().Done():
					}
				}))
				return tokenSpec(srv.URL + "/token"), nil, func(*testing.T) { close(release); srv.Close() }
			},
			minTime: faultTimeout,
		},
		{
			name: "headers sent slowly", status: probe.StatusUnreachable, cat: finding.Timeout, step: probe.StepToken,
			setup: func(t *testing.T) (*connector.Spec, *transport.Client, func(*testing.T)) {
				srv := rawServer(t, func(c net.Conn) {
					for _, b := range []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n") {
						if _, err := c.Write([]byte{b}); err != nil {
							return
						}
						time.Sleep(100 * time.Millisecond)
					}
				})
				return tokenSpec(srv + "/token"), nil, func(*testing.T) {}
			},
			minTime: faultTimeout,
		},
		{
			name: "connection reset", status: probe.StatusUnreachable, cat: finding.NetworkError, step: probe.StepToken,
			setup: func(t *testing.T) (*connector.Spec, *transport.Client, func(*testing.T)) {
				srv := rawServer(t, func(c net.Conn) {
					_ = c.(*net.TCPConn).SetLinger(0)
				})
				return tokenSpec(srv + "/token"), nil, func(*testing.T) {}
			},
		},
		{
			name: "connection refused", status: probe.StatusUnreachable, cat: finding.NetworkError, step: probe.StepTCP,
			setup: func(t *testing.T) (*connector.Spec, *transport.Client, func(*testing.T)) {
				l, _ := net.Listen("tcp", "127.0.0.1:0")
				addr := l.Addr().String()
				l.Close()
				return tokenSpec("http://" + addr + "/token"), nil, func(*testing.T) {}
			},
		},
		{
			name: "DNS: no such host", status: probe.StatusUnreachable, cat: finding.NetworkError, step: probe.StepDNS,
			setup: func(t *testing.T) (*connector.Spec, *transport.Client, func(*testing.T)) {
				return tokenSpec("https://handshake-test.invalid/token"), nil, func(*testing.T) {}
			},
		},
		{
			name: "5xx storm", status: probe.StatusUnreachable, cat: finding.ServiceUnavailable, step: probe.StepToken,
			setup: func(t *testing.T) (*connector.Spec, *transport.Client, func(*testing.T)) {
				var hits atomic.Int32
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					hits.Add(1)
					http.Error(w, "upstream down", http.StatusServiceUnavailable)
				}))
				return tokenSpec(srv.URL + "/token"), fastClient(t, faultTimeout, ""), func(t *testing.T) {
					srv.Close()
					if n := hits.Load(); n != 1+transport.DefaultMaxRetries {
						t.Errorf("server saw %d requests, want %d (1 + retries)", n, 1+transport.DefaultMaxRetries)
					}
				}
			},
		},
		{
			name: "429 with a long Retry-After is not waited for", status: probe.StatusUnreachable, cat: finding.RateLimited, step: probe.StepToken,
			setup: func(t *testing.T) (*connector.Spec, *transport.Client, func(*testing.T)) {
				var hits atomic.Int32
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					hits.Add(1)
					w.Header().Set("Retry-After", "3600")
					w.WriteHeader(http.StatusTooManyRequests)
				}))
				return tokenSpec(srv.URL + "/token"), fastClient(t, faultTimeout, ""), func(t *testing.T) {
					srv.Close()
					if n := hits.Load(); n != 1 {
						t.Errorf("server saw %d requests, want 1", n)
					}
				}
			},
		},
		{
			name: "token endpoint answers invalid JSON", status: probe.StatusUnhealthy, cat: finding.UnexpectedResponse, step: probe.StepToken,
			setup: func(t *testing.T) (*connector.Spec, *transport.Client, func(*testing.T)) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					_, _ = w.Write([]byte(`{"access_token": "abc", "token_type": `))
				}))
				return tokenSpec(srv.URL + "/token"), nil, func(*testing.T) { srv.Close() }
			},
		},
		{
			name: "token endpoint answers 50 MB", status: probe.StatusUnhealthy, cat: finding.UnexpectedResponse, step: probe.StepToken,
			setup: func(t *testing.T) (*connector.Spec, *transport.Client, func(*testing.T)) {
				var sent atomic.Int64
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					w.Header().Set("Content-Length", fmt.Sprint(50<<20))
					_, _ = w.Write([]byte(`{"access_token":"`))
					chunk := []byte(strings.Repeat("a", 64<<10))
					for sent.Load() < 50<<20 {
						n, err := w.Write(chunk)
						sent.Add(int64(n))
						if err != nil {
							return
						}
					}
				}))
				return tokenSpec(srv.URL + "/token"), nil, func(t *testing.T) {
					srv.Close()
					if n := sent.Load(); n >= 50<<20 {
						t.Errorf("the whole 50 MB body was read")
					}
				}
			},
		},
		{
			name: "probe call answers 50 MB", status: probe.StatusHealthy, step: probe.StepAPI,
			setup: func(t *testing.T) (*connector.Spec, *transport.Client, func(*testing.T)) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					chunk := []byte(strings.Repeat(" ", 64<<10))
					for i := 0; i < 800; i++ {
						if _, err := w.Write(chunk); err != nil {
							return
						}
					}
				}))
				return apiKeySpec(srv.URL+"/me", "key-0123456789"), nil, func(*testing.T) { srv.Close() }
			},
		},
		{
			name: "TLS: expired certificate", status: probe.StatusUnreachable, cat: finding.TLSError, step: probe.StepTLS,
			setup: func(t *testing.T) (*connector.Spec, *transport.Client, func(*testing.T)) {
				srv := pki.server(t, pki.leaf(t, "127.0.0.1", time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour), true))
				return tokenSpec(srv.URL + "/token"), fastClient(t, faultTimeout, pki.caPEM), func(*testing.T) { srv.Close() }
			},
		},
		{
			name: "TLS: self-signed certificate", status: probe.StatusUnreachable, cat: finding.TLSError, step: probe.StepTLS,
			setup: func(t *testing.T) (*connector.Spec, *transport.Client, func(*testing.T)) {
				srv := pki.server(t, pki.leaf(t, "127.0.0.1", time.Now().Add(-time.Hour), time.Now().Add(time.Hour), false))
				return tokenSpec(srv.URL + "/token"), fastClient(t, faultTimeout, pki.caPEM), func(*testing.T) { srv.Close() }
			},
		},
		{
			name: "TLS: certificate for another host", status: probe.StatusUnreachable, cat: finding.TLSError, step: probe.StepTLS,
			setup: func(t *testing.T) (*connector.Spec, *transport.Client, func(*testing.T)) {
				srv := pki.server(t, pki.leaf(t, "other.example.com", time.Now().Add(-time.Hour), time.Now().Add(time.Hour), true))
				return tokenSpec(srv.URL + "/token"), fastClient(t, faultTimeout, pki.caPEM), func(*testing.T) { srv.Close() }
			},
		},
		{
			name: "TLS: plain HTTP on an https URL", status: probe.StatusUnreachable, cat: finding.TLSError, step: probe.StepTLS,
			setup: func(t *testing.T) (*connector.Spec, *transport.Client, func(*testing.T)) {
				srv := httptest.NewServer(http.NotFoundHandler())
				return tokenSpec(strings.Replace(srv.URL, "http://", "https://", 1) + "/token"), nil, func(*testing.T) { srv.Close() }
			},
		},
		{
			name: "TLS: trusted CA, healthy", status: probe.StatusHealthy, step: probe.StepTLS,
			setup: func(t *testing.T) (*connector.Spec, *transport.Client, func(*testing.T)) {
				srv := pki.server(t, pki.leaf(t, "127.0.0.1", time.Now().Add(-time.Hour), time.Now().Add(time.Hour), true))
				return tokenSpec(srv.URL + "/token"), fastClient(t, faultTimeout, pki.caPEM), func(*testing.T) { srv.Close() }
			},
		},
		{
			name: "token endpoint 404", status: probe.StatusUnhealthy, cat: finding.EndpointNotFound, step: probe.StepToken,
			setup: func(t *testing.T) (*connector.Spec, *transport.Client, func(*testing.T)) {
				srv := httptest.NewServer(http.NotFoundHandler())
				return tokenSpec(srv.URL + "/nope"), nil, func(*testing.T) { srv.Close() }
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := runtime.NumGoroutine()
			spec, client, done := tc.setup(t)
			timeout := tc.timeout
			if timeout == 0 {
				timeout = faultTimeout
			}
			start := time.Now()
			res := run(context.Background(), probe.Options{Timeout: timeout, Client: client}, spec)
			elapsed := time.Since(start)
			done(t)
			if client != nil {
				client.CloseIdleConnections()
			}
			if res.Status != tc.status {
				t.Fatalf("status %q, want %q\n%s", res.Status, tc.status, dump(res))
			}
			if tc.cat != "" {
				f, ok := findingAt(res, tc.cat, "-")
				if !ok || f.Severity != finding.Error {
					t.Fatalf("no %s error\n%s", tc.cat, dump(res))
				}
				if got := stepOutcome(res, tc.step); got != probe.OutcomeFailed {
					t.Fatalf("step %s: %q, want failed\n%s", tc.step, got, dump(res))
				}
				if len(f.Path) == 0 {
					t.Fatalf("finding has no path\n%s", dump(res))
				}
				t.Logf("%s at %s: %s. %s", f.Category, f.Path, f.Summary, f.Detail)
			} else if got := stepOutcome(res, tc.step); got != probe.OutcomeOK {
				t.Fatalf("step %s: %q, want ok\n%s", tc.step, got, dump(res))
			}
			if elapsed < tc.minTime || elapsed > timeout+time.Second {
				t.Fatalf("took %s (timeout %s)", elapsed, timeout)
			}
			noSecrets(t, res, "fault-secret-0123456789", "key-0123456789")
			settle(t, base)
		})
	}
}

// TestRetryAfterHonoured: a 429 with Retry-After: 1 is waited for, then
// the retry succeeds; the result carries a retryable warning only.
func TestRetryAfterHonoured(t *testing.T) {
	var hits atomic.Int32
	var first, second time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		second = time.Now()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"at-0123456789","token_type":"Bearer","expires_in":600,"scope":"api:read"}`))
	}))
	defer srv.Close()
	res := run(context.Background(), probe.Options{Timeout: 5 * time.Second, Client: fastClient(t, 5*time.Second, "")}, tokenSpec(srv.URL+"/token"))
	want(t, res, probe.StatusHealthy, "", "")
	if gap := second.Sub(first); gap < 900*time.Millisecond {
		t.Fatalf("Retry-After not honoured: retried after %s", gap)
	}
	f, ok := findingAt(res, finding.RateLimited, "-")
	if !ok || f.Severity != finding.Warning || !f.Retryable {
		t.Fatalf("want a retryable rate_limited warning\n%s", dump(res))
	}
	noSecrets(t, res, "at-0123456789")
}

// TestCancel: cancelling the context ends Run within a second.
func TestCancel(t *testing.T) {
	base := runtime.NumGoroutine()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	res := run(ctx, probe.Options{Timeout: 30 * time.Second}, tokenSpec(srv.URL+"/token"))
	if d := time.Since(start); d > 1200*time.Millisecond {
		t.Fatalf("Run took %s after cancellation", d)
	}
	close(release)
	srv.Close()
	if res.Status != probe.StatusUnknown {
		t.Fatalf("status %q\n%s", res.Status, dump(res))
	}
	settle(t, base)
}

// TestAPIKeyAndHTTP covers the api_key and http services.
func TestAPIKeyAndHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/header":
			if r.Header.Get("X-Api-Key") != "Key good-key-0123" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
		case "/query":
			if r.URL.Query().Get("api_key") != "good-key-0123" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
		case "/basic":
			u, p, ok := r.BasicAuth()
			if !ok || u != "alice" || p != "good-pass-0123" {
				w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
		case "/bearer":
			if r.Header.Get("Authorization") != "Bearer good-token-0123" {
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="The token expired"`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
		case "/forbidden":
			w.WriteHeader(http.StatusForbidden)
			return
		case "/open":
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	ctx := context.Background()
	opts := probe.Options{Timeout: faultTimeout}
	key := func(path, loc, prefix, value string) *connector.Spec {
		s := apiKeySpec(srv.URL+path, value)
		if loc == "query" {
			s.Settings = map[string]string{"probe_url": srv.URL + path, "location": "query"}
		} else {
			s.Settings["prefix"] = prefix
		}
		return s
	}
	web := func(path, scheme, user, secret string) *connector.Spec {
		s := &connector.Spec{Name: "h", Service: "http", Settings: map[string]string{"url": srv.URL + path, "auth_scheme": scheme}}
		switch scheme {
		case "basic":
			s.Auth.Username, s.Auth.Password = user, connector.Secret{Value: secret, Attr: "password_wo"}
		case "bearer":
			s.Auth.Token = connector.Secret{Value: secret, Attr: "token_wo"}
		}
		return s
	}

	want(t, run(ctx, opts, key("/header", "header", "Key ", "good-key-0123")), probe.StatusHealthy, "", "")
	want(t, run(ctx, opts, key("/query", "query", "", "good-key-0123")), probe.StatusHealthy, "", "")
	res := run(ctx, opts, key("/query", "query", "", "bad-key-0123"))
	want(t, res, probe.StatusUnhealthy, finding.InvalidCredentials, "auth.token_wo")
	noSecrets(t, res, "bad-key-0123")
	want(t, run(ctx, opts, key("/header", "header", "Key ", "bad-key-0123")), probe.StatusUnhealthy, finding.InvalidCredentials, "auth.token_wo")
	want(t, run(ctx, opts, key("/missing", "header", "", "good-key-0123")), probe.StatusUnhealthy, finding.EndpointNotFound, "api_key.probe_url")
	want(t, run(ctx, opts, key("/forbidden", "header", "", "good-key-0123")), probe.StatusUnhealthy, finding.AccessDenied, "auth.token_wo")

	want(t, run(ctx, opts, web("/open", "none", "", "")), probe.StatusHealthy, "", "")
	want(t, run(ctx, opts, web("/basic", "basic", "alice", "good-pass-0123")), probe.StatusHealthy, "", "")
	want(t, run(ctx, opts, web("/basic", "basic", "alice", "bad-pass-0123")), probe.StatusUnhealthy, finding.InvalidCredentials, "auth.password_wo")
	want(t, run(ctx, opts, web("/bearer", "bearer", "", "good-token-0123")), probe.StatusHealthy, "", "")
	res = run(ctx, opts, web("/bearer", "bearer", "", "old-token-0123"))
	f := want(t, res, probe.StatusUnhealthy, finding.ExpiredCredentials, "auth.token_wo")
	if f.Code != "invalid_token" {
		t.Fatalf("code %q", f.Code)
	}
	noSecrets(t, res, "old-token-0123")
}

// TestExpiry: a JWT credential's exp drives expired/expiring findings, with
// the injected clock.
func TestExpiry(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{}`)) }))
	defer srv.Close()
	exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	jwt := "eyJhbGciOiJIUzI1NiJ9." + b64(fmt.Sprintf(`{"sub":"svc","exp":%d}`, exp.Unix())) + ".c2ln"
	s := &connector.Spec{Name: "h", Service: "http", Settings: map[string]string{"url": srv.URL, "auth_scheme": "bearer"},
		Auth: connector.Auth{Token: connector.Secret{Value: jwt, Attr: "token_wo"}}}
	at := func(now time.Time) probe.Result {
		return run(context.Background(), probe.Options{Timeout: faultTimeout, ExpiryWarning: 30 * 24 * time.Hour,
			Now: func() time.Time { return now }}, s)
	}
	res := at(exp.Add(-90 * 24 * time.Hour))
	want(t, res, probe.StatusHealthy, "", "")
	if res.ExpiresAt == nil || !res.ExpiresAt.Equal(exp) {
		t.Fatalf("ExpiresAt %v", res.ExpiresAt)
	}
	res = at(exp.Add(-10 * 24 * time.Hour))
	if res.Status != probe.StatusDegraded {
		t.Fatalf("status %q\n%s", res.Status, dump(res))
	}
	if f, ok := findingAt(res, finding.ExpiringCredentials, "auth.token_wo"); !ok || f.Severity != finding.Warning {
		t.Fatalf("no expiring warning\n%s", dump(res))
	}
	want(t, at(exp.Add(time.Hour)), probe.StatusUnhealthy, finding.ExpiredCredentials, "auth.token_wo")
	noSecrets(t, res, jwt)
}

// rawServer accepts TCP connections and, like a real server, reads each
// request (headers and body) before handing the connection to handle, which
// misbehaves from there. Answering before the request has been read makes
// the client see an "unsolicited response" instead of the fault under test.
func rawServer(t *testing.T, handle func(net.Conn)) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, req.Body)
				handle(c)
			}()
		}
	}()
	t.Cleanup(func() { l.Close(); wg.Wait() })
	return "http://" + l.Addr().String()
}

// pki is a test CA and the certificates it signs, made with crypto/x509.
type pki struct {
	ca    *x509.Certificate
	key   *ecdsa.PrivateKey
	caPEM string
}

func newPKI(t *testing.T) *pki {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Handshake Test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	return &pki{ca: ca, key: key, caPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
}

// leaf issues a server certificate for host, signed by the CA or (signed
// false) by itself.
func (p *pki) leaf(t *testing.T, host string, notBefore, notAfter time.Time, signed bool) tls.Certificate {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: host},
		NotBefore: notBefore, NotAfter: notAfter,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if ip := net.ParseIP(host); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{host}
	}
	parent, signer := p.ca, p.key
	if !signed {
		parent, signer = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func (p *pki) server(t *testing.T, cert tls.Certificate) *httptest.Server {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"at-0123456789","token_type":"Bearer","expires_in":600,"scope":"api:read"}`))
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.Config.ErrorLog = quietLog()
	srv.StartTLS()
	return srv
}
