package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"

	"golang.org/x/oauth2"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/vendortext"
)

// Classify turns an error from a request, a dial, a DNS lookup or a TLS
// handshake into a Finding (severity error, no path: the caller attaches the
// attribute that names the endpoint). Its texts never contain the request
// URL's query or user info, nor anything from the request.
func Classify(err error) finding.Finding {
	if err == nil {
		return finding.Finding{}
	}
	var (
		dnsErr     *net.DNSError
		unknownCA  x509.UnknownAuthorityError
		invalid    x509.CertificateInvalidError
		hostErr    x509.HostnameError
		verifyErr  *tls.CertificateVerificationError
		recordErr  tls.RecordHeaderError
		alertErr   tls.AlertError
		tooLarge   *BodyTooLargeError
		retrieve   *oauth2.RetrieveError
		statusErr  *StatusError
		opErr      *net.OpError
		rootsErr   x509.SystemRootsError
		constraint x509.ConstraintViolationError
	)
	var redirect *RedirectError
	switch {
	case errors.As(err, &redirect):
		return redirectFinding(redirect)
	case errors.Is(err, context.Canceled):
		return f(finding.Timeout, true, "The check was cancelled", "The request was cancelled before the service answered.")
	case errors.As(err, &dnsErr):
		if dnsErr.IsTimeout {
			return f(finding.Timeout, true, fmt.Sprintf("DNS lookup of %s timed out", dnsErr.Name),
				"The DNS resolver did not answer in time.").
				WithFix("Check the DNS resolver configured where Terraform runs, then retry.")
		}
		what := "failed"
		if dnsErr.IsNotFound {
			what = "found no such host"
		}
		return f(finding.NetworkError, dnsErr.IsTemporary || dnsErr.IsTimeout, fmt.Sprintf("DNS lookup of %s %s", dnsErr.Name, what),
			fmt.Sprintf("Resolving %q failed: %s.", dnsErr.Name, dnsErr.Err)).
			WithFix("Check the host name for typos (a tenant, domain or account name is often part of it).",
				"Check that the host is resolvable from where Terraform runs (private DNS, VPN, proxy).")
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), isTimeout(err):
		return f(finding.Timeout, true, "No answer within the timeout",
			"The service did not answer within the configured timeout.").
			WithFix("Check that the endpoint is reachable from where Terraform runs (firewall, proxy, VPN).",
				"If the service is merely slow, raise the provider's timeout.")
	case errors.As(err, &tooLarge):
		return f(finding.UnexpectedResponse, false, "The response body is too large",
			fmt.Sprintf("The service answered with more than %d bytes; Handshake stopped reading.", tooLarge.Limit)).
			WithFix("Check that the URL points at the API endpoint and not at a download or a web page.")
	case errors.As(err, &hostErr):
		return tlsFinding("The TLS certificate is not valid for this host name", describeHostname(hostErr),
			"Use the host name the certificate was issued for, or ask the service owner to fix the certificate.")
	case errors.As(err, &invalid):
		return tlsFinding(certInvalidSummary(invalid), describeCert(invalid.Cert),
			"The service's certificate must be renewed or fixed; nothing in this configuration can make it valid.")
	case errors.As(err, &unknownCA):
		return tlsFinding("The TLS certificate is signed by an unknown authority", describeCert(unknownCA.Cert),
			"If the service uses a private CA or traffic passes a TLS-inspecting proxy, add that CA's certificate (PEM) to the provider's ca_bundle.")
	case errors.As(err, &rootsErr), errors.As(err, &constraint):
		return tlsFinding("The TLS certificate could not be verified", vendortext.OneLine(err.Error(), 300),
			"Add the issuing CA's certificate to the provider's ca_bundle.")
	case errors.As(err, &verifyErr):
		return tlsFinding("The TLS certificate could not be verified", vendortext.OneLine(verifyErr.Err.Error(), 300),
			"Check the service's certificate chain; add a private CA to the provider's ca_bundle.")
	case errors.As(err, &recordErr):
		return tlsFinding("The server did not answer with TLS",
			"The first bytes from the server are not a TLS handshake: the port probably serves plain HTTP or another protocol.",
			"Check the URL's scheme and port (https:// against a plain-HTTP port fails this way).")
	case errors.As(err, &alertErr):
		return tlsFinding("The server rejected the TLS handshake", fmt.Sprintf("TLS alert: %s.", alertErr.Error()),
			"The server may require a client certificate, a newer TLS version or a different server name.")
	case errors.As(err, &retrieve) && retrieve.Response != nil:
		return ClassifyStatus(retrieve.Response.StatusCode, retrieve.Response.Header)
	case errors.As(err, &statusErr):
		return ClassifyStatus(statusErr.StatusCode, statusErr.Header)
	case errors.Is(err, syscall.ECONNREFUSED):
		return f(finding.NetworkError, true, "Connection refused",
			fmt.Sprintf("Nothing accepts connections%s.", at(opErr, err))).
			WithFix("Check the URL's host and port, and that the service is up.")
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED):
		return f(finding.NetworkError, true, "The connection was reset",
			"The server or a device in between (firewall, proxy, load balancer) closed the connection abruptly.").
			WithFix("Check for a firewall or proxy between Terraform and the service, then retry.")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return f(finding.NetworkError, true, "The server closed the connection without a complete answer",
			"The connection ended before a full HTTP response arrived.").
			WithFix("Check for a firewall or proxy between Terraform and the service, then retry.")
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EADDRNOTAVAIL):
		return f(finding.NetworkError, true, "The host is unreachable",
			fmt.Sprintf("No network route%s.", at(opErr, err))).
			WithFix("Check the network, VPN or proxy configuration where Terraform runs.")
	case errors.Is(err, errTooManyRedirects):
		return f(finding.UnexpectedResponse, false, "Too many redirects",
			fmt.Sprintf("The service redirected more than %d times.", DefaultMaxRedirects)).
			WithFix("Check the URL: a login page or a redirect loop answers this way.")
	case errors.As(err, &opErr):
		return f(finding.NetworkError, true, "The network request failed", vendortext.OneLine(opErr.Err.Error(), 300))
	}
	if re, ok := asRedirectError(err); ok { // flattened into text by a library
		return redirectFinding(re)
	}
	return f(finding.UnexpectedResponse, false, "The request failed", vendortext.OneLine(describeErr(err), 300))
}

