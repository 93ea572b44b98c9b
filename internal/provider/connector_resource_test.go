package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

const (
	testTenant   = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	testClientID = "0f3b6a1e-2c4d-4e5f-8a9b-1c2d3e4f5a6b"
)

// connectorConfig wraps a connector body in a resource block.
func connectorConfig(body string) string {
	return "resource \"handshake_connector\" \"test\" {\n  name = \"test\"\n" + body + "\n}\n"
}

func TestAccConnector_validLifecycleImport(t *testing.T) {
	config := offline(connectorConfig(`
  service = "okta"
  okta = {
    domain = "dev-123456.okta.com"
  }
  auth = {
    token_wo = "00s3cr3t-value-from-okta-admin-console-xyz"
  }
  required_scopes = ["okta.users.read", "okta.groups.read"]
  redirect_uris   = ["https://governance.example.com/oauth/callback", "http://127.0.0.1:8250/callback"]`))
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("handshake_connector.test", tfjsonpath.New("id"), knownvalue.StringExact("okta/test")),
					statecheck.ExpectKnownValue("handshake_connector.test", tfjsonpath.New("status"), knownvalue.StringExact("unknown")),
					statecheck.ExpectKnownValue("handshake_connector.test", tfjsonpath.New("findings"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue("handshake_connector.test", tfjsonpath.New("on_failure"), knownvalue.StringExact("error")),
					statecheck.ExpectKnownValue("handshake_connector.test", tfjsonpath.New("auth").AtMapKey("token_wo"), knownvalue.Null()),
					noSecretInState{[]string{"00s3cr3t-value-from-okta-admin-console-xyz"}},
				},
			},
			// Refreshing an unchanged connector changes nothing.
			{RefreshState: true, RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{Config: config, PlanOnly: true},
			{
				Config:            config,
				ResourceName:      "handshake_connector.test",
				ImportState:       true,
				ImportStateId:     "okta/test",
				ImportStateVerify: true,
				// Import restores id, service and name; settings come from the configuration.
				ImportStateVerifyIgnore: []string{"okta", "auth", "required_scopes", "redirect_uris"},
			},
			// Changing a setting updates in place.
			{
				Config: strings.Replace(config, "dev-123456.okta.com", "acme.okta.com", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("handshake_connector.test", plancheck.ResourceActionUpdate),
				}},
			},
		},
	})
}

func TestAccConnector_importInvalidID(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]string{
		"nosuchservice/test": `Expected <service>/<name>`,
		// The name follows the same rule as the name argument's validators.
		"okta/ test": `(?s)Expected <service>/<name>, got "okta/ test".*white space at either end`,
	} {
		t.Run(id, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:        offline(connectorConfig(`  service = "okta"` + "\n" + `  okta = { domain = "dev-1.okta.com" }`)),
					ResourceName:  "handshake_connector.test",
					ImportState:   true,
					ImportStateId: id,
					ExpectError:   regexp.MustCompile(want),
				}},
			})
		})
	}
}

// offlineRuleCase is one bad configuration, the category its diagnostic must
// name, and the configuration line Terraform must point at.
type offlineRuleCase struct {
	name     string
	body     string
	category string
	line     string // a regexp matching the source line shown under the error
}

