package entra

import (
	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// entraIDProfile is a Microsoft Entra ID (Azure AD) app registration used as a
// daemon: client credentials against one tenant, calling Microsoft Graph.
func entraIDProfile() *connector.Profile {
	return &connector.Profile{
		ID:          "entra_id",
		DisplayName: "Microsoft Entra ID",
		Description: "A Microsoft Entra ID app registration that calls Microsoft Graph with its own identity " +
			"(client credentials, app-only). Authenticate with a client secret's **Value** (not its Secret ID) or with " +
			"a certificate's private key. App-only tokens carry the *application* permissions that an administrator " +
			"granted to the app; request them with the resource's `/.default` scope, e.g. `https://graph.microsoft.com/.default`.",
		Settings:  entraSettings(),
		AuthAttrs: []string{"client_id", "client_secret", "private_key"},
		Redirect:  entraRedirectPolicy,
		// OfflineScope stays empty although Entra's is offline_access: this
		// connector is app-only, and the client credentials flow never
		// returns a refresh token whatever the scopes (entraRefreshToken).
		Rules:     entraRules(entraAPI{"graph_url", "https://graph.microsoft.com"}),
		Decode:    entraDecode,
		Recognize: entraRecognize,
	}
}

// entraRedirectPolicy is the Microsoft identity platform's documented
// redirect-URI restrictions (learn.microsoft.com, "Redirect URI (reply URL)
// restrictions"): https except localhost / 127.0.0.1, 256 characters, native
// app schemes allowed.
var entraRedirectPolicy = connector.RedirectPolicy{HTTPOnlyLocalhost: true, MaxLength: 256, NativeSchemes: true}

// entraSettings are the settings every Entra-backed service shares.
func entraSettings() []connector.Setting {
	return []connector.Setting{
		{Name: "tenant_id", Kind: connector.String, Required: true, Description: "The directory (tenant) id, a GUID such as " +
			"`72f988bf-86f1-41af-91ab-2d7cd011db47`, or one of its verified domains such as `contoso.onmicrosoft.com`. " +
			"`common`, `organizations` and `consumers` do not work with client credentials."},
		{Name: "authority_url", Kind: connector.String, Description: "Base URL of the token service. Defaults to " +
			"`https://login.microsoftonline.com`; set `https://login.microsoftonline.us` (US Government) or " +
			"`https://login.chinacloudapi.cn` (21Vianet) for national clouds, or a loopback URL for tests. Without the tenant."},
		{Name: "graph_url", Kind: connector.String, Description: "Base URL of Microsoft Graph. Defaults to " +
			"`https://graph.microsoft.com`; national clouds use `https://graph.microsoft.us`, `https://dod-graph.microsoft.us` " +
			"or `https://microsoftgraph.chinacloudapi.cn`."},
	}
}

// entraAPI is an API base-URL setting of an Entra-backed service and its
// default, for the national-cloud consistency check.
type entraAPI struct{ setting, def string }

// entraRules are the offline rules every Entra-backed service shares; apis
// are the service's API base-URL settings.
func entraRules(apis ...entraAPI) []connector.Rule {
	endpoints := []string{"authority_url"}
	for _, a := range apis {
		endpoints = append(endpoints, a.setting)
	}
	return []connector.Rule{
		kit.EndpointRules(endpoints...),
		entraTenant,
		entraAuthority,
		entraClouds(apis),
		entraClientID,
		entraCredentials,
		entraSecretShape,
		entraScopes,
		entraRedirectURIs,
		entraRefreshToken,
	}
}
