package provider

import (
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/handshake-tf/terraform-provider-handshake/internal/testing/oidcserver"
)

// These tests run the generic oauth2 connector against oidc-provider, a
// certified OpenID Connect server nobody here wrote, started on 127.0.0.1.

const (
	liveSecret  = "sync-secret-0123456789abcdef"
	liveWebURI  = "https://app.example.com/callback"
	liveExpired = "old-secret-0123456789abcdef"
)

func liveClients() oidcserver.Config {
	return oidcserver.Config{Clients: []oidcserver.Client{
		{ClientID: "sync", ClientSecret: liveSecret, Scope: "api:read",
			GrantTypes: []string{"client_credentials", "authorization_code"}, ResponseTypes: []string{"code"},
			RedirectURIs: []string{liveWebURI}},
		{ClientID: "legacy", ClientSecret: liveExpired, ClientSecretExpiresAt: 1700000000,
			GrantTypes: []string{"client_credentials"}, ResponseTypes: []string{}, RedirectURIs: []string{}},
	}}
}

// oauth2Connector is a connector to the test server; extra goes inside the block.
func oauth2Connector(srv *oidcserver.Server, secretAttr, secret, extra string) string {
	return fmt.Sprintf(`
resource "handshake_connector" "idp" {
  name    = "idp-sync"
  service = "oauth2"
  oauth2  = { token_url = %q, authorization_url = %q }
  auth    = { client_id = "sync", %s = %q }
%s
}`, srv.TokenURL(), srv.AuthorizationURL(), secretAttr, secret, extra)
}

// secretFromVariable moves the connector's secret literal into a sensitive
// variable, the way users pass secrets: then no copy of the secret is
// Terraform's to print, and any in the output is a leak. It returns the
// configuration and the arguments that set the variable (-var, not
// TF_VAR_secret: process-wide, that would forbid t.Parallel).
func secretFromVariable(t *testing.T, config, secret string) (string, []string) {
	t.Helper()
	literal := strconv.Quote(secret)
	if !strings.Contains(config, literal) {
		t.Fatalf("the configuration holds no %s", literal)
	}
	return "variable \"secret\" {\n  type      = string\n  sensitive = true\n}\n" + strings.Replace(config, literal, "var.secret", 1),
		[]string{"-var", "secret=" + secret}
}

func TestAccLive_oauth2FailuresThroughPlan(t *testing.T) {
	t.Parallel()
	srv := oidcserver.Start(t, liveClients())
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.init()
	const wrongSecret = "not-the-secret-0123"
	tests := []struct {
		name, secret, config, category, line string
	}{
		{"wrong secret", wrongSecret, oauth2Connector(srv, "client_secret", wrongSecret, ""), "invalid_credentials", "client_secret"},
		{"expired secret", liveExpired, strings.Replace(oauth2Connector(srv, "client_secret", liveExpired, ""), `client_id = "sync"`, `client_id = "legacy"`, 1),
			"expired_credentials", "client_secret"},
		{"scope outside the client's allow-list", liveSecret, oauth2Connector(srv, "client_secret", liveSecret, `  required_scopes = ["api:write"]`),
			"invalid_scope", "required_scopes"},
		{"scope silently dropped", liveSecret, oauth2Connector(srv, "client_secret", liveSecret, `  required_scopes = ["api:read", "reports:read"]`),
			"insufficient_scope", "required_scopes"},
		{"unregistered redirect URI", liveSecret, oauth2Connector(srv, "client_secret", liveSecret,
			`  redirect_uris = ["`+liveWebURI+`", "https://evil.example.com/callback"]`), "redirect_uri_mismatch", "evil.example.com"},
		{"no refresh token when one is required", liveSecret, oauth2Connector(srv, "client_secret", liveSecret,
			`  required_scopes = ["api:read", "offline_access"]
  require_refresh_token = true`), "refresh_token_missing", "require_refresh_token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			config, vars := secretFromVariable(t, tt.config, tt.secret)
			out, code := cli.run(config, append([]string{"plan", "-no-color", "-input=false"}, vars...)...)
			if code == 0 {
				t.Fatalf("plan succeeded, want an error:\n%s", out)
			}
			if !hasDiagnostic(out, "Error", tt.line, tt.category) {
				t.Fatalf("no error with category %s on a line matching %q:\n%s", tt.category, tt.line, out)
			}
			for _, secret := range []string{tt.secret, liveSecret, liveExpired} {
				if strings.Contains(out, secret) {
					t.Fatalf("the secret %.6s… appears in the output:\n%s", secret, out)
				}
			}
		})
	}
}

// TestAccLive_oauth2DriftRefreshOnly: a healthy connector refreshes without
// drift; once its client is removed from the server (revoked), a scheduled
// `plan -refresh-only -detailed-exitcode` exits 2 and says why.
func TestAccLive_oauth2DriftRefreshOnly(t *testing.T) {
	t.Parallel()
	srv := oidcserver.Start(t, liveClients())
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.initWith(oauth2Connector(srv, "client_secret", liveSecret, `  required_scopes = ["api:read"]`))
	if out, code := cli.run("", "apply", "-auto-approve", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("apply failed:\n%s", out)
	}
	show, _ := cli.run("", "state", "show", "-no-color", "handshake_connector.idp")
	for _, want := range []string{`status\s+= "healthy"`, `"api:read"`} {
		if !regexp.MustCompile(want).MatchString(show) {
			t.Fatalf("state lacks %s:\n%s", want, show)
		}
	}
	if out, code := cli.run("", "plan", "-refresh-only", "-detailed-exitcode", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("unchanged healthy connector: refresh-only plan exited %d, want 0:\n%s", code, out)
	}

	cfg := liveClients()
	cfg.Clients = cfg.Clients[1:] // the sync client is gone: its secret no longer works
	srv.Restart(t, cfg)
	out, code := cli.run("", "plan", "-refresh-only", "-detailed-exitcode", "-no-color", "-input=false")
	if code != 2 {
		t.Fatalf("revoked client: refresh-only plan exited %d, want 2:\n%s", code, out)
	}
	if !regexp.MustCompile(`status\s+= "healthy" -> "unhealthy"`).MatchString(out) || !hasDiagnostic(out, "Warning", "client_secret", "invalid_credentials") {
		t.Fatalf("the drift does not name the cause:\n%s", out)
	}
}

