package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// A raw Entra ID token-endpoint answer: CRLFs inside error_description,
// trace and correlation ids, timestamps and extra members.
const entraExpiredBody = `{"error":"invalid_client","error_description":"AADSTS7000222: The provided client secret keys for app '0f3b1c2d-0000-4000-8000-000000000001' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.\r\nTrace ID: 6a1e2f3c-1d2e-4f5a-8b9c-0d1e2f3a4b5c\r\nCorrelation ID: 1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e\r\nTimestamp: 2025-02-20 07:21:29Z","error_codes":[7000222],"timestamp":"2025-02-20 07:21:29Z","trace_id":"6a1e2f3c-1d2e-4f5a-8b9c-0d1e2f3a4b5c","correlation_id":"1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e","error_uri":"https://login.microsoftonline.com/error?code=7000222"}`

// diagnoseConfig calls the function with the message from a variable, so
// raw bodies need no HCL escaping.
const diagnoseConfig = `
variable "service" {
  type = string
}
variable "status" {
  type = number
}
variable "message" {
  type = string
}
output "why" {
  value = provider::handshake::diagnose(var.service, var.status, var.message)
}
`

func diagnoseVars(service string, status int, message string) config.Variables {
	return config.Variables{
		"service": config.StringVariable(service),
		"status":  config.IntegerVariable(status),
		"message": config.StringVariable(message),
	}
}

func TestAccDiagnoseFunction_entraBody(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:          diagnoseConfig,
				ConfigVariables: diagnoseVars("entra_id", 401, entraExpiredBody),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("why", knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"category":    knownvalue.StringExact("expired_credentials"),
						"cause":       knownvalue.StringRegexp(regexp.MustCompile(`AADSTS7000222`)),
						"remediation": knownvalue.ListPartial(map[int]knownvalue.Check{0: knownvalue.StringRegexp(regexp.MustCompile(`\S`))}),
						"retryable":   knownvalue.Bool(false),
					})),
					statecheck.ExpectKnownOutputValueAtPath("why", tfjsonpath.New("summary"), knownvalue.StringRegexp(regexp.MustCompile(`(?i)expired`))),
				},
			},
		},
	})
}

func TestAccDiagnoseFunction_inferredService(t *testing.T) {
	t.Parallel()
	// An Okta OAuth body wrapped in a Java client's exception text, with no
	// service and no status: the vendor is inferred or the generic OAuth
	// decoder classifies it.
	msg := "com.okta.sdk.resource.ResourceException: HTTP 400, Okta E0000021 (Bad request): " +
		`{"error":"invalid_scope","error_description":"One or more scopes are not configured for the authorization server resource."}`
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:          diagnoseConfig,
				ConfigVariables: diagnoseVars("", 0, msg),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("why", knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"category":  knownvalue.StringExact("invalid_scope"),
						"code":      knownvalue.StringExact("invalid_scope"),
						"summary":   knownvalue.StringRegexp(regexp.MustCompile(`(?i)scope`)),
						"retryable": knownvalue.Bool(false),
					})),
				},
			},
		},
	})
}

func TestAccDiagnoseFunction_transportError(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Literal arguments, as a user would write them.
				Config: `
output "why" {
  value = provider::handshake::diagnose("okta", 0, "Get \"https://acme.okta.com/api/v1/users/me\": dial tcp 127.0.0.1:443: connect: connection refused")
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("why", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"category":    knownvalue.StringExact("network_error"),
						"code":        knownvalue.StringExact("connection refused"),
						"summary":     knownvalue.StringExact("Connection refused"),
						"cause":       knownvalue.StringRegexp(regexp.MustCompile(`127\.0\.0\.1:443`)),
						"remediation": knownvalue.ListPartial(map[int]knownvalue.Check{0: knownvalue.StringRegexp(regexp.MustCompile(`port`))}),
						"retryable":   knownvalue.Bool(true),
					})),
				},
			},
		},
	})
}

func TestAccDiagnoseFunction_secretsNotEchoed(t *testing.T) {
	t.Parallel()
	msg := "Authorization: Bearer ghp_16C7e42F292c6912E7710c838347Ae178B4a\r\nHTTP/1.1 401 Unauthorized\r\n\r\n" +
		`{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:          diagnoseConfig,
				ConfigVariables: diagnoseVars("", 0, msg),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("why", knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"category": knownvalue.StringExact("invalid_credentials"),
						"cause":    knownvalue.StringRegexp(regexp.MustCompile(`^[^\n]*$`)),
					})),
					statecheck.ExpectKnownOutputValueAtPath("why", tfjsonpath.New("cause"),
						notContains("16C7e42F292c6912E7710c838347Ae178B4a")),
				},
			},
		},
	})
}

