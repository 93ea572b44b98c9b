// Package apikey is the generic API-key service (a static key in a header or
// query parameter): its settings and offline rules; the live check is probe.PlanAPIKey.
package apikey

import (
	"fmt"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Service is the apikey entry of the catalog.
func Service() kit.Service {
	return kit.Service{Profile: profile(), Plan: probe.PlanAPIKey, NoEmulation: "generic: any HTTP API; tests use their own httptest servers"}
}

// profile is any HTTP API that accepts a static key in a header or a query
// parameter.
func profile() *connector.Profile {
	return &connector.Profile{
		ID:          "api_key",
		DisplayName: "API key",
		Description: "Any HTTP API authenticated by a static key. Handshake sends `auth.token` in the header " +
			"(or query parameter) named by `name`, preceded by `prefix`, and calls `probe_url` with it; a 2xx answer " +
			"means the key works. Prefer a header: keys in query strings end up in proxy and server logs.",
		Settings: []connector.Setting{
			{Name: "probe_url", Kind: connector.String, Required: true, Description: "URL of a cheap, read-only API call " +
				"that needs the key, e.g. `https://api.example.com/v1/me`. Plain `http` is accepted only on loopback addresses."},
			{Name: "location", Kind: connector.String, OneOf: []string{"header", "query"}, Description: "Where the key goes. " +
				"Defaults to `header`."},
			{Name: "name", Kind: connector.String, Description: "Header or query parameter name. Defaults to `Authorization` " +
				"for a header; required when `location = \"query\"` (e.g. `api_key`)."},
			{Name: "prefix", Kind: connector.String, Description: "Text sent before the key, including its trailing space, " +
				"e.g. `\"Bearer \"` or `\"SSWS \"`. Empty by default, so the key is sent as is."},
		},
		AuthAttrs: []string{"token"},
		Rules: []connector.Rule{
			kit.RequireSetting("probe_url", "to test the key"),
			kit.EndpointRules("probe_url"),
			tokenRule,
			locationRule,
			prefixRule,
		},
	}
}

func tokenRule(s *connector.Spec) []finding.Finding {
	if !kit.SecretUnset(s, s.Auth.Token, "token") {
		return nil
	}
	return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("token"), "Missing auth.token").
		WithCode("API-KEY-MISSING").
		WithDetail("An API key connector sends the key in auth.token with every request; none is set.").
		WithFix("Set auth.token_wo (or auth.token) to the API key.")}
}

// locationRule checks the header or parameter name.
func locationRule(s *connector.Spec) []finding.Finding {
	if s.SettingUnknown("location") || s.SettingUnknown("name") {
		return nil
	}
	loc := kit.SettingOr(s, "location", "header")
	name, named := kit.Known(s, "name")
	path := s.SettingPath("name")
	if loc == "query" && !named {
		return []finding.Finding{kit.MissingSetting(s, "name", "when location is query, to name the query parameter that carries the key (e.g. api_key)")}
	}
	if !named {
		return nil
	}
	if loc == "header" && !isHeaderToken(name) {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"api_key.name is not a valid HTTP header name").
			WithCode("RFC9110-5.1").
			WithDetail("Header names are tokens (RFC 9110 §5.1): letters, digits and !#$%%&'*+-.^_`|~, without spaces or a colon. A header like this cannot be sent.").
			WithFix("Use just the header name, e.g. X-API-Key, and put any scheme in prefix.")}
	}
	if loc == "query" && strings.ContainsAny(name, "=&?# ") {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"api_key.name must be just the query parameter name").
			WithCode("API-KEY-QUERY-NAME").
			WithDetail("Handshake appends ?<name>=<key> to probe_url itself; the name must not contain =, &, ?, # or spaces.").
			WithFix("Set name to the bare parameter name, e.g. api_key.")}
	}
	return nil
}

// prefixRule catches a scheme typed without its separating space, which
// glues the scheme to the key ("Bearerabc…").
func prefixRule(s *connector.Spec) []finding.Finding {
	p, ok := kit.Known(s, "prefix")
	if !ok || strings.HasSuffix(p, " ") {
		return nil
	}
	for _, scheme := range []string{"Bearer", "Basic", "SSWS", "Token", "token", "Api-Key", "ApiKey", "GenieKey", "Klaviyo-API-Key"} {
		if strings.EqualFold(p, scheme) {
			return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath("prefix"),
				"api_key.prefix needs a trailing space").
				WithCode("API-KEY-PREFIX").
				WithDetail("prefix is sent exactly as written, directly followed by the key, so %q would produce \"%s<key>\" instead of \"%s <key>\".", p, p, p).
				WithFix(fmt.Sprintf("Set prefix = %q.", p+" "))}
		}
	}
	return nil
}

// isHeaderToken reports whether v is an RFC 9110 token.
func isHeaderToken(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
