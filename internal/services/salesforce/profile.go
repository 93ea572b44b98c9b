// Package salesforce is the Salesforce service: its profile (settings and
// offline rules), the decoder of its error answers, its live check and its sandbox emulation.
package salesforce

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Service is Salesforce in the catalog.
func Service() kit.Service {
	em := Emulation()
	return kit.Service{Profile: Profile(), Plan: Plan, Emulation: &em}
}

// Profile is a Salesforce org reached through a connected app or external
// client app.
func Profile() *connector.Profile {
	return &connector.Profile{
		ID:          "salesforce",
		DisplayName: "Salesforce",
		Description: "A Salesforce org, through a connected app or external client app. Authenticate with the OAuth " +
			"client credentials flow (`client_id` and `client_secret`; needs a My Domain `login_url`) or the JWT bearer " +
			"flow (`client_id`, the integration user's `username` and the RSA `private_key` whose certificate is on the " +
			"app). A refresh token from an earlier authorization goes in `token` (with `client_id` and, when the app requires it, " +
			"`client_secret`); live checks do not redeem it unless `redeem_refresh_token = true`, since Salesforce can rotate it. " +
			"Refresh tokens need the `refresh_token` scope (`offline_access` is Salesforce's synonym).",
		Settings: []connector.Setting{
			{Name: "login_url", Kind: connector.String, Description: "Authorization server. Defaults to " +
				"`https://login.salesforce.com`; sandboxes use `https://test.salesforce.com`; a My Domain " +
				"(`https://<name>.my.salesforce.com`) works for both and is required for the client credentials flow. " +
				"Not the Lightning address (`*.lightning.force.com`)."},
			{Name: "instance_url", Kind: connector.String, Description: "REST API host of the org, such as " +
				"`https://<name>.my.salesforce.com`. Optional: Salesforce returns it with the token, and the live check uses " +
				"that one unless this is set."},
			{Name: "api_version", Kind: connector.String, Description: "REST API version used by the probe, written as in " +
				"the URL path: `v61.0`. Defaults to a recent version."},
		},
		AuthAttrs: []string{"client_id", "client_secret", "private_key", "username", "token"},
		Decode:    Decode,
		Recognize: Recognize,
		// Salesforce issues refresh tokens for either refresh_token or
		// offline_access. connector.CheckScopes compares against a single
		// OfflineScope, which would flag offline_access wrongly, so the
		// salesforceOffline rule checks both instead.
		OfflineScope: "",
		Rules: []connector.Rule{
			kit.ClientIDHygiene,
			kit.EndpointRules("login_url", "instance_url"),
			salesforceHost("login_url"),
			salesforceHost("instance_url"),
			salesforceAPIVersion,
			kit.ForEachScope(salesforceScope),
			salesforceOffline,
			salesforceJWTBearer,
			kit.PrivateKeyRule("to sign the JWT bearer assertion"),
			kit.RSAKeyRule("Salesforce", 0, "SALESFORCE-JWT-KEY"),
			salesforceClientCredentials,
			salesforceRefreshToken,
		},
	}
}

var (
	salesforceVersionRE = regexp.MustCompile(`^v([0-9]{2,3})\.0$`)
	// Scopes Salesforce documents for connected apps and external client apps.
	salesforceScopes = []string{
		"api", "refresh_token", "offline_access", "full", "web", "id", "profile", "email", "address", "phone",
		"openid", "custom_permissions", "chatter_api", "visualforce", "wave_api", "eclair_api", "content",
		"lightning", "pardot_api", "interaction_api", "forgot_password", "user_registration_api", "sfap_api",
		"chatbot_api", "einstein_gpt_api", "mcp_api", "cdp_api", "cdp_query_api", "cdp_profile_api",
		"cdp_ingest_api", "cdp_segment_api", "cdp_identityresolution_api", "cdp_calculated_insight_api",
	}
)

