package provider

import (
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// A credential 20 days from expiry (on the test clock) is "expiring" under
// the default 30-day window and "valid" under a 10-day one.
const windowProbeCredential = `
resource "handshake_credential" "c" {
  type       = "api_key"
  value      = "k-0123456789abcdef"
  expires_at = "2027-01-21T00:00:00Z"
}`

func windowProbeClock() *testClock {
	c := &testClock{}
	c.Set(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	return c
}

func TestAccProvider_expiryWarningArgument(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithClock(windowProbeClock()),
		Steps: []resource.TestStep{
			{
				Config: windowProbeCredential,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("handshake_credential.c", tfjsonpath.New("expiry_status"), knownvalue.StringExact("expiring")),
				},
			},
			{
				Config: `provider "handshake" { expiry_warning = "240h" }` + windowProbeCredential,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("handshake_credential.c", tfjsonpath.New("expiry_status"), knownvalue.StringExact("valid")),
				},
			},
		},
	})
}

func TestAccProvider_expiryWarningEnvironment(t *testing.T) {
	t.Setenv(envExpiryWarning, "240h")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithClock(windowProbeClock()),
		Steps: []resource.TestStep{{
			Config: windowProbeCredential,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("handshake_credential.c", tfjsonpath.New("expiry_status"), knownvalue.StringExact("valid")),
			},
		}},
	})
}

func TestAccProvider_invalidSettings(t *testing.T) {
	tests := []struct {
		name, config, env, envValue, want string
	}{
		{"expiry_warning not a duration", `provider "handshake" { expiry_warning = "30 days" }`, "", "", `(?s)Invalid Time Duration String Value.*expiry_warning = "30 days".*not a valid Go Time Duration.*"2h45m".*Given Value: 30 days`},
		{"timeout negative", `provider "handshake" { timeout = "-5s" }`, "", "", `(?s)Invalid duration.*greater than zero`},
		{"ca_bundle not PEM", `provider "handshake" { ca_bundle = "not a certificate" }`, "", "", `(?s)Invalid CA bundle.*BEGIN CERTIFICATE`},
		{"timeout environment", ``, envTimeout, "soon", `(?s)Invalid duration.*environment variable HANDSHAKE_TIMEOUT`},
		{"live_checks environment", ``, envLiveChecks, "maybe", `(?s)Invalid HANDSHAKE_LIVE_CHECKS.*true or false`},
		{"ca_bundle environment", ``, envCABundle, "nope", `(?s)Invalid HANDSHAKE_CA_BUNDLE.*no PEM-encoded\s+certificate`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv(tt.env, tt.envValue)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tt.config + windowProbeCredential,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}
