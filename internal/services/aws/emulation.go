package aws

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// AWS's emulation: STS and IAM's Query API (form POST, Action and Version)
// answering with the real XML bodies, Content-Type text/xml and the
// x-amzn-RequestId header the SDK reads (/work/research/aws.md §3–4:
// aws-azure-login#251, cfn-sphere#55, Netflix/security_monkey#77,
// namecheap/node-vault-client#25, turbot/steampipe-plugin-aws#1510,
// jlevers/selling-partner-api#278, aws/aws-cli#6676, kubeflow/testing#961).
//
// URLs: <sandbox>/aws/<region> stands for https://sts.<region>.amazonaws.com
// (aws.base_url), and <sandbox>/aws/iam for IAM (aws.iam_base_url). The
// signature is not verified; its Credential scope is: the Region must be the
// URL's (else "Credential should be scoped to a valid region") and the
// service sts or iam.
//
// The access key id picks the scenario: it works only with "SANDBOX" right
// after AKIA/ASIA, and the rest names the failure: INVALID →
// InvalidClientTokenId, BADSECRET → SignatureDoesNotMatch, EXPIRED →
// ExpiredToken, SKEW → "Signature expired" with a Date 30 minutes ahead,
// NOSTS → RegionDisabledException, THROTTLE → 400 Throttling, ROOT → the
// root user (AssumeRole refused), SCP → AssumeRole refused by a service
// control policy, NOSIM → iam:SimulatePrincipalPolicy refused. AssumeRole:
// a role named *untrusted* is refused, a role named *external* needs
// ExternalId SandboxExternalID. SimulatePrincipalPolicy allows the actions
// in sandboxAllowed, denies organizations:* by SCP and iam:Delete* by a Deny
// statement, and implicitly denies the rest.

// SandboxExternalID is the external id the sandbox's *external* roles require.
const SandboxExternalID = "sandbox-external-id-7f3a"

// SandboxAccount is the sandbox's account id.
const SandboxAccount = "123456789012"

var (
	credScopeRE = regexp.MustCompile(`Credential=([A-Z0-9]+)/(\d{8})/([a-z0-9-]+)/([a-z0-9]+)/aws4_request`)
	roleNameRE  = regexp.MustCompile(`:role/(?:.*/)?([^/]+)$`)
)

var sandboxAllowed = map[string]bool{
	"sts:getcalleridentity": true, "iam:listusers": true, "iam:getuser": true, "iam:getaccountsummary": true,
	"cloudtrail:lookupevents": true, "cloudtrail:describetrails": true, "s3:listallmybuckets": true,
	"guardduty:listfindings": true, "securityhub:getfindings": true,
}

// Emulation is the sandbox's AWS.
func Emulation() emulation.Vendor {
	return emulation.Vendor{Path: "aws", Routes: routes}
}

type emu struct{ seq atomic.Int64 }

func routes(_ emulation.World, mux *http.ServeMux, prefix string) {
	e := &emu{}
	mux.HandleFunc("POST "+prefix+"/{region}", e.serve)
	mux.HandleFunc("POST "+prefix+"/{region}/", e.serve)
}

func (e *emu) requestID() string {
	return fmt.Sprintf("16fc956c-311e-4199-bee1-%012d", e.seq.Add(1))
}

