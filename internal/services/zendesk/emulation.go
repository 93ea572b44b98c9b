package zendesk

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// Zendesk emulation, below /zendesk/<account>: point zendesk.base_url at
// VendorURL("zendesk")+"/<subdomain>". Statuses, headers and bodies are
// Zendesk's as pasted in public issues and documented
// (/work/research/zendesk.md §4; sources next to each body in
// decode_test.go). Accounts:
//
//	closed        404 "No help desk at closed.zendesk.com" for every path (a
//	              mistyped, closed or released subdomain)
//	professional  a Professional-plan account: GET /api/v2/audit_logs is
//	              refused (403 Forbidden) even for admins
//	anything else an Enterprise account
//
// API tokens (basic auth "<email>/token:<token>"): the token's text before
// the first "." picks the answer: ok (accepted), anonymous (users/me answers
// 200 with the anonymous visitor, as Zendesk does when it did not
// authenticate the caller), lowbudget (accepted, X-Rate-Limit-Remaining 5 of
// 700), ratelimited (429 text/plain, Retry-After 60); anything else, or a
// token revoked through the sandbox, 401 "Couldn't authenticate you". The
// e-mail's local part (before "@" and any "+") picks the user: admin,
// agent, custom (an agent with a custom role), enduser, suspended (an admin
// with suspended: true); another e-mail is no user of the account (401).
// Basic auth without "/token" is a password login: users/me answers the
// anonymous visitor, other paths 401.
//
// OAuth access tokens (bearer): oat-ok (admin, scope read, no expiry),
// oat-agent (agent, read), oat-expiring (admin, read, expires in 5 days),
// oat-scoped (admin, tickets:read users:read: the audit log answers 403
// "You are missing the following required scopes: read"), and the tokens
// /oauth/tokens issues (admin, expiring in 30 minutes); any other bearer
// token — an API token included — gets 401 invalid_token.
//
// /oauth/tokens knows client SandboxClientID with secret SandboxClientSecret
// (another client or secret: 401 invalid_client). client_credentials needs
// Zendesk scopes (else 400 invalid_scope); refresh_token accepts refresh
// tokens whose text before the first "." is rt-ok and rotates them, and
// refuses any other (400 invalid_grant: already used, expired or revoked).

// Sandbox values (not secrets: they only open the sandbox).
const (
	SandboxAPIToken     = "ok.sbxZendeskApiToken0123456789abcdefABCDEF"
	SandboxClientID     = "handshake_sandbox"
	SandboxClientSecret = "sbx-zendesk-client-secret-7c1f0e2d9a8b4c3d"
)

// zendeskHeaders are the headers every API answer carries.
func zendeskHeaders(rw http.ResponseWriter, remaining int) {
	h := rw.Header()
	h.Set("X-Zendesk-Origin-Server", "app-server-sandbox")
	h.Set("X-Request-Id", emulation.RandomID(8))
	h.Set("Zendesk-Api-Version", "2022-01-01")
	h.Set("X-Rate-Limit", "700")
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
}

// Emulation is the sandbox emulation of Zendesk.
func Emulation() emulation.Vendor { return emulation.Vendor{Path: "zendesk", Routes: routes} }

func routes(w emulation.World, mux *http.ServeMux, prefix string) {
	acct := prefix + "/{account}"
	mux.HandleFunc("GET "+acct+"/api/v2/users/me.json", withAccount(func(rw http.ResponseWriter, r *http.Request) { usersMe(w, rw, r) }))
	mux.HandleFunc("GET "+acct+"/api/v2/oauth/tokens/current.json", withAccount(func(rw http.ResponseWriter, r *http.Request) { tokenCurrent(w, rw, r) }))
	mux.HandleFunc("GET "+acct+"/api/v2/audit_logs.json", withAccount(func(rw http.ResponseWriter, r *http.Request) { auditLogs(w, rw, r) }))
	mux.HandleFunc("POST "+acct+"/oauth/tokens", withAccount(oauthTokens))
	mux.HandleFunc(acct+"/", withAccount(func(rw http.ResponseWriter, _ *http.Request) {
		zendeskHeaders(rw, 699)
		emulation.WriteJSON(rw, http.StatusNotFound, `{"error":"InvalidEndpoint","description":"Not found"}`)
	}))
}

