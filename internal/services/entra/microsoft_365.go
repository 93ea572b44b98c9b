package entra

import (
	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
)

// microsoft365Profile is an Entra app registration used for Microsoft 365
// workloads: Microsoft Graph plus the Office 365 Management Activity API
// (unified audit log). Authentication is Entra's, so it reuses the Entra ID
// settings and rules and adds the Management API endpoint.
func microsoft365Profile() *connector.Profile {
	settings := append(entraSettings(), connector.Setting{
		Name: "management_url", Kind: connector.String, Description: "Base URL of the Office 365 Management Activity API. " +
			"Defaults to `https://manage.office.com`; GCC uses `https://manage-gcc.office.com`, GCC High " +
			"`https://manage.office365.us` and DoD `https://manage.protection.apps.mil`.",
	}, mailboxSetting)
	return &connector.Profile{
		ID:          "microsoft_365",
		DisplayName: "Microsoft 365",
		Description: "Microsoft 365 data through an Entra ID app registration (client credentials, app-only): Microsoft " +
			"Graph and the Office 365 Management Activity API, which serves the unified audit log. Authentication works " +
			"exactly as for `entra_id`. The Management API needs its own application permissions (for example " +
			"`ActivityFeed.Read` under *Office 365 Management APIs*) and its own token, requested with " +
			"`https://manage.office.com/.default`; audit logging must be turned on in Microsoft Purview.",
		Settings:  settings,
		AuthAttrs: []string{"client_id", "client_secret", "private_key"},
		Redirect:  entraRedirectPolicy,
		Rules: append(entraRules(
			entraAPI{"graph_url", "https://graph.microsoft.com"},
			entraAPI{"management_url", "https://manage.office.com"},
		), microsoft365Mailbox),
		// One decoder for both profiles: Microsoft 365 authenticates
		// through Entra and calls Graph, and adds the Management Activity
		// API's AF codes, which entraDecode reads too.
		Decode:    entraDecode,
		Recognize: microsoft365Recognize,
	}
}
