package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/entra"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/github"
)

// TestAccLive_grantedScopesFromVendors: healthy connectors store what the
// service reports as granted (issue 17, item 8): Slack's and GitHub's
// x-oauth-scopes, a GitHub App installation's permissions, an Entra token's
// roles claim. A refresh of the unchanged connectors plans nothing.
func TestAccLive_grantedScopesFromVendors(t *testing.T) {
	t.Parallel()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	appKey, err := github.SandboxAppPrivateKey(context.Background(), srv.VendorURL("github"))
	if err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`
resource "handshake_connector" "slack" {
  name            = "slack-scopes"
  service         = "slack"
  slack           = { base_url = %q }
  auth            = { token = "xoxb-1111-sandbox-scopes-AbCdEfGhIjKlMnOp" }
  required_scopes = ["chat:write"]
}
resource "handshake_connector" "github" {
  name    = "github-scopes"
  service = "github"
  github  = { base_url = %q }
  auth    = { token = "ghp_sandbox_scopes_0123456789abcdefABCDEF" }
}
resource "handshake_connector" "github_app" {
  name    = "github-app-scopes"
  service = "github"
  github  = { base_url = %q, app_id = %q, installation_id = "1001" }
  auth    = { private_key = %q }
}
resource "handshake_connector" "entra" {
  name     = "entra-roles"
  service  = "entra_id"
  entra_id = { tenant_id = %q, authority_url = %q, graph_url = %q }
  auth     = { client_id = %q, client_secret = %q }
}`, srv.VendorURL("slack")+"/api", srv.VendorURL("github"), srv.VendorURL("github"), github.SandboxAppID, appKey,
		entra.SandboxTenantID, srv.VendorURL("entra"), srv.VendorURL("entra"), entra.SandboxClientID, entra.SandboxSecretLimited+"-scopes")
	list := func(v ...string) knownvalue.Check {
		checks := make([]knownvalue.Check, len(v))
		for i, s := range v {
			checks[i] = knownvalue.StringExact(s)
		}
		return knownvalue.ListExact(checks)
	}
	granted := tfjsonpath.New("granted_scopes")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("handshake_connector.slack", granted, list("chat:write")),
					statecheck.ExpectKnownValue("handshake_connector.github", granted, list("read:user")),
					statecheck.ExpectKnownValue("handshake_connector.github_app", granted, list("contents:read", "members:read", "metadata:read")),
					statecheck.ExpectKnownValue("handshake_connector.entra", granted, list("User.Read.All")),
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccLive_removedScopeDrift: the drift the guide promises for a removed
// scope. An admin edits a GitHub classic token and reinstalls a Slack app
// with fewer scopes (both keep their token); a scheduled
// `plan -refresh-only -detailed-exitcode` exits 2, shows the scope leaving
// granted_scopes, and names it as insufficient_scope.
func TestAccLive_removedScopeDrift(t *testing.T) {
	t.Parallel()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	cli := newTerraformCLI(t, defaultProviderFactory)
	const (
		ghToken    = "ghp_sandbox_edited_0123456789abcdefABCDEF"
		slackToken = "xoxb-1111-sandbox-reinstalled-AbCdEfGhIjKl"
	)
	// Plain tokens: Read re-tests only what state holds.
	config := fmt.Sprintf(`
resource "handshake_connector" "gh" {
  name            = "gh-scopes"
  service         = "github"
  github          = { base_url = %q }
  auth            = { token = %q }
  required_scopes = ["read:org"]
}
resource "handshake_connector" "slack" {
  name            = "slack-scopes"
  service         = "slack"
  slack           = { base_url = %q }
  auth            = { token = %q }
  required_scopes = ["users:read"]
}`, srv.VendorURL("github"), ghToken, srv.VendorURL("slack")+"/api", slackToken)
	cli.run(config, "init", "-no-color", "-input=false")
	if out, code := cli.run("", "apply", "-auto-approve", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("apply failed:\n%s", out)
	}
	if out, code := cli.run("", "plan", "-refresh-only", "-detailed-exitcode", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("unchanged connectors: refresh-only plan exited %d, want 0:\n%s", code, out)
	}
	srv.SetScopes(ghToken, "repo, read:user")
	srv.SetScopes(slackToken, "chat:write")
	out, code := cli.run("", "plan", "-refresh-only", "-detailed-exitcode", "-no-color", "-input=false")
	if code != 2 {
		t.Fatalf("removed scopes: refresh-only plan exited %d, want 2:\n%s", code, out)
	}
	for _, removed := range []string{`- "read:org"`, `- "users:read"`} {
		if !strings.Contains(out, removed) {
			t.Errorf("the plan does not show %s leaving granted_scopes:\n%s", removed, out)
		}
	}
	for resource, scope := range map[string]string{"gh": "read:org", "slack": "users:read"} {
		block, ok := vendorDiagnostic(out, "Warning", resource, "insufficient_scope", "")
		if !ok || !strings.Contains(block, scope) {
			t.Errorf("no insufficient_scope warning naming %s for %s:\n%s", scope, resource, out)
		}
	}
}
