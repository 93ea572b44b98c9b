package keycloak

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// The admin API's client list, GET /keycloak/admin/realms/{realm}/clients,
// as Keycloak 26 answers it (ClientRepresentation, in clientId order).
// The caller is the service account of the access token: realm-management
// view-clients (client healthy.*) sees every client, query-clients alone
// (query-only.*) gets [] as Keycloak answers such a caller, and a token
// with neither (no-roles.*) or from another realm gets 403
// {"error":"HTTP 403 Forbidden"}; no token, 401 {"error":"HTTP 401 Unauthorized"}.
//
// Every realm holds the same seeded clients. Keycloak's own clients are
// there as in a new realm, and the seeded ones between them:
//
//	account, account-console, admin-cli   built-in (public)
//	archive-sync        confidential; its secret expired 3 days ago
//	billing-service     confidential, secret expiring in 200 days,
//	                    redirect https://billing.example.com/callback: healthy
//	broker              built-in (bearer-only)
//	legacy-portal       redirect URI http://portal.example.com/* (plain http, not
//	                    loopback, and a wildcard); secret without expiry
//	mobile-app          public client (PKCE), redirects com.example.mobile:/callback
//	                    and http://127.0.0.1/callback: healthy
//	old-batch           disabled (enabled false)
//	partner-sso         a SAML client (not an OAuth client)
//	realm-management    built-in (bearer-only)
//	reporting-etl       service account; secret expiring in 10 days, and a rotated
//	                    secret still accepted for 2 more days
//	security-admin-console  built-in (public)
//	signed-jwt-worker   Signed JWT client whose registered certificate expires in
//	                    90 days
//
// Dates are computed from the clock at each request. Confidential clients
// carry a "secret" (and reporting-etl a client.secret.rotated value), as
// Keycloak's representations do, so that tests can check that no listing
// copies them. Keycloak pages with first/max without a cap; the sandbox
// serves at most 2 clients a page whatever max asks, so that listing the
// realm takes eight requests (seven pages and the empty one after them).
//
// With ?clientId=<id> (the live check's secret_expiry step) it answers the
// seeded client of that id, or a client of the scenario's kind as before.

// kcSandboxPageCap is the sandbox's page size cap (Keycloak has none).
const kcSandboxPageCap = 2

// kcSeedClient is one seeded client; days are relative to the request's
// clock (0: unset).
type kcSeedClient struct {
	clientID, name    string
	id                string
	public, bearer    bool
	disabled          bool
	protocol          string
	authenticator     string
	redirects         []string
	secretDays        int
	rotatedDays       int
	certDays          int
	serviceAccount    bool
	realmClient       bool
	standardFlow      bool
	directAccessGrant bool
}

var kcSeedClients = []kcSeedClient{
	{clientID: "account", name: "${client_account}", id: "8c0d4b52-0000-4000-8000-00000000a001", public: true, standardFlow: true, redirects: []string{"/realms/{realm}/account/*"}},
	{clientID: "account-console", name: "${client_account-console}", id: "8c0d4b52-0000-4000-8000-00000000a002", public: true, standardFlow: true, redirects: []string{"/realms/{realm}/account/*"}},
	{clientID: "admin-cli", name: "${client_admin-cli}", id: "8c0d4b52-0000-4000-8000-00000000a003", public: true, directAccessGrant: true},
	{clientID: "archive-sync", name: "Archive sync", id: "5b7e2f10-0000-4000-8000-00000000b001", secretDays: -3, serviceAccount: true},
	{clientID: "billing-service", name: "Billing service", id: "5b7e2f10-0000-4000-8000-00000000b002", secretDays: 200, standardFlow: true,
		redirects: []string{"https://billing.example.com/callback"}},
	{clientID: "broker", name: "${client_broker}", id: "8c0d4b52-0000-4000-8000-00000000a004", bearer: true, realmClient: true, standardFlow: true},
	{clientID: "legacy-portal", name: "Legacy portal", id: "5b7e2f10-0000-4000-8000-00000000b003", standardFlow: true,
		redirects: []string{"http://portal.example.com/*"}},
	{clientID: "mobile-app", id: "5b7e2f10-0000-4000-8000-00000000b004", public: true, standardFlow: true,
		redirects: []string{"com.example.mobile:/callback", "http://127.0.0.1/callback"}},
	{clientID: "old-batch", name: "Old batch jobs", id: "5b7e2f10-0000-4000-8000-00000000b005", disabled: true, serviceAccount: true, secretDays: 120},
	{clientID: "partner-sso", name: "Partner SSO", id: "5b7e2f10-0000-4000-8000-00000000b006", protocol: "saml", standardFlow: true,
		redirects: []string{"https://partner.example.com/saml/acs"}},
	{clientID: "realm-management", name: "${client_realm-management}", id: "8c0d4b52-0000-4000-8000-00000000a005", bearer: true, realmClient: true, standardFlow: true},
	{clientID: "reporting-etl", name: "Reporting ETL", id: "5b7e2f10-0000-4000-8000-00000000b007", serviceAccount: true, secretDays: 10, rotatedDays: 2},
	{clientID: "security-admin-console", name: "${client_security-admin-console}", id: "8c0d4b52-0000-4000-8000-00000000a006", public: true, standardFlow: true,
		redirects: []string{"/admin/{realm}/console/*"}},
	{clientID: "signed-jwt-worker", name: "Signed JWT worker", id: "5b7e2f10-0000-4000-8000-00000000b008", authenticator: "client-jwt", serviceAccount: true, certDays: 90},
}

