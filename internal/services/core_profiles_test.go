package services

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
)

// Scaffolding for the core profile tests (oauth2 … google_workspace). The
// spec builders and `want` come from saas_profiles_test.go; these cases run
// against the full Catalog, as the provider does.

// runCatalogCases validates every case against services.Catalog() and
// compares the findings exactly.
func runCatalogCases(t *testing.T, cases []profileCase) {
	t.Helper()
	cat := Catalog()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := connector.Validate(cat, tc.spec)
			checkFindingText(t, tc.spec, got)
			gotS := findingKeys(got)
			var wantS []string
			for _, w := range tc.want {
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

func withSecretAttr(attr, v string) specOpt {
	return func(s *connector.Spec) { s.Auth.ClientSecret = connector.Secret{Value: v, Attr: attr} }
}

func withSAKey(v string) specOpt {
	return func(s *connector.Spec) {
		s.Auth.ServiceAccountKey = connector.Secret{Value: v, Attr: "service_account_key_wo"}
	}
}

func withList(name string, v ...string) specOpt {
	return func(s *connector.Spec) {
		if s.Lists == nil {
			s.Lists = map[string][]string{}
		}
		s.Lists[name] = v
	}
}

// testSAKey returns a service account key file shaped like the ones Google
// Cloud issues, with a freshly generated key.
func testSAKey(t testing.TB, edit func(map[string]any)) string {
	m := map[string]any{
		"type":                        "service_account",
		"project_id":                  "acme-directory-sync",
		"private_key_id":              "3f8c2e0b9a7d4c1e8f6b5a4d3c2b1a0f9e8d7c6b",
		"private_key":                 testRSA2048(),
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

// TestCoreProfilesShape checks what the provider layer and outside checks
// rely on: stable ids, documented settings with the agreed names.
func TestCoreProfilesShape(t *testing.T) {
	wantSettings := map[string][]string{
		"oauth2":           {"token_url", "authorization_url", "issuer", "client_type", "grant_type", "auth_style", "probe_url", "audience", "refresh_url", "introspection_url"},
		"api_key":          {"probe_url", "location", "name", "prefix"},
		"http":             {"url", "auth_scheme"},
		"entra_id":         {"tenant_id", "authority_url", "graph_url"},
		"microsoft_365":    {"tenant_id", "authority_url", "graph_url", "management_url", "mailbox"},
		"github":           {"app_id", "installation_id", "organization", "repositories", "app_type", "base_url"},
		"okta":             {"domain", "authorization_server", "base_url"},
		"google_workspace": {"impersonate", "customer_id", "token_url", "base_url"},
	}
	wantOneOf := map[string][]string{
		"oauth2.client_type": {"confidential", "public"},
		"oauth2.grant_type":  {"client_credentials", "refresh_token", "jwt_bearer", "authorization_code"},
		"oauth2.auth_style":  {"client_secret_basic", "client_secret_post", "private_key_jwt"},
		"api_key.location":   {"header", "query"},
		"http.auth_scheme":   {"none", "basic", "bearer"},
		"github.app_type":    {"github_app", "oauth_app", "token"},
	}
	cat := Catalog()
	for id, names := range wantSettings {
		t.Run(id, func(t *testing.T) {
			p, ok := cat.Get(id)
			if !ok {
				t.Fatalf("service %q not registered", id)
			}
			if p.ID != id || p.DisplayName == "" || strings.TrimSpace(p.Description) == "" || len(p.AuthAttrs) == 0 || len(p.Rules) == 0 {
				t.Fatalf("profile %s is incomplete", id)
			}
			var got []string
			for _, st := range p.Settings {
				got = append(got, st.Name)
				if st.Description == "" {
					t.Errorf("setting %s has no description", st.Name)
				}
				if w, ok := wantOneOf[id+"."+st.Name]; ok && !slices.Equal(st.OneOf, w) {
					t.Errorf("setting %s: OneOf = %v, want %v", st.Name, st.OneOf, w)
				}
			}
			sort.Strings(got)
			sort.Strings(names)
			if !slices.Equal(got, names) {
				t.Errorf("settings = %v, want %v", got, names)
			}
			for _, a := range p.AuthAttrs {
				if !slices.Contains(connector.AuthAttrs, a) {
					t.Errorf("unknown auth attribute %q", a)
				}
			}
		})
	}
}