// TestAccLive_writeOnlyTestedAtPlan: a connector whose secret is write-only
// cannot be re-tested on refresh, so every ordinary plan tests it.
func TestAccLive_writeOnlyTestedAtPlan(t *testing.T) {
	t.Parallel()
	srv := oidcserver.Start(t, liveClients())
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_11_0)
	cli.initWith(oauth2Connector(srv, "client_secret_wo", liveSecret, ""))
	if out, code := cli.run("", "apply", "-auto-approve", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("apply failed:\n%s", out)
	}
	if out, code := cli.run("", "plan", "-detailed-exitcode", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("unchanged connector: plan exited %d, want 0:\n%s", code, out)
	}
	cfg := liveClients()
	cfg.Clients = cfg.Clients[1:]
	srv.Restart(t, cfg)
	out, code := cli.run("", "plan", "-detailed-exitcode", "-no-color", "-input=false")
	if code != 1 || !hasDiagnostic(out, "Error", "client_secret_wo", "invalid_credentials") {
		t.Fatalf("revoked write-only secret: plan exited %d, want 1 with invalid_credentials on client_secret_wo:\n%s", code, out)
	}
}

// TestAccLive_connectionTestDataSource: failures are data for check blocks.
func TestAccLive_connectionTestDataSource(t *testing.T) {
	t.Parallel()
	srv := oidcserver.Start(t, liveClients())
	config := func(secret string) string {
		return fmt.Sprintf(`
data "handshake_connection_test" "idp" {
  name            = "idp-sync"
  service         = "oauth2"
  oauth2          = { token_url = %q }
  auth            = { client_id = "sync", client_secret = %q }
  required_scopes = ["api:read"]
}`, srv.TokenURL(), secret)
	}
	addr := "data.handshake_connection_test.idp"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(liveSecret),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("healthy")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("granted_scopes"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("api:read")})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("steps").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("dns")),
				},
			},
			{
				Config: config("wrong-secret-0123456789"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("unhealthy")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("findings").AtSliceIndex(0).AtMapKey("category"), knownvalue.StringExact("invalid_credentials")),
				},
			},
			{
				Config:      strings.Replace(config("wrong-secret-0123456789"), `required_scopes`, "fail_on_error   = true\n  required_scopes", 1),
				ExpectError: regexp.MustCompile(`Category: invalid_credentials`),
			},
		},
	})
}

// TestAccLive_checkBlock: a check block with the data source warns on an
// unhealthy connector and never blocks the apply.
func TestAccLive_checkBlock(t *testing.T) {
	t.Parallel()
	srv := oidcserver.Start(t, liveClients())
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_5_0)
	config := fmt.Sprintf(`
check "idp_healthy" {
  data "handshake_connection_test" "idp" {
    name    = "idp-sync"
    service = "oauth2"
    oauth2  = { token_url = %q }
    auth    = { client_id = "sync", client_secret = "wrong-secret-0123456789" }
  }
  assert {
    condition     = data.handshake_connection_test.idp.status == "healthy"
    error_message = data.handshake_connection_test.idp.summary
  }
}`, srv.TokenURL())
	cli.initWith(config)
	out, code := cli.run("", "apply", "-auto-approve", "-no-color", "-input=false")
	// The assertion's message is the data source's summary: the cause, with
	// the vendor's code, not a generic "unhealthy".
	if code != 0 || !strings.Contains(out, `Check block assertion failed`) || !strings.Contains(out, "(invalid_client)") {
		t.Fatalf("apply exited %d; want 0 with a failed check assertion naming invalid_client:\n%s", code, out)
	}
}

// TestAccLive_accessTokenEphemeral: the token flows to another provider's
// configuration and is never stored.
func TestAccLive_accessTokenEphemeral(t *testing.T) {
	t.Parallel()
	srv := oidcserver.Start(t, liveClients())
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"handshake": testAccProtoV6ProviderFactories["handshake"],
			"echo":      echoprovider.NewProviderServer(),
		},
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
ephemeral "handshake_access_token" "idp" {
  name            = "idp-sync"
  service         = "oauth2"
  oauth2          = { token_url = %q }
  auth            = { client_id = "sync", client_secret = %q }
  required_scopes = ["api:read"]
}
provider "echo" {
  data = {
    type    = ephemeral.handshake_access_token.idp.token_type
    scopes  = ephemeral.handshake_access_token.idp.granted_scopes
    has_exp = ephemeral.handshake_access_token.idp.expires_at != ""
    length  = length(ephemeral.handshake_access_token.idp.access_token)
  }
}
resource "echo" "token" {}`, srv.TokenURL(), liveSecret),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data").AtMapKey("type"), knownvalue.StringExact("Bearer")),
				statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data").AtMapKey("has_exp"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data").AtMapKey("length"), knownvalue.NumberFunc(func(v *big.Float) error {
					if v.Sign() <= 0 {
						return fmt.Errorf("empty access token")
					}
					return nil
				})),
			},
		}},
	})
}
