// Contact requests at the gateway (issue 14, docs/contactrequests.md "The
// HTTP API"): what the gateway itself decides before a call reaches the
// directory — the session (401), the CSRF token and Origin (403), the
// Idempotency-Key, path ids, the query and the withdraw token (400), the
// per-account send throttle and the per-IP withdraw throttle (429), the
// incoming-SMS webhook's signature (401/400, shared with the delivery
// reports), and GET /w.  End to end, what the gateway adds to the
// directory's answers: a resent send is replayed by its key (the same 201
// and Idempotent-Replayed: true, no "replayed" left in the body), the
// withdraw link's calls and the stop word reach the directory and answer
// as the contract says.  The directory's rules themselves are the send and
// inbox tests'.
//
// The withdraw throttle is shown by a gateway of this file's own with
// TARJOTIN_SIGNIN_LIMIT_IP=3 (the stack's is high); the counters live in
// Redis, shared by every gateway, so both throttles' counters are cleared
// before and after.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomInt, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  ROOT, env, http, until, anon, signIn, freePorts, startGateway, stopGateway, clearRateLimits,
  createActivity, activeTerms,
} from './lib.mjs';

const ADMIN = 'koordinaattori@hyvinvointialue.example.org';
const EDITOR = 'toimitus@mielenterveysseura.example.org';
const ORG = 'd0000000-0000-4000-8000-000000000006';
// A mobile number of this run only, so that its stop word withdraws nothing of another test's.
const MOBILE = `0409${String(randomInt(1000000)).padStart(6, '0')}`;
const MSISDN = Number(`358${MOBILE.slice(1)}`);
const PROFESSIONAL = 'ohjaaja@varkaus-terveys.example.org';
const SEND = '/api/v1/contact-requests';
const KEY = () => `k-${randomUUID()}`;
const UUID = randomUUID();

let pro;
let admin;
let editor;
let activity;

function jwt(payload, secret, header = { typ: 'JWT', alg: 'HS256' }) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${b64(header)}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/** The error body's {status, code, field} of an answer, for deepEqual. */
function error(r) {
  const e = r.json?.error ?? {};
  return { http: r.status, code: e.code, field: e.field };
}

test.before(async () => {
  clearRateLimits('crsend');
  clearRateLimits('withdraw');
  pro = await signIn(PROFESSIONAL);
  admin = await signIn(ADMIN);
  editor = await signIn(EDITOR);
  const [need] = activeTerms('need');
  activity = (await createActivity(editor, ORG, {
    name: `Yhteydenpyynnöt ${Date.now().toString(36)}`, status: 'published', needs: [need],
    accepts_contact_requests: true, contact_request_email: `pyynnot-${randomUUID()}@example.org`, response_days: 3,
  })).id;
});

