package workday

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func TestProfile(t *testing.T) {
	wd := func(tenant, host string) map[string]string { return servicetest.Set("tenant", tenant, "host", host) }
	creds := []servicetest.SpecOpt{servicetest.WithClient("MmQ0ZTVmNjctYTFiMi00YzNkLWU1ZjYtNzg5MGFiY2RlZjAx", "c2VjcmV0LWZyb20td29ya2RheS1hcGktY2xpZW50"),
		servicetest.WithToken("n0nExp1r1ngR3freshT0kenF0rIntegrat1onUser0123456789")}
	servicetest.RunProfileCases(t, profile(), []servicetest.ProfileCase{
		{Name: "valid implementation tenant", Spec: servicetest.NewSpec("workday", wd("acme_impl", "wd2-impl-services1.workday.com"), creds...)},
		{Name: "valid production tenant", Spec: servicetest.NewSpec("workday", wd("acme", "wd5-services1.myworkday.com"), creds...)},
		{Name: "loopback base_url", Spec: servicetest.NewSpec("workday",
			servicetest.Set("tenant", "acme", "host", "wd5-services1.myworkday.com", "base_url", "http://127.0.0.1:7001"), creds...)},
		{Name: "host with scheme", Spec: servicetest.NewSpec("workday", wd("acme", "https://wd5-services1.myworkday.com/ccx/oauth2/acme/token"), creds...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "WORKDAY-HOST", "workday.host")}},
		{Name: "UI host", Spec: servicetest.NewSpec("workday", wd("acme", "wd5.myworkday.com"), creds...),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "WORKDAY-HOST", "workday.host")}},
		{Name: "foreign host", Spec: servicetest.NewSpec("workday", wd("acme", "services.example.com"), creds...),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "WORKDAY-HOST", "workday.host")}},
		{Name: "empty host", Spec: servicetest.NewSpec("workday", wd("acme", ""), creds...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "", "workday.host")}},
		{Name: "host not a name", Spec: servicetest.NewSpec("workday", wd("acme", "wd5-services1"), creds...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "WORKDAY-HOST", "workday.host")}},
		{Name: "tenant as path", Spec: servicetest.NewSpec("workday", wd("ccx/oauth2/acme", "wd5-services1.myworkday.com"), creds...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "WORKDAY-TENANT", "workday.tenant")}},
		{Name: "tenant display name", Spec: servicetest.NewSpec("workday", wd("Acme-Corp", "wd5-services1.myworkday.com"), creds...),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "WORKDAY-TENANT", "workday.tenant")}},
		{Name: "empty tenant", Spec: servicetest.NewSpec("workday", wd("", "wd5-services1.myworkday.com"), creds...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "WORKDAY-TENANT", "workday.tenant")}},
		{Name: "client without refresh token", Spec: servicetest.NewSpec("workday", wd("acme", "wd5-services1.myworkday.com"), creds[0]),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "WORKDAY-REFRESH-TOKEN", "auth.token")}},
		{Name: "refresh token without client", Spec: servicetest.NewSpec("workday", wd("acme", "wd5-services1.myworkday.com"), creds[1]),
			Want: []servicetest.Want{
				servicetest.WantErr(finding.InvalidConfiguration, "CLIENT-ID-MISSING", "auth.client_id"),
				servicetest.WantErr(finding.InvalidConfiguration, "WORKDAY-CLIENT", "auth.client_secret"),
			}},
		{Name: "credentials unknown at plan", Spec: servicetest.NewSpec("workday", wd("acme", "wd5-services1.myworkday.com"), servicetest.WithUnknown("auth"))},
	})
}
