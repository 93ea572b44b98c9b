package aws

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// AWS's error answers, for the live check and for diagnose (one decoder for
// both). STS and IAM speak the Query protocol: every error is
//
//	<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
//	  <Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>…</Message></Error>
//	  <RequestId>…</RequestId>
//	</ErrorResponse>
//
// (STS answers the same as {"Error":{"Code","Message","Type"}} to JSON
// clients). The SDKs wrap it: Go v2 "operation error STS: GetCallerIdentity,
// https response error StatusCode: 403, RequestID: …, api error Code: msg",
// botocore "An error occurred (Code) when calling the Op operation: msg",
// Java v1 "msg (Service: …; Status Code: 403; Error Code: Code; …)", Java v2
// the message alone (no code), PHP and mail libraries the flattened XML.
// Codes are read first, then the message refines them (AWS reuses
// SignatureDoesNotMatch and AccessDenied for distinct causes); Java v2 texts
// are classified by their message. Sources: /work/research/aws.md §4–5.

// awsError is one AWS error read from an answer, a pasted text or the SDK.
type awsError struct {
	code, message, requestID string
	status                   int
	op                       string // "AssumeRole", "GetCallerIdentity", … when known
}

// known is what one code means before its message refines it.
type known struct {
	cat       finding.Category
	summary   string
	why       string
	fixes     []string
	retryable bool
}

// codes are the STS/IAM error codes the check and diagnose classify.
var codes = map[string]known{
	"InvalidClientTokenId": {finding.InvalidCredentials, "AWS does not know the access key id",
		"InvalidClientTokenId: no active access key with this id exists in this partition: it is mistyped, deactivated or deleted, its user was deleted, it belongs to another partition (a commercial key on a GovCloud or China endpoint, or the reverse), or temporary credentials (ASIA…) were sent without their session token, with another one, or long after they expired. AWS does not tell these apart.",
		[]string{"Check the key id in IAM > Users > the user > Security credentials: it must be listed and Active; create a new access key if it was deleted.",
			"Temporary credentials need the session token issued with them in auth.token_wo; long-term AKIA keys take none.",
			"Use a key of the partition of aws.region (aws, aws-us-gov or aws-cn)."}, false},
	"SignatureDoesNotMatch": {finding.InvalidCredentials, "AWS rejected the request signature: wrong secret access key",
		"SignatureDoesNotMatch: the signature made with the secret access key does not match the one AWS computed for this key id, so the secret does not belong to the key (a typo, stray white space, the key id and secret swapped, or a rotated secret).",
		[]string{"Re-enter the 40-character secret access key shown when the key was created in auth.password_wo; if it was lost, create a new access key and deactivate the old one."}, false},
	"ExpiredToken": {finding.ExpiredCredentials, "The temporary AWS credentials have expired",
		"ExpiredToken: the session token's validity (15 minutes to 36 hours from when STS issued it) has passed.",
		[]string{"Obtain new temporary credentials, or use a long-term access key of a dedicated IAM user with aws.role_arn so that Handshake obtains fresh ones itself."}, false},
	"AccessDenied": {finding.AccessDenied, "AWS denied the request",
		"AccessDenied: the principal's policies do not allow the action.",
		[]string{"Grant the action named in the message to the principal, in an identity-based policy."}, false},
	"RegionDisabledException": {finding.FeatureDisabled, "STS is not activated in this Region for the account",
		"RegionDisabledException: the account's administrator deactivated the STS Regional endpoint of this Region (IAM > Account settings).",
		[]string{"Activate STS for the Region in IAM > Account settings > Security Token Service (STS) > Endpoints, or set aws.region to an active Region (us-east-1 cannot be deactivated)."}, false},
	"ValidationError": {finding.InvalidConfiguration, "AWS refused a request parameter",
		"ValidationError: a parameter does not satisfy STS's constraints (external id of 2 to 1224 characters of [\\w+=,.@:/-], role ARN, session duration).",
		[]string{"Correct the value the message names: aws.external_id, aws.role_arn."}, false},
	"Throttling": {finding.RateLimited, "AWS is throttling the requests",
		"Throttling: the account exceeded the STS request rate (600 requests per second per Region by default) or the IAM API rate.",
		[]string{"Retry later with back-off; cache role credentials instead of assuming the role for every call."}, true},
	"MissingAuthenticationToken": {finding.InvalidConfiguration, "The request reached AWS unsigned",
		"MissingAuthenticationToken: the request carried no signature, so no access key was configured or a proxy removed the Authorization header.",
		[]string{"Set auth.username (access key id) and auth.password_wo (secret access key); check that no proxy strips Authorization."}, false},
	"IncompleteSignature": {finding.UnexpectedResponse, "AWS received a malformed Authorization header",
		"IncompleteSignature: the SigV4 Authorization header arrived incomplete, which happens when a proxy rewrites headers.",
		[]string{"Check proxies between Handshake and AWS that modify headers."}, false},
	"InternalFailure": {finding.ServiceUnavailable, "AWS reported an internal error",
		"InternalFailure: the request failed inside AWS.",
		[]string{"Retry later; check the AWS Health Dashboard."}, true},
	"ServiceUnavailable": {finding.ServiceUnavailable, "The AWS service is unavailable",
		"ServiceUnavailable: the endpoint could not handle the request for now.",
		[]string{"Retry later; check the AWS Health Dashboard."}, true},
	"RequestExpired": {finding.InvalidConfiguration, "The request time is too far from AWS's clock",
		"RequestExpired: the request's X-Amz-Date is outside the window AWS accepts, so the clock of the machine signing requests is wrong.",
		[]string{"Synchronise the clock of the machine running Terraform (NTP)."}, false},
	"InvalidAction": {finding.EndpointNotFound, "The endpoint is not STS",
		"InvalidAction: the endpoint does not know the STS action, so aws.base_url (or aws.iam_base_url) points at another AWS service or API.",
		[]string{"Point aws.base_url at an STS endpoint (https://sts.<region>.amazonaws.com), or remove it."}, false},
	"InvalidInput": {finding.UnexpectedResponse, "IAM refused the policy simulation input",
		"InvalidInput: IAM did not accept the principal ARN of the simulation.",
		[]string{"Set aws.role_arn to the role the credentials belong to, so that the simulation names it."}, false},
	"NoSuchEntity": {finding.AccessDenied, "IAM does not know the principal",
		"NoSuchEntity: the user or role named in the request does not exist in the account.",
		[]string{"Check aws.role_arn and the account of the access key."}, false},
}

