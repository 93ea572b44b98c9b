package probe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/vendortext"
)

// This file decodes OAuth 2.0 error answers: RFC 6749 §5.2 bodies from token
// and authorization endpoints (JSON, or form-encoded as some older servers
// send them) and RFC 6750 §3 WWW-Authenticate challenges from APIs. It has
// no dependency on the rest of the probe so that diagnose can reuse it.

// OAuthError is an RFC 6749 §5.2 error.
type OAuthError struct {
	Code        string // "error"
	Description string // "error_description", cleaned up (printable, at most 300 bytes)
	URI         string // "error_uri"
	// Scope is the "scope" member some servers add to invalid_scope errors
	// (oidc-provider names the rejected scope there).
	Scope string
}

const maxDescription = 300

// ParseOAuthError reads an RFC 6749 §5.2 error from a response body: a JSON
// object whose "error" member is a string, or a form-encoded error=… body.
// Extra members, a BOM, whitespace and CRLFs are tolerated.
func ParseOAuthError(body []byte) (OAuthError, bool) {
	b := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if len(b) == 0 {
		return OAuthError{}, false
	}
	var e OAuthError
	if b[0] == '{' {
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) != nil {
			return OAuthError{}, false
		}
		if !jsonString(m["error"], &e.Code) {
			return OAuthError{}, false
		}
		jsonString(m["error_description"], &e.Description)
		jsonString(m["error_uri"], &e.URI)
		jsonString(m["scope"], &e.Scope)
	} else {
		if !bytes.HasPrefix(b, []byte("error=")) && !bytes.Contains(b, []byte("&error=")) {
			return OAuthError{}, false
		}
		if bytes.ContainsAny(b, "<>{}") {
			return OAuthError{}, false
		}
		v, err := url.ParseQuery(string(b))
		if err != nil {
			return OAuthError{}, false
		}
		e.Code, e.Description, e.URI, e.Scope = v.Get("error"), v.Get("error_description"), v.Get("error_uri"), v.Get("scope")
	}
	e.Code = strings.TrimSpace(e.Code)
	if !validErrorCode(e.Code) {
		return OAuthError{}, false
	}
	e.Description = vendortext.OneLine(e.Description, maxDescription)
	e.URI = vendortext.OneLine(e.URI, 200)
	e.Scope = vendortext.OneLine(e.Scope, 200)
	return e, true
}

// DecodeOAuthError classifies an OAuth error answer. status is the HTTP
// status (0 when unknown). The finding has severity error, Code set to the
// OAuth error code and no Path: the caller knows which attribute is at fault.
func DecodeOAuthError(status int, body []byte) (finding.Finding, bool) {
	e, ok := ParseOAuthError(body)
	if !ok {
		return finding.Finding{}, false
	}
	return e.Finding(status), true
}

// DecodeBearerChallenge classifies the error of an RFC 6750 §3
// WWW-Authenticate challenge (Bearer or DPoP), e.g.
// `Bearer error="insufficient_scope", scope="read:org"`.
func DecodeBearerChallenge(status int, header http.Header) (finding.Finding, bool) {
	for _, v := range header.Values("WWW-Authenticate") {
		params := challengeParams(v)
		code := strings.TrimSpace(params["error"])
		if code == "" || !validErrorCode(code) {
			continue
		}
		e := OAuthError{
			Code:        code,
			Description: vendortext.OneLine(params["error_description"], maxDescription),
			URI:         vendortext.OneLine(params["error_uri"], 200),
			Scope:       vendortext.OneLine(params["scope"], 200),
		}
		return e.Finding(status), true
	}
	return finding.Finding{}, false
}

