package google

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	xoauth2 "golang.org/x/oauth2"
	"golang.org/x/oauth2/jwt"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// Live checks of Google Workspace connectors: a service account with
// domain-wide delegation.
//
//  1. token: the JWT bearer grant (RFC 7523) with golang.org/x/oauth2/jwt,
//     signed RS256 with the key file's private key (kid = private_key_id),
//     iss = client_email, sub = google_workspace.impersonate, aud = the
//     token URL (token_url, else the key's token_uri, else
//     https://oauth2.googleapis.com/token), scope = required_scopes (the
//     Directory read-only scope when none are given).
//  2. directory: GET {base_url}/admin/directory/v1/users?customer=
//     my_customer&maxResults=1 as the impersonated administrator, when a
//     Directory users scope was requested.
//  3. reports: GET {base_url}/admin/reports/v1/activity/users/all/
//     applications/login?maxResults=1, when the Reports audit scope was
//     requested; a non-admin subject gets 401 "not authorized to read
//     activity records", which is access_denied, not a bad key.
//  4. key_expiry: the key's expiry. The JSON key file has no expiry field:
//     a key created with one (validBeforeTime, for example under the
//     iam.serviceAccountKeyExpiryHours organisation policy) carries it only
//     in its metadata, which the IAM API shows to callers with
//     iam.serviceAccountKeys.get, a permission the connector's service
//     account normally lacks. What the file does carry is
//     client_x509_cert_url, the service account's public certificates,
//     served without authentication and keyed by key id; a certificate's
//     NotAfter is the key's end of validity (31 Dec 9999 for keys that do
//     not expire). The check reads it there, and says nothing when it
//     cannot.
//
// These run as custom steps rather than the probe's built-in token and api
// steps because the built-in jwt_bearer grant sends sub = client id, while
// delegation needs sub = the impersonated user; the built-in api step is
// therefore reported as skipped.

const (
	googleDefaultTokenURL = "https://oauth2.googleapis.com/token"
	googleDefaultBaseURL  = "https://admin.googleapis.com"
	googleDirectoryUserRO = googleScopePrefix + "admin.directory.user.readonly"
	googleDirectoryUser   = googleScopePrefix + "admin.directory.user"
	googleReportsAuditRO  = googleScopePrefix + "admin.reports.audit.readonly"
	// maxGoogleBody caps what the custom steps read of an answer.
	maxGoogleBody = 64 << 10
)

// Names of the Google checks' own steps.
const (
	googleStepDirectory = "directory"
	googleStepReports   = "reports"
	googleStepKeyExpiry = "key_expiry"
)

// googleCheck is one check's state, shared by its steps.
type googleCheck struct {
	spec                        *connector.Spec
	key                         *connector.ServiceAccountKey
	certURL                     string
	tokenURL, baseURL, customer string
	subject                     string
	scopes                      []string

	keyPath, tokenPath, basePath, subjectPath finding.Path

	token *xoauth2.Token
	certs map[string]*x509.Certificate // fetched once, by key id
}