// Each case is a plan that must fail.
var offlineRuleCases = []offlineRuleCase{
	// Redirect URIs
	{"redirect http on public host", `
  service = "oauth2"
  oauth2 = { token_url = "https://idp.example.com/oauth2/token" }
  redirect_uris = ["http://app.example.com/callback"]`, "redirect_uri_invalid", `redirect_uris`},
	{"redirect fragment", `
  service = "oauth2"
  oauth2 = { token_url = "https://idp.example.com/oauth2/token" }
  redirect_uris = ["https://app.example.com/callback#done"]`, "redirect_uri_invalid", `redirect_uris`},
	{"redirect wildcard", `
  service = "oauth2"
  oauth2 = { token_url = "https://idp.example.com/oauth2/token" }
  redirect_uris = ["https://*.example.com/callback"]`, "redirect_uri_invalid", `redirect_uris`},
	{"redirect userinfo", `
  service = "oauth2"
  oauth2 = { token_url = "https://idp.example.com/oauth2/token" }
  redirect_uris = ["https://user:pass@app.example.com/callback"]`, "redirect_uri_invalid", `redirect_uris`},
	{"redirect relative", `
  service = "oauth2"
  oauth2 = { token_url = "https://idp.example.com/oauth2/token" }
  redirect_uris = ["/callback"]`, "redirect_uri_invalid", `redirect_uris`},
	{"entra redirect too long", `
  service = "entra_id"
  entra_id = { tenant_id = "` + testTenant + `" }
  auth = { client_id = "` + testClientID + `" }
  redirect_uris = ["https://app.example.com/` + strings.Repeat("a", 260) + `"]`, "redirect_uri_invalid", `redirect_uris`},
	{"entra private scheme not reverse domain", `
  service = "entra_id"
  entra_id = { tenant_id = "` + testTenant + `" }
  auth = { client_id = "` + testClientID + `" }
  redirect_uris = ["myapp:/callback"]`, "redirect_uri_invalid", `redirect_uris`},
	{"slack redirect over http", `
  service = "slack"
  auth = { token = "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx" }
  redirect_uris = ["http://slack-bot.example.com/oauth/callback"]`, "redirect_uri_invalid", `redirect_uris`},
	{"snowflake http redirect without non-TLS flag", `
  service = "snowflake"
  snowflake = { account = "myorg-myaccount" }
  redirect_uris = ["http://bi.example.com/oauth/callback"]`, "redirect_uri_invalid", `redirect_uris`},
	// Scopes
	{"google short scope", `
  service = "google_workspace"
  google_workspace = { impersonate = "admin@example.com" }
  required_scopes = ["admin.directory.user.readonly"]`, "invalid_scope", `required_scopes`},
	{"entra .default mixed", `
  service = "entra_id"
  entra_id = { tenant_id = "` + testTenant + `" }
  auth = { client_id = "` + testClientID + `" }
  required_scopes = ["https://graph.microsoft.com/.default", "https://graph.microsoft.com/User.Read.All"]`, "invalid_scope", `required_scopes`},
	{"refresh token without offline_access", `
  service = "okta"
  okta = { domain = "dev-123456.okta.com", authorization_server = "default" }
  required_scopes = ["openid", "profile"]
  require_refresh_token = true`, "refresh_token_missing", `require_refresh_token`},
	{"snowflake refresh without refresh_token scope", `
  service = "snowflake"
  snowflake = { account = "myorg-myaccount" }
  required_scopes = ["session:role:ANALYST"]
  require_refresh_token = true`, "refresh_token_missing", `require_refresh_token`},
	{"github oauth app refresh token", `
  service = "github"
  github = { app_type = "oauth_app", organization = "acme" }
  require_refresh_token = true`, "refresh_token_missing", `require_refresh_token`},
	{"okta org server non-okta scope", `
  service = "okta"
  okta = { domain = "dev-123456.okta.com" }
  auth = { client_id = "0oa1b2c3d4e5f6g7h8i9", client_secret = "okta-secret-0123456789abcdef" }
  required_scopes = ["okta.users.read", "api:read"]`, "invalid_scope", `required_scopes`},
	// Endpoints
	{"oauth2 token url over http", `
  service = "oauth2"
  oauth2 = { token_url = "http://idp.example.com/oauth2/token" }`, "invalid_configuration", `token_url`},
	{"oauth2 token url relative", `
  service = "oauth2"
  oauth2 = { token_url = "/oauth2/token" }`, "invalid_configuration", `token_url`},
	// Identifiers
	{"entra tenant common", `
  service = "entra_id"
  entra_id = { tenant_id = "common" }
  auth = { client_id = "` + testClientID + `" }`, "invalid_configuration", `tenant_id`},
	{"entra tenant malformed", `
  service = "entra_id"
  entra_id = { tenant_id = "not a tenant" }
  auth = { client_id = "` + testClientID + `" }`, "invalid_configuration", `tenant_id`},
	{"entra client id not a guid", `
  service = "entra_id"
  entra_id = { tenant_id = "` + testTenant + `" }
  auth = { client_id = "governance-app" }`, "invalid_configuration", `client_id`},
	{"okta domain with scheme", `
  service = "okta"
  okta = { domain = "https://dev-123456.okta.com" }`, "invalid_configuration", `domain`},
	{"okta domain trailing slash", `
  service = "okta"
  okta = { domain = "dev-123456.okta.com/" }`, "invalid_configuration", `domain`},
	{"okta admin domain", `
  service = "okta"
  okta = { domain = "dev-123456-admin.okta.com" }`, "invalid_configuration", `domain`},
	{"google impersonate not an email", `
  service = "google_workspace"
  google_workspace = { impersonate = "admin" }`, "invalid_configuration", `impersonate`},
	{"google service account key missing fields", `
  service = "google_workspace"
  google_workspace = { impersonate = "admin@example.com" }
  auth = { service_account_key = jsonencode({ type = "service_account", client_email = "sync@proj.iam.gserviceaccount.com" }) }`, "invalid_credentials", `service_account_key`},
	{"github app id not numeric", `
  service = "github"
  github = { app_id = "my-app", installation_id = "12345678", organization = "acme" }`, "invalid_configuration", `app_id`},
	{"github installation id not numeric", `
  service = "github"
  github = { app_id = "123456", installation_id = "acme", organization = "acme" }`, "invalid_configuration", `installation_id`},
	{"github private key garbage", `
  service = "github"
  github = { app_id = "123456", installation_id = "12345678", organization = "acme" }
  auth = { private_key = "-----BEGIN RSA PRIVATE KEY-----\nnope\n-----END RSA PRIVATE KEY-----\n" }`, "invalid_credentials", `private_key`},
	{"snowflake account with url", `
  service = "snowflake"
  snowflake = { account = "https://myorg-myaccount.snowflakecomputing.com" }`, "invalid_configuration", `account`},
	{"keycloak realm with slash", `
  service = "keycloak"
  keycloak = { base_url = "https://sso.example.com", realm = "corp/main" }`, "invalid_configuration", `realm`},
	{"keycloak base url over http", `
  service = "keycloak"
  keycloak = { base_url = "http://sso.example.com", realm = "corp" }`, "invalid_configuration", `base_url`},
	{"salesforce lightning host", `
  service = "salesforce"
  salesforce = { login_url = "https://acme.lightning.force.com" }`, "invalid_configuration", `login_url`},
	{"api key in query without name", `
  service = "api_key"
  api_key = { probe_url = "https://api.example.com/v1/me", location = "query" }
  auth = { token = "k-1234567890" }`, "invalid_configuration", `location|name`},
	// Secrets
	{"bearer prefix in token", `
  service = "api_key"
  api_key = { probe_url = "https://api.example.com/v1/me" }
  auth = { token = "Bearer abcdef0123456789" }`, "invalid_configuration", `token`},
	{"public client with secret", `
  service = "oauth2"
  oauth2 = { token_url = "https://idp.example.com/oauth2/token", client_type = "public" }
  auth = { client_id = "cli", client_secret = "abc123def456" }`, "invalid_configuration", `client_secret`},
	{"empty secret", `
  service = "oauth2"
  oauth2 = { token_url = "https://idp.example.com/oauth2/token" }
  auth = { client_id = "cli", client_secret = "  " }`, "invalid_credentials", `client_secret`},
	{"padded secret", `
  service = "oauth2"
  oauth2 = { token_url = "https://idp.example.com/oauth2/token" }
  auth = { client_id = "cli", client_secret = "abc123def456\n" }`, "invalid_credentials", `client_secret`},
	{"wrong service block", `
  service = "okta"
  okta = { domain = "dev-123456.okta.com" }
  slack = {}`, "invalid_configuration", `slack`},
	{"missing service block", `
  service = "okta"`, "invalid_configuration", `service`},
}

