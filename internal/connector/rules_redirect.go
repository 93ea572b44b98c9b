package connector

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// Redirect-URI rules. The baseline is the IETF's: RFC 6749 §3.1.2 (absolute,
// no fragment), RFC 9700 (exact matching, so no wildcards; TLS except for
// loopback) and RFC 8252 (native apps: loopback IP literals over http,
// reverse-domain private-use schemes). A RedirectPolicy adds what a vendor
// enforces on top.
//
// Findings never quote the URI itself: the path already points at it, and a
// URI with userinfo would carry a password.

// Rule codes, so tests and docs can refer to them.
const (
	codeRedirectAbsolute  = "RFC6749-3.1.2"
	codeRedirectFragment  = "RFC6749-3.1.2.FRAGMENT"
	codeRedirectWildcard  = "RFC9700-2.1"
	codeRedirectTLS       = "RFC9700-2.6"
	codeRedirectLocalhost = "RFC8252-8.3"
	codeRedirectNative    = "RFC8252-7.1"
	codeRedirectUserinfo  = "RFC3986-3.2.1"
	codeRedirectChars     = "RFC3986-2"
	codeRedirectUnsafe    = "REDIRECT-UNSAFE-SCHEME"
	codeRedirectDuplicate = "REDIRECT-DUPLICATE"
	codeRedirectLength    = "REDIRECT-MAX-LENGTH"
	codeRedirectNonTLS    = "REDIRECT-NON-TLS"
	codeRedirectHTTPHost  = "REDIRECT-HTTP-LOCALHOST-ONLY"
	codeRedirectOOB       = "RFC8252-7.OOB"
)

// unsafeSchemes can run code or carry content in the browser; RFC 9700 §4.1
// shows how they turn a redirect into token theft.
var unsafeSchemes = map[string]bool{"javascript": true, "data": true, "vbscript": true, "file": true, "blob": true, "about": true}

// CheckRedirectURIs checks each redirect URI of s against the RFCs and the
// service's policy. Unknown lists are skipped; they are checked once known.
func CheckRedirectURIs(s *Spec, pol RedirectPolicy) []finding.Finding {
	if s.IsUnknown("redirect_uris") {
		return nil
	}
	var out []finding.Finding
	seen := map[string]int{}
	for i, raw := range s.RedirectURIs {
		path := finding.Attr("redirect_uris").Index(i)
		if first, dup := seen[raw]; dup {
			out = append(out, finding.Warnf(finding.RedirectURIInvalid, path,
				"Duplicate redirect URI").
				WithCode(codeRedirectDuplicate).
				WithDetail("This URI is the same as redirect_uris[%d]. Services keep a set of redirect URIs, so the copy is ignored or, for some, rejected when the app registration is updated.", first).
				WithFix("Remove the duplicate entry."))
			continue
		}
		seen[raw] = i
		out = append(out, checkRedirectURI(s, pol, path, raw)...)
	}
	return out
}

