// Sign-in by e-mail link, sessions, CSRF and Origin (issue 12,
// docs/identity.md): what a browser's requests meet at the gateway, and that
// every write these tests make is in the audit log with its actor and time.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  http, psql, until, anon, signIn, loginToken, mailLinks, mailTo, assertAudited, helperWrites, setCookies, noteSecret,
  freePorts, startGateway, stopGateway, env, ORIGIN,
} from './lib.mjs';

const ADMIN_EMAIL = 'koordinaattori@hyvinvointialue.example.org';
const PRO_EMAIL = 'ohjaaja@varkaus-terveys.example.org';
const EDITOR_EMAIL = 'toimitus@mielenterveysseura.example.org';
const RUN = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
// Audit times are the database's clock, ours is the same machine's.
const T0 = new Date(Date.now() - 2000);

let admin;
/** The writes these tests made: {what, action, actor: {id, role}, target?}, checked at the end. */
const writes = [];
/** The refused sign-ins with a real link: {what, action, actor, detail}, checked at the end. */
const failures = [];
const ANONYMOUS = { id: null, role: 'anonymous' };
const actorOf = (s) => ({ id: s.account.id, role: s.account.role });

test.before(async () => {
  admin = await signIn(ADMIN_EMAIL);
});

/** POST /api/v1/auth/email-link as a fresh anonymous client. */
async function askLink(body) {
  const a = await anon();
  noteSecret('email', body.email);
  return a.call('/api/v1/auth/email-link', { method: 'POST', json: body });
}

function loginLinkJobs() {
  return Number(psql("SELECT count(*) FROM notifications WHERE template = 'login_link'"));
}

/** Updates the login_links row of 'token' (by its hash: SHA-256 of the text); the rows changed. */
function updateLink(token, set) {
  const hash = createHash('sha256').update(token).digest('hex');
  return Number(psql(`WITH u AS (UPDATE login_links SET ${set} WHERE token_hash = '\\x${hash}'::bytea RETURNING 1) SELECT count(*) FROM u`));
}

test('an e-mail link request gets the same 202 for a known and an unknown address; only the known gets mail', async () => {
  const known = PRO_EMAIL;
  const unknown = `nobody-${RUN}@example.org`;
  const idpSite = `someone-${RUN}@kuopio-terveys.example.org`; // a site with an identity provider: no link
  const jobs = loginLinkJobs();
  const mailsBefore = (await mailTo(known)).length;
  const answers = [];
  for (const email of [unknown, idpSite, known]) {
    const r = await askLink({ email, lang: 'en', return: '/en/index.html' });
    assert.equal(r.status, 202, `${email}: ${r.text}`);
    answers.push({ text: r.text, type: r.headers.get('content-type') });
  }
  assert.deepEqual(answers[0], answers[2], 'the answer does not tell a known address from an unknown one');
  assert.deepEqual(answers[1], answers[2]);
  assert.deepEqual(JSON.parse(answers[2].text), { status: 'accepted' });

  const links = await until(async () => {
    const l = await mailLinks(known);
    return l.length > mailsBefore && l;
  }, { timeout: 20000, what: `the sign-in link at the mail catcher for ${known}` });
  assert.equal(loginLinkJobs(), jobs + 1, 'one login_link message queued: for the known address only');
  assert.equal((await mailTo(unknown)).length, 0, 'no mail to the unknown address');
  assert.equal((await mailTo(idpSite)).length, 0, 'no mail to an address of a site with an identity provider');
  const link = links.at(-1);
  assert.ok(link.startsWith(`${ORIGIN}/link.html#`), link);

  // The mailed link signs in and brings the return path back.
  const a = await anon();
  const r = await a.call('/api/v1/auth/link', { method: 'POST', json: { token: link.slice(link.indexOf('#') + 1) } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.signed_in, true);
  assert.equal(r.json.account.email, known);
  assert.equal(r.json.account.role, 'professional');
  assert.equal(r.json.return, '/en/index.html');
  writes.push({ what: 'the professional signs in with the mailed link', action: 'signin', actor: { id: r.json.account.id, role: 'professional' } });
  // The request's row: by nobody signed in, naming the account it was for.
  writes.push({ what: 'a link asked for a known address', action: 'login_link.requested', actor: { id: r.json.account.id, role: 'anonymous' } });
});

test('a professional of a site without an identity provider gets a link before having an account', async () => {
  const email = `new-${RUN}@varkaus-terveys.example.org`;
  const r = await askLink({ email });
  assert.equal(r.status, 202, r.text);
  const [link] = await until(async () => {
    const l = await mailLinks(email);
    return l.length > 0 && l;
  }, { timeout: 20000, what: `the link for ${email}` });
  const a = await anon();
  const s = await a.call('/api/v1/auth/link', { method: 'POST', json: { token: link.slice(link.indexOf('#') + 1) } });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.account.email, email);
  assert.equal(s.json.account.role, 'professional');
  assert.match(s.json.account.user_site?.name ?? '', /Varkau/);
  writes.push({ what: 'a new professional signs in', action: 'signin', actor: { id: s.json.account.id, role: 'professional' } },
    { what: 'a link asked for a site\'s domain', action: 'login_link.requested', actor: ANONYMOUS });
});

