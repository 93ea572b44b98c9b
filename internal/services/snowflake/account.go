package snowflake

import (
	"regexp"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Account identifiers come in several forms (orgname-accountname, the
// connectors' orgname.accountname, a legacy locator with or without region
// and cloud, any of them with .privatelink, or the whole URL pasted). They
// name one host, and the key-pair JWT names the account in its own form.

// account is one account identifier resolved.
type account struct {
	// host is the account's host name (myorg-analytics.snowflakecomputing.com).
	host string
	// jwt is the account as the key-pair JWT's iss and sub name it: the
	// org-account name or the bare locator, upper case, without region,
	// cloud or privatelink (a period there makes every JWT invalid).
	jwt string
	// locator is true for a legacy account locator (xy12345…).
	locator bool
	// regionless is a locator given without its region: it names an
	// account in AWS us-west-2 only, elsewhere Snowflake answers 403.
	regionless bool
}

var (
	// Legacy locators: two or three letters and digits (xy12345, ab1234).
	locatorRE = regexp.MustCompile(`^[a-z]{1,3}[0-9]{4,}[a-z0-9]*$`)
	// Region labels carry a digit (us-east-1, east-us-2, us-central1).
	regionRE = regexp.MustCompile(`[0-9]`)
	clouds   = map[string]bool{"aws": true, "azure": true, "gcp": true}
)

// parseAccount resolves an account setting; ok is false when nothing is left.
func parseAccount(v string) (account, bool) {
	v = kit.StripURL(v) // trims, lower-cases, drops a scheme and a path
	tld := ".snowflakecomputing.com"
	switch {
	case strings.HasSuffix(v, ".snowflakecomputing.com"):
		v = strings.TrimSuffix(v, ".snowflakecomputing.com")
	case strings.HasSuffix(v, ".snowflakecomputing.cn"):
		v, tld = strings.TrimSuffix(v, ".snowflakecomputing.cn"), ".snowflakecomputing.cn"
	}
	v = strings.Trim(v, ".")
	if v == "" {
		return account{}, false
	}
	labels := strings.Split(v, ".")
	private := false
	if labels[len(labels)-1] == "privatelink" {
		private, labels = true, labels[:len(labels)-1]
		if len(labels) == 0 {
			return account{}, false
		}
	}
	name, rest := labels[0], labels[1:]
	a := account{locator: locatorRE.MatchString(name)}
	// orgname.accountname (the Python connector's spelling): a second
	// label that is neither a region nor a cloud is the account name.
	if !a.locator && len(rest) == 1 && !regionRE.MatchString(rest[0]) && !clouds[rest[0]] {
		name, rest = name+"-"+rest[0], nil
	}
	a.regionless = a.locator && len(rest) == 0
	if len(rest) > 0 && strings.HasPrefix(rest[0], "cn-") {
		tld = ".snowflakecomputing.cn"
	}
	host := []string{strings.ReplaceAll(name, "_", "-")}
	host = append(host, rest...)
	if private {
		host = append(host, "privatelink")
	}
	a.host = strings.Join(host, ".") + tld
	a.jwt = strings.ToUpper(name)
	return a, true
}
