package provider

import (
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
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/entra"
)

// These tests drive the entra_id and microsoft_365 connectors through real
// `terraform plan` runs against the sandbox's Entra ID, Microsoft Graph and
// Management Activity API emulation. One configuration holds a connector
// per failure mode, so a single plan exercises all of them.

// entraAcc is one connector of the configuration and what its plan must say.
type entraAcc struct {
	name, service, tenant, clientID string
	secret                          string // key into var.secrets; "" uses the certificate
	mailbox                         string // microsoft_365.mailbox, when set
	scopes, redirects               []string
	// The diagnostic expected: kind ("Error", "Warning", "" for none),
	// category, a regexp for the source line it points at, and a fragment
	// of its text.
	kind, category, line, text string
}

func (c entraAcc) hcl(base string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"handshake_connector\" %q {\n  name    = %q\n  service = %q\n  %s = {\n", c.name, c.name, c.service, c.service)
	fmt.Fprintf(&b, "    tenant_id     = %q\n    authority_url = %q\n    graph_url     = %q\n", c.tenant, base, base)
	if c.service == "microsoft_365" {
		fmt.Fprintf(&b, "    management_url = %q\n", base)
	}
	if c.mailbox != "" {
		fmt.Fprintf(&b, "    mailbox        = %q\n", c.mailbox)
	}
	fmt.Fprintf(&b, "  }\n  auth = {\n    client_id        = %q\n", c.clientID)
	if c.secret != "" {
		fmt.Fprintf(&b, "    client_secret_wo = var.secrets[%q]\n", c.secret)
	} else {
		b.WriteString("    private_key_wo   = file(\"${path.module}/app-cert.pem\")\n")
	}
	b.WriteString("  }\n")
	for attr, list := range map[string][]string{"required_scopes": c.scopes, "redirect_uris": c.redirects} {
		if len(list) > 0 {
			fmt.Fprintf(&b, "  %s = [%q", attr, list[0])
			for _, v := range list[1:] {
				fmt.Fprintf(&b, ", %q", v)
			}
			b.WriteString("]\n")
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// entraSecrets are the scenario secrets, passed through a sensitive
// variable so that neither the plan nor a diagnostic can show them.
var entraSecrets = map[string]string{
	"ok":         entra.SandboxSecretOK + "-acc",
	"expiring":   entra.SandboxSecretExpiring + "-acc",
	"expired":    entra.SandboxSecretExpired + "-acc",
	"wrong":      "Qx58Q~kT0pZ3rVt1WcYe8HbNa4SdUg6J.aBcDeF",
	"secret_id":  entra.SandboxSecretID,
	"consent":    entra.SandboxSecretConsent + "-acc",
	"blocked":    entra.SandboxSecretBlocked + "-acc",
	"noroles":    entra.SandboxSecretNoRoles + "-acc",
	"limited":    entra.SandboxSecretLimited + "-acc",
	"wrongcloud": entra.SandboxSecretWrongCloud + "-acc",
	"unlicensed": entra.SandboxSecretUnlicensed + "-acc",
	"auditoff":   entra.SandboxSecretAuditOff + "-acc",
}

func entraSecretsVariable() string {
	keys := make([]string, 0, len(entraSecrets))
	for k := range entraSecrets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("variable \"secrets\" {\n  type      = map(string)\n  sensitive = true\n  default = {\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "    %s = %q\n", k, entraSecrets[k])
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// diagnosticOf returns the diagnostic block of the given kind that belongs
// to resource, names category, and shows a source line matching line.
func diagnosticOf(out, kind, resource, category, line string) (string, bool) {
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

func TestAccLive_entraFailuresThroughPlan(t *testing.T) {
	t.Parallel()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_11_0)
	certPEM, err := entra.SandboxCertificatePEM(srv.VendorURL("entra"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cli.dir, "app-cert.pem"), []byte(certPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	const (
		tenant = entra.SandboxTenantID
		app    = entra.SandboxClientID
	)
	registered := entra.SandboxRedirectURIs[0]
	cases := []entraAcc{
		{name: "healthy", service: "entra_id", tenant: tenant, clientID: app, secret: "ok",
			scopes: []string{"User.Read.All", "GroupMember.Read.All"}, redirects: []string{registered}},
		{name: "certificate", service: "entra_id", tenant: tenant, clientID: app},
		{name: "by_domain", service: "entra_id", tenant: entra.SandboxTenantDomain, clientID: app, secret: "ok"},
		{name: "expiring", service: "entra_id", tenant: tenant, clientID: app, secret: "expiring",
			kind: "Warning", category: "expiring_credentials", line: "client_secret_wo", text: "client secret \"handshake\""},
		{name: "expired", service: "entra_id", tenant: tenant, clientID: app, secret: "expired",
			kind: "Error", category: "expired_credentials", line: "client_secret_wo", text: "AADSTS7000222"},
		{name: "wrong_secret", service: "entra_id", tenant: tenant, clientID: app, secret: "wrong",
			kind: "Error", category: "invalid_credentials", line: "client_secret_wo", text: "AADSTS7000215"},
		{name: "secret_id", service: "entra_id", tenant: tenant, clientID: app, secret: "secret_id",
			kind: "Error", category: "invalid_credentials", line: "client_secret_wo", text: "Secret ID, not the secret's Value"},
		{name: "unknown_app", service: "entra_id", tenant: tenant, clientID: "11111111-2222-4333-8444-555555555555", secret: "ok",
			kind: "Error", category: "app_not_found", line: "client_id", text: "AADSTS700016"},
		{name: "disabled_app", service: "entra_id", tenant: tenant, clientID: entra.SandboxDisabledClientID, secret: "ok",
			kind: "Error", category: "account_disabled", line: "", text: "AADSTS7000112"},
		{name: "unknown_tenant", service: "entra_id", tenant: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", clientID: app, secret: "ok",
			kind: "Error", category: "tenant_not_found", line: "tenant_id", text: "AADSTS90002"},
		{name: "unknown_tenant_domain", service: "entra_id", tenant: "contoso-typo.onmicrosoft.com", clientID: app, secret: "ok",
			kind: "Error", category: "tenant_not_found", line: "tenant_id", text: "AADSTS90002"},
		{name: "no_consent", service: "entra_id", tenant: tenant, clientID: app, secret: "consent",
			kind: "Error", category: "consent_required", line: "client_id", text: "AADSTS65001"},
		{name: "conditional_access", service: "entra_id", tenant: tenant, clientID: app, secret: "blocked",
			kind: "Error", category: "policy_blocked", line: "tenant_id", text: "AADSTS53003"},
		{name: "no_permissions", service: "entra_id", tenant: tenant, clientID: app, secret: "noroles", scopes: []string{"User.Read.All"},
			kind: "Error", category: "insufficient_scope", line: "required_scopes", text: "Grant admin consent"},
		{name: "missing_permission", service: "entra_id", tenant: tenant, clientID: app, secret: "limited",
			scopes: []string{"User.Read.All", "GroupMember.Read.All"},
			kind:   "Error", category: "insufficient_scope", line: "required_scopes", text: "GroupMember.Read.All has not been granted"},
		{name: "wrong_cloud", service: "entra_id", tenant: tenant, clientID: app, secret: "wrongcloud",
			kind: "Error", category: "invalid_credentials", line: "graph_url", text: "InvalidAuthenticationToken"},
		{name: "redirect_mismatch", service: "entra_id", tenant: tenant, clientID: app, secret: "ok", redirects: []string{registered + "/"},
			kind: "Error", category: "redirect_uri_mismatch", line: "redirect_uris", text: "trailing slash"},
		{name: "redirect_missing", service: "entra_id", tenant: tenant, clientID: entra.SandboxNoRedirectClientID, secret: "ok", redirects: []string{registered},
			kind: "Error", category: "redirect_uri_missing", line: "redirect_uris", text: "AADSTS500113"},
		{name: "m365_healthy", service: "microsoft_365", tenant: tenant, clientID: app, secret: "ok", scopes: []string{"ActivityFeed.Read"}},
		{name: "m365_unlicensed", service: "microsoft_365", tenant: tenant, clientID: app, secret: "unlicensed",
			kind: "Error", category: "license_required", line: "tenant_id", text: "AF20012"},
		{name: "m365_audit_off", service: "microsoft_365", tenant: tenant, clientID: app, secret: "auditoff",
			kind: "Error", category: "feature_disabled", line: "tenant_id", text: "Purview"},
		{name: "m365_activity_feed", service: "microsoft_365", tenant: tenant, clientID: app, secret: "limited", scopes: []string{"ActivityFeed.Read"},
			kind: "Error", category: "insufficient_scope", line: "required_scopes", text: "ActivityFeed.Read"},
		// The mailbox the connector acts for (shared seed 003: Exchange Online answers 404).
		{name: "m365_mailbox", service: "microsoft_365", tenant: tenant, clientID: app, secret: "ok", mailbox: entra.SandboxMailboxUser},
		{name: "m365_mailbox_unlicensed", service: "microsoft_365", tenant: tenant, clientID: app, secret: "ok", mailbox: entra.SandboxUnlicensedUser,
			kind: "Error", category: "license_required", line: `mailbox\s+=`, text: "User " + entra.SandboxUnlicensedUser + " has no Exchange Online licence"},
		{name: "m365_mailbox_on_premises", service: "microsoft_365", tenant: tenant, clientID: app, secret: "ok", mailbox: entra.SandboxOnPremUser,
			kind: "Error", category: "license_required", line: `mailbox\s+=`, text: "hosted on-premises"},
		{name: "m365_mailbox_deleted_user", service: "microsoft_365", tenant: tenant, clientID: app, secret: "ok", mailbox: entra.SandboxDeletedUser,
			kind: "Error", category: "account_disabled", line: `mailbox\s+=`, text: "inactive or soft-deleted"},
		{name: "m365_mailbox_no_such_user", service: "microsoft_365", tenant: tenant, clientID: app, secret: "ok", mailbox: "nobody@" + entra.SandboxTenantDomain,
			kind: "Error", category: "account_disabled", line: `mailbox\s+=`, text: "ErrorInvalidUser"},
		{name: "m365_mailbox_no_permission", service: "microsoft_365", tenant: tenant, clientID: app, secret: "limited", mailbox: entra.SandboxMailboxUser,
			kind: "Error", category: "insufficient_scope", line: "", text: "MailboxSettings.Read"},
	}
	var config strings.Builder
	config.WriteString("provider \"handshake\" {\n  expiry_warning = \"720h\"\n  timeout        = \"5s\"\n}\n")
	config.WriteString(entraSecretsVariable())
	for _, c := range cases {
		config.WriteString(c.hcl(srv.VendorURL("entra")))
	}
	cli.initWith(config.String())
	out, code := cli.run("", "plan", "-no-color", "-input=false")
	if code != 1 {
		t.Fatalf("plan exited %d, want 1:\n%s", code, out)
	}
	for key, secret := range entraSecrets {
		// The Secret ID is the app's public key id, which Graph lists and
		// findings may name; every other value is a secret.
		if key != "secret_id" && strings.Contains(out, secret) {
			t.Fatalf("the plan output shows a secret (%.8s…):\n%s", secret, out)
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.kind == "" {
				if _, bad := diagnosticOf(out, "Error", c.name, "", ""); bad {
					t.Fatalf("healthy connector %s has an error:\n%s", c.name, out)
				}
				// Permission names in required_scopes draw an offline
				// invalid_scope note (AADSTS1002012); nothing else may warn.
				for _, cat := range []string{"expiring_credentials", "expired_credentials", "insufficient_scope", "unexpected_response"} {
					if block, warned := diagnosticOf(out, "Warning", c.name, cat, ""); warned {
						t.Fatalf("healthy connector %s has a warning:\n%s", c.name, block)
					}
				}
				return
			}
			block, ok := diagnosticOf(out, c.kind, c.name, c.category, c.line)
			if !ok {
				t.Fatalf("no %s with category %s on a line matching %q for %s:\n%s", c.kind, c.category, c.line, c.name, out)
			}
			if !strings.Contains(block, c.text) || !strings.Contains(block, "Fix") {
				t.Fatalf("the diagnostic lacks %q or a fix:\n%s", c.text, block)
			}
		})
	}
}

// TestAccLive_entraDrift: a healthy Entra connector refreshes without drift;
// after its client secret is deleted in the tenant (revoked in the sandbox),
// a scheduled `plan -refresh-only -detailed-exitcode` exits 2 and names
// AADSTS7000215 on the secret.
func TestAccLive_entraDrift(t *testing.T) {
	t.Parallel()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	cli := newTerraformCLI(t, defaultProviderFactory)
	secret := entra.SandboxSecretOK + "-drift"
	config := fmt.Sprintf(`
resource "handshake_connector" "directory" {
  name    = "governance-directory"
  service = "entra_id"
  entra_id = {
    tenant_id     = %q
    authority_url = %q
    graph_url     = %q
  }
  auth = {
    client_id     = %q
    client_secret = %q
  }
  redirect_uris = [%q]
}`, entra.SandboxTenantID, srv.VendorURL("entra"), srv.VendorURL("entra"), entra.SandboxClientID, secret, entra.SandboxRedirectURIs[0])
	cli.initWith(config)
	if out, code := cli.run("", "apply", "-auto-approve", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("apply failed:\n%s", out)
	}
	if show, _ := cli.run("", "state", "show", "-no-color", "handshake_connector.directory"); !regexp.MustCompile(`status\s+= "healthy"`).MatchString(show) {
		t.Fatalf("state after apply:\n%s", show)
	}
	if out, code := cli.run("", "plan", "-refresh-only", "-detailed-exitcode", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("unchanged connector: refresh-only plan exited %d, want 0:\n%s", code, out)
	}
	srv.Revoke(secret)
	out, code := cli.run("", "plan", "-refresh-only", "-detailed-exitcode", "-no-color", "-input=false")
	if code != 2 || !regexp.MustCompile(`status\s+= "healthy" -> "unhealthy"`).MatchString(out) ||
		!hasDiagnostic(out, "Warning", "client_secret", "invalid_credentials") || !strings.Contains(out, "AADSTS7000215") {
		t.Fatalf("revoked secret: refresh-only plan exited %d, want 2 naming AADSTS7000215:\n%s", code, out)
	}
}
