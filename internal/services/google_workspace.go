package services

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

// googleWorkspace is a Google Workspace domain reached by a service account
// with domain-wide delegation (the JWT bearer flow, RFC 7523).
func googleWorkspace() *connector.Profile {
	return &connector.Profile{
		ID:          "google_workspace",
		DisplayName: "Google Workspace",
		Description: "A Google Workspace domain, reached by a Google Cloud service account with **domain-wide delegation**. " +
			"Handshake signs a JWT with the service account's key, impersonating the Workspace admin in `impersonate`, and " +
			"calls the Admin SDK Directory API. The service account's client ID must be authorised for exactly the " +
			"`required_scopes` under Security > Access and data control > API controls > Domain-wide delegation in the " +
			"Admin console. Scopes are full URLs such as `https://www.googleapis.com/auth/admin.directory.user.readonly`.",
		Settings: []connector.Setting{
			{Name: "impersonate", Kind: connector.String, Description: "E-mail address of the Workspace user the service account " +
				"acts as (the JWT `sub`). For the Admin SDK this must be an administrator with the needed privileges, " +
				"not the service account itself."},
			{Name: "customer_id", Kind: connector.String, Description: "Workspace customer id, such as `C03az79cb`. Defaults to " +
				"`my_customer`, the impersonated admin's own account."},
			{Name: "token_url", Kind: connector.String, Description: "Override of the token endpoint " +
				"`https://oauth2.googleapis.com/token`, for tests; plain `http` is accepted only on loopback addresses."},
			{Name: "base_url", Kind: connector.String, Description: "Override of the API base URL `https://admin.googleapis.com`, " +
				"for tests; plain `http` is accepted only on loopback addresses."},
		},
		AuthAttrs: []string{"service_account_key"},
		Rules: []connector.Rule{
			kit.EndpointRules("token_url", "base_url"),
			googleKey,
			kit.ForEachScope(googleScope),
			googleImpersonate,
			googleCustomerID,
		},
		Decode:    kit.TextDecoder(googleDecode),
		Recognize: googleRecognize,
	}
}

const googleScopePrefix = "https://www.googleapis.com/auth/"

// serviceAccount returns the parsed key when it is set, known and valid.
func serviceAccount(s *connector.Spec) (*connector.ServiceAccountKey, bool) {
	sec := s.Auth.ServiceAccountKey
	if !sec.IsSet() || kit.AuthUnknown(s, "service_account_key") || strings.TrimSpace(sec.Value) == "" {
		return nil, false
	}
	k, err := connector.ParseServiceAccountKey(sec.Value)
	return k, err == nil
}

func googleKey(s *connector.Spec) []finding.Finding {
	sec := s.Auth.ServiceAccountKey
	if kit.SecretUnset(s, sec, "service_account_key") {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("service_account_key"),
			"Missing auth.service_account_key").
			WithCode("GOOGLE-SA-KEY").
			WithDetail("Google Workspace connectors authenticate as a service account; its JSON key is not set.").
			WithFix("In the Google Cloud console open IAM & Admin > Service accounts > <account> > Keys, add a JSON key, and set auth.service_account_key_wo = file(\"key.json\").")}
	}
	if !sec.IsSet() || kit.AuthUnknown(s, "service_account_key") || strings.TrimSpace(sec.Value) == "" {
		return nil // unknown, or empty (CheckSecrets reports it)
	}
	if _, err := connector.ParseServiceAccountKey(sec.Value); err != nil {
		return []finding.Finding{finding.Errorf(finding.InvalidCredentials, sec.Path(),
			"The service account key cannot be read").
			WithCode("GOOGLE-SA-KEY").
			// err never contains key material (ParseServiceAccountKey's contract).
			WithDetail("auth.%s must be the JSON key file of a service account, as downloaded from Google Cloud: %v.", sec.Attr, err).
			WithFix("Pass the whole file, e.g. auth.service_account_key_wo = file(\"key.json\"); do not base64-encode it or pass its path.",
				"If the key was deleted or disabled, create a new JSON key for the service account.")}
	}
	return nil
}

// Google scope names people write without the URL prefix: dotted names
// such as admin.directory.user.readonly, or single words like drive.
var googleShortScopeRE = regexp.MustCompile(`^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$`)

