// The HSDS 3.0 read API (/hsds/) and the OpenAPI document of /api/v1.
//
// Every /hsds/ response is validated against the HSDS 3.0 JSON Schemas in
// ../shared/hsds-3.0/schema, loaded as a whole folder (they $ref each other
// by file name) into Ajv's draft 2020-12 validator with ajv-formats.  That
// folder is part of every checkout's surroundings (CI and every developer
// machine have it), so where it is absent the schema tests FAIL saying so.
// The walk test goes through every path and every declared parameter of
// HSDS's own OpenAPI document (schema/openapi.json), read at run time.  The
// OpenAPI document of /api/v1 is checked with
// @seriousme/openapi-schema-validator.
//
// The test brings its own small, clearly fictional organisation (and one
// pending one) so that it does not depend on the demo data, and removes them
// at the end; the demo data, when loaded, is validated too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT, URL_BASE, http, psql, stack, until } from './lib.mjs';

const require = createRequire(import.meta.url);

/** The checkout's main folder: ROOT, or for a git worktree the checkout it
 * belongs to (../shared sits beside that one). */
function mainCheckout() {
  try {
    const common = execFileSync('git', ['-C', ROOT, 'rev-parse', '--path-format=absolute', '--git-common-dir'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return path.basename(common) === '.git' ? path.dirname(common) : ROOT;
  } catch {
    return ROOT; // not a git checkout (an unpacked archive)
  }
}
const HSDS_CANDIDATES = [...new Set([ROOT, mainCheckout()])].map((d) => path.resolve(d, '../shared/hsds-3.0'));
const HSDS_DIR = HSDS_CANDIDATES.find((d) => existsSync(path.join(d, 'schema', 'service.json'))) ?? HSDS_CANDIDATES[0];
const SCHEMA_DIR = path.join(HSDS_DIR, 'schema');
const HAVE_SCHEMAS = existsSync(path.join(SCHEMA_DIR, 'service.json'));
const NO_SCHEMAS = `HSDS 3.0 schemas not found at ${HSDS_CANDIDATES.map((d) => path.join(d, 'schema')).join(' or ')}: ` +
  'they are part of the checkout\'s surroundings (../shared/hsds-3.0 beside it), so this check fails';

// The namespace of our name-based (v3) uuids: services/directory/hsds.h.
const NS = '15674117-5f49-4ade-81bf-17745ab936fd';

/** RFC 4122 UUID version 3 of name in namespace NS. */
function uuidV3(name) {
  const h = createHash('md5').update(Buffer.from(NS.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  h[6] = (h[6] & 0x0f) | 0x30;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

// --- the schemas -----------------------------------------------------------

let ajv;
let spec; // HSDS's openapi.json
const validators = {};

function loadSchemas() {
  const Ajv2020 = require('ajv/dist/2020').default;
  const addFormats = require('ajv-formats').default ?? require('ajv-formats');
  // strict: false because the HSDS schemas carry Frictionless Data keywords
  // (name, constraints, datapackage_metadata, core, example).
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const dir of ['', 'compiled']) {
    for (const f of readdirSync(path.join(SCHEMA_DIR, dir))) {
      if (!f.endsWith('.json') || f === 'openapi.json') continue;
      const key = dir ? `${dir}/${f}` : f;
      ajv.addSchema(JSON.parse(readFileSync(path.join(SCHEMA_DIR, dir, f), 'utf8')), key);
    }
  }
  // The page envelope of HSDS's openapi.json (components.schemas.Page),
  // with every field required, around items of the given schema.
  spec = JSON.parse(readFileSync(path.join(SCHEMA_DIR, 'openapi.json'), 'utf8'));
  const page = spec.components.schemas.Page;
  const pageOf = (item) => ({
    allOf: [page],
    required: [...Object.keys(page.properties), 'contents'],
    properties: { contents: { type: 'array', items: { $ref: item } } },
  });
  const kinds = {
    services: ['compiled/service_list.json', 'service.json'],
    organizations: ['compiled/organization_list.json', 'organization.json'],
    taxonomies: ['taxonomy.json', 'taxonomy.json'],
    taxonomy_terms: ['taxonomy_term.json', 'taxonomy_term.json'],
    service_at_locations: ['compiled/service_at_location_list.json', 'service_at_location.json'],
  };
  for (const [res, [list, one]] of Object.entries(kinds)) {
    validators[`${res}:list`] = ajv.compile(pageOf(list));
    validators[`${res}:one`] = ajv.getSchema(one);
    assert.ok(validators[`${res}:one`], `schema ${one} loaded`);
  }
}

function assertValid(kind, doc, where) {
  assert.ok(HAVE_SCHEMAS, NO_SCHEMAS);
  const v = validators[kind];
  if (!v(doc)) {
    assert.fail(`${where} does not validate against HSDS 3.0 (${kind}): ` +
      ajv.errorsText(v.errors, { separator: '\n  ' }).slice(0, 2000));
  }
}

// --- test data ---------------------------------------------------------------

const ORG = 'f5d50000-0000-4000-8000-000000000001';       // approved
const ORG_PENDING = 'f5d50000-0000-4000-8000-000000000002';
const ORG_PARENT = 'f5d50000-0000-4000-8000-000000000003'; // rejected: not exposed
const A = (n) => `f5d50000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`;
const LOC = 'f5d50000-0000-4000-8000-000000000201';
const PUBLISHED = [A(1), A(2), A(3), A(4), A(5)];
const HIDDEN = [A(6), A(7), A(8), A(9)]; // draft, paused, archived, pending organisation's
const WORD = 'qwzxjyppy';               // a word that appears nowhere else

const CLEANUP = `
  DELETE FROM activities WHERE organization_id IN ('${ORG}', '${ORG_PENDING}', '${ORG_PARENT}');
  DELETE FROM organizations WHERE id IN ('${ORG}', '${ORG_PENDING}');
  DELETE FROM organizations WHERE id = '${ORG_PARENT}';`;

let insertedMunicipalities = [];

function insertTestData() {
  psql(CLEANUP);
  // The stack may run without reference data yet: bring the places we use.
  const places = [['297', 'Kuopio', 'Kuopio'], ['749', 'Siilinjärvi', 'Siilinjärvi'], ['491', 'Mikkeli', 'S:t Michel']];
  insertedMunicipalities = psql(`
    INSERT INTO municipalities (code, name_fi, name_sv, county_key) VALUES
      ${places.map(([c, fi, sv]) => `('${c}', '${fi}', '${sv}', '${c === '491' ? 'ES' : 'PS'}')`).join(', ')}
    ON CONFLICT (code) DO NOTHING RETURNING code`).split('\n').filter(Boolean);
  psql(`
    INSERT INTO organizations (id, name, frame, business_id, description, website, email, phone,
                               seat_municipality, status) VALUES
      ('${ORG_PARENT}', 'Kuvitteellinen Hylätty Kattojärjestö ry', 'federation', NULL,
       'Testiaineisto: hylätty, ei näy.', NULL, NULL, NULL, NULL, 'rejected'),
      ('${ORG}', 'Kuvitteellinen HSDS-testiyhdistys ry', 'association', '1572860-0',
       'Testiaineisto: kuvitteellinen yhdistys HSDS-rajapinnan testeille.',
       'https://hsds-testi.example.org/pääsivu?a=1&b=[2]', 'hsds-testi@example.org',
       '+358 40 0009001', '297', 'approved'),
      ('${ORG_PENDING}', 'Kuvitteellinen Odottava Testiyhdistys ry', 'association', NULL,
       'Testiaineisto: hakemus käsittelyssä.', NULL, 'odottava@example.org', NULL, '297', 'pending');
    UPDATE organizations SET parent_id = '${ORG_PARENT}' WHERE id = '${ORG}';
    INSERT INTO activities (id, organization_id, name, summary, description, for_whom, how_to_join,
                            cost, schedule, accessibility, url, area_type, area_county, takes_new,
                            status, assured_date, assurer) VALUES
      ('${A(1)}', '${ORG}', 'Kuvitteellinen ${WORD} Kuopiossa', 'Vertaisryhmä testejä varten.',
       'Pitkä kuvaus: tapaamme kahvin äärellä.', 'Kaikille.', 'Tule paikalle.', 'Maksuton.',
       'Tiistaisin klo 13–15', 'Esteetön.', 'https://hsds-testi.example.org/ryhmä', 'municipalities',
       NULL, true, 'published', current_date - 10, 'hsds-testi@example.org'),
      ('${A(2)}', '${ORG}', 'Kuvitteellinen maakunnallinen testiryhmä', '', '', '', '', '', '', '',
       NULL, 'county', 'PS', false, 'published', NULL, NULL),
      ('${A(3)}', '${ORG}', 'Kuvitteellinen valtakunnallinen testilinja', 'Puhelinpalvelu.', '', '', '',
       '', '', '', NULL, 'nationwide', NULL, true, 'published', NULL, NULL),
      ('${A(4)}', '${ORG}', 'Kuvitteellinen verkkoryhmä', 'Verkossa.', '', '', '', '', '', '', NULL,
       'online', NULL, true, 'published', NULL, NULL),
      ('${A(5)}', '${ORG}', 'Kuvitteellinen svenskspråkig grupp', 'På svenska.', '', '', '', '', '', '',
       NULL, 'municipalities', NULL, true, 'published', NULL, NULL),
      ('${A(6)}', '${ORG}', 'Kuvitteellinen luonnos', '', '', '', '', '', '', '', NULL,
       'municipalities', NULL, true, 'draft', NULL, NULL),
      ('${A(7)}', '${ORG}', 'Kuvitteellinen tauolla', '', '', '', '', '', '', '', NULL,
       'municipalities', NULL, true, 'paused', NULL, NULL),
      ('${A(8)}', '${ORG}', 'Kuvitteellinen arkistoitu', '', '', '', '', '', '', '', NULL,
       'municipalities', NULL, true, 'archived', NULL, NULL),
      ('${A(9)}', '${ORG_PENDING}', 'Kuvitteellinen odottavan yhdistyksen ryhmä', '', '', '', '', '',
       '', '', NULL, 'municipalities', NULL, true, 'published', NULL, NULL);
    INSERT INTO activity_municipalities (activity_id, municipality_code) VALUES
      ('${A(1)}', '297'), ('${A(1)}', '749'), ('${A(5)}', '491'), ('${A(6)}', '297'),
      ('${A(7)}', '297'), ('${A(8)}', '297'), ('${A(9)}', '297');
    INSERT INTO activity_needs (activity_id, term_id) VALUES
      ('${A(1)}', 'memory'), ('${A(2)}', 'memory'), ('${A(3)}', 'mental-health'), ('${A(6)}', 'memory'),
      ('${A(7)}', 'memory'), ('${A(8)}', 'memory'), ('${A(9)}', 'memory');
    INSERT INTO activity_kinds (activity_id, term_id) VALUES ('${A(1)}', 'peer-support'), ('${A(4)}', 'peer-support');
    INSERT INTO activity_target_groups (activity_id, term_id) VALUES ('${A(1)}', 'older');
    INSERT INTO activity_languages (activity_id, language) VALUES
      ('${A(1)}', 'fi'), ('${A(1)}', 'ar'), ('${A(5)}', 'sv'), ('${A(4)}', 'xyz');
    INSERT INTO contacts (organization_id, activity_id, name, role, email, phone, position) VALUES
      (NULL, '${A(1)}', 'Testi Kuvitelma', 'vertaisohjaaja', 'testi.kuvitelma@example.org', '+358 40 0009002', 0),
      (NULL, '${A(1)}', 'Toinen Kuvitelma', '', NULL, '040 000 9003', 1),
      ('${ORG}', NULL, 'Org Kuvitelma', 'puheenjohtaja', 'org.kuvitelma@example.org', NULL, 0);
    INSERT INTO locations (id, organization_id, name, street_address, postal_code, municipality_code,
                           accessibility, latitude, longitude) VALUES
      ('${LOC}', '${ORG}', 'Kuvitteellinen kerhohuone', 'Testikatu 1 (esimerkki)', '70100', '297',
       'Hissi.', 62.892500, 27.677000);
    INSERT INTO activity_locations (activity_id, location_id) VALUES
      ('${A(1)}', '${LOC}'), ('${A(3)}', '${LOC}'), ('${A(9)}', '${LOC}');
  `);
}

function removeTestData() {
  psql(CLEANUP);
  if (insertedMunicipalities.length) {
    const list = insertedMunicipalities.map((c) => `'${c}'`).join(', ');
    psql(`DELETE FROM municipalities m WHERE code IN (${list})
          AND NOT EXISTS (SELECT 1 FROM activity_municipalities WHERE municipality_code = m.code)
          AND NOT EXISTS (SELECT 1 FROM organizations WHERE seat_municipality = m.code)
          AND NOT EXISTS (SELECT 1 FROM locations WHERE municipality_code = m.code)`);
  }
}

before(async () => {
  if (HAVE_SCHEMAS) loadSchemas();
  insertTestData();
  // search= finds services through the directory's text index, which takes
  // the new rows with its next refresh (well within a second).
  await until(async () => (await http(`/hsds/services?search=${WORD}`)).json?.total_items === 1,
    { timeout: 5000, what: 'the test services in the search index' });
});
after(() => removeTestData());

// --- helpers ---------------------------------------------------------------------

/** GET p; every answer under /hsds is JSON that any site may read (HSDS's
 * compliance rules ask for Access-Control-Allow-Origin: * on all of them,
 * errors too, or a browser application cannot read why it failed). */
async function get(p, opts = {}) {
  const r = await http(p, { timeout: 10000, ...opts });
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/, `${p}: JSON`);
  if (p.startsWith('/hsds')) {
    assert.equal(r.headers.get('access-control-allow-origin'), '*',
      `${opts.method ?? 'GET'} ${p} (${r.status}) carries Access-Control-Allow-Origin: *`);
  }
  assert.ok(r.json !== undefined, `${p}: body parses as JSON`);
  return r;
}

async function getOk(p) {
  const r = await get(p);
  assert.equal(r.status, 200, `${p}: ${r.text.slice(0, 300)}`);
  return r.json;
}

/** Every page of a list; checks the envelope's arithmetic on the way. */
async function allPages(base, perPage) {
  const sep = base.includes('?') ? '&' : '?';
  const items = [];
  let total;
  for (let page = 1; ; page++) {
    const doc = await getOk(`${base}${sep}per_page=${perPage}&page=${page}`);
    assertValid(`${base.split('?')[0].slice(6)}:list`, doc, `${base} page ${page}`);
    total ??= doc.total_items;
    assert.equal(doc.total_items, total, 'total_items is the same on every page');
    assert.equal(doc.total_pages, Math.ceil(total / perPage));
    assert.equal(doc.page_number, page);
    assert.equal(doc.size, doc.contents.length);
    assert.equal(doc.first_page, page === 1);
    assert.equal(doc.last_page, page >= doc.total_pages);
    assert.equal(doc.empty, doc.contents.length === 0);
    items.push(...doc.contents);
    if (doc.last_page) break;
    assert.equal(doc.size, perPage, 'a page before the last is full');
  }
  assert.equal(items.length, total, `${base}: the pages hold total_items items`);
  assert.equal(new Set(items.map((i) => i.id)).size, items.length, `${base}: no item twice`);
  return items;
}

// The schemas are a prerequisite of the checkout: missing, the test fails.
function schemaTest(name, fn) {
  test(name, async (t) => {
    assert.ok(HAVE_SCHEMAS, NO_SCHEMAS);
    await fn(t);
  });
}

// --- schema conformance ----------------------------------------------------------

schemaTest('every service, list page and single item, validates against HSDS 3.0', async () => {
  const list = await allPages('/hsds/services', 40);
  assert.ok(list.length >= PUBLISHED.length);
  for (const id of PUBLISHED) assert.ok(list.some((s) => s.id === id), `published ${id} listed`);
  for (const s of list) {
    const one = await getOk(`/hsds/services/${s.id}`);
    assertValid('services:one', one, `/hsds/services/${s.id}`);
    assert.equal(one.id, s.id);
    assert.equal(one.status, 'active');
  }
});

schemaTest('organizations, taxonomies, taxonomy terms and services at locations validate', async () => {
  for (const [res, perPage] of [['organizations', 7], ['taxonomies', 2], ['taxonomy_terms', 9],
    ['service_at_locations', 2]]) {
    const list = await allPages(`/hsds/${res}`, perPage);
    assert.ok(list.length > 0, `${res} has items`);
    for (const item of list) {
      const one = await getOk(`/hsds/${res}/${item.id}`);
      assertValid(`${res}:one`, one, `/hsds/${res}/${item.id}`);
      assert.equal(one.id, item.id);
    }
  }
  for (const lang of ['sv', 'en']) {
    const doc = await getOk(`/hsds/taxonomy_terms?per_page=100&lang=${lang}`);
    assertValid('taxonomy_terms:list', doc, `taxonomy terms in ${lang}`);
    assert.ok(doc.contents.every((t) => t.language === lang));
  }
});

schemaTest('filtered lists validate and keep to their filters', async () => {
  for (const q of [`organization_id=${ORG}`, 'taxonomy_term_id=memory', 'taxonomy_id=kind',
    `search=${encodeURIComponent(WORD)}`, 'modified_after=2000-01-01', 'page=999']) {
    const doc = await getOk(`/hsds/services?${q}&per_page=5`);
    assertValid('services:list', doc, `/hsds/services?${q}`);
    const sal = await getOk(`/hsds/service_at_locations?${q}&per_page=5`);
    assertValid('service_at_locations:list', sal, `/hsds/service_at_locations?${q}`);
  }
});

// --- what the documents say --------------------------------------------------------

test('our service maps faithfully: areas, attributes, contacts, languages, location', async () => {
  const s = (await getOk(`/hsds/services/${A(1)}`));
  assert.equal(s.organization_id, ORG);
  assert.equal(s.organization.id, ORG);
  assert.equal(s.organization.parent_organization_id, undefined, 'a rejected parent is not named');
  assert.equal(s.organization.website, 'https://hsds-testi.example.org/p%C3%A4%C3%A4sivu?a=1&b=%5B2%5D');
  assert.equal(s.url, 'https://hsds-testi.example.org/ryhm%C3%A4');
  assert.equal(s.description, 'Vertaisryhmä testejä varten.\n\nPitkä kuvaus: tapaamme kahvin äärellä.');
  assert.equal(s.email, 'testi.kuvitelma@example.org');
  assert.equal(s.application_process, 'Tule paikalle.');
  assert.equal(s.fees_description, 'Maksuton.');
  assert.equal(s.eligibility_description, 'Kaikille.');
  assert.equal(s.assurer_email, 'hsds-testi@example.org');
  assert.match(s.assured_date, /^\d{4}-\d{2}-\d{2}$/);
  assert.match(s.last_modified, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.equal(s.alert, undefined, 'takes new participants: no alert');
  assert.deepEqual(s.service_areas.map((a) => a.extent).sort(), ['municipality:297', 'municipality:749']);
  assert.ok(s.service_areas.every((a) => a.extent_type === 'text' && a.service_id === A(1)));
  assert.equal(s.service_areas.find((a) => a.extent === 'municipality:297').id,
    uuidV3(`service_area:${A(1)}:municipality:297`));
  const terms = s.attributes.map((a) => [a.link_type, a.taxonomy_term.code]);
  assert.deepEqual(terms, [['need', 'memory'], ['kind', 'peer-support'], ['target_group', 'older']]);
  for (const a of s.attributes) {
    assert.equal(a.link_id, A(1));
    assert.equal(a.link_entity, 'service');
    assert.equal(a.taxonomy_term_id, uuidV3(`taxonomy_term:${a.taxonomy_term.code}`));
  }
  assert.match(s.attributes[0].taxonomy_term.description, /ICD-10: .*G30/);
  assert.deepEqual(s.languages.map((l) => [l.code, l.name]), [['ar', 'العربية'], ['fi', 'suomi']]);
  assert.equal(s.contacts.length, 2);
  assert.equal(s.contacts[0].title, 'vertaisohjaaja');
  assert.equal(s.contacts[0].phones[0].number, '+358 40 0009002');
  assert.equal(s.contacts[1].email, undefined);
  assert.equal(s.schedules[0].description, 'Tiistaisin klo 13–15');
  assert.equal(s.service_at_locations.length, 1);
  const loc = s.service_at_locations[0].location;
  assert.equal(loc.id, LOC);
  assert.equal(loc.addresses[0].city, 'Kuopio');
  assert.equal(loc.addresses[0].postal_code, '70100');
  assert.equal(loc.addresses[0].country, 'FI');
  assert.equal(loc.accessibility[0].description, 'Hissi.');
  assert.equal(loc.latitude, 62.8925);

  const county = await getOk(`/hsds/services/${A(2)}`);
  assert.equal(county.service_areas.length, 1);
  assert.equal(county.service_areas[0].extent, 'county:PS');
  assert.match(county.alert, /Ei ota/, 'takes_new false is an alert');
  assert.equal((await getOk(`/hsds/services/${A(3)}`)).service_areas[0].extent, 'country:FI');
  assert.equal((await getOk(`/hsds/services/${A(4)}`)).service_areas[0].extent, 'online');
  const unknownLang = (await getOk(`/hsds/services/${A(4)}`)).languages[0];
  assert.deepEqual([unknownLang.code, unknownLang.name], ['xyz', undefined]);

  const org = await getOk(`/hsds/organizations/${ORG}`);
  assert.deepEqual(org.services.map((x) => x.id).sort(), [...PUBLISHED].sort());
  assert.equal(org.organization_identifiers[0].identifier, '1572860-0');
  assert.equal(org.phones[0].number, '+358 40 0009001');
  assert.equal(org.contacts[0].name, 'Org Kuvitelma');
  assert.equal(org.locations[0].id, LOC);
});

test('taxonomy ids are UUID v3 of their slugs, and slugs name them too', async () => {
  const byUuid = await getOk(`/hsds/taxonomy_terms/${uuidV3('taxonomy_term:memory')}`);
  const bySlug = await getOk('/hsds/taxonomy_terms/memory');
  assert.deepEqual(byUuid, bySlug);
  assert.equal(byUuid.code, 'memory');
  assert.equal(byUuid.taxonomy_id, uuidV3('taxonomy:need'));
  assert.equal((await getOk('/hsds/taxonomies/need')).id, uuidV3('taxonomy:need'));
  const sv = await getOk('/hsds/taxonomy_terms/memory?lang=sv');
  assert.equal(sv.name, 'Minnessjukdomar');
  assert.equal(sv.language, 'sv');
  const kinds = await getOk('/hsds/taxonomy_terms?taxonomy_id=kind&per_page=100');
  assert.ok(kinds.contents.length > 3);
  assert.ok(kinds.contents.every((t) => t.taxonomy_id === uuidV3('taxonomy:kind')));
  const found = await getOk('/hsds/taxonomy_terms?search=dementia');
  assert.ok(found.contents.some((t) => t.code === 'memory'), 'a synonym finds its term');
  const sal = await getOk('/hsds/service_at_locations?organization_id=' + ORG);
  assert.deepEqual(sal.contents.map((x) => x.id).sort(),
    [uuidV3(`service_at_location:${A(1)}:${LOC}`), uuidV3(`service_at_location:${A(3)}:${LOC}`)].sort());
  assert.deepEqual(sal.contents.map((x) => x.service.id).sort(), [A(1), A(3)].sort());
});

test('filters: organization, term (uuid or slug), taxonomy, search, modified_after', async () => {
  const ids = (doc) => doc.contents.map((s) => s.id).sort();
  assert.deepEqual(ids(await getOk(`/hsds/services?organization_id=${ORG}&per_page=100`)), [...PUBLISHED].sort());
  assert.deepEqual(ids(await getOk(`/hsds/services?organization_id=${ORG.toUpperCase()}`)), [...PUBLISHED].sort());

  for (const term of ['memory', uuidV3('taxonomy_term:memory')]) {
    const all = await allPages(`/hsds/services?taxonomy_term_id=${term}`, 50);
    assert.ok(all.some((s) => s.id === A(1)) && all.some((s) => s.id === A(2)));
    assert.ok(!all.some((s) => s.id === A(3)), 'a service without the term is left out');
    for (const s of all.slice(0, 10)) {
      const one = await getOk(`/hsds/services/${s.id}`);
      assert.ok(one.attributes.some((a) => a.taxonomy_term.code === 'memory'), `${s.id} has the term`);
    }
  }
  const kinds = ids(await getOk(`/hsds/services?taxonomy_id=kind&organization_id=${ORG}`));
  assert.deepEqual(kinds, [A(1), A(4)].sort());

  const found = await getOk(`/hsds/services?search=${encodeURIComponent(WORD)}`);
  assert.deepEqual(ids(found), [A(1)]);
  // The search API's engine: the same activities in the same order as its q
  // (inflections, Swedish, a code), page by page.
  for (const w of ['muistisairaille', 'anhöriga', 'G20']) {
    const api = await (await fetch(`${URL_BASE}/api/v1/activities?q=${encodeURIComponent(w)}&per_page=20`)).json();
    const doc = await getOk(`/hsds/services?search=${encodeURIComponent(w)}&per_page=20`);
    assert.ok(api.total > 0, `${w} finds something`);
    assert.equal(doc.total_items, api.total, `${w}: as many services as the search finds`);
    assert.deepEqual(doc.contents.map((x) => x.id), api.items.map((x) => x.id), `${w}: in the search's order`);
  }
  // Quotes, SQL and wildcards are plain text: the words may match, nothing breaks.
  await getOk('/hsds/services?search=%27%3B%20DROP%20TABLE%20activities%3B%20--');
  assert.ok(Number(psql('SELECT count(*) FROM activities')) > 0);
  const none = await getOk('/hsds/services?search=%25_%5C%25');
  assert.equal(none.total_items, 0);
  assert.equal(none.empty, true);
  assert.equal((await getOk('/hsds/organizations?search=%25')).total_items, 0);
  assert.ok((await getOk('/hsds/organizations?search=HSDS-testi')).contents.some((o) => o.id === ORG));

  // modified_after: touch one activity, and ask from just before.
  const mark = psql(`SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);
  psql(`UPDATE activities SET summary = 'Muutettu.' WHERE id = '${A(3)}'`);
  const since = await allPages(`/hsds/services?modified_after=${encodeURIComponent(mark)}`, 50);
  assert.ok(since.some((s) => s.id === A(3)), 'the changed service is listed');
  assert.ok(!since.some((s) => s.id === A(4)), 'an unchanged one is not');
  for (const s of since) assert.ok(s.last_modified >= mark.slice(0, 23), `${s.id} changed since`);
  // The same instant written with an offset, and '+' sent unencoded.
  const local = new Date(Date.parse(mark) - 1000).toISOString().replace('Z', '+00:00');
  const withOffset = await getOk(`/hsds/services?modified_after=${local.replace('+', '%2B')}&organization_id=${ORG}`);
  assert.ok(withOffset.contents.some((s) => s.id === A(3)));
  const plus = await getOk(`/hsds/services?modified_after=${local}&organization_id=${ORG}`);
  assert.deepEqual(ids(plus), ids(withOffset));
  const future = await getOk('/hsds/services?modified_after=2999-01-01');
  assert.equal(future.total_items, 0);
});

test('unpublished, archived and pending things never appear', async () => {
  const services = await allPages('/hsds/services', 100);
  const sal = await allPages('/hsds/service_at_locations', 100);
  const orgs = await allPages('/hsds/organizations', 100);
  for (const id of HIDDEN) {
    assert.ok(!services.some((s) => s.id === id), `${id} not listed`);
    assert.ok(!sal.some((s) => s.service_id === id), `${id} not at a location`);
    assert.equal((await get(`/hsds/services/${id}`)).status, 404, `${id} not served`);
  }
  assert.ok(!orgs.some((o) => o.id === ORG_PENDING || o.id === ORG_PARENT));
  assert.equal((await get(`/hsds/organizations/${ORG_PENDING}`)).status, 404);
  assert.equal((await get(`/hsds/organizations/${ORG_PARENT}`)).status, 404);
  assert.equal((await get(`/hsds/service_at_locations/${uuidV3(`service_at_location:${A(9)}:${LOC}`)}`)).status, 404);
  const org = await getOk(`/hsds/organizations/${ORG}`);
  for (const id of HIDDEN) assert.ok(!org.services.some((s) => s.id === id));
  // Published states in the database as a cross-check.
  const statuses = psql(`SELECT DISTINCT a.status || '/' || o.status FROM activities a
    JOIN organizations o ON o.id = a.organization_id WHERE a.id IN (${services.map((s) => `'${s.id}'`).join(',')})`);
  assert.equal(statuses, 'published/approved');
});

test('bad parameters are a 400 naming the field', async () => {
  const cases = [
    ['/hsds/services?page=0', 'page'], ['/hsds/services?page=abc', 'page'],
    ['/hsds/services?page=-1', 'page'], ['/hsds/services?per_page=101', 'per_page'],
    ['/hsds/services?per_page=0', 'per_page'], ['/hsds/organizations?per_page=1.5', 'per_page'],
    [`/hsds/services?search=${'a'.repeat(201)}`, 'search'], ['/hsds/services?search=%FF%FE', 'search'],
    ['/hsds/services?search=a%01b', 'search'],
    ['/hsds/services?organization_id=not-a-uuid', 'organization_id'],
    ['/hsds/services?taxonomy_term_id=no-such-term', 'taxonomy_term_id'],
    [`/hsds/services?taxonomy_term_id=${uuidV3('taxonomy_term:nothing')}`, 'taxonomy_term_id'],
    ['/hsds/services?taxonomy_term_id=Bad!', 'taxonomy_term_id'],
    ['/hsds/taxonomy_terms?taxonomy_id=nothing', 'taxonomy_id'],
    ['/hsds/service_at_locations?modified_after=2024-13-01', 'modified_after'],
    ['/hsds/services?modified_after=2023-02-29', 'modified_after'],
    ['/hsds/services?modified_after=yesterday', 'modified_after'],
    ['/hsds/services?modified_after=2024-01-01T25:00:00Z', 'modified_after'],
    ['/hsds/services?modified_after=2024-01-01T10:00:00%2B99:00', 'modified_after'],
    ['/hsds/taxonomies?lang=de', 'lang'], ['/hsds/services?format=ndjson', 'format'],
    ['/hsds/services?postcode=70100', 'postcode'], ['/hsds/taxonomy_terms?parent_id=x', 'parent_id'],
    ['/hsds/taxonomies?organization_id=' + ORG, 'organization_id'],
    ['/hsds/organizations?modified_after=2024-01-01', 'modified_after'],
  ];
  for (const [p, field] of cases) {
    const r = await get(p);
    assert.equal(r.status, 400, `${p}: ${r.text.slice(0, 200)}`);
    assert.equal(r.json.error.status, 400);
    assert.equal(r.json.error.code, 'invalid_parameter');
    assert.equal(r.json.error.field, field, `${p} names ${field}`);
  }
  // Accepted forms of modified_after.
  for (const v of ['2024-02-29', '2024-01-01T10:00Z', '2024-01-01T10:00:00.123456-05:00',
    '2024-01-01 10:00:00', '2024-01-01T10:00:00%2B0200']) {
    assert.equal((await get(`/hsds/services?per_page=1&modified_after=${v}`)).status, 200, v);
  }
});

test('unknown ids and paths are a 404', async () => {
  const missing = 'f5d50000-0000-4000-8000-00000000ffff';
  for (const p of [`/hsds/services/${missing}`, `/hsds/organizations/${missing}`,
    `/hsds/taxonomies/${missing}`, `/hsds/taxonomy_terms/${missing}`, '/hsds/taxonomy_terms/no-such-term',
    `/hsds/service_at_locations/${missing}`, '/hsds/services/not-a-uuid', '/hsds/services/',
    `/hsds/services/${A(1)}/extra`, '/hsds/locations', '/hsds/nothing-here']) {
    const r = await get(p);
    assert.equal(r.status, 404, `${p}: ${r.text.slice(0, 200)}`);
    assert.equal(r.json.error.code, 'not_found');
  }
  const meta = await getOk('/hsds/');
  assert.equal(meta.version, '3.0');
});

test('unknown and undecodable paths are a 404 any site may read', async () => {
  // %FF is not UTF-8 and a long path does not fit the message: still a 404
  // whose message is valid UTF-8 (the path shortened at a character).
  for (const p of ['/hsds/%FF', '/hsds/services/%FF%FE', `/hsds/${'ä'.repeat(400)}`]) {
    const r = await get(p);
    assert.equal(r.status, 404, `${p}: ${r.text.slice(0, 200)}`);
    assert.equal(r.json.error.code, 'not_found');
    assert.ok(r.json.error.message.length < 400, `${p}: the message is bounded`);
  }
});

// The 405 is answered before routing (services/gateway/main.c), not by hsds.c.
test('another method under /hsds is a 405 any site may read', async () => {
  for (const method of ['POST', 'PUT', 'DELETE']) {
    for (const p of ['/hsds', '/hsds/', '/hsds/services', `/hsds/services/${A(1)}`]) {
      const r = await get(p, { method });
      assert.equal(r.status, 405, `${method} ${p}: ${r.text.slice(0, 200)}`);
      assert.equal(r.json.error.code, 'method_not_allowed');
    }
  }
});

// --- the walk of HSDS's own API document ----------------------------------------------------

// A real item for each {id} path of the document.
const REAL_IDS = {
  '/services/{id}': A(1),
  '/organizations/{id}': ORG,
  '/taxonomies/{id}': uuidV3('taxonomy:need'),
  '/taxonomy_terms/{id}': uuidV3('taxonomy_term:memory'),
  '/service_at_locations/{id}': uuidV3(`service_at_location:${A(1)}:${LOC}`),
};
const SAL = (a) => uuidV3(`service_at_location:${a}:${LOC}`);
const MISSING = 'f5d50000-0000-4000-8000-00000000ffff';

// The parameters HSDS declares that we do not implement: any value is a
// 400 naming the parameter (answering without them would answer another
// question than was asked).
const REFUSED = new Set(['minimal', 'full', 'full_service', 'postcode', 'proximity', 'top_only',
  'parent_id']);

/** Resolves a local $ref of the OpenAPI document ("#/components/..."). */
function resolveRef(node) {
  if (!node?.$ref) return node;
  assert.match(node.$ref, /^#\//, `only local parameter refs: ${node.$ref}`);
  return resolveRef(node.$ref.slice(2).split('/').reduce((o, k) => o?.[k], spec));
}

/** The response schema of path p, its refs pointed at the loaded schema files. */
const responseValidators = {};
function responseValidator(p) {
  if (responseValidators[p]) return responseValidators[p];
  const remote = 'https://raw.githubusercontent.com/openreferral/specification/3.0/schema/';
  const local = (node) => {
    if (Array.isArray(node)) return node.map(local);
    if (!node || typeof node !== 'object') return node;
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#/')) return local(resolveRef(node));
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && v.startsWith(remote)) {
        out.$ref = v.slice(remote.length);
        assert.ok(ajv.getSchema(out.$ref), `${p}: the response schema ${out.$ref} is loaded`);
      } else {
        out[k] = local(v);
      }
    }
    return out;
  };
  const schema = spec.paths[p].get.responses['200'].content['application/json'].schema;
  responseValidators[p] = ajv.compile(local(schema));
  return responseValidators[p];
}

const contentIds = (doc) => doc.contents.map((x) => x.id);

/**
 * What the walk sends for parameter name on path p (a list path, or an item
 * path for 'id'): a list of [query, expected status, check(doc, base)].
 * The checks show that the parameter did what it says, so that none is
 * ignored silently.  A parameter the table does not know fails the walk.
 */
function parameterCases(name, p) {
  const list = p.replace('/{id}', '').slice(1);
  const bad = (v) => [`${name}=${v}`, 400];
  if (REFUSED.has(name)) return [[`${name}=true`, 400], [`${name}=false`, 400], [`${name}=x`, 400]];
  switch (name) {
  case 'id':
    return [
      [`/${REAL_IDS[p].toUpperCase()}`, 200, (doc) => assert.equal(doc.id, REAL_IDS[p], 'a uuid in either case')],
      [`/${MISSING}`, 404], ['/not-a-uuid', 404], [`/${REAL_IDS[p]}x`, 404],
    ];
  case 'search': {
    const hit = { services: WORD, service_at_locations: WORD, organizations: 'HSDS-testi',
      taxonomies: 'diagnoosi', taxonomy_terms: 'dementia' }[list];
    assert.ok(hit, `search on ${p}: no value known that finds something`);
    return [
      [`search=${encodeURIComponent(hit)}`, 200, (doc) => {
        assert.ok(doc.total_items >= 1, `search=${hit} finds something on ${p}`);
        if (list === 'services') assert.deepEqual(contentIds(doc), [A(1)]);
        if (list === 'service_at_locations') assert.deepEqual(contentIds(doc), [SAL(A(1))]);
        if (list === 'organizations') assert.ok(contentIds(doc).includes(ORG));
        if (list === 'taxonomies') assert.deepEqual(contentIds(doc), [uuidV3('taxonomy:need')]);
        if (list === 'taxonomy_terms') assert.ok(doc.contents.some((t) => t.code === 'memory'));
      }],
      ['search=zzqxnothingmatchesthisqxzz', 200, (doc, base) => {
        assert.ok(base.total_items > 0);
        assert.equal(doc.total_items, 0, `a search that matches nothing empties ${p}`);
      }],
      bad('a'.repeat(201)), bad('%FF%FE'), bad('a%01b'),
    ];
  }
  case 'page':
    return [
      ['page=2&per_page=1', 200, (doc, base) => {
        assert.equal(doc.page_number, 2);
        assert.equal(doc.first_page, false);
        assert.equal(doc.size, base.total_items >= 2 ? 1 : 0);
      }],
      bad('0'), bad('-1'), bad('abc'), bad('1000001'),
    ];
  case 'per_page':
    return [
      ['per_page=1', 200, (doc, base) => {
        assert.equal(doc.size, Math.min(1, base.total_items));
        assert.equal(doc.total_pages, base.total_items);
      }],
      bad('0'), bad('101'), bad('1.5'),
    ];
  case 'format':
    return [
      ['format=json', 200, (doc, base) => {
        assert.equal(doc.total_items, base.total_items);
        assert.deepEqual(contentIds(doc).slice(0, base.contents.length), contentIds(base));
      }],
      bad('ndjson'), bad('csv'),
    ];
  case 'taxonomy_term_id':
    return [
      ...['memory', uuidV3('taxonomy_term:memory')].map((v) => [`taxonomy_term_id=${v}`, 200, (doc) => {
        const ids = contentIds(doc);
        if (list === 'services') {
          assert.ok(ids.includes(A(1)) && ids.includes(A(2)), 'services with the term are listed');
          assert.ok(!ids.includes(A(3)) && !ids.includes(A(4)), 'services without it are not');
        } else {
          assert.ok(ids.includes(SAL(A(1))) && !ids.includes(SAL(A(3))), 'only services with the term');
        }
      }]),
      bad('no-such-term'), bad(uuidV3('taxonomy_term:nothing')), bad('Bad!'),
    ];
  case 'taxonomy_id':
    return [
      ...['kind', uuidV3('taxonomy:kind')].map((v) => [`taxonomy_id=${v}`, 200, (doc, base) => {
        const ids = contentIds(doc);
        if (list === 'services') {
          assert.ok(ids.includes(A(1)) && ids.includes(A(4)) && !ids.includes(A(3)));
        } else if (list === 'service_at_locations') {
          assert.ok(ids.includes(SAL(A(1))) && !ids.includes(SAL(A(3))));
        } else {
          assert.ok(doc.total_items > 0 && doc.total_items < base.total_items);
          assert.ok(doc.contents.every((t) => t.taxonomy_id === uuidV3('taxonomy:kind')));
        }
      }]),
      bad('nothing'), bad(uuidV3('taxonomy:nothing')), bad('Bad!'),
    ];
  case 'organization_id':
    return [
      ...[ORG, ORG.toUpperCase()].map((v) => [`organization_id=${v}`, 200, (doc) => {
        const ids = contentIds(doc).sort();
        assert.deepEqual(ids, list === 'services' ? [...PUBLISHED].sort() : [SAL(A(1)), SAL(A(3))].sort());
      }]),
      [`organization_id=${MISSING}`, 200, (doc) => assert.equal(doc.total_items, 0)],
      bad('not-a-uuid'),
    ];
  case 'modified_after':
    return [
      ['modified_after=2000-01-01', 200, (doc, base) => assert.equal(doc.total_items, base.total_items)],
      ['modified_after=2999-01-01T00:00:00Z', 200, (doc) => assert.equal(doc.total_items, 0)],
      bad('yesterday'), bad('2023-02-29'),
    ];
  default:
    assert.fail(`${p}: HSDS declares the parameter '${name}', and the walk has no cases for it`);
  }
}

schemaTest('every path and every declared parameter of HSDS\'s openapi.json: honoured or refused', async () => {
  const seen = [];
  const problems = [];
  const check = async (url, status, p, fn, base) => {
    const r = await get(url);
    assert.equal(r.status, status, `${url}: ${r.text.slice(0, 300)}`);
    if (status === 200) {
      const v = responseValidator(p);
      if (!v(r.json)) {
        assert.fail(`${url} does not validate against the response of ${p} in HSDS's openapi.json: ` +
          ajv.errorsText(v.errors, { separator: '\n  ' }).slice(0, 2000));
      }
      if (fn) fn(r.json, base);
    } else {
      assert.equal(r.json.error.status, status);
      assert.equal(r.json.error.code, status === 400 ? 'invalid_parameter' : 'not_found');
    }
    return r;
  };
  for (const [p, item] of Object.entries(spec.paths)) {
    const op = item.get;
    assert.ok(op, `${p}: the document declares GET`);
    let url = `/hsds${p}`;
    if (p.includes('{id}')) {
      assert.ok(REAL_IDS[p], `${p}: the walk knows a real id for it`);
      url = url.replace('{id}', REAL_IDS[p]);
    }
    const base = (await check(url, 200, p)).json;
    const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(resolveRef);
    for (const param of params) {
      seen.push(`${p} ${param.name}`);
      for (const [q, status, fn] of parameterCases(param.name, p)) {
        const target = param.in === 'path' ? `/hsds${p.replace('/{id}', '')}${q}` :
          `${url}?${q}${p.includes('{id}') || /per_page=/.test(q) ? '' : '&per_page=100'}`;
        // Every case is tried, and the walk ends with the list of all that failed.
        try {
          const r = await check(target, status, p, fn, base);
          if (status === 400) assert.equal(r.json.error.field, param.name, `${target} names ${param.name}`);
          if (status === 404) assert.equal(r.json.error.field, 'id', `${target} names the id`);
        } catch (e) {
          problems.push(e.message.split('\n')[0].slice(0, 160));
        }
      }
    }
  }
  if (problems.length) assert.fail(`${problems.length} cases of the walk failed:\n${problems.join('\n')}`);
  // The document is read, not copied: a smoke test that the walk did walk.
  assert.ok(seen.includes('/services full') && seen.includes('/organizations/{id} full_service') &&
    seen.includes('/services/{id} id'), seen.join(', '));
  console.log(`report: the walk covered ${Object.keys(spec.paths).length} paths and ${seen.length} declared parameters`);
});

// --- the OpenAPI document of /api/v1 ------------------------------------------------------

test('the OpenAPI document is valid OpenAPI 3.1 and every documented path answers', async (t) => {
  const { Validator } = await import('@seriousme/openapi-schema-validator');
  const r = await getOk('/api/v1/openapi.json');
  const result = await new Validator().validate(r);
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1)?.slice(0, 2000));
  assert.equal(r.openapi.slice(0, 4), '3.1.');

  const base = r.servers[0].url;
  const ids = { id: A(1), job_id: 'f5d50000-0000-4000-8000-00000000eeee' };
  const orgPaths = { '/organizations/{id}': ORG };
  for (const [p, item] of Object.entries(r.paths)) {
    for (const method of Object.keys(item).filter((m) => ['get', 'post', 'put', 'delete', 'patch'].includes(m))) {
      const url = base + p.replace(/\{(\w+)\}/g, (_, n) => orgPaths[p] ?? ids[n]);
      const res = await http(url, {
        method: method.toUpperCase(), timeout: 10000,
        ...(method === 'post' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}),
      });
      // A route that does not exist answers "no such resource: <path>" (or
      // 405 when the path exists for another method); an existing route may
      // still say 404 for an id it does not know.
      const unrouted = res.status === 405 ||
        (res.status === 404 && /^no such resource/.test(res.json?.error?.message ?? ''));
      assert.ok(!unrouted, `${method.toUpperCase()} ${url} is documented but answers ${res.status}`);
      assert.ok(res.status < 500 || res.status === 503, `${method.toUpperCase()} ${url}: ${res.status}`);
    }
  }
});

// Last: it stops PostgreSQL for a moment.
test('a 503 under /hsds carries Access-Control-Allow-Origin: * too', async () => {
  stack('pg-stop');
  try {
    const r = await until(async () => {
      const res = await http('/hsds/services?per_page=1', { timeout: 10000 });
      return res.status === 503 ? res : null;
    }, { what: '/hsds/services to answer 503 with PostgreSQL down', timeout: 20000 });
    assert.equal(r.json.error.code, 'unavailable');
    assert.equal(r.headers.get('access-control-allow-origin'), '*', '503 carries Access-Control-Allow-Origin: *');
  } finally {
    stack('pg-start');
  }
  await until(async () => (await http('/hsds/services?per_page=1', { timeout: 10000 })).status === 200,
    { what: '/hsds/services to answer 200 again', timeout: 30000 });
});
