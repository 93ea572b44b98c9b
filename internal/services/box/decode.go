package box

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

// Box's error answers come in three families, and the live check and
// diagnose meet all of them:
//   - the token endpoint's RFC 6749 bodies, status 400 for everything
//     (invalid_client included): {"error":"invalid_grant",
//     "error_description":"Invalid refresh token"};
//   - the API's own schema: {"type":"error","status":403,"code":
//     "access_denied_insufficient_permissions","help_url":"…","message":"…",
//     "request_id":"…"};
//   - an EMPTY body whose reason is only in the header: 401 and 403 answer
//     WWW-Authenticate: Bearer realm="Service", error="insufficient_scope",
//     error_description="The request requires higher privileges than
//     provided by the access token.".
//
// SDKs wrap them: the Java SDK's "The API returned an error code [400]
// unauthorized_client - This app is not authorized by the enterprise admin",
// Python's "Message: Grant credentials are invalid\nStatus: 400\nCode:
// invalid_grant" and dict reprs, and the old boxjavalibv2 messages that
// Microsoft Defender for Cloud Apps shows (seed 003): "BoxServerException:
// User cannot access this feature without having an enterprise". request_id
// is per request: it is left out of findings so that two checks read the same.

// oauthRule classifies a token-endpoint error by its code and a phrase of
// its description ("" matches any); the first matching row wins.
type oauthRule struct {
	code, phrase string
	cat          finding.Category
	summary, why string
	fixes        []string
}

