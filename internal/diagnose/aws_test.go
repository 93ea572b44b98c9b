package diagnose_test

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// AWS texts as users paste them: raw STS XML and the SDKs' wrappings
// (sources in internal/services/aws/decode_test.go and /work/research/aws.md).
func TestDiagnoseAWS(t *testing.T) {
	runVendorCases(t, "aws", []vendorCase{
		{name: "Go v2 unknown key, inferred", status: 0,
			message:  "operation error STS: GetCallerIdentity, https response error StatusCode: 403, RequestID: 16fc956c-311e-4199-bee1-1680236e9698, api error InvalidClientTokenId: The security token included in the request is invalid.",
			category: finding.InvalidCredentials, code: "InvalidClientTokenId", fixHas: "Active"},
		{name: "botocore wrong secret, inferred", status: 0,
			message:  "botocore.exceptions.ClientError: An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity operation: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
			category: finding.InvalidCredentials, code: "SignatureDoesNotMatch"},
		{name: "Java v2 expired, inferred", status: 0,
			message:  "software.amazon.awssdk.services.sts.model.StsException: The security token included in the request is expired (Service: Sts, Status Code: 403, Request ID: 6b6c1fe3-0000-4000-8000-000000000000)",
			category: finding.ExpiredCredentials, code: "ExpiredToken"},
		{name: "Java v1 assume role denied, inferred", status: 0,
			message:  "com.amazonaws.services.securitytoken.model.AWSSecurityTokenServiceException: User: arn:aws:iam::123456789012:user/handshake is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role/audit (Service: AWSSecurityTokenService; Status Code: 403; Error Code: AccessDenied; Request ID: 8f2b0a3c-1111-4222-8333-444455556666; Proxy: null)",
			category: finding.AccessDenied, code: "AssumeRoleDenied", fixHas: "sts:ExternalId"},
		{name: "CLI clock skew, inferred", status: 0,
			message:  "An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity operation: Signature expired: 20220127T001427Z is now earlier than 20220127T014428Z (20220127T015928Z - 15 min.)",
			category: finding.InvalidConfiguration, code: "RequestTimeSkewed", fixHas: "NTP"},
		{name: "raw XML", service: "aws", status: 403,
			message:  "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>Sender</Type>\n    <Code>RegionDisabledException</Code>\n    <Message>STS is not activated in this region for account:123456789012. Your account administrator can activate STS in this region using the IAM Console.</Message>\n  </Error>\n  <RequestId>16fc956c-311e-4199-bee1-1680236e9698</RequestId>\n</ErrorResponse>\n",
			category: finding.FeatureDisabled, code: "RegionDisabledException"},
		{name: "seed 003: NullPointerException keeps its raw text", service: "aws", status: 0, message: "NullPointerException",
			category: finding.UnexpectedResponse, code: "NullPointerException"},
	})
}
