// The authorization matrix of the self-service API (issue 13, extending the
// identity issue's authz-matrix.test.mjs; docs/selfservice.md "Who may call
// what"): every endpoint of the new API, called on organisation B (Kallaveden
// Mielenmaja ry) and B's activities as anonymous, a professional, an editor
// of other organisations (A: Ystäväpiiri Hopeasiipi, Omaisvoima), B's own
// editor and the admin, with the same valid request for each.  The table of
// statuses is printed and must equal the intended one cell for cell; a
// refused call must leave B (its row, its activities, their links, its
// editors, the history, the taxonomy, the registrations) exactly as it was,
// compared with psql around every refused cell; every write that succeeded
// is in the audit log with its actor.
//
// A file of its own rather than rows of authz-matrix.test.mjs: each cell
// here needs its own fresh target (a version to match, a pending proposal to
// decide) and a database snapshot around it, which that file's rows do not have.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  psql, until, anon, signIn, noteSecret, assertAudited, helperWrites, activityDoc, ifMatch, createActivity,
  registrationDoc, freePorts, startGateway, stopGateway, clearRateLimits, q,
} from './lib.mjs';

const EMAIL = {
  professional: 'ohjaaja@varkaus-terveys.example.org',
  'other editor': 'vapaaehtoiset@savonjarjestot.example.org',
  editor: 'toimitus@mielenterveysseura.example.org',
  admin: 'koordinaattori@hyvinvointialue.example.org',
};
const PRINCIPALS = ['anonymous', 'professional', 'other editor', 'editor', 'admin'];
const B = 'd0000000-0000-4000-8000-000000000006';
const RUN = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const T0 = new Date(Date.now() - 2000);

const ADMIN_ONLY = (ok) => [401, 403, 403, 403, ok];
const B_EDITORS = (ok) => [401, 403, 403, ok, ok];
const ANY_EDITOR = (ok) => [401, 403, ok, ok, ok];
const ANYONE = (ok) => [ok, ok, ok, ok, ok];

let main;
let gw; // a gateway with a high register limit, for the proposals the cells decide
const writes = [];
const actor = (p) => (p === 'anonymous' ? { id: null, role: 'anonymous' } : { id: main[p].account.id, role: main[p].account.role });
let cellNo = 0;
const unique = () => `${RUN}-${++cellNo}`;
const noted = (e) => { noteSecret('email', e); return e; };

/** Everything a refused call must not touch. */
function snapshot() {
  return psql(`SELECT md5(concat_ws('|',
    (SELECT to_jsonb(o)::text FROM organizations o WHERE id = '${B}'),
    (SELECT string_agg(to_jsonb(a)::text, ',' ORDER BY id) FROM activities a WHERE organization_id = '${B}'),
    (SELECT string_agg(x::text, ',' ORDER BY x::text) FROM activity_needs x JOIN activities a ON a.id = x.activity_id WHERE a.organization_id = '${B}'),
    (SELECT string_agg(x::text, ',' ORDER BY x::text) FROM activity_locations x JOIN activities a ON a.id = x.activity_id WHERE a.organization_id = '${B}'),
    (SELECT string_agg(x::text, ',' ORDER BY x::text) FROM contacts x WHERE x.organization_id = '${B}'
       OR x.activity_id IN (SELECT id FROM activities WHERE organization_id = '${B}')),
    (SELECT string_agg(account_id::text, ',' ORDER BY account_id) FROM account_organizations WHERE organization_id = '${B}'),
    (SELECT count(*) FROM change_history),
    (SELECT string_agg(to_jsonb(t)::text, ',' ORDER BY id) FROM taxonomy_terms t),
    (SELECT string_agg(id::text || status::text || coalesce(decided_at::text, ''), ',' ORDER BY id) FROM organizations),
    (SELECT count(*) FROM accounts),
    (SELECT count(*) FROM review_events)))`);
}

async function asAdmin(what, method, path, json, action, target, headers = {}) {
  const r = await main.admin.call(path, { method, json, headers });
  assert.ok(r.status >= 200 && r.status < 300, `setup ${what}: ${r.status} ${r.text}`);
  if (action) writes.push({ what: `setup: ${what}`, action, actor: actor('admin'), target: target?.(r) });
  return r;
}

/** A fresh published activity of B (made by the admin). */
async function freshActivity() {
  const n = unique();
  const a = await createActivity(main.admin, B, { name: `Matriisin toiminta ${n}`, status: 'published' });
  writes.push({ what: 'setup: an activity', action: 'activity.create', actor: actor('admin'), target: a.id });
  return a;
}

