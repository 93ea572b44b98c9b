// Package okta is the okta service: an Okta org's profile (settings and
// offline rules), the decoder of Okta's error answers, its live check and
// its sandbox emulation.
package okta

import (
	"fmt"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Service is the okta service: profile, live check, sandbox emulation and
// the lister of the org's OAuth apps.
func Service() kit.Service {
	return kit.Service{Profile: profile(), Plan: plan, Emulation: &emulation.Vendor{Path: "okta", Routes: routes}, List: list}
}

// profile is an Okta org (Workforce Identity Cloud), reached with an SSWS API
// token or as an OAuth service app.
func profile() *connector.Profile {
	return &connector.Profile{
		ID:          "okta",
		DisplayName: "Okta",
		Description: "An Okta org. Authenticate with an **API token** (`auth.token`, sent as `SSWS <token>`; it acts as the " +
			"admin who created it and is revoked after 30 days without use or when that admin is deactivated) or as an " +
			"**API service app** (`client_id` with `private_key`, client credentials). Service apps get Okta API scopes " +
			"(`okta.users.read` …) only from the org authorization server, and only with private-key authentication; " +
			"custom scopes need a custom authorization server (`authorization_server`).",
		Settings: []connector.Setting{
			{Name: "domain", Kind: connector.String, Required: true, Description: "The org's domain, without `https://` or a " +
				"path: `dev-123456.okta.com`, `acme.okta.com`, `acme.oktapreview.com`, `acme.okta-emea.com`, or a custom " +
				"domain such as `login.acme.com`. Not the admin console's `-admin` domain."},
			{Name: "authorization_server", Kind: connector.String, Description: "Id of a custom authorization server, such as " +
				"`default` or `aus1a2b3c4d5e6f7g8h9`. Leave empty for the org authorization server, which issues Okta API " +
				"(`okta.*`) scopes."},
			{Name: "base_url", Kind: connector.String, Description: "Override of `https://<domain>`, for tests; plain `http` is " +
				"accepted only on loopback addresses."},
		},
		AuthAttrs:    []string{"client_id", "client_secret", "token", "private_key"},
		Redirect:     connector.RedirectPolicy{NativeSchemes: true},
		OfflineScope: "offline_access",
		Rules: []connector.Rule{
			kit.EndpointRules("base_url"),
			oktaDomain,
			oktaAuthorizationServer,
			kit.ClientIDHygiene,
			oktaCredentials,
			kit.ForEachScope(oktaScope),
			oktaServiceAppAuth,
			oktaRefreshToken,
		},
		Decode:    decode,
		Recognize: recognize,
	}
}

// oktaDomain checks the org domain, which people most often copy from the
// browser's address bar: with https://, a path, or the admin console host.
func oktaDomain(s *connector.Spec) []finding.Finding {
	if s.SettingUnknown("domain") {
		return nil
	}
	v, present := s.Settings["domain"]
	if !present {
		return nil // the schema marks it required
	}
	path := s.SettingPath("domain")
	bad := func(code, summary, detail, fix string) []finding.Finding {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path, "%s", summary).
			WithCode(code).WithDetail("%s", detail).WithFix(fix)}
	}
	host := kit.StripURL(v)
	switch {
	case strings.TrimSpace(v) == "":
		return bad("OKTA-DOMAIN", "okta.domain is empty",
			"Every Okta API and token URL starts with the org domain. An empty value usually means a variable was not set.",
			"Set domain to your org's domain, e.g. dev-123456.okta.com.")
	case kit.HasSpace(v):
		return []finding.Finding{kit.SpaceFinding(s, "domain", "OKTA-DOMAIN")}
	case strings.Contains(v, "://"):
		return bad("OKTA-DOMAIN-SCHEME", "okta.domain must not include https://",
			"Handshake builds https://<domain>/api/v1/… and https://<domain>/oauth2/… itself, so a scheme here would be doubled.",
			fmt.Sprintf("Drop https:// and any path: set domain = %q.", oktaOrgHost(host)))
	case strings.ContainsAny(v, "/?#"):
		detail := "The domain is the host name only; Handshake adds the API and OAuth paths itself."
		if strings.Contains(v, "/oauth2/") {
			detail += " To use a custom authorization server, put its id in authorization_server."
		}
		return bad("OKTA-DOMAIN-PATH", "okta.domain must be a host name without a path or trailing slash",
			detail, fmt.Sprintf("Set domain = %q.", oktaOrgHost(host)))
	case !connector.IsDomainName(v):
		return bad("OKTA-DOMAIN", "okta.domain is not a domain name",
			"Expected a host name such as dev-123456.okta.com or login.acme.com (letters, digits, hyphens and dots; no port).",
			"Copy the domain from the Okta Admin Console's top-right menu (the org URL without https://).")
	case oktaOrgHost(strings.ToLower(v)) != strings.ToLower(v):
		return bad("OKTA-DOMAIN-ADMIN", "okta.domain is the admin console domain, not the org domain",
			"The -admin host serves the Admin Console only. The APIs and the authorization servers live on the org domain, and the admin host answers API calls with errors or redirects.",
			fmt.Sprintf("Set domain = %q (without -admin).", oktaOrgHost(strings.ToLower(v))))
	}
	return nil
}

