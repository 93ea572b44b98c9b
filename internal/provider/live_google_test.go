package provider

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
)

// Google Workspace connectors against the sandbox's Google emulation (token
// endpoint, Admin SDK Directory API, service-account certificates), through
// a real `terraform plan`. Key files are generated at run time; the
// scenario is the local part of each key's client_email.

const googleDirectoryRO = "https://www.googleapis.com/auth/admin.directory.user.readonly"

// googleKeyFile writes a service-account key file for scenario into the
// working directory and returns its name.
func googleKeyFile(t *testing.T, cli *terraformCLI, sb *sandbox.Server, scenario, kid string) string {
	t.Helper()
	base := sb.VendorURL("google")
	email := scenario + "@hs-acc.iam.gserviceaccount.com"
	b, err := json.MarshalIndent(map[string]string{
		"type":                 "service_account",
		"project_id":           "hs-acc",
		"private_key_id":       kid,
		"private_key":          testPrivateKeyPEM(),
		"client_email":         email,
		"client_id":            "104857600000000000042",
		"token_uri":            base + "/token",
		"client_x509_cert_url": base + "/robot/v1/metadata/x509/" + url.PathEscape(email),
	}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	name := "key-" + scenario + ".json"
	ogWriteFile(t, cli.dir+"/"+name, string(b))
	return name
}

// googleConnectorTF is a google_workspace connector whose key is file.
func googleConnectorTF(sb *sandbox.Server, name, scenario, keyAttr, file string, settings []string, scopes ...string) string {
	if len(scopes) == 0 {
		scopes = []string{googleDirectoryRO}
	}
	lines := []string{`service = "google_workspace"`, "google_workspace = {",
		fmt.Sprintf("  impersonate = %q", scenario+"-admin@example.com"),
		fmt.Sprintf("  base_url = %q", sb.VendorURL("google"))}
	for _, s := range settings {
		lines = append(lines, "  "+s)
	}
	lines = append(lines, "}", "auth = {",
		fmt.Sprintf(`  %s = file("${path.module}/%s")`, keyAttr, file), "}",
		`required_scopes = ["`+strings.Join(scopes, `", "`)+`"]`)
	return ogConnector(name, scenario, lines...)
}

func TestAccLive_googleWorkspaceThroughPlan(t *testing.T) {
	t.Parallel()
	sb := sandbox.Start(services.Emulations()...)
	t.Cleanup(sb.Close)
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_11_0)
	cli.init()

	key := func(scenario string) string {
		return googleKeyFile(t, cli, sb, scenario, "7c1e5a9b3d2f40e6a8b7c6d5e4f3a2b1c0d9e8f7")
	}
	var config strings.Builder
	config.WriteString("provider \"handshake\" {\n  expiry_warning = \"720h\"\n}\n")
	config.WriteString(googleConnectorTF(sb, "healthy", "directory-sync", "service_account_key_wo", key("directory-sync"), nil))

	cases := []struct {
		name, scenario, attr, kind, category, mention string
		settings, scopes                              []string
	}{
		{"email_not_client_id", "no-delegation", "service_account_key_wo", "Error", "delegation_not_configured", "numeric Client ID", nil, nil},
		{"delegation_missing", "delegation-missing", "service_account_key_wo", "Error", "delegation_not_configured", "104857600000000000042", nil, nil},
		{"scope_not_delegated", "scope-not-delegated", "required_scopes", "Error", "delegation_not_configured", "every scope", nil, nil},
		{"key_deleted", "key-deleted", "service_account_key_wo", "Error", "revoked_credentials", "private_key_id", nil, nil},
		{"key_expired", "key-expired", "service_account_key_wo", "Error", "expired_credentials", "new JSON key", nil, nil},
		{"key_expiring", "key-expiring", "service_account_key_wo", "Warning", "expiring_credentials", "Fix", nil, nil},
		{"unknown_user", "unknown-user", "impersonate", "Error", "invalid_configuration", "primary e-mail", nil, nil},
		{"sa_deleted", "sa-deleted", "service_account_key_wo", "Error", "account_disabled", "undelete", nil, nil},
		{"sa_disabled", "sa-disabled", "service_account_key_wo", "Error", "account_disabled", "enable the service account", nil, nil},
		{"not_admin", "not-admin", "impersonate", "Error", "access_denied", "super administrator", nil, nil},
		{"insufficient_scope", "insufficient-scope", "required_scopes", "Error", "insufficient_scope", "delegation entry", nil, nil},
		{"domain_not_found", "domain-not-found", "customer_id", "Error", "tenant_not_found", "Customer ID", []string{`customer_id = "C01abc2de"`}, nil},
		{"api_disabled", "api-disabled", "service_account_key_wo", "Error", "feature_disabled", "Admin SDK API", nil, nil},
		{"quota", "rate-limited", "base_url", "Error", "rate_limited", "Quotas", nil, nil},
	}
	for _, c := range cases {
		config.WriteString(googleConnectorTF(sb, c.name, c.scenario, "service_account_key_wo", key(c.scenario), c.settings, c.scopes...))
	}
	// The local clock is off: no attribute to blame, so the error is on the resource.
	config.WriteString(googleConnectorTF(sb, "clock_skew", "clock-skew", "service_account_key_wo", key("clock-skew"), nil))

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
	if block := ogDiagBlock(out, "Error", `resource "handshake_connector" "clock_skew"`, "invalid_configuration"); block == "" || !strings.Contains(block, "NTP") {
		t.Errorf("no clock-skew error on the clock_skew resource:\n%s", out)
	}
	for _, block := range diagnosticHeading.Split(out, -1) {
		if strings.Contains(block, "# directory-sync\n") {
			t.Errorf("the healthy connector got a diagnostic:\n%s", block)
		}
	}
	if strings.Contains(out, "BEGIN PRIVATE KEY") || strings.Contains(out, "ya29.") {
		t.Error("a key or an access token appears in the output")
	}
}

