package connector

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// CheckEndpoint checks a URL setting Handshake will call (token endpoint,
// API base URL, probe URL): an absolute http(s) URL with a host, TLS except
// on loopback (where tests and local emulators run), no fragment and no
// userinfo. Unset and unknown settings pass; requiring one is the profile's
// job.
func CheckEndpoint(s *Spec, setting string) []finding.Finding {
	if s.SettingUnknown(setting) {
		return nil
	}
	raw := s.Setting(setting)
	if raw == "" {
		return nil
	}
	path := s.SettingPath(setting)
	attr := s.Service + "." + setting
	bad := func(code, summary, detail string, fix ...string) []finding.Finding {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path, "%s", summary).
			WithCode(code).WithDetail("%s", detail).WithFix(fix...)}
	}

	if strings.TrimSpace(raw) != raw || strings.ContainsAny(raw, " \t\r\n") {
		return bad("ENDPOINT-WHITESPACE", attr+" contains whitespace",
			"A URL cannot contain spaces or line breaks; this one would fail to parse or call the wrong address.",
			"Remove the whitespace (trimspace() helps when the value is read from a file).")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad("ENDPOINT-URL", attr+" is not a valid URL",
			fmt.Sprintf("It cannot be parsed (%s).", uriErrorReason(err)),
			"Write the full URL including the scheme, e.g. https://api.example.com.")
	}
	if u.Scheme == "" || looksLikeMissingScheme(u) || (u.Scheme != "http" && u.Scheme != "https" && u.Host == "") {
		return bad("ENDPOINT-URL", attr+" must be an absolute URL",
			"Handshake calls this endpoint directly, so it needs a scheme and a host; a bare host name or path is ambiguous.",
			"Start it with https://, e.g. https://api.example.com.")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return bad("ENDPOINT-SCHEME", attr+" must be an http(s) URL",
			fmt.Sprintf("The scheme %q cannot be called over HTTP.", u.Scheme),
			"Use an https:// URL.")
	}
	if u.Hostname() == "" {
		return bad("ENDPOINT-URL", attr+" has no host",
			"The URL needs a host after the scheme (https://host/path).",
			"Write it as https://<host>/<path>.")
	}

	var out []finding.Finding
	if u.User != nil {
		// Do not echo the URL: the userinfo may hold a password.
		out = append(out, bad("ENDPOINT-USERINFO", attr+" must not contain a user name or password",
			"Credentials embedded in a URL end up in logs and in the Terraform state; Handshake sends credentials from the auth block instead.",
			"Remove the user:password@ part and put the credentials in the auth block.",
			"If it held a password, treat that password as exposed and change it.")...)
	}
	if strings.Contains(raw, "#") {
		out = append(out, bad("ENDPOINT-FRAGMENT", attr+" must not contain a fragment",
			"A #fragment is never sent to the server, so anything after # is silently dropped.",
			"Remove the # and everything after it.")...)
	}
	if u.Scheme == "http" && !IsLoopbackHost(u.Hostname()) {
		out = append(out, bad("ENDPOINT-TLS", attr+" must use https",
			fmt.Sprintf("Handshake sends credentials and tokens to this endpoint, so plain http is only allowed for loopback addresses (local emulators and tests). The host %q is not a loopback address.", u.Hostname()),
			"Change the scheme to https.")...)
	}
	return out
}