// oktaOrgHost strips "-admin" from the first label of an Okta-hosted domain
// (acme-admin.okta.com → acme.okta.com).
func oktaOrgHost(host string) string {
	first, rest, ok := strings.Cut(host, ".")
	if !ok {
		return host
	}
	return strings.TrimSuffix(first, "-admin") + "." + rest
}

// oktaAuthorizationServer wants the server's id, not its issuer URL.
func oktaAuthorizationServer(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "authorization_server")
	if !ok || !strings.ContainsAny(v, "/:") {
		return nil
	}
	fix := "Set authorization_server to the id shown under Security > API > Authorization Servers (for example default)."
	if _, after, found := strings.Cut(v, "/oauth2/"); found {
		if id, _, _ := strings.Cut(after, "/"); id != "" && id != "v1" {
			fix = fmt.Sprintf("Set authorization_server = %q.", id)
		} else {
			fix = "Leave authorization_server empty to use the org authorization server (/oauth2/v1)."
		}
	}
	return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath("authorization_server"),
		"okta.authorization_server must be the server's id, not its URL").
		WithCode("OKTA-AUTHORIZATION-SERVER").
		WithDetail("Handshake builds https://<domain>/oauth2/<authorization_server>/v1/token itself; a URL here would produce an address that does not exist.").
		WithFix(fix)}
}

// oktaUsesOAuth reports whether the connector authenticates as an OAuth
// client (scopes matter) rather than with an SSWS API token.
func oktaUsesOAuth(s *connector.Spec) bool {
	return s.Auth.ClientID != "" || kit.AuthUnknown(s, "client_id")
}

// oktaServiceApp reports whether the connector is an API service app
// (client credentials): an OAuth client without a token. With auth.token set
// next to a client id, the token is a user's refresh token or an API token,
// and the service-app rules do not apply.
func oktaServiceApp(s *connector.Spec) bool {
	return oktaUsesOAuth(s) && !s.Auth.Token.IsSet() && !kit.AuthUnknown(s, "token")
}

// orgServer reports whether the org authorization server is used; ok is
// false while authorization_server is unknown.
func orgServer(s *connector.Spec) (org, ok bool) {
	if s.SettingUnknown("authorization_server") {
		return false, false
	}
	return s.Setting("authorization_server") == "", true
}

func oktaCredentials(s *connector.Spec) []finding.Finding {
	if s.Auth.Token.IsSet() || oktaUsesOAuth(s) || kit.AuthUnknown(s, "token") {
		return nil
	}
	return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("token"),
		"Okta connector needs an API token or a service app").
		WithCode("OKTA-CREDENTIALS").
		WithDetail("Neither auth.token (an SSWS API token) nor auth.client_id (an API service app) is set.").
		WithFix("Set auth.token_wo to an API token from Security > API > Tokens (ideally created by a dedicated service admin).",
			"Or create an API Services app, add a public key, and set auth.client_id and auth.private_key_wo.")}
}

