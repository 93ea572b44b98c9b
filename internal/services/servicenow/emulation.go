package servicenow

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// The sandbox's ServiceNow instance, below /servicenow (base_url), answering
// with ServiceNow's statuses, headers and bodies (the sources are cited next
// to the same bodies in decode_test.go):
//
//	POST /oauth_token.do         password and client_credentials grants
//	GET  /api/now/table/{table}  the Table API (sys_user, sys_user_has_role,
//	                             incident, sys_audit; other tables: 400 Invalid table)
//	/api/…                       400 "Requested URI does not represent any resource"
//	anything else                404 with a web page that is not ServiceNow's
//	                             (base_url pointing at something that is not an instance)
//
// Every user's password is SandboxPassword; every OAuth client's secret is
// SandboxClientSecret, and its id must contain the word "sandbox". A wrong
// password or secret gets what the real token endpoint answers:
// 401 {"error_description":"access_denied","error":"server_error"}; the Table
// API answers 401 User Not Authenticated. Bearer tokens must contain the word
// "sandbox" (the emulation's own tokens do).
//
// Words of the user name, the client id or the bearer token pick a scenario
// (the tokens the emulation issues carry them on):
//
//	hibernating  every path, the token endpoint included: HTTP 200 with the
//	             "Your instance is hibernating" page
//	nouser       client credentials: 400 unauthorized_client (no OAuth
//	             Application User on the registry entry)
//	noread       Table API: 403 Insufficient rights to query records
//	ratelimited  Table API: 429 Rate limit exceeded, Retry-After: 60
//	itil         the user has itil and snc_internal and cannot read
//	             sys_user_has_role (403)
//	useradmin    the user has itil and user_admin, and can read its roles
//	(none)       the user has admin (and can read everything)

// Sandbox credentials (not secrets: they only open the sandbox).
const (
	SandboxPassword     = "Sandbox-ServiceNow-Pa55word"
	SandboxClientSecret = "sandbox0servicenow0client0secret"
)

type emu struct {
	w   emulation.World
	seq atomic.Int64
}

func routes(w emulation.World, mux *http.ServeMux, prefix string) {
	e := &emu{w: w}
	mux.HandleFunc("POST "+prefix+"/oauth_token.do", e.token)
	mux.HandleFunc("GET "+prefix+"/api/now/table/{table}", e.table)
	mux.HandleFunc(prefix+"/api/", func(w http.ResponseWriter, r *http.Request) {
		if e.hibernating(w, r) {
			return
		}
		restError(w, http.StatusBadRequest, "Requested URI does not represent any resource", "")
	})
	mux.HandleFunc(prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(notAnInstancePage))
	})
}

