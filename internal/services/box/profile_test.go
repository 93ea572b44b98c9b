package box

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func TestBoxProfile(t *testing.T) {
	client := servicetest.WithClient("k3xq9z8w7v6u5t4s3r2q1p0o9n8m7l6k", "Qm94U2VjcmV0VmFsdWVGb3JUZXN0czEy")
	servicetest.RunProfileCases(t, Profile(), []servicetest.ProfileCase{
		{Name: "valid enterprise connector", Spec: servicetest.NewSpec("box", servicetest.Set("enterprise_id", "1234567"), client)},
		{Name: "valid user connector", Spec: servicetest.NewSpec("box", servicetest.Set("subject_type", "user", "subject_id", "22334455"), client,
			servicetest.WithRedirects("https://app.example.com/box/callback"))},
		{Name: "explicit enterprise subject", Spec: servicetest.NewSpec("box",
			servicetest.Set("subject_type", "enterprise", "subject_id", "1234567", "enterprise_id", "1234567", "base_url", "http://127.0.0.1:8090"), client)},
		{Name: "enterprise id not numeric", Spec: servicetest.NewSpec("box", servicetest.Set("enterprise_id", "acme-corp"), client),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "BOX-ID", "box.enterprise_id")}},
		{Name: "user e-mail as subject", Spec: servicetest.NewSpec("box", servicetest.Set("subject_type", "user", "subject_id", "jane@acme.com"), client),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "BOX-ID", "box.subject_id")}},
		{Name: "user subject without id", Spec: servicetest.NewSpec("box", servicetest.Set("subject_type", "user", "enterprise_id", "1234567"), client),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "BOX-SUBJECT", "box.subject_id")}},
		{Name: "no subject at all", Spec: servicetest.NewSpec("box", nil, client),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "BOX-SUBJECT", "box.enterprise_id")}},
		{Name: "enterprise subject is a user id", Spec: servicetest.NewSpec("box",
			servicetest.Set("subject_type", "enterprise", "subject_id", "22334455", "enterprise_id", "1234567"), client),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "BOX-SUBJECT", "box.subject_id")}},
		{Name: "unknown subject is not judged", Spec: servicetest.NewSpec("box", nil, client, servicetest.WithUnknown("box.enterprise_id"))},
		{Name: "odd client id", Spec: servicetest.NewSpec("box", servicetest.Set("enterprise_id", "1234567"), servicetest.WithClient("1234567", "x")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "BOX-CLIENT-ID", "auth.client_id")}},
		{Name: "token is not used by Box", Spec: servicetest.NewSpec("box", servicetest.Set("enterprise_id", "1234567"), client, servicetest.WithToken("devtoken123456")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "", "auth.token_wo")}},
		{Name: "plain http base_url", Spec: servicetest.NewSpec("box", servicetest.Set("enterprise_id", "1", "base_url", "http://api.box.example"), client),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ENDPOINT-TLS", "box.base_url")}},
	})
}
