// Package oidcserver starts a real, conformant OAuth 2.0 / OpenID Connect
// server for tests: oidc-provider (npm), run by Node.js on 127.0.0.1 with
// the clients a test declares. See README.md.
//
// Start installs the npm dependencies once (npm ci) when node_modules is
// missing; when Node.js or the packages are unavailable the test fails with
// the reason, so that a machine without Node never goes green by skipping.
// HANDSHAKE_SKIP_OIDCSERVER=1 (unit-only runs) turns the failure into a skip.
package oidcserver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// Client is a static client, in oidc-provider's (RFC 7591) metadata names.
type Client struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret,omitempty"`
	// ClientSecretExpiresAt is a Unix time; in the past, the server answers
	// invalid_client "client secret is expired".
	ClientSecretExpiresAt int64    `json:"client_secret_expires_at,omitempty"`
	GrantTypes            []string `json:"grant_types"`
	ResponseTypes         []string `json:"response_types"`
	RedirectURIs          []string `json:"redirect_uris"`
	// Scope is the client's scope allow-list (space separated); empty: any
	// scope the server knows.
	Scope                   string `json:"scope,omitempty"`
	TokenEndpointAuthMethod string `json:"token_endpoint_auth_method,omitempty"`
	// JWKS holds the client's public keys, for private_key_jwt.
	JWKS *JWKS `json:"jwks,omitempty"`
}

// JWKS is a JSON Web Key Set (keys as JSON objects).
type JWKS struct {
	Keys []json.RawMessage `json:"keys"`
}

// Config is the server's configuration.
type Config struct {
	Clients []Client `json:"clients"`
	// Scopes the server knows (default: openid offline_access api:read
	// api:write); it silently drops any other requested scope.
	Scopes []string `json:"scopes,omitempty"`
	// TTL overrides token lifetimes in seconds: ClientCredentials,
	// AccessToken, RefreshToken.
	TTL  map[string]int `json:"ttl,omitempty"`
	Port int            `json:"port,omitempty"`
	// RotateRefreshTokens, when set, makes every refresh grant rotate (true)
	// or keep (false) the refresh token; nil keeps oidc-provider's default
	// (rotate for public clients and near expiry).
	RotateRefreshTokens *bool `json:"rotate_refresh_tokens,omitempty"`
	// OmitExpiresIn removes expires_in from token responses, as some servers
	// send them (oidc-provider always includes it; see server.mjs).
	OmitExpiresIn bool `json:"omit_expires_in,omitempty"`
}

// Server is a running oidc-provider.
type Server struct {
	// URL is the server's base URL, http://127.0.0.1:<port>; it is also
	// the issuer.
	URL    string
	Issuer string

	port   int
	dir    string
	mu     sync.Mutex
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *lockedBuffer
	exited chan struct{}
}

// TokenURL, AuthorizationURL and the other endpoints are oidc-provider's
// default routes.
func (s *Server) TokenURL() string         { return s.URL + "/token" }
func (s *Server) AuthorizationURL() string { return s.URL + "/auth" }
func (s *Server) IntrospectionURL() string { return s.URL + "/token/introspection" }
func (s *Server) RevocationURL() string    { return s.URL + "/token/revocation" }

