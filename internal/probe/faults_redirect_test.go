package probe_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
)

// Secrets of the redirect tests; the second listener must see none of them.
const (
	rdSecret   = "rd-client-secret-0123456789"
	rdRefresh  = "rd-refresh-token-0123456789"
	rdIssuedRT = "rd-issued-refresh-0123456789"
	rdAccess   = "rd-access-token-0123456789"
	rdAPIKey   = "rd-api-key-0123456789"
	rdPassword = "rd-password-0123456789"
	rdBearer   = "rd-bearer-0123456789"
)

// listener records every request it receives, as it arrived (request line,
// headers, body), and answers like the endpoint it stands in for: a token
// for a token request, {} otherwise. A check that followed a redirect to it
// would therefore look healthy.
type listener struct {
	srv *httptest.Server
	// redirect, when set, is answered instead of recorded.
	redirect func(r *http.Request) bool
	status   int
	location string

	// host, when set, keeps only the requests that name it in Host.
	host string

	mu  sync.Mutex
	got []string
	// first counts the requests answered with the redirect.
	first atomic.Int32
}

func (l *listener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if l.redirect != nil && l.redirect(r) {
		l.first.Add(1)
		w.Header().Set("Location", l.location)
		w.WriteHeader(l.status)
		return
	}
	if l.host == "" || r.Host == l.host {
		dump, _ := httputil.DumpRequest(r, true)
		l.mu.Lock()
		l.got = append(l.got, string(dump))
		l.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json")
	if r.Method == http.MethodPost {
		_, _ = w.Write([]byte(`{"access_token":"` + rdAccess + `","token_type":"Bearer","expires_in":600,"refresh_token":"` + rdIssuedRT + `","scope":"api:read"}`))
		return
	}
	_, _ = w.Write([]byte(`{"ok":true}`))
}

func (l *listener) received() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.got...)
}

// listen starts l on addr ("127.0.0.2:0"), over TLS when cert is set.
func listen(t *testing.T, l *listener, addr string, cert *tls.Certificate) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	serve(t, l, ln, cert)
}

func serve(t *testing.T, l *listener, ln net.Listener, cert *tls.Certificate) {
	l.srv = httptest.NewUnstartedServer(l)
	_ = l.srv.Listener.Close()
	l.srv.Listener = ln
	if cert != nil {
		l.srv.TLS = &tls.Config{Certificates: []tls.Certificate{*cert}}
		l.srv.Config.ErrorLog = quietLog()
		l.srv.StartTLS()
	} else {
		l.srv.Start()
	}
	t.Cleanup(l.srv.Close)
}

// redirectCase is one credential and the request that carries it.
type redirectCase struct {
	name string
	// spec builds the connector for the endpoint at base.
	spec func(base string) *connector.Spec
	// redirects picks the request the endpoint answers with the redirect.
	redirects func(r *http.Request) bool
	// path is the attribute the finding must point at.
	path    string
	secrets []string
}

func onPath(p string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.URL.Path == p }
}

