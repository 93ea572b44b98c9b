package transport

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"
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
	calls   sharedCalls[*oauth2.Token]
	fetches atomic.Int64
}

// NewTokenCache returns an empty cache.
func NewTokenCache() *TokenCache { return &TokenCache{} }

// Token returns the cached token for key, or calls fetch once to get it.
// shared reports whether the answer (token or error) came from an earlier or
// concurrent fetch. The returned token must not be modified.
func (c *TokenCache) Token(ctx context.Context, key CredentialKey, fetch func(context.Context) (*oauth2.Token, error)) (tok *oauth2.Token, shared bool, err error) {
	counted := func(ctx context.Context) (*oauth2.Token, error) {
		c.fetches.Add(1)
		return fetch(ctx)
	}
	keep := func(_ *oauth2.Token, err error) bool { return err == nil || cacheable(err) }
	return c.calls.do(ctx, key.String(), counted, keep, (*oauth2.Token).Valid)
}

// Put stores tok under key (after a refresh grant rotated it).
func (c *TokenCache) Put(key CredentialKey, tok *oauth2.Token) { c.calls.put(key.String(), tok) }

// Fetches reports how many times a fetch function was called.
func (c *TokenCache) Fetches() int64 { return c.fetches.Load() }

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
