package github

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// source: docs.github.com/rest/apps/apps#list-installations-for-the-authenticated-app, the
// documented 200 answer (account trimmed to the members the lister reads)
const githubDocsInstallations = `[
  {
    "id": 1,
    "account": {
      "login": "octocat",
      "id": 1,
      "node_id": "MDQ6VXNlcjE=",
      "url": "https://api.github.com/users/octocat",
      "html_url": "https://github.com/octocat",
      "type": "User",
      "site_admin": false
    },
    "access_tokens_url": "https://api.github.com/app/installations/1/access_tokens",
    "repositories_url": "https://api.github.com/installation/repositories",
    "html_url": "https://github.com/organizations/github/settings/installations/1",
    "app_id": 1,
    "target_id": 1,
    "target_type": "Organization",
    "permissions": {
      "checks": "write",
      "metadata": "read",
      "contents": "read"
    },
    "events": [
      "push",
      "pull_request"
    ],
    "single_file_name": "config.yaml",
    "has_multiple_single_files": true,
    "single_file_paths": [
      "config.yml",
      ".github/issue_TEMPLATE.md"
    ],
    "repository_selection": "selected",
    "created_at": "2017-07-08T16:18:44-04:00",
    "updated_at": "2017-07-08T16:18:44-04:00",
    "app_slug": "github-actions",
    "suspended_at": null,
    "suspended_by": null
  }
]`

// source: the same endpoint's installation schema with suspended_at and suspended_by
// set (docs.github.com/rest/apps/apps#suspend-an-app-installation), on an enterprise
// account (enterprise accounts carry slug and name instead of login)
const githubSuspendedEnterprise = `[{"id":42,"client_id":"Iv1.ab1112223334445c","account":{"id":9,"slug":"octo-business","name":"Octo Business","html_url":"https://github.com/enterprises/octo-business"},
"app_id":7,"app_slug":"governance-bot","target_id":9,"target_type":"Enterprise","permissions":{"enterprise_organization_installations":"write"},
"events":[],"repository_selection":"selected","suspended_at":"2024-02-01T08:00:00Z","suspended_by":{"login":"enterprise-owner","id":3,"type":"User","site_admin":false}}]`

func TestParseInstallations(t *testing.T) {
	g := &githubRun{}
	spec := servicetest.NewSpec("github", servicetest.Set("app_id", "Iv23liSandboxApp0001", "base_url", "https://ghe.example.com/api/v3"))
	s := &inventory.Session{Spec: spec}

	page, err := parseInstallations([]byte(githubDocsInstallations))
	if err != nil || len(page) != 1 {
		t.Fatalf("docs page: %v %v", page, err)
	}
	a := g.installationApp(s, page[0])
	if a.ID != "1" || a.DisplayName != "octocat" || a.Owners != -1 || len(a.Findings) != 0 || len(a.Credentials) != 0 {
		t.Errorf("app: %+v", a)
	}
	if !slices.Equal(a.RequiredScopes, []string{"checks:write", "contents:read", "metadata:read"}) {
		t.Errorf("scopes = %v", a.RequiredScopes)
	}
	want := map[string]string{"app_type": "github_app", "app_id": "Iv23liSandboxApp0001", "installation_id": "1",
		"organization": "octocat", "base_url": "https://ghe.example.com/api/v3"}
	if len(a.Settings) != len(want) {
		t.Errorf("settings = %v", a.Settings)
	}
	for k, v := range want {
		if a.Settings[k] != v {
			t.Errorf("settings[%s] = %q, want %q", k, a.Settings[k], v)
		}
	}

	page, err = parseInstallations([]byte(githubSuspendedEnterprise))
	if err != nil || len(page) != 1 {
		t.Fatalf("enterprise page: %v %v", page, err)
	}
	a = g.installationApp(s, page[0])
	if a.DisplayName != "octo-business" || a.ClientID != "Iv1.ab1112223334445c" || a.Settings["organization"] != "" {
		t.Errorf("enterprise installation: %+v", a)
	}
	if len(a.Findings) != 1 {
		t.Fatalf("findings: %+v", a.Findings)
	}
	f := a.Findings[0]
	if f.Category != finding.AppNotInstalled || f.Code != "installation suspended" || f.Path.String() != "github.installation_id" ||
		!strings.Contains(f.Detail, "enterprise-owner") || !strings.Contains(f.Detail, "2024-02-01T08:00:00Z") {
		t.Errorf("finding: %+v", f)
	}

	for _, body := range []string{`{"message":"Not Found"}`, `[{"id":"x"}]`, `<html>`, ``} {
		if _, err := parseInstallations([]byte(body)); err == nil {
			t.Errorf("%q parsed", body)
		}
	}
}

