package services

import (
	"regexp"
	"testing"
)

// TestCatalogComplete: every service in All has a profile with a stable id,
// a decoder, a live check (or says why not) and a sandbox emulation (or
// says why not), and no id or emulation path is listed twice.
func TestCatalogComplete(t *testing.T) {
	// The generic services have no vendor format: the probe's RFC 6749/6750
	// and HTTP decoders classify their answers.
	generic := map[string]bool{"oauth2": true, "api_key": true, "http": true}
	id := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	ids, paths := map[string]bool{}, map[string]bool{}
	for _, s := range All() {
		p := s.Profile
		if p == nil || !id.MatchString(p.ID) || p.DisplayName == "" || p.Description == "" {
			t.Errorf("service %+v: profile incomplete", s)
			continue
		}
		if ids[p.ID] {
			t.Errorf("%s: listed twice", p.ID)
		}
		ids[p.ID] = true
		if p.Decode == nil && s.NoLive == "" && !generic[p.ID] {
			t.Errorf("%s: no decoder", p.ID)
		}
		if (s.Plan == nil) == (s.NoLive == "") {
			t.Errorf("%s: needs exactly one of Plan and NoLive", p.ID)
		}
		if (s.Emulation == nil) == (s.NoEmulation == "") {
			t.Errorf("%s: needs exactly one of Emulation and NoEmulation", p.ID)
		}
		if e := s.Emulation; e != nil {
			if paths[e.Path] || e.Routes == nil {
				t.Errorf("%s: emulation path %q listed twice or without routes", p.ID, e.Path)
			}
			paths[e.Path] = true
		}
	}
	if len(Catalog().IDs()) != len(All()) {
		t.Errorf("Catalog has %d ids, All %d services", len(Catalog().IDs()), len(All()))
	}
}