/** A pending proposal (through this file's gateway): its id. */
async function pending() {
  const n = unique();
  const doc = registrationDoc(`matriisi-${n}`);
  noted(doc.contact.email);
  doc.maintainers.forEach(noted);
  const a = await anon({ base: gw.base });
  const r = await a.call('/api/v1/registrations', { method: 'POST', json: doc });
  assert.equal(r.status, 201, `a proposal: ${r.text}`);
  writes.push({ what: 'setup: a proposal', action: 'registration.submit', actor: { id: null, role: 'anonymous' }, target: r.json.id });
  return r.json.id;
}

const term = (id, over = {}) => ({ id, taxonomy: 'kind', parent_id: null, label: { fi: `Laji ${id}`, sv: `Typ ${id}`, en: `Kind ${id}` },
  synonyms: { fi: [], sv: [], en: [] }, icd10: [], position: 900, active: false, ...over });

// prepare(p) -> {path, json, headers, target(r)}.
const ROWS = [
  { method: 'GET', path: '/api/v1/editor/organizations', expect: ANY_EDITOR(200) },
  { method: 'GET', path: '/api/v1/editor/organizations/{B}', expect: B_EDITORS(200), prepare: () => ({ path: `/api/v1/editor/organizations/${B}` }) },
  { method: 'PUT', path: '/api/v1/editor/organizations/{B}', expect: B_EDITORS(200), action: 'organization.update',
    prepare: async () => {
      const r = await main.admin.call(`/api/v1/editor/organizations/${B}`);
      assert.equal(r.status, 200, r.text);
      const { id, status, version, created_at, updated_at, ...doc } = r.json;
      return { path: `/api/v1/editor/organizations/${B}`, json: { ...doc, description: `Kuvaus ${unique()}` }, headers: ifMatch(version), target: () => B };
    } },
  { method: 'GET', path: '/api/v1/editor/organizations/{B}/activities', expect: B_EDITORS(200), prepare: () => ({ path: `/api/v1/editor/organizations/${B}/activities` }) },
  { method: 'POST', path: '/api/v1/editor/organizations/{B}/activities', expect: B_EDITORS(201), action: 'activity.create',
    prepare: () => ({ path: `/api/v1/editor/organizations/${B}/activities`, json: activityDoc({ name: `Matriisin uusi ${unique()}` }), target: (r) => r.json.id }) },
  { method: 'GET', path: '/api/v1/editor/organizations/{B}/history', expect: B_EDITORS(200), prepare: () => ({ path: `/api/v1/editor/organizations/${B}/history` }) },
  { method: 'GET', path: '/api/v1/editor/activities/{act}', expect: B_EDITORS(200), prepare: (p, ids) => ({ path: `/api/v1/editor/activities/${ids.act}` }) },
  { method: 'PUT', path: '/api/v1/editor/activities/{act}', expect: B_EDITORS(200), action: 'activity.update',
    prepare: async (p, ids) => {
      const r = await main.admin.call(`/api/v1/editor/activities/${ids.act}`);
      assert.equal(r.status, 200, r.text);
      const { id, organization, version, freshness, assured_date, assurer, due_date, published_at, created_at, updated_at, unverified, status, ...doc } = r.json;
      return { path: `/api/v1/editor/activities/${ids.act}`, json: { ...doc, summary: `Tiivistelmä ${unique()}` }, headers: ifMatch(version), target: () => ids.act };
    } },
  { method: 'POST', path: '/api/v1/editor/activities/{act}/status', expect: B_EDITORS(200), action: 'activity.status',
    prepare: async () => {
      const a = await freshActivity();
      return { path: `/api/v1/editor/activities/${a.id}/status`, json: { status: 'paused' }, headers: ifMatch(a.version), target: () => a.id };
    } },
  { method: 'POST', path: '/api/v1/editor/activities/{act}/confirm', expect: B_EDITORS(200), action: 'activity.confirm',
    prepare: async () => {
      const a = await freshActivity();
      psql(`UPDATE activities SET assured_date = assured_date - 100 WHERE id = '${a.id}'`);
      return { path: `/api/v1/editor/activities/${a.id}/confirm`, json: {}, target: () => a.id };
    } },
  { method: 'GET', path: '/api/v1/editor/activities/{act}/history', expect: B_EDITORS(200), prepare: (p, ids) => ({ path: `/api/v1/editor/activities/${ids.act}/history` }) },
  { method: 'GET', path: '/api/v1/organizations/{B}/editors', expect: B_EDITORS(200), prepare: () => ({ path: `/api/v1/organizations/${B}/editors` }) },
  { method: 'POST', path: '/api/v1/organizations/{B}/editors', expect: B_EDITORS(201), action: 'editor.add',
    prepare: () => ({ path: `/api/v1/organizations/${B}/editors`, json: { email: noted(`orgs-editor-${unique()}@example.org`), lang: 'fi' },
      target: (r) => r.json.id ?? r.json.account?.id }) },
  { method: 'DELETE', path: '/api/v1/organizations/{B}/editors/{account}', expect: B_EDITORS(204), action: 'editor.remove',
    prepare: async () => {
      const r = await asAdmin('an editor to remove', 'POST', `/api/v1/organizations/${B}/editors`,
        { email: noted(`orgs-remove-${unique()}@example.org`), lang: 'fi' }, 'editor.add', (x) => x.json.id ?? x.json.account?.id);
      const id = r.json.id ?? r.json.account?.id;
      return { path: `/api/v1/organizations/${B}/editors/${id}`, target: () => id };
    } },
  { method: 'GET', path: '/api/v1/admin/registrations', expect: ADMIN_ONLY(200) },
  { method: 'POST', path: '/api/v1/admin/registrations/{id}/approve', expect: ADMIN_ONLY(200), action: 'registration.approve',
    prepare: async () => {
      const id = await pending();
      return { path: `/api/v1/admin/registrations/${id}/approve`, json: {}, target: () => id };
    } },
  { method: 'POST', path: '/api/v1/admin/registrations/{id}/reject', expect: ADMIN_ONLY(200), action: 'registration.reject',
    prepare: async () => {
      const id = await pending();
      return { path: `/api/v1/admin/registrations/${id}/reject`, json: { reason: 'Matriisin hylkäys' }, target: () => id };
    } },
  { method: 'GET', path: '/api/v1/admin/taxonomy', expect: ADMIN_ONLY(200) },
  { method: 'POST', path: '/api/v1/admin/taxonomy', expect: ADMIN_ONLY(201), action: 'taxonomy.create',
    prepare: () => {
      const id = `m-${unique()}`.replace(/[^a-z0-9-]/g, '').slice(0, 40);
      return { json: term(id), target: () => id };
    } },
  { method: 'PUT', path: '/api/v1/admin/taxonomy/{term}', expect: ADMIN_ONLY(200), action: 'taxonomy.update',
    prepare: async (p, ids) => ({ path: `/api/v1/admin/taxonomy/${ids.term}`, json: term(ids.term, { label: { fi: `Muutettu ${unique()}`, sv: 'Ändrad', en: 'Changed' } }),
      target: () => ids.term }) },
  { method: 'GET', path: '/api/v1/admin/reviews', expect: ADMIN_ONLY(200) },
  // Public: anyone may propose (the throttle is registration.test.mjs's).
  { method: 'POST', path: '/api/v1/registrations', expect: ANYONE(201), action: 'registration.submit',
    prepare: () => {
      clearRateLimits('regist'); // the proposals of the cells above counted from this address too
      const doc = registrationDoc(`matriisi-julkinen-${unique()}`);
      noted(doc.contact.email);
      doc.maintainers.forEach(noted);
      // Audited as whoever sends it (anonymous, or the signed-in account).
      return { json: doc, target: (r) => r.json.id };
    } },
  // Public: the token is the authority (a made-up one is no link).
  { method: 'POST', path: '/api/v1/reviews/peek', expect: ANYONE(400), prepare: () => ({ json: { token: 'A'.repeat(43) } }) },
  { method: 'POST', path: '/api/v1/reviews/confirm', expect: ANYONE(400), prepare: () => ({ json: { token: 'A'.repeat(43) } }) },
];

