// The authorization matrix of contact requests (issue 14's "No NGO can read
// another's requests; a professional sees only their own";
// docs/contactrequests.md "Who may do what"): every route of the contract
// called as anonymous, professional A (the sender), professional B, the
// editor of organisation X (whose activity got the request), the editor of
// organisation Y and the admin, with the same valid request for each.  The
// table of statuses is printed and must equal the intended one cell for
// cell.  A request the caller may not see is 404, never 403, so a request id
// tells nothing.  A refused call (reads too: an opening sets "opened")
// leaves every contact request, its events and its batch as they were; the
// admin sees a request without the client's data; every write and every
// opening of client data is in the audit log with its actor.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  psql, anon, signIn, assertAudited, helperWrites, crActivity, crBody, crSend, clientPhone, clientEmail,
  newProfessional, idempotencyKey, http, q,
} from './lib.mjs';

const EMAIL = {
  'editor X': 'toimitus@mielenterveysseura.example.org', // Kallaveden Mielenmaja ry
  'editor Y': 'vapaaehtoiset@savonjarjestot.example.org', // Ystäväpiiri Hopeasiipi ry, Omaisvoima
  admin: 'koordinaattori@hyvinvointialue.example.org',
};
const X = 'd0000000-0000-4000-8000-000000000006';
const Y = 'd0000000-0000-4000-8000-000000000016';
const PRINCIPALS = ['anonymous', 'professional A', 'professional B', 'editor X', 'editor Y', 'admin'];
const T0 = new Date(Date.now() - 2000);

let who; // principal -> client
let actX; // X's activity that accepts requests
let actY; // Y's
const writes = [];
const actor = (p) => ({ id: who[p].account.id, role: who[p].account.role });

/** A fresh send by professional A to X's activity: {batch, request (id), phone, email}. */
async function sendA(over = {}) {
  const phone = clientPhone();
  const email = clientEmail();
  const r = await crSend(who['professional A'], await crBody([actX.id], { client: { first_name: 'Aino', phone: phone.typed, email }, ...over }));
  assert.equal(r.status, 201, `a send of A: ${r.text}`);
  for (const x of r.json.requests) writes.push({ what: 'setup: a send of A', action: 'contact_request.send', actor: actor('professional A'), target: x.id });
  return { batch: r.json.id, request: r.json.requests[0].id, phone, email };
}

/** Everything a refused call must not touch: every request, its events, its batch, the audit log's opening rows. */
function snapshot() {
  return psql(`SELECT md5(concat_ws('|',
    (SELECT string_agg(concat_ws(',', id, status, version, opened_at, first_reaction_at, outcome_at, closed_at, withdrawn_at,
       erased_at, decline_reason, md5(client_enc), purge_at), ';' ORDER BY id) FROM contact_requests),
    (SELECT string_agg(concat_ws(',', id, kind, at), ';' ORDER BY id) FROM contact_request_events),
    (SELECT string_agg(concat_ws(',', id, withdrawn_at), ';' ORDER BY id) FROM contact_request_batches),
    (SELECT count(*) FROM contact_request_messages),
    (SELECT count(*) FROM audit_log WHERE action LIKE 'contact_request.%')))`);
}

