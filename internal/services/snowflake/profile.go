package snowflake

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Profile is a Snowflake account reached through key-pair authentication, a
// programmatic access token or a Snowflake OAuth security integration.
func Profile() *connector.Profile {
	return &connector.Profile{
		ID:          "snowflake",
		DisplayName: "Snowflake",
		Description: "A Snowflake account. Authenticate with key-pair authentication (`username` plus an RSA `private_key` " +
			"whose public key is set on the user), a programmatic access token (in `token`, without `client_id`), or " +
			"Snowflake OAuth (a `CREATE SECURITY INTEGRATION … TYPE = OAUTH` client: `client_id`, `client_secret` and the " +
			"refresh token in `token`). Snowflake OAuth has only the authorization-code grant, so a non-interactive connector " +
			"needs a refresh token, requested with the `refresh_token` scope; `session:role:<ROLE>` scopes pick the session's " +
			"role. The live check runs `SELECT CURRENT_USER(), CURRENT_ROLE(), CURRENT_ACCOUNT()` through the SQL API.",
		Settings: []connector.Setting{
			{Name: "account", Kind: connector.String, Required: true, Description: "Account identifier: `orgname-accountname` " +
				"(preferred), or a legacy account locator with its region such as `xy12345.us-east-1` or `xy12345.east-us-2.azure`. " +
				"Without `https://` and without `.snowflakecomputing.com`."},
			{Name: "role", Kind: connector.String, Description: "Role for the session. Snowflake OAuth refuses `ACCOUNTADMIN`, " +
				"`ORGADMIN`, `GLOBALORGADMIN` and `SECURITYADMIN` unless the integration's `BLOCKED_ROLES_LIST` was changed."},
			{Name: "warehouse", Kind: connector.String, Description: "Warehouse the probe query runs on; defaults to the user's default warehouse."},
			{Name: "integration", Kind: connector.String, Description: "Name of the OAuth security integration that defines this " +
				"client, used in fix-it steps (`DESCRIBE SECURITY INTEGRATION <name>`)."},
			{Name: "allow_non_secure_redirect", Kind: connector.Bool, Description: "Set to `true` only when the integration has " +
				"`OAUTH_ALLOW_NON_TLS_REDIRECT_URI = TRUE`; Snowflake otherwise refuses http redirect URIs, loopback included."},
			{Name: "public_key_fp", Kind: connector.String, Description: "The `RSA_PUBLIC_KEY_FP` that `DESC USER <user>` shows " +
				"(`SHA256:` and 44 base64 characters). Optional, for key-pair authentication: Snowflake answers every key-pair " +
				"problem with the same 390144, and with this the live check can say that the private key is not the registered one."},
			{Name: "base_url", Kind: connector.String, Description: "Override of `https://<account>.snowflakecomputing.com` " +
				"(where `/oauth/authorize`, `/oauth/token-request` and `/api/v2/statements` are), for tests or a " +
				"private-connectivity host; plain http is accepted only on loopback addresses."},
		},
		AuthAttrs:    []string{"client_id", "client_secret", "private_key", "username", "token"},
		Redirect:     connector.RedirectPolicy{AllowNonTLSSetting: "allow_non_secure_redirect"},
		OfflineScope: "refresh_token",
		Decode:       Decode,
		Recognize:    Recognize,
		Rules: []connector.Rule{
			kit.ClientIDHygiene,
			kit.EndpointRules("base_url"),
			snowflakeAccount,
			snowflakeRoles,
			kit.ForEachScope(snowflakeScope),
			snowflakeKeyPair,
			snowflakeFingerprint,
			kit.PrivateKeyRule("to sign the key-pair authentication JWT"),
			kit.RSAKeyRule("Snowflake", 2048, "SNOWFLAKE-KEY-PAIR"),
			snowflakeOAuthGrant,
		},
	}
}

