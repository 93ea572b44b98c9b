package transport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// credentialHeaders always carry a credential.
var credentialHeaders = []string{
	"Authorization", "Proxy-Authorization", "Cookie", "Cookie2",
	"X-Api-Key", "Api-Key", "X-Auth-Token", "X-Access-Token",
}

// credentialWords mark custom headers and query parameters that probably
// carry a credential (X-Okta-Token, X-Smartsheet-Key, DD-API-KEY, api_key,
// access_token, sig …).
var credentialWords = []string{"auth", "token", "key", "secret", "session", "password", "signature", "sig", "credential"}

type sensitiveKey struct{}

// WithSensitiveHeaders marks header or query-parameter names that carry a
// credential for the requests made under ctx, even when the name looks
// harmless: such a request is never redirected to another origin.
func WithSensitiveHeaders(ctx context.Context, names ...string) context.Context {
	prev, _ := ctx.Value(sensitiveKey{}).([]string)
	all := append(append([]string(nil), prev...), names...)
	return context.WithValue(ctx, sensitiveKey{}, all)
}

// RedirectReason says why a redirect was refused.
type RedirectReason string

// Reasons a redirect is refused. Their texts end RedirectError's message
// (asRedirectError reads them back).
const (
	// RedirectDowngrade: from https to http, which would send the request
	// in clear text.
	RedirectDowngrade RedirectReason = "https to http downgrade"
	// RedirectBody: a request with a body (every token request) or an
	// unsafe method, to another origin.
	RedirectBody RedirectReason = "another origin, for a request with a body"
	// RedirectCredential: a request that authenticates with a header, user
	// info or a query parameter, to another origin.
	RedirectCredential RedirectReason = "another origin, for a request with a credential"
)

var redirectReasons = []RedirectReason{RedirectDowngrade, RedirectBody, RedirectCredential}

// RedirectError is a redirect the client refused to follow. From and To
// are redacted (no user info; a query is shown as "?…"): a key in a query
// string never reaches a message.
type RedirectError struct {
	Status   int
	From, To string
	Reason   RedirectReason
}

const redirectPrefix = "redirect refused: "

func (e *RedirectError) Error() string {
	return fmt.Sprintf("%sHTTP %d from %s to %s: %s", redirectPrefix, e.Status, e.From, e.To, e.Reason)
}

var redirectText = regexp.MustCompile(regexp.QuoteMeta(redirectPrefix) + `HTTP (\d{3}) from (\S+) to (\S+): (.+)`)

// IsRefusedRedirect reports whether err is (or wraps, or quotes) a
// *RedirectError; Classify turns it into a Finding.
func IsRefusedRedirect(err error) bool {
	_, ok := asRedirectError(err)
	return ok
}

// asRedirectError finds a refused redirect in err, also when a library
// flattened it into text (golang.org/x/oauth2/jwt wraps with %v).
func asRedirectError(err error) (*RedirectError, bool) {
	if err == nil {
		return nil, false
	}
	var re *RedirectError
	if errors.As(err, &re) {
		return re, true
	}
	m := redirectText.FindStringSubmatch(err.Error())
	if m == nil {
		return nil, false
	}
	status, _ := strconv.Atoi(m[1])
	for _, r := range redirectReasons {
		if strings.HasPrefix(m[4], string(r)) {
			return &RedirectError{Status: status, From: m[2], To: m[3], Reason: r}, true
		}
	}
	return nil, false
}

