package credential

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// testJWT builds an unsigned-looking compact JWT with the given claims JSON.
func testJWT(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc([]byte(claims)) + ".c2lnbmF0dXJl"
}

// testCertificate returns a self-signed PEM certificate valid until notAfter.
func testCertificate(t testing.TB, notAfter time.Time) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "handshake-test"},
		NotBefore: notAfter.Add(-365 * 24 * time.Hour), NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func TestSelfDescribedExpiry(t *testing.T) {
	notAfter := time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		value  string
		want   time.Time
		source string
		ok     bool
	}{
		{"jwt exp", testJWT(`{"sub":"svc","exp":1801612800}`), time.Unix(1801612800, 0).UTC(), "JWT exp claim", true},
		{"jwt exp float", testJWT(`{"exp":1801612800.0}`), time.Unix(1801612800, 0).UTC(), "JWT exp claim", true},
		{"jwt without exp", testJWT(`{"sub":"svc"}`), time.Time{}, "", false},
		{"jwt exp string", testJWT(`{"exp":"soon"}`), time.Time{}, "", false},
		{"certificate", testCertificate(t, notAfter), notAfter, "certificate NotAfter", true},
		{"certificate pasted with \\n escapes", strings.ReplaceAll(testCertificate(t, notAfter), "\n", `\n`), notAfter, "certificate NotAfter", true},
		{"broken certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", time.Time{}, "", false},
		{"opaque secret", "Q~8Rk3.abcdefghijklmnopqrstuvwxyz012345", time.Time{}, "", false},
		{"github token", "ghp_16C7e42F292c6912E7710c838347Ae178B4a", time.Time{}, "", false},
		{"three dots but not jwt", "a.b.c", time.Time{}, "", false},
		{"empty", "", time.Time{}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, source, ok := SelfDescribedExpiry(tt.value)
			if ok != tt.ok || !got.Equal(tt.want) || source != tt.source {
				t.Fatalf("SelfDescribedExpiry() = %v, %q, %v; want %v, %q, %v", got, source, ok, tt.want, tt.source, tt.ok)
			}
		})
	}
}

func TestStatus(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	tests := []struct {
		name      string
		expiresAt *time.Time
		want      string
	}{
		{"no expiry", nil, StatusUnknown},
		{"far future", at(90 * 24 * time.Hour), StatusValid},
		{"inside window", at(10 * 24 * time.Hour), StatusExpiring},
		{"window edge", at(30 * 24 * time.Hour), StatusExpiring},
		{"exactly now", at(0), StatusExpired},
		{"past", at(-time.Hour), StatusExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Status(tt.expiresAt, now, 30*24*time.Hour); got != tt.want {
				t.Fatalf("Status() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestExpiryFindings(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	at := finding.Attr("expires_at")
	soon, past, later := now.Add(72*time.Hour), now.Add(-48*time.Hour), now.Add(400*24*time.Hour)
	tests := []struct {
		name      string
		expiresAt *time.Time
		severity  finding.Severity
		category  finding.Category
		summary   string
	}{
		{"expiring", &soon, finding.Warning, finding.ExpiringCredentials, "expires on 2026-11-26T12:00:00Z"},
		{"expired", &past, finding.Error, finding.ExpiredCredentials, "expired on 2026-11-21T12:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := ExpiryFindings("client secret", tt.expiresAt, now, 30*24*time.Hour, at)
			if len(fs) != 1 {
				t.Fatalf("got %d findings, want 1", len(fs))
			}
			f := fs[0]
			if f.Severity != tt.severity || f.Category != tt.category || !strings.Contains(f.Summary, tt.summary) || f.Path.String() != "expires_at" || len(f.Remediation) == 0 {
				t.Fatalf("unexpected finding %+v", f)
			}
		})
	}
	if fs := ExpiryFindings("client secret", &later, now, 30*24*time.Hour, at); len(fs) != 0 {
		t.Fatalf("valid credential produced findings: %+v", fs)
	}
	if fs := ExpiryFindings("client secret", nil, now, 30*24*time.Hour, at); len(fs) != 0 {
		t.Fatalf("unknown expiry produced findings: %+v", fs)
	}
}

func TestFingerprint(t *testing.T) {
	a, b := Fingerprint("secret-one"), Fingerprint("secret-two")
	if a == b || !strings.HasPrefix(a, "sha256:") || len(a) != len("sha256:")+16 {
		t.Fatalf("fingerprints %q, %q", a, b)
	}
	if a != Fingerprint("secret-one") {
		t.Fatal("fingerprint is not stable")
	}
	if strings.Contains(a, "secret") {
		t.Fatal("fingerprint leaks the value")
	}
}

func FuzzSelfDescribedExpiry(f *testing.F) {
	f.Add(testJWT(`{"exp":1801612800}`))
	f.Add(testCertificate(f, time.Now().Add(time.Hour)))
	f.Add("a.b.c")
	f.Add("-----BEGIN CERTIFICATE-----\n")
	f.Fuzz(func(t *testing.T, v string) {
		got, source, ok := SelfDescribedExpiry(v)
		if ok && (source == "" || got.IsZero()) {
			t.Fatalf("ok with empty result: %v %q", got, source)
		}
		if !ok && (source != "" || !got.IsZero()) {
			t.Fatalf("not ok but result set: %v %q", got, source)
		}
	})
}

func TestJWTClaims(t *testing.T) {
	var c struct {
		Aud   string   `json:"aud"`
		Roles []string `json:"roles"`
	}
	if err := JWTClaims(testJWT(`{"aud":"https://graph.microsoft.com","roles":["User.Read.All"]}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.Aud != "https://graph.microsoft.com" || len(c.Roles) != 1 || c.Roles[0] != "User.Read.All" {
		t.Errorf("claims %+v", c)
	}
	for _, bad := range []string{"", "a.b.c", "opaque-token", testJWT(`not json`), "x." + strings.Repeat("A", 64<<10) + ".y"} {
		if err := JWTClaims(bad, &c); err == nil {
			t.Errorf("JWTClaims(%.20q) = nil, want an error", bad)
		}
	}
}
