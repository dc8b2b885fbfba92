// Freshness in the search (issue 13, docs/selfservice.md "Search"): of two
// equal activities (the same texts, terms, area and assured_date) the one
// marked unverified ranks below the verified one, in a filter-only search
// and in a free-text search, although its id (the last tie-break) would put
// it first; a second pair shows the same against the name tie-break.  Items
// and details carry "unverified".  A hidden activity is in neither search and
// its public detail is 404, while HSDS still serves it.  The freshness is set
// with SQL: only the scheduler moves an activity away from current, and
// nothing here moves it back.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { http, psql, until, signIn, activityDoc, activeTerms, createActivity, searchIds } from './lib.mjs';

const EDITOR = 'toimitus@mielenterveysseura.example.org';
const ORG = 'd0000000-0000-4000-8000-000000000006';
// A word of letters only, found by the free-text search and in nothing else.
const WORD = `sijoitus${[...randomBytes(6)].map((b) => String.fromCharCode(97 + (b % 26))).join('')}`;

let ed;
let NEED; let KIND;
let pairId; // {verified, unverified}: the same name, the unverified with the smaller id
let pairName; // {verified, unverified}: the unverified with the earlier name
let hidden;

const same = (name) => activityDoc({
  name, summary: `Tasavertainen toiminta ${WORD}`, description: `Kuvaus ${WORD}`, needs: [NEED], kinds: [KIND],
  area: { type: 'municipalities', municipalities: ['297'] }, languages: ['fi'], status: 'published',
});

async function item(params, id) {
  for (let page = 1; page <= 20; page++) {
    const r = await http(`/api/v1/activities?${new URLSearchParams({ ...params, per_page: '100', page: String(page) })}`);
    assert.equal(r.status, 200, r.text);
    const found = r.json.items.find((i) => i.id === id);
    if (found) return found;
    if (r.json.items.length < 100) return undefined;
  }
  return undefined;
}

/** Waits (bounded) until a search no longer lists the hidden one; fails naming the instances that answer. */
async function hiddenGone(params) {
  const t0 = Date.now();
  try {
    await until(async () => !(await searchIds(params, { pages: 20 })).includes(hidden.id), { timeout: 3000, what: 'the hidden one out of the search' });
  } catch (e) {
    const seen = new Set();
    for (let i = 0; i < 10; i++) seen.add((await http('/api/v1/ping')).json?.instance);
    assert.fail(`${JSON.stringify(params)} still lists the hidden activity ${hidden.id} ${Date.now() - t0} ms after the check began `
      + `(instances answering: ${[...seen].join(', ')}; freshness in the database: ${psql(`SELECT freshness FROM activities WHERE id = '${hidden.id}'`)})`);
  }
}

async function positions(params, ids) {
  const all = await searchIds(params, { pages: 20 });
  return ids.map((id) => all.indexOf(id));
}

test.before(async () => {
  ed = await signIn(EDITOR);
  [NEED] = activeTerms('need');
  [KIND] = activeTerms('kind');
  const name = `Tasapeli ${WORD}`;
  const a = await createActivity(ed, ORG, same(name));
  const b = await createActivity(ed, ORG, same(name));
  // PostgreSQL orders uuids as their hex text.
  const [lo, hi] = [a, b].sort((x, y) => (x.id < y.id ? -1 : 1));
  pairId = { unverified: lo, verified: hi };
  const first = await createActivity(ed, ORG, same(`Aaaa ${WORD}`));
  const second = await createActivity(ed, ORG, same(`Bbbb ${WORD}`));
  pairName = { unverified: first, verified: second };
  hidden = await createActivity(ed, ORG, same(`Piilotettu ${WORD}`));
  // Equal dates (they were made today; make sure).
  const ids = [lo, hi, first, second, hidden].map((x) => `'${x.id}'`).join(',');
  psql(`UPDATE activities SET assured_date = (SELECT max(assured_date) FROM activities WHERE id IN (${ids})) WHERE id IN (${ids})`);
  // Without the rule, the id and the name would rank the unverified first.
  await until(async () => {
    const [u, v, f, s] = await positions({ need: NEED, kind: KIND, municipality: '297' },
      [lo.id, hi.id, first.id, second.id]);
    return u >= 0 && v >= 0 && f >= 0 && s >= 0 && u < v && f < s;
  }, { timeout: 5000, what: 'all four current, in the order of the tie-breaks' });
  psql(`UPDATE activities SET freshness = 'unverified' WHERE id IN ('${lo.id}', '${first.id}')`);
  psql(`UPDATE activities SET freshness = 'hidden' WHERE id = '${hidden.id}'`);
  await until(async () => (await item({ q: WORD }, lo.id))?.unverified === true
    && (await item({ q: WORD }, first.id))?.unverified === true
    && !(await searchIds({ q: WORD })).includes(hidden.id), { timeout: 5000, what: 'the index to follow the freshness' });
});

