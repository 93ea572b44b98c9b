package workday

import (
	"net/url"
	"strings"
	"time"
)

// resource is a REST resource a Workday connector reads, and the domain
// security policy that secures it. Integration system users have no worker
// record, so there is no "me" call to prove a credential: the probe reads
// the resources the connector needs instead.
type resource struct {
	Key    string // what required_permissions may name besides the domain
	Domain string // the domain security policy
	Area   string // the API client's functional area
	Grant  string // the access to grant
	path   func(tenant string, now time.Time) string
}

// resources are the resources the live check knows. Sources: Microsoft's
// connect-workday prerequisites and Grove's and Sekoia's Workday connectors
// (activityLogging), faros-ai's workday source (workers);
// /work/research/workday.md §3.
var resources = []resource{
	{Key: "workers", Domain: "Worker Data: Public Worker Reports", Area: "Staffing", Grant: "View and Get",
		path: func(tenant string, _ time.Time) string {
			return "/ccx/api/v1/" + url.PathEscape(tenant) + "/workers?limit=1"
		}},
	{Key: "activity_logging", Domain: "System Auditing", Area: "System", Grant: "View and Get",
		path: func(tenant string, now time.Time) string {
			q := url.Values{"from": {now.Add(-time.Hour).UTC().Format(time.RFC3339)}, "to": {now.UTC().Format(time.RFC3339)},
				"limit": {"1"}, "offset": {"0"}, "instancesReturned": {"1"}}
			return "/ccx/api/privacy/v1/" + url.PathEscape(tenant) + "/activityLogging?" + q.Encode()
		}},
}

// lookupResource finds a resource by its key or domain name (case and
// spacing ignored).
func lookupResource(name string) *resource {
	n := strings.Join(strings.Fields(strings.ToLower(name)), " ")
	for i := range resources {
		r := &resources[i]
		if n == r.Key || n == strings.ToLower(r.Domain) || n == strings.ReplaceAll(r.Key, "_", " ") {
			return r
		}
	}
	return nil
}

// resourceOfURL finds the resource a URL reads.
func resourceOfURL(u string) *resource {
	switch {
	case strings.Contains(u, "/activityLogging"):
		return lookupResource("activity_logging")
	case strings.Contains(u, "/workers"):
		return lookupResource("workers")
	}
	return nil
}
