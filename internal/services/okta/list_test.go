package okta

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// source: iam-sirisha/Okta-Terraform oauth_apps.tfvars, a real org's
// GET /api/v1/apps answer (demo-automation-terraform-12601.okta.com),
// _links and notifications trimmed.
const realWebApp = `{"id":"0oazn788v7fCyBfQZ697","orn":"orn:okta:idp:00oye8z74hoxMErrs697:apps:oidc_client:0oazn788v7fCyBfQZ697",
"name":"oidc_client","label":"APP3535693-PCF RELEASE","status":"ACTIVE","lastUpdated":"2026-01-29T15:23:10.000Z","created":"2026-01-29T15:23:09.000Z",
"accessibility":{"selfService":false,"errorRedirectUrl":null,"loginRedirectUrl":null},
"visibility":{"autoLaunch":false,"autoSubmitToolbar":false,"hide":{"iOS":true,"web":true},"appLinks":{"oidc_client_link":true}},
"features":[],"signOnMode":"OPENID_CONNECT",
"credentials":{"userNameTemplate":{"template":"${source.login}","type":"BUILT_IN"},"signing":{"kid":"_SCqUs6pYBOo3ojX3Y79P6O7I8x3Rfit6JpD_7lIG2s"},
"oauthClient":{"autoKeyRotation":true,"client_id":"0oazn788v7fCyBfQZ697","token_endpoint_auth_method":"client_secret_basic","pkce_required":false}},
"universalLogout":{"status":"DISABLED","supportType":"FULL","identityStack":"NOT_SHARED","protocol":"GLOBAL_TOKEN_REVOCATION"},
"settings":{"app":{},"manualProvisioning":false,"implicitAssignment":false,"emOptInStatus":"NONE","notes":{"admin":null,"enduser":null},
"oauthClient":{"client_uri":null,"logo_uri":null,"redirect_uris":["http://localhost:8080/authorization-code/callback"],
"post_logout_redirect_uris":["http://localhost:8080"],"response_types":["code"],"grant_types":["authorization_code"],
"application_type":"web","consent_method":"REQUIRED","issuer_mode":"DYNAMIC","idp_initiated_login":{"mode":"DISABLED","default_scope":[]},
"wildcard_redirect":"DISABLED","dpop_bound_access_tokens":false}},
"_links":{"clientCredentials":[{"name":"secrets","href":"https://demo-automation-terraform-12601.okta.com/api/v1/apps/0oazn788v7fCyBfQZ697/credentials/secrets"}]}}`

// source: the same file, the org's SPA (a public client, PKCE).
const realBrowserApp = `{"id":"0oazn6qv94X194IGC697","name":"oidc_client","label":"APP3536352-CMS","status":"ACTIVE","signOnMode":"OPENID_CONNECT",
"credentials":{"userNameTemplate":{"template":"${source.login}","type":"BUILT_IN"},"signing":{"kid":"_SCqUs6pYBOo3ojX3Y79P6O7I8x3Rfit6JpD_7lIG2s"},
"oauthClient":{"autoKeyRotation":true,"client_id":"0oazn6qv94X194IGC697","token_endpoint_auth_method":"none","pkce_required":true}},
"settings":{"app":{},"oauthClient":{"client_uri":null,"logo_uri":null,"redirect_uris":["http://localhost:8080/login/callback"],
"post_logout_redirect_uris":["http://localhost:8080"],"response_types":["code"],"grant_types":["authorization_code"],"application_type":"browser",
"wildcard_redirect":"DISABLED","dpop_bound_access_tokens":false}}}`

