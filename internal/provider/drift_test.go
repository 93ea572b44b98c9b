package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// TestAccDrift_refreshOnlyExitCodes is what a scheduled CI job relies on:
// `terraform plan -refresh-only -detailed-exitcode` exits 0 while nothing
// changed and 2 once a credential crosses into its warning window.
func TestAccDrift_refreshOnlyExitCodes(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	clock.Set(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	cli := newTerraformCLI(t, func() tfprotov6.ProviderServer {
		return providerserver.NewProtocol6(&handshakeProvider{version: "test", now: clock.Now})()
	})
	cli.offline()
	cli.skipBelow(tfversion.Version1_11_0)
	// Every version attribute is set: as numbers they made every
	// refresh-only plan exit 2 on Terraform 1.11 (see state_upgrade.go).
	config := `
variable "okta_token" {
  type      = string
  sensitive = true
  default   = "00drift-test-okta-token-0123456789"
}
resource "handshake_credential" "entra" {
  type             = "client_secret"
  value_wo         = "Q~8Rk3.drift-test-secret-0123456789"
  value_wo_version = 3
  expires_at       = "2027-01-01T00:00:00Z"
}
resource "handshake_connector" "okta" {
  name    = "okta-users"
  service = "okta"
  okta    = { domain = "acme.okta.com" }
  auth    = { token_wo = var.okta_token, secret_version = 2 }
}`
	cli.initWith(config)
	if out, code := cli.run("", "apply", "-auto-approve", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("apply failed:\n%s", out)
	}
	if codes, out := exitCodes(cli, 4, refreshOnly...); codes != "0000" {
		t.Fatalf("unchanged fleet: refresh-only plans exited %s, want 0000:\n%s", codes, out)
	}

	clock.Set(time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC)) // 12 days before expiry
	out, code := cli.run("", "plan", "-refresh-only", "-detailed-exitcode", "-no-color", "-input=false")
	if code != 2 {
		t.Fatalf("credential inside its window: refresh-only plan exited %d, want 2:\n%s", code, out)
	}
	if !regexp.MustCompile(`expiry_status\s+= "valid" -> "expiring"`).MatchString(out) || !strings.Contains(out, "Category: expiring_credentials") {
		t.Fatalf("the drift does not say what changed:\n%s", out)
	}

	state, err := os.ReadFile(filepath.Join(cli.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"Q~8Rk3.drift-test-secret-0123456789", "00drift-test-okta-token-0123456789"} {
		if strings.Contains(string(state), secret) {
			t.Fatal("a write-only secret reached the state file")
		}
	}
}