// plan builds the live check of a Google Workspace connector.
func plan(s *connector.Spec) (*probe.Plan, []finding.Finding) {
	sec := s.Auth.ServiceAccountKey
	keyPath := kit.SecretPath(sec, "service_account_key")
	k, err := connector.ParseServiceAccountKey(sec.Value)
	if err != nil {
		// err never contains key material (ParseServiceAccountKey's contract).
		return nil, []finding.Finding{finding.Errorf(finding.InvalidCredentials, keyPath,
			"The service account key cannot be read").WithDetail("%v.", err)}
	}
	var extra struct {
		CertURL string `json:"client_x509_cert_url"`
	}
	_ = json.Unmarshal([]byte(sec.Value), &extra)

	g := &googleCheck{
		spec: s, key: k, certURL: strings.TrimSpace(extra.CertURL),
		tokenURL: firstNonEmpty(s.Setting("token_url"), k.TokenURI, googleDefaultTokenURL),
		baseURL:  strings.TrimRight(firstNonEmpty(s.Setting("base_url"), googleDefaultBaseURL), "/"),
		customer: firstNonEmpty(s.Setting("customer_id"), "my_customer"),
		subject:  strings.TrimSpace(s.Setting("impersonate")),
		scopes:   s.RequiredScopes,
		keyPath:  keyPath, tokenPath: s.SettingPath("token_url"),
		basePath: s.SettingPath("base_url"), subjectPath: s.SettingPath("impersonate"),
	}
	if len(g.scopes) == 0 {
		g.scopes = []string{googleDirectoryUserRO}
	}
	return &probe.Plan{
		Target: g.tokenURL, TargetPath: g.tokenPath,
		Decode: decode, // the steps attach its findings with pathFor
		Steps: []probe.CustomStep{
			{Name: probe.StepToken, Run: g.tokenStep},
			{Name: googleStepDirectory, Run: g.directoryStep},
			{Name: googleStepReports, Run: g.reportsStep},
			{Name: googleStepKeyExpiry, Run: g.keyExpiryStep},
		},
	}, nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// pathFor picks the attribute a Google failure points at.
func (g *googleCheck) pathFor(f finding.Finding, step string) finding.Path {
	detail := strings.ToLower(f.Detail)
	stepPath := g.basePath
	if step == probe.StepToken {
		stepPath = g.tokenPath
	}
	switch f.Category {
	case finding.DelegationNotConfigured:
		if f.Code == "access_denied" {
			return finding.Attr("required_scopes")
		}
		return g.keyPath // the entry to fix is the one for this key's client ID
	case finding.InvalidScope, finding.InsufficientScope:
		return finding.Attr("required_scopes")
	case finding.InvalidCredentials, finding.ExpiredCredentials, finding.RevokedCredentials, finding.AppNotFound:
		if step == probe.StepToken {
			return g.keyPath
		}
		return stepPath
	case finding.AccountDisabled, finding.PolicyBlocked:
		return g.keyPath
	case finding.AccessDenied:
		return g.subjectPath
	case finding.TenantNotFound:
		if g.spec.Setting("customer_id") != "" {
			return g.spec.SettingPath("customer_id")
		}
		return g.subjectPath
	case finding.FeatureDisabled:
		return g.keyPath // the API is enabled per Cloud project: the key's
	case finding.InvalidConfiguration:
		switch {
		case strings.Contains(detail, "invalid email or user id") || strings.Contains(detail, "not a valid email"):
			return g.subjectPath
		case strings.Contains(detail, "local clock"):
			return nil // the machine's clock: no attribute to change
		case step == googleStepDirectory && g.spec.Setting("customer_id") != "":
			return g.spec.SettingPath("customer_id")
		}
	}
	return stepPath
}

// tokenStep runs the JWT bearer grant as the impersonated user.
func (g *googleCheck) tokenStep(ctx context.Context, env *probe.Env) probe.StepResult {
	cfg := &jwt.Config{
		Email: g.key.ClientEmail, PrivateKey: []byte(g.key.PrivateKey), PrivateKeyID: g.key.PrivateKeyID,
		Subject: g.subject, Scopes: g.scopes, TokenURL: g.tokenURL,
	}
	tok, err := cfg.TokenSource(context.WithValue(ctx, xoauth2.HTTPClient, env.HTTP)).Token()
	if err != nil {
		f := g.tokenFailure(ctx, env, err)
		return probe.Failed(f)
	}
	g.token = tok
	env.UseToken(tok) // for handshake_access_token, and scrubbed from the result
	// Google grants all the requested scopes or refuses the token; a
	// response without "scope" grants what was asked (RFC 6749 §5.1).
	granted := g.scopes
	if sc, ok := tok.Extra("scope").(string); ok && strings.TrimSpace(sc) != "" {
		granted = strings.Fields(sc)
	}
	env.GrantScopes(granted)
	as := "the service account itself (no impersonate)"
	if g.subject != "" {
		as = g.subject
	}
	return probe.StepResult{Outcome: probe.OutcomeOK,
		Message: "jwt_bearer grant for " + as + " returned an access token"}
}

func (g *googleCheck) tokenFailure(ctx context.Context, env *probe.Env, err error) finding.Finding {
	var re *xoauth2.RetrieveError
	switch {
	case errors.As(err, &re) && re.Response != nil:
		body := re.Body
		if len(body) > maxGoogleBody {
			body = body[:maxGoogleBody]
		}
		f := env.Decode(probe.Response{Step: probe.StepToken, StatusCode: re.Response.StatusCode, Header: re.Response.Header, Body: body})
		f.Path = g.pathFor(f, probe.StepToken)
		if f.Category == finding.DelegationNotConfigured && g.key.ClientID != "" {
			// Neither is secret: both are shown in the Cloud console and
			// are what the Admin console entry must name.
			f.Detail += fmt.Sprintf(" The key belongs to %s, whose numeric client ID is %s.", g.key.ClientEmail, g.key.ClientID)
		}
		if f.Code == "invalid_grant" && f.Category == finding.RevokedCredentials {
			f = g.refineSignatureFailure(ctx, env, f)
		}
		return f
	case strings.Contains(err.Error(), "private key"):
		// x/oauth2/jwt could not parse the key; its message names the
		// format, never the key.
		return finding.Errorf(finding.InvalidCredentials, g.keyPath,
			"The service account key's private_key cannot sign the assertion").
			WithCode("GOOGLE-SA-KEY").
			WithDetail("The private_key member of the key file is not an RSA key in PEM (PKCS#8 or PKCS#1) form.").
			WithFix("Download a new JSON key for the service account and pass the whole file, e.g. auth.service_account_key_wo = file(\"key.json\").")
	case strings.Contains(err.Error(), "cannot parse") || strings.Contains(err.Error(), "missing access_token"):
		return finding.Errorf(finding.UnexpectedResponse, g.tokenPath, "The token endpoint's answer is not a token response").
			WithDetail("%s did not answer with an access token.", transport.RedactURL(g.tokenURL)).
			WithFix("Check google_workspace.token_url (or the key file's token_uri): it must be Google's token endpoint, https://oauth2.googleapis.com/token.")
	}
	f := transport.Classify(err)
	f.Path = g.tokenPath
	f.Summary = "Token request to " + transport.RedactURL(g.tokenURL) + ": " + kit.LowerFirstRune(f.Summary)
	return f
}

// refineSignatureFailure tells the causes of "Invalid JWT Signature." apart
// with the service account's published certificates: a key id missing from
// them was deleted (or disabled), one past its end date expired, and one
// that is still valid means the file's private key is not that key's.
func (g *googleCheck) refineSignatureFailure(ctx context.Context, env *probe.Env, f finding.Finding) finding.Finding {
	certs, err := g.certificates(ctx, env)
	if err != nil {
		return f
	}
	cert, ok := certs[g.key.PrivateKeyID]
	now := env.Now()
	switch {
	case !ok:
		f.Summary = "The service account key was deleted or disabled (invalid_grant)"
		f.Detail += " The key id in private_key_id is no longer among the service account's public certificates, so the key was deleted or disabled in Google Cloud."
	case cert.NotAfter.Before(now):
		f.Category = finding.ExpiredCredentials
		f.Summary = fmt.Sprintf("The service account key expired on %s (invalid_grant)", cert.NotAfter.UTC().Format(time.RFC3339))
		f.Detail += " The key's certificate shows it was valid until " + cert.NotAfter.UTC().Format(time.RFC3339) + "; keys created under an expiry policy stop working at that time."
		f.Remediation = []string{
			"Create a new JSON key for the service account (IAM & Admin > Service accounts > <account> > Keys) and update the credential; plan the next rotation before the policy's expiry.",
		}
	default:
		f.Category = finding.InvalidCredentials
		f.Summary = "The key file's private key does not belong to its private_key_id (invalid_grant)"
		f.Detail += " The key id is still valid, so the private key in the file is not the one Google registered under it: the file was edited or assembled from two keys."
		f.Remediation = []string{"Download the service account's JSON key again and pass the file unchanged."}
	}
	return f
}

// certificates fetches the service account's public certificates from the
// key file's client_x509_cert_url (once per check).
func (g *googleCheck) certificates(ctx context.Context, env *probe.Env) (map[string]*x509.Certificate, error) {
	if g.certs != nil {
		return g.certs, nil
	}
	u, err := url.Parse(g.certURL)
	if g.certURL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("the key file has no usable client_x509_cert_url")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.certURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := env.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the certificate URL answered HTTP %d", resp.StatusCode)
	}
	var doc map[string]string
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxGoogleBody)).Decode(&doc); err != nil {
		return nil, errors.New("the certificate URL did not answer a JSON object of certificates")
	}
	certs := map[string]*x509.Certificate{}
	for kid, p := range doc {
		if block, _ := pem.Decode([]byte(p)); block != nil {
			if c, err := x509.ParseCertificate(block.Bytes); err == nil {
				certs[kid] = c
			}
		}
	}
	g.certs = certs
	return certs, nil
}

