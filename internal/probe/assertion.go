package probe

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
	"github.com/handshake-tf/terraform-provider-handshake/internal/keys"
)

// keyError is a private key that cannot be used; its message never
// contains key material.
type keyError struct{ msg string }

func (e *keyError) Error() string { return e.msg }

// signingKey is a parsed private key and the JWS algorithm it signs with.
type signingKey struct {
	key crypto.Signer
	alg jose.SignatureAlgorithm
	kid string
}

func (k signingKey) isRSA() bool {
	_, ok := k.key.(*rsa.PrivateKey)
	return ok
}

// pemRSA re-encodes an RSA key as PKCS#1 PEM for golang.org/x/oauth2/jwt.
func (k signingKey) pemRSA() []byte {
	rk, ok := k.key.(*rsa.PrivateKey)
	if !ok {
		return nil // callers check isRSA first
	}
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)})
}

// parsePrivateKey reads a PEM bundle or a private JWK with internal/keys,
// the parser the offline rules use, and picks the JWS algorithm.
func parsePrivateKey(s string) (signingKey, error) {
	k, err := keys.Parse(s)
	if err != nil {
		return signingKey{}, &keyError{err.Error()}
	}
	sk, err := withAlg(k.Signer)
	if err != nil {
		return signingKey{}, err
	}
	sk.kid = k.KeyID
	if k.Alg != "" {
		sk.alg = jose.SignatureAlgorithm(k.Alg)
	}
	return sk, nil
}

func withAlg(k crypto.Signer) (signingKey, error) {
	switch key := k.(type) {
	case *rsa.PrivateKey:
		if key.N.BitLen() < 2048 {
			return signingKey{}, &keyError{"the RSA key is shorter than 2048 bits"}
		}
		return signingKey{key: k, alg: jose.RS256}, nil
	case *ecdsa.PrivateKey:
		switch key.Curve {
		case elliptic.P256():
			return signingKey{key: k, alg: jose.ES256}, nil
		case elliptic.P384():
			return signingKey{key: k, alg: jose.ES384}, nil
		case elliptic.P521():
			return signingKey{key: k, alg: jose.ES512}, nil
		}
		return signingKey{}, &keyError{"unsupported elliptic curve"}
	case ed25519.PrivateKey:
		return signingKey{key: k, alg: jose.EdDSA}, nil
	}
	return signingKey{}, &keyError{"unsupported private key type"}
}

// ClientAssertion builds an RFC 7523 §2.2 client assertion for
// private_key_jwt (OIDC Core §9): iss = sub = client_id, aud = token
// endpoint, a unique jti, valid for five minutes. When the PEM bundles the
// key's certificate, its thumbprints go in the x5t and x5t#S256 headers,
// which Microsoft Entra ID requires for certificate credentials. Vendor
// steps that need a second token use it too.
func ClientAssertion(clientID, audience, privateKey string, now time.Time) (string, error) {
	k, err := parsePrivateKey(privateKey)
	if err != nil {
		return "", err
	}
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if c, err := keys.FirstCertificate(privateKey); err == nil {
		s1, s256 := sha1.Sum(c.Raw), sha256.Sum256(c.Raw)
		opts = opts.WithHeader("x5t", base64.RawURLEncoding.EncodeToString(s1[:])).
			WithHeader("x5t#S256", base64.RawURLEncoding.EncodeToString(s256[:]))
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: k.alg, Key: jose.JSONWebKey{Key: k.key, KeyID: k.kid}}, opts)
	if err != nil {
		return "", &keyError{"the private key cannot sign " + string(k.alg)}
	}
	var jti [16]byte
	_, _ = rand.Read(jti[:])
	claims := josejwt.Claims{
		Issuer:    clientID,
		Subject:   clientID,
		Audience:  josejwt.Audience{audience},
		ID:        base64.RawURLEncoding.EncodeToString(jti[:]),
		IssuedAt:  josejwt.NewNumericDate(now),
		NotBefore: josejwt.NewNumericDate(now),
		Expiry:    josejwt.NewNumericDate(now.Add(5 * time.Minute)),
	}
	out, err := josejwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		return "", &keyError{"signing the client assertion failed"}
	}
	return out, nil
}
