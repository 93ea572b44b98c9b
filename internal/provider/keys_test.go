package provider

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"sync"
)

// Test keys are generated at run time so that no private key is checked in.
var testKeys = sync.OnceValues(func() (string, string) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic(err)
	}
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	sa, err := json.Marshal(map[string]string{
		"type":           "service_account",
		"project_id":     "handshake-test",
		"private_key_id": "4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b",
		"private_key":    pemKey,
		"client_email":   "directory-sync@handshake-test.iam.gserviceaccount.com",
		"client_id":      "112233445566778899001",
		"token_uri":      "https://oauth2.googleapis.com/token",
	})
	if err != nil {
		panic(err)
	}
	return pemKey, string(sa)
})

// testPrivateKeyPEM is an RSA private key in PKCS#8 PEM form.
func testPrivateKeyPEM() string { k, _ := testKeys(); return k }

// testServiceAccountKey is a Google service-account key file.
func testServiceAccountKey() string { _, sa := testKeys(); return sa }