var oauthRules = []oauthRule{
	{"invalid_grant", "refresh token has expired", finding.ExpiredCredentials, "The Box refresh token has expired",
		"Box refresh tokens expire 60 days after they are issued; each refresh issues a new one.",
		[]string{"Authorize the app again (the OAuth 2.0 flow) to get a new token pair, and store the refresh_token every refresh returns; a refresh at least every 60 days keeps the chain alive."}},
	{"invalid_grant", "refresh token", finding.RevokedCredentials, "The Box refresh token is invalid or was already used",
		"Box refresh tokens are single use: a refresh elsewhere (another process sharing the token, or a check with redeem_refresh_token = true) retired it, or the user or an admin revoked the app's access.",
		[]string{"Authorize the app again (the OAuth 2.0 flow) to get a new token pair, and store the refresh_token each refresh returns.", "Never share one refresh token between two consumers: the first refresh invalidates the other's copy."}},
	{"invalid_grant", "'sub'", finding.InvalidConfiguration, "Box refused the JWT's subject ('sub' claim)",
		"The subject must be the enterprise id with box_sub_type = enterprise (the service account) or a user id of that enterprise with box_sub_type = user; an id from another enterprise, or a user id given as the enterprise, is refused.",
		[]string{"Check box.enterprise_id (Admin Console > Account & Billing) or box.subject_id against box.subject_type, and that the app is authorized in that enterprise."}},
	{"invalid_grant", "'exp'", finding.InvalidConfiguration, "Box refused the JWT's expiry ('exp' claim)",
		"Handshake signs each assertion to expire 45 seconds after the current time (Box allows at most 60), so this means the clock of the machine running Terraform is off.",
		[]string{"Synchronise the clock of the machine running Terraform (NTP) and check again."}},
	{"invalid_grant", "'jti'", finding.InvalidConfiguration, "Box refused the JWT's id ('jti' claim)",
		"Box requires a unique jti of 16 to 128 characters per assertion and refuses one it has seen before; Handshake draws a random one for each assertion, so a replayed assertion or a proxy resending the request is the likely cause.",
		[]string{"Check again; if it persists, check for a proxy that retries POST requests to the token endpoint."}},
	{"invalid_grant", "'aud'", finding.InvalidConfiguration, "Box refused the JWT's audience ('aud' claim)",
		"Box requires aud = https://api.box.com/oauth2/token exactly, whatever host the request goes to.",
		[]string{"Check box.base_url: it must reach Box's API (https://api.box.com) or a proxy that forwards to it unchanged."}},
	{"invalid_grant", "'iss'", finding.InvalidConfiguration, "Box refused the JWT's issuer ('iss' claim)",
		"The issuer is the app's client id; Box knows no JWT app with it.",
		[]string{"Copy auth.client_id from the same app as the key (Developer Console > the app > Configuration, or clientID in its config file)."}},
	{"invalid_grant", "'kid'", finding.RevokedCredentials, "Box does not know the JWT's public key id ('kid')",
		"The public key the assertion names is not registered on the app: it was removed or rotated in the Developer Console, or the key id belongs to another app.",
		[]string{"Use the config file of this app, or add the public key again under Developer Console > the app > Configuration > Add and Manage Public Keys and set box.public_key_id to its ID."}},
	{"invalid_grant", "signature", finding.InvalidCredentials, "Box could not verify the JWT's signature",
		"The private key that signed the assertion is not the one paired with the public key id (kid) registered on the app.",
		[]string{"Use the private key from the same config file as the public key id, or add this key's public key to the app and use its new ID."}},
	{"invalid_grant", "grant credentials are invalid", finding.InvalidConfiguration, "Box refused the grant's subject or credentials",
		"Box answers this to a Client Credentials Grant whose box_subject_id is not an enterprise or user the app may act for (a wrong enterprise id, a user of another enterprise), whose box_subject_type the app's access level does not allow (App Access Only with a user subject), or whose client secret belongs to another app.",
		[]string{"Check box.enterprise_id (Admin Console > Account & Billing) or box.subject_id.", "For subject_type = \"user\", set App + Enterprise Access and Generate user access tokens on the app, then have the admin re-authorize it.", "Check that the client secret is this app's current one."}},
	{"invalid_client", "", finding.InvalidCredentials, "Box refused the app's client id or secret",
		"No app matches this client id and secret: the secret was reset, or the values come from different apps.",
		[]string{"Copy Client ID and Client Secret from Developer Console > the app > Configuration > OAuth 2.0 Credentials (viewing the secret needs two-factor authentication)."}},
	{"unauthorized_client", "not authorized by the enterprise admin", finding.AppNotInstalled, "The Box app is not authorized in the enterprise",
		"Server-authentication apps work only after an enterprise admin authorizes them, and again after every change of scopes or access level; an admin who removes or disables the app causes the same answer.",
		[]string{"Ask a Box admin to authorize the app (its client id) in Admin Console > Integrations > Platform Apps Manager, or to re-authorize it after a configuration change."}},
	{"unauthorized_client", "box_subject_type", finding.InvalidConfiguration, "The Box app may not request tokens for this subject type",
		"The app's access level does not allow this box_subject_type: enterprise tokens need App + Enterprise Access, user tokens also need Generate user access tokens.",
		[]string{"Set the App Access Level and Advanced Features on the app's Configuration page, then have the admin re-authorize it; or change box.subject_type."}},
	{"unauthorized_client", "grant type", finding.InvalidConfiguration, "The Box app does not use this authentication method",
		"The app was created for another authentication method (OAuth 2.0, JWT or Client Credentials Grant) than the one the connector uses.",
		[]string{"Use the connector settings for the app's authentication method (Developer Console > the app > Configuration), or create a Server Authentication app."}},
	{"invalid_request", "grant type is unauthorized", finding.InvalidConfiguration, "The Box app does not use this authentication method",
		"The app was created for another authentication method (OAuth 2.0, JWT or Client Credentials Grant) than the one the connector uses.",
		[]string{"Use the connector settings for the app's authentication method (Developer Console > the app > Configuration), or create a Server Authentication app."}},
	{"invalid_request", "cannot obtain user token", finding.FeatureDisabled, "The Box app may not issue user tokens",
		"Acting as a managed user needs the app's Generate user access tokens feature.",
		[]string{"Enable Advanced Features > Generate user access tokens on the app's Configuration page and have the admin re-authorize it, or use subject_type = \"enterprise\"."}},
	{"invalid_request", "invalid grant_type parameter", finding.EndpointNotFound, "The request did not reach Box's token endpoint",
		"Box answers this when the token request lost its form body, typically after a redirect from www.box.com or app.box.com to the API host.",
		[]string{"Set box.base_url to https://api.box.com (or remove it)."}},
}

