package services

import (
	"context"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func slackTok(scenario string) string { return "xoxb-1111-sandbox-" + scenario + "-AbCdEfGhIjKlMnOp" }

func TestSlackLive(t *testing.T) {
	srv := sandbox.Start()
	defer srv.Close()
	base := srv.VendorURL("slack") + "/api"
	spec := func(token string, opts ...servicetest.SpecOpt) func() *connector.Spec {
		return func() *connector.Spec {
			return servicetest.NewSpec("slack", servicetest.Set("base_url", base, "team_id", sandbox.SlackTeamID), append([]servicetest.SpecOpt{servicetest.WithToken(token)}, opts...)...)
		}
	}
	refresh := func(token, id, secret string, opts ...servicetest.SpecOpt) func() *connector.Spec {
		return spec(token, append([]servicetest.SpecOpt{servicetest.WithClient(id, secret)}, opts...)...)
	}
	const (
		tok   = "auth.token_wo"
		basep = "slack.base_url"
	)
	rt := "xoxe-1-sandbox-My0xLTEyMzQ1Njc4"
	runLiveCases(t, []liveCase{
		{"healthy bot token", spec(slackTok("ok"), servicetest.WithScopes("chat:write", "users:read")), probe.StatusHealthy, "", "", ""},
		{"healthy user token", spec("xoxp-1111-2222-sandbox-abcdef"), probe.StatusHealthy, "", "", ""},
		{"invalid_auth", spec("xoxb-1111-2222-AbCdEfGhIjKlMnOp"), probe.StatusUnhealthy, finding.InvalidCredentials, tok, "OAuth & Permissions"},
		{"token_revoked", spec(slackTok("revoked")), probe.StatusUnhealthy, finding.RevokedCredentials, tok, "Reinstall the app"},
		{"token_expired", spec("xoxe.xoxb-1-sandbox-expired-AbCdEf"), probe.StatusUnhealthy, finding.ExpiredCredentials, tok, "refresh token"},
		{"account_inactive", spec(slackTok("inactive")), probe.StatusUnhealthy, finding.AccountDisabled, tok, "active user"},
		{"team_access_not_granted", spec(slackTok("teamaccess")), probe.StatusUnhealthy, finding.AccessDenied, "slack.team_id", "org admin"},
		{"ratelimited", spec(slackTok("ratelimited")), probe.StatusUnreachable, finding.RateLimited, basep, "Retry-After"},
		{"scope not granted", spec(slackTok("scopes"), servicetest.WithScopes("chat:write", "users:read")), probe.StatusUnhealthy,
			finding.InsufficientScope, "required_scopes[1]", "reinstall the app"},
		{"token of another workspace", spec(slackTok("otherteam")), probe.StatusDegraded, finding.InvalidConfiguration, "slack.team_id", "T0SANDBOX1"},
		{"org-wide install matches the enterprise id", func() *connector.Spec {
			return servicetest.NewSpec("slack", servicetest.Set("base_url", base, "team_id", "E0SANDBOX1"), servicetest.WithToken(slackTok("enterprise")))
		}, probe.StatusHealthy, "", "", ""},
		{"wrong base_url", func() *connector.Spec {
			return servicetest.NewSpec("slack", servicetest.Set("base_url", srv.VendorURL("slack")+"/nowhere"), servicetest.WithToken(slackTok("ok")))
		}, probe.StatusUnhealthy, finding.EndpointNotFound, basep, ""},

		// By default the refresh token is not redeemed (Slack rotates it):
		// the client id and secret are checked with an invalid one.
		{"rotation: client verified, refresh token not spent", refresh(rt, sandbox.SlackClientID, sandbox.SlackClientSecret), probe.StatusHealthy, "", "", ""},
		{"rotation: refresh and auth.test", refresh(rt, sandbox.SlackClientID, sandbox.SlackClientSecret, servicetest.WithScopes("chat:write"), servicetest.WithRedeem()), probe.StatusHealthy, "", "", ""},
		{"rotation: refresh token invalid", refresh("xoxe-1-sandbox-invalid-My0x", sandbox.SlackClientID, sandbox.SlackClientSecret, servicetest.WithRedeem()),
			probe.StatusUnhealthy, finding.RevokedCredentials, tok, "new refresh token"},
		{"rotation: wrong client secret", refresh(rt, sandbox.SlackClientID, "0000000000000000000000000000000"),
			probe.StatusUnhealthy, finding.InvalidCredentials, "auth.client_secret_wo", "Client Secret"},
		{"rotation: unknown client id", refresh(rt, "9999999999.8888888888", sandbox.SlackClientSecret),
			probe.StatusUnhealthy, finding.AppNotFound, "auth.client_id", "Client ID"},
		{"rotation: Slack rotates the refresh token", refresh("xoxe-1-sandbox-rotate-My0x", sandbox.SlackClientID, sandbox.SlackClientSecret, servicetest.WithRedeem()),
			probe.StatusDegraded, finding.RevokedCredentials, tok, "refresh_token attribute"},
		{"rotation: refreshed token lacks a scope", refresh("xoxe-1-sandbox-scopes-My0x", sandbox.SlackClientID, sandbox.SlackClientSecret, servicetest.WithScopes("users:read"), servicetest.WithRedeem()),
			probe.StatusUnhealthy, finding.InsufficientScope, "required_scopes[0]", "reinstall"},
	})

	t.Run("refreshed token for the ephemeral resource", func(t *testing.T) {
		tok, res := accessToken(context.Background(), liveOpts(), refresh(rt, sandbox.SlackClientID, sandbox.SlackClientSecret, servicetest.WithRedeem())())
		if tok == nil || !strings.HasPrefix(tok.AccessToken, "xoxe.xoxb-") || tok.Expiry.IsZero() {
			t.Fatalf("token %+v\n%s", tok, dumpResult(res))
		}
		if stepOf(res, probe.StepRefresh).Outcome != probe.OutcomeOK || stepOf(res, probe.StepAPIAfterRefresh).Outcome != probe.OutcomeOK {
			t.Fatalf("steps\n%s", dumpResult(res))
		}
		leakCheck(t, res, tok.AccessToken, rt, sandbox.SlackClientSecret)
	})

	t.Run("revoked token (drift)", func(t *testing.T) {
		good := slackTok("drift")
		s := spec(good)()
		if res := run(context.Background(), liveOpts(), s); res.Status != probe.StatusHealthy {
			t.Fatalf("before revocation\n%s", dumpResult(res))
		}
		srv.Revoke(good)
		defer srv.Reset()
		f := checkLive(t, s, run(context.Background(), liveOpts(), s), probe.StatusUnhealthy, finding.RevokedCredentials, tok, "")
		if f.Code != "token_revoked" {
			t.Fatalf("code %q", f.Code)
		}
	})
}

// TestSlackDecode runs the decoder on bodies as Slack and its SDKs print
// them (shapes from the reference, Slack's method docs and public issues).
func TestSlackDecode(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		cat    finding.Category
		code   string
	}{
		{"invalid_auth", 200, `{"ok":false,"error":"invalid_auth"}`, finding.InvalidCredentials, "invalid_auth"},
		{"not_authed", 200, `{"ok":false,"error":"not_authed"}`, finding.InvalidCredentials, "not_authed"},
		{"token_revoked", 200, `{"ok":false,"error":"token_revoked"}`, finding.RevokedCredentials, "token_revoked"},
		{"token_expired", 200, `{"ok":false,"error":"token_expired"}`, finding.ExpiredCredentials, "token_expired"},
		{"account_inactive", 200, `{"ok":false,"error":"account_inactive"}`, finding.AccountDisabled, "account_inactive"},
		{"missing_scope with needed, provided and warnings", 200, `{"ok":false,"error":"missing_scope","needed":"chat:write:bot","provided":"identify,bot,incoming-webhook,channels:read,channels:write,chat:write","warning":"missing_charset","response_metadata":{"warnings":["missing_charset"]}}`, finding.InsufficientScope, "missing_scope"},
		{"team_access_not_granted", 200, `{"ok":false,"error":"team_access_not_granted"}`, finding.AccessDenied, "team_access_not_granted"},
		{"team_not_authorized (Discovery API)", 0, "team_not_authorized", finding.FeatureDisabled, "team_not_authorized"},
		{"ratelimited", 429, "{\"ok\":false,\"error\":\"ratelimited\"}", finding.RateLimited, "ratelimited"},
		{"slack_sdk exception, Python dict", 0, "slack_sdk.errors.SlackApiError: The request to the Slack API failed. (url: https://slack.com/api/auth.test, status: 200)\nThe server responded with: {'ok': False, 'error': 'invalid_auth'}", finding.InvalidCredentials, "invalid_auth"},
		{"slack_sdk missing_scope", 0, "The request to the Slack API failed. (url: https://www.slack.com/api/conversations.list)\nThe server responded with: {'ok': False, 'error': 'missing_scope', 'needed': 'channels:read', 'provided': 'chat:write,users:read'}", finding.InsufficientScope, "missing_scope"},
		{"Node SDK", 0, "Error: An API error occurred: token_revoked\n    at platformErrorFromResult (/app/node_modules/@slack/web-api/dist/errors.js:62:33)", finding.RevokedCredentials, "token_revoked"},
		{"Ruby client", 0, "Slack::Web::Api::Errors::SlackError: account_inactive", finding.AccountDisabled, "account_inactive"},
		{"Elixir client", 0, "Slack API returned an error `invalid_auth.\n Response: {\"ok\":false,\"error\":\"invalid_auth\"}", finding.InvalidCredentials, "invalid_auth"},
		{"refresh token refused", 200, `{"ok":false,"error":"invalid_refresh_token"}`, finding.RevokedCredentials, "invalid_refresh_token"},
		{"wrong client secret", 200, `{"ok":false,"error":"bad_client_secret"}`, finding.InvalidCredentials, "bad_client_secret"},
		{"app-level token", 200, `{"ok":false,"error":"not_allowed_token_type"}`, finding.InvalidConfiguration, "not_allowed_token_type"},
		{"unknown code is kept", 200, `{"ok":false,"error":"something_new"}`, finding.UnexpectedResponse, "something_new"},
		{"internal error", 200, `{"ok":false,"error":"fatal_error"}`, finding.ServiceUnavailable, "fatal_error"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := slackDecode(tc.status, tc.body)
			if !ok || f.Category != tc.cat || f.Code != tc.code {
				t.Fatalf("got %v %s %q, want %s %q\n%+v", ok, f.Category, f.Code, tc.cat, tc.code, f)
			}
			if f.Summary == "" || f.Detail == "" || len(f.Remediation) == 0 || strings.HasSuffix(f.Summary, ".") {
				t.Fatalf("finding not in house style: %+v", f)
			}
		})
	}
	f, _ := slackDecode(0, `{'ok': False, 'error': 'missing_scope', 'needed': 'channels:read', 'provided': 'chat:write'}`)
	if !strings.Contains(f.Summary, "channels:read") || !strings.Contains(f.Detail, "chat:write") {
		t.Fatalf("needed/provided not named: %+v", f)
	}
	for _, text := range []string{`{"ok":true,"team_id":"T1"}`, "", `{"message":"Bad credentials"}`, "connection refused"} {
		if f, ok := slackDecode(200, text); ok {
			t.Errorf("slackDecode(%q) claimed it: %+v", text, f)
		}
	}
}

func TestSlackRecognize(t *testing.T) {
	for _, text := range []string{
		`{"ok":false,"error":"channel_not_found"}`,
		"{'ok': False, 'error': 'not_in_channel'}",
		"SlackApiError: The request to the Slack API failed.",
		"An API error occurred: missing_scope",
		"team_access_not_granted",
	} {
		if !slackRecognize(text) {
			t.Errorf("slackRecognize(%q) = false", text)
		}
	}
	for _, text := range []string{`{"error":"invalid_client"}`, "Bad credentials", "my_invalid_auth_helper failed", `{"errorCode":"E0000011"}`} {
		if slackRecognize(text) {
			t.Errorf("slackRecognize(%q) = true", text)
		}
	}
}