test('bad e-mail link requests get a 400 naming the field', async () => {
  for (const [body, field] of [
    [{ email: 'not an address' }, 'email'],
    [{ email: `x-${RUN}@example.org\r\nBcc: victim@example.org` }, 'email'],
    [{}, 'email'],
    [{ email: `bad-return-${RUN}@example.org`, return: '//evil.example/' }, 'return'],
    [{ email: `bad-return-${RUN}@example.org`, return: 'https://evil.example/' }, 'return'],
    [{ email: `bad-return-${RUN}@example.org`, return: '/\\evil.example' }, 'return'],
    [{ email: `bad-lang-${RUN}@example.org`, lang: 'de' }, 'lang'],
  ]) {
    const r = await askLink(body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error.field, field, r.text);
  }
});

/** The throttle's fixed 15-minute window (docs/identity.md): Unix time / 900. */
const windowNow = () => Math.floor(Date.now() / 900000);

/**
 * Runs attempt(1); when it fails and a throttle window ended meanwhile (the
 * requests were counted in two windows), runs attempt(2) once more.
 */
async function inOneWindow(attempt) {
  const w = windowNow();
  try {
    await attempt(1);
  } catch (e) {
    if (windowNow() === w) throw e;
    await attempt(2);
  }
}

test('the sixth link request for one address within 15 minutes gets 429 with Retry-After', async () => {
  await inOneWindow(async (n) => {
    const email = `throttle-${n}-${RUN}@example.org`;
    for (let i = 1; i <= 5; i++) {
      const r = await askLink({ email });
      assert.equal(r.status, 202, `request ${i}: ${r.text}`);
    }
    const sixth = await askLink({ email });
    assert.equal(sixth.status, 429, sixth.text);
    assert.equal(sixth.json.error.code, 'too_many_requests', sixth.text);
    assert.equal(sixth.json.error.status, 429);
    const after = Number(sixth.headers.get('retry-after'));
    assert.ok(Number.isInteger(after) && after >= 1 && after <= 900, `Retry-After: ${sixth.headers.get('retry-after')}`);
    // The same address in capitals is the same address.
    const upper = await askLink({ email: email.toUpperCase() });
    assert.equal(upper.status, 429, upper.text);
    // Another address is still accepted (the per-IP limit is higher).
    const other = await askLink({ email: `throttle-other-${n}-${RUN}@example.org` });
    assert.equal(other.status, 202, other.text);
  });
});

