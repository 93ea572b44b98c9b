// Package workday is the workday service: a Workday tenant reached through
// an API Client for Integrations and an integration system user's refresh
// token. It holds the profile, the decoder of Workday's error answers, the
// live check and the sandbox emulation.
package workday

import "github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"

// Service is the workday entry of the catalog.
func Service() kit.Service {
	em := Emulation()
	return kit.Service{Profile: profile(), Plan: plan, Emulation: &em}
}
