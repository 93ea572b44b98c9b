package services

import (
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// TestExpectedKeysHint: when an object sets none of the keys Handshake reads
// (Terraform dropped a misspelt or `_wo` key), the missing-setting error
// lists the keys it expected; when the object sets something, it does not.
func TestExpectedKeysHint(t *testing.T) {
	cat := Catalog()
	cases := []struct {
		name string
		spec *connector.Spec
		path string // the finding that must (or must not) carry the hint
		hint string // "" when no hint is expected
	}{
		{"oauth2 auth empty", servicetest.NewSpec("oauth2", servicetest.Set("token_url", "https://idp.example.com/token")),
			"auth.client_id", "The auth block sets none of the keys the oauth2 service reads: `client_id`"},
		{"okta auth empty", servicetest.NewSpec("okta", servicetest.Set("domain", "acme.okta.com")),
			"auth", "`token`"},
		{"oauth2 auth partly set", servicetest.NewSpec("oauth2", servicetest.Set("token_url", "https://idp.example.com/token"), servicetest.WithClient("app", "")),
			"auth.client_secret", ""},
		{"auth only unknown", servicetest.NewSpec("oauth2", servicetest.Set("token_url", "https://idp.example.com/token"), servicetest.WithUnknown("auth.client_id")),
			"", ""},
		// Required settings (okta.domain) are reported by Terraform itself;
		// optional ones that a rule needs are the provider's to explain.
		{"oauth2 block empty", servicetest.NewSpec("oauth2", nil, servicetest.WithClient("app", "s3cr3t-value-0123456789")),
			"oauth2", "The oauth2 block sets none of the keys it declares: `token_url`"},
		{"okta block set", servicetest.NewSpec("okta", servicetest.Set("domain", "https://acme.okta.com"), servicetest.WithToken("00abcdefghijklmnopqrstuvwxyz0123456789ABCD")),
			"okta.domain", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := connector.Validate(cat, tc.spec)
			var hinted []finding.Finding
			for _, f := range fs {
				if strings.Contains(f.Detail, "Terraform drops keys") {
					hinted = append(hinted, f)
				}
			}
			if tc.hint == "" {
				if len(hinted) > 0 {
					t.Fatalf("unexpected hint on %s: %s", hinted[0].Path, hinted[0].Detail)
				}
				return
			}
			for _, f := range hinted {
				if strings.HasPrefix(f.Path.String(), tc.path) && f.Severity == finding.Error && strings.Contains(f.Detail, tc.hint) {
					return
				}
			}
			for _, f := range fs {
				t.Logf("%s %s @%s: %s", f.Severity, f.Code, f.Path, f.Detail)
			}
			t.Fatalf("no error at %s with hint %q", tc.path, tc.hint)
		})
	}
}
