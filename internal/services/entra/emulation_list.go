package entra

// The emulated Graph listing of the sandbox tenant's app registrations, for
// the inventory lister (list.go) and `terraform query`.
//
//	GET /v1.0/applications                       (no $filter) the tenant's apps, below
//	GET /v1.0/servicePrincipals                  their service principals; $filter
//	                                             "accountEnabled eq false" or "… eq true"
//	GET /v1.0/servicePrincipals(appId='…')       one of them, or Microsoft Graph's
//	                                             (00000003-…, with its appRoles)
//
// Like Graph: a token this sandbox issued (401 InvalidAuthenticationToken
// otherwise) that carries Application.Read.All, Application.ReadWrite.All,
// Directory.Read.All or Directory.ReadWrite.All in its roles claim (403
// Authorization_RequestDenied otherwise, e.g. with "sandbox-entra-limited"
// or "sandbox-entra-noroles"); $select projects the objects (id always
// comes), $expand=owners adds the owners, $top sets the page size and
// "@odata.nextLink" (with an opaque $skiptoken) leads to the next page.
// Unlike Graph, a page holds at most entraListPageCap objects whatever $top
// asks (Graph serves up to 999 applications a page), so that every listing
// of this small tenant pages.
//
// The tenant, in Graph's order (dates are relative to the day of the
// request, UTC):
//
//	#  displayName          appId (client id)                      what it shows
//	1  handshake-sandbox    SandboxClientID                        the admin app itself: secret "handshake" +1 year (+10 days when
//	                                                               signed in with "sandbox-entra-expiring"), secret "legacy-2024"
//	                                                               expired 2024-07-01, certificate to 2036; 1 owner; Graph roles
//	                                                               SandboxDefaultRoles but ActivityFeed.Read (Office 365 Management APIs)
//	2  payroll-sync         SandboxListHealthyClientID             healthy: secret +200 days, https redirect URI, 2 owners, User.Read.All
//	3  hr-export            SandboxListExpiringClientID            secret "hr-export-2025" expires in 10 days (certificate +300 days),
//	                                                               1 owner, User.Read.All and GroupMember.Read.All
//	4  legacy-crm           SandboxListBadRedirectClientID         redirect URI http://crm.example.com/oauth/callback (http on a
//	                                                               non-loopback host), secret +200 days, 1 owner, delegated scopes only
//	5  orphaned-reporting   SandboxListNoOwnerClientID             no owner; its only secret expired 3 days ago; AuditLog.Read.All
//	6  retired-integration  SandboxDisabledClientID                disabled: its service principal has accountEnabled false (sign-in
//	                                                               answers AADSTS7000112); secret +90 days, 1 owner, User.Read.All
//	7  field-mobile         SandboxListPublicClientID              healthy public client: no credential, redirect URIs
//	                                                               msauth.com.example.field://auth and http://localhost, 1 owner
//
// SandboxNoRedirectClientID, a fixture of the live check's tests that
// shares the admin app's name, is not part of the listing.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// Client ids of the listed sandbox apps (see the table above).
const (
	SandboxListHealthyClientID     = "a7e1c001-5d2b-4c3e-9f40-7a1b2c3d4e01"
	SandboxListExpiringClientID    = "a7e1c001-5d2b-4c3e-9f40-7a1b2c3d4e02"
	SandboxListBadRedirectClientID = "a7e1c001-5d2b-4c3e-9f40-7a1b2c3d4e03"
	SandboxListNoOwnerClientID     = "a7e1c001-5d2b-4c3e-9f40-7a1b2c3d4e04"
	SandboxListPublicClientID      = "a7e1c001-5d2b-4c3e-9f40-7a1b2c3d4e05"
)

// entraListPageCap is the most objects a page of the emulated listing holds.
const entraListPageCap = 2

// Microsoft Graph's application permissions the seed uses (id → name), as
// Graph's service principal lists them in every tenant.
var entraGraphAppRoles = [][2]string{
	{"9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", "Application.Read.All"},
	{"b0afded3-3588-46d8-8b3d-9842eff778da", "AuditLog.Read.All"},
	{"7ab1d382-f21e-4acd-a863-ba3e13f7da61", "Directory.Read.All"},
	{"5b567255-7703-4780-807c-7be8301ae99b", "Group.Read.All"},
	{"98830695-27a2-44f7-8c18-0c3ebc9698f6", "GroupMember.Read.All"},
	{"40f97065-369a-49f4-947c-6a255697ae91", "MailboxSettings.Read"},
	{"498476ce-e0fe-48b0-b801-37ba7e2685c6", "Organization.Read.All"},
	{"df021288-bdef-4463-88db-98f22de89214", "User.Read.All"},
}

