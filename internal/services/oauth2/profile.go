// Package oauth2 is the generic OAuth 2.0 / OpenID Connect service: its settings
// and offline rules; the live check is probe.PlanOAuth2.
package oauth2

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Service is the oauth2 entry of the catalog.
func Service() kit.Service {
	return kit.Service{Profile: profile(), Plan: probe.PlanOAuth2, NoEmulation: "tested against a real OpenID Connect server (oidc-provider), see internal/testing/oidcserver"}
}

// profile is any OAuth 2.0 / OpenID Connect authorization server, configured
// by its token endpoint or discovered from its issuer.
func profile() *connector.Profile {
	return &connector.Profile{
		ID:          "oauth2",
		DisplayName: "OAuth 2.0",
		Description: "Any OAuth 2.0 or OpenID Connect authorization server. Give either the `token_url`, or the `issuer` " +
			"to read the endpoints from its discovery document (`/.well-known/openid-configuration`). " +
			"Confidential clients authenticate with `client_secret` (`client_secret_basic` or `client_secret_post`) " +
			"or with a signed JWT (`private_key_jwt`, RFC 7523); public clients send only their `client_id` and " +
			"need a refresh token in `auth.token`.",
		Settings: []connector.Setting{
			{Name: "token_url", Kind: connector.String, Description: "Token endpoint, e.g. `https://idp.example.com/oauth2/token`. " +
				"Required unless `issuer` is set. Plain `http` is accepted only on loopback addresses."},
			{Name: "authorization_url", Kind: connector.String, Description: "Authorization endpoint, for interactive " +
				"(authorization-code) clients. Optional; read from discovery when `issuer` is set. Handshake asks it whether " +
				"each of `redirect_uris` is registered, and whether the client exists when the token endpoint's `invalid_client` " +
				"does not say."},
			{Name: "refresh_url", Kind: connector.String, Description: "Refresh endpoint, for services whose refresh grants go to " +
				"a URL other than the token endpoint (custom connectors list Authorization, Token and Refresh URLs). Optional; " +
				"defaults to `token_url`."},
			{Name: "introspection_url", Kind: connector.String, Description: "RFC 7662 token introspection endpoint. Optional; " +
				"read from discovery (`introspection_endpoint`) when `issuer` is set. With a refresh token that is not redeemed, " +
				"Handshake asks it whether the refresh token is active."},
			{Name: "issuer", Kind: connector.String, Description: "Issuer identifier of an OpenID Connect provider or an RFC 8414 " +
				"authorization server, e.g. `https://idp.example.com/realms/main`. Handshake appends " +
				"`/.well-known/openid-configuration` itself, so give the issuer, not the discovery URL."},
			{Name: "client_type", Kind: connector.String, OneOf: []string{"confidential", "public"}, Description: "Whether the client " +
				"can keep a secret (RFC 6749 §2.1). Defaults to `confidential`. A `public` client has no secret."},
			{Name: "grant_type", Kind: connector.String, OneOf: []string{"client_credentials", "refresh_token", "jwt_bearer", "authorization_code"},
				Description: "The grant the client uses: `client_credentials` (the default for confidential clients), " +
					"`refresh_token` (the refresh token in `auth.token`; the default for public clients; redeemed only with " +
					"`redeem_refresh_token = true`, otherwise the client is verified with a deliberately invalid refresh token), " +
					"`jwt_bearer` (an RFC 7523 assertion signed with `auth.private_key`) or `authorization_code` (an interactive, " +
					"user-facing client: no token can be obtained without a user, so Handshake sends a deliberately invalid code, " +
					"which the server answers `invalid_grant` when the client authenticated and `invalid_client` when it did not)."},
			{Name: "auth_style", Kind: connector.String, OneOf: []string{"client_secret_basic", "client_secret_post", "private_key_jwt"},
				Description: "How the client authenticates at the token endpoint. Defaults to `private_key_jwt` when " +
					"`auth.private_key` is set and `client_secret_basic` otherwise; some servers accept only `client_secret_post`."},
			{Name: "probe_url", Kind: connector.String, Description: "An API URL Handshake calls with the access token to prove it " +
				"works, e.g. the userinfo endpoint. Optional."},
			{Name: "audience", Kind: connector.String, Description: "Value of the `audience` (or `resource`) parameter some servers " +
				"require to pick the API the token is for (Auth0, some Okta and Entra set-ups)."},
		},
		AuthAttrs: []string{"client_id", "client_secret", "private_key", "token"},
		Redirect:  connector.RedirectPolicy{NativeSchemes: true},
		// OfflineScope stays empty: only OpenID Connect servers tie refresh
		// tokens to offline_access, so refreshTokenRule decides per server.
		Rules: []connector.Rule{
			kit.EndpointRules("token_url", "authorization_url", "issuer", "probe_url", "refresh_url", "introspection_url"),
			endpoints,
			issuerRule,
			kit.ClientIDHygiene,
			clientAuth,
			grantRule,
			refreshTokenRule,
		},
	}
}

