package services

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestBoxProfile(t *testing.T) {
	client := withClient("k3xq9z8w7v6u5t4s3r2q1p0o9n8m7l6k", "Qm94U2VjcmV0VmFsdWVGb3JUZXN0czEy")
	runProfileCases(t, box(), []profileCase{
		{name: "valid enterprise connector", spec: newSpec("box", set("enterprise_id", "1234567"), client)},
		{name: "valid user connector", spec: newSpec("box", set("subject_type", "user", "subject_id", "22334455"), client,
			withRedirects("https://app.example.com/box/callback"))},
		{name: "explicit enterprise subject", spec: newSpec("box",
			set("subject_type", "enterprise", "subject_id", "1234567", "enterprise_id", "1234567", "base_url", "http://127.0.0.1:8090"), client)},
		{name: "enterprise id not numeric", spec: newSpec("box", set("enterprise_id", "acme-corp"), client),
			want: []want{wantErr(finding.InvalidConfiguration, "BOX-ID", "box.enterprise_id")}},
		{name: "user e-mail as subject", spec: newSpec("box", set("subject_type", "user", "subject_id", "jane@acme.com"), client),
			want: []want{wantErr(finding.InvalidConfiguration, "BOX-ID", "box.subject_id")}},
		{name: "user subject without id", spec: newSpec("box", set("subject_type", "user", "enterprise_id", "1234567"), client),
			want: []want{wantErr(finding.InvalidConfiguration, "BOX-SUBJECT", "box.subject_id")}},
		{name: "no subject at all", spec: newSpec("box", nil, client),
			want: []want{wantErr(finding.InvalidConfiguration, "BOX-SUBJECT", "box.enterprise_id")}},
		{name: "enterprise subject is a user id", spec: newSpec("box",
			set("subject_type", "enterprise", "subject_id", "22334455", "enterprise_id", "1234567"), client),
			want: []want{wantErr(finding.InvalidConfiguration, "BOX-SUBJECT", "box.subject_id")}},
		{name: "unknown subject is not judged", spec: newSpec("box", nil, client, withUnknown("box.enterprise_id"))},
		{name: "odd client id", spec: newSpec("box", set("enterprise_id", "1234567"), withClient("1234567", "x")),
			want: []want{wantWarn(finding.InvalidConfiguration, "BOX-CLIENT-ID", "auth.client_id")}},
		{name: "token is not used by Box", spec: newSpec("box", set("enterprise_id", "1234567"), client, withToken("devtoken123456")),
			want: []want{wantWarn(finding.InvalidConfiguration, "", "auth.token_wo")}},
		{name: "plain http base_url", spec: newSpec("box", set("enterprise_id", "1", "base_url", "http://api.box.example"), client),
			want: []want{wantErr(finding.InvalidConfiguration, "ENDPOINT-TLS", "box.base_url")}},
	})
}
