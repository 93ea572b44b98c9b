package okta

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func TestOktaProfile(t *testing.T) {
	const (
		conf   = finding.InvalidConfiguration
		domain = "dev-123456.okta.com"
		ssws   = "00QCjAl4MlV-WPXM-ABCDEFGHIJKLMNOPQRSTUVWX"
		client = "0oa1b2c3d4e5f6g7h8i9"
	)
	d := func(kv ...string) map[string]string {
		return servicetest.Set(append([]string{"domain", domain}, kv...)...)
	}
	servicetest.RunProfileCases(t, profile(), []servicetest.ProfileCase{
		{Name: "valid API token", Spec: servicetest.NewSpec("okta", d(), servicetest.WithToken(ssws))},
		{Name: "valid service app", Spec: servicetest.NewSpec("okta", d(), servicetest.WithClient(client, ""), servicetest.WithKey(servicetest.TestRSA2048()), servicetest.WithScopes("okta.users.read", "okta.groups.read"))},
		{Name: "valid custom domain and custom server", Spec: servicetest.NewSpec("okta", servicetest.Set("domain", "login.acme.com", "authorization_server", "default"),
			servicetest.WithClient(client, "s3cr3t-client-secret-value"), servicetest.WithScopes("inventory:read"))},
		{Name: "valid preview and EMEA cells", Spec: servicetest.NewSpec("okta", servicetest.Set("domain", "acme.oktapreview.com"), servicetest.WithToken(ssws))},
		{Name: "loopback base_url for tests", Spec: servicetest.NewSpec("okta", d("base_url", "http://127.0.0.1:7070"), servicetest.WithToken(ssws))},

		{Name: "domain with https", Spec: servicetest.NewSpec("okta", servicetest.Set("domain", "https://dev-123456.okta.com"), servicetest.WithToken(ssws)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "OKTA-DOMAIN-SCHEME", "okta.domain")}},
		{Name: "domain with trailing slash", Spec: servicetest.NewSpec("okta", servicetest.Set("domain", "dev-123456.okta.com/"), servicetest.WithToken(ssws)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "OKTA-DOMAIN-PATH", "okta.domain")}},
		{Name: "domain with issuer path", Spec: servicetest.NewSpec("okta", servicetest.Set("domain", "dev-123456.okta.com/oauth2/default"), servicetest.WithToken(ssws)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "OKTA-DOMAIN-PATH", "okta.domain")}},
		{Name: "admin console domain", Spec: servicetest.NewSpec("okta", servicetest.Set("domain", "dev-123456-admin.okta.com"), servicetest.WithToken(ssws)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "OKTA-DOMAIN-ADMIN", "okta.domain")}},
		{Name: "admin console URL", Spec: servicetest.NewSpec("okta", servicetest.Set("domain", "https://acme-admin.okta.com/admin/dashboard"), servicetest.WithToken(ssws)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "OKTA-DOMAIN-SCHEME", "okta.domain")}},
		{Name: "not a domain", Spec: servicetest.NewSpec("okta", servicetest.Set("domain", "dev-123456"), servicetest.WithToken(ssws)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "OKTA-DOMAIN", "okta.domain")}},
		{Name: "empty domain", Spec: servicetest.NewSpec("okta", servicetest.Set("domain", ""), servicetest.WithToken(ssws)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "OKTA-DOMAIN", "okta.domain")}},
		{Name: "unknown domain", Spec: servicetest.NewSpec("okta", servicetest.Set("domain", ""), servicetest.WithToken(ssws), servicetest.WithUnknown("okta.domain"))},
		{Name: "authorization server as URL", Spec: servicetest.NewSpec("okta", d("authorization_server", "https://dev-123456.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9"), servicetest.WithToken(ssws)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "OKTA-AUTHORIZATION-SERVER", "okta.authorization_server")}},

		{Name: "no credentials", Spec: servicetest.NewSpec("okta", d()),
			Want: []servicetest.Want{servicetest.WantErr(conf, "OKTA-CREDENTIALS", "auth.token")}},
		{Name: "SSWS prefix typed into the token", Spec: servicetest.NewSpec("okta", d(), servicetest.WithToken("SSWS "+ssws)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "SECRET-SCHEME-PREFIX", "auth.token_wo")}},
		{Name: "custom scope on the org server", Spec: servicetest.NewSpec("okta", d(), servicetest.WithClient(client, ""), servicetest.WithKey(servicetest.TestRSA2048()), servicetest.WithScopes("okta.users.read", "inventory:read")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidScope, "invalid_scope", "required_scopes[1]")}},
		{Name: "okta scope on a custom server", Spec: servicetest.NewSpec("okta", d("authorization_server", "default"), servicetest.WithClient(client, "s3cr3t-client-secret-value"), servicetest.WithScopes("okta.users.read")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidScope, "invalid_scope", "required_scopes[0]")}},
		{Name: "user refresh token on the org server may ask for openid", Spec: servicetest.NewSpec("okta", d(), servicetest.WithClient(client, "s3cr3t-client-secret-value"), servicetest.WithToken("rt-8d7f6e5d4c3b2a19"),
			servicetest.WithScopes("openid", "offline_access", "okta.users.read.self"), servicetest.WithRefresh())},
		{Name: "scopes are not checked for API tokens", Spec: servicetest.NewSpec("okta", d(), servicetest.WithToken(ssws), servicetest.WithScopes("inventory:read"))},
		{Name: "unknown authorization server skips scope rules", Spec: servicetest.NewSpec("okta", d(), servicetest.WithClient(client, "x-secret-value-123"), servicetest.WithScopes("okta.users.read"), servicetest.WithUnknown("okta.authorization_server"))},
		{Name: "okta scopes with a client secret", Spec: servicetest.NewSpec("okta", d(), servicetest.WithClient(client, "s3cr3t-client-secret-value"), servicetest.WithScopes("okta.users.read")),
			Want: []servicetest.Want{servicetest.WantErr(conf, "invalid_client", "auth.client_secret_wo")}},
		{Name: "service app without any credential", Spec: servicetest.NewSpec("okta", d(), servicetest.WithClient(client, ""), servicetest.WithScopes("okta.users.read")),
			Want: []servicetest.Want{servicetest.WantErr(conf, "OKTA-SERVICE-APP", "auth.private_key")}},
		{Name: "service app with damaged key", Spec: servicetest.NewSpec("okta", d(), servicetest.WithClient(client, ""), servicetest.WithKey("not a key"), servicetest.WithScopes("okta.users.read")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "PEM", "auth.private_key_wo")}},

		{Name: "refresh token without offline_access", Spec: servicetest.NewSpec("okta", d("authorization_server", "default"), servicetest.WithClient(client, "s3cr3t-client-secret-value"), servicetest.WithToken("rt-8d7f6e5d4c3b2a19"), servicetest.WithScopes("openid"), servicetest.WithRefresh()),
			Want: []servicetest.Want{servicetest.WantErr(finding.RefreshTokenMissing, "OFFLINE-SCOPE", "require_refresh_token")}},
		{Name: "refresh token with offline_access", Spec: servicetest.NewSpec("okta", d("authorization_server", "default"), servicetest.WithClient(client, "s3cr3t-client-secret-value"), servicetest.WithToken("rt-8d7f6e5d4c3b2a19"), servicetest.WithScopes("openid", "offline_access"), servicetest.WithRefresh())},
		{Name: "refresh token for a service app", Spec: servicetest.NewSpec("okta", d(), servicetest.WithClient(client, ""), servicetest.WithKey(servicetest.TestRSA2048()), servicetest.WithScopes("okta.users.read"), servicetest.WithRefresh()),
			Want: []servicetest.Want{
				servicetest.WantErr(finding.RefreshTokenMissing, "OFFLINE-SCOPE", "require_refresh_token"),
				servicetest.WantErr(finding.RefreshTokenMissing, "RFC6749-4.4.3", "require_refresh_token"),
			}},
		{Name: "http redirect", Spec: servicetest.NewSpec("okta", d(), servicetest.WithToken(ssws), servicetest.WithRedirects("http://app.example.com/authorization-code/callback")),
			Want: []servicetest.Want{servicetest.WantErr(finding.RedirectURIInvalid, "RFC9700-2.6", "redirect_uris[0]")}},
	})
}
