package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
)

// field is a schema-neutral description of one connector argument. The
// connector resource and the connection-test data source are built from the
// same fields, so the two can never drift apart.
type field struct {
	name        string
	description string
	kind        connector.Kind
	required    bool
	sensitive   bool
	writeOnly   bool // left out of data sources, which cannot have write-only attributes
	oneOf       []string
	validators  []validator.String
	nested      []field // for a single nested attribute
}

// authSecrets are the auth block's secret attributes; each also has a
// write-only twin named <name>_wo.
var authSecrets = []struct{ name, description string }{
	{"client_secret", "OAuth client secret. For Microsoft Entra ID this is the secret's **Value**, not its Secret ID."},
	{"token", "API token, personal access token, bot token or refresh token, without any `Bearer `/`SSWS ` prefix."},
	{"private_key", "PEM-encoded private key: a GitHub App key, a `private_key_jwt` client key, or a key-pair credential."},
	{"service_account_key", "Google service-account key file (the whole JSON document)."},
	{"password", "Password of a basic-auth or service account."},
}

func authFields() []field {
	fs := []field{
		{name: "client_id", description: "OAuth client id / application id."},
		{name: "username", description: "User name or e-mail of a basic-auth or API-token identity (Atlassian, Zendesk), or an AWS access key id."},
	}
	// A string, not a number: see state_upgrade.go.
	fs = append(fs, field{name: "secret_version", description: "Any value, such as `2` or a date; change it after rotating a write-only secret so that Terraform re-tests the connector. (A number is accepted and stored as a string.)"})
	for _, s := range authSecrets {
		wo := s.name + "_wo"
		fs = append(fs,
			field{name: s.name, description: s.description + " Stored in state; prefer `" + wo + "`.",
				validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName(wo))}},
			field{name: wo, writeOnly: true, description: s.description + " Write-only: never stored in state or plan. " +
				"Terraform cannot see changes to it, so bump `secret_version` when you rotate it."},
		)
	}
	return fs
}

// serviceFields turns a profile's settings into a service block.
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

// connectorFields are the arguments shared by handshake_connector and
// data.handshake_connection_test.
func connectorFields(c *connector.Catalog) []field {
	fs := []field{
		{name: "name", required: true, description: "A name for the connector, unique within the configuration. Used in diagnostics and the import id."},
		{name: "service", required: true, oneOf: c.IDs(), description: "The service this connector talks to. One of: `" + strings.Join(c.IDs(), "`, `") + "`. " +
			"Set the block named after the service (for example `okta = { domain = … }`) for its settings."},
		// The whole auth block is sensitive rather than each secret in it:
		// Terraform 1.11 stores sibling sensitive paths in map (random) order
		// and compares them in order, so two of them make refresh-only exit 2
		// at random; paths under one sensitive parent keep their order.
		{name: "auth", sensitive: true, description: "The connector's credentials (sensitive as a whole). Every secret has a variant kept in state and a write-only `_wo` variant that never is.",
			nested: authFields()},
		{name: "required_scopes", kind: connector.StringList, description: "Scopes (or permissions) the connector needs. Checked offline for form and, on live tests, against what the service granted."},
		{name: "required_permissions", kind: connector.StringList, description: "Permissions the app must have been granted, as opposed to scopes a token requests: " +
			"Microsoft Entra ID / Microsoft 365 application permissions such as `User.Read.All`. Live checks compare them with the token's `roles` claim " +
			"(what admin consent actually granted)."},
		{name: "redirect_uris", kind: connector.StringList, description: "Redirect URIs the app uses. Checked offline against RFC 9700, RFC 8252 and the service's own rules."},
		{name: "require_refresh_token", kind: connector.Bool, description: "Whether the connector needs a refresh token (long-running syncs). Checks that the scope which asks for one is requested and that the service can issue one."},
		{name: "on_failure", oneOf: []string{"error", "warn"}, description: "What a failed check does: `error` (the default) stops the plan; `warn` reports the same findings as warnings and lets the plan go on."},
	}
	for _, p := range c.Profiles() {
		fs = append(fs, serviceField(p))
	}
	return fs
}
