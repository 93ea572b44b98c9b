package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/aws"
)

// awsSecrets are the secret access key and session token of the scenarios
// (the access key id, which is not secret, picks the sandbox's answer).
var awsSecrets = map[string]string{
	"secret":  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	"session": "sandbox-session-token-FwoGZXIvYXdzEJr",
}

func TestAccLive_awsFailuresThroughPlan(t *testing.T) {
	t.Parallel()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_11_0)
	base := srv.VendorURL("aws")
	conn := func(key, settings string, extra ...string) string {
		return fmt.Sprintf("  aws = {\n    region       = \"us-east-1\"\n    base_url     = %q\n    iam_base_url = %q\n%s  }\n  auth = {\n    username    = %q\n    password_wo = var.secrets[\"secret\"]\n  }\n%s",
			base+"/us-east-1", base+"/iam", settings, key, strings.Join(extra, "\n"))
	}
	role := func(name, ext string) string {
		s := fmt.Sprintf("    role_arn     = \"arn:aws:iam::%s:role/%s\"\n", aws.SandboxAccount, name)
		if ext != "" {
			s += fmt.Sprintf("    external_id  = %q\n", ext)
		}
		return s
	}
	scopes := `  required_scopes = ["iam:ListUsers", "cloudtrail:LookupEvents"]`
	cases := []vendorAcc{
		{name: "healthy", body: conn("AKIASANDBOXHEALTHY01", "", scopes)},
		{name: "healthy_role", body: conn("AKIASANDBOXHEALTHY01", role("audit-external", aws.SandboxExternalID), scopes)},
		{name: "unknown_key", body: conn("AKIASANDBOXINVALID01", ""),
			kind: "Error", category: "invalid_credentials", line: "username", text: "InvalidClientTokenId"},
		{name: "wrong_secret", body: conn("AKIASANDBOXBADSECRET", ""),
			kind: "Error", category: "invalid_credentials", line: "password_wo", text: "SignatureDoesNotMatch"},
		{name: "expired_session", body: strings.Replace(conn("ASIASANDBOXEXPIRED01", ""), "password_wo = var.secrets[\"secret\"]", "password_wo = var.secrets[\"secret\"]\n    token_wo    = var.secrets[\"session\"]", 1),
			kind: "Error", category: "expired_credentials", line: "token_wo", text: "ExpiredToken"},
		{name: "clock_skew", body: conn("AKIASANDBOXSKEW00001", ""),
			kind: "Error", category: "invalid_configuration", line: "base_url", text: "Signature expired"},
		{name: "region_mismatch", body: strings.Replace(conn("AKIASANDBOXHEALTHY01", ""), base+"/us-east-1", base+"/eu-west-1", 1),
			kind: "Error", category: "invalid_configuration", line: "base_url", text: "Credential should be scoped"},
		{name: "sts_region_disabled", body: conn("AKIASANDBOXNOSTS0001", ""),
			kind: "Error", category: "feature_disabled", line: "region", text: "RegionDisabledException"},
		{name: "throttled", body: conn("AKIASANDBOXTHROTTLE1", ""),
			kind: "Error", category: "rate_limited", line: "base_url", text: "Rate exceeded"},
		{name: "trust_policy", body: conn("AKIASANDBOXHEALTHY01", role("untrusted-audit", "")),
			kind: "Error", category: "access_denied", line: "role_arn", text: "sts:AssumeRole"},
		{name: "wrong_external_id", body: conn("AKIASANDBOXHEALTHY01", role("audit-external", "wrong-external-id")),
			kind: "Error", category: "access_denied", line: "external_id", text: "sts:ExternalId"},
		{name: "root_assume", body: conn("AKIASANDBOXROOT00001", role("audit", "")),
			kind: "Error", category: "access_denied", line: "username", text: "root"},
		{name: "scp_assume", body: conn("AKIASANDBOXSCP000001", role("audit", "")),
			kind: "Error", category: "policy_blocked", line: "role_arn", text: "service control policy"},
		{name: "action_missing", body: conn("AKIASANDBOXHEALTHY01", "", `  required_scopes = ["iam:ListUsers", "ec2:DescribeInstances"]`),
			kind: "Error", category: "insufficient_scope", line: "required_scopes", text: "ec2:DescribeInstances"},
		{name: "action_scp", body: conn("AKIASANDBOXHEALTHY01", role("audit", ""), `  required_scopes = ["organizations:ListAccounts"]`),
			kind: "Error", category: "policy_blocked", line: "required_scopes", text: "service control policy"},
		{name: "simulation_refused", body: conn("AKIASANDBOXNOSIM0001", "", scopes),
			kind: "Warning", category: "insufficient_scope", line: "required_scopes", text: "iam:SimulatePrincipalPolicy"},
	}
	cli.initWith(vendorConfig("aws", awsSecrets, cases))
	out, code := cli.run("", "plan", "-no-color", "-input=false")
	if code != 1 {
		t.Fatalf("plan exited %d, want 1:\n%s", code, out)
	}
	checkVendorPlan(t, out, awsSecrets, cases)
}
