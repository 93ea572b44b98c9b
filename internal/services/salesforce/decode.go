package salesforce

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Salesforce answers in two shapes. The OAuth endpoints
// (/services/oauth2/token, /introspect) send RFC 6749 errors with HTTP 400:
// {"error":"invalid_grant","error_description":"ip restricted"}, where the
// description, not the code, tells the cause. The REST API sends a JSON
// array: [{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}].
// Client libraries wrap both: simple-salesforce prints the array as a Python
// repr, jsforce and restforce as "CODE: message", x/oauth2 as
// oauth2: "code" "description", Camel as {errors:[…],statusCode:403}, and
// the Bulk API answers XML with an exceptionCode. Decode reads all of them;
// the live check and diagnose share it.

// sfError is one Salesforce error read from an answer or an error text.
type sfError struct {
	status  int
	oauth   bool   // an OAuth endpoint's error (code + description)
	code    string // OAuth error or REST errorCode
	message string // error_description or message
}

var (
	// x/oauth2's RetrieveError text: oauth2: "invalid_grant" "expired access/refresh token".
	goOAuthRE = regexp.MustCompile(`oauth2: "([a-z_]+)" "([^"]*)"`)
	// The OAuth codes Salesforce's token endpoint answers, as text
	// ("invalid_grant: authentication failure").
	oauthTextRE = kit.OAuthCodesRE("invalid_client_id", "invalid_client_credentials", "invalid_client", "invalid_grant",
		"invalid_app_access", "unsupported_grant_type", "inactive_user", "inactive_org", "rate_limit_exceeded",
		"invalid_scope", "redirect_uri_mismatch", "invalid_request")
	// REST errorCode values, wherever they appear ("errorCode":"X", 'errorCode': 'X', errorCode=X).
	restFieldRE = regexp.MustCompile(`["']?\berrorCode["']?\s*[:=]\s*u?["']?([A-Z][A-Z_]{2,60})\b`)
	// jsforce, restforce, WSC and the sf CLI print "CODE: message".
	restTextRE = regexp.MustCompile(`\b(INVALID_SESSION_ID|API_DISABLED_FOR_ORG|API_CURRENTLY_DISABLED|REQUEST_LIMIT_EXCEEDED|INSUFFICIENT_ACCESS(?:_OR_READONLY)?|INVALID_TYPE|NOT_FOUND|FUNCTIONALITY_NOT_ENABLED|INVALID_OPERATION_WITH_EXPIRED_PASSWORD|LOGIN_MUST_USE_SECURITY_TOKEN|INVALID_LOGIN|SERVER_UNAVAILABLE)\b(?:[:\s]+([^\r\n{}\[\]]{0,300}))?`)
	// The Bulk API's XML (and Python dict) error: exceptionCode InvalidSessionId.
	bulkRE = regexp.MustCompile(`exceptionCode['"]?>?\s*:?\s*u?['"]?([A-Za-z]+)`)
	// Camel's SalesforceException: {errors:[…],statusCode:403}.
	statusCodeRE = regexp.MustCompile(`\bstatusCode["']?\s*[:=]\s*([1-5][0-9]{2})\b`)
)

// salesforceOAuthCodes are the token endpoint's own codes, besides RFC 6749's.
var salesforceOAuthCodes = map[string]bool{"invalid_client_id": true, "invalid_client_credentials": true,
	"invalid_app_access": true, "inactive_user": true, "inactive_org": true, "rate_limit_exceeded": true,
	"redirect_uri_mismatch": true}

// knownDescriptions are token-endpoint descriptions distinctive enough to
// name the error when a tool printed only them ("Error authenticating with
// JWT config due to: user hasn't approved this consumer").
var knownDescriptions = []struct{ code, desc string }{
	{"invalid_grant", "user hasn't approved this consumer"},
	{"invalid_grant", "expired access/refresh token"},
	{"invalid_grant", "ip restricted"},
	{"invalid_grant", "request not supported on this domain"},
	{"invalid_grant", "no client credentials user enabled"},
	{"invalid_grant", "audience validation failed"},
	{"invalid_app_access", "user is not admin approved to access this app"},
	{"invalid_client_id", "client identifier invalid"},
	{"unsupported_grant_type", "grant type not supported"},
}

