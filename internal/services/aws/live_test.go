package aws

import (
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

const testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

// The planner against the sandbox's AWS: every failure mode, each with its
// category, attribute and fix.
func TestLive(t *testing.T) {
	srv := sandbox.Start(Emulation())
	defer srv.Close()
	base := srv.VendorURL("aws")
	spec := func(key string, settings []string, opts ...servicetest.SpecOpt) *connector.Spec {
		kv := append([]string{"region", "us-east-1", "base_url", base + "/us-east-1", "iam_base_url", base + "/iam"}, settings...)
		return servicetest.NewSpec("aws", servicetest.Set(kv...),
			append([]servicetest.SpecOpt{servicetest.WithUser(key), servicetest.WithPassword(testSecret)}, opts...)...)
	}
	role := func(name, ext string) []string {
		out := []string{"role_arn", "arn:aws:iam::" + SandboxAccount + ":role/" + name}
		if ext != "" {
			out = append(out, "external_id", ext)
		}
		return out
	}
	scopes := servicetest.WithScopes("iam:ListUsers", "cloudtrail:LookupEvents")
	for _, tc := range []struct {
		name   string
		spec   *connector.Spec
		status string
		cat    finding.Category
		path   string
		fixHas string
	}{
		{"healthy key", spec("AKIASANDBOXHEALTHY01", nil, scopes), probe.StatusHealthy, "", "", ""},
		{"healthy role with external id", spec("AKIASANDBOXHEALTHY01", role("audit-external", SandboxExternalID), scopes), probe.StatusHealthy, "", "", ""},
		{"unknown key id", spec("AKIASANDBOXINVALID01", nil), probe.StatusUnhealthy, finding.InvalidCredentials, "auth.username", "Active"},
		{"wrong secret", spec("AKIASANDBOXBADSECRET", nil), probe.StatusUnhealthy, finding.InvalidCredentials, "auth.password_wo", "40-character"},
		{"expired session", spec("ASIASANDBOXEXPIRED01", nil, servicetest.WithToken("sandbox-session-token")), probe.StatusUnhealthy, finding.ExpiredCredentials, "auth.token_wo", "temporary credentials"},
		{"clock skew", spec("AKIASANDBOXSKEW00001", nil), probe.StatusUnhealthy, finding.InvalidConfiguration, "aws.base_url", "NTP"},
		{"region mismatch", spec("AKIASANDBOXHEALTHY01", []string{"base_url", base + "/eu-west-1"}), probe.StatusUnhealthy, finding.InvalidConfiguration, "aws.base_url", "aws.region"},
		{"sts disabled in region", spec("AKIASANDBOXNOSTS0001", nil), probe.StatusUnhealthy, finding.FeatureDisabled, "aws.region", "Account settings"},
		{"throttled", spec("AKIASANDBOXTHROTTLE1", nil), probe.StatusUnreachable, finding.RateLimited, "aws.base_url", "back-off"},
		{"trust policy refuses", spec("AKIASANDBOXHEALTHY01", role("untrusted-audit", "")), probe.StatusUnhealthy, finding.AccessDenied, "aws.role_arn", "trust policy"},
		{"wrong external id", spec("AKIASANDBOXHEALTHY01", role("audit-external", "wrong-external-id")), probe.StatusUnhealthy, finding.AccessDenied, "aws.external_id", "sts:ExternalId"},
		{"root cannot assume", spec("AKIASANDBOXROOT00001", role("audit", "")), probe.StatusUnhealthy, finding.AccessDenied, "auth.username", "IAM user"},
		{"scp denies assume", spec("AKIASANDBOXSCP000001", role("audit", "")), probe.StatusUnhealthy, finding.PolicyBlocked, "aws.role_arn", "service control policy"},
		{"action not granted", spec("AKIASANDBOXHEALTHY01", nil, servicetest.WithScopes("iam:ListUsers", "ec2:DescribeInstances")), probe.StatusUnhealthy, finding.InsufficientScope, "required_scopes[1]", "ec2:DescribeInstances"},
		{"action denied by scp", spec("AKIASANDBOXHEALTHY01", role("audit", ""), servicetest.WithScopes("organizations:ListAccounts")), probe.StatusUnhealthy, finding.PolicyBlocked, "required_scopes[0]", "organization"},
		{"simulation refused", spec("AKIASANDBOXNOSIM0001", nil, scopes), probe.StatusDegraded, finding.InsufficientScope, "required_scopes", "iam:SimulatePrincipalPolicy"},
		{"not sts", spec("AKIASANDBOXHEALTHY01", []string{"base_url", srv.URL + "/nowhere"}), probe.StatusUnhealthy, finding.EndpointNotFound, "aws.base_url", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := servicetest.RunCheck(t, Plan, tc.spec)
			servicetest.NoSecretsIn(t, res, tc.spec.Secrets()...)
			for _, f := range res.Findings {
				if f.Summary == "" || f.Detail == "" || len(f.Remediation) == 0 {
					t.Errorf("finding %s %q lacks summary, detail or fix", f.Category, f.Summary)
				}
				if tc.cat == "" {
					t.Fatalf("healthy connector has a finding\n%s", servicetest.DumpResult(res))
				}
			}
			f := servicetest.ExpectResult(t, res, tc.status, tc.cat, tc.path)
			if tc.cat != "" && !strings.Contains(strings.Join(f.Remediation, "\n"), tc.fixHas) {
				t.Fatalf("no fix mentions %q\n%s", tc.fixHas, servicetest.DumpResult(res))
			}
		})
	}
}
