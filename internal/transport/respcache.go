package transport

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
)

// CachedResponse is an answer kept by a ResponseCache: status, headers and
// the (already capped) body.
type CachedResponse struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// ResponseCache makes identical probe calls once per process: connectors
// that share a credential and a probe URL (a fleet of connectors for one
// app) get the first call's answer instead of calling again. Only GETs
// without a body are shared, only definitive answers are kept (not 429 or
// 5xx, not network failures), and the key hashes the request's headers, so
// no credential is held as a key.
type ResponseCache struct {
	calls   sharedCalls[CachedResponse]
	fetches atomic.Int64
}

// ResponseKey identifies a request by method, URL and headers (hashed).
func ResponseKey(req *http.Request) string {
	h := sha256.New()
	h.Write([]byte(req.Method + " " + req.URL.String() + "\n"))
	names := make([]string, 0, len(req.Header))
	for name := range req.Header {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		h.Write([]byte(name + ": " + strings.Join(req.Header[name], "\x00") + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Do returns the kept answer for req, or calls fetch once to get it. Requests
// that cannot be shared (not a GET, or with a body) always call fetch.
// shared reports whether the answer came from another caller's fetch.
func (c *ResponseCache) Do(ctx context.Context, req *http.Request, fetch func(context.Context) (CachedResponse, error)) (resp CachedResponse, shared bool, err error) {
	counted := func(ctx context.Context) (CachedResponse, error) {
		c.fetches.Add(1)
		return fetch(ctx)
	}
	if req.Method != http.MethodGet || (req.Body != nil && req.Body != http.NoBody) {
		resp, err = counted(ctx)
		return resp, false, err
	}
	keep := func(r CachedResponse, err error) bool {
		return err == nil && r.StatusCode != http.StatusTooManyRequests && r.StatusCode < 500
	}
	return c.calls.do(ctx, ResponseKey(req), counted, keep, nil)
}

// Fetches reports how many times a fetch function was called.
func (c *ResponseCache) Fetches() int64 { return c.fetches.Load() }
