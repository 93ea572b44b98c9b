package entra

// What Handshake says about the vendor codes it knows: Microsoft Graph's
// codes and the Office 365 Management Activity API's AF codes (the AADSTS
// codes of the token service are in codes_aadsts.go), and the remediation
// steps several codes share.

import "github.com/handshake-tf/terraform-provider-handshake/internal/finding"

// entraKnown is what Handshake says about one vendor code.
type entraKnown struct {
	cat   finding.Category
	title string // the finding's summary, without the code
	cause string // why it happens
	fix   []string
	retry bool
	// generic marks wrapper codes that usually come with a more specific one.
	generic bool
}

// Remediation steps shared by several codes.
const (
	entraFixNewSecret     = "In the Microsoft Entra admin center open App registrations > <app> > Certificates & secrets, select New client secret, and copy its Value (shown once, next to the Secret ID, which is not the secret)."
	entraFixUpdateSecret  = "Put the new value in auth.client_secret_wo and bump auth.secret_version (or update auth.client_secret), then plan again."
	entraFixAppID         = "Check auth.client_id against Application (client) ID on the app registration's Overview page, and tenant_id against Directory (tenant) ID on the same page."
	entraFixConsent       = "In the Microsoft Entra admin center open App registrations > <app> > API permissions, add the permissions the connector needs as Application permissions, then select Grant admin consent for <tenant> (a Privileged Role Administrator, Cloud Application Administrator or Application Administrator can)."
	entraFixTenant        = "Set tenant_id to Directory (tenant) ID from the app registration's Overview page (or a verified domain of that tenant)."
	entraFixCloud         = "If the tenant lives in a national cloud, set authority_url (and graph_url) to that cloud's endpoints, e.g. https://login.microsoftonline.us for US Government."
	entraFixRedirect      = "In the Microsoft Entra admin center open App registrations > <app> > Authentication and add the redirect URI exactly as the connector sends it (scheme, host, port, path, trailing slash and case all count), under the platform the app uses (Web, SPA or Mobile and desktop)."
	entraFixSignInLogs    = "The app's sign-in logs (Enterprise applications > <app> > Sign-in logs > Service principal sign-ins) show the failure with its reason."
	entraFixEnterpriseApp = "In the Microsoft Entra admin center open Enterprise applications > <app> > Properties and set Enabled for users to sign in? to Yes."
)