// source: joevanhorn/okta-terraform-complete-demo, a terraformer export of
// a real API service app (client_id 0oarf0wpg7NsFsacE1d7, jwks kid
// demoplatform, private_key_jwt), in the JSON shape of Okta's OpenAPI
// (OpenIdConnectApplicationSettingsClient.jwks); modulus shortened.
const realServiceApp = `{"id":"0oarf0wpg7NsFsacE1d7","name":"oidc_client","label":"Demo Platform Management","status":"ACTIVE","signOnMode":"OPENID_CONNECT",
"credentials":{"userNameTemplate":{"template":"${source.login}","type":"BUILT_IN"},
"oauthClient":{"autoKeyRotation":true,"client_id":"0oarf0wpg7NsFsacE1d7","token_endpoint_auth_method":"private_key_jwt","pkce_required":false}},
"settings":{"app":{},"oauthClient":{"response_types":["token"],"grant_types":["client_credentials"],"application_type":"service",
"consent_method":"TRUSTED","issuer_mode":"DYNAMIC","wildcard_redirect":"DISABLED",
"jwks":{"keys":[{"kty":"RSA","kid":"demoplatform","e":"AQAB","n":"lKl3Wk7VzPgARVBQnz1vL2o-2wTAlEEKlTRHsnUFD0zVhJ24jgP_4PNnpU289WTGufiP22Xtr0a4f58fWi"}]}}}}`

// source: mgoodric/security-atlas connectors/okta oktaapps test, a SAML app
// as /api/v1/apps lists it.
const realSAMLApp = `{"id": "app1", "label": "Slack", "status": "ACTIVE", "signOnMode": "SAML_2_0"}`

// source: a paging fixture recorded from a real org (test-instance.oktapreview.com),
// Okta's first-party Admin Console app.
const realFirstParty = `{"id":"0oav0szjt4RXG5wFN697","orn":"orn:okta:idp:00ov0szjsuWEizmLm697:apps:saasure:0oav0szjt4RXG5wFN697",
"name":"saasure","label":"Okta Admin Console","status":"ACTIVE","lastUpdated":"2025-09-01T17:06:17.000Z","created":"2025-09-01T17:06:16.000Z",
"signOnMode":"OPENID_CONNECT","credentials":{"oauthClient":{"client_id":"okta.2b1959c8-bcc0-56eb-a589-cfcfb7422f26","token_endpoint_auth_method":"none"}}}`

func TestOktaParseApps(t *testing.T) {
	settings := map[string]string{"domain": "dev-123456.okta.com"}
	for _, tc := range []struct {
		name    string
		body    string
		listed  bool
		want    inventory.App
		finding finding.Category
	}{
		{name: "web app, client secret", body: realWebApp, listed: true, want: inventory.App{
			ID: "0oazn788v7fCyBfQZ697", DisplayName: "APP3535693-PCF RELEASE", ClientID: "0oazn788v7fCyBfQZ697",
			RedirectURIs: []string{"http://localhost:8080/authorization-code/callback"}, Owners: -1,
			Credentials: []inventory.Credential{{Kind: "client_secret", Name: "client secret (client_secret_basic)"}}}},
		{name: "SPA, PKCE", body: realBrowserApp, listed: true, want: inventory.App{
			ID: "0oazn6qv94X194IGC697", DisplayName: "APP3536352-CMS", ClientID: "0oazn6qv94X194IGC697",
			RedirectURIs: []string{"http://localhost:8080/login/callback"}, Owners: -1}},
		{name: "service app, JWKS", body: realServiceApp, listed: true, want: inventory.App{
			ID: "0oarf0wpg7NsFsacE1d7", DisplayName: "Demo Platform Management", ClientID: "0oarf0wpg7NsFsacE1d7", Owners: -1,
			Credentials: []inventory.Credential{{Kind: "private_key", Name: "public key demoplatform"}}}},
		{name: "deactivated", body: strings.Replace(realWebApp, `"status":"ACTIVE"`, `"status":"INACTIVE"`, 1), listed: true, want: inventory.App{
			ID: "0oazn788v7fCyBfQZ697", DisplayName: "APP3535693-PCF RELEASE", ClientID: "0oazn788v7fCyBfQZ697",
			RedirectURIs: []string{"http://localhost:8080/authorization-code/callback"}, Owners: -1,
			Credentials: []inventory.Credential{{Kind: "client_secret", Name: "client secret (client_secret_basic)"}}},
			finding: finding.AccountDisabled},
		{name: "SAML app", body: realSAMLApp},
		{name: "first-party app", body: realFirstParty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			apps, err := parseApps([]byte("[" + tc.body + "]"))
			if err != nil || len(apps) != 1 {
				t.Fatalf("parseApps: %v, %d apps", err, len(apps))
			}
			got, listed := apps[0].app(settings)
			if listed != tc.listed {
				t.Fatalf("listed = %v", listed)
			}
			if !listed {
				return
			}
			if got.Settings["domain"] != "dev-123456.okta.com" {
				t.Errorf("settings %v", got.Settings)
			}
			fs := got.Findings
			got.Settings, got.Findings = nil, nil
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			if tc.finding == "" && len(fs) > 0 || tc.finding != "" && (len(fs) != 1 || fs[0].Category != tc.finding ||
				fs[0].Path.String() != "auth.client_id" || len(fs[0].Remediation) == 0) {
				t.Errorf("findings %+v", fs)
			}
		})
	}
	if _, err := parseApps([]byte(`{"errorCode":"E0000006"}`)); err == nil {
		t.Error("an object parsed as a page")
	}
}

