package entra

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// entraLiveSpec builds a connector pointed at the sandbox's Entra emulation.
func entraLiveSpec(srv *sandbox.Server, service, tenant, clientID, secret string, opts ...servicetest.SpecOpt) *connector.Spec {
	base := srv.VendorURL("entra")
	settings := servicetest.Set("tenant_id", tenant, "authority_url", base, "graph_url", base)
	if service == "microsoft_365" {
		settings["management_url"] = base
	}
	return servicetest.NewSpec(service, settings, append([]servicetest.SpecOpt{servicetest.WithClient(clientID, secret)}, opts...)...)
}

func entraDump(res probe.Result) string {
	b, _ := json.MarshalIndent(res, "", "  ")
	return string(b)
}

func entraStep(res probe.Result, name string) string {
	for _, s := range res.Steps {
		if s.Name == name {
			return s.Outcome
		}
	}
	return ""
}

// TestEntraLive drives every failure mode of the Entra emulation through
// probe.Run and checks the status, the finding's category, code and
// attribute, the step that failed, and that a fix is offered.
func TestEntraLive(t *testing.T) {
	srv := sandbox.Start(*EntraID().Emulation)
	defer srv.Close()
	const (
		tenant = SandboxTenantID
		app    = SandboxClientID
	)
	perms := servicetest.WithScopes("User.Read.All", "GroupMember.Read.All")
	registered := servicetest.WithRedirects(SandboxRedirectURIs[0])
	cases := []struct {
		name    string
		spec    *connector.Spec
		status  string
		cat     finding.Category
		code    string
		path    string
		step    string // the step that decided (failed, or warned)
		summary string // a fragment of the summary
	}{
		{name: "healthy with a secret", spec: entraLiveSpec(srv, "entra_id", tenant, app, SandboxSecretOK+"-a", perms, registered),
			status: probe.StatusHealthy},
		{name: "healthy with a certificate", spec: entraLiveSpec(srv, "entra_id", tenant, app, "", servicetest.WithKey(certPEM(t, srv)), perms),
			status: probe.StatusHealthy},
		{name: "healthy by domain name", spec: entraLiveSpec(srv, "entra_id", SandboxTenantDomain, app, SandboxSecretOK+"-b"),
			status: probe.StatusHealthy},
		{name: "secret expiring soon", spec: entraLiveSpec(srv, "entra_id", tenant, app, SandboxSecretExpiring+"-a"),
			status: probe.StatusDegraded, cat: finding.ExpiringCredentials, code: "CREDENTIAL_EXPIRING", path: "auth.client_secret_wo", step: probe.StepExpiry},
		{name: "secret expired", spec: entraLiveSpec(srv, "entra_id", tenant, app, SandboxSecretExpired+"-a"),
			status: probe.StatusUnhealthy, cat: finding.ExpiredCredentials, code: "AADSTS7000222", path: "auth.client_secret_wo", step: probe.StepToken,
			summary: "client secret has expired"},
		{name: "wrong secret", spec: entraLiveSpec(srv, "entra_id", tenant, app, "Qx58Q~kT0pZ3rVt1WcYe8HbNa4SdUg6J.aBcDeF"),
			status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, code: "AADSTS7000215", path: "auth.client_secret_wo", step: probe.StepToken},
		{name: "secret ID instead of its value", spec: entraLiveSpec(srv, "entra_id", tenant, app, SandboxSecretID),
			status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, code: "AADSTS7000215", path: "auth.client_secret_wo", step: probe.StepToken,
			summary: "Secret ID, not the secret's Value"},
		{name: "unknown app", spec: entraLiveSpec(srv, "entra_id", tenant, "11111111-2222-4333-8444-555555555555", SandboxSecretOK),
			status: probe.StatusUnhealthy, cat: finding.AppNotFound, code: "AADSTS700016", path: "auth.client_id", step: probe.StepToken},
		{name: "disabled app", spec: entraLiveSpec(srv, "entra_id", tenant, SandboxDisabledClientID, SandboxSecretOK),
			status: probe.StatusUnhealthy, cat: finding.AccountDisabled, code: "AADSTS7000112", path: "-", step: probe.StepToken},
		{name: "unknown tenant found by discovery", spec: entraLiveSpec(srv, "entra_id", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", app, SandboxSecretOK),
			status: probe.StatusUnhealthy, cat: finding.TenantNotFound, code: "AADSTS90002", path: "entra_id.tenant_id", step: probe.StepDiscovery},
		{name: "unknown tenant domain", spec: entraLiveSpec(srv, "entra_id", "contoso-typo.onmicrosoft.com", app, SandboxSecretOK),
			status: probe.StatusUnhealthy, cat: finding.TenantNotFound, code: "AADSTS90002", path: "entra_id.tenant_id", step: probe.StepToken},
		{name: "malformed tenant", spec: entraLiveSpec(srv, "entra_id", "tenant_id_here", app, SandboxSecretOK),
			status: probe.StatusUnhealthy, cat: finding.TenantNotFound, code: "AADSTS900023", path: "entra_id.tenant_id", step: probe.StepToken},
		{name: "consent missing", spec: entraLiveSpec(srv, "entra_id", tenant, app, SandboxSecretConsent),
			status: probe.StatusUnhealthy, cat: finding.ConsentRequired, code: "AADSTS65001", path: "auth.client_id", step: probe.StepToken},
		{name: "conditional access", spec: entraLiveSpec(srv, "entra_id", tenant, app, SandboxSecretBlocked),
			status: probe.StatusUnhealthy, cat: finding.PolicyBlocked, code: "AADSTS53003", path: "-", step: probe.StepToken},
		{name: "no permission consented", spec: entraLiveSpec(srv, "entra_id", tenant, app, SandboxSecretNoRoles, perms),
			status: probe.StatusUnhealthy, cat: finding.InsufficientScope, code: "Authorization_RequestDenied", path: "required_scopes[0]", step: "permissions",
			summary: "User.Read.All"},
		{name: "one permission missing", spec: entraLiveSpec(srv, "entra_id", tenant, app, SandboxSecretLimited, perms),
			status: probe.StatusUnhealthy, cat: finding.InsufficientScope, code: "Authorization_RequestDenied", path: "required_scopes[1]", step: "permissions",
			summary: "GroupMember.Read.All"},
		{name: "no permissions required: a Graph 403 still proves the token", spec: entraLiveSpec(srv, "entra_id", tenant, app, SandboxSecretNoRoles),
			status: probe.StatusHealthy},
		{name: "token for another cloud", spec: entraLiveSpec(srv, "entra_id", tenant, app, SandboxSecretWrongCloud),
			status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, code: "InvalidAuthenticationToken", path: "entra_id.graph_url", step: "graph",
			summary: "audience"},
		{name: "redirect URI not registered", spec: entraLiveSpec(srv, "entra_id", tenant, app, SandboxSecretOK,
			servicetest.WithRedirects(SandboxRedirectURIs[1], SandboxRedirectURIs[0]+"/")),
			status: probe.StatusUnhealthy, cat: finding.RedirectURIMismatch, code: "AADSTS50011", path: "redirect_uris[1]", step: "app_registration"},
		{name: "app without redirect URIs", spec: entraLiveSpec(srv, "entra_id", tenant, SandboxNoRedirectClientID, SandboxSecretOK, registered),
			status: probe.StatusUnhealthy, cat: finding.RedirectURIMissing, code: "AADSTS500113", path: "redirect_uris", step: "app_registration"},
		{name: "redirect URI checked at the authorize endpoint when the app cannot read itself",
			spec:   entraLiveSpec(srv, "entra_id", tenant, app, SandboxSecretLimited, servicetest.WithRedirects("https://governance.example.com/other")),
			status: probe.StatusUnhealthy, cat: finding.RedirectURIMismatch, code: "-", path: "redirect_uris[0]", step: probe.StepRedirectURIs},
		{name: "untrusted TLS certificate", spec: func() *connector.Spec {
			s := entraLiveSpec(srv, "entra_id", tenant, app, SandboxSecretOK)
			s.Settings["authority_url"] = srv.UntrustedTLSURL + "/entra"
			return s
		}(), status: probe.StatusUnreachable, cat: finding.TLSError, code: "-", path: "entra_id.authority_url", step: probe.StepTLS},

		{name: "microsoft 365 healthy", spec: entraLiveSpec(srv, "microsoft_365", tenant, app, SandboxSecretOK, servicetest.WithScopes("ActivityFeed.Read")),
			status: probe.StatusHealthy},
		{name: "microsoft 365 without licence", spec: entraLiveSpec(srv, "microsoft_365", tenant, app, SandboxSecretUnlicensed),
			status: probe.StatusUnhealthy, cat: finding.LicenseRequired, code: "AF20012", path: "microsoft_365.tenant_id", step: "management_api"},
		{name: "microsoft 365 audit log off", spec: entraLiveSpec(srv, "microsoft_365", tenant, app, SandboxSecretAuditOff),
			status: probe.StatusUnhealthy, cat: finding.FeatureDisabled, code: "AF20023", path: "microsoft_365.tenant_id", step: "management_api"},
		{name: "microsoft 365 ActivityFeed.Read missing from the token", spec: entraLiveSpec(srv, "microsoft_365", tenant, app, SandboxSecretLimited, servicetest.WithScopes("ActivityFeed.Read")),
			status: probe.StatusUnhealthy, cat: finding.InsufficientScope, code: "AF10001", path: "required_scopes[0]", step: "management_api"},
		{name: "microsoft 365 API refuses a token without ActivityFeed.Read", spec: entraLiveSpec(srv, "microsoft_365", tenant, app, SandboxSecretLimited),
			status: probe.StatusUnhealthy, cat: finding.InsufficientScope, code: "AF10001", path: "required_permissions", step: "management_api"},
		{name: "microsoft 365 with a certificate", spec: entraLiveSpec(srv, "microsoft_365", tenant, app, "", servicetest.WithKey(certPEM(t, srv))),
			status: probe.StatusHealthy},
	}
	opts := probe.Options{Timeout: 5 * time.Second, ExpiryWarning: 30 * 24 * time.Hour}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := run(context.Background(), opts, tc.spec)
			if res.Status != tc.status {
				t.Fatalf("status %q, want %q\n%s", res.Status, tc.status, entraDump(res))
			}
			entraNoSecrets(t, res, tc.spec)
			if tc.cat == "" {
				for _, f := range res.Findings {
					t.Errorf("unexpected finding %s %s at %s: %s", f.Category, f.Code, f.Path, f.Summary)
				}
				return
			}
			var got *finding.Finding
			for i, f := range res.Findings {
				if f.Category == tc.cat && (tc.path == "-" || f.Path.String() == tc.path) {
					got = &res.Findings[i]
					break
				}
			}
			if got == nil {
				t.Fatalf("no %s finding at %s\n%s", tc.cat, tc.path, entraDump(res))
			}
			if tc.code != "-" && got.Code != tc.code {
				t.Errorf("code %q, want %q", got.Code, tc.code)
			}
			if len(got.Remediation) == 0 || got.Detail == "" {
				t.Errorf("finding lacks a detail or a fix: %+v", got)
			}
			if !strings.Contains(got.Summary, tc.summary) {
				t.Errorf("summary %q lacks %q", got.Summary, tc.summary)
			}
			if want := probe.OutcomeFailed; tc.status == probe.StatusDegraded {
				if o := entraStep(res, tc.step); o != probe.OutcomeWarning {
					t.Errorf("step %s: %q, want warning\n%s", tc.step, o, entraDump(res))
				}
			} else if o := entraStep(res, tc.step); o != want {
				t.Errorf("step %s: %q, want %q\n%s", tc.step, o, want, entraDump(res))
			}
		})
	}
}