// clientType and grantType return the effective values; ok is
// false when Terraform does not know them yet.
func clientType(s *connector.Spec) (string, bool) {
	if s.SettingUnknown("client_type") {
		return "", false
	}
	return kit.SettingOr(s, "client_type", "confidential"), true
}

func grantType(s *connector.Spec) (string, bool) {
	if s.SettingUnknown("grant_type") {
		return "", false
	}
	if g, ok := kit.Known(s, "grant_type"); ok {
		return g, true
	}
	ct, ok := clientType(s)
	if !ok {
		return "", false
	}
	if ct == "public" {
		return "refresh_token", true
	}
	return "client_credentials", true
}

// authStyle is the effective client authentication method.
func authStyle(s *connector.Spec) (string, bool) {
	if s.SettingUnknown("auth_style") {
		return "", false
	}
	if v, ok := kit.Known(s, "auth_style"); ok {
		return v, true
	}
	if kit.AuthUnknown(s, "private_key") {
		return "", false
	}
	if s.Auth.PrivateKey.IsSet() {
		return "private_key_jwt", true
	}
	return "client_secret_basic", true
}

// endpoints: Handshake needs a token endpoint, given or discovered.
func endpoints(s *connector.Spec) []finding.Finding {
	if !kit.SettingUnset(s, "token_url") || !kit.SettingUnset(s, "issuer") {
		return nil
	}
	return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath("token_url"),
		"OAuth 2.0 connector needs token_url or issuer").
		WithCode("OAUTH2-TOKEN-ENDPOINT").
		WithDetail("Handshake requests tokens from the token endpoint. Set it directly with token_url, or set issuer to read it from the server's discovery document.").
		WithFix("Set oauth2 = { token_url = \"https://idp.example.com/oauth2/token\" }.",
			"Or, for an OpenID Connect provider, oauth2 = { issuer = \"https://idp.example.com\" }.")}
}

// issuerRule catches the discovery URL given as the issuer: RFC 8414 §3
// and OIDC Discovery §4 build the discovery URL from the issuer, so the
// suffix would be doubled and the issuer comparison would fail.
func issuerRule(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "issuer")
	if !ok {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil {
		return nil // CheckEndpoint reports it
	}
	path := s.SettingPath("issuer")
	if i := strings.Index(u.Path, "/.well-known/"); i >= 0 {
		u.Path, u.RawQuery, u.Fragment = u.Path[:i], "", ""
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"oauth2.issuer must be the issuer, not the discovery URL").
			WithCode("RFC8414-3").
			WithDetail("Handshake appends /.well-known/openid-configuration to the issuer itself, and checks that the document's \"issuer\" equals this value exactly (RFC 8414 §3.3); a discovery URL here fails both.").
			WithFix(fmt.Sprintf("Set issuer = %q.", u.String()))}
	}
	if u.RawQuery != "" {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"oauth2.issuer must not contain a query").
			WithCode("RFC8414-2").
			WithDetail("An issuer identifier is an https URL without query or fragment (RFC 8414 §2, OIDC Discovery §3).").
			WithFix("Remove the ?… part.")}
	}
	return nil
}

