package probe_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"

	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
)

// selfSignedPEM is a PEM certificate for key, as certificate credentials
// (Entra ID) bundle it with the private key.
func selfSignedPEM(t testing.TB, key crypto.Signer) string {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "handshake-assertion-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// TestClientAssertionKeyForms signs a private_key_jwt assertion with every
// form a key is pasted in and verifies it with the public key, as the
// authorization server does. A bundled certificate must also yield the x5t
// and x5t#S256 headers Entra ID matches certificate credentials by.
func TestClientAssertionKeyForms(t *testing.T) {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pkcs8 := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: must(x509.MarshalPKCS8PrivateKey(rk))}))
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)}))
	sec1 := string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: must(x509.MarshalECPrivateKey(ek))}))
	cert := selfSignedPEM(t, rk)
	certDER, _ := pem.Decode([]byte(cert))
	jwk, _ := json.Marshal(jose.JSONWebKey{Key: ek, KeyID: "okta-key-1"})

	for _, tt := range []struct {
		name, key string
		pub       crypto.PublicKey
		alg, kid  string
		x5t       bool
	}{
		{"PKCS#8", pkcs8, &rk.PublicKey, "RS256", "", false},
		{"certificate before the key", cert + pkcs8, &rk.PublicKey, "RS256", "", true},
		{"certificate after the key", pkcs1 + cert, &rk.PublicKey, "RS256", "", true},
		{"escaped certificate-first bundle", strings.ReplaceAll(cert+pkcs1, "\n", `\n`), &rk.PublicKey, "RS256", "", true},
		{"SEC 1 EC", sec1, &ek.PublicKey, "ES256", "", false},
		{"private JWK", string(jwk), &ek.PublicKey, "ES256", "okta-key-1", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Now()
			a, err := probe.ClientAssertion("client-1", "https://idp.example.com/token", tt.key, now)
			if err != nil {
				t.Fatalf("ClientAssertion: %v", err)
			}
			tok, err := josejwt.ParseSigned(a, []jose.SignatureAlgorithm{jose.RS256, jose.ES256})
			if err != nil {
				t.Fatal(err)
			}
			var c josejwt.Claims
			if err := tok.Claims(tt.pub, &c); err != nil {
				t.Fatalf("signature does not verify: %v", err)
			}
			if c.Issuer != "client-1" || c.Subject != "client-1" || !c.Audience.Contains("https://idp.example.com/token") || c.ID == "" {
				t.Errorf("claims %+v", c)
			}
			h := tok.Headers[0]
			if h.Algorithm != tt.alg || h.KeyID != tt.kid {
				t.Errorf("alg %s kid %q, want %s %q", h.Algorithm, h.KeyID, tt.alg, tt.kid)
			}
			s1, s256 := sha1.Sum(certDER.Bytes), sha256.Sum256(certDER.Bytes)
			x5t, _ := h.ExtraHeaders["x5t"].(string)
			x5t256, _ := h.ExtraHeaders["x5t#S256"].(string)
			if tt.x5t && (x5t != base64.RawURLEncoding.EncodeToString(s1[:]) || x5t256 != base64.RawURLEncoding.EncodeToString(s256[:])) {
				t.Errorf("x5t %q x5t#S256 %q do not match the bundled certificate", x5t, x5t256)
			}
			if !tt.x5t && (x5t != "" || x5t256 != "") {
				t.Errorf("x5t headers without a certificate")
			}
		})
	}

	for name, bad := range map[string]string{
		"certificate only": cert,
		"encrypted":        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n",
		"garbage":          "not a key",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := probe.ClientAssertion("client-1", "https://idp.example.com/token", bad, time.Now()); err == nil {
				t.Fatal("want an error")
			}
		})
	}
}