// aliases are codes other SDKs or services use for the same error.
var aliases = map[string]string{
	"ExpiredTokenException":       "ExpiredToken",
	"AccessDeniedException":       "AccessDenied",
	"ThrottlingException":         "Throttling",
	"TooManyRequestsException":    "Throttling",
	"InternalFailureException":    "InternalFailure",
	"ServiceUnavailableException": "ServiceUnavailable",
	"RequestTimeTooSkewed":        "RequestExpired",
	"InvalidInputException":       "InvalidInput",
	"NoSuchEntityException":       "NoSuchEntity",
	"UnrecognizedClientException": "InvalidClientTokenId",
	"InvalidSignatureException":   "SignatureDoesNotMatch",
}

// Codes this decoder sets itself, refining AWS's.
const (
	codeClockSkew    = "RequestTimeSkewed"     // SignatureDoesNotMatch: Signature expired / not yet current
	codeRegionScope  = "CredentialScopeRegion" // SignatureDoesNotMatch: Credential should be scoped …
	codeAssumeDenied = "AssumeRoleDenied"      // AccessDenied on sts:AssumeRole
	codeRootAssume   = "RootCannotAssumeRole"  // Roles may not be assumed by root accounts
	codeExplicitDeny = "ExplicitDeny"          // an SCP, RCP or permissions boundary denies
	codeOptInRegion  = "RegionNotEnabled"      // InvalidClientTokenId in an opt-in Region
)

