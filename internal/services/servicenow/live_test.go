package servicenow

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

type liveCase struct {
	name   string
	spec   *connector.Spec
	status string
	cat    finding.Category // the first finding's category; "" for none
	path   string
	fix    string // a fragment of its remediation
	sev    finding.Severity
}

func runLive(t *testing.T, cases []liveCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			res := probe.Run(ctx, probe.Options{Planner: Service().Plan, Timeout: 5 * time.Second, ExpiryWarning: 720 * time.Hour}, tc.spec)
			if res.Status != tc.status {
				t.Fatalf("status %s (%s), want %s\nsteps: %+v\nfindings: %+v", res.Status, res.Summary, tc.status, res.Steps, res.Findings)
			}
			if tc.cat == "" {
				if len(res.Findings) > 0 {
					t.Fatalf("healthy connector has findings: %+v", res.Findings)
				}
				return
			}
			if len(res.Findings) == 0 {
				t.Fatalf("no finding; steps %+v", res.Steps)
			}
			f := res.Findings[0]
			if f.Category != tc.cat || f.Path.String() != tc.path {
				t.Fatalf("got %s at %s (%s), want %s at %s\n%+v", f.Category, f.Path, f.Summary, tc.cat, tc.path, f)
			}
			if want := tc.sev; want != "" && f.Severity != want {
				t.Fatalf("severity %s, want %s", f.Severity, want)
			}
			if !strings.Contains(strings.Join(f.Remediation, " "), tc.fix) || f.Detail == "" {
				t.Fatalf("finding lacks %q in its fix: %+v", tc.fix, f)
			}
			for _, sec := range tc.spec.Secrets() {
				if len(sec) > 8 && strings.Contains(f.Summary+f.Detail+strings.Join(f.Remediation, ""), sec) {
					t.Fatal("a finding reveals a secret")
				}
			}
		})
	}
}

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
	runLive(t, []liveCase{
		{name: "basic healthy, admin required", spec: basic("svc.handshake", SandboxPassword, servicetest.WithScopes("admin", "itil")), status: probe.StatusHealthy},
		{name: "password grant healthy", spec: password(client, SandboxClientSecret, "svc.handshake", SandboxPassword, servicetest.WithRefresh()), status: probe.StatusHealthy},
		{name: "client credentials healthy", spec: cc(client, SandboxClientSecret, servicetest.WithScopes("useraccount")), status: probe.StatusHealthy},
		{name: "bearer healthy", spec: bearer("sandbox-svc-handshake-0001"), status: probe.StatusHealthy},
		{name: "basic wrong password", spec: basic("svc.handshake", "wrong-password-123"),
			status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: "auth.password_wo", fix: "Locked out"},
		{name: "bearer unknown", spec: bearer("0123456789abcdef0123"),
			status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: "auth.token_wo", fix: "new one"},
		{name: "password grant, wrong client secret", spec: password(client, "wrong-secret-0000", "svc.handshake", SandboxPassword),
			status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: "auth.client_secret_wo", fix: "Application Registry"},
		{name: "password grant, wrong user password", spec: password(client, SandboxClientSecret, "svc.handshake", "wrong-password-123"),
			status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: "auth.password_wo", fix: "password"},
		{name: "client credentials, wrong secret", spec: cc(client, "wrong-secret-0000"),
			status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: "auth.client_secret_wo", fix: "glide.oauth.inbound.client.credential.grant_type.enabled"},
		{name: "client credentials without OAuth Application User", spec: cc("sandbox-nouser-client", SandboxClientSecret),
			status: probe.StatusUnhealthy, cat: finding.FeatureDisabled, path: "auth.client_id", fix: "OAuth Application User"},
		{name: "client credentials, refresh token required", spec: cc(client, SandboxClientSecret, servicetest.WithRefresh()),
			status: probe.StatusUnhealthy, cat: finding.RefreshTokenMissing, path: "require_refresh_token", fix: "require_refresh_token = false"},
		{name: "hibernating, basic", spec: basic("svc.hibernating", SandboxPassword),
			status: probe.StatusUnreachable, cat: finding.ServiceUnavailable, path: "servicenow.base_url", fix: "wake the instance"},
		{name: "hibernating, token endpoint", spec: password("sandbox-hibernating-client", SandboxClientSecret, "svc.handshake", SandboxPassword),
			status: probe.StatusUnreachable, cat: finding.ServiceUnavailable, path: "servicenow.base_url", fix: "developer.servicenow.com"},
		{name: "not an instance", spec: servicetest.NewSpec("servicenow", servicetest.Set("instance", "dev1", "base_url", base+"/elsewhere"),
			servicetest.WithUser("svc.handshake"), servicetest.WithPassword(SandboxPassword)),
			status: probe.StatusUnhealthy, cat: finding.EndpointNotFound, path: "servicenow.base_url", fix: "address bar"},
		{name: "ACL refuses sys_user", spec: basic("svc.noread", SandboxPassword),
			status: probe.StatusUnhealthy, cat: finding.AccessDenied, path: "auth.username", fix: "admin"},
		{name: "rate limited", spec: basic("svc.ratelimited", SandboxPassword),
			status: probe.StatusUnreachable, cat: finding.RateLimited, path: "servicenow.base_url", fix: "raise"},
		{name: "not an admin (seed 003)", spec: basic("svc.itil", SandboxPassword, servicetest.WithScopes("admin")),
			status: probe.StatusUnhealthy, cat: finding.AccessDenied, path: "required_scopes[0]", fix: "admin account"},
		{name: "role missing", spec: cc("sandbox-useradmin-client", SandboxClientSecret, servicetest.WithScopes("itil", "admin")),
			status: probe.StatusUnhealthy, cat: finding.InsufficientScope, path: "required_scopes[1]", fix: "Grant the admin role"},
		{name: "roles unreadable, itil not verified", spec: basic("svc.itil", SandboxPassword, servicetest.WithScopes("itil")),
			status: probe.StatusDegraded, cat: finding.AccessDenied, path: "required_scopes", fix: "user_admin", sev: finding.Warning},
	})
}

// The granted roles are reported, and the roles step reads them through the
// "Me" filter, for any way of authenticating.
func TestLiveGrantedRoles(t *testing.T) {
	srv := sandbox.Start(*Service().Emulation)
	defer srv.Close()
	spec := servicetest.NewSpec("servicenow", servicetest.Set("instance", "dev1", "base_url", srv.VendorURL("servicenow")),
		servicetest.WithClient("sandbox-useradmin-client", SandboxClientSecret), servicetest.WithScopes("itil"))
	res := probe.Run(context.Background(), probe.Options{Planner: Service().Plan, Timeout: 5 * time.Second}, spec)
	if res.Status != probe.StatusHealthy || strings.Join(res.GrantedScopes, " ") != "itil snc_internal user_admin useraccount" {
		t.Fatalf("status %s, granted %v, steps %+v", res.Status, res.GrantedScopes, res.Steps)
	}
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