var (
	// Identifier characters Snowflake accepts in account names, locators
	// and their region / cloud / privatelink segments.
	snowflakeAccountRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$`)
	// Roles the Snowflake OAuth integration blocks by default.
	snowflakeBlockedRoles = []string{"ACCOUNTADMIN", "ORGADMIN", "GLOBALORGADMIN", "SECURITYADMIN"}
)

func snowflakeAccount(s *connector.Spec) []finding.Finding {
	v, fs, ok := kit.NameSetting(s, "account", "251001",
		"Every Snowflake URL and login starts from the account identifier; drivers stop with 251001 (Account must be specified) without it.",
		"Set account to the identifier shown in Snowsight under your name > Account > View account details (orgname-accountname).")
	if !ok {
		return fs
	}
	path := s.SettingPath("account")
	switch {
	case strings.Contains(v, "://") || strings.Contains(strings.ToLower(v), "snowflakecomputing"):
		want := strings.TrimSuffix(kit.StripURL(v), ".snowflakecomputing.com")
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"snowflake.account must be the account identifier, not its URL").
			WithCode("SNOWFLAKE-ACCOUNT").
			WithDetail("Handshake builds https://<account>.snowflakecomputing.com itself; with the scheme or domain included, the host name doubles up and does not resolve.").
			WithFix(fmt.Sprintf("Set snowflake = { account = %q }.", want))}
	case strings.TrimSpace(v) != v || kit.HasSpace(v):
		return []finding.Finding{kit.SpaceFinding(s, "account", "SNOWFLAKE-ACCOUNT")}
	case !snowflakeAccountRE.MatchString(v):
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"snowflake.account is not a Snowflake account identifier").
			WithCode("SNOWFLAKE-ACCOUNT").
			WithDetail("Account identifiers are orgname-accountname, or a legacy locator such as xy12345.us-east-1; they contain only letters, digits, hyphens, underscores and dots.").
			WithFix("Copy the identifier from Snowsight under your name > Account > View account details.")}
	}
	return nil
}

// snowflakeRoles warns about roles the OAuth integration blocks by default
// and about a role setting that contradicts the role scope.
func snowflakeRoles(s *connector.Spec) []finding.Finding {
	var out []finding.Finding
	role, hasRole := kit.Known(s, "role")
	if hasRole && isBlockedSnowflakeRole(role) {
		out = append(out, blockedRoleFinding(s.SettingPath("role"), role))
	}
	if !hasRole || !kit.ScopesKnown(s) {
		return out
	}
	for i, sc := range s.RequiredScopes {
		scoped, ok := strings.CutPrefix(sc, "session:role:")
		if !ok || scoped == "" || strings.EqualFold(strings.Trim(role, `"`), scoped) {
			continue
		}
		out = append(out, finding.Warnf(finding.InvalidConfiguration, s.SettingPath("role"),
			"snowflake.role differs from the role scope").
			WithCode("SNOWFLAKE-ROLE").
			WithDetail("required_scopes[%d] asks for a session in role %s, but role names %s. With Snowflake OAuth the scope fixes the session's role, and a connection that asks for another role is refused.", i, scoped, role).
			WithFix("Use the same role in both places, or remove one of them."))
	}
	return out
}

func isBlockedSnowflakeRole(role string) bool {
	for _, b := range snowflakeBlockedRoles {
		if strings.EqualFold(strings.Trim(role, `"`), b) {
			return true
		}
	}
	return false
}

func blockedRoleFinding(path finding.Path, role string) finding.Finding {
	return finding.Warnf(finding.PolicyBlocked, path,
		"Snowflake OAuth blocks the %s role by default", strings.ToUpper(strings.Trim(role, `"`))).
		WithCode("SNOWFLAKE-BLOCKED-ROLE").
		WithDetail("Security integrations refuse OAuth sessions in ACCOUNTADMIN, ORGADMIN, GLOBALORGADMIN and SECURITYADMIN unless BLOCKED_ROLES_LIST was changed, and a connector rarely needs an administrator role.").
		WithFix("Grant the connector's user a dedicated role with only the privileges it needs, and use that role.")
}

