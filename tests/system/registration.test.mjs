// Registration and approval (issue 13, docs/selfservice.md "Registration and
// approval"): every invalid value of every field of the registration document
// gets its field-level error and nothing is stored; a proposal waits as
// pending, its contact is told, the admin's queue flags likely duplicates
// (the same Y-tunnus, a near-identical name); approval gives the maintainers
// sign-in links and makes them editors of exactly that organisation;
// rejection mails the reason; decisions on a decided proposal are 409; a
// professional among the maintainers refuses the whole approval; the
// per-IP throttle answers 429.
//
// The proposals go through a gateway of this file's own whose register limit
// is high (the stack's gateway keeps the default, and the counters live in
// Redis, shared by both): the throttle is shown by a third gateway with a
// limit of 3, and the counters are cleared at the end, so the browser test's
// registration is not refused.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  psql, until, anon, signIn, linkToken, mailLinks, mails, noteSecret, assertAudited, helperWrites,
  freePorts, startGateway, stopGateway, clearRateLimits, registrationDoc, businessId, assertFieldErrors, q,
} from './lib.mjs';

const ADMIN = 'koordinaattori@hyvinvointialue.example.org';
const PROFESSIONAL = 'ohjaaja@varkaus-terveys.example.org';
const RUN = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const T0 = new Date(Date.now() - 2000);
const MISSING = Symbol('missing');

let admin;
let gw; // the gateway with a high register limit
let base;
const writes = [];

async function gatewayWith(extra) {
  const [port] = freePorts(1);
  const p = startGateway({ TARJOTIN_HTTP_PORT: port, ...extra });
  await until(() => p.log.includes('"event":"listening"') || p.exitCode !== null, { timeout: 15000, what: 'a gateway of the test' });
  assert.ok(p.log.includes('"event":"listening"'), p.log);
  p.base = `http://127.0.0.1:${port}`;
  return p;
}

async function submit(body, { via = base } = {}) {
  const a = await anon({ base: via });
  return a.call('/api/v1/registrations', { method: 'POST', json: body });
}

function counts() {
  return psql(`SELECT (SELECT count(*) FROM organizations) || '/' || (SELECT count(*) FROM organization_maintainers)
    || '/' || (SELECT count(*) FROM contacts) || '/' || (SELECT count(*) FROM organization_municipalities)`);
}

function noted(email) {
  noteSecret('email', email);
  return email;
}

test.before(async () => {
  admin = await signIn(ADMIN);
  clearRateLimits('regist');
  gw = await gatewayWith({ TARJOTIN_REGISTER_LIMIT_IP: '100000', TARJOTIN_INSTANCE: 'gateway-register' });
  base = gw.base;
});

test.after(async () => {
  if (gw) await stopGateway(gw);
  clearRateLimits('regist');
});

