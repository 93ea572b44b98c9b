package transport

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// credentialHeaders are always dropped when a redirect leaves the origin.
var credentialHeaders = []string{
	"Authorization", "Proxy-Authorization", "Cookie", "Cookie2",
	"X-Api-Key", "Api-Key", "X-Auth-Token", "X-Access-Token",
}

// credentialWords mark custom headers that probably carry a credential
// (X-Okta-Token, X-Smartsheet-Key, DD-API-KEY …).
var credentialWords = []string{"auth", "token", "key", "secret", "session", "password", "signature", "credential"}

type sensitiveKey struct{}

// WithSensitiveHeaders marks header names that carry a credential for the
// requests made under ctx: they are dropped on a cross-origin redirect even
// when their name looks harmless.
func WithSensitiveHeaders(ctx context.Context, names ...string) context.Context {
	prev, _ := ctx.Value(sensitiveKey{}).([]string)
	all := append(append([]string(nil), prev...), names...)
	return context.WithValue(ctx, sensitiveKey{}, all)
}

// checkRedirect follows at most DefaultMaxRedirects redirects and, unlike
// net/http's default (which keeps Authorization for the same host name on
// another port, or for a subdomain), drops every credential header as soon
// as scheme, host or port change.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= DefaultMaxRedirects {
		return errTooManyRedirects
	}
	if sameOrigin(req.URL, via[0].URL) {
		return nil
	}
	StripCredentials(req.Context(), req.Header)
	return nil
}

// StripCredentials removes every header that carries or may carry a
// credential.
func StripCredentials(ctx context.Context, h http.Header) {
	for _, name := range credentialHeaders {
		h.Del(name)
	}
	if extra, ok := ctx.Value(sensitiveKey{}).([]string); ok {
		for _, name := range extra {
			h.Del(name)
		}
	}
	for name := range h {
		lower := strings.ToLower(name)
		for _, w := range credentialWords {
			if strings.Contains(lower, w) {
				delete(h, name)
				break
			}
		}
	}
}

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