// directoryStep lists one user through the Admin SDK Directory API.
func (g *googleCheck) directoryStep(ctx context.Context, env *probe.Env) probe.StepResult {
	if g.token == nil {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no access token"}
	}
	if !googleHasDirectoryScope(g.scopes) {
		return probe.StepResult{Outcome: probe.OutcomeSkipped,
			Message: "required_scopes include no Directory users scope; the token grant was the test"}
	}
	q := url.Values{"customer": {g.customer}, "maxResults": {"1"}}
	return g.adminCall(ctx, env, googleStepDirectory, "Directory API", "/admin/directory/v1/users?"+q.Encode())
}

// reportsStep lists one audit event through the Admin SDK Reports API, the
// call that fails (401, authError) when the impersonated user is not an
// administrator allowed to read activity records.
func (g *googleCheck) reportsStep(ctx context.Context, env *probe.Env) probe.StepResult {
	if g.token == nil {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no access token"}
	}
	if !slices.Contains(g.scopes, googleReportsAuditRO) {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "required_scopes do not include the Reports audit scope"}
	}
	q := url.Values{"maxResults": {"1"}}
	if c := g.spec.Setting("customer_id"); c != "" {
		q.Set("customerId", c)
	}
	return g.adminCall(ctx, env, googleStepReports, "Reports API", "/admin/reports/v1/activity/users/all/applications/login?"+q.Encode())
}

