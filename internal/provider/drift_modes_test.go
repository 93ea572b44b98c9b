package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/handshake-tf/terraform-provider-handshake/internal/testing/oidcserver"
)

// driftFleet is what the drift guide recommends, against the test server:
// one connector whose secret is in state (re-tested by every refresh), one
// whose secret is write-only (re-tested by every ordinary plan), both fed
// by a sensitive variable and with every version attribute set, and a
// credential tracked for expiry. onFailure is the write-only connector's.
func driftFleet(srv *oidcserver.Server, onFailure string) string {
	return fmt.Sprintf(`
variable "sync_secret" {
  type      = string
  sensitive = true
  default   = %[2]q
}
# Write-only arguments are best fed by ephemeral variables (see the guide
# for why a credential's value_wo should not come from a sensitive one on
# Terraform 1.11).
variable "sync_secret_for_tracking" {
  type      = string
  ephemeral = true
  default   = %[2]q
}

resource "handshake_connector" "held" {
  name            = "idp-held"
  service         = "oauth2"
  oauth2          = { token_url = %[1]q }
  auth            = { client_id = "sync", client_secret = var.sync_secret, secret_version = 2 }
  required_scopes = ["api:read"]
  on_failure      = "warn"
}

resource "handshake_connector" "write_only" {
  name            = "idp-write-only"
  service         = "oauth2"
  oauth2          = { token_url = %[1]q }
  auth            = { client_id = "sync", client_secret_wo = var.sync_secret, secret_version = 2 }
  required_scopes = ["api:read"]
  on_failure      = %[3]q
}

resource "handshake_credential" "sync" {
  type             = "client_secret"
  value_wo         = var.sync_secret_for_tracking
  value_wo_version = 3
  expires_at       = "2099-01-01T00:00:00Z"
}`, srv.TokenURL(), liveSecret, onFailure)
}

// exitCodes runs the same plan n times: the false drift Terraform 1.11 can
// produce (sensitive paths stored in random order) shows only sometimes.
func exitCodes(cli *terraformCLI, n int, args ...string) (string, string) {
	codes, last := "", ""
	for i := 0; i < n; i++ {
		out, code := cli.run("", args...)
		codes += fmt.Sprint(code)
		last = out
	}
	return codes, last
}

var (
	refreshOnly = []string{"plan", "-refresh-only", "-detailed-exitcode", "-no-color", "-input=false"}
	ordinary    = []string{"plan", "-detailed-exitcode", "-no-color", "-input=false"}
)

// TestAccDrift_bothModes proves the two commands of the drift guide: an
// unchanged fleet exits 0 from both, and once the client is deleted,
// refresh-only exits 2 for the connector whose secret is in state and an
// ordinary plan exits 2 for the write-only one (on_failure = "warn"; with
// "error" the plan fails, see TestAccLive_writeOnlyTestedAtPlan).
func TestAccDrift_bothModes(t *testing.T) {
	t.Parallel()
	srv := oidcserver.Start(t, liveClients())
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.run(driftFleet(srv, "warn"), "init", "-no-color", "-input=false")
	if out, code := cli.run("", "apply", "-auto-approve", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("apply failed:\n%s", out)
	}
	if codes, out := exitCodes(cli, 4, refreshOnly...); codes != "0000" {
		t.Fatalf("unchanged fleet: refresh-only plans exited %s, want 0000:\n%s", codes, out)
	}
	if codes, out := exitCodes(cli, 2, ordinary...); codes != "00" {
		t.Fatalf("unchanged fleet: ordinary plans exited %s, want 00:\n%s", codes, out)
	}

	srv.Restart(t, withoutSync())
	out, code := cli.run("", refreshOnly...)
	if code != 2 || !regexp.MustCompile(`status\s+= "healthy" -> "unhealthy"`).MatchString(out) ||
		!strings.Contains(out, "handshake_connector.held") || strings.Contains(out, "handshake_connector.write_only will") {
		t.Fatalf("deleted client: refresh-only exited %d, want 2 with the state-held connector's status change:\n%s", code, out)
	}
	out, code = cli.run("", ordinary...)
	if code != 2 || !strings.Contains(out, "handshake_connector.write_only will be updated in-place") ||
		!strings.Contains(out, "Category: invalid_credentials") {
		t.Fatalf("deleted client: ordinary plan exited %d, want 2 with an update of the write-only connector:\n%s", code, out)
	}
	if strings.Contains(out, "handshake_connector.held will be updated") {
		t.Fatalf("the state-held connector was refreshed, so its result is no change for an ordinary plan:\n%s", out)
	}
	if strings.Contains(out, liveSecret) {
		t.Fatal("the secret appears in the plan output")
	}

	// Fixed again: both commands are quiet again.
	srv.Restart(t, liveClients())
	if codes, out := exitCodes(cli, 1, refreshOnly...); codes != "0" {
		t.Fatalf("restored client: refresh-only exited %s, want 0 (state still says healthy):\n%s", codes, out)
	}
}

