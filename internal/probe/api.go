package probe

import (
	"fmt"
	"mime"
	"net/http"
	"strings"

	"golang.org/x/oauth2"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

func (r *runner) stepAPI(name string) StepResult {
	return r.callAPI(name, r.token)
}

// callAPI makes the probe call with the connector's credential (or tok for
// OAuth 2.0 connectors) and classifies the answer.
func (r *runner) callAPI(name string, tok *oauth2.Token) StepResult {
	rp := r.plan.Request
	if rp == nil {
		if len(r.plan.Steps) > 0 {
			return StepResult{Outcome: OutcomeSkipped, Message: "the service's own steps below make the API calls"}
		}
		return StepResult{Outcome: OutcomeSkipped, Message: "no probe URL configured"}
	}
	method := rp.Method
	if method == "" {
		method = http.MethodGet
	}
	ctx := r.ctx
	req, err := http.NewRequestWithContext(ctx, method, rp.URL, nil)
	if err != nil || req.URL.Host == "" {
		return failed(finding.Errorf(finding.InvalidConfiguration, rp.URLPath, "%s is not an absolute URL", pathLabel(rp.URLPath)))
	}
	for k, v := range rp.Header {
		req.Header[k] = v
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json, */*;q=0.5")
	}
	c := rp.Credential
	switch c.Kind {
	case "oauth2":
		if tok == nil {
			return StepResult{Outcome: OutcomeSkipped, Message: "no access token"}
		}
		tok.SetAuthHeader(req)
	case "bearer":
		req.Header.Set("Authorization", "Bearer "+c.Secret)
	case "basic":
		req.SetBasicAuth(c.Username, c.Secret)
	case "api_key":
		// Whatever its name, the key is a credential: the redirect policy
		// never takes it (header or query parameter) to another origin.
		req = req.WithContext(transport.WithSensitiveHeaders(ctx, c.Name))
		if c.Location == "query" {
			q := req.URL.Query()
			q.Set(c.Name, c.Prefix+c.Secret)
			req.URL.RawQuery = q.Encode()
		} else {
			req.Header.Set(c.Name, c.Prefix+c.Secret)
		}
	}
	where := method + " " + transport.RedactURL(rp.URL)

	resp, err := r.doShared(req)
	if err != nil {
		return failed(r.netFinding(err, rp.URLPath, "Probe call "+where))
	}
	resp.Step = name
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		res := StepResult{Outcome: OutcomeOK, Message: fmt.Sprintf("%s answered %d", where, resp.StatusCode)}
		if r.plan.GrantedScopes != nil {
			if sc, ok := r.plan.GrantedScopes(resp); ok {
				r.grant(sc)
			}
		}
		if r.plan.Check != nil {
			for _, f := range r.plan.Check(resp) {
				f = normalize(f)
				if f.Path == nil {
					f.Path = rp.URLPath
				}
				res.Findings = append(res.Findings, f)
				if f.Severity == finding.Error {
					res.Outcome, res.Message = OutcomeFailed, f.Summary
				} else if res.Outcome == OutcomeOK {
					res.Outcome = OutcomeWarning
				}
			}
		}
		if res.Outcome == OutcomeOK && c.Kind != "none" && isHTML(resp.Header) {
			res.Outcome = OutcomeWarning
			res.Findings = append(res.Findings, finding.Warnf(finding.UnexpectedResponse, rp.URLPath,
				"The probe call answered with an HTML page").
				WithDetail("%s answered %d with text/html: a login or portal page can answer 200 to any request, so this does not prove the credential works.", where, resp.StatusCode).
				WithFix("Point the probe URL at an API endpoint that answers JSON and requires the credential."))
		}
		return res
	}

	f := r.decode(resp, nil)
	switch {
	case f.Path != nil:
		// A vendor's plan decoder placed it: it knows the service's settings.
	case f.Category == finding.InvalidCredentials || f.Category == finding.ExpiredCredentials || f.Category == finding.RevokedCredentials:
		if c.Kind == "oauth2" {
			f.Path = rp.URLPath
			f.Summary = "The API rejected the access token the token endpoint issued"
			f = f.WithFix("Check that the token is meant for this API: some servers need an audience or resource parameter (oauth2.audience).")
		} else {
			f.Path = rp.CredentialPath
		}
	case f.Category == finding.InsufficientScope:
		f.Path = finding.Attr("required_scopes")
	case f.Category == finding.AccessDenied || f.Category == finding.AccountDisabled || f.Category == finding.LicenseRequired || f.Category == finding.PolicyBlocked:
		f.Path = rp.CredentialPath
		if f.Path == nil {
			f.Path = rp.URLPath
		}
	default:
		f.Path = rp.URLPath
	}
	if f.Detail == "" {
		f.Detail = fmt.Sprintf("%s answered HTTP %d.", where, resp.StatusCode)
	} else {
		f.Detail = fmt.Sprintf("%s answered HTTP %d. %s", where, resp.StatusCode, f.Detail)
	}
	if note, _, ok := r.peekRetries(); ok && f.Retryable {
		f.Detail += " The request was " + note + "."
	}
	f.Summary = "Probe call: " + lowerFirst(f.Summary)
	return failed(f)
}

func isHTML(h http.Header) bool {
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	return strings.EqualFold(mt, "text/html")
}
