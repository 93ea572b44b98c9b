package slack

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// Slack's Web API, as its method documentation and captured answers show it.
//
// The API root (slack.base_url) is the sandbox's VendorURL("slack")+"/api". Failures are
// {"ok":false,"error":"<code>"} with HTTP 200, except ratelimited (HTTP 429
// with Retry-After). Answers to a valid token carry the token's scopes in
// x-oauth-scopes (comma-separated) and x-accepted-oauth-scopes.
//
// The token picks the scenario. A bot or user token (xoxb-, xoxp-, or the
// rotating xoxe.xoxb- / xoxe.xoxp-) works only when one of its "-"-separated
// words is "sandbox"; another word names the scenario:
//
//	(none)       healthy: workspace T0SANDBOX1, scopes channels:read, chat:write, users:read, users:read.email
//	scopes       healthy, but x-oauth-scopes is chat:write only
//	revoked      token_revoked (also any token revoked through World.Revoke)
//	expired      token_expired
//	inactive     account_inactive
//	teamaccess   team_access_not_granted
//	ratelimited  HTTP 429, Retry-After: 30, ratelimited
//	otherteam    healthy, workspace T0OTHERWS2
//	enterprise   healthy, org-wide install of Enterprise Grid org E0SANDBOX1
//	(anything else) invalid_auth; no token at all: not_authed
//
// Token rotation: oauth.v2.access with grant_type=refresh_token, a refresh
// token xoxe-1-sandbox-… and the app's SandboxClientID / SandboxClientSecret
// (HTTP Basic or form fields) returns a 12-hour access token
// xoxe.xoxb-1-sandbox-<the refresh token's scenario words>-<n>. The same
// refresh token comes back, except for the word "rotate" (a new one each
// time). Refresh tokens with the word "invalid", not containing "sandbox",
// or revoked through World.Revoke get invalid_refresh_token; another client id
// gets invalid_client_id, another secret bad_client_secret.

// Sandbox Slack app credentials (not secrets: they only open the sandbox).
const (
	SandboxClientID     = "1111111111.2222222222"
	SandboxClientSecret = "sandbox0slack0client0secret0000"
	SandboxTeamID       = "T0SANDBOX1"
)

var slackScenarios = []string{"scopes", "revoked", "expired", "inactive", "teamaccess", "ratelimited", "otherteam", "enterprise", "invalid", "rotate"}

// routes registers the Slack emulation below prefix ("/slack").
func routes(w emulation.World, mux *http.ServeMux, prefix string) {
	sl := &slackState{w: w}
	mux.HandleFunc(prefix+"/api/auth.test", sl.authTest)
	mux.HandleFunc("POST "+prefix+"/api/oauth.v2.access", sl.oauthAccess)
	mux.HandleFunc(prefix+"/api/", func(w http.ResponseWriter, r *http.Request) {
		slackAnswer(w, http.StatusOK, `{"ok":false,"error":"unknown_method","req_method":`+quoteJSON(strings.TrimPrefix(r.URL.Path, prefix+"/api/"))+`}`)
	})
}

