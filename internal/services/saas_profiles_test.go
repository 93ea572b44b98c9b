package services

import (
	"slices"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/box"
)

// Test scaffolding shared by the SaaS profile tests (slack_test.go …
// aws_test.go): each case builds a Spec, validates it with only the profile
// under test registered, and compares the findings exactly, so a duplicate
// or unexpected finding fails as surely as a missing one.

// TestSaaSProfilesShape checks what the provider layer relies on in every
// profile of this group: stable id, documentation, a base-URL override.
func TestSaaSProfilesShape(t *testing.T) {
	for _, p := range []*connector.Profile{slack(), snowflake(), keycloak(), salesforce(), box.Profile(), servicenow(),
		zendesk(), workday(), atlassian(), smartsheet(), aws()} {
		t.Run(p.ID, func(t *testing.T) {
			if p.DisplayName == "" || p.Description == "" || len(p.Rules) == 0 || len(p.AuthAttrs) == 0 {
				t.Fatalf("profile %s is incomplete", p.ID)
			}
			hasEndpoint := false
			for _, st := range p.Settings {
				if st.Description == "" {
					t.Errorf("setting %s has no description", st.Name)
				}
				if st.Name == "base_url" || st.Name == "login_url" {
					hasEndpoint = true
				}
			}
			if !hasEndpoint {
				t.Errorf("profile %s has no base URL override", p.ID)
			}
			for _, a := range p.AuthAttrs {
				if !slices.Contains(connector.AuthAttrs, a) {
					t.Errorf("unknown auth attribute %q", a)
				}
			}
		})
	}
}