// oktaScope: the org authorization server issues only Okta API scopes to
// service apps, and custom authorization servers never issue them.
func oktaScope(s *connector.Spec, i int, scope string) []finding.Finding {
	org, ok := orgServer(s)
	if !ok || !oktaUsesOAuth(s) || strings.TrimSpace(scope) == "" {
		return nil
	}
	isOkta := strings.HasPrefix(scope, "okta.")
	switch {
	case org && !isOkta && oktaServiceApp(s):
		return []finding.Finding{finding.Errorf(finding.InvalidScope, kit.ScopePath(i),
			"The org authorization server only grants okta.* scopes to service apps").
			WithCode("invalid_scope").
			WithDetail("authorization_server is empty, so tokens come from the org authorization server (/oauth2/v1/token). For the client credentials flow it issues only Okta API scopes such as okta.users.read; %q is refused with invalid_scope.", scope).
			WithFix("For Okta's own APIs, request okta.* scopes granted on the app's Okta API Scopes tab.",
				"For your own scopes, set authorization_server to a custom authorization server (for example default) that defines this scope; this needs API Access Management.")}
	case !org && isOkta:
		return []finding.Finding{finding.Errorf(finding.InvalidScope, kit.ScopePath(i),
			"Okta API scopes are only issued by the org authorization server").
			WithCode("invalid_scope").
			WithDetail("%q is an Okta API scope, but authorization_server points at a custom authorization server, whose tokens Okta's management APIs do not accept; the request fails with invalid_scope.", scope).
			WithFix("Remove authorization_server to use the org authorization server for okta.* scopes, or use a separate connector for each server.")}
	}
	return nil
}

// oktaServiceAppAuth: service apps requesting Okta API scopes must use
// private-key authentication; Okta refuses client secrets there.
func oktaServiceAppAuth(s *connector.Spec) []finding.Finding {
	if !oktaServiceApp(s) {
		return kit.CheckPrivateKey(s, "to sign the private_key_jwt client assertion")
	}
	org, ok := orgServer(s)
	if !ok {
		return nil
	}
	needsKey := false
	if org && kit.ScopesKnown(s) {
		for _, sc := range s.RequiredScopes {
			needsKey = needsKey || strings.HasPrefix(sc, "okta.")
		}
	}
	keyMissing := kit.SecretUnset(s, s.Auth.PrivateKey, "private_key")
	switch {
	case needsKey && keyMissing && !kit.SecretUnset(s, s.Auth.ClientSecret, "client_secret"):
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.Auth.ClientSecret.Path(),
			"Okta API scopes need private-key authentication, not a client secret").
			WithCode("invalid_client").
			WithDetail("Okta issues okta.* scopes to API service apps only when they authenticate with a signed JWT (private_key_jwt); a client secret is rejected for these requests.").
			WithFix("In the app's General tab set Client authentication to Public key / Private key, add a public key, and set auth.private_key_wo to the matching private key.")}
	case keyMissing && kit.SecretUnset(s, s.Auth.ClientSecret, "client_secret"):
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("private_key"),
			"Okta service app needs a private key").
			WithCode("OKTA-SERVICE-APP").
			WithDetail("auth.client_id is set, so Handshake authenticates as an API service app (client credentials), but neither auth.private_key nor auth.client_secret is set.").
			WithFix("Set auth.private_key_wo to the private key whose public key is registered on the app (Public key / Private key authentication).")}
	}
	return kit.CheckPrivateKey(s, "to sign the private_key_jwt client assertion")
}

// oktaRefreshToken: a service app uses the client credentials flow, which
// never returns a refresh token. (The generic offline_access check may fire
// too; this finding says why adding the scope would not help.)
func oktaRefreshToken(s *connector.Spec) []finding.Finding {
	if !s.RequireRefreshToken || !oktaServiceApp(s) {
		return nil
	}
	return []finding.Finding{finding.Errorf(finding.RefreshTokenMissing, finding.Attr("require_refresh_token"),
		"Okta service apps never receive refresh tokens").
		WithCode("RFC6749-4.4.3").
		WithDetail("With auth.client_id and no auth.token this connector is an API service app using the client credentials flow, for which Okta issues no refresh token, even with offline_access. None is needed: a new access token is requested with the app's key whenever one is needed.").
		WithFix("Set require_refresh_token = false.",
			"If the connector acts for a user, put that user's refresh token in auth.token_wo and request offline_access.")}
}
