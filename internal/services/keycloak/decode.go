package keycloak

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Keycloak's error answers come in four shapes, all read here:
//
//   - RFC 6749 bodies from the token, introspection and userinfo endpoints:
//     {"error":"unauthorized_client","error_description":"Invalid client or Invalid client credentials"};
//   - a bare prose error from realm lookups, unknown paths and the admin API:
//     {"error":"Realm does not exist"}, {"error":"HTTP 403 Forbidden"};
//   - an RFC 6750 challenge with an empty body (userinfo):
//     WWW-Authenticate: Bearer realm="acme", error="invalid_token", error_description="Token verification failed";
//   - the login theme's HTML error page (authorization endpoint):
//     <p class="instruction">Invalid parameter: redirect_uri</p>.
//
// The same messages reach diagnose wrapped in client exceptions (Spring's
// HttpClientErrorException, python-keycloak's KeycloakAuthenticationError,
// openid-client's OPError "code (description)", Go's oauth2 RetrieveError),
// or as the bare description (seed 002: "400 Bad Request: Invalid client or
// Invalid client credentials"). Classification goes by Keycloak's wording,
// never by status alone: versions answer the same error with 400 or 401.

// kcError is one Keycloak error, whatever shape it came in.
type kcError struct {
	code   string // OAuth error code; "" for prose errors and pages
	desc   string // error_description, the prose error or the page's message
	status int
	step   string
}

// target is the kind of attribute a finding is about; the live plan turns it
// into the connector's attribute path.
type target int

const (
	tNone target = iota
	tSecret
	tKey
	tClientID
	tRealm
	tBaseURL
	tToken
	tScopes
	tRedirect
)

// oauthCodes are the OAuth error codes Keycloak sends.
var oauthCodeRE = regexp.MustCompile(`\b(invalid_client|unauthorized_client|invalid_grant|invalid_scope|invalid_request|unsupported_grant_type|invalid_token|insufficient_scope|access_denied)\b`)

// pageMessageRE finds the message of the login theme's error page
// (keycloak.v2 theme; older themes: kc-feedback-text, kc-error-message).
var pageMessageRE = regexp.MustCompile(`(?is)<p class="instruction">\s*(.*?)\s*</p>|<span class="kc-feedback-text">\s*(.*?)\s*</span>|id="kc-error-message"[^>]*>\s*<p[^>]*>\s*(.*?)\s*</p>`)

var challengeRE = regexp.MustCompile(`(?i)\b(error|error_description)="([^"]*)"`)

// read extracts the Keycloak error from an answer: its JSON body, its
// challenge, its error page, or a text that quotes one of Keycloak's own
// messages.
func read(a connector.Answer) (kcError, bool) {
	e := kcError{status: a.StatusCode, step: a.Step}
	body := strings.TrimSpace(strings.TrimPrefix(string(a.Body), "\ufeff"))
	if strings.HasPrefix(body, "{") {
		var m map[string]json.RawMessage
		if json.Unmarshal([]byte(body), &m) == nil {
			var errText, desc, msg string
			kit.JSONString(m["error"], &errText)
			kit.JSONString(m["error_description"], &desc)
			kit.JSONString(m["errorMessage"], &msg)
			switch {
			case errText != "" && !strings.ContainsAny(errText, " \t"):
				e.code, e.desc = errText, desc
				return e, true
			case errText != "":
				e.desc = errText // {"error":"Realm does not exist"}
				return e, true
			case msg != "":
				e.desc = msg // admin API validation errors
				return e, true
			}
		}
	}
	if a.Header != nil {
		for _, v := range a.Header.Values("WWW-Authenticate") {
			params := map[string]string{}
			for _, m := range challengeRE.FindAllStringSubmatch(v, -1) {
				params[strings.ToLower(m[1])] = m[2]
			}
			if params["error"] != "" {
				e.code, e.desc = params["error"], params["error_description"]
				return e, true
			}
		}
	}
	if m := pageMessageRE.FindStringSubmatch(body); m != nil {
		e.desc = html.UnescapeString(strings.Join(m[1:], ""))
		return e, true
	}
	// Text: an exception or log line quoting Keycloak's message.
	if msg := knownMessage(body, false); msg != "" {
		e.desc = msg
		if c := oauthCodeRE.FindString(body); c != "" {
			e.code = c
		}
		return e, true
	}
	return e, false
}

