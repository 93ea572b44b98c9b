package services

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestSlackProfile(t *testing.T) {
	const bot = "xoxb-1111111111-2222222222222-AbCdEfGhIjKlMnOpQrStUvWx"
	tok := "auth.token_wo"
	runProfileCases(t, slack(), []profileCase{
		{name: "valid bot connector", spec: newSpec("slack", set("team_id", "T0123ABCD"),
			withToken(bot), withClient("1234567890.0987654321", "s3cr3t-signing-not"),
			withScopes("channels:read", "users:read.email", "chat:write", "admin.conversations:read", "incoming-webhook"),
			withRedirects("https://hooks.example.com/slack/oauth"))},
		{name: "loopback base_url for tests", spec: newSpec("slack", set("base_url", "http://127.0.0.1:8080/api"), withToken(bot))},
		{name: "plain http base_url", spec: newSpec("slack", set("base_url", "http://slack.example.com/api"), withToken(bot)),
			want: []want{wantErr(finding.InvalidConfiguration, "ENDPOINT-TLS", "slack.base_url")}},
		{name: "team name instead of id", spec: newSpec("slack", set("team_id", "acme-corp")),
			want: []want{wantErr(finding.InvalidConfiguration, "SLACK-TEAM-ID", "slack.team_id")}},
		{name: "enterprise id as team id", spec: newSpec("slack", set("team_id", "E0123ABCD")),
			want: []want{wantWarn(finding.InvalidConfiguration, "SLACK-TEAM-ID", "slack.team_id")}},
		{name: "app id as client id", spec: newSpec("slack", nil, withClient("A0123ABCDEF", "x")),
			want: []want{wantErr(finding.InvalidConfiguration, "SLACK-CLIENT-ID", "auth.client_id")}},
		{name: "client id with a newline", spec: newSpec("slack", nil, withClient("1234567890.0987654321\n", "x")),
			want: []want{wantErr(finding.InvalidConfiguration, "CLIENT-ID-WHITESPACE", "auth.client_id")}},
		{name: "odd client id", spec: newSpec("slack", nil, withClient("my-app", "x")),
			want: []want{wantWarn(finding.InvalidConfiguration, "SLACK-CLIENT-ID", "auth.client_id")}},
		{name: "user token", spec: newSpec("slack", nil, withToken("xoxp-1111-2222-3333-abcdef"))},
		{name: "refresh token required from a non-rotating token", spec: newSpec("slack", nil, withToken(bot), withRefresh()),
			want: []want{wantErr(finding.RefreshTokenMissing, "SLACK-NO-ROTATION", "require_refresh_token")}},
		{name: "app-level token", spec: newSpec("slack", nil, withToken("xapp-1-A0123-4567-abcdef")),
			want: []want{wantWarn(finding.InvalidConfiguration, "not_allowed_token_type", tok)}},
		{name: "rotating token without refresh", spec: newSpec("slack", nil, withToken("xoxe.xoxb-1-MS0yLTEyMzQ1")),
			want: []want{wantWarn(finding.RefreshTokenMissing, "token_expired", tok)}},
		{name: "rotating user token with require_refresh_token", spec: newSpec("slack", nil,
			withToken("xoxe.xoxp-1-MS0yLTEyMzQ1"), withRefresh())},
		{name: "refresh token without app credentials", spec: newSpec("slack", nil, withToken("xoxe-1-My0xLTEyMzQ1Njc4")),
			want: []want{wantErr(finding.InvalidConfiguration, "SLACK-REFRESH-TOKEN", tok)}},
		{name: "refresh token with app credentials", spec: newSpec("slack", nil, withToken("xoxe-1-My0xLTEyMzQ1Njc4"),
			withClient("1234567890.0987654321", "abcdef0123456789"), withRefresh())},
		{name: "not a slack token", spec: newSpec("slack", nil, withToken("ghp_abcdefghijklmnopqrstuvwxyz0123456789")),
			want: []want{wantErr(finding.InvalidCredentials, "invalid_auth", tok)}},
		{name: "browser session token", spec: newSpec("slack", nil, withToken("xoxc-1234-5678-abcdef")),
			want: []want{wantErr(finding.InvalidCredentials, "invalid_auth", tok)}},
		{name: "legacy token", spec: newSpec("slack", nil, withToken("xoxs-1234-5678-abcdef")),
			want: []want{wantWarn(finding.InvalidCredentials, "invalid_auth", tok)}},
		{name: "bearer prefix reported once", spec: newSpec("slack", nil, withToken("Bearer "+bot)),
			want: []want{wantErr(finding.InvalidConfiguration, "SECRET-SCHEME-PREFIX", tok)}},
		{name: "unknown token is not checked", spec: newSpec("slack", nil, withToken(""), withUnknown("auth.token_wo"))},
		{name: "scope problems", spec: newSpec("slack", nil,
			withScopes("https://www.googleapis.com/auth/admin.directory.user.readonly", "offline_access", "Channels:Read", "channels:read users:read", "chat:write")),
			want: []want{
				wantErr(finding.InvalidScope, "invalid_scope", "required_scopes[0]"),
				wantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[1]"),
				wantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[2]"),
				wantErr(finding.InvalidScope, "RFC6749-3.3", "required_scopes[3]"),
			}},
		{name: "unknown scopes are not checked", spec: newSpec("slack", nil, withScopes("x y"), withUnknown("required_scopes"))},
		{name: "http redirects", spec: newSpec("slack", nil,
			withRedirects("http://127.0.0.1:3000/cb", "http://localhost:3000/cb", "http://app.example.com/cb", "https://app.example.com/cb")),
			want: []want{
				wantErr(finding.RedirectURIInvalid, "bad_redirect_uri", "redirect_uris[0]"),
				wantErr(finding.RedirectURIInvalid, "bad_redirect_uri", "redirect_uris[1]"),
				wantWarn(finding.RedirectURIInvalid, "RFC8252-8.3", "redirect_uris[1]"),
				wantErr(finding.RedirectURIInvalid, "RFC9700-2.6", "redirect_uris[2]"),
			}},
	})
}
