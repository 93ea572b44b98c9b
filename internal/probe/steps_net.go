package probe

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// target parses the plan's target URL.
func (r *runner) target() (*url.URL, *finding.Finding) {
	u, err := url.Parse(r.plan.Target)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		f := finding.Errorf(finding.InvalidConfiguration, r.plan.TargetPath,
			"%s is not an absolute http(s) URL", pathLabel(r.plan.TargetPath)).
			WithDetail("Handshake needs a URL like https://host/path to test the connector.")
		return nil, &f
	}
	return u, nil
}

func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "443"
		if u.Scheme == "http" {
			port = "80"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

func (r *runner) stepDNS() StepResult {
	u, bad := r.target()
	if bad != nil {
		return failed(*bad)
	}
	host := u.Hostname()
	if net.ParseIP(host) != nil {
		return StepResult{Outcome: OutcomeOK, Message: host + " is an IP address; no lookup needed"}
	}
	if _, err := r.client.LookupHost(r.ctx, host); err != nil {
		f := transport.Classify(err)
		f.Path = r.plan.TargetPath
		return failed(f)
	}
	return StepResult{Outcome: OutcomeOK, Message: host + " resolves"}
}

func (r *runner) stepTCP() StepResult {
	u, bad := r.target()
	if bad != nil {
		return failed(*bad)
	}
	addr := hostPort(u)
	if err := r.client.DialTCP(r.ctx, addr); err != nil {
		return failed(r.netFinding(err, r.plan.TargetPath, "TCP connection to "+addr))
	}
	return StepResult{Outcome: OutcomeOK, Message: "connected to " + addr}
}

func (r *runner) stepTLS() StepResult {
	u, bad := r.target()
	if bad != nil {
		return failed(*bad)
	}
	if u.Scheme != "https" {
		return StepResult{Outcome: OutcomeSkipped, Message: "plain http: no TLS"}
	}
	addr := hostPort(u)
	state, err := r.client.HandshakeTLS(r.ctx, addr, u.Hostname())
	if err != nil {
		return failed(r.netFinding(err, r.plan.TargetPath, "TLS handshake with "+addr))
	}
	subject := ""
	if len(state.PeerCertificates) > 0 {
		subject = state.PeerCertificates[0].Subject.CommonName
	}
	msg := fmt.Sprintf("%s, certificate verified", tlsVersion(state.Version))
	if subject != "" {
		msg = fmt.Sprintf("%s, certificate for %q verified", tlsVersion(state.Version), subject)
	}
	return StepResult{Outcome: OutcomeOK, Message: msg}
}

func tlsVersion(v uint16) string {
	switch v {
	case tls.VersionTLS13:
		return "TLS 1.3"
	case tls.VersionTLS12:
		return "TLS 1.2"
	}
	return "TLS"
}

// netFinding classifies a transport error and attaches it to path, with
// what failed in front of the summary.
func (r *runner) netFinding(err error, path finding.Path, what string) finding.Finding {
	f := transport.Classify(err)
	f.Path = path
	f.Summary = what + ": " + lowerFirst(f.Summary)
	return f
}

func failed(fs ...finding.Finding) StepResult {
	msg := ""
	if len(fs) > 0 {
		msg = fs[0].Summary
	}
	return StepResult{Outcome: OutcomeFailed, Message: msg, Findings: fs}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	// Keep acronyms (DNS, TLS, HTTP) as they are.
	if len(s) > 1 && s[1] >= 'A' && s[1] <= 'Z' {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// pathLabel renders a path for a message ("oauth2.token_url").
func pathLabel(p finding.Path) string {
	if len(p) == 0 {
		return "the URL"
	}
	return p.String()
}
