package services

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
)

// Scaffolding for the core profile tests (oauth2 … google_workspace). The
// spec builders and `want` come from saas_profiles_test.go; these cases run
// against the full Catalog, as the provider does.

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
