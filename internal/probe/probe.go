// Package probe checks a connector live: ordered steps (DNS, TCP, TLS, discovery, token,
// API call, refresh, redirect URIs, expiry), each reported with its outcome and Findings.
package probe

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/oauth2"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/redact"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// Connector statuses. They are stable: users compare against them, and the
// findings guide (templates/guides/findings.md.tmpl) documents each.
const (
	StatusHealthy     = "healthy"
	StatusDegraded    = "degraded"
	StatusUnhealthy   = "unhealthy"
	StatusUnreachable = "unreachable"
	StatusUnknown     = "unknown"
)

// Step outcomes.
const (
	OutcomeOK      = "ok"
	OutcomeFailed  = "failed"
	OutcomeSkipped = "skipped"
	OutcomeWarning = "warning"
)

// Step names, in the order they run.
const (
	StepDNS             = "dns"
	StepTCP             = "tcp"
	StepTLS             = "tls"
	StepDiscovery       = "discovery"
	StepToken           = "token"
	StepTokenResponse   = "token_response"
	StepAPI             = "api"
	StepRefresh         = "refresh"
	StepAPIAfterRefresh = "api_after_refresh"
	StepRedirectURIs    = "redirect_uris"
	StepExpiry          = "expiry"
)

// Options configure a check.
type Options struct {
	// Client is the shared transport (token cache, per-host limits); the
	// provider creates one per provider instance. When nil, Run builds one
	// from Timeout, CABundle and UserAgent for this check alone (and those
	// three fields are ignored when Client is set: the client's own apply).
	Client *transport.Client
	// Timeout bounds each request including its retries (and each of the
	// dns/tcp/tls steps); default 15s.
	Timeout time.Duration
	// CABundle is PEM trusted in addition to the system roots.
	CABundle string
	// UserAgent for the requests (default "terraform-provider-handshake").
	UserAgent string
	// ExpiryWarning: a credential expiring within this window is reported
	// as expiring_credentials (a warning; status degraded). 0 disables it.
	ExpiryWarning time.Duration
	// Now is the clock (tests inject one); default time.Now.
	Now func() time.Time
	// Planner builds the check of the connector's service (the catalog's
	// Service.Plan); nil: the service has no live check (status unknown).
	Planner Planner
	// OnStep, when set, is told about each step as it ends, with how long
	// it took (0 for a skipped step), for progress reports. Its message is
	// scrubbed of secrets like the Result's.
	OnStep func(s Step, took time.Duration)
}

// Step is one step of a check.
type Step struct {
	Name     string
	Outcome  string // ok, failed, skipped, warning
	Category finding.Category
	Message  string
}

// Result is the outcome of a check. Its texts are stable between two checks
// of an unchanged connector (no timings, no token values, no addresses), so
// it can be kept in Terraform state without causing drift.
type Result struct {
	Status   string // healthy, degraded, unhealthy, unreachable, unknown
	Summary  string
	Steps    []Step
	Findings []finding.Finding
	// GrantedScopes are the scopes the token was granted, sorted (the
	// requested ones when the server did not echo a scope).
	GrantedScopes []string
	// ExpiresAt is the earliest known expiry of the connector's credential
	// (not of the short-lived access token); nil when unknown.
	ExpiresAt *time.Time
}

// Run checks the connector live. A step that needs an earlier step's result
// is skipped, naming it, when that step failed; independent checks (redirect
// URIs, expiry) always run, so one check shows every independent problem.
// It never panics on bad input, honours ctx (a cancelled context ends it
// promptly with status unknown) and never puts a secret in the Result; the
// provider turns the Result into diagnostics and computed attributes.
func Run(ctx context.Context, opts Options, s *connector.Spec) Result {
	res, _ := check(ctx, opts, s)
	return res
}

// AccessToken runs the same check and returns the access token it obtained
// (refreshed when the check refreshed it), for the handshake_access_token
// ephemeral resource. The token is nil when the check failed or the service
// has no token flow; the Result never contains it.
func AccessToken(ctx context.Context, opts Options, s *connector.Spec) (*oauth2.Token, Result) {
	res, r := check(ctx, opts, s)
	if r == nil || finding.HasErrors(res.Findings) || res.Status == StatusUnknown {
		return nil, res
	}
	if r.refreshed != nil {
		return r.refreshed, res
	}
	return r.token, res
}

// Open runs the same check for an admin credential and, when it passed,
// returns what further admin calls need (the shared client, the token, the
// service's decoder), for the list resource's inventory. Session is nil
// when the check failed; the Result says why, like a connector's.
func Open(ctx context.Context, opts Options, s *connector.Spec) (*inventory.Session, Result) {
	res, r := check(ctx, opts, s)
	if r == nil || r.env == nil || finding.HasErrors(res.Findings) || res.Status == StatusUnknown {
		return nil, res
	}
	return &inventory.Session{Spec: s, HTTP: r.env.HTTP, Token: r.token, Now: r.opts.Now, Decode: r.env.Decode}, res
}

