package diagnose_test

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// Keycloak's errors as users paste them: raw bodies, client-library
// exceptions and the seed's wording; the service given and inferred.
func TestDiagnoseKeycloak(t *testing.T) {
	ogDiagnose(t, "keycloak", []ogCase{
		// source: Stirling-PDF#6567 (Spring's HttpClientErrorException around Keycloak's body)
		{"spring wrong secret", 0, `org.springframework.web.client.HttpClientErrorException$Unauthorized: 401 Unauthorized on POST request for "https://auth.ozyria.fr/realms/Ozyria/protocol/openid-connect/token": "{"error":"unauthorized_client","error_description":"Invalid client or Invalid client credentials"}"`,
			finding.InvalidCredentials, "unauthorized_client", "Client secret", false},
		// source: python-keycloak's KeycloakAuthenticationError (code: b'<body>')
		{"python-keycloak wrong secret", 0, `keycloak.exceptions.KeycloakAuthenticationError: 401: b'{"error":"unauthorized_client","error_description":"Invalid client or Invalid client credentials"}'`,
			finding.InvalidCredentials, "unauthorized_client", "Regenerate", false},
		// source: seed 002 (refresh of a viewer's token with a misconfigured secret)
		{"seed refresh wording", 400, `400 Bad Request: Invalid client or Invalid client credentials`,
			finding.InvalidCredentials, "Invalid client or Invalid client credentials", "Credentials", false},
		// source: Keycloak 26.7.1 recording (ekalinin/gloak oidc/token/unknown-client.http), with a trace id a proxy added
		{"unknown client", 401, `{"error":"invalid_client","error_description":"Invalid client or Invalid client credentials","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}`,
			finding.AppNotFound, "invalid_client", "case-sensitive", false},
		// source: louislam/uptime-kuma#4202
		{"openid-client service account off", 0, `The oauth config is invalid. unauthorized_client (Client not enabled to retrieve service account)`,
			finding.FeatureDisabled, "unauthorized_client", "Service accounts roles", false},
		// source: python-keycloak KeycloakPostError; gloak oidc/token/refresh-after-logout.http
		{"python-keycloak session ended", 0, `keycloak.exceptions.KeycloakPostError: 400: b'{"error":"invalid_grant","error_description":"Session not active"}'`,
			finding.RevokedCredentials, "invalid_grant", "offline_access", false},
		// source: Keycloak TokenManager; "not active" alone names no vendor
		{"refresh token expired", 400, `{"error":"invalid_grant","error_description":"Token is not active"}`,
			finding.ExpiredCredentials, "invalid_grant", "SSO Session Idle", true},
		// source: gloak oidc/discovery/unknown-realm.http
		{"realm missing", 404, `{"error":"Realm does not exist"}`,
			finding.TenantNotFound, "Realm does not exist", "realm selector", false},
		// source: gloak oidc/authorization/invalid-redirect-uri.http
		{"redirect URI page", 400, `<div id="kc-error-message"><p class="instruction">Invalid parameter: redirect_uri</p></div>`,
			finding.RedirectURIMismatch, "Invalid parameter: redirect_uri", "Valid redirect URIs", false},
	})
}
