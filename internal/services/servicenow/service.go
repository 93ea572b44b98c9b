// Package servicenow is a ServiceNow instance called through its REST Table
// API: profile, offline rules, error decoder, live check and sandbox emulation.
package servicenow

import (
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Service is the servicenow service.
func Service() kit.Service {
	return kit.Service{Profile: profile(), Plan: Plan,
		Emulation: &emulation.Vendor{Path: "servicenow", Routes: routes}}
}
