package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/entra"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/github"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/keycloak"
)

// queryAdmins are list blocks signing in to each listable vendor of the
// sandbox at base with its seeded admin credential; the GitHub App key is
// in github-app.pem.
func queryAdmins(base func(string) string) map[string]string {
	return map[string]string{
		"entra": fmt.Sprintf(`    service  = "entra_id"
    entra_id = { tenant_id = %q, authority_url = %q, graph_url = %q }
    auth     = { client_id = %q, client_secret = %q }`, entra.SandboxTenantID, base("entra"), base("entra"), entra.SandboxClientID, entra.SandboxSecretOK+"-query"),
		"okta": fmt.Sprintf(`    service = "okta"
    okta    = { domain = "dev-123456.okta.com", base_url = %q }
    auth    = { token = "healthy.00Qquery" }`, base("okta")),
		"keycloak": fmt.Sprintf(`    service  = "keycloak"
    keycloak = { base_url = %q, realm = "acme" }
    auth     = { client_id = "healthy.inventory", client_secret = %q }`, base("keycloak"), keycloak.SandboxClientSecret),
		"github": fmt.Sprintf(`    service = "github"
    github  = { base_url = %q, app_type = "github_app", app_id = %q }
    auth    = { private_key = file("${path.module}/github-app.pem") }`, base("github"), github.SandboxAppID),
	}
}

// querySandbox starts the sandbox with every emulation and returns it with
// the GitHub App's private key.
func querySandbox(t *testing.T) (*sandbox.Server, string) {
	t.Helper()
	srv := sandbox.Start(services.Emulations()...)
	t.Cleanup(srv.Close)
	key, err := github.SandboxAppPrivateKey(context.Background(), srv.VendorURL("github"))
	if err != nil {
		t.Fatal(err)
	}
	return srv, key
}

// listBlock is a list block for the named vendor of queryAdmins, with extra
// arguments in its config; the GitHub key is inlined.
func listBlock(srv *sandbox.Server, key, name, vendor, meta, extra string) string {
	body := strings.Replace(queryAdmins(srv.VendorURL)[vendor], `file("${path.module}/github-app.pem")`, fmt.Sprintf("%q", key), 1)
	return fmt.Sprintf("list \"handshake_connector\" %q {\n  provider = handshake\n%s  config {\n%s\n%s  }\n}\n", name, meta, body, extra)
}

func identity(service, name string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{"service": knownvalue.StringExact(service), "name": knownvalue.StringExact(name)}
}

