package services

import (
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
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
		return set(append([]string{"tenant_id", entraTenantID}, kv...)...)
	}
	app := withClient(entraAppID, entraSecret)
	runCatalogCases(t, []profileCase{
		{name: "valid client secret connector", spec: newSpec("entra_id", tenant(), app, withScopes(graphDefault),
			withRedirects("https://governance.example.com/oauth/callback", "https://localhost/signin-oidc"))},
		{name: "valid certificate connector with verified domain", spec: newSpec("entra_id", set("tenant_id", "contoso.onmicrosoft.com"),
			withClient(entraAppID, ""), withKey(testRSA2048()))},
		{name: "valid US Government cloud", spec: newSpec("entra_id", tenant("authority_url", "https://login.microsoftonline.us", "graph_url", "https://graph.microsoft.us"), app,
			withScopes("https://graph.microsoft.us/.default"))},
		{name: "valid loopback emulator", spec: newSpec("entra_id", tenant("authority_url", "http://127.0.0.1:8443", "graph_url", "http://127.0.0.1:8444"), app)},

		{name: "common tenant", spec: newSpec("entra_id", set("tenant_id", "common"), app),
			want: []want{wantErr(conf, "AADSTS50059", "entra_id.tenant_id")}},
		{name: "organizations tenant", spec: newSpec("entra_id", set("tenant_id", "Organizations"), app),
			want: []want{wantErr(conf, "AADSTS50059", "entra_id.tenant_id")}},
		{name: "tenant as URL", spec: newSpec("entra_id", set("tenant_id", "https://login.microsoftonline.com/"+entraTenantID+"/v2.0"), app),
			want: []want{wantErr(conf, "AADSTS900023", "entra_id.tenant_id")}},
		{name: "tenant in braces", spec: newSpec("entra_id", set("tenant_id", "{"+entraTenantID+"}"), app),
			want: []want{wantErr(conf, "AADSTS900023", "entra_id.tenant_id")}},
		{name: "tenant from a broken template", spec: newSpec("entra_id", set("tenant_id", "{{tenantid}}"), app),
			want: []want{wantErr(conf, "AADSTS900023", "entra_id.tenant_id")}},
		{name: "empty tenant", spec: newSpec("entra_id", set("tenant_id", ""), app),
			want: []want{wantErr(conf, "AADSTS900023", "entra_id.tenant_id")}},
		{name: "unknown tenant is not checked", spec: newSpec("entra_id", set("tenant_id", ""), app, withUnknown("entra_id.tenant_id"))},
		{name: "missing block", spec: newSpec("entra_id", nil, app, withoutBlock()),
			want: []want{wantErr(conf, "", "service")}},

		{name: "authority with tenant path", spec: newSpec("entra_id", tenant("authority_url", "https://login.microsoftonline.com/"+entraTenantID), app),
			want: []want{wantErr(conf, "ENTRA-AUTHORITY", "entra_id.authority_url")}},
		{name: "national cloud mismatch", spec: newSpec("entra_id", tenant("authority_url", "https://login.microsoftonline.us"), app),
			want: []want{wantWarn(conf, "ENTRA-NATIONAL-CLOUD", "entra_id.authority_url")}},
		{name: "graph in another cloud", spec: newSpec("entra_id", tenant("graph_url", "https://microsoftgraph.chinacloudapi.cn"), app),
			want: []want{wantWarn(conf, "ENTRA-NATIONAL-CLOUD", "entra_id.graph_url")}},

		{name: "missing client id", spec: newSpec("entra_id", tenant(), withClient("", entraSecret)),
			want: []want{wantErr(conf, "CLIENT-ID-MISSING", "auth.client_id")}},
		{name: "client id is a name", spec: newSpec("entra_id", tenant(), withClient("governance-sync", entraSecret)),
			want: []want{wantErr(conf, "AADSTS700016", "auth.client_id")}},
		{name: "client id is the tenant id", spec: newSpec("entra_id", tenant(), withClient(strings.ToUpper(entraTenantID), entraSecret)),
			want: []want{wantErr(conf, "AADSTS700016", "auth.client_id")}},
		{name: "no credential", spec: newSpec("entra_id", tenant(), withClient(entraAppID, "")),
			want: []want{wantErr(conf, "AADSTS7000216", "auth.client_secret")}},
		{name: "secret id instead of value", spec: newSpec("entra_id", tenant(), withClient(entraAppID, "5b0f8a7e-2c3d-4e5f-9a8b-7c6d5e4f3a2b")),
			want: []want{wantWarn(finding.InvalidCredentials, "AADSTS7000215", "auth.client_secret_wo")}},
		{name: "certificate key bundled with its certificate is fine", spec: newSpec("entra_id", tenant(), withClient(entraAppID, ""),
			withKey("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"+testRSA2048()))},
		{name: "certificate instead of key", spec: newSpec("entra_id", tenant(), withClient(entraAppID, ""),
			withKey("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")),
			want: []want{wantErr(finding.InvalidCredentials, "PEM", "auth.private_key_wo")}},
		{name: "unknown secret is not missing", spec: newSpec("entra_id", tenant(), withClient(entraAppID, ""), withUnknown("auth.client_secret_wo"))},

		{name: ".default mixed with permissions", spec: newSpec("entra_id", tenant(), app, withScopes(graphDefault, "User.Read.All")),
			want: []want{wantErr(scope, "AADSTS70011", "required_scopes[1]")}},
		{name: "permission names without .default", spec: newSpec("entra_id", tenant(), app, withScopes("User.Read.All", "GroupMember.Read.All")),
			want: []want{wantWarn(scope, "AADSTS1002012", "required_scopes[0]"), wantWarn(scope, "AADSTS1002012", "required_scopes[1]")}},
		{name: "OIDC scope for app-only", spec: newSpec("entra_id", tenant(), app, withScopes("openid")),
			want: []want{wantWarn(scope, "AADSTS1002012", "required_scopes[0]")}},
		{name: "resource URL without .default", spec: newSpec("entra_id", tenant(), app, withScopes("https://graph.microsoft.com/User.Read")),
			want: []want{wantWarn(scope, "AADSTS1002012", "required_scopes[0]")}},
		{name: "app id URI .default", spec: newSpec("entra_id", tenant(), app, withScopes("api://"+entraAppID+"/.default"))},
		{name: "unknown scopes are not checked", spec: newSpec("entra_id", tenant(), app, withScopes("User.Read.All"), withUnknown("required_scopes"))},

		{name: "redirect over http on a public host", spec: newSpec("entra_id", tenant(), app, withRedirects("http://contoso.com/abc/response-oidc")),
			want: []want{wantErr(finding.RedirectURIInvalid, "REDIRECT-HTTP-LOCALHOST-ONLY", "redirect_uris[0]")}},
		{name: "redirect over http on 127.0.0.1", spec: newSpec("entra_id", tenant(), app, withRedirects("http://127.0.0.1:5000/auth"))},
		{name: "redirect over http on localhost", spec: newSpec("entra_id", tenant(), app, withRedirects("http://localhost:5000/auth")),
			want: []want{wantWarn(finding.RedirectURIInvalid, "RFC8252-8.3", "redirect_uris[0]")}},
		{name: "redirect on IPv6 loopback", spec: newSpec("entra_id", tenant(), app, withRedirects("https://[::1]:5000/auth")),
			want: []want{wantErr(finding.RedirectURIInvalid, "ENTRA-REDIRECT-IPV6", "redirect_uris[0]")}},
		{name: "redirect with unsupported characters", spec: newSpec("entra_id", tenant(), app, withRedirects("https://contoso.com/cb;jsessionid=1")),
			want: []want{wantErr(finding.RedirectURIInvalid, "ENTRA-REDIRECT-CHARS", "redirect_uris[0]")}},
		{name: "redirect too long", spec: newSpec("entra_id", tenant(), app, withRedirects("https://contoso.com/"+strings.Repeat("x", 240))),
			want: []want{wantErr(finding.RedirectURIInvalid, "REDIRECT-MAX-LENGTH", "redirect_uris[0]")}},
		{name: "MSAL desktop redirect", spec: newSpec("entra_id", tenant(), app, withRedirects("msal"+entraAppID+"://auth"))},

		{name: "refresh token required", spec: newSpec("entra_id", tenant(), app, withScopes(graphDefault), withRefresh()),
			want: []want{wantErr(finding.RefreshTokenMissing, "RFC6749-4.4.3", "require_refresh_token")}},
		{name: "token is not an Entra credential", spec: newSpec("entra_id", tenant(), app, withToken("eyJ0eXAiOiJKV1Qi")),
			want: []want{wantWarn(conf, "", "auth.token_wo")}},
	})
}

