package services

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestOAuth2Profile(t *testing.T) {
	const (
		conf   = finding.InvalidConfiguration
		token  = "https://idp.example.com/oauth2/token"
		secret = "9f3KxQ2mZp7LrVt1WcYe8HbNa4SdUg6J"
	)
	tu := func(kv ...string) map[string]string { return set(append([]string{"token_url", token}, kv...)...) }
	runCatalogCases(t, []profileCase{
		{name: "valid confidential client credentials", spec: newSpec("oauth2", tu("probe_url", "https://api.example.com/v1/me", "audience", "https://api.example.com"),
			withClient("svc-directory-sync", secret), withScopes("directory.read", "audit.read"))},
		{name: "valid discovery with private_key_jwt", spec: newSpec("oauth2", set("issuer", "https://idp.example.com/realms/main"),
			withClient("svc", ""), withKey(testRSA2048()))},
		{name: "valid public client with refresh token", spec: newSpec("oauth2", set("issuer", "http://127.0.0.1:4000", "client_type", "public"),
			withClient("cli-tool", ""), withToken("rt-8d7f6e5d4c3b2a19"), withScopes("openid", "offline_access"), withRefresh(),
			withRedirects("http://127.0.0.1:8400/callback", "com.example.cli:/oauth2redirect"))},
		{name: "valid authorization-code client", spec: newSpec("oauth2", tu("grant_type", "authorization_code", "authorization_url", "https://idp.example.com/oauth2/authorize"),
			withClient("portal", secret), withRedirects("https://portal.example.com/oauth/callback"))},
		{name: "authorization-code client without redirect URIs", spec: newSpec("oauth2", tu("grant_type", "authorization_code"), withClient("portal", secret)),
			want: []want{wantWarn(finding.RedirectURIMissing, "RFC6749-3.1.2", "redirect_uris")}},
		{name: "refresh URL is an endpoint", spec: newSpec("oauth2", tu("grant_type", "refresh_token", "refresh_url", "http://idp.example.com/refresh"),
			withClient("svc", secret), withToken("rt-8d7f6e5d4c3b2a19")),
			want: []want{wantErr(conf, "ENDPOINT-TLS", "oauth2.refresh_url")}},
		{name: "loopback token endpoint for tests", spec: newSpec("oauth2", set("token_url", "http://127.0.0.1:9000/token"), withClient("svc", secret))},

		{name: "no token endpoint", spec: newSpec("oauth2", set("probe_url", "https://api.example.com/v1/me"), withClient("svc", secret)),
			want: []want{wantErr(conf, "OAUTH2-TOKEN-ENDPOINT", "oauth2.token_url")}},
		{name: "unknown token_url is not missing", spec: newSpec("oauth2", nil, withClient("svc", secret), withUnknown("oauth2.token_url"))},
		{name: "http token endpoint", spec: newSpec("oauth2", set("token_url", "http://idp.example.com/token"), withClient("svc", secret)),
			want: []want{wantErr(conf, "ENDPOINT-TLS", "oauth2.token_url")}},
		{name: "every URL setting is checked", spec: newSpec("oauth2", tu("authorization_url", "idp.example.com/authorize", "probe_url", "ftp://x.example.com/", "issuer", "https://idp.example.com#x"),
			withClient("svc", secret)),
			want: []want{
				wantErr(conf, "ENDPOINT-URL", "oauth2.authorization_url"),
				wantErr(conf, "ENDPOINT-SCHEME", "oauth2.probe_url"),
				wantErr(conf, "ENDPOINT-FRAGMENT", "oauth2.issuer"),
			}},
		{name: "discovery URL as issuer", spec: newSpec("oauth2", set("issuer", "https://idp.example.com/realms/main/.well-known/openid-configuration"), withClient("svc", secret)),
			want: []want{wantErr(conf, "RFC8414-3", "oauth2.issuer")}},

		{name: "public client with a secret", spec: newSpec("oauth2", tu("client_type", "public"), withClient("spa", secret), withToken("rt-abc")),
			want: []want{wantErr(conf, "RFC6749-2.1", "auth.client_secret_wo")}},
		{name: "public client with auth_style", spec: newSpec("oauth2", tu("client_type", "public", "auth_style", "client_secret_post"), withClient("spa", ""), withToken("rt-abc")),
			want: []want{wantErr(conf, "RFC6749-2.1", "oauth2.auth_style")}},
		{name: "public client with client credentials", spec: newSpec("oauth2", tu("client_type", "public", "grant_type", "client_credentials"), withClient("spa", "")),
			want: []want{wantErr(conf, "RFC6749-4.4", "oauth2.grant_type")}},
		{name: "public client without refresh token", spec: newSpec("oauth2", tu("client_type", "public"), withClient("spa", "")),
			want: []want{wantErr(conf, "RFC6749-6", "auth.token")}},
		{name: "public client without client id", spec: newSpec("oauth2", tu("client_type", "public"), withToken("rt-abc")),
			want: []want{wantErr(conf, "CLIENT-ID-MISSING", "auth.client_id")}},

		{name: "confidential without client id", spec: newSpec("oauth2", tu(), withClient("", secret)),
			want: []want{wantErr(conf, "CLIENT-ID-MISSING", "auth.client_id")}},
		{name: "confidential without secret", spec: newSpec("oauth2", tu(), withClient("svc", "")),
			want: []want{wantErr(conf, "OAUTH2-CLIENT-AUTH", "auth.client_secret")}},
		{name: "confidential with nothing", spec: newSpec("oauth2", tu()),
			want: []want{wantErr(conf, "CLIENT-ID-MISSING", "auth.client_id"), wantErr(conf, "OAUTH2-CLIENT-AUTH", "auth.client_secret")}},
		{name: "unknown secret is not missing", spec: newSpec("oauth2", tu(), withClient("svc", ""), withUnknown("auth.client_secret_wo"))},
		{name: "client_secret_basic chosen but only a key given", spec: newSpec("oauth2", tu("auth_style", "client_secret_basic"), withClient("svc", ""), withKey(testRSA2048())),
			want: []want{wantErr(conf, "OAUTH2-CLIENT-AUTH", "auth.client_secret")}},
		{name: "private_key_jwt without key", spec: newSpec("oauth2", tu("auth_style", "private_key_jwt"), withClient("svc", secret)),
			want: []want{wantErr(conf, "PRIVATE-KEY-MISSING", "auth.private_key")}},
		{name: "private_key_jwt with a damaged key", spec: newSpec("oauth2", tu(), withClient("svc", ""), withKey(testRSA2048()[:300])),
			want: []want{wantErr(finding.InvalidCredentials, "PEM", "auth.private_key_wo")}},
		{name: "client id with a newline", spec: newSpec("oauth2", tu(), withClient("svc\n", secret)),
			want: []want{wantErr(conf, "CLIENT-ID-WHITESPACE", "auth.client_id")}},

		{name: "refresh_token grant without token", spec: newSpec("oauth2", tu("grant_type", "refresh_token"), withClient("svc", secret)),
			want: []want{wantErr(conf, "RFC6749-6", "auth.token")}},
		{name: "jwt_bearer needs a key and client id", spec: newSpec("oauth2", tu("grant_type", "jwt_bearer"), withSecretAttr("client_secret", secret)),
			want: []want{
				wantErr(conf, "CLIENT-ID-MISSING", "auth.client_id"),
				wantErr(conf, "PRIVATE-KEY-MISSING", "auth.private_key"),
			}},
		{name: "unknown grant type skips grant rules", spec: newSpec("oauth2", tu(), withClient("svc", secret), withUnknown("oauth2.grant_type"), withRefresh())},

		{name: "refresh token from client credentials", spec: newSpec("oauth2", tu(), withClient("svc", secret), withRefresh(), withScopes("offline_access")),
			want: []want{wantErr(finding.RefreshTokenMissing, "RFC6749-4.4.3", "require_refresh_token")}},
		{name: "refresh token from jwt bearer", spec: newSpec("oauth2", tu("grant_type", "jwt_bearer"), withClient("svc", ""), withKey(testRSA2048()), withRefresh()),
			want: []want{wantWarn(finding.RefreshTokenMissing, "RFC7523-2.1", "require_refresh_token")}},
		{name: "refresh token without offline_access (plain OAuth)", spec: newSpec("oauth2", tu("grant_type", "refresh_token"), withClient("svc", secret), withToken("rt-1"), withRefresh()),
			want: []want{wantWarn(finding.RefreshTokenMissing, "OIDC-11", "require_refresh_token")}},
		{name: "refresh token without offline_access (OIDC)", spec: newSpec("oauth2", set("issuer", "https://idp.example.com", "grant_type", "refresh_token"), withClient("svc", secret), withToken("rt-1"), withRefresh(), withScopes("openid")),
			want: []want{wantErr(finding.RefreshTokenMissing, "OIDC-11", "require_refresh_token")}},
		{name: "wrong service block", spec: newSpec("oauth2", tu(), withClient("svc", secret), func(s *connector.Spec) { s.Blocks = append(s.Blocks, "okta") }),
			want: []want{wantErr(conf, "", "okta")}},
	})
}