// field -> [value, expected code(s), the field the error names (default: field)]
function badValues() {
  const notApproved = psql("SELECT id FROM organizations WHERE status <> 'approved' ORDER BY id LIMIT 1");
  const good = businessId(1000000 + Math.floor(Math.random() * 8000000));
  const wrongCheck = `${good.slice(0, 8)}${(Number(good.slice(8)) + 1) % 10}`;
  const codes = psql('SELECT code FROM municipalities ORDER BY code').split('\n');
  const many = Array.from({ length: 401 }, (_, i) => codes[i % codes.length]);
  const eleven = Array.from({ length: 11 }, (_, i) => `m${i}-${RUN}@example.org`);
  return {
    name: [[MISSING, 'required'], [null, ['required', 'invalid']], ['A', 'too_short'], ['x'.repeat(201), 'too_long'],
      ['Nimi\u0007ry', 'invalid'], ['Nimi\nry', 'invalid'], [42, 'invalid']],
    frame: [[MISSING, 'required'], ['company', 'invalid'], ['', ['required', 'invalid']], [3, 'invalid']],
    parent_id: [['not-a-uuid', 'invalid'], [7, 'invalid'], [randomUUID(), 'unknown'],
      ...(notApproved ? [[notApproved, 'unknown']] : [])],
    business_id: [['1234567', 'invalid'], ['123456-7', 'invalid'], ['12345678', 'invalid'], ['abcdefg-h', 'invalid'],
      [`${good} `, 'invalid'], [wrongCheck, 'checksum']],
    seat_municipality: [[MISSING, 'required'], ['999', 'unknown'], ['', ['required', 'unknown']], [297, ['invalid', 'unknown']]],
    municipalities: [[MISSING, 'required'], [[], 'required'], [['999'], 'unknown'], [['297', '000'], 'unknown'],
      [many, 'too_many'], [['297', '297'], '*'], ['297', '*']],
    description: [['x'.repeat(5001), 'too_long']],
    website: [['ftp://example.org', 'invalid'], ['https://exa mple.org', 'invalid'], ['example.org', 'invalid'],
      [`https://example.org/${'a'.repeat(490)}`, 'invalid']],
    contact: [[MISSING, 'required', 'contact.email'], [{ name: '', email: `c-${RUN}@example.org` }, 'required', 'contact.name'],
      [{ email: `c-${RUN}@example.org` }, 'required', 'contact.name'],
      [{ name: 'x'.repeat(201), email: `c-${RUN}@example.org` }, 'invalid', 'contact.name'],
      [{ name: 'Yhteys' }, 'required', 'contact.email'], [{ name: 'Yhteys', email: 'not-an-address' }, 'invalid', 'contact.email'],
      [{ name: 'Yhteys', email: `c-${RUN}@example.org`, phone: 'soita minulle' }, 'invalid', 'contact.phone']],
    maintainers: [[MISSING, 'required'], [[], 'required'], [eleven, 'too_many'], [['not-an-address'], 'invalid'],
      [[`a-${RUN}@example.org`, `A-${RUN}@Example.org`], 'invalid'], [`a-${RUN}@example.org`, '*']],
    terms_accepted: [[MISSING, 'required'], [false, 'required'], ['true', 'required'], [1, 'required']],
    lang: [['de', 'invalid'], ['FI', 'invalid'], [3, 'invalid']],
  };
}

function withValue(body, field, value) {
  const b = structuredClone(body);
  if (value === MISSING) delete b[field];
  else b[field] = value;
  return b;
}

test('every invalid value of every registration field: its field-level error, nothing stored', async () => {
  const valid = registrationDoc(`valid-${RUN}`);
  const before = counts();
  const wrong = [];
  let n = 0;
  for (const [field, rows] of Object.entries(badValues())) {
    for (const [value, code, named = field] of rows) {
      const r = await submit(withValue(valid, field, value));
      n++;
      const shown = value === MISSING ? '(missing)' : JSON.stringify(value).slice(0, 40);
      try {
        const fields = assertFieldErrors(r, [{ field: named, code }], { what: `${field} = ${shown}` });
        const others = fields.filter((f) => f.field !== field && !f.field.startsWith(`${field}.`));
        if (others.length) wrong.push(`${field} = ${shown}: also errors on ${others.map((f) => f.field).join(', ')}`);
        if (!fields.every((f) => typeof f.message === 'string' && f.message)) wrong.push(`${field} = ${shown}: a field error without a message`);
      } catch (e) {
        wrong.push(e.message);
      }
    }
  }
  assert.deepEqual(wrong, [], `registration values without their field error:\n${wrong.join('\n')}`);
  assert.equal(counts(), before, 'an invalid registration stored something');
  console.log(`report: ${n} invalid registration values, each answered with its field's error, nothing stored`);
});

test('a body with one bad value in every field: all errors at once, nothing stored', async () => {
  const body = {
    name: 'A', frame: 'company', parent_id: 'nope', business_id: '1234567', seat_municipality: '999',
    municipalities: ['999'], description: 'x'.repeat(5001), website: 'ftp://x', contact: { name: '', email: 'bad' },
    maintainers: ['bad'], terms_accepted: false, lang: 'de',
  };
  const before = counts();
  const r = await submit(body);
  const want = [['name', 'too_short'], ['frame', 'invalid'], ['parent_id', 'invalid'], ['business_id', 'invalid'],
    ['seat_municipality', 'unknown'], ['municipalities', 'unknown'], ['description', 'too_long'], ['website', 'invalid'],
    ['contact.name', 'required'], ['contact.email', 'invalid'], ['maintainers', 'invalid'], ['terms_accepted', 'required'],
    ['lang', 'invalid']].map(([field, code]) => ({ field, code }));
  const fields = assertFieldErrors(r, want, { exact: true, what: 'every field wrong' });
  assert.equal(r.json.error.field, fields[0].field);
  assert.match(fields.find((f) => f.field === 'municipalities').message, /999/, 'the message names the unknown code');
  assert.equal(counts(), before, 'nothing stored');
  // Not a JSON object: the body's error, not the fields'.
  const a = await anon({ base });
  const notObject = await a.call('/api/v1/registrations', { method: 'POST', body: '[1,2]', headers: { 'Content-Type': 'application/json' } });
  assert.equal(notObject.status, 400, notObject.text);
  assert.equal(notObject.json.error.code, 'invalid_body', notObject.text);
  const noCsrf = await a.call('/api/v1/registrations', { method: 'POST', json: registrationDoc(`nocsrf-${RUN}`), csrf: false });
  assert.equal(noCsrf.status, 403, `without the CSRF token: ${noCsrf.text}`);
  assert.equal(counts(), before, 'nothing stored');
});