// Finding classifies the error.
func (e OAuthError) Finding(status int) finding.Finding {
	desc := strings.ToLower(e.Description)
	detail := fmt.Sprintf("The server answered %q", e.Code)
	if e.Description != "" {
		detail += fmt.Sprintf(": %q", e.Description)
	}
	if status > 0 {
		detail += fmt.Sprintf(" (HTTP %d)", status)
	}
	detail += "."
	if e.Scope != "" {
		detail += fmt.Sprintf(" Scope in question: %q.", e.Scope)
	}
	mk := func(cat finding.Category, summary string, fixes ...string) finding.Finding {
		return finding.Finding{Severity: finding.Error, Category: cat, Code: e.Code,
			Summary: summary + " (" + e.Code + ")", Detail: detail, Remediation: fixes}
	}
	expired := has(desc, "expired", "expiry", "expiration", "no longer valid")
	switch e.Code {
	case "invalid_client", "unauthorized":
		switch {
		case e.IsAmbiguousClientError() && !expired:
			// fosite (ORY Hydra) and others answer an unknown client and a
			// wrong secret alike; the live check asks the authorization
			// endpoint which it is.
			return mk(finding.InvalidCredentials, "The client authentication failed: unknown client or wrong secret",
				"Check auth.client_id: the client may have been deleted or belong to another environment.",
				"Check the client secret or private key: a rotated secret, a secret ID instead of its value or a typo fail the same way.")
		case expired:
			return mk(finding.ExpiredCredentials, "The client secret or key has expired",
				"Create a new client secret (or key) for this client in the authorization server and update the credential.")
		case has(desc, "secret", "assertion", "credentials") && !has(desc, "not found", "does not exist", "unknown client"):
			// "The client secret supplied for a confidential client is
			// invalid" (Okta) is a wrong secret, not a missing client.
		case has(desc, "not found", "unknown client", "does not exist", "no such client", "client not registered", "client is invalid", "was not found"):
			return mk(finding.AppNotFound, "The OAuth client does not exist",
				"Check auth.client_id: the client may have been deleted or belong to another tenant or environment.")
		case has(desc, "disabled", "inactive", "suspended", "deactivated", "locked"):
			return mk(finding.AccountDisabled, "The OAuth client is disabled",
				"Re-enable the client in the authorization server, or use an active one.")
		case has(desc, "revoked"):
			return mk(finding.RevokedCredentials, "The client secret or key was revoked",
				"Create a new client secret (or key) and update the credential.")
		}
		return mk(finding.InvalidCredentials, "The client authentication failed",
			"Check auth.client_id and the client secret or private key: a copied secret ID instead of its value, a rotated secret or a typo fail this way.",
			"If the server expects another method, set auth_style (client_secret_basic, client_secret_post or private_key_jwt).")
	case "invalid_grant":
		switch {
		case expired:
			return mk(finding.ExpiredCredentials, "The grant or refresh token has expired",
				"Obtain a new refresh token (sign in again through the authorization-code flow) and update the credential.")
		case has(desc, "signature", "assertion", "jwt", "audience", "issuer"):
			return mk(finding.InvalidCredentials, "The signed assertion was rejected",
				"Check that auth.private_key matches the public key registered for the client, and its key id.")
		case has(desc, "disabled", "inactive", "suspended", "deactivated", "locked", "blocked user"):
			return mk(finding.AccountDisabled, "The account behind the grant is disabled",
				"Re-enable the user, or re-authorize the connector with an active account.")
		case has(desc, "ip restricted", "login hours", "ip address"):
			// Salesforce's "ip restricted": the login came from outside the
			// allowed ranges; the grant itself is fine.
			return mk(finding.PolicyBlocked, "A policy blocked the grant from this address",
				"Ask the service's administrator to allow the address Terraform runs from.")
		case has(desc, "consent"):
			return mk(finding.ConsentRequired, "Consent for the grant is missing or was withdrawn",
				"Grant consent again, then obtain a new refresh token.")
		}
		return mk(finding.RevokedCredentials, "The grant or refresh token is invalid or revoked",
			"Obtain a new refresh token (sign in again through the authorization-code flow) and update the credential.",
			"Refresh tokens are revoked when the user signs out everywhere, changes a password, or an administrator revokes the app's sessions.")
	case "invalid_scope":
		return mk(finding.InvalidScope, "A requested scope is unknown or not allowed for this client",
			"Remove the scope from required_scopes, or allow it for the client in the authorization server.")
	case "insufficient_scope":
		return mk(finding.InsufficientScope, "The token lacks a required scope",
			"Grant the missing scope to the client (and consent to it), then check again.")
	case "unauthorized_client":
		if has(desc, "invalid client credentials", "invalid client secret", "bad client credentials") {
			// Keycloak answers a wrong or missing client secret with
			// unauthorized_client "Invalid client or Invalid client
			// credentials": the client failed to authenticate, it was
			// not refused a grant type.
			return mk(finding.InvalidCredentials, "The client authentication failed: wrong or missing client secret",
				"Check the client secret (or key): a rotated or regenerated secret, a secret from another environment or a typo fail this way.")
		}
		return mk(finding.AccessDenied, "The client is not allowed to use this grant type",
			"Allow the grant (client credentials, refresh token …) for the client in the authorization server, or change grant_type.")
	case "unsupported_grant_type":
		return mk(finding.InvalidConfiguration, "The server does not support this grant type",
			"Change grant_type to one the server supports (see grant_types_supported in its discovery document).")
	case "invalid_request":
		switch {
		case has(desc, "grant type is not allowed", "grant_type is not allowed", "grant type not allowed"):
			// oidc-provider: "requested grant type is not allowed for this client".
			return mk(finding.AccessDenied, "The client is not allowed to use this grant type",
				"Allow the grant (client credentials, refresh token …) for the client in the authorization server, or change grant_type.")
		case has(desc, "redirect_uri", "redirect uri", "reply url"):
			return mk(finding.RedirectURIMismatch, "The redirect URI was rejected",
				"Register the redirect URI for the client exactly as written (scheme, host, port, path, trailing slash).")
		case expired:
			return mk(finding.ExpiredCredentials, "A credential in the request has expired",
				"Renew the credential and update it.")
		}
		return mk(finding.InvalidConfiguration, "The server rejected the request as malformed",
			"Check the connector's settings against the server's documentation (grant type, auth style, audience).")
	case "invalid_redirect_uri", "redirect_uri_mismatch":
		return mk(finding.RedirectURIMismatch, "The redirect URI is not registered for this client",
			"Register the redirect URI for the client exactly as written (scheme, host, port, path, trailing slash), or correct redirect_uris.")
	case "access_denied":
		if has(desc, "policy", "conditional access", "ip address", "ip restriction", "network", "location") {
			return mk(finding.PolicyBlocked, "A policy blocked the request",
				"Ask the identity administrator to allow this client from where Terraform runs.")
		}
		return mk(finding.AccessDenied, "Access denied", "Grant the client or user access, then check again.")
	case "consent_required", "interaction_required", "account_selection_required":
		return mk(finding.ConsentRequired, "User or admin consent is required",
			"Grant consent for the client (an administrator may have to consent for the whole organisation).")
	case "login_required":
		return mk(finding.AccessDenied, "The server requires an interactive sign-in",
			"This grant cannot be tested without a user; check the client's grant configuration.")
	case "invalid_token":
		switch {
		case expired:
			return mk(finding.ExpiredCredentials, "The token has expired", "Obtain a new token and update the credential.")
		case has(desc, "revoked"):
			return mk(finding.RevokedCredentials, "The token was revoked", "Obtain a new token and update the credential.")
		}
		return mk(finding.InvalidCredentials, "The token was rejected",
			"Check the token's value, and that it was issued for this API (audience).")
	case "expired_token":
		return mk(finding.ExpiredCredentials, "The token has expired", "Obtain a new token and update the credential.")
	case "server_error", "temporarily_unavailable":
		f := mk(finding.ServiceUnavailable, "The authorization server failed", "Retry later; check the service's status page.")
		f.Retryable = true
		return f
	case "slow_down":
		f := mk(finding.RateLimited, "The authorization server asks to slow down", "Retry later.")
		f.Retryable = true
		return f
	case "invalid_target", "invalid_resource", "unsupported_response_type", "invalid_request_uri",
		"invalid_request_object", "request_not_supported", "request_uri_not_supported",
		"registration_not_supported", "invalid_client_metadata", "invalid_dpop_proof", "use_dpop_nonce",
		"invalid_authorization_details":
		return mk(finding.InvalidConfiguration, "The server rejected the request's parameters",
			"Check the connector's settings (audience, resource, grant type) against the server's documentation.")
	}
	if status >= 500 {
		f := mk(finding.ServiceUnavailable, "The authorization server failed", "Retry later; check the service's status page.")
		f.Retryable = true
		return f
	}
	return mk(finding.UnexpectedResponse, "The server answered with an unrecognised OAuth error",
		"Look the error code up in the service's documentation.")
}