test('a filter-only search ranks the unverified one below its equal, against the id and the name tie-breaks', async () => {
  const params = { need: NEED, kind: KIND, municipality: '297' };
  const [u, v, f, s, h] = await positions(params, [pairId.unverified.id, pairId.verified.id, pairName.unverified.id,
    pairName.verified.id, hidden.id]);
  assert.ok(v >= 0 && u >= 0, 'both listed');
  assert.ok(v < u, `verified at ${v}, unverified at ${u}`);
  assert.ok(s < f, `verified (later name) at ${s}, unverified (earlier name) at ${f}`);
  if (h !== -1) await hiddenGone(params);
  assert.equal((await item(params, pairId.unverified.id)).unverified, true);
  assert.equal((await item(params, pairId.verified.id)).unverified, false);
  // Every current item before every unverified one, across the whole result.
  const flags = [];
  for (let page = 1; page <= 20; page++) {
    const r = await http(`/api/v1/activities?${new URLSearchParams({ ...params, per_page: '100', page: String(page) })}`);
    flags.push(...r.json.items.map((i) => i.unverified));
    if (r.json.items.length < 100) break;
  }
  const firstUnverified = flags.indexOf(true);
  assert.ok(firstUnverified >= 0 && flags.slice(firstUnverified).every((x) => x === true),
    `every verified item before every unverified one: ${flags.join(',')}`);
  console.log(`report: filter-only: verified at ${v}, its unverified twin at ${u}; by name: ${s} before ${f}`);
});

test('a free-text search ranks the unverified one below its equal', async () => {
  const params = { q: WORD };
  const all = await searchIds(params, { pages: 5 });
  assert.deepEqual([...all].sort(), [pairId.unverified.id, pairId.verified.id, pairName.unverified.id, pairName.verified.id].sort(),
    'exactly the four visible ones hit');
  const [u, v, f, s] = [pairId.unverified.id, pairId.verified.id, pairName.unverified.id, pairName.verified.id].map((id) => all.indexOf(id));
  assert.ok(v < u, `verified at ${v}, unverified at ${u}`);
  assert.ok(s < f, `verified at ${s}, unverified at ${f}`);
  assert.ok(Math.max(v, s) < Math.min(u, f), `both verified before both unverified: ${all}`);
  const withFilters = await searchIds({ q: WORD, need: NEED, municipality: '297' });
  assert.ok(withFilters.indexOf(pairId.verified.id) < withFilters.indexOf(pairId.unverified.id), 'also with filters');
  console.log(`report: free text: verified at ${v} and ${s}, unverified at ${u} and ${f}`);
});

test('the details carry "unverified"; a hidden activity is 404 in the public API but HSDS keeps it', async () => {
  const du = await http(`/api/v1/activities/${pairId.unverified.id}`);
  assert.equal(du.status, 200, du.text);
  assert.equal(du.json.unverified, true);
  const dv = await http(`/api/v1/activities/${pairId.verified.id}`);
  assert.equal(dv.json.unverified, false);
  const dh = await http(`/api/v1/activities/${hidden.id}`);
  assert.equal(dh.status, 404, dh.text);
  await hiddenGone({ need: NEED, kind: KIND, municipality: '297' });
  assert.ok(!(await searchIds({ q: `Piilotettu ${WORD}` })).includes(hidden.id));
  const hs = await http(`/hsds/services/${hidden.id}`);
  assert.equal(hs.status, 200, `HSDS keeps the hidden one: ${hs.text.slice(0, 200)}`);
  assert.equal(hs.json.id, hidden.id);
  assert.ok(hs.text.includes(hidden.assured_date), 'HSDS carries its assured_date');
  // The editor still sees it, with its freshness.
  const e = await ed.call(`/api/v1/editor/activities/${hidden.id}`);
  assert.equal(e.status, 200, e.text);
  assert.equal(e.json.freshness, 'hidden');
  assert.equal(psql(`SELECT status FROM activities WHERE id = '${hidden.id}'`), 'published', 'nothing is deleted or unpublished');
});
