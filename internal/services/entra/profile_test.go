package entra

import (
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

const (
	entraTenantID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	entraAppID    = "0f3b1c2d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
	entraSecret   = "Qx58Q~kT0pZ3rVt1WcYe8HbNa4SdUg6J.aBcDeF"
	graphDefault  = "https://graph.microsoft.com/.default"
)

func TestEntraIDProfile(t *testing.T) {
	const (
		conf  = finding.InvalidConfiguration
		scope = finding.InvalidScope
	)
	tenant := func(kv ...string) map[string]string {
		return servicetest.Set(append([]string{"tenant_id", entraTenantID}, kv...)...)
	}
	app := servicetest.WithClient(entraAppID, entraSecret)
	servicetest.RunCatalogCases(t, catalog(), []servicetest.ProfileCase{
		{Name: "valid client secret connector", Spec: servicetest.NewSpec("entra_id", tenant(), app, servicetest.WithScopes(graphDefault),
			servicetest.WithRedirects("https://governance.example.com/oauth/callback", "https://localhost/signin-oidc"))},
		{Name: "valid certificate connector with verified domain", Spec: servicetest.NewSpec("entra_id", servicetest.Set("tenant_id", "contoso.onmicrosoft.com"),
			servicetest.WithClient(entraAppID, ""), servicetest.WithKey(servicetest.TestRSA2048()))},
		{Name: "valid US Government cloud", Spec: servicetest.NewSpec("entra_id", tenant("authority_url", "https://login.microsoftonline.us", "graph_url", "https://graph.microsoft.us"), app,
			servicetest.WithScopes("https://graph.microsoft.us/.default"))},
		{Name: "valid loopback emulator", Spec: servicetest.NewSpec("entra_id", tenant("authority_url", "http://127.0.0.1:8443", "graph_url", "http://127.0.0.1:8444"), app)},

		{Name: "common tenant", Spec: servicetest.NewSpec("entra_id", servicetest.Set("tenant_id", "common"), app),
			Want: []servicetest.Want{servicetest.WantErr(conf, "AADSTS50059", "entra_id.tenant_id")}},
		{Name: "organizations tenant", Spec: servicetest.NewSpec("entra_id", servicetest.Set("tenant_id", "Organizations"), app),
			Want: []servicetest.Want{servicetest.WantErr(conf, "AADSTS50059", "entra_id.tenant_id")}},
		{Name: "tenant as URL", Spec: servicetest.NewSpec("entra_id", servicetest.Set("tenant_id", "https://login.microsoftonline.com/"+entraTenantID+"/v2.0"), app),
			Want: []servicetest.Want{servicetest.WantErr(conf, "AADSTS900023", "entra_id.tenant_id")}},
		{Name: "tenant in braces", Spec: servicetest.NewSpec("entra_id", servicetest.Set("tenant_id", "{"+entraTenantID+"}"), app),
			Want: []servicetest.Want{servicetest.WantErr(conf, "AADSTS900023", "entra_id.tenant_id")}},
		{Name: "tenant from a broken template", Spec: servicetest.NewSpec("entra_id", servicetest.Set("tenant_id", "{{tenantid}}"), app),
			Want: []servicetest.Want{servicetest.WantErr(conf, "AADSTS900023", "entra_id.tenant_id")}},
		{Name: "empty tenant", Spec: servicetest.NewSpec("entra_id", servicetest.Set("tenant_id", ""), app),
			Want: []servicetest.Want{servicetest.WantErr(conf, "AADSTS900023", "entra_id.tenant_id")}},
		{Name: "unknown tenant is not checked", Spec: servicetest.NewSpec("entra_id", servicetest.Set("tenant_id", ""), app, servicetest.WithUnknown("entra_id.tenant_id"))},
		{Name: "missing block", Spec: servicetest.NewSpec("entra_id", nil, app, servicetest.WithoutBlock()),
			Want: []servicetest.Want{servicetest.WantErr(conf, "", "service")}},

		{Name: "authority with tenant path", Spec: servicetest.NewSpec("entra_id", tenant("authority_url", "https://login.microsoftonline.com/"+entraTenantID), app),
			Want: []servicetest.Want{servicetest.WantErr(conf, "ENTRA-AUTHORITY", "entra_id.authority_url")}},
		{Name: "national cloud mismatch", Spec: servicetest.NewSpec("entra_id", tenant("authority_url", "https://login.microsoftonline.us"), app),
			Want: []servicetest.Want{servicetest.WantWarn(conf, "ENTRA-NATIONAL-CLOUD", "entra_id.authority_url")}},
		{Name: "graph in another cloud", Spec: servicetest.NewSpec("entra_id", tenant("graph_url", "https://microsoftgraph.chinacloudapi.cn"), app),
			Want: []servicetest.Want{servicetest.WantWarn(conf, "ENTRA-NATIONAL-CLOUD", "entra_id.graph_url")}},

		{Name: "missing client id", Spec: servicetest.NewSpec("entra_id", tenant(), servicetest.WithClient("", entraSecret)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "CLIENT-ID-MISSING", "auth.client_id")}},
		{Name: "client id is a name", Spec: servicetest.NewSpec("entra_id", tenant(), servicetest.WithClient("governance-sync", entraSecret)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "AADSTS700016", "auth.client_id")}},
		{Name: "client id is the tenant id", Spec: servicetest.NewSpec("entra_id", tenant(), servicetest.WithClient(strings.ToUpper(entraTenantID), entraSecret)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "AADSTS700016", "auth.client_id")}},
		{Name: "no credential", Spec: servicetest.NewSpec("entra_id", tenant(), servicetest.WithClient(entraAppID, "")),
			Want: []servicetest.Want{servicetest.WantErr(conf, "AADSTS7000216", "auth.client_secret")}},
		{Name: "secret id instead of value", Spec: servicetest.NewSpec("entra_id", tenant(), servicetest.WithClient(entraAppID, "5b0f8a7e-2c3d-4e5f-9a8b-7c6d5e4f3a2b")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidCredentials, "AADSTS7000215", "auth.client_secret_wo")}},
		{Name: "certificate key bundled with its certificate is fine", Spec: servicetest.NewSpec("entra_id", tenant(), servicetest.WithClient(entraAppID, ""),
			servicetest.WithKey("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"+servicetest.TestRSA2048()))},
		{Name: "certificate instead of key", Spec: servicetest.NewSpec("entra_id", tenant(), servicetest.WithClient(entraAppID, ""),
			servicetest.WithKey("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "PEM", "auth.private_key_wo")}},
		{Name: "unknown secret is not missing", Spec: servicetest.NewSpec("entra_id", tenant(), servicetest.WithClient(entraAppID, ""), servicetest.WithUnknown("auth.client_secret_wo"))},

		{Name: ".default mixed with permissions", Spec: servicetest.NewSpec("entra_id", tenant(), app, servicetest.WithScopes(graphDefault, "User.Read.All")),
			Want: []servicetest.Want{servicetest.WantErr(scope, "AADSTS70011", "required_scopes[1]")}},
		{Name: "permission names without .default", Spec: servicetest.NewSpec("entra_id", tenant(), app, servicetest.WithScopes("User.Read.All", "GroupMember.Read.All")),
			Want: []servicetest.Want{servicetest.WantWarn(scope, "AADSTS1002012", "required_scopes[0]"), servicetest.WantWarn(scope, "AADSTS1002012", "required_scopes[1]")}},
		{Name: "OIDC scope for app-only", Spec: servicetest.NewSpec("entra_id", tenant(), app, servicetest.WithScopes("openid")),
			Want: []servicetest.Want{servicetest.WantWarn(scope, "AADSTS1002012", "required_scopes[0]")}},
		{Name: "resource URL without .default", Spec: servicetest.NewSpec("entra_id", tenant(), app, servicetest.WithScopes("https://graph.microsoft.com/User.Read")),
			Want: []servicetest.Want{servicetest.WantWarn(scope, "AADSTS1002012", "required_scopes[0]")}},
		{Name: "app id URI .default", Spec: servicetest.NewSpec("entra_id", tenant(), app, servicetest.WithScopes("api://"+entraAppID+"/.default"))},
		{Name: "unknown scopes are not checked", Spec: servicetest.NewSpec("entra_id", tenant(), app, servicetest.WithScopes("User.Read.All"), servicetest.WithUnknown("required_scopes"))},

		{Name: "redirect over http on a public host", Spec: servicetest.NewSpec("entra_id", tenant(), app, servicetest.WithRedirects("http://contoso.com/abc/response-oidc")),
			Want: []servicetest.Want{servicetest.WantErr(finding.RedirectURIInvalid, "REDIRECT-HTTP-LOCALHOST-ONLY", "redirect_uris[0]")}},
		{Name: "redirect over http on 127.0.0.1", Spec: servicetest.NewSpec("entra_id", tenant(), app, servicetest.WithRedirects("http://127.0.0.1:5000/auth"))},
		{Name: "redirect over http on localhost", Spec: servicetest.NewSpec("entra_id", tenant(), app, servicetest.WithRedirects("http://localhost:5000/auth")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.RedirectURIInvalid, "RFC8252-8.3", "redirect_uris[0]")}},
		{Name: "redirect on IPv6 loopback", Spec: servicetest.NewSpec("entra_id", tenant(), app, servicetest.WithRedirects("https://[::1]:5000/auth")),
			Want: []servicetest.Want{servicetest.WantErr(finding.RedirectURIInvalid, "ENTRA-REDIRECT-IPV6", "redirect_uris[0]")}},
		{Name: "redirect with unsupported characters", Spec: servicetest.NewSpec("entra_id", tenant(), app, servicetest.WithRedirects("https://contoso.com/cb;jsessionid=1")),
			Want: []servicetest.Want{servicetest.WantErr(finding.RedirectURIInvalid, "ENTRA-REDIRECT-CHARS", "redirect_uris[0]")}},
		{Name: "redirect too long", Spec: servicetest.NewSpec("entra_id", tenant(), app, servicetest.WithRedirects("https://contoso.com/"+strings.Repeat("x", 240))),
			Want: []servicetest.Want{servicetest.WantErr(finding.RedirectURIInvalid, "REDIRECT-MAX-LENGTH", "redirect_uris[0]")}},
		{Name: "MSAL desktop redirect", Spec: servicetest.NewSpec("entra_id", tenant(), app, servicetest.WithRedirects("msal"+entraAppID+"://auth"))},

		{Name: "refresh token required", Spec: servicetest.NewSpec("entra_id", tenant(), app, servicetest.WithScopes(graphDefault), servicetest.WithRefresh()),
			Want: []servicetest.Want{servicetest.WantErr(finding.RefreshTokenMissing, "RFC6749-4.4.3", "require_refresh_token")}},
		{Name: "token is not an Entra credential", Spec: servicetest.NewSpec("entra_id", tenant(), app, servicetest.WithToken("eyJ0eXAiOiJKV1Qi")),
			Want: []servicetest.Want{servicetest.WantWarn(conf, "", "auth.token_wo")}},
	})
}

