package keycloak

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// source: ekalinin/gloak internal/conformance/testdata/golden/admin/clients/list.http,
// recorded from Keycloak 26.7.1 (GET /admin/realms/master/clients): the
// built-in clients of a new realm; ids were {{string}} placeholders.
const realBuiltIns = `[{"id":"b1","clientId":"account","name":"${client_account}","rootUrl":"${authBaseUrl}","baseUrl":"/realms/master/account/","surrogateAuthRequired":false,"enabled":true,"alwaysDisplayInConsole":false,"clientAuthenticatorType":"client-secret","redirectUris":["/realms/master/account/*"],"webOrigins":[],"notBefore":0,"bearerOnly":false,"consentRequired":false,"standardFlowEnabled":true,"implicitFlowEnabled":false,"directAccessGrantsEnabled":false,"serviceAccountsEnabled":false,"publicClient":true,"frontchannelLogout":false,"protocol":"openid-connect","attributes":{"realm_client":"false","post.logout.redirect.uris":"+"},"authenticationFlowBindingOverrides":{},"fullScopeAllowed":false,"nodeReRegistrationTimeout":0,"defaultClientScopes":["web-origins","acr","profile","roles","basic","email"],"optionalClientScopes":["address","phone","organization","offline_access","microprofile-jwt"],"access":{"view":true,"configure":true,"manage":true}},
{"id":"b2","clientId":"broker","name":"${client_broker}","surrogateAuthRequired":false,"enabled":true,"alwaysDisplayInConsole":false,"clientAuthenticatorType":"client-secret","redirectUris":[],"webOrigins":[],"notBefore":0,"bearerOnly":true,"consentRequired":false,"standardFlowEnabled":true,"implicitFlowEnabled":false,"directAccessGrantsEnabled":false,"serviceAccountsEnabled":false,"publicClient":false,"frontchannelLogout":false,"protocol":"openid-connect","attributes":{"realm_client":"true"},"authenticationFlowBindingOverrides":{},"fullScopeAllowed":false,"nodeReRegistrationTimeout":0},
{"id":"b3","clientId":"master-realm","name":"master Realm","surrogateAuthRequired":false,"enabled":true,"alwaysDisplayInConsole":false,"clientAuthenticatorType":"client-secret","redirectUris":[],"webOrigins":[],"notBefore":0,"bearerOnly":true,"consentRequired":false,"standardFlowEnabled":true,"implicitFlowEnabled":false,"directAccessGrantsEnabled":false,"serviceAccountsEnabled":false,"publicClient":false,"frontchannelLogout":false,"attributes":{"realm_client":"true"},"authenticationFlowBindingOverrides":{},"fullScopeAllowed":false,"nodeReRegistrationTimeout":0,"access":{"view":true,"configure":false,"manage":false}}]`

// source: ekalinin/gloak golden admin/clients/read-created.http (Keycloak
// 26.7.1): a new confidential client, with the secret Keycloak puts in
// every representation (a {{string}} placeholder there).
const realConfidential = `{"id":"3f6c1f7e-2b7d-4c55-9d7e-4d1b1a0c9e11","clientId":"gloak-probe-read","surrogateAuthRequired":false,"enabled":true,"alwaysDisplayInConsole":false,"clientAuthenticatorType":"client-secret","secret":"kc-secret-value-do-not-copy","redirectUris":[],"webOrigins":[],"notBefore":0,"bearerOnly":false,"consentRequired":false,"standardFlowEnabled":true,"implicitFlowEnabled":false,"directAccessGrantsEnabled":false,"serviceAccountsEnabled":false,"publicClient":false,"frontchannelLogout":false,"protocol":"openid-connect","attributes":{"client.secret.creation.time":"1768654867","realm_client":"false"},"authenticationFlowBindingOverrides":{},"fullScopeAllowed":true,"nodeReRegistrationTimeout":-1,"defaultClientScopes":["acr","basic","email","profile","roles","web-origins"],"optionalClientScopes":["address","microprofile-jwt","offline_access","organization","phone"],"access":{"view":true,"configure":true,"manage":true}}`

