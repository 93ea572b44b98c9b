package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/github"
)

// These tests drive the github and slack connectors through real
// `terraform plan` runs against the sandbox's GitHub and Slack emulations:
// one configuration holds a connector per failure mode, so a single plan
// exercises all of them.

// vendorAcc is one connector of such a configuration and the diagnostic its
// plan must show: kind ("Error", "Warning", or "" for none), category, a
// regexp for the source line it points at, and a fragment of its text.
type vendorAcc struct {
	name                       string
	body                       string // the connector's arguments after name and service
	kind, category, line, text string
}

// vendorConfig writes the provider block, a sensitive map of the scenario
// secrets, and one connector per case.
func vendorConfig(service string, secrets map[string]string, cases []vendorAcc) string {
	var b strings.Builder
	b.WriteString("provider \"handshake\" {\n  expiry_warning = \"720h\"\n  timeout        = \"5s\"\n}\n")
	keys := make([]string, 0, len(secrets))
	for k := range secrets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteString("variable \"secrets\" {\n  type      = map(string)\n  sensitive = true\n  default = {\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "    %s = %q\n", k, secrets[k])
	}
	b.WriteString("  }\n}\n")
	for _, c := range cases {
		fmt.Fprintf(&b, "resource \"handshake_connector\" %q {\n  name    = %q\n  service = %q\n%s\n}\n", c.name, c.name, service, c.body)
	}
	return b.String()
}

// vendorDiagnostic returns the diagnostic block of the given kind that
// belongs to resource, names category (any when ""), and shows a source
// line matching line (any when "").
func vendorDiagnostic(out, kind, resource, category, line string) (string, bool) {
	idx := diagnosticHeading.FindAllStringSubmatchIndex(out, -1)
	source := regexp.MustCompile(`\n[│ ]*\d+:[^\n]*(` + line + `)`)
	for i, m := range idx {
		end := len(out)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		block := out[m[0]:end]
		if out[m[2]:m[3]] == kind && strings.Contains(block, "with handshake_connector."+resource+",") &&
			strings.Contains(block, "Category: "+category) && (line == "" || source.MatchString(block)) {
			return block, true
		}
	}
	return "", false
}

// checkVendorPlan asserts every case's diagnostic in the plan output, and
// that no secret is shown.
func checkVendorPlan(t *testing.T, out string, secrets map[string]string, cases []vendorAcc) {
	t.Helper()
	for k, secret := range secrets {
		for _, line := range strings.Split(secret, "\n") {
			if len(line) >= 12 && strings.Contains(out, line) {
				t.Fatalf("the plan output shows secret %q:\n%s", k, out)
			}
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.kind == "" {
				for _, kind := range []string{"Error", "Warning"} {
					if block, bad := vendorDiagnostic(out, kind, c.name, "", ""); bad {
						t.Fatalf("healthy connector %s has a diagnostic:\n%s", c.name, block)
					}
				}
				return
			}
			block, ok := vendorDiagnostic(out, c.kind, c.name, c.category, c.line)
			if !ok {
				t.Fatalf("no %s with category %s on a line matching %q for %s:\n%s", c.kind, c.category, c.line, c.name, out)
			}
			if !strings.Contains(block, c.text) || !strings.Contains(block, "Fix") {
				t.Fatalf("the diagnostic lacks %q or a fix:\n%s", c.text, block)
			}
		})
	}
}

// githubSecrets are the scenario tokens (the words after "sandbox" pick the
// sandbox's answer).
var githubSecrets = map[string]string{
	"ok":        "ghp_sandbox_acc_0123456789abcdefABCDEF",
	"fine":      "github_pat_sandbox_acc_11ABCDEFG0abcdefghijkl_mnopqrstuvw",
	"bad":       "ghp_0123456789abcdefABCDEF0123456789abcd",
	"scopes":    "ghp_sandbox_scopes_0123456789abcdefABCD",
	"sso":       "ghp_sandbox_sso_0123456789abcdefABCDEF",
	"ratelimit": "ghp_sandbox_ratelimit_0123456789abcdef",
	"secondary": "ghp_sandbox_secondary_0123456789abcdef",
	"lowbudget": "ghp_sandbox_lowbudget_0123456789abcdef",
	"expiring":  "ghp_sandbox_expiring_0123456789abcdefAB",
	"ipallow":   "ghp_sandbox_ipallow_0123456789abcdefABC",
	"suspended": "ghp_sandbox_suspended_0123456789abcdef",
	"oauth":     github.SandboxOAuthClientSecret,
}

