package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestAttributePath(t *testing.T) {
	tests := []struct {
		in   finding.Path
		want path.Path
	}{
		{nil, path.Empty()},
		{finding.Attr("service"), path.Root("service")},
		{finding.Attr("redirect_uris").Index(2), path.Root("redirect_uris").AtListIndex(2)},
		// Nested attributes are sent as object keys so Terraform shows their line.
		{finding.Attr("auth", "client_secret_wo"), path.Root("auth").AtMapKey("client_secret_wo")},
		{finding.Attr("github", "repositories").Index(1), path.Root("github").AtMapKey("repositories")},
	}
	for _, tt := range tests {
		if got := attributePath(path.Empty(), tt.in); !got.Equal(tt.want) {
			t.Errorf("attributePath(%v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestAppendFindings(t *testing.T) {
	fs := []finding.Finding{
		finding.Errorf(finding.RedirectURIInvalid, finding.Attr("redirect_uris").Index(0), "Redirect URI must use https").
			WithCode("RFC9700-2.6").WithDetail("Plain http exposes the code.").WithFix("Use https.", "Register the new URI."),
		finding.Warnf(finding.ExpiringCredentials, nil, "The client secret expires in 3 days").WithFix("Rotate it."),
		{Severity: finding.Error, Category: finding.Timeout, Summary: "No answer", Retryable: true},
	}
	var diags diag.Diagnostics
	appendFindings(&diags, path.Empty(), fs)
	if len(diags) != 3 || diags.ErrorsCount() != 2 || diags.WarningsCount() != 1 {
		t.Fatalf("got %d diagnostics (%d errors, %d warnings)", len(diags), diags.ErrorsCount(), diags.WarningsCount())
	}
	first := diags[0]
	if first.Summary() != "Redirect URI must use https (RFC9700-2.6)" {
		t.Errorf("summary = %q", first.Summary())
	}
	for _, want := range []string{"Plain http exposes the code.", "Fix:\n  1. Use https.\n  2. Register the new URI.", "Category: redirect_uri_invalid; code: RFC9700-2.6"} {
		if !strings.Contains(first.Detail(), want) {
			t.Errorf("detail %q lacks %q", first.Detail(), want)
		}
	}
	if wp, ok := first.(diag.DiagnosticWithPath); !ok || !wp.Path().Equal(path.Root("redirect_uris").AtListIndex(0)) {
		t.Errorf("first diagnostic is not attached to redirect_uris[0]")
	}
	if _, ok := diags[1].(diag.DiagnosticWithPath); ok {
		t.Errorf("a finding without a path must not carry one")
	}
	if !strings.Contains(diags[1].Detail(), "Fix: Rotate it.") || !strings.Contains(diags[2].Detail(), "transient") {
		t.Errorf("unexpected details: %q / %q", diags[1].Detail(), diags[2].Detail())
	}
}
