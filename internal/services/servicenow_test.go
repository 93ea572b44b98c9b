package services

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestServiceNowProfile(t *testing.T) {
	inst := func(v string) map[string]string { return set("instance", v) }
	basic := []specOpt{withUser("svc.handshake"), withPassword("correct-horse-battery-staple")}
	runProfileCases(t, servicenow(), []profileCase{
		{name: "valid basic auth", spec: newSpec("servicenow", inst("dev12345"), basic...)},
		{name: "valid OAuth password grant on full host", spec: newSpec("servicenow", inst("acme.service-now.com"),
			append(basic, withClient("4f1c2a9b8e7d6c5b4a3928171615141a", "c2VydmljZW5vdy1zZWNyZXQ="))...)},
		{name: "valid bearer token", spec: newSpec("servicenow", inst("acme"), withToken("eyJhbGciOi.example.token"))},
		{name: "loopback base_url", spec: newSpec("servicenow", set("instance", "dev1", "base_url", "http://127.0.0.1:8443"), basic...)},
		{name: "instance given as URL", spec: newSpec("servicenow", inst("https://dev12345.service-now.com/now/nav/ui"), basic...),
			want: []want{wantErr(finding.InvalidConfiguration, "SERVICENOW-INSTANCE", "servicenow.instance")}},
		{name: "empty instance", spec: newSpec("servicenow", inst(""), basic...),
			want: []want{wantErr(finding.InvalidConfiguration, "SERVICENOW-INSTANCE", "servicenow.instance")}},
		{name: "instance with space", spec: newSpec("servicenow", inst("dev 12345"), basic...),
			want: []want{wantErr(finding.InvalidConfiguration, "SERVICENOW-INSTANCE", "servicenow.instance")}},
		{name: "instance with underscore", spec: newSpec("servicenow", inst("acme_prod"), basic...),
			want: []want{wantErr(finding.InvalidConfiguration, "SERVICENOW-INSTANCE", "servicenow.instance")}},
		{name: "unknown instance", spec: newSpec("servicenow", inst(""), append(basic, withUnknown("servicenow.instance"))...)},
		{name: "password without user", spec: newSpec("servicenow", inst("dev1"), withPassword("correct-horse-battery-staple")),
			want: []want{wantErr(finding.InvalidConfiguration, "SERVICENOW-BASIC-AUTH", "auth.username")}},
		{name: "user without password", spec: newSpec("servicenow", inst("dev1"), withUser("svc.handshake")),
			want: []want{wantErr(finding.InvalidConfiguration, "SERVICENOW-BASIC-AUTH", "auth.password")}},
		{name: "user with unknown password", spec: newSpec("servicenow", inst("dev1"), withUser("svc.handshake"), withUnknown("auth.password_wo"))},
	})
}
