package workday

import (
	"net/http"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// Workday emulation, below /workday: point workday.base_url at
// VendorURL("workday"). Bodies are Workday's as seed 003 quotes them —
// compact, without a description: {"error":"invalid_grant"},
// {"error":"invalid_client"}, {"error":"permission denied"}
// (/work/research/workday.md §4). Any tenant exists except "missing",
// whose token endpoint answers 404 with an empty body.
//
// The client secret must be SandboxClientSecret (another gets 401
// invalid_client). The refresh token's text before its first "." picks the
// integration system user:
//
//	isu-disabled    the user is locked or disabled: 400 invalid_grant
//	no-domains      its security group has no domain: every REST call 403
//	no-auditing     no System Auditing: activityLogging 403, workers 200
//	token-rejected  the REST API refuses the issued token: 401 invalid_token
//	anything else   healthy; the token response returns the same refresh token
//
// A refresh token the world revoked is answered invalid_grant too.

// SandboxClientSecret is the emulated API clients' secret.
const SandboxClientSecret = "sbx-workday-Q2xpZW50U2VjcmV0LWZvci1pbnRlZ3JhdGlvbnM"

// Emulation is the sandbox emulation of Workday.
func Emulation() emulation.Vendor { return emulation.Vendor{Path: "workday", Routes: routes} }

func routes(w emulation.World, mux *http.ServeMux, prefix string) {
	mux.HandleFunc("POST "+prefix+"/ccx/oauth2/{tenant}/token", func(rw http.ResponseWriter, r *http.Request) { token(w, rw, r) })
	mux.HandleFunc("GET "+prefix+"/ccx/api/v1/{tenant}/workers", rest(`{"total":1,"data":[{"id":"3aa5550b7fe348b98d7b5741afc65534","descriptor":"Logan McNeil","isManager":true,"primaryWorkEmail":"lmcneil@workday.net"}]}`))
	mux.HandleFunc("GET "+prefix+"/ccx/api/privacy/v1/{tenant}/activityLogging", rest(`{"total":1,"data":[{"requestTime":"2026-01-05T10:00:00.000Z","taskDisplayName":"Maintain Permissions for Security Group","systemAccount":"ISU_Handshake","activityAction":"READ","deviceType":"Computer","ipAddress":"203.0.113.10"}]}`))
	mux.HandleFunc(prefix+"/", func(rw http.ResponseWriter, _ *http.Request) {
		rw.WriteHeader(http.StatusNotFound)
	})
}

// scenario is the text before the first ".".
func scenario(v string) string {
	s, _, _ := strings.Cut(v, ".")
	return s
}

func token(w emulation.World, rw http.ResponseWriter, r *http.Request) {
	if r.PathValue("tenant") == "missing" {
		rw.WriteHeader(http.StatusNotFound)
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	rt := r.PostFormValue("refresh_token")
	switch {
	case id == "" || secret != SandboxClientSecret || w.Revoked(secret):
		emulation.WriteJSON(rw, http.StatusUnauthorized, `{"error":"invalid_client"}`)
	case r.PostFormValue("grant_type") != "refresh_token" || rt == "":
		emulation.WriteJSON(rw, http.StatusBadRequest, `{"error":"invalid_request"}`)
	case scenario(rt) == "isu-disabled" || w.Revoked(rt):
		emulation.WriteJSON(rw, http.StatusBadRequest, `{"error":"invalid_grant"}`)
	default:
		at := "wdat." + scenario(rt) + "." + emulation.RandomID(32)
		emulation.WriteJSON(rw, http.StatusOK, `{"access_token":"`+at+`","token_type":"Bearer","refresh_token":"`+jsonSafe(rt)+`"}`,
			"Cache-Control", "no-store")
	}
}

// jsonSafe drops the characters that would break the hand-written body.
func jsonSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < 0x20 {
			return -1
		}
		return r
	}, s)
}

// rest answers a REST resource as the token's user may see it.
func rest(healthy string) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		parts := strings.SplitN(emulation.Bearer(r), ".", 3)
		if len(parts) != 3 || parts[0] != "wdat" || parts[1] == "token-rejected" {
			emulation.WriteJSON(rw, http.StatusUnauthorized, `{"error":"invalid_token"}`)
			return
		}
		user := parts[1]
		if user == "no-domains" || user == "no-auditing" && strings.HasSuffix(r.URL.Path, "/activityLogging") {
			emulation.WriteJSON(rw, http.StatusForbidden, `{"error":"permission denied"}`)
			return
		}
		emulation.WriteJSON(rw, http.StatusOK, healthy)
	}
}
