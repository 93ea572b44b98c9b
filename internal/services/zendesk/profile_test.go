package zendesk

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func TestZendeskProfile(t *testing.T) {
	sub := func(v string) map[string]string { return servicetest.Set("subdomain", v) }
	apiToken := servicetest.WithToken("Zk4cQ2Vt0bQy9Xa1Ue7Lr3Hn5Wm8Pd6Js2Fg0Kp1")
	servicetest.RunProfileCases(t, profile(), []servicetest.ProfileCase{
		{Name: "valid API token", Spec: servicetest.NewSpec("zendesk", sub("acme"), servicetest.WithUser("agent@acme.com"), apiToken)},
		{Name: "valid API token with /token suffix", Spec: servicetest.NewSpec("zendesk", sub("acme-support"), servicetest.WithUser("agent@acme.com/token"), apiToken)},
		{Name: "valid OAuth client", Spec: servicetest.NewSpec("zendesk", sub("acme"),
			servicetest.WithClient("handshake_connector", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"), servicetest.WithScopes("read", "tickets:read", "users:write"),
			servicetest.WithRedirects("https://app.example.com/zendesk/callback"))},
		{Name: "loopback base_url", Spec: servicetest.NewSpec("zendesk", servicetest.Set("subdomain", "acme", "base_url", "http://127.0.0.1:9000"),
			servicetest.WithUser("agent@acme.com"), apiToken)},
		{Name: "subdomain with domain", Spec: servicetest.NewSpec("zendesk", sub("acme.zendesk.com"), servicetest.WithUser("agent@acme.com"), apiToken),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ZENDESK-SUBDOMAIN", "zendesk.subdomain")}},
		{Name: "subdomain as URL", Spec: servicetest.NewSpec("zendesk", sub("https://acme.zendesk.com/agent"), servicetest.WithUser("agent@acme.com"), apiToken),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ZENDESK-SUBDOMAIN", "zendesk.subdomain")}},
		{Name: "custom domain", Spec: servicetest.NewSpec("zendesk", sub("support.acme.com"), servicetest.WithUser("agent@acme.com"), apiToken),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ZENDESK-SUBDOMAIN", "zendesk.subdomain")}},
		{Name: "blank subdomain", Spec: servicetest.NewSpec("zendesk", sub(" "), servicetest.WithUser("agent@acme.com"), apiToken),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ZENDESK-SUBDOMAIN", "zendesk.subdomain")}},
		{Name: "user name instead of e-mail", Spec: servicetest.NewSpec("zendesk", sub("acme"), servicetest.WithUser("jane.doe"), apiToken),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ZENDESK-API-TOKEN", "auth.username")}},
		{Name: "e-mail without token", Spec: servicetest.NewSpec("zendesk", sub("acme"), servicetest.WithUser("agent@acme.com")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ZENDESK-API-TOKEN", "auth.token")}},
		{Name: "token without e-mail", Spec: servicetest.NewSpec("zendesk", sub("acme"), apiToken),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "ZENDESK-API-TOKEN", "auth.username")}},
		{Name: "password is not used", Spec: servicetest.NewSpec("zendesk", sub("acme"), servicetest.WithUser("agent@acme.com"), apiToken, servicetest.WithPassword("hunter2hunter2")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "", "auth.password_wo")}},
		{Name: "scope problems", Spec: servicetest.NewSpec("zendesk", sub("acme"), servicetest.WithScopes("tickets:delete", "https://acme.zendesk.com/read")),
			Want: []servicetest.Want{
				servicetest.WantErr(finding.InvalidConfiguration, "ZENDESK-CREDENTIAL", "auth.token"),
				servicetest.WantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[0]"),
				servicetest.WantErr(finding.InvalidScope, "invalid_scope", "required_scopes[1]"),
			}},
		{Name: "OAuth client with its refresh token", Spec: servicetest.NewSpec("zendesk", sub("acme"),
			servicetest.WithClient("handshake_connector", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"), servicetest.WithToken("rt-0f1e2d3c4b5a69788796a5b4c3d2e1f0"))},
		{Name: "audit logs", Spec: servicetest.NewSpec("zendesk", servicetest.Set("subdomain", "acme", "audit_logs", "true"), servicetest.WithUser("admin@acme.com"), apiToken)},
		{Name: "no credential", Spec: servicetest.NewSpec("zendesk", sub("acme"), servicetest.WithClient("handshake_connector", "")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ZENDESK-CREDENTIAL", "auth.token")}},
	})
}
