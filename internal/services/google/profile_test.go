package google

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func TestGoogleWorkspaceProfile(t *testing.T) {
	const (
		conf      = finding.InvalidConfiguration
		admin     = "it-admin@acme.example"
		userRO    = "https://www.googleapis.com/auth/admin.directory.user.readonly"
		groupRO   = "https://www.googleapis.com/auth/admin.directory.group.readonly"
		reportsRO = "https://www.googleapis.com/auth/admin.reports.audit.readonly"
		keyPath   = "auth.service_account_key_wo"
	)
	key := servicetest.TestSAKey(t, nil)
	imp := func(kv ...string) map[string]string {
		return servicetest.Set(append([]string{"impersonate", admin}, kv...)...)
	}
	servicetest.RunProfileCases(t, profile(), []servicetest.ProfileCase{
		{Name: "valid delegated admin", Spec: servicetest.NewSpec("google_workspace", imp("customer_id", "C03az79cb"), servicetest.WithSAKey(key), servicetest.WithScopes(userRO, groupRO, reportsRO))},
		{Name: "valid without admin scopes or subject", Spec: servicetest.NewSpec("google_workspace", nil, servicetest.WithSAKey(key), servicetest.WithScopes("https://www.googleapis.com/auth/cloud-platform"))},
		{Name: "valid loopback overrides", Spec: servicetest.NewSpec("google_workspace", imp("token_url", "http://127.0.0.1:9100/token", "base_url", "http://127.0.0.1:9101"), servicetest.WithSAKey(key), servicetest.WithScopes(userRO))},
		{Name: "valid gmail full access scope", Spec: servicetest.NewSpec("google_workspace", imp(), servicetest.WithSAKey(key), servicetest.WithScopes("https://mail.google.com/"))},

		{Name: "missing key", Spec: servicetest.NewSpec("google_workspace", imp(), servicetest.WithScopes(userRO)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "GOOGLE-SA-KEY", "auth.service_account_key")}},
		{Name: "key is a path", Spec: servicetest.NewSpec("google_workspace", imp(), servicetest.WithSAKey("/secrets/sa.json")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "GOOGLE-SA-KEY", keyPath)}},
		{Name: "user credentials instead of a service account", Spec: servicetest.NewSpec("google_workspace", imp(), servicetest.WithSAKey(servicetest.TestSAKey(t, func(m map[string]any) { m["type"] = "authorized_user" }))),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "GOOGLE-SA-KEY", keyPath)}},
		{Name: "key without private key", Spec: servicetest.NewSpec("google_workspace", imp(), servicetest.WithSAKey(servicetest.TestSAKey(t, func(m map[string]any) { delete(m, "private_key") }))),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "GOOGLE-SA-KEY", keyPath)}},
		{Name: "unknown key", Spec: servicetest.NewSpec("google_workspace", imp(), servicetest.WithSAKey(""), servicetest.WithUnknown(keyPath))},

		{Name: "short scope names", Spec: servicetest.NewSpec("google_workspace", imp(), servicetest.WithSAKey(key), servicetest.WithScopes("admin.directory.user.readonly", "drive")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidScope, "invalid_scope", "required_scopes[0]"), servicetest.WantErr(finding.InvalidScope, "invalid_scope", "required_scopes[1]")}},
		{Name: "http scope URL", Spec: servicetest.NewSpec("google_workspace", imp(), servicetest.WithSAKey(key), servicetest.WithScopes("http://www.googleapis.com/auth/admin.directory.user")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidScope, "invalid_scope", "required_scopes[0]")}},
		{Name: "odd scope", Spec: servicetest.NewSpec("google_workspace", imp(), servicetest.WithSAKey(key), servicetest.WithScopes("https://graph.microsoft.com/.default")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[0]")}},
		{Name: "comma-joined scopes reported once", Spec: servicetest.NewSpec("google_workspace", imp(), servicetest.WithSAKey(key), servicetest.WithScopes(userRO+","+groupRO)),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidScope, "RFC6749-3.3", "required_scopes[0]")}},

		{Name: "admin scopes without a subject", Spec: servicetest.NewSpec("google_workspace", nil, servicetest.WithSAKey(key), servicetest.WithScopes(userRO)),
			Want: []servicetest.Want{servicetest.WantWarn(finding.DelegationNotConfigured, "GOOGLE-DWD-SUBJECT", "google_workspace.impersonate")}},
		{Name: "impersonating the service account itself", Spec: servicetest.NewSpec("google_workspace", servicetest.Set("impersonate", "directory-sync@acme-directory-sync.iam.gserviceaccount.com"), servicetest.WithSAKey(key), servicetest.WithScopes(userRO)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "GOOGLE-DWD-SUBJECT", "google_workspace.impersonate")}},
		{Name: "impersonate is not an e-mail", Spec: servicetest.NewSpec("google_workspace", servicetest.Set("impersonate", "it-admin"), servicetest.WithSAKey(key), servicetest.WithScopes(userRO)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "GOOGLE-DWD-SUBJECT", "google_workspace.impersonate")}},
		{Name: "unknown subject", Spec: servicetest.NewSpec("google_workspace", nil, servicetest.WithSAKey(key), servicetest.WithScopes(userRO), servicetest.WithUnknown("google_workspace.impersonate"))},

		{Name: "domain as customer id", Spec: servicetest.NewSpec("google_workspace", imp("customer_id", "acme.example"), servicetest.WithSAKey(key)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "GOOGLE-CUSTOMER-ID", "google_workspace.customer_id")}},
		{Name: "explicit my_customer", Spec: servicetest.NewSpec("google_workspace", imp("customer_id", "my_customer"), servicetest.WithSAKey(key))},
		{Name: "http token_url", Spec: servicetest.NewSpec("google_workspace", imp("token_url", "http://oauth2.googleapis.com/token"), servicetest.WithSAKey(key)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "ENDPOINT-TLS", "google_workspace.token_url")}},
		{Name: "wrong auth attribute", Spec: servicetest.NewSpec("google_workspace", imp(), servicetest.WithSAKey(key), servicetest.WithKey(servicetest.TestRSA2048())),
			Want: []servicetest.Want{servicetest.WantWarn(conf, "", "auth.private_key_wo")}},
	})
}