// Delegated permissions (type Scope) of Microsoft Graph the seed uses.
const (
	entraScopeUserRead      = "e1fe6dd8-ba31-4d61-89e7-88639da4683d" // User.Read
	entraScopeOfflineAccess = "7427e0e9-2fba-42fe-b0c0-848c9e6a8182" // offline_access
	// Office 365 Management APIs and its ActivityFeed.Read app role.
	entraManagementAppID     = "c5393580-f805-4401-95e8-94b7a6ef2fc2"
	entraActivityFeedReadID  = "594c1fb6-4f81-4475-ae41-0c394909246c"
	entraGraphSPObjectID     = "e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a8b"
	entraAdminOwnerObjectID  = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9" // Ada Admin (GET /v1.0/users)
	entraSecondOwnerObjectID = "6f7a8b9c-0d1e-4f2a-b3c4-d5e6f7a8b9c0"
)

// entraSeedApp is one listed app registration besides the admin app.
type entraSeedApp struct {
	objectID, appID, name string
	secrets               []entraSeedCred // client secrets
	certs                 []entraSeedCred
	web, public           []string
	roles, scopes         []string // Graph permission ids (Role, Scope)
	owners                []string
	disabled              bool
}

// entraSeedCred is a credential; days is its end relative to the day of
// the request.
type entraSeedCred struct {
	name, hint, keyID string
	days              int
}

var entraSeed = []entraSeedApp{
	{objectID: "0b1ec7a1-0001-4a5b-8c6d-7e8f9a0b1c01", appID: SandboxListHealthyClientID, name: "payroll-sync",
		secrets: []entraSeedCred{{"payroll-2026", "Pq7", "5a1c0001-0000-4000-8000-000000000001", 200}},
		web:     []string{"https://payroll.example.com/oauth/callback"},
		roles:   []string{"df021288-bdef-4463-88db-98f22de89214"}, owners: []string{entraAdminOwnerObjectID, entraSecondOwnerObjectID}},
	{objectID: "0b1ec7a1-0002-4a5b-8c6d-7e8f9a0b1c02", appID: SandboxListExpiringClientID, name: "hr-export",
		secrets: []entraSeedCred{{"hr-export-2025", "Hx2", "5a1c0002-0000-4000-8000-000000000002", 10}},
		certs:   []entraSeedCred{{"CN=hr-export", "", "5a1c0002-0000-4000-8000-0000000000c2", 300}},
		roles:   []string{"df021288-bdef-4463-88db-98f22de89214", "98830695-27a2-44f7-8c18-0c3ebc9698f6"}, owners: []string{entraAdminOwnerObjectID}},
	{objectID: "0b1ec7a1-0003-4a5b-8c6d-7e8f9a0b1c03", appID: SandboxListBadRedirectClientID, name: "legacy-crm",
		secrets: []entraSeedCred{{"crm", "Cr9", "5a1c0003-0000-4000-8000-000000000003", 200}},
		web:     []string{"https://crm.example.com/signin-oidc", "http://crm.example.com/oauth/callback"},
		scopes:  []string{entraScopeUserRead, entraScopeOfflineAccess}, owners: []string{entraSecondOwnerObjectID}},
	{objectID: "0b1ec7a1-0004-4a5b-8c6d-7e8f9a0b1c04", appID: SandboxListNoOwnerClientID, name: "orphaned-reporting",
		secrets: []entraSeedCred{{"reporting", "Rp4", "5a1c0004-0000-4000-8000-000000000004", -3}},
		roles:   []string{"b0afded3-3588-46d8-8b3d-9842eff778da"}},
	{objectID: "0b1ec7a1-0005-4a5b-8c6d-7e8f9a0b1c05", appID: SandboxDisabledClientID, name: "retired-integration",
		secrets: []entraSeedCred{{"retired", "Rt5", "5a1c0005-0000-4000-8000-000000000005", 90}},
		roles:   []string{"df021288-bdef-4463-88db-98f22de89214"}, owners: []string{entraAdminOwnerObjectID}, disabled: true},
	{objectID: "0b1ec7a1-0006-4a5b-8c6d-7e8f9a0b1c06", appID: SandboxListPublicClientID, name: "field-mobile",
		public: []string{"msauth.com.example.field://auth", "http://localhost"},
		scopes: []string{entraScopeUserRead}, owners: []string{entraSecondOwnerObjectID}},
}

