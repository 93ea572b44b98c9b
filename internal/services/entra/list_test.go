package entra

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// listSession signs in to the sandbox tenant as the admin app with secret.
func listSession(t *testing.T, srv *sandbox.Server, secret string) *inventory.Session {
	t.Helper()
	return servicetest.OpenSession(t, EntraID().Plan, entraLiveSpec(srv, "entra_id", SandboxTenantID, SandboxClientID, secret))
}

func credByKind(a inventory.App, kind string) []inventory.Credential {
	var out []inventory.Credential
	for _, c := range a.Credentials {
		if c.Kind == kind {
			out = append(out, c)
		}
	}
	return out
}

// daysLeft is how many whole days from today (UTC) a credential ends.
func daysLeft(c inventory.Credential) int {
	if c.ExpiresAt == nil {
		return -99999
	}
	day := time.Now().UTC().Truncate(24 * time.Hour)
	return int(c.ExpiresAt.Sub(day).Hours() / 24)
}

// TestEntraListSandbox lists the sandbox tenant end to end: every seeded
// app in order with its fields, in four pages of two, plus one read of
// the disabled service principals and one of Graph's permission names.
func TestEntraListSandbox(t *testing.T) {
	srv := sandbox.Start(*EntraID().Emulation)
	defer srv.Close()
	s := listSession(t, srv, SandboxSecretOK+"-list")
	log := servicetest.RecordRequests(t, s)
	apps, fs := servicetest.ListApps(t, EntraID().List, s, 0)
	if len(fs) != 0 {
		t.Fatalf("findings: %+v", fs)
	}
	var names []string
	for _, a := range apps {
		names = append(names, a.DisplayName)
	}
	want := []string{"handshake-sandbox", "payroll-sync", "hr-export", "legacy-crm", "orphaned-reporting", "retired-integration", "field-mobile"}
	if !slices.Equal(names, want) {
		t.Fatalf("apps = %v, want %v", names, want)
	}
	reqs := log.Requests()
	var pages, spLists, spLookups int
	for _, r := range reqs {
		switch {
		case strings.Contains(r, "/v1.0/applications?"):
			pages++
		case strings.Contains(r, "/v1.0/servicePrincipals?"):
			spLists++
		case strings.Contains(r, "/v1.0/servicePrincipals(appId="):
			spLookups++
		}
	}
	if pages != 4 || spLists != 1 || spLookups != 1 || len(reqs) != 6 {
		t.Errorf("requests: %d application pages, %d service-principal lists, %d lookups, %d in all; want 4, 1, 1, 6:\n%s",
			pages, spLists, spLookups, len(reqs), strings.Join(reqs, "\n"))
	}
	base := srv.VendorURL("entra")
	for _, a := range apps {
		want := map[string]string{"tenant_id": SandboxTenantID, "authority_url": base, "graph_url": base}
		for k, v := range want {
			if a.Settings[k] != v {
				t.Errorf("%s: settings[%s] = %q, want %q", a.DisplayName, k, a.Settings[k], v)
			}
		}
		if a.ID == "" || a.ClientID == "" {
			t.Errorf("%s: id %q, client id %q", a.DisplayName, a.ID, a.ClientID)
		}
	}
	byName := map[string]inventory.App{}
	for _, a := range apps {
		byName[a.DisplayName] = a
	}

	admin := byName["handshake-sandbox"]
	if admin.ClientID != SandboxClientID || admin.Owners != 1 || !slices.Equal(admin.RedirectURIs, SandboxRedirectURIs) {
		t.Errorf("admin app: %+v", admin)
	}
	if got := admin.RequiredPermissions; !slices.Equal(got, []string{"Application.Read.All", "GroupMember.Read.All", "MailboxSettings.Read", "Organization.Read.All", "User.Read.All"}) {
		t.Errorf("admin app permissions = %v (ActivityFeed.Read belongs to another resource)", got)
	}
	if secrets := credByKind(admin, "client_secret"); len(secrets) != 2 || secrets[0].Name != "handshake (san…)" ||
		secrets[1].ExpiresAt == nil || secrets[1].ExpiresAt.Year() != 2024 {
		t.Errorf("admin app secrets: %+v", secrets)
	}
	if certs := credByKind(admin, "certificate"); len(certs) != 1 || certs[0].ExpiresAt == nil || certs[0].ExpiresAt.Year() != 2036 {
		t.Errorf("admin app certificates: %+v", certs)
	}

	payroll := byName["payroll-sync"]
	if payroll.ClientID != SandboxListHealthyClientID || payroll.Owners != 2 || len(payroll.Findings) != 0 ||
		!slices.Equal(payroll.RequiredPermissions, []string{"User.Read.All"}) ||
		!slices.Equal(payroll.RedirectURIs, []string{"https://payroll.example.com/oauth/callback"}) {
		t.Errorf("payroll-sync: %+v", payroll)
	}
	if c := payroll.Credentials; len(c) != 1 || c[0].Kind != "client_secret" || daysLeft(c[0]) != 200 || c[0].Name != "payroll-2026 (Pq7…)" {
		t.Errorf("payroll-sync credentials: %+v", c)
	}

	hr := byName["hr-export"]
	if s := credByKind(hr, "client_secret"); len(s) != 1 || daysLeft(s[0]) != 10 {
		t.Errorf("hr-export secret: %+v", s)
	}
	if c := credByKind(hr, "certificate"); len(c) != 1 || daysLeft(c[0]) != 300 || c[0].Name != "CN=hr-export" {
		t.Errorf("hr-export certificate: %+v", c)
	}
	if !slices.Equal(hr.RequiredPermissions, []string{"User.Read.All", "GroupMember.Read.All"}) {
		t.Errorf("hr-export permissions: %v", hr.RequiredPermissions)
	}

	crm := byName["legacy-crm"]
	if !slices.Contains(crm.RedirectURIs, "http://crm.example.com/oauth/callback") || len(crm.RequiredPermissions) != 0 {
		t.Errorf("legacy-crm: redirects %v, permissions %v (delegated scopes are not the connector's)", crm.RedirectURIs, crm.RequiredPermissions)
	}

	orphan := byName["orphaned-reporting"]
	if orphan.Owners != 0 || len(orphan.Credentials) != 1 || daysLeft(orphan.Credentials[0]) != -3 ||
		len(orphan.Findings) != 1 || orphan.Findings[0].Code != "APP-NO-OWNER" || orphan.Findings[0].Severity != finding.Warning {
		t.Errorf("orphaned-reporting: owners %d, credentials %+v, findings %+v", orphan.Owners, orphan.Credentials, orphan.Findings)
	}

	retired := byName["retired-integration"]
	if retired.ClientID != SandboxDisabledClientID || len(retired.Findings) != 1 {
		t.Fatalf("retired-integration: %+v", retired)
	}
	if f := retired.Findings[0]; f.Category != finding.AccountDisabled || f.Code != "AADSTS7000112" || f.Severity != finding.Error ||
		f.Path.String() != "auth.client_id" || len(f.Remediation) == 0 {
		t.Errorf("retired-integration finding: %+v", f)
	}

	mobile := byName["field-mobile"]
	if len(mobile.Credentials) != 0 || !slices.Equal(mobile.RedirectURIs, []string{"msauth.com.example.field://auth", "http://localhost"}) {
		t.Errorf("field-mobile: %+v", mobile)
	}
	for _, a := range apps {
		if a.DisplayName != "retired-integration" && a.DisplayName != "orphaned-reporting" && len(a.Findings) != 0 {
			t.Errorf("%s: unexpected findings %+v", a.DisplayName, a.Findings)
		}
	}
}

