package aws

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Profile is an AWS account, reached with an IAM access key and, optionally, a
// role assumed through STS.
func Profile() *connector.Profile {
	return &connector.Profile{
		ID:          "aws",
		DisplayName: "AWS",
		Description: "An AWS account, probed with STS `GetCallerIdentity`. Authenticate with an IAM access key: the access " +
			"key id (`AKIA…`, or `ASIA…` for temporary credentials) in `username` and the 40-character secret access key " +
			"in `password`; temporary credentials also need their session token in `token`. With `role_arn`, Handshake " +
			"then assumes that role (with `external_id` when the role's trust policy requires one). `required_scopes` " +
			"lists IAM actions such as `iam:ListUsers`.",
		Settings: []connector.Setting{
			{Name: "region", Kind: connector.String, Required: true, Description: "AWS Region for STS and the probe, such " +
				"as `us-east-1`, `eu-central-1`, `us-gov-west-1` or `cn-north-1`. A Region, not an Availability Zone."},
			{Name: "role_arn", Kind: connector.String, Description: "ARN of an IAM role to assume, such as " +
				"`arn:aws:iam::123456789012:role/handshake-audit` (`aws-us-gov` and `aws-cn` partitions too)."},
			{Name: "external_id", Kind: connector.String, Description: "External ID the role's trust policy requires " +
				"(`sts:ExternalId` condition); 2 to 1224 characters."},
			{Name: "base_url", Kind: connector.String, Description: "STS endpoint override, such as a VPC endpoint or a test " +
				"server; defaults to the Regional endpoint `https://sts.<region>.amazonaws.com`. Plain http only on loopback addresses. " +
				"When it is set, the IAM policy simulation of `required_scopes` runs only if `iam_base_url` is set too, so that " +
				"the credentials go to no endpoint the connector did not name."},
			{Name: "iam_base_url", Kind: connector.String, Description: "IAM endpoint override for the policy simulation of " +
				"`required_scopes` (`iam:SimulatePrincipalPolicy`), such as a test server; defaults to the partition's IAM " +
				"endpoint (`https://iam.amazonaws.com`, `https://iam.us-gov.amazonaws.com`, `https://iam.cn-north-1.amazonaws.com.cn`)."},
		},
		AuthAttrs:       []string{"username", "password", "token"},
		Decode:          Decode,
		Recognize:       Recognize,
		NoRefreshTokens: true,
		Rules: []connector.Rule{
			kit.EndpointRules("base_url", "iam_base_url"),
			awsRegion,
			awsRoleARN,
			awsExternalID,
			awsAccessKeyID,
			awsSecretKey,
			awsSessionToken,
			kit.ForEachScope(awsAction),
			awsRedirects,
		},
	}
}

var (
	awsRegionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	awsZoneRE   = regexp.MustCompile(`^([a-z]{2}(-[a-z]+)+-[0-9]+)[a-z]$`)
	awsRoleRE   = regexp.MustCompile(`^arn:(aws|aws-us-gov|aws-cn):iam::([0-9]{12}):role/([A-Za-z0-9+=,.@_/-]+)$`)
	awsARNRE    = regexp.MustCompile(`^arn:([a-z-]+):([a-z0-9-]+):[a-z0-9-]*:([0-9]*):(.*)$`)
	awsKeyIDRE  = regexp.MustCompile(`^(AKIA|ASIA)[A-Z0-9]{16}$`)
	// Other IAM unique-id prefixes that look like key ids but are not
	// (AIDA user, AROA role, AGPA group, ANPA/ANVA policies, ABIA/ACCA …).
	awsUniqueIDRE  = regexp.MustCompile(`^A[A-Z]{3}[A-Z0-9]{16,}$`)
	awsSecretRE    = regexp.MustCompile(`^[A-Za-z0-9/+]{40}$`)
	awsExternalRE  = regexp.MustCompile(`^[A-Za-z0-9+=,.@:/_-]+$`) // and 2 to 1224 long
	awsIAMActionRE = regexp.MustCompile(`^[a-z0-9-]+:[A-Za-z0-9*]+$`)
)

