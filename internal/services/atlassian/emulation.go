package atlassian

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// The Atlassian emulation, below /atlassian: point atlassian.base_url at
// VendorURL("atlassian"). One host serves, with their real paths, what
// production splits over the site (<site>.atlassian.net), api.atlassian.com
// and auth.atlassian.com. Statuses, headers and bodies are those recorded in
// public issues (sources in decode_test.go); ATL-TraceId is random per
// answer, as in Atlassian. The 402 body's JSON shape is the gateway's
// {"code","message"} family: the text is the one Atlassian users report
// (seed 003), the shape is not verified.
//
// The scenario is the credential's text before its first "." (all of it
// when there is none): the API token "captcha.ATATT3x…" plays captcha.
//
// API tokens (basic auth, e-mail:token) on GET /rest/api/3/myself (the
// site) and /ex/jira/{cloudId}/rest/api/3/myself (the gateway):
//
//	ok                 200 the user
//	bad_token          401 {"errorMessages":["Client must be authenticated …"]} with
//	                   X-Seraph-LoginReason: AUTHENTICATED_FAILED (also any unknown
//	                   token, and a revoked one)
//	bad_token_html     401 Jira's "Unauthorized (401)" HTML page
//	password           401 text/plain "Basic authentication with passwords is deprecated…"
//	captcha            403 X-Authentication-Denied-Reason: CAPTCHA_CHALLENGE, empty body
//	scoped             site: 401 "Unauthorized; scope does not match"; gateway: 200
//	scoped_noscope     401 "Unauthorized; scope does not match" on both
//	rate_limited       429 Jira's JSON, Retry-After: 7, RateLimit-Reason: jira-burst-based
//	rate_limited_html  429 Jira's "Oops" page (error429), Retry-After: 7
//	near_limit         200 with X-RateLimit-NearLimit: true
//	unknown_site       404 "Atlassian Cloud Notifications - Page Unavailable"
//	outage             503 HTML, Retry-After: 60
//
// OAuth 2.0 (3LO) access tokens (Bearer) on GET /oauth/token/accessible-resources
// and the gateway's /myself. A JWT is judged by its exp (past: 401
// Unauthorized, as the gateway does); other tokens by scenario:
//
//	ok                 the site CloudID, scopes read:jira-work read:jira-user write:jira-work
//	no_site_grant      the grant covers another site only
//	scope_mismatch     scopes read:jira-work only; /myself: 401 "scope does not match"
//	bad_token          401 {"code":401,"message":"Unauthorized"} (also any unknown token)
//	rate_limited       429 with Retry-After: 7
//
// POST /oauth/token (auth.atlassian.com): a client secret whose scenario is
// bad_client_secret gets 401 access_denied "Unauthorized". Refresh tokens
// rotate: each refresh returns a new one ("sbx_atl_rt.<scenario>.<random>")
// and the access token "sbx_atl_at.<scenario>.<random>"; a refresh token
// presented again more than 10 minutes after its first use, a revoked one,
// one whose scenario is refresh_reused, and any unknown one get 403
// invalid_grant "Unknown or invalid refresh token.".
//
// Organization admin API keys (Bearer) on GET /admin/v1/orgs and
// /admin/v1/orgs/{orgId}/events:
//
//	ok                 the organization OrgID; events readable
//	no_guard           the organization OrgID; events: 402 "Audit Log Entitlement validation failed"
//	other_org          another organization only
//	bad_key            401 {"code":401,"message":"Unauthorized"} (also any unknown key)
//	rate_limited       429 with Retry-After: 7

// The emulated site's and organization's ids.
const (
	CloudID = "1324a887-45db-1bf4-1e99-ef0ff456d421"
	OrgID   = "9a1jj823-jac8-123d-jj01-63315k059cb2"
)

const (
	accessPrefix  = "sbx_atl_at."
	refreshPrefix = "sbx_atl_rt."
	rotationGrace = 10 * time.Minute
)

// scenarioOf is the scenario a credential selects.
func scenarioOf(cred string) string {
	cred = strings.TrimPrefix(strings.TrimPrefix(cred, accessPrefix), refreshPrefix)
	s, _, _ := strings.Cut(cred, ".")
	return s
}

// emu is one sandbox's Atlassian state: when each refresh token was first
// redeemed (rotation).
type emu struct {
	world    emulation.World
	mu       sync.Mutex
	redeemed map[string]time.Time
}