// apiRule classifies an API error by its code.
type apiRule struct {
	code         string
	cat          finding.Category
	summary, why string
	fixes        []string
}

var apiRules = []apiRule{
	{"access_denied_insufficient_permissions", finding.AccessDenied, "The Box user behind the token lacks permission",
		"The token works, but the user it acts as (the service account or a managed user) may not do this: reading the enterprise event stream needs an admin, or a co-admin with Run new reports and access existing reports.",
		[]string{"Make the acting user an admin or a co-admin with that permission, or use the app's service account (subject_type = \"enterprise\") with App + Enterprise Access."}},
	{"insufficient_scope", finding.InsufficientScope, "The Box app's scopes do not cover this call",
		"", []string{"Tick the scope under Developer Console > the app > Configuration > Application Scopes, then have the admin re-authorize the app."}},
	{"terms_of_service_required", finding.AccessDenied, "The Box user has not accepted the enterprise's terms of service",
		"", []string{"Sign in as the user and accept the custom terms of service, or exempt the user in Admin Console > Enterprise Settings."}},
	{"access_from_location_blocked", finding.PolicyBlocked, "A Box location policy blocks this address",
		"", []string{"Ask the Box admin to allow the address Terraform runs from (Admin Console > Enterprise Settings > Security)."}},
	{"forbidden_by_policy", finding.PolicyBlocked, "A Box Shield access policy blocks this call",
		"", []string{"Ask the Box admin to adjust the Shield access policy for the app or user."}},
	{"rate_limit_exceeded", finding.RateLimited, "Box's rate limit was exceeded",
		"Box allows about 1000 API calls per minute per user, fewer for some endpoints.",
		[]string{"Wait the Retry-After seconds and check again; spread the integration's calls."}},
	{"internal_server_error", finding.ServiceUnavailable, "Box failed to process the request",
		"", []string{"Retry later and check status.box.com."}},
	{"bad_gateway", finding.ServiceUnavailable, "Box failed to process the request",
		"", []string{"Retry later and check status.box.com."}},
	{"unavailable", finding.ServiceUnavailable, "Box is unavailable",
		"", []string{"Retry later and check status.box.com."}},
	{"not_found", finding.EndpointNotFound, "Box found no such API resource",
		"", []string{"Check box.base_url: it is https://api.box.com, without /2.0 or another path."}},
	{"unauthorized", finding.InvalidCredentials, "Box refused the access token",
		"", []string{"Obtain a new token; if it persists, check that the app is still authorized in the enterprise."}},
}

// legacyRule classifies a message of Box's older libraries (boxjavalibv2,
// the .NET SDK) that carries no error code.
type legacyRule struct {
	code, phrase string
	cat          finding.Category
	summary, why string
	fixes        []string
}

