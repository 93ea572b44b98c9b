package connector

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// Scope rules that hold for every OAuth service. RFC 6749 §3.3 defines a
// scope token as printable ASCII without spaces, double quotes or
// backslashes; the request joins tokens with single spaces, so a token that
// contains a space silently becomes two. Vendor-specific scope rules (Google
// URL form, Entra's .default, Okta's org server) live in the profiles.

// CheckScopes checks required_scopes and whether a refresh token can be had
// when require_refresh_token is set.
func CheckScopes(s *Spec, p *Profile) []finding.Finding {
	scopesKnown := !s.IsUnknown("required_scopes")
	var out []finding.Finding
	if scopesKnown {
		seen := map[string]int{}
		for i, sc := range s.RequiredScopes {
			path := finding.Attr("required_scopes").Index(i)
			if first, dup := seen[sc]; dup {
				out = append(out, finding.Warnf(finding.InvalidScope, path, "Duplicate scope").
					WithCode("RFC6749-3.3").
					WithDetail("This scope is already requested at required_scopes[%d]; the copy adds nothing.", first).
					WithFix("Remove the duplicate entry."))
				continue
			}
			seen[sc] = i
			out = append(out, checkScopeToken(path, sc)...)
		}
	}
	if s.RequireRefreshToken {
		out = append(out, checkOfflineScope(s, p, scopesKnown)...)
	}
	return out
}

// checkScopeToken applies RFC 6749 §3.3's scope-token grammar.
func checkScopeToken(path finding.Path, sc string) []finding.Finding {
	switch {
	case strings.TrimSpace(sc) == "":
		return []finding.Finding{finding.Errorf(finding.InvalidScope, path, "Scope is empty").
			WithCode("RFC6749-3.3").
			WithDetail("An empty entry in required_scopes is sent as an empty scope token, which authorization servers reject or silently drop.").
			WithFix("Remove the empty entry.")}
	case strings.IndexFunc(sc, unicode.IsSpace) >= 0:
		return []finding.Finding{finding.Errorf(finding.InvalidScope, path, "Scope contains whitespace").
			WithCode("RFC6749-3.3").
			WithDetail("Scopes are sent space-separated (RFC 6749 §3.3), so a scope containing a space, tab or line break is read by the service as several scopes, or rejected as invalid_scope.").
			WithFix("Put each scope in its own list element, e.g. [\"openid\", \"profile\"] rather than [\"openid profile\"].",
				"Remove leading or trailing spaces and line breaks.")}
	case strings.ContainsAny(sc, "\"\\") || strings.IndexFunc(sc, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0:
		return []finding.Finding{finding.Errorf(finding.InvalidScope, path, "Scope contains characters OAuth does not allow").
			WithCode("RFC6749-3.3").
			WithDetail("RFC 6749 §3.3 allows only printable ASCII in a scope, without double quotes or backslashes; servers answer invalid_scope.").
			WithFix("Check the scope against the service's documentation; a quote, comma list or smart quote from copying is a common cause.")}
	case strings.Contains(sc, ","):
		// Legal per the grammar, but almost always a comma-separated list
		// pasted into one element; Google and others then answer invalid_scope.
		return []finding.Finding{finding.Warnf(finding.InvalidScope, path, "Scope contains a comma").
			WithCode("RFC6749-3.3").
			WithDetail("Scopes are separated by spaces, not commas; a comma usually means several scopes were pasted into one element.").
			WithFix("Split it into one list element per scope.")}
	}
	return nil
}

// checkOfflineScope reports why no refresh token will be issued.
func checkOfflineScope(s *Spec, p *Profile, scopesKnown bool) []finding.Finding {
	path := finding.Attr("require_refresh_token")
	if p.NoRefreshTokens {
		// Per-mode exceptions (GitHub OAuth apps vs GitHub Apps) are profile
		// rules; this covers services that never issue refresh tokens at all.
		return []finding.Finding{finding.Errorf(finding.RefreshTokenMissing, path,
			"%s does not issue refresh tokens", p.DisplayName).
			WithCode("NO-REFRESH-TOKENS").
			WithDetail("require_refresh_token is true, but %s never returns a refresh token, so this connector could never meet the requirement.", p.DisplayName).
			WithFix("Set require_refresh_token = false and rotate the long-lived credential instead, or connect through an app type of the service that issues expiring tokens with refresh tokens.")}
	}
	if p.OfflineScope == "" || !scopesKnown || slices.Contains(s.RequiredScopes, p.OfflineScope) {
		return nil
	}
	return []finding.Finding{finding.Errorf(finding.RefreshTokenMissing, path,
		"Refresh tokens need the %s scope", p.OfflineScope).
		WithCode("OFFLINE-SCOPE").
		WithDetail("require_refresh_token is true, but required_scopes does not include %q. %s only returns a refresh token when that scope is requested (and granted to the client).", p.OfflineScope, p.DisplayName).
		WithFix(fmt.Sprintf("Add %q to required_scopes.", p.OfflineScope),
			"Make sure the client is allowed to request it (the refresh_token grant must be enabled for the app).")}
}