func has(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func jsonString(raw json.RawMessage, dst *string) bool {
	if len(raw) == 0 || raw[0] != '"' {
		return false
	}
	return json.Unmarshal(raw, dst) == nil
}

// validErrorCode accepts RFC 6749's error syntax (%x20-21 / %x23-5B /
// %x5D-7E, without spaces here) up to 100 bytes.
func validErrorCode(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= 0x20 || c == '"' || c == '\\' || c >= 0x7f {
			return false
		}
	}
	return true
}

// challengeParams parses the auth-params of a WWW-Authenticate value (RFC
// 9110 §11.6.1), tolerating several challenges and sloppy quoting.
func challengeParams(v string) map[string]string {
	out := map[string]string{}
	i := 0
	for i < len(v) {
		// key
		for i < len(v) && (v[i] == ' ' || v[i] == ',' || v[i] == '\t') {
			i++
		}
		start := i
		for i < len(v) && v[i] != '=' && v[i] != ' ' && v[i] != ',' {
			i++
		}
		key := strings.ToLower(v[start:i])
		if i >= len(v) || v[i] != '=' {
			continue // a scheme name or token68
		}
		i++ // '='
		var val strings.Builder
		if i < len(v) && v[i] == '"' {
			i++
			for i < len(v) && v[i] != '"' {
				if v[i] == '\\' && i+1 < len(v) {
					i++
				}
				val.WriteByte(v[i])
				i++
			}
			i++ // closing quote
		} else {
			for i < len(v) && v[i] != ',' && v[i] != ' ' {
				val.WriteByte(v[i])
				i++
			}
		}
		if _, dup := out[key]; !dup && key != "" {
			out[key] = val.String()
		}
	}
	return out
}