func TestOktaListSandbox(t *testing.T) {
	sb := startSandbox(t)
	key := servicetest.TestRSA2048()
	for _, tc := range []struct {
		name string
		spec *connector.Spec
	}{
		{"API token", liveSpec(sb, nil, servicetest.WithToken("healthy.00Qlist"))},
		{"service app with okta.apps.read", liveSpec(sb, nil, servicetest.WithClient("healthy.0oaadmin", ""),
			servicetest.WithKey(key), servicetest.WithScopes("okta.apps.read"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sess, c := servicetest.OpenAdmin(t, Service().Plan, tc.spec)
			apps, fs := servicetest.ListApps(t, list, sess, 0)
			if len(fs) > 0 {
				t.Fatalf("findings: %+v", fs)
			}
			var names []string
			for _, a := range apps {
				names = append(names, a.DisplayName)
				if a.ID != a.ClientID || a.Owners != -1 || a.Settings["domain"] != "dev-123456.okta.com" || a.Settings["base_url"] != sb.VendorURL("okta") {
					t.Errorf("%s: %+v", a.DisplayName, a)
				}
			}
			want := []string{"Payroll Portal", "Expense Sync", "Legacy Intranet", "Old CRM", "Field Service App"}
			if !slices.Equal(names, want) {
				t.Fatalf("apps %q, want %q", names, want)
			}
			// Seven apps in the org, two a page: four requests, each after
			// the first following Okta's next link.
			if len(c.URLs()) != 4 || !strings.Contains(c.URLs()[0], "limit=200") || !strings.Contains(c.URLs()[1], "after=0oa8sbxexpense000697") {
				t.Errorf("requests %q", c.URLs())
			}
			if got := apps[2].RedirectURIs; !slices.Equal(got, []string{"http://intranet.example.com/callback", "https://*.example.com/callback"}) {
				t.Errorf("intranet redirects %q", got)
			}
			if len(apps[3].Findings) != 1 || apps[3].Findings[0].Category != finding.AccountDisabled {
				t.Errorf("Old CRM findings %+v", apps[3].Findings)
			}
			if got := apps[1].Credentials; len(got) != 1 || got[0].Kind != "private_key" || got[0].Name != "public key expense-2025" {
				t.Errorf("Expense Sync credentials %+v", got)
			}
			if len(apps[4].Credentials) != 0 || apps[4].RedirectURIs[0] != "com.example.field:/callback" {
				t.Errorf("Field Service App %+v", apps[4])
			}
		})
	}
}

func TestOktaListStopsWhenToldTo(t *testing.T) {
	sb := startSandbox(t)
	for _, tc := range []struct{ stop, requests int }{{1, 1}, {2, 1}, {3, 2}, {5, 4}} {
		sess, c := servicetest.OpenAdmin(t, Service().Plan, liveSpec(sb, nil, servicetest.WithToken("healthy.00Qstop")))
		apps, fs := servicetest.ListApps(t, list, sess, tc.stop)
		if len(apps) != tc.stop || len(fs) > 0 || len(c.URLs()) != tc.requests {
			t.Errorf("stop after %d: %d apps, %d requests %q, findings %+v", tc.stop, len(apps), len(c.URLs()), c.URLs(), fs)
		}
	}
}

func TestOktaListRefused(t *testing.T) {
	sb := startSandbox(t)
	key := servicetest.TestRSA2048()
	for _, tc := range []struct {
		name      string
		spec      *connector.Spec
		cat       finding.Category
		path, fix string
	}{
		{"admin role cannot read apps", liveSpec(sb, nil, servicetest.WithToken("no-apps-admin.00Q")),
			finding.AccessDenied, "auth.token_wo", "Read-Only Administrator"},
		{"token without okta.apps.read", liveSpec(sb, nil, servicetest.WithClient("healthy.0oaadmin", ""),
			servicetest.WithKey(key), servicetest.WithScopes("okta.users.read")),
			finding.InsufficientScope, "required_scopes", "okta.apps.read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sess, _ := servicetest.OpenAdmin(t, Service().Plan, tc.spec)
			apps, fs := servicetest.ListApps(t, list, sess, 0)
			if len(apps) != 0 || len(fs) != 1 {
				t.Fatalf("%d apps, findings %+v", len(apps), fs)
			}
			f := fs[0]
			if f.Severity != finding.Error || f.Category != tc.cat || f.Code != "E0000006" || f.Path.String() != tc.path ||
				!strings.Contains(strings.Join(f.Remediation, " "), tc.fix) || !strings.Contains(f.Detail, "/api/v1/apps") {
				t.Errorf("finding %+v", f)
			}
		})
	}
}