// StatusError is an HTTP answer a check treats as a failure.
type StatusError struct {
	StatusCode int
	Header     http.Header
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
}

// ClassifyStatus turns an HTTP status into a Finding when nothing more
// specific (an OAuth error body, a vendor's error) is known. Code is
// "HTTP <status>".
func ClassifyStatus(status int, h http.Header) finding.Finding {
	code := fmt.Sprintf("HTTP %d", status)
	text := http.StatusText(status)
	var out finding.Finding
	switch {
	case status == http.StatusTooManyRequests:
		detail := "The service is rate-limiting these requests."
		if d, ok := RetryAfter(h, time.Now()); ok {
			detail += fmt.Sprintf(" It asks to retry after %s.", roundDuration(d))
		}
		out = f(finding.RateLimited, true, "Rate limited (HTTP 429)", detail).
			WithFix("Wait and retry; if other jobs share this credential, spread their schedules or raise the quota.")
	case status >= 500:
		out = f(finding.ServiceUnavailable, Retryable(status), fmt.Sprintf("The service failed with HTTP %d %s", status, text),
			"The service reported a server-side error; this is usually an outage or maintenance.").
			WithFix("Check the service's status page and retry later.")
	case status == http.StatusNotFound || status == http.StatusGone || status == http.StatusMethodNotAllowed:
		out = f(finding.EndpointNotFound, false, fmt.Sprintf("Endpoint not found (HTTP %d %s)", status, text),
			"The URL does not exist on the service.").
			WithFix("Check the URL, its path and any tenant, domain or API version in it.")
	case status == http.StatusUnauthorized:
		out = f(finding.InvalidCredentials, false, "The service rejected the credentials (HTTP 401)",
			"The request was not authenticated: the credential is wrong, expired or revoked, or was sent the wrong way.").
			WithFix("Check the credential's value and how it is sent (header name, prefix).")
	case status == http.StatusForbidden:
		out = f(finding.AccessDenied, false, "Access denied (HTTP 403)",
			"The credential was accepted but is not allowed to make this request.").
			WithFix("Grant the identity behind the credential access to this resource.")
	case status == http.StatusPaymentRequired:
		out = f(finding.LicenseRequired, false, "The service requires a paid plan or licence (HTTP 402)",
			"The account's plan or licence does not include this feature.")
	case status == http.StatusRequestTimeout:
		out = f(finding.Timeout, true, "The service timed out waiting for the request (HTTP 408)", "")
	case status >= 300 && status < 400:
		out = f(finding.UnexpectedResponse, false, fmt.Sprintf("Unexpected redirect (HTTP %d)", status),
			"The service answered with a redirect where an API response was expected.").
			WithFix("Check the URL: a redirect usually means a login page or a moved endpoint.")
	default:
		out = f(finding.UnexpectedResponse, false, fmt.Sprintf("Unexpected answer: HTTP %d %s", status, text), "")
	}
	return out.WithCode(code)
}

