// Package slack is the Slack service: its profile (settings, offline
// rules), error decoder, live check and sandbox emulation.
package slack

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Service is Slack: its profile, live check and sandbox emulation.
func Service() kit.Service {
	return kit.Service{Profile: profile(), Plan: plan, Emulation: &emulation.Vendor{Path: "slack", Routes: routes}}
}

// profile is a Slack app installed in a workspace. Slack tokens announce their
// type in a prefix, which lets most wrong-token mistakes be caught offline.
func profile() *connector.Profile {
	return &connector.Profile{
		ID:          "slack",
		DisplayName: "Slack",
		Description: "A Slack app installed in a workspace or Enterprise Grid org, called through the Web API " +
			"(`auth.test` as the probe). Authenticate with a bot token (`xoxb-`) or user token (`xoxp-`) in `auth.token`. " +
			"With token rotation on, access tokens (`xoxe.xoxb-`, `xoxe.xoxp-`) last 12 hours: give the refresh token " +
			"(`xoxe-`) instead, together with the app's `client_id` and `client_secret`. Scopes are Slack's short names " +
			"such as `channels:read`; redirect URLs must use https.",
		Settings: []connector.Setting{
			{Name: "team_id", Kind: connector.String, Description: "Workspace id the token must belong to: `T` followed by " +
				"upper-case letters and digits, as returned by `auth.test` and shown in `app.slack.com/client/T…`."},
			{Name: "base_url", Kind: connector.String, Description: "Web API base URL. Defaults to `https://slack.com/api`. " +
				"Override it for tests or a proxy; plain http is accepted only on loopback addresses."},
		},
		AuthAttrs: []string{"client_id", "client_secret", "token"},
		Decode:    decode,
		Recognize: slackRecognize,
		// Rotation is switched on in the app's settings, not requested by a
		// scope, so there is no offline scope to require.
		OfflineScope: "",
		Rules: []connector.Rule{
			kit.ClientIDHygiene,
			kit.EndpointRules("base_url"),
			slackTeamID,
			slackClientID,
			slackToken,
			kit.ForEachScope(slackScope),
			slackRedirectHTTPS,
		},
	}
}

var (
	slackTeamRE     = regexp.MustCompile(`^T[A-Z0-9]{6,14}$`)
	slackClientIDRE = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)
	slackAppIDRE    = regexp.MustCompile(`^A[A-Z0-9]{6,14}$`)
	// Scope names are lower case words joined by ':' (channels:read,
	// users:read.email, admin.conversations:write, incoming-webhook).
	slackScopeRE = regexp.MustCompile(`^[a-z][a-z0-9_.-]*(:[a-z][a-z0-9_.-]*)*$`)
)

func slackTeamID(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "team_id")
	if !ok || slackTeamRE.MatchString(v) {
		return nil
	}
	path := s.SettingPath("team_id")
	if strings.HasPrefix(v, "E") && slackTeamRE.MatchString("T"+v[1:]) {
		return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, path,
			"slack.team_id looks like an Enterprise Grid org id").
			WithCode("SLACK-TEAM-ID").
			WithDetail("Ids starting with E identify an Enterprise Grid organization (enterprise_id), not a workspace. Tokens of org-wide apps report the org in enterprise_id and may report no team_id at all, so the comparison can fail.").
			WithFix("Set team_id to the workspace id (T…) that auth.test returns for this token, or remove team_id for an org-wide installation.")}
	}
	return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
		"slack.team_id is not a Slack workspace id").
		WithCode("SLACK-TEAM-ID").
		WithDetail("Workspace ids are a T followed by upper-case letters and digits (e.g. T0123ABCD). The workspace name or its slack.com URL cannot be used here.").
		WithFix("Copy the id from auth.test (team_id) or from the app.slack.com/client/T… URL of the workspace.")}
}

