package kit

// Building blocks of inventory listers (Service.List): one authenticated GET
// through the session's client, the next-page link of a Link header, and
// the same-origin rule every lister applies before following a next link.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// ListBodyLimit caps one page of a listing unless the lister knows better.
// A page cut short cannot be parsed and ends the listing with an error
// rather than a silently shorter list.
const ListBodyLimit = 4 << 20

// ListGet makes one GET of a listing through the session's client (its
// timeouts, retries and redirect policy) with ctx, and reads the answer as
// a connector.Answer tagged with step. header carries the credential; it
// is never logged. cut reports a body longer than limit bytes.
func ListGet(ctx context.Context, s *inventory.Session, step, rawURL string, header http.Header, limit int64) (a connector.Answer, cut bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return connector.Answer{}, false, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := s.HTTP.Do(req)
	if err != nil {
		return connector.Answer{}, false, err
	}
	body, cut, err := transport.ReadBody(resp, limit)
	if err != nil {
		if ctx.Err() != nil {
			return connector.Answer{}, false, ctx.Err()
		}
		cut = true
	}
	return connector.Answer{Step: step, StatusCode: resp.StatusCode, Header: resp.Header, Body: body}, cut, nil
}

// ReadPage is ListGet for listers that want failures as findings: the
// answer whatever its status, for the lister to parse or refuse, or a
// finding on path for a request that failed or a 200 whose body could not
// be read in full. what names the list in the finding ("Okta's app list").
func ReadPage(ctx context.Context, s *inventory.Session, pageURL string, header http.Header, limit int64, what string, path finding.Path) (connector.Answer, *finding.Finding) {
	fail := func(f finding.Finding) (connector.Answer, *finding.Finding) { return connector.Answer{}, &f }
	if _, err := url.Parse(pageURL); err != nil {
		return fail(finding.Errorf(finding.InvalidConfiguration, path, "The URL of %s is not valid", what))
	}
	a, cut, err := ListGet(ctx, s, probe.StepAPI, pageURL, header, limit)
	switch {
	case err != nil:
		return fail(transport.Classify(err).At(path))
	case a.StatusCode != http.StatusOK:
		return a, nil
	case cut:
		return fail(finding.Errorf(finding.UnexpectedResponse, path, "A page of %s could not be read in full", what).
			WithDetail("The page is larger than %d bytes, or the connection broke while it was read.", limit))
	}
	return a, nil
}

// SameOrigin reports whether two absolute URLs have the same scheme, host
// and port (default ports filled in); relative or unparsable URLs never do.
func SameOrigin(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil || ua.Host == "" || ub.Host == "" {
		return false
	}
	return transport.SameOrigin(ua, ub)
}

// NextLink returns the target of the rel="next" link of a Link header
// (RFC 8288), resolved against the URL of the request that got it, or ""
// when there is none (the last page). GitHub and Okta page this way.
func NextLink(h http.Header, requested string) string {
	for _, field := range h.Values("Link") {
		for _, link := range splitLinks(field) {
			target, params, ok := strings.Cut(link, ";")
			target = strings.TrimSpace(target)
			if !ok || !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
				continue
			}
			if !relNext(params) {
				continue
			}
			ref, err := url.Parse(target[1 : len(target)-1])
			if err != nil {
				return ""
			}
			base, err := url.Parse(requested)
			if err != nil {
				return ref.String()
			}
			return base.ResolveReference(ref).String()
		}
	}
	return ""
}

// splitLinks splits a Link field at the commas between links (a comma
// inside <…> or a quoted parameter belongs to the link).
func splitLinks(field string) []string {
	var out []string
	start, inURI, inQuote := 0, false, false
	for i, r := range field {
		switch {
		case r == '<' && !inQuote:
			inURI = true
		case r == '>' && !inQuote:
			inURI = false
		case r == '"' && !inURI:
			inQuote = !inQuote
		case r == ',' && !inURI && !inQuote:
			out = append(out, field[start:i])
			start = i + 1
		}
	}
	return append(out, field[start:])
}

// relNext reports whether link parameters carry rel="next" (rel may list
// several space-separated relation types).
func relNext(params string) bool {
	for _, p := range strings.Split(params, ";") {
		name, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "rel") {
			continue
		}
		for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(val), `"`)) {
			if strings.EqualFold(rel, "next") {
				return true
			}
		}
	}
	return false
}

// ForeignNextLink is the error a lister reports instead of following a
// next-page link to another origin than the API it was configured with:
// the admin credential would go with the request. path is the base-URL
// setting; vendor names the API.
func ForeignNextLink(vendor, next, base string, path finding.Path) finding.Finding {
	return finding.Errorf(finding.UnexpectedResponse, path, "%s's next-page link points at another origin; the listing stopped", vendor).
		WithCode("next_link_origin").
		WithDetail("The answer's next-page link goes to %s, not to %s, where the listing started. Handshake does not send the admin credential to another origin, so the remaining pages were not read.",
			originOf(next), originOf(base)).
		WithFix(fmt.Sprintf("Check that the base URL is %s's own API endpoint and not a proxy that rewrites links, then run the query again.", vendor))
}

// originOf renders a URL's scheme://host[:port] for a message (no path or
// query, which may hold paging tokens).
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "an unreadable address"
	}
	return u.Scheme + "://" + u.Host
}