const driftCheckScript = "../../examples/ci/drift-check.sh"

// TestAccDrift_ciScript runs the CI example's script on the guide's fleet
// plus a check block: exit 0 while nothing changed, 2 with one line per
// problem once the client is deleted, 2 (breakage) when a connector with
// on_failure = "error" fails, and 2 when only a check block fails, although
// refresh-only exits 0 then and an ordinary plan exits 2 on every run.
func TestAccDrift_ciScript(t *testing.T) {
	t.Parallel()
	srv := oidcserver.Start(t, liveClients())
	checkBlock := fmt.Sprintf(`
check "sync_healthy" {
  data "handshake_connection_test" "sync" {
    name    = "idp-sync"
    service = "oauth2"
    oauth2  = { token_url = %q }
    auth    = { client_id = "sync", client_secret = var.sync_secret }
  }
  assert {
    condition     = data.handshake_connection_test.sync.status == "healthy"
    error_message = data.handshake_connection_test.sync.summary
  }
}`, srv.TokenURL())
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.run(driftFleet(srv, "warn")+checkBlock, "init", "-no-color", "-input=false")
	if out, code := cli.run("", "apply", "-auto-approve", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("apply failed:\n%s", out)
	}
	if out, code := cli.script(driftCheckScript); code != 0 || !strings.Contains(out, "No drift") {
		t.Fatalf("unchanged fleet: the script exited %d, want 0:\n%s", code, out)
	}
	// Why the script does not use -detailed-exitcode: the check block's
	// data source plans a read on every run.
	if out, code := cli.run("", ordinary...); code != 2 {
		t.Fatalf("with a check block, an ordinary plan exited %d; the guide says 2:\n%s", code, out)
	}

	srv.Restart(t, withoutSync())
	out, code := cli.script(driftCheckScript)
	for _, want := range []string{
		"DRIFT    handshake_connector.held: healthy -> unhealthy",
		"DRIFT    handshake_connector.write_only: its live test no longer finds healthy",
		"BROKEN   check.sync_healthy:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the script's report lacks %q", want)
		}
	}
	if code != 2 || t.Failed() {
		t.Fatalf("deleted client: the script exited %d, want 2:\n%s", code, out)
	}

	// The default on_failure = "error" fails the plan itself: breakage.
	cli.run(driftFleet(srv, "error") + checkBlock)
	out, code = cli.script(driftCheckScript)
	if code != 2 || !strings.Contains(out, "BREAKAGE") || !hasDiagnostic(out, "Error", "client_secret_wo", "invalid_credentials") {
		t.Fatalf("failing on_failure = \"error\" connector: the script exited %d, want 2 with BREAKAGE:\n%s", code, out)
	}
}

