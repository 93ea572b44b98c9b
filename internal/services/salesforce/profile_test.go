package salesforce

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func TestSalesforceProfile(t *testing.T) {
	const consumerKey = "3MVG9A2kN3Bn17hsWsLDatw_example_consumer_key_0123456789"
	myDomain := servicetest.Set("login_url", "https://acme.my.salesforce.com", "api_version", "v61.0")
	jwt := []servicetest.SpecOpt{servicetest.WithClient(consumerKey, ""), servicetest.WithUser("integration@acme.com"), servicetest.WithKey(servicetest.TestRSA2048())}
	cc := servicetest.WithClient(consumerKey, "F1E2D3C4B5A697887766554433221100FFEEDDCCBBAA99887766554433221100")
	servicetest.RunProfileCases(t, Profile(), []servicetest.ProfileCase{
		{Name: "valid JWT bearer connector", Spec: servicetest.NewSpec("salesforce", myDomain,
			append(jwt, servicetest.WithScopes("api", "refresh_token"), servicetest.WithRefresh(), servicetest.WithRedirects("https://app.example.com/oauth/sf"))...)},
		{Name: "valid client credentials on My Domain", Spec: servicetest.NewSpec("salesforce", myDomain, cc, servicetest.WithScopes("api"))},
		{Name: "offline_access is a synonym", Spec: servicetest.NewSpec("salesforce", myDomain, cc, servicetest.WithScopes("api", "offline_access"), servicetest.WithRefresh())},
		{Name: "no offline scope", Spec: servicetest.NewSpec("salesforce", myDomain, cc, servicetest.WithScopes("api"), servicetest.WithRefresh()),
			Want: []servicetest.Want{servicetest.WantErr(finding.RefreshTokenMissing, "OFFLINE-SCOPE", "require_refresh_token")}},
		{Name: "lightning login_url", Spec: servicetest.NewSpec("salesforce", servicetest.Set("login_url", "https://acme.lightning.force.com"), cc),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SALESFORCE-LIGHTNING-HOST", "salesforce.login_url")}},
		{Name: "sandbox lightning instance_url", Spec: servicetest.NewSpec("salesforce",
			servicetest.Set("login_url", "https://test.salesforce.com", "instance_url", "https://acme--uat.sandbox.lightning.force.com/"), jwt...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SALESFORCE-LIGHTNING-HOST", "salesforce.instance_url")}},
		{Name: "loopback login_url", Spec: servicetest.NewSpec("salesforce", servicetest.Set("login_url", "http://127.0.0.1:7070"), cc)},
		{Name: "version without v", Spec: servicetest.NewSpec("salesforce", servicetest.Set("api_version", "61.0"), jwt...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SALESFORCE-API-VERSION", "salesforce.api_version")}},
		{Name: "retired version", Spec: servicetest.NewSpec("salesforce", servicetest.Set("api_version", "v29.0"), jwt...),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "SALESFORCE-API-VERSION", "salesforce.api_version")}},
		{Name: "version name", Spec: servicetest.NewSpec("salesforce", servicetest.Set("api_version", "latest"), jwt...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "SALESFORCE-API-VERSION", "salesforce.api_version")}},
		{Name: "scope problems", Spec: servicetest.NewSpec("salesforce", myDomain, append(jwt, servicetest.WithScopes("API", "chatter", "https://login.salesforce.com/api", "web"))...),
			Want: []servicetest.Want{
				servicetest.WantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[0]"),
				servicetest.WantWarn(finding.InvalidScope, "invalid_scope", "required_scopes[1]"),
				servicetest.WantErr(finding.InvalidScope, "invalid_scope", "required_scopes[2]"),
			}},
		{Name: "JWT key without consumer key or user", Spec: servicetest.NewSpec("salesforce", myDomain, servicetest.WithKey(servicetest.TestRSA2048())),
			Want: []servicetest.Want{
				servicetest.WantErr(finding.InvalidConfiguration, "CLIENT-ID-MISSING", "auth.client_id"),
				servicetest.WantErr(finding.InvalidConfiguration, "SALESFORCE-JWT-BEARER", "auth.username"),
			}},
		{Name: "username not in e-mail form", Spec: servicetest.NewSpec("salesforce", myDomain, servicetest.WithClient(consumerKey, ""),
			servicetest.WithUser("Integration User"), servicetest.WithKey(servicetest.TestRSA2048())),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "SALESFORCE-USERNAME", "auth.username")}},
		{Name: "EC key", Spec: servicetest.NewSpec("salesforce", myDomain, servicetest.WithClient(consumerKey, ""), servicetest.WithUser("integration@acme.com"), servicetest.WithKey(servicetest.TestECKey())),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "SALESFORCE-JWT-KEY", "auth.private_key_wo")}},
		{Name: "client credentials on the default login host", Spec: servicetest.NewSpec("salesforce", nil, cc),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "SALESFORCE-MY-DOMAIN", "salesforce.login_url")}},
		{Name: "client credentials on test.salesforce.com", Spec: servicetest.NewSpec("salesforce", servicetest.Set("login_url", "https://test.salesforce.com"), cc),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "SALESFORCE-MY-DOMAIN", "salesforce.login_url")}},
		{Name: "unknown login_url", Spec: servicetest.NewSpec("salesforce", servicetest.Set("login_url", ""), cc, servicetest.WithUnknown("salesforce.login_url"))},
	})
}
