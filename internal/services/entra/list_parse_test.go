package entra

import (
	"slices"
	"testing"
	"time"
)

// Pages of GET /v1.0/applications as Graph sends them.
const (
	// source: learn.microsoft.com/graph/api/application-list, example 1 (no $select: no credentials asked for)
	graphDocsListPage = `{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications",
  "value": [
    {
      "appId": "00000000-0000-0000-0000-000000000000",
      "identifierUris": [ "http://contoso/" ],
      "displayName": "My app",
      "publisherDomain": "contoso.com",
      "signInAudience": "AzureADMyOrg"
    }
  ]
}`
	// source: the credentials are Graph's documented answers (passwordCredential from
	// learn.microsoft.com/graph/api/application-addpassword, with secretText null as a list
	// returns it; keyCredentials from the SAML single sign-on tutorial,
	// learn.microsoft.com/graph/application-saml-sso-configure-api), the next link from
	// learn.microsoft.com/graph/paging; owners as $expand=owners($select=id) returns them.
	graphFullListPage = `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#applications(id,appId,displayName,passwordCredentials,keyCredentials,web,spa,publicClient,requiredResourceAccess,owners(id))",
"@odata.nextLink":"https://graph.microsoft.com/v1.0/applications?$select=id,appId,displayName&$expand=owners($select=id)&$top=100&$skiptoken=RFNwdAIAAQAAACpHcm91cF8xMGE2Y2QxNi0yN2Y4LTRkZWItOGI4Yy0xZTA1NjI5OTJkNmMAAAAAAAAAAAAA",
"value":[{"id":"f47a6776-bca7-4f2e-bc6c-eec59d058e3e","appId":"dc7a4f2e-1e0e-4b2a-8f3c-2b3e8a0f9c11","displayName":"AWS API Created",
 "passwordCredentials":[{"customKeyIdentifier":null,"endDateTime":"2021-09-09T19:50:29.3086381Z","keyId":"f0b0b335-1d71-4883-8f98-567911bfdca6","startDateTime":"2019-09-09T19:50:29.3086381Z","secretText":null,"hint":"[6g","displayName":"Password friendly name"}],
 "keyCredentials":[
  {"customKeyIdentifier":"lY85bR8r6yWTW6jnciNEONwlVhDyiQjdVLgPDnkI5mA=","endDateTime":"2021-04-22T22:10:13Z","keyId":"4c266507-3e74-4b91-aeba-18a25b450f6e","startDateTime":"2020-04-22T21:50:13Z","type":"X509CertAndPassword","usage":"Sign","key":null,"displayName":"CN=awsAPI"},
  {"customKeyIdentifier":"lY85bR8r6yWTW6jnciNEONwlVhDyiQjdVLgPDnkI5mA=","endDateTime":"2021-04-22T22:10:13Z","keyId":"e35a7d11-fef0-49ad-9f3e-aacbe0a42c42","startDateTime":"2020-04-22T21:50:13Z","type":"AsymmetricX509Cert","usage":"Verify","key":null,"displayName":""}],
 "web":{"homePageUrl":null,"logoutUrl":null,"redirectUris":["https://signin.aws.amazon.com/saml","https://signin.aws.amazon.com/saml"],"implicitGrantSettings":{"enableAccessTokenIssuance":false,"enableIdTokenIssuance":false}},
 "spa":{"redirectUris":["https://app.contoso.com/spa"]},
 "publicClient":{"redirectUris":[]},
 "requiredResourceAccess":[
  {"resourceAppId":"00000003-0000-0000-c000-000000000000","resourceAccess":[{"id":"e1fe6dd8-ba31-4d61-89e7-88639da4683d","type":"Scope"},{"id":"DF021288-BDEF-4463-88DB-98F22DE89214","type":"Role"}]},
  {"resourceAppId":"c5393580-f805-4401-95e8-94b7a6ef2fc2","resourceAccess":[{"id":"594c1fb6-4f81-4475-ae41-0c394909246c","type":"Role"}]}],
 "owners":[{"@odata.type":"#microsoft.graph.user","id":"6cad4079-4e79-4a3f-9efb-ea30a14bdb26"},{"@odata.type":"#microsoft.graph.servicePrincipal","id":"f47a6776-bca7-4f2e-bc6c-eec59d058e3e"}]}]}`
	// source: Microsoft Graph's service principal, GET /v1.0/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')?$select=appRoles, excerpt
	graphSPAppRoles = `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#servicePrincipals(appRoles)/$entity","appRoles":[
 {"allowedMemberTypes":["Application"],"description":"Allows the app to read user profiles without a signed in user.","displayName":"Read all users' full profiles","id":"df021288-bdef-4463-88db-98f22de89214","isEnabled":true,"origin":"Application","value":"User.Read.All"},
 {"allowedMemberTypes":["Application"],"description":"Allows the app to read all applications and service principals without a signed-in user.","displayName":"Read all applications","id":"9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30","isEnabled":true,"origin":"Application","value":"Application.Read.All"}]}`
)

