package diagnose

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// TestTransportTexts runs transport errors as Go, Java, Python, Node.js,
// .NET and curl print them.
func TestTransportTexts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		text string
		want want
	}{
		// Refused, reset, unreachable, EOF.
		{"go refused", `Post "https://127.0.0.1:443/token": dial tcp 127.0.0.1:443: connect: connection refused`,
			want{category: finding.NetworkError, retryable: true, summary: "refused", cause: "127.0.0.1:443"}},
		{"java refused", "java.net.ConnectException: Connection refused (Connection refused)\n\tat java.base/sun.nio.ch.Net.connect0(Native Method)",
			want{category: finding.NetworkError, retryable: true, summary: "refused"}},
		{"node refused", "Error: connect ECONNREFUSED 10.1.2.3:8443\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)",
			want{category: finding.NetworkError, retryable: true, cause: "10.1.2.3:8443"}},
		{"python refused", "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.example.com', port=443): Max retries exceeded with url: /v1 (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused'))",
			want{category: finding.NetworkError, retryable: true, cause: "api.example.com:443"}},
		{".NET refused", "System.Net.Http.HttpRequestException: No connection could be made because the target machine actively refused it. (localhost:8443)",
			want{category: finding.NetworkError, retryable: true}},
		{"curl refused", "curl: (7) Failed to connect to api.example.com port 443 after 3 ms: Connection refused",
			want{category: finding.NetworkError, retryable: true, cause: "api.example.com:443"}},
		{"go reset", "read tcp 10.0.0.2:51514->20.190.160.1:443: read: connection reset by peer",
			want{category: finding.NetworkError, retryable: true, summary: "reset"}},
		{"java reset", "java.net.SocketException: Connection reset",
			want{category: finding.NetworkError, retryable: true, summary: "reset"}},
		{"node hang up", "Error: socket hang up\n    at connResetException (node:internal/errors:720:14)",
			want{category: finding.NetworkError, retryable: true}},
		{"go unreachable", "dial tcp 10.9.9.9:443: connect: no route to host",
			want{category: finding.NetworkError, retryable: true, summary: "unreachable"}},
		{"go EOF", `Post "https://login.example.com/oauth2/token": EOF`,
			want{category: finding.NetworkError, retryable: true, code: "EOF"}},
		{"go unexpected EOF", "unexpected EOF",
			want{category: finding.NetworkError, retryable: true}},
		{"apache no response", "Get Permissions: NoHttpResponseException: acme.my.salesforce.com:443 failed to respond",
			want{category: finding.NetworkError, retryable: true}},
		{"python remote disconnected", "('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))",
			want{category: finding.NetworkError, retryable: true}},

		// DNS.
		{"go no such host", `Get "https://acme.okta.com/api/v1/users/me": dial tcp: lookup acme.okta.com on 127.0.0.53:53: no such host`,
			want{category: finding.NetworkError, code: "no such host", summary: "acme.okta.com"}},
		{"go no such host, short", "lookup api.example.com: no such host",
			want{category: finding.NetworkError, code: "no such host", summary: "api.example.com"}},
		{"go DNS timeout", "dial tcp: lookup api.example.com on 10.0.0.2:53: read udp 10.0.0.5:40000->10.0.0.2:53: i/o timeout",
			want{category: finding.Timeout, retryable: true, summary: "DNS lookup"}},
		{"go DNS misbehaving", "dial tcp: lookup api.example.com: server misbehaving",
			want{category: finding.NetworkError, retryable: true}},
		{"java unknown host", "java.net.UnknownHostException: login.microsoftonline.co",
			want{category: finding.NetworkError, summary: "login.microsoftonline.co"}},
		{"python no such host", "HTTPSConnectionPool(host='acme.slack.co', port=443): Max retries exceeded with url: /api/auth.test (Caused by NameResolutionError(\"<urllib3.connection.HTTPSConnection object>: Failed to resolve 'acme.slack.co' ([Errno -2] Name or service not known)\"))",
			want{category: finding.NetworkError, summary: "acme.slack.co"}},
		{"node ENOTFOUND", "Error: getaddrinfo ENOTFOUND api.github.co",
			want{category: finding.NetworkError, summary: "api.github.co"}},
		{"node EAI_AGAIN is temporary", "Error: getaddrinfo EAI_AGAIN api.github.com",
			want{category: finding.NetworkError, retryable: true}},

		// TLS.
		{"go expired", `Get "https://expired.badssl.com/": tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2026-11-01T10:00:00Z is after 2015-04-12T23:59:59Z`,
			want{category: finding.TLSError, summary: "has expired", cause: "2015-04-12T23:59:59Z"}},
		{"go not yet valid", "x509: certificate has expired or is not yet valid: current time 2026-11-01T10:00:00Z is before 2027-01-01T00:00:00Z",
			want{category: finding.TLSError, summary: "not valid yet"}},
		{"go unknown authority", `Get "https://self-signed.badssl.com/": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
			want{category: finding.TLSError, summary: "unknown authority", cause: "self-signed.badssl.com"}},
		{"go host mismatch", "tls: failed to verify certificate: x509: certificate is valid for *.badssl.com, badssl.com, not wrong.host.example",
			want{category: finding.TLSError, summary: "host name", cause: "*.badssl.com, badssl.com"}},
		{"go no IP SANs", "x509: cannot validate certificate for 10.0.0.5 because it doesn't contain any IP SANs",
			want{category: finding.TLSError, summary: "host name", cause: "10.0.0.5"}},
		{"java PKIX", "javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target",
			want{category: finding.TLSError, summary: "unknown authority"}},
		{"java expired", "javax.net.ssl.SSLHandshakeException: PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed\nCaused by: java.security.cert.CertificateExpiredException: NotAfter: Sun Apr 12 23:59:59 UTC 2015",
			want{category: finding.TLSError, summary: "expired"}},
		{"java host mismatch", "javax.net.ssl.SSLHandshakeException: No subject alternative DNS name matching api.internal.example found.",
			want{category: finding.TLSError, summary: "host name", cause: "api.internal.example"}},
		{"java alert", "javax.net.ssl.SSLHandshakeException: Received fatal alert: handshake_failure",
			want{category: finding.TLSError, summary: "rejected the TLS handshake"}},
		{"python verify failed", "requests.exceptions.SSLError: HTTPSConnectionPool(host='api.example.com', port=443): Max retries exceeded (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain (_ssl.c:1006)')))",
			want{category: finding.TLSError, summary: "unknown authority"}},
		{"python hostname", "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for 'api.example.com'. (_ssl.c:1006)",
			want{category: finding.TLSError, summary: "host name", cause: "api.example.com"}},
		{"node expired", "Error: certificate has expired\n    at TLSSocket.onConnectSecure (node:_tls_wrap:1674:34) { code: 'CERT_HAS_EXPIRED' }",
			want{category: finding.TLSError, summary: "expired"}},
		{"node self signed", "Error: self-signed certificate in certificate chain { code: 'SELF_SIGNED_CERT_IN_CHAIN' }",
			want{category: finding.TLSError, summary: "unknown authority"}},
		{"go remote alert", "remote error: tls: handshake failure",
			want{category: finding.TLSError, summary: "rejected the TLS handshake"}},
		{"go plain HTTP port", `Get "https://127.0.0.1:8080/": http: server gave HTTP response to HTTPS client`,
			want{category: finding.TLSError, summary: "did not answer with TLS"}},
		{"openssl wrong version", "SSL routines:ssl3_get_record:wrong version number",
			want{category: finding.TLSError, summary: "did not answer with TLS"}},

		// Timeouts.
		{"go deadline", `Post "https://oauth2.googleapis.com/token": context deadline exceeded`,
			want{category: finding.Timeout, retryable: true, code: "context deadline exceeded"}},
		{"go client timeout", `Get "https://slack.com/api/auth.test": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)`,
			want{category: finding.Timeout, retryable: true}},
		{"go i/o timeout", "dial tcp 203.0.113.9:443: i/o timeout",
			want{category: finding.Timeout, retryable: true}},
		{"go TLS handshake timeout", "net/http: TLS handshake timeout",
			want{category: finding.Timeout, retryable: true}},
		{"java read timed out", "SocketTimeoutException: Read timed out",
			want{category: finding.Timeout, retryable: true}},
		{"java connect timed out", "java.net.SocketTimeoutException: connect timed out",
			want{category: finding.Timeout, retryable: true}},
		{"java connect exception timed out", "java.net.ConnectException: Connection timed out: connect",
			want{category: finding.Timeout, retryable: true}},
		{"python read timeout", "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.box.com', port=443): Read timed out. (read timeout=10)",
			want{category: finding.Timeout, retryable: true}},
		{"node ETIMEDOUT", "Error: connect ETIMEDOUT 52.1.2.3:443",
			want{category: finding.Timeout, retryable: true}},
		{".NET timeout", "System.Threading.Tasks.TaskCanceledException: The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing. ---> System.TimeoutException: The operation was canceled.",
			want{category: finding.Timeout, retryable: true}},
		{"defender service timeout", "Service timeout",
			want{category: finding.Timeout, retryable: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			check(t, Diagnose(nil, "", 0, c.text), c.want)
		})
	}
}

// TestTransportTextNeedsUnknownStatus: with a status the service answered,
// so words like "reset" or "timed out" in a body are the service's.
func TestTransportTextNeedsUnknownStatus(t *testing.T) {
	t.Parallel()
	r := Diagnose(nil, "", 504, `{"message":"Operation timed out upstream"}`)
	check(t, r, want{category: finding.ServiceUnavailable, code: "HTTP 504", retryable: true, cause: "Operation timed out"})
}

// TestWordsAreNotTransportErrors guards against reading prose as an error.
func TestWordsAreNotTransportErrors(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"504 Gateway Timeout",
		"the EOF marker is documented in section 3",
		"Invalid token provided",
		"The access token provided is expired, revoked, malformed or invalid for other reasons.",
		"Everything is fine",
	} {
		if f, ok := classifyText(text); ok {
			t.Errorf("%q classified as %s (%s)", text, f.Category, f.Code)
		}
	}
}