// checkRedirect is the one redirect policy of every request the provider
// makes (token requests through golang.org/x/oauth2 included: they get the
// client from OAuth2Context). Same-origin redirects are followed, at most
// DefaultMaxRedirects of them. A redirect that changes scheme, host or port
// is followed only when the request carries nothing to protect: one with a
// body or an unsafe method, a credential header or a credential query
// parameter is refused with a *RedirectError, so it is never resent, and the
// caller reports where the endpoint redirects. An https → http downgrade is
// refused even on the same host.
//
// A credential in the query string cannot ride along on an allowed redirect
// either: net/http resolves Location per RFC 3986, so a Location that names
// another origin brings its own query; only the server that received the
// key could copy it there. The Referer header, which would repeat the
// previous URL with its query, is never sent.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= DefaultMaxRedirects {
		return errTooManyRedirects
	}
	req.Header.Del("Referer")
	first, prev := via[0], via[len(via)-1]
	refuse := func(reason RedirectReason) error {
		status := 0
		if req.Response != nil {
			status = req.Response.StatusCode
		}
		return &RedirectError{Status: status, From: describeURL(prev.URL), To: describeURL(req.URL), Reason: reason}
	}
	if strings.EqualFold(prev.URL.Scheme, "https") && !strings.EqualFold(req.URL.Scheme, "https") {
		return refuse(RedirectDowngrade)
	}
	if sameOrigin(req.URL, first.URL) {
		return nil
	}
	switch {
	case hasBody(first) || !safeMethod(first.Method):
		return refuse(RedirectBody)
	case carriesCredential(first):
		return refuse(RedirectCredential)
	}
	return nil
}

func hasBody(r *http.Request) bool {
	return r.Body != nil && r.Body != http.NoBody || r.ContentLength > 0
}

func safeMethod(m string) bool {
	return m == "" || m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// carriesCredential reports whether r authenticates with a header, user
// info in its URL or a query parameter.
func carriesCredential(r *http.Request) bool {
	ctx := r.Context()
	for name := range r.Header {
		if isCredential(ctx, name) {
			return true
		}
	}
	if r.URL.User != nil {
		return true
	}
	for name := range r.URL.Query() {
		if isCredential(ctx, name) {
			return true
		}
	}
	return false
}

// isCredential reports whether a header or query-parameter name carries or
// may carry a credential.
func isCredential(ctx context.Context, name string) bool {
	for _, h := range credentialHeaders {
		if strings.EqualFold(name, h) {
			return true
		}
	}
	if extra, ok := ctx.Value(sensitiveKey{}).([]string); ok {
		for _, h := range extra {
			if strings.EqualFold(name, h) {
				return true
			}
		}
	}
	lower := strings.ToLower(name)
	for _, w := range credentialWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// describeURL renders u for a message: no user info, no fragment, and a
// query shown as "?…" (its values may be keys).
func describeURL(u *url.URL) string {
	s := RedactURL(u.String())
	if u.RawQuery != "" {
		s += "?…"
	}
	return s
}

// SameOrigin reports whether a and b have the same origin (scheme, host
// and port, default ports made explicit). Listers use it before following
// a vendor's next-page link with the admin credential.
func SameOrigin(a, b *url.URL) bool { return sameOrigin(a, b) }

func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(hostPort(a), hostPort(b))
}

func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return strings.ToLower(u.Hostname()) + ":" + port
}

// redirectFinding reports a refused redirect as a configuration error: the
// configured URL is not the endpoint that answers, and following it could
// hand the credential to whoever controls the redirect.
func redirectFinding(e *RedirectError) finding.Finding {
	summary := "The endpoint redirects to another origin"
	var why string
	switch e.Reason {
	case RedirectDowngrade:
		summary = "The endpoint redirects from https to http"
		why = "Following it would send the request, and any credential in it, unencrypted."
	case RedirectBody:
		why = "The request has a body, and a token request carries the client's credentials in it: "
		if e.Status == http.StatusTemporaryRedirect || e.Status == http.StatusPermanentRedirect {
			why += fmt.Sprintf("a %d resends that body to the new location.", e.Status)
		} else {
			why += fmt.Sprintf("a %d turns the request into a GET to the new location, whose answer would say nothing about the endpoint configured.", e.Status)
		}
	default:
		why = "The request carries a credential, which is never sent to another origin, and without it the answer would say nothing about the credential."
	}
	return f(finding.InvalidConfiguration, false, summary,
		fmt.Sprintf("%s answered HTTP %d, a redirect to %s; Handshake did not follow it. %s", e.From, e.Status, e.To, why)).
		WithFix(fmt.Sprintf("If %s is the service's real endpoint and you trust it, use that URL here instead.", strings.TrimSuffix(e.To, "?…")),
			"Otherwise find what redirects (a moved endpoint, a proxy, a mistyped host name, an open redirect) and point the URL at the service itself.").
		WithCode(fmt.Sprintf("HTTP %d", e.Status))
}
