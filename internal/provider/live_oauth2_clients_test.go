package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"golang.org/x/oauth2"

	"github.com/handshake-tf/terraform-provider-handshake/internal/testing/oidcserver"
)

// Authorization-code clients, refresh tokens that must not be spent, the
// ambiguous invalid_client and token responses without expires_in, through
// real Terraform plans against oidc-provider.

const (
	portalSecret = "portal-secret-0123456789"
	appSecret    = "app-secret-0123456789"
	evilURI      = "https://evil.example.com/callback"
)

// clientsServer rotates every refresh token (rotate = true) and has an
// authorization-code-only client ("portal") and a user-facing app with
// refresh tokens ("app").
func clientsServer(t *testing.T, rotate bool) *oidcserver.Server {
	// Refresh tokens live 90 days: beyond the 30-day expiry warning.
	return oidcserver.Start(t, oidcserver.Config{RotateRefreshTokens: &rotate, TTL: map[string]int{"RefreshToken": 90 * 86400}, Clients: []oidcserver.Client{
		{ClientID: "portal", ClientSecret: portalSecret, GrantTypes: []string{"authorization_code"},
			ResponseTypes: []string{"code"}, RedirectURIs: []string{liveWebURI}},
		{ClientID: "app", ClientSecret: appSecret, GrantTypes: []string{"authorization_code", "refresh_token"},
			ResponseTypes: []string{"code"}, RedirectURIs: []string{liveWebURI}, Scope: "openid offline_access api:read"},
	}})
}

// redeemRefreshToken proves a refresh token still works by redeeming it.
func redeemRefreshToken(t *testing.T, srv *oidcserver.Server, rt string) (*oauth2.Token, error) {
	t.Helper()
	cfg := oauth2.Config{ClientID: "app", ClientSecret: appSecret,
		Endpoint: oauth2.Endpoint{TokenURL: srv.TokenURL(), AuthStyle: oauth2.AuthStyleInHeader}}
	return cfg.TokenSource(context.Background(), &oauth2.Token{RefreshToken: rt}).Token()
}

