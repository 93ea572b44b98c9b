package provider

import (
	"context"
	"crypto/x509"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// connectorNameRE is what a connector name may be: text the import id
// `<service>/<name>` carries back unchanged, so no "/", no control
// characters, and no white space at either end. The empty string matches
// here; LengthAtLeast reports it with a message of its own.
var connectorNameRE = regexp.MustCompile(`^(?:[^\s\p{Z}\p{Cc}/](?:[^\p{Cc}/]*[^\s\p{Z}\p{Cc}/])?)?$`)

const connectorNameRule = "be text without \"/\" or control characters, and without white space at either end " +
	"(the import id is <service>/<name>)"

// connectorNameDoc states the rule in the name's description.
const connectorNameDoc = "Not empty, without `/` or control characters, and without white space at either end."

// nameValidators check a connector's name at validate time, before anything
// is built from it (the id, the import id, diagnostics).
func nameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthAtLeast(1),
		stringvalidator.RegexMatches(connectorNameRE, "must "+connectorNameRule),
	}
}

// positiveDuration rejects zero and negative durations. The attribute's
// type (timetypes.GoDurationType) has already reported a value that is not
// a Go duration at all, so such a value is left alone here.
type positiveDuration struct{}

func (positiveDuration) Description(context.Context) string {
	return "value must be a positive Go duration such as 720h or 15s"
}

func (v positiveDuration) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (positiveDuration) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if d, err := time.ParseDuration(req.ConfigValue.ValueString()); err == nil && d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("The duration must be greater than zero, got %q: use a number and a unit, such as 720h, 90m or 15s.", req.ConfigValue.ValueString()))
	}
}

// pemCertificatesValidator requires at least one PEM certificate.
type pemCertificatesValidator struct{}

func (pemCertificatesValidator) Description(context.Context) string {
	return "value must hold one or more PEM-encoded certificates"
}

func (v pemCertificatesValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (pemCertificatesValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if !x509.NewCertPool().AppendCertsFromPEM([]byte(req.ConfigValue.ValueString())) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid CA bundle",
			"No PEM-encoded certificate was found. The bundle must contain blocks that begin with -----BEGIN CERTIFICATE-----.")
	}
}