/** A valid send of this run's client to the test's activity. */
/** The withdraw links of the receipt SMS the stand-in got for this run's number, oldest first. */
async function receiptLinks() {
  const r = await http('/_test/messages', { base: `http://127.0.0.1:${env.TARJOTIN_SMS_PORT}` });
  return r.json.filter((m) => m.recipients.includes(MSISDN))
    .map((m) => /\/w#([A-Za-z0-9_-]{43})/.exec(m.message)?.[1]).filter(Boolean);
}

function sendDoc(over = {}) {
  return {
    activities: [activity], client: { first_name: 'Aino', phone: MOBILE }, channel: 'sms', lang: 'fi', note: '',
    consent: { version: '2026-12', given: true }, ...over,
  };
}

test.after(() => {
  clearRateLimits('crsend');
  clearRateLimits('withdraw');
});

test('the signed-in routes answer 401 without a session, before anything else', async () => {
  const a = await anon();
  const calls = [
    ['POST', SEND, { headers: { 'Idempotency-Key': KEY() }, json: {} }],
    ['POST', SEND, { json: {} }], // no key either: the session comes first
    ['GET', '/api/v1/my/contact-requests'],
    ['GET', `/api/v1/my/contact-requests/${UUID}`],
    ['GET', `/api/v1/editor/organizations/${UUID}/contact-requests`],
    ['GET', `/api/v1/editor/contact-requests/${UUID}`],
    ['POST', `/api/v1/editor/contact-requests/${UUID}/status`, { json: { status: 'contacted' } }],
  ];
  for (const [method, p, opts = {}] of calls) {
    const r = await a.call(p, { method, ...opts });
    assert.deepEqual(error(r), { http: 401, code: 'unauthorized', field: undefined }, `${method} ${p}: ${r.text}`);
  }
});

test('writes need the CSRF token and our Origin, signed in or not', async () => {
  const a = await anon();
  const writes = [
    [pro, SEND, { headers: { 'Idempotency-Key': KEY() }, json: {} }],
    [pro, `/api/v1/editor/contact-requests/${UUID}/status`, { json: { status: 'contacted' } }],
    [a, '/api/v1/withdrawals/peek', { json: { token: 'a'.repeat(43) } }],
    [a, '/api/v1/withdrawals', { json: { token: 'a'.repeat(43) } }],
  ];
  for (const [who, p, opts] of writes) {
    const noToken = await who.call(p, { method: 'POST', csrf: false, ...opts });
    assert.deepEqual(error(noToken), { http: 403, code: 'csrf', field: 'X-CSRF-Token' }, `${p}: ${noToken.text}`);
    const wrong = await who.call(p, { method: 'POST', csrf: 'x'.repeat(43), ...opts });
    assert.deepEqual(error(wrong), { http: 403, code: 'csrf', field: 'X-CSRF-Token' }, `${p}: ${wrong.text}`);
    const foreign = await who.call(p, { method: 'POST', origin: 'https://evil.example', ...opts });
    assert.deepEqual(error(foreign), { http: 403, code: 'forbidden_origin', field: undefined }, `${p}: ${foreign.text}`);
  }
});

test('a send needs a well-formed Idempotency-Key and a JSON object', async () => {
  const bad = [undefined, '', 'short-key-15chr', 'x'.repeat(65), 'has a blank in it!', 'abcdefghijklmnop=',
    'abcdefghijklmno+', 'abcdefgh/ijklmnop', 'ääääääääääääääää'];
  for (const key of bad) {
    const headers = key === undefined ? {} : { 'Idempotency-Key': key };
    const r = await pro.call(SEND, { method: 'POST', headers, json: { activities: [UUID] } });
    assert.deepEqual(error(r), { http: 400, code: 'invalid_parameter', field: 'Idempotency-Key' }, `key ${JSON.stringify(key)}: ${r.text}`);
  }
  for (const body of ['[]', 'not json', '"text"', '']) {
    const r = await pro.call(SEND, { method: 'POST', headers: { 'Idempotency-Key': KEY(), 'Content-Type': 'application/json' }, body });
    assert.deepEqual(error(r), { http: 400, code: 'invalid_body', field: 'body' }, `body ${JSON.stringify(body)}: ${r.text}`);
  }
  // Well-formed: the gateway forwards it, and the directory decides (an
  // admin is no professional: 403 from its authorization, not ours).
  const r = await admin.call(SEND, { method: 'POST', headers: { 'Idempotency-Key': KEY() }, json: {} });
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.error.code, 'forbidden', r.text);
});

