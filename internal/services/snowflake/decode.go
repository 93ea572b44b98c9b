package snowflake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Snowflake's error answers, for the live check and for diagnose (one
// decoder for both):
//
//   - the SQL API answers {"code":"390144","message":"JWT token is invalid. [uuid]"}
//     (401 for login problems, 422 with sqlState and statementHandle for SQL
//     errors, 429 with 390505);
//   - /oauth/token-request answers its own envelope,
//     {"data":null,"error":"invalid_client","code":null,"message":"This is an invalid client.","success":false};
//   - /oauth/authorize shows an HTML page ("Error occurred in authorization:
//     There is a mismatch in the given redirect uri …");
//   - the drivers wrap the same texts: "250001 (08001): Failed to connect to
//     DB: <host>:443. JWT token is invalid." (Python), "Vender Code: 390144"
//     (snowflake-ingest-python), "vendorCode:390,144" (JDBC logs),
//     "390422 (08004): Incoming request …" (Go).
//
// Codes are read first, message texts second (texts drift between
// versions); the [uuid] a login failure carries is kept in the detail,
// since an administrator needs it to see the real reason.

// sfError is one Snowflake error read from an answer or a pasted text.
type sfError struct {
	code    string // "390144", "invalid_client", or a name below for text-only errors
	message string
	uuid    string
	status  int
	ip      string // the address a network policy refused (390422)
}

// Names for errors Snowflake reports without a code of its own.
const (
	codeAccountNotFound  = "ACCOUNT_NOT_FOUND"
	codeRedirectMismatch = "REDIRECT_URI_MISMATCH"
	codeInvalidConsent   = "INVALID_CONSENT_REQUEST"
	codeMFARequired      = "MFA_REQUIRED"
	codeEndpointRefused  = "ENDPOINT_NOT_ALLOWED"
	codeDefaultRole      = "DEFAULT_ROLE_NOT_GRANTED"
)

// known is what one code means.
type known struct {
	cat       finding.Category
	summary   string
	why       string
	fixes     []string
	retryable bool
}

