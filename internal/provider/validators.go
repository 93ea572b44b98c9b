package provider

import (
	"context"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

type validatorString = validator.String

// durationValidator accepts Go durations such as 720h or 15s.
type durationValidator struct{ positive bool }

func (v durationValidator) Description(context.Context) string {
	return "value must be a Go duration such as 720h or 15s"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%q is not a Go duration: use a number and a unit, such as 720h, 90m or 15s.", req.ConfigValue.ValueString()))
		return
	}
	if v.positive && d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration", "The duration must be greater than zero.")
	}
}

// rfc3339Validator accepts RFC 3339 timestamps such as 2027-02-01T00:00:00Z.
type rfc3339Validator struct{}

func (rfc3339Validator) Description(context.Context) string {
	return "value must be an RFC 3339 timestamp such as 2027-02-01T00:00:00Z"
}

func (v rfc3339Validator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (rfc3339Validator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := time.Parse(time.RFC3339, req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid timestamp",
			fmt.Sprintf("%q is not an RFC 3339 timestamp; write it like 2027-02-01T00:00:00Z.", req.ConfigValue.ValueString()))
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