// readError finds a Salesforce error in an answer body or an error text.
func readError(status int, body string) (sfError, bool) {
	e, ok := readStructured(status, body)
	if !ok && strings.Contains(body, `\"`) {
		// A body JSON-escaped inside a log line: {\"error\":\"invalid_grant\",…}.
		e, ok = readStructured(status, strings.ReplaceAll(body, `\"`, `"`))
	}
	if !ok {
		e, ok = readText(status, body)
	}
	if !ok || e.oauth && !kit.OAuthStandardCodes[e.code] && !salesforceOAuthCodes[e.code] {
		return sfError{}, false
	}
	if e.status == 0 {
		if m := statusCodeRE.FindStringSubmatch(body); m != nil {
			e.status, _ = strconv.Atoi(m[1])
		}
	}
	e.code, e.message = kit.Tidy(e.code, 80), kit.Tidy(e.message, 300)
	return e, true
}

// readStructured reads JSON (whole or embedded), a Python repr or XML.
func readStructured(status int, body string) (sfError, bool) {
	e := sfError{status: status}
	if oe, ok := probe.ParseOAuthError([]byte(body)); ok {
		e.oauth, e.code, e.message = true, oe.Code, oe.Description
		return e, true
	}
	if code, msg, ok := restArray(body); ok {
		e.code, e.message = code, msg
		return e, true
	}
	for _, obj := range kit.Objects(body) {
		if oe, ok := probe.ParseOAuthError([]byte(obj)); ok {
			e.oauth, e.code, e.message = true, oe.Code, oe.Description
			return e, true
		}
	}
	if m := restFieldRE.FindStringSubmatch(body); m != nil {
		e.code = m[1]
		e.message, _ = kit.Quoted(body, "message")
		return e, true
	}
	if oe, ok := kit.PythonOAuth(body); ok {
		e.oauth, e.code, e.message = true, oe.Code, oe.Description
		return e, true
	}
	if m := bulkRE.FindStringSubmatch(body); m != nil && strings.EqualFold(m[1], "InvalidSessionId") {
		e.code = "INVALID_SESSION_ID"
		e.message, _ = kit.Quoted(body, "exceptionMessage")
		return e, true
	}
	return sfError{}, false
}

// restArray reads the REST API's [{"message":…,"errorCode":…}] body, or the
// array embedded in a text.
func restArray(body string) (code, msg string, ok bool) {
	i := strings.Index(body, "[")
	if i < 0 {
		return "", "", false
	}
	var items []struct {
		Message   string `json:"message"`
		ErrorCode string `json:"errorCode"`
	}
	if json.NewDecoder(strings.NewReader(body[i:])).Decode(&items) != nil || len(items) == 0 || items[0].ErrorCode == "" {
		return "", "", false
	}
	return items[0].ErrorCode, items[0].Message, true
}

// readText reads the forms client libraries print.
func readText(status int, body string) (sfError, bool) {
	e := sfError{status: status}
	if m := goOAuthRE.FindStringSubmatch(body); m != nil {
		e.oauth, e.code, e.message = true, m[1], m[2]
		return e, true
	}
	if m := restTextRE.FindStringSubmatch(body); m != nil {
		e.code, e.message = m[1], strings.TrimSpace(m[2])
		return e, true
	}
	if oe, ok := kit.TextOAuth(body, oauthTextRE); ok {
		e.oauth, e.code, e.message = true, oe.Code, oe.Description
		return e, true
	}
	low := strings.ToLower(body)
	for _, k := range knownDescriptions {
		if strings.Contains(low, k.desc) {
			e.oauth, e.code, e.message = true, k.code, k.desc
			return e, true
		}
	}
	// Microsoft Defender for Cloud Apps' connector errors (seed 003).
	switch {
	case strings.Contains(body, "NoHttpResponseException") && isSalesforceHostText(low):
		e.code = "NoHttpResponseException"
		return e, true
	case strings.Contains(body, "HttpRequestFailure") && strings.Contains(body, "400"):
		e.code, e.status = "HttpRequestFailure", 400
		return e, true
	}
	return sfError{}, false
}

func isSalesforceHostText(low string) bool {
	return strings.Contains(low, "salesforce.com") || strings.Contains(low, "force.com")
}

// Decode is the profile's decoder.
func Decode(a connector.Answer) (finding.Finding, bool) {
	e, ok := readError(a.StatusCode, string(a.Body))
	if !ok {
		return finding.Finding{}, false
	}
	f := e.finding()
	if f.Category == finding.RateLimited {
		if v := a.Header.Get("Sforce-Limit-Info"); v != "" {
			f.Detail += " Sforce-Limit-Info: " + kit.Clean(v, 80) + "."
		}
	}
	return f, true
}

