package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func TestConnectorNameRE(t *testing.T) {
	for name, want := range map[string]bool{
		"":                     true, // LengthAtLeast reports it
		"okta":                 true,
		"Okta prod (EU)":       true,
		"sync-client_2.é":      true,
		"x":                    true,
		" okta":                false,
		"okta ":                false,
		"\tokta":               false,
		"okta\u00a0":           false, // no-break space
		"okta/prod":            false,
		"/":                    false,
		"two\nlines":           false,
		"bell\x07":             false,
		"okta prod/eu":         false,
		"a b":                  true,
		"name.with.dots-and_1": true,
	} {
		if got := connectorNameRE.MatchString(name); got != want {
			t.Errorf("connectorNameRE.MatchString(%q) = %v, want %v", name, got, want)
		}
	}
}

// A bad name fails at validate time on the attribute, on every surface,
// instead of at apply with an unknown id.
func TestAccConnector_invalidName(t *testing.T) {
	t.Parallel()
	body := `  service = "okta"
  okta = { domain = "dev-1.okta.com" }
  auth = { token = "00s3cr3t-value-from-okta-admin-console-xyz" }`
	tests := []struct {
		name, block, value, want string
	}{
		{"empty", `resource "handshake_connector"`, "", `(?s)Invalid Attribute Value Length.*name.*at least 1, got: 0`},
		{"leading space", `resource "handshake_connector"`, " okta", `(?s)Invalid Attribute Value Match.*name.*white space at either end.*import id`},
		{"trailing newline", `resource "handshake_connector"`, "okta\n", `(?s)Invalid Attribute Value Match.*name`},
		{"slash", `resource "handshake_connector"`, "okta/prod", `(?s)Invalid Attribute Value Match.*without "/"`},
		{"data source empty", `data "handshake_connection_test"`, "", `(?s)Invalid Attribute Value Length.*name`},
		{"ephemeral slash", `ephemeral "handshake_access_token"`, "a/b", `(?s)Invalid Attribute Value Match.*name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      offlineProvider + fmt.Sprintf("%s \"test\" {\n  name = %q\n%s\n}\n", tt.block, tt.value, body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}
