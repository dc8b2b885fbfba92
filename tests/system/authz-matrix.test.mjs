// The authorization matrix (issue 12): every state-changing endpoint and
// every non-public read of the gateway, called as anonymous, a professional,
// an editor of another organisation, the organisation's editor and the admin,
// with the same valid request for each; the table of statuses is printed and
// must equal the intended one below cell for cell.  Then every write that
// succeeded must be in the audit log with its actor and time, and the refused
// ones must have changed nothing.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  psql, until, anon, signIn, loginToken, noteSecret, assertAudited, helperWrites, mailLinks, activityDoc,
} from './lib.mjs';

const EMAIL = {
  professional: 'ohjaaja@varkaus-terveys.example.org',
  'other editor': 'vapaaehtoiset@savonjarjestot.example.org',
  editor: 'toimitus@mielenterveysseura.example.org',
  admin: 'koordinaattori@hyvinvointialue.example.org',
};
const PRINCIPALS = ['anonymous', 'professional', 'other editor', 'editor', 'admin'];
const RUN = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const T0 = new Date(Date.now() - 2000);
const vars = { sent_by: 'Matriisi', sent_at: '1.12.2026 klo 12.00' };

// The intended matrix: who may do what (docs/identity.md, "HTTP API").
const ADMIN_ONLY = (ok) => [401, 403, 403, 403, ok];
const EDITORS = (ok) => [401, 403, 403, ok, ok];
const SIGNED_IN = (ok) => [401, ok, ok, ok, ok];
const ANYONE = (ok) => [ok, ok, ok, ok, ok];

let main; // principal -> its session (anonymous: a fresh client per call)
let org; // the editor's organisation
let linkee; // an account that signs in by link in the matrix
const writes = [];
const actor = (p) => (p === 'anonymous' ? { id: null, role: 'anonymous' }
  : { id: main[p].account.id, role: main[p].account.role });

/** A session (or anonymous client) for principal p. */
function sessionOf(p) {
  return p === 'anonymous' ? anon() : signIn(EMAIL[p]);
}

