package entra

// The graph and app_registration steps: one Microsoft Graph call with the
// token, then the app's own registration (credential expiry, redirect URIs).

import (
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// entraGet makes an authenticated GET with the probe's shared client.
func entraGet(ctx context.Context, env *probe.Env, step, u, token string) (probe.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return probe.Response{}, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := env.HTTP.Do(req)
	if err != nil {
		return probe.Response{}, err
	}
	defer resp.Body.Close() // ReadBody closes it too; this is for the reader of this function
	body, _, err := transport.ReadBody(resp, 64<<10)
	if err != nil && ctx.Err() != nil {
		return probe.Response{}, err
	}
	return probe.Response{Step: step, StatusCode: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// netFinding classifies a transport error on a call to an API at path.
func entraNetFinding(err error, path finding.Path, what string) probe.StepResult {
	f := transport.Classify(err)
	f.Path = path
	f.Summary = what + ": " + f.Summary
	return probe.Failed(f)
}

// entraApp is the part of a Graph application object the checks (and the
// inventory lister, list_parse.go) read.
type entraApp struct {
	ID                  string `json:"id"`
	AppID               string `json:"appId"`
	DisplayName         string `json:"displayName"`
	PasswordCredentials []struct {
		DisplayName string    `json:"displayName"`
		Hint        string    `json:"hint"`
		KeyID       string    `json:"keyId"`
		End         graphTime `json:"endDateTime"`
	} `json:"passwordCredentials"`
	KeyCredentials []struct {
		CustomKeyIdentifier string    `json:"customKeyIdentifier"`
		DisplayName         string    `json:"displayName"`
		KeyID               string    `json:"keyId"`
		Type                string    `json:"type"`
		Usage               string    `json:"usage"`
		End                 graphTime `json:"endDateTime"`
	} `json:"keyCredentials"`
	Web          struct{ RedirectURIs []string } `json:"web"`
	SPA          struct{ RedirectURIs []string } `json:"spa"`
	PublicClient struct{ RedirectURIs []string } `json:"publicClient"`
}

// graphTime is a Graph DateTimeOffset ("2021-09-09T19:50:29.3086381Z").
// One that is absent or unreadable reads as the zero time ("unknown")
// instead of failing the whole answer.
type graphTime struct{ time.Time }

func (t *graphTime) UnmarshalJSON(b []byte) error {
	var v string
	t.Time = time.Time{}
	if json.Unmarshal(b, &v) == nil {
		if at, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(v)); err == nil {
			t.Time = at.UTC()
		}
	}
	return nil
}

// stepGraph calls Microsoft Graph with the token. With a permission to read
// applications it reads the app's own registration (which the next step
// uses); otherwise it reads the organization, where a 403 still proves that
// Graph accepted the token.
func (c *entraCheck) stepGraph(ctx context.Context, env *probe.Env) probe.StepResult {
	switch {
	case env.Token == nil:
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no access token"}
	case !c.graphToken:
		c.appSkipped = "the token is for " + strings.TrimSuffix(c.scope, "/.default") + ", not Microsoft Graph"
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: c.appSkipped}
	}
	roles := c.claims.Roles
	appRead := entraHasRole(roles, entraAppReadRoles...)
	expectAllowed := appRead || entraHasRole(roles, entraOrgReadRoles...)
	u := c.graph + "/v1.0/organization?$select=id,displayName"
	if appRead {
		u = c.graph + "/v1.0/applications?$filter=" + url.QueryEscape("appId eq '"+c.clientID+"'") +
			"&$select=id,appId,displayName,passwordCredentials,keyCredentials,web,spa,publicClient"
	}
	where := "GET " + transport.RedactURL(u)
	resp, err := entraGet(ctx, env, "graph", u, env.Token.AccessToken)
	if err != nil {
		return entraNetFinding(err, c.graphPath, "Microsoft Graph")
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if appRead {
			var list struct {
				Value []entraApp `json:"value"`
			}
			if json.Unmarshal(resp.Body, &list) == nil && len(list.Value) > 0 {
				c.app = &list.Value[0]
			} else {
				c.appSkipped = "the app registration is not in this tenant (a multi-tenant app registered in another one)"
			}
		}
		return probe.StepResult{Outcome: probe.OutcomeOK, Message: fmt.Sprintf("%s answered %d", where, resp.StatusCode)}
	}
	f := env.Decode(resp)
	if !expectAllowed && resp.StatusCode == http.StatusForbidden && f.Code == "Authorization_RequestDenied" {
		c.appSkipped = "the app may not read its own registration (Application.Read.All lets Handshake discover when its client secret expires and compare redirect URIs)"
		return probe.StepResult{Outcome: probe.OutcomeOK,
			Message: where + " answered 403: Microsoft Graph accepted the token; the app may not read the organization, which this check does not require"}
	}
	switch f.Category {
	case finding.InsufficientScope:
		f.Path = finding.Attr("required_scopes")
	case finding.AppNotFound, finding.AccountDisabled:
		f.Path = c.clientIDPath
	default:
		f.Path = c.graphPath
	}
	f.Detail = fmt.Sprintf("%s answered HTTP %d with the token Entra ID had just issued. %s", where, resp.StatusCode, f.Detail)
	return probe.Failed(f)
}

// stepAppRegistration reads, from the app's own registration, when the
// configured credential expires and which redirect URIs are registered.
func (c *entraCheck) stepAppRegistration(_ context.Context, env *probe.Env) probe.StepResult {
	if c.app == nil {
		why := c.appSkipped
		if why == "" {
			why = "the app registration was not read"
		}
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: why}
	}
	var notes []string
	if c.usesSecret {
		notes = append(notes, c.secretExpiry(env))
	} else {
		notes = append(notes, c.certificateExpiry(env))
	}
	fs := c.redirectFindings()
	if len(fs) > 0 {
		return probe.StepResult{Outcome: probe.OutcomeFailed, Message: fs[0].Summary, Findings: fs}
	}
	if n := len(c.spec.RedirectURIs); n > 0 {
		notes = append(notes, fmt.Sprintf("%d redirect URI(s) registered", n))
	}
	return probe.StepResult{Outcome: probe.OutcomeOK, Message: strings.Join(notes, "; ")}
}

