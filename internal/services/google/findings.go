package google

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

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
