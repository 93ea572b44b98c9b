package entra

// The management_api step (microsoft_365): a token for the Office 365
// Management Activity API, signed with the app's secret or certificate, and
// its subscriptions/list call.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	xoauth2 "golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// stepManagement obtains a token for the Office 365 Management Activity API
// and lists the tenant's audit subscriptions: the call that fails when the
// tenant has no licence (AF20012) or audit logging is off (AF20023).
func (c *entraCheck) stepManagement(ctx context.Context, env *probe.Env) probe.StepResult {
	tok, err := c.managementToken(ctx, env)
	if err != nil {
		var re *xoauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil {
			f := env.Decode(probe.Response{Step: "management_api", StatusCode: re.Response.StatusCode, Header: re.Response.Header, Body: re.Body})
			switch f.Category {
			case finding.InvalidCredentials, finding.ExpiredCredentials, finding.RevokedCredentials:
				f.Path = c.credentialPath()
			case finding.InsufficientScope, finding.InvalidScope, finding.ConsentRequired:
				f.Path = finding.Attr("required_scopes")
			default:
				f.Path = c.mgmtPath
			}
			f.Summary = "Management Activity API token: " + lowerFirstWord(f.Summary)
			f.Detail = fmt.Sprintf("Entra ID refused a token for %s (the Office 365 Management APIs) although it issued one for %s. %s", c.mgmtScope, c.scope, f.Detail)
			return probe.Failed(f)
		}
		var ke entraKeyError
		if errors.As(err, &ke) {
			f := finding.Errorf(finding.InvalidConfiguration, c.keyPath, "auth.private_key cannot sign the client assertion").
				WithDetail("%s.", ke.Error()).WithFix("Give the certificate's private key as an unencrypted PEM (RSA keys for Entra ID certificates).")
			return probe.Failed(f)
		}
		return entraNetFinding(err, c.authorityPath, "Management Activity API token request")
	}
	cl, _ := entraTokenClaims(tok.AccessToken)
	env.GrantScopes(append(slices.Clone(c.claims.Roles), cl.Roles...))
	if fs := c.missingPerms(c.mgmtPerms, cl.Roles, "Office 365 Management APIs", "AF10001"); len(fs) > 0 {
		return probe.StepResult{Outcome: probe.OutcomeFailed, Message: fs[0].Summary, Findings: fs}
	}
	tid := cl.Tid
	if tid == "" {
		tid = c.tenant
	}
	u := c.mgmt + "/api/v1.0/" + url.PathEscape(tid) + "/activity/feed/subscriptions/list"
	where := "GET " + transport.RedactURL(u)
	resp, err := entraGet(ctx, env, "management_api", u, tok.AccessToken)
	if err != nil {
		return entraNetFinding(err, c.mgmtPath, "Management Activity API")
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return c.subscriptions(resp, where)
	}
	f := env.Decode(resp)
	switch {
	case f.Category == finding.LicenseRequired || f.Category == finding.FeatureDisabled || f.Category == finding.TenantNotFound ||
		f.Code == "AF20010" || f.Code == "AF20013":
		f.Path = c.tenantPath
	case f.Category == finding.InsufficientScope:
		f.Path = finding.Attr("required_permissions")
		for _, p := range c.mgmtPerms {
			if strings.EqualFold(p.name, "ActivityFeed.Read") {
				f.Path = p.path
			}
		}
		f.Remediation = append(f.Remediation, "Add ActivityFeed.Read to required_permissions so plans name this permission when it is missing.")
	default:
		f.Path = c.mgmtPath
	}
	f.Detail = fmt.Sprintf("%s answered HTTP %d. %s", where, resp.StatusCode, f.Detail)
	return probe.Failed(f)
}

func (c *entraCheck) credentialPath() finding.Path {
	if c.usesSecret {
		return c.secretPath
	}
	return c.keyPath
}

// subscriptions reads a subscriptions/list answer: a subscription that is
// disabled means its content stops flowing.
func (c *entraCheck) subscriptions(resp probe.Response, where string) probe.StepResult {
	var subs []struct {
		ContentType string `json:"contentType"`
		Status      string `json:"status"`
	}
	if json.Unmarshal(resp.Body, &subs) != nil {
		return probe.StepResult{Outcome: probe.OutcomeOK, Message: fmt.Sprintf("%s answered %d", where, resp.StatusCode)}
	}
	var enabled, disabled []string
	for _, s := range subs {
		if strings.EqualFold(s.Status, "enabled") {
			enabled = append(enabled, s.ContentType)
		} else {
			disabled = append(disabled, s.ContentType)
		}
	}
	res := probe.StepResult{Outcome: probe.OutcomeOK}
	switch {
	case len(subs) == 0:
		res.Message = where + " answered 200: no audit content subscription has been started yet"
	default:
		res.Message = fmt.Sprintf("%s answered 200: %d audit subscription(s) enabled", where, len(enabled))
	}
	if len(disabled) > 0 {
		res.Outcome = probe.OutcomeWarning
		res.Findings = []finding.Finding{finding.Warnf(finding.FeatureDisabled, c.tenantPath,
			"Audit subscriptions are disabled for %s (AF20023)", strings.Join(disabled, ", ")).
			WithCode("AF20023").
			WithDetail("The Management Activity API lists these content types as not enabled; no audit content is collected for them, usually because audit logging was turned off or the subscription was stopped.").
			WithFix("Check that audit logging is on in the Microsoft Purview portal (Audit), then start the subscriptions again (…/activity/feed/subscriptions/start?contentType=…).")}
	}
	return res
}

// managementToken requests a token for the Management Activity API with
// the connector's credential.
func (c *entraCheck) managementToken(ctx context.Context, env *probe.Env) (*xoauth2.Token, error) {
	cfg := clientcredentials.Config{ClientID: c.clientID, TokenURL: c.tokenURL, Scopes: []string{c.mgmtScope},
		AuthStyle: xoauth2.AuthStyleInParams, EndpointParams: url.Values{}}
	if c.usesSecret {
		cfg.ClientSecret = c.spec.Auth.ClientSecret.Value
	} else {
		a, err := entraAssertion(c.clientID, c.tokenURL, c.spec.Auth.PrivateKey.Value, env.Now())
		if err != nil {
			return nil, err
		}
		cfg.EndpointParams.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
		cfg.EndpointParams.Set("client_assertion", a)
	}
	return cfg.Token(context.WithValue(ctx, xoauth2.HTTPClient, env.HTTP))
}

// entraKeyError is a private key that cannot sign; it never carries key material.
type entraKeyError struct{ msg string }

func (e entraKeyError) Error() string { return e.msg }

// entraAssertion signs a client assertion as Entra ID's certificate
// credentials expect (the probe's, with the certificate thumbprints).
func entraAssertion(clientID, audience, pemText string, now time.Time) (string, error) {
	if _, err := connector.ParsePrivateKeyPEM(pemText); err != nil {
		return "", entraKeyError{"the private key cannot be read: " + err.Error()}
	}
	a, err := probe.ClientAssertion(clientID, audience, pemText, now)
	if err != nil {
		return "", entraKeyError{err.Error()}
	}
	return a, nil
}

// lowerFirstWord lower-cases the first letter of a summary unless it starts
// with an acronym or a product name.
func lowerFirstWord(s string) string {
	if s == "" || len(s) > 1 && (s[1] >= 'A' && s[1] <= 'Z') || strings.HasPrefix(s, "Microsoft") || strings.HasPrefix(s, "Entra") {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
