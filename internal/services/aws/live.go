package aws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// Live checks, signed by the AWS SDK for Go v2 (never a hand-made SigV4):
//
//  1. sts:GetCallerIdentity with the access key (needs no permission; it
//     proves the key id, the secret, the session token and the Region);
//  2. with role_arn, sts:AssumeRole (with external_id), then the rest as
//     the role;
//  3. with required_scopes, iam:SimulatePrincipalPolicy for those actions
//     on the principal (needs iam:SimulatePrincipalPolicy; a refusal is a
//     warning: the actions are then unverified).
//
// The SDK's configuration is built here, field by field: config.LoadDefaultConfig
// would read environment variables, ~/.aws and the instance metadata
// service, and test credentials other than the connector's. Requests go
// through the provider's transport (timeouts, redirect policy, caps), and
// the SDK makes one attempt: the transport already retries 5xx and 429, and
// the SDK's silent clock-skew correction would hide a wrong clock that
// every other AWS client on the machine trips over.

const (
	stepIdentity = "sts_get_caller_identity"
	stepAssume   = "sts_assume_role"
	stepSimulate = "iam_simulate_principal_policy"
	sessionName  = "handshake-check"
	maxSkew      = 5 * time.Minute
)

type run struct {
	spec      *connector.Spec
	region    string
	stsURL    string // base_url, or "" for the Regional endpoint
	iamURL    string // iam_base_url, or "" for the partition's endpoint
	basePath  finding.Path
	creds     awssdk.CredentialsProvider
	callerARN string
	assumed   string // the assumed role's ARN
}

// Plan is the live check of an AWS connector.
func Plan(s *connector.Spec) (*probe.Plan, []finding.Finding) {
	region := strings.TrimSpace(s.Setting("region"))
	if region == "" {
		return nil, []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath("region"),
			"No AWS Region to check").WithCode("AWS-REGION").WithFix("Set aws.region, such as us-east-1.")}
	}
	if s.Auth.Username == "" || s.Auth.Password.Value == "" {
		return nil, []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("username"),
			"The AWS connector has no access key to check").WithCode("AWS-ACCESS-KEY").
			WithFix("Set auth.username to the access key id and auth.password_wo to its secret access key.")}
	}
	r := &run{spec: s, region: region, basePath: s.SettingPath("region"),
		creds: awssdk.NewCredentialsCache(credentials.NewStaticCredentialsProvider(strings.TrimSpace(s.Auth.Username),
			s.Auth.Password.Value, s.Auth.Token.Value))}
	target := "https://sts." + region + ".amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		target += ".cn"
	}
	if b, ok := kit.Known(s, "base_url"); ok {
		r.stsURL, r.basePath = strings.TrimRight(strings.TrimSpace(b), "/"), s.SettingPath("base_url")
		target = r.stsURL
	}
	if b, ok := kit.Known(s, "iam_base_url"); ok {
		r.iamURL = strings.TrimRight(strings.TrimSpace(b), "/")
	}
	plan := &probe.Plan{Target: target, TargetPath: r.basePath, Decode: Decode,
		Steps: []probe.CustomStep{{Name: stepIdentity, Run: r.stepIdentity}}}
	if _, ok := kit.Known(s, "role_arn"); ok {
		plan.Steps = append(plan.Steps, probe.CustomStep{Name: stepAssume, Run: r.stepAssume})
	}
	if len(s.RequiredScopes) > 0 {
		plan.Steps = append(plan.Steps, probe.CustomStep{Name: stepSimulate, Run: r.stepSimulate})
	}
	return plan, nil
}

// stsClient is an STS client for the current credentials.
func (r *run) stsClient(env *probe.Env) *sts.Client {
	o := sts.Options{Region: r.region, Credentials: r.creds, HTTPClient: env.HTTP, RetryMaxAttempts: 1, Logger: logging.Nop{}}
	if r.stsURL != "" {
		o.BaseEndpoint = awssdk.String(r.stsURL)
	}
	return sts.New(o)
}

// partition is the AWS partition of the Region, and where its IAM lives.
func partition(region string) (name, iamRegion string) {
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov", "us-gov-west-1"
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn", "cn-north-1"
	}
	return "aws", "us-east-1"
}

