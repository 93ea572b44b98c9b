// Package zendesk is the zendesk service: a Zendesk account reached with an
// API token, an OAuth access token or an OAuth client. It holds the profile,
// the decoder of Zendesk's error answers, the live check (users/me, the
// token's scopes and expiry, the audit log) and the sandbox emulation.
package zendesk

import "github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"

// Service is the zendesk entry of the catalog.
func Service() kit.Service {
	em := Emulation()
	return kit.Service{Profile: profile(), Plan: plan, Emulation: &em}
}
