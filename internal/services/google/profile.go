// Package google is the google_workspace service: a Workspace domain reached
// by a service account with domain-wide delegation (profile, decoder of
// Google's error answers, live check and sandbox emulation).
package google

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Service is the google_workspace service: profile, live check and sandbox
// emulation.
func Service() kit.Service {
	return kit.Service{Profile: profile(), Plan: plan, Emulation: &emulation.Vendor{Path: "google", Routes: routes}}
}

// profile is a Google Workspace domain reached by a service account
// with domain-wide delegation (the JWT bearer flow, RFC 7523).
func profile() *connector.Profile {
	return &connector.Profile{
		ID:          "google_workspace",
		DisplayName: "Google Workspace",
		Description: "A Google Workspace domain, reached by a Google Cloud service account with **domain-wide delegation**. " +
			"Handshake signs a JWT with the service account's key, impersonating the Workspace admin in `impersonate`, and " +
			"calls the Admin SDK Directory API. The service account's client ID must be authorised for exactly the " +
			"`required_scopes` under Security > Access and data control > API controls > Domain-wide delegation in the " +
			"Admin console. Scopes are full URLs such as `https://www.googleapis.com/auth/admin.directory.user.readonly`.",
		Settings: []connector.Setting{
			{Name: "impersonate", Kind: connector.String, Description: "E-mail address of the Workspace user the service account " +
				"acts as (the JWT `sub`). For the Admin SDK this must be an administrator with the needed privileges, " +
				"not the service account itself."},
			{Name: "customer_id", Kind: connector.String, Description: "Workspace customer id, such as `C03az79cb`. Defaults to " +
				"`my_customer`, the impersonated admin's own account."},
			{Name: "token_url", Kind: connector.String, Description: "Override of the token endpoint " +
				"`https://oauth2.googleapis.com/token`, for tests; plain `http` is accepted only on loopback addresses."},
			{Name: "base_url", Kind: connector.String, Description: "Override of the API base URL `https://admin.googleapis.com`, " +
				"for tests; plain `http` is accepted only on loopback addresses."},
		},
		AuthAttrs: []string{"service_account_key"},
		Rules: []connector.Rule{
			kit.EndpointRules("token_url", "base_url"),
			googleKey,
			kit.ForEachScope(googleScope),
			googleImpersonate,
			googleCustomerID,
		},
		Decode:    decode,
		Recognize: recognize,
	}
}

const googleScopePrefix = "https://www.googleapis.com/auth/"

// serviceAccount returns the parsed key when it is set, known and valid.
func serviceAccount(s *connector.Spec) (*connector.ServiceAccountKey, bool) {
	sec := s.Auth.ServiceAccountKey
	if !sec.IsSet() || kit.AuthUnknown(s, "service_account_key") || strings.TrimSpace(sec.Value) == "" {
		return nil, false
	}
	k, err := connector.ParseServiceAccountKey(sec.Value)
	return k, err == nil
}

func googleKey(s *connector.Spec) []finding.Finding {
	sec := s.Auth.ServiceAccountKey
	if kit.SecretUnset(s, sec, "service_account_key") {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("service_account_key"),
			"Missing auth.service_account_key").
			WithCode("GOOGLE-SA-KEY").
			WithDetail("Google Workspace connectors authenticate as a service account; its JSON key is not set.").
			WithFix("In the Google Cloud console open IAM & Admin > Service accounts > <account> > Keys, add a JSON key, and set auth.service_account_key_wo = file(\"key.json\").")}
	}
	if !sec.IsSet() || kit.AuthUnknown(s, "service_account_key") || strings.TrimSpace(sec.Value) == "" {
		return nil // unknown, or empty (CheckSecrets reports it)
	}
	if _, err := connector.ParseServiceAccountKey(sec.Value); err != nil {
		return []finding.Finding{finding.Errorf(finding.InvalidCredentials, sec.Path(),
			"The service account key cannot be read").
			WithCode("GOOGLE-SA-KEY").
			// err never contains key material (ParseServiceAccountKey's contract).
			WithDetail("auth.%s must be the JSON key file of a service account, as downloaded from Google Cloud: %v.", sec.Attr, err).
			WithFix("Pass the whole file, e.g. auth.service_account_key_wo = file(\"key.json\"); do not base64-encode it or pass its path.",
				"If the key was deleted or disabled, create a new JSON key for the service account.")}
	}
	return nil
}

// Google scope names people write without the URL prefix: dotted names
// such as admin.directory.user.readonly, or single words like drive.
var googleShortScopeRE = regexp.MustCompile(`^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$`)

// The few Google scopes that are not URLs.
var googleBareScopes = []string{"openid", "email", "profile"}