// salesforceHost rejects the Lightning UI host: it serves the web app, not
// the OAuth and REST endpoints, and is the address people copy from the
// browser.
func salesforceHost(name string) connector.Rule {
	return func(s *connector.Spec) []finding.Finding {
		v, ok := kit.Known(s, name)
		if !ok {
			return nil
		}
		u, err := url.Parse(v)
		if err != nil {
			return nil // CheckEndpoint reports it
		}
		host := strings.ToLower(u.Hostname())
		mydomain, isLightning := strings.CutSuffix(host, ".lightning.force.com")
		if !isLightning {
			return nil
		}
		// acme.lightning.force.com → acme.my.salesforce.com;
		// acme--dev.sandbox.lightning.force.com → acme--dev.sandbox.my.salesforce.com.
		want := "https://" + mydomain + ".my.salesforce.com"
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath(name),
			"salesforce.%s points at the Lightning UI, not the API", name).
			WithCode("SALESFORCE-LIGHTNING-HOST").
			WithDetail("*.lightning.force.com serves the Lightning Experience web app; OAuth and REST requests must go to the org's My Domain (*.my.salesforce.com) or login.salesforce.com, and fail against the Lightning host.").
			WithFix(fmt.Sprintf("Set salesforce.%s = %q (Setup > My Domain shows the exact URL).", name, want))}
	}
}

func salesforceAPIVersion(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "api_version")
	if !ok {
		return nil
	}
	path := s.SettingPath("api_version")
	m := salesforceVersionRE.FindStringSubmatch(v)
	if m == nil {
		fix := "Write it as in the REST path, for example v61.0."
		if salesforceVersionRE.MatchString("v" + v) {
			fix = fmt.Sprintf("Write it as %q.", "v"+v)
		}
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"salesforce.api_version is not a Salesforce API version").
			WithCode("SALESFORCE-API-VERSION").
			WithDetail("The version becomes part of the REST path /services/data/<version>/; Salesforce writes it as v<major>.0, and any other form returns 404 NOT_FOUND.").
			WithFix(fix)}
	}
	if major, _ := strconv.Atoi(m[1]); major < 31 {
		return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, path,
			"Salesforce API version %s is retired", v).
			WithCode("SALESFORCE-API-VERSION").
			WithDetail("Salesforce retired REST API versions 30.0 and older; requests to them fail.").
			WithFix("Use a current version, for example v61.0 or later (GET /services/data/ lists what the org supports).")}
	}
	return nil
}

func salesforceScope(s *connector.Spec, i int, sc string) []finding.Finding {
	switch {
	case strings.TrimSpace(sc) == "" || strings.ContainsAny(sc, " \t\r\n,"):
		return nil // connector.CheckScopes reports these
	case slices.Contains(salesforceScopes, sc):
		return nil
	case kit.IsURLScope(sc):
		return []finding.Finding{kit.URLScopeFinding(s, i, "Salesforce", "api or refresh_token")}
	case slices.Contains(salesforceScopes, strings.ToLower(sc)):
		return []finding.Finding{finding.Warnf(finding.InvalidScope, kit.ScopePath(i), "Salesforce scopes are lower case").
			WithCode("invalid_scope").
			WithDetail("Salesforce compares scope names exactly; the documented names are lower case.").
			WithFix(fmt.Sprintf("Write it as %q.", strings.ToLower(sc)))}
	}
	return []finding.Finding{finding.Warnf(finding.InvalidScope, kit.ScopePath(i), "Scope is not a documented Salesforce scope").
		WithCode("invalid_scope").
		WithDetail("Salesforce scopes are names such as api, refresh_token, id, web or full; a scope the connected app does not offer makes the authorization fail with invalid_scope.").
		WithFix("Check the scope against the app's Selected OAuth Scopes (Setup > App Manager > the app > View).")}
}

// salesforceOffline is CheckScopes' offline-scope check, accepting either of
// Salesforce's two names for it.
func salesforceOffline(s *connector.Spec) []finding.Finding {
	if !s.RequireRefreshToken || !kit.ScopesKnown(s) ||
		slices.Contains(s.RequiredScopes, "refresh_token") || slices.Contains(s.RequiredScopes, "offline_access") {
		return nil
	}
	return []finding.Finding{finding.Errorf(finding.RefreshTokenMissing, finding.Attr("require_refresh_token"),
		"Refresh tokens need the refresh_token scope").
		WithCode("OFFLINE-SCOPE").
		WithDetail("require_refresh_token is true, but required_scopes has neither refresh_token nor offline_access. Salesforce returns a refresh token only when one of them is requested and the app's Selected OAuth Scopes include \"Perform requests at any time\".").
		WithFix("Add \"refresh_token\" to required_scopes.",
			"In the app's OAuth settings, add \"Perform requests at any time (refresh_token, offline_access)\" to Selected OAuth Scopes.")}
}