// knownMessage finds one of Keycloak's messages in a text (only the
// distinctive ones, which no other vendor uses, when distinctive is set).
func knownMessage(text string, distinctive bool) string {
	lower := strings.ToLower(text)
	for _, r := range rules {
		if !r.distinctive && distinctive {
			continue
		}
		if i := strings.Index(lower, r.text); i >= 0 {
			if len(lower) == len(text) {
				return text[i : i+len(r.text)] // Keycloak's own capitals
			}
			return r.text
		}
	}
	return ""
}

// rule classifies a Keycloak message (lower case, matched as a substring
// of the description).
type rule struct {
	text string
	// code, when set, restricts the rule to that OAuth error code.
	code string
	// distinctive messages are Keycloak's own wording, enough to recognise
	// the vendor in pasted text.
	distinctive bool
	cat         finding.Category
	target      target
	summary     string
	cause       string
	fixes       []string
}

// Fixes shared by several rules.
const (
	fixSecret  = "In the admin console open Clients > <client> > Credentials, copy the current Client secret (or Regenerate it) and put it in the connector's auth.client_secret_wo (or auth.client_secret)."
	fixSignIn  = "Obtain a new refresh token: sign in again through the authorization-code flow (with scope offline_access for an offline token) and update auth.token."
	fixService = "In the admin console open Clients > <client> > Settings > Capability config and turn on Client authentication and Service accounts roles."
)

