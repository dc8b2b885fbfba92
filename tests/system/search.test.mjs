// The search API against the demo data the stack loads (docs/api-v1.md):
// facet counts against a brute-force count, coverage of county-wide,
// nationwide and online activities, free text (compounds, inflections,
// typos, Swedish, English, ICD-10 codes), what must never appear, bad
// input, and a change in the database (also to the text) showing through
// a second directory instance within a second.
import test from 'node:test';
import assert from 'node:assert/strict';
import { INTERNAL_URL, http, env, stack, until, psql } from './lib.mjs';

const DIMS = ['need', 'kind', 'target_group', 'municipality', 'county', 'language', 'takes_new'];

async function get(path) {
  const r = await http(path);
  assert.equal(r.status, 200, `${path}: ${r.text.slice(0, 300)}`);
  return r.json;
}

/** Every item of a search, through all its pages. */
async function all(params = {}) {
  const items = [];
  for (let page = 1; page < 100; page++) {
    const qs = new URLSearchParams({ ...params, per_page: '100', page: String(page) });
    const r = await get(`/api/v1/activities?${qs}`);
    items.push(...r.items);
    if (items.length >= r.total || r.items.length === 0) return { items, total: r.total, first: r };
  }
  throw new Error('too many pages');
}

// A small seeded generator, so that a failure can be reproduced.
function rng(seed) {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}
const pick = (r, xs) => xs[Math.floor(r() * xs.length)];

let REF; // { items, muni: Map code -> county, counties: [keys] }

async function ref() {
  if (REF) return REF;
  // The demo data is loaded just before the tests; the index follows it.
  await until(async () => (await get('/api/v1/activities?per_page=1')).total > 100,
    { timeout: 15000, what: 'the search index to hold the demo data' });
  const m = await get('/api/v1/municipalities');
  const { items } = await all();
  REF = {
    items,
    muni: new Map(m.municipalities.map((x) => [x.code, x.county])),
    counties: m.counties.map((c) => c.key),
  };
  return REF;
}

/** The facet values of an item, by dimension, under the coverage rule. */
function values(item, R) {
  const a = item.area;
  let munis; let counties;
  if (a.type === 'municipalities') {
    munis = a.municipalities;
    counties = [...new Set(munis.map((c) => R.muni.get(c)))];
  } else if (a.type === 'county') {
    munis = [...R.muni].filter(([, k]) => k === a.county).map(([c]) => c);
    counties = [a.county];
  } else {
    munis = [...R.muni.keys()];
    counties = R.counties;
  }
  return {
    need: item.needs, kind: item.kinds, target_group: item.target_groups,
    municipality: munis, county: counties, language: item.languages,
    takes_new: [String(item.takes_new)],
  };
}

function matches(vals, filters, except) {
  return Object.entries(filters).every(([d, v]) => d === except || vals[d].includes(v));
}

test('the index holds exactly the published activities of approved organisations', async () => {
  const R = await ref();
  const want = psql(`SELECT a.id FROM activities a JOIN organizations o ON o.id = a.organization_id
                     WHERE a.status = 'published' AND o.status = 'approved' AND a.freshness <> 'hidden' ORDER BY 1`).split('\n');
  assert.deepEqual(R.items.map((i) => i.id).sort(), want);
  assert.equal(new Set(R.items.map((i) => i.id)).size, R.items.length, 'no duplicates across pages');
  // Verified before unverified (issue 13), then by assured_date, most recently verified first.
  const keys = R.items.map((i) => `${i.unverified ? 1 : 0}|${i.assured_date || ''}`);
  const byKey = [...keys].sort((x, y) => (x[0] !== y[0] ? x[0].localeCompare(y[0]) : y.localeCompare(x)));
  assert.deepEqual(keys, byKey);
});

