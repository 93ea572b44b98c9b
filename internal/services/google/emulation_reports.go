package google

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// activities is the Admin SDK Reports API's activities.list,
// GET /admin/reports/v1/activity/users/{userKey}/applications/{app}. A user
// who is not an administrator with the Reports privilege gets 401 with
// reason authError although the token is valid: the message is the one
// Microsoft Defender for Cloud Apps' connector troubleshooting table quotes
// ("Access denied. You are not authorized to read activity records.") in
// Google's classic error shape (errors[].locationType/location, as in the
// Admin SDK's 401 answers; shared seed 003).
func (st *googleState) activities(w http.ResponseWriter, r *http.Request) {
	st.mu.Lock()
	g, ok := st.tokens[emulation.Bearer(r)]
	st.mu.Unlock()
	if !ok || st.world.Revoked(emulation.Bearer(r)) {
		writeAPIError(w, http.StatusUnauthorized, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
			"authError", "UNAUTHENTICATED")
		return
	}
	audit := false
	for _, sc := range g.scopes {
		audit = audit || sc == "https://www.googleapis.com/auth/admin.reports.audit.readonly"
	}
	switch {
	case !audit:
		writeAPIError(w, http.StatusForbidden, "Request had insufficient authentication scopes.", "insufficientPermissions", "PERMISSION_DENIED",
			`{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"ACCESS_TOKEN_SCOPE_INSUFFICIENT","domain":"googleapis.com","metadata":{"service":"admin.googleapis.com","method":"google.admin.AdminService.ListActivities"}}`)
	case g.scenario == "not-admin" || g.subject == "":
		const msg = "Access denied. You are not authorized to read activity records."
		body := fmt.Sprintf("{\n  \"error\": {\n    \"errors\": [\n      {\n        \"domain\": \"global\",\n        \"reason\": \"authError\",\n        \"message\": %q,\n        \"locationType\": \"header\",\n        \"location\": \"Authorization\"\n      }\n    ],\n    \"code\": 401,\n    \"message\": %q\n  }\n}\n", msg, msg)
		emulation.WriteJSON(w, http.StatusUnauthorized, body, "Vary", "Origin, X-Origin, Referer")
	default:
		app := strings.ToLower(r.PathValue("app"))
		emulation.WriteJSON(w, http.StatusOK, `{"kind":"admin#reports#activities","etag":"\"sbx-etag\"","items":[{"kind":"admin#reports#activity","id":{"time":"2026-01-05T09:00:00.000Z","uniqueQualifier":"-4002873813067783265","applicationName":"`+app+`","customerId":"C03az79cb"},"actor":{"email":"first.user@example.com","profileId":"103456789012345678901"},"ipAddress":"203.0.113.7","events":[{"type":"login","name":"login_success","parameters":[{"name":"login_type","value":"google_password"}]}]}]}`)
	}
}
