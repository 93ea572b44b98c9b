// Package transport is the HTTP client every live check uses (timeouts, retries, a
// safe redirect policy, capped bodies, token cache) and classifies its failures as Findings.
package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"golang.org/x/oauth2"
)

// Defaults used when an Options field is zero.
const (
	DefaultTimeout         = 15 * time.Second
	DefaultMaxRetries      = 3
	DefaultMaxBodyBytes    = 1 << 20 // 1 MiB
	DefaultMaxConnsPerHost = 4
	DefaultRetryWaitMin    = 250 * time.Millisecond
	DefaultRetryWaitMax    = 5 * time.Second
	DefaultMaxRedirects    = 5
)

// Options configure a Client. The zero value is usable.
type Options struct {
	// Timeout bounds one logical request: connecting, every retry, waiting
	// for headers and reading the body. Default 15s.
	Timeout time.Duration
	// CABundle is PEM; its certificates are trusted in addition to the
	// system pool (a private CA, a TLS-inspecting proxy).
	CABundle string
	// UserAgent is sent when a request sets none.
	UserAgent string
	// MaxRetries is how many times a 429 or 5xx answer is retried
	// (default 3; negative: never).
	MaxRetries int
	// MaxBodyBytes caps how much of any response body can be read
	// (default 1 MiB); reading past it fails with *BodyTooLargeError.
	MaxBodyBytes int64
	// MaxConnsPerHost bounds concurrent requests to one host:port (default 4).
	MaxConnsPerHost int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff; a
	// Retry-After longer than RetryWaitMax is not waited for: the 429/503
	// is returned at once (defaults 250ms and 5s).
	RetryWaitMin, RetryWaitMax time.Duration
	// Resolver is used by LookupHost and dialing (nil: net.DefaultResolver).
	Resolver *net.Resolver
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = DefaultMaxRetries
	}
	if o.MaxRetries < 0 {
		o.MaxRetries = 0
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.MaxConnsPerHost <= 0 {
		o.MaxConnsPerHost = DefaultMaxConnsPerHost
	}
	if o.RetryWaitMin <= 0 {
		o.RetryWaitMin = DefaultRetryWaitMin
	}
	if o.RetryWaitMax <= 0 {
		o.RetryWaitMax = DefaultRetryWaitMax
	}
	if o.RetryWaitMax < o.RetryWaitMin {
		o.RetryWaitMax = o.RetryWaitMin
	}
	return o
}

// Client is safe for concurrent use; create one per provider instance and
// share it, so that the token cache and per-host limits span all checks.
type Client struct {
	opts       Options
	tlsConfig  *tls.Config
	dialer     *net.Dialer
	base       *http.Transport
	http       *http.Client
	noRedirect *http.Client
	tokens     *TokenCache
	responses  *ResponseCache

	mu    sync.Mutex
	hosts map[string]chan struct{}
}

// New builds a Client. It fails only on a CA bundle without certificates.
func New(opts Options) (*Client, error) {
	opts = opts.withDefaults()
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if strings.TrimSpace(opts.CABundle) != "" {
		if !pool.AppendCertsFromPEM([]byte(opts.CABundle)) {
			return nil, errors.New("the CA bundle contains no PEM-encoded certificate")
		}
	}
	tlsConfig := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}

	dialer := &net.Dialer{Timeout: opts.Timeout, KeepAlive: 30 * time.Second, Resolver: opts.Resolver}
	base := cleanhttp.DefaultPooledTransport()
	base.DialContext = dialer.DialContext
	base.TLSClientConfig = tlsConfig
	base.TLSHandshakeTimeout = min(opts.Timeout, 10*time.Second)
	base.ResponseHeaderTimeout = opts.Timeout
	base.ExpectContinueTimeout = time.Second
	base.MaxConnsPerHost = opts.MaxConnsPerHost
	base.MaxIdleConnsPerHost = opts.MaxConnsPerHost
	base.IdleConnTimeout = 30 * time.Second

	c := &Client{
		opts:      opts,
		tlsConfig: tlsConfig,
		dialer:    dialer,
		base:      base,
		tokens:    NewTokenCache(),
		responses: &ResponseCache{},
		hosts:     map[string]chan struct{}{},
	}
	rt := &roundTripper{c: c}
	c.http = &http.Client{Transport: rt, Timeout: opts.Timeout, CheckRedirect: checkRedirect}
	c.noRedirect = &http.Client{Transport: rt, Timeout: opts.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return c, nil
}

// HTTP returns the client every request uses (probes, vendor steps, and
// token requests through OAuth2Context): it follows up to 5 same-origin
// redirects and refuses, with a *RedirectError, one that would take a body
// or a credential to another origin or downgrade https to http.
func (c *Client) HTTP() *http.Client { return c.http }

// NoRedirect returns a client that never follows redirects (the 3xx is
// returned), for checks that must look at the redirect itself (the
// authorization-endpoint check).
func (c *Client) NoRedirect() *http.Client { return c.noRedirect }

// Tokens returns the client's token cache.
func (c *Client) Tokens() *TokenCache { return c.tokens }

// Responses returns the client's cache of probe-call answers.
func (c *Client) Responses() *ResponseCache { return c.responses }

// Options returns the effective options (defaults filled in).
func (c *Client) Options() Options { return c.opts }

// OAuth2Context returns ctx carrying the client for golang.org/x/oauth2, so
// token requests go through the same timeouts, retries and limits.
func (c *Client) OAuth2Context(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, c.http)
}

// CloseIdleConnections closes pooled connections (tests use it to check for
// leaked goroutines).
func (c *Client) CloseIdleConnections() { c.base.CloseIdleConnections() }

// LookupHost resolves host (an IP literal is returned as is).
func (c *Client) LookupHost(ctx context.Context, host string) ([]string, error) {
	if ip := net.ParseIP(host); ip != nil {
		return []string{host}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	r := c.opts.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	return r.LookupHost(ctx, host)
}

// DialTCP opens and closes a TCP connection to addr (host:port).
func (c *Client) DialTCP(ctx context.Context, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	conn, err := c.dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return conn.Close()
}

// HandshakeTLS performs a TLS handshake with addr, verifying the certificate
// for serverName against the client's trust store, and returns the
// connection state.
func (c *Client) HandshakeTLS(ctx context.Context, addr, serverName string) (tls.ConnectionState, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	cfg := c.tlsConfig.Clone()
	cfg.ServerName = serverName
	d := &tls.Dialer{NetDialer: c.dialer, Config: cfg}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return tls.ConnectionState{}, err
	}
	defer func() { _ = conn.Close() }()
	tc, ok := conn.(*tls.Conn)
	if !ok {
		return tls.ConnectionState{}, fmt.Errorf("tls dialer returned %T", conn)
	}
	return tc.ConnectionState(), nil
}

// acquire takes a slot for host, waiting at most until ctx is done.
func (c *Client) acquire(ctx context.Context, host string) (func(), error) {
	c.mu.Lock()
	sem, ok := c.hosts[host]
	if !ok {
		sem = make(chan struct{}, c.opts.MaxConnsPerHost)
		c.hosts[host] = sem
	}
	c.mu.Unlock()
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() { once.Do(func() { <-sem }) }, nil
}

// errTooManyRedirects stops a redirect loop.
var errTooManyRedirects = fmt.Errorf("stopped after %d redirects", DefaultMaxRedirects)
