package services

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestOktaProfile(t *testing.T) {
	const (
		conf   = finding.InvalidConfiguration
		domain = "dev-123456.okta.com"
		ssws   = "00QCjAl4MlV-WPXM-ABCDEFGHIJKLMNOPQRSTUVWX"
		client = "0oa1b2c3d4e5f6g7h8i9"
	)
	d := func(kv ...string) map[string]string { return set(append([]string{"domain", domain}, kv...)...) }
	runCatalogCases(t, []profileCase{
		{name: "valid API token", spec: newSpec("okta", d(), withToken(ssws))},
		{name: "valid service app", spec: newSpec("okta", d(), withClient(client, ""), withKey(testRSA2048()), withScopes("okta.users.read", "okta.groups.read"))},
		{name: "valid custom domain and custom server", spec: newSpec("okta", set("domain", "login.acme.com", "authorization_server", "default"),
			withClient(client, "s3cr3t-client-secret-value"), withScopes("inventory:read"))},
		{name: "valid preview and EMEA cells", spec: newSpec("okta", set("domain", "acme.oktapreview.com"), withToken(ssws))},
		{name: "loopback base_url for tests", spec: newSpec("okta", d("base_url", "http://127.0.0.1:7070"), withToken(ssws))},

		{name: "domain with https", spec: newSpec("okta", set("domain", "https://dev-123456.okta.com"), withToken(ssws)),
			want: []want{wantErr(conf, "OKTA-DOMAIN-SCHEME", "okta.domain")}},
		{name: "domain with trailing slash", spec: newSpec("okta", set("domain", "dev-123456.okta.com/"), withToken(ssws)),
			want: []want{wantErr(conf, "OKTA-DOMAIN-PATH", "okta.domain")}},
		{name: "domain with issuer path", spec: newSpec("okta", set("domain", "dev-123456.okta.com/oauth2/default"), withToken(ssws)),
			want: []want{wantErr(conf, "OKTA-DOMAIN-PATH", "okta.domain")}},
		{name: "admin console domain", spec: newSpec("okta", set("domain", "dev-123456-admin.okta.com"), withToken(ssws)),
			want: []want{wantErr(conf, "OKTA-DOMAIN-ADMIN", "okta.domain")}},
		{name: "admin console URL", spec: newSpec("okta", set("domain", "https://acme-admin.okta.com/admin/dashboard"), withToken(ssws)),
			want: []want{wantErr(conf, "OKTA-DOMAIN-SCHEME", "okta.domain")}},
		{name: "not a domain", spec: newSpec("okta", set("domain", "dev-123456"), withToken(ssws)),
			want: []want{wantErr(conf, "OKTA-DOMAIN", "okta.domain")}},
		{name: "empty domain", spec: newSpec("okta", set("domain", ""), withToken(ssws)),
			want: []want{wantErr(conf, "OKTA-DOMAIN", "okta.domain")}},
		{name: "unknown domain", spec: newSpec("okta", set("domain", ""), withToken(ssws), withUnknown("okta.domain"))},
		{name: "authorization server as URL", spec: newSpec("okta", d("authorization_server", "https://dev-123456.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9"), withToken(ssws)),
			want: []want{wantErr(conf, "OKTA-AUTHORIZATION-SERVER", "okta.authorization_server")}},

		{name: "no credentials", spec: newSpec("okta", d()),
			want: []want{wantErr(conf, "OKTA-CREDENTIALS", "auth.token")}},
		{name: "SSWS prefix typed into the token", spec: newSpec("okta", d(), withToken("SSWS "+ssws)),
			want: []want{wantErr(conf, "SECRET-SCHEME-PREFIX", "auth.token_wo")}},
		{name: "custom scope on the org server", spec: newSpec("okta", d(), withClient(client, ""), withKey(testRSA2048()), withScopes("okta.users.read", "inventory:read")),
			want: []want{wantErr(finding.InvalidScope, "invalid_scope", "required_scopes[1]")}},
		{name: "okta scope on a custom server", spec: newSpec("okta", d("authorization_server", "default"), withClient(client, "s3cr3t-client-secret-value"), withScopes("okta.users.read")),
			want: []want{wantErr(finding.InvalidScope, "invalid_scope", "required_scopes[0]")}},
		{name: "user refresh token on the org server may ask for openid", spec: newSpec("okta", d(), withClient(client, "s3cr3t-client-secret-value"), withToken("rt-8d7f6e5d4c3b2a19"),
			withScopes("openid", "offline_access", "okta.users.read.self"), withRefresh())},
		{name: "scopes are not checked for API tokens", spec: newSpec("okta", d(), withToken(ssws), withScopes("inventory:read"))},
		{name: "unknown authorization server skips scope rules", spec: newSpec("okta", d(), withClient(client, "x-secret-value-123"), withScopes("okta.users.read"), withUnknown("okta.authorization_server"))},
		{name: "okta scopes with a client secret", spec: newSpec("okta", d(), withClient(client, "s3cr3t-client-secret-value"), withScopes("okta.users.read")),
			want: []want{wantErr(conf, "invalid_client", "auth.client_secret_wo")}},
		{name: "service app without any credential", spec: newSpec("okta", d(), withClient(client, ""), withScopes("okta.users.read")),
			want: []want{wantErr(conf, "OKTA-SERVICE-APP", "auth.private_key")}},
		{name: "service app with damaged key", spec: newSpec("okta", d(), withClient(client, ""), withKey("not a key"), withScopes("okta.users.read")),
			want: []want{wantErr(finding.InvalidCredentials, "PEM", "auth.private_key_wo")}},

		{name: "refresh token without offline_access", spec: newSpec("okta", d("authorization_server", "default"), withClient(client, "s3cr3t-client-secret-value"), withToken("rt-8d7f6e5d4c3b2a19"), withScopes("openid"), withRefresh()),
			want: []want{wantErr(finding.RefreshTokenMissing, "OFFLINE-SCOPE", "require_refresh_token")}},
		{name: "refresh token with offline_access", spec: newSpec("okta", d("authorization_server", "default"), withClient(client, "s3cr3t-client-secret-value"), withToken("rt-8d7f6e5d4c3b2a19"), withScopes("openid", "offline_access"), withRefresh())},
		{name: "refresh token for a service app", spec: newSpec("okta", d(), withClient(client, ""), withKey(testRSA2048()), withScopes("okta.users.read"), withRefresh()),
			want: []want{
				wantErr(finding.RefreshTokenMissing, "OFFLINE-SCOPE", "require_refresh_token"),
				wantErr(finding.RefreshTokenMissing, "RFC6749-4.4.3", "require_refresh_token"),
			}},
		{name: "http redirect", spec: newSpec("okta", d(), withToken(ssws), withRedirects("http://app.example.com/authorization-code/callback")),
			want: []want{wantErr(finding.RedirectURIInvalid, "RFC9700-2.6", "redirect_uris[0]")}},
	})
}