// TestAccConnector_offlineRules runs each rule through a real terraform plan:
// the plan fails, and one of its errors names the category and shows the
// offending line.
func TestAccConnector_offlineRules(t *testing.T) {
	t.Parallel()
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.offline()
	cli.init()
	for _, tc := range offlineRuleCases {
		t.Run(tc.name, func(t *testing.T) {
			out, code := cli.run(connectorConfig(tc.body), "plan", "-no-color", "-input=false")
			if code == 0 {
				t.Fatalf("plan succeeded, want an error:\n%s", out)
			}
			if !hasDiagnostic(out, "Error", tc.line, tc.category) {
				t.Fatalf("no error with category %s on a line matching %q:\n%s", tc.category, tc.line, out)
			}
		})
	}
}

// TestAccConnector_onFailureWarn: the same broken connector plans with
// on_failure = "warn", and its findings are recorded.
func TestAccConnector_onFailureWarn(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: offline(connectorConfig(`
  service    = "okta"
  okta       = { domain = "https://dev-123456.okta.com" }
  on_failure = "warn"`)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("handshake_connector.test", tfjsonpath.New("findings").AtSliceIndex(0).AtMapKey("category"),
					knownvalue.StringExact("invalid_configuration")),
				statecheck.ExpectKnownValue("handshake_connector.test", tfjsonpath.New("findings").AtSliceIndex(0).AtMapKey("attribute"),
					knownvalue.StringExact("okta.domain")),
			},
		}},
	})
}

// TestAccConnector_validConfigsPlanCleanly: one realistic, correct connector
// per service applies through the real CLI with no error and no warning
// (terraform-plugin-testing cannot see warnings).
func TestAccConnector_validConfigsPlanCleanly(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for i, body := range validConnectorBodies() {
		fmt.Fprintf(&b, "resource \"handshake_connector\" \"c%d\" {\n  name = \"c%d\"\n%s\n}\n", i, i, body)
	}
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.offline()
	cli.skipBelow(tfversion.Version1_11_0)
	cli.initWith(b.String())
	out, code := cli.run("", "apply", "-auto-approve", "-no-color", "-input=false")
	if code != 0 || diagnosticHeading.MatchString(out) {
		t.Fatalf("apply exited %d; want 0 with no error and no warning:\n%s", code, out)
	}
	if want := fmt.Sprintf("Apply complete! Resources: %d added", len(validConnectorBodies())); !strings.Contains(out, want) {
		t.Fatalf("want %q:\n%s", want, out)
	}
}