func TestParseAppsPage(t *testing.T) {
	p, err := parseAppsPage([]byte(graphDocsListPage))
	if err != nil || len(p.Value) != 1 || p.NextLink != "" {
		t.Fatalf("docs page: %+v, %v", p, err)
	}
	docs := p.Value[0]
	if docs.DisplayName != "My app" || docs.owners() != -1 || len(docs.credentials()) != 0 || len(docs.redirectURIs()) != 0 {
		t.Errorf("docs app: %+v", docs)
	}

	p, err = parseAppsPage([]byte(graphFullListPage))
	if err != nil || len(p.Value) != 1 {
		t.Fatalf("full page: %v", err)
	}
	if p.NextLink == "" {
		t.Error("the next link was not read")
	}
	a := p.Value[0]
	if a.ID != "f47a6776-bca7-4f2e-bc6c-eec59d058e3e" || a.AppID != "dc7a4f2e-1e0e-4b2a-8f3c-2b3e8a0f9c11" || a.owners() != 2 {
		t.Errorf("app: id %q, appId %q, owners %d", a.ID, a.AppID, a.owners())
	}
	if got := a.redirectURIs(); !slices.Equal(got, []string{"https://signin.aws.amazon.com/saml", "https://app.contoso.com/spa"}) {
		t.Errorf("redirect URIs = %v (web and spa, without repeats)", got)
	}
	creds := a.credentials()
	want := []struct {
		kind, name string
		end        time.Time
	}{
		{"client_secret", "Password friendly name ([6g…)", time.Date(2021, 9, 9, 19, 50, 29, 308638100, time.UTC)},
		{"certificate", "CN=awsAPI", time.Date(2021, 4, 22, 22, 10, 13, 0, time.UTC)},
		{"certificate", "e35a7d11-fef0-49ad-9f3e-aacbe0a42c42", time.Date(2021, 4, 22, 22, 10, 13, 0, time.UTC)},
	}
	if len(creds) != len(want) {
		t.Fatalf("credentials: %+v", creds)
	}
	for i, w := range want {
		c := creds[i]
		if c.Kind != w.kind || c.Name != w.name || c.ExpiresAt == nil || !c.ExpiresAt.Equal(w.end) {
			t.Errorf("credential %d = %+v, want %+v", i, c, w)
		}
	}
	if got := a.graphRoleIDs(); !slices.Equal(got, []string{"df021288-bdef-4463-88db-98f22de89214"}) {
		t.Errorf("Graph roles = %v (delegated scopes and other resources left out, ids lower-cased)", got)
	}

	roles, err := graphAppRoles([]byte(graphSPAppRoles))
	if err != nil || roles["df021288-bdef-4463-88db-98f22de89214"] != "User.Read.All" || len(roles) != 2 {
		t.Errorf("app roles: %v, %v", roles, err)
	}
}

func TestParseAppsPageOddValues(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		ok         bool
	}{
		{"not JSON", `<html>Service Unavailable</html>`, false},
		{"value not a list", `{"value":{}}`, false},
		{"empty", `{"value":[]}`, true},
		{"unreadable date", `{"value":[{"id":"x","passwordCredentials":[{"endDateTime":"soon","hint":"abc"}]}]}`, true},
		{"null members", `{"value":[{"id":"x","passwordCredentials":null,"keyCredentials":null,"web":null,"requiredResourceAccess":null,"owners":[]}]}`, true},
	} {
		p, err := parseAppsPage([]byte(tc.body))
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v", tc.name, err)
			continue
		}
		for _, a := range p.Value {
			for _, c := range a.credentials() {
				if c.ExpiresAt != nil {
					t.Errorf("%s: an unreadable date became %v", tc.name, c.ExpiresAt)
				}
			}
			if tc.name == "null members" && a.owners() != 0 {
				t.Errorf("%s: owners %d, want 0 (expanded and empty)", tc.name, a.owners())
			}
		}
	}
}

func FuzzParseAppsPage(f *testing.F) {
	for _, s := range []string{graphDocsListPage, graphFullListPage, graphSPAppRoles, `{"value":[{}]}`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := parseAppsPage(body)
		if err == nil {
			for _, a := range p.Value {
				_ = a.redirectURIs()
				_ = a.credentials()
				_ = a.graphRoleIDs()
				_ = a.owners()
			}
		}
		_, _ = graphAppRoles(body)
	})
}