// TestAccQuery_listsEveryVendor lists each vendor's seeded tenant (see the
// vendors' emulation_list.go): by default the apps with a problem, in the
// vendor's order, each with its identity and a display name that says what
// is wrong; with include_healthy all of them.
func TestAccQuery_listsEveryVendor(t *testing.T) {
	t.Parallel() // first: the sandbox starts only when the test runs
	srv, key := querySandbox(t)
	query :=
		listBlock(srv, key, "entra", "entra", "  include_resource = true\n", "") +
			listBlock(srv, key, "entra_all", "entra", "", "    include_healthy = true\n") +
			listBlock(srv, key, "okta", "okta", "", "") +
			listBlock(srv, key, "keycloak", "keycloak", "", "") +
			listBlock(srv, key, "github", "github", "", "    include_healthy = true\n") +
			listBlock(srv, key, "limited", "keycloak", "  limit = 2\n", "    include_healthy = true\n") +
			listBlock(srv, key, "prefix", "entra", "", "    name_prefix = \"HR-\"\n    include_healthy = true\n") +
			// A 400-day window makes every dated credential expiring.
			listBlock(srv, key, "window", "entra", "", "    name_prefix = \"payroll\"\n    expiring_within = \"9600h\"\n")
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: `provider "handshake" {}`},
			{
				Query:  true,
				Config: query,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("handshake_connector.entra", 6),
					querycheck.ExpectIdentity("handshake_connector.entra", identity("entra_id", "hr-export")),
					querycheck.ExpectIdentity("handshake_connector.entra", identity("entra_id", "orphaned-reporting")),
					querycheck.ExpectNoIdentity("handshake_connector.entra", identity("entra_id", "payroll-sync")),
					querycheck.ExpectResourceDisplayName("handshake_connector.entra", queryfilter.ByResourceIdentity(identity("entra_id", "hr-export")),
						knownvalue.StringRegexp(regexp.MustCompile(`^hr-export — The client secret "hr-export-2025[^"]*" expires on \d{4}-`))),
					querycheck.ExpectResourceDisplayName("handshake_connector.entra", queryfilter.ByResourceIdentity(identity("entra_id", "legacy-crm")),
						knownvalue.StringExact("legacy-crm — Redirect URI must use https")),
					querycheck.ExpectResourceDisplayName("handshake_connector.entra", queryfilter.ByResourceIdentity(identity("entra_id", "orphaned-reporting")),
						knownvalue.StringRegexp(regexp.MustCompile(`expired on .*\(and 1 more\)$`))),
					querycheck.ExpectResourceKnownValues("handshake_connector.entra", queryfilter.ByResourceIdentity(identity("entra_id", "hr-export")),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact("entra_id/hr-export")},
							{Path: tfjsonpath.New("on_failure"), KnownValue: knownvalue.StringExact("warn")},
							{Path: tfjsonpath.New("entra_id").AtMapKey("tenant_id"), KnownValue: knownvalue.StringExact(entra.SandboxTenantID)},
							{Path: tfjsonpath.New("required_permissions"), KnownValue: knownvalue.ListExact([]knownvalue.Check{
								knownvalue.StringExact("User.Read.All"), knownvalue.StringExact("GroupMember.Read.All")})},
							{Path: tfjsonpath.New("findings").AtSliceIndex(0).AtMapKey("category"), KnownValue: knownvalue.StringExact("expiring_credentials")},
							{Path: tfjsonpath.New("findings").AtSliceIndex(0).AtMapKey("summary"),
								KnownValue: knownvalue.StringRegexp(regexp.MustCompile(`client secret "hr-export-2025[^"]*" expires on \d{4}-`))},
						}),
					querycheck.ExpectLength("handshake_connector.entra_all", 7),
					querycheck.ExpectIdentity("handshake_connector.entra_all", identity("entra_id", "payroll-sync")),
					querycheck.ExpectResourceDisplayName("handshake_connector.entra_all", queryfilter.ByResourceIdentity(identity("entra_id", "payroll-sync")),
						knownvalue.StringExact("payroll-sync")),

					querycheck.ExpectLength("handshake_connector.okta", 2),
					querycheck.ExpectIdentity("handshake_connector.okta", identity("okta", "Legacy Intranet")),
					querycheck.ExpectIdentity("handshake_connector.okta", identity("okta", "Old CRM")),

					querycheck.ExpectLength("handshake_connector.keycloak", 4),
					querycheck.ExpectNoIdentity("handshake_connector.keycloak", identity("keycloak", "mobile-app")),
					querycheck.ExpectIdentity("handshake_connector.keycloak", identity("keycloak", "Reporting ETL")),
					querycheck.ExpectResourceDisplayName("handshake_connector.keycloak", queryfilter.ByResourceIdentity(identity("keycloak", "Archive sync")),
						knownvalue.StringRegexp(regexp.MustCompile(`^Archive sync — The client secret expired on `))),

					querycheck.ExpectLength("handshake_connector.github", 5),
					querycheck.ExpectResourceDisplayName("handshake_connector.github", queryfilter.ByResourceIdentity(identity("github", "suspended-org")),
						knownvalue.StringRegexp(regexp.MustCompile(`^suspended-org — .*suspended`))),

					// limit stops the listing (and its paging) at two results.
					querycheck.ExpectLength("handshake_connector.limited", 2),
					querycheck.ExpectLength("handshake_connector.prefix", 1),
					querycheck.ExpectIdentity("handshake_connector.prefix", identity("entra_id", "hr-export")),
					querycheck.ExpectLength("handshake_connector.window", 1),
					querycheck.ExpectResourceDisplayName("handshake_connector.window", queryfilter.ByResourceIdentity(identity("entra_id", "payroll-sync")),
						knownvalue.StringRegexp(regexp.MustCompile(`^payroll-sync — The client secret .* expires on `))),
				},
			},
		},
	})
}

