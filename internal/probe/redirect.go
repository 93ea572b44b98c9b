package probe

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/oauth2"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
	"github.com/handshake-tf/terraform-provider-handshake/internal/vendortext"
)

// redirectCheckVerifier is a fixed PKCE verifier: the authorization request
// is never completed, it only has to look like a real client's.
const redirectCheckVerifier = "handshake-redirect-uri-check-0123456789abcdefghijklmnop"

// mismatchText finds a redirect-URI refusal in an HTML or text error page.
var mismatchText = regexp.MustCompile(`(?i)redirect_uri_mismatch|invalid_redirect_uri|AADSTS50011|redirect[ _-]?ur[il][^<]{0,80}(mismatch|not (registered|valid|allowed|match)|does not match|did not match|invalid)`)

// stepRedirectURIs asks the authorization endpoint to start a code flow
// with each redirect URI, without following redirects: being sent to a
// login, consent or interaction page (or back to the URI itself) means the
// URI is registered; an invalid_redirect_uri / redirect_uri_mismatch error
// (JSON, in a redirect to an error page, or an HTML error page) means not.
func (r *runner) stepRedirectURIs() StepResult {
	o := r.plan.OAuth2
	uris := r.spec.RedirectURIs
	switch {
	case len(uris) == 0:
		return StepResult{Outcome: OutcomeSkipped, Message: "no redirect_uris configured"}
	case o.AuthorizationURL == "" && r.blocked[StepDiscovery] != "":
		return StepResult{Outcome: OutcomeSkipped, Message: "not run: it needs the authorization endpoint from the discovery step; " + r.blocked[StepDiscovery]}
	case o.AuthorizationURL == "":
		return StepResult{Outcome: OutcomeSkipped, Message: "no authorization endpoint known (set authorization_url or issuer)"}
	}
	if base, err := url.Parse(o.AuthorizationURL); err != nil || base.Host == "" {
		return failed(finding.Errorf(finding.InvalidConfiguration, o.AuthorizationURLPath, "The authorization endpoint is not an absolute URL"))
	}
	var (
		fs         []finding.Finding
		unverified []string
	)
	for i, uri := range uris {
		path := finding.Attr("redirect_uris").Index(i)
		resp, err := r.authorizationRequest(uri)
		if err != nil {
			return failed(r.netFinding(err, o.AuthorizationURLPath, "Authorization endpoint"))
		}
		verdict, f := r.judgeRedirect(resp, uri)
		switch verdict {
		case redirectRegistered:
		case redirectMismatch:
			f.Path = path
			f.Category = finding.RedirectURIMismatch
			f.Severity = finding.Error
			f.Summary = fmt.Sprintf("redirect_uris[%d] is not registered for client %q", i, o.ClientID)
			f.Remediation = nil
			f = f.WithFix(fmt.Sprintf("Register %s as a redirect URI of the client, exactly as written (scheme, host, port, path, trailing slash), or correct redirect_uris[%d].", uri, i))
			fs = append(fs, f)
		case redirectUnknown:
			unverified = append(unverified, fmt.Sprintf("redirect_uris[%d] (%s)", i, f.Code))
		case redirectFatal:
			return failed(f)
		}
	}
	switch {
	case len(fs) > 0:
		return StepResult{Outcome: OutcomeFailed, Message: fs[0].Summary, Findings: fs}
	case len(unverified) > 0:
		return StepResult{Outcome: OutcomeWarning,
			Message: "could not verify " + strings.Join(unverified, ", ") + ": the authorization endpoint refused the request for another reason"}
	}
	return StepResult{Outcome: OutcomeOK, Message: fmt.Sprintf("%d redirect URI(s) registered", len(uris))}
}

// authorizationRequest asks the authorization endpoint to start a code
// flow for the client (with redirectURI when not empty), without following
// redirects. The request is never completed: it only has to look like a
// real client's.
func (r *runner) authorizationRequest(redirectURI string) (Response, error) {
	o := r.plan.OAuth2
	base, err := url.Parse(o.AuthorizationURL)
	if err != nil || base.Host == "" {
		return Response{}, fmt.Errorf("the authorization endpoint is not an absolute URL")
	}
	q := base.Query()
	q.Set("response_type", "code")
	q.Set("client_id", o.ClientID)
	if redirectURI != "" {
		q.Set("redirect_uri", redirectURI)
	}
	q.Set("scope", "openid")
	q.Set("state", "handshake-redirect-check")
	q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(redirectCheckVerifier))
	q.Set("code_challenge_method", "S256")
	base.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, base.String(), nil)
	if err != nil {
		return Response{}, err
	}
	req.Header.Set("Accept", "text/html,application/json;q=0.9")
	resp, err := r.do(r.client.NoRedirect(), req)
	resp.Step = StepRedirectURIs
	return resp, err
}