// TestEntraListStopsEarly: when yield returns false, no further page is
// requested.
func TestEntraListStopsEarly(t *testing.T) {
	srv := sandbox.Start(*EntraID().Emulation)
	defer srv.Close()
	for _, tc := range []struct {
		stop, pages int
	}{
		{stop: 1, pages: 1}, // mid-page
		{stop: 2, pages: 1}, // at the end of the first page: the next is not asked for
		{stop: 3, pages: 2},
		{stop: 7, pages: 4}, // the last app: nothing left to ask for anyway
	} {
		s := listSession(t, srv, SandboxSecretOK+"-stop")
		log := servicetest.RecordRequests(t, s)
		apps, fs := servicetest.ListApps(t, EntraID().List, s, tc.stop)
		if len(fs) != 0 || len(apps) != tc.stop {
			t.Errorf("stop at %d: %d apps, findings %+v", tc.stop, len(apps), fs)
		}
		pages := 0
		for _, r := range log.Requests() {
			if strings.Contains(r, "/v1.0/applications?") {
				pages++
			}
		}
		if pages != tc.pages {
			t.Errorf("stop at %d: %d pages requested, want %d:\n%s", tc.stop, pages, tc.pages, strings.Join(log.Requests(), "\n"))
		}
	}
}

// TestEntraListRefused: an admin app without Application.Read.All, and a
// token Graph does not accept, end the listing with the finding on the
// attribute to fix.
func TestEntraListRefused(t *testing.T) {
	srv := sandbox.Start(*EntraID().Emulation)
	defer srv.Close()
	for _, tc := range []struct {
		name, secret string
		cat          finding.Category
		code, path   string
		fixHas       string
	}{
		{"no Application.Read.All", SandboxSecretLimited + "-list", finding.InsufficientScope, "Authorization_RequestDenied", "auth.client_id", "Application.Read.All"},
		{"no roles at all", SandboxSecretNoRoles + "-list", finding.InsufficientScope, "Authorization_RequestDenied", "auth.client_id", "Grant admin consent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := listSession(t, srv, tc.secret)
			apps, fs := servicetest.ListApps(t, EntraID().List, s, 0)
			if len(apps) != 0 || len(fs) != 1 {
				t.Fatalf("apps %d, findings %+v", len(apps), fs)
			}
			f := fs[0]
			if f.Severity != finding.Error || f.Category != tc.cat || f.Code != tc.code || f.Path.String() != tc.path ||
				!strings.Contains(strings.Join(f.Remediation, " "), tc.fixHas) || !strings.Contains(f.Summary, "Application.Read.All") {
				t.Errorf("finding: %+v", f)
			}
		})
	}
	t.Run("token not issued by the tenant", func(t *testing.T) {
		spec := entraLiveSpec(srv, "entra_id", SandboxTenantID, SandboxClientID, SandboxSecretOK+"-x")
		s := servicetest.StubSession(t, spec, "eyJhbGciOiJub25lIn0.eyJ1dGkiOiJub3BlIn0.c2ln", entraDecode)
		_, fs := servicetest.ListApps(t, list, s, 0)
		if len(fs) != 1 || fs[0].Category != finding.InvalidCredentials || fs[0].Code != "InvalidAuthenticationToken" ||
			fs[0].Path.String() != "auth.client_secret_wo" {
			t.Errorf("findings: %+v", fs)
		}
		if strings.Contains(fs[0].Detail, "eyJ") {
			t.Errorf("the token leaked into the finding: %s", fs[0].Detail)
		}
	})
}

