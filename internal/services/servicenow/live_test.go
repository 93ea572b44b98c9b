package servicenow

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func TestLive(t *testing.T) {
	srv := sandbox.Start(*Service().Emulation)
	defer srv.Close()
	base := srv.VendorURL("servicenow")
	settings := servicetest.Set("instance", "dev12345", "base_url", base)
	basic := func(user, pw string, opts ...servicetest.SpecOpt) *connector.Spec {
		return servicetest.NewSpec("servicenow", settings,
			append([]servicetest.SpecOpt{servicetest.WithUser(user), servicetest.WithPassword(pw)}, opts...)...)
	}
	password := func(client, secret, user, pw string, opts ...servicetest.SpecOpt) *connector.Spec {
		return basic(user, pw, append([]servicetest.SpecOpt{servicetest.WithClient(client, secret)}, opts...)...)
	}
	cc := func(client, secret string, opts ...servicetest.SpecOpt) *connector.Spec {
		return servicetest.NewSpec("servicenow", settings, append([]servicetest.SpecOpt{servicetest.WithClient(client, secret)}, opts...)...)
	}
	bearer := func(tok string) *connector.Spec {
		return servicetest.NewSpec("servicenow", settings, servicetest.WithToken(tok))
	}
	const client = "sandbox-a1b2c3d4e5f60718293a4b5c6d7e8f90"
	// spec defers a spec to its case.
	spec := func(s *connector.Spec) func() *connector.Spec { return func() *connector.Spec { return s } }
	servicetest.RunLiveCases(t, Service().Plan, []servicetest.LiveCase{
		{Name: "basic healthy, admin required", Spec: spec(basic("svc.handshake", SandboxPassword, servicetest.WithScopes("admin", "itil"))), Status: probe.StatusHealthy},
		{Name: "password grant healthy", Spec: spec(password(client, SandboxClientSecret, "svc.handshake", SandboxPassword, servicetest.WithRefresh())), Status: probe.StatusHealthy},
		{Name: "client credentials healthy", Spec: spec(cc(client, SandboxClientSecret, servicetest.WithScopes("useraccount"))), Status: probe.StatusHealthy},
		{Name: "bearer healthy", Spec: spec(bearer("sandbox-svc-handshake-0001")), Status: probe.StatusHealthy},
		{Name: "basic wrong password", Spec: spec(basic("svc.handshake", "wrong-password-123")),
			Status: probe.StatusUnhealthy, Category: finding.InvalidCredentials, Path: "auth.password_wo", FixHas: "Locked out"},
		{Name: "bearer unknown", Spec: spec(bearer("0123456789abcdef0123")),
			Status: probe.StatusUnhealthy, Category: finding.InvalidCredentials, Path: "auth.token_wo", FixHas: "new one"},
		{Name: "password grant, wrong client secret", Spec: spec(password(client, "wrong-secret-0000", "svc.handshake", SandboxPassword)),
			Status: probe.StatusUnhealthy, Category: finding.InvalidCredentials, Path: "auth.client_secret_wo", FixHas: "Application Registry"},
		{Name: "password grant, wrong user password", Spec: spec(password(client, SandboxClientSecret, "svc.handshake", "wrong-password-123")),
			Status: probe.StatusUnhealthy, Category: finding.InvalidCredentials, Path: "auth.password_wo", FixHas: "password"},
		{Name: "client credentials, wrong secret", Spec: spec(cc(client, "wrong-secret-0000")),
			Status: probe.StatusUnhealthy, Category: finding.InvalidCredentials, Path: "auth.client_secret_wo", FixHas: "glide.oauth.inbound.client.credential.grant_type.enabled"},
		{Name: "client credentials without OAuth Application User", Spec: spec(cc("sandbox-nouser-client", SandboxClientSecret)),
			Status: probe.StatusUnhealthy, Category: finding.FeatureDisabled, Path: "auth.client_id", FixHas: "OAuth Application User"},
		{Name: "client credentials, refresh token required", Spec: spec(cc(client, SandboxClientSecret, servicetest.WithRefresh())),
			Status: probe.StatusUnhealthy, Category: finding.RefreshTokenMissing, Path: "require_refresh_token", FixHas: "require_refresh_token = false"},
		{Name: "hibernating, basic", Spec: spec(basic("svc.hibernating", SandboxPassword)),
			Status: probe.StatusUnreachable, Category: finding.ServiceUnavailable, Path: "servicenow.base_url", FixHas: "wake the instance"},
		{Name: "hibernating, token endpoint", Spec: spec(password("sandbox-hibernating-client", SandboxClientSecret, "svc.handshake", SandboxPassword)),
			Status: probe.StatusUnreachable, Category: finding.ServiceUnavailable, Path: "servicenow.base_url", FixHas: "developer.servicenow.com"},
		{Name: "not an instance", Spec: spec(servicetest.NewSpec("servicenow", servicetest.Set("instance", "dev1", "base_url", base+"/elsewhere"),
			servicetest.WithUser("svc.handshake"), servicetest.WithPassword(SandboxPassword))),
			Status: probe.StatusUnhealthy, Category: finding.EndpointNotFound, Path: "servicenow.base_url", FixHas: "address bar"},
		{Name: "ACL refuses sys_user", Spec: spec(basic("svc.noread", SandboxPassword)),
			Status: probe.StatusUnhealthy, Category: finding.AccessDenied, Path: "auth.username", FixHas: "admin"},
		{Name: "rate limited", Spec: spec(basic("svc.ratelimited", SandboxPassword)),
			Status: probe.StatusUnreachable, Category: finding.RateLimited, Path: "servicenow.base_url", FixHas: "raise"},
		{Name: "not an admin (seed 003)", Spec: spec(basic("svc.itil", SandboxPassword, servicetest.WithScopes("admin"))),
			Status: probe.StatusUnhealthy, Category: finding.AccessDenied, Path: "required_scopes[0]", FixHas: "admin account"},
		{Name: "role missing", Spec: spec(cc("sandbox-useradmin-client", SandboxClientSecret, servicetest.WithScopes("itil", "admin"))),
			Status: probe.StatusUnhealthy, Category: finding.InsufficientScope, Path: "required_scopes[1]", FixHas: "Grant the admin role"},
		{Name: "roles unreadable, itil not verified", Spec: spec(basic("svc.itil", SandboxPassword, servicetest.WithScopes("itil"))),
			Status: probe.StatusDegraded, Category: finding.AccessDenied, Path: "required_scopes", FixHas: "user_admin"},
	})
}

