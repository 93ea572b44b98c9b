package transport

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/oauth2"
)

// CredentialKey identifies one distinct credential at one token endpoint.
// Its String form hashes the secret: the cache never holds a secret as a key.
type CredentialKey struct {
	TokenURL string
	ClientID string
	// Secret is every secret that authenticates the request (client secret,
	// private key, refresh token …), concatenated; only its hash is kept.
	Secret string
	Scopes []string
	// Extra distinguishes otherwise equal requests: grant type, auth style,
	// audience, resource.
	Extra []string
}

// String is the cache key: token URL, client id, SHA-256 of the secret,
// sorted scopes and extras.
func (k CredentialKey) String() string {
	sum := sha256.Sum256([]byte(k.Secret))
	scopes := slices.Clone(k.Scopes)
	slices.Sort(scopes)
	scopes = slices.Compact(scopes)
	return strings.Join([]string{
		k.TokenURL, k.ClientID, hex.EncodeToString(sum[:]),
		strings.Join(scopes, " "), strings.Join(k.Extra, "\x00"),
	}, "\x1f")
}

// TokenCache makes one distinct credential fetch its token once per process:
// concurrent callers with the same key wait for the first one's answer, and
// later callers reuse the token while it is valid. Definitive refusals (an
// OAuth error with HTTP 400, 401 or 403) are cached too, so that N
// connectors sharing a bad secret send it once, not N times (services lock
// accounts after repeated failures). Transient failures are not cached.
type TokenCache struct {
	mu      sync.Mutex
	entries map[string]*tokenEntry
	fetches atomic.Int64
}

type tokenEntry struct {
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

// NewTokenCache returns an empty cache.
func NewTokenCache() *TokenCache {
	return &TokenCache{entries: map[string]*tokenEntry{}}
}

// Token returns the cached token for key, or calls fetch once to get it.
// shared reports whether the answer (token or error) came from an earlier or
// concurrent fetch. The returned token must not be modified.
func (c *TokenCache) Token(ctx context.Context, key CredentialKey, fetch func(context.Context) (*oauth2.Token, error)) (tok *oauth2.Token, shared bool, err error) {
	id := key.String()
	for {
		c.mu.Lock()
		e, ok := c.entries[id]
		if !ok {
			e = &tokenEntry{done: make(chan struct{})}
			c.entries[id] = e
			c.mu.Unlock()
			c.fetches.Add(1)
			e.tok, e.err = fetch(ctx)
			if e.err != nil && !cacheable(e.err) {
				c.forget(id, e)
			}
			close(e.done)
			return e.tok, false, e.err
		}
		c.mu.Unlock()

		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
		switch {
		case e.err != nil && (errors.Is(e.err, context.Canceled) || errors.Is(e.err, context.DeadlineExceeded)) && ctx.Err() == nil:
			continue // the first caller gave up; try ourselves
		case e.err != nil:
			return nil, true, e.err
		case !e.tok.Valid():
			c.forget(id, e)
			continue
		}
		return e.tok, true, nil
	}
}

// Put stores tok under key (after a refresh grant rotated it).
func (c *TokenCache) Put(key CredentialKey, tok *oauth2.Token) {
	e := &tokenEntry{done: make(chan struct{}), tok: tok}
	close(e.done)
	c.mu.Lock()
	c.entries[key.String()] = e
	c.mu.Unlock()
}

// Fetches reports how many times a fetch function was called.
func (c *TokenCache) Fetches() int64 { return c.fetches.Load() }

func (c *TokenCache) forget(id string, e *tokenEntry) {
	c.mu.Lock()
	if c.entries[id] == e {
		delete(c.entries, id)
	}
	c.mu.Unlock()
}

func cacheable(err error) bool {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		return false
	}
	switch re.Response.StatusCode {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden:
		return true
	}
	return false
}