func adminClients(rw http.ResponseWriter, r *http.Request) {
	c, ok := accessClaims(r)
	if !ok {
		emulation.WriteJSON(rw, http.StatusUnauthorized, `{"error":"HTTP 401 Unauthorized"}`)
		return
	}
	realm := r.PathValue("realm")
	ra, _ := c["resource_access"].(map[string]any)
	rm, _ := ra["realm-management"].(map[string]any)
	roles, _ := rm["roles"].([]any)
	iss, _ := c["iss"].(string)
	view := slices.Contains(roles, any("view-clients"))
	if !strings.HasSuffix(iss, "/realms/"+realm) || (!view && !slices.Contains(roles, any("query-clients"))) {
		emulation.WriteJSON(rw, http.StatusForbidden, `{"error":"HTTP 403 Forbidden"}`)
		return
	}
	q := r.URL.Query()
	if id := q.Get("clientId"); id != "" {
		oneClient(rw, realm, id, view)
		return
	}
	page := []map[string]any{}
	if view {
		first, _ := strconv.Atoi(q.Get("first"))
		size := kcSandboxPageCap
		if n, err := strconv.Atoi(q.Get("max")); err == nil && n >= 0 && n < size {
			size = n
		}
		first = min(max(first, 0), len(kcSeedClients))
		for _, sc := range kcSeedClients[first:min(first+size, len(kcSeedClients))] {
			page = append(page, sc.representation(realm))
		}
	}
	body, _ := json.Marshal(page)
	emulation.WriteJSON(rw, http.StatusOK, string(body), "Cache-Control", "no-cache")
}

// oneClient answers ?clientId=: the seeded client of that id, or one of the
// scenario's kind (secret-expiring.* has a secret expiring in 5 days).
func oneClient(rw http.ResponseWriter, realm, id string, view bool) {
	out := []map[string]any{}
	if i := slices.IndexFunc(kcSeedClients, func(c kcSeedClient) bool { return c.clientID == id }); i >= 0 && view {
		out = append(out, kcSeedClients[i].representation(realm))
	} else if view {
		attrs := map[string]string{"post.logout.redirect.uris": "+"}
		if scenario(id) == "secret-expiring" {
			attrs[secretExpiryAttr] = strconv.FormatInt(time.Now().Add(5*24*time.Hour).Unix(), 10)
		}
		out = append(out, map[string]any{"id": "5d1e3c2a-sandbox", "clientId": id, "enabled": true,
			"clientAuthenticatorType": "client-secret", "serviceAccountsEnabled": true, "attributes": attrs})
	}
	body, _ := json.Marshal(out)
	emulation.WriteJSON(rw, http.StatusOK, string(body), "Cache-Control", "no-cache")
}

// representation is the client as Keycloak 26's admin API returns it
// (source: ekalinin/gloak golden admin/clients/list.http).
func (c kcSeedClient) representation(realm string) map[string]any {
	redirects := []string{}
	for _, u := range c.redirects {
		redirects = append(redirects, strings.ReplaceAll(u, "{realm}", realm))
	}
	now := time.Now()
	days := func(n int) string { return strconv.FormatInt(now.Add(time.Duration(n)*24*time.Hour).Unix(), 10) }
	attrs := map[string]any{"realm_client": strconv.FormatBool(c.realmClient), "post.logout.redirect.uris": "+"}
	rep := map[string]any{
		"id": c.id, "clientId": c.clientID, "surrogateAuthRequired": false, "enabled": !c.disabled,
		"alwaysDisplayInConsole": false, "clientAuthenticatorType": "client-secret", "redirectUris": redirects,
		"webOrigins": []string{}, "notBefore": 0, "bearerOnly": c.bearer, "consentRequired": false,
		"standardFlowEnabled": c.standardFlow, "implicitFlowEnabled": false, "directAccessGrantsEnabled": c.directAccessGrant,
		"serviceAccountsEnabled": c.serviceAccount, "publicClient": c.public, "frontchannelLogout": true,
		"protocol": "openid-connect", "attributes": attrs, "authenticationFlowBindingOverrides": map[string]any{},
		"fullScopeAllowed": true, "nodeReRegistrationTimeout": -1,
		"defaultClientScopes":  []string{"web-origins", "acr", "profile", "roles", "basic", "email"},
		"optionalClientScopes": []string{"address", "phone", "organization", "offline_access", "microprofile-jwt"},
		"access":               map[string]any{"view": true, "configure": true, "manage": true},
	}
	if c.name != "" {
		rep["name"] = c.name
	}
	if c.protocol != "" {
		rep["protocol"] = c.protocol
	}
	if c.authenticator != "" {
		rep["clientAuthenticatorType"] = c.authenticator
	}
	if !c.public && !c.bearer {
		rep["secret"] = "sbx-listed-secret-" + c.clientID
		attrs["client.secret.creation.time"] = days(-30)
	}
	if c.secretDays != 0 {
		attrs[secretExpiryAttr] = days(c.secretDays)
	}
	if c.rotatedDays != 0 {
		attrs["client.secret.rotated"] = "sbx-rotated-secret-" + c.clientID
		attrs["client.secret.rotated.creation.time"] = days(-60)
		attrs["client.secret.rotated.expiration.time"] = days(c.rotatedDays)
	}
	if c.certDays != 0 {
		attrs["jwt.credential.certificate"] = sandboxCert(c.clientID, now.Add(time.Duration(c.certDays)*24*time.Hour))
		attrs["use.jwks.url"] = "false"
	}
	return rep
}

// sandboxCert is a self-signed certificate for cn, valid until notAfter, in
// the form Keycloak stores it (base64 DER without PEM armour).
func sandboxCert(cn string, notAfter time.Time) string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return ""
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: notAfter.AddDate(-1, 0, 0), NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return ""
	}
	return base64.StdEncoding.EncodeToString(der)
}
