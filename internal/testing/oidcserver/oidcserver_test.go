package oidcserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/handshake-tf/terraform-provider-handshake/internal/testing/oidcserver"
)

func TestServer(t *testing.T) {
	cfg := oidcserver.Config{Clients: []oidcserver.Client{
		{ClientID: "svc", ClientSecret: "svc-secret", GrantTypes: []string{"client_credentials"},
			ResponseTypes: []string{}, RedirectURIs: []string{}, Scope: "api:read"},
		{ClientID: "web", ClientSecret: "web-secret",
			GrantTypes:    []string{"authorization_code", "refresh_token"},
			ResponseTypes: []string{"code"}, RedirectURIs: []string{"https://app.example.com/cb"}},
	}}
	srv := oidcserver.Start(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// Discovery names the issuer.
	resp, err := http.Get(srv.URL + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Issuer string `json:"issuer"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&doc)
	resp.Body.Close()
	if doc.Issuer != srv.Issuer {
		t.Fatalf("issuer %q, want %q", doc.Issuer, srv.Issuer)
	}

	cc := clientcredentials.Config{ClientID: "svc", ClientSecret: "svc-secret", TokenURL: srv.TokenURL(),
		Scopes: []string{"api:read"}, AuthStyle: oauth2.AuthStyleInHeader}
	tok, err := cc.Token(ctx)
	if err != nil {
		t.Fatalf("client credentials: %v\n%s", err, srv.Logs())
	}
	if tok.Extra("scope") != "api:read" || tok.TokenType != "Bearer" {
		t.Fatalf("unexpected token: scope %v type %q", tok.Extra("scope"), tok.TokenType)
	}

	// A real authorization-code flow yields a refresh token that refreshes.
	rt := srv.RefreshToken(t, "web", "web-secret", "https://app.example.com/cb", "openid offline_access")
	conf := oauth2.Config{ClientID: "web", ClientSecret: "web-secret",
		Endpoint: oauth2.Endpoint{TokenURL: srv.TokenURL(), AuthStyle: oauth2.AuthStyleInHeader}}
	if _, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: rt}).Token(); err != nil {
		t.Fatalf("refresh: %v", err)
	}

	// Restart with the client's secret changed: same issuer, old secret refused.
	issuer := srv.Issuer
	cfg.Clients[0].ClientSecret = "rotated"
	srv.Restart(t, cfg)
	if srv.Issuer != issuer {
		t.Fatalf("issuer changed across restart: %q -> %q", issuer, srv.Issuer)
	}
	_, err = cc.Token(ctx)
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_client" {
		t.Fatalf("after restart: got %v, want invalid_client", err)
	}

	// An unregistered redirect URI is refused with JSON.
	q := url.Values{"response_type": {"code"}, "client_id": {"web"}, "redirect_uri": {"https://evil.example.com/cb"}, "scope": {"openid"}}
	resp, err = http.Get(srv.AuthorizationURL() + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Error string `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&e)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(e.Error, "redirect_uri") {
		t.Fatalf("unregistered redirect: %d %q", resp.StatusCode, e.Error)
	}
}
