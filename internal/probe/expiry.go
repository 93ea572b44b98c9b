package probe

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// stepExpiry turns every known credential expiry (a JWT's exp, or what a
// vendor step discovered) into expired/expiring findings.
func (r *runner) stepExpiry() StepResult {
	if tok := r.spec.Auth.Token; tok.Value != "" {
		if exp, ok := jwtExpiry(tok.Value); ok {
			r.expiries = append(r.expiries, expiry{at: exp, path: tok.Path(), what: pathLabel(tok.Path()) + " (a JWT)"})
		}
	}
	if len(r.expiries) == 0 {
		return StepResult{Outcome: OutcomeSkipped, Message: "no credential expiry could be discovered"}
	}
	now := r.opts.Now()
	res := StepResult{Outcome: OutcomeOK}
	var notes []string
	for _, e := range r.expiries {
		at := e.at.UTC().Format(time.RFC3339)
		switch left := e.at.Sub(now); {
		case left <= 0:
			res.Findings = append(res.Findings, finding.Errorf(finding.ExpiredCredentials, e.path,
				"%s expired at %s", e.what, at).
				WithFix("Issue a new credential and update it."))
		case r.opts.ExpiryWarning > 0 && left <= r.opts.ExpiryWarning:
			res.Findings = append(res.Findings, finding.Warnf(finding.ExpiringCredentials, e.path,
				"%s expires at %s", e.what, at).
				WithDetail("That is within the expiry warning window (%s).", r.opts.ExpiryWarning).
				WithFix("Rotate the credential before it expires, and update it here."))
		default:
			notes = append(notes, fmt.Sprintf("%s valid until %s", e.what, at))
		}
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

// jwtExpiry reads the exp claim of a JWT without verifying it (the service
// verifies it; Handshake only wants the date).
func jwtExpiry(s string) (time.Time, bool) {
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) != 3 || len(parts[1]) > 16<<10 {
		return time.Time{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp json.Number `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Exp == "" {
		return time.Time{}, false
	}
	secs, err := claims.Exp.Float64()
	if err != nil || secs <= 0 || secs > 1e11 {
		return time.Time{}, false
	}
	return time.Unix(int64(secs), 0), true
}