func awsRegion(s *connector.Spec) []finding.Finding {
	if s.SettingUnknown("region") {
		return nil
	}
	v, present := s.Settings["region"]
	if !present || awsRegionRE.MatchString(v) {
		return nil
	}
	bad := func(summary string) finding.Finding {
		return finding.Errorf(finding.InvalidConfiguration, s.SettingPath("region"), "%s", summary).WithCode("AWS-REGION")
	}
	const notRegion = "aws.region is not an AWS Region"
	switch {
	case awsZoneRE.MatchString(v):
		return []finding.Finding{bad("aws.region is an Availability Zone, not a Region").
			WithDetail("%s names an Availability Zone; STS and the APIs are addressed by Region, the name without the final letter.", v).
			WithFix(fmt.Sprintf("Set aws.region = %q.", awsZoneRE.FindStringSubmatch(v)[1]))}
	case awsRegionRE.MatchString(strings.ToLower(strings.TrimSpace(v))):
		return []finding.Finding{bad(notRegion).
			WithDetail("Region codes are lower case without spaces; endpoint host names are built from them.").
			WithFix(fmt.Sprintf("Set aws.region = %q.", strings.ToLower(strings.TrimSpace(v))))}
	}
	return []finding.Finding{bad(notRegion).
		WithDetail("Region codes look like us-east-1, eu-central-1 or us-gov-west-1; display names such as \"US East (N. Virginia)\" are not accepted.").
		WithFix("Use the Region code shown in the console's Region menu.")}
}

func awsRoleARN(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "role_arn")
	if !ok {
		return nil
	}
	path := s.SettingPath("role_arn")
	if m := awsRoleRE.FindStringSubmatch(v); m != nil {
		return awsPartitionRegion(s, path, m[1])
	}
	bad := func(summary string) finding.Finding {
		return finding.Errorf(finding.InvalidConfiguration, path, "%s", summary).WithCode("AWS-ROLE-ARN")
	}
	const notRole = "aws.role_arn is not an IAM role ARN"
	m := awsARNRE.FindStringSubmatch(v)
	switch {
	case m == nil:
		return []finding.Finding{bad(notRole).
			WithDetail("sts:AssumeRole needs a role ARN of the form arn:aws:iam::<12-digit account id>:role/<name>; a role name alone or a console URL is not accepted.").
			WithFix("Copy the ARN from IAM > Roles > the role > Summary.")}
	case m[2] == "sts" && strings.HasPrefix(m[4], "assumed-role/"):
		return []finding.Finding{bad("aws.role_arn is an assumed-role session ARN, not a role ARN").
			WithDetail("arn:…:sts::…:assumed-role/… names one session of a role (as GetCallerIdentity reports it), which cannot be assumed again.").
			WithFix("Use the role's own ARN: arn:<partition>:iam::<account id>:role/<role name>.")}
	case m[2] == "iam" && !strings.HasPrefix(m[4], "role/"):
		kind, _, _ := strings.Cut(m[4], "/")
		return []finding.Finding{bad("aws.role_arn names an IAM "+kind+", not a role").
			WithDetail("Only roles can be assumed with sts:AssumeRole; this ARN names a %s.", kind).
			WithFix("Create or pick an IAM role the access key may assume, and use its ARN (IAM > Roles).")}
	case len(m[3]) != 12:
		return []finding.Finding{bad(notRole).
			WithDetail("The account id in an IAM role ARN has exactly 12 digits, leading zeros included.").
			WithFix("Copy the ARN from IAM > Roles > the role > Summary.")}
	}
	return []finding.Finding{bad(notRole).
		WithDetail("An IAM role ARN has the form arn:aws:iam::<12-digit account id>:role/<path/name> (partition aws, aws-us-gov or aws-cn).").
		WithFix("Copy the ARN from IAM > Roles > the role > Summary.")}
}

// awsPartitionRegion: roles in the China and GovCloud partitions can only be
// assumed through STS in the same partition.
func awsPartitionRegion(s *connector.Spec, path finding.Path, partition string) []finding.Finding {
	region, ok := kit.Known(s, "region")
	if !ok || !awsRegionRE.MatchString(region) {
		return nil
	}
	want := "aws"
	switch {
	case strings.HasPrefix(region, "cn-"):
		want = "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		want = "aws-us-gov"
	case strings.Contains(region, "-iso"):
		return nil // isolated partitions are not listed here
	}
	if partition == want {
		return nil
	}
	return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, path,
		"aws.role_arn is in the %s partition but aws.region is in %s", partition, want).
		WithCode("AWS-PARTITION").
		WithDetail("AWS partitions (commercial, GovCloud, China) have separate accounts and credentials; STS in %s cannot assume a role in the %s partition.", region, partition).
		WithFix("Use a region of the role's partition, or the role ARN from the partition the access key belongs to.")}
}