// write sends a Query API answer.
func (e *emu) write(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("x-amzn-RequestId", e.requestID())
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func (e *emu) fail(w http.ResponseWriter, service string, status int, code, msg string) {
	ns, typ := "https://sts.amazonaws.com/doc/2011-06-15/", "Sender"
	if service == "iam" {
		ns = "https://iam.amazonaws.com/doc/2010-05-08/"
	}
	if status >= 500 {
		typ = "Receiver"
	}
	e.write(w, status, fmt.Sprintf("<ErrorResponse xmlns=%q>\n  <Error>\n    <Type>%s</Type>\n    <Code>%s</Code>\n    <Message>%s</Message>\n  </Error>\n  <RequestId>%s</RequestId>\n</ErrorResponse>\n",
		ns, typ, code, xmlEscape(msg), e.requestID()))
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

func (e *emu) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		e.fail(w, "sts", 400, "MalformedQueryString", "The request body is not form-encoded")
		return
	}
	service := "sts"
	if r.PostForm.Get("Version") == "2010-05-08" {
		service = "iam"
	}
	m := credScopeRE.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		e.fail(w, service, 403, "MissingAuthenticationToken", "Request is missing Authentication Token")
		return
	}
	key, scopeRegion, scopeService := m[1], m[3], m[4]
	wantRegion := r.PathValue("region")
	if service == "iam" {
		wantRegion = "us-east-1"
	}
	if scopeService != service || scopeRegion != wantRegion {
		// source: namecheap/node-vault-client#25 (trailing space included)
		e.fail(w, service, 403, "SignatureDoesNotMatch", "Credential should be scoped to a valid region. ")
		return
	}
	word, ok := strings.CutPrefix(key[4:], "SANDBOX")
	switch {
	case !ok || strings.HasPrefix(word, "INVALID") || strings.HasPrefix(key, "ASIA") && r.Header.Get("X-Amz-Security-Token") == "":
		// source: aws-azure-login/aws-azure-login#251
		e.fail(w, service, 403, "InvalidClientTokenId", "The security token included in the request is invalid")
	case strings.HasPrefix(word, "BADSECRET"):
		// source: aws/aws-cli#5166
		e.fail(w, service, 403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	case strings.HasPrefix(word, "EXPIRED"):
		// source: cfn-sphere#55, aws/aws-sdk-java-v2#1649 (no final period)
		e.fail(w, service, 403, "ExpiredToken", "The security token included in the request is expired")
	case strings.HasPrefix(word, "SKEW"):
		// source: aws/aws-cli#6676; the server's clock is 30 minutes ahead.
		server := time.Now().UTC().Add(30 * time.Minute)
		w.Header().Set("Date", server.Format(http.TimeFormat))
		e.fail(w, service, 403, "SignatureDoesNotMatch", fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 15 min.)",
			r.Header.Get("X-Amz-Date"), server.Add(-15*time.Minute).Format("20060102T150405Z"), server.Format("20060102T150405Z")))
	case strings.HasPrefix(word, "NOSTS") && service == "sts":
		// source: turbot/steampipe-plugin-aws#1510
		e.fail(w, service, 403, "RegionDisabledException", "STS is not activated in this region for account:"+SandboxAccount+". Your account administrator can activate STS in this region using the IAM Console.")
	case strings.HasPrefix(word, "THROTTLE"):
		// source: jlevers/selling-partner-api#278
		e.fail(w, service, 400, "Throttling", "Rate exceeded")
	case service == "iam":
		e.iam(w, r, key, word)
	default:
		e.sts(w, r, key, word)
	}
}

func (e *emu) callerARN(key, word string) string {
	switch {
	case strings.HasPrefix(key, "ASIASANDBOXROLE"):
		return "arn:aws:sts::" + SandboxAccount + ":assumed-role/" + strings.ToLower(strings.TrimRight(word[4:], "0")) + "/" + sessionName
	case strings.HasPrefix(word, "ROOT"):
		return "arn:aws:iam::" + SandboxAccount + ":root"
	}
	return "arn:aws:iam::" + SandboxAccount + ":user/handshake-sandbox"
}

func (e *emu) sts(w http.ResponseWriter, r *http.Request, key, word string) {
	caller := e.callerARN(key, word)
	switch r.PostForm.Get("Action") {
	case "GetCallerIdentity":
		e.write(w, 200, fmt.Sprintf(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>%s</Arn>
    <UserId>AIDASANDBOXUSER0000001</UserId>
    <Account>%s</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>%s</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
`, caller, SandboxAccount, e.requestID()))
	case "AssumeRole":
		e.assume(w, r, caller, word)
	default:
		// source: AWS Query API common errors (InvalidAction, 400)
		e.fail(w, "sts", 400, "InvalidAction", "Could not find operation "+r.PostForm.Get("Action")+" for version 2011-06-15")
	}
}

func (e *emu) assume(w http.ResponseWriter, r *http.Request, caller, word string) {
	role := r.PostForm.Get("RoleArn")
	ext := r.PostForm.Get("ExternalId")
	denied := "User: " + caller + " is not authorized to perform: sts:AssumeRole on resource: " + role
	m := roleNameRE.FindStringSubmatch(role)
	switch {
	case ext != "" && (len(ext) < 2 || len(ext) > 1224):
		// source: aws/aws-cli#4745
		e.fail(w, "sts", 400, "ValidationError", "1 validation error detected: Value '"+ext+"' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2")
	case strings.HasPrefix(word, "ROOT"):
		// source: kubeflow/testing#961
		e.fail(w, "sts", 403, "AccessDenied", "Roles may not be assumed by root accounts.")
	case strings.HasPrefix(word, "SCP"):
		// source: AWS IAM UG, "Troubleshoot access denied" (message with policy type and ARN)
		e.fail(w, "sts", 403, "AccessDenied", denied+" with an explicit deny in a service control policy: arn:aws:organizations::"+SandboxAccount+":policy/o-sandbox/service_control_policy/p-sandbox1")
	case m == nil || strings.Contains(m[1], "untrusted") || strings.Contains(m[1], "external") && ext != SandboxExternalID:
		// source: Netflix/security_monkey#77
		e.fail(w, "sts", 403, "AccessDenied", denied)
	default:
		name := strings.ToUpper(strings.NewReplacer("-", "", "_", "").Replace(m[1]))
		id := ("ASIASANDBOXROLE" + name + "0000000000000000")[:20]
		exp := time.Now().UTC().Add(15 * time.Minute).Format(time.RFC3339)
		e.write(w, 200, fmt.Sprintf(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>%s</AccessKeyId>
      <SecretAccessKey>sandboxSecretKeyForAssumedRole0000000000</SecretAccessKey>
      <SessionToken>sandbox-session-token-%s</SessionToken>
      <Expiration>%s</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>AROASANDBOXROLE00001:%s</AssumedRoleId>
      <Arn>arn:aws:sts::%s:assumed-role/%s/%s</Arn>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>%s</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
`, id, strings.ToLower(name), exp, sessionName, SandboxAccount, m[1], sessionName, e.requestID()))
	}
}

