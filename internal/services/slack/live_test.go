package slack

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
	srv := sandbox.Start(*Service().Emulation)
	defer srv.Close()
	base := srv.VendorURL("slack") + "/api"
	spec := func(token string, opts ...servicetest.SpecOpt) func() *connector.Spec {
		return func() *connector.Spec {
			return servicetest.NewSpec("slack", servicetest.Set("base_url", base, "team_id", SandboxTeamID), append([]servicetest.SpecOpt{servicetest.WithToken(token)}, opts...)...)
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
	servicetest.RunLiveCases(t, plan, []servicetest.LiveCase{
		{Name: "healthy bot token", Spec: spec(slackTok("ok"), servicetest.WithScopes("chat:write", "users:read")), Status: probe.StatusHealthy},
		{Name: "healthy user token", Spec: spec("xoxp-1111-2222-sandbox-abcdef"), Status: probe.StatusHealthy},
		{Name: "invalid_auth", Spec: spec("xoxb-1111-2222-AbCdEfGhIjKlMnOp"), Status: probe.StatusUnhealthy, Category: finding.InvalidCredentials, Path: tok, FixHas: "OAuth & Permissions"},
		{Name: "token_revoked", Spec: spec(slackTok("revoked")), Status: probe.StatusUnhealthy, Category: finding.RevokedCredentials, Path: tok, FixHas: "Reinstall the app"},
		{Name: "token_expired", Spec: spec("xoxe.xoxb-1-sandbox-expired-AbCdEf"), Status: probe.StatusUnhealthy, Category: finding.ExpiredCredentials, Path: tok, FixHas: "refresh token"},
		{Name: "account_inactive", Spec: spec(slackTok("inactive")), Status: probe.StatusUnhealthy, Category: finding.AccountDisabled, Path: tok, FixHas: "active user"},
		{Name: "team_access_not_granted", Spec: spec(slackTok("teamaccess")), Status: probe.StatusUnhealthy, Category: finding.AccessDenied, Path: "slack.team_id", FixHas: "org admin"},
		{Name: "ratelimited", Spec: spec(slackTok("ratelimited")), Status: probe.StatusUnreachable, Category: finding.RateLimited, Path: basep, FixHas: "Retry-After"},
		{Name: "scope not granted", Spec: spec(slackTok("scopes"), servicetest.WithScopes("chat:write", "users:read")), Status: probe.StatusUnhealthy,
			Category: finding.InsufficientScope, Path: "required_scopes[1]", FixHas: "reinstall the app"},
		{Name: "token of another workspace", Spec: spec(slackTok("otherteam")), Status: probe.StatusDegraded, Category: finding.InvalidConfiguration, Path: "slack.team_id", FixHas: "T0SANDBOX1"},
		{Name: "org-wide install matches the enterprise id", Spec: func() *connector.Spec {
			return servicetest.NewSpec("slack", servicetest.Set("base_url", base, "team_id", "E0SANDBOX1"), servicetest.WithToken(slackTok("enterprise")))
		}, Status: probe.StatusHealthy},
		{Name: "wrong base_url", Spec: func() *connector.Spec {
			return servicetest.NewSpec("slack", servicetest.Set("base_url", srv.VendorURL("slack")+"/nowhere"), servicetest.WithToken(slackTok("ok")))
		}, Status: probe.StatusUnhealthy, Category: finding.EndpointNotFound, Path: basep},

		// By default the refresh token is not redeemed (Slack rotates it):
		// the client id and secret are checked with an invalid one.
		{Name: "rotation: client verified, refresh token not spent", Spec: refresh(rt, SandboxClientID, SandboxClientSecret), Status: probe.StatusHealthy},
		{Name: "rotation: refresh and auth.test", Spec: refresh(rt, SandboxClientID, SandboxClientSecret, servicetest.WithScopes("chat:write"), servicetest.WithRedeem()), Status: probe.StatusHealthy},
		{Name: "rotation: refresh token invalid", Spec: refresh("xoxe-1-sandbox-invalid-My0x", SandboxClientID, SandboxClientSecret, servicetest.WithRedeem()),
			Status: probe.StatusUnhealthy, Category: finding.RevokedCredentials, Path: tok, FixHas: "new refresh token"},
		{Name: "rotation: wrong client secret", Spec: refresh(rt, SandboxClientID, "0000000000000000000000000000000"),
			Status: probe.StatusUnhealthy, Category: finding.InvalidCredentials, Path: "auth.client_secret_wo", FixHas: "Client Secret"},
		{Name: "rotation: unknown client id", Spec: refresh(rt, "9999999999.8888888888", SandboxClientSecret),
			Status: probe.StatusUnhealthy, Category: finding.AppNotFound, Path: "auth.client_id", FixHas: "Client ID"},
		{Name: "rotation: Slack rotates the refresh token", Spec: refresh("xoxe-1-sandbox-rotate-My0x", SandboxClientID, SandboxClientSecret, servicetest.WithRedeem()),
			Status: probe.StatusDegraded, Category: finding.RevokedCredentials, Path: tok, FixHas: "refresh_token attribute"},
		{Name: "rotation: refreshed token lacks a scope", Spec: refresh("xoxe-1-sandbox-scopes-My0x", SandboxClientID, SandboxClientSecret, servicetest.WithScopes("users:read"), servicetest.WithRedeem()),
			Status: probe.StatusUnhealthy, Category: finding.InsufficientScope, Path: "required_scopes[0]", FixHas: "reinstall"},
	})

	t.Run("refreshed token for the ephemeral resource", func(t *testing.T) {
		tok, res := probe.AccessToken(context.Background(), servicetest.LiveOpts(plan), refresh(rt, SandboxClientID, SandboxClientSecret, servicetest.WithRedeem())())
		if tok == nil || !strings.HasPrefix(tok.AccessToken, "xoxe.xoxb-") || tok.Expiry.IsZero() {
			t.Fatalf("token %+v\n%s", tok, servicetest.DumpResult(res))
		}
		if servicetest.StepOutcome(res, probe.StepRefresh) != probe.OutcomeOK || servicetest.StepOutcome(res, probe.StepAPIAfterRefresh) != probe.OutcomeOK {
			t.Fatalf("steps\n%s", servicetest.DumpResult(res))
		}
		servicetest.NoSecretsIn(t, res, tok.AccessToken, rt, SandboxClientSecret)
	})

	t.Run("revoked token (drift)", func(t *testing.T) {
		good := slackTok("drift")
		s := spec(good)()
		if res := probe.Run(context.Background(), servicetest.LiveOpts(plan), s); res.Status != probe.StatusHealthy {
			t.Fatalf("before revocation\n%s", servicetest.DumpResult(res))
		}
		srv.Revoke(good)
		defer srv.Reset()
		f := servicetest.CheckLive(t, s, probe.Run(context.Background(), servicetest.LiveOpts(plan), s), probe.StatusUnhealthy, finding.RevokedCredentials, tok, "")
		if f.Code != "token_revoked" {
			t.Fatalf("code %q", f.Code)
		}
	})
}

// TestGrantedScopesReported: a healthy check reports the scopes Slack lists
// in x-oauth-scopes, for a token and for a refreshed one.
func TestGrantedScopesReported(t *testing.T) {
	srv := sandbox.Start(*Service().Emulation)
	defer srv.Close()
	base := srv.VendorURL("slack") + "/api"
	for _, tc := range []struct {
		name string
		spec *connector.Spec
		want string
	}{
		{"slack bot token", servicetest.NewSpec("slack", servicetest.Set("base_url", base), servicetest.WithToken(slackTok("ok"))), "channels:read chat:write users:read users:read.email"},
		{"slack token with one scope", servicetest.NewSpec("slack", servicetest.Set("base_url", base), servicetest.WithToken(slackTok("scopes"))), "chat:write"},
		{"slack refreshed token", servicetest.NewSpec("slack", servicetest.Set("base_url", base), servicetest.WithToken("xoxe-1-sandbox-My0xLTEyMzQ1Njc4"),
			servicetest.WithClient(SandboxClientID, SandboxClientSecret), servicetest.WithRedeem()), "channels:read chat:write users:read users:read.email"},
	} {
		t.Run(tc.name, func(t *testing.T) { servicetest.CheckGranted(t, plan, tc.spec, tc.want) })
	}
}