test.before(async () => {
  main = {};
  for (const p of PRINCIPALS.slice(1)) main[p] = await signIn(EMAIL[p]);
  const others = (await main['other editor'].call('/api/v1/session')).json.account.organizations.map((o) => o.id);
  assert.ok(others.length >= 1 && !others.includes(B), 'the other editor edits other organisations than B');
  const mine = (await main.editor.call('/api/v1/session')).json.account.organizations.map((o) => o.id);
  assert.deepEqual(mine, [B], 'the editor edits B');
  const [port] = freePorts(1);
  gw = startGateway({ TARJOTIN_HTTP_PORT: port, TARJOTIN_REGISTER_LIMIT_IP: '100000', TARJOTIN_INSTANCE: 'gateway-authz-orgs' });
  await until(() => gw.log.includes('"event":"listening"') || gw.exitCode !== null, { timeout: 15000, what: 'the gateway of the test' });
  gw.base = `http://127.0.0.1:${port}`;
});

test.after(async () => {
  if (gw) await stopGateway(gw);
  clearRateLimits('regist');
});

test('the self-service matrix: exactly the intended cells succeed, a refused call changes nothing of B', async () => {
  const ids = {};
  ids.act = (await freshActivity()).id;
  ids.term = `m-${RUN}`.replace(/[^a-z0-9-]/g, '').slice(0, 40);
  await asAdmin('a taxonomy term', 'POST', '/api/v1/admin/taxonomy', term(ids.term), 'taxonomy.create', () => ids.term);

  const table = [];
  const wrong = [];
  const changed = [];
  for (const row of ROWS) {
    const cells = [];
    for (const [col, p] of PRINCIPALS.entries()) {
      const c = { path: row.path, ...(await row.prepare?.(p, ids)) };
      const who = p === 'anonymous' ? await anon() : main[p];
      const want = row.expect[col];
      const refused = want >= 400 && row.method !== 'GET';
      const before = refused ? snapshot() : '';
      const r = await who.call(c.path, { method: row.method, json: c.json, headers: c.headers ?? {} });
      cells.push(r.status);
      if (r.status !== want) wrong.push(`${row.method} ${row.path} as ${p}: ${r.status}, intended ${want}: ${r.text.slice(0, 200)}`);
      else if (want === 401 && r.json?.error?.code !== 'unauthorized') wrong.push(`${row.method} ${row.path} as ${p}: 401 with ${r.json?.error?.code}`);
      else if (want === 403 && r.json?.error?.code !== 'forbidden') wrong.push(`${row.method} ${row.path} as ${p}: 403 with ${r.json?.error?.code}`);
      if (refused && snapshot() !== before) changed.push(`${row.method} ${row.path} as ${p} (${r.status}) changed the data`);
      if (r.status >= 200 && r.status < 300 && row.action) {
        writes.push({ what: `${row.method} ${row.path} as ${p}`, action: row.action, actor: c.actorIs ?? actor(p), target: c.target?.(r) });
      }
    }
    if (row.path === '/api/v1/registrations') clearRateLimits('regist');
    table.push([`${row.method} ${row.path}`, ...cells]);
  }
  const w0 = Math.max(...table.map((r) => r[0].length));
  const w = PRINCIPALS.map((p) => Math.max(p.length, 3));
  const line = (cells) => `report: ${cells[0].padEnd(w0)}  ${cells.slice(1).map((c, i) => String(c).padStart(w[i])).join('  ')}`;
  console.log(line(['endpoint', ...PRINCIPALS]));
  for (const r of table) console.log(line(r));
  assert.deepEqual(wrong, [], `cells that are not the intended ones:\n${wrong.join('\n')}`);
  assert.deepEqual(changed, [], 'a refused call changed something');
});