test('register, see the duplicates, approve, sign in by the mailed link, reject with a reason, 409s', async () => {
  let bid;
  for (let i = 0; i < 20 && !bid; i++) {
    const b = businessId(1000000 + Math.floor(Math.random() * 8000000));
    if (psql(`SELECT count(*) FROM organizations WHERE business_id = ${q(b)}`) === '0') bid = b;
  }
  assert.ok(bid, 'a free Y-tunnus');
  const name = `Kallaveden Rekisteritesti ${RUN} ry`;
  const docA = registrationDoc(`a-${RUN}`, { name, business_id: bid,
    maintainers: [noted(`yllapito1-${RUN}@example.org`), noted(`Yllapito2-${RUN}@Example.org`)] });
  const docB = registrationDoc(`b-${RUN}`, { name: `Täysin toinen nimi ${RUN}`, business_id: bid, lang: 'sv' });
  const docC = registrationDoc(`c-${RUN}`, { name: `Kallaveden Rekisteritesti ${RUN} r.y.` });
  const ids = {};
  for (const [k, d] of Object.entries({ A: docA, B: docB, C: docC })) {
    noted(d.contact.email);
    const r = await submit(d);
    assert.equal(r.status, 201, `${k}: ${r.text}`);
    assert.equal(r.json.status, 'pending');
    ids[k] = r.json.id;
    writes.push({ what: `registration ${k}`, action: 'registration.submit', actor: { id: null, role: 'anonymous' }, target: r.json.id });
  }
  // Stored as the contract says, in one piece.
  assert.equal(psql(`SELECT status || '/' || terms_version || '/' || (terms_accepted_at IS NOT NULL) || '/' || registered_lang
    FROM organizations WHERE id = '${ids.A}'`), 'pending/2026-12/true/fi');
  assert.equal(psql(`SELECT string_agg(email, ',' ORDER BY email) FROM organization_maintainers WHERE organization_id = '${ids.A}'`),
    docA.maintainers.map((m) => m.toLowerCase()).sort().join(','));
  assert.equal(psql(`SELECT string_agg(municipality_code, ',' ORDER BY municipality_code) FROM organization_municipalities
    WHERE organization_id = '${ids.A}'`), [...docA.municipalities].sort().join(','));
  assert.equal(psql(`SELECT count(*) FROM contacts WHERE organization_id = '${ids.A}'`), '1');
  // Still pending: not in the public directory.
  const pub = await anon();
  assert.equal((await pub.call(`/api/v1/organizations/${ids.A}`)).status, 404, 'a pending organisation is not public');

  // The contact is told.
  const got = await until(async () => (await mails(docA.contact.email, { template: 'registration_received' })).length >= 1 && true,
    { timeout: 20000, what: 'registration_received to the contact' });
  assert.ok(got);
  const received = await mails(docA.contact.email, { template: 'registration_received' });
  assert.equal(received.length, 1, 'one registration_received');
  assert.ok(received[0].text.includes(name), 'it names the organisation');

  // The queue, with the duplicates flagged.
  const queue = await admin.call('/api/v1/admin/registrations?status=pending');
  assert.equal(queue.status, 200, queue.text);
  const item = queue.json.items.find((i) => i.id === ids.A);
  assert.ok(item, 'A is in the pending queue');
  assert.equal(item.name, name);
  assert.equal(item.business_id, bid);
  assert.deepEqual([...item.municipalities].sort(), [...docA.municipalities].sort());
  assert.deepEqual([...item.maintainers].sort(), docA.maintainers.map((m) => m.toLowerCase()).sort());
  assert.equal(item.contact.email, docA.contact.email);
  assert.equal(item.status, 'pending');
  const dupB = item.duplicates.find((d) => d.id === ids.B);
  const dupC = item.duplicates.find((d) => d.id === ids.C);
  assert.equal(dupB?.reason, 'business_id', `B (same Y-tunnus) is flagged: ${JSON.stringify(item.duplicates)}`);
  assert.equal(dupC?.reason, 'name', `C (near-identical name) is flagged: ${JSON.stringify(item.duplicates)}`);
  assert.ok(dupC.similarity >= 0.5 && dupC.similarity <= 1, `similarity ${dupC.similarity}`);
  assert.ok(!item.duplicates.some((d) => d.id === ids.A), 'not its own duplicate');
  const times = queue.json.items.map((i) => i.created_at);
  assert.deepEqual(times, [...times].sort(), 'oldest first');
  const itemB = queue.json.items.find((i) => i.id === ids.B);
  assert.ok(itemB.duplicates.some((d) => d.id === ids.A && d.reason === 'business_id'), 'B sees A too');

  // Approve A: the maintainers get sign-in links and become its editors.
  const ok = await admin.call(`/api/v1/admin/registrations/${ids.A}/approve`, { method: 'POST', json: {} });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status, 'approved');
  writes.push({ what: 'approve A', action: 'registration.approve', actor: { id: admin.account.id, role: 'admin' }, target: ids.A });
  assert.equal(psql(`SELECT status || '/' || (approved_at IS NOT NULL) || '/' || (decided_by = '${admin.account.id}')
    FROM organizations WHERE id = '${ids.A}'`), 'approved/true/true');
  const links = {};
  for (const m of docA.maintainers.map((x) => x.toLowerCase())) {
    links[m] = await until(async () => (await mailLinks(m)).at(-1), { timeout: 20000, what: `a sign-in link to ${m}` });
  }
  const m1 = docA.maintainers[0].toLowerCase();
  const ed = await signIn(m1, linkToken(links[m1]));
  assert.equal(ed.account.role, 'editor');
  const me = await ed.call('/api/v1/session');
  assert.deepEqual(me.json.account.organizations.map((o) => o.id), [ids.A], 'an editor of exactly that organisation');
  const mine = await ed.call('/api/v1/editor/organizations');
  assert.equal(mine.status, 200, mine.text);
  assert.deepEqual(mine.json.items.map((o) => o.id), [ids.A]);
  assert.equal(psql(`SELECT count(*) FROM account_organizations ao JOIN accounts a ON a.id = ao.account_id
    WHERE ao.organization_id = '${ids.A}' AND a.role = 'editor'`), String(docA.maintainers.length));
  assert.equal((await pub.call(`/api/v1/organizations/${ids.A}`)).status, 200, 'approved: public');

  // Decided: 409 not_pending, both ways.
  for (const [what, path, json] of [['approve again', 'approve', {}], ['reject approved', 'reject', { reason: 'Myöhässä' }]]) {
    const r = await admin.call(`/api/v1/admin/registrations/${ids.A}/${path}`, { method: 'POST', json });
    assert.equal(r.status, 409, `${what}: ${r.text}`);
    assert.equal(r.json.error.code, 'not_pending', `${what}: ${r.text}`);
  }

  // Reject B with a reason: mailed to its contact and maintainers.
  const empty = await admin.call(`/api/v1/admin/registrations/${ids.B}/reject`, { method: 'POST', json: { reason: '' } });
  assert.equal(empty.status, 400, `an empty reason: ${empty.text}`);
  assert.equal(empty.json.error.field, 'reason', empty.text);
  const tooLong = await admin.call(`/api/v1/admin/registrations/${ids.B}/reject`, { method: 'POST', json: { reason: 'x'.repeat(1001) } });
  assert.equal(tooLong.status, 400, `a reason of 1001 characters: ${tooLong.text}`);
  assert.equal(psql(`SELECT status FROM organizations WHERE id = '${ids.B}'`), 'pending', 'a bad reason changed nothing');
  const reason = `Sama Y-tunnus kuin toisella hakemuksella ${RUN}`;
  const rej = await admin.call(`/api/v1/admin/registrations/${ids.B}/reject`, { method: 'POST', json: { reason } });
  assert.equal(rej.status, 200, rej.text);
  assert.equal(rej.json.status, 'rejected');
  assert.equal(rej.json.status_note, reason);
  writes.push({ what: 'reject B', action: 'registration.reject', actor: { id: admin.account.id, role: 'admin' }, target: ids.B });
  for (const to of [docB.contact.email, ...docB.maintainers]) {
    noted(to);
    const m = await until(async () => (await mails(to, { template: 'registration_rejected' }))[0],
      { timeout: 20000, what: `registration_rejected to ${to}` });
    assert.ok(m.text.includes(reason), `the rejection to ${to} carries the reason`);
  }
  const again = await admin.call(`/api/v1/admin/registrations/${ids.B}/approve`, { method: 'POST', json: {} });
  assert.equal(again.status, 409, again.text);
  assert.equal(again.json.error.code, 'not_pending');
  assert.equal(psql(`SELECT count(*) FROM account_organizations WHERE organization_id = '${ids.B}'`), '0');
  const rejected = await admin.call('/api/v1/admin/registrations?status=rejected');
  assert.ok(rejected.json.items.some((i) => i.id === ids.B && i.status_note === reason), 'B listed as rejected');
  const unknown = await admin.call(`/api/v1/admin/registrations/${randomUUID()}/approve`, { method: 'POST', json: {} });
  assert.equal(unknown.status, 404, unknown.text);
  const badStatus = await admin.call('/api/v1/admin/registrations?status=maybe');
  assert.equal(badStatus.status, 400, badStatus.text);

  // Only the admin decides.
  const byEditor = await ed.call(`/api/v1/admin/registrations/${ids.C}/approve`, { method: 'POST', json: {} });
  assert.equal(byEditor.status, 403, byEditor.text);
  const byAnon = await pub.call(`/api/v1/admin/registrations/${ids.C}/approve`, { method: 'POST', json: {} });
  assert.equal(byAnon.status, 401, byAnon.text);
  assert.equal(psql(`SELECT status FROM organizations WHERE id = '${ids.C}'`), 'pending');

  await assertAudited(admin, T0, [...writes, ...helperWrites.filter((w) => w.action === 'signin')]);
});

