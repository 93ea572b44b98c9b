package slack

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func TestSlackProfile(t *testing.T) {
	const bot = "xoxb-1111111111-2222222222222-AbCdEfGhIjKlMnOpQrStUvWx"
	tok := "auth.token_wo"
	servicetest.RunProfileCases(t, profile(), []servicetest.ProfileCase{
		{Name: "valid bot connector", Spec: servicetest.NewSpec("slack", servicetest.Set("team_id", "T0123ABCD"),
			servicetest.WithToken(bot), servicetest.WithClient("1234567890.0987654321", "s3cr3t-signing-not"),
			servicetest.WithScopes("channels:read", "users:read.email", "chat:write", "admin.conversations:read", "incoming-webhook"),
			servicetest.WithRedirects("https://hooks.example.com/slack/oauth"))},
		{Name: "loopback base_url for tests", Spec: servicetest.NewSpec("slack", servicetest.Set("base_url", "http://127.0.0.1:8080/api"), servicetest.WithToken(bot))},
		{Name: "plain http base_url", Spec: servicetest.NewSpec("slack", servicetest.Set("base_url", "http://slack.example.com/api"), servicetest.WithToken(bot)),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ENDPOINT-TLS", "slack.base_url")}},
		{Name: "team name instead of id", Spec: servicetest.NewSpec("slack", servicetest.Set("team_id", "acme-corp")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SLACK-TEAM-ID", "slack.team_id")}},
		{Name: "enterprise id as team id", Spec: servicetest.NewSpec("slack", servicetest.Set("team_id", "E0123ABCD")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "SLACK-TEAM-ID", "slack.team_id")}},
		{Name: "app id as client id", Spec: servicetest.NewSpec("slack", nil, servicetest.WithClient("A0123ABCDEF", "x")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SLACK-CLIENT-ID", "auth.client_id")}},
		{Name: "client id with a newline", Spec: servicetest.NewSpec("slack", nil, servicetest.WithClient("1234567890.0987654321\n", "x")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "CLIENT-ID-WHITESPACE", "auth.client_id")}},
		{Name: "odd client id", Spec: servicetest.NewSpec("slack", nil, servicetest.WithClient("my-app", "x")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "SLACK-CLIENT-ID", "auth.client_id")}},
		{Name: "user token", Spec: servicetest.NewSpec("slack", nil, servicetest.WithToken("xoxp-1111-2222-3333-abcdef"))},
		{Name: "refresh token required from a non-rotating token", Spec: servicetest.NewSpec("slack", nil, servicetest.WithToken(bot), servicetest.WithRefresh()),
			Want: []servicetest.Want{servicetest.WantErr(finding.RefreshTokenMissing, "SLACK-NO-ROTATION", "require_refresh_token")}},
		{Name: "app-level token", Spec: servicetest.NewSpec("slack", nil, servicetest.WithToken("xapp-1-A0123-4567-abcdef")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "not_allowed_token_type", tok)}},
		{Name: "rotating token without refresh", Spec: servicetest.NewSpec("slack", nil, servicetest.WithToken("xoxe.xoxb-1-MS0yLTEyMzQ1")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.RefreshTokenMissing, "token_expired", tok)}},
		{Name: "rotating user token with require_refresh_token", Spec: servicetest.NewSpec("slack", nil,
			servicetest.WithToken("xoxe.xoxp-1-MS0yLTEyMzQ1"), servicetest.WithRefresh())},
		{Name: "refresh token without app credentials", Spec: servicetest.NewSpec("slack", nil, servicetest.WithToken("xoxe-1-My0xLTEyMzQ1Njc4")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SLACK-REFRESH-TOKEN", tok)}},
		{Name: "refresh token with app credentials", Spec: servicetest.NewSpec("slack", nil, servicetest.WithToken("xoxe-1-My0xLTEyMzQ1Njc4"),
			servicetest.WithClient("1234567890.0987654321", "abcdef0123456789"), servicetest.WithRefresh())},
		{Name: "not a slack token", Spec: servicetest.NewSpec("slack", nil, servicetest.WithToken("ghp_abcdefghijklmnopqrstuvwxyz0123456789")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "invalid_auth", tok)}},
		{Name: "browser session token", Spec: servicetest.NewSpec("slack", nil, servicetest.WithToken("xoxc-1234-5678-abcdef")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "invalid_auth", tok)}},
		{Name: "legacy token", Spec: servicetest.NewSpec("slack", nil, servicetest.WithToken("xoxs-1234-5678-abcdef")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidCredentials, "invalid_auth", tok)}},
		{Name: "bearer prefix reported once", Spec: servicetest.NewSpec("slack", nil, servicetest.WithToken("Bearer "+bot)),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SECRET-SCHEME-PREFIX", tok)}},
		{Name: "unknown token is not checked", Spec: servicetest.NewSpec("slack", nil, servicetest.WithToken(""), servicetest.WithUnknown("auth.token_wo"))},
		{Name: "scope problems", Spec: servicetest.NewSpec("slack", nil,
			servicetest.WithScopes("https://www.googleapis.com/auth/admin.directory.user.readonly", "offline_access", "Channels:Read", "channels:read users:read", "chat:write")),
			Want: []servicetest.Want{
				servicetest.WantErr(finding.InvalidScope, "invalid_scope", "required_scopes[0]"),
				servicetest.WantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[1]"),
				servicetest.WantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[2]"),
				servicetest.WantErr(finding.InvalidScope, "RFC6749-3.3", "required_scopes[3]"),
			}},
		{Name: "unknown scopes are not checked", Spec: servicetest.NewSpec("slack", nil, servicetest.WithScopes("x y"), servicetest.WithUnknown("required_scopes"))},
		{Name: "http redirects", Spec: servicetest.NewSpec("slack", nil,
			servicetest.WithRedirects("http://127.0.0.1:3000/cb", "http://localhost:3000/cb", "http://app.example.com/cb", "https://app.example.com/cb")),
			Want: []servicetest.Want{
				servicetest.WantErr(finding.RedirectURIInvalid, "bad_redirect_uri", "redirect_uris[0]"),
				servicetest.WantErr(finding.RedirectURIInvalid, "bad_redirect_uri", "redirect_uris[1]"),
				servicetest.WantWarn(finding.RedirectURIInvalid, "RFC8252-8.3", "redirect_uris[1]"),
				servicetest.WantErr(finding.RedirectURIInvalid, "RFC9700-2.6", "redirect_uris[2]"),
			}},
	})
}