func TestOktaListRefusesForeignNextLink(t *testing.T) {
	var mu sync.Mutex
	var stolen []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		stolen = append(stolen, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Write([]byte("[]"))
	}))
	defer other.Close()
	org := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Link", `<`+other.URL+`/api/v1/apps?after=0oazn788v7fCyBfQZ697&limit=200>; rel="next"`)
		w.Write([]byte("[" + realWebApp + "]"))
	}))
	defer org.Close()
	spec := servicetest.NewSpec("okta", servicetest.Set("domain", "dev-123456.okta.com", "base_url", org.URL), servicetest.WithToken("00Qadmin-token"))
	sess := &inventory.Session{Spec: spec, HTTP: org.Client(), Now: time.Now,
		Decode: func(a connector.Answer) finding.Finding { f, _ := decode(a); return f }}
	apps, fs := servicetest.ListApps(t, list, sess, 0)
	if len(apps) != 1 || len(fs) != 1 || fs[0].Code != "next_link_origin" || fs[0].Path.String() != "okta.base_url" {
		t.Fatalf("%d apps, findings %+v", len(apps), fs)
	}
	if strings.Contains(fs[0].Detail, "00Qadmin-token") || strings.Contains(fs[0].Detail, "after=") {
		t.Errorf("detail shows too much: %s", fs[0].Detail)
	}
	if len(stolen) != 0 {
		t.Errorf("the other origin got %d request(s)", len(stolen))
	}
}

func FuzzOktaApps(f *testing.F) {
	for _, b := range []string{realWebApp, realBrowserApp, realServiceApp, realSAMLApp, realFirstParty} {
		f.Add("["+b+"]", `<https://a.okta.com/api/v1/apps?after=x>; rel="next"`)
	}
	f.Add(`[{"credentials":{"oauthClient":{"client_id":"x"}},"id":"y","settings":{"oauthClient":{"jwks":{"keys":[{}]}}}}]`, `<>;rel=next,`)
	f.Fuzz(func(t *testing.T, body, link string) {
		apps, err := parseApps([]byte(body))
		if err != nil {
			return
		}
		for _, a := range apps {
			if got, ok := a.app(map[string]string{"domain": "d"}); ok && (got.ClientID == "" || got.ID == "") {
				t.Errorf("listed without ids: %+v", got)
			}
		}
		_ = kit.NextLink(http.Header{"Link": {link}}, "https://d.okta.com/api/v1/apps")
	})
}