// slackState is one emulation's state: routes makes one per sandbox.
type slackState struct {
	w   emulation.World
	seq atomic.Int64 // numbers the access tokens it issues
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func slackAnswer(w http.ResponseWriter, status int, body string, headers ...string) {
	w.Header().Set("X-Slack-Req-Id", "sandbox0000000000000000000000000")
	w.Header().Set("X-Slack-Backend", "r")
	emulation.WriteJSON(w, status, body, headers...)
}

func slackFail(w http.ResponseWriter, code string) {
	slackAnswer(w, http.StatusOK, `{"ok":false,"error":`+quoteJSON(code)+`}`)
}

// slackWords splits a token into its "-" and "."-separated words.
func slackWords(tok string) []string {
	return strings.FieldsFunc(tok, func(r rune) bool { return r == '-' || r == '.' })
}

func slackScenario(words []string) (sandbox bool, scenario string) {
	for _, w := range words {
		if w == "sandbox" {
			sandbox = true
		}
		for _, sc := range slackScenarios {
			if w == sc {
				scenario = sc
			}
		}
	}
	return sandbox, scenario
}

func (sl *slackState) authTest(w http.ResponseWriter, r *http.Request) {
	tok := emulation.Bearer(r)
	if tok == "" {
		tok = r.FormValue("token")
	}
	if tok == "" {
		slackFail(w, "not_authed")
		return
	}
	if sl.w.Revoked(tok) {
		slackFail(w, "token_revoked")
		return
	}
	bot := strings.HasPrefix(tok, "xoxb-") || strings.HasPrefix(tok, "xoxe.xoxb-")
	user := strings.HasPrefix(tok, "xoxp-") || strings.HasPrefix(tok, "xoxe.xoxp-")
	sandbox, scenario := slackScenario(slackWords(tok))
	if !sandbox || !bot && !user {
		slackFail(w, "invalid_auth")
		return
	}
	switch scenario {
	case "revoked":
		slackFail(w, "token_revoked")
		return
	case "expired":
		slackFail(w, "token_expired")
		return
	case "inactive":
		slackFail(w, "account_inactive")
		return
	case "teamaccess":
		slackFail(w, "team_access_not_granted")
		return
	case "invalid":
		slackFail(w, "invalid_auth")
		return
	case "ratelimited":
		slackAnswer(w, http.StatusTooManyRequests, `{"ok":false,"error":"ratelimited"}`, "Retry-After", "30")
		return
	}
	scopes := "channels:read,chat:write,users:read,users:read.email"
	if scenario == "scopes" {
		scopes = "chat:write"
	}
	w.Header().Set("X-OAuth-Scopes", sl.w.ScopesOf(tok, scopes))
	w.Header().Set("X-Accepted-OAuth-Scopes", "")
	team, teamName, extra := SandboxTeamID, "Sandbox Workspace", `,"is_enterprise_install":false`
	switch scenario {
	case "otherteam":
		team, teamName = "T0OTHERWS2", "Other Workspace"
	case "enterprise":
		team, teamName, extra = "", "Sandbox Grid", `,"enterprise_id":"E0SANDBOX1","is_enterprise_install":true`
	}
	who := `"user":"handshake","user_id":"U0SANDBOXB","bot_id":"B0SANDBOX1"`
	if user {
		who = `"user":"grace","user_id":"W0SANDBOX2"`
	}
	slackAnswer(w, http.StatusOK, fmt.Sprintf(`{"ok":true,"url":"https://sandbox-workspace.slack.com/","team":%s,%s,"team_id":%s%s}`,
		quoteJSON(teamName), who, quoteJSON(team), extra))
}

func (sl *slackState) oauthAccess(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.FormValue("client_id"), r.FormValue("client_secret")
	}
	switch {
	case id != SandboxClientID:
		slackFail(w, "invalid_client_id")
		return
	case secret != SandboxClientSecret:
		slackFail(w, "bad_client_secret")
		return
	case r.FormValue("grant_type") != "refresh_token":
		slackFail(w, "invalid_grant_type")
		return
	}
	rt := r.FormValue("refresh_token")
	words := slackWords(rt)
	sandbox, scenario := slackScenario(words)
	if !strings.HasPrefix(rt, "xoxe-") || !sandbox || scenario == "invalid" || sl.w.Revoked(rt) {
		slackFail(w, "invalid_refresh_token")
		return
	}
	n := sl.seq.Add(1)
	var keep []string
	for _, w := range words {
		if w != "xoxe" && w != "1" {
			keep = append(keep, w)
		}
	}
	access := fmt.Sprintf("xoxe.xoxb-1-%s-%04d", strings.Join(keep, "-"), n)
	newRT := rt
	if scenario == "rotate" {
		newRT = fmt.Sprintf("xoxe-1-sandbox-rotate-%04d", n)
	}
	slackAnswer(w, http.StatusOK, fmt.Sprintf(`{"ok":true,"app_id":"A0SANDBOX1","authed_user":{"id":"U0SANDBOX1"},"scope":"channels:read,chat:write,users:read,users:read.email","token_type":"bot","access_token":%s,"bot_user_id":"U0SANDBOXB","refresh_token":%s,"expires_in":43200,"team":{"id":%q,"name":"Sandbox Workspace"},"enterprise":null,"is_enterprise_install":false}`,
		quoteJSON(access), quoteJSON(newRT), SandboxTeamID))
}
