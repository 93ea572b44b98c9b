// Package httpapi is the generic HTTP endpoint service (no auth, basic or bearer):
// its settings and offline rules; the live check is probe.PlanHTTP.
package httpapi

import (
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Service is the httpapi entry of the catalog.
func Service() kit.Service {
	return kit.Service{Profile: profile(), Plan: probe.PlanHTTP, NoEmulation: "generic: any HTTP API; tests use their own httptest servers"}
}

// profile is a plain HTTP(S) endpoint: a health check, a webhook
// receiver or an API behind basic or bearer authentication.
func profile() *connector.Profile {
	return &connector.Profile{
		ID:          "http",
		DisplayName: "HTTP endpoint",
		Description: "A plain HTTP(S) endpoint, such as a health check or an internal API. Handshake sends a GET to `url` " +
			"and expects a 2xx answer. With `auth_scheme = \"basic\"` it sends `auth.username` and `auth.password` " +
			"(RFC 7617); with `bearer` it sends `auth.token` (RFC 6750).",
		Settings: []connector.Setting{
			{Name: "url", Kind: connector.String, Required: true, Description: "URL to call. Plain `http` is accepted only " +
				"on loopback addresses, because credentials would cross the network in clear text."},
			{Name: "auth_scheme", Kind: connector.String, OneOf: []string{"none", "basic", "bearer"}, Description: "How to " +
				"authenticate. Defaults to `basic` when `auth.username` or `auth.password` is set, `bearer` when `auth.token` is set, and `none` otherwise."},
		},
		AuthAttrs: []string{"token", "username", "password"},
		Rules: []connector.Rule{
			kit.RequireSetting("url", "as the address to test"),
			kit.EndpointRules("url"),
			authRule,
		},
	}
}

// authScheme returns the effective scheme; ok is false when it depends
// on values Terraform does not know yet, or is ambiguous (both sets of
// credentials given without a scheme).
func authScheme(s *connector.Spec) (scheme string, ok bool) {
	if s.SettingUnknown("auth_scheme") {
		return "", false
	}
	if v, set := kit.Known(s, "auth_scheme"); set {
		return v, true
	}
	if kit.AuthUnknown(s, "username") || kit.AuthUnknown(s, "password") || kit.AuthUnknown(s, "token") {
		return "", false
	}
	hasBasic, hasToken := s.Auth.Username != "" || s.Auth.Password.IsSet(), s.Auth.Token.IsSet()
	switch {
	case hasBasic && hasToken:
		return "", false
	case hasBasic:
		return "basic", true
	case hasToken:
		return "bearer", true
	}
	return "none", true
}

func authRule(s *connector.Spec) []finding.Finding {
	scheme, ok := authScheme(s)
	if !ok {
		if kit.SettingUnset(s, "auth_scheme") && (s.Auth.Username != "" || s.Auth.Password.IsSet()) && s.Auth.Token.IsSet() {
			return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath("auth_scheme"),
				"Both basic and bearer credentials are set").
				WithCode("HTTP-AUTH-AMBIGUOUS").
				WithDetail("Basic credentials (auth.username / auth.password) and auth.token are both set, and only one Authorization header can be sent.").
				WithFix("Set http = { auth_scheme = \"basic\" } or \"bearer\", and remove the credentials that are not used.")}
		}
		return nil
	}
	switch scheme {
	case "basic":
		var out []finding.Finding
		if s.Auth.Username == "" && !kit.AuthUnknown(s, "username") {
			out = append(out, finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("username"), "Missing auth.username").
				WithCode("RFC7617-2").
				WithDetail("auth_scheme is basic, which sends a user name and password (RFC 7617); auth.username is not set.").
				WithFix("Set auth.username, or choose another auth_scheme."))
		} else if strings.Contains(s.Auth.Username, ":") {
			out = append(out, finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("username"),
				"auth.username must not contain a colon").
				WithCode("RFC7617-2").
				WithDetail("Basic authentication joins user name and password with a colon (RFC 7617 §2), so the server would split this user name at its first colon and read the rest as the password.").
				WithFix("Put only the user name in auth.username and the password in auth.password_wo."))
		}
		if kit.SecretUnset(s, s.Auth.Password, "password") {
			out = append(out, finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("password"), "Missing auth.password").
				WithCode("RFC7617-2").
				WithDetail("auth_scheme is basic, which sends a user name and password; auth.password is not set.").
				WithFix("Set auth.password_wo (or auth.password)."))
		}
		return out
	case "bearer":
		if kit.SecretUnset(s, s.Auth.Token, "token") {
			return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("token"), "Missing auth.token").
				WithCode("RFC6750-2.1").
				WithDetail("auth_scheme is bearer, which sends auth.token as a bearer token (RFC 6750); none is set.").
				WithFix("Set auth.token_wo (or auth.token), without the \"Bearer \" prefix.")}
		}
	case "none":
		var out []finding.Finding
		for _, p := range []struct {
			set  bool
			path finding.Path
		}{
			{s.Auth.Username != "", kit.AuthPath("username")},
			{s.Auth.Password.IsSet(), s.Auth.Password.Path()},
			{s.Auth.Token.IsSet(), s.Auth.Token.Path()},
		} {
			if p.set {
				out = append(out, finding.Warnf(finding.InvalidConfiguration, p.path,
					"Credentials are ignored with auth_scheme = \"none\"").
					WithCode("HTTP-AUTH-NONE").
					WithDetail("The request is sent without an Authorization header, so this credential is never used.").
					WithFix("Remove it, or set auth_scheme to basic or bearer."))
			}
		}
		return out
	}
	return nil
}
