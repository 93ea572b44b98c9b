package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

func TestAccConnector_identity(t *testing.T) {
	config := offline(connectorConfig(`
  service = "okta"
  okta = { domain = "dev-123456.okta.com" }
  auth = { token_wo = "00s3cr3t-value-from-okta-admin-console-xyz" }`))
	renamed := strings.Replace(config, `name = "test"`, `name = "okta-admin"`, 1)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("handshake_connector.test", map[string]knownvalue.Check{
						"service": knownvalue.StringExact("okta"),
						"name":    knownvalue.StringExact("test"),
					}),
				},
			},
			// Import by an import block's identity restores what import by id does.
			{
				Config:          config,
				ResourceName:    "handshake_connector.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				// Import restores id, service and name (the identity); the
				// settings come from the configuration, so the import plans
				// an update that tests the connector and records them.
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("handshake_connector.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("handshake_connector.test", tfjsonpath.New("id"), knownvalue.StringExact("okta/test")),
				}},
			},
			// A rename is an in-place update, and the identity follows it.
			{
				Config: renamed,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("handshake_connector.test", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("handshake_connector.test", map[string]knownvalue.Check{
						"service": knownvalue.StringExact("okta"),
						"name":    knownvalue.StringExact("okta-admin"),
					}),
					statecheck.ExpectIdentityValueMatchesState("handshake_connector.test", tfjsonpath.New("name")),
				},
			},
			{Config: renamed, PlanOnly: true},
		},
	})
}

func TestAccConnector_importIdentityInvalid(t *testing.T) {
	config := offline(connectorConfig(`  service = "okta"
  okta = { domain = "dev-1.okta.com" }
  auth = { token_wo = "00s3cr3t-value-from-okta-admin-console-xyz" }`)) + `
import {
  to       = handshake_connector.test
  identity = { service = "nosuchservice", name = "test" }
}
`
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: regexp.MustCompile(`Expected <service>/<name> with service one of`),
		}},
	})
}

func TestAccCredential_identity(t *testing.T) {
	config := `
resource "handshake_credential" "entra" {
  type       = "client_secret"
  value      = "Q~8Rk3.test-secret-value-0123456789abcdef"
  expires_at = "2099-02-01T00:00:00Z"
}`
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(credentialAddr("entra"), map[string]knownvalue.Check{
						"id":   knownvalue.StringRegexp(regexp.MustCompile(`^cred-[0-9a-f]{16}$`)),
						"type": knownvalue.StringExact("client_secret"),
					}),
					statecheck.ExpectIdentityValueMatchesState(credentialAddr("entra"), tfjsonpath.New("id")),
				},
			},
			{
				Config:          config,
				ResourceName:    credentialAddr("entra"),
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				// The value (and so its fingerprint) cannot be imported: the
				// import plans the update that records them.
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(credentialAddr("entra"), plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(credentialAddr("entra"), tfjsonpath.New("type"), knownvalue.StringExact("client_secret")),
				}},
			},
		},
	})
}
