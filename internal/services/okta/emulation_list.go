package okta

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// The sandbox org's apps, served by GET /okta/api/v1/apps to an admin
// credential that may read apps: the API tokens healthy.*, rate-low.* and
// rate-exhausted.* (SSWS), or an access token of service app healthy.*
// issued with scope okta.apps.read (or okta.apps.manage). Other callers get
// Okta's refusals (see emulation.go): no-apps-admin.* 403 E0000006, a
// token without the scope 403 with an insufficient_scope challenge.
//
// In Okta's order (the order they were created):
//
//	0oa8sbxpayroll000697  Payroll Portal      web app, client_secret_basic, https redirect: healthy
//	0oa8sbxexpense000697  Expense Sync        API service app, private_key_jwt with one
//	                                          public key (kid expense-2025): healthy
//	0oa8sbxtravel0000697  Travel Desk         SAML 2.0 app: not an OAuth client, not listed
//	0oa8sbxintranet00697  Legacy Intranet     web app whose redirect URIs break the rules:
//	                                          http://intranet.example.com/callback (plain http,
//	                                          not loopback) and https://*.example.com/callback
//	                                          (a wildcard; wildcard_redirect SUBDOMAIN)
//	0oa8sbxoldcrm0000697  Old CRM             INACTIVE (deactivated) web app; listed only
//	                                          with includeNonDeleted=true
//	0oa8sbxadmincon00697  Okta Admin Console  Okta's first-party app (saasure): not listed
//	0oa8sbxfieldapp00697  Field Service App   native app, PKCE (auth method none),
//	                                          redirect com.example.field:/callback: healthy
//
// Okta client secrets and JWKS keys carry no expiry, so no Okta app has
// an expiring secret; owners are not an Okta notion. Okta serves up to 200
// apps a page; the sandbox serves at most 2 whatever limit asks, so that
// listing the seven takes four pages, linked as Okta links them (Link
// headers rel="self" and rel="next", the cursor in after).

// oktaSeedApp is one seeded app.
type oktaSeedApp struct {
	id, name, label, status, signOn string
	appType, authMethod             string
	redirects                       []string
	wildcard                        string
	jwksKID                         string
}

var oktaSeedApps = []oktaSeedApp{
	{id: "0oa8sbxpayroll000697", name: "oidc_client", label: "Payroll Portal", status: "ACTIVE", signOn: "OPENID_CONNECT",
		appType: "web", authMethod: "client_secret_basic", redirects: []string{"https://payroll.example.com/oauth/callback"}},
	{id: "0oa8sbxexpense000697", name: "oidc_client", label: "Expense Sync", status: "ACTIVE", signOn: "OPENID_CONNECT",
		appType: "service", authMethod: "private_key_jwt", jwksKID: "expense-2025"},
	{id: "0oa8sbxtravel0000697", name: "travel_desk_saml", label: "Travel Desk", status: "ACTIVE", signOn: "SAML_2_0"},
	{id: "0oa8sbxintranet00697", name: "oidc_client", label: "Legacy Intranet", status: "ACTIVE", signOn: "OPENID_CONNECT",
		appType: "web", authMethod: "client_secret_post", wildcard: "SUBDOMAIN",
		redirects: []string{"http://intranet.example.com/callback", "https://*.example.com/callback"}},
	{id: "0oa8sbxoldcrm0000697", name: "oidc_client", label: "Old CRM", status: "INACTIVE", signOn: "OPENID_CONNECT",
		appType: "web", authMethod: "client_secret_basic", redirects: []string{"https://crm.example.com/login/callback"}},
	{id: "0oa8sbxadmincon00697", name: "saasure", label: "Okta Admin Console", status: "ACTIVE", signOn: "OPENID_CONNECT",
		appType: "browser", authMethod: "none", redirects: []string{"https://dev-123456-admin.okta.com/admin/sso/callback"}},
	{id: "0oa8sbxfieldapp00697", name: "oidc_client", label: "Field Service App", status: "ACTIVE", signOn: "OPENID_CONNECT",
		appType: "native", authMethod: "none", redirects: []string{"com.example.field:/callback"}},
}

// oktaSandboxPageCap is the sandbox's page size cap (Okta's is 200).
const oktaSandboxPageCap = 2