var legacyRules = []legacyRule{
	{"BoxServerException", "without having an enterprise", finding.LicenseRequired, "The Box account is not an Enterprise account",
		"The feature (the enterprise event stream, for one) exists only for Box Enterprise plans; a personal or free account has no enterprise at all.",
		[]string{"Upgrade the Box account to an Enterprise plan (Business plans do not include the admin event stream), then connect again."}},
	{"BoxServerException", "cannot authorize with this service", finding.AppNotInstalled, "The Box app was removed or disabled by the enterprise admin",
		"The older Box libraries say this when the admin deleted or disabled the app, so no token can be issued for it.",
		[]string{"Ask a Box admin to add and authorize the app again (Admin Console > Integrations > Platform Apps Manager), then connect again."}},
	{"BoxSessionInvalidatedException", "boxsessioninvalidatedexception", finding.RevokedCredentials, "The Box refresh token is invalid or was already used",
		"The .NET SDK raises this when refreshing failed: Box refresh tokens are single use, and a refresh elsewhere or a revoke retired this one.",
		[]string{"Authorize the app again to get a new token pair, and store the refresh_token each refresh returns."}},
	{"BoxRestException", "failed to parse response", finding.UnexpectedResponse, "Box answered something that is not JSON",
		"Box or a proxy in between answered a page that is not Box's JSON; usually transient.",
		[]string{"Test the connection again; if it persists, check proxies between Terraform and api.box.com and status.box.com."}},
}

var (
	challengeParamRE = regexp.MustCompile(`(?i)\b(error|error_description)\s*=\s*"([^"]*)"`)
	boxOAuthCodes    = kit.OAuthCodesRE("invalid_grant", "invalid_client", "unauthorized_client", "invalid_request", "unsupported_grant_type")
	// "invalid_grant - 'kid' invalid, …" (Node SDK, boxcli): Box's
	// descriptions quote claim names, which kit.TextOAuth stops at.
	boxCodeDashRE = regexp.MustCompile(`\b(invalid_grant|invalid_client|unauthorized_client|invalid_request)\s*[-:–]\s*([^\r\n{}]{3,300})`)
	apiCodeTextRE = regexp.MustCompile(`\b(access_denied_insufficient_permissions|terms_of_service_required|access_from_location_blocked|forbidden_by_policy|rate_limit_exceeded|internal_server_error)\b`)
	pyCodeRE      = regexp.MustCompile(`(?m)^\s*Code:\s*([a-z_]{3,60})\s*$`)
	pyMessageRE   = regexp.MustCompile(`(?m)\bMessage:\s*(.{3,300})$`)
)

// decode is the box profile's Decode, which the live check uses too.
func decode(a connector.Answer) (finding.Finding, bool) {
	text := string(a.Body)
	if ch := a.Header.Get("WWW-Authenticate"); ch != "" && strings.TrimSpace(text) == "" {
		if f, ok := challengeFinding(ch, a.StatusCode); ok {
			return f, true
		}
	}
	for _, doc := range kit.Objects(text) {
		if f, ok := decodeObject(doc, a); ok {
			return f, true
		}
	}
	return decodeText(text, a)
}

// decodeObject classifies one JSON object: an API error or an OAuth error.
func decodeObject(doc string, a connector.Answer) (finding.Finding, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal([]byte(doc), &m) != nil {
		return finding.Finding{}, false
	}
	var typ, code, msg string
	kit.JSONString(m["type"], &typ)
	kit.JSONString(m["code"], &code)
	kit.JSONString(m["message"], &msg)
	if typ == "error" && code != "" {
		return apiFinding(code, kit.Tidy(msg, 300), a), true
	}
	if e, ok := probe.ParseOAuthError([]byte(doc)); ok && kit.OAuthStandardCodes[e.Code] {
		return oauthFinding(e, a.StatusCode), true
	}
	return finding.Finding{}, false
}