// The granted roles are reported, and the roles step reads them through the
// "Me" filter, for any way of authenticating.
func TestLiveGrantedRoles(t *testing.T) {
	srv := sandbox.Start(*Service().Emulation)
	defer srv.Close()
	spec := servicetest.NewSpec("servicenow", servicetest.Set("instance", "dev1", "base_url", srv.VendorURL("servicenow")),
		servicetest.WithClient("sandbox-useradmin-client", SandboxClientSecret), servicetest.WithScopes("itil"))
	servicetest.CheckGranted(t, Service().Plan, spec, "itil snc_internal user_admin useraccount")
}

func TestPlanHosts(t *testing.T) {
	for _, tc := range []struct{ instance, want string }{
		{"dev12345", "https://dev12345.service-now.com"},
		{"ACME.service-now.com", "https://acme.service-now.com"},
		{"support.acme.com", "https://support.acme.com"},
		{"snprod:8443", "https://snprod:8443"},
	} {
		p, fs := Plan(servicetest.NewSpec("servicenow", servicetest.Set("instance", tc.instance),
			servicetest.WithUser("u"), servicetest.WithPassword("p")))
		if p == nil || len(fs) > 0 || p.Target != tc.want {
			t.Errorf("%s: target %v (%v), want %s", tc.instance, p, fs, tc.want)
		}
	}
	if p, fs := Plan(servicetest.NewSpec("servicenow", servicetest.Set("instance", "dev1"))); p != nil || len(fs) != 1 || fs[0].Code != "SERVICENOW-NO-CREDENTIAL" {
		t.Errorf("no credential: %v %v", p, fs)
	}
}
