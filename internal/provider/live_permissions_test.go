package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/entra"
)

// TestAccLive_entraRequiredPermissions: required_permissions are compared
// with the roles admin consent granted, and a missing one fails the plan on
// its own list element.
func TestAccLive_entraRequiredPermissions(t *testing.T) {
	t.Parallel()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_11_0)
	config := func(secret string) string {
		return fmt.Sprintf(`
resource "handshake_connector" "directory" {
  name     = "governance-directory"
  service  = "entra_id"
  entra_id = { tenant_id = %q, authority_url = %q, graph_url = %q }
  auth     = { client_id = %q, client_secret_wo = %q }
  required_permissions = [
    "User.Read.All",
    "AuditLog.Read.All",
  ]
}`, entra.SandboxTenantID, srv.VendorURL("entra"), srv.VendorURL("entra"), entra.SandboxClientID, secret)
	}
	cli.init()
	out, code := cli.run(config(entra.SandboxSecretOK), "plan", "-no-color", "-input=false")
	if code == 0 || !hasDiagnostic(out, "Error", `"AuditLog.Read.All"`, "insufficient_scope") {
		t.Fatalf("a permission the app lacks must fail the plan on its line:\n%s", out)
	}
	if hasDiagnostic(out, "Error", `"User.Read.All"`, "insufficient_scope") {
		t.Fatalf("a granted permission was reported missing:\n%s", out)
	}
}