// The few Google scopes that are not URLs.
var googleBareScopes = []string{"openid", "email", "profile"}

func googleScope(s *connector.Spec, i int, scope string) []finding.Finding {
	if scope == "" || strings.ContainsAny(scope, " \t\r\n,") || kit.ContainsFold(googleBareScopes, scope) {
		return nil // the generic rules report empty, spaced and comma-joined scopes
	}
	path := kit.ScopePath(i)
	switch {
	case strings.HasPrefix(scope, googleScopePrefix) && len(scope) > len(googleScopePrefix):
		return nil
	case strings.HasPrefix(scope, "https://mail.google.com/"), strings.HasPrefix(scope, "https://www.google.com/"),
		strings.HasPrefix(scope, "https://sites.google.com/"):
		return nil // Gmail's full-access scope and a few legacy ones use other hosts
	case googleShortScopeRE.MatchString(scope):
		full := googleScopePrefix + scope
		return []finding.Finding{finding.Errorf(finding.InvalidScope, path,
			"Google scopes must be full URLs").
			WithCode("invalid_scope").
			WithDetail("Google identifies scopes by URL; %q alone is refused with invalid_scope, and domain-wide delegation is configured with the full URL too.", scope).
			WithFix(fmt.Sprintf("Use %q.", full))}
	case strings.HasPrefix(scope, "http://www.googleapis.com/auth/"), strings.HasPrefix(scope, "https://googleapis.com/auth/"):
		fixed := googleScopePrefix + scope[strings.Index(scope, "/auth/")+len("/auth/"):]
		return []finding.Finding{finding.Errorf(finding.InvalidScope, path, "Malformed Google scope URL").
			WithCode("invalid_scope").
			WithDetail("Google scope URLs are compared exactly; they start with %s.", googleScopePrefix).
			WithFix(fmt.Sprintf("Use %q.", fixed))}
	}
	return []finding.Finding{finding.Warnf(finding.InvalidScope, path, "Unrecognised Google scope").
		WithCode("invalid_scope").
		WithDetail("%q is not in the form Google uses for scopes (%s…); the token request will probably fail with invalid_scope.", scope, googleScopePrefix).
		WithFix("Check the scope in Google's list of OAuth 2.0 scopes for APIs.")}
}

// isAdminScope reports scopes of Workspace admin APIs, which only work when
// the service account impersonates an administrator.
func isAdminScope(scope string) bool {
	rest, ok := strings.CutPrefix(scope, googleScopePrefix)
	if !ok {
		rest = scope // the short form is reported separately; still counts here
	}
	return strings.HasPrefix(rest, "admin.") || strings.HasPrefix(rest, "apps.") || strings.HasPrefix(rest, "cloud-identity")
}

func googleImpersonate(s *connector.Spec) []finding.Finding {
	if s.SettingUnknown("impersonate") {
		return nil
	}
	path := s.SettingPath("impersonate")
	subject, set := kit.Known(s, "impersonate")
	if !set {
		if !kit.ScopesKnown(s) {
			return nil
		}
		for i, sc := range s.RequiredScopes {
			if isAdminScope(sc) {
				return []finding.Finding{finding.Warnf(finding.DelegationNotConfigured, path,
					"Admin SDK scopes need an impersonated administrator").
					WithCode("GOOGLE-DWD-SUBJECT").
					WithDetail("required_scopes[%d] is a Workspace admin scope, but impersonate is not set. A service account has no Workspace identity of its own: Admin SDK calls only succeed through domain-wide delegation, acting as an administrator, and are otherwise refused with 403 (Not Authorized to access this resource/api).", i).
					WithFix("Set google_workspace = { impersonate = \"admin@example.com\" } to a Workspace administrator with the needed privileges.",
						"Authorise the service account's client ID for these scopes under Security > Access and data control > API controls > Domain-wide delegation.")}
			}
		}
		return nil
	}
	if !connector.IsEmail(subject) {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"google_workspace.impersonate must be an e-mail address").
			WithCode("GOOGLE-DWD-SUBJECT").
			WithDetail("The impersonated user is identified by their primary e-mail address, such as admin@example.com; Google rejects any other subject with invalid_grant.").
			WithFix("Set impersonate to the administrator's primary e-mail address.")}
	}
	sa, ok := serviceAccount(s)
	isSA := strings.HasSuffix(strings.ToLower(subject), ".gserviceaccount.com")
	if isSA || (ok && strings.EqualFold(subject, sa.ClientEmail)) {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"google_workspace.impersonate must be a Workspace user, not a service account").
			WithCode("GOOGLE-DWD-SUBJECT").
			WithDetail("Domain-wide delegation lets the service account act as a Workspace user. Impersonating a service account (or itself) gives no Workspace identity, and Google answers unauthorized_client or invalid_grant.").
			WithFix("Set impersonate to a Workspace administrator's e-mail address, e.g. admin@example.com.")}
	}
	return nil
}

