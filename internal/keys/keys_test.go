package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// material is a set of freshly generated keys and a certificate, in the
// PEM forms tools write; no key material is checked in.
type material struct {
	rsa     *rsa.PrivateKey
	pem     map[string]string
	certDER []byte
}

func newMaterial(t testing.TB) material {
	t.Helper()
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ec256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ec384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	enc := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	pkcs8 := func(k any) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	sec1, _ := x509.MarshalECPrivateKey(ec256)
	pub, _ := x509.MarshalPKIXPublicKey(&rk.PublicKey)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "handshake-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &rk.PublicKey, rk)
	if err != nil {
		t.Fatal(err)
	}
	return material{rsa: rk, certDER: cert, pem: map[string]string{
		"pkcs1":       enc("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk)),
		"pkcs8":       enc("PRIVATE KEY", pkcs8(rk)),
		"sec1":        enc("EC PRIVATE KEY", sec1),
		"ec pkcs8":    enc("PRIVATE KEY", pkcs8(ec384)),
		"ed25519":     enc("PRIVATE KEY", pkcs8(ed)),
		"public":      enc("PUBLIC KEY", pub),
		"certificate": enc("CERTIFICATE", cert),
	}}
}

func TestParsePEM(t *testing.T) {
	m := newMaterial(t)
	p := m.pem
	escaped := func(s string) string { return strings.ReplaceAll(s, "\n", `\n`) }
	good := []struct {
		name, in, kind string
	}{
		{"PKCS#1 RSA", p["pkcs1"], "RSA"},
		{"PKCS#8 RSA", p["pkcs8"], "RSA"},
		{"SEC 1 EC", p["sec1"], "ECDSA"},
		{"PKCS#8 EC", p["ec pkcs8"], "ECDSA"},
		{"PKCS#8 Ed25519", p["ed25519"], "Ed25519"},
		// How Entra ID and many tools export a certificate credential.
		{"certificate before the key", p["certificate"] + p["pkcs8"], "RSA"},
		{"certificate after the key", p["pkcs1"] + p["certificate"], "RSA"},
		{"public key before the key", p["public"] + p["sec1"], "ECDSA"},
		// openssl pkcs12 -nodes writes attribute lines before each block.
		{"openssl pkcs12 bag attributes", "Bag Attributes\n    localKeyID: 01 00 00 00\nsubject=CN = handshake-test\n" +
			p["certificate"] + "Bag Attributes\n    localKeyID: 01 00 00 00\nKey Attributes: <No Attributes>\n" + p["pkcs8"], "RSA"},
		// Keys pasted through environment variables or JSON strings.
		{"escaped newlines", escaped(p["pkcs8"]), "RSA"},
		{"escaped certificate-first bundle", escaped(p["certificate"] + p["pkcs1"]), "RSA"},
		{"escaped CRLF", strings.ReplaceAll(p["ed25519"], "\n", `\r\n`), "Ed25519"},
		{"CRLF line breaks", strings.ReplaceAll(p["sec1"], "\n", "\r\n"), "ECDSA"},
		{"surrounding white space", "\n\n  " + p["pkcs1"] + "  \n", "RSA"},
		{"relabelled EC key", strings.ReplaceAll(p["sec1"], "EC PRIVATE KEY", "PRIVATE KEY"), "ECDSA"},
		{"relabelled PKCS#8 key", strings.ReplaceAll(p["pkcs8"], "PRIVATE KEY", "RSA PRIVATE KEY"), "RSA"},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParsePEM(tt.in)
			if err != nil {
				t.Fatalf("ParsePEM: %v", err)
			}
			if got := Kind(k); got != tt.kind {
				t.Errorf("Kind = %s, want %s", got, tt.kind)
			}
			if rk, ok := k.(*rsa.PrivateKey); ok && !rk.Equal(m.rsa) {
				t.Error("parsed a different RSA key")
			}
		})
	}

	body := strings.Split(p["pkcs1"], "\n")[1] // one line of key material
	legacyEncrypted := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY",
		Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-256-CBC,41E91367FFDE082E22568463BBAE8561"},
		Bytes:   make([]byte, 64)}))
	bad := []struct{ name, in, msg string }{
		{"empty", "", "empty"},
		{"white space", " \n\t", "empty"},
		{"garbage", "hello, world", "no PEM block"},
		{"escaped garbage", `abc\ndef`, "no PEM block"},
		{"public key", p["public"], "not a private key"},
		{"certificate only", p["certificate"], "certificate, not a private key"},
		{"truncated", p["pkcs1"][:200], "damaged"},
		{"missing END line", strings.Split(p["pkcs8"], "-----END")[0], "damaged"},
		{"openssh", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n", "OpenSSH"},
		{"PKCS#8 encrypted", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n", "openssl pkcs8"},
		{"legacy encrypted (Proc-Type)", legacyEncrypted, "openssl pkcs8"},
		{"encrypted after a certificate", p["certificate"] + legacyEncrypted, "encrypted private keys are not supported"},
		{"bad DER", "-----BEGIN RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----\n", "PKCS#1"},
		{"wrong algorithm id", "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n", "PKCS#8"},
		{"unknown block", "-----BEGIN DH PARAMETERS-----\nMIIB\n-----END DH PARAMETERS-----\n", "unsupported PEM block type"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParsePEM(tt.in)
			if err == nil || k != nil {
				t.Fatalf("ParsePEM = %v, %v; want an error", k, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not mention %q", err, tt.msg)
			}
			if strings.Contains(err.Error(), body) {
				t.Error("error leaks key material")
			}
		})
	}
	if _, err := ParsePEM(legacyEncrypted); !errors.Is(err, ErrEncrypted) {
		t.Errorf("encrypted key: %v, want ErrEncrypted", err)
	}
}

func TestParseJWK(t *testing.T) {
	m := newMaterial(t)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	jwk := func(k any, kid, alg string) string {
		b, err := json.Marshal(jose.JSONWebKey{Key: k, KeyID: kid, Algorithm: alg})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	k, err := Parse(jwk(ec, "key-1", "ES256"))
	if err != nil {
		t.Fatalf("private EC JWK: %v", err)
	}
	if Kind(k.Signer) != "ECDSA" || k.KeyID != "key-1" || k.Alg != "ES256" {
		t.Errorf("Parse = %s %q %q, want ECDSA key-1 ES256", Kind(k.Signer), k.KeyID, k.Alg)
	}
	k, err = Parse(m.pem["certificate"] + m.pem["pkcs8"])
	if err != nil || Kind(k.Signer) != "RSA" || k.KeyID != "" {
		t.Errorf("PEM through Parse = %v, %v", k, err)
	}
	for name, tt := range map[string]struct{ in, msg string }{
		"public JWK":  {jwk(&ec.PublicKey, "key-1", ""), "not a private signing key"},
		"broken JSON": {`{"kty":"EC","d":"c2VjcmV0LWtleS1tYXRlcmlhbA"`, "cannot be parsed"},
		"PEM error":   {m.pem["public"], "not a private key"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Parse error = %v, want one mentioning %q", err, tt.msg)
			}
			if strings.Contains(err.Error(), "c2VjcmV0") {
				t.Error("error leaks key material")
			}
		})
	}
}

