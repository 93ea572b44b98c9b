package services

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestSnowflakeProfile(t *testing.T) {
	acct := func(v string) map[string]string { return set("account", v) }
	oauth := withClient("Q2xpZW50SWRGcm9tU25vd2ZsYWtl", "c2VjcmV0LWZyb20tc25vd2ZsYWtl")
	refresh := withToken("ver:2-hint:1234567890-did:1001-ETMsDgAAAY")
	runProfileCases(t, snowflake(), []profileCase{
		{name: "valid OAuth connector", spec: newSpec("snowflake",
			set("account", "acme-analytics", "role", "ANALYST", "warehouse", "REPORTING_WH", "integration", "HANDSHAKE_OAUTH"),
			oauth, refresh, withRefresh(), withScopes("refresh_token", "session:role:ANALYST"),
			withRedirects("https://handshake.example.com/oauth/snowflake"))},
		{name: "valid key-pair connector", spec: newSpec("snowflake", acct("xy12345.us-east-1"),
			withUser("SVC_HANDSHAKE"), withKey(testRSA2048()))},
		{name: "loopback base_url", spec: newSpec("snowflake", set("account", "acme-dev", "base_url", "http://127.0.0.1:9443"),
			withUser("SVC"), withKey(testRSA2048()))},
		{name: "account given as URL", spec: newSpec("snowflake", acct("https://acme-analytics.snowflakecomputing.com/")),
			want: []want{wantErr(finding.InvalidConfiguration, "SNOWFLAKE-ACCOUNT", "snowflake.account")}},
		{name: "account with domain suffix", spec: newSpec("snowflake", acct("xy12345.us-east-1.snowflakecomputing.com")),
			want: []want{wantErr(finding.InvalidConfiguration, "SNOWFLAKE-ACCOUNT", "snowflake.account")}},
		{name: "blank account", spec: newSpec("snowflake", acct("  ")),
			want: []want{wantErr(finding.InvalidConfiguration, "251001", "snowflake.account")}},
		{name: "account with a space", spec: newSpec("snowflake", acct("acme analytics")),
			want: []want{wantErr(finding.InvalidConfiguration, "SNOWFLAKE-ACCOUNT", "snowflake.account")}},
		{name: "account with odd characters", spec: newSpec("snowflake", acct("acme!prod")),
			want: []want{wantErr(finding.InvalidConfiguration, "SNOWFLAKE-ACCOUNT", "snowflake.account")}},
		{name: "unknown account", spec: newSpec("snowflake", acct(""), withUnknown("snowflake.account"))},
		{name: "missing block", spec: newSpec("snowflake", nil, withoutBlock()),
			want: []want{wantErr(finding.InvalidConfiguration, "", "service")}},
		{name: "blocked role", spec: newSpec("snowflake", set("account", "acme-prod", "role", "accountadmin")),
			want: []want{wantWarn(finding.PolicyBlocked, "SNOWFLAKE-BLOCKED-ROLE", "snowflake.role")}},
		{name: "blocked role scope", spec: newSpec("snowflake", acct("acme-prod"), withScopes("session:role:SECURITYADMIN")),
			want: []want{wantWarn(finding.PolicyBlocked, "SNOWFLAKE-BLOCKED-ROLE", "required_scopes[0]")}},
		{name: "role differs from scope", spec: newSpec("snowflake", set("account", "acme-prod", "role", "ANALYST"),
			withScopes("session:role:REPORTER")),
			want: []want{wantWarn(finding.InvalidConfiguration, "SNOWFLAKE-ROLE", "snowflake.role")}},
		{name: "offline_access instead of refresh_token", spec: newSpec("snowflake", acct("acme-prod"),
			oauth, refresh, withRefresh(), withScopes("offline_access")),
			want: []want{
				wantErr(finding.InvalidScope, "invalid_scope", "required_scopes[0]"),
				wantErr(finding.RefreshTokenMissing, "OFFLINE-SCOPE", "require_refresh_token"),
			}},
		{name: "unknown and URL scopes", spec: newSpec("snowflake", acct("acme-prod"),
			withScopes("read", "https://acme-prod.snowflakecomputing.com/session:role:X", "session:role:")),
			want: []want{
				wantErr(finding.InvalidScope, "invalid_scope", "required_scopes[0]"),
				wantErr(finding.InvalidScope, "invalid_scope", "required_scopes[1]"),
				wantErr(finding.InvalidScope, "invalid_scope", "required_scopes[2]"),
			}},
		{name: "http redirect needs the integration switch", spec: newSpec("snowflake", acct("acme-dev"),
			withRedirects("http://127.0.0.1:8080/cb")),
			want: []want{wantErr(finding.RedirectURIInvalid, "REDIRECT-NON-TLS", "redirect_uris[0]")}},
		{name: "http redirect allowed by the integration", spec: newSpec("snowflake",
			set("account", "acme-dev", "allow_non_secure_redirect", "true"), withRedirects("http://127.0.0.1:8080/cb"))},
		{name: "key without user", spec: newSpec("snowflake", acct("acme-prod"), withKey(testRSA2048())),
			want: []want{wantErr(finding.InvalidConfiguration, "SNOWFLAKE-KEY-PAIR", "auth.private_key_wo")}},
		{name: "EC key", spec: newSpec("snowflake", acct("acme-prod"), withUser("SVC"), withKey(testECKey())),
			want: []want{wantErr(finding.InvalidCredentials, "SNOWFLAKE-KEY-PAIR", "auth.private_key_wo")}},
		{name: "short RSA key", spec: newSpec("snowflake", acct("acme-prod"), withUser("SVC"), withKey(testRSA1024())),
			want: []want{wantErr(finding.InvalidCredentials, "SNOWFLAKE-KEY-PAIR", "auth.private_key_wo")}},
		{name: "unreadable key reported once", spec: newSpec("snowflake", acct("acme-prod"), withUser("SVC"),
			withKey("-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----")),
			want: []want{wantErr(finding.InvalidCredentials, "PEM", "auth.private_key_wo")}},
		{name: "client credentials only", spec: newSpec("snowflake", acct("acme-prod"), oauth),
			want: []want{wantWarn(finding.RefreshTokenMissing, "SNOWFLAKE-OAUTH-GRANT", "auth.client_secret_wo")}},
	})
}
