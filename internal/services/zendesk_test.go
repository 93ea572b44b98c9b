package services

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestZendeskProfile(t *testing.T) {
	sub := func(v string) map[string]string { return set("subdomain", v) }
	apiToken := withToken("Zk4cQ2Vt0bQy9Xa1Ue7Lr3Hn5Wm8Pd6Js2Fg0Kp1")
	runProfileCases(t, zendesk(), []profileCase{
		{name: "valid API token", spec: newSpec("zendesk", sub("acme"), withUser("agent@acme.com"), apiToken)},
		{name: "valid API token with /token suffix", spec: newSpec("zendesk", sub("acme-support"), withUser("agent@acme.com/token"), apiToken)},
		{name: "valid OAuth client", spec: newSpec("zendesk", sub("acme"),
			withClient("handshake_connector", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"), withScopes("read", "tickets:read", "users:write"),
			withRedirects("https://app.example.com/zendesk/callback"))},
		{name: "loopback base_url", spec: newSpec("zendesk", set("subdomain", "acme", "base_url", "http://127.0.0.1:9000"),
			withUser("agent@acme.com"), apiToken)},
		{name: "subdomain with domain", spec: newSpec("zendesk", sub("acme.zendesk.com"), withUser("agent@acme.com"), apiToken),
			want: []want{wantErr(finding.InvalidConfiguration, "ZENDESK-SUBDOMAIN", "zendesk.subdomain")}},
		{name: "subdomain as URL", spec: newSpec("zendesk", sub("https://acme.zendesk.com/agent"), withUser("agent@acme.com"), apiToken),
			want: []want{wantErr(finding.InvalidConfiguration, "ZENDESK-SUBDOMAIN", "zendesk.subdomain")}},
		{name: "custom domain", spec: newSpec("zendesk", sub("support.acme.com"), withUser("agent@acme.com"), apiToken),
			want: []want{wantErr(finding.InvalidConfiguration, "ZENDESK-SUBDOMAIN", "zendesk.subdomain")}},
		{name: "blank subdomain", spec: newSpec("zendesk", sub(" "), withUser("agent@acme.com"), apiToken),
			want: []want{wantErr(finding.InvalidConfiguration, "ZENDESK-SUBDOMAIN", "zendesk.subdomain")}},
		{name: "user name instead of e-mail", spec: newSpec("zendesk", sub("acme"), withUser("jane.doe"), apiToken),
			want: []want{wantErr(finding.InvalidConfiguration, "ZENDESK-API-TOKEN", "auth.username")}},
		{name: "e-mail without token", spec: newSpec("zendesk", sub("acme"), withUser("agent@acme.com")),
			want: []want{wantErr(finding.InvalidConfiguration, "ZENDESK-API-TOKEN", "auth.token")}},
		{name: "token without e-mail", spec: newSpec("zendesk", sub("acme"), apiToken),
			want: []want{wantWarn(finding.InvalidConfiguration, "ZENDESK-API-TOKEN", "auth.username")}},
		{name: "password is not used", spec: newSpec("zendesk", sub("acme"), withUser("agent@acme.com"), apiToken, withPassword("hunter2hunter2")),
			want: []want{wantWarn(finding.InvalidConfiguration, "", "auth.password_wo")}},
		{name: "scope problems", spec: newSpec("zendesk", sub("acme"), withScopes("tickets:delete", "https://acme.zendesk.com/read")),
			want: []want{
				wantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[0]"),
				wantErr(finding.InvalidScope, "invalid_scope", "required_scopes[1]"),
			}},
	})
}
