package slack

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Error decoding: one decoder for the live probe and for diagnose.
//
// The Web API reports failures in the body, {"ok": false, "error": "<code>"},
// mostly with HTTP 200 (429 for ratelimited), sometimes with "needed" and
// "provided" (missing_scope), a "warning" and "response_metadata". Client
// libraries wrap that body: slack_sdk prints it as a Python dict
// ({'ok': False, 'error': 'invalid_auth'}), the Node SDK as "An API error
// occurred: invalid_auth", the Ruby client as "Slack::Web::Api::Errors::SlackError: invalid_auth".

// slackError is one Slack error answer.
type slackError struct {
	status           int
	code             string
	needed, provided string
	warning          string
	retryAfter       string
}

var (
	slackOKFalseRE = regexp.MustCompile(`["']ok["']\s*:\s*(?:false|False)\b`)
	// Exception texts of Slack's and community client libraries.
	slackLibraryRE = regexp.MustCompile(`(?i)(?:an api error occurred|slackerror|slack::web::api::errors::[a-z]+|slacker\.error|slack api returned an error|slackapiexception[^\n]*?error)\s*[:=` + "`" + `]?\s*` + "`?" + `([a-z][a-z0-9_]+)`)
	slackCodeRE    = regexp.MustCompile(`^[a-z][a-z0-9_.]{1,60}$`)
	slackRetryRE   = regexp.MustCompile(`(?i)retry-after["']?\s*[:=]\s*["']?(\d+)`)
)

// slackCodes are error codes distinctive enough to name Slack on their own.
var slackCodes = []string{"invalid_auth", "not_authed", "token_revoked", "account_inactive", "missing_scope",
	"team_access_not_granted", "team_not_authorized", "not_allowed_token_type", "ekm_access_denied",
	"invalid_refresh_token", "token_rotation_not_enabled", "org_login_required", "ratelimited"}

// slackRecognize is the profile's Recognize hook.
func slackRecognize(text string) bool {
	t := strings.ToLower(text)
	for _, m := range []string{"slack.com/api", "slackapierror", "slack_sdk", "@slack/web-api", "slack::web::api", "slacker.error", "slack api returned an error"} {
		if strings.Contains(t, m) {
			return true
		}
	}
	if slackOKFalseRE.MatchString(text) {
		if _, ok := kit.Quoted(text, "error"); ok {
			return true
		}
	}
	for _, c := range slackCodes {
		if i := strings.Index(t, c); i >= 0 && slackWordAt(t, i, len(c)) {
			return true
		}
	}
	return false
}

// slackWordAt reports whether t[i:i+n] stands alone (not part of a longer code).
func slackWordAt(t string, i, n int) bool {
	isWord := func(b byte) bool { return b == '_' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }
	return (i == 0 || !isWord(t[i-1])) && (i+n >= len(t) || !isWord(t[i+n]))
}

// readSlackError finds the Slack error code in an answer or exception text.
func readSlackError(status int, body string) (slackError, bool) {
	e := slackError{status: status}
	if m := kit.JSONObject(body); m != nil {
		if ok, isBool := m["ok"].(bool); isBool && ok {
			return e, false
		}
		e.code, _ = m["error"].(string)
		e.needed, _ = m["needed"].(string)
		e.provided, _ = m["provided"].(string)
		e.warning, _ = m["warning"].(string)
	}
	if e.code == "" && slackOKFalseRE.MatchString(body) {
		e.code, _ = kit.Quoted(body, "error")
	}
	if e.code == "" {
		if m := slackLibraryRE.FindStringSubmatch(body); m != nil {
			e.code = strings.ToLower(m[1])
		}
	}
	if e.code == "" {
		// A bare code, as some logs print it ("invalid_auth").
		t := strings.ToLower(body)
		for _, c := range slackCodes {
			if i := strings.Index(t, c); i >= 0 && slackWordAt(t, i, len(c)) {
				e.code = c
				break
			}
		}
	}
	e.code = strings.TrimSpace(e.code)
	if !slackCodeRE.MatchString(e.code) {
		return slackError{}, false
	}
	if e.needed == "" {
		e.needed, _ = kit.Quoted(body, "needed")
	}
	if e.provided == "" {
		e.provided, _ = kit.Quoted(body, "provided")
	}
	if m := slackRetryRE.FindStringSubmatch(body); m != nil {
		e.retryAfter = m[1]
	}
	e.needed, e.provided = kit.Clean(e.needed, 300), kit.Clean(e.provided, 600)
	return e, true
}

