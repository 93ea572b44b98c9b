package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const policySecret = "s3cr3t-0123456789"

// hopRecorder is a RoundTripper standing in for the network: the first
// request is answered with a redirect to location, every later one with 200.
// It keeps everything each request would have sent, so the tests see what
// net/http and checkRedirect together put on the wire.
type hopRecorder struct {
	status   int
	location string

	mu   sync.Mutex
	sent []sentRequest
}

type sentRequest struct {
	url    *url.URL
	method string
	header http.Header
	body   string
}

func (h *hopRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		_ = req.Body.Close()
	}
	h.mu.Lock()
	first := len(h.sent) == 0
	h.sent = append(h.sent, sentRequest{url: req.URL, method: req.Method, header: req.Header.Clone(), body: string(body)})
	h.mu.Unlock()
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: http.NoBody, Request: req}
	if first {
		resp.StatusCode = h.status
		resp.Header.Set("Location", h.location)
	}
	return resp, nil
}

// leaks returns what reached an origin other than the first request's, or
// went over http after https, with the secret in it.
func (h *hopRecorder) leaks() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	origin := h.sent[0].url
	for _, s := range h.sent[1:] {
		if SameOrigin(s.url, origin) && !(origin.Scheme == "https" && s.url.Scheme != "https") {
			continue
		}
		wire := fmt.Sprintf("%s %s\n%v\n%s", s.method, s.url, s.header, s.body)
		if strings.Contains(wire, policySecret) || s.header.Get("Authorization") != "" {
			out = append(out, wire)
		}
	}
	return out
}

type credentialIn int

const (
	inNothing credentialIn = iota
	inAuthorization
	inCustomHeader // a harmless-looking name, marked with WithSensitiveHeaders
	inWordHeader   // X-Okta-Token: found by its name
	inQuery        // api_key=…
	inMarkedQuery  // x=…, marked with WithSensitiveHeaders
	inBody         // client_secret=… in a form body
	inUserInfo     // https://user:secret@host
)

// send makes one request through a real http.Client with checkRedirect.
func send(from, method string, in credentialIn, h *hopRecorder) error {
	ctx := WithSensitiveHeaders(context.Background(), "X-Custom", "x")
	u, err := url.Parse(from)
	if err != nil {
		return err
	}
	var body io.Reader
	switch in {
	case inQuery:
		u.RawQuery = "api_key=" + policySecret
	case inMarkedQuery:
		u.RawQuery = "x=" + policySecret
	case inUserInfo:
		u.User = url.UserPassword("user", policySecret)
	case inBody:
		body = strings.NewReader("grant_type=client_credentials&client_secret=" + policySecret)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return err
	}
	switch in {
	case inAuthorization:
		req.Header.Set("Authorization", "Bearer "+policySecret)
	case inCustomHeader:
		req.Header.Set("X-Custom", policySecret)
	case inWordHeader:
		req.Header.Set("X-Okta-Token", policySecret)
	}
	req.Header.Set("Accept", "application/json")
	c := &http.Client{Transport: h, CheckRedirect: checkRedirect}
	resp, err := c.Do(req)
	if resp != nil {
		_ = resp.Body.Close()
	}
	return err
}