// withAccount answers "No help desk" for the closed account.
func withAccount(h http.HandlerFunc) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		if a := r.PathValue("account"); strings.HasPrefix(a, "closed") {
			title, _ := json.Marshal("No help desk at " + a + ".zendesk.com")
			emulation.WriteJSON(rw, http.StatusNotFound, `{"error":{"title":`+string(title)+
				`,"message":"There is no help desk configured at this address. This means that the address is available and that you can claim it at http://www.zendesk.com/signup"}}`)
			return
		}
		h(rw, r)
	}
}

// caller is who a request authenticated as.
type caller struct {
	role      string // admin, agent, end-user
	email     string
	custom    bool
	suspended bool
	scopes    []string  // OAuth tokens only
	expires   time.Time // OAuth tokens; zero: no expiry
	oauth     bool
	remaining int // X-Rate-Limit-Remaining
}

// refusal is how a request that did not authenticate is answered.
type refusal int

const (
	refusedNone refusal = iota
	refusedBasic
	refusedBearer
	refusedAnonymous // users/me answers the anonymous visitor
	refusedRateLimit
)

var issuedRE = regexp.MustCompile(`^oat-issued-[0-9a-f]+$`)

func scenario(v string) string {
	s, _, _ := strings.Cut(v, ".")
	return s
}

// authenticate reads the request's credential as Zendesk would.
func authenticate(w emulation.World, r *http.Request) (caller, refusal) {
	c := caller{remaining: 699}
	if user, tok, ok := r.BasicAuth(); ok {
		email, isToken := strings.CutSuffix(user, "/token")
		if !isToken {
			return c, refusedAnonymous // a password login, refused
		}
		switch sc := scenario(tok); {
		case w.Revoked(tok) || sc != "ok" && sc != "anonymous" && sc != "lowbudget" && sc != "ratelimited":
			return c, refusedBasic
		case sc == "anonymous":
			return c, refusedAnonymous
		case sc == "ratelimited":
			return c, refusedRateLimit
		case sc == "lowbudget":
			c.remaining = 5
		}
		local, _, _ := strings.Cut(email, "@")
		local, _, _ = strings.Cut(local, "+")
		c.email = email
		switch local {
		case "admin":
			c.role = "admin"
		case "agent":
			c.role = "agent"
		case "custom":
			c.role, c.custom = "agent", true
		case "enduser":
			c.role = "end-user"
		case "suspended":
			c.role, c.suspended = "admin", true
		default:
			return c, refusedBasic
		}
		return c, refusedNone
	}
	tok := emulation.Bearer(r)
	if tok == "" || w.Revoked(tok) {
		return c, refusedAnonymous
	}
	c.oauth, c.role, c.email, c.scopes = true, "admin", "integration@example.com", []string{"read"}
	switch sc := scenario(tok); {
	case sc == "oat-ok":
	case sc == "oat-agent":
		c.role, c.email = "agent", "agent@example.com"
	case sc == "oat-expiring":
		c.expires = time.Now().Add(5 * 24 * time.Hour).UTC().Truncate(time.Second)
	case sc == "oat-scoped":
		c.scopes = []string{"tickets:read", "users:read"}
	case issuedRE.MatchString(sc):
		c.expires = time.Now().Add(30 * time.Minute).UTC().Truncate(time.Second)
	default:
		return c, refusedBearer
	}
	return c, refusedNone
}

