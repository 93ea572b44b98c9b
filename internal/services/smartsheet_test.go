package services

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestSmartsheetProfile(t *testing.T) {
	tok := withToken("ll352u9jujauoqz4gstvsae05")
	runProfileCases(t, smartsheet(), []profileCase{
		{name: "valid API token", spec: newSpec("smartsheet", nil, tok)},
		{name: "valid EU OAuth app", spec: newSpec("smartsheet", set("base_url", "https://api.smartsheet.eu/2.0"),
			withClient("1samp48lel5for4yl", "1f2e3d4c5b6a7980"), tok, withScopes("READ_SHEETS", "ADMIN_USERS"),
			withRedirects("https://app.example.com/smartsheet/callback"))},
		{name: "loopback base_url", spec: newSpec("smartsheet", set("base_url", "http://127.0.0.1:8282/2.0"), tok)},
		{name: "web app host", spec: newSpec("smartsheet", set("base_url", "https://app.smartsheet.com/sheets"), tok),
			want: []want{wantErr(finding.InvalidConfiguration, "SMARTSHEET-BASE-URL", "smartsheet.base_url")}},
		{name: "API host without version", spec: newSpec("smartsheet", set("base_url", "https://api.smartsheetgov.com"), tok),
			want: []want{wantWarn(finding.InvalidConfiguration, "SMARTSHEET-BASE-URL", "smartsheet.base_url")}},
		{name: "plain http", spec: newSpec("smartsheet", set("base_url", "http://api.smartsheet.com/2.0"), tok),
			want: []want{wantErr(finding.InvalidConfiguration, "ENDPOINT-TLS", "smartsheet.base_url")}},
		{name: "scope problems", spec: newSpec("smartsheet", nil, tok,
			withScopes("read_sheets", "READ_EVERYTHING", "https://api.smartsheet.com/READ_SHEETS", "admin:users")),
			want: []want{
				wantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[0]"),
				wantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[1]"),
				wantErr(finding.InvalidScope, "invalid_scope", "required_scopes[2]"),
				wantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[3]"),
			}},
		{name: "username is not used", spec: newSpec("smartsheet", nil, tok, withUser("ops@acme.com")),
			want: []want{wantWarn(finding.InvalidConfiguration, "", "auth.username")}},
	})
}
