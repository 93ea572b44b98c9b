package box

import (
	"crypto"
	"crypto/rsa"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/youmark/pkcs8"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// JWT app auth material. The Developer Console's "Generate a Public/Private
// Keypair" downloads a JSON config file holding the client id and secret,
// the public key's id, the private key as an ENCRYPTED PRIVATE KEY (PKCS#8,
// PBES2) and its passphrase, and the enterprise id:
//
//	{"boxAppSettings":{"clientID":"…","clientSecret":"…","appAuth":{
//	  "publicKeyID":"abcd1234","privateKey":"-----BEGIN ENCRYPTED PRIVATE KEY-----\n…",
//	  "passphrase":"…"}},"enterpriseID":"1234567"}
//
// auth.private_key takes that file whole, or just a PEM key (with
// box.public_key_id, and auth.password as the passphrase of an encrypted
// one). The standard library cannot decrypt PKCS#8, so github.com/youmark/pkcs8
// does; unencrypted keys go through connector.ParsePrivateKeyPEM.

// Ways of authenticating.
const (
	flowCCG     = "client credentials"
	flowJWT     = "JWT"
	flowRefresh = "refresh token"
)

// flowOf is the connector's way of authenticating: a private key means JWT,
// a token a user's refresh token, else the Client Credentials Grant.
func flowOf(s *connector.Spec) string {
	switch {
	case s.Auth.PrivateKey.IsSet():
		return flowJWT
	case s.Auth.Token.IsSet():
		return flowRefresh
	}
	return flowCCG
}

// appConfig is Box's JSON config file, as far as Handshake reads it.
type appConfig struct {
	ClientID, ClientSecret, KeyID, PrivateKey, Passphrase, EnterpriseID string
}

// isJSONConfig reports whether auth.private_key holds a JSON document rather
// than a PEM key.
func isJSONConfig(v string) bool { return strings.HasPrefix(strings.TrimSpace(v), "{") }

// configOf reads the JSON config file in auth.private_key. ok is false when
// the key is a PEM key, not set, or not readable JSON (boxAppKey says why).
func configOf(s *connector.Spec) (appConfig, bool) {
	v := s.Auth.PrivateKey.Value
	if !isJSONConfig(v) {
		return appConfig{}, false
	}
	var raw struct {
		Settings struct {
			ClientID     string `json:"clientID"`
			ClientSecret string `json:"clientSecret"`
			AppAuth      struct {
				PublicKeyID string `json:"publicKeyID"`
				PrivateKey  string `json:"privateKey"`
				Passphrase  string `json:"passphrase"`
			} `json:"appAuth"`
		} `json:"boxAppSettings"`
		EnterpriseID json.RawMessage `json:"enterpriseID"`
	}
	if json.Unmarshal([]byte(strings.TrimSpace(v)), &raw) != nil {
		return appConfig{}, false
	}
	a := raw.Settings.AppAuth
	return appConfig{ClientID: strings.TrimSpace(raw.Settings.ClientID), ClientSecret: raw.Settings.ClientSecret,
		KeyID: strings.TrimSpace(a.PublicKeyID), PrivateKey: a.PrivateKey, Passphrase: a.Passphrase,
		EnterpriseID: strings.Trim(strings.TrimSpace(string(raw.EnterpriseID)), `"`)}, true
}

// enterpriseOf is box.enterprise_id, else the config file's enterpriseID.
func enterpriseOf(s *connector.Spec) string {
	if v, ok := kit.Known(s, "enterprise_id"); ok {
		return v
	}
	cfg, _ := configOf(s)
	return cfg.EnterpriseID
}

// appAuth is everything a JWT assertion needs, with the configuration's
// values taking precedence over the config file's.
type appAuth struct {
	clientID, clientSecret, keyID string
	key                           *rsa.PrivateKey
}

// keyProblem is why the key material cannot sign, and which attribute is at fault.
type keyProblem struct {
	path            finding.Path
	summary, detail string
	fixes           []string
	wrongPassphrase bool
}

// readAppAuth assembles the JWT material of s.
func readAppAuth(s *connector.Spec) (appAuth, *keyProblem) {
	keyPath := kit.SecretPath(s.Auth.PrivateKey, "private_key")
	pemText, passphrase, passPath := s.Auth.PrivateKey.Value, s.Auth.Password.Value, kit.SecretPath(s.Auth.Password, "password")
	a := appAuth{clientID: s.Auth.ClientID, clientSecret: s.Auth.ClientSecret.Value, keyID: s.Setting("public_key_id")}
	if isJSONConfig(pemText) {
		cfg, ok := configOf(s)
		if !ok {
			return a, &keyProblem{path: keyPath, summary: "auth.private_key is not Box's JSON config file",
				detail: "It starts like a JSON document but cannot be read as one (a truncated or edited file).",
				fixes:  []string{"Set it to the whole file the Developer Console downloaded (file(\"…_config.json\")), or to the PEM private key alone."}}
		}
		if cfg.PrivateKey == "" {
			return a, &keyProblem{path: keyPath, summary: "Box's JSON config file has no private key",
				detail: "boxAppSettings.appAuth.privateKey is empty: the file was downloaded before a key pair was generated, or for an app with another authentication method.",
				fixes:  []string{"In Developer Console > the app > Configuration, use Generate a Public/Private Keypair and use the file it downloads."}}
		}
		pemText, passphrase, passPath = cfg.PrivateKey, cfg.Passphrase, keyPath
		a.clientID = kit.OrDefault(a.clientID, cfg.ClientID)
		a.clientSecret = kit.OrDefault(a.clientSecret, cfg.ClientSecret)
		a.keyID = kit.OrDefault(a.keyID, cfg.KeyID)
	}
	key, err := parseKey(pemText, passphrase)
	switch {
	case errors.Is(err, errNeedPassphrase):
		return a, &keyProblem{path: passPath, summary: "The Box private key is encrypted and no passphrase is given",
			detail: "The key is an ENCRYPTED PRIVATE KEY (as Box generates it); its passphrase is needed to sign the JWT assertion.",
			fixes:  []string{"Set auth.password_wo to the passphrase (the config file's appAuth.passphrase), or give the whole JSON config file as auth.private_key_wo."}}
	case errors.Is(err, errWrongPassphrase):
		return a, &keyProblem{path: passPath, wrongPassphrase: true, summary: "The passphrase does not decrypt the Box private key",
			detail: "Decrypting the ENCRYPTED PRIVATE KEY with the given passphrase failed: the passphrase belongs to another key, or the key was re-encrypted.",
			fixes:  []string{"Use the passphrase generated with this key (appAuth.passphrase in the same config file), or download a new config file with a new key pair."}}
	case err != nil:
		return a, &keyProblem{path: keyPath, summary: "The Box private key cannot be read",
			detail: err.Error() + ".",
			fixes:  []string{"Give Box's JSON config file whole, or the PEM private key including its -----BEGIN and -----END lines."}}
	}
	a.key = key
	return a, nil
}

var (
	errNeedPassphrase  = errors.New("the key is encrypted and no passphrase was given")
	errWrongPassphrase = errors.New("the passphrase does not decrypt the key")
)

// parseKey reads an RSA private key from PEM: an ENCRYPTED PRIVATE KEY with
// its passphrase, or any unencrypted form connector.ParsePrivateKeyPEM reads.
func parseKey(pemText, passphrase string) (*rsa.PrivateKey, error) {
	text := strings.TrimSpace(pemText)
	if !strings.Contains(text, "\n") && strings.Contains(text, `\n`) {
		text = strings.ReplaceAll(text, `\n`, "\n") // pasted from JSON or an environment variable
	}
	var signer crypto.Signer
	for rest := []byte(text); ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "ENCRYPTED PRIVATE KEY" {
			continue
		}
		if passphrase == "" {
			return nil, errNeedPassphrase
		}
		k, err := pkcs8.ParsePKCS8PrivateKey(block.Bytes, []byte(passphrase))
		if err != nil {
			if strings.Contains(err.Error(), "unsupported") || strings.Contains(err.Error(), "only") {
				return nil, fmt.Errorf("the key's encryption is not supported (%s); re-encrypt it with openssl pkcs8 -topk8 -v2 aes256", kit.Tidy(err.Error(), 120))
			}
			return nil, errWrongPassphrase
		}
		s, ok := k.(crypto.Signer)
		if !ok {
			return nil, errors.New("the encrypted key is not a private key")
		}
		signer = s
		break
	}
	if signer == nil {
		s, err := connector.ParsePrivateKeyPEM(text)
		if err != nil {
			return nil, err
		}
		signer = s
	}
	rk, ok := signer.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("the key is not an RSA key; Box signs JWT assertions with RSA (RS256/RS384/RS512) only")
	}
	return rk, nil
}