// Recognize is the profile's Recognize hook: Salesforce's hosts, client
// libraries, REST error codes and token-endpoint wordings.
func Recognize(text string) bool {
	low := strings.ToLower(text)
	for _, m := range []string{"salesforce.com", ".force.com", "salesforce", "jsforce", "restforce", "sforce-limit-info", "/services/oauth2/", "/services/data/"} {
		if strings.Contains(low, m) {
			return true
		}
	}
	for _, k := range knownDescriptions {
		if strings.Contains(low, k.desc) {
			return true
		}
	}
	if m := restTextRE.FindStringSubmatch(text); m != nil && m[1] != "NOT_FOUND" {
		return true
	}
	return strings.Contains(low, "invalid_client_id") || strings.Contains(low, "inactive_org") ||
		strings.Contains(low, "invalid_app_access")
}

// rule classifies one error: code and a lower-case fragment of its
// description or message ("" matches any); the first matching rule wins.
type rule struct {
	code, desc string
	cat        finding.Category
	summary    string
	why        string
	fixes      []string
	retryable  bool
}

const (
	fixConsumerKey  = "Copy the Consumer Key from Setup > App Manager > the app > View > Manage Consumer Details, and use the login_url of the org that owns the app (a sandbox has its own copy of the app with its own key)."
	fixRelogin      = "Authorize the app again (web-server flow) to get a new refresh token, and update auth.token_wo; with Refresh Token Rotation on, always store the newest refresh_token Salesforce returns."
	fixLoginHistory = "Setup > Login History shows the refused attempt and its reason."
)