// checkRedirectURI checks one URI. A URI that cannot be parsed, or whose
// form already rules it out, stops at the first finding; independent faults
// (fragment, userinfo, length) are all reported.
func checkRedirectURI(s *Spec, pol RedirectPolicy, path finding.Path, raw string) []finding.Finding {
	bad := func(code, summary, detail string, fix ...string) finding.Finding {
		return finding.Errorf(finding.RedirectURIInvalid, path, "%s", summary).
			WithCode(code).WithDetail("%s", detail).WithFix(fix...)
	}
	if strings.TrimSpace(raw) == "" {
		return []finding.Finding{bad(codeRedirectAbsolute, "Redirect URI is empty",
			"RFC 6749 §3.1.2 requires the redirection endpoint to be an absolute URI.",
			"Remove the empty entry, or set it to the full callback URL, e.g. https://app.example.com/oauth/callback.")}
	}
	if strings.IndexFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return []finding.Finding{bad(codeRedirectChars, "Redirect URI contains whitespace",
			"Spaces, tabs, line breaks and control characters are not allowed in a URI (RFC 3986 §2), and services compare redirect URIs as exact strings, so a stray space or newline from copying never matches.",
			"Remove the whitespace (trimspace() helps when the value comes from a file); percent-encode a space that is really part of the path as %20.")}
	}
	if strings.Contains(raw, "*") {
		return []finding.Finding{bad(codeRedirectWildcard, "Redirect URI contains a wildcard",
			"RFC 9700 §2.1 requires authorization servers to compare redirect URIs by exact string matching; wildcard patterns have repeatedly let attackers steal authorization codes through a subdomain or path they control. Most services reject them, and those that accept them strip query and fragment.",
			"List every callback URL explicitly.",
			"If the destination varies per tenant or subdomain, register one shared callback and carry the destination in the state parameter (protected against tampering).")}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return []finding.Finding{bad(codeRedirectAbsolute, "Redirect URI is not a valid URI",
			fmt.Sprintf("It cannot be parsed (%s). RFC 6749 §3.1.2 requires an absolute URI.", uriErrorReason(err)),
			"Write the full callback URL, e.g. https://app.example.com/oauth/callback.")}
	}
	if u.Scheme == "" || looksLikeMissingScheme(u) {
		return []finding.Finding{bad(codeRedirectAbsolute, "Redirect URI is not absolute",
			"RFC 6749 §3.1.2 requires the redirection endpoint to be an absolute URI, with a scheme and (for web URIs) a host. Relative paths are resolved differently by each service, if at all.",
			"Start the URI with its scheme and host, e.g. https://app.example.com/oauth/callback (or http://127.0.0.1:8080/callback for a local tool).")}
	}

	var out []finding.Finding
	if strings.Contains(raw, "#") {
		out = append(out, bad(codeRedirectFragment, "Redirect URI must not contain a fragment",
			"RFC 6749 §3.1.2 forbids a fragment (#…) in the redirection endpoint: the service appends its own response to the URI, and in the implicit and form-post modes the fragment carries the token.",
			"Remove the # and everything after it."))
	}
	if u.User != nil {
		out = append(out, bad(codeRedirectUserinfo, "Redirect URI must not contain a user name or password",
			"A user@ or user:password@ part (RFC 3986 §3.2.1) is deprecated, would be sent to every browser that follows the redirect, and is refused by authorization servers.",
			"Remove the userinfo part (everything between :// and @).",
			"If it held a password, treat that password as exposed and change it."))
	}
	if pol.MaxLength > 0 && len(raw) > pol.MaxLength {
		out = append(out, bad(codeRedirectLength, fmt.Sprintf("Redirect URI is longer than %d characters", pol.MaxLength),
			fmt.Sprintf("This service accepts at most %d characters per redirect URI; this one has %d.", pol.MaxLength, len(raw)),
			"Shorten the path or move parameters into the state parameter."))
	}

	switch scheme := u.Scheme; {
	case scheme == "https" || scheme == "http":
		if u.Hostname() == "" {
			return append(out, bad(codeRedirectAbsolute, "Redirect URI has no host",
				"An http(s) redirect URI needs a host after the scheme (https://host/path). RFC 6749 §3.1.2 requires an absolute URI.",
				"Write it as https://<host>/<path>."))
		}
		if scheme == "http" {
			out = append(out, checkPlainHTTP(s, pol, path, u)...)
		}
	case strings.HasPrefix(raw, "urn:ietf:wg:oauth:2.0:oob"):
		out = append(out, bad(codeRedirectOOB, "Out-of-band redirect URIs are no longer supported",
			"urn:ietf:wg:oauth:2.0:oob made the user copy the code from the browser by hand. It was never standardised, RFC 8252 §7 replaced it with loopback and private-use redirects, and Google and others have switched it off.",
			"Use a loopback redirect such as http://127.0.0.1:<port>/callback, or a reverse-domain private-use scheme for a native app."))
	case unsafeSchemes[scheme]:
		out = append(out, bad(codeRedirectUnsafe, fmt.Sprintf("Redirect URI uses the unsafe %s: scheme", scheme),
			"Schemes that run script or embed content in the browser turn a redirect into a way to steal the authorization response (RFC 9700 §4.1); services refuse them.",
			"Use an https callback URL, or a reverse-domain private-use scheme for a native app."))
	default:
		out = append(out, checkPrivateUseScheme(pol, path, scheme)...)
	}
	return out
}