// entraNoSecrets fails when a configured secret, or a token-like string,
// appears in the result.
func entraNoSecrets(t *testing.T, res probe.Result, s *connector.Spec) {
	t.Helper()
	all := entraDump(res)
	for _, sec := range s.Secrets() {
		if len(sec) >= 8 && strings.Contains(all, sec) {
			t.Fatalf("result reveals a secret (%.6s…)\n%s", sec, all)
		}
	}
	if strings.Contains(all, "eyJ") {
		t.Fatalf("result contains something token-like\n%s", all)
	}
}

// TestEntraLiveExpiryAndSteps checks what a healthy check reports beyond its
// status: the secret's end date discovered from passwordCredentials (matched
// by hint), the certificate's, and the steps that ran.
func TestEntraLiveExpiryAndSteps(t *testing.T) {
	srv := sandbox.Start(*EntraID().Emulation)
	defer srv.Close()
	opts := probe.Options{Timeout: 5 * time.Second, ExpiryWarning: 30 * 24 * time.Hour}

	res := run(context.Background(), opts, entraLiveSpec(srv, "entra_id", SandboxTenantID, SandboxClientID, SandboxSecretOK,
		servicetest.WithScopes("User.Read.All"), servicetest.WithRedirects(SandboxRedirectURIs...)))
	day := time.Now().UTC().Truncate(24 * time.Hour)
	if res.ExpiresAt == nil || !res.ExpiresAt.Equal(day.AddDate(1, 0, 0)) {
		t.Fatalf("ExpiresAt %v, want the secret's endDateTime %v\n%s", res.ExpiresAt, day.AddDate(1, 0, 0), entraDump(res))
	}
	for _, step := range []string{probe.StepDiscovery, probe.StepToken, "permissions", "graph", "app_registration", probe.StepRedirectURIs, probe.StepExpiry} {
		if o := entraStep(res, step); o != probe.OutcomeOK {
			t.Errorf("step %s: %q, want ok\n%s", step, o, entraDump(res))
		}
	}

	res = run(context.Background(), opts, entraLiveSpec(srv, "entra_id", SandboxTenantID, SandboxClientID, "",
		servicetest.WithKey(certPEM(t, srv))))
	if want := time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC); res.ExpiresAt == nil || !res.ExpiresAt.Equal(want) {
		t.Fatalf("ExpiresAt %v, want the certificate's %v\n%s", res.ExpiresAt, want, entraDump(res))
	}

	// A domain tenant skips discovery (Entra's issuer names the GUID) and
	// still gets its answer from the token endpoint.
	res = run(context.Background(), opts, entraLiveSpec(srv, "entra_id", SandboxTenantDomain, SandboxClientID, SandboxSecretOK))
	if entraStep(res, probe.StepDiscovery) != probe.OutcomeSkipped || res.Status != probe.StatusHealthy {
		t.Fatalf("domain tenant\n%s", entraDump(res))
	}
}

