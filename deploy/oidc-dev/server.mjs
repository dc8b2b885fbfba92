// A real OpenID provider (npm oidc-provider) on loopback for `make run` and
// `make test`: one client (Tarjotin), the demo users of users.json, a login
// form in Finnish, consent given for the one first-party client, and a
// signing key that SIGUSR2 rotates (the new key signs, the old ones stay in
// the JWKS).  Never for production: real deployments use the county's IdP.
//
// Environment:
//   TARJOTIN_OIDC_PORT                   the port on 127.0.0.1 (issuer http://127.0.0.1:<port>)
//   TARJOTIN_PUBLIC_URL                  Tarjotin's URL; the redirect URI is <it>/auth/oidc/callback
//   TARJOTIN_OIDC_POHJOIS_SAVO_CLIENT_ID     default "tarjotin"
//   TARJOTIN_OIDC_POHJOIS_SAVO_CLIENT_SECRET the client secret (required)
//   TARJOTIN_OIDC_USERS                  the users file, default users.json beside this file
import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const env = process.env;
const port = Number(env.TARJOTIN_OIDC_PORT || 8027);
const publicUrl = (env.TARJOTIN_PUBLIC_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const clientId = env.TARJOTIN_OIDC_POHJOIS_SAVO_CLIENT_ID || 'tarjotin';
const clientSecret = env.TARJOTIN_OIDC_POHJOIS_SAVO_CLIENT_SECRET;
const usersFile = env.TARJOTIN_OIDC_USERS || new URL('./users.json', import.meta.url);
const issuer = `http://127.0.0.1:${port}`;

function log(event, fields = {}) {
  process.stdout.write(`${JSON.stringify({ ts: new Date().toISOString(), service: 'oidc-dev', event, ...fields })}\n`);
}

if (!clientSecret) {
  log('config.error', { reason: 'TARJOTIN_OIDC_POHJOIS_SAVO_CLIENT_SECRET not set' });
  process.exit(2);
}
const users = JSON.parse(readFileSync(usersFile, 'utf8'));

function newKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };
}

// Passwords compared as digests, in constant time.
const digest = (s) => createHash('sha256').update(String(s)).digest();
function checkLogin(email, password) {
  const u = users.find((x) => x.email === String(email).trim().toLowerCase());
  const ok = timingSafeEqual(digest(u ? u.password : randomBytes(16)), digest(password));
  return u && ok ? u : null;
}

// The same cookie keys for every Provider instance, so that sessions and
// interactions survive a key rotation (the memory adapter is per process).
const cookieKeys = [randomBytes(32).toString('hex')];
const keys = [newKey()];

function makeProvider() {
  const p = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [`${publicUrl}/auth/oidc/callback`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    pkce: { methods: ['S256'], required: () => true },
    scopes: ['openid', 'email', 'profile'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    // Our relying party reads the claims from the ID token, not from userinfo.
    conformIdTokenClaims: false,
    jwks: { keys },
    ttl: { AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    cookies: { keys: cookieKeys },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, sub) {
      const u = users.find((x) => x.sub === sub);
      if (!u) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, email: u.email, email_verified: u.email_verified !== false, name: u.name, groups: u.groups || [] }),
      };
    },
    // Tarjotin is our one first-party client: its consent is given.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  for (const ev of ['authorization.success', 'grant.success', 'interaction.started', 'interaction.ended']) {
    p.on(ev, (ctx) => log(ev, { client: ctx.oidc?.client?.clientId }));
  }
  for (const ev of ['authorization.error', 'grant.error', 'server_error']) {
    p.on(ev, (ctx, err) => log(ev, { error: err?.error || err?.name, detail: err?.error_description || err?.message }));
  }
  return { provider: p, handler: p.callback() };
}

let current = makeProvider();

process.on('SIGUSR2', () => {
  keys.unshift(newKey());
  current = makeProvider();
  log('key.rotated', { kid: keys[0].kid, keys: keys.length });
});
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    log('stopping', { signal: sig });
    server.close();
    process.exit(0);
  });
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, email, failed) {
  return `<!doctype html>
<html lang="fi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kirjaudu – Pohjois-Savon hyvinvointialue (kehitys)</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
label{display:block;margin-top:1rem;font-weight:bold}input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem}.virhe{color:#a00000;border-left:4px solid #a00000;padding-left:.5rem}</style></head>
<body><main>
<h1>Kirjaudu sisään</h1>
<p>Pohjois-Savon hyvinvointialueen tunnistus (kehityskäyttöön).</p>
${failed ? '<p class="virhe" role="alert" id="virhe">Väärä sähköpostiosoite tai salasana.</p>' : ''}
<form method="post" action="/interaction/${esc(uid)}/login">
<label for="email">Sähköpostiosoite</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${esc(email)}"${failed ? ' aria-describedby="virhe"' : ''}>
<label for="password">Salasana</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Kirjaudu</button>
</form>
</main></body></html>`;
}

function send(res, status, html) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 16384) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

// The interaction routes, as oidc-provider's documentation shows them:
// interactionDetails, then interactionFinished with the login result.
async function interaction(req, res) {
  const { provider } = current;
  const m = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url.split('?')[0]);
  if (!m) return send(res, 404, 'Not found');
  const details = await provider.interactionDetails(req, res);
  if (m[1] !== details.uid) return send(res, 400, 'Bad request');
  if (req.method === 'GET' && details.prompt.name === 'login') {
    return send(res, 200, loginPage(details.uid, '', false));
  }
  if (req.method === 'GET' && details.prompt.name === 'consent') {
    const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  if (req.method === 'POST' && m[2]) {
    const form = await readForm(req);
    const user = checkLogin(form.get('email') || '', form.get('password') || '');
    if (!user) {
      log('login.failed');
      return send(res, 401, loginPage(details.uid, form.get('email') || '', true));
    }
    log('login.success', { account: user.sub });
    return provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
  }
  return send(res, 405, 'Method not allowed');
}

const server = createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((err) => {
      log('interaction.error', { error: err.name, detail: err.error_description || err.message });
      if (!res.headersSent) send(res, err.statusCode || 400, 'Kirjautuminen epäonnistui. Aloita alusta.');
    });
    return;
  }
  current.handler(req, res);
});
server.listen(port, '127.0.0.1', () => log('listening', { issuer, kid: keys[0].kid }));
