package connector

import (
	"fmt"
	"slices"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// AuthAttrs are every attribute of the auth block, secret ones by their
// base name (client_secret stands for client_secret and client_secret_wo).
var AuthAttrs = []string{"client_id", "client_secret", "token", "private_key", "service_account_key", "username", "password"}

// Validate runs every offline rule for the spec: the generic ones (service
// blocks, auth attributes, redirect URIs, scopes, secret hygiene) and then the
// service profile's own rules. It never touches the network.
func Validate(c *Catalog, s *Spec) []finding.Finding {
	if s.Service == "" {
		return nil // unknown or missing: the schema reports it
	}
	p, ok := c.Get(s.Service)
	if !ok {
		return nil // the schema's OneOf reports it
	}
	var out []finding.Finding
	out = append(out, checkBlocks(p, s)...)
	out = append(out, checkAuthAttrs(p, s)...)
	out = append(out, CheckSecrets(s)...)
	out = append(out, CheckRedirectURIs(s, p.Redirect)...)
	out = append(out, CheckScopes(s, p)...)
	for _, rule := range p.Rules {
		out = append(out, rule(s)...)
	}
	return explainExpectedKeys(p, s, out)
}

// checkBlocks: the service's own block must be present when it has required
// settings, and no other service's block may be set.
func checkBlocks(p *Profile, s *Spec) []finding.Finding {
	var out []finding.Finding
	for _, b := range s.Blocks {
		if b != s.Service {
			out = append(out, finding.Errorf(finding.InvalidConfiguration, finding.Attr(b),
				"The %q block does not apply to a %q connector", b, s.Service).
				WithDetail("Only the block named after the connector's service is read; this one would be silently ignored.").
				WithFix(fmt.Sprintf("Remove the %s block, or set service = %q if that is the service you meant.", b, b)))
		}
	}
	if slices.Contains(s.Blocks, s.Service) || s.Unknown[s.Service] {
		return out
	}
	var required []string
	for _, st := range p.Settings {
		if st.Required {
			required = append(required, st.Name)
		}
	}
	if len(required) > 0 {
		out = append(out, finding.Errorf(finding.InvalidConfiguration, finding.Attr("service"),
			"A %s connector needs a %s block", p.DisplayName, p.ID).
			WithDetail("The %s block is missing; it must set %v.", p.ID, required).
			WithFix(fmt.Sprintf("Add %s = { %s = … } to the connector.", p.ID, required[0])))
	}
	return out
}

// checkAuthAttrs warns about credentials the service never uses: a value
// typed into the wrong attribute is a common reason a connector "works in
// the UI but not here".
func checkAuthAttrs(p *Profile, s *Spec) []finding.Finding {
	if len(p.AuthAttrs) == 0 {
		return nil
	}
	set := map[string]finding.Path{}
	if s.Auth.ClientID != "" {
		set["client_id"] = finding.Attr("auth", "client_id")
	}
	if s.Auth.Username != "" {
		set["username"] = finding.Attr("auth", "username")
	}
	for name, sec := range map[string]Secret{
		"client_secret": s.Auth.ClientSecret, "token": s.Auth.Token, "private_key": s.Auth.PrivateKey,
		"service_account_key": s.Auth.ServiceAccountKey, "password": s.Auth.Password,
	} {
		if sec.IsSet() {
			set[name] = sec.Path()
		}
	}
	var out []finding.Finding
	for _, name := range AuthAttrs {
		path, ok := set[name]
		if !ok || slices.Contains(p.AuthAttrs, name) {
			continue
		}
		out = append(out, finding.Warnf(finding.InvalidConfiguration, path,
			"%s connectors do not use auth.%s", p.DisplayName, name).
			WithDetail("This value is ignored. %s connectors authenticate with: %v.", p.DisplayName, p.AuthAttrs).
			WithFix("Remove it, or move the value to the attribute the service expects."))
	}
	return out
}
