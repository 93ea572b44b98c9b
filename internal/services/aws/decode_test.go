package aws

import (
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func stsXML(code, msg string) string {
	return "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>Sender</Type>\n    <Code>" + code +
		"</Code>\n    <Message>" + msg + "</Message>\n  </Error>\n  <RequestId>16fc956c-311e-4199-bee1-1680236e9698</RequestId>\n</ErrorResponse>\n"
}

// Real bodies and texts (research notes /work/research/aws.md §4–5).
func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		cat    finding.Category
		code   string
		has    string
	}{
		// source: aws-azure-login/aws-azure-login#251 (raw XML)
		{"unknown key, XML", 403, stsXML("InvalidClientTokenId", "The security token included in the request is invalid"),
			finding.InvalidCredentials, "InvalidClientTokenId", "16fc956c-311e-4199-bee1-1680236e9698"},
		// source: aws/aws-cli#5166
		{"wrong secret, XML", 403, stsXML("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."),
			finding.InvalidCredentials, "SignatureDoesNotMatch", "secret"},
		// source: cfn-sphere/cfn-sphere#55 (IAM namespace)
		{"expired token, IAM XML", 403, `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error><RequestId>a0b7c1d2-0000-4000-8000-000000000000</RequestId></ErrorResponse>`,
			finding.ExpiredCredentials, "ExpiredToken", "expired"},
		// source: aws/aws-cli#6676
		{"clock behind, CLI", 0, "An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity operation: Signature expired: 20220127T001427Z is now earlier than 20220127T014428Z (20220127T015928Z - 15 min.)",
			finding.InvalidConfiguration, codeClockSkew, "clock"},
		// source: namecheap/node-vault-client#25
		{"region scope, XML", 403, stsXML("SignatureDoesNotMatch", "Credential should be scoped to a valid region. "),
			finding.InvalidConfiguration, codeRegionScope, "Region"},
		// source: Netflix/security_monkey#77
		{"assume role denied, XML", 403, stsXML("AccessDenied", "User: arn:aws:iam::123456789012:user/handshake is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role/audit"),
			finding.AccessDenied, codeAssumeDenied, "arn:aws:iam::210987654321:role/audit"},
		// source: kubeflow/testing#961
		{"root assume, XML", 403, stsXML("AccessDenied", "Roles may not be assumed by root accounts."),
			finding.AccessDenied, codeRootAssume, "root"},
		// source: double-break/spapi-php#45 (STS JSON variant)
		{"root assume, JSON", 403, `{"Error":{"Code":"AccessDenied","Message":"Roles may not be assumed by root accounts.","Type":"Sender"},"RequestId":"9db0c5b3-1111-4222-8333-444455556666"}`,
			finding.AccessDenied, codeRootAssume, "9db0c5b3"},
		// source: AWS IAM User Guide, "Troubleshoot access denied error messages"
		{"scp explicit deny", 403, stsXML("AccessDenied", "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/audit with an explicit deny in a service control policy"),
			finding.PolicyBlocked, codeExplicitDeny, "service control policy"},
		// source: turbot/steampipe-plugin-aws#1510 (Go v2 verbatim)
		{"region disabled, Go v2", 0, "operation error STS: GetCallerIdentity, https response error StatusCode: 403, RequestID: 3a1bf1b4-4a0b-4f5c-9e0e-6bd0d4f7e0a1, RegionDisabledException: STS is not activated in this region for account:123456789012. Your account administrator can activate STS in this region using the IAM Console.",
			finding.FeatureDisabled, "RegionDisabledException", "3a1bf1b4"},
		// source: jlevers/selling-partner-api#278
		{"throttling, XML", 400, stsXML("Throttling", "Rate exceeded"), finding.RateLimited, "Throttling", "Rate exceeded"},
		// source: terraform-provider-aws#34865 shape (Go v2), aws-sdk-go-v2#2481
		{"unknown key, Go v2", 0, "operation error STS: GetCallerIdentity, https response error StatusCode: 403, RequestID: 16fc956c-311e-4199-bee1-1680236e9698, api error InvalidClientTokenId: The security token included in the request is invalid.",
			finding.InvalidCredentials, "InvalidClientTokenId", "Request id 16fc956c"},
		// source: barnybug/cli53#278 (Go v1)
		{"unknown key, Go v1", 0, "InvalidClientTokenId: The security token included in the request is invalid.\n\tstatus code: 403, request id: 86d1302f-2b0a-11e9-8a7e-e5b0a6c2f1d3",
			finding.InvalidCredentials, "InvalidClientTokenId", "86d1302f"},
		// source: aws/aws-sdk-java#1879 (Java v1)
		{"unknown key, Java v1", 0, "com.amazonaws.services.securitytoken.model.AWSSecurityTokenServiceException: The security token included in the request is invalid. (Service: AWSSecurityTokenService; Status Code: 403; Error Code: InvalidClientTokenId; Request ID: 67ef1b00-7c0a-11e9-a2a4-0123456789ab)",
			finding.InvalidCredentials, "InvalidClientTokenId", "67ef1b00"},
		// source: aws/aws-sdk-java-v2#1649 (Java v2: no code in the text)
		{"expired, Java v2", 0, "software.amazon.awssdk.services.sts.model.StsException: The security token included in the request is expired (Service: Sts, Status Code: 403, Request ID: 6b6c1fe3-0000-4000-8000-000000000000)",
			finding.ExpiredCredentials, "ExpiredToken", "6b6c1fe3"},
		// source: okta/okta-awscli#145 (botocore dict)
		{"botocore dict", 0, "botocore.exceptions.ClientError: An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid",
			finding.InvalidCredentials, "InvalidClientTokenId", "invalid"},
		// source: joelcox/codeigniter-amazon-ses#25 (flattened XML)
		{"flattened", 0, "Sender InvalidClientTokenId The security token included in the request is invalid 3c9c1cfa-8f1a-11e9-9f2b-0123456789ab",
			finding.InvalidCredentials, "InvalidClientTokenId", "invalid"},
		// source: aws/aws-cli#4745
		{"external id validation", 400, stsXML("ValidationError", "1 validation error detected: Value '%20' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*"),
			finding.InvalidConfiguration, "ValidationError", "externalId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := servicetest.CheckDecoded(t, Decode, tc.status, tc.body, tc.cat, tc.code)
			if !strings.Contains(f.Detail+f.Summary+strings.Join(f.Remediation, " "), tc.has) {
				t.Fatalf("finding does not mention %q: %+v", tc.has, f)
			}
			if tc.status == 0 && !Recognize(tc.body) && !strings.HasPrefix(tc.body, "<") {
				t.Errorf("Recognize misses %q", tc.body)
			}
		})
	}
}