var googleCustomerIDRE = regexp.MustCompile(`^C[0-9a-z]{6,}$`)

func googleCustomerID(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "customer_id")
	if !ok || v == "my_customer" || googleCustomerIDRE.MatchString(v) {
		return nil
	}
	f := finding.Errorf(finding.InvalidConfiguration, s.SettingPath("customer_id"),
		"google_workspace.customer_id is not a Workspace customer id").
		WithCode("GOOGLE-CUSTOMER-ID").
		WithDetail("The Directory API takes the account's customer id (C followed by letters and digits, shown in the Admin console under Account > Account settings) or my_customer.")
	if connector.IsDomainName(v) {
		f = f.WithDetail("%q is a domain name. The Directory API takes the account's customer id (C followed by letters and digits, shown in the Admin console under Account > Account settings) or my_customer, not a domain.", v)
	}
	return []finding.Finding{f.WithFix("Remove customer_id to use my_customer, or copy the Customer ID from Account > Account settings in the Admin console.")}
}

// ---------------------------------------------------------------------------
// Google's error answers.
//
// The token endpoint (oauth2.googleapis.com/token) answers RFC 6749 bodies,
// {"error":"invalid_grant","error_description":"Invalid JWT Signature."};
// Google documents which error and description mean what for service
// accounts ("JWT error codes" in its server-to-server OAuth guide), and the
// descriptions are stable enough to tell a deleted key from a skewed clock.
// The Admin SDK answers Google's API error shape,
// {"error":{"code":403,"message":"Not Authorized to access this resource/api",
// "errors":[{"message":…,"domain":"global","reason":"forbidden"}],
// "status":"PERMISSION_DENIED"}}, which Java clients print as the inner
// object alone. Clients wrap both: google-auth raises
// RefreshError('unauthorized_client: Client is unauthorized…', {'error': …})
// with a Python dict, googleapiclient prints <HttpError 403 when requesting …
// returned "…". Details: "[{'message': …, 'reason': 'forbidden'}]">.
// ---------------------------------------------------------------------------

// googleAPIError is a Google API error.
type googleAPIError struct {
	Code    int
	Message string
	Status  string   // PERMISSION_DENIED, UNAUTHENTICATED …
	Reasons []string // errors[].reason, then details[].reason
}

type googleAPIErrorJSON struct {
	Code    json.Number `json:"code"`
	Message string      `json:"message"`
	Status  string      `json:"status"`
	Errors  []struct {
		Reason  string `json:"reason"`
		Message string `json:"message"`
	} `json:"errors"`
	Details []struct {
		Reason string `json:"reason"`
	} `json:"details"`
}

var (
	googleHTTPErrorRE = regexp.MustCompile(`HttpError (\d{3}) when requesting \S+ returned "([^"]*)"`)
	googleReasonRE    = regexp.MustCompile(`['"]reason['"]\s*:\s*['"]([A-Za-z_]+)['"]`)
	googleOAuthCodes  = kit.OAuthCodesRE("unauthorized_client", "invalid_grant", "invalid_scope", "access_denied",
		"admin_policy_enforced", "disabled_client", "deleted_client", "org_internal", "invalid_client")
)