// rules are Keycloak's messages, most specific first. Sources: Keycloak
// 26.7.1 recordings (ekalinin/gloak conformance goldens), Keycloak's
// authenticators and TokenManager, and bodies pasted in public issues; see
// decode_test.go for each body and its source.
var rules = []rule{
	{text: "client authentication with signed jwt failed", distinctive: true, cat: finding.InvalidCredentials, target: tKey,
		summary: "Keycloak refused the signed client assertion",
		cause:   "The client authenticator is Signed JWT and the assertion did not validate.",
		fixes: []string{"Register the public key of auth.private_key for the client: Clients > <client> > Keys (import the certificate, or set the JWKS URL that publishes it).",
			"The assertion's iss and sub must be the client id and its single aud the realm's issuer or token URL; Handshake sends exactly that, so check the clock of the machine running Terraform if Keycloak says the token is not active or issued in the future."}},
	{text: "invalid client or invalid client credentials", code: "invalid_client", distinctive: true, cat: finding.AppNotFound, target: tClientID,
		summary: "Keycloak does not know this client, or the client is disabled",
		cause:   "Keycloak answers invalid_client with this text when no enabled client has this client_id in the realm (a typo, a client in another realm, a deleted or disabled client). Servers older than Keycloak 19 also answered a wrong secret this way.",
		fixes: []string{"Check auth.client_id against Clients in the realm's admin console (client ids are case-sensitive), and the realm name.",
			"If the client exists, check that it is Enabled (Clients > <client> > Settings)."}},
	{text: "invalid client or invalid client credentials", distinctive: true, cat: finding.InvalidCredentials, target: tSecret,
		summary: "Keycloak refused the client secret: it is wrong or missing",
		cause:   "Keycloak answers unauthorized_client \"Invalid client or Invalid client credentials\" when the client exists but its secret does not match, or none was sent: the secret was regenerated, belongs to another environment or realm, or was mistyped. (This is not a grant-type problem, whatever the error code suggests.)",
		fixes:   []string{fixSecret, "If the client's authenticator is Signed JWT rather than Client Id and Secret, use auth.private_key_wo instead."}},
	{text: "client not enabled to retrieve service account", distinctive: true, cat: finding.FeatureDisabled, target: tClientID,
		summary: "The client's service account is turned off",
		cause:   "The client credentials grant runs as the client's service account, and \"Service accounts roles\" is off for this client.",
		fixes:   []string{fixService}},
	{text: "public client not allowed to retrieve service account", distinctive: true, cat: finding.InvalidConfiguration, target: tClientID,
		summary: "The client is public: it has no service account",
		cause:   "The client has Client authentication off (a public client), so it has no secret and no service account; the client credentials grant needs a confidential client.",
		fixes:   []string{fixService, "Then copy the new secret from the Credentials tab into auth.client_secret_wo."}},
	{text: "client not allowed for direct access grants", distinctive: true, cat: finding.FeatureDisabled, target: tClientID,
		summary: "Direct access grants are turned off for the client",
		cause:   "The password grant needs \"Direct access grants\" on for the client.",
		fixes:   []string{"Prefer the client credentials grant (service account); otherwise turn on Direct access grants under Clients > <client> > Settings > Capability config."}},
	{text: "parameter client_assertion_type is missing", distinctive: true, cat: finding.InvalidConfiguration, target: tSecret,
		summary: "The client expects a signed JWT, not a secret",
		cause:   "The client's authenticator (Clients > <client> > Credentials > Client Authenticator) is Signed JWT, so Keycloak wants a client assertion and ignores the secret that was sent.",
		fixes:   []string{"Set auth.private_key_wo to the client's private key and remove the client secret, or switch the Client Authenticator to \"Client Id and Secret\"."}},
	{text: "missing client_id parameter", cat: finding.InvalidConfiguration, target: tClientID,
		summary: "No client id reached Keycloak",
		cause:   "The token request carried no client_id (an empty variable, or a proxy that strips the Authorization header).",
		fixes:   []string{"Set auth.client_id to the client's Client ID."}},
	{text: "unable to load public key", cat: finding.RevokedCredentials, target: tKey,
		summary: "Keycloak has no public key for the client's assertion",
		cause:   "Keycloak could not find the key that signed the assertion: the key registered for the client was replaced, its kid is unknown, or Keycloak cannot fetch the client's JWKS URL.",
		fixes:   []string{"Import the certificate of auth.private_key under Clients > <client> > Keys, or make the client's JWKS URL reachable from Keycloak and list the key there."}},
	{text: "realm does not exist", distinctive: true, cat: finding.TenantNotFound, target: tRealm,
		summary: "The Keycloak realm does not exist",
		cause:   "Keycloak has no realm of this name at this server (realm names are case-sensitive).",
		fixes: []string{"Set keycloak.realm to the realm's name exactly as in the admin console's realm selector.",
			"Check keycloak.base_url: another Keycloak server, or a missing or extra /auth path, answers for other realms."}},
	{text: "unable to find matching target resource method", cat: finding.EndpointNotFound, target: tBaseURL,
		summary: "Keycloak has no realm endpoints at this path",
		cause:   "Keycloak answered 404 for a path it does not serve: usually the /auth prefix. Keycloak 17 and later serve /realms/… at the root; older (WildFly) servers, RH-SSO 7 and servers started with --http-relative-path=/auth serve /auth/realms/….",
		fixes:   []string{"Remove /auth from keycloak.base_url, or add it if the server uses the legacy path (open <base_url>/realms/<realm>/.well-known/openid-configuration in a browser to check)."}},
	{text: "https required", cat: finding.InvalidConfiguration, target: tBaseURL,
		summary: "The realm requires HTTPS",
		cause:   "The realm's Require SSL setting refuses plain-http requests from this address.",
		fixes:   []string{"Use an https:// keycloak.base_url."}},
	{text: "invalid parameter: redirect_uri", distinctive: true, cat: finding.RedirectURIMismatch, target: tRedirect,
		summary: "Keycloak refused the redirect URI",
		cause:   "The redirect URI is not among the client's Valid redirect URIs (Keycloak compares literally: scheme, host, port, path and trailing slash; only a trailing * matches a prefix), or the client has none.",
		fixes:   []string{"Add the URI exactly as written under Clients > <client> > Settings > Valid redirect URIs."}},
	{text: "incorrect redirect_uri", cat: finding.RedirectURIMismatch, target: tRedirect,
		summary: "The token request's redirect_uri differs from the authorization request's",
		cause:   "Keycloak requires the code to be redeemed with the redirect_uri it was issued for.",
		fixes:   []string{"Send the same redirect_uri in the token request as in the authorization request."}},
	{text: "client not found.", cat: finding.AppNotFound, target: tClientID,
		summary: "Keycloak does not know this client",
		cause:   "The authorization endpoint found no client with this client_id in the realm.",
		fixes:   []string{"Check auth.client_id against Clients in the realm's admin console (client ids are case-sensitive), and the realm name."}},
	{text: "client disabled", cat: finding.AccountDisabled, target: tClientID,
		summary: "The Keycloak client is disabled",
		cause:   "The client exists but is switched off.",
		fixes:   []string{"Turn Enabled on under Clients > <client> > Settings, or use an enabled client."}},
	{text: "bearer-only applications are not allowed to initiate browser login", distinctive: true, cat: finding.InvalidConfiguration, target: tClientID,
		summary: "The client is bearer-only: it cannot sign users in",
		cause:   "A bearer-only client only validates tokens; it has no login flow and no redirect URIs.",
		fixes:   []string{"Use a client with Standard flow enabled for sign-ins, or remove redirect_uris from this connector."}},
	{text: "token is not active", code: "invalid_grant", cat: finding.ExpiredCredentials, target: tToken,
		summary: "The refresh token has expired",
		cause:   "Keycloak answers \"Token is not active\" when the refresh token's exp has passed: it lives as long as the session's idle timeout (SSO Session Idle, or Offline Session Idle for offline tokens), counted from its last use.",
		fixes:   []string{fixSignIn, "Raise SSO Session Idle / Offline Session Idle under Realm settings > Sessions if the integration refreshes less often than that."}},
	{text: "refresh token expired", cat: finding.ExpiredCredentials, target: tToken,
		summary: "The refresh token has expired",
		cause:   "The refresh token's lifetime (the session's idle or max timeout) has passed.",
		fixes:   []string{fixSignIn}},
	{text: "maximum allowed refresh token reuse exceeded", distinctive: true, cat: finding.RevokedCredentials, target: tToken,
		summary: "The refresh token was already used, and the realm rotates refresh tokens",
		cause:   "The realm has Revoke Refresh Token on: each refresh token may be used once (plus Refresh Token Max Reuse), and presenting an older one ends the session, so later refreshes fail too.",
		fixes:   []string{fixSignIn, "Store the new refresh token from every refresh, and let one process refresh each token."}},
	{text: "offline user session not found", distinctive: true, cat: finding.RevokedCredentials, target: tToken,
		summary: "The offline session behind the token is gone",
		cause:   "The offline token was revoked (Users > <user> > Consents, or Sessions) or its offline session expired.",
		fixes:   []string{fixSignIn}},
	{text: "offline session not active", distinctive: true, cat: finding.RevokedCredentials, target: tToken,
		summary: "The offline session behind the token is gone",
		cause:   "The offline token was revoked (Users > <user> > Consents, or Sessions) or its offline session expired (Offline Session Idle).",
		fixes:   []string{fixSignIn}},
	{text: "session not active", cat: finding.RevokedCredentials, target: tToken,
		summary: "The Keycloak session behind the refresh token has ended",
		cause:   "The user signed out, an administrator signed the session out (or pushed a not-before revocation), the session reached SSO Session Max, or a Keycloak restart dropped in-memory sessions.",
		fixes:   []string{fixSignIn, "For unattended use request the offline_access scope: offline sessions survive sign-outs of the browser session."}},
	{text: "session doesn't have required client", distinctive: true, cat: finding.RevokedCredentials, target: tToken,
		summary: "The refresh token's session no longer includes this client",
		cause:   "The session lost this client (usually two refreshes racing with refresh-token rotation on).",
		fixes:   []string{fixSignIn}},
	{text: "stale token", cat: finding.RevokedCredentials, target: tToken,
		summary: "The refresh token predates a revocation",
		cause:   "An administrator pushed a not-before policy (Sessions > Revocation), which invalidates every token issued before it.",
		fixes:   []string{fixSignIn}},
	{text: "invalid refresh token", code: "invalid_grant", cat: finding.RevokedCredentials, target: tToken,
		summary: "Keycloak does not accept the refresh token",
		cause:   "The refresh token is garbled, was issued by another realm or server, or its signing key was rotated away.",
		fixes:   []string{fixSignIn}},
	{text: "account disabled", code: "invalid_grant", cat: finding.AccountDisabled, target: tToken,
		summary: "The Keycloak user is disabled",
		cause:   "The user behind the grant has Enabled off (or was locked by brute-force detection).",
		fixes:   []string{"Turn Enabled on under Users > <user>, or authorize the connector with an active user."}},
	{text: "account is not fully set up", code: "invalid_grant", distinctive: true, cat: finding.AccountDisabled, target: tToken,
		summary: "The Keycloak user has pending required actions",
		cause:   "The user must complete required actions (update password, verify e-mail, configure OTP) before tokens are issued.",
		fixes:   []string{"Clear the required actions under Users > <user> > Details, or sign in once interactively to complete them."}},
	{text: "invalid user credentials", code: "invalid_grant", cat: finding.InvalidCredentials, target: tToken,
		summary: "Keycloak refused the user's password",
		cause:   "The password grant's username or password is wrong.",
		fixes:   []string{"Check the user's credentials; prefer a service account (client credentials) for integrations."}},
	{text: "code not valid", code: "invalid_grant", cat: finding.ExpiredCredentials, target: tNone,
		summary: "The authorization code expired or was already used",
		cause:   "Codes are single-use and live for the realm's Login timeout (1 minute by default).",
		fixes:   []string{"Restart the sign-in; redeem the code once, promptly."}},
	{text: "invalid scopes:", cat: finding.InvalidScope, target: tScopes,
		summary: "The client may not request one of the scopes",
		cause:   "Keycloak refuses a scope that is not assigned to the client as a default or optional client scope (it lists the whole requested scope parameter, not only the bad one).",
		fixes:   []string{"Assign the client scope under Clients > <client> > Client scopes (as Optional), or remove it from required_scopes."}},
	{text: "token verification failed", code: "invalid_token", cat: finding.InvalidCredentials, target: tBaseURL,
		summary: "Keycloak refused the access token",
		cause:   "The realm could not verify the token: it expired, was signed by another realm or server, or was issued under another host name than the one it is presented to (the realm's Hostname / frontend URL differs from keycloak.base_url).",
		fixes:   []string{"Use the host name Keycloak issues tokens for (its KC_HOSTNAME or the realm's Frontend URL) as keycloak.base_url."}},
	{text: "missing openid scope", cat: finding.InvalidScope, target: tScopes,
		summary: "The access token was issued without the openid scope",
		cause:   "Keycloak's userinfo endpoint needs openid in the token; the realm did not include it although it was requested.",
		fixes:   []string{"Check that the openid client scope is not removed from the client (Clients > <client> > Client scopes)."}},
	{text: "http 403 forbidden", cat: finding.AccessDenied, target: tClientID,
		summary: "The client's service account lacks an admin role",
		cause:   "Keycloak's admin API refused the call: the service account has no realm-management role that allows it.",
		fixes:   []string{"Under Clients > <client> > Service accounts roles, assign the realm-management role the call needs (view-users, view-clients, view-events …)."}},
	{text: "http 401 unauthorized", cat: finding.InvalidCredentials, target: tClientID,
		summary: "Keycloak's admin API refused the token",
		cause:   "The admin API did not accept the access token (expired, or issued for another realm or host name).",
		fixes:   []string{"Check keycloak.base_url and keycloak.realm."}},
}

