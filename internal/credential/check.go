package credential

import (
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/keys"
)

// CheckValue reports a value that cannot be what its type says.
func CheckValue(kind, value string, at finding.Path) []finding.Finding {
	label := strings.ReplaceAll(kind, "_", " ")
	if strings.TrimSpace(value) == "" {
		// One wording for an empty secret, wherever it is given.
		return connector.CheckSecretValue(label, value, at, false)
	}
	var err error
	switch kind {
	case "certificate":
		_, err = keys.FirstCertificate(value)
	case "private_key":
		_, err = keys.Parse(value)
	case "service_account_key":
		_, err = connector.ParseServiceAccountKey(value)
	default:
		// Secrets sent as they are: the same hygiene rules as the auth block's.
		return connector.CheckSecretValue(label, value, at, kind == "token" || kind == "api_key" || kind == "client_secret")
	}
	if err != nil {
		return []finding.Finding{finding.Errorf(finding.InvalidCredentials, at, "The %s does not parse", label).
			WithDetail("%s.", err).
			WithFix("Paste the whole file, including its BEGIN/END lines or braces, without editing it.")}
	}
	return nil
}