test('path ids, the query and the inbox sig are checked at the gateway', async () => {
  const cases = [
    [pro, '/api/v1/my/contact-requests/not-a-uuid', 'id'],
    [admin, '/api/v1/editor/organizations/not-a-uuid/contact-requests', 'id'],
    [admin, '/api/v1/editor/contact-requests/123', 'id'],
    [pro, '/api/v1/my/contact-requests?page=0', 'page'],
    [pro, '/api/v1/my/contact-requests?page=-1', 'page'],
    [pro, '/api/v1/my/contact-requests?page=100001', 'page'],
    [pro, '/api/v1/my/contact-requests?per_page=101', 'per_page'],
    [pro, '/api/v1/my/contact-requests?per_page=1.5', 'per_page'],
    [admin, `/api/v1/editor/organizations/${UUID}/contact-requests?state=closed`, 'state'],
    [admin, `/api/v1/editor/organizations/${UUID}/contact-requests?page=x`, 'page'],
    [admin, `/api/v1/editor/contact-requests/${UUID}?sig=short`, 'sig'],
    [admin, `/api/v1/editor/contact-requests/${UUID}?sig=${'a'.repeat(21)}=`, 'sig'],
  ];
  for (const [who, p, field] of cases) {
    const r = await who.call(p);
    assert.deepEqual(error(r), { http: 400, code: 'invalid_parameter', field }, `${p}: ${r.text}`);
  }
  const st = await admin.call('/api/v1/editor/contact-requests/nope/status', { method: 'POST', json: {} });
  assert.deepEqual(error(st), { http: 400, code: 'invalid_parameter', field: 'id' }, st.text);
  const body = await admin.call(`/api/v1/editor/contact-requests/${UUID}/status`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '[1]' });
  assert.deepEqual(error(body), { http: 400, code: 'invalid_body', field: 'body' }, body.text);
  // Another shape under the same prefixes is no route.
  for (const p of [`/api/v1/my/contact-requests/${UUID}/history`, `/api/v1/editor/contact-requests/${UUID}/x`]) {
    const r = await admin.call(p);
    assert.equal(r.status, 404, `${p}: ${r.text}`);
  }
  // Valid ones go on to the directory (a professional is not an editor:
  // its authorization answers 403, which the gateway passes on).
  const fwd = await pro.call(`/api/v1/editor/contact-requests/${UUID}?sig=${'a'.repeat(22)}`);
  assert.equal(fwd.status, 403, fwd.text);
});

test('the consent text is public and reaches the directory', async () => {
  const r = await http('/api/v1/contact-requests/consent');
  assert.notEqual(r.status, 401, r.text);
  assert.notEqual(r.status, 404, r.text);
  assert.ok(r.json, r.text);
});

test('a withdraw link call needs a token of the link form', async () => {
  const a = await anon();
  for (const p of ['/api/v1/withdrawals/peek', '/api/v1/withdrawals']) {
    for (const json of [{}, { token: 'short' }, { token: 7 }, { token: `${'a'.repeat(42)}=` }, { token: 'a'.repeat(44) }]) {
      const r = await a.call(p, { method: 'POST', json });
      assert.deepEqual(error(r), { http: 400, code: 'link_invalid', field: 'token' }, `${p} ${JSON.stringify(json)}: ${r.text}`);
    }
    const r = await a.call(p, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: 'x' });
    assert.deepEqual(error(r), { http: 400, code: 'invalid_body', field: 'body' }, r.text);
  }
});

test('withdraw calls are counted per client IP under their own counter', async () => {
  const [port] = freePorts(1);
  const gw = startGateway({ TARJOTIN_HTTP_PORT: port, TARJOTIN_SIGNIN_LIMIT_IP: '3' });
  try {
    await until(() => gw.log.includes('"event":"listening"') || gw.exitCode !== null, { timeout: 15000, what: 'the limited gateway' });
    assert.ok(gw.log.includes('"event":"listening"'), gw.log);
    const base = `http://127.0.0.1:${port}`;
    clearRateLimits('withdraw');
    const a = await anon({ base });
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const p = i % 2 ? '/api/v1/withdrawals' : '/api/v1/withdrawals/peek';
      const r = await a.call(p, { method: 'POST', json: { token: 'b'.repeat(43) } });
      statuses.push(r.status);
      if (r.status === 429) {
        assert.equal(r.json.error.code, 'too_many_requests', r.text);
        assert.ok(Number(r.headers.get('retry-after')) >= 1, 'Retry-After');
      }
    }
    assert.equal(statuses.slice(0, 3).filter((s) => s === 429).length, 0, `first three: ${statuses}`);
    assert.deepEqual(statuses.slice(3), [429, 429], `${statuses}`);
    // The review links count apart: their counter is not the withdraw one
    // (cleared first: other tests' review calls count against this limit of 3).
    clearRateLimits('review');
    const review = await a.call('/api/v1/reviews/peek', { method: 'POST', json: { token: 'b'.repeat(43) } });
    assert.notEqual(review.status, 429, review.text);
  } finally {
    await stopGateway(gw);
    clearRateLimits('withdraw');
    clearRateLimits('review');
  }
});