// decodeText reads Box errors out of SDK and log text.
func decodeText(text string, a connector.Answer) (finding.Finding, bool) {
	lower := strings.ToLower(text)
	for _, r := range legacyRules {
		if strings.Contains(lower, r.phrase) {
			f := finding.Finding{Severity: finding.Error, Category: r.cat, Code: r.code, Summary: r.summary,
				Detail: fmt.Sprintf("Box's library reported %q. %s", excerpt(text, r.phrase), r.why), Remediation: r.fixes}
			f.Retryable = r.cat == finding.UnexpectedResponse
			return f, true
		}
	}
	if i := strings.Index(lower, `realm="service"`); i >= 0 {
		if f, ok := challengeFinding(text[i:], a.StatusCode); ok {
			return f, true
		}
	}
	if e, ok := kit.PythonOAuth(text); ok && kit.OAuthStandardCodes[e.Code] {
		return oauthFinding(e, a.StatusCode), true
	}
	if m := pyCodeRE.FindStringSubmatch(text); m != nil { // boxsdk's BoxAPIException text
		msg := ""
		if mm := pyMessageRE.FindStringSubmatch(text); mm != nil {
			msg = kit.Tidy(mm[1], 300)
		}
		if kit.OAuthStandardCodes[m[1]] {
			return oauthFinding(probe.OAuthError{Code: m[1], Description: msg}, a.StatusCode), true
		}
		return apiFinding(m[1], msg, a), true
	}
	if m := apiCodeTextRE.FindStringSubmatch(text); m != nil {
		return apiFinding(m[1], "", a), true
	}
	if m := boxCodeDashRE.FindStringSubmatch(text); m != nil {
		return oauthFinding(probe.OAuthError{Code: m[1], Description: kit.Tidy(m[2], 300)}, a.StatusCode), true
	}
	if e, ok := kit.TextOAuth(text, boxOAuthCodes); ok {
		return oauthFinding(e, a.StatusCode), true
	}
	return finding.Finding{}, false
}

// excerpt is the vendor's sentence around phrase, tidied (at most 200 bytes).
func excerpt(text, phrase string) string {
	i := strings.Index(strings.ToLower(text), phrase)
	if i < 0 {
		return kit.Tidy(text, 200)
	}
	start := strings.LastIndexAny(text[:i], ":\n") + 1
	end := i + len(phrase)
	if j := strings.IndexAny(text[end:], ".\n'\""); j >= 0 {
		end += j
	} else {
		end = len(text)
	}
	return kit.Tidy(text[start:end], 200)
}

// oauthFinding classifies a token-endpoint error.
func oauthFinding(e probe.OAuthError, status int) finding.Finding {
	desc := strings.ToLower(e.Description)
	mk := kit.OAuthFindingMaker("Box's token endpoint", e, status)
	for _, r := range oauthRules {
		if r.code == e.Code && (r.phrase == "" || strings.Contains(desc, r.phrase)) {
			return mk(r.cat, r.summary, r.why, r.fixes...)
		}
	}
	return e.Finding(status)
}

// apiFinding classifies an API error by its code, else by its status.
func apiFinding(code, msg string, a connector.Answer) finding.Finding {
	detail := "Box answered " + code
	if msg != "" {
		detail += fmt.Sprintf(" %q", msg)
	}
	if a.StatusCode > 0 {
		detail += fmt.Sprintf(" (HTTP %d)", a.StatusCode)
	}
	detail += "."
	f := finding.Finding{Severity: finding.Error, Code: code}
	matched := false
	for _, r := range apiRules {
		if r.code == code {
			f.Category, f.Summary, f.Remediation, matched = r.cat, r.summary, r.fixes, true
			if r.why != "" {
				detail += " " + r.why
			}
			break
		}
	}
	if !matched {
		f.Category, f.Summary, f.Remediation = statusCategory(a.StatusCode)
	}
	switch f.Category {
	case finding.RateLimited:
		f.Retryable = true
		if ra := strings.TrimSpace(a.Header.Get("Retry-After")); ra != "" {
			detail += fmt.Sprintf(" Retry-After: %s seconds.", kit.Tidy(ra, 12))
		}
	case finding.ServiceUnavailable:
		f.Retryable = true
	}
	f.Detail = detail
	return f
}

