// The directory's coverage document (issue 15, docs/statistics.md section 5),
// asked directly as stats asks it (MSG_STATS_COVERAGE through
// tests/tools/zmqpoke): its figures equal independent counts of the stack's
// database, every municipality, county and term has its row, a paused
// activity and one of a pending organisation are not on the tray, and
// nobody but the service "stats" gets the document.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  env, until, psql, signIn, BIN, newOrganization, createActivity, todayFi, CLOCK_FILE, ifMatch, q,
} from './lib.mjs';

const EP = `tcp://127.0.0.1:${env.TARJOTIN_DIRECTORY_PORT}`;
const RUN = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

/** MSG_STATS_COVERAGE as role/account: the reply line {status, error, doc}. */
function coverage(role = 'service', account = 'stats') {
  const out = execFileSync(path.join(BIN, 'tools/zmqpoke'), [EP, 'coverage', role, account],
    { encoding: 'utf8', timeout: 20000, maxBuffer: 8 << 20 });
  return JSON.parse(out.split('\n')[0]);
}

/** A JSON object of the database, by psql. */
const pj = (sql) => JSON.parse(psql(sql) || 'null');

// The tray, written independently of coverage.c: what the search shows.
const TRAY = `(SELECT a.* FROM activities a WHERE a.status = 'published' AND a.freshness <> 'hidden'
  AND EXISTS (SELECT 1 FROM organizations o WHERE o.id = a.organization_id AND o.status = 'approved'))`;

/** The figures the document must hold, counted here. */
function expected(asOf) {
  const inMun = `(t.area_type = 'county' AND t.area_county = m.county_key) OR (t.area_type = 'municipalities'
    AND EXISTS (SELECT 1 FROM activity_municipalities x WHERE x.activity_id = t.id AND x.municipality_code = m.code))`;
  const inCounty = `(t.area_type = 'county' AND t.area_county = k.key) OR (t.area_type = 'municipalities'
    AND EXISTS (SELECT 1 FROM activity_municipalities x JOIN municipalities mm ON mm.code = x.municipality_code
      WHERE x.activity_id = t.id AND mm.county_key = k.key))`;
  const v6 = `t.assured_date >= (DATE '${asOf}' - interval '6 months')::date`;
  return {
    organizations: {
      total: Number(psql("SELECT count(*) FROM organizations WHERE status = 'approved'")),
      by_frame: pj(`SELECT json_object_agg(f, (SELECT count(*) FROM organizations o WHERE o.status = 'approved'
        AND o.frame::text = f)) FROM unnest(enum_range(NULL::organization_frame)::text[]) f`),
      by_county: pj(`SELECT json_object_agg(k.key, (SELECT count(*) FROM organizations o JOIN municipalities m
        ON m.code = o.seat_municipality WHERE o.status = 'approved' AND m.county_key = k.key)) FROM counties k`),
      by_municipality: pj(`SELECT json_object_agg(m.code, (SELECT count(*) FROM organizations o
        WHERE o.status = 'approved' AND o.seat_municipality = m.code)) FROM municipalities m`),
    },
    activities: {
      total: Number(psql(`SELECT count(*) FROM ${TRAY} t`)),
      nationwide: Number(psql(`SELECT count(*) FROM ${TRAY} t WHERE area_type = 'nationwide'`)),
      online: Number(psql(`SELECT count(*) FROM ${TRAY} t WHERE area_type = 'online'`)),
      by_county: pj(`SELECT json_object_agg(k.key, (SELECT count(*) FROM ${TRAY} t WHERE ${inCounty})) FROM counties k`),
      by_municipality: pj(`SELECT json_object_agg(m.code, (SELECT count(*) FROM ${TRAY} t WHERE ${inMun}))
        FROM municipalities m`),
      by_need: pj(`SELECT json_object_agg(te.id, (SELECT count(*) FROM ${TRAY} t JOIN activity_needs n
        ON n.activity_id = t.id WHERE n.term_id = te.id)) FROM taxonomy_terms te WHERE te.taxonomy_id = 'need'`),
      by_kind: pj(`SELECT json_object_agg(te.id, (SELECT count(*) FROM ${TRAY} t JOIN activity_kinds n
        ON n.activity_id = t.id WHERE n.term_id = te.id)) FROM taxonomy_terms te WHERE te.taxonomy_id = 'kind'`),
    },
    freshness: {
      ...pj(`SELECT json_object_agg(k.key, json_build_object(
        'published', (SELECT count(*) FROM ${TRAY} t WHERE ${inCounty}),
        'verified_6m', (SELECT count(*) FROM ${TRAY} t WHERE (${inCounty}) AND ${v6}))) FROM counties k`),
      nationwide: pj(`SELECT json_build_object('published', count(*), 'verified_6m', count(*) FILTER (WHERE ${v6}))
        FROM ${TRAY} t WHERE area_type IN ('nationwide', 'online')`),
    },
  };
}

