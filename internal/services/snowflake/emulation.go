package snowflake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// Snowflake's emulation, with the statuses and bodies of
// /work/research/snowflake.md §4 (SQL API examples in Snowflake's docs, the
// token endpoint's envelope from epam/ai-dial-core#1527, driver reports).
//
// URLs: <sandbox>/snowflake/<account>/… stands for
// https://<account>.snowflakecomputing.com/…, so snowflake.base_url is
// VendorURL("snowflake")+"/<account>". An account with the word "wrong"
// does not exist: every request gets HTTP 403 with no body, as Snowflake
// answers a host name of no account.
//
// The credential picks the scenario: it works only when one of its words
// (split at - _ . and lower-cased) is "sandbox", and another word names
// the failure:
//
//	key-pair (the user name in the JWT's sub): wrongkey → 390144; any JWT
//	  whose iss/sub do not follow Snowflake's rules (account of the URL,
//	  SHA256: fingerprint, lifetime ≤ 1 hour) → 390144 too
//	programmatic access token: invalid → 390303; netpolicy → 390432
//	OAuth refresh token (client SandboxClientID / SandboxClientSecret in
//	  HTTP Basic, byte for byte): invalid → invalid_grant, expired →
//	  invalid_grant "…expired", rotate → a new refresh token each time,
//	  expiring → refresh_token_expires_in of 10 days, norole → scope
//	  without session:role:ANALYST; the access token carries the refresh
//	  token's words
//	any: disabled → 390101, locked → 390102, ipblocked → 390422,
//	  ratelimited → 429 390505, nowarehouse → 422 000606, norole →
//	  CURRENT_ROLE() is PUBLIC
//
// /oauth/authorize answers a redirect_uri other than SandboxRedirectURI
// with Snowflake's mismatch page (the page's text is from seed 002; its
// status is not documented, 400 here), and the registered one with a
// redirect to the login page. Texts marked "stand-in" below were not
// captured from Snowflake; their codes and shapes were.

// Sandbox OAuth integration (not secrets: they open the sandbox only). The
// client id has "/", "+" and "=", which URL-encoding would change.
const (
	SandboxClientID     = "SANDBOX/sf+Q2xpZW50SWQ="
	SandboxClientSecret = "sandbox0snowflake0client0secret0AbC="
	SandboxRedirectURI  = "https://handshake.example.com/oauth/snowflake"
)

// Emulation is the sandbox's Snowflake.
func Emulation() emulation.Vendor {
	return emulation.Vendor{Path: "snowflake", Routes: routes}
}

type emu struct {
	w   emulation.World
	seq atomic.Int64
}

func routes(w emulation.World, mux *http.ServeMux, prefix string) {
	e := &emu{w: w}
	mux.HandleFunc("POST "+prefix+"/{account}/oauth/token-request", e.accountFirst(e.token))
	mux.HandleFunc("GET "+prefix+"/{account}/oauth/authorize", e.accountFirst(e.authorize))
	mux.HandleFunc("POST "+prefix+"/{account}/api/v2/statements", e.accountFirst(e.statements))
	mux.HandleFunc("GET "+prefix+"/{account}/console/login", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!DOCTYPE html><html><head><title>Snowflake</title></head><body>Sign in to Snowflake</body></html>"))
	})
}

// words splits a credential into its lower-case words.
func words(v string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(v), func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		out[w] = true
	}
	return out
}

// accountFirst answers 403 for an account that does not exist.
func (e *emu) accountFirst(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if words(r.PathValue("account"))["wrong"] {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		h(w, r)
	}
}

func (e *emu) uuid() string {
	return fmt.Sprintf("01b2c3d4-0000-4a1b-8c2d-%012d", e.seq.Add(1))
}

// sqlError is the SQL API's error body.
func (e *emu) sqlError(w http.ResponseWriter, status int, code, message string) {
	body, _ := json.Marshal(map[string]string{"code": code, "message": message})
	emulation.WriteJSON(w, status, string(body))
}

// oauthError is /oauth/token-request's envelope.
func oauthError(w http.ResponseWriter, code, message string) {
	body, _ := json.Marshal(map[string]any{"data": nil, "error": code, "code": nil, "message": message, "success": false})
	emulation.WriteJSON(w, http.StatusBadRequest, string(body))
}

