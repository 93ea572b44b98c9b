package smartsheet

import "github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"

// Service is the smartsheet entry of the catalog.
func Service() kit.Service {
	em := Emulation()
	return kit.Service{Profile: profile(), Plan: Plan, Emulation: &em}
}
