package box

import (
	"encoding/json"
	"encoding/pem"
	"testing"

	"github.com/youmark/pkcs8"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// Test material shaped like what Box's Developer Console hands out.

const (
	testClientID   = "k3xq9z8w7v6u5t4s3r2q1p0o9n8m7l6k"
	testPassphrase = "8a6f0c1e5b2d4f7a9c3e1b5d7f9a2c4e"
)

// encryptedKey is servicetest.TestRSA2048 as an ENCRYPTED PRIVATE KEY
// (PKCS#8, PBES2 with AES-256-CBC, as Box generates), under passphrase.
func encryptedKey(t testing.TB, passphrase string) string {
	t.Helper()
	k, err := connector.ParsePrivateKeyPEM(servicetest.TestRSA2048())
	if err != nil {
		t.Fatal(err)
	}
	der, err := pkcs8.MarshalPrivateKey(k, []byte(passphrase), nil)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: der}))
}

// configFile is a Box JSON config file with the encrypted key; edit changes
// its fields before it is serialised.
func configFile(t testing.TB, secret string, edit func(app, auth map[string]any, root map[string]any)) string {
	t.Helper()
	auth := map[string]any{"publicKeyID": EmulatedKeyID, "privateKey": encryptedKey(t, testPassphrase), "passphrase": testPassphrase}
	app := map[string]any{"clientID": testClientID, "clientSecret": secret, "appAuth": auth}
	root := map[string]any{"boxAppSettings": app, "enterpriseID": EmulatedEnterprise}
	if edit != nil {
		edit(app, auth, root)
	}
	b, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseKeyForms(t *testing.T) {
	plain := servicetest.TestRSA2048()
	for name, tc := range map[string]struct {
		pem, pass string
		wantErr   error
	}{
		"unencrypted PKCS#8":       {pem: plain},
		"encrypted":                {pem: encryptedKey(t, "pw-1234567890"), pass: "pw-1234567890"},
		"encrypted, no passphrase": {pem: encryptedKey(t, "pw-1234567890"), wantErr: errNeedPassphrase},
		"encrypted, wrong one":     {pem: encryptedKey(t, "pw-1234567890"), pass: "nope", wantErr: errWrongPassphrase},
	} {
		t.Run(name, func(t *testing.T) {
			k, err := parseKey(tc.pem, tc.pass)
			if err != tc.wantErr {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
			if err == nil && k.N.BitLen() != 2048 {
				t.Fatalf("key of %d bits", k.N.BitLen())
			}
		})
	}
	if k, err := parseKey(servicetest.RsaPEM(1024), ""); err != nil || k.N.BitLen() != 1024 {
		t.Fatalf("1024-bit key: %v", err)
	}
}