// TestAccDrift_onlyACheckFails: a failing check block is a warning, so
// refresh-only exits 0; the script still reports it.
func TestAccDrift_onlyACheckFails(t *testing.T) {
	t.Parallel()
	srv := oidcserver.Start(t, liveClients())
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.run(fmt.Sprintf(`
check "legacy_healthy" {
  data "handshake_connection_test" "legacy" {
    name    = "legacy-export"
    service = "oauth2"
    oauth2  = { token_url = %q }
    auth    = { client_id = "legacy", client_secret = %q }
  }
  assert {
    condition     = data.handshake_connection_test.legacy.status == "healthy"
    error_message = data.handshake_connection_test.legacy.summary
  }
}`, srv.TokenURL(), liveExpired), "init", "-no-color", "-input=false")
	if out, code := cli.run("", "apply", "-auto-approve", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("apply failed:\n%s", out)
	}
	if out, code := cli.run("", refreshOnly...); code != 0 || !strings.Contains(out, "Check block assertion failed") {
		t.Fatalf("refresh-only exited %d; the guide says 0 although the check fails:\n%s", code, out)
	}
	out, code := cli.script(driftCheckScript)
	if code != 2 || !strings.Contains(out, "BROKEN   check.legacy_healthy:") || !strings.Contains(out, "expired") {
		t.Fatalf("the script exited %d, want 2 naming the failed check and its cause:\n%s", code, out)
	}
}

// TestAccDrift_ciScriptIgnoresSensitivePathOrder: on Terraform 1.11 a
// credential whose value_wo comes from a sensitive variable makes
// refresh-only exit 2 at random (its two sensitive paths are stored in
// random order and compared in order). The script reads the plan's
// resource_drift, which compares values, so it stays at 0.
func TestAccDrift_ciScriptIgnoresSensitivePathOrder(t *testing.T) {
	t.Parallel()
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.offline()
	cli.run(`
variable "entra_client_secret" {
  type      = string
  sensitive = true
  default   = "Q~8Rk3.drift-test-secret-0123456789"
}
resource "handshake_credential" "entra" {
  type             = "client_secret"
  value_wo         = var.entra_client_secret
  value_wo_version = 1
  expires_at       = "2099-01-01T00:00:00Z"
}`, "init", "-no-color", "-input=false")
	if out, code := cli.run("", "apply", "-auto-approve", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("apply failed:\n%s", out)
	}
	for i := 0; i < 4; i++ {
		if out, code := cli.script(driftCheckScript); code != 0 {
			t.Fatalf("run %d: the script exited %d on an unchanged credential, want 0:\n%s", i, code, out)
		}
	}
}

// TestAccDrift_ciScriptCredentialWindow: a credential entering its rotation
// window is no change for an ordinary plan (its refresh updates the state),
// but the script reads it from resource_drift; once expired, the plan fails
// and the script reports breakage.
func TestAccDrift_ciScriptCredentialWindow(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	clock.Set(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	cli := newTerraformCLI(t, func() tfprotov6.ProviderServer {
		return providerserver.NewProtocol6(&handshakeProvider{version: "test", now: clock.Now})()
	})
	cli.offline()
	cli.run(`
resource "handshake_credential" "entra" {
  type             = "client_secret"
  value_wo         = "Q~8Rk3.drift-test-secret-0123456789"
  value_wo_version = 1
  expires_at       = "2027-01-01T00:00:00Z"
}`, "init", "-no-color", "-input=false")
	if out, code := cli.run("", "apply", "-auto-approve", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("apply failed:\n%s", out)
	}
	clock.Set(time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC))
	if out, code := cli.run("", ordinary...); code != 0 {
		t.Fatalf("credential inside its window: an ordinary plan exited %d; the guide says 0:\n%s", code, out)
	}
	// Without a refresh the state still says "valid": the plan's own
	// recomputation differs, so it plans an update.
	out, code := cli.run("", "plan", "-refresh=false", "-detailed-exitcode", "-no-color", "-input=false")
	if code != 2 || !regexp.MustCompile(`expiry_status\s+= "valid" -> \(known after apply\)`).MatchString(out) {
		t.Fatalf("credential inside its window: plan -refresh=false exited %d, want 2 with an expiry_status update:\n%s", code, out)
	}
	out, code = cli.script(driftCheckScript)
	if code != 2 || !strings.Contains(out, "DRIFT    handshake_credential.entra: valid -> expiring") {
		t.Fatalf("credential inside its window: the script exited %d, want 2 with its drift:\n%s", code, out)
	}
	clock.Set(time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC))
	out, code = cli.script(driftCheckScript)
	if code != 2 || !strings.Contains(out, "BREAKAGE") || !strings.Contains(out, "Category: expired_credentials") {
		t.Fatalf("expired credential: the script exited %d, want 2 with BREAKAGE:\n%s", code, out)
	}
}