func TestAccLive_oauth2AuthorizationCodeClient(t *testing.T) {
	t.Parallel()
	srv := clientsServer(t, false)
	connector := func(secret string) string {
		return fmt.Sprintf(`
resource "handshake_connector" "portal" {
  name    = "portal"
  service = "oauth2"
  oauth2 = {
    token_url         = %q
    authorization_url = %q
    grant_type        = "authorization_code"
  }
  auth          = { client_id = "portal", client_secret_wo = %q }
  redirect_uris = [%q, %q]
}`, srv.TokenURL(), srv.AuthorizationURL(), secret, liveWebURI, evilURI)
	}
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.init()

	// Right secret: the only error is the redirect URI; the secret is not blamed.
	out, code := cli.run(connector(portalSecret), "plan", "-no-color", "-input=false")
	if code != 1 || !hasDiagnostic(out, "Error", "evil.example.com", "redirect_uri_mismatch") ||
		strings.Contains(out, "invalid_credentials") || strings.Contains(out, "unauthorized_client") {
		t.Fatalf("plan exited %d; want only redirect_uri_mismatch:\n%s", code, out)
	}
	// Wrong secret: both independent problems in one plan.
	out, code = cli.run(connector("not-the-secret-0123"), "plan", "-no-color", "-input=false")
	if code != 1 || !hasDiagnostic(out, "Error", "client_secret_wo", "invalid_credentials") ||
		!hasDiagnostic(out, "Error", "evil.example.com", "redirect_uri_mismatch") {
		t.Fatalf("plan exited %d; want invalid_credentials and redirect_uri_mismatch:\n%s", code, out)
	}

	// The data source shows the secret verified by the token step.
	addr := "data.handshake_connection_test.portal"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
data "handshake_connection_test" "portal" {
  name          = "portal"
  service       = "oauth2"
  oauth2        = { token_url = %q, authorization_url = %q, grant_type = "authorization_code" }
  auth          = { client_id = "portal", client_secret = %q }
  redirect_uris = [%q]
}
output "token_step" {
  value = one([for s in data.handshake_connection_test.portal.steps : s.message if s.name == "token"])
}`, srv.TokenURL(), srv.AuthorizationURL(), portalSecret, evilURI),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("unhealthy")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("findings").AtSliceIndex(0).AtMapKey("category"), knownvalue.StringExact("redirect_uri_mismatch")),
				statecheck.ExpectKnownOutputValue("token_step", knownvalue.StringRegexp(regexp.MustCompile(`^client authentication verified .*invalid_grant`))),
			},
		}},
	})
}

// TestAccLive_oauth2AmbiguousInvalidClient: a server that answers like
// fosite (ORY Hydra) gives the same invalid_client for a wrong secret and
// an unknown client; the plan names the right one.
func TestAccLive_oauth2AmbiguousInvalidClient(t *testing.T) {
	t.Parallel()
	srv := clientsServer(t, false)
	base := srv.FositeProxy(t)
	connector := func(clientID, secret string) string {
		return fmt.Sprintf(`
resource "handshake_connector" "idp" {
  name    = "idp"
  service = "oauth2"
  oauth2  = { token_url = "%s/token", authorization_url = "%s/auth" }
  auth    = { client_id = %q, client_secret_wo = %q }
}`, base, base, clientID, secret)
	}
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.init()
	out, code := cli.run(connector("portal", "not-the-secret-0123"), "plan", "-no-color", "-input=false")
	if code != 1 || !hasDiagnostic(out, "Error", "client_secret_wo", "invalid_credentials") || strings.Contains(out, "app_not_found") ||
		!strings.Contains(out, "Client authentication failed (e.g.,") {
		t.Fatalf("wrong secret: plan exited %d; want invalid_credentials on the secret:\n%s", code, out)
	}
	out, code = cli.run(connector("deleted-client", "any-secret-0123456"), "plan", "-no-color", "-input=false")
	if code != 1 || !hasDiagnostic(out, "Error", "client_id", "app_not_found") {
		t.Fatalf("unknown client: plan exited %d; want app_not_found on client_id:\n%s", code, out)
	}
}

// TestAccLive_oauth2RefreshTokenNotSpent: with a server that rotates every
// refresh token, plan and apply leave the configured one valid.
func TestAccLive_oauth2RefreshTokenNotSpent(t *testing.T) {
	t.Parallel()
	srv := clientsServer(t, true)
	rt := srv.RefreshToken(t, "app", appSecret, liveWebURI, "openid offline_access api:read")
	cli := newTerraformCLI(t, defaultProviderFactory)
	config := fmt.Sprintf(`
variable "refresh_token" {
  type      = string
  sensitive = true
  default   = %q
}
resource "handshake_connector" "app" {
  name    = "app"
  service = "oauth2"
  oauth2  = { issuer = %q, grant_type = "refresh_token" }
  auth    = { client_id = "app", client_secret_wo = %q, token_wo = var.refresh_token }
}`, rt, srv.Issuer, appSecret)
	cli.run(config, "init", "-no-color")
	if out, code := cli.run("", "plan", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("plan exited %d:\n%s", code, out)
	}
	if out, code := cli.run("", "apply", "-auto-approve", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("apply exited %d:\n%s", code, out)
	}
	show, _ := cli.run("", "state", "show", "-no-color", "handshake_connector.app")
	if !regexp.MustCompile(`status\s+= "healthy"`).MatchString(show) {
		t.Fatalf("state:\n%s", show)
	}
	tok, err := redeemRefreshToken(t, srv, rt)
	if err != nil {
		t.Fatalf("the plan spent the configured refresh token: %v", err)
	}
	if tok.RefreshToken == rt {
		t.Fatal("the server did not rotate the refresh token, so this test proves nothing")
	}
	// Now spent (by this test): the next plan reports it, still without redeeming.
	out, code := cli.run("", "plan", "-no-color", "-input=false")
	if code != 1 || !hasDiagnostic(out, "Error", "token_wo", "revoked_credentials") || !strings.Contains(out, "RFC7662-active-false") {
		t.Fatalf("plan exited %d; want revoked_credentials from introspection:\n%s", code, out)
	}
}

// TestAccLive_oauth2RefreshURL: refresh grants go to refresh_url, not token_url.
func TestAccLive_oauth2RefreshURL(t *testing.T) {
	t.Parallel()
	srv := clientsServer(t, false)
	rt := srv.RefreshToken(t, "app", appSecret, liveWebURI, "openid offline_access api:read")
	config := func(refreshURL string) string {
		extra := ""
		if refreshURL != "" {
			extra = fmt.Sprintf(", refresh_url = %q", refreshURL)
		}
		return fmt.Sprintf(`
resource "handshake_connector" "app" {
  name                 = "app"
  service              = "oauth2"
  oauth2               = { token_url = "%s/no-token-endpoint-here", grant_type = "refresh_token"%s }
  auth                 = { client_id = "app", client_secret_wo = %q, token_wo = %q }
  redeem_refresh_token = true
}`, srv.URL, extra, appSecret, rt)
	}
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.init()
	out, code := cli.run(config(""), "plan", "-no-color", "-input=false")
	if code != 1 || !hasDiagnostic(out, "Error", "token_url", "endpoint_not_found") {
		t.Fatalf("without refresh_url: plan exited %d; want endpoint_not_found on token_url:\n%s", code, out)
	}
	if out, code := cli.run(config(srv.TokenURL()), "plan", "-no-color", "-input=false"); code != 0 || strings.Contains(out, "Warning") {
		t.Fatalf("with refresh_url: plan exited %d; want a clean plan:\n%s", code, out)
	}
}

// TestAccLive_oauth2NoExpiresIn: a token response without expires_in warns
// and says what follows.
func TestAccLive_oauth2NoExpiresIn(t *testing.T) {
	t.Parallel()
	srv := oidcserver.Start(t, oidcserver.Config{OmitExpiresIn: true, Clients: liveClients().Clients})
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.init()
	out, code := cli.run(oauth2Connector(srv, "client_secret_wo", liveSecret, ""), "plan", "-no-color", "-input=false")
	if code != 0 || !hasDiagnostic(out, "Warning", "token_url", "unexpected_response") || !strings.Contains(out, "cannot know when to refresh") {
		t.Fatalf("plan exited %d; want the expires_in warning:\n%s", code, out)
	}
}

// TestAccLive_accessTokenRedeemsOnlyWhenAllowed: the ephemeral resource
// redeems a refresh token only with redeem_refresh_token, and hands the one
// the server returned back in its ephemeral refresh_token attribute. (The
// server does not rotate here: Terraform opens an ephemeral resource in plan
// and again in apply, so against a rotating server the second opening would
// present a token the first one spent; the guide says so.)
func TestAccLive_accessTokenRedeemsOnlyWhenAllowed(t *testing.T) {
	t.Parallel()
	srv := clientsServer(t, false)
	rt := srv.RefreshToken(t, "app", appSecret, liveWebURI, "openid offline_access api:read")
	config := func(redeem bool) string {
		return fmt.Sprintf(`
ephemeral "handshake_access_token" "app" {
  name                 = "app"
  service              = "oauth2"
  oauth2               = { token_url = %q, grant_type = "refresh_token" }
  auth                 = { client_id = "app", client_secret = %q, token = %q }
  redeem_refresh_token = %t
}
provider "echo" {
  data = {
    has_refresh = ephemeral.handshake_access_token.app.refresh_token != null
    length      = length(ephemeral.handshake_access_token.app.access_token)
  }
}
resource "echo" "token" {}`, srv.TokenURL(), appSecret, rt, redeem)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"handshake": testAccProtoV6ProviderFactories["handshake"],
			"echo":      echoprovider.NewProviderServer(),
		},
		Steps: []resource.TestStep{
			{Config: config(false), ExpectError: regexp.MustCompile(`redeem_refresh_token = true`)},
			{Config: config(true), ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data").AtMapKey("has_refresh"), knownvalue.Bool(true)),
			}},
		},
	})
}
