package services

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
)

// BenchmarkValidate measures the offline rules a plan runs for every
// connector: catalog lookup, generic rules and the profile's own.
func BenchmarkValidate(b *testing.B) {
	c := Catalog()
	specs := map[string]*connector.Spec{
		"entra_id": {Name: "directory", Service: "entra_id", Blocks: []string{"entra_id"},
			Settings: map[string]string{"tenant_id": "72f988bf-86f1-41af-91ab-2d7cd011db47"},
			Auth: connector.Auth{ClientID: "0f3b6a1e-2c4d-4e5f-8a9b-1c2d3e4f5a6b",
				ClientSecret: connector.Secret{Value: "Q~8Rk3.aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456", Attr: "client_secret_wo"}},
			RequiredPermissions: []string{"User.Read.All"},
			RedirectURIs:        []string{"https://governance.example.com/oauth/callback", "http://localhost:5000/cb"}},
		"okta": {Name: "users", Service: "okta", Blocks: []string{"okta"},
			Settings:       map[string]string{"domain": "acme.okta.com"},
			Auth:           connector.Auth{Token: connector.Secret{Value: "00abcdefghijklmnopqrstuvwxyz0123456789AB", Attr: "token_wo"}},
			RequiredScopes: []string{"okta.users.read", "okta.groups.read"}},
		"slack": {Name: "alerts", Service: "slack",
			Auth:           connector.Auth{Token: connector.Secret{Value: "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", Attr: "token"}},
			RequiredScopes: []string{"chat:write"}, RedirectURIs: []string{"https://bot.example.com/oauth"}},
	}
	for name, spec := range specs {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = connector.Validate(c, spec)
			}
		})
	}
}