// parseGoogleAPIError finds a Google API error in a body or an error text.
func parseGoogleAPIError(text string) (googleAPIError, bool) {
	for _, doc := range kit.Objects(text) {
		var outer struct {
			Error json.RawMessage `json:"error"`
		}
		var inner googleAPIErrorJSON
		if json.Unmarshal([]byte(doc), &outer) == nil && len(outer.Error) > 0 && outer.Error[0] == '{' {
			if json.Unmarshal(outer.Error, &inner) != nil {
				continue
			}
		} else if json.Unmarshal([]byte(doc), &inner) != nil || inner.Message == "" || (len(inner.Errors) == 0 && inner.Status == "") {
			continue
		}
		e := googleAPIError{Message: kit.Tidy(inner.Message, 300), Status: inner.Status}
		if n, err := inner.Code.Int64(); err == nil {
			e.Code = int(n)
		}
		for _, x := range inner.Errors {
			if x.Reason != "" {
				e.Reasons = append(e.Reasons, x.Reason)
			}
			if e.Message == "" {
				e.Message = kit.Tidy(x.Message, 300)
			}
		}
		for _, d := range inner.Details {
			if d.Reason != "" {
				e.Reasons = append(e.Reasons, d.Reason)
			}
		}
		if e.Message != "" || e.Status != "" {
			return e, true
		}
	}
	if m := googleHTTPErrorRE.FindStringSubmatch(text); m != nil {
		e := googleAPIError{Message: kit.Tidy(m[2], 300)}
		e.Code, _ = strconv.Atoi(m[1])
		for _, r := range googleReasonRE.FindAllStringSubmatch(text, 4) {
			e.Reasons = append(e.Reasons, r[1])
		}
		return e, true
	}
	return googleAPIError{}, false
}

// googleOwnOAuthCodes are the token-endpoint errors Google adds to RFC 6749's.
var googleOwnOAuthCodes = map[string]bool{"admin_policy_enforced": true, "disabled_client": true, "deleted_client": true, "org_internal": true}

// googleOAuthError finds a token-endpoint error in a body or an error text.
func googleOAuthError(text string) (probe.OAuthError, bool) {
	for _, doc := range kit.Objects(text) {
		if e, ok := probe.ParseOAuthError([]byte(doc)); ok {
			return e, true
		}
	}
	if e, ok := probe.ParseOAuthError([]byte(text)); ok { // form-encoded
		return e, true
	}
	if e, ok := kit.PythonOAuth(text); ok {
		return e, true
	}
	return kit.TextOAuth(text, googleOAuthCodes)
}

// googleDecode is the google_workspace profile's Decode.
func googleDecode(status int, body string) (finding.Finding, bool) {
	// An API error's "error" member is an object, which ParseOAuthError
	// ignores, so the order does not matter for JSON; for text, the token
	// error comes first because google-auth's message carries only that.
	if e, ok := googleOAuthError(body); ok && (kit.OAuthStandardCodes[e.Code] || googleOwnOAuthCodes[e.Code]) {
		return googleOAuthFinding(e, status), true
	}
	if e, ok := parseGoogleAPIError(body); ok {
		return googleAPIFinding(e, status), true
	}
	// A log line quoting the Reports API's refusal without its JSON (the
	// Reports API gives it with 401 only).
	if m := googleActivityDeniedRE.FindString(body); m != "" {
		return googleAPIFinding(googleAPIError{Code: http.StatusUnauthorized, Message: m}, status), true
	}
	return finding.Finding{}, false
}

var googleActivityDeniedRE = regexp.MustCompile(`(?i)(access denied\. )?you are not authorized to read activity records\.?`)

// googleDelegationPage is where domain-wide delegation is managed.
const googleDelegationPage = "Admin console > Security > Access and data control > API controls > Manage Domain Wide Delegation"