// slackClientID catches the App ID pasted for the Client ID: both are on the
// app's Basic Information page, one line apart.
func slackClientID(s *connector.Spec) []finding.Finding {
	v := s.Auth.ClientID
	if v == "" || kit.AuthUnknown(s, "client_id") || kit.HasSpace(v) || slackClientIDRE.MatchString(v) {
		return nil
	}
	path := kit.AuthPath("client_id")
	if slackAppIDRE.MatchString(v) {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"auth.client_id holds the Slack App ID, not the Client ID").
			WithCode("SLACK-CLIENT-ID").
			WithDetail("Slack shows both on the app's Basic Information page. The App ID (A…) names the app; OAuth requests need the Client ID, two numbers joined by a dot. Slack answers invalid_client_id otherwise.").
			WithFix("Copy Client ID from api.slack.com/apps > your app > Basic Information > App Credentials.")}
	}
	return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, path,
		"auth.client_id does not look like a Slack Client ID").
		WithCode("SLACK-CLIENT-ID").
		WithDetail("Slack Client IDs are two numbers joined by a dot (1234567890.0987654321).").
		WithFix("Copy Client ID from api.slack.com/apps > your app > Basic Information > App Credentials.")}
}

// slackToken checks the token's type prefix. Findings name the type, never
// any characters of the token beyond its well-known prefix.
func slackToken(s *connector.Spec) []finding.Finding {
	v, ok := kit.SecretValue(s, s.Auth.Token, "token")
	if !ok {
		return nil
	}
	path := s.Auth.Token.Path()
	switch {
	case strings.HasPrefix(v, "xoxb-"), strings.HasPrefix(v, "xoxp-"):
		if !s.RequireRefreshToken {
			return nil
		}
		return []finding.Finding{finding.Errorf(finding.RefreshTokenMissing, finding.Attr("require_refresh_token"),
			"Slack issues refresh tokens only with token rotation").
			WithCode("SLACK-NO-ROTATION").
			WithDetail("require_refresh_token is true, but auth.token is a non-rotating token (xoxb- or xoxp-): it does not expire, and Slack returns no refresh token for apps without token rotation.").
			WithFix("Set require_refresh_token = false for a non-rotating token.",
				"Or turn on token rotation (api.slack.com/apps > your app > OAuth & Permissions), reinstall the app, and use the refresh token (xoxe-) it returns.")}
	case strings.HasPrefix(v, "xoxe.xoxb-"), strings.HasPrefix(v, "xoxe.xoxp-"):
		if s.RequireRefreshToken {
			return nil
		}
		return []finding.Finding{finding.Warnf(finding.RefreshTokenMissing, path,
			"Rotating Slack access token expires within 12 hours").
			WithCode("token_expired").
			WithDetail("The token starts with xoxe., so token rotation is on for this app: the access token stops working 12 hours after it was issued (Slack then answers token_expired), and only the refresh token can get a new one.").
			WithFix("Put the refresh token (xoxe-…) from the oauth.v2.access response in auth.token, with the app's auth.client_id and auth.client_secret, so Handshake can refresh it.",
				"Set require_refresh_token = true so live tests confirm Slack keeps returning a refresh token.")}
	case strings.HasPrefix(v, "xoxe-"):
		// A refresh token is only useful with the app credentials that redeem it.
		var out []finding.Finding
		if kit.ClientIDUnset(s) || kit.SecretUnset(s, s.Auth.ClientSecret, "client_secret") {
			out = append(out, finding.Errorf(finding.InvalidConfiguration, path,
				"A Slack refresh token needs the app's client_id and client_secret").
				WithCode("SLACK-REFRESH-TOKEN").
				WithDetail("Tokens starting with xoxe- are refresh tokens. Slack exchanges them for a 12-hour access token at oauth.v2.access only when the app's Client ID and Client Secret come with them.").
				WithFix("Set auth.client_id and auth.client_secret_wo from api.slack.com/apps > your app > Basic Information > App Credentials."))
		}
		return out
	case strings.HasPrefix(v, "xapp-"):
		return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, path,
			"Slack app-level tokens cannot call most Web API methods").
			WithCode("not_allowed_token_type").
			WithDetail("Tokens starting with xapp- are app-level tokens: they open Socket Mode connections and manage the app itself, but Slack refuses them for workspace data (not_allowed_token_type).").
			WithFix("Use the Bot User OAuth Token (xoxb-) from api.slack.com/apps > your app > OAuth & Permissions, or a user token (xoxp-) if the connector must act as a person.")}
	case strings.HasPrefix(v, "xoxc-"), strings.HasPrefix(v, "xoxd-"):
		return []finding.Finding{finding.Errorf(finding.InvalidCredentials, path,
			"auth.token is a Slack browser session token").
			WithCode("invalid_auth").
			WithDetail("Tokens starting with xoxc- or xoxd- belong to a signed-in Slack client or its cookie. They end with that session, act with the full rights of the person, and are not meant for integrations.").
			WithFix("Create or open a Slack app at api.slack.com/apps, install it, and use its bot token (xoxb-).")}
	case strings.HasPrefix(v, "xox"):
		return []finding.Finding{finding.Warnf(finding.InvalidCredentials, path,
			"auth.token is a legacy Slack token type").
			WithCode("invalid_auth").
			WithDetail("Slack retired legacy tokens and workspace apps; current apps issue bot (xoxb-), user (xoxp-), rotating (xoxe.) and app-level (xapp-) tokens. This token may stop working without notice.").
			WithFix("Reinstall the app and use the bot token (xoxb-) it issues.")}
	}
	return []finding.Finding{finding.Errorf(finding.InvalidCredentials, path,
		"auth.token is not a Slack token").
		WithCode("invalid_auth").
		WithDetail("Slack tokens start with their type: xoxb- (bot), xoxp- (user), xoxe. or xoxe- (rotating) or xapp- (app-level). Slack answers invalid_auth to anything else; a signing secret or verification token from the same page is a common mix-up.").
		WithFix("Copy the Bot User OAuth Token from api.slack.com/apps > your app > OAuth & Permissions.")}
}