/** Admin-made setup writes, themselves audited. */
async function asAdmin(what, method, path, json, action, target) {
  const r = await main.admin.call(path, { method, json });
  assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.text}`);
  writes.push({ what: `setup: ${what}`, action, actor: actor('admin'), target: target?.(r) });
  return r;
}

let cellNo = 0;
/** A fresh name part for one cell. */
const unique = () => `${RUN}-${++cellNo}`;

/** Sends a test e-mail as the admin and waits until it is sent; its job id. */
async function sentMessage() {
  const n = unique();
  const r = await asAdmin('a message', 'POST', '/api/v1/admin/messages',
    { channel: 'email', to: `matrix-setup-${n}@example.org`, template: 'test', lang: 'fi', vars },
    'message.send', (x) => x.json.job_id);
  const job = r.json.job_id;
  await until(() => ['sent', 'delivered'].includes(psql(`SELECT status FROM notifications WHERE job_id = '${job}'`)),
    { timeout: 20000, what: `message ${job} sent` });
  return job;
}

// Each row: prepare(p) -> {path, json?, target?(r), actorIs?} for one call;
// fresh: the call gets a session of its own (it ends it); endsAll: it ends
// every session of the principal's account (the principal signs in again).
const ROWS = [
  { method: 'POST', path: '/api/v1/auth/email-link', expect: ANYONE(202), action: 'login_link.requested',
    // By nobody signed in (whoever asks), naming the account the link is for.
    prepare: () => ({ json: { email: linkee.email, lang: 'fi' }, actorIs: { id: linkee.id, role: 'anonymous' } }) },
  { method: 'POST', path: '/api/v1/auth/link', expect: ANYONE(200), action: 'signin', fresh: true,
    prepare: () => ({ json: { token: loginToken(linkee.email) }, actorIs: { id: linkee.id, role: 'editor' } }) },
  { method: 'GET', path: '/api/v1/admin/user-sites', expect: ADMIN_ONLY(200) },
  { method: 'POST', path: '/api/v1/admin/user-sites', expect: ADMIN_ONLY(201), action: 'user_site.create',
    prepare: () => {
      const n = unique();
      return { json: { name: `Matriisin asema ${n}`, county: 'PS', email_domains: [`matrix-${n}.example.org`] }, target: (r) => r.json.id };
    } },
  { method: 'PUT', path: '/api/v1/admin/user-sites/{site}', expect: ADMIN_ONLY(200), action: 'user_site.update',
    prepare: (p, ids) => ({ path: `/api/v1/admin/user-sites/${ids.site}`, target: () => ids.site,
      json: { name: `Matriisin muokattu asema ${unique()}`, county: 'PS', email_domains: [`matrix-site-${RUN}.example.org`] } }) },
  { method: 'GET', path: '/api/v1/admin/accounts', expect: ADMIN_ONLY(200) },
  { method: 'POST', path: '/api/v1/admin/accounts', expect: ADMIN_ONLY(201), action: 'account.invite',
    prepare: () => ({ json: { email: noted(`matrix-invite-${unique()}@example.org`), name: 'Kutsuttu', role: 'editor',
      organization_ids: [org.id], lang: 'fi' }, target: (r) => r.json.id }) },
  { method: 'PUT', path: '/api/v1/admin/accounts/{account}', expect: ADMIN_ONLY(200), action: 'account.update',
    prepare: (p, ids) => ({ path: `/api/v1/admin/accounts/${ids.account}`, json: { name: `Nimetty ${unique()}` }, target: () => ids.account }) },
  { method: 'GET', path: '/api/v1/admin/audit', expect: ADMIN_ONLY(200), prepare: () => ({ path: '/api/v1/admin/audit?limit=1' }) },
  { method: 'GET', path: '/api/v1/organizations/{org}/editors', expect: EDITORS(200),
    prepare: () => ({ path: `/api/v1/organizations/${org.id}/editors` }) },
  { method: 'POST', path: '/api/v1/organizations/{org}/editors', expect: EDITORS(201), action: 'editor.add',
    prepare: () => ({ path: `/api/v1/organizations/${org.id}/editors`, json: { email: noted(`matrix-editor-${unique()}@example.org`), name: 'Uusi', lang: 'fi' },
      target: (r) => r.json.id ?? r.json.account?.id }) },
  { method: 'DELETE', path: '/api/v1/organizations/{org}/editors/{account}', expect: EDITORS(204), action: 'editor.remove',
    prepare: async () => {
      const r = await asAdmin('an editor to remove', 'POST', `/api/v1/organizations/${org.id}/editors`,
        { email: noted(`matrix-remove-${unique()}@example.org`), lang: 'fi' }, 'editor.add', (x) => x.json.id ?? x.json.account?.id);
      const id = r.json.id ?? r.json.account?.id;
      return { path: `/api/v1/organizations/${org.id}/editors/${id}`, target: () => id };
    } },
  { method: 'POST', path: '/api/v1/admin/messages', expect: ADMIN_ONLY(201), action: 'message.send',
    prepare: () => {
      const n = unique();
      return { json: { channel: 'email', to: noted(`matrix-msg-${n}@example.org`), template: 'test', lang: 'fi', vars,
        idempotency_key: `matrix-${n}` }, target: (r) => r.json.job_id };
    } },
  { method: 'GET', path: '/api/v1/admin/messages', expect: ADMIN_ONLY(200), prepare: () => ({ path: '/api/v1/admin/messages?limit=1' }) },
  { method: 'GET', path: '/api/v1/admin/messages/{job}', expect: ADMIN_ONLY(200),
    prepare: (p, ids) => ({ path: `/api/v1/admin/messages/${ids.job}` }) },
  { method: 'GET', path: '/api/v1/admin/dead-letters', expect: ADMIN_ONLY(200), prepare: () => ({ path: '/api/v1/admin/dead-letters?limit=1' }) },
  { method: 'POST', path: '/api/v1/admin/dead-letters/{job}/requeue', expect: ADMIN_ONLY(200), action: 'dead_letter.requeue',
    prepare: async () => {
      // A dead letter of its own for each call: a sent message marked dead.
      const job = await sentMessage();
      assert.equal(psql(`UPDATE notifications SET status = 'dead' WHERE job_id = '${job}' RETURNING status`), 'dead');
      return { path: `/api/v1/admin/dead-letters/${job}/requeue`, target: () => job };
    } },
  // The SMS provider's webhook: no cookie counts there, only its signature.
  { method: 'POST', path: '/api/v1/sms/delivery-reports', expect: ANYONE(401),
    prepare: () => ({ json: { id: 1, msisdn: 358401234567, time: 1, status: 'DELIVERED', userref: '00000000-0000-4000-8000-000000000000' } }) },
  { method: 'POST', path: '/api/v1/auth/signout', expect: SIGNED_IN(204), action: 'signout', fresh: true },
  { method: 'POST', path: '/api/v1/auth/signout-everywhere', expect: SIGNED_IN(204), action: 'signout_everywhere', fresh: true, endsAll: true },
];

function noted(email) {
  noteSecret('email', email);
  return email;
}

test.before(async () => {
  main = {};
  for (const p of PRINCIPALS.slice(1)) main[p] = await sessionOf(p);
  assert.equal(main.professional.account.role, 'professional');
  assert.equal(main.admin.account.role, 'admin');
  // The organisations come with the session (GET /api/v1/session's account).
  const me = await main.editor.call('/api/v1/session');
  [org] = me.json.account.organizations;
  assert.ok(org?.id, `the demo editor has an organisation: ${me.text}`);
  const others = (await main['other editor'].call('/api/v1/session')).json.account.organizations.map((o) => o.id);
  assert.ok(others.length >= 1 && !others.includes(org.id), 'the other editor edits other organisations');
});

test('the authorization matrix: exactly the intended cells succeed', async () => {
  const ids = {};
  const l = await asAdmin('an account that signs in by link', 'POST', '/api/v1/admin/accounts',
    { email: noted(`matrix-linkee-${RUN}@example.org`), role: 'editor', organization_ids: [org.id], lang: 'fi' },
    'account.invite', (r) => r.json.id);
  linkee = { id: l.json.id, email: `matrix-linkee-${RUN}@example.org` };
  ids.site = (await asAdmin('a user site', 'POST', '/api/v1/admin/user-sites',
    { name: `Matriisin asema ${RUN}`, county: 'PS', email_domains: [`matrix-site-${RUN}.example.org`] },
    'user_site.create', (r) => r.json.id)).json.id;
  ids.account = (await asAdmin('an account to rename', 'POST', '/api/v1/admin/accounts',
    { email: noted(`matrix-target-${RUN}@example.org`), role: 'editor', organization_ids: [org.id], lang: 'fi' },
    'account.invite', (r) => r.json.id)).json.id;
  ids.job = await sentMessage();

  const table = [];
  const wrong = [];
  const refused = []; // what the refused writes would have made
  for (const row of ROWS) {
    const cells = [];
    for (const [col, p] of PRINCIPALS.entries()) {
      const c = { path: row.path, ...(await row.prepare?.(p, ids)) };
      const who = row.fresh || p === 'anonymous' ? await sessionOf(p) : main[p];
      const r = await who.call(c.path, { method: row.method, json: c.json });
      cells.push(r.status);
      const want = row.expect[col];
      if (r.status !== want) wrong.push(`${row.method} ${row.path} as ${p}: ${r.status}, intended ${want}: ${r.text.slice(0, 200)}`);
      else if (want === 401 && row.path !== '/api/v1/sms/delivery-reports' && r.json?.error?.code !== 'unauthorized') {
        wrong.push(`${row.method} ${row.path} as ${p}: 401 with code ${r.json?.error?.code}, intended "unauthorized"`);
      } else if (want === 403 && r.json?.error?.code !== 'forbidden') {
        wrong.push(`${row.method} ${row.path} as ${p}: 403 with code ${r.json?.error?.code}, intended "forbidden"`);
      }
      if (r.status >= 200 && r.status < 300 && row.action) {
        writes.push({ what: `${row.method} ${row.path} as ${p}`, action: row.action,
          actor: c.actorIs ?? actor(p), target: c.target?.(r) });
      } else if (row.action) {
        refused.push({ row, p, json: c.json ?? {}, target: c.target?.(r) });
      }
      if (row.endsAll && p !== 'anonymous') main[p] = await sessionOf(p);
    }
    table.push([`${row.method} ${row.path}`, ...cells]);
  }

  const w0 = Math.max(...table.map((r) => r[0].length));
  const w = PRINCIPALS.map((p) => Math.max(p.length, 3));
  const line = (cells) => `report: ${cells[0].padEnd(w0)}  ${cells.slice(1).map((c, i) => String(c).padStart(w[i])).join('  ')}`;
  console.log(line(['endpoint', ...PRINCIPALS]));
  for (const r of table) console.log(line(r));
  assert.deepEqual(wrong, [], `cells that are not the intended ones:\n${wrong.join('\n')}`);

  // A refused write changed nothing.
  const sites = (await main.admin.call('/api/v1/admin/user-sites')).json.items.map((s) => s.name);
  const accounts = JSON.stringify((await main.admin.call(`/api/v1/admin/accounts?q=${encodeURIComponent(RUN)}&limit=200`)).json);
  const editors = JSON.stringify((await main.admin.call(`/api/v1/organizations/${org.id}/editors`)).json);
  const left = [];
  for (const { row, p, json, target } of refused) {
    if (row.action === 'user_site.create' && sites.includes(json.name)) left.push(`${p}: site ${json.name} exists`);
    if (row.action === 'user_site.update' && sites.includes(json.name)) left.push(`${p}: site renamed ${json.name}`);
    if (row.action === 'account.invite' && accounts.includes(json.email)) left.push(`${p}: account ${json.email} exists`);
    if (row.action === 'account.update' && accounts.includes(json.name)) left.push(`${p}: account renamed ${json.name}`);
    if (row.action === 'editor.add' && editors.includes(json.email)) left.push(`${p}: editor ${json.email} added`);
    if (row.action === 'editor.remove' && !editors.includes(target)) left.push(`${p}: editor ${target} removed`);
    if (row.action === 'dead_letter.requeue'
      && psql(`SELECT status FROM notifications WHERE job_id = '${target}'`) !== 'dead') left.push(`${p}: ${target} requeued`);
    if (row.action === 'message.send'
      && psql(`SELECT count(*) FROM notifications WHERE idempotency_key = '${json.idempotency_key}'`) !== '0') left.push(`${p}: message ${json.idempotency_key} queued`);
  }
  assert.deepEqual(left, [], 'a refused write left something behind');
});

test('what only the data can tell: last editor, role mismatch, an existing account', async () => {
  // The other editor is the only editor of one of their organisations.
  const theirs = (await main['other editor'].call('/api/v1/session')).json.account.organizations;
  let alone;
  for (const o of theirs) {
    const list = await main['other editor'].call(`/api/v1/organizations/${o.id}/editors`);
    assert.equal(list.status, 200, list.text);
    if (list.json.items.length === 1) alone = o;
  }
  assert.ok(alone, 'the other editor edits an organisation alone (demo data)');
  const self = main['other editor'].account.id;
  const last = await main['other editor'].call(`/api/v1/organizations/${alone.id}/editors/${self}`, { method: 'DELETE' });
  assert.equal(last.status, 409, last.text);
  assert.equal(last.json.error.code, 'last_editor', last.text);
  // A professional cannot become an editor through an organisation's page.
  const mismatch = await main.editor.call(`/api/v1/organizations/${org.id}/editors`, { method: 'POST', json: { email: EMAIL.professional } });
  assert.equal(mismatch.status, 409, mismatch.text);
  assert.equal(mismatch.json.error.code, 'role_mismatch', mismatch.text);
  const exists = await main.admin.call('/api/v1/admin/accounts', { method: 'POST', json: { email: EMAIL.editor, role: 'editor', organization_ids: [org.id] } });
  assert.equal(exists.status, 409, exists.text);
  assert.equal(exists.json.error.code, 'account_exists', exists.text);
  // An editor's path to another organisation is refused even with a real account id in it.
  const across = await main.editor.call(`/api/v1/organizations/${alone.id}/editors/${self}`, { method: 'DELETE' });
  assert.equal(across.status, 403, across.text);
  const still = await main['other editor'].call(`/api/v1/organizations/${alone.id}/editors`);
  assert.ok(still.json.items.some((e) => e.id === self), 'nothing was removed');
});

test('a funder (issue 15): invited by the admin, signs in by e-mail link, may change nothing', async () => {
  const email = noted(`matrix-funder-${RUN}@example.org`);
  // A funder has no user site and no organisations.
  const withOrg = await main.admin.call('/api/v1/admin/accounts', { method: 'POST',
    json: { email, name: 'Rahoittaja', role: 'funder', organization_ids: [org.id], lang: 'fi' } });
  assert.equal(withOrg.status, 400, withOrg.text);
  assert.equal(withOrg.json.error.field, 'organization_ids', withOrg.text);
  const site = psql('SELECT id FROM user_sites ORDER BY name LIMIT 1');
  const withSite = await main.admin.call('/api/v1/admin/accounts', { method: 'POST',
    json: { email, name: 'Rahoittaja', role: 'funder', user_site_id: site, lang: 'fi' } });
  assert.equal(withSite.status, 400, withSite.text);
  assert.equal(withSite.json.error.field, 'user_site_id', withSite.text);
  const inv = await asAdmin('a funder', 'POST', '/api/v1/admin/accounts',
    { email, name: 'Rahoittaja', role: 'funder', lang: 'fi' }, 'account.invite', (r) => r.json.id);
  assert.equal(inv.json.role, 'funder', inv.text);
  assert.equal(psql(`SELECT role FROM accounts WHERE id = '${inv.json.id}'`), 'funder');

  // The e-mail link, as any account gets it.
  const a = await anon();
  const ask = await a.call('/api/v1/auth/email-link', { method: 'POST', json: { email, lang: 'fi' } });
  assert.equal(ask.status, 202, ask.text);
  let links = [];
  await until(async () => (links = await mailLinks(email)).length > 0, { timeout: 20000, what: 'the funder\'s sign-in mail' });
  const token = links.at(-1).split('#')[1];
  const funder = await signIn(email, token);
  assert.equal(funder.account.role, 'funder', JSON.stringify(funder.account));
  const me = await funder.call('/api/v1/session');
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.account.role, 'funder', me.text);
  assert.equal(me.json.account.user_site, null, me.text);
  assert.deepEqual(me.json.account.organizations, [], me.text);

  // Everything else: 403 as for any role without the right.
  const act = psql(`SELECT id FROM activities WHERE organization_id = '${org.id}' ORDER BY id LIMIT 1`);
  assert.ok(act, 'the editor\'s organisation has an activity (demo data)');
  const before = psql(`SELECT status::text || '/' || version FROM activities WHERE id = '${act}'`);
  const calls = [
    ['GET', '/api/v1/admin/accounts'],
    ['POST', '/api/v1/admin/user-sites', { name: `Rahoittajan asema ${RUN}`, county: 'PS', email_domains: [`funder-${RUN}.example.org`] }],
    ['POST', `/api/v1/editor/organizations/${org.id}/activities`, activityDoc()],
    ['PUT', `/api/v1/editor/activities/${act}`, activityDoc()],
    ['POST', `/api/v1/editor/activities/${act}/status`, { status: 'paused' }],
    ['POST', `/api/v1/editor/activities/${act}/confirm`, {}],
  ];
  const wrong = [];
  const version = psql(`SELECT version FROM activities WHERE id = '${act}'`);
  for (const [method, path, json] of calls) {
    // A valid request (the gateway checks the body and If-Match before it asks the directory).
    const r = await funder.call(path, { method, json, headers: { 'If-Match': `"${version}"` } });
    if (r.status !== 403 || r.json?.error?.code !== 'forbidden') wrong.push(`${method} ${path}: ${r.status} ${r.text.slice(0, 200)}`);
  }
  assert.deepEqual(wrong, [], 'a funder changed or read what it may not');
  assert.equal(psql(`SELECT status::text || '/' || version FROM activities WHERE id = '${act}'`), before, 'the activity is unchanged');
  const out = await funder.call('/api/v1/auth/signout', { method: 'POST' });
  assert.equal(out.status, 204, out.text);
  writes.push({ what: 'the funder signs out', action: 'signout', actor: { id: inv.json.id, role: 'funder' } });
});

test('a user site\'s contact address (issue 15): saved, read back, cleared; a bad one refused', async () => {
  const email = noted(`kyselyt-${RUN}@example.org`);
  const body = { name: `Kyselyasema ${RUN}`, county: 'PS', email_domains: [`kysely-${RUN}.example.org`] };
  const made = await asAdmin('a user site with a contact address', 'POST', '/api/v1/admin/user-sites',
    { ...body, contact_email: email.toUpperCase() }, 'user_site.create', (r) => r.json.id);
  assert.equal(made.json.contact_email, email, made.text);
  const listed = (await main.admin.call('/api/v1/admin/user-sites')).json.items.find((x) => x.id === made.json.id);
  assert.equal(listed?.contact_email, email, JSON.stringify(listed));
  assert.equal(psql(`SELECT contact_email FROM user_sites WHERE id = '${made.json.id}'`), email);
  for (const bad of ['ei-osoite', 'a@b', `kaksi@${RUN}.example.org, toinen@example.org`, 42]) {
    const r = await main.admin.call(`/api/v1/admin/user-sites/${made.json.id}`, { method: 'PUT', json: { ...body, contact_email: bad } });
    assert.equal(r.status, 400, `${bad}: ${r.text}`);
    assert.equal(r.json.error.field, 'contact_email', r.text);
  }
  assert.equal(psql(`SELECT contact_email FROM user_sites WHERE id = '${made.json.id}'`), email, 'a refused save changed nothing');
  const cleared = await asAdmin('the contact address cleared', 'PUT', `/api/v1/admin/user-sites/${made.json.id}`,
    { ...body, contact_email: null }, 'user_site.update', () => made.json.id);
  assert.equal(cleared.json.contact_email, null, cleared.text);
  assert.equal(psql(`SELECT coalesce(contact_email, 'none') FROM user_sites WHERE id = '${made.json.id}'`), 'none');
});

test('every write the matrix made is in the audit log with its actor and time', async () => {
  const all = [...writes, ...helperWrites];
  const rows = await assertAudited(main.admin, T0, all);
  console.log(`report: ${all.length} writes of the authorization matrix, each in the audit log with its actor and time`);
  assert.ok(!JSON.stringify(rows).includes(`matrix-linkee-${RUN}@example.org`), 'no clear-text address in the audit rows');
});
