// Package servicetest holds what the services' tests share: spec builders,
// expected findings, test keys and the runners that compare them.
package servicetest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// want is one expected finding: "error invalid_configuration CODE path".
// want is one expected finding.
type Want struct {
	Sev  finding.Severity
	Cat  finding.Category
	Code string
	Path string
}

func WantErr(cat finding.Category, code, path string) Want {
	return Want{finding.Error, cat, code, path}
}

func WantWarn(cat finding.Category, code, path string) Want {
	return Want{finding.Warning, cat, code, path}
}

type ProfileCase struct {
	Name string
	Spec *connector.Spec
	Want []Want
}

// newSpec builds a spec for service with its block set to settings.
func NewSpec(service string, settings map[string]string, opts ...func(*connector.Spec)) *connector.Spec {
	s := &connector.Spec{Name: "test", Service: service, Settings: settings, Blocks: []string{service}, Unknown: map[string]bool{}}
	if settings == nil {
		s.Settings = map[string]string{}
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// set builds a settings map from name, value pairs.
func Set(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// specOpt sets part of a spec; options keep each case to a line or two.
type SpecOpt = func(*connector.Spec)

func WithToken(v string) func(*connector.Spec) {
	return func(s *connector.Spec) { s.Auth.Token = connector.Secret{Value: v, Attr: "token_wo"} }
}

func WithClient(id, secret string) func(*connector.Spec) {
	return func(s *connector.Spec) {
		s.Auth.ClientID = id
		if secret != "" {
			s.Auth.ClientSecret = connector.Secret{Value: secret, Attr: "client_secret_wo"}
		}
	}
}

func WithUser(u string) func(*connector.Spec) { return func(s *connector.Spec) { s.Auth.Username = u } }

func WithPassword(v string) func(*connector.Spec) {
	return func(s *connector.Spec) { s.Auth.Password = connector.Secret{Value: v, Attr: "password_wo"} }
}

func WithKey(pem string) func(*connector.Spec) {
	return func(s *connector.Spec) { s.Auth.PrivateKey = connector.Secret{Value: pem, Attr: "private_key_wo"} }
}

func WithScopes(sc ...string) func(*connector.Spec) {
	return func(s *connector.Spec) { s.RequiredScopes = sc }
}

func WithRedirects(u ...string) func(*connector.Spec) {
	return func(s *connector.Spec) { s.RedirectURIs = u }
}

func WithRefresh() func(*connector.Spec) {
	return func(s *connector.Spec) { s.RequireRefreshToken = true }
}

func WithRedeem() func(*connector.Spec) {
	return func(s *connector.Spec) { s.RedeemRefreshToken = true }
}

func WithoutBlock() func(*connector.Spec) { return func(s *connector.Spec) { s.Blocks = nil } }

func WithUnknown(paths ...string) func(*connector.Spec) {
	return func(s *connector.Spec) {
		for _, p := range paths {
			s.Unknown[p] = true
		}
	}
}

// findingKeys names each finding by severity, category, code and path, sorted.
func FindingKeys(fs []finding.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, Want{f.Severity, f.Category, f.Code, f.Path.String()}.String())
	}
	sort.Strings(out)
	return out
}

// runProfileCases validates every case against the profile alone.
func RunProfileCases(t *testing.T, p *connector.Profile, cases []ProfileCase) {
	t.Helper()
	RunCatalogCases(t, connector.NewCatalog(p), cases)
}

// checkFindingText holds every finding to the house style: a summary, a
// reason and a fix, and never a secret (nor a long secret-like user name).
func CheckFindingText(t *testing.T, s *connector.Spec, fs []finding.Finding) {
	t.Helper()
	secrets := s.Secrets()
	if len(s.Auth.Username) >= 30 { // an AWS secret pasted as user name
		secrets = append(secrets, s.Auth.Username)
	}
	for _, f := range fs {
		if f.Summary == "" || f.Detail == "" || len(f.Remediation) == 0 {
			t.Errorf("finding %s %q lacks summary, detail or remediation", f.Code, f.Summary)
		}
		if strings.HasSuffix(f.Summary, ".") {
			t.Errorf("summary %q ends with a period; it is a title", f.Summary)
		}
		text := f.Summary + "\n" + f.Detail + "\n" + strings.Join(f.Remediation, "\n")
		for _, sec := range secrets {
			if len(sec) >= 8 && strings.Contains(text, sec) {
				t.Errorf("finding %s %q reveals a secret value", f.Code, f.Summary)
			}
		}
	}
}

// Test keys, generated once per run: no key material is checked in.
var (
	TestRSA2048 = sync.OnceValue(func() string { return RsaPEM(2048) })
	TestRSA1024 = sync.OnceValue(func() string { return RsaPEM(1024) })
	TestECKey   = sync.OnceValue(func() string {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			panic(err)
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	})
)

func RsaPEM(bits int) string {
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		panic(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// checkDecoded runs a vendor decoder on a raw answer and fails unless it
// recognises it as an error of category cat with code, carrying a summary,
// a detail and a fix.
func CheckDecoded(t *testing.T, decode connector.Decoder, status int, body string, cat finding.Category, code string) finding.Finding {
	t.Helper()
	f, ok := decode(connector.Answer{StatusCode: status, Body: []byte(body)})
	if !ok {
		t.Fatal("not recognised")
	}
	if f.Category != cat || f.Code != code || f.Severity != finding.Error {
		t.Fatalf("got %s %s %s, want %s %s\n%s", f.Severity, f.Category, f.Code, cat, code, f.Detail)
	}
	if len(f.Remediation) == 0 || f.Summary == "" || f.Detail == "" {
		t.Fatalf("incomplete finding: %+v", f)
	}
	return f
}

// runCatalogCases validates every case against a catalog and
// compares the findings exactly.
func RunCatalogCases(t *testing.T, cat *connector.Catalog, cases []ProfileCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			got := connector.Validate(cat, tc.Spec)
			CheckFindingText(t, tc.Spec, got)
			gotS := FindingKeys(got)
			var wantS []string
			for _, w := range tc.Want {
				wantS = append(wantS, w.String())
			}
			sort.Strings(wantS)
			if !slices.Equal(gotS, wantS) {
				t.Errorf("findings differ\n got: %q\nwant: %q", gotS, wantS)
				for _, f := range got {
					t.Logf("  %s: %s — %s", f.Code, f.Summary, f.Detail)
				}
			}
		})
	}
}