test("an editor of A: an id of B's is 403, an id that names nothing is 404, and A's own list holds none of B", async () => {
  const other = main['other editor'];
  const act = psql(`SELECT id FROM activities WHERE organization_id = '${B}' ORDER BY id LIMIT 1`);
  const before = snapshot();
  for (const [path, want] of [
    [`/api/v1/editor/activities/${act}`, 403], [`/api/v1/editor/activities/${randomUUID()}`, 404],
    [`/api/v1/editor/organizations/${B}`, 403], [`/api/v1/editor/organizations/${randomUUID()}`, 404],
  ]) {
    const r = await other.call(path);
    assert.equal(r.status, want, `${path}: ${r.text}`);
  }
  // Writes naming B's activity through A's organisation path are refused too.
  const [a] = (await other.call('/api/v1/session')).json.account.organizations;
  const r = await other.call(`/api/v1/editor/activities/${act}`, { method: 'PUT', json: activityDoc({ name: 'Kaappaus' }), headers: ifMatch(1) });
  assert.equal(r.status, 403, r.text);
  const list = await other.call('/api/v1/editor/organizations');
  assert.ok(!list.json.items.some((o) => o.id === B), "B is not among A's editor's organisations");
  const acts = await other.call(`/api/v1/editor/organizations/${a.id}/activities`);
  assert.equal(acts.status, 200, acts.text);
  assert.ok(!acts.json.items.some((x) => x.id === act));
  assert.equal(snapshot(), before, 'nothing of B changed');
  assert.equal(psql(`SELECT count(*) FROM activities WHERE name = 'Kaappaus'`), '0');
});

test('every write of the self-service matrix is in the audit log with its actor', async () => {
  const all = [...writes, ...helperWrites];
  await assertAudited(main.admin, T0, all);
  console.log(`report: ${all.length} writes of the self-service matrix, each in the audit log with its actor`);
  assert.equal(psql(`SELECT count(*) FROM organizations WHERE name LIKE ${q(`%matriisi%${RUN}%`)} AND status = 'approved'`),
    String(writes.filter((w) => w.action === 'registration.approve').length), 'only the admin approved');
});