// statusCategory classifies an API error Box gave a code Handshake does not know.
func statusCategory(status int) (finding.Category, string, []string) {
	switch {
	case status == http.StatusTooManyRequests:
		return finding.RateLimited, "Box's rate limit was exceeded", []string{"Wait and check again."}
	case status >= 500:
		return finding.ServiceUnavailable, "Box failed to process the request", []string{"Retry later and check status.box.com."}
	case status == http.StatusUnauthorized:
		return finding.InvalidCredentials, "Box refused the access token", []string{"Check the app's credentials and that it is still authorized."}
	case status == http.StatusForbidden:
		return finding.AccessDenied, "Box denied the request", []string{"Give the acting user and the app the permission and scope the call needs."}
	case status == http.StatusNotFound:
		return finding.EndpointNotFound, "Box found no such API resource", []string{"Check box.base_url."}
	}
	return finding.UnexpectedResponse, "Box answered with an error", []string{"Look the code up in Box's error reference (developer.box.com/guides/api-calls/permissions-and-errors/common-errors)."}
}

// challengeFinding classifies the WWW-Authenticate challenge of an empty
// 401 or 403 (Bearer realm="Service", error="…", error_description="…").
func challengeFinding(ch string, status int) (finding.Finding, bool) {
	params := map[string]string{}
	for _, m := range challengeParamRE.FindAllStringSubmatch(ch, -1) {
		params[strings.ToLower(m[1])] = m[2]
	}
	code := params["error"]
	detail := fmt.Sprintf("Box answered with an empty body and WWW-Authenticate error=%q", code)
	if d := params["error_description"]; d != "" {
		detail += fmt.Sprintf(" (%q)", kit.Tidy(d, 200))
	}
	if status > 0 {
		detail += fmt.Sprintf(", HTTP %d", status)
	}
	detail += "."
	f := finding.Finding{Severity: finding.Error, Code: code}
	switch code {
	case "insufficient_scope":
		f.Category, f.Summary = finding.InsufficientScope, "The Box app's scopes do not cover this call"
		f.Detail = detail + " The app's Application Scopes or access level do not include what the call needs; Box gives the same answer to a Business-plan enterprise asking for the enterprise event stream, which needs an Enterprise plan."
		f.Remediation = []string{"Tick the scope under Developer Console > the app > Configuration > Application Scopes (Manage enterprise properties for the event stream) with App + Enterprise Access, then have the admin re-authorize the app.",
			"For the enterprise event stream, check that the account is on an Enterprise plan."}
	case "invalid_token":
		f.Category, f.Summary = finding.RevokedCredentials, "Box refused the access token"
		f.Detail = detail + " Box access tokens last about an hour; one refused sooner was revoked, or the app was disabled or its authorization removed."
		f.Remediation = []string{"Obtain a new token; if a fresh one is refused too, check that the app is still authorized in Admin Console > Integrations > Platform Apps Manager."}
	case "invalid_request":
		f.Category, f.Summary = finding.UnexpectedResponse, "Box found no access token in the request"
		f.Detail = detail + " The Authorization header did not reach Box, which usually means a proxy removed it."
		f.Remediation = []string{"Check proxies between Terraform and api.box.com."}
	default:
		return finding.Finding{}, false
	}
	return f, true
}

var (
	boxHostRE    = regexp.MustCompile(`(?i)\b([a-z0-9-]+\.)?box\.com\b`)
	boxLibraryRE = regexp.MustCompile(`\b(boxjavalibv2|com\.box\.sdk|boxsdk|box_sdk_gen|BoxAPIException|BoxAPIResponseException|BoxServerException|BoxRestException|BoxSessionInvalidatedException|Box\.V2|Boxr::|AutomationUser_)`)
	boxPhraseRE  = regexp.MustCompile(`(?i)realm="Service"|box-request-id|box_subject_type|without having an enterprise|not authorized by the enterprise admin|cannot authorize with this service|access_denied_insufficient_permissions|grant credentials are invalid|'kid' invalid, unable to lookup`)
)

// recognize reports whether an error text is recognisably Box's.
func recognize(text string) bool {
	return boxHostRE.MatchString(text) || boxLibraryRE.MatchString(text) || boxPhraseRE.MatchString(text)
}
