package diagnose

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"regexp"
	"strings"
	"syscall"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
	"github.com/handshake-tf/terraform-provider-handshake/internal/vendortext"
)

// This file reads transport errors as Go, Java, Python, Node.js, .NET and
// curl print them, rebuilds the Go error the live probe would have seen
// (a *net.DNSError, an x509.HostnameError, syscall.ECONNREFUSED …) and hands
// it to transport.Classify, so diagnose and the probe word and categorise
// a failure the same way.

// textRule recognises one family of error texts.
type textRule struct {
	re *regexp.Regexp
	// keys are lower-case substrings one of which the text must hold before
	// re runs (regexps are slow on 64 KiB of text).
	keys []string
	// build returns the Go error the text stands for; m is the match's
	// submatches, text the whole message.
	build func(m []string, text string) error
	// summary, when set, replaces Classify's summary (a detail the
	// rebuilt error cannot carry, such as "not valid yet").
	summary func(m []string, text string) string
	// code, when set, is the Result's code; otherwise the matched text is.
	code func(m []string) string
}

// textError is an error known only by its text; timeout makes it a net.Error
// that timed out.
type textError struct {
	msg     string
	timeout bool
}

func (e *textError) Error() string   { return e.msg }
func (e *textError) Timeout() bool   { return e.timeout }
func (e *textError) Temporary() bool { return e.timeout }

// textAddr is a remote address read from an error text.
type textAddr string

func (a textAddr) Network() string { return "tcp" }
func (a textAddr) String() string  { return string(a) }