// clientAuth checks that the client can authenticate the way its type
// and auth_style say, and that a public client carries no secret.
func clientAuth(s *connector.Spec) []finding.Finding {
	ct, ok := clientType(s)
	if !ok {
		return nil
	}
	var out []finding.Finding
	if ct == "public" {
		if sec := s.Auth.ClientSecret; sec.IsSet() {
			out = append(out, finding.Errorf(finding.InvalidConfiguration, sec.Path(),
				"A public client must not have a client secret").
				WithCode("RFC6749-2.1").
				WithDetail("client_type is public: the client runs where a secret cannot be kept (a browser or desktop app), so it authenticates with its client_id only (RFC 6749 §2.1). Servers reject a secret sent by a client registered as public, and a secret in a public client is not secret.").
				WithFix("Remove auth.client_secret, or set oauth2 = { client_type = \"confidential\" } if the app is registered as confidential."))
		}
		if as, ok := kit.Known(s, "auth_style"); ok {
			out = append(out, finding.Errorf(finding.InvalidConfiguration, s.SettingPath("auth_style"),
				"A public client does not authenticate").
				WithCode("RFC6749-2.1").
				WithDetail("auth_style = %q describes client authentication, which public clients do not perform.", as).
				WithFix("Remove auth_style, or set client_type = \"confidential\"."))
		}
		if kit.ClientIDUnset(s) {
			out = append(out, kit.MissingClientID("a public client identifies itself with it in every token request"))
		}
		return out
	}

	// Confidential client: it must be able to authenticate.
	if kit.ClientIDUnset(s) {
		out = append(out, kit.MissingClientID("a confidential client authenticates with its client_id and a secret or key"))
	}
	style, ok := authStyle(s)
	if !ok {
		return out
	}
	switch style {
	case "private_key_jwt":
		out = append(out, kit.RequirePrivateKey("to sign the private_key_jwt client assertion (RFC 7523 §2.2)")(s)...)
	default: // client_secret_basic, client_secret_post
		if kit.SecretUnset(s, s.Auth.ClientSecret, "client_secret") {
			f := finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("client_secret"),
				"Missing auth.client_secret").
				WithCode("OAUTH2-CLIENT-AUTH").
				WithDetail("A confidential client using %s authenticates with its client secret, and none is set.", style).
				WithFix("Set auth.client_secret_wo (or auth.client_secret).")
			if s.Auth.PrivateKey.IsSet() {
				f = f.WithFix("Or, to authenticate with the private key instead, set oauth2 = { auth_style = \"private_key_jwt\" }.")
			} else {
				f = f.WithFix("Or set client_type = \"public\" if the app is registered as a public client.")
			}
			out = append(out, f)
		}
	}
	return out
}