// classify finds the rule for a Keycloak error.
func classify(e kcError) (rule, bool) {
	desc := strings.ToLower(e.desc)
	for _, r := range rules {
		if strings.Contains(desc, r.text) && (r.code == "" || r.code == e.code) {
			return r, true
		}
	}
	return rule{}, false
}

// decode is the profile's Decode: the finding (without a path) and the
// kind of attribute it is about.
func decode(a connector.Answer) (finding.Finding, target, bool) {
	e, ok := read(a)
	var r rule
	if ok {
		r, ok = classify(e)
	}
	if !ok && a.Step == probe.StepDiscovery && a.StatusCode == http.StatusNotFound && e.code == "" {
		// A 404 at the realm's discovery URL that is not Keycloak's "Realm
		// does not exist": the path is wrong, not the realm.
		r, ok = classify(kcError{desc: "unable to find matching target resource method"})
		if e.desc == "" {
			e.desc = "HTTP 404 Not Found"
		}
	}
	if !ok {
		return finding.Finding{}, tNone, false
	}
	code := e.code
	if code == "" {
		code = kit.Tidy(e.desc, 80)
	}
	said := fmt.Sprintf("Keycloak answered %q", kit.Tidy(e.desc, 200))
	if e.code != "" {
		said = fmt.Sprintf("Keycloak answered %s %q", e.code, kit.Tidy(e.desc, 200))
	}
	if e.status > 0 {
		said += fmt.Sprintf(" (HTTP %d)", e.status)
	}
	f := finding.Finding{Severity: finding.Error, Category: r.cat, Code: code,
		Summary:     r.summary + " (" + code + ")",
		Detail:      said + ". " + r.cause + jwtReason(e.desc),
		Remediation: append([]string(nil), r.fixes...)}
	return f, r.target, true
}