// codes are Snowflake's error codes (the numeric ones from the SQL API and
// the drivers, the OAuth ones from /oauth/token-request) and the names of
// the text-only errors. Sources: /work/research/snowflake.md §4.
var codes = map[string]known{
	"390144": {finding.InvalidCredentials, "Snowflake rejected the key-pair JWT",
		"390144 (JWT_TOKEN_INVALID) is Snowflake's one answer to every key-pair problem: the public key registered on the user is another key (or none), the fingerprint in iss, the user or the account part of iss/sub does not match, or the token's lifetime or clock is off.",
		[]string{"Compare DESC USER <user> (RSA_PUBLIC_KEY_FP) with the fingerprint of auth.private_key_wo's public key; re-register it with ALTER USER <user> SET RSA_PUBLIC_KEY = '…' if they differ.",
			"Check auth.username (the login name) and snowflake.account (orgname-accountname, or the bare locator).",
			"An administrator sees Snowflake's reason with SELECT SYSTEM$GET_LOGIN_FAILURE_DETAILS('<the id in brackets>')."}, false},
	"390100": {finding.InvalidCredentials, "Snowflake refused the user name or secret",
		"390100 means the login name or the password (or a programmatic access token used as one) is wrong.",
		[]string{"Check auth.username and the secret; a programmatic access token may have been regenerated or removed (SHOW USER PROGRAMMATIC ACCESS TOKENS FOR USER <user>)."}, false},
	"390101": {finding.AccountDisabled, "The Snowflake user is disabled",
		"390101 (User access disabled): an administrator ran ALTER USER … SET DISABLED = TRUE, or the user was disabled by policy.",
		[]string{"Run DESC USER <user> and, if the connector should work, ALTER USER <user> SET DISABLED = FALSE."}, false},
	"390102": {finding.AccountDisabled, "The Snowflake user is temporarily locked",
		"390102: too many failed logins locked the user for 15 minutes.",
		[]string{"Wait 15 minutes, or have an administrator run ALTER USER <user> SET MINS_TO_UNLOCK = 0; then fix whatever caused the failed logins."}, true},
	"390114": {finding.ExpiredCredentials, "The Snowflake session token has expired",
		"390114: the session's master token expired (4 hours without activity); the client must authenticate again.",
		[]string{"Authenticate again; a client that keeps sessions open should renew them or log in again on 390114."}, false},
	"390303": {finding.RevokedCredentials, "Snowflake rejected the OAuth access token",
		"390303 (Invalid OAuth access token): the token is not expired but no longer valid: it was revoked, the integration was changed or disabled, or the user's role grants changed.",
		[]string{"Obtain a new access token with the refresh token; if the refresh is refused too, complete the authorization-code flow again."}, false},
	"390318": {finding.ExpiredCredentials, "The Snowflake OAuth access token has expired",
		"390318: Snowflake OAuth access tokens live 10 minutes (expires_in 600).",
		[]string{"Refresh the access token with the refresh token before it expires."}, false},
	"390189": {finding.AccessDenied, "The role is not granted to the Snowflake user",
		"The session asked for a role the user has not been granted (role names are case-sensitive as stored, usually upper case).",
		[]string{"GRANT ROLE <role> TO USER <user>, or set snowflake.role to a role the user has."}, false},
	"390316": {finding.RedirectURIInvalid, "Snowflake refuses a plain-http redirect URI",
		"390316: the integration's redirect URI uses http, which Snowflake accepts only when OAUTH_ALLOW_NON_TLS_REDIRECT_URI is TRUE.",
		[]string{"Use an https redirect URI, or (loopback development only) ALTER SECURITY INTEGRATION <name> SET OAUTH_ALLOW_NON_TLS_REDIRECT_URI = TRUE and set allow_non_secure_redirect = true."}, false},
	"390422": {finding.PolicyBlocked, "A Snowflake network policy blocks the caller's IP address",
		"390422: a network policy on the account, the user or the OAuth integration does not allow the address the request came from. The egress address of the machine running Terraform may differ from the one other tools report.",
		[]string{"Add the address Snowflake reported to the allowed list of the network policy that applies (ALTER NETWORK POLICY <policy> SET ALLOWED_NETWORK_RULE_LIST = …, or ALLOWED_IP_LIST), or run the check from an allowed network."}, false},
	"390432": {finding.PolicyBlocked, "Programmatic access tokens need a network policy on the user",
		"390432 (Network policy is required): by default Snowflake accepts a programmatic access token only from a user that has a network policy.",
		[]string{"CREATE NETWORK POLICY <policy> ALLOWED_IP_LIST = ('<egress address>'); ALTER USER <user> SET NETWORK_POLICY = <policy>;",
			"Or relax the requirement in the user's authentication policy (PAT_POLICY = (NETWORK_POLICY_EVALUATION = …)) if your security rules allow it."}, false},
	"390505": {finding.RateLimited, "Snowflake is rate limiting the requests",
		"390505 (Too many requests): the SQL API refused the request because too many were sent.",
		[]string{"Retry later with back-off; spread scheduled checks over time."}, true},
	"251001": {finding.InvalidConfiguration, "No Snowflake account was given",
		"251001 (Account must be specified): the driver has no account identifier, so it cannot build the account's URL.",
		[]string{"Set snowflake.account to the identifier shown in Snowsight under your name > Account > View account details (orgname-accountname)."}, false},
	"000606": {finding.AccessDenied, "No usable warehouse for the session",
		"000606 (No active warehouse selected): the request named no warehouse the role can use, and the user has no usable default warehouse.",
		[]string{"Set snowflake.warehouse and GRANT USAGE ON WAREHOUSE <warehouse> TO ROLE <role>, or give the user a DEFAULT_WAREHOUSE the role can use."}, false},
	"002003": {finding.AccessDenied, "The object does not exist or the role may not use it",
		"002003: Snowflake does not tell a missing object from one the role has no privilege on.",
		[]string{"Grant the role the privilege on the object named in the message (for the warehouse: GRANT USAGE ON WAREHOUSE <warehouse> TO ROLE <role>)."}, false},
	"invalid_client": {finding.InvalidCredentials, "Snowflake refused the OAuth client",
		"/oauth/token-request did not accept the client id and secret: the secret is wrong or was rotated (an integration has two, OAUTH_CLIENT_SECRET and OAUTH_CLIENT_SECRET_2), the client id belongs to another integration or account, or the integration is disabled. Snowflake wants them in HTTP Basic as they are, not URL-encoded.",
		[]string{"Read the client id and secrets again with SELECT SYSTEM$SHOW_OAUTH_CLIENT_SECRETS('<integration>') and update auth.client_id and auth.client_secret_wo.",
			"Check that the integration is enabled: DESCRIBE SECURITY INTEGRATION <integration> (ENABLED = true)."}, false},
	"invalid_grant": {finding.RevokedCredentials, "Snowflake refused the refresh token",
		"/oauth/token-request did not accept the refresh token: it was revoked, already used (integrations with OAUTH_SINGLE_USE_REFRESH_TOKENS_REQUIRED = TRUE accept each refresh token once), issued to another integration, or older than OAUTH_REFRESH_TOKEN_VALIDITY.",
		[]string{"Complete the authorization-code flow again (scope refresh_token) and store the new refresh token in auth.token_wo.",
			"With single-use refresh tokens, store the refresh token each refresh returns."}, false},
	"invalid_scope": {finding.InvalidScope, "Snowflake refused the requested scope",
		"Snowflake OAuth knows refresh_token and session:role:<ROLE> (a role the user has, as Snowflake stores it); any other scope is refused.",
		[]string{"Request refresh_token and session:role:<ROLE> only."}, false},
	"unsupported_grant_type": {finding.InvalidConfiguration, "Snowflake OAuth does not support this grant",
		"Snowflake OAuth offers the authorization_code and refresh_token grants only.",
		[]string{"Use the authorization-code flow once and keep its refresh token, or use key-pair authentication."}, false},
	"invalid_request": {finding.InvalidConfiguration, "Snowflake refused the OAuth request as malformed",
		"/oauth/token-request found a parameter missing or malformed.",
		[]string{"Check auth.client_id and the redirect URI registered on the integration."}, false},
	"unauthorized_client": {finding.AccessDenied, "The OAuth integration may not use this grant",
		"The integration is not allowed to use the request's grant (a public integration, or refresh tokens disabled with OAUTH_ISSUE_REFRESH_TOKENS = FALSE).",
		[]string{"ALTER SECURITY INTEGRATION <integration> SET OAUTH_ISSUE_REFRESH_TOKENS = TRUE, then complete the sign-in again."}, false},
	codeAccountNotFound: {finding.TenantNotFound, "No Snowflake account answers at this address",
		"Every name under snowflakecomputing.com resolves, so a wrong account identifier is not a DNS failure: Snowflake answers HTTP 403. A legacy locator without its region (xy12345 instead of xy12345.east-us-2.azure) names an account in AWS us-west-2 only.",
		[]string{"Set snowflake.account to orgname-accountname (Snowsight: your name > Account > View account details), or to the locator with its region and cloud."}, false},
	codeRedirectMismatch: {finding.RedirectURIMismatch, "The redirect URI is not the one registered on the Snowflake integration",
		"Snowflake compares the redirect_uri of an authorization request with the integration's OAUTH_REDIRECT_URI exactly; an integration has only one.",
		[]string{"ALTER SECURITY INTEGRATION <integration> SET OAUTH_REDIRECT_URI = '<the URI>', or use the registered URI here."}, false},
	codeInvalidConsent: {finding.AccessDenied, "Snowflake refused the OAuth consent request",
		"Invalid consent request: the user lacks the role the session:role: scope asks for (case matters), or the role is in the integration's BLOCKED_ROLES_LIST (ACCOUNTADMIN, ORGADMIN, GLOBALORGADMIN and SECURITYADMIN by default).",
		[]string{"Grant the role to the user, or request a non-administrator role in session:role:<ROLE>."}, false},
	codeMFARequired: {finding.PolicyBlocked, "An authentication policy requires MFA for this user",
		"The user's authentication policy requires multi-factor authentication, which programmatic logins cannot provide.",
		[]string{"Use a service user (TYPE = SERVICE) with key-pair authentication or a programmatic access token."}, false},
	codeEndpointRefused: {finding.FeatureDisabled, "This Snowflake account may not use the endpoint",
		"Snowflake answered that the account is not allowed to access this endpoint: the feature is not available for the account's edition or region.",
		[]string{"Ask Snowflake support to enable the feature, or use the SQL API instead."}, false},
	codeDefaultRole: {finding.AccessDenied, "The user's default role is not granted to it",
		"The user's DEFAULT_ROLE names a role it does not have, so the session cannot start in it.",
		[]string{"GRANT ROLE <role> TO USER <user>, or ALTER USER <user> SET DEFAULT_ROLE = <a granted role>, or set snowflake.role."}, false},
}

