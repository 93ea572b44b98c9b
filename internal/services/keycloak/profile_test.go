package keycloak

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func TestKeycloakProfile(t *testing.T) {
	kc := func(base, realm string) map[string]string { return servicetest.Set("base_url", base, "realm", realm) }
	client := servicetest.WithClient("handshake-connector", "Zx8s0mXwYwq3bq9VYwJ5f0Xr1tQe7ZkA")
	servicetest.RunProfileCases(t, profile(), []servicetest.ProfileCase{
		{Name: "valid secret client", Spec: servicetest.NewSpec("keycloak", kc("https://sso.example.com", "acme"), client,
			servicetest.WithScopes("openid", "offline_access"), servicetest.WithRefresh(), servicetest.WithRedirects("https://app.example.com/oauth/callback"))},
		{Name: "valid legacy /auth path with signed JWT", Spec: servicetest.NewSpec("keycloak", kc("https://sso.example.com/auth", "acme"),
			servicetest.WithClient("handshake-connector", ""), servicetest.WithKey(servicetest.TestRSA2048()))},
		{Name: "loopback base_url", Spec: servicetest.NewSpec("keycloak", kc("http://127.0.0.1:8081", "test"), client)},
		{Name: "realm URL as base_url", Spec: servicetest.NewSpec("keycloak", kc("https://sso.example.com/realms/acme", "acme"), client),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "KEYCLOAK-BASE-URL", "keycloak.base_url")}},
		{Name: "token endpoint as base_url", Spec: servicetest.NewSpec("keycloak",
			kc("https://sso.example.com/auth/realms/acme/protocol/openid-connect/token", "acme"), client),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "KEYCLOAK-BASE-URL", "keycloak.base_url")}},
		{Name: "admin console URL as base_url", Spec: servicetest.NewSpec("keycloak", kc("https://sso.example.com/admin/master/console/", "acme"), client),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "KEYCLOAK-BASE-URL", "keycloak.base_url")}},
		{Name: "plain http base_url", Spec: servicetest.NewSpec("keycloak", kc("http://sso.example.com", "acme"), client),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ENDPOINT-TLS", "keycloak.base_url")}},
		{Name: "blank base_url", Spec: servicetest.NewSpec("keycloak", kc("", "acme"), client),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "", "keycloak.base_url")}},
		{Name: "empty realm", Spec: servicetest.NewSpec("keycloak", kc("https://sso.example.com", ""), client),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "KEYCLOAK-REALM", "keycloak.realm")}},
		{Name: "realm with slash", Spec: servicetest.NewSpec("keycloak", kc("https://sso.example.com", "realms/acme"), client),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "KEYCLOAK-REALM", "keycloak.realm")}},
		{Name: "realm with trailing space", Spec: servicetest.NewSpec("keycloak", kc("https://sso.example.com", "acme "), client),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "KEYCLOAK-REALM", "keycloak.realm")}},
		{Name: "master realm", Spec: servicetest.NewSpec("keycloak", kc("https://sso.example.com", "master"), client),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "KEYCLOAK-MASTER-REALM", "keycloak.realm")}},
		{Name: "unknown realm", Spec: servicetest.NewSpec("keycloak", kc("https://sso.example.com", ""), client, servicetest.WithUnknown("keycloak.realm"))},
		{Name: "secret and key together", Spec: servicetest.NewSpec("keycloak", kc("https://sso.example.com", "acme"), client, servicetest.WithKey(servicetest.TestRSA2048())),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "KEYCLOAK-CLIENT-AUTH", "auth.private_key_wo")}},
		{Name: "refresh token without offline_access", Spec: servicetest.NewSpec("keycloak", kc("https://sso.example.com", "acme"), client,
			servicetest.WithRefresh(), servicetest.WithScopes("openid")),
			Want: []servicetest.Want{servicetest.WantErr(finding.RefreshTokenMissing, "OFFLINE-SCOPE", "require_refresh_token")}},
	})
}