func snowflakeScope(s *connector.Spec, i int, sc string) []finding.Finding {
	switch {
	case strings.TrimSpace(sc) == "" || strings.ContainsAny(sc, " \t\r\n,"):
		return nil // connector.CheckScopes reports these
	case sc == "refresh_token", sc == "session:role-any":
		return nil
	case strings.HasPrefix(sc, "session:role:") && len(sc) > len("session:role:"):
		if role := strings.TrimPrefix(sc, "session:role:"); isBlockedSnowflakeRole(role) {
			return []finding.Finding{blockedRoleFinding(kit.ScopePath(i), role)}
		}
		return nil
	case sc == "offline_access":
		return []finding.Finding{finding.Errorf(finding.InvalidScope, kit.ScopePath(i),
			"Snowflake asks for refresh tokens with the refresh_token scope").
			WithCode("invalid_scope").
			WithDetail("Snowflake OAuth does not know offline_access; its authorize endpoint answers invalid_scope. The scope that requests a refresh token is refresh_token.").
			WithFix("Replace offline_access with refresh_token.")}
	case kit.IsURLScope(sc):
		return []finding.Finding{kit.URLScopeFinding(s, i, "Snowflake", "refresh_token or session:role:ANALYST")}
	}
	return []finding.Finding{finding.Errorf(finding.InvalidScope, kit.ScopePath(i),
		"Snowflake OAuth does not know this scope").
		WithCode("invalid_scope").
		WithDetail("Snowflake OAuth accepts refresh_token and session:role:<ROLE> (External OAuth also session:role-any); any other value makes the authorize request fail with invalid_scope.").
		WithFix("Use refresh_token and session:role:<ROLE>, with the role name as Snowflake stores it (upper case unless it was created quoted).")}
}

// snowflakeKeyPair: the key-pair JWT's subject is ACCOUNT.USER, so the key
// is useless without the user it is registered on.
func snowflakeKeyPair(s *connector.Spec) []finding.Finding {
	if !s.Auth.PrivateKey.IsSet() || kit.AuthUnknown(s, "username") || s.Auth.Username != "" {
		return nil
	}
	// At the key the configuration set: auth.username is not in it.
	return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.Auth.PrivateKey.Path(),
		"Snowflake key-pair authentication needs auth.username").
		WithCode("SNOWFLAKE-KEY-PAIR").
		WithDetail("The login JWT names the Snowflake user whose RSA_PUBLIC_KEY matches the private key; without the user name Snowflake cannot find the key.").
		WithFix("Set auth.username to the Snowflake user (ALTER USER <name> SET RSA_PUBLIC_KEY = … was run on it).")}
}

var fpRE = regexp.MustCompile(`^(?i:SHA256:)?[A-Za-z0-9+/]{43}=$`)

// snowflakeFingerprint checks public_key_fp's form.
func snowflakeFingerprint(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "public_key_fp")
	if !ok || fpRE.MatchString(strings.TrimSpace(v)) {
		return nil
	}
	return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath("public_key_fp"),
		"snowflake.public_key_fp is not a Snowflake key fingerprint").
		WithCode("SNOWFLAKE-KEY-FP").
		WithDetail("Fingerprints are SHA256: followed by 44 base64 characters, as DESC USER shows them in RSA_PUBLIC_KEY_FP.").
		WithFix("Copy RSA_PUBLIC_KEY_FP (or RSA_PUBLIC_KEY_2_FP) from DESC USER <user>.")}
}

// snowflakeOAuthGrant: Snowflake OAuth has no client-credentials grant, so
// client_id and client_secret alone cannot get a token.
func snowflakeOAuthGrant(s *connector.Spec) []finding.Finding {
	if kit.ClientIDUnset(s) || kit.SecretUnset(s, s.Auth.ClientSecret, "client_secret") {
		return nil
	}
	if !kit.SecretUnset(s, s.Auth.Token, "token") || !kit.SecretUnset(s, s.Auth.PrivateKey, "private_key") {
		return nil
	}
	// At the secret the configuration set (client_secret or client_secret_wo):
	// it is what cannot work alone, and auth.token is not in the configuration.
	return []finding.Finding{finding.Warnf(finding.RefreshTokenMissing, s.Auth.ClientSecret.Path(),
		"Snowflake OAuth needs a refresh token for unattended use").
		WithCode("SNOWFLAKE-OAUTH-GRANT").
		WithDetail("Snowflake OAuth supports only the authorization-code grant, not client credentials: a client id and secret alone cannot obtain a token without a person signing in.").
		WithFix("Complete the authorization-code flow once with the refresh_token scope and set the refresh token in auth.token_wo.",
			"Or use key-pair authentication: auth.username plus auth.private_key_wo.")}
}