func check(ctx context.Context, opts Options, s *connector.Spec) (res Result, r *runner) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "terraform-provider-handshake"
	}
	if s == nil {
		return Result{Status: StatusUnknown, Summary: "Nothing to check"}, nil
	}
	r = &runner{opts: opts, spec: s, secrets: s.Secrets()}
	defer func() {
		if p := recover(); p != nil {
			r.findings = append(r.findings, finding.Errorf(finding.UnexpectedResponse, nil,
				"The live check failed with an internal error").WithDetail("%v", p))
			res = r.finish()
			res.Status, res.Summary = StatusUnknown, "Not tested: internal error in the live check"
		}
	}()
	ctx = tflog.SetField(ctx, "connector", s.Name)
	ctx = tflog.SetField(ctx, "service", s.Service)
	ctx = tflog.MaskMessageStrings(ctx, r.secrets...)
	ctx = tflog.MaskAllFieldValuesStrings(ctx, r.secrets...)

	if unknown := unknownInputs(s); len(unknown) > 0 {
		return Result{Status: StatusUnknown,
			Summary: "Not tested: " + strings.Join(unknown, ", ") + " will be known only after apply"}, r
	}
	pl := opts.Planner
	if pl == nil {
		return Result{Status: StatusUnknown, Summary: fmt.Sprintf("Live checks are not available for the %q service yet", s.Service)}, r
	}
	plan, fs := pl(s)
	r.findings = append(r.findings, fs...)
	if plan == nil || finding.HasErrors(fs) {
		res := r.finish()
		res.Status, res.Summary = StatusUnknown, "Not tested: the configuration is incomplete"
		for _, f := range fs {
			if f.Severity == finding.Error {
				res.Summary = "Not tested: " + f.Summary
				break
			}
		}
		return res, r
	}
	r.plan = plan

	client := opts.Client
	if client == nil {
		c, err := transport.New(transport.Options{Timeout: opts.Timeout, CABundle: opts.CABundle, UserAgent: opts.UserAgent})
		if err != nil {
			r.findings = append(r.findings, finding.Errorf(finding.InvalidConfiguration, nil,
				"The provider's CA bundle is unusable").WithDetail("%s.", err.Error()))
			res := r.finish()
			res.Status, res.Summary = StatusUnknown, "Not tested: the provider's CA bundle is unusable"
			return res, r
		}
		defer c.CloseIdleConnections()
		client = c
	}
	r.client = client
	r.ctx, r.trace = transport.WithTrace(ctx)
	r.env = &Env{Spec: s, HTTP: client.HTTP(), Now: opts.Now, ExpiryWarning: opts.ExpiryWarning, r: r}
	tflog.Debug(r.ctx, "handshake: live check starting", map[string]any{"steps": len(r.stepList())})
	r.execute()
	return r.finish(), r
}