// refuse writes Zendesk's answer to a request that did not authenticate;
// anonymousOK is set on users/me, which serves the anonymous visitor.
func refuse(rw http.ResponseWriter, why refusal, anonymousOK bool) {
	switch {
	case why == refusedRateLimit:
		// source: support.zendesk.com community post 4600766234138 (headers and body)
		zendeskHeaders(rw, 0)
		rw.Header().Set("Retry-After", "60")
		rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
		rw.WriteHeader(http.StatusTooManyRequests)
		_, _ = rw.Write([]byte("Number of allowed API requests per minute exceeded"))
	case why == refusedAnonymous && anonymousOK:
		// source: live-probe notes and node-zendesk#152 (id null, "Anonymous
		// user"); the other members are a guess, and the decoder reads none.
		zendeskHeaders(rw, 699)
		emulation.WriteJSON(rw, http.StatusOK, `{"user":{"id":null,"url":null,"name":"Anonymous user","email":"invalid@example.com",`+
			`"created_at":null,"updated_at":null,"time_zone":"Eastern Time (US & Canada)","iana_time_zone":"America/New_York",`+
			`"phone":null,"shared_phone_number":null,"photo":null,"locale_id":1,"locale":"en-US","organization_id":null,`+
			`"role":"end-user","verified":false,"authenticity_token":"sandbox","active":true,"suspended":false}}`)
	case why == refusedBearer:
		// source: fprimex/zdesk#58 (verbatim)
		emulation.WriteJSON(rw, http.StatusUnauthorized, `{"error":"invalid_token","error_description":"The access token provided is expired, revoked, malformed or invalid for other reasons."}`)
	default:
		// source: Speedygeek/ZendeskApi_v2#505 (body and WWW-Authenticate)
		emulation.WriteJSON(rw, http.StatusUnauthorized, `{"error":"Couldn't authenticate you"}`,
			"WWW-Authenticate", `Basic realm="Web Password"`)
	}
}

func usersMe(w emulation.World, rw http.ResponseWriter, r *http.Request) {
	c, why := authenticate(w, r)
	if why != refusedNone {
		refuse(rw, why, true)
		return
	}
	custom := "null"
	if c.custom {
		custom = "360001234567"
	}
	name := strings.ToUpper(c.role[:1]) + c.role[1:] + " (sandbox)"
	body, _ := json.Marshal(map[string]any{"user": map[string]any{
		"id": 3613843, "url": "https://" + r.PathValue("account") + ".zendesk.com/api/v2/users/3613843.json",
		"name": name, "email": c.email, "role": c.role, "role_type": nil, "custom_role_id": json.RawMessage(custom),
		"active": true, "suspended": c.suspended, "verified": true, "locale": "en-US", "time_zone": "Eastern Time (US & Canada)",
	}})
	zendeskHeaders(rw, c.remaining)
	emulation.WriteJSON(rw, http.StatusOK, string(body))
}

func tokenCurrent(w emulation.World, rw http.ResponseWriter, r *http.Request) {
	c, why := authenticate(w, r)
	switch {
	case why != refusedNone:
		refuse(rw, why, false)
		return
	case !c.oauth:
		// An API token has no OAuth token record.
		zendeskHeaders(rw, c.remaining)
		emulation.WriteJSON(rw, http.StatusNotFound, `{"error":"RecordNotFound","description":"Not found"}`)
		return
	}
	var expires any
	if !c.expires.IsZero() {
		expires = c.expires.Format(time.RFC3339)
	}
	body, _ := json.Marshal(map[string]any{"token": map[string]any{
		"id": 10001, "client_id": 223443, "user_id": 3613843, "scopes": c.scopes, "expires_at": expires,
		"refresh_token_expires_at": nil, "token": emulation.RandomID(5), "created_at": "2026-01-05T09:00:00Z",
	}})
	zendeskHeaders(rw, c.remaining)
	emulation.WriteJSON(rw, http.StatusOK, string(body))
}

// forbidden is Zendesk's answer to a role or plan that may not use a page.
// source: zenpy#336; OkHttp log of a 403 (research §4 row 7)
const forbidden = `{"error":{"title":"Forbidden","message":"You do not have access to this page. Please contact the account owner of this help desk for further help."}}`