var (
	xmlCodeRE = regexp.MustCompile(`<Code>\s*([A-Za-z.]+)\s*</Code>`)
	xmlMsgRE  = regexp.MustCompile(`(?s)<Message>(.*?)</Message>`)
	xmlReqRE  = regexp.MustCompile(`<RequestId>\s*([A-Za-z0-9-]+)\s*</RequestId>`)
	// Any known code as a word, in the wrapped texts: "api error X: msg",
	// "(X) when calling", "Error Code: X;", "X: msg\n\tstatus code", "Sender X msg".
	codeWordRE = regexp.MustCompile(`\b(InvalidClientTokenId|SignatureDoesNotMatch|ExpiredToken(?:Exception)?|AccessDenied(?:Exception)?|RegionDisabledException|ValidationError|Throttling(?:Exception)?|TooManyRequestsException|MissingAuthenticationToken|IncompleteSignature|InternalFailure|ServiceUnavailable(?:Exception)?|RequestExpired|RequestTimeTooSkewed|InvalidAction|InvalidInput(?:Exception)?|NoSuchEntity(?:Exception)?|UnrecognizedClientException|InvalidSignatureException)\b`)
	// The message after the code: "Code: msg", "(Code) when calling the Op operation: msg".
	afterCodeRE = regexp.MustCompile(`^(?:\)? when calling the (\w+) operation)?:?\s*(.*)`)
	statusRE    = regexp.MustCompile(`(?i)(?:StatusCode|Status Code|status code)[:=]?\s*(\d{3})`)
	requestRE   = regexp.MustCompile(`(?i)(?:RequestID|Request ID|request id)[:=]?\s*([A-Za-z0-9-]{8,})`)
	operationRE = regexp.MustCompile(`operation error (?:STS|IAM): (\w+)|when calling the (\w+) operation|Error executing "(\w+)"`)
	// Java v2 SDK texts carry no code: "StsException: <message> (Service: Sts, Status Code: 403, …)".
	messageCodes = []struct {
		re   *regexp.Regexp
		code string
	}{
		{regexp.MustCompile(`(?i)security token included in the request is invalid`), "InvalidClientTokenId"},
		{regexp.MustCompile(`(?i)security token included in the request is expired`), "ExpiredToken"},
		{regexp.MustCompile(`(?i)signature we calculated does not match|Signature expired: \d|Signature not yet current|Credential should be scoped to a valid region`), "SignatureDoesNotMatch"},
		{regexp.MustCompile(`(?i)is not authorized to perform: [a-z0-9-]+:\w+|Roles may not be assumed by root accounts`), "AccessDenied"},
		{regexp.MustCompile(`(?i)STS is not activated in this region`), "RegionDisabledException"},
	}
	principalRE = regexp.MustCompile(`User: (arn:[^\s]+) is not authorized`)
	actionRE    = regexp.MustCompile(`perform: ([a-z0-9-]+:[A-Za-z0-9*]+)`)
	resourceRE  = regexp.MustCompile(`on resource: (\S+?)(?:\s|$)`)
	policyRE    = regexp.MustCompile(`explicit deny in an? (service control policy|resource control policy|permissions boundary|session policy)(?::\s*(arn:\S+))?`)
)

// Decode is the profile's decoder: AWS's error answers (live) and pasted
// error texts (diagnose). A text with no AWS code or message, such as seed
// 003's bare "NullPointerException", is not AWS's: it is left to the generic
// decoder, which keeps the raw text as an unexpected response.
func Decode(a connector.Answer) (finding.Finding, bool) {
	e, ok := readError(a)
	if !ok {
		return finding.Finding{}, false
	}
	return e.finding(""), true
}

// readError finds the AWS error in an answer or text.
func readError(a connector.Answer) (awsError, bool) {
	text := string(a.Body)
	e := awsError{status: a.StatusCode}
	if m := xmlCodeRE.FindStringSubmatch(text); m != nil {
		e.code = m[1]
		if mm := xmlMsgRE.FindStringSubmatch(text); mm != nil {
			e.message = kit.Tidy(xmlUnescape(mm[1]), 400)
		}
	}
	if e.code == "" {
		readJSON(text, &e)
	}
	if e.code == "" {
		if loc := codeWordRE.FindStringSubmatchIndex(text); loc != nil {
			e.code = text[loc[2]:loc[3]]
			rest := afterCodeRE.FindStringSubmatch(text[loc[3]:])[2]
			if rest == "" || strings.HasPrefix(rest, ";") || strings.HasPrefix(rest, ")") {
				rest = text // Java v1: the message comes before "(Service: …; Error Code: X; …)"
			}
			e.message = kit.Tidy(rest, 400)
		}
	}
	if e.code == "" {
		for _, mc := range messageCodes {
			if mc.re.MatchString(text) {
				e.code, e.message = mc.code, kit.Tidy(text, 400)
				break
			}
		}
	}
	if c, ok := aliases[e.code]; ok {
		e.code = c
	}
	if _, ok := codes[e.code]; !ok {
		return awsError{}, false
	}
	if e.status == 0 {
		if m := statusRE.FindStringSubmatch(text); m != nil {
			e.status, _ = strconv.Atoi(m[1])
		}
	}
	if m := xmlReqRE.FindStringSubmatch(text); m != nil {
		e.requestID = m[1]
	} else if m := requestRE.FindStringSubmatch(text); m != nil {
		e.requestID = m[1]
	} else if a.Header != nil {
		e.requestID = a.Header.Get("x-amzn-RequestId")
	}
	if m := operationRE.FindStringSubmatch(text); m != nil {
		e.op = m[1] + m[2] + m[3]
	}
	return e, true
}

