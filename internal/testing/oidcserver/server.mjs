// Test-only OAuth 2.0 / OpenID Connect server for Handshake's Go tests.
//
// It runs oidc-provider (https://github.com/panva/node-oidc-provider), a
// certified, conformant implementation nobody in this repository wrote, on
// 127.0.0.1. Go tests start it through oidcserver.Start; see README.md to run
// it by hand.
//
// Configuration (JSON) comes from the file named by OIDC_CONFIG_FILE, or from
// the OIDC_CONFIG environment variable, or defaults to a demo client:
//
//   {
//     "port": 0,                       // 0: any free port
//     "scopes": ["openid", "offline_access", "api:read", "api:write"],
//     "clients": [ { oidc-provider client metadata: client_id, client_secret,
//                    client_secret_expires_at, grant_types, response_types,
//                    redirect_uris, scope, token_endpoint_auth_method, jwks } ],
//     "ttl": { "ClientCredentials": 600, "AccessToken": 3600, "RefreshToken": 86400 },
//     "rotate_refresh_tokens": true,   // every refresh grant rotates the refresh
//                                      // token (the old one stops working);
//                                      // absent: oidc-provider's default policy
//     "omit_expires_in": true          // token responses without expires_in
//   }
//
// Once listening it prints exactly one line on stdout:
//
//   HANDSHAKE_OIDC_LISTENING http://127.0.0.1:<port>
//
// It exits when stdin is closed (so it never outlives the Go test that started
// it) or on SIGTERM / SIGINT.

import { createServer } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

function loadConfig() {
  if (process.env.OIDC_CONFIG_FILE) {
    return JSON.parse(readFileSync(process.env.OIDC_CONFIG_FILE, 'utf8'));
  }
  if (process.env.OIDC_CONFIG) {
    return JSON.parse(process.env.OIDC_CONFIG);
  }
  return {
    clients: [{
      client_id: 'demo',
      client_secret: 'demo-secret',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'api:read api:write',
    }],
  };
}

const cfg = loadConfig();
const scopes = cfg.scopes ?? ['openid', 'offline_access', 'api:read', 'api:write'];
const ttl = { ClientCredentials: 600, AccessToken: 3600, RefreshToken: 86400, ...(cfg.ttl ?? {}) };

// A fresh signing key per process: no key material in the repository.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'test-1' };

let handler = (req, res) => { res.statusCode = 503; res.end(); };
const server = createServer((req, res) => handler(req, res));

server.listen(cfg.port ?? 0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;

  const provider = new Provider(issuer, {
    clients: cfg.clients ?? [],
    scopes,
    jwks: { keys: [signingKey] },
    features: {
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      devInteractions: { enabled: true },
    },
    cookies: { keys: ['handshake-test-only-cookie-key'] },
    ...(typeof cfg.rotate_refresh_tokens === 'boolean'
      ? { rotateRefreshToken: () => cfg.rotate_refresh_tokens }
      : {}),
    ttl: {
      ClientCredentials: ttl.ClientCredentials,
      AccessToken: ttl.AccessToken,
      RefreshToken: ttl.RefreshToken,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 86400,
    },
    // Errors that cannot be redirected back to the client (an unregistered
    // redirect_uri, an unknown client) are rendered as RFC 6749 JSON.
    async renderError(ctx, out) {
      ctx.type = 'json';
      ctx.body = out;
    },
  });

  provider.on('server_error', (ctx, err) => {
    process.stderr.write(`oidcserver: server_error: ${err?.stack ?? err}\n`);
  });

  if (cfg.omit_expires_in) {
    // Emulates servers whose token responses carry no expires_in (RFC 6749
    // §5.1 only RECOMMENDS it); oidc-provider itself always sends it.
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.path === '/token' && ctx.body && typeof ctx.body === 'object' && ctx.body.access_token) {
        delete ctx.body.expires_in;
      }
    });
  }

  handler = provider.callback();
  process.stdout.write(`HANDSHAKE_OIDC_LISTENING ${issuer}\n`);
});

server.on('error', (err) => {
  process.stderr.write(`oidcserver: ${err.message}\n`);
  process.exit(1);
});

function shutdown() {
  server.close();
  process.exit(0);
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
if (!process.stdin.isTTY) {
  process.stdin.on('end', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.resume();
}