test('a professional among the maintainers: 409 role_mismatch, nothing changed', async () => {
  const fresh = noted(`uusi-${RUN}@example.org`);
  const doc = registrationDoc(`d-${RUN}`, { maintainers: [fresh, PROFESSIONAL] });
  const r = await submit(doc);
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  const snapshot = () => psql(`SELECT (SELECT status FROM organizations WHERE id = '${id}') || '/'
    || (SELECT count(*) FROM account_organizations WHERE organization_id = '${id}') || '/'
    || (SELECT count(*) FROM accounts) || '/'
    || (SELECT role FROM accounts WHERE email = ${q(PROFESSIONAL)}) || '/'
    || (SELECT count(*) FROM account_organizations ao JOIN accounts a ON a.id = ao.account_id WHERE a.email = ${q(PROFESSIONAL)}) || '/'
    || (SELECT count(*) FROM login_links)`);
  const before = snapshot();
  const ok = await admin.call(`/api/v1/admin/registrations/${id}/approve`, { method: 'POST', json: {} });
  assert.equal(ok.status, 409, ok.text);
  assert.equal(ok.json.error.code, 'role_mismatch', ok.text);
  assert.equal(ok.json.error.field, 'maintainers', ok.text);
  assert.ok(!ok.text.includes(PROFESSIONAL), 'the message names the address masked');
  assert.equal(snapshot(), before, 'the refused approval changed nothing');
  assert.equal(psql(`SELECT status FROM organizations WHERE id = '${id}'`), 'pending');
  assert.equal((await mailLinks(fresh)).length, 0, 'no sign-in link to the other maintainer');
});

test('the request after TARJOTIN_REGISTER_LIMIT_IP from one address gets 429 with Retry-After', async () => {
  const limited = await gatewayWith({ TARJOTIN_REGISTER_LIMIT_IP: '3', TARJOTIN_INSTANCE: 'gateway-register-limit' });
  try {
    clearRateLimits('regist');
    const statuses = [];
    let last;
    for (let i = 1; i <= 4; i++) {
      const doc = registrationDoc(`limit-${i}-${RUN}`);
      noted(doc.contact.email);
      last = await submit(doc, { via: limited.base });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [201, 201, 201, 429], 'three proposals, then the throttle');
    assert.equal(last.json?.error?.code, 'too_many_requests', last.text);
    assert.ok(Number(last.headers.get('retry-after')) >= 1, `Retry-After: ${last.headers.get('retry-after')}`);
    assert.equal(psql(`SELECT count(*) FROM organizations WHERE name = ${q(`Testiyhdistys limit-4-${RUN} ry`)}`), '0', 'the refused one is not stored');
  } finally {
    clearRateLimits('regist');
    await stopGateway(limited);
  }
});