func (e *emu) iam(w http.ResponseWriter, r *http.Request, key, word string) {
	if r.PostForm.Get("Action") != "SimulatePrincipalPolicy" {
		e.fail(w, "iam", 400, "InvalidAction", "Could not find operation "+r.PostForm.Get("Action")+" for version 2010-05-08")
		return
	}
	src := r.PostForm.Get("PolicySourceArn")
	if strings.HasPrefix(word, "NOSIM") {
		e.fail(w, "iam", 403, "AccessDenied", "User: "+e.callerARN(key, word)+" is not authorized to perform: iam:SimulatePrincipalPolicy on resource: "+src+" because no identity-based policy allows the iam:SimulatePrincipalPolicy action")
		return
	}
	var b strings.Builder
	for i := 1; ; i++ {
		a := r.PostForm.Get(fmt.Sprintf("ActionNames.member.%d", i))
		if a == "" {
			break
		}
		low := strings.ToLower(a)
		switch {
		case sandboxAllowed[low]:
			fmt.Fprintf(&b, "      <member>\n        <EvalActionName>%s</EvalActionName>\n        <EvalResourceName>*</EvalResourceName>\n        <EvalDecision>allowed</EvalDecision>\n        <MatchedStatements>\n          <member><SourcePolicyId>ReadOnlyAccess</SourcePolicyId><SourcePolicyType>aws-managed</SourcePolicyType></member>\n        </MatchedStatements>\n        <MissingContextValues/>\n        <OrganizationsDecisionDetail><AllowedByOrganizations>true</AllowedByOrganizations></OrganizationsDecisionDetail>\n      </member>\n", a)
		case strings.HasPrefix(low, "organizations:"):
			fmt.Fprintf(&b, "      <member>\n        <EvalActionName>%s</EvalActionName>\n        <EvalResourceName>*</EvalResourceName>\n        <EvalDecision>explicitDeny</EvalDecision>\n        <MatchedStatements/>\n        <MissingContextValues/>\n        <OrganizationsDecisionDetail><AllowedByOrganizations>false</AllowedByOrganizations></OrganizationsDecisionDetail>\n      </member>\n", a)
		case strings.HasPrefix(low, "iam:delete"):
			fmt.Fprintf(&b, "      <member>\n        <EvalActionName>%s</EvalActionName>\n        <EvalResourceName>*</EvalResourceName>\n        <EvalDecision>explicitDeny</EvalDecision>\n        <MatchedStatements>\n          <member><SourcePolicyId>deny-destructive</SourcePolicyId><SourcePolicyType>IAM Policy</SourcePolicyType></member>\n        </MatchedStatements>\n        <MissingContextValues/>\n      </member>\n", a)
		default:
			fmt.Fprintf(&b, "      <member>\n        <EvalActionName>%s</EvalActionName>\n        <EvalResourceName>*</EvalResourceName>\n        <EvalDecision>implicitDeny</EvalDecision>\n        <MatchedStatements/>\n        <MissingContextValues/>\n      </member>\n", a)
		}
	}
	// source: AWS IAM API reference, SimulatePrincipalPolicy example response
	e.write(w, 200, fmt.Sprintf(`<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <SimulatePrincipalPolicyResult>
    <IsTruncated>false</IsTruncated>
    <EvaluationResults>
%s    </EvaluationResults>
  </SimulatePrincipalPolicyResult>
  <ResponseMetadata>
    <RequestId>%s</RequestId>
  </ResponseMetadata>
</SimulatePrincipalPolicyResponse>
`, b.String(), e.requestID()))
}
