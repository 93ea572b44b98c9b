package connector

import (
	"fmt"
	"sort"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// Kind is the type of a service setting.
type Kind int

const (
	String Kind = iota
	Bool
	StringList
	Int
)

// Setting describes one attribute of a service block (okta = { domain = … }).
// The provider layer builds the Terraform schema from it, so a service's
// settings live in its profile only.
type Setting struct {
	Name        string
	Description string // Markdown
	Kind        Kind
	Required    bool
	Sensitive   bool
	OneOf       []string // allowed values, for String settings
}

// RedirectPolicy is a service's redirect-URI rules on top of the RFCs'.
type RedirectPolicy struct {
	// NativeSchemes allows private-use schemes (com.example.app:/cb) for native apps.
	NativeSchemes bool
	// HTTPOnlyLocalhost: plain http only on the host name "localhost" (Entra).
	HTTPOnlyLocalhost bool
	// MaxLength is the longest URI the service accepts (0: no limit).
	MaxLength int
	// AllowNonTLSSetting names a bool setting that, when true, lets http through (Snowflake).
	AllowNonTLSSetting string
}

// Rule is an offline check of a spec.
type Rule func(*Spec) []finding.Finding

// Profile is everything Handshake knows about one service.
type Profile struct {
	ID          string // service id: stable, configurations and checks name it
	DisplayName string // "Microsoft Entra ID"
	// Description is Markdown for the service block: what it connects to and how.
	Description string
	Settings    []Setting
	// AuthAttrs lists the auth attributes this service uses (client_id,
	// client_secret, token, private_key, service_account_key, username,
	// password); any other auth attribute set is reported.
	AuthAttrs []string
	Redirect  RedirectPolicy
	// OfflineScope is the scope that asks for a refresh token
	// ("offline_access", Snowflake "refresh_token"); "" when the service has none.
	OfflineScope string
	// NoRefreshTokens: the service never issues refresh tokens (GitHub OAuth apps).
	NoRefreshTokens bool
	// Rules are the service's offline checks.
	Rules []Rule

	// Decode classifies one of the vendor's error answers (HTTP status, 0
	// when unknown, and the raw body or error text as received) into a
	// Finding, or returns false when it does not recognise it. The live probe
	// and provider::handshake::diagnose both use it: one decoder per vendor.
	Decode Decoder
	// Recognize reports whether an error text is recognisably this vendor's
	// (AADSTS codes, Okta's errorCode E0000…), so diagnose can infer the
	// service when none is given. nil: never inferred.
	Recognize func(text string) bool
}

// Catalog is the set of registered profiles, keyed by service id.
type Catalog struct {
	byID map[string]*Profile
}

// NewCatalog registers profiles; a duplicate id is a programming error.
func NewCatalog(profiles ...*Profile) *Catalog {
	c := &Catalog{byID: map[string]*Profile{}}
	for _, p := range profiles {
		if _, dup := c.byID[p.ID]; dup {
			panic(fmt.Sprintf("connector: service %q registered twice", p.ID))
		}
		c.byID[p.ID] = p
	}
	return c
}

// Get returns the profile for a service id.
func (c *Catalog) Get(id string) (*Profile, bool) {
	p, ok := c.byID[id]
	return p, ok
}

// IDs returns the registered service ids, sorted.
func (c *Catalog) IDs() []string {
	ids := make([]string, 0, len(c.byID))
	for id := range c.byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Profiles returns the profiles in id order.
func (c *Catalog) Profiles() []*Profile {
	out := make([]*Profile, 0, len(c.byID))
	for _, id := range c.IDs() {
		out = append(out, c.byID[id])
	}
	return out
}
