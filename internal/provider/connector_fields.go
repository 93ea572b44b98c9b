package provider

import (
	"fmt"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
)

// authSecrets are the auth block's secret attributes; each also has a
// write-only twin named <name>_wo.
var authSecrets = []struct{ name, description string }{
	{"client_secret", "OAuth client secret. For Microsoft Entra ID this is the secret's **Value**, not its Secret ID."},
	{"token", "API token, personal access token, bot token or refresh token, without any `Bearer `/`SSWS ` prefix."},
	{"private_key", "PEM-encoded private key: a GitHub App key, a `private_key_jwt` client key, or a key-pair credential."},
	{"service_account_key", "Google service-account key file (the whole JSON document)."},
	{"password", "Password of a basic-auth or service account."},
}

func authFields(on surface) []field {
	fs := []field{
		{name: "client_id", description: "OAuth client id / application id."},
		{name: "username", description: "User name or e-mail of a basic-auth or API-token identity (Atlassian, Zendesk), or an AWS access key id."},
	}
	// A string, not a number: see state_upgrade.go.
	fs = append(fs, field{name: "secret_version", description: on.pick(
		"Any value, such as `2` or a date; change it after rotating a write-only secret, so that the plan shows an update and apply tests the connector again and records the result. (A number is accepted and stored as a string.)",
		"Has no effect here: the data source tests the connector on every read. Accepted so that arguments copied from `handshake_connector` stay valid.",
		"Has no effect here: the token is requested whenever the resource is opened. Accepted so that arguments copied from `handshake_connector` stay valid.",
		"Has no effect here: the action tests the connector each time it is invoked. Accepted so that arguments copied from `handshake_connector` stay valid.",
		"")})
	for _, s := range authSecrets {
		wo := s.name + "_wo"
		fs = append(fs,
			field{name: s.name, twin: wo, description: s.description + on.pick(
				" Stored in state; prefer `"+wo+"`.",
				" Stored in state (sensitive), like every data source argument. Data sources have no write-only `_wo` twin: `"+wo+"` here is dropped by Terraform without an error.",
				" Never stored: ephemeral resources keep nothing in state or plan, and this argument accepts ephemeral values. There is no `_wo` twin here.",
				" Never stored: an action keeps nothing in state. There is no `_wo` twin here.",
				" Never stored: a query keeps no state. There is no `_wo` twin here.")},
			field{name: wo, writeOnly: true, description: s.description + " Write-only: never stored in state or plan. " +
				"Terraform keeps no copy to compare, so bump `secret_version` when you rotate it to make the change visible in the plan."},
		)
		if on == listSurface {
			fs = append(fs, field{name: s.name + "_env", on: listSurface, description: "The name of an environment variable that holds `" +
				s.name + "`, read by the provider when the query runs. Prefer it to `" + s.name + "`: Terraform 1.14's " +
				"`terraform query -json` prints each list block's arguments, sensitive variables' values included."})
		}
	}
	return fs
}

// serviceField turns a profile's settings into a service block.
func serviceField(p *connector.Profile) field {
	f := field{name: p.ID, description: fmt.Sprintf("Settings for `service = %q` (%s). %s", p.ID, p.DisplayName, p.Description)}
	for _, s := range p.Settings {
		desc := s.Description
		if len(s.OneOf) > 0 {
			desc += " One of: `" + strings.Join(s.OneOf, "`, `") + "`."
		}
		f.nested = append(f.nested, field{name: s.Name, description: desc, kind: s.Kind, required: s.Required, sensitive: s.Sensitive, oneOf: s.OneOf})
	}
	return f
}