// readJSON reads STS's JSON error envelope and botocore's parsed dict.
func readJSON(text string, e *awsError) {
	for _, obj := range kit.Objects(text) {
		var b struct {
			Error struct {
				Code    string `json:"Code"`
				Message string `json:"Message"`
			} `json:"Error"`
			RequestID string `json:"RequestId"`
		}
		if json.Unmarshal([]byte(obj), &b) == nil && b.Error.Code != "" {
			e.code, e.message, e.requestID = b.Error.Code, kit.Tidy(b.Error.Message, 400), b.RequestID
			return
		}
	}
}

var xmlEntities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'", "&amp;", "&")

func xmlUnescape(s string) string { return xmlEntities.Replace(s) }

// finding classifies the error; region is aws.region when known (an
// InvalidClientTokenId in an opt-in Region usually means the Region is not
// enabled for the account).
func (e awsError) finding(region string) finding.Finding {
	k := codes[e.code]
	code, cat, summary, why, fixes := e.code, k.cat, k.summary, k.why, append([]string(nil), k.fixes...)
	msg := e.message
	switch e.code {
	case "SignatureDoesNotMatch":
		switch {
		case strings.Contains(msg, "Signature expired") || strings.Contains(msg, "Signature not yet current"):
			code, cat, summary = codeClockSkew, finding.InvalidConfiguration, "The clock of the machine running Terraform is off: AWS refused the request time"
			why = "SignatureDoesNotMatch with \"" + kit.Clean(msg, 160) + "\": SigV4 signatures are valid 15 minutes around the request time (X-Amz-Date), and this request's time is outside that window, so the local clock is wrong. Every AWS tool on this machine will fail the same way, although some SDKs (Go v2) correct themselves from the server's Date header."
			fixes = []string{"Synchronise the clock of the machine running Terraform (NTP: timedatectl set-ntp true, w32tm /resync), and check its time zone setting."}
		case strings.Contains(msg, "Credential should be scoped"):
			code, cat, summary = codeRegionScope, finding.InvalidConfiguration, "The signing Region does not match the endpoint's Region"
			why = "SignatureDoesNotMatch with \"" + kit.Clean(msg, 160) + "\": requests are signed for aws.region, and the endpoint (aws.base_url) belongs to another Region."
			fixes = []string{"Make aws.region the Region of the STS endpoint in aws.base_url, or remove aws.base_url to use the Regional endpoint of aws.region."}
		}
	case "AccessDenied":
		switch {
		case strings.Contains(msg, "Roles may not be assumed by root"):
			code, summary = codeRootAssume, "The root user's access keys cannot assume a role"
			why = "AccessDenied: Roles may not be assumed by root accounts. The access key belongs to the account's root user, which AWS never lets assume roles."
			fixes = []string{"Create an IAM user (or use IAM Identity Center) for the connector, give it sts:AssumeRole on aws.role_arn, and delete the root user's access keys."}
		case policyRE.MatchString(msg):
			m := policyRE.FindStringSubmatch(msg)
			code, cat, summary = codeExplicitDeny, finding.PolicyBlocked, "An explicit deny in a "+m[1]+" blocks the request"
			why = "AccessDenied: " + kit.Clean(msg, 300) + ". Grants in identity policies cannot override an explicit deny; conditions such as aws:SourceIp in the deny refer to the address of the machine running the check, which may differ from the integration's."
			fixes = []string{"Ask the administrator of the " + m[1] + " to exempt this principal or action" + policyARN(m[2]) + "."}
		case strings.Contains(msg, "sts:AssumeRole") || e.op == "AssumeRole":
			code, summary = codeAssumeDenied, "AWS refused to let the access key assume aws.role_arn"
			why = "AccessDenied on sts:AssumeRole. AWS gives this one answer for: the role's trust policy does not name the caller, the trust policy's sts:ExternalId condition does not match aws.external_id (or it is missing), the caller's own policies do not allow sts:AssumeRole on the role, an MFA condition, or a role that does not exist. It never says which."
			fixes = []string{"In the role's trust policy (IAM > Roles > the role > Trust relationships), add the caller's ARN as Principal and check that the sts:ExternalId condition equals aws.external_id exactly.",
				"Allow sts:AssumeRole on the role ARN in the caller's identity policy (needed when the role is in another account).",
				"Check that aws.role_arn names an existing role (account id and path)."}
		}
	case "InvalidClientTokenId":
		if optInRegion(region) {
			code, cat, summary = codeOptInRegion, finding.InvalidConfiguration, "The Region "+region+" may not be enabled for the account"
			why = "InvalidClientTokenId in " + region + ", an opt-in Region: AWS answers so when the Region is not enabled for the account, exactly as for an unknown access key (" + k.why + ")"
			fixes = append([]string{"Enable the Region in the account's settings (Account > AWS Regions), or set aws.region to an enabled Region such as us-east-1."}, fixes...)
		}
	}
	f := finding.Finding{Severity: finding.Error, Category: cat, Code: code, Retryable: k.retryable,
		Summary: summary + " (" + e.code + ")", Detail: why, Remediation: fixes}
	if msg != "" && !strings.Contains(f.Detail, kit.Clean(msg, 160)) {
		f.Detail += fmt.Sprintf(" AWS said: %q.", kit.Clean(msg, 300))
	}
	if m := principalRE.FindStringSubmatch(msg); m != nil {
		f.Detail += " Caller: " + m[1] + "."
	}
	if m := resourceRE.FindStringSubmatch(msg); m != nil && code == codeAssumeDenied {
		f.Detail += " Role: " + m[1] + "."
	}
	if e.requestID != "" {
		f.Detail += " Request id " + e.requestID + "."
	}
	if e.status == http.StatusTooManyRequests {
		f.Category, f.Retryable = finding.RateLimited, true
	}
	return f
}