// unknownInputs lists the unknown values a live check needs.
func unknownInputs(s *connector.Spec) []string {
	var out []string
	for k, v := range s.Unknown {
		if !v {
			continue
		}
		if k == s.Service || strings.HasPrefix(k, s.Service+".") || strings.HasPrefix(k, "auth") ||
			k == "required_scopes" || k == "redirect_uris" || k == "require_refresh_token" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// runner holds one check's state.
type runner struct {
	opts   Options
	spec   *connector.Spec
	plan   *Plan
	client *transport.Client
	ctx    context.Context
	trace  *transport.Trace
	env    *Env

	steps    []Step
	findings []finding.Finding
	secrets  []string

	// Filled in by the steps.
	token     *oauth2.Token
	refreshed *oauth2.Token
	cacheKey  transport.CredentialKey
	granted   []string
	expiries  []expiry
	cancelled bool
	// untestable says why the check could not be completed (status unknown),
	// and untestableStep which step found that.
	untestable, untestableStep string
	// blocked holds, for each step that did not produce its result, the
	// root cause ("the token step failed"); dependent steps skip.
	blocked map[string]string
	// noToken says why the token step succeeded without an access token
	// (an authorization-code client, a refresh token not redeemed).
	noToken string
}

type expiry struct {
	at   time.Time
	path finding.Path
	what string
}

// stepDef is one step and what it depends on. A step runs only when every
// step it needs produced its result (ok, warning, or skipped because it did
// not apply); otherwise it is skipped and says which step it waited for.
// Steps with needsToken also need the access token the token step obtained.
type stepDef struct {
	name       string
	run        func() StepResult
	needs      []string
	needsToken bool
}

func (r *runner) stepList() []stepDef {
	steps := []stepDef{
		{name: StepDNS, run: r.stepDNS},
		{name: StepTCP, run: r.stepTCP, needs: []string{StepDNS}},
		{name: StepTLS, run: r.stepTLS, needs: []string{StepTCP}},
	}
	oauth := r.plan.OAuth2 != nil
	if oauth {
		steps = append(steps,
			stepDef{name: StepDiscovery, run: r.stepDiscovery, needs: []string{StepTLS}},
			stepDef{name: StepToken, run: r.stepToken, needs: []string{StepDiscovery}},
			stepDef{name: StepTokenResponse, run: r.stepTokenResponse, needs: []string{StepToken}, needsToken: true},
		)
	}
	api := stepDef{name: StepAPI, run: func() StepResult { return r.stepAPI(StepAPI) }, needs: []string{StepTLS}}
	if r.plan.Request != nil && r.plan.Request.Credential.Kind == "oauth2" {
		api.needs, api.needsToken = []string{StepToken}, true
	}
	steps = append(steps, api)
	if oauth {
		steps = append(steps,
			stepDef{name: StepRefresh, run: r.stepRefresh, needs: []string{StepToken}, needsToken: true},
			stepDef{name: StepAPIAfterRefresh, run: r.stepAPIAfterRefresh, needs: []string{StepRefresh}},
		)
	}
	// A vendor's steps build on everything before them (they read what the
	// token and api steps found), as they always have.
	chain := make([]string, 0, len(steps)+len(r.plan.Steps))
	for _, sd := range steps {
		chain = append(chain, sd.name)
	}
	for _, cs := range r.plan.Steps {
		needs, needsToken := slices.Clone(chain), oauth
		if cs.Needs != nil {
			needs, needsToken = slices.Clone(cs.Needs), false
		}
		steps = append(steps, stepDef{name: cs.Name, needs: needs, needsToken: needsToken, run: func() StepResult {
			r.env.Token = r.token
			return cs.Run(r.ctx, r.env)
		}})
		chain = append(chain, cs.Name)
	}
	if oauth {
		// Independent of the token: asks the authorization endpoint only.
		steps = append(steps, stepDef{name: StepRedirectURIs, run: r.stepRedirectURIs, needs: []string{StepTLS}})
	}
	// Offline: always runs.
	return append(steps, stepDef{name: StepExpiry, run: r.stepExpiry})
}

// blockedBy says why a step cannot run ("" when it can): the first step it
// needs that did not produce its result, and the root cause.
func (r *runner) blockedBy(sd stepDef) string {
	for _, dep := range sd.needs {
		if why, ok := r.blocked[dep]; ok {
			if why == "the "+dep+" step failed" || why == "the "+dep+" step could not be tested" {
				return "not run: it needs the " + dep + " step, which " + strings.TrimPrefix(why, "the "+dep+" step ")
			}
			return "not run: it needs the " + dep + " step, which did not run (" + why + ")"
		}
	}
	if sd.needsToken && r.token == nil {
		why := r.noToken
		if why == "" {
			why = "the token step obtained none"
		}
		return "not run: it needs an access token from the token step; " + why
	}
	return ""
}

func (r *runner) execute() {
	r.blocked = map[string]string{}
	for _, sd := range r.stepList() {
		if r.ctx.Err() != nil {
			r.cancelled = true
			r.record(Step{Name: sd.name, Outcome: OutcomeSkipped, Message: "not run: the check was cancelled"}, 0)
			continue
		}
		if msg := r.blockedBy(sd); msg != "" {
			for _, dep := range sd.needs {
				if why, ok := r.blocked[dep]; ok {
					r.blocked[sd.name] = why
					break
				}
			}
			if _, ok := r.blocked[sd.name]; !ok {
				r.blocked[sd.name] = "no access token"
			}
			r.record(Step{Name: sd.name, Outcome: OutcomeSkipped, Message: msg}, 0)
			continue
		}
		r.trace.Reset()
		began := time.Now()
		res := sd.run()
		if res.Outcome == "" {
			res.Outcome = OutcomeOK
		}
		if note, cat, ok := r.peekRetries(); ok && res.Outcome != OutcomeFailed {
			// A transient failure that a retry cured: worth a warning, but
			// retryable, so it does not change the status.
			res.Findings = append(res.Findings, finding.Finding{Severity: finding.Warning, Category: cat,
				Path: r.stepPath(sd.name), Retryable: true,
				Summary: fmt.Sprintf("The %s step succeeded only after retries", sd.name),
				Detail:  fmt.Sprintf("The service answered with transient errors first: %s.", note)})
		}
		if res.Outcome == OutcomeFailed && r.ctx.Err() != nil {
			r.cancelled = true
		}
		st := Step{Name: sd.name, Outcome: res.Outcome, Message: res.Message}
		for _, f := range res.Findings {
			if st.Category == "" && (res.Outcome == OutcomeFailed && f.Severity == finding.Error ||
				res.Outcome == OutcomeWarning && !f.Retryable) {
				st.Category = f.Category
			}
		}
		r.findings = append(r.findings, res.Findings...)
		r.record(st, time.Since(began))
		tflog.Debug(r.ctx, "handshake: live check step", map[string]any{
			"step": sd.name, "outcome": st.Outcome, "category": string(st.Category)})
		switch {
		case res.Outcome == OutcomeFailed:
			r.blocked[sd.name] = "the " + sd.name + " step failed"
		case r.untestableStep == sd.name:
			r.blocked[sd.name] = "the " + sd.name + " step could not be tested"
		}
	}
}

// record keeps a step's outcome and tells OnStep.
func (r *runner) record(st Step, took time.Duration) {
	r.steps = append(r.steps, st)
	if r.opts.OnStep != nil {
		st.Message = redact.Values(st.Message, r.knownSecrets())
		r.opts.OnStep(st, took)
	}
}

// stepPath is the attribute a step's requests go to, for findings that
// have no better one.
func (r *runner) stepPath(step string) finding.Path {
	switch o := r.plan.OAuth2; {
	case o != nil && step == StepRefresh:
		_, p := o.refreshEndpoint()
		return p
	case o != nil && step == StepToken:
		return o.TokenURLPath
	case o != nil && step == StepDiscovery:
		return o.IssuerPath
	case o != nil && step == StepRedirectURIs:
		return o.AuthorizationURLPath
	case r.plan.Request != nil && (step == StepAPI || step == StepAPIAfterRefresh):
		return r.plan.Request.URLPath
	}
	return r.plan.TargetPath
}

// finish computes the status and summary and scrubs secrets.
func (r *runner) finish() Result {
	res := Result{Steps: r.steps, Findings: r.findings}
	res.Status, res.Summary = status(res.Findings, r.cancelled)
	if r.untestable != "" && (res.Status == StatusHealthy || res.Status == StatusDegraded) {
		res.Status, res.Summary = StatusUnknown, "Not tested: "+r.untestable
	}
	if r.granted != nil {
		res.GrantedScopes = r.granted
	}
	for _, e := range r.expiries {
		if res.ExpiresAt == nil || e.at.Before(*res.ExpiresAt) {
			at := e.at.UTC()
			res.ExpiresAt = &at
		}
	}
	r.scrub(&res)
	return res
}

// status derives the connector status from the findings: the first error
// decides (network-type failures mean unreachable, refusals unhealthy);
// without errors, a warning that is not transient makes it degraded.
func status(fs []finding.Finding, cancelled bool) (string, string) {
	if cancelled {
		return StatusUnknown, "Not tested: the check was cancelled"
	}
	for _, f := range fs {
		if f.Severity != finding.Error {
			continue
		}
		switch f.Category {
		case finding.NetworkError, finding.TLSError, finding.Timeout, finding.ServiceUnavailable, finding.RateLimited:
			return StatusUnreachable, f.Summary
		}
		return StatusUnhealthy, f.Summary
	}
	for _, f := range fs {
		if f.Severity == finding.Warning && !f.Retryable {
			return StatusDegraded, f.Summary
		}
	}
	return StatusHealthy, "All checks passed"
}

// scrub replaces every secret (configured or obtained during the check) in
// the result's texts. Messages are built without secrets; this is the net
// under that rule.
// knownSecrets are the spec's secrets and every token the check obtained.
func (r *runner) knownSecrets() []string {
	secrets := slices.Clone(r.secrets)
	for _, tok := range []*oauth2.Token{r.token, r.refreshed} {
		if tok == nil {
			continue
		}
		secrets = append(secrets, tok.AccessToken, tok.RefreshToken)
		if id, ok := tok.Extra("id_token").(string); ok {
			secrets = append(secrets, id)
		}
	}
	return secrets
}

func (r *runner) scrub(res *Result) {
	secrets := r.knownSecrets()
	clean := func(s string) string { return redact.Values(s, secrets) }
	res.Summary = clean(res.Summary)
	for i := range res.Steps {
		res.Steps[i].Message = clean(res.Steps[i].Message)
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		f.Summary, f.Detail, f.Code = clean(f.Summary), clean(f.Detail), clean(f.Code)
		for j := range f.Remediation {
			f.Remediation[j] = clean(f.Remediation[j])
		}
	}
	for i, sc := range res.GrantedScopes {
		res.GrantedScopes[i] = clean(sc)
	}
}