func awsExternalID(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "external_id")
	if !ok {
		return nil
	}
	path := s.SettingPath("external_id")
	if len(v) < 2 || len(v) > 1224 || !awsExternalRE.MatchString(v) {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"aws.external_id is not a valid external ID").
			WithCode("AWS-EXTERNAL-ID").
			WithDetail("STS accepts external IDs of 2 to 1224 characters made of letters, digits and +=,.@:/_- (no spaces); AssumeRole fails with a validation error otherwise.").
			WithFix("Use the exact value of the sts:ExternalId condition in the role's trust policy.")}
	}
	if kit.SettingUnset(s, "role_arn") {
		return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, path,
			"aws.external_id is ignored without aws.role_arn").
			WithCode("AWS-EXTERNAL-ID").
			WithDetail("The external ID is sent only when assuming a role.").
			WithFix("Set aws.role_arn to the role whose trust policy expects this external ID, or remove external_id.")}
	}
	return nil
}

// awsAccessKeyID checks auth.username. It never quotes the value: a secret
// access key pasted here must not appear in a plan.
func awsAccessKeyID(s *connector.Spec) []finding.Finding {
	v, ok := kit.UsernameKnown(s)
	path := kit.AuthPath("username")
	switch {
	case !ok:
		if !kit.AuthUnknown(s, "username") && !kit.SecretUnset(s, s.Auth.Password, "password") {
			return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
				"auth.password needs the access key id in auth.username").
				WithCode("AWS-ACCESS-KEY").
				WithDetail("AWS signs requests with the access key id and its secret access key together.").
				WithFix("Set auth.username to the access key id (AKIA… or ASIA…) that belongs to the secret.")}
		}
		return nil
	case awsKeyIDRE.MatchString(v):
		return nil
	case awsSecretRE.MatchString(v):
		return []finding.Finding{finding.Errorf(finding.InvalidCredentials, path,
			"auth.username holds what looks like a secret access key").
			WithCode("AWS-ACCESS-KEY").
			WithDetail("auth.username takes the access key id (AKIA… or ASIA…, 20 characters); this value has the shape of a 40-character secret access key, and auth.username is not a sensitive attribute, so it is stored and shown in plain text.").
			WithFix("Move the secret to auth.password_wo and put the access key id in auth.username.",
				"Treat the secret as exposed if this plan or state was shared: deactivate the key and create a new one.")}
	case awsUniqueIDRE.MatchString(v):
		return []finding.Finding{finding.Errorf(finding.InvalidCredentials, path,
			"auth.username is an IAM unique id, not an access key id").
			WithCode("AWS-ACCESS-KEY").
			WithDetail("Access key ids start with AKIA (long-term) or ASIA (temporary). Other A… ids, such as AIDA (user) or AROA (role), identify IAM entities and cannot sign requests; AWS answers InvalidClientTokenId.").
			WithFix("Copy the access key id from IAM > Users > the user > Security credentials > Access keys.")}
	}
	return []finding.Finding{finding.Errorf(finding.InvalidCredentials, path,
		"auth.username is not an AWS access key id").
		WithCode("AWS-ACCESS-KEY").
		WithDetail("auth.username takes the access key id: AKIA (long-term) or ASIA (temporary) followed by 16 upper-case letters and digits. A user name or ARN makes AWS answer InvalidClientTokenId.").
		WithFix("Copy the access key id from IAM > Users > the user > Security credentials > Access keys.")}
}

