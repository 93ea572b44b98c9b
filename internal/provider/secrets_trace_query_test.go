package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/handshake-tf/terraform-provider-handshake/internal/services/entra"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/keycloak"
)

// TestAccSecrets_queryAndActionNeverInTraceLogs: the admin secrets of a
// terraform query and an action's secret stay out of the provider's trace
// log and the CLI's output (Terraform's own TRACE log included). Serial:
// TF_LOG is process environment.
func TestAccSecrets_queryAndActionNeverInTraceLogs(t *testing.T) {
	srv, key := querySandbox(t)
	entraSecret := entra.SandboxSecretOK + "-query"
	check := traceLog(t, entraSecret, keycloak.SandboxClientSecret, slackSecrets["ok"])
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_14_0)
	if err := os.WriteFile(filepath.Join(cli.dir, "github-app.pem"), []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.initWith(vendorConfig("slack", slackSecrets, nil) + slackAction("ok", srv.VendorURL("slack")+"/api", "ok", ""))
	// The admin secrets come from environment variables (auth.*_env):
	// list arguments have no sensitive flag, and Terraform 1.14's
	// terraform query -json prints each list block's configuration,
	// sensitive variables' values included.
	var q strings.Builder
	for _, vendor := range []string{"entra", "keycloak", "github"} {
		body := queryAdmins(srv.VendorURL)[vendor]
		body = strings.Replace(body, fmt.Sprintf("client_secret = %q", entraSecret), `client_secret_env = "HANDSHAKE_TEST_ENTRA_ADMIN"`, 1)
		body = strings.Replace(body, fmt.Sprintf("client_secret = %q", keycloak.SandboxClientSecret), `client_secret_env = "HANDSHAKE_TEST_KEYCLOAK_ADMIN"`, 1)
		body = strings.Replace(body, `private_key = file("${path.module}/github-app.pem")`, `private_key_env = "HANDSHAKE_TEST_GITHUB_KEY"`, 1)
		fmt.Fprintf(&q, "list \"handshake_connector\" %q {\n  provider = handshake\n  include_resource = true\n  config {\n%s\n  }\n}\n", vendor, body)
	}
	t.Setenv("HANDSHAKE_TEST_ENTRA_ADMIN", entraSecret)
	t.Setenv("HANDSHAKE_TEST_KEYCLOAK_ADMIN", keycloak.SandboxClientSecret)
	t.Setenv("HANDSHAKE_TEST_GITHUB_KEY", key)
	if err := os.WriteFile(filepath.Join(cli.dir, "main.tfquery.hcl"), []byte(q.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"query", "-no-color"},
		{"query", "-no-color", "-json"},
		{"query", "-no-color", "-generate-config-out=generated.tf"},
		{"apply", "-no-color", "-input=false", "-auto-approve", "-invoke=action.handshake_test_connection.ok"},
	} {
		out, code := cli.run("", args...)
		if code != 0 || args[0] == "query" && !strings.Contains(out, "hr-export") {
			t.Fatalf("terraform %s exited %d, or listed nothing:\n%.3000s", strings.Join(args, " "), code, out)
		}
		for _, s := range []string{entraSecret, keycloak.SandboxClientSecret, slackSecrets["ok"], "PRIVATE KEY"} {
			if i := strings.Index(out, s); i >= 0 {
				t.Errorf("terraform %s: a secret reached the output: %.400s", strings.Join(args, " "), out[max(0, i-300):])
			}
		}
	}
	check()
}
