// The directory checks a session's principal against the account as the
// database has it now (services/directory/principal.c): when an account is
// disabled or its role or organisations change, the gateway ends its
// sessions, but should that fail (Redis away at that moment) the session
// must not go on acting with powers the account no longer has.  Here the
// account is changed behind the gateway's back, with SQL, so that the
// gateway ends nothing and only the directory's check stands.
import test from 'node:test';
import assert from 'node:assert/strict';
import { signIn, psql, noteSecret } from './lib.mjs';

const ADMIN = 'koordinaattori@hyvinvointialue.example.org';
let admin;
let org;

test.before(async () => {
  admin = await signIn(ADMIN);
  org = psql("SELECT id FROM organizations WHERE status = 'approved' ORDER BY name LIMIT 1");
});

/** A new editor of org, signed in, whose call works; {ed, id}. */
async function freshEditor(tag) {
  const email = `ajantasa-${tag}-${Date.now()}@example.org`;
  noteSecret('email', email);
  const r = await admin.call('/api/v1/admin/accounts', {
    method: 'POST', json: { email, name: 'Ajan Tasalla', role: 'editor', organization_ids: [org], lang: 'fi' },
  });
  assert.equal(r.status, 201, r.text);
  const ed = await signIn(email);
  const ok = await ed.call(`/api/v1/organizations/${org}/editors`);
  assert.equal(ok.status, 200, `the new editor's call works: ${ok.text}`);
  return { ed, id: r.json.id };
}

const editors = () => `/api/v1/organizations/${org}/editors`;

test('a session whose account was disabled is refused: session_ended', async () => {
  const { ed, id } = await freshEditor('disabled');
  psql(`UPDATE accounts SET disabled_at = now() WHERE id = '${id}'`);
  const r = await ed.call(editors());
  assert.equal(r.status, 401, r.text);
  assert.equal(r.json.error.code, 'session_ended');
  const w = await ed.call(editors(), { method: 'POST', json: { email: `ajantasa-x-${Date.now()}@example.org`, lang: 'fi' } });
  assert.equal(w.status, 401, 'a write too');
});

test('a session whose account lost the organisation is refused: session_stale', async () => {
  const { ed, id } = await freshEditor('orgs');
  psql(`DELETE FROM account_organizations WHERE account_id = '${id}'`);
  const r = await ed.call(editors());
  assert.equal(r.status, 401, r.text);
  assert.equal(r.json.error.code, 'session_stale');
});

test('a session whose account changed role is refused: session_stale', async () => {
  const { ed, id } = await freshEditor('role');
  psql(`DELETE FROM account_organizations WHERE account_id = '${id}'; UPDATE accounts SET role = 'admin' WHERE id = '${id}'`);
  const r = await ed.call(editors());
  assert.equal(r.status, 401, r.text);
  assert.equal(r.json.error.code, 'session_stale');
  // Signing in again gives the account's current powers.
  const again = await signIn((psql(`SELECT email FROM accounts WHERE id = '${id}'`)));
  assert.equal(again.account.role, 'admin');
  assert.equal((await again.call('/api/v1/admin/audit?limit=1')).status, 200);
});

test('an unchanged session goes on working, and public calls never look', async () => {
  assert.equal((await admin.call('/api/v1/admin/user-sites')).status, 200);
  assert.equal((await admin.call('/api/v1/activities?per_page=1')).status, 200);
});