// decode is THE Slack decoder: the profile's Decode hook (diagnose) and the
// live plan's. A live answer's Retry-After header (429 ratelimited) is kept
// in the finding; from diagnose the status may be 0 and the header nil.
func decode(a connector.Answer) (finding.Finding, bool) {
	e, ok := readSlackError(a.StatusCode, string(a.Body))
	if !ok {
		return finding.Finding{}, false
	}
	if ra := strings.TrimSpace(a.Header.Get("Retry-After")); ra != "" {
		e.retryAfter = ra
	}
	return e.finding(), true
}

// slackKnown describes the error codes Handshake explains.
var slackKnown = map[string]struct {
	cat       finding.Category
	summary   string
	why       string
	fixes     []string
	retryable bool
}{
	"invalid_auth": {finding.InvalidCredentials, "The token was rejected by Slack",
		"Slack could not validate the token: it is mistyped or truncated, belongs to an app that was reinstalled (which issues new tokens), or the workspace only accepts API calls from allowed IP ranges and this request came from elsewhere.",
		[]string{"Copy the token again from api.slack.com/apps > your app > OAuth & Permissions (Bot User OAuth Token, xoxb-…) and update the credential.",
			"On Enterprise Grid with IP restrictions, ask an admin to allow the address Terraform runs from."}, false},
	"not_authed": {finding.InvalidCredentials, "No Slack token was sent",
		"The request carried no token, or not in a form Slack reads (Authorization: Bearer <token>, or a token form field).",
		[]string{"Set auth.token (or auth.token_wo) to the app's bot or user token."}, false},
	"token_revoked": {finding.RevokedCredentials, "The Slack token was revoked",
		"The token no longer works: the app was uninstalled from the workspace, the token was revoked (auth.revoke, or an admin), or the user who installed it was removed.",
		[]string{"Reinstall the app to the workspace (api.slack.com/apps > your app > Install App) and update the credential with the new token.",
			"If an admin removed the app, ask them to approve it again first."}, false},
	"token_expired": {finding.ExpiredCredentials, "The Slack access token has expired",
		"Token rotation is on for this app, so access tokens (xoxe.xoxb-…, xoxe.xoxp-…) stop working 12 hours after they were issued and must be renewed with the refresh token.",
		[]string{"Give Handshake the refresh token (xoxe-1-…) in auth.token together with auth.client_id and auth.client_secret, so it can renew the access token.",
			"Or turn token rotation off and reinstall the app to get a non-expiring token (not possible once rotation was enabled for the app)."}, false},
	"account_inactive": {finding.AccountDisabled, "The Slack user or workspace behind the token is inactive",
		"The token belongs to a user who was deactivated, or to a workspace that was deleted; bot tokens fail this way when the installing user's account is gone.",
		[]string{"Reinstall the app as an active user (ideally a dedicated service account) and update the credential."}, false},
	"missing_scope": {finding.InsufficientScope, "The Slack token lacks a required scope",
		"The method needs a scope the token was not granted. Scopes added to an app take effect only after the app is reinstalled to the workspace.",
		[]string{"Add the scope under api.slack.com/apps > your app > OAuth & Permissions > Scopes, then reinstall the app and update the token.",
			"If the workspace requires app approval, an admin has to approve the new scope."}, false},
	"no_permission": {finding.AccessDenied, "The Slack token has no permission for this",
		"The token is valid, but the workspace or org denies this operation to it (admin-only method, or an admin policy).",
		[]string{"Use a token of a user with the needed role, or ask a workspace admin to allow the app."}, false},
	"team_access_not_granted": {finding.AccessDenied, "The Slack token has no access to this workspace",
		"The app is installed at Enterprise Grid org level, but not granted access to the workspace the request is about.",
		[]string{"Ask an org admin to add the app to the workspace (Manage apps > the app > Add to more workspaces), or point team_id at a workspace the app was added to."}, false},
	"team_not_authorized": {finding.FeatureDisabled, "The Slack org is not authorized for this API",
		"Slack refused the call for this workspace or org; connectors that read org data (such as Microsoft Defender for Cloud Apps) see this when the Discovery API has not been enabled for the org.",
		[]string{"Ask Slack support (or your account team) to enable the Discovery API for the Enterprise Grid org, then reinstall the app."}, false},
	"not_allowed_token_type": {finding.InvalidConfiguration, "This kind of token is not accepted by the Slack method",
		"The method refuses the token's type: an app-level token (xapp-), or a bot token where a user token is required (or the reverse).",
		[]string{"Use the bot token (xoxb-) or user token (xoxp-) the method documents, from api.slack.com/apps > your app > OAuth & Permissions."}, false},
	"ratelimited": {finding.RateLimited, "The request was rate-limited by Slack",
		"Slack limits each method per workspace and app (tiers from about 1 to 100+ calls per minute); this call went over and Slack asks to wait (Retry-After).",
		[]string{"Wait the number of seconds in Retry-After, then retry; spread jobs that share this app's token."}, true},
	"invalid_refresh_token": {finding.RevokedCredentials, "The Slack refresh token is invalid or was revoked",
		"Slack no longer accepts this refresh token: it was revoked (app uninstalled or token revoked), belongs to another app, or was mistyped.",
		[]string{"Reinstall the app (or run its OAuth flow again) to obtain a new refresh token, and update the credential."}, false},
	"invalid_client_id": {finding.AppNotFound, "The client_id is unknown to Slack",
		"The Client ID does not belong to any Slack app (a typo, the App ID pasted instead, or a deleted app).",
		[]string{"Copy Client ID from api.slack.com/apps > your app > Basic Information > App Credentials."}, false},
	"bad_client_secret": {finding.InvalidCredentials, "The client secret was rejected by Slack",
		"The Client Secret does not match the app's: it was regenerated, mistyped, or the Signing Secret was pasted instead.",
		[]string{"Copy Client Secret from api.slack.com/apps > your app > Basic Information > App Credentials and update the credential."}, false},
	"invalid_grant_type": {finding.InvalidConfiguration, "The grant type was refused by Slack",
		"oauth.v2.access accepts authorization_code and refresh_token grants only.",
		[]string{"Give a refresh token (xoxe-1-…) with the app's client credentials, or a bot/user token."}, false},
	"token_rotation_not_enabled": {finding.InvalidConfiguration, "Token rotation is not enabled for this Slack app",
		"The app cannot exchange or refresh tokens because token rotation is off.",
		[]string{"Enable token rotation under api.slack.com/apps > your app > OAuth & Permissions > Advanced token security, or use the app's non-expiring token."}, false},
	"ekm_access_denied": {finding.PolicyBlocked, "Access was blocked by Slack Enterprise Key Management",
		"An administrator revoked access to the workspace's data through Enterprise Key Management.",
		[]string{"Ask the Slack org admin to restore access for the app in the EKM settings."}, false},
	"accesslimited": {finding.PolicyBlocked, "The Slack method is limited on the current network",
		"The workspace's network policy does not allow this method from where the request came.",
		[]string{"Ask a Slack admin to allow the address Terraform runs from."}, false},
	"two_factor_setup_required": {finding.PolicyBlocked, "Two-factor authentication is required for this Slack user",
		"The workspace requires two-factor authentication, and the user behind the token has not set it up.",
		[]string{"Have the user set up two-factor authentication, or reinstall the app as one who has."}, false},
	"enterprise_is_restricted": {finding.PolicyBlocked, "The method cannot be used in this Enterprise Grid org",
		"The Enterprise Grid org restricts this method.",
		[]string{"Ask the org admin whether the method can be allowed, or use an org-level admin token."}, false},
	"access_denied": {finding.AccessDenied, "Access was denied by Slack", "The token may not perform this action.",
		[]string{"Grant the app or user access, then check again."}, false},
	"channel_not_found": {finding.AccessDenied, "The channel is not visible to this Slack token",
		"The channel id is wrong, or the channel is private (or in another workspace) and the app cannot see it.",
		[]string{"Check the channel id, and invite the app's bot user to the channel (/invite @app)."}, false},
	"not_in_channel": {finding.AccessDenied, "The Slack app is not a member of the channel",
		"The bot must be a member of a channel before it can read or post there.",
		[]string{"Invite the bot user to the channel (/invite @app), or add the chat:write.public scope for public channels."}, false},
	"paid_only":             {finding.LicenseRequired, "This Slack feature needs a paid plan", "The workspace's plan does not include it.", []string{"Upgrade the workspace's Slack plan, or disable the feature in the connector."}, false},
	"paid_teams_only":       {finding.LicenseRequired, "This Slack feature needs a paid plan", "The workspace's plan does not include it.", []string{"Upgrade the workspace's Slack plan, or disable the feature in the connector."}, false},
	"plan_upgrade_required": {finding.LicenseRequired, "This Slack feature needs a higher plan", "The workspace's plan does not include it.", []string{"Upgrade the workspace's Slack plan, or disable the feature in the connector."}, false},
	"feature_not_enabled":   {finding.FeatureDisabled, "The Slack feature is not enabled", "The workspace or org has not enabled the feature this method needs.", []string{"Ask a Slack admin to enable the feature."}, false},
	"org_login_required": {finding.ServiceUnavailable, "The Slack workspace is migrating to Enterprise Grid",
		"Slack refuses calls while the workspace is being migrated into an Enterprise Grid org.", []string{"Retry after the migration has finished."}, true},
	"team_added_to_org": {finding.ServiceUnavailable, "The Slack workspace is migrating to Enterprise Grid",
		"Slack refuses calls while the workspace is being migrated into an Enterprise Grid org.", []string{"Retry after the migration has finished, then reinstall the app if its tokens changed."}, true},
	"fatal_error":         {finding.ServiceUnavailable, "The request failed inside Slack", "Slack reported an internal failure.", []string{"Retry later; check https://slack-status.com."}, true},
	"internal_error":      {finding.ServiceUnavailable, "The request failed inside Slack", "Slack reported an internal failure.", []string{"Retry later; check https://slack-status.com."}, true},
	"service_unavailable": {finding.ServiceUnavailable, "The Slack API is unavailable", "Slack reported that the service is unavailable.", []string{"Retry later; check https://slack-status.com."}, true},
	"request_timeout":     {finding.Timeout, "The request timed out inside Slack", "Slack did not finish the request in time.", []string{"Retry later."}, true},
	"unknown_method":      {finding.EndpointNotFound, "The Slack API method is unknown", "The URL names no Web API method: base_url is wrong or the method was retired.", []string{"Check base_url (https://slack.com/api)."}, false},
	"method_deprecated":   {finding.EndpointNotFound, "The Slack API method is deprecated", "Slack retired the method.", []string{"Move to the method Slack documents as its replacement."}, false},
	"deprecated_endpoint": {finding.EndpointNotFound, "The Slack API endpoint is deprecated", "Slack retired the endpoint.", []string{"Move to the method Slack documents as its replacement."}, false},
}