// grantRule checks what each grant type needs.
func grantRule(s *connector.Spec) []finding.Finding {
	grant, ok := grantType(s)
	if !ok {
		return nil
	}
	ct, _ := clientType(s)
	switch grant {
	case "client_credentials":
		if ct == "public" {
			return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath("grant_type"),
				"Public clients cannot use the client credentials grant").
				WithCode("RFC6749-4.4").
				WithDetail("The client credentials grant authenticates the client itself, so RFC 6749 §4.4 allows it only for confidential clients.").
				WithFix("Set client_type = \"confidential\" and give a client secret or private key, or use grant_type = \"refresh_token\" with a refresh token in auth.token.")}
		}
	case "refresh_token":
		if kit.SecretUnset(s, s.Auth.Token, "token") {
			return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("token"),
				"The refresh_token grant needs a refresh token in auth.token").
				WithCode("RFC6749-6").
				WithDetail("With grant_type = refresh_token Handshake exchanges the refresh token in auth.token for an access token (RFC 6749 §6); none is set.").
				WithFix("Set auth.token_wo (or auth.token) to a refresh token obtained through the authorization-code flow.",
					"Or use grant_type = \"client_credentials\" for a confidential client acting on its own behalf.")}
		}
	case "authorization_code":
		if len(s.RedirectURIs) == 0 && !s.IsUnknown("redirect_uris") {
			return []finding.Finding{finding.Warnf(finding.RedirectURIMissing, finding.Attr("redirect_uris"),
				"An authorization-code client should list its redirect URIs").
				WithCode("RFC6749-3.1.2").
				WithDetail("The authorization-code grant sends the user back to a registered redirect URI (RFC 6749 §3.1.2). With redirect_uris set, Handshake asks the authorization endpoint whether each one is registered, and sends the first with its client check.").
				WithFix("Set redirect_uris to the callback URLs the app uses.")}
		}
	case "jwt_bearer":
		// A missing client_id is reported once, by clientAuth.
		if style, ok := authStyle(s); ok && style == "private_key_jwt" && ct != "public" {
			return nil // the same key is already required and checked for client authentication
		}
		return kit.RequirePrivateKey("to sign the JWT bearer assertion (RFC 7523 §2.1)")(s)
	}
	return nil
}

// refreshTokenRule explains when require_refresh_token cannot be met.
// Which scope asks for a refresh token is server-specific: OpenID Connect
// servers use offline_access (OIDC Core §11), plain OAuth servers may issue
// one without any scope, so without an issuer this is only a warning.
func refreshTokenRule(s *connector.Spec) []finding.Finding {
	if !s.RequireRefreshToken {
		return nil
	}
	grant, ok := grantType(s)
	if !ok {
		return nil
	}
	path := finding.Attr("require_refresh_token")
	switch grant {
	case "client_credentials":
		return []finding.Finding{finding.Errorf(finding.RefreshTokenMissing, path,
			"The client credentials grant does not return refresh tokens").
			WithCode("RFC6749-4.4.3").
			WithDetail("RFC 6749 §4.4.3 says a refresh token should not be issued for the client credentials grant, and servers follow it. None is needed either: the client simply requests a new access token with its credentials.").
			WithFix("Set require_refresh_token = false.",
				"If the connector acts for a user, use grant_type = \"refresh_token\" with a refresh token from the authorization-code flow.")}
	case "jwt_bearer":
		return []finding.Finding{finding.Warnf(finding.RefreshTokenMissing, path,
			"JWT bearer grants rarely return refresh tokens").
			WithCode("RFC7523-2.1").
			WithDetail("With a JWT bearer assertion the client signs a new assertion whenever it needs a token; most servers return no refresh token for this grant.").
			WithFix("Set require_refresh_token = false unless the server documents refresh tokens for this grant.")}
	}
	if !kit.ScopesKnown(s) || slices.Contains(s.RequiredScopes, "offline_access") {
		return nil
	}
	f := finding.Warnf(finding.RefreshTokenMissing, path, "Refresh tokens usually need the offline_access scope").
		WithCode("OIDC-11").
		WithDetail("require_refresh_token is true, but required_scopes does not include offline_access. OpenID Connect providers issue a refresh token only for that scope (OpenID Connect Core §11); plain OAuth 2.0 servers may not need it.").
		WithFix("Add \"offline_access\" to required_scopes, and allow the refresh_token grant for the client.")
	if _, oidc := kit.Known(s, "issuer"); oidc {
		f.Severity = finding.Error
		f.Summary = "Refresh tokens need the offline_access scope"
		f.Detail = "require_refresh_token is true and this is an OpenID Connect provider (issuer is set), but required_scopes does not include offline_access; OpenID Connect Core §11 ties refresh tokens to that scope."
	}
	return []finding.Finding{f}
}
