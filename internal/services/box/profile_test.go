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
		{Name: "refresh token with the app's client", Spec: servicetest.NewSpec("box", nil, client, servicetest.WithToken("sbx_box_rt.healthy.1"))},
		{Name: "refresh token without the client secret", Spec: servicetest.NewSpec("box", nil, servicetest.WithClient(testClientID, ""), servicetest.WithToken("sbx_box_rt.healthy.1")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "BOX-CLIENT-SECRET", "auth.client_secret")}},
		{Name: "JWT config file alone", Spec: servicetest.NewSpec("box", nil, servicetest.WithKey(configFile(t, "healthy.s", nil)))},
		{Name: "JWT config file, other enterprise named", Spec: servicetest.NewSpec("box", servicetest.Set("enterprise_id", "7654321"), servicetest.WithKey(configFile(t, "healthy.s", nil)))},
		{Name: "JWT PEM key with key id and passphrase", Spec: servicetest.NewSpec("box", servicetest.Set("enterprise_id", "1234567", "public_key_id", EmulatedKeyID),
			client, servicetest.WithKey(encryptedKey(t, testPassphrase)), servicetest.WithPassword(testPassphrase))},
		{Name: "JWT encrypted key without passphrase", Spec: servicetest.NewSpec("box", servicetest.Set("enterprise_id", "1234567", "public_key_id", EmulatedKeyID),
			client, servicetest.WithKey(encryptedKey(t, testPassphrase))),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "BOX-PRIVATE-KEY", "auth.password")}},
		{Name: "JWT wrong passphrase", Spec: servicetest.NewSpec("box", servicetest.Set("enterprise_id", "1234567", "public_key_id", EmulatedKeyID),
			client, servicetest.WithKey(encryptedKey(t, testPassphrase)), servicetest.WithPassword("not-the-passphrase")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "BOX-PRIVATE-KEY", "auth.password_wo")}},
		{Name: "JWT config with a wrong passphrase", Spec: servicetest.NewSpec("box", nil, servicetest.WithKey(configFile(t, "healthy.s", func(_, auth, _ map[string]any) {
			auth["passphrase"] = "edited"
		}))),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "BOX-PRIVATE-KEY", "auth.private_key_wo")}},
		{Name: "JWT config without a key", Spec: servicetest.NewSpec("box", nil, servicetest.WithKey(configFile(t, "healthy.s", func(_, auth, _ map[string]any) {
			auth["privateKey"] = ""
		}))),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "BOX-PRIVATE-KEY", "auth.private_key_wo")}},
		{Name: "JWT PEM key without key id", Spec: servicetest.NewSpec("box", servicetest.Set("enterprise_id", "1234567"), client, servicetest.WithKey(servicetest.TestRSA2048())),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "BOX-KEY-ID", "box.public_key_id")}},
		{Name: "JWT config without an enterprise", Spec: servicetest.NewSpec("box", nil, servicetest.WithKey(configFile(t, "healthy.s", func(_, _, root map[string]any) {
			delete(root, "enterpriseID")
		}))),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "BOX-SUBJECT", "box.enterprise_id")}},
		{Name: "no client secret for client credentials", Spec: servicetest.NewSpec("box", servicetest.Set("enterprise_id", "1234567"), servicetest.WithClient(testClientID, "")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "BOX-CLIENT-SECRET", "auth.client_secret")}},
		{Name: "plain http base_url", Spec: servicetest.NewSpec("box", servicetest.Set("enterprise_id", "1", "base_url", "http://api.box.example"), client),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "ENDPOINT-TLS", "box.base_url")}},
	})
}