// Seed 003's "NullPointerException" is an internal error of the consuming
// connector, not an AWS answer: the AWS decoder leaves it alone, so the
// generic decoder keeps the raw text as unexpected_response.
func TestDecodeNotAWS(t *testing.T) {
	for _, body := range []string{"NullPointerException", "java.lang.NullPointerException\n\tat com.example.Collector.run(Collector.java:42)",
		`{"error":"invalid_grant"}`, "<html><body>404 Not Found</body></html>", ""} {
		if f, ok := Decode(connector.Answer{StatusCode: 500, Body: []byte(body)}); ok {
			t.Errorf("%q decoded as %s %s", body, f.Category, f.Code)
		}
		if Recognize(body) {
			t.Errorf("%q recognised as AWS", body)
		}
	}
}

// An InvalidClientTokenId in an opt-in Region names the Region first.
func TestOptInRegion(t *testing.T) {
	f := awsError{code: "InvalidClientTokenId", message: "The security token included in the request is invalid"}.finding("af-south-1")
	if f.Category != finding.InvalidConfiguration || f.Code != codeOptInRegion {
		t.Fatalf("got %s %s", f.Category, f.Code)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(403, stsXML("AccessDenied", "User: arn:aws:iam::1:user/x is not authorized to perform: sts:AssumeRole on resource: y"))
	f.Add(0, "operation error STS: AssumeRole, https response error StatusCode: 403, RequestID: , api error AccessDenied: ")
	f.Add(0, "Error Code: SignatureDoesNotMatch; Signature expired:")
	f.Fuzz(func(t *testing.T, status int, body string) {
		fd, ok := Decode(connector.Answer{StatusCode: status, Body: []byte(body)})
		if ok && (fd.Summary == "" || fd.Category == "" || len(fd.Remediation) == 0) {
			t.Fatalf("incomplete finding for %q: %+v", body, fd)
		}
		_ = Recognize(body)
	})
}