test('unpublished, paused, archived activities and those of pending or rejected organisations never appear', async () => {
  const R = await ref();
  const hidden = psql(`SELECT a.id || '|' || a.name FROM activities a JOIN organizations o ON o.id = a.organization_id
                       WHERE a.status <> 'published' OR o.status <> 'approved'`).split('\n').filter(Boolean)
    .map((l) => ({ id: l.slice(0, 36), name: l.slice(37) }));
  assert.ok(hidden.length >= 5, 'the demo data has hidden activities to test with');
  const shown = new Set(R.items.map((i) => i.id));
  for (const h of hidden) {
    assert.ok(!shown.has(h.id), `${h.name} must not be listed`);
    const byName = await get(`/api/v1/activities?per_page=100&q=${encodeURIComponent(h.name)}`);
    assert.ok(!byName.items.some((i) => i.id === h.id), `${h.name} must not be found by its name`);
    assert.equal((await http(`/api/v1/activities/${h.id}`)).status, 404);
  }
});

test('facet counts equal a brute-force count for random filter combinations', async () => {
  const R = await ref();
  const r = rng(20251123);
  const vals = R.items.map((i) => values(i, R));
  let found = 0; let filtered = 0; let empty = 0;
  for (let round = 0; round < 25; round++) {
    // Filters drawn from a real item, so that most combinations find something.
    const base = pick(r, vals);
    const filters = {};
    for (const d of DIMS) {
      if (d === 'county' && filters.municipality) continue;
      if (r() < (d === 'need' || d === 'kind' || d === 'municipality' ? 0.6 : 0.25)) {
        filters[d] = r() < 0.85 ? pick(r, base[d]) : pick(r, pick(r, vals)[d]);
      }
    }
    if (r() < 0.2) { delete filters.municipality; filters.county = pick(r, R.counties); }
    const qs = new URLSearchParams({ ...filters, per_page: '100' });
    const res = await get(`/api/v1/activities?${qs}`);
    const hits = R.items.filter((_, i) => matches(vals[i], filters));
    assert.equal(res.total, hits.length, `total for ${qs}`);
    if (hits.length) found++; else empty++;
    filtered += Object.keys(filters).length;
    assert.deepEqual(res.items.map((i) => i.id), hits.slice(0, 100).map((i) => i.id), `items for ${qs}`);
    for (const d of DIMS) {
      const want = {};
      vals.forEach((v, i) => {
        if (!matches(v, filters, d)) return;
        for (const x of v[d]) want[x] = (want[x] || 0) + 1;
      });
      assert.deepEqual(sortKeys(res.facets[d]), sortKeys(want), `facet ${d} for ${qs}`);
    }
    if (res.total === 0) {
      assert.ok(res.broader === null || (res.broader.drop in filters && res.broader.total > 0),
        `broader for ${qs}: ${JSON.stringify(res.broader)}`);
    } else {
      assert.equal(res.broader, null);
    }
  }
  console.log(`# 25 random searches: ${found} with results, ${empty} empty, ${filtered} filters in all`);
  assert.ok(found >= 10 && filtered >= 40, 'the draws exercise real combinations');
});