func oktaApps(world emulation.World, w http.ResponseWriter, r *http.Request) {
	scenario, scopes, ok := oktaCaller(world, r)
	remaining := 599
	switch {
	case !ok:
		writeOktaError(w, http.StatusUnauthorized, "E0000005", "Invalid session", oktaRate(599)...)
		return
	case scenario == "healthy":
	case scenario == "rate-low":
		remaining = 12
	case scenario == "rate-exhausted":
		remaining = 0
	case scenario == "app-healthy" && (slices.Contains(scopes, "okta.apps.read") || slices.Contains(scopes, "okta.apps.manage")):
	default:
		oktaRefuse(w, r, scenario, "okta.apps.read")
		return
	}
	q := r.URL.Query()
	var apps []oktaSeedApp
	for _, a := range oktaSeedApps {
		if a.status == "ACTIVE" || q.Get("includeNonDeleted") == "true" {
			apps = append(apps, a)
		}
	}
	start := 0
	if after := q.Get("after"); after != "" {
		start = len(apps)
		for i, a := range apps {
			if a.id == after {
				start = i + 1
			}
		}
	}
	size := oktaSandboxPageCap
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 && n < size {
		size = n
	}
	end := min(start+size, len(apps))
	self := "http://" + r.Host + r.URL.Path
	headers := append(oktaRate(remaining), "Link", "<"+self+"?"+r.URL.RawQuery+`>; rel="self"`)
	if end < len(apps) {
		q.Set("after", apps[end-1].id)
		headers = append(headers, "Link", "<"+self+"?"+q.Encode()+`>; rel="next"`)
	}
	page := make([]map[string]any, 0, end-start)
	for _, a := range apps[start:end] {
		page = append(page, a.body(r.Host))
	}
	body, _ := json.Marshal(page)
	writeOktaJSON(w, string(body), headers)
}

// writeOktaJSON writes a 200 answer whose headers may repeat (one Link
// header per link, as Okta sends them).
func writeOktaJSON(w http.ResponseWriter, body string, headers []string) {
	for i := 0; i+1 < len(headers); i += 2 {
		w.Header().Add(headers[i], headers[i+1])
	}
	emulation.WriteJSON(w, http.StatusOK, body)
}

// body is the app as Okta's list returns it (the shape of a real org's
// answer, trimmed of _links other than self).
func (a oktaSeedApp) body(host string) map[string]any {
	app := map[string]any{
		"id": a.id, "orn": "orn:okta:idp:00o8sbxorg000000697:apps:" + a.name + ":" + a.id,
		"name": a.name, "label": a.label, "status": a.status, "signOnMode": a.signOn,
		"created": "2025-03-04T09:15:00.000Z", "lastUpdated": "2025-06-01T12:00:00.000Z",
		"accessibility": map[string]any{"selfService": false, "errorRedirectUrl": nil, "loginRedirectUrl": nil},
		"visibility":    map[string]any{"autoLaunch": false, "autoSubmitToolbar": false, "hide": map[string]any{"iOS": true, "web": true}},
		"features":      []string{},
		"_links":        map[string]any{"self": map[string]any{"href": "http://" + host + "/api/v1/apps/" + url.PathEscape(a.id)}},
	}
	creds := map[string]any{
		"userNameTemplate": map[string]any{"template": "${source.login}", "type": "BUILT_IN"},
		"signing":          map[string]any{"kid": "sbxSigningKid0000000000000000000000000000000"},
	}
	settings := map[string]any{"app": map[string]any{}, "notes": map[string]any{"admin": nil, "enduser": nil}}
	if a.signOn == "OPENID_CONNECT" {
		creds["oauthClient"] = map[string]any{"autoKeyRotation": true, "client_id": a.id,
			"token_endpoint_auth_method": a.authMethod, "pkce_required": a.authMethod == "none"}
		oc := map[string]any{"client_uri": nil, "logo_uri": nil, "redirect_uris": a.redirects,
			"response_types": []string{"code"}, "grant_types": []string{"authorization_code"},
			"application_type": a.appType, "consent_method": "REQUIRED", "issuer_mode": "DYNAMIC",
			"wildcard_redirect": kit.OrDefault(a.wildcard, "DISABLED"), "dpop_bound_access_tokens": false}
		if a.appType == "service" {
			oc["response_types"], oc["grant_types"] = []string{"token"}, []string{"client_credentials"}
			delete(oc, "redirect_uris")
		}
		if a.jwksKID != "" {
			oc["jwks"] = map[string]any{"keys": []map[string]any{{"kty": "RSA", "use": "sig", "alg": "RS256",
				"kid": a.jwksKID, "status": "ACTIVE", "e": "AQAB", "n": "sbx-public-modulus"}}}
		}
		settings["oauthClient"] = oc
	}
	app["credentials"], app["settings"] = creds, settings
	return app
}