// salesforceJWTBearer: the JWT's iss is the consumer key and its sub the
// integration user, so both must accompany the key.
func salesforceJWTBearer(s *connector.Spec) []finding.Finding {
	if !s.Auth.PrivateKey.IsSet() {
		return nil
	}
	var out []finding.Finding
	if kit.ClientIDUnset(s) {
		out = append(out, kit.MissingClientID("the JWT bearer assertion's issuer is the app's Consumer Key (Salesforce answers invalid_client_id without it)").
			WithFix("Copy the Consumer Key from App Manager > the app > View > Manage Consumer Details."))
	}
	if !kit.AuthUnknown(s, "username") && s.Auth.Username == "" {
		out = append(out, finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("username"),
			"The Salesforce JWT bearer flow needs auth.username").
			WithCode("SALESFORCE-JWT-BEARER").
			WithDetail("The assertion's subject is the Salesforce user the connector acts as; the user must be pre-authorized for the app (Admin approved users, with the user's profile or permission set added).").
			WithFix("Set auth.username to the integration user's Salesforce username (user@example.com form)."))
	}
	if u, ok := kit.UsernameKnown(s); ok && !connector.IsEmail(u) {
		out = append(out, finding.Warnf(finding.InvalidConfiguration, kit.AuthPath("username"),
			"auth.username is not in Salesforce's username format").
			WithCode("SALESFORCE-USERNAME").
			WithDetail("Salesforce usernames have the form of an e-mail address (it need not be a real mailbox), such as integration@acme.com or integration@acme.com.sandbox; the user's name or id is not accepted.").
			WithFix("Copy Username from Setup > Users > the integration user."))
	}
	return out
}

// salesforceClientCredentials: the client credentials flow runs only on the
// org's My Domain; login.salesforce.com and test.salesforce.com refuse it.
func salesforceClientCredentials(s *connector.Spec) []finding.Finding {
	if s.Auth.PrivateKey.IsSet() || s.Auth.Token.IsSet() || kit.ClientIDUnset(s) || kit.SecretUnset(s, s.Auth.ClientSecret, "client_secret") ||
		s.SettingUnknown("login_url") {
		return nil
	}
	u, err := url.Parse(kit.SettingOr(s, "login_url", "https://login.salesforce.com"))
	if err != nil {
		return nil
	}
	host := strings.ToLower(u.Hostname())
	if host != "login.salesforce.com" && host != "test.salesforce.com" {
		return nil
	}
	return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, s.SettingPath("login_url"),
		"The Salesforce client credentials flow needs the org's My Domain").
		WithCode("SALESFORCE-MY-DOMAIN").
		WithDetail("With only a client id and secret, Handshake uses the client credentials flow, which Salesforce serves only on the org's My Domain; %s answers invalid_grant (request not supported on this domain).", host).
		WithFix("Set salesforce.login_url to https://<your-domain>.my.salesforce.com (Setup > My Domain).",
			"In the app's OAuth policies, enable the client credentials flow and choose its Run As user.")}
}

// salesforceRefreshToken: a refresh token is redeemed (or checked) by the
// connected app it was issued to, so the consumer key must come with it.
func salesforceRefreshToken(s *connector.Spec) []finding.Finding {
	if !s.Auth.Token.IsSet() || s.Auth.PrivateKey.IsSet() || !kit.ClientIDUnset(s) {
		return nil
	}
	return []finding.Finding{kit.MissingClientID("Salesforce accepts a refresh token only together with the consumer key of the app it was issued to").
		WithFix("Copy the Consumer Key from App Manager > the app > View > Manage Consumer Details.")}
}