func (r *run) stepIdentity(ctx context.Context, env *probe.Env) probe.StepResult {
	out, err := r.stsClient(env).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return r.fail(err, "GetCallerIdentity")
	}
	r.callerARN = awssdk.ToString(out.Arn)
	res := probe.StepResult{Outcome: probe.OutcomeOK,
		Message: fmt.Sprintf("the access key belongs to %s (account %s)", r.callerARN, awssdk.ToString(out.Account))}
	if f, ok := r.skew(env, out.ResultMetadata); ok {
		res.Outcome, res.Findings = probe.OutcomeWarning, []finding.Finding{f}
	}
	if strings.HasSuffix(r.callerARN, ":root") {
		res.Outcome = probe.OutcomeWarning
		res.Findings = append(res.Findings, finding.Warnf(finding.InvalidConfiguration, kit.AuthPath("username"),
			"The access key is the AWS account root user's").WithCode("AWS-ROOT-KEY").
			WithDetail("GetCallerIdentity answered %s: root access keys have every permission, cannot be limited by IAM policies and cannot assume roles.", r.callerARN).
			WithFix("Create an IAM user or role with only the actions in required_scopes for the connector, and delete the root user's access keys."))
	}
	return res
}

// skew compares the server's Date header with the local clock.
func (r *run) skew(env *probe.Env, md middleware.Metadata) (finding.Finding, bool) {
	raw, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response)
	if !ok || raw == nil {
		return finding.Finding{}, false
	}
	date, err := http.ParseTime(raw.Header.Get("Date"))
	if err != nil {
		return finding.Finding{}, false
	}
	d := env.Now().Sub(date)
	if d < maxSkew && d > -maxSkew {
		return finding.Finding{}, false
	}
	return finding.Warnf(finding.InvalidConfiguration, r.basePath, "The local clock is %s off AWS's", d.Abs().Round(time.Second)).
		WithCode("AWS-CLOCK-SKEW").
		WithDetail("AWS's Date header said %s; SigV4 signatures are refused 15 minutes away from AWS's time, so other AWS clients on this machine will fail.", date.UTC().Format(time.RFC3339)).
		WithFix("Synchronise the clock of the machine running Terraform (NTP)."), true
}

func (r *run) stepAssume(ctx context.Context, env *probe.Env) probe.StepResult {
	in := &sts.AssumeRoleInput{RoleArn: awssdk.String(strings.TrimSpace(r.spec.Setting("role_arn"))),
		RoleSessionName: awssdk.String(sessionName), DurationSeconds: awssdk.Int32(900)}
	if ext, ok := kit.Known(r.spec, "external_id"); ok {
		in.ExternalId = awssdk.String(ext)
	}
	out, err := r.stsClient(env).AssumeRole(ctx, in)
	if err != nil {
		return r.fail(err, "AssumeRole")
	}
	c := out.Credentials
	if c == nil || c.AccessKeyId == nil || c.SecretAccessKey == nil {
		return probe.Failed(finding.Errorf(finding.UnexpectedResponse, r.basePath, "AssumeRole answered without credentials").
			WithFix("Check that aws.base_url points at STS."))
	}
	r.assumed = awssdk.ToString(in.RoleArn)
	r.creds = awssdk.NewCredentialsCache(credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, awssdk.ToString(c.SessionToken)))
	msg := "assumed " + r.assumed
	if out.AssumedRoleUser != nil {
		msg += " as " + awssdk.ToString(out.AssumedRoleUser.Arn)
	}
	if c.Expiration != nil {
		msg += fmt.Sprintf(" (credentials valid until %s; Handshake requests new ones at every check)", c.Expiration.UTC().Format(time.RFC3339))
	}
	return probe.StepResult{Outcome: probe.OutcomeOK, Message: msg}
}

// principal is the IAM ARN the simulation evaluates: the assumed role, the
// IAM user, or the role behind an assumed-role session ARN.
func (r *run) principal() (string, bool) {
	if r.assumed != "" {
		return r.assumed, true
	}
	m := awsARNRE.FindStringSubmatch(r.callerARN)
	switch {
	case m == nil:
		return "", false
	case m[2] == "iam" && strings.HasPrefix(m[4], "user/"):
		return r.callerARN, true
	case m[2] == "sts" && strings.HasPrefix(m[4], "assumed-role/"):
		// The session ARN drops the role's path; a role with a path is then
		// not found and the simulation is refused (a warning below).
		name, _, _ := strings.Cut(strings.TrimPrefix(m[4], "assumed-role/"), "/")
		return fmt.Sprintf("arn:%s:iam::%s:role/%s", m[1], m[3], name), true
	}
	return "", false
}