func policyARN(arn string) string {
	if arn == "" {
		return ""
	}
	return " (" + arn + ")"
}

// deniedAction is the IAM action an AccessDenied message names.
func deniedAction(msg string) string {
	if m := actionRE.FindStringSubmatch(msg); m != nil {
		return m[1]
	}
	return ""
}

// optInRegions are the Regions an account must enable before use
// (AWS Account Management Guide, "Enable or disable AWS Regions").
var optInRegions = []string{"af-south-1", "ap-east-1", "ap-east-2", "ap-south-2", "ap-southeast-3", "ap-southeast-4",
	"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-west-1", "eu-central-2", "eu-south-1", "eu-south-2",
	"il-central-1", "me-central-1", "me-south-1", "mx-central-1"}

func optInRegion(r string) bool {
	for _, o := range optInRegions {
		if o == r {
			return true
		}
	}
	return false
}

// Recognize tells diagnose that an error text is AWS's.
func Recognize(text string) bool {
	t := strings.ToLower(text)
	if kit.Has(t, "sts.amazonaws.com", ".amazonaws.com", "amazonaws.com.cn", "operation error sts:", "operation error iam:",
		"awssecuritytokenservice", "stsexception", "com.amazonaws.", "software.amazon.awssdk", "botocore", "@aws-sdk/", "aws-sdk") {
		return true
	}
	if m := codeWordRE.FindString(text); m != "" && m != "AccessDenied" && m != "ValidationError" && m != "Throttling" &&
		m != "InternalFailure" && m != "ServiceUnavailable" && m != "InvalidInput" {
		return true // codes no other vendor uses
	}
	for _, mc := range messageCodes {
		if mc.re.MatchString(text) {
			return true
		}
	}
	return false
}
