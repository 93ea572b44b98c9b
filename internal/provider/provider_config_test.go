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
	resource.ParallelTest(t, resource.TestCase{
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

// Serial: it is about the environment variable, process-wide by design.
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

// invalidSetting plans the probe credential under a provider block (config,
// possibly empty) and wants the error want.
func invalidSetting(config, want string) resource.TestCase {
	return resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config + windowProbeCredential,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(want),
		}},
	}
}

func TestAccProvider_invalidArguments(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, config, want string }{
		{"expiry_warning not a duration", `provider "handshake" { expiry_warning = "30 days" }`, `(?s)Invalid Time Duration String Value.*expiry_warning = "30 days".*not a valid Go Time Duration.*"2h45m".*Given Value: 30 days`},
		{"timeout negative", `provider "handshake" { timeout = "-5s" }`, `(?s)Invalid duration.*greater than zero`},
		{"ca_bundle not PEM", `provider "handshake" { ca_bundle = "not a certificate" }`, `(?s)Invalid CA bundle.*BEGIN CERTIFICATE`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resource.ParallelTest(t, invalidSetting(tt.config, tt.want))
		})
	}
}

// Serial: it is about the environment variables, process-wide by design.
func TestAccProvider_invalidEnvironment(t *testing.T) {
	for _, tt := range []struct{ name, env, value, want string }{
		{"timeout environment", envTimeout, "soon", `(?s)Invalid duration.*environment variable HANDSHAKE_TIMEOUT`},
		{"live_checks environment", envLiveChecks, "maybe", `(?s)Invalid HANDSHAKE_LIVE_CHECKS.*true or false`},
		{"ca_bundle environment", envCABundle, "nope", `(?s)Invalid HANDSHAKE_CA_BUNDLE.*no PEM-encoded\s+certificate`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(tt.env, tt.value)
			resource.Test(t, invalidSetting("", tt.want))
		})
	}
}
