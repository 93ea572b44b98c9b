package services

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestAtlassianProfile(t *testing.T) {
	const cloudID = "1324a887-45db-1bf4-1e99-ef0ff456d421"
	apiToken := withToken("ATATT3xFfGF0T3stT0kenValue0123456789abcdefABCDEF=0A1B2C3D")
	oauthToken := withToken("eyJraWQiOiJleGFtcGxlIiwiYWxnIjoiUlMyNTYifQ.eyJzdWIiOiJ4In0.c2ln")
	runProfileCases(t, atlassian(), []profileCase{
		{name: "valid API token", spec: newSpec("atlassian", set("site", "acme.atlassian.net"), withUser("ops@acme.com"), apiToken)},
		{name: "valid OAuth 2.0 app", spec: newSpec("atlassian", set("site", "acme.atlassian.net", "cloud_id", cloudID),
			withClient("Xy7AbCdEfGhIjKlMnOpQrStUvWxYz012", "ATOAsecretvalue0123456789"), oauthToken,
			withScopes("read:jira-work", "read:jira-user", "read:issue:jira", "offline_access"), withRefresh(),
			withRedirects("https://app.example.com/atlassian/callback"))},
		{name: "loopback base_url", spec: newSpec("atlassian", set("base_url", "http://127.0.0.1:8181"), withUser("ops@acme.com"), apiToken)},
		{name: "site as URL", spec: newSpec("atlassian", set("site", "https://acme.atlassian.net/jira/your-work"), withUser("ops@acme.com"), apiToken),
			want: []want{wantErr(finding.InvalidConfiguration, "ATLASSIAN-SITE", "atlassian.site")}},
		{name: "site name only", spec: newSpec("atlassian", set("site", "acme"), withUser("ops@acme.com"), apiToken),
			want: []want{wantErr(finding.InvalidConfiguration, "ATLASSIAN-SITE", "atlassian.site")}},
		{name: "non-atlassian host", spec: newSpec("atlassian", set("site", "jira.acme.com"), withUser("ops@acme.com"), apiToken),
			want: []want{wantWarn(finding.InvalidConfiguration, "ATLASSIAN-SITE", "atlassian.site")}},
		{name: "no site at all", spec: newSpec("atlassian", nil, withUser("ops@acme.com"), apiToken),
			want: []want{wantErr(finding.InvalidConfiguration, "ATLASSIAN-SITE", "atlassian")}},
		{name: "no block at all", spec: newSpec("atlassian", nil, withoutBlock(), withUser("ops@acme.com"), apiToken),
			want: []want{wantErr(finding.InvalidConfiguration, "ATLASSIAN-SITE", "service")}},
		{name: "bad cloud id", spec: newSpec("atlassian", set("cloud_id", "acme"), oauthToken),
			want: []want{wantErr(finding.InvalidConfiguration, "ATLASSIAN-CLOUD-ID", "atlassian.cloud_id")}},
		{name: "account id as username", spec: newSpec("atlassian", set("site", "acme.atlassian.net"),
			withUser("5b10ac8d82e05b22cc7d4ef5"), apiToken),
			want: []want{wantErr(finding.InvalidConfiguration, "ATLASSIAN-API-TOKEN", "auth.username")}},
		{name: "e-mail without token", spec: newSpec("atlassian", set("site", "acme.atlassian.net"), withUser("ops@acme.com")),
			want: []want{wantErr(finding.InvalidConfiguration, "ATLASSIAN-API-TOKEN", "auth.token")}},
		{name: "API token without e-mail", spec: newSpec("atlassian", set("site", "acme.atlassian.net"), apiToken),
			want: []want{wantErr(finding.InvalidConfiguration, "ATLASSIAN-API-TOKEN", "auth.username")}},
		{name: "bearer token without cloud id", spec: newSpec("atlassian", set("site", "acme.atlassian.net"), oauthToken),
			want: []want{wantWarn(finding.InvalidConfiguration, "ATLASSIAN-CLOUD-ID", "atlassian.cloud_id")}},
		{name: "refresh without offline_access", spec: newSpec("atlassian", set("cloud_id", cloudID), oauthToken,
			withScopes("read:jira-work"), withRefresh()),
			want: []want{wantErr(finding.RefreshTokenMissing, "OFFLINE-SCOPE", "require_refresh_token")}},
		{name: "scope problems", spec: newSpec("atlassian", set("cloud_id", cloudID), oauthToken,
			withScopes("READ:JIRA-WORK", "https://api.atlassian.com/read")),
			want: []want{
				wantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[0]"),
				wantErr(finding.InvalidScope, "invalid_scope", "required_scopes[1]"),
			}},
	})
}
