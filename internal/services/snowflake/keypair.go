package snowflake

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Key-pair authentication: each request carries a JWT the client signs
// with RS256 (Snowflake docs, "Key-pair authentication: generate a JWT"):
//
//	iss = <ACCOUNT>.<USER>.SHA256:<base64 SHA-256 of the public key's DER SubjectPublicKeyInfo>
//	sub = <ACCOUNT>.<USER>
//	iat = now, exp ≤ iat + 1 hour
//
// <ACCOUNT> is the account without region, cloud or privatelink, upper
// case; <USER> the login name, upper case. The fingerprint is what DESC USER
// shows as RSA_PUBLIC_KEY_FP.

// jwtLifetime stays under Snowflake's one-hour limit, with room for skew.
const jwtLifetime = 59 * time.Minute

// keyPairJWT signs the login JWT and returns it with the key's fingerprint
// (SHA256:…). Errors never contain key material.
func keyPairJWT(acct, user, pemKey string, now time.Time) (jwt, fp string, err error) {
	signer, err := connector.ParsePrivateKeyPEM(pemKey)
	if err != nil {
		return "", "", errors.New("the private key cannot be read")
	}
	rk, ok := signer.(*rsa.PrivateKey)
	if !ok {
		return "", "", fmt.Errorf("the private key is %s; Snowflake verifies RS256 only", kit.KeyKind(signer))
	}
	fp, err = fingerprint(&rk.PublicKey)
	if err != nil {
		return "", "", err
	}
	sub := acct + "." + strings.ToUpper(strings.TrimSpace(user))
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: rk}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", "", errors.New("the RSA key cannot sign")
	}
	jwt, err = josejwt.Signed(sig).Claims(josejwt.Claims{
		Issuer: sub + "." + fp, Subject: sub,
		IssuedAt: josejwt.NewNumericDate(now), Expiry: josejwt.NewNumericDate(now.Add(jwtLifetime)),
	}).Serialize()
	if err != nil {
		return "", "", errors.New("the JWT cannot be signed")
	}
	return jwt, fp, nil
}

// fingerprint is Snowflake's RSA_PUBLIC_KEY_FP of a public key.
func fingerprint(pub *rsa.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", errors.New("the public key cannot be encoded")
	}
	sum := sha256.Sum256(der)
	return "SHA256:" + base64.StdEncoding.EncodeToString(sum[:]), nil
}

// fingerprintMismatch compares the key's fingerprint with public_key_fp,
// when set: Snowflake answers a wrong key with the generic 390144, this
// says which key is wrong.
func (r *run) fingerprintMismatch(fp string) (finding.Finding, bool) {
	want, ok := kit.Known(r.spec, "public_key_fp")
	if !ok || normalizeFP(want) == fp {
		return finding.Finding{}, false
	}
	return finding.Errorf(finding.InvalidCredentials, r.credentialPath(),
		"The private key is not the key registered on the Snowflake user").
		WithCode("SNOWFLAKE-KEY-FP").
		WithDetail("The public key of auth.private_key has fingerprint %s, but public_key_fp (RSA_PUBLIC_KEY_FP from DESC USER) is %s: Snowflake would refuse every login with 390144.", fp, normalizeFP(want)).
		WithFix("Use the private key whose public key is registered on the user, or register this one: ALTER USER " + strings.ToUpper(r.spec.Auth.Username) + " SET RSA_PUBLIC_KEY_2 = '<public key>' (then move clients and unset the old one), and update public_key_fp."), true
}

// normalizeFP accepts the fingerprint with or without its SHA256: prefix.
func normalizeFP(v string) string {
	v = strings.TrimSpace(v)
	if !strings.HasPrefix(strings.ToUpper(v), "SHA256:") {
		return "SHA256:" + v
	}
	return "SHA256:" + v[len("SHA256:"):]
}
