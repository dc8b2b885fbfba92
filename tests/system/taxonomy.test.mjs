// The admin's taxonomy editing reaches the search (issue 13, "Admin"): a
// new synonym finds its term's activities in free text at once; a changed
// label or an activated term reaches the taxonomies document through an
// incremental index refresh (no full rebuild); a new term, which adds a
// facet value, through a full build.  Times are printed, not asserted
// (speed is measured in make bench); each wait is bounded.
import test from 'node:test';
import assert from 'node:assert/strict';
import { signIn, http, until, readLog, ifMatch } from './lib.mjs';

const ADMIN = 'koordinaattori@hyvinvointialue.example.org';
let admin;

test.before(async () => {
  admin = await signIn(ADMIN);
});

// Letters only: the free-text search reads letters and digits, and a word
// of letters cannot be a typo of a real one.
function word() {
  let w = 'sanaz';
  for (let i = 0; i < 8; i++) w += String.fromCharCode(97 + Math.floor(Math.random() * 26));
  return w;
}

// The index builds the directories logged since 'since' (an ISO time; both
// instances, if a second one runs or ran).
function builds(since) {
  return ['directory-1', 'directory-2'].flatMap((name) => readLog(name).split('\n')
    .filter((l) => l.includes('"search index built"')).map((l) => ({ name, ...JSON.parse(l) })))
    .filter((b) => b.ts >= since);
}

const editable = ({ version, updated_at, ...t }) => t;

async function term(id) {
  const r = await admin.call('/api/v1/admin/taxonomy');
  assert.equal(r.status, 200, r.text);
  return [...r.json.needs, ...r.json.kinds, ...r.json.target_groups].find((t) => t.id === id);
}

async function save(t, method = 'PUT') {
  const path = method === 'PUT' ? `/api/v1/admin/taxonomy/${t.id}` : '/api/v1/admin/taxonomy';
  const r = await admin.call(path, { method, json: editable(t) });
  assert.equal(r.status, method === 'PUT' ? 200 : 201, r.text);
  return r;
}

test('a new synonym of a need finds that need\'s activities in free text, and taking it away loses them', async () => {
  const memory = await term('memory');
  assert.ok(memory, 'the demo need "memory" exists');
  const w = word();
  const byNeed = await http('/api/v1/activities?need=memory&per_page=1');
  assert.ok(byNeed.json.total > 0, 'the demo has activities for the need');
  assert.equal((await http(`/api/v1/activities?q=${w}`)).json.total, 0, 'the word finds nothing before');

  const t0 = Date.now();
  await save({ ...memory, synonyms: { ...memory.synonyms, fi: [...memory.synonyms.fi, w] } });
  const found = await until(async () => {
    const r = await http(`/api/v1/activities?q=${w}&per_page=1`);
    return r.json.total > 0 && r;
  }, { timeout: 5000, every: 20, what: `q=${w} to find the need's activities` });
  const ms = Date.now() - t0;
  assert.equal(found.json.total, byNeed.json.total, 'the synonym stands for the need: the same activities');
  const listed = await until(async () => (await http('/api/v1/taxonomies')).json.needs
    .find((t) => t.id === 'memory')?.synonyms.fi.includes(w), { timeout: 5000, every: 20, what: 'the synonym in /api/v1/taxonomies' });
  assert.ok(listed);
  console.log(`report: a new synonym found the need's ${found.json.total} activities ${ms} ms after the save answered`);

  await save({ ...memory, synonyms: memory.synonyms });
  await until(async () => (await http(`/api/v1/activities?q=${w}`)).json.total === 0,
    { timeout: 5000, every: 20, what: 'the removed synonym to find nothing' });
});

test('a changed label reaches /api/v1/taxonomies by an index refresh, a new term by a full build', async () => {
  const id = `tx-${Date.now().toString(36)}`;
  const fresh = {
    id, taxonomy: 'kind', parent_id: null,
    label: { fi: `Koelaji ${id}`, sv: `Provtyp ${id}`, en: `Test kind ${id}` },
    synonyms: { fi: [], sv: [], en: [] }, icd10: [], position: 950, active: true,
  };
  // A new term adds a facet value: a full build.
  let seen = new Date().toISOString();
  await save(fresh, 'POST');
  await until(async () => (await http(`/api/v1/activities?kind=${id}`)).status === 200,
    { timeout: 10000, every: 50, what: 'the new kind to be a known filter' });
  const created = await until(() => builds(seen).some((b) => b.how === 'full') && builds(seen),
    { timeout: 2000, what: 'the full build in the log' }).catch(() => builds(seen));
  assert.ok(created.some((b) => b.how === 'full'), `a full build after the new term: ${JSON.stringify(created)}`);
  assert.ok((await http('/api/v1/taxonomies')).json.kinds.some((t) => t.id === id), 'the new kind is listed');

  // A label: the snapshot's taxonomies document is read again, no full build.
  seen = new Date().toISOString();
  const t0 = Date.now();
  await save({ ...fresh, label: { ...fresh.label, fi: `Muutettu ${id}` } });
  await until(async () => (await http('/api/v1/taxonomies')).json.kinds.find((t) => t.id === id)?.label.fi === `Muutettu ${id}`,
    { timeout: 5000, every: 20, what: 'the new label in /api/v1/taxonomies' });
  const ms = Date.now() - t0;
  // The log line follows the snapshot's swap: wait for it too.
  const relabelled = await until(() => builds(seen).length > 0 && builds(seen), { timeout: 2000, what: 'the refresh in the log' });
  assert.ok(relabelled.length > 0 && relabelled.every((b) => b.how === 'changes'),
    `only incremental refreshes after a label change: ${JSON.stringify(relabelled)}`);
  console.log(`report: a changed label was in /api/v1/taxonomies ${ms} ms after the save answered (${relabelled.map((b) => `${b.name} ${b.ms} ms`).join(', ')})`);

  // Deactivated: out of the document, again without a full build.
  seen = new Date().toISOString();
  await save({ ...fresh, label: { ...fresh.label, fi: `Muutettu ${id}` }, active: false });
  await until(async () => !(await http('/api/v1/taxonomies')).json.kinds.some((t) => t.id === id),
    { timeout: 5000, every: 20, what: 'the deactivated kind to leave /api/v1/taxonomies' });
  const deactivated = await until(() => builds(seen).length > 0 && builds(seen), { timeout: 2000, what: 'the refresh in the log' });
  assert.ok(deactivated.length > 0 && deactivated.every((b) => b.how === 'changes'),
    `deactivating needs no full build: ${JSON.stringify(deactivated)}`);
});
