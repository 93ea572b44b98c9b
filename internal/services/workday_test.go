package services

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestWorkdayProfile(t *testing.T) {
	wd := func(tenant, host string) map[string]string { return set("tenant", tenant, "host", host) }
	creds := []specOpt{withClient("MmQ0ZTVmNjctYTFiMi00YzNkLWU1ZjYtNzg5MGFiY2RlZjAx", "c2VjcmV0LWZyb20td29ya2RheS1hcGktY2xpZW50"),
		withToken("n0nExp1r1ngR3freshT0kenF0rIntegrat1onUser0123456789")}
	runProfileCases(t, workday(), []profileCase{
		{name: "valid implementation tenant", spec: newSpec("workday", wd("acme_impl", "wd2-impl-services1.workday.com"), creds...)},
		{name: "valid production tenant", spec: newSpec("workday", wd("acme", "wd5-services1.myworkday.com"), creds...)},
		{name: "loopback base_url", spec: newSpec("workday",
			set("tenant", "acme", "host", "wd5-services1.myworkday.com", "base_url", "http://127.0.0.1:7001"), creds...)},
		{name: "host with scheme", spec: newSpec("workday", wd("acme", "https://wd5-services1.myworkday.com/ccx/oauth2/acme/token"), creds...),
			want: []want{wantErr(finding.InvalidConfiguration, "WORKDAY-HOST", "workday.host")}},
		{name: "UI host", spec: newSpec("workday", wd("acme", "wd5.myworkday.com"), creds...),
			want: []want{wantWarn(finding.InvalidConfiguration, "WORKDAY-HOST", "workday.host")}},
		{name: "foreign host", spec: newSpec("workday", wd("acme", "services.example.com"), creds...),
			want: []want{wantWarn(finding.InvalidConfiguration, "WORKDAY-HOST", "workday.host")}},
		{name: "empty host", spec: newSpec("workday", wd("acme", ""), creds...),
			want: []want{wantErr(finding.InvalidConfiguration, "", "workday.host")}},
		{name: "host not a name", spec: newSpec("workday", wd("acme", "wd5-services1"), creds...),
			want: []want{wantErr(finding.InvalidConfiguration, "WORKDAY-HOST", "workday.host")}},
		{name: "tenant as path", spec: newSpec("workday", wd("ccx/oauth2/acme", "wd5-services1.myworkday.com"), creds...),
			want: []want{wantErr(finding.InvalidConfiguration, "WORKDAY-TENANT", "workday.tenant")}},
		{name: "tenant display name", spec: newSpec("workday", wd("Acme-Corp", "wd5-services1.myworkday.com"), creds...),
			want: []want{wantWarn(finding.InvalidConfiguration, "WORKDAY-TENANT", "workday.tenant")}},
		{name: "empty tenant", spec: newSpec("workday", wd("", "wd5-services1.myworkday.com"), creds...),
			want: []want{wantErr(finding.InvalidConfiguration, "WORKDAY-TENANT", "workday.tenant")}},
		{name: "client without refresh token", spec: newSpec("workday", wd("acme", "wd5-services1.myworkday.com"), creds[0]),
			want: []want{wantErr(finding.InvalidConfiguration, "WORKDAY-REFRESH-TOKEN", "auth.token")}},
		{name: "refresh token without client", spec: newSpec("workday", wd("acme", "wd5-services1.myworkday.com"), creds[1]),
			want: []want{
				wantErr(finding.InvalidConfiguration, "CLIENT-ID-MISSING", "auth.client_id"),
				wantErr(finding.InvalidConfiguration, "WORKDAY-CLIENT", "auth.client_secret"),
			}},
		{name: "credentials unknown at plan", spec: newSpec("workday", wd("acme", "wd5-services1.myworkday.com"), withUnknown("auth"))},
	})
}
