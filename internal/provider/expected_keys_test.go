package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccConnectionTest_writeOnlyKeyDropped: the data source has no
// write-only attributes, and Terraform drops unknown keys inside an object
// without an error, so `client_secret_wo` here arrives as an empty auth
// block. The error must say which keys the provider reads.
func TestAccConnectionTest_writeOnlyKeyDropped(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: offlineProvider + `
data "handshake_connection_test" "api" {
  name          = "api"
  service       = "oauth2"
  oauth2        = { token_url = "https://idp.example.com/oauth2/token" }
  auth          = { client_id_x = "sync", client_secret_wo = "not-a-data-source-key" }
  fail_on_error = true
}`,
			ExpectError: regexp.MustCompile(`(?s)Missing auth.client_id.*auth\s+block\s+sets\s+none\s+of\s+the\s+keys\s+the\s+oauth2\s+service\s+reads:\s+.client_id.,\s+.client_secret.`),
		}},
	})
}
