package servicetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
)

// Table-driven live tests (github, slack): a vendor's live check run against
// its sandbox emulation, and the checks every result must pass.

// LiveOpts are the probe options of the live tests: the vendor's planner, a
// short timeout, and a 30-day expiry window.
func LiveOpts(plan probe.Planner) probe.Options {
	return probe.Options{Timeout: 5 * time.Second, ExpiryWarning: 720 * time.Hour, Planner: plan}
}

// LiveCase is one live check against the sandbox and what it must report.
type LiveCase struct {
	Name     string
	Spec     func() *connector.Spec
	Status   string
	Category finding.Category // "" for a healthy connector
	Path     string           // attribute of the first finding of that category
	FixHas   string           // a remediation must contain this, when set
}

// RunLiveCases runs each case's live check with plan and checks it with
// CheckLive.
func RunLiveCases(t *testing.T, plan probe.Planner, cases []LiveCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			s := tc.Spec()
			res := probe.Run(context.Background(), LiveOpts(plan), s)
			CheckLive(t, s, res, tc.Status, tc.Category, tc.Path, tc.FixHas)
		})
	}
}

// CheckLive asserts the status, a finding of the category at the path (see
// ExpectResult) whose remediation mentions fixHas, the house style of every
// finding, and that no secret of the spec leaks. It returns the finding of the
// category (zero for a healthy result, which must hold no error).
func CheckLive(t *testing.T, s *connector.Spec, res probe.Result, status string, cat finding.Category, path, fixHas string) finding.Finding {
	t.Helper()
	NoSecretsIn(t, res, s.Secrets()...)
	for _, f := range res.Findings {
		if f.Summary == "" || f.Detail == "" || len(f.Remediation) == 0 {
			t.Errorf("finding %s %q lacks summary, detail or remediation", f.Category, f.Summary)
		}
	}
	f := ExpectResult(t, res, status, cat, path)
	if cat == "" {
		for _, f := range res.Findings {
			if f.Severity == finding.Error {
				t.Fatalf("unexpected error finding\n%s", DumpResult(res))
			}
		}
	}
	if fixHas != "" && !strings.Contains(strings.Join(f.Remediation, "\n"), fixHas) {
		t.Fatalf("no remediation mentions %q\n%s", fixHas, DumpResult(res))
	}
	return f
}

// CheckGranted runs a live check that must be healthy and compares the
// scopes it reports as granted (space-separated) with want.
func CheckGranted(t *testing.T, plan probe.Planner, s *connector.Spec, want string) {
	t.Helper()
	res := probe.Run(context.Background(), LiveOpts(plan), s)
	if res.Status != probe.StatusHealthy {
		t.Fatalf("status %s, want healthy\n%s", res.Status, DumpResult(res))
	}
	if got := strings.Join(res.GrantedScopes, " "); got != want {
		t.Fatalf("granted %q, want %q", got, want)
	}
}

// ScopeEditor is the part of a running sandbox that edits a token's scopes
// (*sandbox.Server).
type ScopeEditor interface {
	SetScopes(token, scopes string)
	Reset()
}

// CheckScopeEdits checks an emulation's side of the removed-scope drift
// scenario: scopes() (what it reports for tok) is def, then edited after
// SetScopes(tok, edited), then def again after Reset.
func CheckScopeEdits(t *testing.T, srv ScopeEditor, tok, def, edited string, scopes func() string) {
	t.Helper()
	if got := scopes(); got != def {
		t.Fatalf("default scopes: %q, want %q", got, def)
	}
	srv.SetScopes(tok, edited)
	if got := scopes(); got != edited {
		t.Errorf("after SetScopes: %q, want %q", got, edited)
	}
	srv.Reset()
	if got := scopes(); got != def {
		t.Errorf("after Reset: %q, want %q", got, def)
	}
}