// TestEntraLiveDrift: a secret revoked after a healthy check fails the next
// one with AADSTS7000215, and a deleted app with AADSTS700016.
func TestEntraLiveDrift(t *testing.T) {
	srv := sandbox.Start(*EntraID().Emulation)
	defer srv.Close()
	opts := probe.Options{Timeout: 5 * time.Second}
	secret := SandboxSecretOK + "-drift"
	spec := entraLiveSpec(srv, "entra_id", SandboxTenantID, SandboxClientID, secret)
	if res := run(context.Background(), opts, spec); res.Status != probe.StatusHealthy {
		t.Fatalf("before revocation\n%s", entraDump(res))
	}
	srv.Revoke(secret)
	res := run(context.Background(), opts, spec)
	if res.Status != probe.StatusUnhealthy || len(res.Findings) == 0 || res.Findings[0].Code != "AADSTS7000215" {
		t.Fatalf("after revocation\n%s", entraDump(res))
	}
	srv.Reset()
	srv.Revoke(SandboxClientID)
	res = run(context.Background(), opts, spec)
	if res.Status != probe.StatusUnhealthy || len(res.Findings) == 0 || res.Findings[0].Category != finding.AppNotFound {
		t.Fatalf("after deleting the app\n%s", entraDump(res))
	}
}