// texts find the error in a message that carries no code.
var texts = []struct {
	re   *regexp.Regexp
	code string
}{
	{regexp.MustCompile(`(?i)JWT token is invalid`), "390144"},
	{regexp.MustCompile(`(?i)Incorrect username or password`), "390100"},
	{regexp.MustCompile(`(?i)User access disabled`), "390101"},
	{regexp.MustCompile(`(?i)(temporarily locked|has been locked due to too many failed)`), "390102"},
	{regexp.MustCompile(`(?i)Authentication token has expired`), "390114"},
	{regexp.MustCompile(`(?i)OAuth access token expired`), "390318"},
	{regexp.MustCompile(`(?i)Invalid OAuth access token`), "390303"},
	{regexp.MustCompile(`(?i)specified in the connect string is not granted`), "390189"},
	{regexp.MustCompile(`(?i)redirect URI must use TLS`), "390316"},
	{regexp.MustCompile(`(?i)is not allowed to access Snowflake`), "390422"},
	{regexp.MustCompile(`(?i)Network policy is required`), "390432"},
	{regexp.MustCompile(`(?i)Account must be specified`), "251001"},
	{regexp.MustCompile(`(?i)No active warehouse selected`), "000606"},
	{regexp.MustCompile(`(?i)This is an invalid client`), "invalid_client"},
	{regexp.MustCompile(`(?i)mismatch in the given redirect uri`), codeRedirectMismatch},
	{regexp.MustCompile(`(?i)Invalid consent request`), codeInvalidConsent},
	{regexp.MustCompile(`(?i)MFA authentication is required`), codeMFARequired},
	{regexp.MustCompile(`(?i)not allowed to access this endpoint`), codeEndpointRefused},
	{regexp.MustCompile(`(?i)configured default role .{0,80} is not granted`), codeDefaultRole},
	{regexp.MustCompile(`(?i)Verify the account name is correct`), codeAccountNotFound},
}