test('sends are counted per account: the 61st in 15 minutes is 429', async () => {
  clearRateLimits('crsend');
  const statuses = [];
  for (let i = 0; i < 61; i++) {
    // An empty body: the directory refuses it at once (or has no handler yet).
    const r = await pro.call(SEND, { method: 'POST', headers: { 'Idempotency-Key': KEY() }, json: {} });
    statuses.push(r.status);
  }
  assert.equal(statuses.slice(0, 60).filter((s) => s === 429).length, 0, `${statuses}`);
  assert.equal(statuses[60], 429, `${statuses}`);
  // Another account is not throttled by it.
  const other = await admin.call(SEND, { method: 'POST', headers: { 'Idempotency-Key': KEY() }, json: {} });
  assert.notEqual(other.status, 429, other.text);
  // Over the limit, a call without a key is still 400: the key is checked before the count.
  const bad = await pro.call(SEND, { method: 'POST', json: {} });
  assert.equal(bad.status, 400, bad.text);
  clearRateLimits('crsend');
});

test('an incoming SMS needs the provider signature, as a delivery report does', async () => {
  // This run's number and no stop word: what reaches the directory changes nothing of another test's.
  const sms = { id: 900000 + randomInt(100000), msisdn: MSISDN, receiver: 4512345678, message: 'Kiitos', senttime: 1764633600,
    webhook_label: 'tarjotin', country_code: 'FI', country_prefix: 358 };
  const post = (headers, body = sms) => http('/api/v1/sms/incoming', {
    method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers } });
  const good = jwt(sms, env.TARJOTIN_SMS_DLR_SECRET);
  for (const headers of [
    {},
    { 'X-Gwapi-Signature': jwt(sms, 'not-the-secret') },
    { 'X-Gwapi-Signature': good.slice(0, -2) + (good.endsWith('AA') ? 'BB' : 'AA') },
    { 'X-Gwapi-Signature': `${Buffer.from('{"alg":"none"}').toString('base64url')}.${good.split('.')[1]}.` },
    { 'X-Gwapi-Signature': jwt(sms, env.TARJOTIN_SMS_DLR_SECRET, { typ: 'JWT', alg: 'HS512' }) },
    { 'X-Gwapi-Signature': 'garbage' },
  ]) {
    const r = await post(headers);
    assert.equal(r.status, 401, r.text);
    assert.equal(r.json.error.code, 'unauthorized', r.text);
  }
  // Signed, but the body tells another story about a field we use.
  for (const field of ['id', 'msisdn', 'message']) {
    const r = await post({ 'X-Gwapi-Signature': good }, { ...sms, [field]: field === 'message' ? 'SEIS' : 358409999999 });
    assert.deepEqual(error(r), { http: 400, code: 'invalid_parameter', field }, r.text);
  }
  // ...and one about a field we do not use is fine, as is no body at all.
  for (const r of [await post({ 'X-Gwapi-Signature': good }, { ...sms, webhook_label: 'other' }),
    await http('/api/v1/sms/incoming', { method: 'POST', headers: { 'X-Gwapi-Signature': good } })]) {
    assert.notEqual(r.status, 401, r.text);
    assert.ok(!['id', 'msisdn', 'message', 'body'].includes(r.json?.error?.field), r.text);
  }
  // Digit strings for the integers are taken (some senders quote them).
  const quoted = await post({ 'X-Gwapi-Signature': jwt({ ...sms, id: String(sms.id + 1), msisdn: String(MSISDN) }, env.TARJOTIN_SMS_DLR_SECRET) }, {});
  assert.notEqual(quoted.status, 401, quoted.text);
  assert.ok(!['id', 'msisdn', 'message'].includes(quoted.json?.error?.field), quoted.text);
  // Signed claims that are not an SMS.
  for (const [field, claims] of [
    ['id', { ...sms, id: -5 }], ['id', { ...sms, id: 'x1' }], ['id', { ...sms, id: 1.5 }],
    ['msisdn', { ...sms, msisdn: undefined }], ['msisdn', { ...sms, msisdn: '+358401234567' }],
    ['message', { ...sms, message: 7 }], ['message', { ...sms, message: undefined }],
  ]) {
    const r = await post({ 'X-Gwapi-Signature': jwt(claims, env.TARJOTIN_SMS_DLR_SECRET) }, {});
    assert.deepEqual(error(r), { http: 400, code: 'invalid_parameter', field }, `${JSON.stringify(claims)}: ${r.text}`);
  }
  // It carries no cookies: no CSRF or Origin check.
  const foreign = await post({ 'X-Gwapi-Signature': good, Origin: 'https://evil.example' });
  assert.notEqual(foreign.status, 403, foreign.text);
});