const ANON = 401;
// Columns: anonymous, professional A, professional B, editor X, editor Y, admin.
const ROWS = [
  { method: 'GET', path: '/api/v1/contact-requests/consent', expect: [200, 200, 200, 200, 200, 200] },
  { method: 'POST', path: '/api/v1/contact-requests', expect: [ANON, 201, 201, 403, 403, 403], action: 'contact_request.send',
    prepare: async () => ({ json: await crBody([actX.id]), headers: { 'Idempotency-Key': idempotencyKey() },
      targets: (r) => r.json.requests.map((x) => x.id) }) },
  { method: 'GET', path: '/api/v1/my/contact-requests', expect: [ANON, 200, 200, 403, 403, 403] },
  { method: 'GET', path: '/api/v1/my/contact-requests/{A}', expect: [ANON, 200, 404, 403, 403, 403], action: 'contact_request.open',
    prepare: (p, ids) => ({ path: `/api/v1/my/contact-requests/${ids.a}`, targets: () => [ids.a], auditedFor: ['professional A'] }) },
  // Another organisation's inbox is 404 to an editor (as a request of it is):
  // the list's existence tells nothing either.
  { method: 'GET', path: '/api/v1/editor/organizations/{X}/contact-requests', expect: [ANON, 403, 403, 200, 404, 200],
    prepare: () => ({ path: `/api/v1/editor/organizations/${X}/contact-requests?state=all` }) },
  { method: 'GET', path: '/api/v1/editor/contact-requests/{A}', expect: [ANON, 403, 403, 200, 404, 200], action: 'contact_request.open',
    prepare: async () => {
      const s = await sendA(); // a fresh one each time: the first opening by an editor sets "opened"
      return { path: `/api/v1/editor/contact-requests/${s.request}`, targets: () => [s.request], auditedFor: ['editor X'] };
    } },
  { method: 'POST', path: '/api/v1/editor/contact-requests/{A}/status', expect: [ANON, 403, 403, 200, 404, 403], action: 'contact_request.status',
    prepare: async () => {
      const s = await sendA();
      return { path: `/api/v1/editor/contact-requests/${s.request}/status`, json: { status: 'contacted' }, targets: () => [s.request] };
    } },
  // Public: the token is the authority (a well-formed one that names nothing).
  { method: 'POST', path: '/api/v1/withdrawals/peek', expect: [404, 404, 404, 404, 404, 404], prepare: () => ({ json: { token: 'A'.repeat(43) } }) },
  { method: 'POST', path: '/api/v1/withdrawals', expect: [404, 404, 404, 404, 404, 404], prepare: () => ({ json: { token: 'B'.repeat(43) } }) },
  // The provider's webhook: no valid signature, nobody.
  { method: 'POST', path: '/api/v1/sms/incoming', expect: [401, 401, 401, 401, 401, 401],
    prepare: () => ({ json: { id: 1, msisdn: 358501234567, receiver: 4512345678, message: 'SEIS', senttime: 1, webhook_label: 'x' } }) },
];

test.before(async () => {
  who = { anonymous: null };
  for (const p of ['editor X', 'editor Y', 'admin']) who[p] = await signIn(EMAIL[p]);
  who['professional A'] = await signIn('ohjaaja@varkaus-terveys.example.org');
  who['professional B'] = await newProfessional('matrix-b');
  const orgsOf = async (p) => (await who[p].call('/api/v1/session')).json.account.organizations.map((o) => o.id);
  assert.deepEqual(await orgsOf('editor X'), [X], 'editor X edits X only');
  const y = await orgsOf('editor Y');
  assert.ok(y.includes(Y) && !y.includes(X), 'editor Y edits Y, not X');
  actX = await crActivity(who.admin, X);
  actY = await crActivity(who.admin, Y);
  writes.push({ what: 'setup: activity of X', action: 'activity.create', actor: actor('admin'), target: actX.id },
    { what: 'setup: activity of Y', action: 'activity.create', actor: actor('admin'), target: actY.id });
});

test('the contact-request matrix: exactly the intended cells succeed, a refused call changes nothing', async () => {
  const ids = { a: (await sendA()).request };
  const table = [];
  const wrong = [];
  const changed = [];
  for (const row of ROWS) {
    const cells = [];
    for (const [col, p] of PRINCIPALS.entries()) {
      const c = { path: row.path, ...(await row.prepare?.(p, ids)) };
      const client = p === 'anonymous' ? await anon() : who[p];
      const want = row.expect[col];
      const refused = want >= 400;
      const before = refused ? snapshot() : '';
      const r = await client.call(c.path, { method: row.method, json: c.json, headers: c.headers ?? {} });
      cells.push(r.status);
      if (r.status !== want) wrong.push(`${row.method} ${row.path} as ${p}: ${r.status}, intended ${want}: ${r.text.slice(0, 200)}`);
      else if (want === 401 && row.path !== '/api/v1/sms/incoming' && r.json?.error?.code !== 'unauthorized') wrong.push(`${row.method} ${row.path} as ${p}: 401 with ${r.json?.error?.code}`);
      else if (want === 403 && r.json?.error?.code !== 'forbidden') wrong.push(`${row.method} ${row.path} as ${p}: 403 with ${r.json?.error?.code}`);
      else if (want === 404 && r.json?.error?.code !== 'not_found') wrong.push(`${row.method} ${row.path} as ${p}: 404 with ${r.json?.error?.code}`);
      if (refused && snapshot() !== before) changed.push(`${row.method} ${row.path} as ${p} (${r.status}) changed contact requests or their audit`);
      if (r.status >= 200 && r.status < 300 && row.action && (!c.auditedFor || c.auditedFor.includes(p))) {
        for (const target of c.targets?.(r) ?? [undefined]) writes.push({ what: `${row.method} ${row.path} as ${p}`, action: row.action, actor: actor(p), target });
      }
    }
    table.push([`${row.method} ${row.path}`, ...cells]);
  }
  const w0 = Math.max(...table.map((r) => r[0].length));
  const w = PRINCIPALS.map((p) => Math.max(p.length, 3));
  const line = (cells) => `report: ${cells[0].padEnd(w0)}  ${cells.slice(1).map((c, i) => String(c).padStart(w[i])).join('  ')}`;
  console.log(line(['route', ...PRINCIPALS]));
  for (const r of table) console.log(line(r));
  assert.deepEqual(wrong, [], `cells that are not the intended ones:\n${wrong.join('\n')}`);
  assert.deepEqual(changed, [], 'a refused call changed something');
});

