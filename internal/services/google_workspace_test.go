package services

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
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
	key := testSAKey(t, nil)
	imp := func(kv ...string) map[string]string { return set(append([]string{"impersonate", admin}, kv...)...) }
	runCatalogCases(t, []profileCase{
		{name: "valid delegated admin", spec: newSpec("google_workspace", imp("customer_id", "C03az79cb"), withSAKey(key), withScopes(userRO, groupRO, reportsRO))},
		{name: "valid without admin scopes or subject", spec: newSpec("google_workspace", nil, withSAKey(key), withScopes("https://www.googleapis.com/auth/cloud-platform"))},
		{name: "valid loopback overrides", spec: newSpec("google_workspace", imp("token_url", "http://127.0.0.1:9100/token", "base_url", "http://127.0.0.1:9101"), withSAKey(key), withScopes(userRO))},
		{name: "valid gmail full access scope", spec: newSpec("google_workspace", imp(), withSAKey(key), withScopes("https://mail.google.com/"))},

		{name: "missing key", spec: newSpec("google_workspace", imp(), withScopes(userRO)),
			want: []want{wantErr(conf, "GOOGLE-SA-KEY", "auth.service_account_key")}},
		{name: "key is a path", spec: newSpec("google_workspace", imp(), withSAKey("/secrets/sa.json")),
			want: []want{wantErr(finding.InvalidCredentials, "GOOGLE-SA-KEY", keyPath)}},
		{name: "user credentials instead of a service account", spec: newSpec("google_workspace", imp(), withSAKey(testSAKey(t, func(m map[string]any) { m["type"] = "authorized_user" }))),
			want: []want{wantErr(finding.InvalidCredentials, "GOOGLE-SA-KEY", keyPath)}},
		{name: "key without private key", spec: newSpec("google_workspace", imp(), withSAKey(testSAKey(t, func(m map[string]any) { delete(m, "private_key") }))),
			want: []want{wantErr(finding.InvalidCredentials, "GOOGLE-SA-KEY", keyPath)}},
		{name: "unknown key", spec: newSpec("google_workspace", imp(), withSAKey(""), withUnknown(keyPath))},

		{name: "short scope names", spec: newSpec("google_workspace", imp(), withSAKey(key), withScopes("admin.directory.user.readonly", "drive")),
			want: []want{wantErr(finding.InvalidScope, "invalid_scope", "required_scopes[0]"), wantErr(finding.InvalidScope, "invalid_scope", "required_scopes[1]")}},
		{name: "http scope URL", spec: newSpec("google_workspace", imp(), withSAKey(key), withScopes("http://www.googleapis.com/auth/admin.directory.user")),
			want: []want{wantErr(finding.InvalidScope, "invalid_scope", "required_scopes[0]")}},
		{name: "odd scope", spec: newSpec("google_workspace", imp(), withSAKey(key), withScopes("https://graph.microsoft.com/.default")),
			want: []want{wantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[0]")}},
		{name: "comma-joined scopes reported once", spec: newSpec("google_workspace", imp(), withSAKey(key), withScopes(userRO+","+groupRO)),
			want: []want{wantWarn(finding.InvalidScope, "RFC6749-3.3", "required_scopes[0]")}},

		{name: "admin scopes without a subject", spec: newSpec("google_workspace", nil, withSAKey(key), withScopes(userRO)),
			want: []want{wantWarn(finding.DelegationNotConfigured, "GOOGLE-DWD-SUBJECT", "google_workspace.impersonate")}},
		{name: "impersonating the service account itself", spec: newSpec("google_workspace", set("impersonate", "directory-sync@acme-directory-sync.iam.gserviceaccount.com"), withSAKey(key), withScopes(userRO)),
			want: []want{wantErr(conf, "GOOGLE-DWD-SUBJECT", "google_workspace.impersonate")}},
		{name: "impersonate is not an e-mail", spec: newSpec("google_workspace", set("impersonate", "it-admin"), withSAKey(key), withScopes(userRO)),
			want: []want{wantErr(conf, "GOOGLE-DWD-SUBJECT", "google_workspace.impersonate")}},
		{name: "unknown subject", spec: newSpec("google_workspace", nil, withSAKey(key), withScopes(userRO), withUnknown("google_workspace.impersonate"))},

		{name: "domain as customer id", spec: newSpec("google_workspace", imp("customer_id", "acme.example"), withSAKey(key)),
			want: []want{wantErr(conf, "GOOGLE-CUSTOMER-ID", "google_workspace.customer_id")}},
		{name: "explicit my_customer", spec: newSpec("google_workspace", imp("customer_id", "my_customer"), withSAKey(key))},
		{name: "http token_url", spec: newSpec("google_workspace", imp("token_url", "http://oauth2.googleapis.com/token"), withSAKey(key)),
			want: []want{wantErr(conf, "ENDPOINT-TLS", "google_workspace.token_url")}},
		{name: "wrong auth attribute", spec: newSpec("google_workspace", imp(), withSAKey(key), withKey(testRSA2048())),
			want: []want{wantWarn(conf, "", "auth.private_key_wo")}},
	})
}
