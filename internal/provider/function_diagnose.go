package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/diagnose"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
)

var _ function.Function = (*diagnoseFunction)(nil)

// diagnoseResultTypes is the object diagnose returns (DESIGN.md; stable).
var diagnoseResultTypes = map[string]attr.Type{
	"category":    types.StringType,
	"code":        types.StringType,
	"summary":     types.StringType,
	"cause":       types.StringType,
	"remediation": types.ListType{ElemType: types.StringType},
	"retryable":   types.BoolType,
}

// diagnoseCatalog is built once: functions are not configured, and the
// catalog is the same for every call.
var diagnoseCatalog = sync.OnceValue(func() *connector.Catalog { return services.Catalog() })

// diagnoseFunction is provider::handshake::diagnose(service, http_status, message).
type diagnoseFunction struct{}

// NewDiagnoseFunction returns the diagnose function.
func NewDiagnoseFunction() function.Function { return &diagnoseFunction{} }

func (f *diagnoseFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "diagnose"
}

func (f *diagnoseFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	ids := diagnoseCatalog().IDs()
	resp.Definition = function.Definition{
		Summary: "Explain an error a SaaS or identity service returned",
		Description: "Classifies one error answer (an HTTP status and the raw body or exception text) into a " +
			"stable category, the vendor's error code, a summary, its cause and the steps that fix it, " +
			"using the same decoders as Handshake's live checks.",
		MarkdownDescription: "Classifies one error answer — an HTTP status and the raw response body or the " +
			"exception text a client library printed — into a stable `category`, the vendor's error `code`, " +
			"a `summary`, its `cause` and the `remediation` steps, using the same decoders as Handshake's live " +
			"checks. It reads raw bodies as services send them (trace ids, CRLFs, extra fields, JSON wrapped " +
			"in exception text, Python dict reprs), transport errors as Go, Java, Python, Node.js and curl print " +
			"them (connection refused, no such host, x509 errors, timeouts), and infers the vendor when " +
			"`service` is `\"\"`. Secrets found in the message (bearer tokens, `xox…-`, `ghp_…`, JWTs, " +
			"`access_token=…`) are never echoed.\n\n" +
			"The result is an object with `category` (one of Handshake's finding categories, such as " +
			"`expired_credentials`, `network_error` or `unexpected_response`), `code` (the vendor's code, " +
			"`HTTP <status>`, or the transport error; may be empty), `summary`, `cause`, `remediation` " +
			"(a list of steps, possibly empty) and `retryable` (whether retrying unchanged may succeed).",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name: "service",
				MarkdownDescription: "The service the error came from, or `\"\"` to infer it from the message. " +
					"One of " + quoteIDs(ids) + ".",
			},
			function.Int64Parameter{
				Name:                "http_status",
				MarkdownDescription: "The HTTP status of the answer, or `0` when unknown (a transport error, or a status named in the message).",
				Validators:          []function.Int64ParameterValidator{int64validator.Between(0, 599)},
			},
			function.StringParameter{
				Name:                "message",
				MarkdownDescription: "The raw response body or error text, as received. At most 64 KiB is read.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: diagnoseResultTypes},
	}
}

func (f *diagnoseFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var (
		service, message string
		status           int64
	)
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &service, &status, &message))
	if resp.Error != nil {
		return
	}
	catalog := diagnoseCatalog()
	if service != "" {
		if _, ok := catalog.Get(service); !ok {
			resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf(
				"unknown service %q: use \"\" to infer it from the message, or one of %s.",
				service, strings.Join(catalog.IDs(), ", ")))
			return
		}
	}
	// The parameter validator rejects these already; this guards direct callers.
	if status < 0 || status > 599 {
		resp.Error = function.NewArgumentFuncError(1, fmt.Sprintf(
			"http_status must be between 0 (unknown) and 599, got %d.", status))
		return
	}

	r := diagnose.Diagnose(catalog, service, int(status), message)
	result, diags := types.ObjectValue(diagnoseResultTypes, resultAttributes(r))
	resp.Error = function.ConcatFuncErrors(resp.Error, function.FuncErrorFromDiags(ctx, diags))
	if resp.Error != nil {
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, result))
}

func resultAttributes(r diagnose.Result) map[string]attr.Value {
	fixes := make([]attr.Value, len(r.Remediation))
	for i, s := range r.Remediation {
		fixes[i] = types.StringValue(s)
	}
	category := r.Category
	if category == "" {
		category = finding.UnexpectedResponse
	}
	return map[string]attr.Value{
		"category":    types.StringValue(string(category)),
		"code":        types.StringValue(r.Code),
		"summary":     types.StringValue(r.Summary),
		"cause":       types.StringValue(r.Cause),
		"remediation": types.ListValueMust(types.StringType, fixes),
		"retryable":   types.BoolValue(r.Retryable),
	}
}

func quoteIDs(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = "`" + id + "`"
	}
	return strings.Join(q, ", ")
}
