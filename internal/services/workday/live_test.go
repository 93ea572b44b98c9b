package workday

import (
	"strings"
	"sync"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

var testSandbox = sync.OnceValue(func() *sandbox.Server { return sandbox.Start(Emulation()) })

func liveSpec(tenant, refreshToken string, opts ...servicetest.SpecOpt) *connector.Spec {
	settings := servicetest.Set("tenant", tenant, "host", "wd2-impl-services1.workday.com", "base_url", testSandbox().VendorURL("workday"))
	return servicetest.NewSpec("workday", settings, append([]servicetest.SpecOpt{
		servicetest.WithClient("NzQ5YjM1ZjQtYWNtZS1pbnRlZ3JhdGlvbnM", SandboxClientSecret), servicetest.WithToken(refreshToken)}, opts...)...)
}

func runLive(t *testing.T, s *connector.Spec) probe.Result {
	t.Helper()
	return servicetest.RunCheck(t, Service().Plan, s)
}

func TestLiveScenarios(t *testing.T) {
	perms := func(p ...string) servicetest.SpecOpt { return func(s *connector.Spec) { s.RequiredPermissions = p } }
	wrongSecret := func(s *connector.Spec) { s.Auth.ClientSecret.Value = "not-the-workday-secret-0123456789" }
	for _, tc := range []struct {
		name, tenant, rt string
		opts             []servicetest.SpecOpt
		status           string
		cat              finding.Category
		path, mention    string
	}{
		{name: "healthy, workers by default", tenant: "acme_impl", rt: "rt-good.isu", status: probe.StatusHealthy},
		{name: "healthy, both domains", tenant: "acme_impl", rt: "rt-good.isu", status: probe.StatusHealthy,
			opts: []servicetest.SpecOpt{perms("System Auditing", "worker data: public worker reports")}},
		{name: "ISU disabled (seed 003 invalid_grant)", tenant: "acme_impl", rt: "isu-disabled.isu", status: probe.StatusUnhealthy,
			cat: finding.AccountDisabled, path: "auth.token_wo", mention: "View Sign-on History"},
		{name: "client secret wrong (seed 003 invalid_client)", tenant: "acme_impl", rt: "rt-good.isu", opts: []servicetest.SpecOpt{wrongSecret},
			status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: "auth.client_secret_wo", mention: "Generate New API Client Secret"},
		{name: "no System Auditing (seed 003 permission denied)", tenant: "acme_impl", rt: "no-auditing.isu",
			opts: []servicetest.SpecOpt{perms("workers", "System Auditing")}, status: probe.StatusUnhealthy,
			cat: finding.AccessDenied, path: "required_permissions[1]", mention: "System Auditing domain"},
		{name: "no domain, default probe", tenant: "acme_impl", rt: "no-domains.isu", status: probe.StatusUnhealthy,
			cat: finding.AccessDenied, path: "auth.token_wo", mention: "Worker Data: Public Worker Reports"},
		{name: "unknown tenant", tenant: "missing", rt: "rt-good.isu", status: probe.StatusUnhealthy,
			cat: finding.TenantNotFound, path: "workday.tenant", mention: "View API Clients"},
		{name: "REST API refuses the token", tenant: "acme_impl", rt: "token-rejected.isu", status: probe.StatusUnhealthy,
			cat: finding.InvalidCredentials, path: "auth.token_wo", mention: "invalid_token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := runLive(t, liveSpec(tc.tenant, tc.rt, tc.opts...))
			b := servicetest.DumpResult(res)
			if res.Status != tc.status {
				t.Fatalf("status %s, want %s\n%s", res.Status, tc.status, b)
			}
			if tc.cat == "" {
				for _, f := range res.Findings {
					t.Errorf("healthy connector has a finding: %+v", f)
				}
				if !strings.Contains(b, "Worker Data: Public Worker Reports") {
					t.Errorf("the granted domain is not reported:\n%s", b)
				}
				return
			}
			for _, f := range res.Findings {
				all := f.Summary + " " + f.Detail + " " + strings.Join(f.Remediation, " ")
				if f.Category == tc.cat && f.Path.String() == tc.path && strings.Contains(all, tc.mention) {
					if strings.Contains(all, SandboxClientSecret) || strings.Contains(all, tc.rt) {
						t.Fatalf("a secret leaked: %s", all)
					}
					return
				}
			}
			t.Fatalf("no %s finding on %s mentioning %q:\n%s", tc.cat, tc.path, tc.mention, b)
		})
	}
}

func TestPlanNeedsCredentials(t *testing.T) {
	s := liveSpec("acme_impl", "")
	s.Auth.Token = connector.Secret{}
	if p, fs := plan(s); p != nil || len(fs) != 0 {
		t.Fatalf("a spec without refresh token was planned: %+v %v", p, fs)
	}
	s = liveSpec("acme_impl", "rt-good.isu")
	delete(s.Settings, "base_url")
	p, _ := plan(s)
	if p == nil || p.Target != "https://wd2-impl-services1.workday.com" {
		t.Fatalf("the host is not the target: %+v", p)
	}
}
