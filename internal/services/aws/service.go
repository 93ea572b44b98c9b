// Package aws is the AWS service: its profile (settings, offline rules,
// decoder of STS/IAM errors), its live check through STS and IAM signed by
// the AWS SDK for Go v2, and its sandbox emulation.
package aws

import (
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Service is AWS as the catalog lists it.
func Service() kit.Service {
	em := Emulation()
	return kit.Service{Profile: Profile(), Plan: Plan, Emulation: &em}
}