func TestMicrosoft365Profile(t *testing.T) {
	const conf = finding.InvalidConfiguration
	tenant := func(kv ...string) map[string]string {
		return servicetest.Set(append([]string{"tenant_id", entraTenantID}, kv...)...)
	}
	app := servicetest.WithClient(entraAppID, entraSecret)
	servicetest.RunCatalogCases(t, catalog(), []servicetest.ProfileCase{
		{Name: "valid", Spec: servicetest.NewSpec("microsoft_365", tenant(), app, servicetest.WithScopes("https://manage.office.com/.default"))},
		{Name: "valid GCC High", Spec: servicetest.NewSpec("microsoft_365", tenant("authority_url", "https://login.microsoftonline.us",
			"graph_url", "https://graph.microsoft.us", "management_url", "https://manage.office365.us"), app)},
		{Name: "shares Entra's tenant rules", Spec: servicetest.NewSpec("microsoft_365", servicetest.Set("tenant_id", "common"), app),
			Want: []servicetest.Want{servicetest.WantErr(conf, "AADSTS50059", "microsoft_365.tenant_id")}},
		{Name: "shares Entra's secret rules", Spec: servicetest.NewSpec("microsoft_365", tenant(), servicetest.WithClient(entraAppID, "5b0f8a7e-2c3d-4e5f-9a8b-7c6d5e4f3a2b")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidCredentials, "AADSTS7000215", "auth.client_secret_wo")}},
		{Name: "management API over http", Spec: servicetest.NewSpec("microsoft_365", tenant("management_url", "http://manage.office.com"), app),
			Want: []servicetest.Want{servicetest.WantErr(conf, "ENDPOINT-TLS", "microsoft_365.management_url")}},
		{Name: "management API in another cloud", Spec: servicetest.NewSpec("microsoft_365", tenant("management_url", "https://manage.office365.us"), app),
			Want: []servicetest.Want{servicetest.WantWarn(conf, "ENTRA-NATIONAL-CLOUD", "microsoft_365.management_url")}},
		{Name: "entra block on a microsoft_365 connector", Spec: servicetest.NewSpec("microsoft_365", tenant(), app, func(s *connector.Spec) { s.Blocks = append(s.Blocks, "entra_id") }),
			Want: []servicetest.Want{servicetest.WantErr(conf, "", "entra_id")}},
	})
}
