// Package services is the catalog: the one list of every service Handshake
// knows. The provider, diagnose, the docs tests and the sandbox all read it.
package services

import (
	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/apikey"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/atlassian"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/aws"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/box"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/entra"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/github"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/google"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/httpapi"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/keycloak"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/oauth2"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/okta"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/salesforce"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicenow"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/slack"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/smartsheet"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/snowflake"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/workday"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/zendesk"
)

// All returns every service, in the order the docs list them. Adding a
// service means adding its package under internal/services and one line
// here. Service ids are stable: checks outside this repository
// rely on them.
func All() []kit.Service {
	return []kit.Service{
		oauth2.Service(),
		apikey.Service(),
		httpapi.Service(),
		entra.EntraID(),
		entra.Microsoft365(),
		github.Service(),
		okta.Service(),
		google.Service(),
		slack.Service(),
		snowflake.Service(),
		keycloak.Service(),
		salesforce.Service(),
		box.Service(),
		servicenow.Service(),
		zendesk.Service(),
		workday.Service(),
		atlassian.Service(),
		smartsheet.Service(),
		aws.Service(),
	}
}

// Catalog indexes the profiles of All by service id.
func Catalog() *connector.Catalog {
	all := All()
	profiles := make([]*connector.Profile, len(all))
	for i, s := range all {
		profiles[i] = s.Profile
	}
	return connector.NewCatalog(profiles...)
}

// Planners returns the live checks of All by service id; a service without
// one is absent.
func Planners() map[string]probe.Planner {
	out := map[string]probe.Planner{}
	for _, s := range All() {
		if s.Plan != nil {
			out[s.ID()] = s.Plan
		}
	}
	return out
}

// Listers returns the inventories of All by service id (the services the
// handshake_connector list resource can enumerate); others are absent.
func Listers() map[string]inventory.Lister {
	out := map[string]inventory.Lister{}
	for _, s := range All() {
		if s.List != nil {
			out[s.ID()] = s.List
		}
	}
	return out
}

// Emulations are the sandbox emulations of All, for sandbox.Start.
func Emulations() []emulation.Vendor {
	var out []emulation.Vendor
	for _, s := range All() {
		if s.Emulation != nil {
			out = append(out, *s.Emulation)
		}
	}
	return out
}