// connectorFields is every attribute of handshake_connector,
// data.handshake_connection_test and ephemeral.handshake_access_token, with
// descriptions for the surface they are emitted on: the arguments they share,
// one block per service in the catalog, and what each surface computes.
func connectorFields(c *connector.Catalog, on surface) []field {
	fs := []field{
		{name: "name", required: true, validators: nameValidators(), description: on.pick(
			"A name for the connector, unique within the configuration. Used in diagnostics and the import id (`<service>/<name>`).",
			"A name for the connector. Used in diagnostics and the summary.",
			"A name for the connector. Used in diagnostics.",
			"A name for the connector. Used in diagnostics and progress messages.",
			"") + " " + connectorNameDoc},
		{name: "service", required: true, oneOf: c.IDs(), description: "The service this connector talks to. One of: `" + strings.Join(c.IDs(), "`, `") + "`. " +
			"Set the block named after the service (for example `okta = { domain = … }`) for its settings."},
		// The whole auth block is sensitive rather than each secret in it:
		// Terraform 1.11 stores sibling sensitive paths in map (random) order
		// and compares them in order, so two of them make refresh-only exit 2
		// at random; paths under one sensitive parent keep their order.
		{name: "auth", sensitive: true, description: "The connector's credentials (sensitive as a whole). " + on.pick(
			"Every secret has a variant kept in state and a write-only `_wo` variant that never is.",
			"Data sources cannot have write-only arguments, so each secret has one form here, stored in state as sensitive.",
			"Nothing here is stored, so each secret has one form, which accepts ephemeral values.",
			"Nothing here is stored (an action has no state), so each secret has one form.",
			"The admin credential that may read the tenant's apps (see the service's guide for the permission). Nothing here is stored, so each secret has one form.") +
			" Terraform drops keys this object does not declare without an error; when that leaves a credential the service needs missing, " +
			"the finding lists the keys Handshake reads.",
			nested: authFields(on)},
		{name: "required_scopes", kind: connector.StringList, description: "Scopes (or permissions) the connector needs. Checked offline for form and, on live tests, against what the service granted."},
		{name: "required_permissions", kind: connector.StringList, description: "Permissions the app must have been granted, as opposed to scopes a token requests: " +
			"Microsoft Entra ID / Microsoft 365 application permissions such as `User.Read.All`. Live checks compare them with the token's `roles` claim " +
			"(what admin consent actually granted)."},
		{name: "redirect_uris", kind: connector.StringList, description: "Redirect URIs the app uses. Checked offline against RFC 9700, RFC 8252 and the service's own rules."},
		{name: "require_refresh_token", kind: connector.Bool, description: "Whether the connector needs a refresh token (long-running syncs). Checks that the scope which asks for one is requested and that the service can issue one."},
		{name: "redeem_refresh_token", kind: connector.Bool, description: "Whether live checks may redeem the refresh token in `auth` " +
			"(default `false`). Off, a check never spends it: many services rotate refresh tokens or make them single-use, so " +
			"redeeming one at plan time would break the integration that holds it. Handshake then verifies the client's " +
			"authentication with a deliberately invalid refresh token (`invalid_grant` proves the client authenticated) and, where " +
			"the server offers RFC 7662 introspection, asks whether the refresh token is active. Set it to `true` only where " +
			"the refresh token is not rotated, or on `ephemeral.handshake_access_token`, which returns the rotated refresh token " +
			"in its ephemeral `refresh_token` attribute for a secret store's write-only argument."},
		{name: "on_failure", oneOf: []string{"error", "warn"}, dflt: "error", description: on.pick(
			"What a failed check does: `error` (the default) stops the plan; `warn` reports the same findings as warnings and lets the plan go on.",
			"Has no effect here: the data source returns failures as data, and `fail_on_error` decides whether they stop the plan. "+
				"Accepted so that arguments copied from `handshake_connector` stay valid.",
			"Has no effect here: without a token there is nothing to return, so a failed check is always an error. "+
				"Accepted so that arguments copied from `handshake_connector` stay valid.",
			"What a failed test does: `error` (the default) fails the invocation, which stops `terraform apply`; `warn` reports "+
				"the same findings as warnings.",
			"")},
	}
	for _, p := range c.Profiles() {
		fs = append(fs, serviceField(p))
	}
	return append(fs, outputFields()...)
}
