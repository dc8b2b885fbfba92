// The HSDS 3.0 read API (/hsds/) and the OpenAPI document of /api/v1.
//
// Every /hsds/ response is validated against the HSDS 3.0 JSON Schemas in
// ../shared/hsds-3.0/schema, loaded as a whole folder (they $ref each other
// by file name) into Ajv's draft 2020-12 validator with ajv-formats.  Where
// that folder is absent the schema tests say so and are skipped.  The
// OpenAPI document is checked with @seriousme/openapi-schema-validator.
//
// The test brings its own small, clearly fictional organisation (and one
// pending one) so that it does not depend on the demo data, and removes them
// at the end; the demo data, when loaded, is validated too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT, http, psql } from './lib.mjs';

const require = createRequire(import.meta.url);
const HSDS_DIR = path.resolve(ROOT, '../shared/hsds-3.0');
const SCHEMA_DIR = path.join(HSDS_DIR, 'schema');
const HAVE_SCHEMAS = existsSync(path.join(SCHEMA_DIR, 'service.json'));
const NO_SCHEMAS = `HSDS 3.0 schemas not found at ${SCHEMA_DIR}: schema validation skipped`;

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
  const openapi = JSON.parse(readFileSync(path.join(SCHEMA_DIR, 'openapi.json'), 'utf8'));
  const page = openapi.components.schemas.Page;
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
    INSERT INTO activity_locations (activity_id, location_id) VALUES ('${A(1)}', '${LOC}'), ('${A(9)}', '${LOC}');
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

before(() => {
  if (HAVE_SCHEMAS) loadSchemas();
  insertTestData();
});
after(() => removeTestData());

// --- helpers ---------------------------------------------------------------------

async function get(p) {
  const r = await http(p, { timeout: 10000 });
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/, `${p}: JSON`);
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
    if (HAVE_SCHEMAS) assertValid(`${base.split('?')[0].slice(6)}:list`, doc, `${base} page ${page}`);
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

function schemaTest(name, fn) {
  test(name, async (t) => {
    if (!HAVE_SCHEMAS) return t.skip(NO_SCHEMAS);
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
  assert.deepEqual(sal.contents.map((x) => x.id), [uuidV3(`service_at_location:${A(1)}:${LOC}`)]);
  assert.equal(sal.contents[0].service.id, A(1));
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
