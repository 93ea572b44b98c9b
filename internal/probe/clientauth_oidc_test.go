package probe_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/testing/oidcserver"
)

// These run against oidc-provider configured to rotate every refresh token
// (the old one stops working once redeemed), with an authorization-code-only
// client, and through a proxy that answers like fosite (ORY Hydra).

const (
	portalSecret = "portal-secret-0123456789"
	appSecret    = "app-secret-0123456789"
)

func rotatingServer(t *testing.T) *oidcserver.Server {
	rotate := true
	return oidcserver.Start(t, oidcserver.Config{RotateRefreshTokens: &rotate, Clients: []oidcserver.Client{
		{ClientID: "app", ClientSecret: appSecret,
			GrantTypes: []string{"authorization_code", "refresh_token"}, ResponseTypes: []string{"code"},
			RedirectURIs: []string{webRedirect}, Scope: "openid offline_access api:read"},
		{ClientID: "portal", ClientSecret: portalSecret,
			GrantTypes: []string{"authorization_code"}, ResponseTypes: []string{"code"}, RedirectURIs: []string{webRedirect}},
	}})
}

// redeem proves a refresh token still works by redeeming it (after the check).
func redeem(t *testing.T, srv *oidcserver.Server, rt string) *oauth2.Token {
	t.Helper()
	cfg := oauth2.Config{ClientID: "app", ClientSecret: appSecret,
		Endpoint: oauth2.Endpoint{TokenURL: srv.TokenURL(), AuthStyle: oauth2.AuthStyleInHeader}}
	tok, err := cfg.TokenSource(context.Background(), &oauth2.Token{RefreshToken: rt}).Token()
	if err != nil {
		t.Fatalf("the configured refresh token no longer works: %v", err)
	}
	return tok
}

func stepMessage(res probe.Result, name string) string {
	for _, s := range res.Steps {
		if s.Name == name {
			return s.Message
		}
	}
	return ""
}