func FuzzParseInstallations(f *testing.F) {
	for _, s := range []string{githubDocsInstallations, githubSuspendedEnterprise, `[]`, `[{}]`, `[{"account":null,"suspended_at":""}]`} {
		f.Add([]byte(s))
	}
	g := &githubRun{}
	s := &inventory.Session{Spec: servicetest.NewSpec("github", nil)}
	f.Fuzz(func(t *testing.T, body []byte) {
		page, err := parseInstallations(body)
		if err != nil {
			return
		}
		for _, in := range page {
			a := g.installationApp(s, in)
			if a.Settings["installation_id"] == "" {
				t.Fatalf("no installation_id: %+v", a)
			}
		}
	})
}

// appListSpec is an admin spec for the sandbox's GitHub App (no installation:
// listing needs only the app).
func appListSpec(t *testing.T, srv *sandbox.Server, base string) *connector.Spec {
	t.Helper()
	key, err := SandboxAppPrivateKey(context.Background(), srv.VendorURL("github"))
	if err != nil {
		t.Fatal(err)
	}
	return servicetest.NewSpec("github", servicetest.Set("base_url", base, "app_id", SandboxAppClientID), servicetest.WithKey(key))
}

// TestGitHubListSandbox lists the sandbox app's five installations in three
// pages of at most two, on both API root shapes.
func TestGitHubListSandbox(t *testing.T) {
	srv := sandbox.Start(*Service().Emulation)
	defer srv.Close()
	for _, base := range []string{srv.VendorURL("github"), srv.VendorURL("github") + "/api/v3"} {
		s := servicetest.OpenSession(t, Service().Plan, appListSpec(t, srv, base))
		log := servicetest.RecordRequests(t, s)
		apps, fs := servicetest.ListApps(t, Service().List, s, 0)
		if len(fs) != 0 {
			t.Fatalf("%s: findings %+v", base, fs)
		}
		var ids, names []string
		for _, a := range apps {
			ids, names = append(ids, a.ID), append(names, a.DisplayName)
		}
		if !slices.Equal(ids, []string{"1001", "1002", "1003", "1004", "1005"}) ||
			!slices.Equal(names, []string{"octo-org", "suspended-org", "limited-org", "busy-org", "mona"}) {
			t.Fatalf("%s: ids %v, names %v", base, ids, names)
		}
		if n := log.Count(); n != 3 {
			t.Errorf("%s: %d requests, want 3 pages:\n%s", base, n, strings.Join(log.Requests(), "\n"))
		}
		for _, r := range log.Requests() {
			if !strings.HasPrefix(r, "GET "+base+"/app/installations?") {
				t.Errorf("request %s", r)
			}
		}
		for _, a := range apps {
			if a.Settings["app_type"] != "github_app" || a.Settings["app_id"] != SandboxAppClientID ||
				a.Settings["installation_id"] != a.ID || a.Settings["organization"] != a.DisplayName || a.Settings["base_url"] != base ||
				a.ClientID != SandboxAppClientID || a.Owners != -1 {
				t.Errorf("%s: %+v", a.DisplayName, a)
			}
			if (a.ID == "1002") != (len(a.Findings) == 1) {
				t.Errorf("%s: findings %+v", a.DisplayName, a.Findings)
			}
		}
		if got := apps[0].RequiredScopes; !slices.Equal(got, []string{"contents:read", "members:read", "metadata:read"}) {
			t.Errorf("octo-org scopes %v", got)
		}
		if got := apps[4].RequiredScopes; !slices.Equal(got, []string{"contents:read", "issues:write", "metadata:read"}) {
			t.Errorf("mona scopes %v", got)
		}
		if f := apps[1].Findings[0]; f.Category != finding.AppNotInstalled || f.Code != "installation suspended" || f.Path.String() != "github.installation_id" {
			t.Errorf("suspended finding %+v", f)
		}
	}
}