// googleOAuthFinding classifies a token-endpoint error for a service account
// (Google's "JWT error codes" table), in the provider's words.
func googleOAuthFinding(e probe.OAuthError, status int) finding.Finding {
	desc := strings.ToLower(e.Description)
	mk := kit.OAuthFindingMaker("Google's token endpoint", e, status)
	switch e.Code {
	case "unauthorized_client":
		if kit.Has(desc, "retrieve access tokens using this method", "any of the scopes") {
			return mk(finding.DelegationNotConfigured, "The service account is not authorised for domain-wide delegation by its client ID",
				"Google gives this answer when the delegation entry in the Admin console names the service account's e-mail address (or a Google Group) instead of its numeric client ID, or grants none of the requested scopes.",
				"In the "+googleDelegationPage+", delete the entry for this service account and add it again with its numeric Client ID (client_id in the key file, about 21 digits), not its e-mail address.",
				"List every scope in required_scopes in that entry, as full URLs separated by commas.")
		}
		return mk(finding.DelegationNotConfigured, "Domain-wide delegation is not configured for the service account",
			"The Workspace that the impersonated user belongs to has not authorised this service account's client ID; new entries can take from minutes up to 24 hours to apply.",
			"In the "+googleDelegationPage+" of the impersonated user's Workspace, add the service account's numeric Client ID (client_id in the key file) with every scope in required_scopes.",
			"Check that google_workspace.impersonate is a user of that Workspace, and that the key's service account is the one the entry authorises.")
	case "access_denied":
		return mk(finding.DelegationNotConfigured, "A requested scope is not delegated to the service account",
			"With domain-wide delegation, Google refuses the token when the Admin console entry does not grant every scope the request asks for, or when access to the Google service is restricted.",
			"In the "+googleDelegationPage+", edit the service account's entry so its OAuth scopes include every scope in required_scopes, exactly as written.",
			"Check Security > Access and data control > API controls > Manage access to Google services: the service must not be restricted.")
	case "admin_policy_enforced":
		return mk(finding.PolicyBlocked, "A Workspace admin policy blocks the requested scopes",
			"The Workspace's API access controls do not let this client use one or more of the scopes.",
			"In the Admin console under Security > Access and data control > API controls > App access control, mark the service account's client ID as trusted, or allow the restricted services.")
	case "invalid_grant":
		switch {
		case strings.Contains(desc, "invalid jwt signature"):
			return mk(finding.RevokedCredentials, "The service account key was deleted, disabled or has expired",
				"Google could not verify the assertion with any active key of the service account: the key in the file was deleted or disabled (a rotation), it expired, or the file belongs to another service account.",
				"In the Google Cloud console open IAM & Admin > Service accounts > <account> > Keys and look for the key id in private_key_id; if it is missing or disabled, create a new JSON key and update the credential.",
				"If the key file was edited, download it again: private_key and client_email must come from the same file.")
		case kit.Has(desc, "short-lived token", "reasonable timeframe", "'iat'", "'exp'", " iat ", " exp "):
			return mk(finding.InvalidConfiguration, "The assertion's timestamps were rejected: the local clock is off",
				"Google accepts an assertion only when iat is close to its own clock and exp is at most an hour later; Handshake signs it from the local clock, so the machine running Terraform has the wrong time.",
				"Synchronise the clock of the machine running Terraform (NTP), then check again.")
		case kit.Has(desc, "invalid email or user id", "not a valid email"):
			return mk(finding.InvalidConfiguration, "The impersonated user does not exist in Workspace",
				"The assertion's sub (google_workspace.impersonate) is not a user Google can find; suspended and deleted users, groups and aliases fail the same way.",
				"Set google_workspace.impersonate to the primary e-mail address of an existing, active Workspace administrator.",
				"Check in the Admin console under Directory > Users that the user is active (not suspended).")
		case strings.Contains(desc, "account not found"):
			return mk(finding.AccountDisabled, "The service account was deleted or disabled",
				"Google answers this when the service account that the key belongs to no longer exists or is disabled.",
				"In the Google Cloud console under IAM & Admin > Service accounts, enable the service account, or undelete it within 30 days (gcloud iam service-accounts undelete <unique id>).",
				"If it is gone for good, create a service account and a JSON key, authorise its client ID for domain-wide delegation, and update the credential.")
		case kit.Has(desc, "audience", "aud "):
			return mk(finding.InvalidConfiguration, "The assertion's audience does not match the token endpoint",
				"The assertion was addressed to another token URL than the one it was sent to.",
				"Remove google_workspace.token_url, or set it to the key file's token_uri (https://oauth2.googleapis.com/token).")
		case kit.Has(desc, "disabled", "suspended", "deactivated"):
			return mk(finding.AccountDisabled, "The account behind the grant is disabled",
				"", "Re-enable the service account or the impersonated user, then check again.")
		}
	case "invalid_scope":
		return mk(finding.InvalidScope, "A requested scope is not a valid Google scope",
			"Google refuses an assertion without scopes, or with a scope that does not exist; scopes are full URLs separated by spaces.",
			"Check each entry of required_scopes against Google's list of OAuth 2.0 scopes, e.g. https://www.googleapis.com/auth/admin.directory.user.readonly.")
	case "disabled_client":
		return mk(finding.AccountDisabled, "The service account or its key is disabled",
			"Google refuses assertions signed with a disabled key, or for a disabled service account.",
			"In the Google Cloud console under IAM & Admin > Service accounts, enable the service account and check that the key in private_key_id is enabled.")
	case "deleted_client":
		return mk(finding.AppNotFound, "The OAuth client was deleted",
			"Deleted clients can be restored for 30 days.",
			"Restore the client in the Google Cloud console, or create a new service account key and update the credential.")
	case "org_internal":
		return mk(finding.PolicyBlocked, "The client is restricted to users of its Cloud organisation",
			"", "Impersonate a user of the organisation that owns the project, or change the project's OAuth user type.")
	}
	f := e.Finding(status)
	f.Detail = mk("", "", "").Detail
	return f
}

