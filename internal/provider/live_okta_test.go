package provider

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
)

// Okta connectors against the in-repo sandbox's Okta emulation, through a
// real `terraform plan`. Every failing connector lives in one configuration
// so that one plan exercises them all; each attribute line ends with a
// "# <scenario>" comment, which Terraform prints under the diagnostic, so a
// test can tell which connector a diagnostic belongs to.

// ogScenarioLine matches the source line of attr in the connector of scenario.
func ogScenarioLine(attr, scenario string) string {
	return regexp.QuoteMeta(attr) + `\b.*# ` + regexp.QuoteMeta(scenario) + `$`
}

// ogDiagBlock returns the text of the first diagnostic of kind whose detail
// names category and whose source line matches line ("" when none does).
func ogDiagBlock(out, kind, line, category string) string {
	idx := diagnosticHeading.FindAllStringSubmatchIndex(out, -1)
	source := regexp.MustCompile(`(?m)\n[│ ]*\d+:[^\n]*(` + line + `)`)
	for i, m := range idx {
		end := len(out)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		block := out[m[0]:end]
		if out[m[2]:m[3]] == kind && strings.Contains(block, "Category: "+category) && (line == "" || source.MatchString(block)) {
			return block
		}
	}
	return ""
}

// ogWriteFile writes a file the configuration reads (a key generated at run time).
func ogWriteFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// ogConnector is one connector resource; lines are its body's attribute
// lines, each tagged with the scenario.
func ogConnector(name, scenario string, lines ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"handshake_connector\" %q {\n", name)
	for _, l := range append([]string{fmt.Sprintf("name = %q", name)}, lines...) {
		fmt.Fprintf(&b, "  %s # %s\n", l, scenario)
	}
	b.WriteString("}\n")
	return b.String()
}

func oktaConnectorTF(sb *sandbox.Server, name, scenario string, auth []string, extra ...string) string {
	lines := []string{`service = "okta"`, "okta = {"}
	for _, l := range []string{`domain = "dev-123456.okta.com"`, fmt.Sprintf("base_url = %q", sb.VendorURL("okta"))} {
		lines = append(lines, "  "+l)
	}
	lines = append(lines, "}", "auth = {")
	for _, l := range auth {
		lines = append(lines, "  "+l)
	}
	lines = append(lines, "}")
	return ogConnector(name, scenario, append(lines, extra...)...)
}