func awsSecretKey(s *connector.Spec) []finding.Finding {
	path := s.Auth.Password.Path()
	if kit.SecretUnset(s, s.Auth.Password, "password") {
		if _, ok := kit.UsernameKnown(s); ok {
			return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("password"),
				"The AWS access key id needs its secret access key").
				WithCode("AWS-SECRET-KEY").
				WithDetail("AWS signs requests with the secret access key; the access key id alone only names the key.").
				WithFix("Set auth.password_wo to the secret access key shown when the key was created.")}
		}
		return nil
	}
	v, ok := kit.SecretValue(s, s.Auth.Password, "password")
	switch {
	case !ok || awsSecretRE.MatchString(v):
		return nil
	case awsKeyIDRE.MatchString(v):
		return []finding.Finding{finding.Errorf(finding.InvalidCredentials, path,
			"auth.password holds an access key id, not the secret access key").
			WithCode("AWS-SECRET-KEY").
			WithDetail("The value has the shape of an access key id (AKIA…/ASIA…); the key id and the secret were probably swapped. AWS answers SignatureDoesNotMatch.").
			WithFix("Put the access key id in auth.username and the 40-character secret access key in auth.password_wo.")}
	}
	return []finding.Finding{finding.Errorf(finding.InvalidCredentials, path,
		"auth.password is not an AWS secret access key").
		WithCode("AWS-SECRET-KEY").
		WithDetail("Secret access keys are exactly 40 characters of letters, digits, + and /; this value has another length or other characters, so every signature would fail (SignatureDoesNotMatch). A console password is not a secret access key.").
		WithFix("Use the secret access key shown once when the access key was created; if it was lost, create a new access key.")}
}

// awsSessionToken: ASIA keys come from STS, expire, and only work with their
// session token; long-term AKIA keys must not carry one.
func awsSessionToken(s *connector.Spec) []finding.Finding {
	id, ok := kit.UsernameKnown(s)
	if !ok || !awsKeyIDRE.MatchString(id) {
		return nil
	}
	tokenUnset := kit.SecretUnset(s, s.Auth.Token, "token")
	if strings.HasPrefix(id, "AKIA") {
		if tokenUnset || !s.Auth.Token.IsSet() {
			return nil
		}
		return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, s.Auth.Token.Path(),
			"Long-term AWS access keys do not use a session token").
			WithCode("AWS-SESSION-TOKEN").
			WithDetail("auth.token is a session token, which belongs to temporary (ASIA…) credentials. Sent with a long-term AKIA key, AWS rejects the request (InvalidClientTokenId).").
			WithFix("Remove auth.token, or use the temporary credentials the token was issued with.")}
	}
	out := []finding.Finding{finding.Warnf(finding.ExpiringCredentials, kit.AuthPath("username"),
		"Temporary AWS credentials expire").
		WithCode("AWS-TEMPORARY-KEY").
		WithDetail("ASIA… access keys are issued by STS for a session of 15 minutes to 36 hours; after that AWS answers ExpiredToken and the connector stops working.").
		WithFix("Use a long-term access key of a dedicated IAM user (AKIA…), together with role_arn so that Handshake obtains fresh temporary credentials itself.")}
	if tokenUnset {
		out = append(out, finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("token"),
			"Temporary AWS credentials need their session token").
			WithCode("AWS-SESSION-TOKEN").
			WithDetail("Requests signed with an ASIA… key are accepted only together with the session token STS issued with it; without it AWS answers InvalidClientTokenId.").
			WithFix("Set auth.token_wo to the SessionToken returned with these credentials (AWS_SESSION_TOKEN)."))
	}
	return out
}

// awsAction: required_scopes holds IAM actions (service:Action).
func awsAction(s *connector.Spec, i int, sc string) []finding.Finding {
	if strings.TrimSpace(sc) == "" || strings.ContainsAny(sc, " \t\r\n,") || awsIAMActionRE.MatchString(sc) {
		return nil
	}
	return []finding.Finding{finding.Warnf(finding.InvalidScope, kit.ScopePath(i),
		"Scope is not an IAM action").
		WithCode("AWS-IAM-ACTION").
		WithDetail("For AWS, required_scopes lists IAM actions in service:Action form, such as iam:ListUsers or s3:GetObject; AWS has no OAuth scopes.").
		WithFix("Write the action as <service prefix>:<Action>, as in the IAM policy the connector's identity has.")}
}

// awsRedirects: access keys involve no browser, so redirect URIs are unused.
func awsRedirects(s *connector.Spec) []finding.Finding {
	if s.IsUnknown("redirect_uris") || len(s.RedirectURIs) == 0 {
		return nil
	}
	return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, finding.Attr("redirect_uris"),
		"AWS connectors do not use redirect URIs").
		WithCode("AWS-REDIRECT-URIS").
		WithDetail("Access keys and role assumption involve no browser redirect, so these URIs are never checked or used.").
		WithFix("Remove redirect_uris from this connector.")}
}