func TestMicrosoft365Profile(t *testing.T) {
	const conf = finding.InvalidConfiguration
	tenant := func(kv ...string) map[string]string {
		return set(append([]string{"tenant_id", entraTenantID}, kv...)...)
	}
	app := withClient(entraAppID, entraSecret)
	runCatalogCases(t, []profileCase{
		{name: "valid", spec: newSpec("microsoft_365", tenant(), app, withScopes("https://manage.office.com/.default"))},
		{name: "valid GCC High", spec: newSpec("microsoft_365", tenant("authority_url", "https://login.microsoftonline.us",
			"graph_url", "https://graph.microsoft.us", "management_url", "https://manage.office365.us"), app)},
		{name: "shares Entra's tenant rules", spec: newSpec("microsoft_365", set("tenant_id", "common"), app),
			want: []want{wantErr(conf, "AADSTS50059", "microsoft_365.tenant_id")}},
		{name: "shares Entra's secret rules", spec: newSpec("microsoft_365", tenant(), withClient(entraAppID, "5b0f8a7e-2c3d-4e5f-9a8b-7c6d5e4f3a2b")),
			want: []want{wantWarn(finding.InvalidCredentials, "AADSTS7000215", "auth.client_secret_wo")}},
		{name: "management API over http", spec: newSpec("microsoft_365", tenant("management_url", "http://manage.office.com"), app),
			want: []want{wantErr(conf, "ENDPOINT-TLS", "microsoft_365.management_url")}},
		{name: "management API in another cloud", spec: newSpec("microsoft_365", tenant("management_url", "https://manage.office365.us"), app),
			want: []want{wantWarn(conf, "ENTRA-NATIONAL-CLOUD", "microsoft_365.management_url")}},
		{name: "entra block on a microsoft_365 connector", spec: newSpec("microsoft_365", tenant(), app, func(s *connector.Spec) { s.Blocks = append(s.Blocks, "entra_id") }),
			want: []want{wantErr(conf, "", "entra_id")}},
	})
}
