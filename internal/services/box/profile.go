// Package box is the box service: a Box Platform app's profile (settings and
// offline rules), the decoder of Box's error answers, its live check and its
// sandbox emulation.
package box

import (
	"regexp"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Service is the box service: profile, live check and sandbox emulation.
func Service() kit.Service {
	return kit.Service{Profile: Profile(), Plan: plan, Emulation: &emulation.Vendor{Path: "box", Routes: routes}}
}

// Profile is a Box Platform app: server authentication with the Client
// Credentials Grant or a JWT signed with the app's key, or a user's OAuth 2.0
// refresh token.
func Profile() *connector.Profile {
	return &connector.Profile{
		ID:          "box",
		DisplayName: "Box",
		Description: "A Box Platform custom app. **Server authentication (Client Credentials Grant)**: `client_id` and " +
			"`client_secret`, posted to `https://api.box.com/oauth2/token` with `box_subject_type` and `box_subject_id` (the " +
			"enterprise, acting as the app's service account, or a managed user). **Server authentication (with JWT)**: " +
			"`private_key` holds the app's JSON config file from the Developer Console (or the PEM key, with `public_key_id` " +
			"and the passphrase in `password` when it is encrypted). **OAuth 2.0**: a user's refresh token in `token`, with " +
			"the app's `client_id` and `client_secret`; Box refresh tokens are single use, so the live check redeems it only " +
			"with `redeem_refresh_token = true`. Server-authentication apps must be authorized by the enterprise admin " +
			"(Admin Console > Integrations > Platform Apps Manager).",
		Settings: []connector.Setting{
			{Name: "enterprise_id", Kind: connector.String, Description: "Box enterprise id (a number, shown in the Admin " +
				"Console under Account & Billing and in the Developer Console's General Settings). Used as the subject " +
				"when `subject_type` is `enterprise` and `subject_id` is not set (a JWT config file's `enterpriseID` is used " +
				"when this is unset); the live check also compares it with the enterprise of the user the token acts as."},
			{Name: "subject_type", Kind: connector.String, OneOf: []string{"enterprise", "user"}, Description: "Who the " +
				"token acts as: `enterprise` (the app's service account; the default) or `user` (a managed user; needs " +
				"App + Enterprise Access and Generate user access tokens enabled). Not used with a refresh token."},
			{Name: "subject_id", Kind: connector.String, Description: "Numeric id of the enterprise or user named by " +
				"`subject_type`."},
			{Name: "public_key_id", Kind: connector.String, Description: "JWT auth: the id of the app's public key " +
				"(Developer Console > Configuration > Add and Manage Public Keys), sent as the assertion's `kid`. Taken from " +
				"the config file when `auth.private_key` is Box's JSON config."},
			{Name: "base_url", Kind: connector.String, Description: "API base URL. Defaults to `https://api.box.com`; the " +
				"token endpoint is `<base_url>/oauth2/token` and the API `<base_url>/2.0`. Override it for tests; plain " +
				"http only on loopback addresses. A JWT's audience stays `https://api.box.com/oauth2/token`, as Box requires."},
		},
		AuthAttrs: []string{"client_id", "client_secret", "private_key", "password", "token"},
		Rules: []connector.Rule{
			kit.ClientIDHygiene,
			kit.EndpointRules("base_url"),
			boxNumeric("enterprise_id"),
			boxNumeric("subject_id"),
			boxSubject,
			boxClientID,
			boxCredentials,
			boxAppKey,
		},
		Decode:    decode,
		Recognize: recognize,
	}
}

var (
	boxNumericRE  = regexp.MustCompile(`^[0-9]+$`)
	boxClientIDRE = regexp.MustCompile(`^[a-z0-9]{32}$`)
)

func boxNumeric(name string) connector.Rule {
	return func(s *connector.Spec) []finding.Finding {
		v, ok := kit.Known(s, name)
		if !ok || boxNumericRE.MatchString(v) {
			return nil
		}
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath(name),
			"box.%s must be a numeric Box id", name).
			WithCode("BOX-ID").
			WithDetail("Box enterprise and user ids are numbers (for example 1234567). A login e-mail, enterprise name or URL is not accepted as box_subject_id; Box answers invalid_grant.").
			WithFix("Copy the number from the Admin Console (Account & Billing for the enterprise id, Users & Groups for a user id).")}
	}
}