// source: a realm-audit fixture on GitHub (clients of a realm with secret
// rotation; find_string "client.secret.expiration.time"): expiration 0
// means the secret never expires. The rotated-secret attributes are the
// admin console's (ClientSecret.tsx reads client.secret.rotated and
// client.secret.rotated.expiration.time).
const realRotation = `{"id":"client-uuid-payment","clientId":"svc-payment-bot","name":"Payment Processing Service","description":"OAuth client for the payment automation service","enabled":true,"publicClient":false,"serviceAccountsEnabled":true,"standardFlowEnabled":false,"secret":"REDACTED-rotate-me","protocol":"openid-connect","attributes":{"client.secret.creation.time":"1673769600","client.secret.expiration.time":"0"}}`

// source: a SAML client as Keycloak's admin API takes and returns it
// (SigNoz integration tests' Keycloak setup; find_string "realm_client").
const realSAML = `{"id":"s1","clientId":"https://signoz.example.com/saml","enabled":true,"clientAuthenticatorType":"client-secret","redirectUris":["https://signoz.example.com/*"],"bearerOnly":false,"publicClient":true,"protocol":"saml","attributes":{"saml.assertion.signature":"false","realm_client":"false"}}`

func TestKeycloakParseClients(t *testing.T) {
	settings := map[string]string{"base_url": "https://sso.example.com", "realm": "acme"}
	at := func(epoch int64) *time.Time { v := time.Unix(epoch, 0).UTC(); return &v }
	cert := sandboxCert("partner", time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC))
	for _, tc := range []struct {
		name string
		body string
		want []inventory.App
	}{
		{"built-in clients are left out", realBuiltIns, nil},
		{"confidential, secret never expires", "[" + realConfidential + "]", []inventory.App{{
			ID: "3f6c1f7e-2b7d-4c55-9d7e-4d1b1a0c9e11", DisplayName: "gloak-probe-read", ClientID: "gloak-probe-read", RedirectURIs: []string{}, Owners: -1,
			Credentials: []inventory.Credential{{Kind: "client_secret", Name: "client secret"}}}}},
		{"expiration 0 is never", "[" + realRotation + "]", []inventory.App{{
			ID: "client-uuid-payment", DisplayName: "Payment Processing Service", ClientID: "svc-payment-bot", Owners: -1,
			Credentials: []inventory.Credential{{Kind: "client_secret", Name: "client secret"}}}}},
		{"secret and rotated secret expire", "[" + strings.Replace(realRotation, `"client.secret.expiration.time":"0"`,
			`"client.secret.expiration.time":"1767225600","client.secret.rotated":"old-secret-value","client.secret.rotated.expiration.time":1766000000`, 1) + "]",
			[]inventory.App{{ID: "client-uuid-payment", DisplayName: "Payment Processing Service", ClientID: "svc-payment-bot", Owners: -1,
				Credentials: []inventory.Credential{{Kind: "client_secret", Name: "client secret", ExpiresAt: at(1767225600)},
					{Kind: "client_secret", Name: "rotated client secret (accepted until it expires)", ExpiresAt: at(1766000000)}}}}},
		{"Signed JWT with a certificate", "[" + strings.TrimSuffix(strings.Replace(realConfidential, `"clientAuthenticatorType":"client-secret"`,
			`"clientAuthenticatorType":"client-jwt"`, 1), "}") + `,"attributes":{"jwt.credential.certificate":"` + cert + `","use.jwks.url":"false"}}]`,
			[]inventory.App{{ID: "3f6c1f7e-2b7d-4c55-9d7e-4d1b1a0c9e11", DisplayName: "gloak-probe-read", ClientID: "gloak-probe-read", RedirectURIs: []string{}, Owners: -1,
				Credentials: []inventory.Credential{{Kind: "private_key", Name: "private key (Signed JWT; certificate registered on the client)"},
					{Kind: "certificate", Name: "certificate CN=partner", ExpiresAt: at(time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC).Unix())}}}}},
		{"SAML client is left out", "[" + realSAML + "]", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clients, err := parseClients([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			var got []inventory.App
			for _, c := range clients {
				if a, ok := c.app(settings); ok {
					if a.Settings["realm"] != "acme" || len(a.Findings) > 0 {
						t.Errorf("settings %v, findings %+v", a.Settings, a.Findings)
					}
					a.Settings = nil
					got = append(got, a)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			if s := fmt.Sprintf("%+v", got); strings.Contains(s, "do-not-copy") || strings.Contains(s, "REDACTED") || strings.Contains(s, "old-secret-value") {
				t.Errorf("a secret was copied: %s", s)
			}
		})
	}
	disabled, _ := parseClients([]byte("[" + strings.Replace(realConfidential, `"enabled":true`, `"enabled":false`, 1) + "]"))
	if a, ok := disabled[0].app(settings); !ok || len(a.Findings) != 1 || a.Findings[0].Category != finding.AccountDisabled ||
		a.Findings[0].Path.String() != "auth.client_id" || !strings.Contains(a.Findings[0].Remediation[0], "gloak-probe-read") {
		t.Errorf("disabled: %+v", a.Findings)
	}
	if _, err := parseClients([]byte(`{"error":"HTTP 403 Forbidden"}`)); err == nil {
		t.Error("an error body parsed as a page")
	}
}

func TestKeycloakListSandbox(t *testing.T) {
	sess, log := servicetest.OpenAdmin(t, Service().Plan, liveSpec("acme", "healthy.inventory"))
	apps, fs := servicetest.ListApps(t, list, sess, 0)
	if len(fs) > 0 {
		t.Fatalf("findings %+v", fs)
	}
	var ids []string
	for _, a := range apps {
		ids = append(ids, a.ClientID)
		if a.Owners != -1 || a.Settings["realm"] != "acme" || a.Settings["base_url"] != testSandbox().VendorURL("keycloak") || a.ID == "" {
			t.Errorf("%s: %+v", a.ClientID, a)
		}
	}
	want := []string{"archive-sync", "billing-service", "legacy-portal", "mobile-app", "old-batch", "reporting-etl", "signed-jwt-worker"}
	if !slices.Equal(ids, want) {
		t.Fatalf("clients %q, want %q", ids, want)
	}
	// Fourteen clients, two a page: seven pages and the empty one after them.
	urls := log.URLs()
	if len(urls) != 8 || !strings.Contains(urls[0], "first=0&max=100") || !strings.Contains(urls[7], "first=14&") {
		t.Errorf("requests %q", urls)
	}
	byID := map[string]inventory.App{}
	for _, a := range apps {
		byID[a.ClientID] = a
	}
	days := func(a inventory.App, i int) float64 {
		if len(a.Credentials) <= i || a.Credentials[i].ExpiresAt == nil {
			return 0
		}
		return time.Until(*a.Credentials[i].ExpiresAt).Hours() / 24
	}
	for _, c := range []struct {
		id        string
		cred      int
		from, til float64
	}{{"archive-sync", 0, -3.1, -2.9}, {"billing-service", 0, 199.9, 200.1}, {"reporting-etl", 0, 9.9, 10.1},
		{"reporting-etl", 1, 1.9, 2.1}, {"signed-jwt-worker", 1, 89.9, 90.1}} {
		if d := days(byID[c.id], c.cred); d < c.from || d > c.til {
			t.Errorf("%s credential %d expires in %.2f days: %+v", c.id, c.cred, d, byID[c.id].Credentials)
		}
	}
	if got := byID["legacy-portal"].RedirectURIs; !slices.Equal(got, []string{"http://portal.example.com/*"}) {
		t.Errorf("legacy-portal redirects %q", got)
	}
	if f := byID["old-batch"].Findings; len(f) != 1 || f[0].Category != finding.AccountDisabled {
		t.Errorf("old-batch findings %+v", f)
	}
	if len(byID["mobile-app"].Credentials) != 0 || byID["mobile-app"].DisplayName != "mobile-app" || byID["billing-service"].DisplayName != "Billing service" {
		t.Errorf("mobile-app %+v, billing-service %+v", byID["mobile-app"], byID["billing-service"])
	}
	if s := fmt.Sprintf("%+v", apps); strings.Contains(s, "sbx-listed-secret") || strings.Contains(s, "sbx-rotated-secret") {
		t.Errorf("a secret was copied: %s", s)
	}
}

func TestKeycloakListStopsWhenToldTo(t *testing.T) {
	for _, tc := range []struct{ stop, requests int }{{1, 2}, {2, 3}, {4, 4}, {7, 7}} {
		sess, log := servicetest.OpenAdmin(t, Service().Plan, liveSpec("acme", "healthy.stop"))
		apps, fs := servicetest.ListApps(t, list, sess, tc.stop)
		if len(apps) != tc.stop || len(fs) > 0 || len(log.URLs()) != tc.requests {
			t.Errorf("stop after %d: %d clients, requests %q, findings %+v", tc.stop, len(apps), log.URLs(), fs)
		}
	}
}

func TestKeycloakListRefused(t *testing.T) {
	for _, tc := range []struct {
		client string
		sev    finding.Severity
		cat    finding.Category
		code   string
	}{
		{"no-roles.inventory", finding.Error, finding.AccessDenied, "HTTP 403 Forbidden"},
		{"query-only.inventory", finding.Warning, finding.AccessDenied, "view-clients"},
	} {
		sess, log := servicetest.OpenAdmin(t, Service().Plan, liveSpec("acme", tc.client))
		apps, fs := servicetest.ListApps(t, list, sess, 0)
		if len(apps) != 0 || len(fs) != 1 || len(log.URLs()) != 1 {
			t.Fatalf("%s: %d clients, %d requests, findings %+v", tc.client, len(apps), len(log.URLs()), fs)
		}
		f := fs[0]
		if f.Severity != tc.sev || f.Category != tc.cat || f.Code != tc.code || f.Path.String() != "auth.client_id" ||
			!strings.Contains(strings.Join(f.Remediation, " "), "realm-management view-clients") {
			t.Errorf("%s: %+v", tc.client, f)
		}
	}
}

// TestKeycloakListRepeatedPage stops when a server ignores first instead
// of asking for the same page forever.
func TestKeycloakListRepeatedPage(t *testing.T) {
	sess, log := servicetest.OpenAdmin(t, Service().Plan, liveSpec("acme", "healthy.repeat"))
	inner := sess.HTTP.Transport
	client := *sess.HTTP
	client.Transport = roundTripper(func(r *http.Request) (*http.Response, error) {
		q := r.URL.Query()
		q.Set("first", "4") // a proxy that pins the page
		r = r.Clone(r.Context())
		r.URL.RawQuery = q.Encode()
		return inner.RoundTrip(r)
	})
	sess.HTTP = &client
	apps, fs := servicetest.ListApps(t, list, sess, 0)
	if len(apps) != 1 || len(fs) != 1 || fs[0].Category != finding.UnexpectedResponse || len(log.URLs()) != 2 {
		t.Errorf("%d clients, requests %q, findings %+v", len(apps), log.URLs(), fs)
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func FuzzKeycloakClients(f *testing.F) {
	for _, b := range []string{realBuiltIns, "[" + realConfidential + "]", "[" + realRotation + "]", "[" + realSAML + "]"} {
		f.Add(b)
	}
	f.Add(`[{"id":"x","clientId":"y","attributes":{"jwt.credential.certificate":"MIIB","client.secret.expiration.time":-1}}]`)
	f.Fuzz(func(t *testing.T, body string) {
		clients, err := parseClients([]byte(body))
		if err != nil {
			return
		}
		for _, c := range clients {
			if a, ok := c.app(map[string]string{}); ok && (a.ID == "" || a.ClientID == "") {
				t.Errorf("listed without ids: %+v", a)
			}
		}
	})
}
