package aws

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func TestAWSProfile(t *testing.T) {
	// AWS's documented example key pair.
	const keyID, secret = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	const tempID = "ASIAIOSFODNN7EXAMPLE"
	region := func(v string) map[string]string { return servicetest.Set("region", v) }
	key := []servicetest.SpecOpt{servicetest.WithUser(keyID), servicetest.WithPassword(secret)}
	servicetest.RunProfileCases(t, Profile(), []servicetest.ProfileCase{
		{Name: "valid access key with role", Spec: servicetest.NewSpec("aws", servicetest.Set("region", "eu-central-1",
			"role_arn", "arn:aws:iam::123456789012:role/audit/handshake-reader", "external_id", "handshake-7f3a9c"),
			append(key, servicetest.WithScopes("iam:ListUsers", "sts:GetCallerIdentity", "s3:Get*"))...)},
		{Name: "valid GovCloud role", Spec: servicetest.NewSpec("aws", servicetest.Set("region", "us-gov-west-1",
			"role_arn", "arn:aws-us-gov:iam::123456789012:role/handshake"), key...)},
		{Name: "valid China role", Spec: servicetest.NewSpec("aws", servicetest.Set("region", "cn-north-1",
			"role_arn", "arn:aws-cn:iam::123456789012:role/handshake"), key...)},
		{Name: "loopback STS endpoint", Spec: servicetest.NewSpec("aws", servicetest.Set("region", "us-east-1", "base_url", "http://127.0.0.1:4566"), key...)},
		{Name: "availability zone", Spec: servicetest.NewSpec("aws", region("us-east-1a"), key...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "AWS-REGION", "aws.region")}},
		{Name: "upper-case region", Spec: servicetest.NewSpec("aws", region("US-EAST-1"), key...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "AWS-REGION", "aws.region")}},
		{Name: "region display name", Spec: servicetest.NewSpec("aws", region("US East (N. Virginia)"), key...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "AWS-REGION", "aws.region")}},
		{Name: "role name only", Spec: servicetest.NewSpec("aws", servicetest.Set("region", "us-east-1", "role_arn", "handshake-reader"), key...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "AWS-ROLE-ARN", "aws.role_arn")}},
		{Name: "assumed-role session ARN", Spec: servicetest.NewSpec("aws", servicetest.Set("region", "us-east-1",
			"role_arn", "arn:aws:sts::123456789012:assumed-role/handshake/session-1"), key...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "AWS-ROLE-ARN", "aws.role_arn")}},
		{Name: "user ARN", Spec: servicetest.NewSpec("aws", servicetest.Set("region", "us-east-1", "role_arn", "arn:aws:iam::123456789012:user/ci"), key...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "AWS-ROLE-ARN", "aws.role_arn")}},
		{Name: "short account id", Spec: servicetest.NewSpec("aws", servicetest.Set("region", "us-east-1", "role_arn", "arn:aws:iam::12345678901:role/x"), key...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "AWS-ROLE-ARN", "aws.role_arn")}},
		{Name: "partition mismatch", Spec: servicetest.NewSpec("aws", servicetest.Set("region", "us-east-1", "role_arn", "arn:aws-cn:iam::123456789012:role/x"), key...),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "AWS-PARTITION", "aws.role_arn")}},
		{Name: "external id with spaces", Spec: servicetest.NewSpec("aws", servicetest.Set("region", "us-east-1",
			"role_arn", "arn:aws:iam::123456789012:role/x", "external_id", "my external id"), key...),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "AWS-EXTERNAL-ID", "aws.external_id")}},
		{Name: "external id without role", Spec: servicetest.NewSpec("aws", servicetest.Set("region", "us-east-1", "external_id", "abc123"), key...),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "AWS-EXTERNAL-ID", "aws.external_id")}},
		{Name: "key id and secret swapped", Spec: servicetest.NewSpec("aws", region("us-east-1"), servicetest.WithUser(secret), servicetest.WithPassword(keyID)),
			Want: []servicetest.Want{
				servicetest.WantErr(finding.InvalidCredentials, "AWS-ACCESS-KEY", "auth.username"),
				servicetest.WantErr(finding.InvalidCredentials, "AWS-SECRET-KEY", "auth.password_wo"),
			}},
		{Name: "IAM user id as key id", Spec: servicetest.NewSpec("aws", region("us-east-1"), servicetest.WithUser("AIDAJQABLZS4A3QDU576Q"), servicetest.WithPassword(secret)),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "AWS-ACCESS-KEY", "auth.username")}},
		{Name: "user name as key id", Spec: servicetest.NewSpec("aws", region("us-east-1"), servicetest.WithUser("ci-bot"), servicetest.WithPassword(secret)),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "AWS-ACCESS-KEY", "auth.username")}},
		{Name: "console password as secret", Spec: servicetest.NewSpec("aws", region("us-east-1"), servicetest.WithUser(keyID), servicetest.WithPassword("Summer2026!")),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidCredentials, "AWS-SECRET-KEY", "auth.password_wo")}},
		{Name: "key id without secret", Spec: servicetest.NewSpec("aws", region("us-east-1"), servicetest.WithUser(keyID)),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "AWS-SECRET-KEY", "auth.password")}},
		{Name: "secret without key id", Spec: servicetest.NewSpec("aws", region("us-east-1"), servicetest.WithPassword(secret)),
			Want: []servicetest.Want{servicetest.WantErr(finding.InvalidConfiguration, "AWS-ACCESS-KEY", "auth.username")}},
		{Name: "temporary key with session token", Spec: servicetest.NewSpec("aws", region("us-east-1"), servicetest.WithUser(tempID), servicetest.WithPassword(secret),
			servicetest.WithToken("IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN")),
			Want: []servicetest.Want{servicetest.WantWarn(finding.ExpiringCredentials, "AWS-TEMPORARY-KEY", "auth.username")}},
		{Name: "temporary key without session token", Spec: servicetest.NewSpec("aws", region("us-east-1"), servicetest.WithUser(tempID), servicetest.WithPassword(secret)),
			Want: []servicetest.Want{
				servicetest.WantWarn(finding.ExpiringCredentials, "AWS-TEMPORARY-KEY", "auth.username"),
				servicetest.WantErr(finding.InvalidConfiguration, "AWS-SESSION-TOKEN", "auth.token"),
			}},
		{Name: "long-term key with session token", Spec: servicetest.NewSpec("aws", region("us-east-1"), append(key, servicetest.WithToken("IQoJb3JpZ2luX2VjEXAMPLE"))...),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "AWS-SESSION-TOKEN", "auth.token_wo")}},
		{Name: "not an IAM action", Spec: servicetest.NewSpec("aws", region("us-east-1"), append(key, servicetest.WithScopes("ReadOnlyAccess"))...),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidScope, "AWS-IAM-ACTION", "required_scopes[0]")}},
		{Name: "no refresh tokens", Spec: servicetest.NewSpec("aws", region("us-east-1"), append(key, servicetest.WithRefresh())...),
			Want: []servicetest.Want{servicetest.WantErr(finding.RefreshTokenMissing, "NO-REFRESH-TOKENS", "require_refresh_token")}},
		{Name: "redirect URIs unused", Spec: servicetest.NewSpec("aws", region("us-east-1"), append(key, servicetest.WithRedirects("https://app.example.com/cb"))...),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "AWS-REDIRECT-URIS", "redirect_uris")}},
		{Name: "client id is not used", Spec: servicetest.NewSpec("aws", region("us-east-1"), append(key, servicetest.WithClient("abc", ""))...),
			Want: []servicetest.Want{servicetest.WantWarn(finding.InvalidConfiguration, "", "auth.client_id")}},
	})
}