// googleAPIFinding classifies an Admin SDK (or other Google API) error.
func googleAPIFinding(e googleAPIError, status int) finding.Finding {
	if e.Code > 0 {
		status = e.Code
	}
	msg := strings.ToLower(e.Message)
	reason := func(rs ...string) bool {
		for _, r := range e.Reasons {
			for _, want := range rs {
				if strings.EqualFold(r, want) {
					return true
				}
			}
		}
		return false
	}
	code := e.Status
	if len(e.Reasons) > 0 {
		code = e.Reasons[0]
	}
	if code == "" {
		code = fmt.Sprintf("HTTP %d", status)
	}
	detail := "The Google API answered"
	if status > 0 {
		detail += fmt.Sprintf(" HTTP %d", status)
	}
	if e.Status != "" {
		detail += " " + e.Status
	}
	if e.Message != "" {
		detail += fmt.Sprintf(": %q", e.Message)
	}
	if len(e.Reasons) > 0 {
		detail += " (reason " + strings.Join(e.Reasons, ", ") + ")"
	}
	detail += "."
	mk := func(cat finding.Category, summary, why string, fixes ...string) finding.Finding {
		d := detail
		if why != "" {
			d += " " + why
		}
		return finding.Finding{Severity: finding.Error, Category: cat, Code: code,
			Summary: summary + " (" + code + ")", Detail: d, Remediation: fixes}
	}
	retry := func(f finding.Finding) finding.Finding { f.Retryable = true; return f }
	switch {
	case reason("SERVICE_DISABLED", "accessNotConfigured") || kit.Has(msg, "has not been used in project", "it is disabled"):
		return mk(finding.FeatureDisabled, "The Admin SDK API is not enabled in the service account's Cloud project",
			"Google Cloud projects must enable each API they call; the project is the one that owns the service account.",
			"In the Google Cloud console open APIs & Services > Library for the service account's project, enable the Admin SDK API, and wait a few minutes.")
	case reason("ACCESS_TOKEN_SCOPE_INSUFFICIENT", "insufficientPermissions") || strings.Contains(msg, "insufficient authentication scopes"):
		return mk(finding.InsufficientScope, "The access token lacks the scope this Admin SDK call needs",
			"Listing users needs https://www.googleapis.com/auth/admin.directory.user.readonly (or the read-write scope).",
			"Add the Directory scope to required_scopes and to the service account's domain-wide delegation entry.")
	case strings.Contains(msg, "not authorized to access this resource/api"):
		return mk(finding.AccessDenied, "The impersonated user may not use the Admin SDK",
			"The Admin SDK acts with the privileges of the impersonated user: it must be a Workspace administrator whose role can read users. A service account without impersonation has no such privileges.",
			"Set google_workspace.impersonate to a super administrator, or to an administrator whose role includes Admin API privileges for Users > Read.",
			"Check the user's roles in the Admin console under Directory > Users > <user> > Admin roles and privileges.")
	case kit.Has(msg, "not authorized to read activity records", "must be an admin user"):
		// The Reports API says 401 (authError) for a valid token whose
		// user lacks the privilege: a new key would not help.
		return mk(finding.AccessDenied, "The impersonated user may not read activity records: it is not an administrator with the Reports privilege",
			"The Reports API answers 401 although the token is valid when the user the service account impersonates is not a Workspace administrator whose role includes the Reports privilege; the key and the delegation work, and rotating them does not help.",
			"Set google_workspace.impersonate to a super administrator, or give the user an admin role with the Reports privilege (Admin console > Account > Admin roles > <role> > Privileges > Admin console privileges > Reports).",
			"Check the user's roles in the Admin console under Directory > Users > <user> > Admin roles and privileges.")
	case strings.Contains(msg, "domain not found"):
		return mk(finding.TenantNotFound, "The Workspace account was not found",
			"The customer or domain the request names does not belong to the impersonated administrator's Workspace.",
			"Remove google_workspace.customer_id to use my_customer, or copy the Customer ID from Account > Account settings in the Admin console.",
			"Check that google_workspace.impersonate is an administrator of that Workspace, not a consumer Google account.")
	case reason("domainCannotUseApis") || strings.Contains(msg, "domain cannot use apis"):
		return mk(finding.FeatureDisabled, "API access is turned off for this Workspace",
			"", "Ask a super administrator to allow API access for the domain in the Admin console.")
	case status == http.StatusTooManyRequests || reason("rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded", "dailyLimitExceeded", "RESOURCE_EXHAUSTED", "RATE_LIMIT_EXCEEDED") || e.Status == "RESOURCE_EXHAUSTED":
		return retry(mk(finding.RateLimited, "The Google API quota was exceeded",
			"", "Retry later; check the project's Admin SDK quotas under APIs & Services > Quotas, and spread jobs that share it."))
	case status == http.StatusUnauthorized || e.Status == "UNAUTHENTICATED" || reason("authError") || kit.Has(msg, "invalid authentication credentials", "invalid credentials"):
		return mk(finding.InvalidCredentials, "The Google API rejected the access token",
			"", "Check that the token was issued for this API (the scopes) and has not expired; obtain a new one.")
	case status == http.StatusNotFound || reason("notFound"):
		if strings.Contains(msg, "customer") {
			return mk(finding.TenantNotFound, "The Workspace customer was not found",
				"", "Remove google_workspace.customer_id to use my_customer, or copy the Customer ID from Account > Account settings in the Admin console.")
		}
		return mk(finding.EndpointNotFound, "The Google API resource was not found",
			"", "Check google_workspace.base_url and the API path.")
	case status >= 500 || reason("backendError", "internalError") || e.Status == "UNAVAILABLE" || e.Status == "INTERNAL":
		return retry(mk(finding.ServiceUnavailable, "The Google API failed",
			"", "Retry later and check the Google Workspace Status Dashboard."))
	case status == http.StatusForbidden || e.Status == "PERMISSION_DENIED":
		return mk(finding.AccessDenied, "The Google API denied the request",
			"", "Check that the impersonated administrator has the privileges this call needs.")
	case status == http.StatusBadRequest || e.Status == "INVALID_ARGUMENT" || reason("badRequest", "invalid"):
		return mk(finding.InvalidConfiguration, "The Google API rejected the request as invalid",
			"", "Check google_workspace.customer_id (a customer id such as C03az79cb, or my_customer).")
	}
	return mk(finding.UnexpectedResponse, "The Google API answered with an error",
		"", "Look the reason up in the Admin SDK's error reference.")
}

var googleRecognizeRE = regexp.MustCompile(`(?i)oauth2\.googleapis\.com|accounts\.google\.com|\bgoogleapis\.com\b|\.iam\.gserviceaccount\.com\b|` +
	`google\.auth\.exceptions|GoogleJsonResponseException|com\.google\.api|googleapiclient|\bgaxios\b|` +
	`invalid jwt signature|invalid jwt: token must be a short-lived token|not authorized to read activity records|invalid email or user id|invalid grant: account not found|` +
	`client is unauthorized to retrieve access tokens|unauthorized client or scope in request|requested client not authorized|` +
	`the oauth client was (disabled|deleted)|invalid oauth scope or id token audience|not authorized to access this resource/api|` +
	`"status"\s*:\s*"(permission_denied|unauthenticated|resource_exhausted|invalid_argument)"|` +
	`"errors"\s*:\s*\[\s*\{[^\]]{0,400}"domain"\s*:\s*"(global|usagelimits)"`)

// googleRecognize reports whether an error text is recognisably Google's:
// its token endpoint and API hosts, service-account e-mail addresses, its
// client libraries' exceptions, or wordings only Google uses.
func googleRecognize(text string) bool { return googleRecognizeRE.MatchString(text) }
