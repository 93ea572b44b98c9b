package services

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
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

// Test scaffolding shared by the SaaS profile tests (slack_test.go …
// aws_test.go): each case builds a Spec, validates it with only the profile
// under test registered, and compares the findings exactly, so a duplicate
// or unexpected finding fails as surely as a missing one.

// want is one expected finding: "error invalid_configuration CODE path".
type want struct {
	sev  finding.Severity
	cat  finding.Category
	code string
	path string
}

func wantErr(cat finding.Category, code, path string) want {
	return want{finding.Error, cat, code, path}
}
func wantWarn(cat finding.Category, code, path string) want {
	return want{finding.Warning, cat, code, path}
}

func (w want) String() string { return fmt.Sprintf("%s %s %s @%s", w.sev, w.cat, w.code, w.path) }

type profileCase struct {
	name string
	spec *connector.Spec
	want []want
}

// newSpec builds a spec for service with its block set to settings.
func newSpec(service string, settings map[string]string, opts ...func(*connector.Spec)) *connector.Spec {
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
func set(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// specOpt sets part of a spec; options keep each case to a line or two.
type specOpt = func(*connector.Spec)

func withToken(v string) func(*connector.Spec) {
	return func(s *connector.Spec) { s.Auth.Token = connector.Secret{Value: v, Attr: "token_wo"} }
}
func withClient(id, secret string) func(*connector.Spec) {
	return func(s *connector.Spec) {
		s.Auth.ClientID = id
		if secret != "" {
			s.Auth.ClientSecret = connector.Secret{Value: secret, Attr: "client_secret_wo"}
		}
	}
}
func withUser(u string) func(*connector.Spec) { return func(s *connector.Spec) { s.Auth.Username = u } }
func withPassword(v string) func(*connector.Spec) {
	return func(s *connector.Spec) { s.Auth.Password = connector.Secret{Value: v, Attr: "password_wo"} }
}
func withKey(pem string) func(*connector.Spec) {
	return func(s *connector.Spec) { s.Auth.PrivateKey = connector.Secret{Value: pem, Attr: "private_key_wo"} }
}
func withScopes(sc ...string) func(*connector.Spec) {
	return func(s *connector.Spec) { s.RequiredScopes = sc }
}
func withRedirects(u ...string) func(*connector.Spec) {
	return func(s *connector.Spec) { s.RedirectURIs = u }
}
func withRefresh() func(*connector.Spec) {
	return func(s *connector.Spec) { s.RequireRefreshToken = true }
}
func withRedeem() func(*connector.Spec) {
	return func(s *connector.Spec) { s.RedeemRefreshToken = true }
}
func withoutBlock() func(*connector.Spec) { return func(s *connector.Spec) { s.Blocks = nil } }
func withUnknown(paths ...string) func(*connector.Spec) {
	return func(s *connector.Spec) {
		for _, p := range paths {
			s.Unknown[p] = true
		}
	}
}

// findingKeys names each finding by severity, category, code and path, sorted.
func findingKeys(fs []finding.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, want{f.Severity, f.Category, f.Code, f.Path.String()}.String())
	}
	sort.Strings(out)
	return out
}

// runProfileCases validates every case against p alone, and checks that the
// registered profile in Catalog() gives the same answer.
func runProfileCases(t *testing.T, p *connector.Profile, cases []profileCase) {
	t.Helper()
	cat, full := connector.NewCatalog(p), Catalog()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := connector.Validate(cat, tc.spec)
			gotS, viaFull := findingKeys(got), findingKeys(connector.Validate(full, tc.spec))
			if !slices.Equal(viaFull, gotS) {
				t.Errorf("Catalog() gives %v, the profile alone %v", viaFull, gotS)
			}
			checkFindingText(t, tc.spec, got)
			var wantS []string
			for _, w := range tc.want {
				wantS = append(wantS, w.String())
			}
			sort.Strings(wantS)
			if !slices.Equal(gotS, wantS) {
				t.Errorf("findings differ\n got: %q\nwant: %q", gotS, wantS)
				for _, f := range got {
					t.Logf("  %s: %s", f.Code, f.Summary)
				}
			}
		})
	}
}

// checkFindingText holds every finding to the house style: a summary, a
// reason and a fix, and never a secret (nor a long secret-like user name).
func checkFindingText(t *testing.T, s *connector.Spec, fs []finding.Finding) {
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

// TestSaaSProfilesShape checks what the provider layer relies on in every
// profile of this group: stable id, documentation, a base-URL override.
func TestSaaSProfilesShape(t *testing.T) {
	for _, p := range []*connector.Profile{slack(), snowflake(), keycloak(), salesforce(), box(), servicenow(),
		zendesk(), workday(), atlassian(), smartsheet(), aws()} {
		t.Run(p.ID, func(t *testing.T) {
			if p.DisplayName == "" || p.Description == "" || len(p.Rules) == 0 || len(p.AuthAttrs) == 0 {
				t.Fatalf("profile %s is incomplete", p.ID)
			}
			hasEndpoint := false
			for _, st := range p.Settings {
				if st.Description == "" {
					t.Errorf("setting %s has no description", st.Name)
				}
				if st.Name == "base_url" || st.Name == "login_url" {
					hasEndpoint = true
				}
			}
			if !hasEndpoint {
				t.Errorf("profile %s has no base URL override", p.ID)
			}
			for _, a := range p.AuthAttrs {
				if !slices.Contains(connector.AuthAttrs, a) {
					t.Errorf("unknown auth attribute %q", a)
				}
			}
		})
	}
}

// Test keys, generated once per run: no key material is checked in.
var (
	testRSA2048 = sync.OnceValue(func() string { return rsaPEM(2048) })
	testRSA1024 = sync.OnceValue(func() string { return rsaPEM(1024) })
	testECKey   = sync.OnceValue(func() string {
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

func rsaPEM(bits int) string {
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
func checkDecoded(t *testing.T, decode func(int, string) (finding.Finding, bool), status int, body string, cat finding.Category, code string) finding.Finding {
	t.Helper()
	f, ok := decode(status, body)
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