func (e *emu) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok || id != SandboxClientID || secret != SandboxClientSecret {
		oauthError(w, "invalid_client", "This is an invalid client.")
		return
	}
	if gt := r.FormValue("grant_type"); gt != "refresh_token" {
		oauthError(w, "unsupported_grant_type", "The grant type is not supported.") // stand-in text
		return
	}
	rt := r.FormValue("refresh_token")
	ws := words(rt)
	switch {
	case !ws["sandbox"] || ws["invalid"] || e.w.Revoked(rt):
		oauthError(w, "invalid_grant", "The refresh token is invalid.") // stand-in text
		return
	case ws["expired"]:
		oauthError(w, "invalid_grant", "The refresh token has expired.") // stand-in text
		return
	}
	n := e.seq.Add(1)
	var keep []string
	for _, part := range strings.FieldsFunc(strings.ToLower(rt), func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		if part != "sfort" {
			keep = append(keep, part)
		}
	}
	resp := map[string]any{
		"access_token": fmt.Sprintf("sfoat-%s-%04d", strings.Join(keep, "-"), n), "token_type": "Bearer", "expires_in": 600,
		"username": "ANALYST_USER", "scope": "refresh_token session:role:ANALYST", "refresh_token_expires_in": 7776000, "idpInitiated": false,
	}
	if ws["norole"] {
		resp["scope"] = "refresh_token session:role:PUBLIC"
	}
	if ws["expiring"] {
		resp["refresh_token_expires_in"] = 864000
	}
	if ws["rotate"] {
		resp["refresh_token"] = fmt.Sprintf("sfort-sandbox-rotate-%04d", n)
	}
	body, _ := json.Marshal(resp)
	emulation.WriteJSON(w, http.StatusOK, string(body))
}

func (e *emu) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page := func(msg string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = fmt.Fprintf(w, "<!DOCTYPE html><html><head><title>Snowflake</title></head><body><div class=\"error\">Error occurred in authorization: %s</div></body></html>", msg)
	}
	switch {
	case q.Get("client_id") != SandboxClientID:
		page("Invalid client_id.") // stand-in text
	case q.Get("redirect_uri") != SandboxRedirectURI:
		page("There is a mismatch in the given redirect uri with the one in the registered OAuth client integration.")
	default:
		login := url.Values{"oauth_redirect": {"true"}, "state": {q.Get("state")}}
		http.Redirect(w, r, strings.TrimSuffix(r.URL.Path, "/oauth/authorize")+"/console/login?"+login.Encode(), http.StatusFound)
	}
}

// The JWT's account part, user and fingerprint, as Snowflake checks them.
var issRE = regexp.MustCompile(`^([A-Z0-9_-]+)\.([A-Z0-9_$@-]+)\.SHA256:[A-Za-z0-9+/]{43}=$`)

// keyPairUser checks a key-pair JWT's claims against the account and
// returns its user; ok is false for a JWT Snowflake would refuse. (The
// signature cannot be checked: the sandbox has no registered public key.)
func keyPairUser(jwt, acct string) (string, bool) {
	tok, err := jose.ParseSigned(jwt, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return "", false
	}
	var c struct {
		Iss string `json:"iss"`
		Sub string `json:"sub"`
		Iat int64  `json:"iat"`
		Exp int64  `json:"exp"`
	}
	if json.Unmarshal(tok.UnsafePayloadWithoutVerification(), &c) != nil {
		return "", false
	}
	a, _ := parseAccount(acct)
	m := issRE.FindStringSubmatch(c.Iss)
	now := time.Now().Unix()
	if m == nil || m[1] != a.jwt || c.Sub != m[1]+"."+m[2] || c.Exp-c.Iat > 3600 || c.Exp < now || c.Iat > now+60 {
		return "", false
	}
	return m[2], true
}