func WithSecretAttr(attr, v string) SpecOpt {
	return func(s *connector.Spec) { s.Auth.ClientSecret = connector.Secret{Value: v, Attr: attr} }
}

func WithSAKey(v string) SpecOpt {
	return func(s *connector.Spec) {
		s.Auth.ServiceAccountKey = connector.Secret{Value: v, Attr: "service_account_key_wo"}
	}
}

func WithList(name string, v ...string) SpecOpt {
	return func(s *connector.Spec) {
		if s.Lists == nil {
			s.Lists = map[string][]string{}
		}
		s.Lists[name] = v
	}
}

// testSAKey returns a service account key file shaped like the ones Google
// Cloud issues, with a freshly generated key.
func TestSAKey(t testing.TB, edit func(map[string]any)) string {
	m := map[string]any{
		"type":                        "service_account",
		"project_id":                  "acme-directory-sync",
		"private_key_id":              "3f8c2e0b9a7d4c1e8f6b5a4d3c2b1a0f9e8d7c6b",
		"private_key":                 TestRSA2048(),
		"client_email":                "directory-sync@acme-directory-sync.iam.gserviceaccount.com",
		"client_id":                   "104857600000000000001",
		"auth_uri":                    "https://accounts.google.com/o/oauth2/auth",
		"token_uri":                   "https://oauth2.googleapis.com/token",
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
		"client_x509_cert_url":        "https://www.googleapis.com/robot/v1/metadata/x509/directory-sync%40acme-directory-sync.iam.gserviceaccount.com",
		"universe_domain":             "googleapis.com",
	}
	if edit != nil {
		edit(m)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

func (w Want) String() string { return fmt.Sprintf("%s %s %s @%s", w.Sev, w.Cat, w.Code, w.Path) }