func TestOIDCProviderRefreshTokenNotSpent(t *testing.T) {
	srv := rotatingServer(t)
	ctx := context.Background()
	opts := probe.Options{Timeout: 10 * time.Second}
	refreshSpec := func(settings map[string]string, secret, rt string) *connector.Spec {
		settings["grant_type"] = "refresh_token"
		s := oauthSpec(settings, "app", secret)
		s.Auth.Token = connector.Secret{Value: rt, Attr: "token_wo"}
		return s
	}

	t.Run("default: client verified, token left valid", func(t *testing.T) {
		rt := srv.RefreshToken(t, "app", appSecret, webRedirect, "openid offline_access api:read")
		res := run(ctx, opts, refreshSpec(map[string]string{"token_url": srv.TokenURL()}, appSecret, rt))
		want(t, res, probe.StatusHealthy, "", "")
		msg := stepMessage(res, probe.StepToken)
		if !strings.Contains(msg, "client authentication verified") || !strings.Contains(msg, "not redeemed") ||
			!strings.Contains(msg, "no token introspection") {
			t.Fatalf("token step message %q\n%s", msg, dump(res))
		}
		if stepOutcome(res, probe.StepAPI) != probe.OutcomeSkipped || !strings.Contains(stepMessage(res, probe.StepTokenResponse), "token step") {
			t.Fatalf("token-dependent steps must skip naming the token step\n%s", dump(res))
		}
		noSecrets(t, res, rt, appSecret)
		// The server rotates: redeeming now returns a new refresh token,
		// which proves the configured one was still unspent.
		if tok := redeem(t, srv, rt); tok.RefreshToken == "" || tok.RefreshToken == rt {
			t.Fatalf("the server did not rotate the refresh token (got %q)", tok.RefreshToken)
		}
	})

	t.Run("introspection: active, then revoked", func(t *testing.T) {
		rt := srv.RefreshToken(t, "app", appSecret, webRedirect, "openid offline_access api:read")
		s := refreshSpec(map[string]string{"issuer": srv.Issuer}, appSecret, rt)
		res := run(ctx, opts, s)
		want(t, res, probe.StatusHealthy, "", "")
		if msg := stepMessage(res, probe.StepToken); !strings.Contains(msg, "refresh token is active (RFC 7662") {
			t.Fatalf("token step message %q", msg)
		}
		if res.ExpiresAt == nil {
			t.Fatalf("introspection's exp was not recorded\n%s", dump(res))
		}
		redeemed := redeem(t, srv, rt) // rotates: rt is now spent …
		res = run(ctx, opts, s)        // … and introspection says so, without redeeming
		f := want(t, res, probe.StatusUnhealthy, finding.RevokedCredentials, "auth.token_wo")
		if f.Code != "RFC7662-active-false" {
			t.Fatalf("code %q", f.Code)
		}
		redeem(t, srv, redeemed.RefreshToken) // the rotated one still works: the check spent nothing
	})

	t.Run("wrong client secret", func(t *testing.T) {
		res := run(ctx, opts, refreshSpec(map[string]string{"token_url": srv.TokenURL()}, "not-the-secret-0123", "any-refresh-token"))
		want(t, res, probe.StatusUnhealthy, finding.InvalidCredentials, "auth.client_secret_wo")
	})

	t.Run("opt-in redeems, through a distinct refresh URL, and warns of the rotation", func(t *testing.T) {
		rt := srv.RefreshToken(t, "app", appSecret, webRedirect, "openid offline_access api:read")
		// token_url answers 404: only the refresh URL can have issued the token.
		s := refreshSpec(map[string]string{"token_url": srv.URL + "/no-token-endpoint-here", "refresh_url": srv.TokenURL()}, appSecret, rt)
		s.RedeemRefreshToken = true
		tok, res := accessToken(ctx, opts, s)
		f := want(t, res, probe.StatusDegraded, finding.RevokedCredentials, "auth.token_wo")
		if f.Code != "RFC6749-6" || tok == nil || tok.RefreshToken == "" || tok.RefreshToken == rt {
			t.Fatalf("want the rotation reported and the rotated token returned; code %q\n%s", f.Code, dump(res))
		}
		redeem(t, srv, tok.RefreshToken)
	})

	t.Run("default also goes to the refresh URL", func(t *testing.T) {
		s := refreshSpec(map[string]string{"token_url": srv.URL + "/no-token-endpoint-here", "refresh_url": srv.TokenURL()}, appSecret, "any-refresh-token")
		want(t, run(ctx, opts, s), probe.StatusHealthy, "", "")
	})
}

func TestOIDCProviderAuthorizationCodeClient(t *testing.T) {
	srv := rotatingServer(t)
	ctx := context.Background()
	opts := probe.Options{Timeout: 10 * time.Second}
	spec := func(grant, secret string, uris ...string) *connector.Spec {
		settings := map[string]string{"token_url": srv.TokenURL(), "authorization_url": srv.AuthorizationURL()}
		if grant != "" {
			settings["grant_type"] = grant
		}
		s := oauthSpec(settings, "portal", secret)
		s.RedirectURIs = uris
		return s
	}
	const evil = "https://evil.example.com/callback"

	t.Run("verified secret and an unregistered redirect URI", func(t *testing.T) {
		res := run(ctx, opts, spec("authorization_code", portalSecret, webRedirect, evil))
		want(t, res, probe.StatusUnhealthy, finding.RedirectURIMismatch, "redirect_uris[1]")
		if stepOutcome(res, probe.StepToken) != probe.OutcomeOK || !strings.Contains(stepMessage(res, probe.StepToken), "client authentication verified") {
			t.Fatalf("the secret was not verified\n%s", dump(res))
		}
		if len(res.Findings) != 1 {
			t.Fatalf("want only the redirect finding\n%s", dump(res))
		}
	})

	t.Run("refused secret and an unregistered redirect URI, both reported", func(t *testing.T) {
		res := run(ctx, opts, spec("authorization_code", "not-the-secret-0123", evil))
		want(t, res, probe.StatusUnhealthy, finding.InvalidCredentials, "auth.client_secret_wo")
		want(t, res, probe.StatusUnhealthy, finding.RedirectURIMismatch, "redirect_uris[0]")
	})

	t.Run("healthy", func(t *testing.T) {
		want(t, run(ctx, opts, spec("authorization_code", portalSecret, webRedirect)), probe.StatusHealthy, "", "")
	})

	t.Run("default grant: unauthorized_client does not hide the redirect URI", func(t *testing.T) {
		res := run(ctx, opts, spec("", portalSecret, evil))
		want(t, res, probe.StatusUnhealthy, finding.AccessDenied, "oauth2.grant_type")
		want(t, res, probe.StatusUnhealthy, finding.RedirectURIMismatch, "redirect_uris[0]")
		if msg := stepMessage(res, probe.StepTokenResponse); !strings.Contains(msg, "needs the token step, which failed") {
			t.Fatalf("token_response step message %q does not name the token step", msg)
		}
	})
}

