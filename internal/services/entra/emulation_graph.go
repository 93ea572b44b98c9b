package entra

// The emulated Microsoft Graph (directory objects and the app registration;
// the listing of the tenant's apps is in emulation_list.go) and Office 365
// Management Activity API (see emulation.go).

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// graphError writes Microsoft Graph's error shape.
func graphError(w http.ResponseWriter, status int, code, message string) {
	id := newGUID()
	body, _ := json.Marshal(map[string]any{"error": map[string]any{"code": code, "message": message,
		"innerError": map[string]string{"date": time.Now().UTC().Format("2006-01-02T15:04:05"), "request-id": id, "client-request-id": id}}})
	emulation.WriteJSON(w, status, string(body), "request-id", id, "client-request-id", id)
}

func hasAnyRole(sess *entraSession, roles ...string) bool {
	for _, r := range roles {
		if slices.Contains(sess.roles, r) {
			return true
		}
	}
	return false
}

var entraAppFilterRE = regexp.MustCompile(`^appId eq '([^']*)'$`)

// graph serves GET /v1.0/<path>.
func (st *entraState) graph(w http.ResponseWriter, r *http.Request, path string) {
	sess, why := st.session(r)
	if sess == nil {
		graphError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", why)
		return
	}
	denied := func() {
		graphError(w, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
	}
	ctx := func(entity string) string { return "https://graph.microsoft.com/v1.0/$metadata#" + entity }
	appRead := []string{"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	switch {
	case path == "organization":
		if !hasAnyRole(sess, "Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All") {
			denied()
			return
		}
		body, _ := json.Marshal(map[string]any{"@odata.context": ctx("organization"), "value": []any{map[string]any{
			"id": SandboxTenantID, "displayName": "Handshake Sandbox", "tenantType": "AAD",
			"verifiedDomains": []any{map[string]any{"name": SandboxTenantDomain, "isDefault": true, "isInitial": true, "type": "Managed"}}}}})
		emulation.WriteJSON(w, http.StatusOK, string(body))
	case path == "users":
		if !hasAnyRole(sess, "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All") {
			denied()
			return
		}
		emulation.WriteJSON(w, http.StatusOK, `{"@odata.context":"`+ctx("users")+`","value":[{"id":"5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9","displayName":"Ada Admin","userPrincipalName":"ada@`+SandboxTenantDomain+`"}]}`)
	case path == "groups":
		if !hasAnyRole(sess, "Group.Read.All", "GroupMember.Read.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All") {
			denied()
			return
		}
		emulation.WriteJSON(w, http.StatusOK, `{"@odata.context":"`+ctx("groups")+`","value":[{"id":"7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d","displayName":"Governance"}]}`)
	case path == "applications" && entraListQuery(r.URL.Query()):
		if !hasAnyRole(sess, appRead...) {
			denied()
			return
		}
		st.listApplications(w, r, sess)
	case path == "servicePrincipals" || strings.HasPrefix(path, "servicePrincipals("):
		if !hasAnyRole(sess, appRead...) {
			denied()
			return
		}
		st.servicePrincipals(w, r, path)
	case path == "applications":
		if !hasAnyRole(sess, appRead...) {
			denied()
			return
		}
		var apps []any
		m := entraAppFilterRE.FindStringSubmatch(r.URL.Query().Get("$filter"))
		if m == nil && r.URL.Query().Get("$filter") != "" {
			graphError(w, http.StatusBadRequest, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified for property 'appId' of resource 'Application'.")
			return
		}
		for _, id := range []string{SandboxClientID, SandboxNoRedirectClientID} {
			if m == nil || strings.EqualFold(m[1], id) {
				apps = append(apps, st.app(sess, id))
			}
		}
		if apps == nil {
			apps = []any{}
		}
		body, _ := json.Marshal(map[string]any{"@odata.context": ctx("applications"), "value": apps})
		emulation.WriteJSON(w, http.StatusOK, string(body))
	case strings.HasPrefix(path, "applications(appId="):
		if !hasAnyRole(sess, appRead...) {
			denied()
			return
		}
		id := strings.Trim(strings.TrimSuffix(strings.TrimPrefix(path, "applications(appId="), ")"), "'")
		if id != SandboxClientID && id != SandboxNoRedirectClientID {
			graphError(w, http.StatusNotFound, "Request_ResourceNotFound", fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", id))
			return
		}
		app := st.app(sess, id)
		app["@odata.context"] = ctx("applications/$entity")
		body, _ := json.Marshal(app)
		emulation.WriteJSON(w, http.StatusOK, string(body))
	case strings.HasPrefix(path, "users/"):
		st.user(w, r, sess, strings.TrimPrefix(path, "users/"))
	case path == "me":
		graphError(w, http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
	default:
		seg := path
		if i := strings.IndexAny(seg, "/("); i >= 0 {
			seg = seg[:i]
		}
		graphError(w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", seg))
	}
}

// app is the application object Graph returns for an app registration, as
// seen by the session (the secret's expiry follows the session's scenario).
func (st *entraState) app(sess *entraSession, appID string) map[string]any {
	day := time.Now().UTC().Truncate(24 * time.Hour)
	end := day.AddDate(1, 0, 0)
	if sess.scenario == "expiring" {
		end = day.AddDate(0, 0, 10)
	}
	hint := "san"
	if len(sess.secret) >= 3 && sess.scenario != "certificate" {
		hint = sess.secret[:3]
	}
	_, der := st.cert.get()
	thumb := sha1.Sum(der)
	redirects := SandboxRedirectURIs
	if appID == SandboxNoRedirectClientID {
		redirects = []string{}
	}
	objectID := entraAppObjectID
	if appID != SandboxClientID {
		objectID = strings.Replace(objectID, "c1d2", "c1d3", 1)
	}
	ts := func(t time.Time) string { return t.Format("2006-01-02T15:04:05Z") }
	return map[string]any{
		"id": objectID, "appId": appID, "displayName": entraAppName, "signInAudience": "AzureADMyOrg",
		"passwordCredentials": []any{
			map[string]any{"customKeyIdentifier": nil, "displayName": "handshake", "endDateTime": ts(end), "hint": hint,
				"keyId": SandboxSecretID, "secretText": nil, "startDateTime": ts(end.AddDate(-2, 0, 0))},
			map[string]any{"customKeyIdentifier": nil, "displayName": "legacy-2024", "endDateTime": "2024-07-01T00:00:00Z", "hint": "Zq8",
				"keyId": entraLegacySecretID, "secretText": nil, "startDateTime": "2023-07-01T00:00:00Z"},
		},
		"keyCredentials": []any{map[string]any{"customKeyIdentifier": base64.StdEncoding.EncodeToString(thumb[:]),
			"displayName": "CN=" + entraAppName, "endDateTime": "2036-01-01T00:00:00Z", "key": nil, "keyId": entraCertKeyID,
			"startDateTime": "2026-01-01T00:00:00Z", "type": "AsymmetricX509Cert", "usage": "Verify"}},
		"publicClient": map[string]any{"redirectUris": []string{}},
		"spa":          map[string]any{"redirectUris": []string{}},
		"web": map[string]any{"homePageUrl": nil, "logoutUrl": nil, "redirectUris": redirects,
			"implicitGrantSettings": map[string]bool{"enableAccessTokenIssuance": false, "enableIdTokenIssuance": false}},
	}
}

// afError writes the Management Activity API's error shape.
func afError(w http.ResponseWriter, status int, code, message string) {
	body, _ := json.Marshal(map[string]any{"error": map[string]string{"code": code, "message": message}})
	emulation.WriteJSON(w, status, string(body))
}

// subscriptions is GET /api/v1.0/{tenant}/activity/feed/subscriptions/list.
func (st *entraState) subscriptions(w http.ResponseWriter, r *http.Request, tenant string) {
	sess, _ := st.session(r)
	switch {
	case sess == nil:
		afError(w, http.StatusUnauthorized, "AF10001", "The permission set () sent in the request did not include the expected permission ActivityFeed.Read.")
	case !entraGUIDRE.MatchString(tenant):
		afError(w, http.StatusBadRequest, "AF20013", fmt.Sprintf("The tenant ID passed in the URL (%s) is not a valid GUID.", tenant))
	case !strings.EqualFold(tenant, SandboxTenantID):
		afError(w, http.StatusForbidden, "AF20010", fmt.Sprintf("The tenant ID passed in the URL (%s) does not match the tenant ID passed in the access token (%s).", tenant, SandboxTenantID))
	case !hasAnyRole(sess, "ActivityFeed.Read", "ActivityFeed.ReadDlp"):
		afError(w, http.StatusUnauthorized, "AF10001", fmt.Sprintf("The permission set (%s) sent in the request did not include the expected permission ActivityFeed.Read.", strings.Join(sess.roles, " ")))
	case sess.scenario == "unlicensed":
		afError(w, http.StatusBadRequest, "AF20012", fmt.Sprintf("Specified tenant ID (%s) is incorrectly configured in the system.", tenant))
	case sess.scenario == "auditoff":
		afError(w, http.StatusBadRequest, "AF20023", "The subscription was disabled.")
	default:
		emulation.WriteJSON(w, http.StatusOK, `[{"contentType":"Audit.AzureActiveDirectory","status":"enabled","webhook":null},{"contentType":"Audit.General","status":"enabled","webhook":null}]`)
	}
}
