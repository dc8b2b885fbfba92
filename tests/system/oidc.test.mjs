// OpenID Connect sign-in end to end, without a browser: the gateway's
// /auth/oidc/<key>/start, the real provider on loopback (deploy/oidc-dev)
// with its login form, the callback, the session; then the provider rotates
// its signing key (SIGUSR2) and the gateway picks up the new kid; a wrong
// password stays on the provider; a tampered state is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DIR, env, URL_BASE, readLog, until } from './lib.mjs';

const ISSUER = env.TARJOTIN_OIDC_POHJOIS_SAVO_ISSUER;

/** A cookie jar per origin and fetch with manual redirects, like a browser. */
function browser() {
  const jars = new Map();
  const jar = (u) => {
    const o = new URL(u).origin;
    if (!jars.has(o)) jars.set(o, new Map());
    return jars.get(o);
  };
  async function go(url, opts = {}) {
    const j = jar(url);
    const cookie = [...j].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      redirect: 'manual', signal: AbortSignal.timeout(10000), ...opts,
      headers: { ...(cookie ? { cookie } : {}), ...(opts.headers || {}) },
    });
    for (const c of res.headers.getSetCookie()) {
      const kv = c.split(';')[0];
      const i = kv.indexOf('=');
      const name = kv.slice(0, i), value = kv.slice(i + 1);
      if (value === '' || /max-age=0/i.test(c)) j.delete(name); else j.set(name, value);
    }
    const location = res.headers.get('location');
    return { res, status: res.status, location: location && new URL(location, url).href, text: await res.text() };
  }
  /** Follows redirects (at most 10) from url; returns the last answer. */
  async function follow(url, opts) {
    let r = await go(url, opts);
    for (let i = 0; i < 10 && r.status >= 300 && r.status < 400 && r.location; i++) r = await go(r.location);
    return r;
  }
  return { go, follow, cookie: (origin, name) => jar(origin).get(name) };
}

/** Starts a sign-in at the gateway and returns the provider's login form. */
async function loginForm(b, ret = '/') {
  const start = await b.go(`${URL_BASE}/auth/oidc/pohjois-savo/start?return=${encodeURIComponent(ret)}`);
  assert.equal(start.status, 302, `start: ${start.text}`);
  assert.ok(start.location.startsWith(`${ISSUER}/auth?`), start.location);
  const form = await b.follow(start.location);
  assert.equal(form.status, 200);
  assert.match(form.text, /<html lang="fi"/);
  const action = /<form method="post" action="([^"]+)"/.exec(form.text);
  assert.ok(action, 'a login form');
  return { start, action: new URL(action[1], ISSUER).href };
}

async function postLogin(b, action, email, password) {
  return b.go(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }).toString(),
  });
}

/** The whole sign-in; returns the gateway's answer to the callback and the session. */
async function signIn(email, password, ret = '/') {
  const b = browser();
  const { action } = await loginForm(b, ret);
  let r = await postLogin(b, action, email, password);
  assert.equal(r.status, 303, `login: ${r.status}`);
  // Through the provider to our callback, which answers 303 to the return path.
  for (let i = 0; i < 10 && !r.location.startsWith(`${URL_BASE}/auth/oidc/callback`); i++) {
    r = await b.go(r.location);
    assert.ok(r.status >= 300 && r.status < 400 && r.location, `provider: ${r.status} ${r.text.slice(0, 200)}`);
  }
  const cb = await b.go(r.location);
  const session = await b.go(`${URL_BASE}/api/v1/session`);
  return { b, cb, session: JSON.parse(session.text) };
}

function oidcPid() {
  return Number(readFileSync(path.join(DIR, 'pids', 'oidc.pid'), 'utf8').trim());
}

test('a professional signs in with OpenID Connect and lands on the return path with a session', async () => {
  const { b, cb, session } = await signIn('sosiaalityo@siilinjarvi-sote.example.org', 'demo-sosiaalityo', '/search.html?q=muisti');
  assert.equal(cb.status, 303, `callback: ${cb.text}`);
  assert.equal(cb.location, `${URL_BASE}/search.html?q=muisti`);
  assert.ok(b.cookie(URL_BASE, 'tj_session'), 'a tj_session cookie');
  assert.equal(session.signed_in, true);
  assert.equal(session.account.role, 'professional');
  assert.equal(session.account.email, 'sosiaalityo@siilinjarvi-sote.example.org');
  assert.equal(session.account.user_site?.name, 'Siilinjärven sosiaalipalvelut');
  assert.deepEqual(session.providers.map((p) => p.id), ['pohjois-savo']);
});

