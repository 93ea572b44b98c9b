package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/handshake-tf/terraform-provider-handshake/internal/testing/oidcserver"
)

// TestAccSecrets_neverInTraceLogsPlanOrState runs a live connector (secret
// in a sensitive argument and in a write-only one), a credential and the
// connection-test data source through plan and apply with TF_LOG=trace for
// both Terraform and the provider, then searches every log line, the plan
// output and the state file for the secrets.
//
// Serial: the in-process provider's log sink reads TF_LOG and TF_ACC_LOG_PATH
// from the process environment.
func TestAccSecrets_neverInTraceLogsPlanOrState(t *testing.T) {
	srv := oidcserver.Start(t, liveClients())
	logs := t.TempDir()
	providerLog, coreLog := filepath.Join(logs, "provider.log"), filepath.Join(logs, "core.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", providerLog) // the in-process provider's sink
	t.Setenv("TF_LOG_PATH", coreLog)         // terraform itself
	const woSecret = "Q~8Rk3.write-only-credential-value-0123"
	// Secrets reach Terraform as CI passes them: environment variables.
	t.Setenv("TF_VAR_idp_secret", liveSecret)
	t.Setenv("TF_VAR_wo_secret", woSecret)

	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_11_0)
	config := fmt.Sprintf(`
variable "idp_secret" {
  type      = string
  sensitive = true
}
variable "wo_secret" {
  type      = string
  sensitive = true
}
resource "handshake_connector" "sensitive" {
  name            = "idp-sensitive"
  service         = "oauth2"
  oauth2          = { token_url = %[1]q }
  auth            = { client_id = "sync", client_secret = var.idp_secret }
  required_scopes = ["api:read"]
}
resource "handshake_connector" "write_only" {
  name            = "idp-write-only"
  service         = "oauth2"
  oauth2          = { token_url = %[1]q }
  auth            = { client_id = "sync", client_secret_wo = var.idp_secret }
  required_scopes = ["api:read"]
}
resource "handshake_credential" "wo" {
  type             = "client_secret"
  value_wo         = var.wo_secret
  value_wo_version = 1
  expires_at       = "2099-01-01T00:00:00Z"
}
data "handshake_connection_test" "probe" {
  name    = "idp-data"
  service = "oauth2"
  oauth2  = { token_url = %[1]q }
  auth    = { client_id = "sync", client_secret = var.idp_secret }
}
output "status" {
  value = data.handshake_connection_test.probe.status
}`, srv.TokenURL())
	cli.initWith(config)
	plan, code := cli.run("", "plan", "-no-color", "-input=false")
	if code != 0 {
		t.Fatalf("plan failed:\n%s", plan)
	}
	apply, code := cli.run("", "apply", "-auto-approve", "-no-color", "-input=false")
	if code != 0 || !strings.Contains(apply, `status = "healthy"`) {
		t.Fatalf("apply failed or the connector is not healthy:\n%s", apply)
	}
	state, err := os.ReadFile(filepath.Join(cli.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	// The sensitive (not write-only) argument is in state by design, once for
	// the connector and once for the data source; the write-only ones never.
	if strings.Contains(string(state), woSecret) {
		t.Fatal("state holds the credential's write-only value")
	}
	if n := strings.Count(string(state), liveSecret); n != 2 {
		t.Fatalf("the connector secret appears %d times in state, want 2 (the sensitive argument of the connector and of the data source; never the write-only one)", n)
	}
	for name, text := range map[string]string{"plan output": plan, "apply output": apply} {
		if err := findSecret(name, text, []string{liveSecret, woSecret}); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{providerLog, coreLog} {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) < 10000 || !strings.Contains(string(raw), "handshake") {
			t.Fatalf("%s is suspiciously small (%d bytes): the check would prove nothing", f, len(raw))
		}
		for _, line := range strings.Split(string(raw), "\n") {
			if err := findSecret(filepath.Base(f), line, []string{liveSecret, woSecret}); err != nil {
				t.Fatalf("%v; line: %.200s", err, line)
			}
		}
	}
}