// split cuts a value into its lower-case alphanumeric words.
func split(v string) []string {
	return strings.FieldsFunc(strings.ToLower(v), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
}

// words is the set of the values' words.
func words(values ...string) map[string]bool {
	out := map[string]bool{}
	for _, v := range values {
		for _, w := range split(v) {
			out[w] = true
		}
	}
	return out
}

// hibernating answers the hibernation page when the request's credential
// (form fields, basic user, bearer token) has the word.
func (e *emu) hibernating(w http.ResponseWriter, r *http.Request) bool {
	user, _, _ := r.BasicAuth()
	vals := []string{user, emulation.Bearer(r)}
	if r.Method == http.MethodPost {
		vals = append(vals, r.FormValue("client_id"), r.FormValue("username"))
	}
	if !words(vals...)["hibernating"] {
		return false
	}
	// source: vdesabou/kafka-docker-playground#8778 (the page, abridged:
	// its markers, text and button are kept, the inline CSS is not).
	w.Header().Set("Content-Type", "text/html;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(hibernatingPage))
	return true
}

const hibernatingPage = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Instance Hibernating page</title>
<style>.instance-hibernating-page { max-width: 600px; margin: auto; padding: 10px; }</style></head>
<body>
<div class="instance-hibernating-page">
  <div class="resting-image"></div>
  <h1>Your instance is hibernating</h1>
  <p class="information">Sign in to the site to wake your instance</p>
  <button onclick="location.href='https://developer.servicenow.com/dev.do#!/home?wu=true';" class="button"><span class="button-text">Sign in to developer site</span></button>
  <p class="redirection-text">You'll be redirected to the developer site.</p>
</div>
</body>
</html>`

const notAnInstancePage = `<!DOCTYPE html>
<html><head><title>Welcome</title></head>
<body><h1>Welcome to nginx!</h1><p>If you see this page, the web server is successfully installed.</p></body></html>`

// restError writes ServiceNow's REST envelope; detail "" is null.
func restError(w http.ResponseWriter, status int, message, detail string, headers ...string) {
	d := "null"
	if detail != "" {
		d = fmt.Sprintf("%q", detail)
	}
	emulation.WriteJSON(w, status, fmt.Sprintf(`{"error":{"message":%q,"detail":%s},"status":"failure"}`, message, d), headers...)
}

// oauthDenied is the token endpoint's answer to a wrong secret or password.
func oauthDenied(w http.ResponseWriter) {
	emulation.WriteJSON(w, http.StatusUnauthorized, `{"error_description":"access_denied","error":"server_error"}`)
}

func (e *emu) token(w http.ResponseWriter, r *http.Request) {
	if e.hibernating(w, r) {
		return
	}
	id, secret := r.FormValue("client_id"), r.FormValue("client_secret")
	if !words(id)["sandbox"] || secret != SandboxClientSecret || e.w.Revoked(secret) {
		oauthDenied(w)
		return
	}
	var who, refresh string
	switch r.FormValue("grant_type") {
	case "password":
		user, pw := r.FormValue("username"), r.FormValue("password")
		if user == "" || pw != SandboxPassword || e.w.Revoked(pw) {
			oauthDenied(w)
			return
		}
		who = user
		refresh = fmt.Sprintf("sandbox-refresh-%04d", e.seq.Add(1))
	case "client_credentials":
		if words(id)["nouser"] {
			// source: refractionPOINT/documentation#283 and the stojdev/oauth-client
			// report (HTTP 400, unauthorized_client, "integration user is not configured").
			emulation.WriteJSON(w, http.StatusBadRequest,
				`{"error":"unauthorized_client","error_description":"The integration user is not configured for OAuth:4d2bd5e1db2f4a10a8c0e3a1f39619f0"}`)
			return
		}
		who = id
	default:
		emulation.WriteJSON(w, http.StatusBadRequest, `{"error":"unsupported_grant_type"}`)
		return
	}
	// The access token carries its user's words, so the Table API needs no state.
	access := fmt.Sprintf("sandbox-%s-%04d", strings.Join(split(who), "-"), e.seq.Add(1))
	body := fmt.Sprintf(`{"access_token":%q,"scope":"useraccount","token_type":"Bearer","expires_in":1799}`, access)
	if refresh != "" {
		body = fmt.Sprintf(`{"access_token":%q,"refresh_token":%q,"scope":"useraccount","token_type":"Bearer","expires_in":1799}`, access, refresh)
	}
	emulation.WriteJSON(w, http.StatusOK, body, "Cache-Control", "no-store")
}

// caller authenticates a Table API request and returns its words.
func (e *emu) caller(r *http.Request) (map[string]bool, bool) {
	if user, pw, ok := r.BasicAuth(); ok {
		return words(user), user != "" && pw == SandboxPassword && !e.w.Revoked(pw)
	}
	tok := emulation.Bearer(r)
	ws := words(tok)
	return ws, ws["sandbox"] && !e.w.Revoked(tok)
}

func (e *emu) table(w http.ResponseWriter, r *http.Request) {
	if e.hibernating(w, r) {
		return
	}
	ws, ok := e.caller(r)
	if !ok {
		// source: panoramicdata/ServiceNow.Api#16 (body);
		// vdesabou/kafka-docker-playground#8206 (WWW-Authenticate).
		restError(w, http.StatusUnauthorized, "User Not Authenticated", "Required to provide Auth information",
			"WWW-Authenticate", `Basic realm="Service-now"`)
		return
	}
	table := r.PathValue("table")
	switch {
	case ws["ratelimited"]:
		// source: ServiceNowDocs inbound-REST-API-rate-limiting.md.
		restError(w, http.StatusTooManyRequests, "Rate limit exceeded", "Rate limit of 10 requests per hour for Table API exceeded",
			"Retry-After", "60", "X-RateLimit-Limit", "10", "X-RateLimit-Reset", "1767225600", "X-RateLimit-Rule", "a3d1c5e0db2f4a10a8c0e3a1f39619a1")
		return
	case ws["noread"] && table == "sys_user":
		// source: the setup-doctor and AI-agent notes quoting a 403 (find_string).
		restError(w, http.StatusForbidden, "Insufficient rights to query records", "Field(s) present in the query do not have permission to be read")
		return
	}
	switch table {
	case "sys_user":
		emulation.WriteJSON(w, http.StatusOK, `{"result":[{"sys_id":"6816f79cc0a8016401c5a33be04be441"}]}`, "X-Total-Count", "1")
	case "sys_user_has_role":
		var roles []string
		switch {
		case ws["itil"]:
			// source: ServiceNow KB0744425 (message and detail naming the table).
			restError(w, http.StatusForbidden, "Insufficient rights to query records", "No permission to read table 'sys_user_has_role'")
			return
		case ws["useradmin"]:
			roles = []string{"itil", "user_admin", "snc_internal"}
		default:
			roles = []string{"admin", "snc_internal"}
		}
		rows := make([]string, len(roles))
		for i, role := range roles {
			rows[i] = fmt.Sprintf(`{"role.name":%q}`, role)
		}
		emulation.WriteJSON(w, http.StatusOK, `{"result":[`+strings.Join(rows, ",")+`]}`, "X-Total-Count", fmt.Sprint(len(rows)))
	case "incident", "sys_audit", "syslog_transaction":
		emulation.WriteJSON(w, http.StatusOK, `{"result":[]}`, "X-Total-Count", "0")
	default:
		restError(w, http.StatusBadRequest, "Invalid table "+table, "")
	}
}