test('the stand-in posts a signed incoming SMS that the gateway accepts and forwards', async () => {
  const sms = `http://127.0.0.1:${env.TARJOTIN_SMS_PORT}`;
  const r = await http('/_test/reply', { base: sms, method: 'POST', body: JSON.stringify({ msisdn: MSISDN, message: 'HELLO' }) });
  assert.equal(r.status, 200, r.text);
  // Past the signature check: the directory answered (not 401/403 from the gateway).
  assert.ok(Number.isInteger(r.json.status), r.text);
  assert.ok(![401, 403].includes(r.json.status), r.text);
  assert.ok(r.json.id >= 1, r.text);
  // The same id again (the provider's retry) is answered the same way.
  const again = await http('/_test/reply', { base: sms, method: 'POST', body: JSON.stringify({ msisdn: MSISDN, message: 'HELLO', id: r.json.id }) });
  assert.equal(again.json.status, r.json.status, again.text);
  assert.deepEqual(again.json.body, r.json.body, again.text);
});

test('GET /w is the withdraw page (w.html), or 404 while there is none', async () => {
  const page = path.join(env.TARJOTIN_WEB_DIR || path.join(ROOT, 'services/gateway/web'), 'w.html');
  const r = await http('/w');
  if (existsSync(page)) {
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    const direct = await http('/w.html');
    assert.equal(r.text, direct.text);
  } else {
    assert.equal(r.status, 404, r.text);
  }
  // The token is in the fragment, which never reaches us; a path after /w is no page.
  const other = await http('/w/abc');
  assert.equal(other.status, 404, other.text);
});

test('a resent send is replayed by its key: the same 201, Idempotent-Replayed, no replayed in the body', async () => {
  const key = KEY();
  const first = await pro.call(SEND, { method: 'POST', headers: { 'Idempotency-Key': key }, json: sendDoc() });
  assert.equal(first.status, 201, first.text);
  assert.equal(first.headers.get('idempotent-replayed'), null, 'a first send is no replay');
  assert.equal(first.json.replayed, undefined, first.text);
  assert.equal(first.json.requests.length, 1, first.text);
  assert.equal(first.json.requests[0].activity.id, activity);
  const again = await pro.call(SEND, { method: 'POST', headers: { 'Idempotency-Key': key }, json: sendDoc() });
  assert.equal(again.status, 201, again.text);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.json.replayed, undefined, again.text);
  assert.deepEqual(again.json, first.json, 'the stored answer, as it was');
  // One receipt: the replay sent nothing again.
  await until(async () => (await receiptLinks()).length >= 1, { timeout: 20000, what: 'the first send\'s receipt SMS' });
  assert.equal((await receiptLinks()).length, 1, 'one receipt for the key');
  const other = await pro.call(SEND, { method: 'POST', headers: { 'Idempotency-Key': key }, json: sendDoc({ note: 'toinen' }) });
  assert.deepEqual(error(other), { http: 409, code: 'idempotency_key_reused', field: 'Idempotency-Key' }, other.text);
  const mine = await pro.call(`/api/v1/my/contact-requests/${first.json.requests[0].id}`);
  assert.equal(mine.status, 200, mine.text);
  const page = await pro.call('/api/v1/my/contact-requests?page=1&per_page=1');
  assert.equal(page.status, 200, page.text);
  assert.equal(page.json.per_page, 1, page.text);
  assert.ok(page.json.items.length <= 1, page.text);
});

