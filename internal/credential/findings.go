package credential

import (
	"fmt"
	"math"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// ExpiryFindings reports an expired credential as an error and one expiring
// within window as a warning, attached to at.
func ExpiryFindings(kind string, expiresAt *time.Time, now time.Time, window time.Duration, at finding.Path) []finding.Finding {
	if expiresAt == nil {
		return nil
	}
	when := expiresAt.UTC().Format(time.RFC3339)
	switch Status(expiresAt, now, window) {
	case StatusExpired:
		return []finding.Finding{finding.Errorf(finding.ExpiredCredentials, at, "The %s expired on %s", kind, when).
			WithCode("CREDENTIAL_EXPIRED").
			WithDetail("Every connector that uses it fails to authenticate until it is replaced.").
			WithFix("Create a new "+kind+" in the service's admin console.",
				"Put the new value where this credential is configured; if it is write-only, bump its version (value_wo_version or auth.secret_version) so Terraform sees the change.")}
	case StatusExpiring:
		// The summary names the date, not the days left: it is kept in state
		// (connector findings), and a countdown would drift every day.
		return []finding.Finding{finding.Warnf(finding.ExpiringCredentials, at, "The %s expires on %s", kind, when).
			WithCode("CREDENTIAL_EXPIRING").
			WithDetail("That is in %s, inside the warning window of %s. Rotate it before it expires to avoid an outage.", humanDuration(expiresAt.Sub(now)), humanDuration(window)).
			WithFix("Create a second "+kind+" next to this one (most services allow two at once), deploy it, then delete the old one.",
				"Put the new value where this credential is configured; if it is write-only, bump its version (value_wo_version or auth.secret_version).")}
	}
	return nil
}

// humanDuration renders a duration in days or hours, which is what people
// plan rotations in.
func humanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	if days := d.Hours() / 24; days >= 2 {
		return fmt.Sprintf("%d days", int(math.Floor(days)))
	}
	if d >= time.Hour {
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
	return fmt.Sprintf("%d minutes", int(math.Ceil(d.Minutes())))
}