// TestEntraPlanScopes: required_scopes split into the token's /.default
// scope and the permissions its roles must hold.
func TestEntraPlanScopes(t *testing.T) {
	spec := servicetest.NewSpec("microsoft_365", servicetest.Set("tenant_id", SandboxTenantID), servicetest.WithClient(SandboxClientID, SandboxSecretOK),
		servicetest.WithScopes("User.Read.All", "https://manage.office.com/.default", "ActivityFeed.Read", "https://graph.microsoft.com/Group.Read.All"))
	plan, fs := planEntra(spec)
	if finding.HasErrors(fs) {
		t.Fatalf("planner errors: %+v", fs)
	}
	if got := plan.OAuth2.Scopes; len(got) != 1 || got[0] != "https://graph.microsoft.com/.default" {
		t.Errorf("token scopes %q", got)
	}
	if plan.OAuth2.TokenURL != "https://login.microsoftonline.com/"+SandboxTenantID+"/oauth2/v2.0/token" ||
		plan.OAuth2.Issuer != "https://login.microsoftonline.com/"+SandboxTenantID+"/v2.0" {
		t.Errorf("endpoints %q %q", plan.OAuth2.TokenURL, plan.OAuth2.Issuer)
	}
	if plan.OAuth2.AuthStyle != probe.AuthClientSecretPost {
		t.Errorf("auth style %q", plan.OAuth2.AuthStyle)
	}
	names := map[string]bool{}
	for _, st := range plan.Steps {
		names[st.Name] = true
	}
	if !names["management_api"] || !names["permissions"] || !names["app_registration"] {
		t.Errorf("steps %v", names)
	}

	c := &entraCheck{spec: spec, m365: true, graph: entraDefaultGraph, mgmt: entraDefaultManagement}
	c.parseScopes()
	if c.mgmtScope != "https://manage.office.com/.default" || len(c.mgmtPerms) != 1 || c.mgmtPerms[0].path.String() != "required_scopes[2]" ||
		len(c.graphPerms) != 2 || c.graphPerms[1].name != "Group.Read.All" || c.graphPerms[1].path.String() != "required_scopes[3]" {
		t.Errorf("parsed %+v", c)
	}

	// National cloud: the token goes to the authority_url given, the
	// default scope to the graph_url given.
	gov := servicetest.NewSpec("entra_id", servicetest.Set("tenant_id", "contoso.onmicrosoft.us", "authority_url", "https://login.microsoftonline.us/",
		"graph_url", "https://graph.microsoft.us"), servicetest.WithClient(SandboxClientID, ""), servicetest.WithKey((&certificate{}).pem()))
	plan, _ = planEntra(gov)
	if plan.OAuth2.TokenURL != "https://login.microsoftonline.us/contoso.onmicrosoft.us/oauth2/v2.0/token" || plan.OAuth2.Issuer != "" ||
		plan.OAuth2.Scopes[0] != "https://graph.microsoft.us/.default" || plan.OAuth2.AuthStyle != probe.AuthPrivateKeyJWT {
		t.Errorf("national cloud plan %+v", plan.OAuth2)
	}

	_, fs = planEntra(servicetest.NewSpec("entra_id", servicetest.Set(), servicetest.WithClient("", "")))
	if len(fs) != 3 || !finding.HasErrors(fs) {
		t.Errorf("incomplete spec findings: %+v", fs)
	}
}

// TestEntraAssertion: the management token's client assertion names the
// bundled certificate's thumbprints, as Entra ID requires.
func TestEntraAssertion(t *testing.T) {
	a, err := entraAssertion(SandboxClientID, "https://login.microsoftonline.com/t/oauth2/v2.0/token", (&certificate{}).pem(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(a, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(header)
	var h map[string]any
	if json.Unmarshal(raw, &h) != nil || h["alg"] != "RS256" || h["x5t"] == nil || h["x5t#S256"] == nil {
		t.Fatalf("header %s", raw)
	}
	if _, err := entraAssertion("c", "a", "not a key", time.Now()); err == nil || strings.Contains(err.Error(), "not a key") {
		t.Fatalf("bad key: %v", err)
	}
}
