package services

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// okta is an Okta org (Workforce Identity Cloud), reached with an SSWS API
// token or as an OAuth service app.
func okta() *connector.Profile {
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
		Decode:    kit.TextDecoder(oktaDecode),
		Recognize: oktaRecognize,
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

// ---------------------------------------------------------------------------
// Okta's error answers.
//
// Okta answers in three shapes, and the live probe and diagnose both meet
// all of them:
//   - its own schema on the management APIs: {"errorCode":"E0000011",
//     "errorSummary":"Invalid token provided","errorLink":"E0000011",
//     "errorId":"oae…","errorCauses":[]};
//   - RFC 6749 bodies on the authorization servers: {"error":"invalid_client",
//     "error_description":"The client_assertion signature is invalid."};
//   - a mix of both on some token-endpoint failures: {"errorCode":
//     "invalid_client","errorSummary":"Invalid value for 'client_id'
//     parameter.",…}, an OAuth code in Okta's fields.
// SDKs wrap them in exception text ("com.okta.sdk.resource.ResourceException:
// HTTP 401, Okta E0000011 (Invalid token provided), ErrorId oae…", PowerShell's
// "errorCode: E0000011; errorSummary: …"), so the decoder also reads codes and
// summaries out of plain text. errorId is a per-request trace id: it is left
// out of findings so that two checks of the same failure read the same.
// ---------------------------------------------------------------------------

// oktaError is one Okta error answer.
type oktaError struct {
	Code    string   // errorCode (E0000011), or an OAuth code in the mixed shape
	Summary string   // errorSummary
	Causes  []string // errorCauses[].errorSummary
	OAuth   *probe.OAuthError
}

var (
	oktaCodeRE = regexp.MustCompile(`\bE0\d{6}\b`)
	// "Okta E0000011 (Invalid token provided)" (Java SDK), "E0000011 - Invalid
	// token provided", "errorSummary: Invalid token provided;" (PowerShell).
	oktaTextSummaryRE = []*regexp.Regexp{
		regexp.MustCompile(`\bE0\d{6}\s*\(([^)\r\n]{3,200})\)`),
		regexp.MustCompile(`\bE0\d{6}\s*[-:]\s*([^,;\r\n]{3,200})`),
		regexp.MustCompile(`(?i)errorSummary["']?\s*[:=]\s*["']?([^;"'\r\n]{3,200})`),
	}
)

// oktaSummaryCodes maps Okta's stable summaries to their codes, for messages
// that quote the summary without the code (the Go SDK prints "the API
// returned an error: Invalid token provided").
var oktaSummaryCodes = []struct{ summary, code string }{
	{"invalid token provided", "E0000011"},
	{"you do not have permission to perform the requested action", "E0000006"},
	{"api call exceeded rate limit", "E0000047"},
	{"you do not have permission to access the feature you are requesting", "E0000015"},
	{"invalid session", "E0000005"},
}

// parseOktaError finds an Okta error in a body or an error text.
func parseOktaError(text string) (oktaError, bool) {
	for _, doc := range kit.Objects(text) {
		var m map[string]json.RawMessage
		if json.Unmarshal([]byte(doc), &m) != nil {
			continue
		}
		var e oktaError
		kit.JSONString(m["errorCode"], &e.Code)
		kit.JSONString(m["errorSummary"], &e.Summary)
		e.Code, e.Summary = strings.TrimSpace(e.Code), kit.Tidy(e.Summary, 300)
		var causes []struct {
			Summary string `json:"errorSummary"`
		}
		if json.Unmarshal(m["errorCauses"], &causes) == nil {
			for _, c := range causes {
				if c.Summary != "" && len(e.Causes) < 5 {
					e.Causes = append(e.Causes, kit.Tidy(c.Summary, 200))
				}
			}
		}
		if oe, ok := probe.ParseOAuthError([]byte(doc)); ok {
			e.OAuth = &oe
		}
		if e.Code != "" || e.OAuth != nil {
			return e, true
		}
	}
	if oe, ok := kit.PythonOAuth(text); ok {
		return oktaError{OAuth: &oe}, true
	}
	var e oktaError
	e.Code = oktaCodeRE.FindString(text)
	for _, re := range oktaTextSummaryRE {
		if m := re.FindStringSubmatch(text); m != nil {
			e.Summary = kit.Tidy(m[1], 300)
			break
		}
	}
	if e.Code == "" {
		lower := strings.ToLower(text)
		for _, sc := range oktaSummaryCodes {
			if strings.Contains(lower, sc.summary) {
				e.Code = sc.code
				if e.Summary == "" {
					e.Summary = sc.summary
				}
				break
			}
		}
	}
	if e.Code != "" {
		return e, true
	}
	if oe, ok := kit.TextOAuth(text, oktaOAuthCodes); ok {
		return oktaError{OAuth: &oe}, true
	}
	lower := strings.ToLower(text)
	for _, d := range oktaOAuthDescriptions {
		if strings.Contains(lower, d.phrase) {
			return oktaError{OAuth: &probe.OAuthError{Code: d.code, Description: kit.Tidy(text, 300)}}, true
		}
	}
	return oktaError{}, false
}

// oktaOAuthDescriptions are Okta's authorization-server descriptions that
// SDKs print without the error code ("the API returned an error: The
// client_assertion signature is invalid.").
var oktaOAuthDescriptions = []struct{ phrase, code string }{
	{"client_assertion signature is invalid", "invalid_client"},
	{"client_assertion jwt kid is invalid", "invalid_client"},
	{"invalid value for 'client_id' parameter", "invalid_client"},
	{"client secret supplied for a confidential client is invalid", "invalid_client"},
	{"dpop proof jwt header is missing", "invalid_dpop_proof"},
	{"custom scopes are not allowed for this request", "invalid_scope"},
	{"one or more scopes are not configured for the authorization server", "invalid_scope"},
	{"policy evaluation failed for this request", "access_denied"},
}

// oktaOAuthCodes are the OAuth error codes Okta's authorization servers use,
// recognised in plain text ("invalid_client: The client_assertion signature
// is invalid.").
var oktaOAuthCodes = kit.OAuthCodesRE("invalid_client", "invalid_grant", "invalid_scope", "unauthorized_client",
	"access_denied", "invalid_dpop_proof", "use_dpop_nonce", "invalid_request", "unsupported_grant_type")

// oktaDecode is the okta profile's Decode: it classifies an Okta error
// answer (a body, or an SDK's error text) and returns false for anything
// that is not recognisably Okta's.
func oktaDecode(status int, body string) (finding.Finding, bool) {
	e, ok := parseOktaError(body)
	if !ok {
		return finding.Finding{}, false
	}
	if strings.HasPrefix(e.Code, "E0") {
		return oktaCodeFinding(e, status), true
	}
	oe := probe.OAuthError{Code: e.Code, Description: e.Summary}
	if e.OAuth != nil && (e.Code == "" || e.Code == e.OAuth.Code) {
		oe = *e.OAuth
		if oe.Description == "" {
			oe.Description = e.Summary
		}
	}
	if oe.Code == "" || !(kit.OAuthStandardCodes[oe.Code] || oe.Code == "invalid_dpop_proof" || oe.Code == "use_dpop_nonce") {
		return finding.Finding{}, false
	}
	return oktaOAuthFinding(oe, status), true
}

// oktaDetail describes what Okta answered, without its per-request errorId.
func oktaDetail(code, summary string, causes []string, status int) string {
	d := "Okta answered " + code
	if summary != "" {
		d += fmt.Sprintf(" %q", summary)
	}
	if status > 0 {
		d += fmt.Sprintf(" (HTTP %d)", status)
	}
	d += "."
	if len(causes) > 0 {
		d += " Causes: " + strings.Join(causes, "; ") + "."
	}
	return d
}

// oktaCodeFinding classifies an E0000… error.
func oktaCodeFinding(e oktaError, status int) finding.Finding {
	mk := func(cat finding.Category, summary, why string, fixes ...string) finding.Finding {
		d := oktaDetail(e.Code, e.Summary, e.Causes, status)
		if why != "" {
			d += " " + why
		}
		return finding.Finding{Severity: finding.Error, Category: cat, Code: e.Code,
			Summary: summary + " (" + e.Code + ")", Detail: d, Remediation: fixes}
	}
	switch e.Code {
	case "E0000011":
		return mk(finding.InvalidCredentials, "The token was rejected by Okta",
			"Okta gives the same answer whether the token was mistyped, belongs to another org, was revoked, "+
				"expired after 30 days without use, or lost its owner: an API token acts as the admin who created it and "+
				"stops working when that admin is deactivated or suspended (the account behind it is disabled, which Okta does not report separately).",
			"In the Admin Console open Security > API > Tokens. If the token is not listed it was revoked or expired unused: create a new one and update the credential.",
			"Check the token's owner (shown next to the token) under Directory > People. If that admin was deactivated or suspended, reactivate the account, or create a new token while signed in as a dedicated service admin that is not tied to one employee.",
			"Check that okta.domain is the org that issued the token; a token from a preview or another org fails the same way.")
	case "E0000004":
		return mk(finding.InvalidCredentials, "The request could not be authenticated by Okta",
			"", "Check the credential's value and that it belongs to this Okta org.")
	case "E0000005":
		return mk(finding.AccessDenied, "This kind of credential is refused by the Okta endpoint",
			"Okta answers \"Invalid session\" when an endpoint needs another way of authenticating than the one used, for example an OAuth access token on an endpoint that only accepts API tokens or sessions.",
			"Use an API token (auth.token) for endpoints that do not support OAuth for Okta, or check the endpoint's documentation for the scopes it accepts.")
	case "E0000006":
		return mk(finding.AccessDenied, "The identity behind the credential lacks the Okta admin permissions for this request",
			"The credential is valid, but the identity behind it may not do this. An API token has exactly the admin roles of the user who created it; an OAuth service app needs both the okta.* scopes and an admin role of its own.",
			"For an API token: give its owner (ideally a dedicated service account) an admin role that can read users and groups, such as Read-Only Administrator, or create the token as such an admin.",
			"For a service app: grant the scopes on the app's Okta API Scopes tab and assign an admin role on its Admin roles tab; an access token that carries the scopes is still refused without the role.")
	case "E0000007":
		if strings.Contains(strings.ToLower(e.Summary), "authorizationserver") {
			return mk(finding.EndpointNotFound, "The Okta authorization server does not exist",
				"The authorization server id in the token URL is not known to this org.",
				"Set okta.authorization_server to the id shown under Security > API > Authorization Servers (for example default), or leave it empty to use the org authorization server.")
		}
		return mk(finding.EndpointNotFound, "The requested Okta resource was not found",
			"", "Check okta.domain (and base_url) and the id in the request; the resource may have been deleted.")
	case "E0000015":
		return mk(finding.LicenseRequired, "The Okta org does not include the feature this request needs",
			"Okta refuses requests for features the org's plan does not include or that are not enabled for it (API Access Management for custom authorization servers, for example).",
			"Check the org's features and licences with the Okta administrator, or use an endpoint the org has.")
	case "E0000022":
		return mk(finding.EndpointNotFound, "The Okta endpoint does not support this method",
			"", "Check the API path and method against Okta's API reference.")
	case "E0000047":
		f := mk(finding.RateLimited, "The Okta rate limit was exceeded",
			"Okta enforces per-endpoint, per-minute limits for the whole org, shared by every integration; the X-Rate-Limit-Reset header says when the window resets.",
			"Retry after the limit resets (Okta's windows are one minute).",
			"If other jobs share the org's budget, spread their schedules; Reports > Rate Limits in the Admin Console shows which integration uses it.")
		f.Retryable = true
		return f
	case "E0000009", "E0000010":
		f := mk(finding.ServiceUnavailable, "The Okta service failed to process the request",
			"", "Retry later and check status.okta.com for incidents affecting the org's cell.")
		f.Retryable = true
		return f
	case "E0000001", "E0000002", "E0000003":
		return mk(finding.InvalidConfiguration, "The request was rejected by Okta as invalid",
			"", "Check the connector's settings against Okta's API reference.")
	case "E0000038":
		return mk(finding.AccountDisabled, "The Okta user's status does not allow this operation",
			"", "Check the user's status under Directory > People (deactivated, suspended or locked out) and reactivate or unlock it.")
	}
	switch {
	case status == http.StatusTooManyRequests:
		f := mk(finding.RateLimited, "The Okta rate limit was exceeded", "", "Retry after the limit resets.")
		f.Retryable = true
		return f
	case status >= 500:
		f := mk(finding.ServiceUnavailable, "The Okta service failed to process the request", "", "Retry later and check status.okta.com.")
		f.Retryable = true
		return f
	case status == http.StatusUnauthorized:
		return mk(finding.InvalidCredentials, "The credential was not accepted by Okta", "", "Check the credential's value and that it belongs to this Okta org.")
	case status == http.StatusForbidden:
		return mk(finding.AccessDenied, "The request was denied by Okta", "", "Give the identity behind the credential the admin role or scope the request needs.")
	case status == http.StatusNotFound:
		return mk(finding.EndpointNotFound, "The requested Okta resource was not found", "", "Check okta.domain, base_url and the request path.")
	}
	return mk(finding.UnexpectedResponse, "The Okta API answered with an error", "",
		"Look the code up in Okta's error code reference (developer.okta.com/docs/reference/error-codes).")
}

// oktaOAuthFinding classifies an OAuth error from one of Okta's
// authorization servers, with Okta's own wording of the fixes; what it does
// not know goes to the generic OAuth decoder.
func oktaOAuthFinding(e probe.OAuthError, status int) finding.Finding {
	desc := strings.ToLower(e.Description)
	mk := kit.OAuthFindingMaker("Okta's authorization server", e, status)
	switch e.Code {
	case "invalid_client":
		switch {
		case strings.Contains(desc, "client_id") || strings.Contains(desc, "client id"):
			return mk(finding.AppNotFound, "The client_id is not known to Okta",
				"No app with this client id exists in the org the request went to.",
				"Copy auth.client_id from the app's General tab (it starts with 0oa) in this org; the app may have been deleted, or belong to another org or a preview org.")
		case strings.Contains(desc, "kid"):
			return mk(finding.RevokedCredentials, "The app no longer has the public key this private key belongs to",
				"The key id the client assertion names is not an active key of the app: the key was rotated, deactivated or removed.",
				"In the app's General tab under Public keys, activate or re-add the public key that matches auth.private_key, or switch the connector to the key that is active now.",
				"If the private key is a JWK, its kid must equal the key id Okta shows for the public key.")
		case strings.Contains(desc, "signature"):
			return mk(finding.InvalidCredentials, "The client assertion's signature was not verified by Okta",
				"The private key that signed the assertion does not match an active public key registered on the app.",
				"Check that auth.private_key is the private half of a key listed as Active under Public keys on the app's General tab.",
				"After a rotation, update the credential to the new private key before deactivating the old public key.")
		case strings.Contains(desc, "client secret"):
			return mk(finding.InvalidCredentials, "The client secret was rejected by Okta",
				"", "Copy the current secret from the app's General tab (Client Credentials); if it was rotated, update the credential.")
		case kit.Has(desc, "expired", " exp ", "'exp'", "iat", "issued in the future", "not yet valid", "not before"):
			return mk(finding.InvalidConfiguration, "The client assertion's timestamps were rejected by Okta",
				"Handshake signs each assertion for five minutes from the current time, so this means the clock where Terraform runs is off.",
				"Synchronise the clock of the machine running Terraform (NTP) and check again.")
		case kit.Has(desc, "aud", "audience"):
			return mk(finding.InvalidConfiguration, "The client assertion's audience does not match Okta's token endpoint",
				"Okta requires the assertion's aud claim to be the exact token endpoint URL it was sent to.",
				"Check okta.domain: requests to a custom domain and to the okta.com domain are different audiences; use the domain the app expects.")
		case kit.Has(desc, "deactivated", "inactive", "disabled"):
			return mk(finding.AccountDisabled, "The Okta app is deactivated",
				"", "Activate the app under Applications > Applications, or point auth.client_id at an active app.")
		}
		f := e.Finding(status)
		f.Summary = "The client authentication was rejected by Okta (invalid_client)"
		f.Remediation = []string{
			"Check auth.client_id and the key or secret: the app's Client authentication setting (Public key / Private key, or Client secret) must match what the connector sends.",
			"For okta.* scopes the app must use Public key / Private key authentication with an active public key.",
		}
		return f
	case "invalid_scope":
		why := "The org authorization server issues okta.* scopes only when they are granted on the app's Okta API Scopes tab; custom authorization servers issue only the scopes they define, and never okta.* scopes."
		if strings.Contains(desc, "custom scopes") {
			why = "The org authorization server (/oauth2/v1) issues only Okta's own okta.* scopes; custom scopes need a custom authorization server."
		}
		f := mk(finding.InvalidScope, "A requested scope was refused by Okta", why,
			"For okta.* scopes: in the app's Okta API Scopes tab, grant each scope in required_scopes (a Super Administrator must do this).",
			"For your own scopes: set okta.authorization_server to a custom authorization server that defines them and has an access policy rule for this app.")
		f.Detail += kit.ScopeNote(e.Scope)
		return f
	case "invalid_dpop_proof", "use_dpop_nonce":
		return mk(finding.InvalidConfiguration, "The Okta app requires DPoP-bound tokens",
			"The app has \"Require Demonstrating Proof of Possession (DPoP) header in token requests\" turned on (new API service apps have it on by default); Handshake's check does not send DPoP proofs.",
			"In the app's General tab, under Client Credentials, turn off the DPoP requirement for this integration, or test it with a client that sends DPoP proofs.")
	case "unauthorized_client":
		return mk(finding.InvalidConfiguration, "The Okta app may not use this grant type",
			"The app's allowed grant types do not include the one requested.",
			"In the app's General tab, allow the Client Credentials grant (API service apps always have it; web apps need it ticked), or use an API Services app.")
	case "access_denied":
		if strings.Contains(desc, "policy") {
			return mk(finding.PolicyBlocked, "No access policy rule of the authorization server allows this request",
				"Custom authorization servers mint tokens only when an access policy assigned to the app has a rule allowing this grant type and these scopes.",
				"Under Security > API > Authorization Servers > <server> > Access Policies, add a policy for this app with a rule for the Client Credentials grant and the required scopes.")
		}
	}
	return e.Finding(status)
}

var (
	oktaHostRE      = regexp.MustCompile(`(?i)\b[a-z0-9-]+\.(okta|oktapreview|okta-emea|okta-gov|okta-mil|trexcloud)\.com\b`)
	oktaLibraryRE   = regexp.MustCompile(`(?i)\bcom\.okta\.|@okta/|\bokta[-_ ]?(sdk|api ?error|http)\b|\bOkta E0\d{6}\b`)
	oktaErrorKeysRE = regexp.MustCompile(`"errorCode"\s*:\s*"[^"]*"[\s\S]{0,400}"errorSummary"|"errorSummary"\s*:\s*"[^"]*"[\s\S]{0,400}"errorCode"`)
)

// oktaRecognize reports whether an error text is recognisably Okta's: its
// E0000… codes, its errorCode/errorSummary schema, its hosts, its SDKs, or
// descriptions only Okta's authorization servers use.
func oktaRecognize(text string) bool {
	if oktaCodeRE.MatchString(text) || oktaHostRE.MatchString(text) ||
		oktaLibraryRE.MatchString(text) || oktaErrorKeysRE.MatchString(text) {
		return true
	}
	lower := strings.ToLower(text)
	for _, d := range oktaOAuthDescriptions {
		if strings.Contains(lower, d.phrase) {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------------------
// Reading vendor errors out of raw text. Shared by the okta and
// google_workspace decoders: bodies arrive as sent, or wrapped in an SDK's
// exception text, a log line, or a Python repr.
// ---------------------------------------------------------------------------
