package connector

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestCheckScopes(t *testing.T) {
	oidc := &Profile{ID: "oauth2", DisplayName: "OAuth 2.0", OfflineScope: "offline_access"}
	snowflake := &Profile{ID: "snowflake", DisplayName: "Snowflake", OfflineScope: "refresh_token"}
	noRefresh := &Profile{ID: "legacy", DisplayName: "Legacy", NoRefreshTokens: true}
	plain := &Profile{ID: "api_key", DisplayName: "API key"}
	const (
		inv = finding.InvalidScope
		rtm = finding.RefreshTokenMissing
	)

	tests := []struct {
		name    string
		p       *Profile
		scopes  []string
		refresh bool
		unknown map[string]bool
		want    []want
	}{
		{name: "valid scopes", p: oidc, scopes: []string{"openid", "profile", "https://graph.microsoft.com/.default", "okta.users.read"}},
		{name: "no scopes", p: oidc},
		{name: "empty scope", p: oidc, scopes: []string{"openid", ""},
			want: []want{{"required_scopes[1]", inv, sevErr, "RFC6749-3.3"}}},
		{name: "whitespace-only scope", p: oidc, scopes: []string{"  "},
			want: []want{{"required_scopes[0]", inv, sevErr, "RFC6749-3.3"}}},
		{name: "space-joined scopes", p: oidc, scopes: []string{"openid profile"},
			want: []want{{"required_scopes[0]", inv, sevErr, "RFC6749-3.3"}}},
		{name: "trailing newline", p: oidc, scopes: []string{"openid\n"},
			want: []want{{"required_scopes[0]", inv, sevErr, "RFC6749-3.3"}}},
		{name: "smart quote", p: oidc, scopes: []string{"“openid”"},
			want: []want{{"required_scopes[0]", inv, sevErr, "RFC6749-3.3"}}},
		{name: "comma list", p: oidc, scopes: []string{"channels:read,chat:write"},
			want: []want{{"required_scopes[0]", inv, sevWarn, "RFC6749-3.3"}}},
		{name: "duplicate", p: oidc, scopes: []string{"openid", "email", "openid"},
			want: []want{{"required_scopes[2]", inv, sevWarn, "RFC6749-3.3"}}},
		{name: "unknown scopes skip token rules", p: oidc, scopes: []string{""}, unknown: map[string]bool{"required_scopes": true}},

		{name: "refresh with offline_access", p: oidc, refresh: true, scopes: []string{"openid", "offline_access"}},
		{name: "refresh without offline_access", p: oidc, refresh: true, scopes: []string{"openid"},
			want: []want{{"require_refresh_token", rtm, sevErr, "OFFLINE-SCOPE"}}},
		{name: "refresh without any scopes", p: oidc, refresh: true,
			want: []want{{"require_refresh_token", rtm, sevErr, "OFFLINE-SCOPE"}}},
		{name: "snowflake refresh_token scope", p: snowflake, refresh: true, scopes: []string{"session:role:ANALYST"},
			want: []want{{"require_refresh_token", rtm, sevErr, "OFFLINE-SCOPE"}}},
		{name: "snowflake refresh_token scope present", p: snowflake, refresh: true, scopes: []string{"refresh_token", "session:role:ANALYST"}},
		{name: "refresh with unknown scopes", p: oidc, refresh: true, unknown: map[string]bool{"required_scopes": true}},
		{name: "service without refresh tokens", p: noRefresh, refresh: true,
			want: []want{{"require_refresh_token", rtm, sevErr, "NO-REFRESH-TOKENS"}}},
		{name: "service without refresh tokens, not required", p: noRefresh},
		{name: "service without offline scope", p: plain, refresh: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Spec{Service: tt.p.ID, RequiredScopes: tt.scopes, RequireRefreshToken: tt.refresh, Unknown: tt.unknown}
			assertFindings(t, CheckScopes(s, tt.p), tt.want...)
		})
	}
}
