package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/workday"
)

// workdaySecrets: the API client secret the emulation accepts, a wrong one,
// and refresh tokens whose text before the "." picks the integration system
// user the emulation answers for.
func workdaySecrets() map[string]string {
	return map[string]string{
		"secret":         workday.SandboxClientSecret,
		"wrong":          "sbx-workday-0000-wrong-secret-000000000000",
		"rt_good":        "rt-good.N2VkZjEyMzQtaXN1LWhhbmRzaGFrZQ",
		"rt_disabled":    "isu-disabled.N2VkZjEyMzQtaXN1LWhhbmRzaGFrZQ",
		"rt_no_domains":  "no-domains.N2VkZjEyMzQtaXN1LWhhbmRzaGFrZQ",
		"rt_no_auditing": "no-auditing.N2VkZjEyMzQtaXN1LWhhbmRzaGFrZQ",
		"rt_rejected":    "token-rejected.N2VkZjEyMzQtaXN1LWhhbmRzaGFrZQ",
	}
}

func TestAccLive_workdayFailuresThroughPlan(t *testing.T) {
	t.Parallel()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_11_0)
	base := srv.VendorURL("workday")
	// wd writes the connector's body: tenant, client secret and refresh
	// token, then extra top-level arguments.
	wd := func(tenant, secret, rt string, extra ...string) string {
		return fmt.Sprintf("  workday = {\n    host     = \"wd2-impl-services1.workday.com\"\n    tenant   = %q\n    base_url = %q\n  }\n"+
			"  auth = {\n    client_id        = \"NzQ5YjM1ZjQtYWNtZS1pbnRlZ3JhdGlvbnM\"\n    client_secret_wo = var.secrets[%q]\n    token_wo         = var.secrets[%q]\n  }\n%s",
			tenant, base, secret, rt, strings.Join(extra, "\n"))
	}
	cases := []vendorAcc{
		{name: "healthy", body: wd("acme_impl", "secret", "rt_good",
			`  required_permissions = ["Worker Data: Public Worker Reports", "System Auditing"]`)},
		{name: "isu_disabled", body: wd("acme_impl", "secret", "rt_disabled"),
			kind: "Error", category: "account_disabled", line: "token_wo", text: "View Sign-on History"},
		{name: "client_secret_wrong", body: wd("acme_impl", "wrong", "rt_good"),
			kind: "Error", category: "invalid_credentials", line: "client_secret_wo", text: "invalid_client"},
		{name: "system_auditing_missing", body: wd("acme_impl", "secret", "rt_no_auditing",
			`  required_permissions = ["workers", "System Auditing"]`),
			kind: "Error", category: "access_denied", line: "required_permissions", text: "System Auditing domain"},
		{name: "no_domain_default_probe", body: wd("acme_impl", "secret", "rt_no_domains"),
			kind: "Error", category: "access_denied", line: "token_wo", text: "Worker Data: Public Worker Reports"},
		{name: "tenant_unknown", body: wd("missing", "secret", "rt_good"),
			kind: "Error", category: "tenant_not_found", line: "tenant", text: "View API Clients"},
		{name: "token_rejected", body: wd("acme_impl", "secret", "rt_rejected"),
			kind: "Error", category: "invalid_credentials", line: "token_wo", text: "invalid_token"},
	}
	secrets := workdaySecrets()
	cli.initWith(vendorConfig("workday", secrets, cases))
	out, code := cli.run("", "plan", "-no-color", "-input=false")
	if code != 1 {
		t.Fatalf("plan exited %d, want 1:\n%s", code, out)
	}
	checkVendorPlan(t, out, secrets, cases)
}
