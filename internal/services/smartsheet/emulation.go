package smartsheet

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// Smartsheet's emulation, with the statuses and bodies of
// /work/research/smartsheet.md §4 (error-code list, SDK test recordings,
// a live check of /users/me).
//
// URLs: <sandbox>/smartsheet/<region>/2.0/… stands for
// https://api.smartsheet.<region>/2.0/… (com, eu, gov), so
// smartsheet.base_url is VendorURL("smartsheet")+"/com/2.0". Any other path
// answers 404 errorCode 1006.
//
// The token picks the scenario: it works only when one of its words (split
// at - _ . and lower-cased) is "sandbox"; the word "eu" or "gov" makes it a
// token of that region (others are com tokens), refused elsewhere with 1002
// like Smartsheet does. Other words name the failure:
//
//	bad → 401 1002 (pretty-printed, as recorded); expired → 401 1003;
//	sso → 401 1005; ratelimited → 429 4003 without Retry-After;
//	maintenance → 503 4001; notadmin → /users/me says admin false and
//	/events answers 403 1004; noaddon → /events answers 403 1013;
//	noscope → /events answers 403 1004 to an admin.
//
// POST /token takes the OAuth app SandboxClientID / SandboxClientSecret in
// the form (anything else: invalid_client, a stand-in body: its errorCode
// is undocumented); a refresh token without "sandbox" or with "invalid"
// gets 400 1071 invalid_grant; others get a 7-day access token carrying the
// refresh token's words and a new refresh token, as Smartsheet rotates.

// Sandbox OAuth app (not secrets: they open the sandbox only).
const (
	SandboxClientID     = "1samp48lel5for4yl"
	SandboxClientSecret = "sandbox0smartsheet0app0secret0x1"
)

// Emulation is the sandbox's Smartsheet.
func Emulation() emulation.Vendor {
	return emulation.Vendor{Path: "smartsheet", Routes: routes}
}

type emu struct{ seq atomic.Int64 }

func routes(_ emulation.World, mux *http.ServeMux, prefix string) {
	e := &emu{}
	mux.HandleFunc("GET "+prefix+"/{region}/2.0/users/me", e.authed(e.usersMe))
	mux.HandleFunc("GET "+prefix+"/{region}/2.0/events", e.authed(e.events))
	mux.HandleFunc("POST "+prefix+"/{region}/2.0/token", e.token)
	mux.HandleFunc(prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		e.fail(w, http.StatusNotFound, 1006, "Not Found", false)
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

// refID is Smartsheet's per-request id: a dozen lower-case letters and digits.
func (e *emu) refID() string {
	return fmt.Sprintf("rno%09x", e.seq.Add(1)*7919)
}

// fail writes Smartsheet's error envelope, pretty-printed with spaces
// around the colons when pretty is set (as Smartsheet often sends it).
func (e *emu) fail(w http.ResponseWriter, status, code int, message string, pretty bool) {
	msg, _ := json.Marshal(message)
	body := fmt.Sprintf(`{"errorCode":%d,"message":%s,"refId":"%s"}`, code, msg, e.refID())
	if pretty {
		body = fmt.Sprintf("{\n  \"errorCode\" : %d,\n  \"message\" : %s,\n  \"refId\" : \"%s\"\n}", code, msg, e.refID())
	}
	emulation.WriteJSON(w, status, body)
}

// authed checks the bearer token the way every Smartsheet endpoint does.
func (e *emu) authed(h func(http.ResponseWriter, *http.Request, map[string]bool)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := emulation.Bearer(r)
		if tok == "" {
			// Live: a missing header gets 403 1004, not the documented 401 1001.
			e.fail(w, http.StatusForbidden, 1004, "You are not authorized to perform this action.", false)
			return
		}
		ws := words(tok)
		region := "com"
		if ws["eu"] {
			region = "eu"
		} else if ws["gov"] {
			region = "gov"
		}
		switch {
		case !ws["sandbox"] || ws["bad"] || region != r.PathValue("region"):
			e.fail(w, http.StatusUnauthorized, 1002, "Your Access Token is invalid.", true)
		case ws["expired"]:
			e.fail(w, http.StatusUnauthorized, 1003, "Your Access Token has expired.", false)
		case ws["sso"]:
			e.fail(w, http.StatusUnauthorized, 1005, "Single Sign-On is required for this account.", false)
		case ws["ratelimited"]:
			e.fail(w, http.StatusTooManyRequests, 4003, "Rate limit exceeded.", false)
		case ws["maintenance"]:
			e.fail(w, http.StatusServiceUnavailable, 4001, "Smartsheet.com is currently offline for system maintenance. Please check back again shortly.", false)
		default:
			h(w, r, ws)
		}
	}
}

func (e *emu) usersMe(w http.ResponseWriter, _ *http.Request, ws map[string]bool) {
	admin := !ws["notadmin"]
	emulation.WriteJSON(w, http.StatusOK, fmt.Sprintf(`{"id":48569348493401200,"email":"ops@acme.example","firstName":"Ops","lastName":"Bot",`+
		`"locale":"en_US","timeZone":"US/Pacific","account":{"id":3542958310926212,"name":"Acme"},"admin":%t,"licensedSheetCreator":true,`+
		`"groupAdmin":false,"resourceViewer":false,"sheetCount":12,"alternateEmails":[]}`, admin))
}

func (e *emu) events(w http.ResponseWriter, r *http.Request, ws map[string]bool) {
	q := r.URL.Query()
	switch {
	case q.Get("since") == "" && q.Get("streamPosition") == "":
		e.fail(w, http.StatusBadRequest, 1009, "A required parameter is missing from your request: since.", false)
	case ws["notadmin"] || ws["noscope"]:
		e.fail(w, http.StatusForbidden, 1004, "You are not authorized to perform this action.", false)
	case ws["noaddon"]:
		e.fail(w, http.StatusForbidden, 1013, "The operation you are attempting to perform is not supported by your plan.", false)
	default:
		emulation.WriteJSON(w, http.StatusOK, `{"data":[],"nextStreamPosition":"XyzAb1234cdefgHIjkLMNopqrs","moreAvailable":false}`)
	}
}

func (e *emu) token(w http.ResponseWriter, r *http.Request) {
	if r.ParseForm() != nil || r.PostForm.Get("client_id") != SandboxClientID || r.PostForm.Get("client_secret") != SandboxClientSecret {
		// Stand-in: the shape of the 1071 body, with the OAuth code only.
		emulation.WriteJSON(w, http.StatusUnauthorized, fmt.Sprintf(`{"message":"Invalid client.","error":"invalid_client","refId":"%s"}`, e.refID()))
		return
	}
	rt := r.PostForm.Get("refresh_token")
	ws := words(rt)
	if r.PostForm.Get("grant_type") != "refresh_token" || !ws["sandbox"] || ws["invalid"] {
		emulation.WriteJSON(w, http.StatusBadRequest, fmt.Sprintf("{\n  \"errorCode\" : 1071,\n  \"message\" : \"Invalid Grant. The authorization code or refresh token provided was invalid.\",\n  \"error\" : \"invalid_grant\",\n  \"refId\" : \"%s\"\n}", e.refID()))
		return
	}
	n := e.seq.Add(1)
	emulation.WriteJSON(w, http.StatusOK, fmt.Sprintf(`{"access_token":"at-oauth-%s-%d","token_type":"bearer","expires_in":604799,"refresh_token":"%s-r%d"}`,
		strings.ReplaceAll(rt, ".", "-"), n, rt, n))
}