// adminCall makes one Admin SDK call as the impersonated user and turns a
// refusal into a finding that names that user.
func (g *googleCheck) adminCall(ctx context.Context, env *probe.Env, step, api, pathAndQuery string) probe.StepResult {
	u := g.baseURL + pathAndQuery
	where := "GET " + transport.RedactURL(u)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return probe.Failed(finding.Errorf(finding.InvalidConfiguration, g.basePath, "google_workspace.base_url is not an absolute URL"))
	}
	req.Header.Set("Accept", "application/json")
	g.token.SetAuthHeader(req)
	resp, err := env.HTTP.Do(req)
	if err != nil {
		f := transport.Classify(err)
		f.Path = g.basePath
		f.Summary = api + " call " + where + ": " + kit.LowerFirstRune(f.Summary)
		return probe.Failed(f)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxGoogleBody))
	_ = resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return probe.StepResult{Outcome: probe.OutcomeOK, Message: fmt.Sprintf("%s answered %d", where, resp.StatusCode)}
	}
	f := env.Decode(probe.Response{Step: step, StatusCode: resp.StatusCode, Header: resp.Header, Body: body})
	f.Path = g.pathFor(f, step)
	if f.Category == finding.AccessDenied {
		who, as := g.subject, fmt.Sprintf(" The service account %s acted as %s.", g.key.ClientEmail, g.subject)
		if who == "" {
			who, as = "The service account itself (impersonate is not set)", fmt.Sprintf(" The service account %s impersonated no user.", g.key.ClientEmail)
		}
		f.Summary = strings.Replace(f.Summary, "The impersonated user", who, 1)
		f.Detail += as
	}
	f.Summary = api + ": " + kit.LowerFirstRune(f.Summary)
	f.Detail = fmt.Sprintf("%s answered HTTP %d. %s", where, resp.StatusCode, f.Detail)
	return probe.Failed(f)
}

// keyExpiryStep reads when the key stops working from its certificate.
func (g *googleCheck) keyExpiryStep(ctx context.Context, env *probe.Env) probe.StepResult {
	certs, err := g.certificates(ctx, env)
	if err != nil {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "key expiry unknown: " + kit.Tidy(err.Error(), 200)}
	}
	cert, ok := certs[g.key.PrivateKeyID]
	if !ok {
		return probe.StepResult{Outcome: probe.OutcomeSkipped,
			Message: "key expiry unknown: the key id is not among the service account's published certificates"}
	}
	if cert.NotAfter.Year() >= 9999 {
		return probe.StepResult{Outcome: probe.OutcomeOK, Message: "the service account key does not expire"}
	}
	env.CredentialExpires(cert.NotAfter, g.keyPath, "service account key "+shortKeyID(g.key.PrivateKeyID))
	return probe.StepResult{Outcome: probe.OutcomeOK,
		Message: "the service account key is valid until " + cert.NotAfter.UTC().Format(time.RFC3339)}
}

func googleHasDirectoryScope(scopes []string) bool {
	for _, s := range scopes {
		if s == googleDirectoryUserRO || s == googleDirectoryUser {
			return true
		}
	}
	return false
}

// shortKeyID keeps the start of a key id for messages (key ids are not
// secret; they are shown in the Cloud console).
func shortKeyID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