var (
	// A code in the drivers' and the SQL API's spellings: "390144 (08001):",
	// "251001: Account …", "Vender Code: 390144", "vendorCode:390,144",
	// "Error code: 390100", "VendorCode: 390114", "code" : "390144".
	codeTextRE = regexp.MustCompile(`(?i)(?:vend[eo]r\s*code|error\s*code|"code"\s*)\s*[:=]\s*"?(\d{3},?\d{3})\b|\b(\d{6})(?: \([0-9A-Z]{5}\))?:`)
	uuidRE     = regexp.MustCompile(`\[([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\]`)
	ipRE       = regexp.MustCompile(`IP/Token ([0-9a-fA-F.:]{3,45}) is not allowed`)
	// The drivers' prefix: "250001 (08001): Failed to connect to DB: host:443."
	wrapperRE = regexp.MustCompile(`(?i)25000[0-9] \(\d{5}\):\s*(?:None:\s*)?Failed to connect to DB[.:]?\s*(?:[A-Za-z0-9._-]+:\d+\.\s*)?`)
)

// Decode is the profile's decoder: Snowflake's error answers (live) and
// pasted error texts (diagnose).
func Decode(a connector.Answer) (finding.Finding, bool) {
	e, ok := readError(a)
	if !ok {
		return finding.Finding{}, false
	}
	return e.finding(), true
}

// readError finds the Snowflake error in an answer.
func readError(a connector.Answer) (sfError, bool) {
	text := string(a.Body)
	e := sfError{status: a.StatusCode}
	for _, obj := range kit.Objects(text) {
		if readObject(obj, &e) {
			break
		}
	}
	if e.code == "" {
		if m := codeTextRE.FindAllStringSubmatch(text, -1); m != nil {
			for _, g := range m {
				c := strings.ReplaceAll(g[1]+g[2], ",", "")
				if _, ok := codes[c]; ok {
					e.code = c
					break
				}
			}
		}
	}
	if e.message == "" {
		e.message = kit.Tidy(wrapperRE.ReplaceAllString(text, ""), 300)
	}
	if e.code == "" || !isKnown(e.code) {
		for _, t := range texts {
			if t.re.MatchString(e.message) || t.re.MatchString(text) {
				e.code = t.code
				break
			}
		}
	}
	if e.code == "" && a.Step == stepSQL && a.StatusCode == http.StatusForbidden {
		e.code = codeAccountNotFound // a 403 without Snowflake's JSON: no such account
	}
	if e.code == "" && a.StatusCode == http.StatusTooManyRequests && (a.Step != "" || strings.Contains(text, "390505")) {
		e.code = "390505"
	}
	if e.code == "" {
		return sfError{}, false
	}
	if m := uuidRE.FindStringSubmatch(text); m != nil {
		e.uuid = m[1]
	}
	if m := ipRE.FindStringSubmatch(text); m != nil {
		e.ip = m[1]
	}
	return e, true
}

