package connector

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"strings"
	"sync"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

// Test keys are generated once per run rather than checked in, so no
// private key ever lives in the repository.
var testKeys = sync.OnceValue(func() map[string]string {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	enc := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	must := func(der []byte, err error) []byte {
		if err != nil {
			panic(err)
		}
		return der
	}
	pub := must(x509.MarshalPKIXPublicKey(&rsaKey.PublicKey))
	return map[string]string{
		"pkcs1":   enc("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)),
		"pkcs8":   enc("PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(rsaKey))),
		"ec":      enc("EC PRIVATE KEY", must(x509.MarshalECPrivateKey(ecKey))),
		"ecpkcs8": enc("PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(ecKey))),
		"ed25519": enc("PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(edKey))),
		"public":  enc("PUBLIC KEY", pub),
	}
})

// TestPEM returns a generated PEM key of the given kind (pkcs1, pkcs8, ec,
// ecpkcs8, ed25519, public) for tests in this package.
func testPEM(kind string) string { return testKeys()[kind] }

func TestIsGUID(t *testing.T) {
	for v, ok := range map[string]bool{
		"72f988bf-86f1-41af-91ab-2d7cd011db47":   true,
		"72F988BF-86F1-41AF-91AB-2D7CD011DB47":   true,
		"{72f988bf-86f1-41af-91ab-2d7cd011db47}": false,
		"72f988bf86f141af91ab2d7cd011db47":       false,
		"72f988bf-86f1-41af-91ab-2d7cd011db4":    false,
		"72f988bf-86f1-41af-91ab-2d7cd011db47 ":  false,
		"zzf988bf-86f1-41af-91ab-2d7cd011db47":   false,
		"":                                       false,
	} {
		if IsGUID(v) != ok {
			t.Errorf("IsGUID(%q) = %v, want %v", v, !ok, ok)
		}
	}
}

func TestIsEmail(t *testing.T) {
	for v, ok := range map[string]bool{
		"admin@example.com":                      true,
		"first.last+tag@corp.example.co":         true,
		"sync@acme-corp.iam.gserviceaccount.com": true,
		"admin@localhost":                        false,
		"Admin <admin@example.com>":              false,
		"admin@example.com ":                     false,
		"admin":                                  false,
		"@example.com":                           false,
		"admin@exa mple.com":                     false,
		"":                                       false,
	} {
		if IsEmail(v) != ok {
			t.Errorf("IsEmail(%q) = %v, want %v", v, !ok, ok)
		}
	}
}

func TestIsDomainName(t *testing.T) {
	for v, ok := range map[string]bool{
		"contoso.onmicrosoft.com":        true,
		"dev-123456.okta.com":            true,
		"xn--bcher-kva.example":          true,
		"a.b":                            true,
		"localhost":                      false,
		"contoso.com.":                   false,
		"-bad.example.com":               false,
		"bad-.example.com":               false,
		"under_score.example.com":        false,
		"https://contoso.com":            false,
		"10.0.0.1":                       false,
		"contoso..com":                   false,
		strings.Repeat("a", 64) + ".com": false,
		"":                               false,
	} {
		if IsDomainName(v) != ok {
			t.Errorf("IsDomainName(%q) = %v, want %v", v, !ok, ok)
		}
	}
}

func TestIsLoopbackHost(t *testing.T) {
	for v, ok := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "127.0.0.1": true, "127.8.9.10": true,
		"::1": true, "[::1]": true,
		"0.0.0.0": false, "10.0.0.1": false, "localhost.example.com": false, "": false, "::": false,
	} {
		if IsLoopbackHost(v) != ok {
			t.Errorf("IsLoopbackHost(%q) = %v, want %v", v, !ok, ok)
		}
	}
}

// TestParsePrivateKeyPEM checks the wrapper hands over to internal/keys
// (whose tests cover the formats): a JWK and a certificate-first bundle are
// read, a public key is refused.
func TestParsePrivateKeyPEM(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	b, err := json.Marshal(jose.JSONWebKey{Key: ec})
	if err != nil {
		t.Fatal(err)
	}
	jwk := string(b)
	for name, in := range map[string]string{"jwk": jwk, "certificate first": testPEM("public") + testPEM("pkcs8")} {
		if k, err := ParsePrivateKeyPEM(in); err != nil || k == nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := ParsePrivateKeyPEM(testPEM("public")); err == nil || !strings.Contains(err.Error(), "not a private key") {
		t.Errorf("public key: %v", err)
	}
}

func serviceAccountJSON(t testing.TB, edit func(m map[string]any)) string {
	m := map[string]any{
		"type":                        "service_account",
		"project_id":                  "acme-directory-sync",
		"private_key_id":              "3f8c2e0b9a7d4c1e8f6b5a4d3c2b1a0f9e8d7c6b",
		"private_key":                 testPEM("pkcs8"),
		"client_email":                "directory-sync@acme-directory-sync.iam.gserviceaccount.com",
		"client_id":                   "104857600000000000001",
		"auth_uri":                    "https://accounts.google.com/o/oauth2/auth",
		"token_uri":                   "https://oauth2.googleapis.com/token",
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
		"universe_domain":             "googleapis.com",
	}
	if edit != nil {
		edit(m)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseServiceAccountKey(t *testing.T) {
	k, err := ParseServiceAccountKey(serviceAccountJSON(t, nil) + "\n")
	if err != nil {
		t.Fatal(err)
	}
	if k.ClientEmail != "directory-sync@acme-directory-sync.iam.gserviceaccount.com" || k.ProjectID != "acme-directory-sync" || k.TokenURI != "https://oauth2.googleapis.com/token" || k.ClientID == "" || k.PrivateKeyID == "" {
		t.Errorf("fields not decoded: %+v", k)
	}

	keyLine := strings.Split(testPEM("pkcs8"), "\n")[2]
	bad := map[string]struct{ in, msg string }{
		"empty":         {"", "empty"},
		"a path":        {"/home/me/key.json", "not JSON"},
		"broken json":   {`{"type": "service_account",`, "not valid JSON"},
		"wrong type":    {serviceAccountJSON(t, func(m map[string]any) { m["type"] = "authorized_user" }), "authorized_user"},
		"external":      {serviceAccountJSON(t, func(m map[string]any) { m["type"] = "external_account" }), "external_account"},
		"other type":    {serviceAccountJSON(t, func(m map[string]any) { m["type"] = "x" }), `"type"`},
		"no type":       {serviceAccountJSON(t, func(m map[string]any) { delete(m, "type") }), `"type"`},
		"no email":      {serviceAccountJSON(t, func(m map[string]any) { delete(m, "client_email") }), "client_email"},
		"bad email":     {serviceAccountJSON(t, func(m map[string]any) { m["client_email"] = "nobody" }), "client_email"},
		"no key id":     {serviceAccountJSON(t, func(m map[string]any) { delete(m, "private_key_id") }), "private_key_id"},
		"no key":        {serviceAccountJSON(t, func(m map[string]any) { delete(m, "private_key") }), `"private_key"`},
		"damaged key":   {serviceAccountJSON(t, func(m map[string]any) { m["private_key"] = testPEM("pkcs8")[:300] }), `"private_key"`},
		"key is number": {serviceAccountJSON(t, func(m map[string]any) { m["private_key"] = 42 }), "private_key"},
	}
	for name, tt := range bad {
		t.Run(name, func(t *testing.T) {
			_, err := ParseServiceAccountKey(tt.in)
			if err == nil {
				t.Fatal("want an error")
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not mention %q", err, tt.msg)
			}
			if strings.Contains(err.Error(), keyLine) {
				t.Error("error leaks key material")
			}
		})
	}
}