function sortKeys(o) {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

// The directory answers searches by need, kind and municipality alone
// from count tables built with the snapshot, not from the bitmaps: every
// subset of the three, against the same brute force, broader included.
test('need, kind and municipality in every combination: totals, pages, facets and broader equal a brute-force count', async () => {
  const R = await ref();
  const r = rng(20251124);
  const vals = R.items.map((i) => values(i, R));
  const t = await get('/api/v1/taxonomies');
  // Every value there is, also those no activity has.
  const every = {
    need: t.needs.map((x) => x.id), kind: t.kinds.map((x) => x.id), municipality: [...R.muni.keys()],
  };
  const count = (filters) => vals.filter((v) => matches(v, filters)).length;
  const subsets = [['need'], ['kind'], ['municipality'], ['need', 'kind'], ['need', 'municipality'],
    ['kind', 'municipality'], ['need', 'kind', 'municipality']];
  let found = 0; let empty = 0; let broader = 0;
  for (const dims of subsets) {
    for (let round = 0; round < 40; round++) {
      const base = pick(r, vals);
      const filters = {};
      for (const d of dims) filters[d] = r() < 0.75 && base[d].length ? pick(r, base[d]) : pick(r, every[d]);
      const params = { ...filters };
      if (r() < 0.5) params.per_page = '100';
      const qs = new URLSearchParams(params);
      const res = await get(`/api/v1/activities?${qs}`);
      const hits = R.items.filter((_, i) => matches(vals[i], filters));
      assert.equal(res.total, hits.length, `total for ${qs}`);
      assert.deepEqual(res.items.map((i) => i.id), hits.slice(0, Number(params.per_page || 20)).map((i) => i.id),
        `items for ${qs}`);
      for (const d of DIMS) {
        const want = {};
        vals.forEach((v) => {
          if (!matches(v, filters, d)) return;
          for (const x of v[d]) want[x] = (want[x] || 0) + 1;
        });
        assert.deepEqual(sortKeys(res.facets[d]), sortKeys(want), `facet ${d} for ${qs}`);
      }
      // docs/api-v1.md: kind first, then the municipality's county, then
      // the municipality dropped; need never.
      let want = null;
      if (hits.length === 0) {
        const without = (d) => Object.fromEntries(Object.entries(filters).filter(([k]) => k !== d));
        const county = filters.municipality && R.muni.get(filters.municipality);
        let n;
        if (filters.kind && (n = count(without('kind')))) {
          want = { drop: 'kind', total: n };
        } else if (county && (n = count({ ...without('municipality'), county }))) {
          want = { drop: 'municipality', county, total: n };
        } else if (filters.municipality && (n = count(without('municipality')))) {
          want = { drop: 'municipality', total: n };
        }
      }
      assert.deepEqual(res.broader, want, `broader for ${qs}`);
      if (hits.length) found++; else empty++;
      if (want) broader++;
    }
  }
  console.log(`# ${subsets.length * 40} searches by need, kind and municipality: ${found} with results, ` +
    `${empty} empty, ${broader} with a broader search`);
  assert.ok(found >= 100 && empty >= 20 && broader >= 10, 'the draws exercise hits, misses and broader searches');
});

test('county-wide, nationwide and online activities appear under every municipality they cover', async () => {
  const R = await ref();
  for (const type of ['county', 'nationwide', 'online']) {
    const item = R.items.find((i) => i.area.type === type);
    assert.ok(item, `the demo data has a ${type} activity`);
    const covered = values(item, R).municipality;
    const sample = type === 'county' ? covered
      : [...covered.filter((_, i) => i % 37 === 0), '749', '091', '478', '698'];
    for (const code of sample) {
      const qs = new URLSearchParams({ municipality: code, need: item.needs[0], kind: item.kinds[0], per_page: '100' });
      const res = await get(`/api/v1/activities?${qs}`);
      assert.ok(res.items.some((i) => i.id === item.id), `${type} activity ${item.name} under ${code}`);
      assert.ok(res.facets.municipality[code] >= 1);
    }
    if (type === 'county') {
      const outside = [...R.muni].find(([, k]) => k !== item.area.county)[0];
      const res = await get(`/api/v1/activities?municipality=${outside}&per_page=100`);
      assert.ok(!res.items.some((i) => i.id === item.id), 'not outside its county');
    }
  }
});

test('free text: compounds, inflected Finnish, one- and two-letter typos, Swedish, English and ICD-10 codes', async () => {
  const parkinson = (i) => /parkinson/i.test(i.name);
  const cases = [
    // Compounds whose parts are in the data but the compound is not.
    ['muistisairausryhmä', (i) => i.needs.includes('memory')],
    ['parkinsonliikunta', parkinson, 1],
    ['masennusryhmä', (i) => i.needs.includes('mental-health')],
    // Inflected and derived forms (masentuneille: masentunut <- masentaa -> masennus).
    ['masentuneille', (i) => i.needs.includes('mental-health')],
    ['omaishoitajille', (i) => i.needs.includes('caregivers')],
    // Two letters wrong.
    ['omaishotja', (i) => i.needs.includes('caregivers')],
    // English.
    ['caregiver', (i) => i.needs.includes('caregivers')],
    ['dementia', (i) => i.needs.includes('memory')],
    // Through each of the crosswalk's Finnish terms of its codes, not only
    // the first: stroke -> aivoverenkiertohäiriö, which the AVH group says.
    ['stroke', (i) => /^AVH/.test(i.name), 1],
    // A code ranks the activities of that very condition first.
    ['G20', parkinson, 1], // one Parkinson activity in the demo data
    ['muistisairaille', (i) => i.needs.includes('memory')],
    ['vertaistukiryhmät', (i) => i.kinds.includes('peer-support')],
    ['muistisairsus', (i) => i.needs.includes('memory')],          // one letter wrong
    ['omaishoitja', (i) => i.needs.includes('caregivers')],          // one letter missing
    ['anhöriga', (i) => i.needs.includes('caregivers') || i.target_groups.includes('relatives')],
    ['minnessjukdom', (i) => i.needs.includes('memory')],
    ['G30', (i) => i.needs.includes('memory')],
    ['F32.1', (i) => i.needs.includes('mental-health')],
    ['g30', (i) => i.needs.includes('memory')],
  ];
  for (const [q, fits, most = 3] of cases) {
    const res = await get(`/api/v1/activities?q=${encodeURIComponent(q)}&per_page=5`);
    assert.ok(res.total > 0, `'${q}' finds something`);
    assert.ok(fits(res.items[0]), `'${q}': the best hit fits (${res.items[0].name})`);
    const fitting = res.items.filter(fits).length;
    assert.ok(fitting >= Math.min(most, res.items.length), `'${q}': most top hits fit`);
  }
  // The query's own words count above a translation: the Swedish group
  // that says "anhöriga" comes before the Finnish ones found through
  // omaishoitaja; a Swedish word finds its compounds by prefix (Snowball
  // does not split them: stöd -> Stödperson).
  const sv = (i) => i.languages.includes('sv');
  assert.ok(sv((await get('/api/v1/activities?q=anh%C3%B6riga&per_page=1')).items[0]), 'anhöriga: a Swedish activity first');
  assert.ok((await get('/api/v1/activities?q=st%C3%B6d&per_page=20')).items.some((i) => /^Stödperson/.test(i.name)),
    'stöd finds Stödperson på svenska');
  // Free text with filters and facets computed over the text hits.
  const q = await get('/api/v1/activities?q=muistisairaille&per_page=100');
  const qm = await get('/api/v1/activities?q=muistisairaille&municipality=749&per_page=100');
  assert.ok(qm.total > 0 && qm.total <= q.total);
  assert.equal(q.facets.municipality['749'], qm.total, 'municipality facet under q equals the filtered total');
  const ids = new Set(q.items.map((i) => i.id));
  assert.ok(qm.items.every((i) => ids.has(i.id)));
});

test('bad input: a clear 400 naming the field, an empty page past the end', async () => {
  const bad = [
    ['municipality=999', 'municipality'], ['municipality=abc', 'municipality'],
    ['need=no-such-need', 'need'], ['kind=memory', 'kind'], ['target_group=aliens', 'target_group'],
    ['county=ZZ', 'county'], ['county=P', 'county'], ['language=FINNISH', 'language'],
    ['takes_new=maybe', 'takes_new'], ['page=0', 'page'], ['page=x', 'page'],
    ['per_page=0', 'per_page'], ['per_page=101', 'per_page'], ['need=memory&need=cancer', 'need'],
    [`q=${'a'.repeat(201)}`, 'q'], [`q=${'ä'.repeat(201)}`, 'q'], ['q=%FF%FE', 'q'],
  ];
  for (const [qs, field] of bad) {
    const r = await http(`/api/v1/activities?${qs}`);
    assert.equal(r.status, 400, `${qs}: ${r.text}`);
    assert.equal(r.json.error.code, 'invalid_parameter');
    assert.equal(r.json.error.field, field, qs);
  }
  assert.equal((await http(`/api/v1/activities?q=${'ä'.repeat(200)}`)).status, 200, '200 characters are fine');
  const ok = await get('/api/v1/activities?page=999&unknown=1&county=ps');
  assert.deepEqual(ok.items, []);
  assert.ok(ok.total > 0, 'a lower-case county key is taken, an unknown parameter ignored');
  for (const path of ['/api/v1/activities/not-a-uuid', '/api/v1/activities/00000000-0000-4000-8000-000000000000',
    '/api/v1/organizations/00000000-0000-4000-8000-000000000000']) {
    const r = await http(path);
    assert.equal(r.status, 404, path);
    assert.equal(r.json.error.code, 'not_found');
  }
});

test('quotes, backslashes, SQL and %_ in q are plain text', async () => {
  const before = psql('SELECT count(*) FROM activities');
  for (const q of [`'`, `"`, `\\`, `\\'`, `'; DROP TABLE activities; --`, `%`, `_`, `%_%`, `muisti%`,
    `a' OR '1'='1`, `$1`, `:*`, `&|!()`, `<b>muisti</b>`, `muisti & kahvila | !x`, `\u0000`]) {
    const r = await http(`/api/v1/activities?q=${encodeURIComponent(q)}`);
    assert.ok(r.status === 200 || (r.status === 400 && r.json.error.field === 'q'), `${q}: ${r.status} ${r.text.slice(0, 200)}`);
    if (r.status === 200) assert.ok(Array.isArray(r.json.items));
  }
  assert.equal(psql('SELECT count(*) FROM activities'), before);
});

test('details of an activity and an organisation; the taxonomies and municipalities', async () => {
  const R = await ref();
  const item = R.items.find((i) => i.area.type === 'municipalities');
  const d = await get(`/api/v1/activities/${item.id.toUpperCase()}`);
  for (const k of ['description', 'for_whom', 'cost', 'schedule', 'accessibility', 'languages', 'contacts',
    'accepts_contact_requests', 'response_days', 'assurer', 'updated_at', 'how_to_join', 'area', 'needs']) {
    assert.ok(k in d, `detail has ${k}`);
  }
  assert.equal(d.id, item.id);
  assert.deepEqual(d.area, item.area);
  assert.ok(Array.isArray(d.contacts));
  for (const k of ['id', 'name', 'website', 'email', 'phone']) assert.ok(k in d.organization, `organization.${k}`);
  const o = await get(`/api/v1/organizations/${item.organization.id}`);
  assert.equal(o.name, item.organization.name);
  for (const k of ['frame', 'business_id', 'description', 'website', 'email', 'phone', 'seat_municipality']) assert.ok(k in o, k);
  assert.ok(o.activities.some((a) => a.id === item.id));
  assert.ok(o.activities.every((a) => a.organization.id === o.id));

  const t = await get('/api/v1/taxonomies');
  assert.ok(t.needs.length >= 20 && t.kinds.length >= 10 && t.target_groups.length >= 5);
  const memory = t.needs.find((n) => n.id === 'memory');
  assert.ok(memory.label.fi && memory.label.sv && memory.label.en);
  assert.ok(memory.icd10.includes('G30-G31'));
  assert.ok(!('icd10' in t.kinds[0]));
  const m = await get('/api/v1/municipalities');
  assert.equal(m.municipalities.length, 308);
  assert.deepEqual(m.municipalities.find((x) => x.code === '749'), { code: '749', name: 'Siilinjärvi', name_sv: 'Siilinjärvi', county: 'PS' });
  assert.ok(m.counties.find((c) => c.key === 'PS').name.sv);
});

test('a change in the database shows through a second directory instance within one second', async () => {
  const R = await ref();
  const item = R.items.find((i) => i.area.type === 'municipalities' && i.takes_new);
  const code = item.area.municipalities[0];
  const path = `/api/v1/activities?municipality=${code}&need=${item.needs[0]}&per_page=100`;
  const listed = async () => (await get(path)).items.some((i) => i.id === item.id);
  const ping = async () => (await http('/api/v1/ping')).json?.instance;

  // Answers of directory-1's full build, to compare with directory-2's
  // snapshot after two incremental refreshes that end where they began.
  const probes = ['', `municipality=${code}`, `need=${item.needs[0]}`, `county=${R.muni.get(code)}&takes_new=true`,
    `kind=${item.kinds[0]}&language=fi`, 'per_page=100&page=2', `q=${encodeURIComponent(item.name.split(' ')[0])}`];
  const before = [];
  for (const p of probes) before.push((await get(`/api/v1/activities?${p}`)));
  const everything = (await all()).items.map((i) => i.id);

  stack('svc-start', 'directory-2', 'directory', `TARJOTIN_DIRECTORY_BIND=tcp://127.0.0.1:${env.TARJOTIN_DIRECTORY2_PORT}`);
  let stopped1 = false;
  try {
    await until(async () => {
      const seen = new Set();
      for (let i = 0; i < 10; i++) seen.add(await ping());
      return seen.has('directory-2');
    }, { timeout: 20000, what: 'directory-2 to answer' });
    // Only directory-2 answers from here on.
    stack('svc-stop', 'directory-1');
    stopped1 = true;
    await until(async () => (await ping()) === 'directory-2', { what: 'directory-2 alone' });
    assert.ok(await listed());

    const timed = async (sql, want) => {
      const t0 = Date.now();
      psql(sql);
      await until(async () => (await listed()) === want, { timeout: 5000, every: 20, what: `listed=${want}` });
      return Date.now() - t0;
    };
    const hide = await timed(`UPDATE activities SET status = 'paused' WHERE id = '${item.id}'`, false);
    const show = await timed(`UPDATE activities SET status = 'published' WHERE id = '${item.id}'`, true);
    console.log(`# change visible through directory-2 after ${hide} ms (paused) and ${show} ms (published again)`);
    assert.ok(hide < 1000, `paused visible after ${hide} ms`);
    assert.ok(show < 1000, `published visible after ${show} ms`);

    // A new word in the name: found by free text, in an inflected form,
    // through directory-2's refreshed text index; gone again with the word.
    const found = async () => (await get('/api/v1/activities?q=seepraviikolle&per_page=100'))
      .items.some((i) => i.id === item.id);
    assert.equal(await found(), false);
    const textTimed = async (sql, want) => {
      const t0 = Date.now();
      psql(sql);
      await until(async () => (await found()) === want, { timeout: 5000, every: 20, what: `found=${want}` });
      return Date.now() - t0;
    };
    const named = await textTimed(`UPDATE activities SET name = name || ' seepraviikko' WHERE id = '${item.id}'`, true);
    const unnamed = await textTimed(
      `UPDATE activities SET name = regexp_replace(name, ' seepraviikko$', '') WHERE id = '${item.id}'`, false);
    console.log(`# text change searchable through directory-2 after ${named} ms (added) and ${unnamed} ms (removed)`);
    assert.ok(named < 1000, `new word searchable after ${named} ms`);
    assert.ok(unnamed < 1000, `removed word gone after ${unnamed} ms`);
    // The refreshed snapshot equals a full build of the same data.
    assert.deepEqual((await all()).items.map((i) => i.id), everything, 'same records in the same order');
    for (let i = 0; i < probes.length; i++) {
      assert.deepEqual(await get(`/api/v1/activities?${probes[i]}`), before[i], `same answer to ${probes[i]}`);
    }
  } finally {
    psql(`UPDATE activities SET status = 'published' WHERE id = '${item.id}'`);
    if (stopped1) stack('svc-start', 'directory-1', 'directory');
    await until(async () => (await http('/readyz', { base: INTERNAL_URL })).status === 200, { timeout: 20000, what: 'ready' });
    await until(async () => {
      for (let i = 0; i < 10; i++) if ((await ping()) === 'directory-1') return true;
      return false;
    }, { timeout: 20000, what: 'directory-1 back' });
    stack('svc-stop', 'directory-2');
    // svc-stop returns once the process is gone; wait until the gateway
    // routes only to directory-1 again.
    await until(async () => {
      for (let i = 0; i < 5; i++) if ((await ping()) !== 'directory-1') return false;
      return true;
    }, { timeout: 20000, what: 'directory-1 alone' });
  }
  assert.ok(await listed());
});
