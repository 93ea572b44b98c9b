package probe

import (
	"context"
	"fmt"
	"net/http"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// maxErrorBody is how much of an answer the probe keeps for decoding.
const maxErrorBody = 64 << 10

// do sends req with the given client and returns the answer with its body
// (at most 64 KiB) already read and closed.
func (r *runner) do(c *http.Client, req *http.Request) (Response, error) {
	resp, err := c.Do(req) //nolint:bodyclose // transport.ReadBody closes it
	if err != nil {
		return Response{}, err
	}
	body, _, err := transport.ReadBody(resp, maxErrorBody)
	if err != nil && r.ctx.Err() != nil {
		return Response{}, err
	}
	return Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// doShared is do for probe calls: identical calls of one run (connectors
// sharing a credential and a probe URL) share the first one's answer.
func (r *runner) doShared(req *http.Request) (Response, error) {
	cr, _, err := r.client.Responses().Do(req.Context(), req, func(context.Context) (transport.CachedResponse, error) {
		resp, err := r.do(r.client.HTTP(), req)
		return transport.CachedResponse{StatusCode: resp.StatusCode, Header: resp.Header, Body: resp.Body}, err
	})
	return Response{StatusCode: cr.StatusCode, Header: cr.Header, Body: cr.Body}, err
}

func (r *runner) get(ctx context.Context, url string, header http.Header) (Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return Response{}, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return r.do(r.client.HTTP(), req)
}

// decode classifies an error answer: the vendor's decoder first, then an
// RFC 6750 challenge, an RFC 6749 error body, and the bare HTTP status.
// extra, when set, runs after the vendor's decoder.
func (r *runner) decode(resp Response, extra func(Response) (finding.Finding, bool)) finding.Finding {
	if r.plan != nil && r.plan.Decode != nil {
		if f, ok := r.plan.Decode(resp); ok {
			return normalize(f)
		}
	}
	if extra != nil {
		if f, ok := extra(resp); ok {
			return normalize(f)
		}
	}
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		if f, ok := DecodeBearerChallenge(resp.StatusCode, resp.Header); ok {
			return normalize(f)
		}
	}
	if f, ok := DecodeOAuthError(resp.StatusCode, resp.Body); ok {
		if resp.StatusCode == http.StatusTooManyRequests {
			f.Category, f.Retryable = finding.RateLimited, true
		}
		return normalize(f)
	}
	return transport.ClassifyStatus(resp.StatusCode, resp.Header)
}

func normalize(f finding.Finding) finding.Finding {
	if f.Severity == "" {
		f.Severity = finding.Error
	}
	if f.Category == "" {
		f.Category = finding.UnexpectedResponse
	}
	return f
}

// peekRetries describes the retries recorded since the current step began.
func (r *runner) peekRetries() (string, finding.Category, bool) {
	statuses, _ := r.trace.Retries()
	if len(statuses) == 0 {
		return "", "", false
	}
	cat := finding.ServiceUnavailable
	for _, s := range statuses {
		if s == http.StatusTooManyRequests {
			cat = finding.RateLimited
		}
	}
	return fmt.Sprintf("retried %d time(s) after HTTP %v", len(statuses), statuses), cat, true
}
