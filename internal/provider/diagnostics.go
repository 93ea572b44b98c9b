package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// appendFindings is the one path from Findings to Terraform diagnostics.
// Every diagnostic names its category verbatim (users grep CI logs for it)
// and is attached to the attribute at fault, so Terraform prints that line.
func appendFindings(diags *diag.Diagnostics, base path.Path, fs []finding.Finding) {
	for _, f := range fs {
		summary, detail := renderFinding(f)
		at := attributePath(base, f.Path)
		switch {
		case f.Severity == finding.Error && len(f.Path) > 0:
			diags.AddAttributeError(at, summary, detail)
		case f.Severity == finding.Error:
			diags.AddError(summary, detail)
		case len(f.Path) > 0:
			diags.AddAttributeWarning(at, summary, detail)
		default:
			diags.AddWarning(summary, detail)
		}
	}
}

// renderFinding writes a finding's diagnostic summary and detail.
func renderFinding(f finding.Finding) (string, string) {
	summary := f.Summary
	if f.Code != "" && !strings.Contains(summary, f.Code) {
		summary = fmt.Sprintf("%s (%s)", summary, f.Code)
	}
	var b strings.Builder
	if f.Detail != "" {
		b.WriteString(f.Detail)
		b.WriteString("\n\n")
	}
	switch len(f.Remediation) {
	case 0:
	case 1:
		b.WriteString("Fix: " + f.Remediation[0] + "\n\n")
	default:
		b.WriteString("Fix:\n")
		for i, step := range f.Remediation {
			fmt.Fprintf(&b, "  %d. %s\n", i+1, step)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Category: %s", f.Category)
	if f.Code != "" {
		fmt.Fprintf(&b, "; code: %s", f.Code)
	}
	if f.Retryable {
		b.WriteString("; transient: retrying later may succeed")
	}
	return summary, b.String()
}

// attributePath converts a finding's plain path to a Terraform path below base.
//
// Terraform (1.11) locates a diagnostic's source line by walking blocks and
// then at most one index step; it cannot walk into nested-attribute object
// expressions, so a path such as auth.client_id would point at the resource
// header. Addressing the nested attribute as a key of its object, auth["client_id"],
// makes Terraform point at the exact line of that key, so that is what we send.
// Anything deeper (a list inside a service block) points at its attribute.
func attributePath(base path.Path, p finding.Path) path.Path {
	at := base
	names := 0
	for _, step := range p {
		switch s := step.(type) {
		case int:
			if names > 1 {
				return at
			}
			at = at.AtListIndex(s)
		case string:
			names++
			switch names {
			case 1:
				at = at.AtName(s)
			case 2:
				at = at.AtMapKey(s)
			default:
				return at
			}
		}
	}
	return at
}
