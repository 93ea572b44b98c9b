package servicenow

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// The roles step. ServiceNow tokens carry the scope "useraccount" whatever
// the user may do, so the roles a connector needs (admin for audit data,
// itil for incidents) are listed in required_scopes and compared with the
// user's roles in sys_user_has_role. Reading that table needs admin or
// user_admin: an admin always can, so a user who cannot is not an admin.

// requiredRole is a role listed in required_scopes, and its index.
type requiredRole struct {
	index int
	name  string
}

// requiredRoles are the entries of required_scopes other than useraccount.
func (r *run) requiredRoles() []requiredRole {
	var out []requiredRole
	for i, sc := range r.spec.RequiredScopes {
		if sc = strings.TrimSpace(sc); sc != "" && sc != scopeUserAccount {
			out = append(out, requiredRole{i, sc})
		}
	}
	return out
}

// satisfied reports whether granted roles meet a required one: admin passes
// every role check except the elevated security_admin.
func satisfied(granted []string, role string) bool {
	return slices.Contains(granted, role) || role != "security_admin" && slices.Contains(granted, "admin")
}

func (r *run) stepRoles(ctx context.Context, env *probe.Env) probe.StepResult {
	q := "/api/now/table/sys_user_has_role?sysparm_query=user" + meFilter + "&sysparm_fields=role.name&sysparm_limit=1000"
	resp, err := r.get(ctx, env, stepRoles, q, false)
	if err != nil {
		return r.netFailure(err, "Reading the user's roles")
	}
	where := "GET /api/now/table/sys_user_has_role"
	var body struct {
		Result []map[string]any `json:"result"`
	}
	forbidden := resp.StatusCode == http.StatusForbidden && !isHTML(resp.Header, string(resp.Body))
	if !forbidden && (resp.StatusCode != http.StatusOK || isHTML(resp.Header, string(resp.Body)) || json.Unmarshal(resp.Body, &body) != nil) {
		return r.refused(env, resp, where)
	}
	var granted []string
	for _, row := range body.Result {
		if name, ok := row["role.name"].(string); ok && name != "" {
			granted = append(granted, name)
		}
	}
	sort.Strings(granted)
	granted = slices.Compact(granted)
	if forbidden || len(granted) == 0 {
		return r.rolesUnreadable(resp.StatusCode)
	}
	env.GrantScopes(append(slices.Clone(granted), scopeUserAccount))
	var fs []finding.Finding
	for _, req := range r.requiredRoles() {
		if satisfied(granted, req.name) {
			continue
		}
		fs = append(fs, finding.Errorf(finding.InsufficientScope, kit.ScopePath(req.index),
			"The ServiceNow user lacks the %s role", req.name).
			WithCode("sys_user_has_role").
			WithDetail("The user's roles (sys_user_has_role) are %s; %s is not among them, and the tokens ServiceNow issues carry only the user's roles (their scope is always useraccount).",
				strings.Join(granted, ", "), req.name).
			WithFix(fmt.Sprintf("Grant the %s role to the integration user (User Administration > Users > the user > Roles > Edit), or to a group the user is in.", req.name)))
	}
	res := probe.StepResult{Outcome: probe.OutcomeOK, Findings: fs, Message: "the user has the roles " + strings.Join(granted, ", ")}
	if len(fs) > 0 {
		res.Outcome, res.Message = probe.OutcomeFailed, fs[0].Summary
	}
	return res
}

// rolesUnreadable: the user may not read sys_user_has_role (403, or every
// row hidden by ACLs). An admin always may, so a required admin role is
// missing; other roles cannot be verified.
func (r *run) rolesUnreadable(status int) probe.StepResult {
	how := "answered 403 Insufficient rights"
	if status != http.StatusForbidden {
		how = "returned no rows (the ACLs hide them)"
	}
	for _, req := range r.requiredRoles() {
		if req.name != "admin" {
			continue
		}
		f := finding.Errorf(finding.AccessDenied, kit.ScopePath(req.index),
			"The ServiceNow user is not an admin, and the connector requires the admin role").
			WithCode("admin").
			WithDetail("Reading the user's own roles (sys_user_has_role) %s. An admin can always read that table, so the user does not have the admin role that required_scopes lists — the connector will be refused its admin-only data (audit history, system logs) with 403 Forbidden, as Microsoft Defender for Cloud Apps reports it.", how).
			WithFix("Grant the admin role to the integration user (User Administration > Users > the user > Roles), or connect with an admin account.")
		return probe.Failed(f)
	}
	var names []string
	for _, req := range r.requiredRoles() {
		names = append(names, req.name)
	}
	f := finding.Warnf(finding.AccessDenied, finding.Attr("required_scopes"),
		"The ServiceNow user's roles could not be read, so %s could not be verified", strings.Join(names, ", ")).
		WithCode("sys_user_has_role").
		WithDetail("Reading the user's own roles (sys_user_has_role) %s: that table needs the admin or user_admin role. The roles in required_scopes were not checked.", how).
		WithFix("Grant the integration user user_admin (or read access to sys_user_has_role) so the check can verify its roles, or remove the roles from required_scopes.")
	return probe.StepResult{Outcome: probe.OutcomeWarning, Message: f.Summary, Findings: []finding.Finding{f}}
}
