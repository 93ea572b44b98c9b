package services

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestAWSProfile(t *testing.T) {
	// AWS's documented example key pair.
	const keyID, secret = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	const tempID = "ASIAIOSFODNN7EXAMPLE"
	region := func(v string) map[string]string { return set("region", v) }
	key := []specOpt{withUser(keyID), withPassword(secret)}
	runProfileCases(t, aws(), []profileCase{
		{name: "valid access key with role", spec: newSpec("aws", set("region", "eu-central-1",
			"role_arn", "arn:aws:iam::123456789012:role/audit/handshake-reader", "external_id", "handshake-7f3a9c"),
			append(key, withScopes("iam:ListUsers", "sts:GetCallerIdentity", "s3:Get*"))...)},
		{name: "valid GovCloud role", spec: newSpec("aws", set("region", "us-gov-west-1",
			"role_arn", "arn:aws-us-gov:iam::123456789012:role/handshake"), key...)},
		{name: "valid China role", spec: newSpec("aws", set("region", "cn-north-1",
			"role_arn", "arn:aws-cn:iam::123456789012:role/handshake"), key...)},
		{name: "loopback STS endpoint", spec: newSpec("aws", set("region", "us-east-1", "base_url", "http://127.0.0.1:4566"), key...)},
		{name: "availability zone", spec: newSpec("aws", region("us-east-1a"), key...),
			want: []want{wantErr(finding.InvalidConfiguration, "AWS-REGION", "aws.region")}},
		{name: "upper-case region", spec: newSpec("aws", region("US-EAST-1"), key...),
			want: []want{wantErr(finding.InvalidConfiguration, "AWS-REGION", "aws.region")}},
		{name: "region display name", spec: newSpec("aws", region("US East (N. Virginia)"), key...),
			want: []want{wantErr(finding.InvalidConfiguration, "AWS-REGION", "aws.region")}},
		{name: "role name only", spec: newSpec("aws", set("region", "us-east-1", "role_arn", "handshake-reader"), key...),
			want: []want{wantErr(finding.InvalidConfiguration, "AWS-ROLE-ARN", "aws.role_arn")}},
		{name: "assumed-role session ARN", spec: newSpec("aws", set("region", "us-east-1",
			"role_arn", "arn:aws:sts::123456789012:assumed-role/handshake/session-1"), key...),
			want: []want{wantErr(finding.InvalidConfiguration, "AWS-ROLE-ARN", "aws.role_arn")}},
		{name: "user ARN", spec: newSpec("aws", set("region", "us-east-1", "role_arn", "arn:aws:iam::123456789012:user/ci"), key...),
			want: []want{wantErr(finding.InvalidConfiguration, "AWS-ROLE-ARN", "aws.role_arn")}},
		{name: "short account id", spec: newSpec("aws", set("region", "us-east-1", "role_arn", "arn:aws:iam::12345678901:role/x"), key...),
			want: []want{wantErr(finding.InvalidConfiguration, "AWS-ROLE-ARN", "aws.role_arn")}},
		{name: "partition mismatch", spec: newSpec("aws", set("region", "us-east-1", "role_arn", "arn:aws-cn:iam::123456789012:role/x"), key...),
			want: []want{wantWarn(finding.InvalidConfiguration, "AWS-PARTITION", "aws.role_arn")}},
		{name: "external id with spaces", spec: newSpec("aws", set("region", "us-east-1",
			"role_arn", "arn:aws:iam::123456789012:role/x", "external_id", "my external id"), key...),
			want: []want{wantErr(finding.InvalidConfiguration, "AWS-EXTERNAL-ID", "aws.external_id")}},
		{name: "external id without role", spec: newSpec("aws", set("region", "us-east-1", "external_id", "abc123"), key...),
			want: []want{wantWarn(finding.InvalidConfiguration, "AWS-EXTERNAL-ID", "aws.external_id")}},
		{name: "key id and secret swapped", spec: newSpec("aws", region("us-east-1"), withUser(secret), withPassword(keyID)),
			want: []want{
				wantErr(finding.InvalidCredentials, "AWS-ACCESS-KEY", "auth.username"),
				wantErr(finding.InvalidCredentials, "AWS-SECRET-KEY", "auth.password_wo"),
			}},
		{name: "IAM user id as key id", spec: newSpec("aws", region("us-east-1"), withUser("AIDAJQABLZS4A3QDU576Q"), withPassword(secret)),
			want: []want{wantErr(finding.InvalidCredentials, "AWS-ACCESS-KEY", "auth.username")}},
		{name: "user name as key id", spec: newSpec("aws", region("us-east-1"), withUser("ci-bot"), withPassword(secret)),
			want: []want{wantErr(finding.InvalidCredentials, "AWS-ACCESS-KEY", "auth.username")}},
		{name: "console password as secret", spec: newSpec("aws", region("us-east-1"), withUser(keyID), withPassword("Summer2026!")),
			want: []want{wantErr(finding.InvalidCredentials, "AWS-SECRET-KEY", "auth.password_wo")}},
		{name: "key id without secret", spec: newSpec("aws", region("us-east-1"), withUser(keyID)),
			want: []want{wantErr(finding.InvalidConfiguration, "AWS-SECRET-KEY", "auth.password")}},
		{name: "secret without key id", spec: newSpec("aws", region("us-east-1"), withPassword(secret)),
			want: []want{wantErr(finding.InvalidConfiguration, "AWS-ACCESS-KEY", "auth.username")}},
		{name: "temporary key with session token", spec: newSpec("aws", region("us-east-1"), withUser(tempID), withPassword(secret),
			withToken("IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN")),
			want: []want{wantWarn(finding.ExpiringCredentials, "AWS-TEMPORARY-KEY", "auth.username")}},
		{name: "temporary key without session token", spec: newSpec("aws", region("us-east-1"), withUser(tempID), withPassword(secret)),
			want: []want{
				wantWarn(finding.ExpiringCredentials, "AWS-TEMPORARY-KEY", "auth.username"),
				wantErr(finding.InvalidConfiguration, "AWS-SESSION-TOKEN", "auth.token"),
			}},
		{name: "long-term key with session token", spec: newSpec("aws", region("us-east-1"), append(key, withToken("IQoJb3JpZ2luX2VjEXAMPLE"))...),
			want: []want{wantWarn(finding.InvalidConfiguration, "AWS-SESSION-TOKEN", "auth.token_wo")}},
		{name: "not an IAM action", spec: newSpec("aws", region("us-east-1"), append(key, withScopes("ReadOnlyAccess"))...),
			want: []want{wantWarn(finding.InvalidScope, "AWS-IAM-ACTION", "required_scopes[0]")}},
		{name: "no refresh tokens", spec: newSpec("aws", region("us-east-1"), append(key, withRefresh())...),
			want: []want{wantErr(finding.RefreshTokenMissing, "NO-REFRESH-TOKENS", "require_refresh_token")}},
		{name: "redirect URIs unused", spec: newSpec("aws", region("us-east-1"), append(key, withRedirects("https://app.example.com/cb"))...),
			want: []want{wantWarn(finding.InvalidConfiguration, "AWS-REDIRECT-URIS", "redirect_uris")}},
		{name: "client id is not used", spec: newSpec("aws", region("us-east-1"), append(key, withClient("abc", ""))...),
			want: []want{wantWarn(finding.InvalidConfiguration, "", "auth.client_id")}},
	})
}