// TestAccQuery_adminCredentialRefused: a wrong admin credential fails the
// query with the diagnostics a connector with it would get.
func TestAccQuery_adminCredentialRefused(t *testing.T) {
	t.Parallel()
	srv, key := querySandbox(t)
	for name, tc := range map[string]struct{ vendor, from, to, want string }{
		"entra_wrong_secret":  {"entra", entra.SandboxSecretOK + "-query", "Qx58Q~kT0pZ3rVt1WcYe8HbNa4SdUg6J.aBcDeF", `(?s)AADSTS7000215.*Category: invalid_credentials`},
		"entra_no_permission": {"entra", entra.SandboxSecretOK + "-query", entra.SandboxSecretLimited + "-query", `(?s)Application\.Read\.All.*Category: (access_denied|insufficient_scope)`},
		"okta_no_apps_admin":  {"okta", "healthy.00Qquery", "no-apps-admin.00Qquery", `(?s)E0000006.*Category: access_denied`},
		"keycloak_no_roles":   {"keycloak", "healthy.inventory", "no-roles.inventory", `(?s)view-clients.*Category: access_denied`},
		"env_not_set": {"entra", fmt.Sprintf("client_secret = %q", entra.SandboxSecretOK+"-query"), `client_secret_env = "HANDSHAKE_TEST_NOT_SET"`,
			`(?s)Environment variable not set.*HANDSHAKE_TEST_NOT_SET`},
	} {
		t.Run(name, func(t *testing.T) {
			query := strings.Replace(listBlock(srv, key, "x", tc.vendor, "", ""), tc.from, tc.to, 1)
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{Config: `provider "handshake" {}`},
					{Query: true, Config: query, ExpectError: regexp.MustCompile(tc.want)},
				},
			})
		})
	}
}

// TestAccQuery_generateConfigPlans: terraform query writes import and
// connector blocks for every result, and that configuration plans (exit 0:
// the connectors warn until their secrets are filled in) without a secret
// in the output.
func TestAccQuery_generateConfigPlans(t *testing.T) {
	t.Parallel()
	srv, key := querySandbox(t)
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_14_0)
	if err := os.WriteFile(filepath.Join(cli.dir, "github-app.pem"), []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.initWith(`provider "handshake" {}`)
	var q strings.Builder
	for _, vendor := range []string{"entra", "okta", "keycloak", "github"} {
		fmt.Fprintf(&q, "list \"handshake_connector\" %q {\n  provider = handshake\n  include_resource = true\n  config {\n%s\n  }\n}\n", vendor, queryAdmins(srv.VendorURL)[vendor])
	}
	if err := os.WriteFile(filepath.Join(cli.dir, "main.tfquery.hcl"), []byte(q.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	secrets := []string{entra.SandboxSecretOK + "-query", "healthy.00Qquery", keycloak.SandboxClientSecret, "PRIVATE KEY"}
	noSecret := func(out string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%q reached the output:\n%s", s, out)
			}
		}
	}
	out, code := cli.run("", "query", "-no-color", "-generate-config-out=generated.tf")
	noSecret(out)
	if code != 0 {
		t.Fatalf("terraform query exited %d:\n%s", code, out)
	}
	gen, err := os.ReadFile(filepath.Join(cli.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	noSecret(string(gen))
	// 6 Entra apps, 2 Okta, 4 Keycloak and 1 GitHub installation have a problem.
	if n := strings.Count(string(gen), "resource \"handshake_connector\""); n != 13 {
		t.Errorf("generated %d connectors, want 13:\n%s", n, gen)
	}
	for _, want := range []string{`name                  = "hr-export"`, `tenant_id     = "` + entra.SandboxTenantID + `"`,
		`on_failure            = "warn"`, `auth             = {} # sensitive`, "identity = {", `service = "keycloak"`} {
		if !strings.Contains(string(gen), want) {
			t.Errorf("the generated configuration lacks %q", want)
		}
	}
	out, code = cli.run("", "plan", "-no-color", "-input=false", "-detailed-exitcode")
	noSecret(out)
	if code != 2 || strings.Contains(out, "Error:") || !strings.Contains(out, "Plan: 13 to import, 0 to add, 13 to change, 0 to destroy.") {
		t.Fatalf("planning the generated configuration: exit %d, want 2 (imports) and no error:\n%s", code, out)
	}
	// Each connector warns that its credential is missing until it is filled in.
	if !regexp.MustCompile(`Warning: .*(client secret|secret|credential)`).MatchString(out) {
		t.Errorf("no warning about the missing credentials:\n%s", out)
	}
}