var textRules = []textRule{
	// DNS, as Go prints it: "lookup api.example.com on 127.0.0.53:53: no such host".
	{
		re:   regexp.MustCompile(`(?i)\blookup ([A-Za-z0-9._\-]+)(?: on [^\s:]+(?::[0-9]+)?)?: ([^\r\n]{1,160})`),
		keys: []string{"lookup "},
		build: func(m []string, _ string) error {
			tail := strings.ToLower(m[2])
			return &net.DNSError{
				Name: m[1], Err: dnsReason(tail),
				IsNotFound:  strings.Contains(tail, "no such host"),
				IsTimeout:   strings.Contains(tail, "timeout") || strings.Contains(tail, "timed out"),
				IsTemporary: strings.Contains(tail, "misbehaving") || strings.Contains(tail, "temporary"),
			}
		},
		code: func(m []string) string { return dnsReason(strings.ToLower(m[2])) },
	},
	// DNS, as other stacks print it.
	{
		re:   regexp.MustCompile(`(?i)UnknownHostException|no such host|Name or service not known|nodename nor servname provided|No address associated with hostname|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)|Temporary failure in name resolution|Could not resolve host|Failed to resolve|NameResolutionError|Name does not resolve|could not resolve hostname|DNS lookup failed`),
		keys: []string{"unknownhost", "no such host", "not known", "servname", "no address associated", "getaddrinfo", "name resolution", "resolve", "dns lookup"},
		build: func(m []string, text string) error {
			low := strings.ToLower(m[0])
			temporary := strings.Contains(low, "temporary") || strings.Contains(low, "eai_again")
			return &net.DNSError{Name: hostIn(text), Err: dnsReason(low), IsNotFound: !temporary, IsTemporary: temporary}
		},
	},
	// TLS: the certificate does not name the host.
	{
		re:   regexp.MustCompile(`(?i)certificate is valid for ([^\r\n]{1,400}?), not ([^\s,;:'"]+)`),
		keys: []string{"valid for"},
		build: func(m []string, _ string) error {
			var names []string
			for _, n := range strings.Split(m[1], ",") {
				if n = strings.TrimSpace(n); n != "" {
					names = append(names, n)
				}
			}
			return x509.HostnameError{Host: m[2], Certificate: &x509.Certificate{DNSNames: names}}
		},
		code: func([]string) string { return "certificate host name mismatch" },
	},
	{
		re:   regexp.MustCompile(`(?i)certificate is not valid for any names, but wanted to match ([^\s,;'"]+)|cannot validate certificate for ([^\s,;'"]+) because|No subject alternative (?:DNS )?names? matching (?:IP address )?([^\s'"]+?)\.? found|hostname '([^']+)' doesn't match|Hostname mismatch, certificate is not valid for '([^']+)'|Host: ([^\s.]+(?:\.[^\s.]+)*)\. is not in the cert's altnames|ERR_TLS_CERT_ALTNAME_INVALID|CertificateException: No name matching ([^\s]+) found`),
		keys: []string{"valid for", "cannot validate certificate", "subject alternative", "doesn't match", "hostname mismatch", "altname", "no name matching"},
		build: func(m []string, text string) error {
			host := ""
			for _, g := range m[1:] {
				if g != "" {
					host = g
					break
				}
			}
			if host == "" {
				host = hostIn(text)
			}
			return x509.HostnameError{Host: host}
		},
		code: func([]string) string { return "certificate host name mismatch" },
	},
	// TLS: expired or not yet valid.
	{
		re:   regexp.MustCompile(`(?i)certificate has expired or is not yet valid(?:: current time (\S+) is (after|before) (\S+))?|certificate has expired|certificate is expired|CertificateExpiredException|CERT_HAS_EXPIRED|CertificateNotYetValidException|CERT_NOT_YET_VALID|certificate is not yet valid`),
		keys: []string{"expired", "not yet valid", "notyetvalid", "not_yet_valid"},
		build: func(_ []string, _ string) error {
			return x509.CertificateInvalidError{Reason: x509.Expired}
		},
		summary: func(m []string, _ string) string {
			low := strings.ToLower(m[0])
			if m[2] == "before" || strings.Contains(low, "notyetvalid") || strings.Contains(low, "not_yet_valid") ||
				(strings.Contains(low, "not yet valid") && !strings.Contains(low, "expired")) {
				return "The TLS certificate is not valid yet"
			}
			return ""
		},
		code: func(m []string) string {
			if m[1] != "" {
				return "certificate has expired or is not yet valid"
			}
			return m[0]
		},
	},
	// TLS: unknown or self-signed issuer.
	{
		re:    regexp.MustCompile(`(?i)certificate signed by unknown authority|PKIX path building failed|unable to find valid certification path|SunCertPathBuilderException|self[- ]signed certificate|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(?:_LOCALLY)?|unable to get local issuer certificate|unable to verify the first certificate|remote certificate is invalid according to the validation procedure|certificate verify failed`),
		keys:  []string{"unknown authority", "pkix", "certification path", "certpathbuilder", "self-signed", "self signed", "self_signed", "unable_to", "local issuer", "first certificate", "validation procedure", "verify failed"},
		build: func(_ []string, _ string) error { return x509.UnknownAuthorityError{} },
	},
	// TLS: the other side sent an alert.
	{
		re:   regexp.MustCompile(`(?i)(?:remote error: tls: |Received fatal alert: |tlsv1 alert |sslv3 alert |ssl alert )([a-z_ ]{3,40})`),
		keys: []string{"alert", "remote error"},
		build: func(m []string, _ string) error {
			return tls.AlertError(alertCode(m[1]))
		},
	},
	// Not TLS at all: https:// against a plain-HTTP port.
	{
		re:   regexp.MustCompile(`(?i)first record does not look like a TLS handshake|server gave HTTP response to HTTPS client|WRONG_VERSION_NUMBER|wrong version number|Unrecognized SSL message, plaintext connection|packet length too long`),
		keys: []string{"first record", "http response to https", "wrong_version", "wrong version", "plaintext", "packet length"},
		build: func(m []string, _ string) error {
			return tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}
		},
	},
	// Timeouts.
	{
		re:   regexp.MustCompile(`(?i)context deadline exceeded|Client\.Timeout exceeded|i/o timeout|TLS handshake timeout|timeout awaiting response headers|SocketTimeoutException|ConnectTimeout(?:Exception|Error)?|ReadTimeout(?:Exception|Error)?|HttpTimeoutException|TimeoutException|\b(?:read|connect|connection|socket|request|operation|handshake) timed out|ETIMEDOUT|ESOCKETTIMEDOUT|The operation has timed out|Operation timed out|\b(?:service|read|socket|connection|connect|idle) timeout\b|DEADLINE_EXCEEDED|deadline exceeded|timed out after [0-9]`),
		keys: []string{"deadline", "timeout", "timed out", "timedout"},
		build: func(m []string, _ string) error {
			if strings.EqualFold(m[0], "context deadline exceeded") {
				return context.DeadlineExceeded
			}
			return &textError{msg: m[0], timeout: true}
		},
	},
	// Connection refused.
	{
		re:   regexp.MustCompile(`(?i)connection refused|ECONNREFUSED|actively refused|ConnectException`),
		keys: []string{"refused", "connectexception"},
		build: func(_ []string, text string) error {
			return &net.OpError{Op: "dial", Net: "tcp", Addr: addrIn(text), Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
		},
	},
	// Connection reset or aborted.
	{
		re:   regexp.MustCompile(`(?i)connection reset|ECONNRESET|broken pipe|EPIPE|forcibly closed by the remote host|socket hang up|Connection aborted|ECONNABORTED|software caused connection abort|SocketException: Connection reset`),
		keys: []string{"reset", "pipe", "forcibly", "hang up", "abort"},
		build: func(_ []string, text string) error {
			return &net.OpError{Op: "read", Net: "tcp", Addr: addrIn(text), Err: os.NewSyscallError("read", syscall.ECONNRESET)}
		},
	},
	// No route.
	{
		re:   regexp.MustCompile(`(?i)no route to host|network is unreachable|host is unreachable|EHOSTUNREACH|ENETUNREACH|NoRouteToHostException`),
		keys: []string{"unreachable", "no route", "noroutetohost"},
		build: func(_ []string, text string) error {
			return &net.OpError{Op: "dial", Net: "tcp", Addr: addrIn(text), Err: os.NewSyscallError("connect", syscall.EHOSTUNREACH)}
		},
	},
	// The connection ended without an answer.
	{
		re:    regexp.MustCompile(`(?im)(?:^|[\s:"])(?:unexpected )?EOF[\s"]*$|EOFException|Unexpected end of file from server|Remote end closed connection without response|RemoteDisconnected|NoHttpResponseException|failed to respond|Empty reply from server|server closed idle connection|Connection closed prematurely|PrematureCloseException|connection closed before (?:message|response|full header)`),
		keys:  []string{"eof", "end of file", "remote end closed", "remotedisconnected", "nohttpresponse", "failed to respond", "empty reply", "idle connection", "closed prematurely", "prematureclose", "connection closed before"},
		build: func(_ []string, _ string) error { return io.EOF },
	},
	// Other TLS failures.
	{
		re:   regexp.MustCompile(`(?i)\bx509: [^\r\n]{1,200}|tls: [^\r\n]{1,200}|SSLHandshakeException[^\r\n]{0,200}|SSLError[^\r\n]{0,200}|SSL routines[^\r\n]{0,200}|TLS handshake failed|handshake_failure`),
		keys: []string{"x509", "tls: ", "ssl", "handshake"},
		build: func(m []string, _ string) error {
			return &tls.CertificateVerificationError{Err: errors.New(m[0])}
		},
	},
}

