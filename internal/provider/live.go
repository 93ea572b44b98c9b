package provider

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
)

// check is one connector's combined result: the offline findings and, when
// live checks ran, the probe's.
type check struct {
	Status        string
	Summary       string
	Steps         []probe.Step
	Findings      []finding.Finding
	GrantedScopes []string
	// Live reports whether a live test ran (status is then not "unknown"
	// merely because live checks are off).
	Live bool
	// static is how many of Findings came from the offline rules (first).
	static int
}

// runCheck validates spec offline and, when live checks are on and the
// offline rules found no error, tests it live. It is the one place where
// the provider decides whether to touch the network.
func (d *providerData) runCheck(ctx context.Context, c *connector.Catalog, spec *connector.Spec) check {
	return d.runCheckWith(ctx, c, spec, nil)
}

// runCheckWith is runCheck with the probe told about each step as it ends.
func (d *providerData) runCheckWith(ctx context.Context, c *connector.Catalog, spec *connector.Spec, onStep func(probe.Step, time.Duration)) check {
	ctx = maskSecrets(ctx, spec)
	static := connector.Validate(c, spec)
	out := check{Status: probe.StatusUnknown, Findings: static, static: len(static), Summary: "Not tested live: live_checks is off"}
	switch {
	case d == nil:
		out.Summary = "Not tested live: the provider is not configured yet"
		return out
	case finding.HasErrors(static):
		out.Summary = "Not tested live: the configuration has errors"
		return out
	case !d.LiveChecks:
		return out
	}
	opts := d.probeOptions(spec.Service)
	opts.OnStep = onStep
	res := probe.Run(ctx, opts, spec)
	tflog.Debug(ctx, "live connector check", map[string]any{"connector": spec.Name, "service": spec.Service, "status": res.Status})
	return check{Status: res.Status, Summary: res.Summary, Steps: res.Steps,
		Findings: append(static, res.Findings...), GrantedScopes: res.GrantedScopes, Live: true, static: len(static)}
}

func (d *providerData) probeOptions(service string) probe.Options {
	return probe.Options{Client: d.Client, Timeout: d.Timeout, CABundle: d.CABundle,
		ExpiryWarning: d.ExpiryWarning, Now: d.Now, UserAgent: "terraform-provider-handshake/" + d.Version,
		Planner: d.Planners[service]}
}

// liveFindings are the findings a live check added (the offline ones were
// reported by ValidateConfig already).
func (c check) liveFindings() []finding.Finding { return c.Findings[c.static:] }

// stored are the findings kept in state: all but the warnings about
// transient failures a retry cured, which would make the stored value
// differ from one run to the next.
func (c check) stored() []finding.Finding {
	out := make([]finding.Finding, 0, len(c.Findings))
	for _, f := range c.Findings {
		if !(f.Retryable && f.Severity == finding.Warning) {
			out = append(out, f)
		}
	}
	return out
}

// scopes is granted_scopes as stored: never null.
func (c check) scopes() []string {
	if c.GrantedScopes == nil {
		return []string{}
	}
	return c.GrantedScopes
}

// matches reports whether the state holds exactly this check's result.
func (c check) matches(ctx context.Context, state attrGetter) (bool, diag.Diagnostics) {
	var status types.String
	var findings, scopes types.List
	var diags diag.Diagnostics
	diags.Append(state.GetAttribute(ctx, path.Root("status"), &status)...)
	diags.Append(state.GetAttribute(ctx, path.Root("findings"), &findings)...)
	diags.Append(state.GetAttribute(ctx, path.Root("granted_scopes"), &scopes)...)
	want, d := types.ListValueFrom(ctx, types.StringType, c.scopes())
	diags.Append(d...)
	if diags.HasError() {
		return true, diags
	}
	return status.ValueString() == c.Status && findings.Equal(findingsValue(c.stored())) && scopes.Equal(want), diags
}

// planSeverity applies a connector's failure policy: on_failure = "warn"
// downgrades every error. (Transient failures that a retry cured arrive as
// warnings already; ones that persisted through the retries stay errors.)
func planSeverity(fs []finding.Finding, onFailure string) []finding.Finding {
	if onFailure == "warn" {
		return finding.Downgrade(fs)
	}
	return fs
}

// privateKeyWriteOnly is the private-state key that remembers a connector
// whose secrets are write-only: its Read cannot re-test it (the secrets are
// not in state), so ModifyPlan does instead.
const privateKeyWriteOnly = "handshake_write_only"

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func usesWriteOnly(spec *connector.Spec) bool {
	for _, s := range []connector.Secret{spec.Auth.ClientSecret, spec.Auth.Token, spec.Auth.PrivateKey, spec.Auth.ServiceAccountKey, spec.Auth.Password} {
		if len(s.Attr) > 3 && s.Attr[len(s.Attr)-3:] == "_wo" {
			return true
		}
	}
	return false
}

func setWriteOnlyFlag(ctx context.Context, p privateSetter, spec *connector.Spec) diag.Diagnostics {
	v, _ := json.Marshal(usesWriteOnly(spec))
	return p.SetKey(ctx, privateKeyWriteOnly, v)
}

func writeOnlyFlag(ctx context.Context, p privateGetter) bool {
	raw, _ := p.GetKey(ctx, privateKeyWriteOnly)
	var v bool
	_ = json.Unmarshal(raw, &v)
	return v
}