func slackScope(s *connector.Spec, i int, sc string) []finding.Finding {
	switch {
	case strings.TrimSpace(sc) == "" || strings.ContainsAny(sc, " \t\r\n,"):
		return nil // connector.CheckScopes reports these
	case kit.IsURLScope(sc):
		return []finding.Finding{kit.URLScopeFinding(s, i, "Slack", "channels:read or users:read.email")}
	case sc == "offline_access":
		return []finding.Finding{finding.Warnf(finding.InvalidScope, kit.ScopePath(i),
			"Slack has no offline_access scope").
			WithCode("invalid_scope").
			WithDetail("Slack issues refresh tokens when token rotation is turned on in the app's settings, not in answer to a scope; it rejects the unknown scope during installation.").
			WithFix("Remove offline_access; enable rotation under api.slack.com/apps > your app > OAuth & Permissions > Advanced token security if you need refresh tokens.")}
	case slackScopeRE.MatchString(sc):
		return nil
	case slackScopeRE.MatchString(strings.ToLower(sc)):
		return []finding.Finding{finding.Warnf(finding.InvalidScope, kit.ScopePath(i),
			"Slack scopes are lower case").
			WithCode("invalid_scope").
			WithDetail("Slack scope names are lower case (channels:read); Slack compares them exactly.").
			WithFix(fmt.Sprintf("Write it as %q.", strings.ToLower(sc)))}
	}
	return []finding.Finding{finding.Warnf(finding.InvalidScope, kit.ScopePath(i),
		"Scope does not look like a Slack scope").
		WithCode("invalid_scope").
		WithDetail("Slack scopes are lower-case names such as channels:read, chat:write or users:read.email.").
		WithFix("Check the name against api.slack.com/scopes.")}
}

// slackRedirectHTTPS: Slack refuses http redirect URLs outright, loopback
// included, while the RFC baseline lets http through on loopback. Other
// http hosts are already reported by connector.CheckRedirectURIs.
func slackRedirectHTTPS(s *connector.Spec) []finding.Finding {
	if s.IsUnknown("redirect_uris") {
		return nil
	}
	var out []finding.Finding
	for i, raw := range s.RedirectURIs {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "http" || !connector.IsLoopbackHost(u.Hostname()) {
			continue
		}
		out = append(out, finding.Errorf(finding.RedirectURIInvalid, finding.Attr("redirect_uris").Index(i),
			"Slack redirect URLs must use https").
			WithCode("bad_redirect_uri").
			WithDetail("Slack accepts only https redirect URLs, also for local development; it refuses to save an http URL in the app's settings and answers bad_redirect_uri at install time.").
			WithFix("Use an https URL; for local development, expose the callback through an https tunnel or a local reverse proxy with a certificate."))
	}
	return out
}