// classifyText classifies a transport error text; ok is false when the
// text names no transport failure.
func classifyText(text string) (finding.Finding, bool) {
	lower := strings.ToLower(text)
	for _, r := range textRules {
		if !vendortext.ContainsAny(lower, r.keys...) {
			continue
		}
		loc := r.re.FindStringSubmatchIndex(text)
		if loc == nil {
			continue
		}
		m := make([]string, len(loc)/2)
		for i := range m {
			if loc[2*i] >= 0 {
				m[i] = text[loc[2*i]:loc[2*i+1]]
			}
		}
		f := transport.Classify(r.build(m, text))
		if r.summary != nil {
			if s := r.summary(m, text); s != "" {
				f.Summary = s
			}
		}
		if r.code != nil {
			f.Code = r.code(m)
		} else {
			f.Code = vendortext.OneLine(strings.Trim(m[0], " \t:\"'"), 80)
		}
		line := lineAround(text, loc[0], loc[1])
		if f.Detail != "" && !strings.HasSuffix(f.Detail, ".") {
			f.Detail += "."
		}
		f.Detail = strings.TrimSpace(f.Detail + " The error was: " + quote(vendortext.OneLine(line, 240)) + ".")
		return f, true
	}
	return finding.Finding{}, false
}

func dnsReason(low string) string {
	switch {
	case strings.Contains(low, "timeout"), strings.Contains(low, "timed out"):
		return "i/o timeout"
	case strings.Contains(low, "misbehaving"):
		return "server misbehaving"
	case strings.Contains(low, "temporary"), strings.Contains(low, "eai_again"):
		return "temporary failure in name resolution"
	}
	return "no such host"
}

