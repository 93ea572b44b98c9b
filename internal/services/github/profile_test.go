package github

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func TestGitHubProfile(t *testing.T) {
	const (
		conf = finding.InvalidConfiguration
		pat  = "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcd"
		tok  = "auth.token_wo"
	)
	app := func(kv ...string) map[string]string {
		return servicetest.Set(append([]string{"app_id", "123456", "installation_id", "45678901", "organization", "octo-org"}, kv...)...)
	}
	servicetest.RunProfileCases(t, profile(), []servicetest.ProfileCase{
		{Name: "valid GitHub App", Spec: servicetest.NewSpec("github", app(), servicetest.WithKey(servicetest.TestRSA2048()), servicetest.WithList("repositories", "octo-repo", "octo-org/docs"))},
		{Name: "valid GitHub App found by organization", Spec: servicetest.NewSpec("github", servicetest.Set("app_id", "123456", "organization", "octo-org"), servicetest.WithKey(servicetest.TestRSA2048()))},
		{Name: "valid fine-grained PAT", Spec: servicetest.NewSpec("github", servicetest.Set("organization", "octo-org"), servicetest.WithToken(pat))},
		{Name: "valid classic PAT on GHES", Spec: servicetest.NewSpec("github", servicetest.Set("base_url", "https://github.acme.internal/api/v3"), servicetest.WithToken("ghp_16C7e42F292c6912E7710c838347Ae178B4a"))},
		{Name: "valid OAuth app", Spec: servicetest.NewSpec("github", servicetest.Set("app_type", "oauth_app"), servicetest.WithClient("Ov23liAbCdEfGhIjKlMn", "0123456789abcdef0123456789abcdef01234567"))},
		{Name: "valid data residency host", Spec: servicetest.NewSpec("github", servicetest.Set("base_url", "https://api.octocorp.ghe.com"), servicetest.WithToken(pat))},

		{Name: "client id as app id (recommended since 2024)", Spec: servicetest.NewSpec("github", app("app_id", "Iv23liAbCdEfGhIjKlMn"), servicetest.WithKey(servicetest.TestRSA2048()))},
		{Name: "OAuth app client id as app id", Spec: servicetest.NewSpec("github", app("app_id", "Ov23liAbCdEfGhIjKlMn"), servicetest.WithKey(servicetest.TestRSA2048())),
			Want: []servicetest.Want{servicetest.WantErr(conf, "GITHUB-APP-ID", "github.app_id")}},
		{Name: "app name as app id", Spec: servicetest.NewSpec("github", app("app_id", "octo-sync-bot"), servicetest.WithKey(servicetest.TestRSA2048())),
			Want: []servicetest.Want{servicetest.WantErr(conf, "GITHUB-APP-ID", "github.app_id")}},
		{Name: "installation URL as id", Spec: servicetest.NewSpec("github", app("installation_id", "https://github.com/organizations/octo-org/settings/installations/45678901"), servicetest.WithKey(servicetest.TestRSA2048())),
			Want: []servicetest.Want{servicetest.WantErr(conf, "GITHUB-INSTALLATION-ID", "github.installation_id")}},
		{Name: "zero installation id", Spec: servicetest.NewSpec("github", app("installation_id", "0"), servicetest.WithKey(servicetest.TestRSA2048())),
			Want: []servicetest.Want{servicetest.WantErr(conf, "GITHUB-INSTALLATION-ID", "github.installation_id")}},
		{Name: "app without key", Spec: servicetest.NewSpec("github", app()),
			Want: []servicetest.Want{servicetest.WantErr(conf, "PRIVATE-KEY-MISSING", "auth.private_key")}},
		{Name: "app with EC key", Spec: servicetest.NewSpec("github", app(), servicetest.WithKey(servicetest.TestECKey())),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "GITHUB-APP-KEY", "auth.private_key_wo")}},
		{Name: "app with damaged key", Spec: servicetest.NewSpec("github", app(), servicetest.WithKey("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "PEM", "auth.private_key_wo")}},
		{Name: "key without app id", Spec: servicetest.NewSpec("github", servicetest.Set("installation_id", "45678901"), servicetest.WithKey(servicetest.TestRSA2048())),
			Want: []servicetest.Want{servicetest.WantErr(conf, "", "github.app_id")}},
		{Name: "app without installation or organization", Spec: servicetest.NewSpec("github", servicetest.Set("app_id", "123456"), servicetest.WithKey(servicetest.TestRSA2048())),
			Want: []servicetest.Want{servicetest.WantWarn(conf, "GITHUB-INSTALLATION", "github.installation_id")}},

		{Name: "organization URL", Spec: servicetest.NewSpec("github", servicetest.Set("organization", "https://github.com/octo-org"), servicetest.WithToken(pat)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "GITHUB-ORGANIZATION", "github.organization")}},
		{Name: "organization with a space", Spec: servicetest.NewSpec("github", servicetest.Set("organization", "octo org"), servicetest.WithToken(pat)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "GITHUB-ORGANIZATION", "github.organization")}},
		{Name: "repository URL", Spec: servicetest.NewSpec("github", servicetest.Set("organization", "octo-org"), servicetest.WithToken(pat), servicetest.WithList("repositories", "ok-repo", "https://github.com/octo-org/octo-repo.git")),
			Want: []servicetest.Want{servicetest.WantErr(conf, "GITHUB-REPOSITORY", "github.repositories[1]")}},
		{Name: "web host as base_url", Spec: servicetest.NewSpec("github", servicetest.Set("base_url", "https://github.com"), servicetest.WithToken(pat)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "GITHUB-BASE-URL", "github.base_url")}},
		{Name: "GHES without /api/v3", Spec: servicetest.NewSpec("github", servicetest.Set("base_url", "https://github.acme.internal"), servicetest.WithToken(pat)),
			Want: []servicetest.Want{servicetest.WantWarn(conf, "GITHUB-BASE-URL", "github.base_url")}},

		{Name: "installation token expires in an hour", Spec: servicetest.NewSpec("github", nil, servicetest.WithToken("ghs_16C7e42F292c6912E7710c838347Ae178B4a")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.ExpiringCredentials, "GITHUB-TOKEN-GHS", tok)}},
		{Name: "user-to-server token expires in eight hours", Spec: servicetest.NewSpec("github", nil, servicetest.WithToken("ghu_16C7e42F292c6912E7710c838347Ae178B4a")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.ExpiringCredentials, "GITHUB-TOKEN-GHU", tok)}},
		{Name: "refresh token as token", Spec: servicetest.NewSpec("github", nil, servicetest.WithToken("ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "GITHUB-TOKEN-GHR", tok)}},
		{Name: "legacy 40-hex token", Spec: servicetest.NewSpec("github", nil, servicetest.WithToken("0123456789abcdef0123456789abcdef01234567")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidCredentials, "GITHUB-TOKEN-LEGACY", tok)}},
		{Name: "not a GitHub token", Spec: servicetest.NewSpec("github", nil, servicetest.WithToken("xoxb-1111111111-2222222222222-AbCdEfGhIjKl")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidCredentials, "GITHUB-TOKEN-FORMAT", tok)}},
		{Name: "token scheme typed into the value", Spec: servicetest.NewSpec("github", nil, servicetest.WithToken("token "+pat)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "SECRET-SCHEME-PREFIX", tok)}},
		{Name: "token type without token", Spec: servicetest.NewSpec("github", servicetest.Set("app_type", "token")),
			Want: []servicetest.Want{servicetest.WantErr(conf, "GITHUB-TOKEN", "auth.token")}},
		{Name: "OAuth app without secret", Spec: servicetest.NewSpec("github", nil, servicetest.WithClient("Ov23liAbCdEfGhIjKlMn", "")),
			Want: []servicetest.Want{servicetest.WantErr(conf, "GITHUB-OAUTH-APP", "auth.client_secret")}},

		{Name: "refresh token from an OAuth app", Spec: servicetest.NewSpec("github", servicetest.Set("app_type", "oauth_app"), servicetest.WithClient("Ov23liAbCdEfGhIjKlMn", "0123456789abcdef0123456789abcdef01234567"), servicetest.WithRefresh()),
			Want: []servicetest.Want{servicetest.WantErr(finding.RefreshTokenMissing, "GITHUB-NO-REFRESH-TOKEN", "require_refresh_token")}},
		{Name: "refresh token from a PAT", Spec: servicetest.NewSpec("github", nil, servicetest.WithToken(pat), servicetest.WithRefresh()),
			Want: []servicetest.Want{servicetest.WantErr(finding.RefreshTokenMissing, "GITHUB-NO-REFRESH-TOKEN", "require_refresh_token")}},
		{Name: "GitHub App may require refresh tokens", Spec: servicetest.NewSpec("github", app(), servicetest.WithKey(servicetest.TestRSA2048()), servicetest.WithRefresh())},
		{Name: "unknown app type skips credential rules", Spec: servicetest.NewSpec("github", nil, servicetest.WithUnknown("github.app_type"), servicetest.WithRefresh())},
	})
}
