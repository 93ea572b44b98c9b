package services

import (
	"context"

	xoauth2 "golang.org/x/oauth2"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
)

// run is probe.Run with the catalog's planner for the spec's service, as
// the provider passes it.
func run(ctx context.Context, opts probe.Options, s *connector.Spec) probe.Result {
	return probe.Run(ctx, withPlanner(opts, s), s)
}

// accessToken is probe.AccessToken with the catalog's planner, like run.
func accessToken(ctx context.Context, opts probe.Options, s *connector.Spec) (*xoauth2.Token, probe.Result) {
	return probe.AccessToken(ctx, withPlanner(opts, s), s)
}

func withPlanner(opts probe.Options, s *connector.Spec) probe.Options {
	if opts.Planner == nil && s != nil {
		opts.Planner = Planners()[s.Service]
	}
	return opts
}