func TestAccDiagnoseFunction_argumentErrors(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:          diagnoseConfig,
				ConfigVariables: diagnoseVars("entra", 401, "x"),
				ExpectError:     regexp.MustCompile(`(?s)unknown service "entra".*entra_id`),
			},
			{
				Config:          diagnoseConfig,
				ConfigVariables: diagnoseVars("okta", -1, "x"),
				ExpectError:     regexp.MustCompile(`(?s)between 0 and 599`),
			},
			{
				Config:          diagnoseConfig,
				ConfigVariables: diagnoseVars("okta", 600, "x"),
				ExpectError:     regexp.MustCompile(`(?s)between 0 and 599`),
			},
			{
				Config: `
output "why" {
  value = provider::handshake::diagnose(null, 401, "x")
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid function argument`),
			},
		},
	})
}

func TestAccDiagnoseFunction_unknownArgument(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// terraform_data is built into Terraform: its id is unknown
				// until apply, so the function's result is too.
				Config: `
resource "terraform_data" "msg" {
  input = "x"
}
output "why" {
  value = provider::handshake::diagnose("", 503, terraform_data.msg.id)
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectUnknownOutputValue("why")},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("why", knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"category":  knownvalue.StringExact("service_unavailable"),
						"code":      knownvalue.StringExact("HTTP 503"),
						"retryable": knownvalue.Bool(true),
					})),
				},
			},
		},
	})
}

// TestDiagnoseFunctionRun calls Run directly: the result's type is exactly
// DESIGN.md's object.
func TestDiagnoseFunctionRun(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := NewDiagnoseFunction()

	var def function.DefinitionResponse
	f.Definition(ctx, function.DefinitionRequest{}, &def)
	var valid function.DefinitionValidateResponse
	def.Definition.ValidateImplementation(ctx, function.DefinitionValidateRequest{FuncName: "diagnose"}, &valid)
	if valid.Diagnostics.HasError() {
		t.Fatalf("definition: %v", valid.Diagnostics)
	}
	if names := paramNames(def.Definition.Parameters); names != "service,http_status,message" {
		t.Errorf("parameters = %s", names)
	}

	run := func(service string, status int64, message string) function.RunResponse {
		req := function.RunRequest{Arguments: function.NewArgumentsData([]attr.Value{
			types.StringValue(service), types.Int64Value(status), types.StringValue(message),
		})}
		resp := function.RunResponse{Result: function.NewResultData(types.ObjectUnknown(diagnoseResultTypes))}
		f.Run(ctx, req, &resp)
		return resp
	}

	resp := run("", 429, `{"ok":false,"error":"ratelimited"}`)
	if resp.Error != nil {
		t.Fatalf("error: %v", resp.Error)
	}
	obj, ok := resp.Result.Value().(types.Object)
	if !ok {
		t.Fatalf("result is %T", resp.Result.Value())
	}
	attrs := obj.Attributes()
	if got := attrs["category"].(types.String).ValueString(); got != "rate_limited" {
		t.Errorf("category = %q", got)
	}
	if got := attrs["retryable"].(types.Bool).ValueBool(); !got {
		t.Error("retryable = false")
	}
	if !obj.Type(ctx).Equal(types.ObjectType{AttrTypes: diagnoseResultTypes}) {
		t.Errorf("type = %s", obj.Type(ctx))
	}

	if resp := run("nope", 0, "x"); resp.Error == nil || resp.Error.FunctionArgument == nil || *resp.Error.FunctionArgument != 0 ||
		!strings.Contains(resp.Error.Text, "google_workspace") {
		t.Errorf("unknown service: %+v", resp.Error)
	}
	if resp := run("okta", 1000, "x"); resp.Error == nil || resp.Error.FunctionArgument == nil || *resp.Error.FunctionArgument != 1 {
		t.Errorf("status 1000: %+v", resp.Error)
	}
}

func paramNames(ps []function.Parameter) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.GetName()
	}
	return strings.Join(names, ",")
}

// notContains is a knownvalue check that a string lacks sub.
type notContains string

func (n notContains) CheckValue(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("expected a string, got %T", v)
	}
	if strings.Contains(s, string(n)) {
		return fmt.Errorf("%q contains %q", s, string(n))
	}
	return nil
}

func (n notContains) String() string { return fmt.Sprintf("not containing %q", string(n)) }