// object is the application object Graph returns for a seeded app.
func (a entraSeedApp) object(day time.Time) map[string]any {
	ts := func(t time.Time) string { return t.Format("2006-01-02T15:04:05Z") }
	secrets := []any{}
	for _, s := range a.secrets {
		end := day.AddDate(0, 0, s.days)
		secrets = append(secrets, map[string]any{"customKeyIdentifier": nil, "displayName": s.name, "endDateTime": ts(end),
			"hint": s.hint, "keyId": s.keyID, "secretText": nil, "startDateTime": ts(end.AddDate(-1, 0, 0))})
	}
	certs := []any{}
	for _, c := range a.certs {
		end := day.AddDate(0, 0, c.days)
		certs = append(certs, map[string]any{"customKeyIdentifier": "QjRFMTc5NEMwNjlBNzY5RDUzQTNBMUE2NzNFRjVGNzBFQkNENDYxRA==",
			"displayName": c.name, "endDateTime": ts(end), "key": nil, "keyId": c.keyID,
			"startDateTime": ts(end.AddDate(-1, 0, 0)), "type": "AsymmetricX509Cert", "usage": "Verify"})
	}
	var access []any
	for _, id := range a.roles {
		access = append(access, map[string]string{"id": id, "type": "Role"})
	}
	for _, id := range a.scopes {
		access = append(access, map[string]string{"id": id, "type": "Scope"})
	}
	rra := []any{}
	if len(access) > 0 {
		rra = append(rra, map[string]any{"resourceAppId": graphAppID, "resourceAccess": access})
	}
	orEmpty := func(v []string) []string {
		if v == nil {
			return []string{}
		}
		return v
	}
	return map[string]any{
		"id": a.objectID, "appId": a.appID, "displayName": a.name, "signInAudience": "AzureADMyOrg",
		"createdDateTime": "2025-03-01T09:00:00Z", "isFallbackPublicClient": len(a.public) > 0,
		"passwordCredentials": secrets, "keyCredentials": certs, "requiredResourceAccess": rra,
		"publicClient": map[string]any{"redirectUris": orEmpty(a.public)},
		"spa":          map[string]any{"redirectUris": []string{}},
		"web": map[string]any{"homePageUrl": nil, "logoutUrl": nil, "redirectUris": orEmpty(a.web),
			"implicitGrantSettings": map[string]bool{"enableAccessTokenIssuance": false, "enableIdTokenIssuance": false}},
	}
}

// adminObject is the admin app (SandboxClientID) as the listing shows it.
func (st *entraState) adminObject(sess *entraSession) map[string]any {
	app := st.app(sess, SandboxClientID)
	roles := map[string]string{}
	for _, r := range entraGraphAppRoles {
		roles[r[1]] = r[0]
	}
	var access []any
	for _, name := range SandboxDefaultRoles {
		if id, ok := roles[name]; ok {
			access = append(access, map[string]string{"id": id, "type": "Role"})
		}
	}
	app["requiredResourceAccess"] = []any{
		map[string]any{"resourceAppId": graphAppID, "resourceAccess": access},
		map[string]any{"resourceAppId": entraManagementAppID, "resourceAccess": []any{map[string]string{"id": entraActivityFeedReadID, "type": "Role"}}},
	}
	return app
}

// listApplications is GET /v1.0/applications without $filter.
func (st *entraState) listApplications(w http.ResponseWriter, r *http.Request, sess *entraSession) {
	day := time.Now().UTC().Truncate(24 * time.Hour)
	objects := []map[string]any{st.adminObject(sess)}
	owners := [][]string{{entraAdminOwnerObjectID}}
	for _, a := range entraSeed {
		objects = append(objects, a.object(day))
		owners = append(owners, a.owners)
	}
	expand := strings.Contains(r.URL.Query().Get("$expand"), "owners")
	for i, o := range objects {
		if expand {
			list := []any{}
			for _, id := range owners[i] {
				list = append(list, map[string]string{"@odata.type": "#microsoft.graph.user", "id": id})
			}
			o["owners"] = list
		}
	}
	st.page(w, r, "applications", objects, "owners")
}