func TestCertificates(t *testing.T) {
	m := newMaterial(t)
	p := m.pem
	for name, in := range map[string]string{
		"certificate alone":          p["certificate"],
		"key first":                  p["pkcs8"] + p["certificate"],
		"certificate first":          p["certificate"] + p["pkcs1"],
		"escaped certificate bundle": strings.ReplaceAll(p["certificate"]+p["pkcs1"], "\n", `\n`),
	} {
		t.Run(name, func(t *testing.T) {
			c, err := FirstCertificate(in)
			if err != nil {
				t.Fatal(err)
			}
			if c.Subject.CommonName != "handshake-test" {
				t.Errorf("subject = %s", c.Subject)
			}
			ders := CertificateDERs(in)
			if len(ders) != 1 || string(ders[0]) != string(m.certDER) {
				t.Errorf("CertificateDERs found %d blocks, want the one certificate", len(ders))
			}
		})
	}
	if _, err := FirstCertificate(p["pkcs8"]); err == nil || !strings.Contains(err.Error(), "no PEM CERTIFICATE block") {
		t.Errorf("key without certificate: %v", err)
	}
	damaged := "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
	if _, err := FirstCertificate(damaged); err == nil || !strings.Contains(err.Error(), "does not parse") {
		t.Errorf("damaged certificate: %v", err)
	}
	if got := CertificateDERs("no pem here"); got != nil {
		t.Errorf("CertificateDERs(garbage) = %d blocks", len(got))
	}
}

func TestKind(t *testing.T) {
	if got := Kind(fakeSigner{}); got != "unknown" {
		t.Errorf("Kind(other) = %s", got)
	}
}

type fakeSigner struct{ crypto.Signer }
