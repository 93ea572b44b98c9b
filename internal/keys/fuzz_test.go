package keys

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
)

// FuzzParse: Parse runs on whatever a user (or a variable) supplies, so it
// must never panic, must return exactly one of a key and an error, and must
// never echo key material in the error.
func FuzzParse(f *testing.F) {
	// No RSA seeds: parsing an RSA key validates it with big-number
	// arithmetic that, under the fuzzer's coverage instrumentation, takes
	// seconds per input and starves the search. The unit tests cover RSA.
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	sec1, _ := x509.MarshalECPrivateKey(ec)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	ed8, _ := x509.MarshalPKCS8PrivateKey(ed)
	pub, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	enc := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	for _, seed := range []string{
		enc("EC PRIVATE KEY", sec1),
		enc("PRIVATE KEY", ed8),
		enc("PUBLIC KEY", pub) + enc("PRIVATE KEY", ed8),
		strings.ReplaceAll(enc("EC PRIVATE KEY", sec1), "\n", `\n`),
		"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----",
		`-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----`,
		"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n",
		`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`,
		"{", "",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		k, err := Parse(in)
		if (k.Signer == nil) == (err == nil) {
			t.Fatalf("want exactly one of key and error, got %v, %v", k.Signer, err)
		}
		if err == nil {
			return
		}
		// No line of base64 key material may be echoed.
		for _, line := range strings.Split(in, "\n") {
			line = strings.TrimSpace(line)
			if len(line) >= 16 && isBase64Line(line) && strings.Contains(err.Error(), line) {
				t.Fatalf("error leaks input: %v", err)
			}
		}
	})
}

func isBase64Line(s string) bool {
	return strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") == ""
}
