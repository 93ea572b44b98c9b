package oauth2

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func TestOAuth2Profile(t *testing.T) {
	const (
		conf   = finding.InvalidConfiguration
		token  = "https://idp.example.com/oauth2/token"
		secret = "9f3KxQ2mZp7LrVt1WcYe8HbNa4SdUg6J"
	)
	tu := func(kv ...string) map[string]string {
		return servicetest.Set(append([]string{"token_url", token}, kv...)...)
	}
	servicetest.RunProfileCases(t, profile(), []servicetest.ProfileCase{
		{Name: "valid confidential client credentials", Spec: servicetest.NewSpec("oauth2", tu("probe_url", "https://api.example.com/v1/me", "audience", "https://api.example.com"),
			servicetest.WithClient("svc-directory-sync", secret), servicetest.WithScopes("directory.read", "audit.read"))},
		{Name: "valid discovery with private_key_jwt", Spec: servicetest.NewSpec("oauth2", servicetest.Set("issuer", "https://idp.example.com/realms/main"),
			servicetest.WithClient("svc", ""), servicetest.WithKey(servicetest.TestRSA2048()))},
		{Name: "valid public client with refresh token", Spec: servicetest.NewSpec("oauth2", servicetest.Set("issuer", "http://127.0.0.1:4000", "client_type", "public"),
			servicetest.WithClient("cli-tool", ""), servicetest.WithToken("rt-8d7f6e5d4c3b2a19"), servicetest.WithScopes("openid", "offline_access"), servicetest.WithRefresh(),
			servicetest.WithRedirects("http://127.0.0.1:8400/callback", "com.example.cli:/oauth2redirect"))},
		{Name: "valid authorization-code client", Spec: servicetest.NewSpec("oauth2", tu("grant_type", "authorization_code", "authorization_url", "https://idp.example.com/oauth2/authorize"),
			servicetest.WithClient("portal", secret), servicetest.WithRedirects("https://portal.example.com/oauth/callback"))},
		{Name: "authorization-code client without redirect URIs", Spec: servicetest.NewSpec("oauth2", tu("grant_type", "authorization_code"), servicetest.WithClient("portal", secret)),
			Want: []servicetest.Want{servicetest.WantWarn(finding.RedirectURIMissing, "RFC6749-3.1.2", "redirect_uris")}},
		{Name: "refresh URL is an endpoint", Spec: servicetest.NewSpec("oauth2", tu("grant_type", "refresh_token", "refresh_url", "http://idp.example.com/refresh"),
			servicetest.WithClient("svc", secret), servicetest.WithToken("rt-8d7f6e5d4c3b2a19")),
			Want: []servicetest.Want{servicetest.WantErr(conf, "ENDPOINT-TLS", "oauth2.refresh_url")}},
		{Name: "loopback token endpoint for tests", Spec: servicetest.NewSpec("oauth2", servicetest.Set("token_url", "http://127.0.0.1:9000/token"), servicetest.WithClient("svc", secret))},

		{Name: "no token endpoint", Spec: servicetest.NewSpec("oauth2", servicetest.Set("probe_url", "https://api.example.com/v1/me"), servicetest.WithClient("svc", secret)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "OAUTH2-TOKEN-ENDPOINT", "oauth2.token_url")}},
		{Name: "unknown token_url is not missing", Spec: servicetest.NewSpec("oauth2", nil, servicetest.WithClient("svc", secret), servicetest.WithUnknown("oauth2.token_url"))},
		{Name: "http token endpoint", Spec: servicetest.NewSpec("oauth2", servicetest.Set("token_url", "http://idp.example.com/token"), servicetest.WithClient("svc", secret)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "ENDPOINT-TLS", "oauth2.token_url")}},
		{Name: "every URL setting is checked", Spec: servicetest.NewSpec("oauth2", tu("authorization_url", "idp.example.com/authorize", "probe_url", "ftp://x.example.com/", "issuer", "https://idp.example.com#x"),
			servicetest.WithClient("svc", secret)),
			Want: []servicetest.Want{
				servicetest.WantErr(conf, "ENDPOINT-URL", "oauth2.authorization_url"),
				servicetest.WantErr(conf, "ENDPOINT-SCHEME", "oauth2.probe_url"),
				servicetest.WantErr(conf, "ENDPOINT-FRAGMENT", "oauth2.issuer"),
			}},
		{Name: "discovery URL as issuer", Spec: servicetest.NewSpec("oauth2", servicetest.Set("issuer", "https://idp.example.com/realms/main/.well-known/openid-configuration"), servicetest.WithClient("svc", secret)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "RFC8414-3", "oauth2.issuer")}},

		{Name: "public client with a secret", Spec: servicetest.NewSpec("oauth2", tu("client_type", "public"), servicetest.WithClient("spa", secret), servicetest.WithToken("rt-abc")),
			Want: []servicetest.Want{servicetest.WantErr(conf, "RFC6749-2.1", "auth.client_secret_wo")}},
		{Name: "public client with auth_style", Spec: servicetest.NewSpec("oauth2", tu("client_type", "public", "auth_style", "client_secret_post"), servicetest.WithClient("spa", ""), servicetest.WithToken("rt-abc")),
			Want: []servicetest.Want{servicetest.WantErr(conf, "RFC6749-2.1", "oauth2.auth_style")}},
		{Name: "public client with client credentials", Spec: servicetest.NewSpec("oauth2", tu("client_type", "public", "grant_type", "client_credentials"), servicetest.WithClient("spa", "")),
			Want: []servicetest.Want{servicetest.WantErr(conf, "RFC6749-4.4", "oauth2.grant_type")}},
		{Name: "public client without refresh token", Spec: servicetest.NewSpec("oauth2", tu("client_type", "public"), servicetest.WithClient("spa", "")),
			Want: []servicetest.Want{servicetest.WantErr(conf, "RFC6749-6", "auth.token")}},
		{Name: "public client without client id", Spec: servicetest.NewSpec("oauth2", tu("client_type", "public"), servicetest.WithToken("rt-abc")),
			Want: []servicetest.Want{servicetest.WantErr(conf, "CLIENT-ID-MISSING", "auth.client_id")}},

		{Name: "confidential without client id", Spec: servicetest.NewSpec("oauth2", tu(), servicetest.WithClient("", secret)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "CLIENT-ID-MISSING", "auth.client_id")}},
		{Name: "confidential without secret", Spec: servicetest.NewSpec("oauth2", tu(), servicetest.WithClient("svc", "")),
			Want: []servicetest.Want{servicetest.WantErr(conf, "OAUTH2-CLIENT-AUTH", "auth.client_secret")}},
		{Name: "confidential with nothing", Spec: servicetest.NewSpec("oauth2", tu()),
			Want: []servicetest.Want{servicetest.WantErr(conf, "CLIENT-ID-MISSING", "auth.client_id"), servicetest.WantErr(conf, "OAUTH2-CLIENT-AUTH", "auth.client_secret")}},
		{Name: "unknown secret is not missing", Spec: servicetest.NewSpec("oauth2", tu(), servicetest.WithClient("svc", ""), servicetest.WithUnknown("auth.client_secret_wo"))},
		{Name: "client_secret_basic chosen but only a key given", Spec: servicetest.NewSpec("oauth2", tu("auth_style", "client_secret_basic"), servicetest.WithClient("svc", ""), servicetest.WithKey(servicetest.TestRSA2048())),
			Want: []servicetest.Want{servicetest.WantErr(conf, "OAUTH2-CLIENT-AUTH", "auth.client_secret")}},
		{Name: "private_key_jwt without key", Spec: servicetest.NewSpec("oauth2", tu("auth_style", "private_key_jwt"), servicetest.WithClient("svc", secret)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "PRIVATE-KEY-MISSING", "auth.private_key")}},
		// The live check signs with these too (internal/keys is the one parser).
		{Name: "private_key_jwt with a key pasted with \\n escapes", Spec: servicetest.NewSpec("oauth2", tu(), servicetest.WithClient("svc", ""),
			servicetest.WithKey(strings.ReplaceAll(servicetest.TestRSA2048(), "\n", `\n`)))},
		{Name: "private_key_jwt with a private JWK", Spec: servicetest.NewSpec("oauth2", tu(), servicetest.WithClient("svc", ""), servicetest.WithKey(ecJWK(t)))},
		{Name: "private_key_jwt with an encrypted key", Spec: servicetest.NewSpec("oauth2", tu(), servicetest.WithClient("svc", ""),
			servicetest.WithKey("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "PEM", "auth.private_key_wo")}},
		{Name: "private_key_jwt with a damaged key", Spec: servicetest.NewSpec("oauth2", tu(), servicetest.WithClient("svc", ""), servicetest.WithKey(servicetest.TestRSA2048()[:300])),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "PEM", "auth.private_key_wo")}},
		{Name: "client id with a newline", Spec: servicetest.NewSpec("oauth2", tu(), servicetest.WithClient("svc\n", secret)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "CLIENT-ID-WHITESPACE", "auth.client_id")}},

		{Name: "refresh_token grant without token", Spec: servicetest.NewSpec("oauth2", tu("grant_type", "refresh_token"), servicetest.WithClient("svc", secret)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "RFC6749-6", "auth.token")}},
		{Name: "jwt_bearer needs a key and client id", Spec: servicetest.NewSpec("oauth2", tu("grant_type", "jwt_bearer"), servicetest.WithSecretAttr("client_secret", secret)),
			Want: []servicetest.Want{
				servicetest.WantErr(conf, "CLIENT-ID-MISSING", "auth.client_id"),
				servicetest.WantErr(conf, "PRIVATE-KEY-MISSING", "auth.private_key"),
			}},
		{Name: "unknown grant type skips grant rules", Spec: servicetest.NewSpec("oauth2", tu(), servicetest.WithClient("svc", secret), servicetest.WithUnknown("oauth2.grant_type"), servicetest.WithRefresh())},

		{Name: "refresh token from client credentials", Spec: servicetest.NewSpec("oauth2", tu(), servicetest.WithClient("svc", secret), servicetest.WithRefresh(), servicetest.WithScopes("offline_access")),
			Want: []servicetest.Want{servicetest.WantErr(finding.RefreshTokenMissing, "RFC6749-4.4.3", "require_refresh_token")}},
		{Name: "refresh token from jwt bearer", Spec: servicetest.NewSpec("oauth2", tu("grant_type", "jwt_bearer"), servicetest.WithClient("svc", ""), servicetest.WithKey(servicetest.TestRSA2048()), servicetest.WithRefresh()),
			Want: []servicetest.Want{servicetest.WantWarn(finding.RefreshTokenMissing, "RFC7523-2.1", "require_refresh_token")}},
		{Name: "refresh token without offline_access (plain OAuth)", Spec: servicetest.NewSpec("oauth2", tu("grant_type", "refresh_token"), servicetest.WithClient("svc", secret), servicetest.WithToken("rt-1"), servicetest.WithRefresh()),
			Want: []servicetest.Want{servicetest.WantWarn(finding.RefreshTokenMissing, "OIDC-11", "require_refresh_token")}},
		{Name: "refresh token without offline_access (OIDC)", Spec: servicetest.NewSpec("oauth2", servicetest.Set("issuer", "https://idp.example.com", "grant_type", "refresh_token"), servicetest.WithClient("svc", secret), servicetest.WithToken("rt-1"), servicetest.WithRefresh(), servicetest.WithScopes("openid")),
			Want: []servicetest.Want{servicetest.WantErr(finding.RefreshTokenMissing, "OIDC-11", "require_refresh_token")}},
		{Name: "wrong service block", Spec: servicetest.NewSpec("oauth2", tu(), servicetest.WithClient("svc", secret), func(s *connector.Spec) { s.Blocks = append(s.Blocks, "okta") }),
			Want: []servicetest.Want{servicetest.WantErr(conf, "", "okta")}},
	})
}

// ecJWK is a freshly generated private EC key as a JWK (the form Okta's
// console offers when it generates a key).
func ecJWK(t *testing.T) string {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(jose.JSONWebKey{Key: k, KeyID: "k1", Algorithm: "ES256"})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
