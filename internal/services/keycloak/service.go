// Package keycloak is the keycloak service: a client in a Keycloak realm
// (or RH-SSO). It holds the profile, the decoder of Keycloak's error
// answers, the live check on the realm's OpenID Connect endpoints, the
// lister of the realm's clients and the sandbox emulation.
package keycloak

import "github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"

// Service is the keycloak entry of the catalog.
func Service() kit.Service {
	em := Emulation()
	return kit.Service{Profile: profile(), Plan: plan, Emulation: &em, List: list}
}