test("lists: a professional's holds only their own, an editor's only its organisation's, the admin's every one of the organisation", async () => {
  const a = await sendA();
  const rb = await crSend(who['professional B'], await crBody([actY.id]));
  assert.equal(rb.status, 201, rb.text);
  writes.push({ what: 'a send of B', action: 'contact_request.send', actor: actor('professional B'), target: rb.json.requests[0].id });
  const b = rb.json.requests[0].id;

  const listIds = async (p, path) => {
    const ids = [];
    for (let page = 1; page <= 20; page++) {
      const r = await who[p].call(`${path}${path.includes('?') ? '&' : '?'}page=${page}&per_page=100`);
      assert.equal(r.status, 200, `${p} ${path}: ${r.text}`);
      ids.push(...r.json.items.map((x) => x.id));
      if (r.json.items.length < 100) break;
    }
    return ids;
  };
  const mineA = await listIds('professional A', '/api/v1/my/contact-requests');
  const mineB = await listIds('professional B', '/api/v1/my/contact-requests');
  assert.ok(mineA.includes(a.request) && !mineA.includes(b), "A's list: A's request, not B's");
  assert.ok(mineB.includes(b) && !mineB.includes(a.request), "B's list: B's request, not A's");
  assert.equal(psql(`SELECT count(*) FROM contact_requests WHERE id IN (${mineB.map(q).join(',') || 'NULL'}) AND account_id <> ${q(who['professional B'].account.id)}`), '0',
    "every request in B's list is B's");
  const inboxX = await listIds('editor X', `/api/v1/editor/organizations/${X}/contact-requests?state=all`);
  assert.ok(inboxX.includes(a.request) && !inboxX.includes(b), "X's inbox: A's request to X, not B's to Y");
  assert.equal(psql(`SELECT count(*) FROM contact_requests WHERE id IN (${inboxX.map(q).join(',')}) AND organization_id <> ${q(X)}`), '0',
    "every request in X's inbox is X's");
  const inboxY = await listIds('editor Y', `/api/v1/editor/organizations/${Y}/contact-requests?state=all`);
  assert.ok(inboxY.includes(b) && !inboxY.includes(a.request), "Y's inbox: B's request, not A's");
  const adminX = await listIds('admin', `/api/v1/editor/organizations/${X}/contact-requests?state=all`);
  assert.ok(adminX.includes(a.request), "the admin sees X's requests");

  // The lists never carry the client's data (masked hints, flags only).
  for (const [p, path] of [['professional A', '/api/v1/my/contact-requests'], ['editor X', `/api/v1/editor/organizations/${X}/contact-requests?state=all`],
    ['admin', `/api/v1/editor/organizations/${X}/contact-requests?state=all`]]) {
    const r = await who[p].call(`${path}${path.includes('?') ? '&' : '?'}per_page=100`);
    const text = r.text.toLowerCase();
    for (const v of [a.phone.e164, a.phone.e164.slice(1), a.phone.national, a.email.toLowerCase()]) {
      assert.ok(!text.includes(v.toLowerCase()), `${p}'s list holds the client's ${v}`);
    }
  }
  // Editor Y and professional B: A's request is 404 on every route, as is an id that names nothing.
  for (const [p, path, method, json] of [
    ['editor Y', `/api/v1/editor/contact-requests/${a.request}`, 'GET'],
    ['editor Y', `/api/v1/editor/contact-requests/${a.request}/status`, 'POST', { status: 'declined', reason: 'Ei meidän' }],
    ['editor X', `/api/v1/editor/contact-requests/${b}`, 'GET'],
    ['editor X', `/api/v1/editor/contact-requests/${randomUUID()}`, 'GET'],
    ['professional B', `/api/v1/my/contact-requests/${a.request}`, 'GET'],
    ['professional A', `/api/v1/my/contact-requests/${randomUUID()}`, 'GET'],
  ]) {
    const before = snapshot();
    const r = await who[p].call(path, { method, json });
    assert.equal(r.status, 404, `${p} ${method} ${path}: ${r.text}`);
    assert.equal(snapshot(), before, `${p} ${method} ${path} changed something`);
  }
  assert.equal(psql(`SELECT status FROM contact_requests WHERE id = ${q(a.request)}`), 'sent', 'nobody outside X opened it');
});