func (r *run) stepSimulate(ctx context.Context, env *probe.Env) probe.StepResult {
	src, ok := r.principal()
	if !ok {
		return probe.StepResult{Outcome: probe.OutcomeSkipped,
			Message: "the principal " + kit.OrDefault(r.callerARN, "(unknown)") + " is not an IAM user or role, so its policies cannot be simulated"}
	}
	if r.stsURL != "" && r.iamURL == "" {
		return probe.StepResult{Outcome: probe.OutcomeSkipped,
			Message: "aws.base_url is set without aws.iam_base_url: the required actions were not simulated, so that the credentials go to no endpoint the connector did not name"}
	}
	var actions []string
	idx := map[string]int{}
	for i, a := range r.spec.RequiredScopes {
		if awsIAMActionRE.MatchString(a) && !strings.Contains(a, "*") {
			actions = append(actions, a)
			idx[strings.ToLower(a)] = i
		}
	}
	if len(actions) == 0 {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "required_scopes names no IAM action without wildcards to simulate"}
	}
	_, iamRegion := partition(r.region)
	o := iam.Options{Region: iamRegion, Credentials: r.creds, HTTPClient: env.HTTP, RetryMaxAttempts: 1, Logger: logging.Nop{}}
	if r.iamURL != "" {
		o.BaseEndpoint = awssdk.String(r.iamURL)
	}
	cli := iam.New(o)
	in := &iam.SimulatePrincipalPolicyInput{PolicySourceArn: awssdk.String(src), ActionNames: actions}
	var results []iamtypes.EvaluationResult
	for page := 0; page < 10; page++ {
		out, err := cli.SimulatePrincipalPolicy(ctx, in)
		if err != nil {
			return r.simulateFailed(err, src)
		}
		results = append(results, out.EvaluationResults...)
		if !out.IsTruncated || out.Marker == nil {
			break
		}
		in.Marker = out.Marker
	}
	return r.judge(env, src, results, idx)
}

// judge turns the simulation's decisions into granted actions and findings.
func (r *run) judge(env *probe.Env, src string, results []iamtypes.EvaluationResult, idx map[string]int) probe.StepResult {
	var granted []string
	var fs []finding.Finding
	for _, e := range results {
		action := awssdk.ToString(e.EvalActionName)
		i, ok := idx[strings.ToLower(action)]
		if !ok {
			continue
		}
		path := kit.ScopePath(i)
		cond := ""
		if len(e.MissingContextValues) > 0 {
			cond = " The decision depends on condition keys the simulation was not given (" + strings.Join(e.MissingContextValues, ", ") + "), so the real request may be decided otherwise."
		}
		switch e.EvalDecision {
		case iamtypes.PolicyEvaluationDecisionTypeAllowed:
			granted = append(granted, action)
			continue
		case iamtypes.PolicyEvaluationDecisionTypeExplicitDeny:
			by := ""
			switch {
			case e.OrganizationsDecisionDetail != nil && !e.OrganizationsDecisionDetail.AllowedByOrganizations:
				by = "a service control policy of the organization"
			case e.PermissionsBoundaryDecisionDetail != nil && !e.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary:
				by = "the principal's permissions boundary"
			}
			if by != "" {
				fs = append(fs, finding.Errorf(finding.PolicyBlocked, path, "%s is denied by %s", action, by).WithCode("AWS-SCP-DENY").
					WithDetail("iam:SimulatePrincipalPolicy for %s decided explicitDeny: %s denies %s, and no grant overrides it.%s", src, by, action, cond).
					WithFix("Ask the administrator of the organization's policies (AWS Organizations, or IAM for the boundary) to allow "+action+" for this principal."))
				continue
			}
			fs = append(fs, finding.Errorf(finding.AccessDenied, path, "A Deny statement denies %s", action).WithCode("AWS-EXPLICIT-DENY").
				WithDetail("iam:SimulatePrincipalPolicy for %s decided explicitDeny: a Deny statement%s in the principal's policies matches %s.%s", src, statements(e.MatchedStatements), action, cond).
				WithFix("Remove or narrow the Deny statement, or use a principal it does not apply to."))
		default:
			fs = append(fs, finding.Errorf(finding.InsufficientScope, path, "The AWS principal is not allowed %s", action).WithCode("AWS-IMPLICIT-DENY").
				WithDetail("iam:SimulatePrincipalPolicy for %s decided %s: no policy of the principal allows %s.%s", src, e.EvalDecision, action, cond).
				WithFix("Attach a policy allowing "+action+" to "+src+" (an AWS managed policy such as ReadOnlyAccess, or a statement with that action)."))
		}
	}
	env.GrantScopes(granted)
	msg := fmt.Sprintf("%d of %d required actions allowed for %s (iam:SimulatePrincipalPolicy; session and resource policies are not simulated)", len(granted), len(idx), src)
	if len(fs) > 0 {
		return probe.StepResult{Outcome: probe.OutcomeFailed, Message: fs[0].Summary, Findings: fs}
	}
	return probe.StepResult{Outcome: probe.OutcomeOK, Message: msg}
}

