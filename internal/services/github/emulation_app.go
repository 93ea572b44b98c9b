package github

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// ---- GitHub App -----------------------------------------------------------

// appAuth verifies the app JWT; it writes GitHub's answer and returns false
// when the JWT is refused.
func (g *githubState) appAuth(w http.ResponseWriter, r *http.Request) bool {
	g.headers(w, 4999, "core")
	raw := emulation.Bearer(r)
	const doc = "https://docs.github.com/rest"
	tok, err := josejwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if raw == "" || err != nil {
		githubError(w, http.StatusUnauthorized, "A JSON web token could not be decoded", doc)
		return false
	}
	var claims struct {
		Iss json.RawMessage `json:"iss"`
		Iat *float64        `json:"iat"`
		Exp *float64        `json:"exp"`
	}
	if err := tok.UnsafeClaimsWithoutVerification(&claims); err != nil {
		githubError(w, http.StatusUnauthorized, "A JSON web token could not be decoded", doc)
		return false
	}
	iss := strings.Trim(string(claims.Iss), `"`)
	if iss != SandboxAppID && iss != SandboxAppClientID {
		githubError(w, http.StatusNotFound, "Integration not found", doc)
		return false
	}
	g.loadKey()
	var verified map[string]any
	if g.w.Revoked(g.keyPEM) || tok.Claims(&g.key.PublicKey, &verified) != nil {
		githubError(w, http.StatusUnauthorized, "A JSON web token could not be decoded", doc)
		return false
	}
	now := float64(time.Now().Unix())
	switch {
	case claims.Iat == nil || *claims.Iat > now+5:
		githubError(w, http.StatusUnauthorized, "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued", doc)
		return false
	case claims.Exp == nil || *claims.Exp <= now:
		githubError(w, http.StatusUnauthorized, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires", doc)
		return false
	case *claims.Exp > now+600:
		githubError(w, http.StatusUnauthorized, "'Expiration time' claim ('exp') is too far in the future", doc)
		return false
	}
	return true
}

func (g *githubState) app(w http.ResponseWriter, r *http.Request) {
	if !g.appAuth(w, r) {
		return
	}
	emulation.WriteJSON(w, http.StatusOK, fmt.Sprintf(`{"id":%s,"client_id":%q,"slug":"handshake-sandbox","node_id":"MDM6QXBwMQ==","owner":{"login":"octo-org","type":"Organization"},"name":"Handshake Sandbox","permissions":{"contents":"read","members":"read","metadata":"read"},"events":[],"installations_count":5}`,
		SandboxAppID, SandboxAppClientID))
}

func githubInstallationByAccount(login string) *githubInstallation {
	for i := range githubInstallations {
		if strings.EqualFold(githubInstallations[i].account, login) {
			return &githubInstallations[i]
		}
	}
	return nil
}

func githubInstallationByID(id string) *githubInstallation {
	for i := range githubInstallations {
		if strconv.FormatInt(githubInstallations[i].id, 10) == id {
			return &githubInstallations[i]
		}
	}
	return nil
}

// installationJSON is an installation object as GitHub's REST API returns
// it (GET /app/installations, /orgs/{org}/installation); base is the API
// root the client reached.
func installationJSON(inst *githubInstallation, base string) string {
	kind, selection := "Organization", "selected"
	htmlURL := fmt.Sprintf("https://github.com/organizations/%s/settings/installations/%d", inst.account, inst.id)
	if inst.user {
		kind = "User"
		htmlURL = fmt.Sprintf("https://github.com/settings/installations/%d", inst.id)
	}
	if inst.all {
		selection = "all"
	}
	account := map[string]any{"login": inst.account, "id": 9900 + inst.id, "node_id": "MDEyOk9yZ2FuaXphdGlvbjk5MTk=",
		"url": base + "/users/" + inst.account, "html_url": "https://github.com/" + inst.account, "type": kind, "site_admin": false}
	var suspendedAt, suspendedBy any
	if inst.suspended {
		suspendedAt = "2026-01-05T10:00:00Z"
		suspendedBy = map[string]any{"login": "octo-admin", "id": 5830, "type": "User", "site_admin": false}
	}
	body, _ := json.Marshal(map[string]any{
		"id": inst.id, "client_id": SandboxAppClientID, "account": account,
		"access_tokens_url": fmt.Sprintf("%s/app/installations/%d/access_tokens", base, inst.id),
		"repositories_url":  base + "/installation/repositories", "html_url": htmlURL,
		"app_id": json.Number(SandboxAppID), "app_slug": "handshake-sandbox", "target_id": 9900 + inst.id, "target_type": kind,
		"permissions": inst.permissions, "events": []string{}, "created_at": "2025-11-03T09:12:40Z", "updated_at": "2026-01-05T10:00:00Z",
		"single_file_name": nil, "has_multiple_single_files": false, "single_file_paths": []string{},
		"repository_selection": selection, "suspended_at": suspendedAt, "suspended_by": suspendedBy,
	})
	return string(body)
}

// apiBase is the API root the request came to: GitHub.com's shape or
// Enterprise Server's (…/api/v3).
func (g *githubState) apiBase(r *http.Request) string {
	root := "http://" + r.Host + g.prefix
	if r.TLS != nil {
		root = "https://" + r.Host + g.prefix
	}
	if strings.HasPrefix(r.URL.Path, g.prefix+"/api/v3/") {
		return root + "/api/v3"
	}
	return root
}

func (g *githubState) orgInstallation(w http.ResponseWriter, r *http.Request) {
	if !g.appAuth(w, r) {
		return
	}
	login := r.PathValue("org")
	if login == "" {
		login = r.PathValue("login")
	}
	inst := githubInstallationByAccount(login)
	if inst == nil {
		githubError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/apps/apps#get-an-organization-installation-for-the-authenticated-app")
		return
	}
	emulation.WriteJSON(w, http.StatusOK, installationJSON(inst, g.apiBase(r)))
}

func (g *githubState) accessToken(w http.ResponseWriter, r *http.Request) {
	if !g.appAuth(w, r) {
		return
	}
	const doc = "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app"
	inst := githubInstallationByID(r.PathValue("id"))
	switch {
	case inst == nil:
		githubError(w, http.StatusNotFound, "Not Found", doc)
		return
	case inst.suspended:
		githubError(w, http.StatusForbidden, "This installation has been suspended", doc)
		return
	}
	g.headers(w, inst.remaining, "core")
	tok := "ghs_" + ghRandom(36)
	g.mu.Lock()
	g.tokens[tok] = inst.id
	g.mu.Unlock()
	perms, _ := json.Marshal(inst.permissions)
	emulation.WriteJSON(w, http.StatusCreated, fmt.Sprintf(`{"token":%q,"expires_at":%q,"permissions":%s,"repository_selection":"selected"}`,
		tok, time.Now().UTC().Add(time.Hour).Truncate(time.Second).Format(time.RFC3339), perms))
}

func (g *githubState) installationFor(tok string) *githubInstallation {
	g.mu.Lock()
	id, ok := g.tokens[tok]
	g.mu.Unlock()
	if ok {
		return githubInstallationByID(strconv.FormatInt(id, 10))
	}
	if strings.HasPrefix(tok, "ghs_sandbox") {
		return &githubInstallations[0]
	}
	return nil
}

func (g *githubState) installationRepos(w http.ResponseWriter, r *http.Request) {
	p, ok := g.identify(w, r)
	if !ok {
		return
	}
	if p.install == nil {
		githubError(w, http.StatusForbidden, "You must authenticate with an installation access token in order to list repositories for an installation.",
			"https://docs.github.com/rest/apps/installations#list-repositories-accessible-to-the-app-installation")
		return
	}
	g.headers(w, p.install.remaining, "core")
	perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if perPage <= 0 || perPage > 100 {
		perPage = 30
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page <= 0 {
		page = 1
	}
	var repos []map[string]any
	for i, full := range p.install.repos {
		if i < (page-1)*perPage || i >= page*perPage {
			continue
		}
		owner, name, _ := strings.Cut(full, "/")
		repos = append(repos, map[string]any{"id": 1296269 + i, "name": name, "full_name": full, "private": true,
			"owner": map[string]any{"login": owner, "type": "Organization"}})
	}
	body, _ := json.Marshal(map[string]any{"total_count": len(p.install.repos), "repository_selection": "selected", "repositories": ghOrEmpty(repos)})
	emulation.WriteJSON(w, http.StatusOK, string(body))
}

func ghOrEmpty(v []map[string]any) []map[string]any {
	if v == nil {
		return []map[string]any{}
	}
	return v
}

// ---- OAuth app ------------------------------------------------------------

// oauthToken is the web flow's token endpoint. Like GitHub it answers 200
// with an error member, as JSON when asked to (form-encoded otherwise).
func (g *githubState) oauthToken(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.FormValue("client_id"), r.FormValue("client_secret")
	}
	code := "bad_verification_code"
	desc := "The code passed is incorrect or expired."
	anchor := "bad-verification-code"
	switch {
	case id != SandboxOAuthClientID || secret != SandboxOAuthClientSecret || g.w.Revoked(secret):
		code, desc, anchor = "incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.", "incorrect-client-credentials"
	case r.FormValue("code") == "":
		code, desc = "bad_verification_code", "The code passed is incorrect or expired."
	}
	uri := "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#" + anchor
	if strings.Contains(r.Header.Get("Accept"), "json") {
		body, _ := json.Marshal(map[string]string{"error": code, "error_description": desc, "error_uri": uri})
		emulation.WriteJSON(w, http.StatusOK, string(body))
		return
	}
	w.Header().Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	_, _ = w.Write([]byte(url.Values{"error": {code}, "error_description": {desc}, "error_uri": {uri}}.Encode()))
}

// ---- helpers --------------------------------------------------------------

func ghContains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func ghContainsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

func ghRandom(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		k, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic("sandbox: " + err.Error())
		}
		b[i] = alphabet[k.Int64()]
	}
	return string(b)
}
