package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
)

// The object types of the computed lists' elements, from the same fields
// that describe them in the schemas.
var (
	findingAttrTypes = stringAttrTypes(findingFields())
	stepAttrTypes    = stringAttrTypes(stepFields())
)

// outputFields are what the surfaces compute (and data.handshake_connection_test's
// own argument): the results of the live test on the resource and the data
// source, the token on the ephemeral resource.
func outputFields() []field {
	return []field{
		{name: "id", output: true, on: resourceSurface, keepState: true, description: "`<service>/<name>`; also the import id."},
		{name: "fail_on_error", kind: connector.Bool, on: dataSourceSurface,
			description: "Turn error findings into errors that stop the plan. By default failures are data " +
				"(`status`, `findings`), which suits `check {}` blocks: they warn and never block an apply."},
		{name: "status", output: true, on: resourceSurface | dataSourceSurface,
			description: "Connector health: `healthy`, `degraded` (works, with warnings), `unhealthy` (the service refused), " +
				"`unreachable` (network, DNS, TLS, timeout) or `unknown` (not tested live)."},
		{name: "summary", output: true, on: dataSourceSurface, description: "One line on the outcome, for a `check` block's `error_message`."},
		{name: "granted_scopes", output: true, kind: connector.StringList,
			description: "Scopes or permissions the service reported as granted on the last live test: the token " +
				"response's `scope` (the requested scopes when it has none), Slack's and GitHub's `x-oauth-scopes` header, a GitHub " +
				"App installation's permissions as `name:level`, or the application permissions in an Entra ID token's `roles` " +
				"claim. Empty when not tested, or when the service reports none (GitHub fine-grained tokens)."},
		{name: "findings", output: true, on: resourceSurface | dataSourceSurface, nested: findingFields(), list: true,
			description: "What the checks found, most severe first. Each has `severity` (`error`|`warning`), `category` " +
				"(a stable id such as `redirect_uri_invalid`), `code` (the vendor's or the rule's), `summary` and `attribute` (the path at fault)."},
		{name: "steps", output: true, on: dataSourceSurface, nested: stepFields(), list: true,
			description: "The live test's steps in order (`dns`, `tcp`, `tls`, `discovery`, `token`, `token_response`, `api`, …), " +
				"each with `outcome` (`ok`, `failed`, `skipped`, `warning`), `category` and `message`: which step failed, and why."},
		{name: "access_token", output: true, sensitive: true, on: ephemeralSurface,
			description: "The short-lived access token. Never stored in state or plan."},
		{name: "token_type", output: true, on: ephemeralSurface, description: "The token type, usually `Bearer`."},
		{name: "expires_at", output: true, on: ephemeralSurface, description: "When the token expires (RFC 3339); empty when the service did not say."},
		{name: "refresh_token", output: true, sensitive: true, on: ephemeralSurface,
			description: "The refresh token the service returned with this access token; null when it returned none. " +
				"A connector whose credential is a refresh token is redeemed only with `redeem_refresh_token = true`; when the " +
				"service rotates refresh tokens, this is the new one and the configured one is used up, so pass it in the same " +
				"run to a secret store's write-only argument (for example `aws_secretsmanager_secret_version.secret_string_wo`), " +
				"the only way Terraform hands a secret on without storing it. Never stored in state or plan."},
	}
}

// findingFields are the attributes of one element of `findings`.
func findingFields() []field {
	return []field{
		{name: "severity", output: true, description: "`error` or `warning`."},
		{name: "category", output: true, description: "Stable category id."},
		{name: "code", output: true, description: "Vendor error code or rule id."},
		{name: "summary", output: true, description: "One-line description."},
		{name: "attribute", output: true, description: "Attribute path at fault, such as `redirect_uris[0]`; empty for the whole connector."},
	}
}

// stepFields are the attributes of one element of `steps`.
func stepFields() []field {
	return []field{
		{name: "name", output: true, description: "The step: `dns`, `tcp`, `tls`, `discovery`, `token`, `token_response`, `api`, …"},
		{name: "outcome", output: true, description: "`ok`, `failed`, `skipped` or `warning`."},
		{name: "category", output: true, description: "Stable category id of the failure or warning; empty when the step passed or was skipped."},
		{name: "message", output: true, description: "What the step did or found, in one line."},
	}
}

// stringAttrTypes is the object type of string fields.
func stringAttrTypes(fs []field) map[string]attr.Type {
	out := make(map[string]attr.Type, len(fs))
	for _, f := range fs {
		out[f.name] = types.StringType
	}
	return out
}