func TestAccLive_oktaThroughPlan(t *testing.T) {
	t.Parallel()
	sb := sandbox.Start(services.Emulations()...)
	t.Cleanup(sb.Close)
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_11_0)
	cli.init()

	key := strings.TrimSpace(testPrivateKeyPEM())
	keyFile := cli.dir + "/okta-app.pem"
	ogWriteFile(t, keyFile, key)
	token := func(scenario string) []string {
		return []string{fmt.Sprintf("token_wo = %q", scenario+".00Qc7Hs1x9Wz")}
	}
	app := func(scenario string) []string {
		return []string{fmt.Sprintf("client_id = %q", scenario+".0oa1b2c3d4e5"), `private_key_wo = file("${path.module}/okta-app.pem")`}
	}
	scopes := func(s ...string) string { return `required_scopes = ["` + strings.Join(s, `", "`) + `"]` }

	var config strings.Builder
	config.WriteString(oktaConnectorTF(sb, "token_healthy", "healthy", token("healthy")))
	config.WriteString(oktaConnectorTF(sb, "app_healthy", "app-healthy", app("healthy"), scopes("okta.users.read")))
	cases := []struct {
		name, scenario, attr, kind, category, mention string
		auth                                          []string
		extra                                         []string
	}{
		{"token_invalid", "invalid-token", "token_wo", "Error", "invalid_credentials", "Security > API > Tokens", token("invalid-token"), nil},
		{"token_owner_deactivated", "owner-deactivated", "token_wo", "Error", "invalid_credentials", "deactivated", token("owner-deactivated"), nil},
		{"token_forbidden", "forbidden", "token_wo", "Error", "access_denied", "Read-Only Administrator", token("forbidden"), nil},
		{"token_rate_limited", "rate-limited", "base_url", "Error", "rate_limited", "E0000047", token("rate-limited"), nil},
		{"token_rate_exhausted", "rate-exhausted", "base_url", "Error", "rate_limited", "X-Rate-Limit-Reset", token("rate-exhausted"), nil},
		{"token_rate_low", "rate-low", "base_url", "Warning", "rate_limited", "Rate Limits", token("rate-low"), nil},
		{"app_unknown", "unknown-client", "client_id", "Error", "app_not_found", "0oa", app("unknown-client"), []string{scopes("okta.users.read")}},
		{"app_bad_signature", "bad-signature", "private_key_wo", "Error", "invalid_credentials", "Public keys", app("bad-signature"), []string{scopes("okta.users.read")}},
		{"app_key_rotated", "key-rotated", "private_key_wo", "Error", "revoked_credentials", "rotated", app("key-rotated"), []string{scopes("okta.users.read")}},
		{"app_dpop", "dpop-required", "base_url", "Error", "invalid_configuration", "DPoP", app("dpop-required"), []string{scopes("okta.users.read")}},
		{"app_no_admin_role", "no-admin-role", "client_id", "Error", "access_denied", "Admin roles", app("no-admin-role"), []string{scopes("okta.users.read")}},
		{"app_scope_mismatch", "scope-mismatch", "required_scopes", "Error", "insufficient_scope", "Okta API Scopes", app("scope-mismatch"), []string{scopes("okta.users.read")}},
		{"app_scope_not_granted", "scope-not-granted", "required_scopes", "Error", "invalid_scope", "Super Administrator", app("healthy"), []string{scopes("okta.users.read", "okta.roles.manage")}},
	}
	for _, c := range cases {
		config.WriteString(oktaConnectorTF(sb, c.name, c.scenario, c.auth, c.extra...))
	}
	// A custom authorization server that does not exist: the error points at its id.
	config.WriteString(ogConnector("app_missing_server", "missing-server", `service = "okta"`,
		fmt.Sprintf(`okta = { domain = "dev-123456.okta.com", base_url = %q, authorization_server = "missing" }`, sb.VendorURL("okta")),
		`auth = { client_id = "healthy.0oa9", client_secret_wo = "s3cr3t-client-secret-value" }`,
		scopes("inventory:read")))

	out, code := cli.run(config.String(), "plan", "-no-color", "-input=false")
	if code == 0 {
		t.Fatalf("plan succeeded, want errors:\n%s", out)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			block := ogDiagBlock(out, c.kind, ogScenarioLine(c.attr, c.scenario), c.category)
			if block == "" {
				t.Fatalf("no %s with category %s on the %s line of %s:\n%s", c.kind, c.category, c.attr, c.scenario, out)
			}
			// Terraform wraps long lines: compare with the whitespace folded.
			if flat := strings.Join(strings.Fields(block), " "); !strings.Contains(flat, "Fix") || !strings.Contains(flat, c.mention) {
				t.Fatalf("the diagnostic has no fix mentioning %q:\n%s", c.mention, block)
			}
		})
	}
	if ogDiagBlock(out, "Error", `authorization_server = "missing"`, "endpoint_not_found") == "" {
		t.Errorf("no endpoint_not_found on the authorization_server line:\n%s", out)
	}
	for _, healthy := range []string{"# healthy", "# app-healthy"} {
		for _, block := range diagnosticHeading.Split(out, -1) {
			if strings.Contains(block, healthy+"\n") {
				t.Errorf("a healthy connector got a diagnostic:\n%s", block)
			}
		}
	}
	if strings.Contains(out, "BEGIN PRIVATE KEY") || strings.Contains(out, "sbx_okta_at.") {
		t.Error("a key or an access token appears in the output")
	}
}

// TestAccLive_oktaDrift: an API token that worked is revoked (its owner
// deactivated): a scheduled refresh-only plan exits 2 and names the cause.
func TestAccLive_oktaDrift(t *testing.T) {
	t.Parallel()
	sb := sandbox.Start(services.Emulations()...)
	t.Cleanup(sb.Close)
	cli := newTerraformCLI(t, defaultProviderFactory)
	const token = "healthy.drift-00Qc7Hs1x9Wz"
	config := oktaConnectorTF(sb, "okta", "drift", []string{fmt.Sprintf("token = %q", token)})
	cli.initWith(config)
	if out, code := cli.run("", "apply", "-auto-approve", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("apply failed:\n%s", out)
	}
	if out, code := cli.run("", "plan", "-refresh-only", "-detailed-exitcode", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("unchanged healthy connector: refresh-only plan exited %d, want 0:\n%s", code, out)
	}
	sb.Revoke(token)
	out, code := cli.run("", "plan", "-refresh-only", "-detailed-exitcode", "-no-color", "-input=false")
	if code != 2 {
		t.Fatalf("revoked token: refresh-only plan exited %d, want 2:\n%s", code, out)
	}
	if !regexp.MustCompile(`status\s+= "healthy" -> "unhealthy"`).MatchString(out) || !hasDiagnostic(out, "Warning", `token = "healthy.drift`, "invalid_credentials") {
		t.Fatalf("the drift does not name the cause:\n%s", out)
	}
}