// finding classifies the error. Code is Slack's error code.
func (e slackError) finding() finding.Finding {
	said := fmt.Sprintf("Slack answered %q", e.code)
	if e.status > 0 {
		said += fmt.Sprintf(" (HTTP %d)", e.status)
	}
	said += "."
	k, known := slackKnown[e.code]
	switch {
	case e.code == "rate_limited":
		k, known = slackKnown["ratelimited"], true
	case !known && strings.HasPrefix(e.code, "invalid_") || e.code == "missing_argument" || e.code == "json_not_object" || e.code == "missing_post_type":
		k = slackKnown["access_denied"]
		k.cat, k.summary, k.why = finding.InvalidConfiguration, "The request's arguments were refused by Slack", "The request's arguments or encoding were not accepted."
		k.fixes, known = []string{"Check the connector's Slack settings; report a Handshake bug if they are right."}, true
	}
	if !known {
		return finding.Finding{Severity: finding.Error, Category: finding.UnexpectedResponse, Code: e.code,
			Summary: "An unrecognised Slack error came back (" + e.code + ")", Detail: said,
			Remediation: []string{"Look the code up in the method's documentation on docs.slack.dev (its Errors table)."}}
	}
	f := finding.Finding{Severity: finding.Error, Category: k.cat, Code: e.code, Retryable: k.retryable,
		Summary: k.summary + " (" + e.code + ")", Detail: k.why + " " + said, Remediation: append([]string(nil), k.fixes...)}
	if e.code == "missing_scope" && e.needed != "" {
		f.Summary = fmt.Sprintf("The Slack token lacks the %s scope (missing_scope)", e.needed)
		f.Detail += fmt.Sprintf(" Needed: %s.", e.needed)
		if e.provided != "" {
			f.Detail += fmt.Sprintf(" Granted: %s.", e.provided)
		}
	}
	if f.Category == finding.RateLimited && e.retryAfter != "" {
		f.Detail += " Retry-After: " + e.retryAfter + " seconds."
	}
	if e.warning != "" {
		f.Detail += fmt.Sprintf(" Slack also warned: %s.", kit.Clean(e.warning, 100))
	}
	return f
}
