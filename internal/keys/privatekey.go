// Package keys is the one parser of the private keys and certificates users paste (PEM
// bundles in any order, "\n"-escaped PEM, private JWKs) for offline rules and live steps.
package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
)

// Key is a parsed private key. KeyID and Alg come from a JWK's "kid" and
// "alg"; they are empty for PEM keys.
type Key struct {
	Signer crypto.Signer
	KeyID  string
	Alg    string
}

// ErrEncrypted is returned for passphrase-protected keys, in either PEM
// form (PKCS#8 ENCRYPTED PRIVATE KEY, or a legacy block with a Proc-Type
// header). Handshake has no passphrase to open them with.
var ErrEncrypted = errors.New("encrypted private keys are not supported; decrypt it first with openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-decrypted.pem")

// Parse reads a private key given as PEM (see ParsePEM) or as a private
// JWK (RFC 7517, a JSON object).
func Parse(text string) (Key, error) {
	t := strings.TrimSpace(text)
	if !strings.HasPrefix(t, "{") {
		s, err := ParsePEM(t)
		return Key{Signer: s}, err
	}
	var jwk jose.JSONWebKey
	if err := json.Unmarshal([]byte(t), &jwk); err != nil {
		// go-jose's errors can quote member values; say only what failed.
		return Key{}, errors.New("the key looks like a JWK but cannot be parsed")
	}
	signer, ok := jwk.Key.(crypto.Signer)
	if !ok || jwk.IsPublic() {
		return Key{}, errors.New("the JWK is not a private signing key")
	}
	return Key{Signer: signer, KeyID: jwk.KeyID, Alg: jwk.Algorithm}, nil
}

// ParsePEM reads the private key of a PEM bundle: PKCS#1 (RSA PRIVATE
// KEY), PKCS#8 (PRIVATE KEY: RSA, ECDSA or Ed25519) or SEC 1 (EC PRIVATE
// KEY). Every block is walked, because key files often carry the
// certificate before the key (Entra ID certificate credentials, openssl
// pkcs12 -nodes output); the first private-key block wins.
func ParsePEM(text string) (crypto.Signer, error) {
	text = unescapeNewlines(strings.TrimSpace(text))
	if text == "" {
		return nil, errors.New("the key is empty")
	}
	var other string
	for _, block := range blocks(text) {
		if _, encrypted := block.Headers["Proc-Type"]; encrypted {
			return nil, ErrEncrypted
		}
		switch block.Type {
		case "RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY":
			return parseDER(block.Type, block.Bytes)
		case "ENCRYPTED PRIVATE KEY":
			return nil, ErrEncrypted
		case "OPENSSH PRIVATE KEY":
			return nil, errors.New("OpenSSH key format is not supported; convert it with ssh-keygen -p -m PEM or export PKCS#8")
		}
		if other == "" {
			other = block.Type
		}
	}
	switch other {
	case "":
		if strings.Contains(text, "-----BEGIN") {
			return nil, errors.New("the PEM block is damaged (check that the line breaks and the -----END line survived copying)")
		}
		return nil, errors.New("no PEM block found (expected a -----BEGIN … PRIVATE KEY----- line)")
	case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE":
		return nil, fmt.Errorf("this is a %s, not a private key", strings.ToLower(other))
	default:
		if len(other) > 40 {
			other = other[:40] + "…"
		}
		return nil, fmt.Errorf("unsupported PEM block type %q (expected PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)", other)
	}
}

// Kind names a key's algorithm for messages: RSA, ECDSA or Ed25519.
func Kind(k crypto.Signer) string {
	switch k.(type) {
	case *rsa.PrivateKey:
		return "RSA"
	case *ecdsa.PrivateKey:
		return "ECDSA"
	case ed25519.PrivateKey:
		return "Ed25519"
	}
	return "unknown"
}

// formats maps a PEM label to the format it promises.
var formats = map[string]string{"RSA PRIVATE KEY": "PKCS#1", "PRIVATE KEY": "PKCS#8", "EC PRIVATE KEY": "SEC 1"}

// parseDER decodes the DER bytes of a private-key block. The label is
// tried first, then the other formats: keys relabelled by hand or by an old
// tool are common, and a key Handshake can sign with is a usable key.
func parseDER(label string, der []byte) (crypto.Signer, error) {
	pkcs1 := func() (crypto.Signer, error) { return x509.ParsePKCS1PrivateKey(der) }
	sec1 := func() (crypto.Signer, error) { return x509.ParseECPrivateKey(der) }
	pkcs8 := func() (crypto.Signer, error) {
		k, err := x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			return nil, err
		}
		if signer, ok := k.(crypto.Signer); ok {
			return signer, nil
		}
		return nil, errors.New("unsupported key algorithm")
	}
	var order []func() (crypto.Signer, error)
	switch label {
	case "RSA PRIVATE KEY":
		order = []func() (crypto.Signer, error){pkcs1, pkcs8, sec1}
	case "PRIVATE KEY":
		order = []func() (crypto.Signer, error){pkcs8, pkcs1, sec1}
	default: // EC PRIVATE KEY
		order = []func() (crypto.Signer, error){sec1, pkcs8, pkcs1}
	}
	var firstErr error
	for _, parse := range order {
		k, err := parse()
		if err == nil {
			return k, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, fmt.Errorf("the %s block is not a valid %s key (%s)", label, formats[label], cleanASN1Error(firstErr))
}

// cleanASN1Error keeps a parse error's message short; the x509 errors
// never contain key bytes, only structural descriptions.
func cleanASN1Error(err error) string {
	msg := strings.TrimPrefix(err.Error(), "x509: ")
	// Drop Go API hints such as "(use ParseECPrivateKey instead …)".
	if i := strings.Index(msg, " (use Parse"); i > 0 {
		msg = msg[:i]
	}
	return msg
}
