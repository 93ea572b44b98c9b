// Package credential learns what a credential value says about itself offline:
// its fingerprint, its declared expiry (JWT exp, certificate NotAfter) and how close it is.
package credential

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/keys"
)

// Types are the credential types handshake_credential accepts.
var Types = []string{"client_secret", "api_key", "token", "private_key", "certificate", "service_account_key", "password"}

// Expiry statuses (stable: users compare against them).
const (
	StatusValid    = "valid"
	StatusExpiring = "expiring"
	StatusExpired  = "expired"
	StatusUnknown  = "unknown"
)

// Fingerprint is a short identifier of a value: enough to tell which version
// is deployed, and domain-separated so it matches no other system's hash of
// the same secret. It is unkeyed, so it hides long random secrets but not
// guessable ones (the docs say so).
func Fingerprint(value string) string {
	sum := sha256.Sum256([]byte("handshake-credential-fingerprint\x00" + value))
	return "sha256:" + hex.EncodeToString(sum[:8])
}

// SelfDescribedExpiry returns the expiry a value declares about itself: the
// `exp` claim of a JWT or the NotAfter of the first X.509 certificate in a PEM
// bundle. ok is false when the value says nothing about its expiry.
func SelfDescribedExpiry(value string) (t time.Time, source string, ok bool) {
	v := strings.TrimSpace(value)
	if strings.Contains(v, "-----BEGIN CERTIFICATE-----") {
		if c, err := keys.FirstCertificate(v); err == nil {
			return c.NotAfter.UTC(), "certificate NotAfter", true
		}
		return time.Time{}, "", false
	}
	if exp, err := jwtExpiry(v); err == nil {
		return exp, "JWT exp claim", true
	}
	return time.Time{}, "", false
}

// JWTClaims decodes the payload of a compact JWS (header.payload.signature)
// into dst without verifying the signature: callers only read what the
// token says about itself (its expiry, audience, roles), and verifying it
// is the issuer's and the API's business.
func JWTClaims(token string, dst any) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || len(token) > 64<<10 {
		return errors.New("not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil || json.Unmarshal(payload, dst) != nil {
		return errors.New("not a JWT")
	}
	return nil
}

// jwtExpiry reads the exp claim of a JWT (JWTClaims).
func jwtExpiry(v string) (time.Time, error) {
	var claims struct {
		Exp *json.Number `json:"exp"`
	}
	if err := JWTClaims(v, &claims); err != nil {
		return time.Time{}, err
	}
	if claims.Exp == nil {
		return time.Time{}, errors.New("no exp claim")
	}
	secs, err := claims.Exp.Float64()
	if err != nil || secs <= 0 || secs > 1e11 {
		return time.Time{}, errors.New("exp claim out of range")
	}
	return time.Unix(int64(secs), 0).UTC(), nil
}

// Status places an expiry relative to now and the warning window.
func Status(expiresAt *time.Time, now time.Time, window time.Duration) string {
	switch {
	case expiresAt == nil:
		return StatusUnknown
	case !now.Before(*expiresAt):
		return StatusExpired
	case expiresAt.Sub(now) <= window:
		return StatusExpiring
	default:
		return StatusValid
	}
}