// routes registers the Atlassian emulation below prefix ("/atlassian").
func routes(world emulation.World, mux *http.ServeMux, prefix string) {
	e := &emu{world: world, redeemed: map[string]time.Time{}}
	mux.HandleFunc("GET "+prefix+myselfPath, e.siteMyself)
	mux.HandleFunc("GET "+prefix+"/ex/jira/{cloud}"+myselfPath, e.gatewayMyself)
	mux.HandleFunc("GET "+prefix+"/oauth/token/accessible-resources", e.resources)
	mux.HandleFunc("POST "+prefix+"/oauth/token", e.token)
	mux.HandleFunc("GET "+prefix+"/admin/v1/orgs", e.orgs)
	mux.HandleFunc("GET "+prefix+"/admin/v1/orgs/{org}/events", e.events)
}

func trace() string { return emulation.RandomID(8) }

// write answers with status, a content type, headers (name, value pairs) and body.
func write(w http.ResponseWriter, status int, contentType, body string, headers ...string) {
	for i := 0; i+1 < len(headers); i += 2 {
		w.Header().Set(headers[i], headers[i+1])
	}
	w.Header().Set("ATL-TraceId", trace())
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

const (
	jsonType = "application/json;charset=UTF-8"
	htmlType = "text/html;charset=UTF-8"
)

func writeGateway(w http.ResponseWriter, status int, message string, headers ...string) {
	write(w, status, jsonType, fmt.Sprintf(`{"code":%d,"message":%q}`, status, message), headers...)
}

var rateHeaders = []string{"Retry-After", "7", "X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "0",
	"X-RateLimit-Reset", "2026-01-01T10:00Z", "RateLimit-Reason", "jira-burst-based"}

// basicScenario is the scenario of a basic-auth API token ("" without basic auth).
func (e *emu) basicScenario(r *http.Request) (string, bool) {
	_, tok, ok := r.BasicAuth()
	if !ok {
		return "", false
	}
	if e.world.Revoked(tok) {
		return "bad_token", true
	}
	return scenarioOf(tok), true
}

func writeMyself(w http.ResponseWriter, r *http.Request, headers ...string) {
	write(w, http.StatusOK, jsonType, `{"self":"http://`+r.Host+`/rest/api/3/user?accountId=5b10ac8d82e05b22cc7d4ef5",`+
		`"accountId":"5b10ac8d82e05b22cc7d4ef5","accountType":"atlassian","emailAddress":"ops@acme.com",`+
		`"displayName":"Handshake Ops","active":true,"timeZone":"Europe/Berlin","locale":"en_US",`+
		`"groups":{"size":3,"items":[]},"applicationRoles":{"size":1,"items":[]}}`, headers...)
}

// siteMyself is GET https://<site>/rest/api/3/myself.
func (e *emu) siteMyself(w http.ResponseWriter, r *http.Request) {
	scenario, ok := e.basicScenario(r)
	if !ok {
		scenario = "bad_token"
	}
	switch scenario {
	case "ok":
		writeMyself(w, r, "X-RateLimit-NearLimit", "false")
	case "near_limit":
		writeMyself(w, r, "X-RateLimit-NearLimit", "true")
	case "bad_token_html":
		write(w, http.StatusUnauthorized, htmlType, `<!DOCTYPE html><html lang="en"><head><title>Unauthorized (401)</title></head>`+
			`<body id="jira" class="aui-layout aui-style-default page-type-message"><div class="aui-page-panel"><h1>Unauthorized (401)</h1>`+
			`<p>Encountered a <code>&quot;401 - Unauthorized&quot;</code> error while loading this page.</p></div></body></html>`,
			"X-Seraph-LoginReason", "AUTHENTICATED_FAILED")
	case "password":
		write(w, http.StatusUnauthorized, "text/plain;charset=UTF-8",
			"Basic authentication with passwords is deprecated.  For more information, see: https://developer.atlassian.com/cloud/confluence/deprecation-notice-basic-auth/")
	case "captcha":
		write(w, http.StatusForbidden, "", "", "X-Seraph-LoginReason", "AUTHENTICATION_DENIED",
			"X-Authentication-Denied-Reason", "CAPTCHA_CHALLENGE; login-url=http://"+r.Host+"/login.jsp")
	case "scoped", "scoped_noscope":
		writeGateway(w, http.StatusUnauthorized, "Unauthorized; scope does not match")
	case "rate_limited":
		write(w, http.StatusTooManyRequests, jsonType, `{"errorMessages":["The request has been rate-limited. Please try again later."],"errors":{},"status":429}`, rateHeaders...)
	case "rate_limited_html":
		write(w, http.StatusTooManyRequests, htmlType, `<!DOCTYPE html><html><head><title>Oops - an error has occurred</title></head>`+
			`<body class=" error-page error429"><div class="aui-page-panel"><h1>Too many requests</h1></div></body></html>`, rateHeaders...)
	case "unknown_site":
		write(w, http.StatusNotFound, htmlType, `<!DOCTYPE html><html><head><title>Atlassian Cloud Notifications - Page Unavailable</title></head>`+
			`<body><div class="content"><h1>Page unavailable</h1><p>You may not have permission to view this page, or the page may not exist.</p></div></body></html>`)
	case "outage":
		write(w, http.StatusServiceUnavailable, htmlType, `<!DOCTYPE html><html><head><title>Something went wrong</title></head>`+
			`<body><h1>Something went wrong</h1><p>Check status.atlassian.com for known issues.</p></body></html>`, "Retry-After", "60")
	default: // bad_token, unknown and revoked tokens
		write(w, http.StatusUnauthorized, jsonType, `{"errorMessages":["Client must be authenticated to access this resource."],"errors":{}}`,
			"X-Seraph-LoginReason", "AUTHENTICATED_FAILED", "WWW-Authenticate", `OAuth realm="https%3A%2F%2F`+r.Host+`"`)
	}
}

// bearerScenario is the scenario of an OAuth 2.0 access token or admin API key.
func (e *emu) bearerScenario(r *http.Request) string {
	tok := emulation.Bearer(r)
	switch {
	case tok == "" || e.world.Revoked(tok):
		return "bad_token"
	case !strings.HasPrefix(tok, accessPrefix):
		if exp, ok := jwtExpiry(tok); ok {
			if exp.Before(time.Now()) {
				return "bad_token"
			}
			return "ok" // an unexpired JWT
		}
	}
	return scenarioOf(tok)
}

// gatewayMyself is GET api.atlassian.com/ex/jira/{cloudId}/rest/api/3/myself.
func (e *emu) gatewayMyself(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("cloud") != CloudID {
		writeGateway(w, http.StatusNotFound, "Not Found")
		return
	}
	if scenario, basic := e.basicScenario(r); basic {
		switch scenario {
		case "scoped", "ok":
			writeMyself(w, r)
		case "scoped_noscope":
			writeGateway(w, http.StatusUnauthorized, "Unauthorized; scope does not match")
		default:
			writeGateway(w, http.StatusUnauthorized, "Unauthorized")
		}
		return
	}
	switch e.bearerScenario(r) {
	case "ok", "no_site_grant":
		writeMyself(w, r)
	case "scope_mismatch":
		writeGateway(w, http.StatusUnauthorized, "Unauthorized; scope does not match")
	case "rate_limited":
		writeGateway(w, http.StatusTooManyRequests, "Too Many Requests", rateHeaders...)
	default:
		writeGateway(w, http.StatusUnauthorized, "Unauthorized")
	}
}

// resources is GET api.atlassian.com/oauth/token/accessible-resources.
func (e *emu) resources(w http.ResponseWriter, r *http.Request) {
	site := func(id, name string, scopes string) map[string]any {
		return map[string]any{"id": id, "url": "https://" + name + ".atlassian.net", "name": name,
			"scopes": strings.Fields(e.world.ScopesOf(emulation.Bearer(r), scopes)), "avatarUrl": "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png"}
	}
	var list []map[string]any
	switch e.bearerScenario(r) {
	case "ok":
		list = append(list, site(CloudID, "acme", "read:jira-work read:jira-user write:jira-work"))
	case "scope_mismatch":
		list = append(list, site(CloudID, "acme", "read:jira-work"))
	case "no_site_grant":
		list = append(list, site("5e8d1c3b-0000-4a4a-9b9b-1f2e3d4c5b6a", "acme-sandbox", "read:jira-work read:jira-user"))
	case "rate_limited":
		writeGateway(w, http.StatusTooManyRequests, "Too Many Requests", rateHeaders...)
		return
	default:
		writeGateway(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	b, _ := json.Marshal(list)
	write(w, http.StatusOK, jsonType, string(b))
}

// token is POST auth.atlassian.com/oauth/token (JSON or form body).
func (e *emu) token(w http.ResponseWriter, r *http.Request) {
	oauthErr := func(status int, code, desc string) {
		write(w, status, jsonType, fmt.Sprintf(`{"error":%q,"error_description":%q}`, code, desc))
	}
	params := map[string]string{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&params)
	} else if r.ParseForm() == nil {
		for k := range r.PostForm {
			params[k] = r.PostForm.Get(k)
		}
	}
	secret := params["client_secret"]
	if id, s, ok := r.BasicAuth(); ok && params["client_id"] == "" {
		params["client_id"], secret = id, s
	}
	if params["client_id"] == "" || secret == "" || scenarioOf(secret) == "bad_client_secret" || e.world.Revoked(secret) {
		oauthErr(http.StatusUnauthorized, "access_denied", "Unauthorized")
		return
	}
	switch params["grant_type"] {
	case "refresh_token":
	case "authorization_code":
		oauthErr(http.StatusForbidden, "invalid_grant", "Invalid authorization code")
		return
	default:
		oauthErr(http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type")
		return
	}
	rt := params["refresh_token"]
	scenario := scenarioOf(rt)
	if !e.redeem(rt) || scenario == "refresh_reused" || e.world.Revoked(rt) {
		oauthErr(http.StatusForbidden, "invalid_grant", "Unknown or invalid refresh token.")
		return
	}
	switch scenario {
	case "ok", "no_site_grant", "scope_mismatch", "rate_limited":
	default:
		oauthErr(http.StatusForbidden, "invalid_grant", "Unknown or invalid refresh token.")
		return
	}
	scope := "read:jira-work read:jira-user write:jira-work offline_access"
	if scenario == "scope_mismatch" {
		scope = "read:jira-work offline_access"
	}
	write(w, http.StatusOK, jsonType, fmt.Sprintf(`{"access_token":%q,"expires_in":3600,"token_type":"Bearer","refresh_token":%q,"scope":%q}`,
		accessPrefix+scenario+"."+emulation.RandomID(12), refreshPrefix+scenario+"."+emulation.RandomID(12), scope))
}

// redeem records a refresh token's use; false when it was first used more
// than the rotation grace ago (Atlassian's 10-minute reuse leeway).
func (e *emu) redeem(rt string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	first, seen := e.redeemed[rt]
	if !seen {
		e.redeemed[rt] = time.Now()
		return true
	}
	return time.Since(first) <= rotationGrace
}

// orgs is GET api.atlassian.com/admin/v1/orgs.
func (e *emu) orgs(w http.ResponseWriter, r *http.Request) {
	one := func(id, name string) {
		write(w, http.StatusOK, jsonType, fmt.Sprintf(`{"data":[{"id":%q,"type":"orgs","attributes":{"name":%q}}],"links":{"next":null}}`, id, name))
	}
	switch e.bearerScenario(r) {
	case "ok", "no_guard":
		one(OrgID, "Acme")
	case "other_org":
		one("7c2e5a10-other-org-1f2e3d4c5b6a", "Acme Labs")
	case "rate_limited":
		writeGateway(w, http.StatusTooManyRequests, "Too Many Requests", rateHeaders...)
	default:
		writeGateway(w, http.StatusUnauthorized, "Unauthorized")
	}
}

// events is GET api.atlassian.com/admin/v1/orgs/{orgId}/events.
func (e *emu) events(w http.ResponseWriter, r *http.Request) {
	switch scenario := e.bearerScenario(r); {
	case r.PathValue("org") != OrgID:
		writeGateway(w, http.StatusNotFound, "Not Found")
	case scenario == "no_guard":
		writeGateway(w, http.StatusPaymentRequired, "Audit Log Entitlement validation failed")
	case scenario == "ok":
		write(w, http.StatusOK, jsonType, `{"data":[{"id":"8a3f6d2e-1b4c-4e5f-9a8b-7c6d5e4f3a2b","type":"events","attributes":`+
			`{"time":"2026-01-01T09:00:00.000Z","action":"user_logged_in","actor":{"id":"5b10ac8d82e05b22cc7d4ef5","name":"Handshake Ops"}}}],"links":{"next":null}}`)
	default:
		writeGateway(w, http.StatusUnauthorized, "Unauthorized")
	}
}