// TestEntraListForeignNextLink: a next link to another origin is not
// followed, so the admin token never reaches it.
func TestEntraListForeignNextLink(t *testing.T) {
	foreign := servicetest.StartForeignOrigin(t)
	graph := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasPrefix(r.URL.Path, "/v1.0/servicePrincipals") {
			_, _ = w.Write([]byte(`{"value":[]}`))
			return
		}
		// source: Graph's collection shape (learn.microsoft.com/graph/paging), next link rewritten to another host
		_, _ = w.Write([]byte(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#applications",` +
			`"@odata.nextLink":"` + foreign.URL + `/v1.0/applications?$top=1&$skiptoken=RFNwdAIAAQAAAA",` +
			`"value":[{"id":"03ef14b0-ca33-4840-8f4f-d6e91916010e","appId":"22e0e1b5-e4a1-4de8-9c0e-a2c8f6bd0d5b","displayName":"contoso-app","passwordCredentials":[],"keyCredentials":[]}]}`))
	}))
	defer graph.Close()
	spec := servicetest.NewSpec("entra_id", servicetest.Set("tenant_id", SandboxTenantID, "graph_url", graph.URL),
		servicetest.WithClient(SandboxClientID, "secret-value"))
	s := servicetest.StubSession(t, spec, "admin-token", entraDecode)
	apps, fs := servicetest.ListApps(t, list, s, 0)
	if len(apps) != 1 || apps[0].DisplayName != "contoso-app" {
		t.Errorf("apps: %+v", apps)
	}
	if len(fs) != 1 || fs[0].Severity != finding.Error || fs[0].Category != finding.UnexpectedResponse || fs[0].Path.String() != "entra_id.graph_url" {
		t.Fatalf("findings: %+v", fs)
	}
	if all, _ := foreign.Hits(); all != 0 {
		t.Errorf("the other origin got %d request(s)", all)
	}
	if strings.Contains(fs[0].Detail, "skiptoken") {
		t.Errorf("the finding shows the next link's query: %s", fs[0].Detail)
	}
}

// TestEntraListTokenForAnotherAPI: a list block whose required_scopes ask
// for another resource's token cannot list (the token is not Graph's).
func TestEntraListTokenForAnotherAPI(t *testing.T) {
	spec := servicetest.NewSpec("entra_id", servicetest.Set("tenant_id", SandboxTenantID),
		servicetest.WithClient(SandboxClientID, "secret-value"), servicetest.WithScopes("https://manage.office.com/.default"))
	_, fs := servicetest.ListApps(t, list, servicetest.StubSession(t, spec, "tok", entraDecode), 0)
	if len(fs) != 1 || fs[0].Category != finding.InvalidConfiguration || fs[0].Path.String() != "required_scopes" {
		t.Errorf("findings: %+v", fs)
	}
}
