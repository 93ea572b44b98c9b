package services

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestGitHubProfile(t *testing.T) {
	const (
		conf = finding.InvalidConfiguration
		pat  = "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcd"
		tok  = "auth.token_wo"
	)
	app := func(kv ...string) map[string]string {
		return set(append([]string{"app_id", "123456", "installation_id", "45678901", "organization", "octo-org"}, kv...)...)
	}
	runCatalogCases(t, []profileCase{
		{name: "valid GitHub App", spec: newSpec("github", app(), withKey(testRSA2048()), withList("repositories", "octo-repo", "octo-org/docs"))},
		{name: "valid GitHub App found by organization", spec: newSpec("github", set("app_id", "123456", "organization", "octo-org"), withKey(testRSA2048()))},
		{name: "valid fine-grained PAT", spec: newSpec("github", set("organization", "octo-org"), withToken(pat))},
		{name: "valid classic PAT on GHES", spec: newSpec("github", set("base_url", "https://github.acme.internal/api/v3"), withToken("ghp_16C7e42F292c6912E7710c838347Ae178B4a"))},
		{name: "valid OAuth app", spec: newSpec("github", set("app_type", "oauth_app"), withClient("Ov23liAbCdEfGhIjKlMn", "0123456789abcdef0123456789abcdef01234567"))},
		{name: "valid data residency host", spec: newSpec("github", set("base_url", "https://api.octocorp.ghe.com"), withToken(pat))},

		{name: "client id as app id (recommended since 2024)", spec: newSpec("github", app("app_id", "Iv23liAbCdEfGhIjKlMn"), withKey(testRSA2048()))},
		{name: "OAuth app client id as app id", spec: newSpec("github", app("app_id", "Ov23liAbCdEfGhIjKlMn"), withKey(testRSA2048())),
			want: []want{wantErr(conf, "GITHUB-APP-ID", "github.app_id")}},
		{name: "app name as app id", spec: newSpec("github", app("app_id", "octo-sync-bot"), withKey(testRSA2048())),
			want: []want{wantErr(conf, "GITHUB-APP-ID", "github.app_id")}},
		{name: "installation URL as id", spec: newSpec("github", app("installation_id", "https://github.com/organizations/octo-org/settings/installations/45678901"), withKey(testRSA2048())),
			want: []want{wantErr(conf, "GITHUB-INSTALLATION-ID", "github.installation_id")}},
		{name: "zero installation id", spec: newSpec("github", app("installation_id", "0"), withKey(testRSA2048())),
			want: []want{wantErr(conf, "GITHUB-INSTALLATION-ID", "github.installation_id")}},
		{name: "app without key", spec: newSpec("github", app()),
			want: []want{wantErr(conf, "PRIVATE-KEY-MISSING", "auth.private_key")}},
		{name: "app with EC key", spec: newSpec("github", app(), withKey(testECKey())),
			want: []want{wantErr(finding.InvalidCredentials, "GITHUB-APP-KEY", "auth.private_key_wo")}},
		{name: "app with damaged key", spec: newSpec("github", app(), withKey("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n")),
			want: []want{wantErr(finding.InvalidCredentials, "PEM", "auth.private_key_wo")}},
		{name: "key without app id", spec: newSpec("github", set("installation_id", "45678901"), withKey(testRSA2048())),
			want: []want{wantErr(conf, "", "github.app_id")}},
		{name: "app without installation or organization", spec: newSpec("github", set("app_id", "123456"), withKey(testRSA2048())),
			want: []want{wantWarn(conf, "GITHUB-INSTALLATION", "github.installation_id")}},

		{name: "organization URL", spec: newSpec("github", set("organization", "https://github.com/octo-org"), withToken(pat)),
			want: []want{wantErr(conf, "GITHUB-ORGANIZATION", "github.organization")}},
		{name: "organization with a space", spec: newSpec("github", set("organization", "octo org"), withToken(pat)),
			want: []want{wantErr(conf, "GITHUB-ORGANIZATION", "github.organization")}},
		{name: "repository URL", spec: newSpec("github", set("organization", "octo-org"), withToken(pat), withList("repositories", "ok-repo", "https://github.com/octo-org/octo-repo.git")),
			want: []want{wantErr(conf, "GITHUB-REPOSITORY", "github.repositories[1]")}},
		{name: "web host as base_url", spec: newSpec("github", set("base_url", "https://github.com"), withToken(pat)),
			want: []want{wantErr(conf, "GITHUB-BASE-URL", "github.base_url")}},
		{name: "GHES without /api/v3", spec: newSpec("github", set("base_url", "https://github.acme.internal"), withToken(pat)),
			want: []want{wantWarn(conf, "GITHUB-BASE-URL", "github.base_url")}},

		{name: "installation token expires in an hour", spec: newSpec("github", nil, withToken("ghs_16C7e42F292c6912E7710c838347Ae178B4a")),
			want: []want{wantWarn(finding.ExpiringCredentials, "GITHUB-TOKEN-GHS", tok)}},
		{name: "user-to-server token expires in eight hours", spec: newSpec("github", nil, withToken("ghu_16C7e42F292c6912E7710c838347Ae178B4a")),
			want: []want{wantWarn(finding.ExpiringCredentials, "GITHUB-TOKEN-GHU", tok)}},
		{name: "refresh token as token", spec: newSpec("github", nil, withToken("ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498")),
			want: []want{wantErr(finding.InvalidCredentials, "GITHUB-TOKEN-GHR", tok)}},
		{name: "legacy 40-hex token", spec: newSpec("github", nil, withToken("0123456789abcdef0123456789abcdef01234567")),
			want: []want{wantWarn(finding.InvalidCredentials, "GITHUB-TOKEN-LEGACY", tok)}},
		{name: "not a GitHub token", spec: newSpec("github", nil, withToken("xoxb-1111111111-2222222222222-AbCdEfGhIjKl")),
			want: []want{wantWarn(finding.InvalidCredentials, "GITHUB-TOKEN-FORMAT", tok)}},
		{name: "token scheme typed into the value", spec: newSpec("github", nil, withToken("token "+pat)),
			want: []want{wantErr(conf, "SECRET-SCHEME-PREFIX", tok)}},
		{name: "token type without token", spec: newSpec("github", set("app_type", "token")),
			want: []want{wantErr(conf, "GITHUB-TOKEN", "auth.token")}},
		{name: "OAuth app without secret", spec: newSpec("github", nil, withClient("Ov23liAbCdEfGhIjKlMn", "")),
			want: []want{wantErr(conf, "GITHUB-OAUTH-APP", "auth.client_secret")}},

		{name: "refresh token from an OAuth app", spec: newSpec("github", set("app_type", "oauth_app"), withClient("Ov23liAbCdEfGhIjKlMn", "0123456789abcdef0123456789abcdef01234567"), withRefresh()),
			want: []want{wantErr(finding.RefreshTokenMissing, "GITHUB-NO-REFRESH-TOKEN", "require_refresh_token")}},
		{name: "refresh token from a PAT", spec: newSpec("github", nil, withToken(pat), withRefresh()),
			want: []want{wantErr(finding.RefreshTokenMissing, "GITHUB-NO-REFRESH-TOKEN", "require_refresh_token")}},
		{name: "GitHub App may require refresh tokens", spec: newSpec("github", app(), withKey(testRSA2048()), withRefresh())},
		{name: "unknown app type skips credential rules", spec: newSpec("github", nil, withUnknown("github.app_type"), withRefresh())},
	})
}