// boxSubject: server authentication always names a subject; Box answers
// invalid_grant when it is missing or of the wrong type. A refresh token
// carries its user, so it needs none.
func boxSubject(s *connector.Spec) []finding.Finding {
	if s.SettingUnknown("subject_type") || s.SettingUnknown("subject_id") || s.SettingUnknown("enterprise_id") ||
		kit.AuthUnknown(s, "private_key") || kit.AuthUnknown(s, "token") || flowOf(s) == flowRefresh {
		return nil
	}
	subjectType := kit.SettingOr(s, "subject_type", "enterprise")
	subjectID, hasSubject := kit.Known(s, "subject_id")
	enterpriseID := enterpriseOf(s)
	hasEnterprise := enterpriseID != ""
	switch {
	case subjectType == "user" && !hasSubject:
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath("subject_id"),
			"box.subject_id is required when subject_type is user").
			WithCode("BOX-SUBJECT").
			WithDetail("With subject_type = \"user\" the token acts as that managed user, so Box needs the user's id; it answers invalid_grant without it.").
			WithFix("Set box.subject_id to the user's numeric id (Admin Console > Users & Groups > the user).")}
	case subjectType == "enterprise" && !hasSubject && !hasEnterprise:
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath("enterprise_id"),
			"Box needs the enterprise id for an enterprise token").
			WithCode("BOX-SUBJECT").
			WithDetail("Server authentication names its subject; for the app's service account that is the enterprise id. Box answers invalid_grant without it.").
			WithFix("Set box.enterprise_id (Developer Console > the app > General Settings shows it).")}
	case subjectType == "enterprise" && hasSubject && hasEnterprise && subjectID != enterpriseID:
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath("subject_id"),
			"box.subject_id differs from box.enterprise_id").
			WithCode("BOX-SUBJECT").
			WithDetail("With subject_type = \"enterprise\", the subject is the enterprise itself, so subject_id must be the enterprise id; a user id here makes Box answer invalid_grant.").
			WithFix("Remove subject_id (enterprise_id is used), or set subject_type = \"user\" if it is a user's id.")}
	}
	return nil
}

// boxClientID warns about a value that is not a Box client id (32 lower-case
// letters and digits), such as the app's numeric id or the Box Key id.
func boxClientID(s *connector.Spec) []finding.Finding {
	v := s.Auth.ClientID
	if v == "" || kit.AuthUnknown(s, "client_id") || kit.HasSpace(v) || boxClientIDRE.MatchString(v) {
		return nil
	}
	return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, kit.AuthPath("client_id"),
		"auth.client_id does not look like a Box client id").
		WithCode("BOX-CLIENT-ID").
		WithDetail("Box client ids are 32 lower-case letters and digits. The app's numeric id or name is not accepted; Box answers invalid_client.").
		WithFix("Copy Client ID from Developer Console > the app > Configuration > OAuth 2.0 Credentials.")}
}

// boxCredentials reports what each way of authenticating needs: Box
// requires the app's client id and secret with every grant, JWT included.
// With a JSON config file both may come from the file.
func boxCredentials(s *connector.Spec) []finding.Finding {
	if kit.AuthUnknown(s, "private_key") || kit.AuthUnknown(s, "token") {
		return nil
	}
	cfg, _ := configOf(s)
	var out []finding.Finding
	if kit.ClientIDUnset(s) && cfg.ClientID == "" {
		out = append(out, kit.MissingClientID("Box requires the app's client id with every token request"))
	}
	if kit.SecretUnset(s, s.Auth.ClientSecret, "client_secret") && cfg.ClientSecret == "" {
		out = append(out, finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("client_secret"),
			"Missing auth.client_secret").
			WithCode("BOX-CLIENT-SECRET").
			WithDetail("Box requires the app's client secret with every token request: client credentials, JWT assertions and refresh grants alike.").
			WithFix("Copy Client Secret from Developer Console > the app > Configuration > OAuth 2.0 Credentials (viewing it needs two-factor authentication on your account) into auth.client_secret_wo."))
	}
	return out
}