// TestGitHubListStopsEarly: no page is requested after yield says stop.
func TestGitHubListStopsEarly(t *testing.T) {
	srv := sandbox.Start(*Service().Emulation)
	defer srv.Close()
	spec := appListSpec(t, srv, srv.VendorURL("github"))
	for stop, pages := range map[int]int{1: 1, 2: 1, 3: 2, 5: 3} {
		s := servicetest.OpenSession(t, Service().Plan, spec)
		log := servicetest.RecordRequests(t, s)
		apps, fs := servicetest.ListApps(t, Service().List, s, stop)
		if len(apps) != stop || len(fs) != 0 || log.Count() != pages {
			t.Errorf("stop at %d: %d apps, %d requests (want %d), findings %+v", stop, len(apps), log.Count(), pages, fs)
		}
	}
}

// TestGitHubListRefused: a JWT GitHub refuses ends the listing with the
// live check's finding, on the attribute to fix.
func TestGitHubListRefused(t *testing.T) {
	srv := sandbox.Start(*Service().Emulation)
	defer srv.Close()
	base := srv.VendorURL("github")
	good := appListSpec(t, srv, base)
	for _, tc := range []struct {
		name string
		spec *connector.Spec
		cat  finding.Category
		path string
	}{
		{"another app's key", servicetest.NewSpec("github", servicetest.Set("base_url", base, "app_id", SandboxAppID), servicetest.WithKey(servicetest.RsaPEM(2048))),
			finding.InvalidCredentials, "auth.private_key_wo"},
		{"unknown app", servicetest.NewSpec("github", servicetest.Set("base_url", base, "app_id", "999999"), servicetest.WithKey(good.Auth.PrivateKey.Value)),
			finding.AppNotFound, "github.app_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := servicetest.StubSession(t, tc.spec, "", decode)
			apps, fs := servicetest.ListApps(t, list, s, 0)
			if len(apps) != 0 || len(fs) != 1 {
				t.Fatalf("apps %d, findings %+v", len(apps), fs)
			}
			f := fs[0]
			if f.Severity != finding.Error || f.Category != tc.cat || f.Path.String() != tc.path ||
				!strings.HasPrefix(f.Summary, "Listing the GitHub App's installations") || !strings.Contains(f.Detail, "only the app's JWT") {
				t.Errorf("finding %+v", f)
			}
		})
	}
	t.Run("a token, not an app", func(t *testing.T) {
		spec := servicetest.NewSpec("github", servicetest.Set("base_url", base), servicetest.WithToken("ghp_sandbox_0123456789abcdefABCDEF01234"))
		_, fs := servicetest.ListApps(t, list, servicetest.StubSession(t, spec, "", decode), 0)
		if len(fs) != 1 || fs[0].Category != finding.InvalidConfiguration || fs[0].Path.String() != "github.app_type" {
			t.Errorf("findings %+v", fs)
		}
	})
}

// TestGitHubListForeignNextLink: a Link to another origin is not followed,
// so the app's JWT never reaches it.
func TestGitHubListForeignNextLink(t *testing.T) {
	foreign := servicetest.StartForeignOrigin(t)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", `<`+foreign.URL+`/app/installations?per_page=100&page=2>; rel="next"`)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(githubDocsInstallations))
	}))
	defer api.Close()
	spec := servicetest.NewSpec("github", servicetest.Set("base_url", api.URL, "app_id", SandboxAppID), servicetest.WithKey(servicetest.RsaPEM(2048)))
	apps, fs := servicetest.ListApps(t, list, servicetest.StubSession(t, spec, "", decode), 0)
	if len(apps) != 1 || len(fs) != 1 || fs[0].Category != finding.UnexpectedResponse || fs[0].Path.String() != "github.base_url" {
		t.Fatalf("apps %d, findings %+v", len(apps), fs)
	}
	if all, _ := foreign.Hits(); all != 0 {
		t.Errorf("the other origin got %d request(s)", all)
	}
}