type redirectVerdict int

const (
	redirectRegistered redirectVerdict = iota
	redirectMismatch
	redirectUnknown // refused for another reason (scope, response type): the URI is not known to be wrong
	redirectFatal   // the endpoint or the client is wrong: stop
)

func (r *runner) judgeRedirect(resp Response, uri string) (redirectVerdict, finding.Finding) {
	o := r.plan.OAuth2
	if r.plan.Decode != nil {
		if f, ok := r.plan.Decode(resp); ok {
			if f.Category == finding.RedirectURIMismatch || f.Category == finding.RedirectURIMissing {
				return redirectMismatch, normalize(f)
			}
			if resp.StatusCode >= 400 {
				f = normalize(f)
				if f.Path == nil {
					f.Path = o.AuthorizationURLPath
				}
				return redirectFatal, f
			}
		}
	}
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil {
			return redirectUnknown, finding.Finding{Code: fmt.Sprintf("HTTP %d", resp.StatusCode)}
		}
		if sameTarget(loc, uri) {
			return redirectRegistered, finding.Finding{} // back to the client, possibly with an error: registered
		}
		// An error page on the authorization server carries the error in its query.
		if code := loc.Query().Get("error"); code != "" {
			e := OAuthError{Code: code, Description: vendortext.OneLine(loc.Query().Get("error_description"), maxDescription)}
			if validErrorCode(code) {
				f := e.Finding(resp.StatusCode)
				if f.Category == finding.RedirectURIMismatch {
					return redirectMismatch, f
				}
			}
		}
		if mismatchText.MatchString(resp.Header.Get("Location")) {
			return redirectMismatch, finding.Finding{Detail: "The authorization endpoint redirected to an error page about the redirect URI."}
		}
		return redirectRegistered, finding.Finding{} // to a login, consent or interaction page
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		if mismatchText.Match(resp.Body) {
			return redirectMismatch, finding.Finding{Detail: fmt.Sprintf("The authorization endpoint answered %d with an error page about the redirect URI.", resp.StatusCode)}
		}
		return redirectRegistered, finding.Finding{} // the login page
	}
	if f, ok := DecodeOAuthError(resp.StatusCode, resp.Body); ok {
		switch {
		case f.Category == finding.RedirectURIMismatch:
			return redirectMismatch, f
		case f.Code == "invalid_client" || f.Category == finding.AppNotFound:
			f.Category, f.Path = finding.AppNotFound, finding.Attr("auth", "client_id")
			f.Summary = fmt.Sprintf("The authorization endpoint does not know client %q (%s)", o.ClientID, f.Code)
			return redirectFatal, f
		case f.Retryable:
			f.Path = o.AuthorizationURLPath
			return redirectFatal, f
		}
		return redirectUnknown, f
	}
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone || resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		f := transport.ClassifyStatus(resp.StatusCode, resp.Header)
		f.Path = o.AuthorizationURLPath
		f.Summary = "Authorization endpoint: " + lowerFirst(f.Summary)
		return redirectFatal, f
	case resp.StatusCode == http.StatusBadRequest || mismatchText.Match(resp.Body):
		// An HTML (or text) error page for the authorization request: the
		// redirect URI is the usual cause, and the only parameter that varies.
		detail := fmt.Sprintf("The authorization endpoint answered HTTP %d with an error page instead of a login page.", resp.StatusCode)
		if mismatchText.Match(resp.Body) {
			detail += " The page mentions the redirect URI."
		}
		return redirectMismatch, finding.Finding{Detail: detail, Code: fmt.Sprintf("HTTP %d", resp.StatusCode)}
	}
	return redirectUnknown, finding.Finding{Code: fmt.Sprintf("HTTP %d", resp.StatusCode)}
}

// sameTarget reports whether loc points at the redirect URI (same scheme,
// host and path; the query carries code or error).
func sameTarget(loc *url.URL, uri string) bool {
	want, err := url.Parse(uri)
	if err != nil || loc.Scheme == "" {
		return false
	}
	return strings.EqualFold(loc.Scheme, want.Scheme) && strings.EqualFold(loc.Host, want.Host) && loc.Path == want.Path
}
