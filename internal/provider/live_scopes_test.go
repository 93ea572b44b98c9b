package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
)

// TestAccLive_grantedScopesFromVendors: healthy connectors store what the
// service reports as granted (issue 17, item 8): Slack's and GitHub's
// x-oauth-scopes, a GitHub App installation's permissions, an Entra token's
// roles claim. A refresh of the unchanged connectors plans nothing.
func TestAccLive_grantedScopesFromVendors(t *testing.T) {
	srv := sandbox.Start()
	defer srv.Close()
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
}`, srv.VendorURL("slack")+"/api", srv.VendorURL("github"), srv.VendorURL("github"), sandbox.GitHubAppID, srv.GitHubAppPrivateKey(),
		sandbox.EntraTenantID, srv.VendorURL("entra"), srv.VendorURL("entra"), sandbox.EntraClientID, sandbox.EntraSecretLimited+"-scopes")
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
