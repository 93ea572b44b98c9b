package probe

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// discoveryDoc is the part of an OpenID Connect Discovery / RFC 8414
// document the probe uses.
type discoveryDoc struct {
	Issuer                string   `json:"issuer"`
	TokenEndpoint         string   `json:"token_endpoint"`
	AuthorizationEndpoint string   `json:"authorization_endpoint"`
	IntrospectionEndpoint string   `json:"introspection_endpoint"`
	GrantTypesSupported   []string `json:"grant_types_supported"`
}

// discoveryURLs returns the OpenID Connect Discovery URL of issuer and its
// RFC 8414 fallback (the well-known segment goes before the issuer's path).
func discoveryURLs(issuer string) []string {
	trimmed := strings.TrimSuffix(issuer, "/")
	out := []string{trimmed + "/.well-known/openid-configuration"}
	u, err := url.Parse(issuer)
	if err != nil {
		return out
	}
	path := strings.TrimSuffix(u.Path, "/")
	u.Path = "/.well-known/oauth-authorization-server" + path
	u.RawPath = ""
	if s := u.String(); s != out[0] {
		out = append(out, s)
	}
	return out
}

func (r *runner) stepDiscovery() StepResult {
	o := r.plan.OAuth2
	if o.Issuer == "" {
		return StepResult{Outcome: OutcomeSkipped, Message: "no issuer configured; the token endpoint is used as given"}
	}
	var (
		resp Response
		from string
	)
	for i, u := range discoveryURLs(o.Issuer) {
		var err error
		resp, err = r.get(r.ctx, u, http.Header{"Accept": {"application/json"}})
		if err != nil {
			return failed(r.netFinding(err, o.IssuerPath, "Discovery"))
		}
		resp.Step = StepDiscovery
		from = u
		last := i == len(discoveryURLs(o.Issuer))-1
		if (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone) && !last {
			if r.plan.Decode != nil {
				if _, known := r.plan.Decode(resp); known {
					break // the vendor's own 404 (realm or tenant unknown): no fallback to try
				}
			}
			continue
		}
		break
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		f := r.decode(resp, nil)
		if f.Path != nil {
			// A vendor's plan decoder placed it on the service's own
			// setting (realm, tenant): its words fit better than ours.
			return failed(f)
		}
		f.Path = o.IssuerPath
		if f.Category == finding.EndpointNotFound {
			f.Summary = "No discovery document at the issuer"
			f.Detail = "Neither " + strings.Join(discoveryURLs(o.Issuer), " nor ") + " exists (HTTP 404)."
			f = f.WithFix("Check oauth2.issuer (realm, tenant or path included), or set token_url instead of issuer for a server without discovery.")
		} else {
			f.Summary = "Discovery: " + lowerFirst(f.Summary)
		}
		return failed(f)
	}
	var doc discoveryDoc
	if err := json.Unmarshal(resp.Body, &doc); err != nil || doc.Issuer == "" {
		return failed(finding.Errorf(finding.UnexpectedResponse, o.IssuerPath,
			"The discovery document is not valid").
			WithDetail("%s did not answer with a JSON discovery document containing \"issuer\".", from).
			WithFix("Check that oauth2.issuer is the authorization server's issuer and not a web page."))
	}
	if doc.Issuer != o.Issuer {
		detail := "The discovery document at " + from + " declares issuer " + quote(doc.Issuer) +
			", but the connector is configured with " + quote(o.Issuer) +
			". OpenID Connect Discovery §4.3 and RFC 8414 §3.3 require an exact match (scheme, host, port, path and trailing slash), and tokens from this server will carry the declared issuer."
		return failed(finding.Errorf(finding.InvalidConfiguration, o.IssuerPath,
			"The server's issuer does not match oauth2.issuer").
			WithCode("RFC8414-3.3").WithDetail("%s", detail).
			WithFix("If this is the intended server, set issuer = "+quote(doc.Issuer)+".",
				"Otherwise a proxy or a wrong host answers for the issuer: check the URL."))
	}
	var notes []string
	if o.TokenURL == "" {
		if doc.TokenEndpoint == "" {
			return failed(finding.Errorf(finding.InvalidConfiguration, o.IssuerPath,
				"The discovery document has no token_endpoint").
				WithDetail("%s declares no token_endpoint, and token_url is not set.", from).
				WithFix("Set oauth2.token_url."))
		}
		o.TokenURL, o.TokenURLPath = doc.TokenEndpoint, o.IssuerPath
		notes = append(notes, "token endpoint "+doc.TokenEndpoint)
	}
	if o.IntrospectionURL == "" {
		o.IntrospectionURL = doc.IntrospectionEndpoint
	}
	if o.AuthorizationURL == "" && doc.AuthorizationEndpoint != "" {
		o.AuthorizationURL, o.AuthorizationURLPath = doc.AuthorizationEndpoint, o.IssuerPath
	}
	msg := "issuer matches"
	if len(notes) > 0 {
		msg += "; " + strings.Join(notes, "; ")
	}
	return StepResult{Outcome: OutcomeOK, Message: msg}
}

func quote(s string) string { return "\"" + s + "\"" }
