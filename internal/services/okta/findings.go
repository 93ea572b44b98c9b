package okta

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

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