// TestRedirectPolicy drives checkRedirect through net/http's redirect
// machinery for each status, kind of origin change and place a credential
// can travel in.
func TestRedirectPolicy(t *testing.T) {
	const from = "https://idp.example.com/oauth/token"
	targets := []struct {
		name, to string
		cross    bool
		reason   RedirectReason // for a credential-carrying request
	}{
		{"same origin", "/oauth/v2/token", false, ""},
		{"same origin, explicit default port", "https://IDP.example.com:443/v2", false, ""},
		{"another host", "https://evil.example.net/collect", true, RedirectCredential},
		{"a subdomain", "https://login.idp.example.com/token", true, RedirectCredential},
		{"another port", "https://idp.example.com:8443/token", true, RedirectCredential},
		{"https to http, same host", "http://idp.example.com/oauth/token", true, RedirectDowngrade},
		{"https to http, another host", "http://evil.example.net/", true, RedirectDowngrade},
		{"scheme-relative to another host", "//evil.example.net/x?y=1", true, RedirectCredential},
	}
	kinds := []struct {
		name   string
		method string
		in     credentialIn
	}{
		{"no credential", http.MethodGet, inNothing},
		{"Authorization", http.MethodGet, inAuthorization},
		{"marked header", http.MethodGet, inCustomHeader},
		{"credential-named header", http.MethodGet, inWordHeader},
		{"api_key query", http.MethodGet, inQuery},
		{"marked query", http.MethodGet, inMarkedQuery},
		{"user info", http.MethodGet, inUserInfo},
		{"form body", http.MethodPost, inBody},
		{"POST without a body", http.MethodPost, inNothing},
	}
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, tg := range targets {
			for _, k := range kinds {
				t.Run(fmt.Sprintf("%d/%s/%s", status, tg.name, k.name), func(t *testing.T) {
					h := &hopRecorder{status: status, location: tg.to}
					err := send(from, k.method, k.in, h)
					if leaks := h.leaks(); len(leaks) > 0 {
						t.Fatalf("the credential left its origin:\n%s", strings.Join(leaks, "\n---\n"))
					}
					var want RedirectReason
					switch {
					case !tg.cross:
					case tg.reason == RedirectDowngrade:
						want = RedirectDowngrade
					case k.method == http.MethodPost:
						want = RedirectBody
					case k.in != inNothing:
						want = RedirectCredential
					}
					var re *RedirectError
					if want == "" {
						if err != nil {
							t.Fatalf("refused: %v", err)
						}
						if n := len(h.sent); n != 2 {
							t.Fatalf("%d requests sent, want the redirect followed", n)
						}
						if k.in == inBody && (status == 307 || status == 308) && !strings.Contains(h.sent[1].body, policySecret) {
							t.Fatal("a same-origin 307/308 lost the body")
						}
						if ref := h.sent[1].header.Get("Referer"); ref != "" {
							t.Fatalf("Referer sent: %q", ref)
						}
						return
					}
					if !errors.As(err, &re) || re.Reason != want || re.Status != status {
						t.Fatalf("got %v, want a %d refusal for %q", err, status, want)
					}
					if n := len(h.sent); n != 1 {
						t.Fatalf("%d requests sent, want only the first", n)
					}
					if strings.Contains(err.Error(), policySecret) || strings.Contains(re.From+re.To, "y=1") {
						t.Fatalf("the error shows a secret or a query value: %v", err)
					}
					if !strings.HasPrefix(re.From, "https://idp.example.com/oauth/token") {
						t.Fatalf("From %q", re.From)
					}
					f := Classify(err)
					if f.Category != "invalid_configuration" || f.Code != fmt.Sprintf("HTTP %d", status) ||
						!strings.Contains(f.Detail, re.To) || strings.Contains(f.Detail+f.Summary, policySecret) {
						t.Fatalf("finding %+v", f)
					}
				})
			}
		}
	}
}

