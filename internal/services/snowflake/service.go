// Package snowflake is the Snowflake service: its profile (settings, offline
// rules, decoder), its live check through the SQL API, and its sandbox emulation.
package snowflake

import (
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Service is Snowflake as the catalog lists it.
func Service() kit.Service {
	em := Emulation()
	return kit.Service{Profile: Profile(), Plan: Plan, Emulation: &em}
}