// entraGraph maps Microsoft Graph error codes to findings.
var entraGraph = map[string]entraKnown{
	"Authorization_RequestDenied": {cat: finding.InsufficientScope, title: "Microsoft Graph denied the request: the app lacks a permission",
		cause: "The token is valid, but it does not carry an application permission (or directory role) the call needs. Typical causes: the permission was added but admin consent was never granted, it was added as a Delegated instead of an Application permission, or it was removed.",
		fix:   []string{entraFixConsent, "Tokens issued before consent do not carry the new permission; request a new token (plan again) after granting it."}},
	"Authorization_IdentityNotFound": {cat: finding.AppNotFound, title: "Microsoft Graph could not identify the calling app",
		cause: "The app has no service principal in the tenant the token is for (a multi-tenant app never consented there), or it was deleted.",
		fix:   []string{"Have an administrator of the tenant consent to the app (it then appears under Enterprise applications).", entraFixAppID}},
	"InvalidAuthenticationToken": {cat: finding.InvalidCredentials, title: "Microsoft Graph rejected the access token",
		cause: "Graph did not accept the token: it was issued for another API or cloud (audience), it is malformed, or it was not sent.",
		fix:   []string{"Request the token with scope https://graph.microsoft.com/.default, from the token service of the same cloud as graph_url."}},
	"Authentication_MissingOrMalformed": {cat: finding.InvalidCredentials, title: "Microsoft Graph found no valid access token",
		cause: "The access token is missing or malformed.", fix: []string{"Send a token issued for Microsoft Graph in the Authorization header."}},
	"Authentication_ExpiredToken": {cat: finding.ExpiredCredentials, title: "The access token has expired",
		cause: "The token's lifetime is over.", fix: []string{"Request a new token."}},
	"InvalidAudienceForResource": {cat: finding.InvalidCredentials, title: "The access token is for another API",
		cause: "The token's audience does not match the API called.", fix: []string{"Request the token for the API being called (<resource>/.default)."}},
	"ErrorAccessDenied": {cat: finding.AccessDenied, title: "Access denied by the workload behind Microsoft Graph",
		cause: "Exchange Online or another workload refused the call: a missing application permission, or an application access policy that excludes the mailbox.",
		fix:   []string{entraFixConsent, "If an application access policy scopes the app to some mailboxes, include the ones the connector needs."}},
	"accessDenied": {cat: finding.AccessDenied, title: "Microsoft Graph denied access",
		cause: "The caller may not perform this action.", fix: []string{entraFixConsent}},
	"Forbidden": {cat: finding.AccessDenied, title: "Microsoft Graph denied access",
		cause: "The caller may not perform this action.", fix: []string{entraFixConsent}},
	"Request_ResourceNotFound": {cat: finding.EndpointNotFound, title: "Microsoft Graph found no such object",
		cause: "The object does not exist, or the app may not see it.", fix: []string{"Check the id in the request and graph_url."}},
	"ResourceNotFound": {cat: finding.EndpointNotFound, title: "Microsoft Graph found no such resource",
		cause: "The resource does not exist.", fix: []string{"Check the request path and graph_url."}},
	"itemNotFound": {cat: finding.EndpointNotFound, title: "Microsoft Graph found no such item",
		cause: "The item does not exist.", fix: []string{"Check the request path and graph_url."}},
	"BadRequest": {cat: finding.InvalidConfiguration, title: "Microsoft Graph rejected the request",
		cause: "Graph could not process the request as sent.", fix: []string{"Check the request path, version segment (v1.0) and parameters, and graph_url."}},
	"Request_BadRequest": {cat: finding.InvalidConfiguration, title: "Microsoft Graph rejected the request",
		cause: "Graph could not process the request as sent.", fix: []string{"Check the request's parameters."}},
	"Request_UnsupportedQuery": {cat: finding.InvalidConfiguration, title: "Microsoft Graph does not support the query",
		cause: "The $filter, $select or $orderby of the request is not supported.", fix: []string{"Simplify the query."}},
	"TooManyRequests": {cat: finding.RateLimited, retry: true, title: "Microsoft Graph is throttling the app",
		cause: "The app or tenant exceeded a Graph throttling limit; the Retry-After header says when to try again.", fix: []string{"Retry after the delay Graph asks for; spread scheduled jobs that share the app."}},
	"activityLimitReached": {cat: finding.RateLimited, retry: true, title: "Microsoft Graph is throttling the app",
		cause: "The app or user reached an activity limit.", fix: []string{"Retry later."}},
	"ApplicationThrottled": {cat: finding.RateLimited, retry: true, title: "Microsoft Graph is throttling the app",
		cause: "The application exceeded its request budget.", fix: []string{"Retry later."}},
	"serviceNotAvailable": {cat: finding.ServiceUnavailable, retry: true, title: "Microsoft Graph is unavailable",
		cause: "The service is temporarily unavailable.", fix: []string{"Retry later; check the Microsoft 365 service health."}},
	"ServiceUnavailable": {cat: finding.ServiceUnavailable, retry: true, title: "Microsoft Graph is unavailable",
		cause: "The service is temporarily unavailable.", fix: []string{"Retry later; check the Microsoft 365 service health."}},
	"generalException": {cat: finding.ServiceUnavailable, retry: true, title: "Microsoft Graph failed to process the request",
		cause: "Graph reported an unspecified internal error.", fix: []string{"Retry later."}},
	"UnknownError": {cat: finding.UnexpectedResponse, title: "Microsoft Graph answered with an unspecified error",
		cause: "Graph gave no reason; for app-only calls this often means the token lacks a permission the workload expects.", fix: []string{entraFixConsent}},

	// Office 365 Management Activity API (the error table of its reference).
	"AF10001": {cat: finding.InsufficientScope, title: "The token lacks the ActivityFeed.Read permission",
		cause: "The Management Activity API requires the ActivityFeed.Read application permission (Office 365 Management APIs) in the token, and the permission set it received does not include it.",
		fix:   []string{"In App registrations > <app> > API permissions add Office 365 Management APIs > Application permissions > ActivityFeed.Read, then select Grant admin consent for <tenant>."}},
	"AF20010": {cat: finding.InvalidConfiguration, title: "The tenant in the URL differs from the token's tenant",
		cause: "The Management Activity API URL names another tenant than the one that issued the token.",
		fix:   []string{"Use the same tenant for the token and the API (tenant_id)."}},
	"AF20011": {cat: finding.TenantNotFound, title: "The Management Activity API does not know the tenant",
		cause: "The tenant does not exist in the Office 365 audit system or has been deleted.",
		fix:   []string{entraFixTenant}},
	"AF20012": {cat: finding.LicenseRequired, title: "The tenant has no Microsoft 365 licence for audit data",
		cause: "Office 365 reports the tenant as not configured for the Management Activity API, which happens when it has no assigned Microsoft 365 (or Office 365) licence.",
		fix:   []string{"Assign at least one Microsoft 365 or Office 365 licence in the Microsoft 365 admin center (Billing > Licenses), wait for provisioning, then plan again."}},
	"AF20013": {cat: finding.InvalidConfiguration, title: "The tenant in the Management Activity API URL is not a GUID",
		cause: "The Management Activity API takes the tenant's GUID, not a domain name.",
		fix:   []string{"Set tenant_id to Directory (tenant) ID (a GUID)."}},
	"AF20020": {cat: finding.InvalidConfiguration, title: "The audit content type is not valid",
		cause: "The content type is not one of Audit.AzureActiveDirectory, Audit.Exchange, Audit.SharePoint, Audit.General or DLP.All.", fix: []string{"Use a supported content type."}},
	"AF20021": {cat: finding.InvalidConfiguration, title: "The webhook endpoint could not be validated",
		cause: "The API could not validate the webhook address (it must be https and answer 200).", fix: []string{"Fix the webhook endpoint."}},
	"AF20022": {cat: finding.FeatureDisabled, title: "No audit subscription exists for the content type",
		cause: "Content can only be listed after a subscription to the content type has been started.", fix: []string{"Start a subscription (POST …/activity/feed/subscriptions/start?contentType=…) before listing content."}},
	"AF20023": {cat: finding.FeatureDisabled, title: "The tenant's audit subscription is disabled",
		cause: "The Management Activity API has the subscription disabled, which is what it answers when unified audit logging is turned off for the organisation.",
		fix:   []string{"In the Microsoft Purview portal open Audit and select Start recording user and admin activity (or run Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled $true in Exchange Online PowerShell); it can take hours to take effect.", "Then start the subscription again (…/activity/feed/subscriptions/start)."}},
	"AF20030": {cat: finding.InvalidConfiguration, title: "The audit content time window is not valid",
		cause: "Start and end time must both be given (or neither), at most 24 hours apart and within the last 7 days.", fix: []string{"Correct startTime and endTime."}},
	"AF20050": {cat: finding.EndpointNotFound, title: "The audit content does not exist",
		cause: "The content id is unknown.", fix: []string{"List the available content again."}},
	"AF20051": {cat: finding.EndpointNotFound, title: "The audit content has expired",
		cause: "Content older than 7 days cannot be retrieved.", fix: []string{"Retrieve content within 7 days of its creation."}},
	"AF429": {cat: finding.RateLimited, retry: true, title: "The Management Activity API is throttling the tenant",
		cause: "Too many requests for the tenant or publisher.", fix: []string{"Retry later; pass PublisherIdentifier to get a dedicated quota."}},
	"AF50000": {cat: finding.ServiceUnavailable, retry: true, title: "The Management Activity API failed",
		cause: "An internal error occurred.", fix: []string{"Retry the request later."}},
}
