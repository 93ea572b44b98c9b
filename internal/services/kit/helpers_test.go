package kit

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
)

func TestNameSetting(t *testing.T) {
	spec := func(v *string, unknown bool) *connector.Spec {
		s := &connector.Spec{Service: "keycloak", Settings: map[string]string{}, Unknown: map[string]bool{}, Blocks: []string{"keycloak"}}
		if v != nil {
			s.Settings["realm"] = *v
		}
		if unknown {
			s.Unknown["keycloak.realm"] = true
		}
		return s
	}
	str := func(v string) *string { return &v }
	for _, tc := range []struct {
		name    string
		s       *connector.Spec
		ok      bool
		finding bool
	}{
		{"unknown at plan time", spec(nil, true), false, false},
		{"not set", spec(nil, false), false, false},
		{"blank", spec(str("  "), false), false, true},
		{"set", spec(str("acme"), false), true, false},
	} {
		v, fs, ok := NameSetting(tc.s, "realm", "KEYCLOAK-REALM", "The realm is part of every URL", "Set realm.")
		if ok != tc.ok || (len(fs) == 1) != tc.finding || ok && v != "acme" {
			t.Errorf("%s: %q %v %v", tc.name, v, fs, ok)
		}
		if tc.finding {
			f := fs[0]
			if f.Code != "KEYCLOAK-REALM" || f.Summary != "keycloak.realm is empty" || f.Path.String() != "keycloak.realm" ||
				f.Detail != "The realm is part of every URL; an empty value usually means a variable was not set." {
				t.Errorf("%s: %+v", tc.name, f)
			}
		}
	}
}