// checkPlainHTTP decides whether an http:// redirect is acceptable: by
// default only for loopback (RFC 8252 §7.3), or as the service's policy says.
func checkPlainHTTP(s *Spec, pol RedirectPolicy, path finding.Path, u *url.URL) []finding.Finding {
	host := u.Hostname()
	isLocalhostName := strings.EqualFold(host, "localhost")
	localhostWarning := finding.Warnf(finding.RedirectURIInvalid, path,
		"Redirect URI uses localhost instead of a loopback IP address").
		WithCode(codeRedirectLocalhost).
		WithDetail("RFC 8252 §8.3 recommends the IP literal 127.0.0.1 (or [::1]) over the name localhost: the name can resolve to another interface or be redefined, and a firewall may treat it differently.").
		WithFix("Use http://127.0.0.1:<port>/<path> if the service accepts it.")

	switch {
	case pol.AllowNonTLSSetting != "":
		// The service refuses http unless an account-level switch allows it
		// (Snowflake's OAUTH_ALLOW_NON_TLS_REDIRECT_URI), loopback included.
		if s.SettingUnknown(pol.AllowNonTLSSetting) || s.Setting(pol.AllowNonTLSSetting) == "true" {
			return nil
		}
		return []finding.Finding{finding.Errorf(finding.RedirectURIInvalid, path,
			"Redirect URI must use https").
			WithCode(codeRedirectNonTLS).
			WithDetail("This service rejects redirect URIs without TLS, even on loopback, unless %s.%s is true for the integration.", s.Service, pol.AllowNonTLSSetting).
			WithFix("Use an https URL.",
				fmt.Sprintf("For local development only, set %s.%s = true here and in the service's integration settings.", s.Service, pol.AllowNonTLSSetting))}

	case pol.HTTPOnlyLocalhost:
		// Microsoft documents http only for localhost, and 127.0.0.1 as the
		// preferred loopback form (registered through the app manifest).
		if isLocalhostName {
			return []finding.Finding{localhostWarning.WithFix("Microsoft accepts http://127.0.0.1 too, but it can only be added through the app manifest (replyUrlsWithType), not the portal's text box.")}
		}
		if host == "127.0.0.1" {
			return nil
		}
		return []finding.Finding{finding.Errorf(finding.RedirectURIInvalid, path,
			"Redirect URI must use https").
			WithCode(codeRedirectHTTPHost).
			WithDetail("This service accepts the http scheme only for localhost and 127.0.0.1; every other host, including other loopback addresses and [::1], needs https.").
			WithFix("Use https, or http://127.0.0.1:<port>/<path> / http://localhost:<port>/<path> for a local tool.")}

	case isLoopbackIP(host):
		return nil // RFC 8252 §7.3: the response never leaves the machine
	case isLocalhostName:
		return []finding.Finding{localhostWarning}
	default:
		return []finding.Finding{finding.Errorf(finding.RedirectURIInvalid, path,
			"Redirect URI must use https").
			WithCode(codeRedirectTLS).
			WithDetail("RFC 9700 §2.6 forbids http redirect URIs except loopback redirects for native apps (RFC 8252 §7.3): over plain http the authorization code crosses the network in clear text. The host %q is not a loopback address.", host).
			WithFix("Change the scheme to https.",
				"For a local tool, redirect to http://127.0.0.1:<port>/<path> instead.")}
	}
}

// checkPrivateUseScheme applies RFC 8252 §7.1 to a native app's custom scheme.
func checkPrivateUseScheme(pol RedirectPolicy, path finding.Path, scheme string) []finding.Finding {
	if !pol.NativeSchemes {
		return []finding.Finding{finding.Errorf(finding.RedirectURIInvalid, path,
			"Redirect URI uses a custom scheme this service does not accept").
			WithCode(codeRedirectNative).
			WithDetail("The scheme %q is a private-use scheme for native apps (RFC 8252 §7.1); this service only redirects to https URLs (and http on loopback).", scheme).
			WithFix("Use an https callback URL, or a loopback URL such as http://127.0.0.1:<port>/callback for a desktop tool.")}
	}
	if !strings.Contains(scheme, ".") && !microsoftNativeScheme(scheme) {
		return []finding.Finding{finding.Errorf(finding.RedirectURIInvalid, path,
			"Custom redirect scheme must be a reverse domain name").
			WithCode(codeRedirectNative).
			WithDetail("RFC 8252 §7.1 requires private-use schemes to be based on a domain you control, written in reverse (com.example.app:/callback), so that two apps cannot claim the same scheme and intercept each other's codes. %q has no dot.", scheme).
			WithFix("Use a scheme such as com.example.app, built from a domain you own.")}
	}
	return nil
}

// microsoftNativeScheme recognises the schemes Microsoft's MSAL libraries
// register for native apps (msal{client-id}://auth, Android's msauth://…, the
// Windows broker's ms-appx-web://…). They predate RFC 8252's reverse-domain
// rule, are documented by Microsoft, and are bound to the app id, so
// flagging them would only produce noise for Entra-backed connectors.
func microsoftNativeScheme(scheme string) bool {
	switch {
	case scheme == "msauth", scheme == "ms-appx-web", scheme == "brk-multihub":
		return true
	case strings.HasPrefix(scheme, "msal"):
		id := strings.TrimPrefix(scheme, "msal")
		return IsGUID(id) || (len(id) == 32 && strings.Trim(id, "0123456789abcdefABCDEF") == "")
	}
	return false
}

// looksLikeMissingScheme catches "localhost:8080/cb" or "app.example.com:443/cb",
// which parse as scheme "localhost" with an opaque port-and-path.
func looksLikeMissingScheme(u *url.URL) bool {
	return u.Opaque != "" && u.Opaque[0] >= '0' && u.Opaque[0] <= '9'
}

// uriErrorReason keeps the parser's explanation but not the input it quotes.
func uriErrorReason(err error) string {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return "malformed"
	}
	msg := ue.Err.Error()
	// url errors look like `invalid port ":abc" after host`; drop quoted input.
	if i := strings.IndexByte(msg, '"'); i > 0 {
		msg = strings.TrimSpace(msg[:i])
	}
	return msg
}