test("the admin sees a request without the client's data; X's editor sees it, and the opening is audited", async () => {
  const a = await sendA({ note: 'Soittakaa iltapäivällä.' });
  const secrets = [a.phone.e164, a.phone.e164.slice(1), a.phone.national, a.email.toLowerCase(), 'iltapäivällä'];
  const byAdmin = await who.admin.call(`/api/v1/editor/contact-requests/${a.request}`);
  assert.equal(byAdmin.status, 200, byAdmin.text);
  assert.ok(byAdmin.json.client === undefined || byAdmin.json.client === null, `the admin gets no client: ${byAdmin.text.slice(0, 300)}`);
  for (const v of secrets) assert.ok(!byAdmin.text.toLowerCase().includes(v.toLowerCase()), `the admin's answer holds ${v}`);
  assert.equal(psql(`SELECT status FROM contact_requests WHERE id = ${q(a.request)}`), 'sent', "the admin's look is no opening");

  const byEditor = await who['editor X'].call(`/api/v1/editor/contact-requests/${a.request}`);
  assert.equal(byEditor.status, 200, byEditor.text);
  assert.equal(byEditor.json.client?.phone, a.phone.e164, byEditor.text.slice(0, 300));
  assert.equal(byEditor.json.client?.email?.toLowerCase(), a.email.toLowerCase());
  assert.equal(byEditor.json.client?.note, 'Soittakaa iltapäivällä.');
  assert.equal(byEditor.json.status, 'opened');
  writes.push({ what: "X's editor opens A's request", action: 'contact_request.open', actor: actor('editor X'), target: a.request });
  const bySender = await who['professional A'].call(`/api/v1/my/contact-requests/${a.request}`);
  assert.equal(bySender.status, 200, bySender.text);
  assert.equal(bySender.json.client?.phone, a.phone.e164);
  assert.ok(Array.isArray(bySender.json.history) && bySender.json.history.some((h) => h.kind === 'opened'), `the sender sees the opening: ${bySender.text.slice(0, 400)}`);
  writes.push({ what: 'the sender opens the request', action: 'contact_request.open', actor: actor('professional A'), target: a.request });

  // Editors cannot send, with any body; the admin neither.
  for (const p of ['editor X', 'editor Y', 'admin']) {
    const r = await crSend(who[p], await crBody([actX.id]));
    assert.equal(r.status, 403, `${p} sends: ${r.text}`);
  }
  // No audit detail holds the client's data.
  const details = psql(`SELECT coalesce(string_agg(detail::text, ' '), '') FROM audit_log WHERE action LIKE 'contact_request.%' AND at >= ${q(T0.toISOString())}`).toLowerCase();
  for (const v of secrets) assert.ok(!details.includes(v.toLowerCase()), `an audit detail holds ${v}`);
});

test('every write and every opening of client data in the contact-request matrix is in the audit log with its actor', async () => {
  const all = [...writes, ...helperWrites];
  await assertAudited(who.admin, T0, all);
  console.log(`report: ${all.length} writes and openings of the contact-request matrix, each in the audit log with its actor`);
  // Public routes answer without a session too (no cookie at all).
  const r = await http('/api/v1/contact-requests/consent');
  assert.equal(r.status, 200, r.text);
  assert.ok(['fi', 'sv', 'en'].every((l) => typeof r.json.texts?.[l] === 'string' && r.json.texts[l].length >= 20), r.text.slice(0, 200));
});