func TestAccLive_githubFailuresThroughPlan(t *testing.T) {
	t.Parallel()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_11_0)
	key, err := github.SandboxAppPrivateKey(context.Background(), srv.VendorURL("github"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cli.dir, "app.pem"), []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	base := srv.VendorURL("github")
	token := func(secret, settings string, extra ...string) string {
		return fmt.Sprintf("  github = {\n    base_url = %q\n%s  }\n  auth = { token_wo = var.secrets[%q] }\n%s", base, settings, secret, strings.Join(extra, "\n"))
	}
	app := func(settings string, extra ...string) string {
		return fmt.Sprintf("  github = {\n    base_url = %q\n    app_id   = %q\n%s  }\n  auth = { private_key_wo = file(\"${path.module}/app.pem\") }\n%s",
			base, github.SandboxAppID, settings, strings.Join(extra, "\n"))
	}
	const org = "    organization = \"octo-org\"\n"
	cases := []vendorAcc{
		{name: "pat_healthy", body: token("ok", org+"    repositories = [\"octo-repo\", \"octo-org/docs\"]\n", `  required_scopes = ["repo", "read:org"]`)},
		{name: "fine_grained_healthy", body: token("fine", org)},
		{name: "ghes_healthy", body: strings.Replace(token("ok", ""), base, base+"/api/v3", 1)},
		{name: "bad_credentials", body: token("bad", org),
			kind: "Error", category: "invalid_credentials", line: "token_wo", text: "Bad credentials"},
		{name: "scope_missing", body: token("scopes", "", `  required_scopes = ["read:user", "read:org"]`),
			kind: "Error", category: "insufficient_scope", line: "required_scopes", text: "read:org"},
		{name: "sso", body: token("sso", org),
			kind: "Error", category: "sso_authorization_required", line: "organization", text: "https://github.com/orgs/octo-org/sso?authorization_request="},
		{name: "rate_limited", body: token("ratelimit", ""),
			kind: "Error", category: "rate_limited", line: "base_url", text: "x-ratelimit-reset"},
		{name: "secondary_rate_limit", body: token("secondary", ""),
			kind: "Error", category: "rate_limited", line: "base_url", text: "Retry-After"},
		{name: "low_budget", body: token("lowbudget", ""),
			kind: "Warning", category: "rate_limited", line: "token_wo", text: "50 of 5000"},
		{name: "expiring", body: token("expiring", ""),
			kind: "Warning", category: "expiring_credentials", line: "token_wo", text: "GitHub personal access token expires"},
		{name: "ip_allow_list", body: token("ipallow", org),
			kind: "Error", category: "policy_blocked", line: "organization", text: "IP allow list"},
		{name: "account_suspended", body: token("suspended", ""),
			kind: "Error", category: "account_disabled", line: "token_wo", text: "suspended"},
		{name: "unknown_org", body: token("ok", "    organization = \"no-such-org\"\n"),
			kind: "Error", category: "tenant_not_found", line: "organization", text: "no-such-org"},
		{name: "repo_not_visible", body: token("ok", org+"    repositories = [\"octo-repo\", \"secret-plans\"]\n"),
			kind: "Error", category: "access_denied", line: "repositories", text: "octo-org/secret-plans"},
		{name: "app_healthy", body: app("    installation_id = \"1001\"\n"+org+"    repositories = [\"octo-repo\"]\n", `  required_scopes = ["members:read"]`)},
		{name: "app_unknown", body: strings.Replace(app("    installation_id = \"1001\"\n"), github.SandboxAppID, "999999", 1),
			kind: "Error", category: "app_not_found", line: "app_id", text: "Integration not found"},
		{name: "app_not_installed", body: app("    organization = \"sso-org\"\n"),
			kind: "Error", category: "app_not_installed", line: "organization", text: "installations/new"},
		{name: "app_unknown_installation", body: app("    installation_id = \"4242\"\n"),
			kind: "Error", category: "app_not_installed", line: "installation_id", text: "4242"},
		{name: "app_suspended", body: app("    organization = \"suspended-org\"\n"),
			kind: "Error", category: "app_not_installed", line: "organization", text: "suspended"},
		{name: "app_permission", body: app("    organization = \"limited-org\"\n", `  required_scopes = ["members:read"]`),
			kind: "Error", category: "insufficient_scope", line: "required_scopes", text: "members:read"},
		{name: "app_repository", body: app("    installation_id = \"1001\"\n" + org + "    repositories = [\"octo-repo\", \"private-stuff\"]\n"),
			kind: "Error", category: "app_not_installed", line: "repositories", text: "octo-org/private-stuff"},
		{name: "oauth_app_healthy", body: fmt.Sprintf("  github = {\n    base_url = %q\n    app_type = \"oauth_app\"\n  }\n  auth = {\n    client_id        = %q\n    client_secret_wo = var.secrets[\"oauth\"]\n  }", base, github.SandboxOAuthClientID)},
		{name: "oauth_app_wrong_secret", body: fmt.Sprintf("  github = {\n    base_url = %q\n    app_type = \"oauth_app\"\n  }\n  auth = {\n    client_id        = %q\n    client_secret_wo = var.secrets[\"bad\"]\n  }", base, github.SandboxOAuthClientID),
			kind: "Error", category: "invalid_credentials", line: "client_secret_wo", text: "incorrect_client_credentials"},
	}
	cli.initWith(vendorConfig("github", githubSecrets, cases))
	out, code := cli.run("", "plan", "-no-color", "-input=false")
	if code != 1 {
		t.Fatalf("plan exited %d, want 1:\n%s", code, out)
	}
	if strings.Contains(out, "BEGIN PRIVATE KEY") || regexp.MustCompile(`ghs_[A-Za-z0-9]{20}`).MatchString(out) {
		t.Fatalf("the plan output shows the app key or an installation token:\n%s", out)
	}
	checkVendorPlan(t, out, githubSecrets, cases)
}
