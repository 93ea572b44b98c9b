package services

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestSalesforceProfile(t *testing.T) {
	const consumerKey = "3MVG9A2kN3Bn17hsWsLDatw_example_consumer_key_0123456789"
	myDomain := set("login_url", "https://acme.my.salesforce.com", "api_version", "v61.0")
	jwt := []specOpt{withClient(consumerKey, ""), withUser("integration@acme.com"), withKey(testRSA2048())}
	cc := withClient(consumerKey, "F1E2D3C4B5A697887766554433221100FFEEDDCCBBAA99887766554433221100")
	runProfileCases(t, salesforce(), []profileCase{
		{name: "valid JWT bearer connector", spec: newSpec("salesforce", myDomain,
			append(jwt, withScopes("api", "refresh_token"), withRefresh(), withRedirects("https://app.example.com/oauth/sf"))...)},
		{name: "valid client credentials on My Domain", spec: newSpec("salesforce", myDomain, cc, withScopes("api"))},
		{name: "offline_access is a synonym", spec: newSpec("salesforce", myDomain, cc, withScopes("api", "offline_access"), withRefresh())},
		{name: "no offline scope", spec: newSpec("salesforce", myDomain, cc, withScopes("api"), withRefresh()),
			want: []want{wantErr(finding.RefreshTokenMissing, "OFFLINE-SCOPE", "require_refresh_token")}},
		{name: "lightning login_url", spec: newSpec("salesforce", set("login_url", "https://acme.lightning.force.com"), cc),
			want: []want{wantErr(finding.InvalidConfiguration, "SALESFORCE-LIGHTNING-HOST", "salesforce.login_url")}},
		{name: "sandbox lightning instance_url", spec: newSpec("salesforce",
			set("login_url", "https://test.salesforce.com", "instance_url", "https://acme--uat.sandbox.lightning.force.com/"), jwt...),
			want: []want{wantErr(finding.InvalidConfiguration, "SALESFORCE-LIGHTNING-HOST", "salesforce.instance_url")}},
		{name: "loopback login_url", spec: newSpec("salesforce", set("login_url", "http://127.0.0.1:7070"), cc)},
		{name: "version without v", spec: newSpec("salesforce", set("api_version", "61.0"), jwt...),
			want: []want{wantErr(finding.InvalidConfiguration, "SALESFORCE-API-VERSION", "salesforce.api_version")}},
		{name: "retired version", spec: newSpec("salesforce", set("api_version", "v29.0"), jwt...),
			want: []want{wantWarn(finding.InvalidConfiguration, "SALESFORCE-API-VERSION", "salesforce.api_version")}},
		{name: "version name", spec: newSpec("salesforce", set("api_version", "latest"), jwt...),
			want: []want{wantErr(finding.InvalidConfiguration, "SALESFORCE-API-VERSION", "salesforce.api_version")}},
		{name: "scope problems", spec: newSpec("salesforce", myDomain, append(jwt, withScopes("API", "chatter", "https://login.salesforce.com/api", "web"))...),
			want: []want{
				wantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[0]"),
				wantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[1]"),
				wantErr(finding.InvalidScope, "invalid_scope", "required_scopes[2]"),
			}},
		{name: "JWT key without consumer key or user", spec: newSpec("salesforce", myDomain, withKey(testRSA2048())),
			want: []want{
				wantErr(finding.InvalidConfiguration, "CLIENT-ID-MISSING", "auth.client_id"),
				wantErr(finding.InvalidConfiguration, "SALESFORCE-JWT-BEARER", "auth.username"),
			}},
		{name: "username not in e-mail form", spec: newSpec("salesforce", myDomain, withClient(consumerKey, ""),
			withUser("Integration User"), withKey(testRSA2048())),
			want: []want{wantWarn(finding.InvalidConfiguration, "SALESFORCE-USERNAME", "auth.username")}},
		{name: "EC key", spec: newSpec("salesforce", myDomain, withClient(consumerKey, ""), withUser("integration@acme.com"), withKey(testECKey())),
			want: []want{wantErr(finding.InvalidCredentials, "SALESFORCE-JWT-KEY", "auth.private_key_wo")}},
		{name: "client credentials on the default login host", spec: newSpec("salesforce", nil, cc),
			want: []want{wantWarn(finding.InvalidConfiguration, "SALESFORCE-MY-DOMAIN", "salesforce.login_url")}},
		{name: "client credentials on test.salesforce.com", spec: newSpec("salesforce", set("login_url", "https://test.salesforce.com"), cc),
			want: []want{wantWarn(finding.InvalidConfiguration, "SALESFORCE-MY-DOMAIN", "salesforce.login_url")}},
		{name: "unknown login_url", spec: newSpec("salesforce", set("login_url", ""), cc, withUnknown("salesforce.login_url"))},
	})
}