func googleScope(s *connector.Spec, i int, scope string) []finding.Finding {
	if scope == "" || strings.ContainsAny(scope, " \t\r\n,") || kit.ContainsFold(googleBareScopes, scope) {
		return nil // the generic rules report empty, spaced and comma-joined scopes
	}
	path := kit.ScopePath(i)
	switch {
	case strings.HasPrefix(scope, googleScopePrefix) && len(scope) > len(googleScopePrefix):
		return nil
	case strings.HasPrefix(scope, "https://mail.google.com/"), strings.HasPrefix(scope, "https://www.google.com/"),
		strings.HasPrefix(scope, "https://sites.google.com/"):
		return nil // Gmail's full-access scope and a few legacy ones use other hosts
	case googleShortScopeRE.MatchString(scope):
		full := googleScopePrefix + scope
		return []finding.Finding{finding.Errorf(finding.InvalidScope, path,
			"Google scopes must be full URLs").
			WithCode("invalid_scope").
			WithDetail("Google identifies scopes by URL; %q alone is refused with invalid_scope, and domain-wide delegation is configured with the full URL too.", scope).
			WithFix(fmt.Sprintf("Use %q.", full))}
	case strings.HasPrefix(scope, "http://www.googleapis.com/auth/"), strings.HasPrefix(scope, "https://googleapis.com/auth/"):
		fixed := googleScopePrefix + scope[strings.Index(scope, "/auth/")+len("/auth/"):]
		return []finding.Finding{finding.Errorf(finding.InvalidScope, path, "Malformed Google scope URL").
			WithCode("invalid_scope").
			WithDetail("Google scope URLs are compared exactly; they start with %s.", googleScopePrefix).
			WithFix(fmt.Sprintf("Use %q.", fixed))}
	}
	return []finding.Finding{finding.Warnf(finding.InvalidScope, path, "Unrecognised Google scope").
		WithCode("invalid_scope").
		WithDetail("%q is not in the form Google uses for scopes (%s…); the token request will probably fail with invalid_scope.", scope, googleScopePrefix).
		WithFix("Check the scope in Google's list of OAuth 2.0 scopes for APIs.")}
}

// isAdminScope reports scopes of Workspace admin APIs, which only work when
// the service account impersonates an administrator.
func isAdminScope(scope string) bool {
	rest, ok := strings.CutPrefix(scope, googleScopePrefix)
	if !ok {
		rest = scope // the short form is reported separately; still counts here
	}
	return strings.HasPrefix(rest, "admin.") || strings.HasPrefix(rest, "apps.") || strings.HasPrefix(rest, "cloud-identity")
}

func googleImpersonate(s *connector.Spec) []finding.Finding {
	if s.SettingUnknown("impersonate") {
		return nil
	}
	path := s.SettingPath("impersonate")
	subject, set := kit.Known(s, "impersonate")
	if !set {
		if !kit.ScopesKnown(s) {
			return nil
		}
		for i, sc := range s.RequiredScopes {
			if isAdminScope(sc) {
				return []finding.Finding{finding.Warnf(finding.DelegationNotConfigured, path,
					"Admin SDK scopes need an impersonated administrator").
					WithCode("GOOGLE-DWD-SUBJECT").
					WithDetail("required_scopes[%d] is a Workspace admin scope, but impersonate is not set. A service account has no Workspace identity of its own: Admin SDK calls only succeed through domain-wide delegation, acting as an administrator, and are otherwise refused with 403 (Not Authorized to access this resource/api).", i).
					WithFix("Set google_workspace = { impersonate = \"admin@example.com\" } to a Workspace administrator with the needed privileges.",
						"Authorise the service account's client ID for these scopes under Security > Access and data control > API controls > Domain-wide delegation.")}
			}
		}
		return nil
	}
	if !connector.IsEmail(subject) {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"google_workspace.impersonate must be an e-mail address").
			WithCode("GOOGLE-DWD-SUBJECT").
			WithDetail("The impersonated user is identified by their primary e-mail address, such as admin@example.com; Google rejects any other subject with invalid_grant.").
			WithFix("Set impersonate to the administrator's primary e-mail address.")}
	}
	sa, ok := serviceAccount(s)
	isSA := strings.HasSuffix(strings.ToLower(subject), ".gserviceaccount.com")
	if isSA || (ok && strings.EqualFold(subject, sa.ClientEmail)) {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"google_workspace.impersonate must be a Workspace user, not a service account").
			WithCode("GOOGLE-DWD-SUBJECT").
			WithDetail("Domain-wide delegation lets the service account act as a Workspace user. Impersonating a service account (or itself) gives no Workspace identity, and Google answers unauthorized_client or invalid_grant.").
			WithFix("Set impersonate to a Workspace administrator's e-mail address, e.g. admin@example.com.")}
	}
	return nil
}

var googleCustomerIDRE = regexp.MustCompile(`^C[0-9a-z]{6,}$`)

func googleCustomerID(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "customer_id")
	if !ok || v == "my_customer" || googleCustomerIDRE.MatchString(v) {
		return nil
	}
	f := finding.Errorf(finding.InvalidConfiguration, s.SettingPath("customer_id"),
		"google_workspace.customer_id is not a Workspace customer id").
		WithCode("GOOGLE-CUSTOMER-ID").
		WithDetail("The Directory API takes the account's customer id (C followed by letters and digits, shown in the Admin console under Account > Account settings) or my_customer.")
	if connector.IsDomainName(v) {
		f = f.WithDetail("%q is a domain name. The Directory API takes the account's customer id (C followed by letters and digits, shown in the Admin console under Account > Account settings) or my_customer, not a domain.", v)
	}
	return []finding.Finding{f.WithFix("Remove customer_id to use my_customer, or copy the Customer ID from Account > Account settings in the Admin console.")}
}