test('the withdraw link: peek, withdraw once, then 410; the receipt SMS carries it', async () => {
  const before = (await receiptLinks()).length;
  const sent = await pro.call(SEND, { method: 'POST', headers: { 'Idempotency-Key': KEY() }, json: sendDoc() });
  assert.equal(sent.status, 201, sent.text);
  assert.equal(sent.json.receipt?.channel, 'sms', sent.text);
  const token = await until(async () => {
    const l = await receiptLinks();
    return l.length > before ? l[l.length - 1] : null;
  }, { timeout: 20000, what: 'the receipt SMS with its withdraw link' });
  const a = await anon();
  const peek = await a.call('/api/v1/withdrawals/peek', { method: 'POST', json: { token } });
  assert.equal(peek.status, 200, peek.text);
  assert.equal(peek.json.state, 'active', peek.text);
  const done = await a.call('/api/v1/withdrawals', { method: 'POST', json: { token } });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.json.withdrawn, 1, done.text);
  const again = await a.call('/api/v1/withdrawals', { method: 'POST', json: { token } });
  assert.equal(again.status, 410, again.text);
  assert.equal(again.json.error.code, 'link_used', again.text);
  const unknown = await a.call('/api/v1/withdrawals/peek', { method: 'POST', json: { token: 'c'.repeat(43) } });
  assert.equal(unknown.status, 404, unknown.text);
  const mine = await pro.call(`/api/v1/my/contact-requests/${sent.json.requests[0].id}`);
  assert.equal(mine.json.status, 'withdrawn', mine.text);
});

test('a stop word from the client\'s number, through the stand-in, withdraws what is left; the same SMS again changes nothing', async () => {
  const sent = await pro.call(SEND, { method: 'POST', headers: { 'Idempotency-Key': KEY() }, json: sendDoc() });
  assert.equal(sent.status, 201, sent.text);
  const sms = `http://127.0.0.1:${env.TARJOTIN_SMS_PORT}`;
  const reply = (json) => http('/_test/reply', { base: sms, method: 'POST', body: JSON.stringify(json) });
  const other = await reply({ msisdn: MSISDN, message: 'Kiitos!' });
  assert.deepEqual([other.json.status, other.json.body], [200, { ignored: true }], other.text);
  const stop = await reply({ msisdn: MSISDN, message: 'seis.' });
  assert.equal(stop.json.status, 200, stop.text);
  // This one, and the replay test's if it is there (the link's is withdrawn already).
  assert.ok(stop.json.body.withdrawn >= 1, stop.text);
  const retry = await reply({ msisdn: MSISDN, message: 'seis.', id: stop.json.id });
  assert.deepEqual(retry.json.body, stop.json.body, 'the provider\'s retry: the first outcome');
  const later = await reply({ msisdn: MSISDN, message: 'SEIS' });
  assert.deepEqual(later.json.body, { withdrawn: 0 }, later.text);
  const mine = await pro.call(`/api/v1/my/contact-requests/${sent.json.requests[0].id}`);
  assert.equal(mine.json.status, 'withdrawn', mine.text);
});
