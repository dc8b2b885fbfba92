// The directory's replies stay within the gateway's frame limit
// (RPC_MAX_FRAME in lib/rpc.h, 1 MiB): an organisation whose document would
// be larger is answered with an error, and the connection between the
// gateway and the directory survives it, so the calls in flight and those
// after it are answered as usual instead of failing with 503.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { http, psql, until } from './lib.mjs';

const ORG = 'b3f1c2d4-0000-4000-8000-00000000d1a1';
const A = (i) => `b3f1c2d4-0000-4000-8000-0000000${String(i).padStart(5, '0')}`;
const ACTS = [A(1), A(2), A(3)];
const FRAME = 1024 * 1024;

const CLEANUP = `
  DELETE FROM activities WHERE organization_id = '${ORG}';
  DELETE FROM organizations WHERE id = '${ORG}';`;

async function total() {
  const r = await http('/api/v1/activities?per_page=1');
  assert.equal(r.status, 200, r.text.slice(0, 300));
  return r.json.total;
}

let before0;

before(async () => {
  psql(CLEANUP);
  // The index holds the demo data before we count on it.
  await until(async () => (await total()) > 100, { timeout: 15000, what: 'the demo data' });
  before0 = await total();
  // Some 400 KB of description and three activities of some 250 KB each:
  // every activity alone, and a page of all three, fit a frame; the
  // organisation's document with all of them does not.
  psql(`
    INSERT INTO organizations (id, name, frame, description, status) VALUES
      ('${ORG}', 'Kuvitteellinen Suuri Testiyhdistys ry', 'association',
       repeat('Kuvitteellinen pitkä kuvaus yhdistyksestä. ', 9000), 'approved');
    INSERT INTO activities (id, organization_id, name, summary, how_to_join, area_type,
                            takes_new, status) VALUES
      ${ACTS.map((id, i) => `('${id}', '${ORG}', 'Kuvitteellinen suuri ryhmä ${i + 1}',
        'Testiaineisto.', repeat('Ilmoittaudu etukäteen, kiitos. ', 8000), 'nationwide',
        true, 'published')`).join(',\n')};`);
  await until(async () => (await total()) === before0 + ACTS.length,
    { timeout: 15000, what: 'the index to hold the large activities' });
});

after(async () => {
  psql(CLEANUP);
  await until(async () => (await total()) === before0,
    { timeout: 15000, what: 'the index to drop the large activities' });
});

test('an organisation document over the frame limit is an error, not a lost connection', async () => {
  const detail = psql(`SELECT a.id FROM activities a JOIN organizations o ON o.id = a.organization_id
    WHERE a.status = 'published' AND o.status = 'approved' AND o.id <> '${ORG}' LIMIT 1`);
  assert.match(detail, /^[0-9a-f-]{36}$/, 'a demo activity to ask for');
  // The parts are within the limit, their sum is not.
  const item = await http(`/api/v1/activities/${ACTS[0]}`, { timeout: 10000 });
  assert.equal(item.status, 200, item.text.slice(0, 300));
  assert.ok(item.text.length < FRAME / 2);

  // The large document and, while it is under way, ordinary calls on the
  // same connection: searches (answered at once) and details (by workers).
  let settled = false;
  const big = http(`/api/v1/organizations/${ORG}`, { timeout: 10000 })
    .finally(() => { settled = true; });
  const others = [];
  for (let i = 0; i < 200 && (!settled || others.length < 20); i++) {
    others.push(http(i % 2 ? `/api/v1/activities/${detail}` : '/api/v1/activities?need=memory',
      { timeout: 10000 }));
    await new Promise((resolve) => setImmediate(resolve));
    if (i % 10 === 9) await Promise.race([big, new Promise((resolve) => setTimeout(resolve, 5))]);
  }
  const r = await big;
  assert.notEqual(r.status, 503, `the large document: ${r.text.slice(0, 300)}`);
  assert.ok(r.status >= 400, `the large document is refused: ${r.status}`);
  assert.ok(r.json?.error, `a JSON error: ${r.text.slice(0, 300)}`);
  assert.match(r.json.error.message, /too large/);

  const answers = await Promise.all(others);
  const bad = answers.filter((a) => a.status !== 200).map((a) => `${a.status} ${a.text.slice(0, 100)}`);
  assert.deepEqual(bad, [], `every call alongside it was answered (${answers.length} calls)`);

  // And right after it.
  const next = await http('/api/v1/activities?need=memory');
  assert.equal(next.status, 200, next.text.slice(0, 300));
  const again = await http(`/api/v1/activities/${detail}`);
  assert.equal(again.status, 200, again.text.slice(0, 300));
});

test('an organisation under the limit is still answered in full', async () => {
  psql(`UPDATE activities SET status = 'draft' WHERE id = '${ACTS[2]}'`);
  try {
    await until(async () => (await total()) === before0 + 2,
      { timeout: 15000, what: 'the index to drop one large activity' });
    psql(`UPDATE organizations SET description = 'Lyhyt kuvaus.' WHERE id = '${ORG}'`);
    const r = await until(async () => {
      const x = await http(`/api/v1/organizations/${ORG}`, { timeout: 10000 });
      return x.status === 200 && x;
    }, { timeout: 15000, what: 'the organisation to be answered' });
    assert.equal(r.json.id, ORG);
    assert.deepEqual(r.json.activities.map((a) => a.id).sort(), [ACTS[0], ACTS[1]]);
  } finally {
    psql(`UPDATE activities SET status = 'published' WHERE id = '${ACTS[2]}'`);
  }
});
