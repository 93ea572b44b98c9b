// Package kit holds what service packages share: the Service type the catalog lists
// and the building blocks of profiles (settings readers, rules, vendor-text readers).
package kit

import (
	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// Service is everything Handshake knows about one service: its profile
// (schema block, offline rules, decoder), its live check and its sandbox
// emulation. The catalog (internal/services) lists one per vendor; the
// provider, diagnose, the docs tests and the sandbox all read that list.
type Service struct {
	Profile *connector.Profile
	// Plan builds the live check; nil when the service has none, and then
	// NoLive says why (TestCatalogComplete requires one or the other).
	Plan   probe.Planner
	NoLive string
	// Emulation is the vendor's sandbox emulation; nil when the sandbox
	// does not emulate it, and then NoEmulation says why.
	Emulation   *emulation.Vendor
	NoEmulation string
	// List enumerates the vendor's apps for the handshake_connector list
	// resource (`terraform query`); nil for services that cannot be listed.
	List inventory.Lister
}

// ID is the service id; it is stable, configurations and checks name it.
func (s Service) ID() string { return s.Profile.ID }
