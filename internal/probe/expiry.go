package probe

import (
	"fmt"
	"strings"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/credential"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// stepExpiry turns every known credential expiry (a JWT's exp, or what a
// vendor step discovered) into expired/expiring findings.
func (r *runner) stepExpiry() StepResult {
	if tok := r.spec.Auth.Token; tok.Value != "" {
		if exp, source, ok := credential.SelfDescribedExpiry(tok.Value); ok {
			r.expiries = append(r.expiries, expiry{at: exp, path: tok.Path(), what: pathLabel(tok.Path()) + " (" + source + ")"})
		}
	}
	if len(r.expiries) == 0 {
		return StepResult{Outcome: OutcomeSkipped, Message: "no credential expiry could be discovered"}
	}
	now := r.opts.Now()
	res := StepResult{Outcome: OutcomeOK}
	var notes []string
	for _, e := range r.expiries {
		// The same findings handshake_credential reports, so one expired
		// secret reads the same wherever it is noticed.
		fs := credential.ExpiryFindings(e.what, &e.at, now, r.opts.ExpiryWarning, e.path)
		if len(fs) == 0 {
			notes = append(notes, fmt.Sprintf("%s valid until %s", e.what, e.at.UTC().Format(time.RFC3339)))
		}
		res.Findings = append(res.Findings, fs...)
	}
	for _, f := range res.Findings {
		if f.Severity == finding.Error {
			res.Outcome, res.Message = OutcomeFailed, f.Summary
			return res
		}
		res.Outcome, res.Message = OutcomeWarning, f.Summary
	}
	if res.Message == "" {
		res.Message = strings.Join(notes, "; ")
	}
	return res
}
