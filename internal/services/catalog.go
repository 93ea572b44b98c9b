// Package services holds one profile per service Handshake connects to. Each
// file owns everything vendor-specific about its service: settings, auth
// attributes, redirect-URI policy, scope rules and identifier checks.
package services

import "github.com/handshake-tf/terraform-provider-handshake/internal/connector"

// Catalog returns every registered service profile. Service ids are stable
// (DESIGN.md): checks outside this repository rely on them.
func Catalog() *connector.Catalog {
	return connector.NewCatalog(
		oauth2(), apiKey(), httpService(),
		entraID(), microsoft365(), github(), okta(), googleWorkspace(), slack(),
		snowflake(), keycloak(), salesforce(), box(), servicenow(), zendesk(),
		workday(), atlassian(), smartsheet(), aws(),
	)
}