test('the site is found by the e-mail domain when the site has no group', async () => {
  const { cb, session } = await signIn('hoitaja@kuopio-terveys.example.org', 'demo-hoitaja');
  assert.equal(cb.status, 303);
  assert.equal(cb.location, `${URL_BASE}/`);
  assert.equal(session.account.role, 'professional');
  assert.equal(session.account.user_site?.name, 'Kuopion Kalevan terveysasema');
});

test('after the provider rotates its signing key, the gateway picks up the new kid', async () => {
  const before = readLog('oidc').split('\n').filter((l) => l.includes('"key.rotated"')).length;
  process.kill(oidcPid(), 'SIGUSR2');
  const rotated = await until(() => {
    const lines = readLog('oidc').split('\n').filter((l) => l.includes('"key.rotated"'));
    return lines.length > before && JSON.parse(lines.at(-1));
  }, { timeout: 10000, what: 'the provider to rotate its key' });
  const jwks = await (await fetch(`${ISSUER}/jwks`)).json();
  assert.ok(jwks.keys.some((k) => k.kid === rotated.kid), 'the new key is published');
  assert.ok(jwks.keys.length >= 2, 'the old key stays published');
  const fetchesBefore = readLog('gateway-1').split('\n').filter((l) => l.includes('oidc jwks fetched')).length;
  const { cb, session } = await signIn('hoitaja@kuopio-terveys.example.org', 'demo-hoitaja');
  assert.equal(cb.status, 303, cb.text);
  assert.equal(cb.location, `${URL_BASE}/`);
  assert.equal(session.signed_in, true);
  const fetches = readLog('gateway-1').split('\n').filter((l) => l.includes('oidc jwks fetched')).length;
  assert.equal(fetches, fetchesBefore + 1, 'exactly one JWKS re-fetch for the new kid');
});

test('a wrong password stays on the provider', async () => {
  const b = browser();
  const { action } = await loginForm(b);
  const r = await postLogin(b, action, 'hoitaja@kuopio-terveys.example.org', 'wrong-password');
  assert.equal(r.status, 401);
  assert.equal(r.location, null);
  assert.match(r.text, /role="alert"/);
  assert.match(r.text, /<form method="post"/);
  assert.equal(b.cookie(URL_BASE, 'tj_session'), undefined);
});

test('a tampered state is refused with 303 to the sign-in page', async () => {
  const b = browser();
  const { action } = await loginForm(b);
  let r = await postLogin(b, action, 'hoitaja@kuopio-terveys.example.org', 'demo-hoitaja');
  for (let i = 0; i < 10 && !r.location.startsWith(`${URL_BASE}/auth/oidc/callback`); i++) r = await b.go(r.location);
  const cb = new URL(r.location);
  const state = cb.searchParams.get('state');
  cb.searchParams.set('state', (state[0] === 'A' ? 'B' : 'A') + state.slice(1));
  const refused = await b.go(cb.href);
  assert.equal(refused.status, 303);
  assert.match(refused.location, /\/signin\.html\?error=state$/);
  assert.equal(b.cookie(URL_BASE, 'tj_session'), undefined);
  const session = JSON.parse((await b.go(`${URL_BASE}/api/v1/session`)).text);
  assert.equal(session.signed_in, false);
});

test('no token, code or client secret in the logs of the gateway and the provider', () => {
  const logs = readLog('gateway-1') + readLog('oidc');
  assert.ok(!logs.includes(env.TARJOTIN_OIDC_POHJOIS_SAVO_CLIENT_SECRET), 'no client secret');
  assert.ok(!/eyJ[\w-]{10,}\.[\w-]{10,}\./.test(logs), 'no JWT');
  assert.ok(!/code=[\w-]{20,}/.test(logs), 'no authorization code');
  assert.ok(!logs.includes('demo-hoitaja"') && !logs.includes('password'), 'no password');
});