function redisCli(...args) {
  const r = spawnSync('redis-cli', ['-p', env.TARJOTIN_REDIS_PORT, ...args], { encoding: 'utf8', timeout: 10000 });
  if (r.status !== 0) throw new Error(`redis-cli ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

test('the request after TARJOTIN_SIGNIN_LIMIT_IP from one client address gets 429, whatever the e-mail address', async () => {
  // The test stack allows many (every test signs in from 127.0.0.1); a
  // gateway of its own with a limit of 3 shows the limit.
  const [port] = freePorts(1);
  const gw = startGateway({ TARJOTIN_HTTP_PORT: port, TARJOTIN_SIGNIN_LIMIT_IP: '3', TARJOTIN_INSTANCE: 'gateway-iplimit' });
  try {
    await until(() => gw.log.includes('"event":"listening"') || gw.exitCode !== null, { timeout: 15000, what: 'the second gateway' });
    assert.ok(gw.log.includes('"event":"listening"'), gw.log);
    const base = `http://127.0.0.1:${port}`;
    await inOneWindow(async (n) => {
      // The stack's own gateway counted this client's requests in the same key.
      redisCli('DEL', `tj:rl:signin:ip:127.0.0.1:${windowNow()}`);
      const statuses = [];
      for (let i = 1; i <= 4; i++) {
        const a = await anon({ base });
        const email = noted(`ip-${n}-${i}-${RUN}@example.org`);
        const r = await a.call('/api/v1/auth/email-link', { method: 'POST', json: { email } });
        statuses.push(r.status);
        if (i === 4) {
          assert.equal(r.json?.error?.code, 'too_many_requests', r.text);
          assert.ok(Number(r.headers.get('retry-after')) >= 1, `Retry-After: ${r.headers.get('retry-after')}`);
        }
      }
      assert.deepEqual(statuses, [202, 202, 202, 429]);
    });
  } finally {
    redisCli('DEL', `tj:rl:signin:ip:127.0.0.1:${windowNow()}`);
    await stopGateway(gw);
  }
});

function noted(email) {
  noteSecret('email', email);
  return email;
}

test('a used link gets 410 link_used, an expired one 410 link_expired, a wrong one 400 link_invalid', async () => {
  const used = loginToken(PRO_EMAIL);
  const first = await (await anon()).call('/api/v1/auth/link', { method: 'POST', json: { token: used } });
  assert.equal(first.status, 200, first.text);
  writes.push({ what: 'the professional signs in', action: 'signin', actor: { id: first.json.account.id, role: 'professional' } });
  const again = await (await anon()).call('/api/v1/auth/link', { method: 'POST', json: { token: used } });
  assert.equal(again.status, 410, again.text);
  assert.equal(again.json.error.code, 'link_used', again.text);
  failures.push({ what: 'a used link', action: 'signin_failed', actor: { id: undefined, role: 'anonymous' }, detail: 'link_used' });
  assert.equal(again.headers.getSetCookie().some((c) => /^(__Host-)?tj_session=[^;]/.test(c)), false, 'no session');

  const expired = loginToken(PRO_EMAIL);
  assert.equal(updateLink(expired, "expires_at = now() - interval '1 minute'"), 1, 'the link row found by its hash');
  const late = await (await anon()).call('/api/v1/auth/link', { method: 'POST', json: { token: expired } });
  assert.equal(late.status, 410, late.text);
  assert.equal(late.json.error.code, 'link_expired', late.text);
  failures.push({ what: 'an expired link', action: 'signin_failed', actor: { id: undefined, role: 'anonymous' }, detail: 'link_expired' });

  const unknown = randomBytes(32).toString('base64url');
  for (const token of [unknown, 'abc', '', `${used}x`, used.slice(0, -1) + (used.endsWith('A') ? 'B' : 'A'),
    '../../etc/passwd', 'ä'.repeat(43), 123, null]) {
    const r = await (await anon()).call('/api/v1/auth/link', { method: 'POST', json: { token } });
    assert.equal(r.status, 400, `${JSON.stringify(token)}: ${r.text}`);
    assert.equal(r.json.error.code, 'link_invalid', r.text);
    assert.equal(r.json.error.field, 'token', r.text);
  }
  const none = await (await anon()).call('/api/v1/auth/link', { method: 'POST', json: {} });
  assert.equal(none.status, 400, none.text);
  assert.equal(none.json.error.field, 'token', none.text);
});

test('a link used by several requests at once signs in exactly one of them', async () => {
  const token = loginToken(PRO_EMAIL);
  const clients = await Promise.all(Array.from({ length: 6 }, () => anon()));
  const answers = await Promise.all(clients.map((c) => c.call('/api/v1/auth/link', { method: 'POST', json: { token } })));
  const statuses = answers.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, 410, 410, 410, 410, 410], answers.map((r) => r.text).join('\n'));
  for (const r of answers.filter((x) => x.status === 410)) assert.equal(r.json.error.code, 'link_used', r.text);
  const won = answers.find((r) => r.status === 200);
  noteSecret('session', setCookies(won.headers).tj_session?.value);
  writes.push({ what: 'the one that won signs in', action: 'signin', actor: { id: won.json.account.id, role: 'professional' } });
});

