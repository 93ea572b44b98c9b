package services

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestKeycloakProfile(t *testing.T) {
	kc := func(base, realm string) map[string]string { return set("base_url", base, "realm", realm) }
	client := withClient("handshake-connector", "Zx8s0mXwYwq3bq9VYwJ5f0Xr1tQe7ZkA")
	runProfileCases(t, keycloak(), []profileCase{
		{name: "valid secret client", spec: newSpec("keycloak", kc("https://sso.example.com", "acme"), client,
			withScopes("openid", "offline_access"), withRefresh(), withRedirects("https://app.example.com/oauth/callback"))},
		{name: "valid legacy /auth path with signed JWT", spec: newSpec("keycloak", kc("https://sso.example.com/auth", "acme"),
			withClient("handshake-connector", ""), withKey(testRSA2048()))},
		{name: "loopback base_url", spec: newSpec("keycloak", kc("http://127.0.0.1:8081", "test"), client)},
		{name: "realm URL as base_url", spec: newSpec("keycloak", kc("https://sso.example.com/realms/acme", "acme"), client),
			want: []want{wantWarn(finding.InvalidConfiguration, "KEYCLOAK-BASE-URL", "keycloak.base_url")}},
		{name: "token endpoint as base_url", spec: newSpec("keycloak",
			kc("https://sso.example.com/auth/realms/acme/protocol/openid-connect/token", "acme"), client),
			want: []want{wantWarn(finding.InvalidConfiguration, "KEYCLOAK-BASE-URL", "keycloak.base_url")}},
		{name: "admin console URL as base_url", spec: newSpec("keycloak", kc("https://sso.example.com/admin/master/console/", "acme"), client),
			want: []want{wantWarn(finding.InvalidConfiguration, "KEYCLOAK-BASE-URL", "keycloak.base_url")}},
		{name: "plain http base_url", spec: newSpec("keycloak", kc("http://sso.example.com", "acme"), client),
			want: []want{wantErr(finding.InvalidConfiguration, "ENDPOINT-TLS", "keycloak.base_url")}},
		{name: "blank base_url", spec: newSpec("keycloak", kc("", "acme"), client),
			want: []want{wantErr(finding.InvalidConfiguration, "", "keycloak.base_url")}},
		{name: "empty realm", spec: newSpec("keycloak", kc("https://sso.example.com", ""), client),
			want: []want{wantErr(finding.InvalidConfiguration, "KEYCLOAK-REALM", "keycloak.realm")}},
		{name: "realm with slash", spec: newSpec("keycloak", kc("https://sso.example.com", "realms/acme"), client),
			want: []want{wantErr(finding.InvalidConfiguration, "KEYCLOAK-REALM", "keycloak.realm")}},
		{name: "realm with trailing space", spec: newSpec("keycloak", kc("https://sso.example.com", "acme "), client),
			want: []want{wantErr(finding.InvalidConfiguration, "KEYCLOAK-REALM", "keycloak.realm")}},
		{name: "master realm", spec: newSpec("keycloak", kc("https://sso.example.com", "master"), client),
			want: []want{wantWarn(finding.InvalidConfiguration, "KEYCLOAK-MASTER-REALM", "keycloak.realm")}},
		{name: "unknown realm", spec: newSpec("keycloak", kc("https://sso.example.com", ""), client, withUnknown("keycloak.realm"))},
		{name: "secret and key together", spec: newSpec("keycloak", kc("https://sso.example.com", "acme"), client, withKey(testRSA2048())),
			want: []want{wantWarn(finding.InvalidConfiguration, "KEYCLOAK-CLIENT-AUTH", "auth.private_key_wo")}},
		{name: "refresh token without offline_access", spec: newSpec("keycloak", kc("https://sso.example.com", "acme"), client,
			withRefresh(), withScopes("openid")),
			want: []want{wantErr(finding.RefreshTokenMissing, "OFFLINE-SCOPE", "require_refresh_token")}},
	})
}