func auditLogs(w emulation.World, rw http.ResponseWriter, r *http.Request) {
	c, why := authenticate(w, r)
	if why != refusedNone {
		refuse(rw, why, false)
		return
	}
	zendeskHeaders(rw, c.remaining)
	switch {
	case c.oauth && !covers(c.scopes, "auditlogs:read"):
		// source: support.zendesk.com community post 4485954843162 (verbatim)
		emulation.WriteJSON(rw, http.StatusForbidden, `{"error":"Forbidden","description":"You are missing the following required scopes: read"}`)
	case c.role != "admin" || r.PathValue("account") == "professional":
		emulation.WriteJSON(rw, http.StatusForbidden, forbidden)
	default:
		emulation.WriteJSON(rw, http.StatusOK, `{"audit_logs":[{"url":"https://`+r.PathValue("account")+`.zendesk.com/api/v2/audit_logs/1.json",`+
			`"id":1,"action_label":"Updated","actor_id":3613843,"source_id":3613843,"source_type":"user","source_label":"Sandbox",`+
			`"action":"update","change_description":"Role changed","ip_address":"192.0.2.10","created_at":"2026-11-30T12:00:00Z"}],`+
			`"meta":{"has_more":false,"after_cursor":null,"before_cursor":null},"links":{"prev":null,"next":null}}`)
	}
}

// oauthError writes Doorkeeper's RFC 6749 error body. The descriptions are
// Doorkeeper's (Zendesk's OAuth server); no Zendesk capture of them was
// found (research §4 rows 15 and 16: guesses).
func oauthError(rw http.ResponseWriter, status int, code, desc string) {
	body, _ := json.Marshal(map[string]string{"error": code, "error_description": desc})
	emulation.WriteJSON(rw, status, string(body), "Cache-Control", "no-store", "Pragma", "no-cache")
}

func oauthTokens(rw http.ResponseWriter, r *http.Request) {
	form := map[string]string{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var m map[string]any
		_ = json.NewDecoder(http.MaxBytesReader(rw, r.Body, 64<<10)).Decode(&m)
		for k, v := range m {
			form[k] = fmt.Sprint(v)
		}
	} else {
		_ = r.ParseForm()
		for k := range r.PostForm {
			form[k] = r.PostForm.Get(k)
		}
	}
	if id, secret, ok := r.BasicAuth(); ok && form["client_id"] == "" {
		form["client_id"], form["client_secret"] = id, secret
	}
	if form["client_id"] != SandboxClientID || form["client_secret"] != SandboxClientSecret {
		oauthError(rw, http.StatusUnauthorized, "invalid_client",
			"Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.")
		return
	}
	issue := func(scope string, rotate bool) {
		resp := map[string]any{"access_token": "oat-issued-" + emulation.RandomID(12), "token_type": "bearer",
			"scope": scope, "expires_in": 1800}
		if rotate {
			resp["refresh_token"], resp["refresh_token_expires_in"] = "rt-ok."+emulation.RandomID(12), 2592000
		}
		body, _ := json.Marshal(resp)
		emulation.WriteJSON(rw, http.StatusOK, string(body), "Cache-Control", "no-store", "Pragma", "no-cache")
	}
	switch form["grant_type"] {
	case "client_credentials":
		scope := strings.TrimSpace(form["scope"])
		for _, sc := range strings.Fields(scope) {
			if !zendeskScopeRE.MatchString(sc) {
				oauthError(rw, http.StatusBadRequest, "invalid_scope",
					"The requested scope is invalid, unknown, or malformed.")
				return
			}
		}
		if scope == "" {
			scope = "read"
		}
		issue(scope, false)
	case "refresh_token":
		if scenario(form["refresh_token"]) != "rt-ok" {
			oauthError(rw, http.StatusBadRequest, "invalid_grant",
				"The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.")
			return
		}
		issue("read", true)
	default:
		oauthError(rw, http.StatusBadRequest, "unsupported_grant_type",
			"The authorization grant type is not supported by the authorization server.")
	}
}
