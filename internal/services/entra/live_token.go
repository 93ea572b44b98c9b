package entra

// The permissions step: what the access token's roles claim says admin
// consent granted, against the permissions the connector requires.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
)

// entraClaims are the access token claims the checks read. Entra's access
// tokens are JWTs meant for the API, but nothing forbids the client from
// reading them; their signature is not checked here (the token came
// straight from the token endpoint over TLS).
type entraClaims struct {
	Aud   string   `json:"aud"`
	Tid   string   `json:"tid"`
	AppID string   `json:"appid"`
	AzP   string   `json:"azp"`
	Roles []string `json:"roles"`
	Scp   string   `json:"scp"`
}

func entraTokenClaims(tok string) (entraClaims, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return entraClaims{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return entraClaims{}, false
	}
	var cl entraClaims
	if json.Unmarshal(raw, &cl) != nil {
		return entraClaims{}, false
	}
	return cl, true
}

func entraHasRole(roles []string, want ...string) bool {
	for _, r := range roles {
		for _, w := range want {
			if strings.EqualFold(r, w) {
				return true
			}
		}
	}
	return false
}

// stepPermissions compares the required permissions with the roles claim:
// what admin consent actually granted, not what the portal lists.
func (c *entraCheck) stepPermissions(_ context.Context, env *probe.Env) probe.StepResult {
	if env.Token == nil {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no access token"}
	}
	cl, ok := entraTokenClaims(env.Token.AccessToken)
	if !ok {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "the access token is not a JWT; its permissions cannot be read"}
	}
	c.claims = cl
	// What admin consent granted, rather than the /.default scope asked for.
	env.GrantScopes(cl.Roles)
	api := "Microsoft Graph"
	if !c.graphToken {
		api = strings.TrimSuffix(c.scope, "/.default")
	}
	fs := c.missingPerms(c.graphPerms, cl.Roles, api, "Authorization_RequestDenied")
	if len(fs) > 0 {
		return probe.StepResult{Outcome: probe.OutcomeFailed, Message: fs[0].Summary, Findings: fs}
	}
	return probe.StepResult{Outcome: probe.OutcomeOK, Message: entraRolesNote(cl.Roles, api)}
}

func entraRolesNote(roles []string, api string) string {
	if len(roles) == 0 {
		return "the token for " + api + " carries no application permissions (no roles claim)"
	}
	r := slices.Clone(roles)
	sort.Strings(r)
	return fmt.Sprintf("the token for %s carries %d application permission(s): %s", api, len(r), strings.Join(r, ", "))
}

// missingPerms reports each required permission the roles lack.
func (c *entraCheck) missingPerms(perms []entraPerm, roles []string, api, code string) []finding.Finding {
	var out []finding.Finding
	for _, p := range perms {
		if entraHasRole(roles, p.name) {
			continue
		}
		granted := "It carries no roles claim at all: no application permission of " + api + " has admin consent in this tenant."
		if len(roles) > 0 {
			r := slices.Clone(roles)
			sort.Strings(r)
			granted = "Its roles claim lists what an administrator consented to: " + strings.Join(r, ", ") + "."
		}
		answer := "Microsoft Graph answers 403 Authorization_RequestDenied"
		if code == "AF10001" {
			answer = "the Management Activity API answers 401 AF10001"
		}
		out = append(out, finding.Errorf(finding.InsufficientScope, p.path,
			"Application permission %s has not been granted to the app (%s)", p.name, code).
			WithCode(code).
			WithDetail("Entra ID issued the token for app %s, but without %s. %s A permission that was added but never consented, added as Delegated instead of Application, or removed, is missing in the same way, and %s to calls that need it.",
				c.clientID, p.name, granted, answer).
			WithFix(fmt.Sprintf("In the Microsoft Entra admin center open App registrations > <app> > API permissions, select Add a permission > %s > Application permissions > %s, then select Grant admin consent for <tenant>.", api, p.name),
				"Plan again after a minute: tokens issued before the consent do not carry the new permission."))
	}
	return out
}