var rules = []rule{
	{"invalid_client_id", "", finding.AppNotFound, "Salesforce knows no connected app with this consumer key",
		"No connected app or external client app with this consumer key exists in the org the request went to: the key is mistyped, belongs to an app in another org (production vs sandbox), or the app was created minutes ago and has not propagated yet.",
		[]string{fixConsumerKey, "A new app can take up to 10 minutes before Salesforce accepts its key."}, false},
	{"invalid_client", "", finding.InvalidCredentials, "Salesforce rejected the consumer secret",
		"The consumer secret does not match the app's: it was mistyped, regenerated, or belongs to another app or org.",
		[]string{"Copy the Consumer Secret again (App Manager > the app > View > Manage Consumer Details) and update auth.client_secret_wo."}, false},
	{"invalid_client_credentials", "", finding.InvalidCredentials, "Salesforce rejected the consumer secret",
		"The consumer secret does not match the app's.",
		[]string{"Copy the Consumer Secret again (App Manager > the app > View > Manage Consumer Details) and update auth.client_secret_wo."}, false},
	{"invalid_grant", "user hasn't approved this consumer", finding.ConsentRequired, "The Salesforce user is not approved for the connected app",
		"Salesforce issues JWT bearer tokens only for users pre-authorized for the app. The user is not (the app's Permitted Users policy is \"All users may self-authorize\" and the user never approved it, or the user's profile or permission set is not added), or the username belongs to another org than login_url (a sandbox user on login.salesforce.com).",
		[]string{"App Manager > the app > Manage > Edit Policies: set Permitted Users to \"Admin approved users are pre-authorized\", then add the integration user's profile or a permission set under Profiles / Permission Sets.",
			"Check that login_url belongs to the org of auth.username (https://test.salesforce.com or the sandbox My Domain for a sandbox user)."}, false},
	{"invalid_app_access", "", finding.ConsentRequired, "The Salesforce user is not admin-approved for the connected app",
		"The app requires admin pre-authorization, and neither the user's profile nor any of its permission sets is added to the app.",
		[]string{"App Manager > the app > Manage: add the integration user's profile or a permission set under Profiles / Permission Sets."}, false},
	{"invalid_grant", "login hours", finding.PolicyBlocked, "Salesforce refused the login outside the allowed hours or IP ranges",
		"The integration user's profile restricts login hours or IP ranges, and this login fell outside them.",
		[]string{"Widen the profile's Login Hours or Login IP Ranges for the integration user (Setup > Profiles).", fixLoginHistory}, false},
	{"invalid_grant", "ip restricted", finding.PolicyBlocked, "Salesforce refused the login from this IP address",
		"The login came from an address outside the user's profile Login IP Ranges (or the org's trusted ranges), or outside the profile's login hours, and the app does not relax IP restrictions. The credential itself is fine: nothing was revoked.",
		[]string{"Add the address Terraform runs from to the integration user's profile (Setup > Profiles > the profile > Login IP Ranges), or set the app's IP Relaxation to \"Relax IP restrictions\" (App Manager > the app > Manage > Edit Policies).",
			fixLoginHistory}, false},
	{"invalid_grant", "expired access/refresh token", finding.ExpiredCredentials, "The Salesforce refresh token is expired or revoked",
		"Salesforce no longer accepts the refresh token: the app's Refresh Token Policy expired it, it was revoked (by the user, an admin, or a password reset), a sixth authorization of the same user and app evicted it (Salesforce keeps five per user and app), or Refresh Token Rotation replaced it and the old one was presented again.",
		[]string{fixRelogin, "Check the app's Refresh Token Policy (App Manager > the app > Manage > Edit Policies)."}, false},
	{"invalid_grant", "authentication failure", finding.InvalidCredentials, "Salesforce refused the login (authentication failure)",
		"Salesforce refused the credentials without saying why: a wrong password or missing security token (username-password flow, which new orgs block), a user locked out, or a flow the org does not allow.",
		[]string{"Use the client credentials or JWT bearer flow instead of the username-password flow.", fixLoginHistory}, false},
	{"invalid_grant", "invalid assertion", finding.InvalidCredentials, "Salesforce rejected the JWT bearer assertion",
		"The assertion's signature does not verify with the certificate on the connected app, or its exp is in the past or more than 3 minutes ahead (a clock off by minutes does this).",
		[]string{"Upload the certificate of auth.private_key to the app (App Manager > the app > Edit > Use digital signatures).", "Check the clock of the machine running Terraform."}, false},
	{"invalid_grant", "audience", finding.InvalidConfiguration, "The JWT bearer assertion has the wrong audience",
		"Salesforce expects aud https://login.salesforce.com for a production org, https://test.salesforce.com for a sandbox, or the Experience Cloud site URL. Handshake derives it from login_url, so login_url names the wrong kind of org.",
		[]string{"For a sandbox, set login_url to https://test.salesforce.com or the sandbox's My Domain (https://<name>--<sandbox>.sandbox.my.salesforce.com); for production, login.salesforce.com or the My Domain."}, false},
	{"invalid_grant", "request not supported on this domain", finding.InvalidConfiguration, "Salesforce serves the client credentials flow only on the org's My Domain",
		"The token request went to login.salesforce.com, test.salesforce.com or another shared host, which refuse the client credentials flow.",
		[]string{"Set login_url to https://<name>.my.salesforce.com (Setup > My Domain)."}, false},
	{"invalid_grant", "no client credentials user enabled", finding.FeatureDisabled, "The connected app has no Run As user for the client credentials flow",
		"The client credentials flow is enabled on the app, but no Run As user is set, so Salesforce has no one to issue the token for.",
		[]string{"App Manager > the app > Manage > Edit Policies > Client Credentials Flow: set Run As to the integration user (its username, an API-only user)."}, false},
	{"invalid_grant", "inactive", finding.AccountDisabled, "The Salesforce user is inactive",
		"The user the token is for has been deactivated or frozen.",
		[]string{"Reactivate or unfreeze the user (Setup > Users), or use another integration user."}, false},
	{"invalid_grant", "", finding.RevokedCredentials, "Salesforce refused the grant",
		"The token endpoint refused the grant without a description Handshake knows.",
		[]string{fixLoginHistory, fixRelogin}, false},
	{"unsupported_grant_type", "", finding.FeatureDisabled, "The connected app does not allow this flow",
		"Salesforce refuses a grant the app does not enable (the client credentials flow is off by default; the JWT bearer flow needs \"Use digital signatures\"), and answers the same to a request that is not form-encoded or went to an http:// login URL.",
		[]string{"Enable the flow on the app: App Manager > the app > Edit > OAuth Settings > Enable Client Credentials Flow (with a Run As user), or Use digital signatures for JWT bearer.",
			"Use an https login_url."}, false},
	{"inactive_user", "", finding.AccountDisabled, "The Salesforce user is inactive",
		"The integration user (the Run As user, or auth.username) has been deactivated or frozen.",
		[]string{"Reactivate or unfreeze the user (Setup > Users), or set another active integration user."}, false},
	{"inactive_org", "", finding.AccountDisabled, "The Salesforce org is locked, closed or suspended",
		"Nobody can log in to the org: a trial ended, the org was closed, or Salesforce suspended it.",
		[]string{"Contact the org's administrator or Salesforce to reactivate the org."}, false},
	{"rate_limit_exceeded", "", finding.RateLimited, "Salesforce refused the login: too many logins",
		"Salesforce allows about 3,600 logins per user per hour; integrations that request a token for every call reach it.",
		[]string{"Reuse access tokens until they expire instead of logging in per call.", "Wait up to an hour, then check again."}, true},
	{"invalid_scope", "", finding.InvalidScope, "The connected app does not offer a requested scope",
		"Salesforce refused a scope that is not among the app's Selected OAuth Scopes, or is misspelt.",
		[]string{"Match required_scopes to the app's Selected OAuth Scopes (App Manager > the app > View)."}, false},
	{"redirect_uri_mismatch", "", finding.RedirectURIMismatch, "The redirect URI is not the app's callback URL",
		"Salesforce compares redirect_uri with the app's Callback URL list exactly.",
		[]string{"Add the URI to the app's Callback URL (App Manager > the app > Edit > API), one per line."}, false},
	{"INVALID_SESSION_ID", "not valid for use with the rest api", finding.InsufficientScope, "The Salesforce session cannot use the REST API",
		"The access token was issued without the api scope (\"Manage user data via APIs\"), so the REST API refuses it.",
		[]string{"Add \"Manage user data via APIs (api)\" to the app's Selected OAuth Scopes and request it (required_scopes = [\"api\"]).",
			"If the scopes are right, set the app's IP Relaxation to \"Relax IP restrictions\"."}, false},
	{"INVALID_SESSION_ID", "", finding.ExpiredCredentials, "The Salesforce session is expired or invalid",
		"The access token is no longer valid: its session timed out, was revoked or logged out, or the org locks sessions to the IP address they came from and this call came from another one.",
		[]string{"Obtain a new access token (the connector's flow does this at each check).",
			"If tokens fail seconds after they were issued: Setup > Session Settings, clear \"Lock sessions to the IP address from which they originated\", or send token and API calls through one egress address."}, false},
	{"API_DISABLED_FOR_ORG", "", finding.LicenseRequired, "The Salesforce REST API is not enabled for this org or user",
		"Salesforce refuses API access when the org's edition has no API (Essentials, Professional without the API add-on) or the user lacks the \"API Enabled\" permission; the answer is the same for both.",
		[]string{"Give the integration user \"API Enabled\" through its profile or a permission set.",
			"If the user has it, the edition lacks API access: buy the API add-on or move to Enterprise Edition or higher."}, false},
	{"API_CURRENTLY_DISABLED", "", finding.FeatureDisabled, "API access is disabled for this Salesforce org",
		"Salesforce reports the API as disabled for the org.",
		[]string{"Ask the org's administrator or Salesforce support to enable API access."}, false},
	{"REQUEST_LIMIT_EXCEEDED", "", finding.RateLimited, "The Salesforce org's API request limit is exhausted",
		"Salesforce counts API requests per org over a rolling 24 hours (or concurrent long-running requests) and refuses calls past the limit, with HTTP 403 and no Retry-After.",
		[]string{"Wait for the rolling window to free capacity; Setup > System Overview shows the usage.", "Find the integrations that share the org's allocation, or buy more API calls."}, true},
	{"INSUFFICIENT_ACCESS", "", finding.AccessDenied, "The Salesforce user lacks access for this call",
		"The call needs a permission the integration user does not have (reading org limits needs \"View Setup and Configuration\").",
		[]string{"Grant the integration user the permission through a permission set."}, false},
	{"INSUFFICIENT_ACCESS_OR_READONLY", "", finding.AccessDenied, "The Salesforce user lacks access for this call",
		"The integration user may not read or change this record or object.",
		[]string{"Grant the user access to the object through a permission set (and sharing)."}, false},
	{"INVALID_TYPE", "eventlogfile", finding.LicenseRequired, "Event monitoring is not available to this Salesforce user",
		"EventLogFile needs the Event Monitoring add-on for most event types, and the \"View Event Log Files\" permission.",
		[]string{"Buy Event Monitoring (Salesforce Shield), or grant \"View Event Log Files\" and \"API Enabled\" to the integration user."}, false},
	{"INVALID_TYPE", "", finding.AccessDenied, "The Salesforce object is not available to this user",
		"The object does not exist in this org, or the integration user has no access to it.",
		[]string{"Grant the user read access to the object through a permission set, or check the object's API name."}, false},
	{"NOT_FOUND", "", finding.EndpointNotFound, "The Salesforce REST resource does not exist",
		"The API version is retired or the path is wrong.",
		[]string{"Set api_version to one GET /services/data/ lists for the org (for example v61.0)."}, false},
	{"FUNCTIONALITY_NOT_ENABLED", "", finding.FeatureDisabled, "The Salesforce feature is not enabled for this org",
		"The call needs a feature the org has not enabled.",
		[]string{"Ask the org's administrator to enable the feature, or contact Salesforce."}, false},
	{"INVALID_OPERATION_WITH_EXPIRED_PASSWORD", "", finding.ExpiredCredentials, "The Salesforce user's password has expired",
		"The user must set a new password before any API call succeeds.",
		[]string{"Set a new password for the integration user, or give it a profile whose passwords never expire (API-only users)."}, false},
	{"LOGIN_MUST_USE_SECURITY_TOKEN", "", finding.InvalidCredentials, "The Salesforce login needs the security token",
		"The password login came from outside the trusted IP ranges without the user's security token.",
		[]string{"Use the client credentials or JWT bearer flow instead of a password login."}, false},
	{"INVALID_LOGIN", "", finding.InvalidCredentials, "Salesforce refused the username or password",
		"The username, password or security token is wrong, or the user is locked out.",
		[]string{"Use the client credentials or JWT bearer flow instead of a password login.", fixLoginHistory}, false},
	{"SERVER_UNAVAILABLE", "", finding.ServiceUnavailable, "Salesforce is unavailable",
		"The instance is in maintenance or overloaded.",
		[]string{"Retry later; check https://status.salesforce.com."}, true},
	{"NoHttpResponseException", "", finding.PolicyBlocked, "Salesforce did not answer: the org restricts where its sessions may be used",
		"Microsoft Defender for Cloud Apps reports this when the org locks sessions to the IP address they came from, so calls from its other addresses fail.",
		[]string{"Setup > Session Settings: clear \"Lock sessions to the IP address from which they originated\"."}, false},
	{"HttpRequestFailure", "", finding.ExpiredCredentials, "The Salesforce connection did not complete or has expired",
		"The service reported a bare 400 Bad Request from Salesforce; Microsoft Defender for Cloud Apps shows this when the authorization was never completed or has expired.",
		[]string{"Connect Salesforce again (run the authorization again with an admin user)."}, false},
}