func isKnown(code string) bool { _, ok := codes[code]; return ok }

// readObject reads a JSON error body: the SQL API's {"code","message"} or
// the token endpoint's envelope; it returns false for anything else.
func readObject(obj string, e *sfError) bool {
	var b struct {
		Code        json.RawMessage `json:"code"`
		Message     string          `json:"message"`
		Error       string          `json:"error"`
		Description string          `json:"error_description"`
		Success     *bool           `json:"success"`
	}
	if json.Unmarshal([]byte(obj), &b) != nil {
		return false
	}
	switch {
	case b.Success != nil && !*b.Success && b.Error != "":
		e.code, e.message = b.Error, kit.Tidy(b.Message, 300)
		return true
	case b.Error != "" && kit.OAuthStandardCodes[b.Error] && isKnown(b.Error):
		e.code, e.message = b.Error, kit.Tidy(kit.OrDefault(b.Description, b.Message), 300)
		return true
	}
	var code string
	kit.JSONString(b.Code, &code)
	if code == "" && len(b.Code) > 0 && b.Code[0] != 'n' {
		code = strings.Trim(string(b.Code), `"`) // Node's snowflake-sdk gives a number
	}
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return false
	}
	e.code, e.message = code, kit.Tidy(b.Message, 300)
	return true
}

// finding turns the error into a Finding; unknown numeric codes keep their
// code as an unexpected response.
func (e sfError) finding() finding.Finding {
	said := ""
	if e.message != "" {
		said = fmt.Sprintf(" Snowflake said: %q.", strings.TrimSpace(uuidRE.ReplaceAllString(e.message, "")))
	}
	k, ok := codes[e.code]
	if !ok {
		return finding.Finding{Severity: finding.Error, Category: finding.UnexpectedResponse, Code: e.code,
			Summary: "Snowflake answered with error " + e.code, Detail: strings.TrimSpace(said),
			Remediation: []string{"Look the code up in Snowflake's documentation or ask Snowflake support, quoting the message."}}
	}
	cat, summary := k.cat, k.summary
	if e.code == "invalid_grant" && strings.Contains(strings.ToLower(e.message), "expired") {
		cat, summary = finding.ExpiredCredentials, "The Snowflake refresh token has expired"
	}
	f := finding.Finding{Severity: finding.Error, Category: cat, Code: e.code, Retryable: k.retryable,
		Summary: summary + " (" + e.code + ")", Detail: k.why + said, Remediation: append([]string(nil), k.fixes...)}
	if e.uuid != "" {
		f.Detail += " Request id " + e.uuid + "."
		if e.code == "390144" {
			f.Detail += fmt.Sprintf(" An administrator (ACCOUNTADMIN or MONITOR on the user) sees why with SELECT SYSTEM$GET_LOGIN_FAILURE_DETAILS('%s').", e.uuid)
		}
	}
	if e.ip != "" {
		f.Detail += " The address Snowflake saw is " + e.ip + "."
	}
	return f
}

// Recognize tells diagnose that an error text is Snowflake's.
func Recognize(text string) bool {
	t := strings.ToLower(text)
	if kit.Has(t, "snowflakecomputing.", "snowflake.connector", "snowflakesqlexception", "net.snowflake.", "gosnowflake",
		"snowflake-sdk", "snowflake.ingest", "snowflakedbexception", "vender code", `"statementhandle"`, "/api/v2/statements") {
		return true
	}
	if strings.Contains(t, `"success"`) && strings.Contains(t, `"data"`) {
		// The token endpoint's envelope: an RFC 6749 code in "error", next
		// to data, code, message and success.
		for _, obj := range kit.Objects(text) {
			var e sfError
			if readObject(obj, &e) && kit.OAuthStandardCodes[e.code] && strings.Contains(obj, `"code"`) {
				return true
			}
		}
	}
	for _, c := range []string{"jwt token is invalid", "is not allowed to access snowflake", "mismatch in the given redirect uri with the one in the registered oauth client integration",
		"account must be specified", "network policy is required", "invalid oauth access token", "oauth access token expired"} {
		if strings.Contains(t, c) {
			return true
		}
	}
	for _, m := range codeTextRE.FindAllStringSubmatch(text, -1) {
		if c := strings.ReplaceAll(m[1]+m[2], ",", ""); strings.HasPrefix(c, "390") && isKnown(c) {
			return true
		}
	}
	return false
}