test('the session cookie is HttpOnly, SameSite=Lax, Path=/; the csrf cookie SameSite=Strict and readable', async () => {
  const s = await signIn(PRO_EMAIL);
  const c = setCookies(s.signin.headers).tj_session;
  assert.ok(c, `Set-Cookie: ${s.signin.headers.getSetCookie()}`);
  assert.match(c.value, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
  assert.equal(c.attrs.httponly, true, c.raw);
  assert.equal(String(c.attrs.samesite).toLowerCase(), 'lax', c.raw);
  assert.equal(c.attrs.path, '/', c.raw);
  assert.equal(c.attrs.secure, undefined, 'not behind TLS: no Secure');
  assert.ok(!s.signin.text.includes(c.value), 'the session id is not in the body');
  const a = await http('/api/v1/session');
  const csrf = setCookies(a.headers).tj_csrf;
  assert.ok(csrf, `GET /api/v1/session sets tj_csrf: ${a.headers.getSetCookie()}`);
  noteSecret('csrf', csrf.value);
  assert.equal(String(csrf.attrs.samesite).toLowerCase(), 'strict', csrf.raw);
  assert.equal(csrf.attrs.httponly, undefined, 'the page reads it');
  assert.equal(a.json.signed_in, false);
  assert.equal(a.json.csrf, csrf.value, 'the session answer names the anonymous csrf token');
  const me = await s.call('/api/v1/session');
  assert.equal(me.json.signed_in, true);
  assert.equal(me.json.account.email, PRO_EMAIL);
  assert.equal(me.json.csrf, s.csrf);
});

test('a session lives TARJOTIN_SESSION_IDLE_MIN from its last use and no longer than TARJOTIN_SESSION_MAX_HOURS', async () => {
  const s = await signIn(PRO_EMAIL);
  const key = `tj:sess:${createHash('sha256').update(s.id).digest('hex')}`;
  const ttl = () => Number(redisCli('TTL', key));
  assert.ok(ttl() > 1700 && ttl() <= 1800, `TTL ${ttl()}: the default idle expiry is 30 minutes`);
  // Only the hash: the id itself is nowhere in Redis.
  assert.ok(!redisCli('HGETALL', key).includes(s.id), 'the session record does not hold the id');
  assert.equal(redisCli('--scan', '--pattern', `*${s.id.slice(0, 20)}*`), '', 'no key holds the id');
  redisCli('EXPIRE', key, '100');
  assert.equal((await s.call('/api/v1/session')).json.signed_in, true);
  assert.ok(ttl() > 1700, `every request renews the idle expiry (TTL ${ttl()})`);
  // Created 10 hours and a minute ago: past the absolute expiry, whatever the TTL says.
  redisCli('HSET', key, 'created', String(Math.floor(Date.now() / 1000) - 10 * 3600 - 60));
  assert.equal((await s.call('/api/v1/session')).json.signed_in, false, 'past TARJOTIN_SESSION_MAX_HOURS');
  assert.equal(redisCli('EXISTS', key), '0', 'and the record is gone');
});

test('behind TLS the cookies are __Host- and Secure', async () => {
  const [port] = freePorts(1);
  const publicUrl = `https://127.0.0.1:${port}`;
  const gw = startGateway({ TARJOTIN_HTTP_PORT: port, TARJOTIN_BEHIND_TLS: 'true', TARJOTIN_PUBLIC_URL: publicUrl,
    TARJOTIN_INSTANCE: 'gateway-tls' });
  try {
    await until(() => gw.log.includes('"event":"listening"') || gw.exitCode !== null, { timeout: 15000, what: 'the TLS gateway' });
    assert.ok(gw.log.includes('"event":"listening"'), gw.log);
    const base = `http://127.0.0.1:${port}`;
    const a = await anon({ base });
    const csrf = setCookies((await http('/api/v1/session', { base })).headers)['__Host-tj_csrf'];
    assert.ok(csrf, 'the csrf cookie is __Host-tj_csrf');
    assert.equal(csrf.attrs.secure, true, csrf.raw);
    assert.equal(csrf.attrs.path, '/', csrf.raw);
    assert.equal(csrf.attrs.domain, undefined, csrf.raw);
    // The Origin is the public URL's (https), not the address the request came to.
    const wrong = await a.call('/api/v1/auth/link', { method: 'POST', json: { token: randomBytes(32).toString('base64url') } });
    assert.equal(wrong.json?.error?.code, 'forbidden_origin', wrong.text);
    const r = await a.call('/api/v1/auth/link', { method: 'POST', json: { token: loginToken(PRO_EMAIL) }, origin: publicUrl });
    assert.equal(r.status, 200, r.text);
    writes.push({ what: 'signs in behind TLS', action: 'signin', actor: { id: r.json.account.id, role: 'professional' } });
    const c = setCookies(r.headers)['__Host-tj_session'];
    assert.ok(c, `the session cookie is __Host-tj_session: ${r.headers.getSetCookie()}`);
    noteSecret('session', c.value);
    assert.equal(c.attrs.secure, true, c.raw);
    assert.equal(c.attrs.httponly, true, c.raw);
    assert.equal(String(c.attrs.samesite).toLowerCase(), 'lax', c.raw);
    assert.equal(c.attrs.path, '/', c.raw);
    assert.equal(setCookies(r.headers).tj_session, undefined, 'no cookie without the prefix');
  } finally {
    await stopGateway(gw);
  }
});

test('every sign-in gives a new session id, and ends the session it was sent with', async () => {
  const a = await signIn(PRO_EMAIL);
  const b = await signIn(PRO_EMAIL);
  assert.notEqual(a.id, b.id);
  assert.notEqual(a.csrf, b.csrf);
  // a signs in again over its own session: a new id, the old one is nobody.
  const old = a.id;
  const r = await a.call('/api/v1/auth/link', { method: 'POST', json: { token: loginToken(PRO_EMAIL) } });
  assert.equal(r.status, 200, r.text);
  writes.push({ what: 'a signs in again', action: 'signin', actor: actorOf(a) });
  const now = setCookies(r.headers).tj_session?.value;
  noteSecret('session', now);
  assert.ok(now && now !== old, 'a new session id');
  const stale = await anon();
  stale.jar.tj_session = old;
  assert.equal((await stale.call('/api/v1/session')).json.signed_in, false, 'the old session ended');
  assert.equal((await b.call('/api/v1/session')).json.signed_in, true, 'the other session lives on');
});

test('sign out ends the session; the old cookie is then anonymous', async () => {
  const s = await signIn(PRO_EMAIL);
  const old = s.id;
  const r = await s.call('/api/v1/auth/signout', { method: 'POST' });
  assert.equal(r.status, 204, r.text);
  writes.push({ what: 'signs out', action: 'signout', actor: actorOf(s) });
  const cleared = setCookies(r.headers).tj_session;
  assert.ok(cleared && (cleared.value === '' || cleared.attrs['max-age'] === '0' || /1970/.test(cleared.attrs.expires ?? '')),
    `the cookie is cleared: ${r.headers.getSetCookie()}`);
  const stale = await anon();
  stale.jar.tj_session = old;
  const me = await stale.call('/api/v1/session');
  assert.equal(me.status, 200);
  assert.equal(me.json.signed_in, false);
  assert.equal((await stale.call('/api/v1/auth/signout', { method: 'POST' })).status, 401, 'nobody to sign out');
});

test('sign out everywhere ends every session of the account, and only its', async () => {
  const a = await signIn(EDITOR_EMAIL);
  const b = await signIn(EDITOR_EMAIL);
  const other = await signIn(PRO_EMAIL);
  const r = await a.call('/api/v1/auth/signout-everywhere', { method: 'POST' });
  assert.equal(r.status, 204, r.text);
  writes.push({ what: 'signs out everywhere', action: 'signout_everywhere', actor: actorOf(a) });
  assert.equal((await a.call('/api/v1/session')).json.signed_in, false);
  assert.equal((await b.call('/api/v1/session')).json.signed_in, false, 'the second session ended too');
  assert.equal((await other.call('/api/v1/session')).json.signed_in, true, 'another account\'s session lives on');
});

test('a role change or disabling by the admin ends the target\'s sessions', async () => {
  const org = (await signIn(EDITOR_EMAIL)).account.organizations[0];
  assert.ok(org?.id, 'the demo editor has an organisation');
  const email = `role-${RUN}@example.org`;
  noteSecret('email', email);
  const made = await admin.call('/api/v1/admin/accounts', {
    method: 'POST', json: { email, name: 'Roolin Vaihtaja', role: 'editor', organization_ids: [org.id], lang: 'fi' },
  });
  assert.equal(made.status, 201, made.text);
  const id = made.json.id;
  writes.push({ what: 'the admin invites an editor', action: 'account.invite', actor: actorOf(admin), target: id });
  const s = await signIn(email);
  assert.equal(s.account.role, 'editor');
  const up = await admin.call(`/api/v1/admin/accounts/${id}`, { method: 'PUT', json: { role: 'admin' } });
  assert.equal(up.status, 200, up.text);
  writes.push({ what: 'the admin makes them an admin', action: 'account.update', actor: actorOf(admin), target: id });
  assert.equal((await s.call('/api/v1/session')).json.signed_in, false, 'the session ended with the role change');
  // An editor who gains an organisation signs in again to use it.
  const other = (await signIn('vapaaehtoiset@savonjarjestot.example.org')).account.organizations[0];
  const gainer = `gains-${RUN}@example.org`;
  noteSecret('email', gainer);
  const g = await admin.call('/api/v1/admin/accounts', { method: 'POST', json: { email: gainer, role: 'editor', organization_ids: [org.id] } });
  assert.equal(g.status, 201, g.text);
  writes.push({ what: 'the admin invites another editor', action: 'account.invite', actor: actorOf(admin), target: g.json.id });
  const gs = await signIn(gainer);
  const add = await admin.call(`/api/v1/organizations/${other.id}/editors`, { method: 'POST', json: { email: gainer } });
  assert.equal(add.status, 201, add.text);
  writes.push({ what: 'the admin adds them to a second organisation', action: 'editor.add', actor: actorOf(admin), target: g.json.id });
  assert.equal((await gs.call('/api/v1/session')).json.signed_in, false, 'the session ended with the organisation change');
  const both = (await signIn(gainer)).account.organizations.map((o) => o.id).sort();
  assert.deepEqual(both, [org.id, other.id].sort());
  const again = await signIn(email);
  assert.equal(again.account.role, 'admin');

  // A link issued before the account was disabled does not sign in.
  const token = loginToken(email);
  const off = await admin.call(`/api/v1/admin/accounts/${id}`, { method: 'PUT', json: { disabled: true } });
  assert.equal(off.status, 200, off.text);
  writes.push({ what: 'the admin disables them', action: 'account.update', actor: actorOf(admin), target: id });
  assert.equal((await again.call('/api/v1/session')).json.signed_in, false, 'disabling ended the session');
  const refused = await (await anon()).call('/api/v1/auth/link', { method: 'POST', json: { token } });
  assert.equal(refused.status, 403, refused.text);
  assert.equal(refused.json.error.code, 'account_disabled', refused.text);
  // A disabled account's address gets the same answer and no link.
  const jobs = loginLinkJobs();
  const ask = await askLink({ email });
  assert.equal(ask.status, 202, ask.text);
  assert.deepEqual(ask.json, { status: 'accepted' });
  assert.equal(loginLinkJobs(), jobs, 'no link queued for a disabled account');
  failures.push({ what: 'a disabled account\'s link', action: 'signin_failed', actor: { id: undefined, role: 'anonymous' }, detail: 'account_disabled' });
  // An admin cannot demote or disable themself.
  const self = await admin.call(`/api/v1/admin/accounts/${admin.account.id}`, { method: 'PUT', json: { disabled: true } });
  assert.equal(self.status, 409, self.text);
  assert.equal(self.json.error.code, 'self', self.text);
});

test('a state-changing request without the CSRF token gets 403 csrf; with a foreign Origin 403 forbidden_origin', async () => {
  const pro = await signIn(PRO_EMAIL);
  const nobody = '00000000-0000-4000-8000-000000000000';
  const message = { channel: 'email', to: `csrf-${RUN}@example.org`, template: 'test', lang: 'fi', vars: { sent_by: 'x', sent_at: 'y' } };
  const site = { name: `CSRF ${RUN}`, county: 'PS', email_domains: [`csrf-${RUN}.example.org`] };
  const signedIn = [
    [admin, 'POST', '/api/v1/admin/messages', message],
    [admin, 'POST', '/api/v1/admin/user-sites', site],
    [admin, 'PUT', `/api/v1/admin/user-sites/${nobody}`, site],
    [admin, 'POST', '/api/v1/admin/accounts', { email: `csrf-${RUN}@example.org`, role: 'editor', organization_ids: [] }],
    [admin, 'PUT', `/api/v1/admin/accounts/${nobody}`, { name: 'x' }],
    [admin, 'POST', `/api/v1/admin/dead-letters/${nobody}/requeue`, undefined],
    [admin, 'POST', `/api/v1/organizations/${nobody}/editors`, { email: `csrf-${RUN}@example.org` }],
    [admin, 'DELETE', `/api/v1/organizations/${nobody}/editors/${nobody}`, undefined],
    [pro, 'POST', '/api/v1/auth/signout', undefined],
    [pro, 'POST', '/api/v1/auth/signout-everywhere', undefined],
    [pro, 'POST', '/api/v1/auth/email-link', { email: `csrf-${RUN}@example.org` }],
  ];
  const anonymous = await anon();
  const anonCases = [
    [anonymous, 'POST', '/api/v1/auth/email-link', { email: `csrf-${RUN}@example.org` }],
    [anonymous, 'POST', '/api/v1/auth/link', { token: randomBytes(32).toString('base64url') }],
    [anonymous, 'POST', '/api/v1/admin/messages', message],
    [anonymous, 'POST', '/api/v1/auth/signout', undefined],
  ];
  const rows = [];
  const jobs = Number(psql('SELECT count(*) FROM notifications'));
  for (const [who, method, path, json] of [...signedIn, ...anonCases]) {
    const variants = [
      ['no X-CSRF-Token', { csrf: false }, 'csrf'],
      ['a wrong X-CSRF-Token', { csrf: randomBytes(32).toString('base64url') }, 'csrf'],
      ['a foreign Origin', { origin: 'http://evil.example' }, 'forbidden_origin'],
      ['the right origin on another port', { origin: ORIGIN.replace(/:(\d+)$/, (_, p) => `:${Number(p) + 1}`) }, 'forbidden_origin'],
      ['Origin: null', { origin: 'null' }, 'forbidden_origin'],
      ['Sec-Fetch-Site: cross-site', { headers: { 'Sec-Fetch-Site': 'cross-site' } }, 'forbidden_origin'],
    ];
    // Signed in, the anonymous double-submit cookie's value is not the token.
    if (who !== anonymous && who.jar.tj_csrf) variants.push(['the anonymous csrf cookie\'s value', { csrf: who.jar.tj_csrf }, 'csrf']);
    for (const [what, opts, code] of variants) {
      const r = await who.call(path, { method, json, ...opts });
      rows.push(`${method} ${path} (${who === anonymous ? 'anonymous' : who.account.role}), ${what}: ${r.status} ${r.json?.error?.code}`);
      assert.equal(r.status, 403, `${method} ${path} with ${what}: ${r.text}`);
      assert.equal(r.json?.error?.code, code, `${method} ${path} with ${what}: ${r.text}`);
    }
  }
  console.log(`report: ${rows.length} state-changing requests without a valid CSRF token or with a foreign origin, all 403`);
  assert.equal(Number(psql('SELECT count(*) FROM notifications')), jobs, 'nothing was queued');
  assert.equal((await pro.call('/api/v1/session')).json.signed_in, true, 'the refused sign-outs did nothing');
  // The SMS delivery-report webhook carries no cookies: no CSRF check, its signature decides.
  const dlr = await http('/api/v1/sms/delivery-reports', {
    method: 'POST', headers: { 'Content-Type': 'application/json', Origin: 'http://evil.example' }, body: '{}',
  });
  assert.equal(dlr.status, 401, dlr.text);
  // A read with a foreign Origin is a read.
  const read = await admin.call('/api/v1/admin/accounts?limit=1', { headers: { Origin: 'http://evil.example' } });
  assert.equal(read.status, 200, read.text);
});

test('an unknown or garbage session cookie is anonymous, never a 500', async () => {
  for (const cookie of [
    'tj_session=garbage',
    `tj_session=${randomBytes(32).toString('base64url')}`,
    `tj_session=${'x'.repeat(4000)}`,
    'tj_session=',
    'tj_session=%00%ff',
    'tj_session="quoted"',
    'tj_session=a; tj_session=b',
    `tj_session=${admin.id.slice(0, -1)}`,
    'tj_session=\u00e4\u00ff',
  ]) {
    const me = await http('/api/v1/session', { headers: { Cookie: cookie } });
    assert.equal(me.status, 200, `${cookie.slice(0, 40)}: ${me.text}`);
    assert.equal(me.json.signed_in, false, cookie.slice(0, 40));
    const adminOnly = await http('/api/v1/admin/accounts', { headers: { Cookie: cookie } });
    assert.equal(adminOnly.status, 401, `${cookie.slice(0, 40)}: ${adminOnly.text}`);
  }
  // With a garbage session cookie beside its csrf cookie, an anonymous client still works.
  const a = await anon();
  a.jar.tj_session = 'garbage';
  const r = await a.call('/api/v1/auth/email-link', { method: 'POST', json: { email: `garbage-${RUN}@example.org` } });
  assert.equal(r.status, 202, r.text);
});

/** GET /api/v1/admin/audit?q as the admin, asserting 200; the answer. */
async function auditGet(q) {
  const r = await admin.call(`/api/v1/admin/audit?${new URLSearchParams(q)}`);
  assert.equal(r.status, 200, `${new URLSearchParams(q)}: ${r.text}`);
  return r.json;
}

test('the audit log viewer pages back with next_before', async () => {
  const from = T0.toISOString();
  const ten = await auditGet({ from, limit: '10' });
  assert.equal(ten.items.length, 10, 'the tests above wrote more than ten rows');
  const ids = ten.items.map((e) => e.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
  const first = await auditGet({ from, limit: '5' });
  assert.equal(first.items.length, 5);
  assert.ok(first.next_before, 'a full page names where the next one starts');
  const second = await auditGet({ from, limit: '5', before: String(first.next_before) });
  assert.deepEqual([...first.items, ...second.items].map((e) => e.id), ids,
    'two pages of five are the first ten, newest first, none twice');
});

test('the audit log viewer filters by actor, action, target and time, and refuses bad filters', async () => {
  const from = T0.toISOString();
  const ten = await auditGet({ from, limit: '10' });
  const mine = await auditGet({ from, actor: admin.account.id, limit: '200' });
  assert.ok(mine.items.length > 0 && mine.items.every((e) => e.actor.id === admin.account.id), 'actor');
  const invites = await auditGet({ from, action: 'account.invite', limit: '200' });
  assert.ok(invites.items.length > 0 && invites.items.every((e) => e.action === 'account.invite'), 'action');
  const target = invites.items[0].target_id;
  const about = await auditGet({ from, target, limit: '200' });
  assert.ok(about.items.length > 0 && about.items.every((e) => e.target_id === target || e.target_type === target), 'target');
  const cut = ten.items[4].at;
  const older = await auditGet({ from, to: cut, limit: '200' });
  assert.ok(older.items.every((e) => new Date(e.at) < new Date(cut)), '"to" is exclusive');
  const since = await auditGet({ from: cut, limit: '200' });
  assert.ok(since.items.some((e) => e.id === ten.items[4].id), '"from" is inclusive');
  assert.equal((await auditGet({ from: new Date(Date.now() + 3600000).toISOString() })).items.length, 0, 'nothing in the future');
  for (const [k, v] of [['actor', 'not-a-uuid'], ['before', 'x'], ['from', 'yesterday'], ['limit', '0']]) {
    const r = await admin.call(`/api/v1/admin/audit?${k}=${v}`);
    assert.equal(r.status, 400, `${k}=${v}: ${r.text}`);
    assert.equal(r.json.error.field, k, r.text);
  }
});

test('every write above is in the audit log with its actor and time', async () => {
  const all = [...writes, ...helperWrites];
  const rows = await assertAudited(admin, T0, all);
  console.log(`report: ${all.length} writes of the sign-in tests, each in the audit log with its actor and time`);
  // The rows hold no clear-text e-mail address, and the role change says old and new.
  assert.ok(!JSON.stringify(rows).includes(`role-${RUN}@example.org`), 'no clear-text address in the audit rows');
  const change = rows.find((row) => row.action === 'account.update' && JSON.stringify(row.detail).includes('admin'));
  assert.ok(change, 'the role change names its roles');
});

// Issue 12, "Audit log": every sign-in and every failed sign-in.
test('a refused sign-in with a used or expired link, or of a disabled account, is in the audit log', async () => {
  assert.equal(failures.length, 3, 'the tests above refused three sign-ins');
  await assertAudited(admin, T0, failures);
});
