package github

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// ---- token mode ----------------------------------------------------------

// checkUser inspects the 200 answer of GET /user: the rate budget, the
// classic token's scopes, and the expiry header for the token_expiry step.
func (g *githubRun) checkUser(r probe.Response) []finding.Finding {
	g.expiration = strings.TrimSpace(r.Header.Get("Github-Authentication-Token-Expiration"))
	fs := g.budget(r.Header)
	granted, classic := githubGrantedScopes(r.Header)
	if !classic {
		return fs
	}
	for _, n := range githubNeeds(g.spec.RequiredScopes) {
		if n.perm != "" || githubScopeGranted(granted, n.raw) {
			continue
		}
		fs = append(fs, finding.Errorf(finding.InsufficientScope, kit.ScopePath(n.i),
			"The GitHub token lacks the %s scope", n.raw).
			WithCode("X-OAuth-Scopes").
			WithDetail("GitHub lists the token's scopes in X-OAuth-Scopes: %s. Neither %q nor a scope that includes it is among them.",
				githubScopeList(granted), n.raw).
			WithFix("Edit the token under Settings > Developer settings > Personal access tokens (classic) and tick the scope (tokens keep their value when edited), or create a new one.",
				"For an OAuth app's user token, request the scope in the authorization URL and have the user authorize again."))
	}
	return fs
}

// githubGrantedScopes reads X-OAuth-Scopes; classic reports whether the
// token has classic scopes at all (fine-grained and app tokens send none).
func githubGrantedScopes(h http.Header) (scopes []string, classic bool) {
	v := strings.TrimSpace(h.Get("X-Oauth-Scopes"))
	if v == "" {
		return nil, false
	}
	for _, sc := range strings.Split(v, ",") {
		if sc = strings.TrimSpace(sc); sc != "" {
			scopes = append(scopes, sc)
		}
	}
	sort.Strings(scopes)
	return scopes, len(scopes) > 0
}

func githubScopeList(scopes []string) string {
	if len(scopes) == 0 {
		return "none"
	}
	return strings.Join(scopes, ", ")
}

func (g *githubRun) stepTokenExpiry(_ context.Context, env *probe.Env) probe.StepResult {
	if g.expiration == "" {
		return probe.StepResult{Outcome: probe.OutcomeSkipped,
			Message: "GitHub sent no expiry for this token (it has no expiration date, or is not a personal access token)"}
	}
	at, ok := parseGitHubExpiration(g.expiration)
	if !ok {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "GitHub's token expiry header could not be read"}
	}
	env.CredentialExpires(at, g.credentialPath(), "GitHub personal access token")
	return probe.StepResult{Message: "GitHub reports the token's expiry (GitHub-Authentication-Token-Expiration)"}
}

// parseGitHubExpiration reads GitHub-Authentication-Token-Expiration
// ("2026-01-01 00:00:00 UTC", also seen with a numeric offset).
func parseGitHubExpiration(v string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02 15:04:05 MST", "2006-01-02 15:04:05 -0700", time.RFC3339} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// ---- required_scopes -----------------------------------------------------

// githubNeed is one entry of required_scopes: a classic OAuth scope
// ("repo", "read:org") or a fine-grained permission ("members:read",
// "contents=write").
type githubNeed struct {
	i           int
	raw         string
	perm, level string
}

func githubNeeds(scopes []string) []githubNeed {
	var out []githubNeed
	for i, raw := range scopes {
		v := strings.ToLower(strings.TrimSpace(raw))
		if v == "" {
			continue
		}
		n := githubNeed{i: i, raw: v}
		sep := strings.LastIndexAny(v, "=:")
		if sep > 0 && githubLevel(v[sep+1:]) > 0 {
			n.perm, n.level = strings.TrimSpace(v[:sep]), v[sep+1:]
		}
		out = append(out, n)
	}
	return out
}

func githubLevel(l string) int {
	switch strings.TrimSpace(strings.ToLower(l)) {
	case "read":
		return 1
	case "write":
		return 2
	case "admin":
		return 3
	}
	return 0
}

// githubScopeParents lists, for a classic scope, the broader scopes that
// include it (GitHub's scope documentation).
var githubScopeParents = map[string][]string{
	"repo:status": {"repo"}, "repo_deployment": {"repo"}, "public_repo": {"repo"}, "repo:invite": {"repo"},
	"security_events": {"repo"},
	"read:org":        {"write:org", "admin:org"}, "write:org": {"admin:org"}, "manage_runners:org": {"admin:org"},
	"read:public_key": {"write:public_key", "admin:public_key"}, "write:public_key": {"admin:public_key"},
	"read:repo_hook": {"write:repo_hook", "admin:repo_hook"}, "write:repo_hook": {"admin:repo_hook"},
	"read:user": {"user"}, "user:email": {"user"}, "user:follow": {"user"},
	"read:packages": {"write:packages"},
	"read:gpg_key":  {"write:gpg_key", "admin:gpg_key"}, "write:gpg_key": {"admin:gpg_key"},
	"read:ssh_signing_key": {"write:ssh_signing_key", "admin:ssh_signing_key"}, "write:ssh_signing_key": {"admin:ssh_signing_key"},
	"read:discussion": {"write:discussion"},
	"read:project":    {"project"},
	"read:enterprise": {"admin:enterprise"}, "manage_runners:enterprise": {"admin:enterprise"}, "manage_billing:enterprise": {"admin:enterprise"},
}

func githubScopeGranted(granted []string, scope string) bool {
	if slices.Contains(granted, scope) {
		return true
	}
	for _, p := range githubScopeParents[scope] {
		if slices.Contains(granted, p) {
			return true
		}
	}
	return false
}
