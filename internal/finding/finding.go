// Package finding defines Finding, the single currency of Handshake: offline
// rules, live probes and the diagnose function all report their results as
// Findings, and one converter turns them into Terraform diagnostics.
package finding

import (
	"fmt"
	"strings"
)

// Severity says whether a finding stops a plan.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Category is one of the stable ids in DESIGN.md. Checks outside this
// repository match on them, so never rename one.
type Category string

const (
	InvalidConfiguration     Category = "invalid_configuration"
	RedirectURIInvalid       Category = "redirect_uri_invalid"
	RedirectURIMismatch      Category = "redirect_uri_mismatch"
	RedirectURIMissing       Category = "redirect_uri_missing"
	InvalidScope             Category = "invalid_scope"
	InsufficientScope        Category = "insufficient_scope"
	RefreshTokenMissing      Category = "refresh_token_missing"
	ConsentRequired          Category = "consent_required"
	InvalidCredentials       Category = "invalid_credentials"
	ExpiredCredentials       Category = "expired_credentials"
	ExpiringCredentials      Category = "expiring_credentials"
	RevokedCredentials       Category = "revoked_credentials"
	AccountDisabled          Category = "account_disabled"
	AppNotFound              Category = "app_not_found"
	AppNotInstalled          Category = "app_not_installed"
	TenantNotFound           Category = "tenant_not_found"
	DelegationNotConfigured  Category = "delegation_not_configured"
	SSOAuthorizationRequired Category = "sso_authorization_required"
	AccessDenied             Category = "access_denied"
	PolicyBlocked            Category = "policy_blocked"
	LicenseRequired          Category = "license_required"
	FeatureDisabled          Category = "feature_disabled"
	RateLimited              Category = "rate_limited"
	ServiceUnavailable       Category = "service_unavailable"
	Timeout                  Category = "timeout"
	NetworkError             Category = "network_error"
	TLSError                 Category = "tls_error"
	EndpointNotFound         Category = "endpoint_not_found"
	UnexpectedResponse       Category = "unexpected_response"
)

// Categories lists every category, in the order DESIGN.md gives them.
var Categories = []Category{
	InvalidConfiguration, RedirectURIInvalid, RedirectURIMismatch, RedirectURIMissing,
	InvalidScope, InsufficientScope, RefreshTokenMissing, ConsentRequired,
	InvalidCredentials, ExpiredCredentials, ExpiringCredentials, RevokedCredentials,
	AccountDisabled, AppNotFound, AppNotInstalled, TenantNotFound,
	DelegationNotConfigured, SSOAuthorizationRequired, AccessDenied, PolicyBlocked,
	LicenseRequired, FeatureDisabled, RateLimited, ServiceUnavailable, Timeout,
	NetworkError, TLSError, EndpointNotFound, UnexpectedResponse,
}

// Path addresses the attribute at fault: strings are attribute names, ints
// are list indexes. An empty Path means the whole resource.
type Path []any

// Attr builds a Path from attribute names.
func Attr(names ...string) Path {
	p := make(Path, len(names))
	for i, n := range names {
		p[i] = n
	}
	return p
}

// Index returns a copy of p that addresses element i of the list at p.
func (p Path) Index(i int) Path {
	out := make(Path, len(p), len(p)+1)
	copy(out, p)
	return append(out, i)
}

// String renders p the way Terraform prints attribute paths: auth.client_id, redirect_uris[1].
func (p Path) String() string {
	var b strings.Builder
	for _, step := range p {
		switch s := step.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", s)
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, s)
		}
	}
	return b.String()
}

// Finding is one thing Handshake noticed about a connector or credential.
type Finding struct {
	Severity Severity
	Category Category
	// Code is the vendor's error code (AADSTS7000222, E0000011, invalid_auth)
	// or, for offline rules, the rule's id (RFC 8252 §7.1 …).
	Code        string
	Summary     string
	Detail      string
	Remediation []string
	Path        Path
	Retryable   bool
}

// Errorf and Warnf are shorthands for building findings in rules.
func Errorf(cat Category, path Path, summary string, args ...any) Finding {
	return Finding{Severity: Error, Category: cat, Path: path, Summary: fmt.Sprintf(summary, args...)}
}

func Warnf(cat Category, path Path, summary string, args ...any) Finding {
	return Finding{Severity: Warning, Category: cat, Path: path, Summary: fmt.Sprintf(summary, args...)}
}

// WithCode, WithDetail and WithFix return a copy with the field set, so a
// rule reads as one expression.
func (f Finding) WithCode(code string) Finding { f.Code = code; return f }

func (f Finding) WithDetail(format string, args ...any) Finding {
	f.Detail = fmt.Sprintf(format, args...)
	return f
}

func (f Finding) WithFix(steps ...string) Finding {
	f.Remediation = append(append([]string(nil), f.Remediation...), steps...)
	return f
}

// At returns a copy of f attached to path.
func (f Finding) At(path Path) Finding { f.Path = path; return f }

// HasErrors reports whether any finding is an error.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// Downgrade turns every error into a warning (on_failure = "warn").
func Downgrade(fs []Finding) []Finding {
	out := make([]Finding, len(fs))
	for i, f := range fs {
		if f.Severity == Error {
			f.Severity = Warning
		}
		out[i] = f
	}
	return out
}