// secretExpiry finds the configured secret among the app's
// passwordCredentials by its hint (the secret's first three characters)
// and records its end date.
func (c *entraCheck) secretExpiry(env *probe.Env) string {
	secret := c.spec.Auth.ClientSecret.Value
	now := env.Now()
	type cred struct {
		name, keyID string
		end         time.Time
	}
	var matches []cred
	for _, pc := range c.app.PasswordCredentials {
		if pc.Hint != "" && strings.HasPrefix(secret, pc.Hint) && !pc.End.IsZero() {
			matches = append(matches, cred{pc.DisplayName, pc.KeyID, pc.End.Time})
		}
	}
	if len(matches) == 0 {
		return "no client secret of the app matches the configured one by its first characters; its expiry is unknown"
	}
	// Several secrets can share a hint; the token was issued, so the
	// configured one has not expired: take the earliest that has not.
	sort.Slice(matches, func(i, j int) bool { return matches[i].end.Before(matches[j].end) })
	pick := matches[0]
	for _, m := range matches {
		if m.end.After(now) {
			pick = m
			break
		}
	}
	what := fmt.Sprintf("client secret %q (Secret ID %s)", pick.name, pick.keyID)
	if len(matches) > 1 {
		what = fmt.Sprintf("client secret %q (the earliest valid of %d secrets that start alike)", pick.name, len(matches))
	}
	env.CredentialExpires(pick.end, c.secretPath, what)
	return fmt.Sprintf("client secret %q expires %s", pick.name, pick.end.UTC().Format(time.RFC3339))
}

// certificateExpiry finds the certificate credential that signs the
// assertion (by thumbprint when the certificate is bundled with the key,
// or the app's only certificate) and records its end date.
func (c *entraCheck) certificateExpiry(env *probe.Env) string {
	thumbs := entraThumbprints(c.spec.Auth.PrivateKey.Value)
	var candidates []int
	for i, kc := range c.app.KeyCredentials {
		if !strings.EqualFold(kc.Usage, "Verify") || kc.End.IsZero() {
			continue
		}
		if len(thumbs) > 0 && slices.Contains(thumbs, strings.ToUpper(kc.CustomKeyIdentifier)) {
			candidates = []int{i}
			break
		}
		candidates = append(candidates, i)
	}
	if len(candidates) != 1 {
		return "the certificate in use could not be told apart from the app's other certificates; its expiry is unknown"
	}
	kc := c.app.KeyCredentials[candidates[0]]
	env.CredentialExpires(kc.End.Time, c.keyPath, fmt.Sprintf("certificate %q (key ID %s)", kc.DisplayName, kc.KeyID))
	return fmt.Sprintf("certificate %q expires %s", kc.DisplayName, kc.End.UTC().Format(time.RFC3339))
}