func redirectCases(t *testing.T) []redirectCase {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: must(x509.MarshalPKCS8PrivateKey(key))}))
	oauth := func(style string, settings ...string) func(string) *connector.Spec {
		return func(base string) *connector.Spec {
			m := map[string]string{"token_url": base + "/token", "auth_style": style}
			for i := 0; i+1 < len(settings); i += 2 {
				m[settings[i]] = strings.ReplaceAll(settings[i+1], "BASE", base)
			}
			s := oauthSpec(m, "rd-client", rdSecret, "api:read")
			switch {
			case style == probe.AuthPrivateKeyJWT || m["grant_type"] == probe.GrantJWTBearer:
				s.Auth.ClientSecret = connector.Secret{}
				s.Auth.PrivateKey = connector.Secret{Value: keyPEM, Attr: "private_key_wo"}
			}
			if m["grant_type"] == probe.GrantRefreshToken {
				s.Auth.Token = connector.Secret{Value: rdRefresh, Attr: "token_wo"}
			}
			if m["require_refresh_token"] == "true" {
				s.RequireRefreshToken = true
			}
			return s
		}
	}
	httpSpec := func(scheme string) func(string) *connector.Spec {
		return func(base string) *connector.Spec {
			s := &connector.Spec{Name: "h", Service: "http", Settings: map[string]string{"url": base + "/me", "auth_scheme": scheme}}
			if scheme == "basic" {
				s.Auth.Username, s.Auth.Password = "alice", connector.Secret{Value: rdPassword, Attr: "password_wo"}
			} else {
				s.Auth.Token = connector.Secret{Value: rdBearer, Attr: "token_wo"}
			}
			return s
		}
	}
	apiKey := func(settings ...string) func(string) *connector.Spec {
		return func(base string) *connector.Spec {
			s := apiKeySpec(base+"/me", rdAPIKey)
			for i := 0; i+1 < len(settings); i += 2 {
				s.Settings[settings[i]] = settings[i+1]
			}
			return s
		}
	}
	refreshGrant := func(r *http.Request) bool {
		return r.URL.Path == "/token" && r.FormValue("grant_type") == "refresh_token"
	}
	token := []string{rdSecret, keyPEM, "client_assertion", "eyJ", rdRefresh, rdIssuedRT, rdAccess}
	return []redirectCase{
		{"token, client_secret_basic", oauth(probe.AuthClientSecretBasic), onPath("/token"), "oauth2.token_url", token},
		{"token, client_secret_post", oauth(probe.AuthClientSecretPost), onPath("/token"), "oauth2.token_url", token},
		{"token, private_key_jwt", oauth(probe.AuthPrivateKeyJWT), onPath("/token"), "oauth2.token_url", token},
		{"token, refresh_token grant", oauth(probe.AuthClientSecretPost, "grant_type", probe.GrantRefreshToken), onPath("/token"), "oauth2.token_url", token},
		{"token, jwt_bearer grant", oauth(probe.AuthNone, "grant_type", probe.GrantJWTBearer), onPath("/token"), "oauth2.token_url", append(token, "assertion=")},
		{"refresh step", oauth(probe.AuthClientSecretBasic, "require_refresh_token", "true"), refreshGrant, "oauth2.token_url", token},
		{"probe call, OAuth access token", oauth(probe.AuthClientSecretBasic, "probe_url", "BASE/api"), onPath("/api"), "oauth2.probe_url", token},
		{"probe call, api_key header", apiKey(), onPath("/me"), "api_key.probe_url", []string{rdAPIKey}},
		{"probe call, api_key in the query", apiKey("location", "query", "name", "x"), onPath("/me"), "api_key.probe_url", []string{rdAPIKey}},
		{"probe call, bearer", httpSpec("bearer"), onPath("/me"), "http.url", []string{rdBearer}},
		{"probe call, basic (password)", httpSpec("basic"), onPath("/me"), "http.url", []string{rdPassword}},
	}
}

// TestRedirectFaults: an endpoint answers 301, 302, 303, 307 or 308 with a
// Location on another host, port or scheme. Nothing may reach the second
// listener (asserted on what it received), the check must not pass, and
// the finding must name the redirect at the URL's attribute.
func TestRedirectFaults(t *testing.T) {
	pki := newPKI(t)
	cert := pki.leaf(t, "127.0.0.1", time.Now().Add(-time.Hour), time.Now().Add(time.Hour), true)
	targets := []struct {
		name string
		// start starts the endpoint and the second listener.
		start   func(t *testing.T, first, second *listener)
		summary string
	}{
		{"another host", func(t *testing.T, first, second *listener) {
			listen(t, first, "127.0.0.1:0", nil)
			// The same port on another loopback address when it is free.
			port := first.srv.Listener.Addr().(*net.TCPAddr).Port
			if ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.2:%d", port)); err == nil {
				serve(t, second, ln, nil)
			} else {
				listen(t, second, "127.0.0.2:0", nil)
			}
		}, "another origin"},
		{"another name for the same address", func(t *testing.T, first, second *listener) {
			// localhost:<port> reaches the endpoint itself, which records
			// what arrives under that name.
			listen(t, first, "127.0.0.1:0", nil)
			first.host = strings.Replace(first.srv.Listener.Addr().String(), "127.0.0.1", "localhost", 1)
			redirect := first.redirect
			first.redirect = func(r *http.Request) bool { return r.Host != first.host && redirect(r) }
		}, "another origin"},
		{"another port", func(t *testing.T, first, second *listener) {
			listen(t, first, "127.0.0.1:0", nil)
			listen(t, second, "127.0.0.1:0", nil)
		}, "another origin"},
		{"https to http", func(t *testing.T, first, second *listener) {
			listen(t, first, "127.0.0.1:0", &cert)
			listen(t, second, "127.0.0.1:0", nil)
		}, "from https to http"},
		{"http to https", func(t *testing.T, first, second *listener) {
			listen(t, first, "127.0.0.1:0", nil)
			listen(t, second, "127.0.0.1:0", &cert)
		}, "another origin"},
	}
	for _, rc := range redirectCases(t) {
		for _, tg := range targets {
			for _, status := range []int{301, 302, 303, 307, 308} {
				t.Run(fmt.Sprintf("%s/%s/%d", rc.name, tg.name, status), func(t *testing.T) {
					first := &listener{redirect: rc.redirects, status: status}
					second := &listener{}
					tg.start(t, first, second)
					var to string
					if first.host != "" {
						to, second = "http://"+first.host, first
					} else {
						to = second.srv.URL
					}
					first.location = to + "/landing?state=" + url.QueryEscape(rdSecret[:6])
					client := fastClient(t, faultTimeout, pki.caPEM)
					res := run(context.Background(), probe.Options{Client: client}, rc.spec(first.srv.URL))

					if got := second.received(); len(got) > 0 {
						for _, req := range got {
							for _, s := range rc.secrets {
								if strings.Contains(req, s) {
									t.Errorf("the second listener received %q", s)
								}
							}
						}
						t.Fatalf("the redirect was followed; the second listener received:\n%s", strings.Join(got, "\n---\n"))
					}
					if first.first.Load() == 0 {
						t.Fatalf("the endpoint never redirected\n%s", dump(res))
					}
					f := want(t, res, probe.StatusUnhealthy, finding.InvalidConfiguration, rc.path)
					if f.Code != fmt.Sprintf("HTTP %d", status) || !strings.Contains(f.Summary, tg.summary) ||
						!strings.Contains(f.Detail, to+"/landing?…") || !strings.Contains(f.Detail, first.srv.URL) {
						t.Fatalf("the finding does not name the redirect: %s / %s / %s", f.Code, f.Summary, f.Detail)
					}
					noSecrets(t, res, append(rc.secrets[:len(rc.secrets):len(rc.secrets)], "state=")...)
					client.CloseIdleConnections()
				})
			}
		}
	}
}

