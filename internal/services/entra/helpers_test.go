package entra

import (
	"context"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
)

// catalog holds the two profiles of this package, for the offline cases.
func catalog() *connector.Catalog {
	return connector.NewCatalog(entraIDProfile(), microsoft365Profile())
}

// run is probe.Run with this package's live check.
func run(ctx context.Context, opts probe.Options, s *connector.Spec) probe.Result {
	opts.Planner = planEntra
	return probe.Run(ctx, opts, s)
}

// certPEM is the sandbox app's certificate key, as auth.private_key takes it.
func certPEM(t *testing.T, srv *sandbox.Server) string {
	t.Helper()
	pem, err := SandboxCertificatePEM(srv.VendorURL("entra"))
	if err != nil {
		t.Fatal(err)
	}
	return pem
}
