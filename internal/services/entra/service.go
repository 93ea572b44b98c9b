// Package entra is Microsoft Entra ID and Microsoft 365 (an Entra app
// registration calling Graph and the Office 365 Management Activity API): their
// profiles, offline rules, error decoder, live checks and sandbox emulation.
package entra

import (
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// EntraID is the entra_id service, and its emulation serves both services
// under /entra.
func EntraID() kit.Service {
	return kit.Service{Profile: entraIDProfile(), Plan: planEntra,
		Emulation: &emulation.Vendor{Path: "entra", Routes: emulationRoutes},
		List:      list}
}

// Microsoft365 is the microsoft_365 service: Entra's authentication and live
// checks, plus the Management Activity API and mailboxes. It has no lister:
// its app registrations are the tenant's, which entra_id lists.
func Microsoft365() kit.Service {
	return kit.Service{Profile: microsoft365Profile(), Plan: planEntra,
		NoEmulation: "served by the entra_id emulation (/entra)"}
}