// finding classifies the error; Code is Salesforce's code.
func (e sfError) finding() finding.Finding {
	said := fmt.Sprintf("Salesforce answered %q", e.code)
	if e.message != "" {
		said += fmt.Sprintf(": %q", e.message)
	}
	if e.status > 0 {
		said += fmt.Sprintf(" (HTTP %d)", e.status)
	}
	said += "."
	msg := strings.ToLower(e.message)
	for _, r := range rules {
		if r.code == e.code && strings.Contains(msg, r.desc) {
			return finding.Finding{Severity: finding.Error, Category: r.cat, Code: e.code, Retryable: r.retryable,
				Summary: r.summary + " (" + e.code + ")", Detail: r.why + " " + said, Remediation: append([]string(nil), r.fixes...)}
		}
	}
	if e.oauth {
		// A standard OAuth code Salesforce does not document: the RFC's meaning.
		f := probe.OAuthError{Code: e.code, Description: e.message}.Finding(e.status)
		f.Detail = said
		return f
	}
	cat := finding.UnexpectedResponse
	switch {
	case e.status == http.StatusUnauthorized:
		cat = finding.InvalidCredentials
	case e.status == http.StatusForbidden:
		cat = finding.AccessDenied
	case e.status >= 500:
		cat = finding.ServiceUnavailable
	}
	return finding.Finding{Severity: finding.Error, Category: cat, Code: e.code,
		Summary: "Salesforce refused the request (" + e.code + ")", Detail: said,
		Remediation: []string{"Look the code up in Salesforce's REST API Developer Guide (Status Codes and Error Responses)."}}
}
