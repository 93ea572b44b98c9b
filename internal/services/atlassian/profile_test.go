package atlassian

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func TestAtlassianProfile(t *testing.T) {
	const cloudID = "1324a887-45db-1bf4-1e99-ef0ff456d421"
	apiToken := servicetest.WithToken("ATATT3xFfGF0T3stT0kenValue0123456789abcdefABCDEF=0A1B2C3D")
	oauthToken := servicetest.WithToken("eyJraWQiOiJleGFtcGxlIiwiYWxnIjoiUlMyNTYifQ.eyJzdWIiOiJ4In0.c2ln")
	servicetest.RunProfileCases(t, profile(), []servicetest.ProfileCase{
		{Name: "valid API token", Spec: servicetest.NewSpec("atlassian", servicetest.Set("site", "acme.atlassian.net"), servicetest.WithUser("ops@acme.com"), apiToken)},
		{Name: "valid OAuth 2.0 app", Spec: servicetest.NewSpec("atlassian", servicetest.Set("site", "acme.atlassian.net", "cloud_id", cloudID),
			servicetest.WithClient("Xy7AbCdEfGhIjKlMnOpQrStUvWxYz012", "ATOAsecretvalue0123456789"), oauthToken,
			servicetest.WithScopes("read:jira-work", "read:jira-user", "read:issue:jira", "offline_access"), servicetest.WithRefresh(),
			servicetest.WithRedirects("https://app.example.com/atlassian/callback"))},
		{Name: "loopback base_url", Spec: servicetest.NewSpec("atlassian", servicetest.Set("base_url", "http://127.0.0.1:8181"), servicetest.WithUser("ops@acme.com"), apiToken)},
		{Name: "site as URL", Spec: servicetest.NewSpec("atlassian", servicetest.Set("site", "https://acme.atlassian.net/jira/your-work"), servicetest.WithUser("ops@acme.com"), apiToken),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ATLASSIAN-SITE", "atlassian.site")}},
		{Name: "site name only", Spec: servicetest.NewSpec("atlassian", servicetest.Set("site", "acme"), servicetest.WithUser("ops@acme.com"), apiToken),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ATLASSIAN-SITE", "atlassian.site")}},
		{Name: "non-atlassian host", Spec: servicetest.NewSpec("atlassian", servicetest.Set("site", "jira.acme.com"), servicetest.WithUser("ops@acme.com"), apiToken),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "ATLASSIAN-SITE", "atlassian.site")}},
		{Name: "no site at all", Spec: servicetest.NewSpec("atlassian", nil, servicetest.WithUser("ops@acme.com"), apiToken),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ATLASSIAN-SITE", "atlassian")}},
		{Name: "no block at all", Spec: servicetest.NewSpec("atlassian", nil, servicetest.WithoutBlock(), servicetest.WithUser("ops@acme.com"), apiToken),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ATLASSIAN-SITE", "service")}},
		{Name: "bad cloud id", Spec: servicetest.NewSpec("atlassian", servicetest.Set("cloud_id", "acme"), oauthToken),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ATLASSIAN-CLOUD-ID", "atlassian.cloud_id")}},
		{Name: "account id as username", Spec: servicetest.NewSpec("atlassian", servicetest.Set("site", "acme.atlassian.net"),
			servicetest.WithUser("5b10ac8d82e05b22cc7d4ef5"), apiToken),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ATLASSIAN-API-TOKEN", "auth.username")}},
		{Name: "e-mail without token", Spec: servicetest.NewSpec("atlassian", servicetest.Set("site", "acme.atlassian.net"), servicetest.WithUser("ops@acme.com")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ATLASSIAN-API-TOKEN", "auth.token")}},
		{Name: "API token without e-mail", Spec: servicetest.NewSpec("atlassian", servicetest.Set("site", "acme.atlassian.net"), apiToken),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ATLASSIAN-API-TOKEN", "auth.username")}},
		{Name: "bearer token without cloud id", Spec: servicetest.NewSpec("atlassian", servicetest.Set("site", "acme.atlassian.net"), oauthToken),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "ATLASSIAN-CLOUD-ID", "atlassian.cloud_id")}},
		{Name: "refresh without offline_access", Spec: servicetest.NewSpec("atlassian", servicetest.Set("cloud_id", cloudID), oauthToken,
			servicetest.WithScopes("read:jira-work"), servicetest.WithRefresh()),
			Want: []servicetest.Want{servicetest.WantErr(finding.RefreshTokenMissing, "OFFLINE-SCOPE", "require_refresh_token")}},
		{Name: "organization admin API key", Spec: servicetest.NewSpec("atlassian", servicetest.Set("org_id", "9a1jj823-jac8-123d-jj01-63315k059cb2"),
			servicetest.WithToken("ATCTT3xFfGN0adminApiKeyValue0123456789"))},
		{Name: "org id as URL", Spec: servicetest.NewSpec("atlassian", servicetest.Set("org_id", "https://admin.atlassian.com/o/9a1jj823/overview"),
			servicetest.WithToken("ATCTT3xFfGN0adminApiKeyValue0123456789")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ATLASSIAN-ORG-ID", "atlassian.org_id")}},
		{Name: "org id with a space", Spec: servicetest.NewSpec("atlassian", servicetest.Set("org_id", "9a1jj823 jac8"),
			servicetest.WithToken("ATCTT3xFfGN0adminApiKeyValue0123456789")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ATLASSIAN-ORG-ID", "atlassian.org_id")}},
		{Name: "scope problems", Spec: servicetest.NewSpec("atlassian", servicetest.Set("cloud_id", cloudID), oauthToken,
			servicetest.WithScopes("READ:JIRA-WORK", "https://api.atlassian.com/read")),
			Want: []servicetest.Want{
				servicetest.WantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[0]"),
				servicetest.WantErr(finding.InvalidScope, "invalid_scope", "required_scopes[1]"),
			}},
	})
}
