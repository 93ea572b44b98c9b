package connector

import (
	"fmt"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// explainExpectedKeys adds the keys Handshake reads to every error finding
// in the auth block or the service block when that object sets none of
// them. Terraform drops keys an object attribute does not declare without
// an error, so a misspelt key, or a write-only `_wo` key in a data source
// (which has none), reaches the provider as an empty object: the only thing
// the provider can see is that a setting it needs is missing.
func explainExpectedKeys(p *Profile, s *Spec, fs []finding.Finding) []finding.Finding {
	hints := map[string]string{}
	if authEmpty(s) {
		keys := p.AuthAttrs
		if len(keys) == 0 {
			keys = AuthAttrs
		}
		hints["auth"] = fmt.Sprintf("The auth block sets none of the keys the %s service reads: %s "+
			"(on handshake_connector each secret also has a write-only `_wo` twin; the data source and the ephemeral resource have none). "+
			"Terraform drops keys an object does not declare without an error, so check for a misspelt key, or a `_wo` key outside handshake_connector.",
			p.ID, quoteKeys(keys))
	}
	if serviceBlockEmpty(s) && len(p.Settings) > 0 {
		names := make([]string, len(p.Settings))
		for i, st := range p.Settings {
			names[i] = st.Name
		}
		hints[p.ID] = fmt.Sprintf("The %s block sets none of the keys it declares: %s. "+
			"Terraform drops keys an object does not declare without an error, so check for a misspelt key.", p.ID, quoteKeys(names))
	}
	if len(hints) == 0 {
		return fs
	}
	for i, f := range fs {
		if f.Severity != finding.Error || len(f.Path) == 0 {
			continue
		}
		root, _ := f.Path[0].(string)
		if hint, ok := hints[root]; ok {
			fs[i].Detail = strings.TrimSpace(f.Detail + "\n\n" + hint)
		}
	}
	return fs
}

// authEmpty reports whether the auth block gave nothing Handshake reads
// (and nothing that is merely not known yet).
func authEmpty(s *Spec) bool {
	a := s.Auth
	if a.ClientID != "" || a.Username != "" {
		return false
	}
	for _, sec := range []Secret{a.ClientSecret, a.Token, a.PrivateKey, a.ServiceAccountKey, a.Password} {
		if sec.IsSet() {
			return false
		}
	}
	for k := range s.Unknown {
		if k == "auth" || strings.HasPrefix(k, "auth.") {
			return false
		}
	}
	return true
}

// serviceBlockEmpty reports whether the service's block is present but sets
// none of its declared settings.
func serviceBlockEmpty(s *Spec) bool {
	present := false
	for _, b := range s.Blocks {
		present = present || b == s.Service
	}
	if !present || len(s.Settings) > 0 || len(s.Lists) > 0 {
		return false
	}
	for k := range s.Unknown {
		if k == s.Service || strings.HasPrefix(k, s.Service+".") {
			return false
		}
	}
	return true
}

func quoteKeys(keys []string) string {
	return "`" + strings.Join(keys, "`, `") + "`"
}
