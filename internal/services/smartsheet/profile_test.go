package smartsheet

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func TestSmartsheetProfile(t *testing.T) {
	tok := servicetest.WithToken("ll352u9jujauoqz4gstvsae05")
	servicetest.RunProfileCases(t, profile(), []servicetest.ProfileCase{
		{Name: "valid API token", Spec: servicetest.NewSpec("smartsheet", nil, tok)},
		{Name: "valid EU OAuth app", Spec: servicetest.NewSpec("smartsheet", servicetest.Set("base_url", "https://api.smartsheet.eu/2.0"),
			servicetest.WithClient("1samp48lel5for4yl", "1f2e3d4c5b6a7980"), tok, servicetest.WithScopes("READ_SHEETS", "ADMIN_USERS"),
			servicetest.WithRedirects("https://app.example.com/smartsheet/callback"))},
		{Name: "loopback base_url", Spec: servicetest.NewSpec("smartsheet", servicetest.Set("base_url", "http://127.0.0.1:8282/2.0"), tok)},
		{Name: "web app host", Spec: servicetest.NewSpec("smartsheet", servicetest.Set("base_url", "https://app.smartsheet.com/sheets"), tok),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SMARTSHEET-BASE-URL", "smartsheet.base_url")}},
		{Name: "API host without version", Spec: servicetest.NewSpec("smartsheet", servicetest.Set("base_url", "https://api.smartsheetgov.com"), tok),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "SMARTSHEET-BASE-URL", "smartsheet.base_url")}},
		{Name: "plain http", Spec: servicetest.NewSpec("smartsheet", servicetest.Set("base_url", "http://api.smartsheet.com/2.0"), tok),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ENDPOINT-TLS", "smartsheet.base_url")}},
		{Name: "scope problems", Spec: servicetest.NewSpec("smartsheet", nil, tok,
			servicetest.WithScopes("read_sheets", "READ_EVERYTHING", "https://api.smartsheet.com/READ_SHEETS", "admin:users")),
			Want: []servicetest.Want{
				servicetest.WantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[0]"),
				servicetest.WantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[1]"),
				servicetest.WantErr(finding.InvalidScope, "invalid_scope", "required_scopes[2]"),
				servicetest.WantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[3]"),
			}},
		{Name: "username is not used", Spec: servicetest.NewSpec("smartsheet", nil, tok, servicetest.WithUser("ops@acme.com")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "", "auth.username")}},
	})
}
