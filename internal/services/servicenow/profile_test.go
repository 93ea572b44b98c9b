package servicenow

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func TestServiceNowProfile(t *testing.T) {
	inst := func(v string) map[string]string { return servicetest.Set("instance", v) }
	basic := []servicetest.SpecOpt{servicetest.WithUser("svc.handshake"), servicetest.WithPassword("correct-horse-battery-staple")}
	servicetest.RunProfileCases(t, profile(), []servicetest.ProfileCase{
		{Name: "valid basic auth", Spec: servicetest.NewSpec("servicenow", inst("dev12345"), basic...)},
		{Name: "valid OAuth password grant on full host", Spec: servicetest.NewSpec("servicenow", inst("acme.service-now.com"),
			append(basic, servicetest.WithClient("4f1c2a9b8e7d6c5b4a3928171615141a", "c2VydmljZW5vdy1zZWNyZXQ="))...)},
		{Name: "valid bearer token", Spec: servicetest.NewSpec("servicenow", inst("acme"), servicetest.WithToken("eyJhbGciOi.example.token"))},
		{Name: "loopback base_url", Spec: servicetest.NewSpec("servicenow", servicetest.Set("instance", "dev1", "base_url", "http://127.0.0.1:8443"), basic...)},
		{Name: "instance given as URL", Spec: servicetest.NewSpec("servicenow", inst("https://dev12345.service-now.com/now/nav/ui"), basic...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SERVICENOW-INSTANCE", "servicenow.instance")}},
		{Name: "empty instance", Spec: servicetest.NewSpec("servicenow", inst(""), basic...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SERVICENOW-INSTANCE", "servicenow.instance")}},
		{Name: "instance with space", Spec: servicetest.NewSpec("servicenow", inst("dev 12345"), basic...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SERVICENOW-INSTANCE", "servicenow.instance")}},
		{Name: "instance with underscore", Spec: servicetest.NewSpec("servicenow", inst("acme_prod"), basic...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SERVICENOW-INSTANCE", "servicenow.instance")}},
		{Name: "unknown instance", Spec: servicetest.NewSpec("servicenow", inst(""), append(basic, servicetest.WithUnknown("servicenow.instance"))...)},
		{Name: "password without user", Spec: servicetest.NewSpec("servicenow", inst("dev1"), servicetest.WithPassword("correct-horse-battery-staple")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SERVICENOW-BASIC-AUTH", "auth.username")}},
		{Name: "user without password", Spec: servicetest.NewSpec("servicenow", inst("dev1"), servicetest.WithUser("svc.handshake")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SERVICENOW-BASIC-AUTH", "auth.password")}},
		{Name: "user with unknown password", Spec: servicetest.NewSpec("servicenow", inst("dev1"), servicetest.WithUser("svc.handshake"), servicetest.WithUnknown("auth.password_wo"))},
	})
}
