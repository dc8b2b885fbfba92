// Statistics, known traffic and exact reports (issue 15, docs/statistics.md).
// A user site of its own with a professional, a new kind of activity and an
// activity of that kind; through the gateway: three visits (distinct tj_visit
// cookies) with eight page views of the professional view (and one page
// that is not of it), searches that find nothing on a need × kind ×
// municipality combination nobody else uses, free-text words (one in 5
// searches, one in 2), six contact requests to the activity with known
// reactions.  Every report (usage, contact_requests, gaps, coverage,
// freshness) shows exactly those numbers to the admin, and the totals match
// what Redis and PostgreSQL hold at the same moment; a funder (invited, signed
// in by the mailed link) sees counts 1..4 and what derives from them as null
// with their [row, col] in suppressed, 0 and >= 5 as the admin does.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  http, psql, psqlStats, redisCli, until, signIn, anon, mailLinks, createActivity, activeTerms, crBody, crSend, q,
  todayFi, CLOCK_FILE, setClockOffset, waitReviewRound, statsDay, statsReport, statsTable, statsRows, assertFunderTable, nearestRank, dec1, visitId, noteSecret,
} from './lib.mjs';

const ADMIN = 'koordinaattori@hyvinvointialue.example.org';
const EDITOR = 'toimitus@mielenterveysseura.example.org';
const ORG = 'd0000000-0000-4000-8000-000000000006';
const RUN = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const KIND = `st-${RUN}`;
const SITE_NAME = `Äänekosken ölyä å ${RUN}`;
const MUN = '992'; // Äänekoski (KS): no activity of KIND serves it
// Letters only (a digit would give no words); typed in mixed case.
const letters = (n) => [...randomBytes(n)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
const W1 = `Tyhja${letters(8)}`;
const W2 = `Turha${letters(8)}`;
const PRO_PAGES = ['index', 'request', 'my-requests']; // the professional view (docs/statistics.md section 4)
let DAY; let MONTH; let admin; let pro; let funder; let ed; let SITE; let NEED; let ACT; const REQS = [];

test.after(() => setClockOffset(0));

test.before(async () => {
  DAY = todayFi();
  MONTH = DAY.slice(0, 7);
  [NEED] = activeTerms('need');
  admin = await signIn(ADMIN);
  const term = await admin.call('/api/v1/admin/taxonomy', {
    method: 'POST',
    json: {
      id: KIND, taxonomy: 'kind', parent_id: null, label: { fi: `Tilastolaji ${RUN}`, sv: `Statistikform ${RUN}`, en: `Stats kind ${RUN}` },
      synonyms: { fi: [], sv: [], en: [] }, icd10: [], position: 999, active: true,
    },
  });
  assert.equal(term.status, 201, term.text);
  const site = await admin.call('/api/v1/admin/user-sites', {
    method: 'POST', json: { name: SITE_NAME, county: 'KS', email_domains: [`st-${RUN}.example.org`] },
  });
  assert.equal(site.status, 201, site.text);
  SITE = site.json.id;
  const proEmail = `ammattilainen@st-${RUN}.example.org`;
  const funderEmail = `rahoittaja-${RUN}@example.org`;
  noteSecret('email', proEmail);
  noteSecret('email', funderEmail);
  for (const body of [{ email: proEmail, role: 'professional', user_site_id: SITE, organization_ids: [], lang: 'fi' },
    { email: funderEmail, role: 'funder', lang: 'fi' }]) {
    const r = await admin.call('/api/v1/admin/accounts', { method: 'POST', json: body });
    assert.equal(r.status, 201, r.text);
  }
  // The funder signs in by the invitation's link, as a real one does.
  const [link] = await until(async () => { const l = await mailLinks(funderEmail); return l.length && l; },
    { timeout: 20000, what: "the funder's invitation link" });
  funder = await signIn(funderEmail, link.slice(link.indexOf('#') + 1));
  assert.equal(funder.account.role, 'funder');
  [pro, ed] = await Promise.all([signIn(proEmail), signIn(EDITOR)]);
  ACT = (await createActivity(ed, ORG, {
    name: `Tilastotoiminta ${RUN}`, status: 'published', needs: [NEED], kinds: [KIND],
    area: { type: 'municipalities', municipalities: ['297'] },
    accepts_contact_requests: true, contact_request_email: `pyynnot-st-${RUN}@example.org`, response_days: 5,
  })).id;
});

/** GET as the professional in visit v (its tj_visit cookie). */
async function asVisit(v, pathname) {
  pro.jar.tj_visit = v;
  const r = await pro.call(pathname);
  assert.equal(r.status, 200, `${pathname}: ${r.status} ${r.text.slice(0, 200)}`);
  return r;
}

/** Fields of today's hash summed where pred(parts) holds. */
const sum = (h, pred) => Object.entries(h).filter(([k]) => pred(k.split('|'))).reduce((a, [, n]) => a + n, 0);
const pfcount = (site) => Number(redisCli('PFCOUNT', `tj:stats:hll:${DAY}:${site}`));
const period = () => ({ from: DAY, to: DAY });

async function report(who, name) {
  const r = await statsReport(who, name, period());
  assert.equal(r.status, 200, `${name}: ${r.status} ${r.text.slice(0, 300)}`);
  assert.equal(r.json.report, name);
  assert.equal(r.json.from, DAY);
  assert.equal(r.json.to, DAY);
  return r.json;
}

/** Waits until check(doc) (doc: the admin's report) holds, then gives the doc; the last failure is the error. */
async function settled(name, check, what) {
  let last;
  try {
    return await until(async () => {
      const doc = await report(admin, name);
      try { check(doc); return doc; } catch (e) { last = e; return false; }
    }, { timeout: 25000, every: 300, what });
  } catch (e) {
    throw last ?? e;
  }
}

test('the traffic: three visits, eight professional page views, searches, six contact requests with reactions', async () => {
  const [v1, v2, v3] = [visitId(), visitId(), visitId()];
  for (const v of [v1, v2, v3]) noteSecret('visit', v);
  for (const p of ['/', '/request.html', '/my-requests.html', '/signin.html']) await asVisit(v1, p);
  for (const p of ['/', '/index.html', '/request.html']) await asVisit(v2, p);
  for (const p of ['/my-requests.html', '/']) await asVisit(v3, p);
  const s = (params) => asVisit(v1, `/api/v1/activities?${new URLSearchParams(params)}`);
  for (let i = 0; i < 3; i++) assert.equal((await s({ need: NEED, kind: KIND, municipality: MUN })).json.total, 0);
  for (let i = 0; i < 5; i++) assert.equal((await s({ kind: KIND, municipality: MUN, q: W1 })).json.total, 0);
  for (let i = 0; i < 2; i++) assert.equal((await s({ kind: KIND, municipality: MUN, q: W2 })).json.total, 0);
  assert.ok((await s({ need: NEED, municipality: '297' })).json.total > 0, 'a search that finds something');
  // Not counted as searches: page 2, and none of the filters.
  await s({ kind: KIND, municipality: MUN, page: '2' });
  await s({ per_page: '1' });

  for (let i = 0; i < 6; i++) {
    const r = await crSend(pro, await crBody([ACT]));
    assert.equal(r.status, 201, r.text);
    REQS.push(r.json.requests[0].id);
  }
  for (const id of REQS.slice(0, 5)) assert.equal((await ed.call(`/api/v1/editor/contact-requests/${id}`)).status, 200);
  // Known reaction times: the scheduler's clock moved 90 minutes on for
  // three contacts, 150 for the decline (and back at the end).
  setClockOffset(90 * 60);
  await waitReviewRound(Date.now() + 90 * 60 * 1000, { timeout: 20000 });
  for (const id of REQS.slice(0, 3)) {
    const r = await ed.call(`/api/v1/editor/contact-requests/${id}/status`, { method: 'POST', json: { status: 'contacted' } });
    assert.equal(r.status, 200, r.text);
  }
  setClockOffset(150 * 60);
  await waitReviewRound(Date.now() + 150 * 60 * 1000, { timeout: 20000 });
  const d = await ed.call(`/api/v1/editor/contact-requests/${REQS[3]}/status`, { method: 'POST', json: { status: 'declined', reason: 'Ryhmä on täynnä.' } });
  assert.equal(d.status, 200, d.text);
  setClockOffset(0);

  // Redis has counted exactly that for the site (the gateway's batches
  // travel within a fraction of a second).
  await until(() => {
    const h = statsDay(DAY);
    return sum(h, ([m, p, site]) => m === 'pv' && PRO_PAGES.includes(p) && site === SITE) === 8
      && h[`pv|signin|${SITE}`] === 1 && h[`search|site|${SITE}`] === 11 && pfcount(SITE) === 3
      && h[`zero|${NEED}|${KIND}|${MUN}`] === 3 && h[`zero|-|${KIND}|${MUN}`] === 7
      && h[`zword|${W1.toLowerCase()}`] === 5 && h[`zword|${W2.toLowerCase()}`] === 2;
  }, { timeout: 10000, what: "the site's page views, visits and searches in Redis" });
});

test('usage: the site row exactly, the totals as Redis counts them', async () => {
  const doc = await settled('usage', (d) => {
    const h = statsDay(DAY);
    const month = statsRows(statsTable(d, 'usage_by_month'));
    assert.deepEqual(month, [{ month: MONTH, sessions: pfcount('all'),
      page_views: sum(h, ([m, p]) => m === 'pv' && PRO_PAGES.includes(p)) }]);
    const sites = statsRows(statsTable(d, 'usage_by_site'));
    assert.deepEqual(sites.filter((r) => r.user_site === SITE_NAME), [{ month: MONTH, user_site: SITE_NAME, sessions: 3, page_views: 8 }]);
    const nobody = sites.find((r) => r.user_site === 'Ei kirjautunut');
    const anonViews = sum(h, ([m, p, site]) => m === 'pv' && PRO_PAGES.includes(p) && site === '-');
    if (anonViews > 0) assert.deepEqual(nobody, { month: MONTH, user_site: 'Ei kirjautunut', sessions: pfcount('-'), page_views: anonViews });
    assert.equal(sites.reduce((a, r) => a + r.page_views, 0), month[0].page_views, 'the sites add up to the month');
    const searches = h['search|all'];
    const zero = sum(h, ([m]) => m === 'zero');
    assert.deepEqual(statsRows(statsTable(d, 'searches_by_month')), [{ month: MONTH, searches, zero_results: zero, zero_share: dec1((zero * 100) / searches) }]);
  }, 'the usage report to match Redis');
  assert.equal(doc.role, 'admin');
  assert.equal(doc.lang, 'fi');
});

test('gaps: the combinations nobody else searched, the word of five searches and not the one of two', async () => {
  const needLabel = psql(`SELECT label_fi FROM taxonomy_terms WHERE id = ${q(NEED)}`);
  await settled('gaps', (d) => {
    const rows = statsRows(statsTable(d, 'gaps'));
    const mine = rows.filter((r) => r.kind === `Tilastolaji ${RUN}`);
    assert.deepEqual(mine, [
      { municipality: 'Äänekoski', county: 'Keski-Suomen hyvinvointialue', need: '—', kind: `Tilastolaji ${RUN}`, searches: 7 },
      { municipality: 'Äänekoski', county: 'Keski-Suomen hyvinvointialue', need: needLabel, kind: `Tilastolaji ${RUN}`, searches: 3 },
    ]);
    const counts = rows.map((r) => r.searches);
    assert.deepEqual(counts, [...counts].sort((a, b) => b - a), 'most searched first');
    const h = statsDay(DAY);
    assert.equal(rows.reduce((a, r) => a + r.searches, 0), sum(h, ([m]) => m === 'zero'), 'every zero-result search in some row');
    const words = statsRows(statsTable(d, 'gap_words'));
    assert.deepEqual(words.filter((w) => w.word === W1.toLowerCase()), [{ word: W1.toLowerCase(), searches: 5 }]);
    assert.equal(words.find((w) => w.word === W2.toLowerCase()), undefined, 'a word of fewer than 5 searches is left out');
    assert.ok(words.every((w) => w.searches >= 5));
  }, 'the gaps report');
});

/** The expected contact-request figures of DAY from the directory's own events. */
function crExpected() {
  const kinds = {};
  for (const l of psql(`SELECT kind, count(*) FROM contact_request_events
      WHERE (created_at AT TIME ZONE 'Europe/Helsinki')::date = ${q(DAY)} GROUP BY kind`).split('\n').filter(Boolean)) {
    const [k, n] = l.split('|');
    kinds[k] = Number(n);
  }
  // First reactions: the first contacted/unreachable/declined/closed of a
  // request, minutes from its sent event on the scheduler's clock.
  const first = psql(`SELECT floor(extract(epoch FROM (f.at - s.at)) / 60)::int, coalesce((f.detail ->> 'days')::numeric::int, -1), f.id
      FROM (SELECT DISTINCT ON (request_id) * FROM contact_request_events
            WHERE kind IN ('contacted', 'unreachable', 'declined', 'closed') ORDER BY request_id, at, created_at) f
      JOIN contact_request_events s ON s.request_id = f.request_id AND s.kind = 'sent'
      WHERE (f.created_at AT TIME ZONE 'Europe/Helsinki')::date = ${q(DAY)}`).split('\n').filter(Boolean).map((l) => l.split('|'));
  return { kinds, minutes: first.map((x) => Number(x[0])), days: first.map((x) => Number(x[1])), ids: first.map((x) => x[2]) };
}

test('contact requests: the kinds of the day, the site county × the kind, first reactions as the events say', async () => {
  const ksLabel = 'Keski-Suomen hyvinvointialue';
  let want;
  await settled('contact_requests', (d) => {
    want = crExpected();
    const k = (x) => want.kinds[x] ?? 0;
    assert.deepEqual(statsRows(statsTable(d, 'cr_by_month')), [{
      month: MONTH, sent: k('sent'), opened: k('opened'), contacted: k('contacted'), unreachable: k('unreachable'),
      declined: k('declined'), withdrawn: k('withdrawn'), expired: k('expired'), reached_share: dec1((k('contacted') * 100) / k('sent')),
    }]);
    const byKind = statsRows(statsTable(d, 'cr_by_county_kind')).filter((r) => r.kind === `Tilastolaji ${RUN}`);
    assert.deepEqual(byKind, [{ month: MONTH, county: ksLabel, kind: `Tilastolaji ${RUN}`, sent: 6 }]);
    const reaction = Object.fromEntries(statsRows(statsTable(d, 'cr_reaction')).map((r) => [r.measure, r.value]));
    const med = nearestRank(want.minutes, 0.5);
    const p90 = nearestRank(want.minutes, 0.9);
    assert.deepEqual(reaction, {
      first_reactions: want.minutes.length,
      median_hours: med === null ? null : dec1(med / 60), p90_hours: p90 === null ? null : dec1(p90 / 60),
      median_working_days: nearestRank(want.days, 0.5), p90_working_days: nearestRank(want.days, 0.9),
    });
  }, 'the contact-request report to match contact_request_events');
  // Our four first reactions are among them, as stats stored them: no request id, the minutes and days of the event.
  const mine = psql(`SELECT id FROM contact_request_events WHERE request_id IN (${REQS.map(q).join(',')})
    AND kind IN ('contacted', 'declined')`).split('\n').filter(Boolean);
  assert.equal(mine.length, 4);
  const stored = psqlStats(`SELECT id, kind, county, kinds::text, reaction_minutes, days FROM stats.cr_events
    WHERE id IN (${mine.map(q).join(',')}) ORDER BY id`).split('\n').filter(Boolean).map((l) => l.split('|'));
  assert.equal(stored.length, 4);
  // Whole minutes on the scheduler's clock, which keeps whole seconds: 89 or 90.
  const mins = stored.map((x) => Number(x[4])).sort((a, b) => a - b);
  assert.ok([0, 1, 2].every((i) => mins[i] >= 89 && mins[i] <= 90) && mins[3] >= 149 && mins[3] <= 150,
    `the reaction minutes as the clock moved: ${mins}`);
  for (const [id, kind, county, kinds, minutes] of stored) {
    assert.ok(['contacted', 'declined'].includes(kind));
    assert.equal(county, 'KS');
    assert.equal(kinds, `{${KIND}}`);
    assert.equal(Number(minutes), want.minutes[want.ids.indexOf(id)], 'reaction minutes as the events say');
  }
  assert.equal(psqlStats(`SELECT count(*) FROM stats.cr_events WHERE kinds @> ARRAY[${q(KIND)}] AND kind = 'sent'`), '6');
});

/** Coverage and freshness from the directory's tables (docs/statistics.md section 5). */
function coverageExpected() {
  const rows = (sql) => psql(sql).split('\n').filter(Boolean).map((l) => l.split('|'));
  const tray = `SELECT a.* FROM activities a JOIN organizations o ON o.id = a.organization_id
    WHERE a.status = 'published' AND o.status = 'approved' AND a.freshness <> 'hidden'`;
  // Every activity × municipality it is available in (listed, or county-wide in its county).
  const avail = `SELECT t.id, m.code, m.county_key FROM (${tray}) t JOIN municipalities m
    ON (t.area_type = 'municipalities' AND m.code IN (SELECT municipality_code FROM activity_municipalities WHERE activity_id = t.id))
    OR (t.area_type = 'county' AND m.county_key = t.area_county)`;
  const offset = Number(readFileSync(CLOCK_FILE, 'utf8').trim() || 0);
  const asOf = todayFi(offset);
  const verified = `assured_date >= ${q(asOf)}::date - interval '6 months'`;
  return {
    totals: Object.fromEntries(rows(`SELECT 'organizations', count(*) FROM organizations WHERE status = 'approved'
      UNION ALL SELECT 'activities', count(*) FROM (${tray}) t
      UNION ALL SELECT 'activities_nationwide', count(*) FROM (${tray}) t WHERE area_type = 'nationwide'
      UNION ALL SELECT 'activities_online', count(*) FROM (${tray}) t WHERE area_type = 'online'`).map(([k, n]) => [k, Number(n)])),
    counties: rows(`SELECT c.name_fi, sum(coalesce(m.population, 0)),
        (SELECT count(*) FROM organizations o JOIN municipalities om ON om.code = o.seat_municipality WHERE o.status = 'approved' AND om.county_key = c.key),
        (SELECT count(DISTINCT id) FROM (${avail}) v WHERE v.county_key = c.key)
      FROM counties c JOIN municipalities m ON m.county_key = c.key GROUP BY c.key, c.name_fi`),
    municipalities: rows(`SELECT m.name_fi, coalesce(m.population, 0),
        (SELECT count(*) FROM organizations o WHERE o.status = 'approved' AND o.seat_municipality = m.code),
        (SELECT count(DISTINCT id) FROM (${avail}) v WHERE v.code = m.code)
      FROM municipalities m`),
    kinds: rows(`SELECT t.label_fi, (SELECT count(*) FROM (${tray}) a JOIN activity_kinds k ON k.activity_id = a.id WHERE k.term_id = t.id)
      FROM taxonomy_terms t WHERE t.taxonomy_id = 'kind'`),
    needs: rows(`SELECT t.label_fi, (SELECT count(*) FROM (${tray}) a JOIN activity_needs k ON k.activity_id = a.id WHERE k.term_id = t.id)
      FROM taxonomy_terms t WHERE t.taxonomy_id = 'need'`),
    freshness: rows(`SELECT c.name_fi, count(DISTINCT a.id), count(DISTINCT a.id) FILTER (WHERE ${verified})
        FROM counties c LEFT JOIN ((${avail}) v JOIN activities a ON a.id = v.id) ON v.county_key = c.key GROUP BY c.key, c.name_fi
      UNION ALL SELECT 'Valtakunnallinen', count(*), count(*) FILTER (WHERE ${verified}) FROM (${tray}) t WHERE area_type IN ('nationwide', 'online')`),
  };
}

const per10k = (n, pop) => (pop > 0 ? Math.round((n * 1e6) / pop) / 100 : null);
const near = (got, want, what) => {
  if (want === null) assert.equal(got, null, what);
  else assert.ok(Math.abs(got - want) <= 0.006, `${what}: ${got}, expected ${want}`);
};

test('coverage and freshness: what the directory holds at the same moment, our kind with one activity', async () => {
  await settled('coverage', (d) => {
    const want = coverageExpected();
    const totals = Object.fromEntries(statsRows(statsTable(d, 'coverage_totals')).map((r) => [r.measure, r.value]));
    assert.deepEqual(totals, want.totals);
    const kinds = Object.fromEntries(statsRows(statsTable(d, 'coverage_by_kind')).map((r) => [r.kind, r.activities]));
    assert.equal(kinds[`Tilastolaji ${RUN}`], 1, 'our kind: our one activity');
    assert.deepEqual(kinds, Object.fromEntries(want.kinds.map(([k, n]) => [k, Number(n)])));
    const needs = Object.fromEntries(statsRows(statsTable(d, 'coverage_by_need')).map((r) => [r.need, r.activities]));
    assert.deepEqual(needs, Object.fromEntries(want.needs.map(([k, n]) => [k, Number(n)])));
    const counties = new Map(statsRows(statsTable(d, 'coverage_by_county')).map((r) => [r.county, r]));
    assert.equal(counties.size, want.counties.length);
    for (const [name, pop, orgs, acts] of want.counties) {
      const r = counties.get(name);
      assert.ok(r, `county ${name}`);
      assert.deepEqual([r.population, r.organizations, r.activities], [Number(pop), Number(orgs), Number(acts)], name);
      near(r.organizations_per_10000, per10k(Number(orgs), Number(pop)), `${name} organisations per 10,000`);
      near(r.activities_per_10000, per10k(Number(acts), Number(pop)), `${name} activities per 10,000`);
    }
    const muns = new Map(statsRows(statsTable(d, 'coverage_by_municipality')).map((r) => [r.municipality, r]));
    assert.equal(muns.size, want.municipalities.length);
    for (const [name, pop, orgs, acts] of want.municipalities) {
      const r = muns.get(name);
      assert.ok(r, `municipality ${name}`);
      assert.deepEqual([r.population, r.organizations, r.activities], [Number(pop), Number(orgs), Number(acts)], name);
    }
  }, 'the coverage report to match the directory');
  // The search shows what the coverage counts.
  const all = await http('/api/v1/activities?per_page=1');
  assert.equal(all.status, 200);
  assert.equal(all.json.total, coverageExpected().totals.activities, 'the tray is what the search shows');

  await settled('freshness', (d) => {
    const want = coverageExpected().freshness;
    const got = new Map(statsRows(statsTable(d, 'freshness_by_county')).map((r) => [r.county, r]));
    assert.equal(got.size, want.length);
    for (const [name, pub, ver] of want) {
      const r = got.get(name);
      assert.ok(r, `freshness of ${name}`);
      assert.deepEqual([r.published, r.verified_6m], [Number(pub), Number(ver)], name);
      near(r.verified_share, Number(pub) ? dec1((Number(ver) * 100) / Number(pub)) : null, `${name} verified share`);
    }
  }, 'the freshness report to match the directory');
});

test('the funder: counts 1..4 and what derives from them suppressed, 0 and >= 5 shown', async () => {
  let hidden = 0;
  for (const name of ['usage', 'contact_requests', 'gaps', 'coverage', 'freshness']) {
    // Both of the same moment: no traffic between but these calls.
    const a = await report(admin, name);
    const f = await report(funder, name);
    assert.equal(f.role, 'funder');
    assert.equal(f.suppress_below, 5);
    assert.deepEqual(f.tables.map((t) => t.id), a.tables.map((t) => t.id));
    for (const t of a.tables) hidden += assertFunderTable(t, statsTable(f, t.id));
    if (name === 'usage') {
      const t = statsTable(f, 'usage_by_site');
      const i = t.rows.findIndex((r) => r[1] === SITE_NAME);
      assert.deepEqual(t.rows[i], [MONTH, SITE_NAME, null, 8], 'three sessions hidden, eight page views shown');
      assert.ok(t.suppressed.some(([r, c]) => r === i && c === 2));
    }
    if (name === 'gaps') {
      const mine = statsTable(f, 'gaps').rows.filter((r) => r[3] === `Tilastolaji ${RUN}`).map((r) => r[4]);
      assert.deepEqual(mine, [7, null]);
    }
    if (name === 'coverage') {
      const t = statsTable(f, 'coverage_by_kind');
      assert.deepEqual(t.rows.find((r) => r[0] === `Tilastolaji ${RUN}`), [`Tilastolaji ${RUN}`, null]);
      assert.ok(t.rows.some((r) => r[1] === 0), 'a kind without activities shows 0');
    }
  }
  assert.ok(hidden >= 3, `${hidden} cells suppressed`);
});

test('who may ask, and bad parameters', async () => {
  assert.equal((await statsReport(pro, 'usage', period())).status, 403, 'a professional');
  assert.equal((await statsReport(ed, 'usage', period())).status, 403, 'an editor');
  assert.equal((await statsReport(await anon(), 'usage', period())).status, 401, 'nobody');
  assert.equal((await funder.call('/api/v1/admin/accounts')).status, 403, 'a funder reads statistics only');
  assert.equal((await funder.call(`/api/v1/editor/organizations/${ORG}/activities`)).status, 403);
  const bad = async (params, field) => {
    const r = await statsReport(admin, 'usage', params);
    assert.equal(r.status, 400, `${JSON.stringify(params)}: ${r.text}`);
    assert.equal(r.json.error.code, 'invalid_parameter');
    assert.ok([].concat(field).includes(r.json.error.field), `${JSON.stringify(params)}: field ${r.json.error.field}`);
  };
  await bad({ from: DAY, to: '2020-01-01' }, ['from', 'to']);
  await bad({ from: '2026-13-01', to: DAY }, 'from');
  await bad({ from: '2020-01-01', to: DAY }, ['from', 'to']); // more than three years
  await bad({ ...period(), format: 'pdf' }, 'format');
  await bad({ ...period(), lang: 'de' }, 'lang');
  const unknown = await statsReport(admin, 'everything', period());
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.code, 'unknown_report');
  const sv = await statsReport(admin, 'usage', { ...period(), lang: 'sv' });
  assert.equal(sv.status, 200);
  assert.equal(sv.json.lang, 'sv');
  assert.ok(statsRows(statsTable(sv.json, 'usage_by_site')).some((r) => r.user_site === SITE_NAME));
});