// Start runs the server with cfg and stops it when the test ends.
func Start(t testing.TB, cfg Config) *Server {
	t.Helper()
	dir, err := ensureInstalled()
	if err != nil {
		unavailable(t, err)
	}
	s := &Server{dir: dir, port: cfg.Port}
	if err := s.start(t, cfg); err != nil {
		t.Fatalf("oidcserver: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Restart stops the server and starts it again on the same port (so the
// issuer and every URL stay the same) with a new configuration: a test
// changes the client list to simulate a secret revoked or expired between
// two checks. Tokens issued before are forgotten (in-memory storage).
func (s *Server) Restart(t testing.TB, cfg Config) {
	t.Helper()
	s.Stop()
	cfg.Port = s.port
	var err error
	for attempt := 0; attempt < 20; attempt++ { // the port may take a moment to be free
		if err = s.start(t, cfg); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("oidcserver: restart: %v", err)
}

// Stop ends the server; it is safe to call more than once.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd, stdin, exited := s.cmd, s.stdin, s.exited
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = stdin.Close() // the script exits when stdin closes
	select {
	case <-exited:
	case <-time.After(3 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
}

// Logs returns what the server wrote on stderr (for failure messages).
func (s *Server) Logs() string { return s.stderr.String() }

const readyPrefix = "HANDSHAKE_OIDC_LISTENING "

func (s *Server) start(t testing.TB, cfg Config) error {
	if cfg.Port == 0 {
		cfg.Port = s.port
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	cfgFile := filepath.Join(t.TempDir(), "oidc-config.json")
	if err := os.WriteFile(cfgFile, raw, 0o600); err != nil {
		return err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return err
	}
	cmd := exec.Command(node, "server.mjs")
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "OIDC_CONFIG_FILE="+cfgFile, "NODE_ENV=test")
	setProcAttr(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, readyPrefix) {
				select {
				case ready <- strings.TrimSpace(strings.TrimPrefix(line, readyPrefix)):
				default:
				}
			}
		}
		_ = cmd.Wait()
		close(exited)
	}()
	select {
	case u := <-ready:
		pu, err := url.Parse(u)
		if err != nil {
			_ = cmd.Process.Kill()
			<-exited
			return fmt.Errorf("bad URL %q", u)
		}
		s.mu.Lock()
		s.cmd, s.stdin, s.stderr, s.exited = cmd, stdin, stderr, exited
		s.URL, s.Issuer = u, u
		s.port, _ = strconv.Atoi(pu.Port())
		s.mu.Unlock()
		return nil
	case <-exited:
		return fmt.Errorf("server exited before listening: %s", strings.TrimSpace(stderr.String()))
	case <-time.After(startTimeout):
		_ = cmd.Process.Kill()
		<-exited
		return fmt.Errorf("server did not start within %s: %s", startTimeout, strings.TrimSpace(stderr.String()))
	}
}

// startTimeout bounds Node's start-up. It is a wait, not an assertion: on
// two busy cores (parallel acceptance tests, other packages' servers)
// loading oidc-provider has taken over 30 s.
const startTimeout = 2 * time.Minute

// RefreshToken runs a real authorization-code flow (with PKCE) through
// oidc-provider's development login and consent pages, as user "alice",
// and returns the refresh token. The client must allow the
// authorization_code and refresh_token grants, the redirect URI and the
// offline_access scope.
func (s *Server) RefreshToken(t testing.TB, clientID, clientSecret, redirectURI, scope string) string {
	t.Helper()
	tok, err := s.authorizationCode(clientID, clientSecret, redirectURI, scope)
	if err != nil {
		t.Fatalf("oidcserver: authorization-code flow: %v\n%s", err, s.Logs())
	}
	if tok.RefreshToken == "" {
		t.Fatalf("oidcserver: the code exchange returned no refresh token (is offline_access requested and allowed?)")
	}
	return tok.RefreshToken
}

var hiddenPrompt = regexp.MustCompile(`name="prompt" value="(login|consent)"`)

func (s *Server) authorizationCode(clientID, clientSecret, redirectURI, scope string) (*oauth2.Token, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer hc.CloseIdleConnections()
	conf := oauth2.Config{
		ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURI,
		Endpoint: oauth2.Endpoint{AuthURL: s.AuthorizationURL(), TokenURL: s.TokenURL(), AuthStyle: oauth2.AuthStyleInHeader},
		Scopes:   strings.Fields(scope),
	}
	verifier := oauth2.GenerateVerifier()
	next := conf.AuthCodeURL("state-1", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("prompt", "consent"))
	base, _ := url.Parse(s.URL)
	for hop := 0; hop < 12; hop++ {
		if strings.HasPrefix(next, redirectURI) {
			u, err := url.Parse(next)
			if err != nil {
				return nil, err
			}
			if e := u.Query().Get("error"); e != "" {
				return nil, fmt.Errorf("authorization failed: %s: %s", e, u.Query().Get("error_description"))
			}
			ctx := context.WithValue(ctx, oauth2.HTTPClient, hc)
			return conf.Exchange(ctx, u.Query().Get("code"), oauth2.VerifierOption(verifier))
		}
		ref, err := url.Parse(next)
		if err != nil {
			return nil, err
		}
		target := base.ResolveReference(ref).String()
		resp, err := hc.Get(target)
		if err != nil {
			return nil, err
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		switch {
		case resp.StatusCode >= 300 && resp.StatusCode < 400:
			next = resp.Header.Get("Location")
			continue
		case resp.StatusCode == http.StatusOK:
			m := hiddenPrompt.FindSubmatch(body)
			if m == nil {
				return nil, fmt.Errorf("unexpected page at %s: %.300s", target, body)
			}
			form := url.Values{"prompt": {string(m[1])}}
			if string(m[1]) == "login" {
				form.Set("login", "alice")
				form.Set("password", "test")
			}
			resp, err := hc.PostForm(target, form)
			if err != nil {
				return nil, err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode < 300 || resp.StatusCode >= 400 {
				return nil, fmt.Errorf("submitting %s answered %d", m[1], resp.StatusCode)
			}
			next = resp.Header.Get("Location")
		default:
			return nil, fmt.Errorf("%s answered %d: %.300s", target, resp.StatusCode, body)
		}
	}
	return nil, errors.New("too many hops")
}

// Dir is the directory holding server.mjs and package.json.
func Dir() (string, error) {
	if d := os.Getenv("HANDSHAKE_OIDCSERVER_DIR"); d != "" {
		return d, nil
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("cannot locate the oidcserver directory (set HANDSHAKE_OIDCSERVER_DIR)")
	}
	return filepath.Dir(file), nil
}

var (
	installOnce sync.Once
	installDir  string
	installErr  error
)

// ensureInstalled checks for Node.js and installs the npm packages with
// `npm ci` (once per process, under a file lock shared with other test
// binaries) when node_modules is missing.
func ensureInstalled() (string, error) {
	installOnce.Do(func() {
		installDir, installErr = Dir()
		if installErr != nil {
			return
		}
		if _, err := exec.LookPath("node"); err != nil {
			installErr = errors.New("node (Node.js) is not installed")
			return
		}
		marker := filepath.Join(installDir, "node_modules", "oidc-provider", "package.json")
		if _, err := os.Stat(marker); err == nil {
			return
		}
		npm, err := exec.LookPath("npm")
		if err != nil {
			installErr = errors.New("node_modules is missing and npm is not installed; run: npm ci --prefix internal/testing/oidcserver")
			return
		}
		unlock, err := lockDir(installDir)
		if err != nil {
			installErr = err
			return
		}
		defer unlock()
		if _, err := os.Stat(marker); err == nil {
			return // another test binary installed it while we waited
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = installDir
		if out, err := cmd.CombinedOutput(); err != nil {
			installErr = fmt.Errorf("npm ci failed (offline without an npm cache?): %v\n%s", err, out)
		}
	})
	return installDir, installErr
}

// SkipEnv names the opt-out: set to 1, tests that need the OAuth server are
// skipped, instead of failing, where Node.js or its packages are missing.
const SkipEnv = "HANDSHAKE_SKIP_OIDCSERVER"

func unavailable(t testing.TB, err error) {
	t.Helper()
	msg := "oidcserver: real OAuth server unavailable: " + err.Error()
	if os.Getenv(SkipEnv) == "1" {
		t.Skip(msg + " (skipped: " + SkipEnv + "=1)")
	}
	t.Fatal(msg + " (install Node.js and run `npm ci --prefix internal/testing/oidcserver`, or set " +
		SkipEnv + "=1 to skip the tests that need it)")
}

// lockedBuffer is a goroutine-safe bytes.Buffer.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 {
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	if b == nil {
		return ""
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