// servicePrincipals is GET /v1.0/servicePrincipals[(appId='…')].
func (st *entraState) servicePrincipals(w http.ResponseWriter, r *http.Request, path string) {
	sps := []map[string]any{{"id": entraGraphSPObjectID, "appId": graphAppID, "displayName": "Microsoft Graph",
		"accountEnabled": true, "servicePrincipalType": "Application", "appRoles": entraGraphAppRolesJSON()}}
	sps = append(sps, map[string]any{"id": entraSPObjectID, "appId": SandboxClientID, "displayName": entraAppName,
		"accountEnabled": true, "servicePrincipalType": "Application", "appRoles": []any{}})
	for i, a := range entraSeed {
		sps = append(sps, map[string]any{"id": fmt.Sprintf("d2e3f4a5-0000-4d8e-9f0a-%012d", i+1), "appId": a.appID, "displayName": a.name,
			"accountEnabled": !a.disabled, "servicePrincipalType": "Application", "appRoles": []any{}})
	}
	if key, ok := strings.CutPrefix(path, "servicePrincipals(appId="); ok {
		id := strings.Trim(strings.TrimSuffix(key, ")"), "'")
		for _, sp := range sps {
			if strings.EqualFold(sp["appId"].(string), id) {
				sp["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity"
				body, _ := json.Marshal(project(sp, r.URL.Query().Get("$select")))
				emulation.WriteJSON(w, http.StatusOK, string(body))
				return
			}
		}
		graphError(w, http.StatusNotFound, "Request_ResourceNotFound", fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", id))
		return
	}
	switch f := r.URL.Query().Get("$filter"); f {
	case "":
	case "accountEnabled eq false", "accountEnabled eq true":
		want := f == "accountEnabled eq true"
		var kept []map[string]any
		for _, sp := range sps {
			if sp["accountEnabled"] == want {
				kept = append(kept, sp)
			}
		}
		sps = kept
	default:
		graphError(w, http.StatusBadRequest, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified for property 'accountEnabled' of resource 'ServicePrincipal'.")
		return
	}
	st.page(w, r, "servicePrincipals", sps)
}

func entraGraphAppRolesJSON() []any {
	out := []any{}
	for _, r := range entraGraphAppRoles {
		out = append(out, map[string]any{"allowedMemberTypes": []string{"Application"}, "id": r[0], "value": r[1],
			"displayName": r[1], "description": "Allows the app to " + r[1] + " without a signed-in user.",
			"isEnabled": true, "origin": "Application"})
	}
	return out
}

// page answers one page of a collection: $select, $top (capped at
// entraListPageCap) and $skiptoken, with Graph's "@odata.nextLink".
// keep are members $select does not drop (expanded navigation properties).
func (st *entraState) page(w http.ResponseWriter, r *http.Request, entity string, objects []map[string]any, keep ...string) {
	q := r.URL.Query()
	size := 100 // Graph's default page size for directory objects
	if v := q.Get("$top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 999 {
			graphError(w, http.StatusBadRequest, "Request_BadRequest", fmt.Sprintf("Invalid page size specified: '%s'. Must be between 1 and 999 inclusive.", v))
			return
		}
		size = n
	}
	size = min(size, entraListPageCap)
	offset := 0
	if tok := q.Get("$skiptoken"); tok != "" {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		n, ok := strings.CutPrefix(string(raw), "sandbox-offset:")
		o, err2 := strconv.Atoi(n)
		if err != nil || !ok || err2 != nil || o < 0 || o > len(objects) {
			graphError(w, http.StatusBadRequest, "Directory_ExpiredPageToken", "The specified page token value has expired and can no longer be included in your request.")
			return
		}
		offset = o
	}
	end := min(offset+size, len(objects))
	value := []any{}
	for _, o := range objects[offset:end] {
		value = append(value, project(o, q.Get("$select"), keep...))
	}
	out := map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#" + entity, "value": value}
	if end < len(objects) {
		q.Set("$skiptoken", base64.RawURLEncoding.EncodeToString([]byte("sandbox-offset:"+strconv.Itoa(end))))
		out["@odata.nextLink"] = st.base(r) + "/v1.0/" + entity + "?" + q.Encode()
	}
	body, _ := json.Marshal(out)
	emulation.WriteJSON(w, http.StatusOK, string(body))
}

// project keeps the members $select names (and id, which Graph always
// returns, and keep); an empty $select keeps everything.
func project(o map[string]any, sel string, keep ...string) map[string]any {
	if strings.TrimSpace(sel) == "" {
		return o
	}
	out := map[string]any{"id": o["id"]}
	for _, k := range append(strings.Split(sel, ","), keep...) {
		if v, ok := o[strings.TrimSpace(k)]; ok {
			out[strings.TrimSpace(k)] = v
		}
	}
	if c, ok := o["@odata.context"]; ok {
		out["@odata.context"] = c
	}
	return out
}

// entraListQuery reports whether a GET /v1.0/applications is the listing
// (no $filter), not the live check's lookup of one app.
func entraListQuery(q url.Values) bool { return q.Get("$filter") == "" }