var (
	reHostHints = []*regexp.Regexp{
		regexp.MustCompile(`UnknownHostException:\s*([A-Za-z0-9._\-]+)`),
		regexp.MustCompile(`host='([^'\s]+)'`),
		regexp.MustCompile(`(?i)Could not resolve host:\s*([A-Za-z0-9._\-]+)`),
		regexp.MustCompile(`(?:ENOTFOUND|EAI_AGAIN)\s+([A-Za-z0-9._\-]+)`),
		regexp.MustCompile(`Failed to resolve '([^'\s]+)'`),
		regexp.MustCompile(`(?i)https?://([A-Za-z0-9._\-]+)`),
	}
	reAddrHints = []*regexp.Regexp{
		regexp.MustCompile(`\bdial tcp[46]? ([^\s]+:[0-9]+)`),
		regexp.MustCompile(`\b(?:ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ETIMEDOUT) ([^\s]+:[0-9]+)`),
		regexp.MustCompile(`(?i)Failed to connect to ([A-Za-z0-9._\-]+) port ([0-9]+)`),
		regexp.MustCompile(`host='([^'\s]+)', port=([0-9]+)`),
	}
)

// hostIn is the host name an error text is about, or "the host".
func hostIn(text string) string {
	for _, re := range reHostHints {
		if m := re.FindStringSubmatch(text); m != nil {
			return strings.TrimSuffix(m[1], ".")
		}
	}
	return "the host"
}

// addrIn is the remote address an error text names, or nil.
func addrIn(text string) net.Addr {
	for _, re := range reAddrHints {
		if m := re.FindStringSubmatch(text); m != nil {
			if len(m) > 2 {
				return textAddr(net.JoinHostPort(m[1], m[2]))
			}
			return textAddr(strings.TrimSuffix(m[1], ":"))
		}
	}
	return nil
}

// alertCode maps an alert's name (Go's "handshake failure", Java's
// "handshake_failure", OpenSSL's "tlsv1 alert unknown ca") to its RFC 8446
// number.
func alertCode(name string) uint8 {
	n := strings.ToLower(strings.TrimSpace(strings.ReplaceAll(name, "_", " ")))
	codes := []struct {
		prefix string
		code   uint8
	}{
		{"close notify", 0}, {"unexpected message", 10}, {"bad record mac", 20},
		{"record overflow", 22}, {"handshake failure", 40},
		{"bad certificate status response", 113}, {"bad certificate", 42},
		{"unsupported certificate", 43}, {"certificate revoked", 44}, {"certificate expired", 45},
		{"expired certificate", 45}, {"certificate unknown", 46}, {"unknown certificate authority", 48},
		{"illegal parameter", 47}, {"unknown ca", 48}, {"access denied", 49}, {"decode error", 50},
		{"decrypt error", 51}, {"protocol version", 70}, {"insufficient security", 71},
		{"internal error", 80}, {"inappropriate fallback", 86}, {"user canceled", 90},
		{"missing extension", 109}, {"unsupported extension", 110}, {"unrecognized name", 112},
		{"unknown psk identity", 115},
		{"certificate required", 116}, {"no application protocol", 120},
	}
	for _, c := range codes {
		if strings.HasPrefix(n, c.prefix) {
			return c.code
		}
	}
	return 40
}

// lineAround returns the line of text holding text[start:end].
func lineAround(text string, start, end int) string {
	ls := strings.LastIndexAny(text[:start], "\r\n") + 1
	le := strings.IndexAny(text[end:], "\r\n")
	if le < 0 {
		le = len(text)
	} else {
		le += end
	}
	line := text[ls:le]
	if len(line) > 600 { // center a long line on the match
		from := max(start-ls-200, 0)
		to := min(from+400, len(line))
		line = line[from:to]
	}
	return line
}

func quote(s string) string { return "“" + s + "”" }