// TestOIDCProviderAmbiguousInvalidClient: through a proxy answering like
// fosite, a wrong secret and an unknown client look the same at the token
// endpoint; the authorization endpoint tells them apart.
func TestOIDCProviderAmbiguousInvalidClient(t *testing.T) {
	srv := rotatingServer(t)
	base := srv.FositeProxy(t)
	ctx := context.Background()
	opts := probe.Options{Timeout: 10 * time.Second}
	spec := func(clientID, secret string, withAuthz bool) *connector.Spec {
		settings := map[string]string{"token_url": base + "/token"}
		if withAuthz {
			settings["authorization_url"] = base + "/auth"
		}
		return oauthSpec(settings, clientID, secret)
	}
	t.Run("wrong secret", func(t *testing.T) {
		f := want(t, run(ctx, opts, spec("portal", "not-the-secret-0123", true)), probe.StatusUnhealthy, finding.InvalidCredentials, "auth.client_secret_wo")
		if !strings.Contains(f.Detail, "Client authentication failed (e.g., unknown client") || !strings.Contains(f.Detail, "knows client") {
			t.Fatalf("detail %q", f.Detail)
		}
	})
	t.Run("unknown client", func(t *testing.T) {
		want(t, run(ctx, opts, spec("deleted-client", "any-secret-0123", true)), probe.StatusUnhealthy, finding.AppNotFound, "auth.client_id")
	})
	t.Run("no authorization endpoint: says it is ambiguous", func(t *testing.T) {
		f := want(t, run(ctx, opts, spec("deleted-client", "any-secret-0123", false)), probe.StatusUnhealthy, finding.InvalidCredentials, "auth.client_secret_wo")
		if !strings.Contains(f.Summary, "unknown client or wrong secret") || !strings.Contains(f.Detail, "does not say") {
			t.Fatalf("summary %q detail %q", f.Summary, f.Detail)
		}
	})
}

// TestOIDCProviderNoExpiresIn: a token response without expires_in warns
// that the client cannot know when to refresh.
func TestOIDCProviderNoExpiresIn(t *testing.T) {
	srv := oidcserver.Start(t, oidcserver.Config{OmitExpiresIn: true, Clients: []oidcserver.Client{{ClientID: "svc", ClientSecret: "svc-secret-0123456789",
		GrantTypes: []string{"client_credentials"}, ResponseTypes: []string{}, RedirectURIs: []string{}}}})
	res := run(context.Background(), probe.Options{Timeout: 10 * time.Second},
		oauthSpec(map[string]string{"token_url": srv.TokenURL()}, "svc", "svc-secret-0123456789"))
	if res.Status != probe.StatusDegraded || stepOutcome(res, probe.StepTokenResponse) != probe.OutcomeWarning {
		t.Fatalf("want degraded with a token_response warning\n%s", dump(res))
	}
	f, ok := findingAt(res, finding.UnexpectedResponse, "oauth2.token_url")
	if !ok || !strings.Contains(f.Summary, "cannot know when to refresh") || f.Severity != finding.Warning {
		t.Fatalf("no expires_in warning\n%s", dump(res))
	}
}