// TestAccLive_googleWorkspaceDrift: a key deleted after it worked turns a
// scheduled refresh-only plan into exit 2, naming the cause.
func TestAccLive_googleWorkspaceDrift(t *testing.T) {
	t.Parallel()
	sb := sandbox.Start(services.Emulations()...)
	t.Cleanup(sb.Close)
	cli := newTerraformCLI(t, defaultProviderFactory)
	const kid = "d41f0a9e8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e"
	file := googleKeyFile(t, cli, sb, "directory-sync", kid)
	cli.initWith(googleConnectorTF(sb, "gw", "drift", "service_account_key", file, nil))
	if out, code := cli.run("", "apply", "-auto-approve", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("apply failed:\n%s", out)
	}
	if out, code := cli.run("", "plan", "-refresh-only", "-detailed-exitcode", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("unchanged healthy connector: refresh-only plan exited %d, want 0:\n%s", code, out)
	}
	sb.Revoke(kid)
	out, code := cli.run("", "plan", "-refresh-only", "-detailed-exitcode", "-no-color", "-input=false")
	if code != 2 {
		t.Fatalf("deleted key: refresh-only plan exited %d, want 2:\n%s", code, out)
	}
	if !regexp.MustCompile(`status\s+= "healthy" -> "unhealthy"`).MatchString(out) || !hasDiagnostic(out, "Warning", "service_account_key", "revoked_credentials") {
		t.Fatalf("the drift does not name the cause:\n%s", out)
	}
	if strings.Contains(out, "BEGIN PRIVATE KEY") {
		t.Error("the key appears in the output")
	}
}

// TestAccLive_googleReportsNonAdmin: the Reports API's 401 for an
// impersonated user without the Reports privilege ("You are not authorized
// to read activity records", shared seed 003) is access_denied on
// impersonate, naming the user and the privilege, not a bad key.
func TestAccLive_googleReportsNonAdmin(t *testing.T) {
	t.Parallel()
	sb := sandbox.Start(services.Emulations()...)
	t.Cleanup(sb.Close)
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.init()
	const audit = "https://www.googleapis.com/auth/admin.reports.audit.readonly"
	kid := "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"
	config := googleConnectorTF(sb, "audit_admin", "audit-sync", "service_account_key_wo", googleKeyFile(t, cli, sb, "audit-sync", kid), nil, audit) +
		googleConnectorTF(sb, "audit_not_admin", "not-admin", "service_account_key_wo", googleKeyFile(t, cli, sb, "not-admin", kid), nil, audit)
	out, code := cli.run(config, "plan", "-no-color", "-input=false")
	if code != 1 {
		t.Fatalf("plan exited %d, want 1:\n%s", code, out)
	}
	block := ogDiagBlock(out, "Error", ogScenarioLine("impersonate", "not-admin"), "access_denied")
	flat := strings.Join(strings.Fields(block), " ")
	for _, want := range []string{"Reports API: not-admin-admin@example.com may not read activity records", "Reports privilege", "authError", "not authorized to read activity records"} {
		if !strings.Contains(flat, want) {
			t.Fatalf("the access_denied error on impersonate lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Category: invalid_credentials") {
		t.Fatalf("the non-admin subject is reported as a bad credential:\n%s", out)
	}
	for _, b := range diagnosticHeading.Split(out, -1) {
		if strings.Contains(b, "# audit-sync\n") {
			t.Errorf("the administrator's connector got a diagnostic:\n%s", b)
		}
	}
}