// jwtReason explains the reason Keycloak gives after "Client authentication
// with signed JWT failed: ".
func jwtReason(desc string) string {
	_, reason, ok := strings.Cut(strings.ToLower(desc), "signed jwt failed:")
	if !ok {
		return ""
	}
	switch reason = strings.TrimSpace(reason); {
	case kit.Has(reason, "audience"):
		return " Keycloak refused the assertion's audience: it accepts one aud, the realm's issuer or token endpoint URL."
	case kit.Has(reason, "not active", "too far in the past", "in the future"):
		return " The assertion's time claims did not fit Keycloak's clock: check the clock of the machine running Terraform."
	case kit.Has(reason, "reuse"):
		return " Keycloak saw this assertion's jti before: each assertion may be used once."
	case kit.Has(reason, "signature", "algorithm"):
		return " The signature did not verify with the key Keycloak has for the client (or its algorithm differs): auth.private_key is not the key registered for the client."
	}
	return ""
}

// profileDecode is the profile's connector.Decoder, for diagnose and as the
// base of the live plan's decoder.
func profileDecode(a connector.Answer) (finding.Finding, bool) {
	f, _, ok := decode(a)
	return f, ok
}

// recognizeRE matches texts that are recognisably Keycloak's.
var recognizeRE = regexp.MustCompile(`(?i)keycloak|/realms/[^/\s"']+/protocol/openid-connect|kc-error-message|kc-feedback-text`)

// recognize is the profile's Recognize hook.
func recognize(text string) bool {
	return recognizeRE.MatchString(text) || knownMessage(text, true) != ""
}
