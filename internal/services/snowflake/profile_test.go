package snowflake

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func TestSnowflakeProfile(t *testing.T) {
	acct := func(v string) map[string]string { return servicetest.Set("account", v) }
	oauth := servicetest.WithClient("Q2xpZW50SWRGcm9tU25vd2ZsYWtl", "c2VjcmV0LWZyb20tc25vd2ZsYWtl")
	refresh := servicetest.WithToken("ver:2-hint:1234567890-did:1001-ETMsDgAAAY")
	servicetest.RunProfileCases(t, Profile(), []servicetest.ProfileCase{
		{Name: "valid OAuth connector", Spec: servicetest.NewSpec("snowflake",
			servicetest.Set("account", "acme-analytics", "role", "ANALYST", "warehouse", "REPORTING_WH", "integration", "HANDSHAKE_OAUTH"),
			oauth, refresh, servicetest.WithRefresh(), servicetest.WithScopes("refresh_token", "session:role:ANALYST"),
			servicetest.WithRedirects("https://handshake.example.com/oauth/snowflake"))},
		{Name: "valid key-pair connector", Spec: servicetest.NewSpec("snowflake", acct("xy12345.us-east-1"),
			servicetest.WithUser("SVC_HANDSHAKE"), servicetest.WithKey(servicetest.TestRSA2048()))},
		{Name: "loopback base_url", Spec: servicetest.NewSpec("snowflake", servicetest.Set("account", "acme-dev", "base_url", "http://127.0.0.1:9443"),
			servicetest.WithUser("SVC"), servicetest.WithKey(servicetest.TestRSA2048()))},
		{Name: "account given as URL", Spec: servicetest.NewSpec("snowflake", acct("https://acme-analytics.snowflakecomputing.com/")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SNOWFLAKE-ACCOUNT", "snowflake.account")}},
		{Name: "account with domain suffix", Spec: servicetest.NewSpec("snowflake", acct("xy12345.us-east-1.snowflakecomputing.com")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SNOWFLAKE-ACCOUNT", "snowflake.account")}},
		{Name: "blank account", Spec: servicetest.NewSpec("snowflake", acct("  ")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "251001", "snowflake.account")}},
		{Name: "account with a space", Spec: servicetest.NewSpec("snowflake", acct("acme analytics")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SNOWFLAKE-ACCOUNT", "snowflake.account")}},
		{Name: "account with odd characters", Spec: servicetest.NewSpec("snowflake", acct("acme!prod")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SNOWFLAKE-ACCOUNT", "snowflake.account")}},
		{Name: "unknown account", Spec: servicetest.NewSpec("snowflake", acct(""), servicetest.WithUnknown("snowflake.account"))},
		{Name: "missing block", Spec: servicetest.NewSpec("snowflake", nil, servicetest.WithoutBlock()),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "", "service")}},
		{Name: "blocked role", Spec: servicetest.NewSpec("snowflake", servicetest.Set("account", "acme-prod", "role", "accountadmin")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.PolicyBlocked, "SNOWFLAKE-BLOCKED-ROLE", "snowflake.role")}},
		{Name: "blocked role scope", Spec: servicetest.NewSpec("snowflake", acct("acme-prod"), servicetest.WithScopes("session:role:SECURITYADMIN")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.PolicyBlocked, "SNOWFLAKE-BLOCKED-ROLE", "required_scopes[0]")}},
		{Name: "role differs from scope", Spec: servicetest.NewSpec("snowflake", servicetest.Set("account", "acme-prod", "role", "ANALYST"),
			servicetest.WithScopes("session:role:REPORTER")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "SNOWFLAKE-ROLE", "snowflake.role")}},
		{Name: "offline_access instead of refresh_token", Spec: servicetest.NewSpec("snowflake", acct("acme-prod"),
			oauth, refresh, servicetest.WithRefresh(), servicetest.WithScopes("offline_access")),
			Want: []servicetest.Want{
				servicetest.WantErr(finding.InvalidScope, "invalid_scope", "required_scopes[0]"),
				servicetest.WantErr(finding.RefreshTokenMissing, "OFFLINE-SCOPE", "require_refresh_token"),
			}},
		{Name: "unknown and URL scopes", Spec: servicetest.NewSpec("snowflake", acct("acme-prod"),
			servicetest.WithScopes("read", "https://acme-prod.snowflakecomputing.com/session:role:X", "session:role:")),
			Want: []servicetest.Want{
				servicetest.WantErr(finding.InvalidScope, "invalid_scope", "required_scopes[0]"),
				servicetest.WantErr(finding.InvalidScope, "invalid_scope", "required_scopes[1]"),
				servicetest.WantErr(finding.InvalidScope, "invalid_scope", "required_scopes[2]"),
			}},
		{Name: "http redirect needs the integration switch", Spec: servicetest.NewSpec("snowflake", acct("acme-dev"),
			servicetest.WithRedirects("http://127.0.0.1:8080/cb")),
			Want: []servicetest.Want{servicetest.WantErr(finding.RedirectURIInvalid, "REDIRECT-NON-TLS", "redirect_uris[0]")}},
		{Name: "http redirect allowed by the integration", Spec: servicetest.NewSpec("snowflake",
			servicetest.Set("account", "acme-dev", "allow_non_secure_redirect", "true"), servicetest.WithRedirects("http://127.0.0.1:8080/cb"))},
		{Name: "key without user", Spec: servicetest.NewSpec("snowflake", acct("acme-prod"), servicetest.WithKey(servicetest.TestRSA2048())),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SNOWFLAKE-KEY-PAIR", "auth.private_key_wo")}},
		{Name: "EC key", Spec: servicetest.NewSpec("snowflake", acct("acme-prod"), servicetest.WithUser("SVC"), servicetest.WithKey(servicetest.TestECKey())),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "SNOWFLAKE-KEY-PAIR", "auth.private_key_wo")}},
		{Name: "short RSA key", Spec: servicetest.NewSpec("snowflake", acct("acme-prod"), servicetest.WithUser("SVC"), servicetest.WithKey(servicetest.TestRSA1024())),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "SNOWFLAKE-KEY-PAIR", "auth.private_key_wo")}},
		{Name: "unreadable key reported once", Spec: servicetest.NewSpec("snowflake", acct("acme-prod"), servicetest.WithUser("SVC"),
			servicetest.WithKey("-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "PEM", "auth.private_key_wo")}},
		{Name: "key fingerprint as DESC USER shows it", Spec: servicetest.NewSpec("snowflake",
			servicetest.Set("account", "acme-prod", "public_key_fp", "SHA256:jH3HrNbQ9ygxuwbSNQyG0ZDmfmqu4pGIaKMGuMx7xNw="),
			servicetest.WithUser("SVC"), servicetest.WithKey(servicetest.TestRSA2048()))},
		{Name: "key fingerprint malformed", Spec: servicetest.NewSpec("snowflake", servicetest.Set("account", "acme-prod", "public_key_fp", "MD5:ab:cd")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SNOWFLAKE-KEY-FP", "snowflake.public_key_fp")}},
		{Name: "client credentials only", Spec: servicetest.NewSpec("snowflake", acct("acme-prod"), oauth),
			Want: []servicetest.Want{servicetest.WantWarn(finding.RefreshTokenMissing, "SNOWFLAKE-OAUTH-GRANT", "auth.client_secret_wo")}},
	})
}