// boxAppKey checks the JWT material offline: the key decrypts and is RSA,
// and the key id is known.
func boxAppKey(s *connector.Spec) []finding.Finding {
	if flowOf(s) != flowJWT || kit.AuthUnknown(s, "private_key") || kit.AuthUnknown(s, "password") ||
		s.SettingUnknown("public_key_id") || strings.TrimSpace(s.Auth.PrivateKey.Value) == "" {
		return nil
	}
	a, p := readAppAuth(s)
	if p != nil {
		cat := finding.InvalidConfiguration
		if p.wrongPassphrase {
			cat = finding.InvalidCredentials
		}
		return []finding.Finding{finding.Errorf(cat, p.path, "%s", p.summary).
			WithCode("BOX-PRIVATE-KEY").WithDetail("%s", p.detail).WithFix(p.fixes...)}
	}
	var out []finding.Finding
	if a.keyID == "" {
		out = append(out, finding.Errorf(finding.InvalidConfiguration, s.SettingPath("public_key_id"),
			"Missing box.public_key_id").
			WithCode("BOX-KEY-ID").
			WithDetail("Box looks the public key up by the JWT's kid header; without it Box answers invalid_grant (\"'kid' invalid, unable to lookup correct key\").").
			WithFix("Set box.public_key_id to the key's ID under Developer Console > the app > Configuration > Add and Manage Public Keys, or give the JSON config file as auth.private_key_wo."))
	}
	if a.key != nil && a.key.N.BitLen() < 2048 {
		out = append(out, finding.Errorf(finding.InvalidCredentials, kit.SecretPath(s.Auth.PrivateKey, "private_key"),
			"The Box private key is shorter than 2048 bits").
			WithCode("BOX-PRIVATE-KEY").
			WithDetail("Box accepts RSA public keys of at least 2048 bits.").
			WithFix("Generate a 2048-bit (or longer) key pair and add its public key to the app."))
	}
	return out
}