func statements(st []iamtypes.Statement) string {
	var ids []string
	for _, s := range st {
		if id := awssdk.ToString(s.SourcePolicyId); id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return ""
	}
	return " (in " + strings.Join(ids, ", ") + ")"
}

// simulateFailed: a principal that may not simulate its own policies keeps
// the check healthy but warns that the required actions are unverified.
func (r *run) simulateFailed(err error, src string) probe.StepResult {
	var api smithy.APIError
	if errors.As(err, &api) {
		switch code := aliases[api.ErrorCode()]; kit.OrDefault(code, api.ErrorCode()) {
		case "AccessDenied", "InvalidInput", "NoSuchEntity":
			f := finding.Warnf(finding.InsufficientScope, finding.Attr("required_scopes"),
				"The required AWS actions could not be verified").WithCode("AWS-SIMULATE-DENIED").
				WithDetail("iam:SimulatePrincipalPolicy on %s was refused (%s: %s), so whether the principal may perform required_scopes is unknown.", src, api.ErrorCode(), kit.Clean(api.ErrorMessage(), 300)).
				WithFix("Allow iam:SimulatePrincipalPolicy on " + src + " to the connector's principal (its resource is the principal itself), or accept that the actions are unverified.")
			return probe.StepResult{Outcome: probe.OutcomeWarning, Message: f.Summary, Findings: []finding.Finding{f}}
		}
	}
	return r.fail(err, "SimulatePrincipalPolicy")
}

// fail classifies an SDK error with the profile's decoder (AWS's answers)
// or the transport's (network, TLS, non-AWS answers).
func (r *run) fail(err error, op string) probe.StepResult {
	var api smithy.APIError
	var resp *awshttp.ResponseError
	hasResp := errors.As(err, &resp)
	if errors.As(err, &api) {
		e := awsError{code: api.ErrorCode(), message: api.ErrorMessage(), op: op}
		if c, ok := aliases[e.code]; ok {
			e.code = c
		}
		if hasResp {
			e.status, e.requestID = resp.HTTPStatusCode(), resp.ServiceRequestID()
		}
		var f finding.Finding
		if _, ok := codes[e.code]; ok {
			f = e.finding(r.region)
		} else {
			f = finding.Errorf(finding.UnexpectedResponse, r.basePath, "AWS answered %s with error %s", op, e.code).
				WithCode(e.code).WithDetail("AWS said: %q.", kit.Clean(e.message, 300)).
				WithFix("Look the code up in the AWS documentation of " + op + ".")
		}
		f.Path = r.pathFor(f)
		f.Summary = op + ": " + f.Summary
		return probe.Failed(f)
	}
	var f finding.Finding
	if hasResp && resp.HTTPStatusCode() != 0 {
		f = transport.ClassifyStatus(resp.HTTPStatusCode(), resp.Response.Header)
		f.Detail = strings.TrimSpace(f.Detail + fmt.Sprintf(" The answer to %s was not AWS's XML error, so the endpoint is probably not STS or IAM.", op))
	} else {
		f = transport.Classify(err)
	}
	f.Path = r.basePath
	f.Summary = op + ": " + f.Summary
	return probe.Failed(f)
}

// pathFor is the attribute an AWS error points at.
func (r *run) pathFor(f finding.Finding) finding.Path {
	s := r.spec
	switch f.Code {
	case "InvalidClientTokenId", "MissingAuthenticationToken", codeRootAssume:
		return kit.AuthPath("username")
	case "SignatureDoesNotMatch":
		return kit.SecretPath(s.Auth.Password, "password")
	case "ExpiredToken":
		if s.Auth.Token.Value != "" {
			return kit.SecretPath(s.Auth.Token, "token")
		}
		return kit.AuthPath("username")
	case codeAssumeDenied:
		if _, ok := kit.Known(s, "external_id"); ok {
			return s.SettingPath("external_id")
		}
		return s.SettingPath("role_arn")
	case "ValidationError":
		if strings.Contains(strings.ToLower(f.Detail), "externalid") {
			return s.SettingPath("external_id")
		}
		return s.SettingPath("role_arn")
	case "RegionDisabledException", codeOptInRegion:
		return s.SettingPath("region")
	case codeExplicitDeny:
		if r.assumed != "" || strings.Contains(f.Detail, "sts:AssumeRole") {
			return s.SettingPath("role_arn")
		}
		return kit.AuthPath("username")
	}
	return r.basePath
}