func f(cat finding.Category, retryable bool, summary, detail string) finding.Finding {
	return finding.Finding{Severity: finding.Error, Category: cat, Summary: summary, Detail: detail, Retryable: retryable}
}

func tlsFinding(summary, detail, fix string) finding.Finding {
	return f(finding.TLSError, false, summary, detail).WithFix(fix)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func at(opErr *net.OpError, err error) string {
	if errors.As(err, &opErr) && opErr.Addr != nil {
		return " on " + opErr.Addr.String()
	}
	return ""
}

func certInvalidSummary(e x509.CertificateInvalidError) string {
	switch e.Reason {
	case x509.Expired:
		if e.Cert != nil && time.Now().Before(e.Cert.NotBefore) {
			return "The TLS certificate is not valid yet"
		}
		return "The TLS certificate has expired"
	case x509.NotAuthorizedToSign:
		return "The TLS certificate chain is invalid (issuer not allowed to sign)"
	case x509.IncompatibleUsage:
		return "The TLS certificate is not valid for server authentication"
	default:
		return "The TLS certificate is invalid"
	}
}

func describeCert(c *x509.Certificate) string {
	if c == nil {
		return ""
	}
	return fmt.Sprintf("Certificate subject %q, issued by %q, valid %s to %s.",
		c.Subject.CommonName, c.Issuer.CommonName,
		c.NotBefore.UTC().Format(time.RFC3339), c.NotAfter.UTC().Format(time.RFC3339))
}

func describeHostname(e x509.HostnameError) string {
	if e.Certificate == nil {
		return fmt.Sprintf("The certificate is not valid for %q.", e.Host)
	}
	names := append([]string(nil), e.Certificate.DNSNames...)
	for _, ip := range e.Certificate.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && e.Certificate.Subject.CommonName != "" {
		names = []string{e.Certificate.Subject.CommonName}
	}
	return fmt.Sprintf("The certificate presented for %q is valid for: %s.", e.Host, strings.Join(names, ", "))
}

// describeErr renders an error without the URL's query or user info.
func describeErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Sprintf("%s %s: %v", ue.Op, RedactURL(ue.URL), describeErr(ue.Err))
	}
	return err.Error()
}

func roundDuration(d time.Duration) time.Duration {
	if d > time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}
