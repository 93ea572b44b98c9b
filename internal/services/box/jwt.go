package box

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
)

// boxClaims are the claims of Box's JWT assertion (developer.box.com,
// "JWT without SDKs"): iss the client id, sub the enterprise or user id,
// box_sub_type which of the two, aud Box's token URL, a unique jti of 16 to
// 128 characters, and exp at most 60 s ahead.
type boxClaims struct {
	josejwt.Claims
	BoxSubType string `json:"box_sub_type"`
}

// assertion signs the JWT for the subject at now (RS256, kid = the public key id).
func (c *check) assertion(now time.Time) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: c.app.key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", c.app.keyID))
	if err != nil {
		return "", err
	}
	jti := make([]byte, 24)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	typ, id := c.subject()
	claims := boxClaims{Claims: josejwt.Claims{
		Issuer: c.app.clientID, Subject: id, Audience: josejwt.Audience{jwtAudience},
		ID: hex.EncodeToString(jti), Expiry: josejwt.NewNumericDate(now.Add(jwtLifetime)),
	}, BoxSubType: typ}
	return josejwt.Signed(signer).Claims(claims).Serialize()
}

// stepJWT requests a token with a signed assertion. The assertion uses the
// real clock, not the check's (possibly injected) one: Box compares exp
// with its own.
func (c *check) stepJWT(ctx context.Context, env *probe.Env) probe.StepResult {
	assertion, err := c.assertion(time.Now())
	if err != nil {
		return probe.Failed(finding.Errorf(finding.InvalidCredentials, c.keyPath(), "The Box private key cannot sign the JWT assertion").
			WithCode("BOX-PRIVATE-KEY").
			WithDetail("Signing failed: %s.", err.Error()).
			WithFix("Use the RSA private key from the app's config file."))
	}
	form := url.Values{
		"grant_type": {jwtBearer}, "assertion": {assertion},
		"client_id": {c.app.clientID}, "client_secret": {c.app.clientSecret},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		return probe.Failed(finding.Errorf(finding.InvalidConfiguration, c.basePath(), "box.base_url is not a usable URL"))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := send(env, req, probe.StepToken)
	if err != nil {
		return c.netFailure(err, "JWT token request")
	}
	if resp.StatusCode/100 != 2 {
		return c.refused(env, resp, "JWT token request")
	}
	var tr struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
		TokenType   string `json:"token_type"`
	}
	if json.Unmarshal(resp.Body, &tr) != nil || tr.AccessToken == "" {
		return probe.Failed(finding.Errorf(finding.UnexpectedResponse, c.basePath(), "Box's token endpoint did not answer a token").
			WithCode("BOX-TOKEN-RESPONSE").
			WithDetail("The JWT grant answered HTTP %d without an access_token; a proxy or portal may have answered instead of Box.", resp.StatusCode).
			WithFix("Check box.base_url: the token endpoint is <base_url>/oauth2/token, https://api.box.com/oauth2/token by default."))
	}
	tok := &oauth2.Token{AccessToken: tr.AccessToken, TokenType: "Bearer"}
	if tr.ExpiresIn > 0 {
		tok.Expiry = time.Now().Add(time.Duration(tr.ExpiresIn) * time.Second)
	}
	env.UseToken(tok)
	typ, id := c.subject()
	return probe.StepResult{Outcome: probe.OutcomeOK, Message: "JWT grant returned an access token for " + typ + " " + id}
}