// entraThumbprints returns the forms Graph's customKeyIdentifier takes for
// the certificates bundled in a PEM (base64 and hex of the SHA-1
// thumbprint), upper-cased.
func entraThumbprints(pemText string) []string {
	var out []string
	for rest := []byte(pemText); ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return out
		}
		if b.Type == "CERTIFICATE" {
			sum := sha1.Sum(b.Bytes)
			out = append(out, strings.ToUpper(base64.StdEncoding.EncodeToString(sum[:])), strings.ToUpper(hex.EncodeToString(sum[:])))
		}
	}
}

// redirectFindings compares redirect_uris with the URIs registered on the
// app (Web, SPA and mobile/desktop platforms).
func (c *entraCheck) redirectFindings() []finding.Finding {
	if len(c.spec.RedirectURIs) == 0 || c.spec.IsUnknown("redirect_uris") {
		return nil
	}
	var registered []string
	registered = append(registered, c.app.Web.RedirectURIs...)
	registered = append(registered, c.app.SPA.RedirectURIs...)
	registered = append(registered, c.app.PublicClient.RedirectURIs...)
	name := c.app.DisplayName
	if name == "" {
		name = c.clientID
	}
	if len(registered) == 0 {
		return []finding.Finding{finding.Errorf(finding.RedirectURIMissing, finding.Attr("redirect_uris"),
			"App registration %s has no redirect URI registered (AADSTS500113)", name).
			WithCode("AADSTS500113").
			WithDetail("redirect_uris lists %d URI(s), but the app registration (app %s) has none under any platform, so every sign-in through it fails with AADSTS500113 (no reply address is registered for the application).", len(c.spec.RedirectURIs), c.clientID).
			WithFix("In the Microsoft Entra admin center open App registrations > <app> > Authentication, select Add a platform (Web for a server-side connector) and add each URI of redirect_uris exactly as written.")}
	}
	var out []finding.Finding
	for i, uri := range c.spec.RedirectURIs {
		if slices.Contains(registered, uri) {
			continue
		}
		detail := fmt.Sprintf("App registration %s (app %s) lists these redirect URIs: %s. Entra ID compares them exactly, so a sign-in that sends %s fails with AADSTS50011 (the redirect URI does not match the redirect URIs configured for the application).",
			name, c.clientID, strings.Join(registered, ", "), uri)
		if near := entraNearMiss(uri, registered); near != "" {
			detail += " " + near
		}
		out = append(out, finding.Errorf(finding.RedirectURIMismatch, finding.Attr("redirect_uris").Index(i),
			"Redirect URI %s is not registered for the app (AADSTS50011)", uri).
			WithCode("AADSTS50011").
			WithDetail("%s", detail).
			WithFix(fmt.Sprintf("In the Microsoft Entra admin center open App registrations > <app> > Authentication and add %s under the platform the connector uses (usually Web), or correct redirect_uris[%d].", uri, i)))
	}
	return out
}

// entraNearMiss explains a redirect URI that differs from a registered one
// only in ways people overlook.
func entraNearMiss(uri string, registered []string) string {
	for _, reg := range registered {
		switch {
		case strings.EqualFold(uri, reg):
			return fmt.Sprintf("It differs from the registered %s only in letter case, which counts.", reg)
		case strings.TrimRight(uri, "/") == strings.TrimRight(reg, "/"):
			return fmt.Sprintf("It differs from the registered %s only by a trailing slash, which counts.", reg)
		case strings.TrimPrefix(uri, "http://") == strings.TrimPrefix(reg, "https://") || strings.TrimPrefix(uri, "https://") == strings.TrimPrefix(reg, "http://"):
			return fmt.Sprintf("It differs from the registered %s only in its scheme.", reg)
		}
	}
	return ""
}
