package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/entra"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/slack"
)

// slackAction is an action block testing a Slack bot token at the sandbox;
// the token comes from the sensitive variable, as a user's would.
func slackAction(name, base, secret, extra string) string {
	return fmt.Sprintf(`
action "handshake_test_connection" %q {
  config {
    name    = %q
    service = "slack"
    slack   = { base_url = %q, team_id = %q }
    auth    = { token = var.secrets[%q] }
%s
  }
}
`, name, name, base, slack.SandboxTeamID, secret, extra)
}

func TestAccAction_testConnectionInvoke(t *testing.T) {
	t.Parallel()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_14_0)
	base := srv.VendorURL("slack") + "/api"
	config := vendorConfig("slack", slackSecrets, nil) + slackAction("ok", base, "ok", "") +
		slackAction("revoked", base, "revoked", "") +
		slackAction("revoked_warn", base, "revoked", `    on_failure = "warn"`) +
		// Test the connector again whenever a rotation (here a stand-in
		// resource) changes.
		`
variable "rotation" {
  type    = string
  default = "1"
}
resource "terraform_data" "rotation" {
  input = var.rotation
  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.handshake_test_connection.ok]
    }
  }
}
`
	cli.initWith(config)
	invoke := func(name string, args ...string) (string, int) {
		return cli.run("", append([]string{"apply", "-no-color", "-input=false", "-auto-approve", "-invoke=action.handshake_test_connection." + name}, args...)...)
	}
	noSecrets := func(out string) {
		t.Helper()
		for _, s := range slackSecrets {
			if strings.Contains(out, s) {
				t.Errorf("a secret reached the CLI output:\n%s", out)
			}
		}
	}

	// Each step is reported as it ends, with its duration.
	out, code := invoke("ok")
	noSecrets(out)
	if code != 0 {
		t.Fatalf("invoking a healthy connector's test exited %d:\n%s", code, out)
	}
	for _, want := range []string{`: ok: dns ok in \d+ ms`, `: ok: tcp ok in \d+ ms`, `: ok: api ok in \d+ ms: POST \S+/auth.test answered 200`, `: ok: healthy: All checks passed`} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("no progress line matching %q in:\n%s", want, out)
		}
	}

	// A failure is an error diagnostic with the vendor's code, and fails the apply.
	out, code = invoke("revoked")
	noSecrets(out)
	if code != 1 || !invokeDiagnostic(out, "Error", "revoked_credentials") ||
		!strings.Contains(out, "token_revoked") || !regexp.MustCompile(`revoked: api failed in \d+ ms \(revoked_credentials\)`).MatchString(out) {
		t.Errorf("a revoked token: exit %d, want an error naming revoked_credentials and token_revoked:\n%s", code, out)
	}
	// on_failure = "warn" reports the same finding as a warning.
	out, code = invoke("revoked_warn")
	if code != 0 || !invokeDiagnostic(out, "Warning", "revoked_credentials") || invokeDiagnostic(out, "Error", "") {
		t.Errorf("on_failure = warn: exit %d, want a warning naming revoked_credentials:\n%s", code, out)
	}

	// action_trigger: creating, then changing, the rotation runs the test.
	for _, rotation := range []string{"1", "2"} {
		out, code = cli.run("", "apply", "-no-color", "-input=false", "-auto-approve", "-var", "rotation="+rotation)
		noSecrets(out)
		if code != 0 || !strings.Contains(out, "Action started: action.handshake_test_connection.ok (triggered by terraform_data.rotation)") ||
			!strings.Contains(out, ": ok: healthy: All checks passed") {
			t.Errorf("rotation %s: exit %d, want the triggered test to run and pass:\n%s", rotation, code, out)
		}
	}
}

// invokeDiagnostic reports whether out holds an invocation diagnostic of the
// given kind naming category (any when ""). Terraform reports an action's
// diagnostics without a source location, under its own summary.
func invokeDiagnostic(out, kind, category string) bool {
	re := regexp.MustCompile(`(?s)` + kind + ` when invoking action\n.*?Category: ` + regexp.QuoteMeta(category))
	return re.MatchString(out)
}

// TestAccAction_tokenFlowProgress: a connector with a token flow reports the
// token step with its duration, and the client secret stays out of the output.
func TestAccAction_tokenFlowProgress(t *testing.T) {
	t.Parallel()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_14_0)
	base := srv.VendorURL("entra")
	config := vendorConfig("entra_id", entraSecrets, nil) + fmt.Sprintf(`
action "handshake_test_connection" "directory" {
  config {
    name     = "directory"
    service  = "entra_id"
    entra_id = { tenant_id = %q, authority_url = %q, graph_url = %q }
    auth     = { client_id = %q, client_secret = var.secrets["ok"] }
    required_permissions = ["User.Read.All"]
  }
}
`, entra.SandboxTenantID, base, base, entra.SandboxClientID)
	cli.initWith(config)
	out, code := cli.run("", "apply", "-no-color", "-input=false", "-auto-approve", "-invoke=action.handshake_test_connection.directory")
	for k, s := range entraSecrets {
		// The Secret ID names the secret (the expiry step quotes it); it is not one.
		if k != "secret_id" && strings.Contains(out, s) {
			t.Errorf("a secret reached the CLI output:\n%s", out)
		}
	}
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, want := range []string{`directory: token ok in \d+ ms`, `directory: graph ok in \d+ ms: GET \S+/v1.0/applications answered 200`, `directory: healthy: `} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("no progress line matching %q in:\n%s", want, out)
		}
	}
}