// TestRedirectLimit: a redirect loop on one origin stops after
// DefaultMaxRedirects.
func TestRedirectLimit(t *testing.T) {
	var n int
	c := &http.Client{CheckRedirect: checkRedirect, Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		n++
		return &http.Response{StatusCode: 302, Header: http.Header{"Location": {"/again"}}, Body: http.NoBody, Request: r}, nil
	})}
	_, err := c.Get("https://api.example.com/start")
	if !errors.Is(err, errTooManyRedirects) || n != DefaultMaxRedirects {
		t.Fatalf("err %v after %d requests", err, n)
	}
	if f := Classify(err); f.Summary != "Too many redirects" {
		t.Fatalf("finding %+v", f)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestRedirectErrorFlattened: golang.org/x/oauth2/jwt wraps transport
// errors with %v; the refusal is still recognised.
func TestRedirectErrorFlattened(t *testing.T) {
	re := &RedirectError{Status: 307, From: "https://a.example/token", To: "https://b.example/t?…", Reason: RedirectBody}
	flat := fmt.Errorf("oauth2: cannot fetch token: %v", &url.Error{Op: "Post", URL: "https://b.example/t?k=v", Err: re})
	got, ok := asRedirectError(flat)
	if !ok || *got != *re {
		t.Fatalf("got %+v, %v", got, ok)
	}
	if f := Classify(flat); f.Category != "invalid_configuration" || strings.Contains(f.Detail, "k=v") {
		t.Fatalf("finding %+v", f)
	}
	if IsRefusedRedirect(errors.New("redirect refused: HTTP 307 from a to b: something else")) {
		t.Fatal("an unknown reason was accepted")
	}
}

// FuzzRedirectPolicy: whatever the Location, method and credential, nothing
// carrying the secret reaches another origin or goes over http after https.
func FuzzRedirectPolicy(f *testing.F) {
	for _, seed := range []struct {
		from, loc string
		status    int
		post      bool
		in        uint8
	}{
		{"https://a.example/token", "https://b.example/", 307, true, uint8(inBody)},
		{"https://a.example/token", "http://a.example/token", 308, false, uint8(inAuthorization)},
		{"http://a.example:8080/x?api_key=1", "//a.example:8081/x", 302, false, uint8(inQuery)},
		{"https://a.example/", "https://a.example@b.example/", 301, false, uint8(inCustomHeader)},
		{"https://a.example/", "HTTPS://A.EXAMPLE:443/y", 303, true, uint8(inUserInfo)},
		{"https://[::1]:9/", "https://127.0.0.1:9/", 307, false, uint8(inWordHeader)},
		{"https://a.example/", "https://a.example./", 302, false, uint8(inMarkedQuery)},
	} {
		f.Add(seed.from, seed.loc, seed.status, seed.post, seed.in)
	}
	f.Fuzz(func(t *testing.T, from, loc string, status int, post bool, in uint8) {
		u, err := url.Parse(from)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return
		}
		switch status {
		case 301, 302, 303, 307, 308:
		default:
			return
		}
		method := http.MethodGet
		if post {
			method = http.MethodPost
		}
		h := &hopRecorder{status: status, location: loc}
		_ = send(from, method, credentialIn(in%8), h)
		if len(h.sent) == 0 {
			return
		}
		if leaks := h.leaks(); len(leaks) > 0 {
			t.Fatalf("the credential left its origin:\n%s", strings.Join(leaks, "\n---\n"))
		}
	})
}

// TestOneRedirectPolicy: no provider code builds its own HTTP client or uses
// net/http's default one, whose redirect policy resends a 307's body to any
// host; every request goes through Client (HTTP, NoRedirect, OAuth2Context).
// The sandbox, the vendors' emulations (emulation*.go) and the OAuth test
// server are test fixtures, not the provider.
func TestOneRedirectPolicy(t *testing.T) {
	forbidden := []string{"http.Client{", "http.DefaultClient", "http.DefaultTransport", "http.Transport{",
		"http.Get(", "http.Head(", "http.Post(", "http.PostForm(", "cleanhttp.Default", "oauth2.NoContext"}
	skip := map[string]bool{"node_modules": true, ".git": true, "sandbox": true, "testing": true, "transport": true}
	var files int
	err := filepath.WalkDir(filepath.Join("..", ".."), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if skip[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.HasPrefix(d.Name(), "emulation") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, f := range forbidden {
			if strings.Contains(string(src), f) {
				t.Errorf("%s uses %s: send requests through transport.Client so its redirect policy applies", path, f)
			}
		}
		return nil
	})
	if err != nil || files < 20 {
		t.Fatalf("walked %d files: %v", files, err)
	}
}
