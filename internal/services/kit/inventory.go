package kit

import (
	"context"
	"net/http"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// ReadPage GETs one page of a vendor's admin list through the session's
// client (its timeouts, retries and redirect policy), with header (the
// admin credential among it). It returns the answer, whatever its status,
// for the lister to parse or refuse; a request that failed, or a body past
// limit bytes, is a finding on path instead. what names the list in the
// finding ("Okta's app list").
func ReadPage(ctx context.Context, s *inventory.Session, pageURL string, header http.Header, limit int64, what string, path finding.Path) (connector.Answer, *finding.Finding) {
	fail := func(f finding.Finding) (connector.Answer, *finding.Finding) { return connector.Answer{}, &f }
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pageURL, nil)
	if err != nil {
		return fail(finding.Errorf(finding.InvalidConfiguration, path, "The URL of %s is not valid", what))
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := s.HTTP.Do(req)
	if err != nil {
		return fail(transport.Classify(err).At(path))
	}
	body, cut, err := transport.ReadBody(resp, limit)
	a := connector.Answer{Step: probe.StepAPI, StatusCode: resp.StatusCode, Header: resp.Header, Body: body}
	switch {
	case resp.StatusCode != http.StatusOK:
		return a, nil
	case cut:
		return fail(finding.Errorf(finding.UnexpectedResponse, path, "A page of %s could not be read in full", what).
			WithDetail("The page is larger than %d bytes.", limit))
	case err != nil:
		return fail(finding.Errorf(finding.UnexpectedResponse, path, "A page of %s could not be read in full", what).
			WithDetail("%s.", Tidy(err.Error(), 200)))
	}
	return a, nil
}