// TestRedirectsThatAreFollowed: same-origin redirects keep working (the
// token request's body is resent to the same origin), a request without
// credentials may leave the origin, and a loop is bounded.
func TestRedirectsThatAreFollowed(t *testing.T) {
	t.Run("same-origin 307 from the token endpoint", func(t *testing.T) {
		var bodies []string
		var mu sync.Mutex
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/token" {
				http.Redirect(w, r, "/oauth/v2/token", http.StatusTemporaryRedirect)
				return
			}
			_ = r.ParseForm()
			mu.Lock()
			bodies = append(bodies, r.PostForm.Encode())
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"at-0123456789","token_type":"Bearer","expires_in":600,"scope":"api:read"}`))
		}))
		defer srv.Close()
		s := oauthSpec(map[string]string{"token_url": srv.URL + "/token", "auth_style": "client_secret_post"}, "c", rdSecret, "api:read")
		want(t, run(context.Background(), probe.Options{Timeout: faultTimeout}, s), probe.StatusHealthy, "", "")
		mu.Lock()
		defer mu.Unlock()
		if len(bodies) != 1 || !strings.Contains(bodies[0], "client_secret="+rdSecret) {
			t.Fatalf("the redirected token request arrived as %q", bodies)
		}
	})

	t.Run("a request without credentials to another origin", func(t *testing.T) {
		second := &listener{}
		listen(t, second, "127.0.0.2:0", nil)
		first := httptest.NewServer(http.RedirectHandler(second.srv.URL+"/status", http.StatusFound))
		defer first.Close()
		s := &connector.Spec{Name: "h", Service: "http", Settings: map[string]string{"url": first.URL + "/?page=1", "auth_scheme": "none"}}
		want(t, run(context.Background(), probe.Options{Timeout: faultTimeout}, s), probe.StatusHealthy, "", "")
		got := second.received()
		if len(got) != 1 || strings.Contains(got[0], "Referer") {
			t.Fatalf("the second origin received %q", got)
		}
	})

	t.Run("a redirect loop", func(t *testing.T) {
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			http.Redirect(w, r, fmt.Sprintf("/hop%d", hits.Load()), http.StatusFound)
		}))
		defer srv.Close()
		res := run(context.Background(), probe.Options{Timeout: faultTimeout}, apiKeySpec(srv.URL+"/me", rdAPIKey))
		f := want(t, res, probe.StatusUnhealthy, finding.UnexpectedResponse, "api_key.probe_url")
		if !strings.Contains(f.Summary, "oo many redirects") || hits.Load() != 5 {
			t.Fatalf("%d requests; finding %s", hits.Load(), f.Summary)
		}
	})
}
