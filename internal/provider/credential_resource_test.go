package provider

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// jwtExpiring returns a JWT-shaped token whose exp claim is at.
func jwtExpiring(at time.Time) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." +
		enc([]byte(fmt.Sprintf(`{"sub":"svc-sync","exp":%d}`, at.Unix()))) + ".c2lnbmF0dXJlLW5vdC1jaGVja2Vk"
}

func credentialAddr(name string) string { return "handshake_credential." + name }

func TestAccCredential_basicImportAndStableRefresh(t *testing.T) {
	t.Parallel()
	const secret = "Q~8Rk3.test-secret-value-0123456789abcdef"
	config := fmt.Sprintf(`
resource "handshake_credential" "entra" {
  type       = "client_secret"
  value      = %q
  expires_at = "2099-02-01T00:00:00Z"
}`, secret)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(credentialAddr("entra"), tfjsonpath.New("expiry_status"), knownvalue.StringExact("valid")),
					statecheck.ExpectKnownValue(credentialAddr("entra"), tfjsonpath.New("fingerprint"), knownvalue.StringRegexp(regexp.MustCompile(`^sha256:[0-9a-f]{16}$`))),
					statecheck.ExpectKnownValue(credentialAddr("entra"), tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^cred-[0-9a-f]{16}$`))),
				},
			},
			// An unchanged credential refreshes without a diff.
			{RefreshState: true, RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{Config: config, PlanOnly: true},
			{
				Config:            config,
				ResourceName:      credentialAddr("entra"),
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					rs := s.RootModule().Resources[credentialAddr("entra")]
					return rs.Primary.ID + ",client_secret,2099-02-01T00:00:00Z", nil
				},
				ImportStateVerifyIgnore: []string{"value", "fingerprint"},
			},
		},
	})
}

// Serial: traceLog sets TF_LOG and TF_ACC_LOG_PATH, read from the process environment.
func TestAccCredential_writeOnlyNeverStored(t *testing.T) {
	exp := time.Now().Add(400 * 24 * time.Hour).Truncate(time.Second).UTC()
	secret := jwtExpiring(exp)
	check := traceLog(t, secret)
	// Passed the way CI passes secrets, so that the only copy Terraform sees
	// is the variable's value.
	t.Setenv("TF_VAR_token", secret)
	config := func(version int) string {
		return fmt.Sprintf(`
variable "token" {
  type      = string
  sensitive = true
}
resource "handshake_credential" "sync" {
  type             = "token"
  value_wo         = var.token
  value_wo_version = %d
}`, version)
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:           config(1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{noSecretInPlan{[]string{secret}}}},
				ConfigStateChecks: []statecheck.StateCheck{
					noSecretInState{[]string{secret}},
					statecheck.ExpectKnownValue(credentialAddr("sync"), tfjsonpath.New("value_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(credentialAddr("sync"), tfjsonpath.New("expiry_status"), knownvalue.StringExact("valid")),
					// The JWT's exp claim is discovered from the write-only value.
					statecheck.ExpectKnownValue(credentialAddr("sync"), tfjsonpath.New("expires_at"), knownvalue.StringExact(exp.Format(time.RFC3339))),
				},
			},
			// Rotation: bumping value_wo_version is the only change Terraform
			// sees, and it must plan an in-place update.
			{
				Config: config(2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(credentialAddr("sync"), plancheck.ResourceActionUpdate),
					noSecretInPlan{[]string{secret}},
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					noSecretInState{[]string{secret}},
					statecheck.ExpectKnownValue(credentialAddr("sync"), tfjsonpath.New("value_wo_version"), knownvalue.StringExact("2")),
				},
			},
		},
	})
	check()
}

func TestAccCredential_expiryDrift(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	clock.Set(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	config := `
resource "handshake_credential" "okta" {
  type          = "api_key"
  value         = "00QCjAl4MlV-WPXM-ABCDEFGhijklmn0123456789"
  expires_at    = "2027-01-01T00:00:00Z"
  rotate_before = "336h"
}`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithClock(clock),
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(credentialAddr("okta"), tfjsonpath.New("expiry_status"), knownvalue.StringExact("valid")),
			}},
			// Ten days before expiry: inside the 14-day window. The refresh
			// changes expiry_status: drift a refresh-only plan reports.
			{
				PreConfig:    func() { clock.Set(time.Date(2026, 12, 22, 0, 0, 0, 0, time.UTC)) },
				RefreshState: true,
				Check:        resource.TestCheckResourceAttr(credentialAddr("okta"), "expiry_status", "expiring"),
			},
			// After expiry the plan fails and says why.
			{
				PreConfig:   func() { clock.Set(time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)) },
				Config:      config,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)api key expired on 2027-01-01T00:00:00Z.*expires_at.*Category: expired_credentials`),
			},
		},
	})
}

// Bad values, and malformed times, fail at validate time on their attribute
// and say what is expected (times: timetypes' diagnostics and
// positiveDuration's).
func TestAccCredential_invalidValues(t *testing.T) {
	t.Parallel()
	const secret = "Q~8Rk3.aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456"
	tests := []struct {
		name, typ, value, extra string
		want                    string
	}{
		{"certificate garbage", "certificate", "not a certificate", "", `(?s)certificate does not parse.*Category: invalid_credentials`},
		{"empty api key", "api_key", "   ", "", `(?s)api key is empty.*Category: invalid_credentials`},
		{"private key garbage", "private_key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "", `(?s)private key does not parse.*Category: invalid_credentials`},
		{"service account key not json", "service_account_key", "{not json", "", `(?s)service account key does not parse.*Category: invalid_credentials`},
		{"expires_at not RFC 3339", "client_secret", secret, `expires_at = "2027-02-01 00:00"`,
			`(?s)Invalid RFC3339 String Value.*expires_at\s+=\s+"2027-02-01 00:00".*not valid RFC3339.*2006-01-02T15:04:05Z07:00`},
		{"rotate_before not a duration", "client_secret", secret, `rotate_before = "2 weeks"`,
			`(?s)Invalid Time Duration String Value.*rotate_before\s+=\s+"2 weeks".*Given Value: 2 weeks`},
		{"rotate_before zero", "client_secret", secret, `rotate_before = "0s"`, `(?s)Invalid duration.*rotate_before.*greater than zero, got "0s"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf(`
resource "handshake_credential" "bad" {
  type  = %q
  value = %q
  %s
}`, tt.typ, tt.value, tt.extra),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}
