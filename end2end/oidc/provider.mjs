// A real OpenID provider for the tests (`oidc-provider`, a certified implementation), on
// loopback only. Its users come from the JSON file named by OIDC_ACCOUNTS, read again at every
// sign-in so a test can change someone's groups between two sign-ins:
//   { "ada": { "email": "ada@example.com", "email_verified": true, "name": "Ada",
//              "groups": ["eng"] } }
// The login is the account's key; the provider's own (development) login page takes any
// password. Consent is granted in advance for the one client.
//
// Environment: OIDC_PORT (0: any free port), OIDC_CLIENT_ID, OIDC_CLIENT_SECRET,
// OIDC_REDIRECT_URI, OIDC_POST_LOGOUT_URI, OIDC_ACCOUNTS. Prints one line, {"issuer": "…"},
// on stdout once it listens; everything else goes to stderr.
//
// `POST /__test/tamper` with body `none`, `nonce` or `key` makes the token endpoint's next ID
// tokens carry a wrong nonce, or be signed by a key the provider never published.

import { createServer } from 'node:http';
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const env = (name, fallback) => process.env[name] ?? fallback;
const log = (...args) => process.stderr.write(`${args.join(' ')}\n`);
console.log = log;
console.info = log;
console.warn = log;

const clientId = env('OIDC_CLIENT_ID', 'preflight');
const keyPair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const published = keyPair();
const other = keyPair();
const jwk = { ...published.privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };
let tamper = 'none';

function accounts() {
  return JSON.parse(readFileSync(env('OIDC_ACCOUNTS', '/dev/null'), 'utf8') || '{}');
}

// Re-signs a compact JWS after `change` edits its payload, with `key`.
function resign(token, change, key) {
  const [h, p] = token.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  change(payload);
  const body = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${body}.${sign('sha256', Buffer.from(body), key).toString('base64url')}`;
}

const server = createServer();
server.listen(Number(env('OIDC_PORT', '0')), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: env('OIDC_CLIENT_SECRET', 'secret'),
      redirect_uris: [env('OIDC_REDIRECT_URI', 'http://127.0.0.1:3000/auth/oidc/callback')],
      post_logout_redirect_uris: [env('OIDC_POST_LOGOUT_URI', 'http://127.0.0.1:3000/login')],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    jwks: { keys: [jwk] },
    cookies: { keys: ['preflight-test-cookie-key'] },
    claims: { email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    async findAccount(ctx, sub) {
      const account = accounts()[sub];
      if (!account) return undefined;
      return { accountId: sub, async claims() { return { sub, ...account }; } };
    },
    async loadExistingGrant(ctx) {
      const accountId = ctx.oidc.session.accountId;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  provider.use(async (ctx, next) => {
    if (ctx.path === '/__test/tamper' && ctx.method === 'POST') {
      let body = '';
      for await (const chunk of ctx.req) body += chunk;
      tamper = body.trim();
      ctx.body = tamper;
      return;
    }
    await next();
    if (ctx.path === '/token' && tamper !== 'none' && ctx.body?.id_token) {
      ctx.body.id_token = tamper === 'nonce'
        ? resign(ctx.body.id_token, (p) => { p.nonce = 'not-the-nonce'; }, published.privateKey)
        : resign(ctx.body.id_token, () => {}, other.privateKey);
    }
  });
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});
