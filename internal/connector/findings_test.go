package connector

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// want is one expected finding; an empty Code matches any code.
type want struct {
	Path string
	Cat  finding.Category
	Sev  finding.Severity
	Code string
}

func (w want) String() string { return fmt.Sprintf("%s %s %s %s", w.Path, w.Sev, w.Cat, w.Code) }

// assertFindings checks that got holds exactly the wanted findings (in any
// order) and that every finding is well-formed.
func assertFindings(t *testing.T, got []finding.Finding, wants ...want) {
	t.Helper()
	checkWellFormed(t, got)
	left := slices.Clone(got)
	for _, w := range wants {
		i := slices.IndexFunc(left, func(f finding.Finding) bool {
			return f.Path.String() == w.Path && f.Category == w.Cat && f.Severity == w.Sev && (w.Code == "" || f.Code == w.Code)
		})
		if i < 0 {
			t.Errorf("missing finding %v; got:\n%s", w, dump(got))
			continue
		}
		left = slices.Delete(left, i, i+1)
	}
	if len(left) > 0 {
		t.Errorf("unexpected findings:\n%s", dump(left))
	}
}

// checkWellFormed asserts the invariants every finding must meet.
func checkWellFormed(t *testing.T, fs []finding.Finding) {
	t.Helper()
	for _, f := range fs {
		if !slices.Contains(finding.Categories, f.Category) {
			t.Errorf("finding %q has unknown category %q", f.Summary, f.Category)
		}
		if f.Severity != finding.Error && f.Severity != finding.Warning {
			t.Errorf("finding %q has severity %q", f.Summary, f.Severity)
		}
		if strings.TrimSpace(f.Summary) == "" || f.Detail == "" || f.Code == "" || len(f.Remediation) == 0 {
			t.Errorf("finding is incomplete: %+v", f)
		}
	}
}

// assertNoLeak fails if any text of a finding contains secret.
func assertNoLeak(t *testing.T, fs []finding.Finding, secret string) {
	t.Helper()
	if secret == "" {
		return
	}
	for _, f := range fs {
		if leaks(f, secret) {
			t.Errorf("finding %q leaks the secret", f.Summary)
		}
	}
}

func leaks(f finding.Finding, secret string) bool {
	texts := append([]string{f.Code, f.Summary, f.Detail, f.Path.String()}, f.Remediation...)
	for _, s := range texts {
		if strings.Contains(s, secret) {
			return true
		}
	}
	return false
}

func dump(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s %s %s %s: %s\n", f.Path, f.Severity, f.Category, f.Code, f.Summary)
	}
	return b.String()
}