func (e *emu) statements(w http.ResponseWriter, r *http.Request) {
	cred := emulation.Bearer(r)
	var ws map[string]bool
	user := "SVC_HANDSHAKE"
	invalid := func() { e.sqlError(w, http.StatusUnauthorized, "390303", "Invalid OAuth access token. ["+e.uuid()+"]") }
	switch r.Header.Get("X-Snowflake-Authorization-Token-Type") {
	case "KEYPAIR_JWT":
		u, ok := keyPairUser(cred, r.PathValue("account"))
		ws = words(u)
		if !ok || !ws["sandbox"] || ws["wrongkey"] {
			e.sqlError(w, http.StatusUnauthorized, "390144", "JWT token is invalid. ["+e.uuid()+"]")
			return
		}
		user = u
	case "PROGRAMMATIC_ACCESS_TOKEN":
		ws = words(cred)
		switch {
		case !ws["sandbox"] || ws["invalid"] || e.w.Revoked(cred):
			invalid()
			return
		case ws["netpolicy"]:
			e.sqlError(w, http.StatusUnauthorized, "390432", "Network policy is required.")
			return
		}
	case "OAUTH":
		ws = words(cred)
		if !strings.HasPrefix(cred, "sfoat-") || !ws["sandbox"] || e.w.Revoked(cred) {
			invalid()
			return
		}
		user = "ANALYST_USER"
	default: // Snowflake guesses the type; the sandbox does not
		invalid()
		return
	}
	var req struct {
		Statement string `json:"statement"`
		Role      string `json:"role"`
		Warehouse string `json:"warehouse"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Statement == "" {
		e.sqlError(w, http.StatusBadRequest, "390142", "Incoming request does not contain a valid payload.") // stand-in text
		return
	}
	switch {
	case ws["disabled"]:
		e.sqlError(w, http.StatusUnauthorized, "390101", "User access disabled. Contact your local system administrator.")
		return
	case ws["locked"]:
		e.sqlError(w, http.StatusUnauthorized, "390102", "User temporarily locked. Try again later, or contact your local system administrator.")
		return
	case ws["ipblocked"]:
		e.sqlError(w, http.StatusUnauthorized, "390422", "Incoming request with IP/Token 203.0.113.7 is not allowed to access Snowflake. Contact your local security administrator or please create a case with Snowflake Support or reach us on our support line: https://docs.snowflake.com/en/user-guide/contacting-support")
		return
	case ws["ratelimited"]:
		e.sqlError(w, http.StatusTooManyRequests, "390505", "Too many requests.")
		return
	case ws["nowarehouse"]:
		handle := fmt.Sprintf("01b2c3d4-0000-4a1b-0000-%012d", e.seq.Add(1))
		body, _ := json.Marshal(map[string]string{"code": "000606", "sqlState": "57P03",
			"message":         "No active warehouse selected in the current session.  Select an active warehouse with the 'use warehouse' command.\n",
			"statementHandle": handle, "statementStatusUrl": "/api/v2/statements/" + handle})
		emulation.WriteJSON(w, http.StatusUnprocessableEntity, string(body))
		return
	}
	role := "ANALYST"
	switch {
	case ws["norole"]:
		role = "PUBLIC"
	case req.Role != "":
		role = strings.ToUpper(req.Role)
	}
	handle := fmt.Sprintf("01b2c3d4-0000-4a1b-0000-%012d", e.seq.Add(1))
	body, _ := json.Marshal(map[string]any{
		"resultSetMetaData": map[string]any{"numRows": 1, "format": "jsonv2",
			"partitionInfo": []any{map[string]any{"rowCount": 1, "uncompressedSize": 42}},
			"rowType": []any{
				map[string]any{"name": "CURRENT_USER()", "type": "text", "nullable": true, "length": 16777216},
				map[string]any{"name": "CURRENT_ROLE()", "type": "text", "nullable": true, "length": 16777216},
				map[string]any{"name": "CURRENT_ACCOUNT()", "type": "text", "nullable": true, "length": 16777216}}},
		"data": [][]string{{user, role, "XY12345"}}, "code": "090001", "sqlState": "00000",
		"statementHandle": handle, "statementStatusUrl": "/api/v2/statements/" + handle,
		"message": "Statement executed successfully.", "createdOn": time.Now().UnixMilli(),
	})
	emulation.WriteJSON(w, http.StatusOK, string(body))
}
