package kit

import (
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
)

// OutcomeOf is the outcome of a live-check step that passed with these
// findings: ok, or warning when one of them is a warning.
func OutcomeOf(fs []finding.Finding) string {
	for _, f := range fs {
		if f.Severity == finding.Warning {
			return probe.OutcomeWarning
		}
	}
	return probe.OutcomeOK
}