/** Sorted keys, for comparing objects whatever their order. */
const norm = (o) => (o && typeof o === 'object' && !Array.isArray(o)
  ? Object.fromEntries(Object.keys(o).sort().map((k) => [k, norm(o[k])])) : o);

/** Waits until the document equals the database's counts (other tests may write meanwhile); the document. */
async function matching() {
  let doc;
  let want;
  await until(() => {
    const r = coverage();
    assert.equal(r.status, 0, JSON.stringify(r));
    doc = r.doc;
    want = expected(doc.as_of);
    return JSON.stringify(norm({ organizations: doc.organizations, activities: doc.activities, freshness: doc.freshness }))
      === JSON.stringify(norm(want));
  }, { timeout: 20000, every: 500, what: 'the coverage document equal to the database' }).catch(() => {
    assert.deepEqual(norm({ organizations: doc.organizations, activities: doc.activities, freshness: doc.freshness }),
      norm(want), 'the coverage document against the database');
  });
  return doc;
}

let admin;
test.before(async () => { admin = await signIn('koordinaattori@hyvinvointialue.example.org'); });

test('the coverage document: labels, every zero row, the review clock\'s date', async () => {
  const doc = await matching();
  assert.match(doc.taken_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.ok(Math.abs(Date.parse(doc.taken_at) - Date.now()) < 120000, `taken_at ${doc.taken_at} is now`);
  const offset = existsSync(CLOCK_FILE) ? Number(readFileSync(CLOCK_FILE, 'utf8').trim() || 0) : 0;
  assert.equal(doc.as_of, todayFi(offset), 'as_of is the review clock\'s Helsinki day');
  const codes = psql('SELECT code FROM municipalities ORDER BY code').split('\n');
  assert.deepEqual(Object.keys(doc.municipalities).sort(), codes);
  assert.deepEqual(Object.keys(doc.activities.by_municipality).sort(), codes);
  assert.deepEqual(Object.keys(doc.organizations.by_municipality).sort(), codes);
  const counties = psql('SELECT key FROM counties ORDER BY key').split('\n');
  assert.deepEqual(Object.keys(doc.counties).sort(), counties);
  assert.deepEqual(Object.keys(doc.freshness).sort(), [...counties, 'nationwide'].sort());
  assert.ok(Object.values(doc.activities.by_municipality).includes(0), 'a municipality without activities has its 0');
  // Labels and populations.
  const kuopio = doc.municipalities['297'];
  assert.deepEqual(kuopio, pj(`SELECT json_build_object('fi', name_fi, 'sv', coalesce(name_sv, name_fi),
    'county', county_key, 'population', population) FROM municipalities WHERE code = '297'`));
  assert.ok(kuopio.population > 100000, JSON.stringify(kuopio));
  const ps = doc.counties[kuopio.county];
  assert.equal(ps.population, Number(psql(`SELECT sum(population) FROM municipalities WHERE county_key = '${kuopio.county}'`)));
  assert.ok(ps.fi && ps.sv && ps.en, JSON.stringify(ps));
  const terms = psql("SELECT id FROM taxonomy_terms WHERE taxonomy_id IN ('need', 'kind') ORDER BY id").split('\n');
  assert.deepEqual(Object.keys(doc.terms).sort(), terms.sort());
  const [need] = Object.entries(doc.terms).find(([, t]) => t.taxonomy === 'need');
  assert.equal(doc.terms[need].fi, psql(`SELECT label_fi FROM taxonomy_terms WHERE id = ${q(need)}`));
  assert.deepEqual(doc.frames.association, { fi: 'Yhdistys', sv: 'Förening', en: 'Association' });
  const site = psql('SELECT id || \'|\' || name || \'|\' || county FROM user_sites ORDER BY id LIMIT 1').split('|');
  assert.deepEqual(doc.user_sites[site[0]], { name: site[1], county: site[2] });
  console.log(`report: coverage of ${doc.as_of}: ${doc.organizations.total} organisations, ${doc.activities.total} activities on the tray`);
});

test('a paused activity and one of a pending organisation are not on the tray', async () => {
  // (The system test files run one after another: nothing else writes meanwhile.)
  const first = await matching();
  const org = await newOrganization(admin, `kattavuus-${RUN}`);
  const created = await createActivity(admin, org.id, { status: 'published', name: `Kattavuus ${RUN}`,
    area: { type: 'municipalities', municipalities: ['297'] } });
  const before = await matching();
  const act = created.id;
  // A pending organisation's published nationwide activity.
  const pending = psql(`INSERT INTO organizations (name, status) VALUES ('Odottava ${RUN}', 'pending') RETURNING id`);
  psql(`INSERT INTO activities (organization_id, name, status, area_type) VALUES ('${pending}', 'Odottavan toiminta ${RUN}', 'published', 'nationwide')`);
  const paused = await admin.call(`/api/v1/editor/activities/${act}/status`, { method: 'POST', json: { status: 'paused' },
    headers: ifMatch(created.version) });
  assert.equal(paused.status, 200, paused.text);
  assert.equal(psql(`SELECT status FROM activities WHERE id = '${act}'`), 'paused');
  const after = await matching();
  // The published activity of the approved organisation counted, then paused it did not.
  assert.equal(before.activities.total, first.activities.total + 1);
  assert.equal(before.activities.by_municipality['297'], first.activities.by_municipality['297'] + 1);
  assert.equal(before.organizations.total, first.organizations.total + 1);
  assert.equal(after.activities.total, first.activities.total, 'the paused activity left the tray');
  assert.equal(after.activities.by_municipality['297'], first.activities.by_municipality['297']);
  // The pending organisation's published nationwide activity is not counted, nor the organisation.
  assert.equal(after.activities.nationwide, before.activities.nationwide);
  assert.equal(after.freshness.nationwide.published, before.freshness.nationwide.published);
  assert.equal(after.organizations.total, before.organizations.total);
  assert.equal(Number(psql(`SELECT count(*) FROM ${TRAY} t WHERE t.organization_id = '${pending}' OR t.id = '${act}'`)), 0);
  assert.equal(after.organizations.total, Number(psql("SELECT count(*) FROM organizations WHERE status = 'approved'")));
});

test('only the service "stats" gets the coverage document', () => {
  const anonymous = coverage('anonymous', '');
  assert.equal(anonymous.status, 6, JSON.stringify(anonymous)); // STATUS_UNAUTHORIZED
  assert.equal(anonymous.doc, null);
  const adminId = psql("SELECT id FROM accounts WHERE role = 'admin' ORDER BY id LIMIT 1");
  const asAdmin = coverage('admin', adminId);
  assert.equal(asAdmin.status, 7, JSON.stringify(asAdmin)); // STATUS_FORBIDDEN
  assert.equal(asAdmin.doc, null);
  const other = coverage('service', 'sms_provider');
  assert.equal(other.status, 7, JSON.stringify(other));
});
