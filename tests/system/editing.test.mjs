// Editing activities (issue 13, docs/selfservice.md "Editing"): an editor
// creates a draft, publishes it, and a professional's three clicks (need,
// kind, municipality) find it within a second on every directory instance;
// every invalid value of every field of the activity document is refused
// with its field-level error and nothing changes; publishing an incomplete
// draft names what is missing; PUT needs If-Match and a stale version gets
// 409 with the current document (never a silent overwrite); the history
// says who changed which field from what to what, newest first, and a save
// that changes nothing writes none; pause / archive / publish take the
// activity out of the search and back within a second; "still correct"
// sets assured_date and the assurer.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  http, env, stack, psql, until, signIn, anon, activityDoc, activeTerms, assertFieldErrors, ifMatch, createActivity,
  todayFi, timeUntilListed, searchIds, assertAudited, helperWrites, q,
} from './lib.mjs';

const EDITOR = 'toimitus@mielenterveysseura.example.org';
const ADMIN = 'koordinaattori@hyvinvointialue.example.org';
const ORG = 'd0000000-0000-4000-8000-000000000006';
const RUN = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const T0 = new Date(Date.now() - 2000);
const MISSING = Symbol('missing');
const MONTHS = Number(env.TARJOTIN_REVIEW_MONTHS || 6);

let ed; let ed2; let admin;
let NEED; let KIND; let CLICKS;
let second = false; // directory-2 started by this file
const writes = [];

test.before(async () => {
  ed = await signIn(EDITOR);
  ed2 = await signIn(EDITOR); // a second session of the same editor
  admin = await signIn(ADMIN);
  [NEED] = activeTerms('need');
  [KIND] = activeTerms('kind');
  CLICKS = { need: NEED, kind: KIND, municipality: '297' };
  // A second directory instance, so that "every instance" means two.
  const ping = async () => (await http('/api/v1/ping')).json?.instance;
  stack('svc-start', 'directory-2', 'directory', `TARJOTIN_DIRECTORY_BIND=tcp://127.0.0.1:${env.TARJOTIN_DIRECTORY2_PORT}`);
  second = true;
  await until(async () => {
    const seen = new Set();
    for (let i = 0; i < 10; i++) seen.add(await ping());
    return seen.has('directory-2') && seen.has('directory-1');
  }, { timeout: 30000, what: 'both directory instances to answer' });
});

test.after(async () => {
  if (!second) return;
  stack('svc-stop', 'directory-2');
  await until(async () => {
    for (let i = 0; i < 5; i++) if ((await http('/api/v1/ping')).json?.instance !== 'directory-1') return false;
    return true;
  }, { timeout: 20000, what: 'directory-1 alone' });
});

const doc = (over = {}) => activityDoc({ name: `Muokkaustesti ${RUN}`, needs: [NEED], kinds: [KIND], ...over });
const row = (id) => psql(`SELECT md5(to_jsonb(a)::text) || '/' || version || '/' || updated_at
  || '/' || (SELECT count(*) FROM change_history WHERE target_type = 'activity' AND target_id = a.id::text)
  || '/' || (SELECT count(*) FROM activity_needs WHERE activity_id = a.id) || '/' || (SELECT count(*) FROM activity_locations WHERE activity_id = a.id)
  || '/' || (SELECT count(*) FROM activity_municipalities WHERE activity_id = a.id) FROM activities a WHERE id = '${id}'`);
const orgCount = () => psql(`SELECT count(*) FROM activities WHERE organization_id = '${ORG}'`);
const today = () => todayFi();
const dueOf = (d) => psql(`SELECT to_char(date '${d}' + interval '${MONTHS} months', 'YYYY-MM-DD')`);

async function get(who, id) {
  const r = await who.call(`/api/v1/editor/activities/${id}`);
  assert.equal(r.status, 200, r.text);
  return r;
}

async function put(who, id, body, version, extra = {}) {
  return who.call(`/api/v1/editor/activities/${id}`, { method: 'PUT', json: body, headers: { ...ifMatch(version), ...extra } });
}

async function setStatus(who, id, status, version) {
  return who.call(`/api/v1/editor/activities/${id}/status`, { method: 'POST', json: { status }, headers: ifMatch(version) });
}

/** The writable part of a document as GET returns it (a PUT sends it back). */
function writable(d) {
  const { id, organization, version, freshness, assured_date, assurer, due_date, published_at, created_at, updated_at,
    unverified, status, ...rest } = d;
  return rest;
}

test('create a draft, publish it, and the three clicks find it within a second on both directory instances', async () => {
  const body = doc();
  const before = orgCount();
  const r = await ed.call(`/api/v1/editor/organizations/${ORG}/activities`, { method: 'POST', json: body });
  assert.equal(r.status, 201, r.text);
  assert.equal(orgCount(), String(Number(before) + 1));
  const a = r.json;
  writes.push({ what: 'create', action: 'activity.create', actor: { id: ed.account.id, role: 'editor' }, target: a.id });
  assert.equal(a.status, 'draft', 'draft by default');
  assert.equal(a.version, 1);
  assert.equal(r.headers.get('etag'), '"1"');
  assert.ok((r.headers.get('location') || '').endsWith(`/api/v1/editor/activities/${a.id}`), `Location: ${r.headers.get('location')}`);
  assert.deepEqual(a.organization, { id: ORG, name: a.organization.name });
  assert.equal(a.due_date, null, 'no due date unless published');
  for (const k of ['name', 'summary', 'how_to_join', 'needs', 'kinds', 'languages', 'area', 'url']) {
    assert.deepEqual(a[k], body[k], `${k} stored as sent`);
  }
  assert.equal((await http(`/api/v1/activities/${a.id}`)).status, 404, 'a draft is not public');
  // Create: one history row per non-empty field, old null.
  const h = await ed.call(`/api/v1/editor/activities/${a.id}/history`);
  assert.equal(h.status, 200, h.text);
  const fields = h.json.items.map((i) => i.field);
  for (const f of ['name', 'summary', 'how_to_join', 'needs', 'kinds', 'area', 'languages']) assert.ok(fields.includes(f), `history of create has ${f}`);
  assert.ok(!fields.includes('target_groups') && !fields.includes('locations'), `no row for an empty field: ${fields}`);
  assert.ok(h.json.items.every((i) => i.old === null && i.version === 1), 'create rows: old null, version 1');

  const t0 = Date.now();
  const p = await setStatus(ed, a.id, 'published', 1);
  assert.equal(p.status, 200, p.text);
  writes.push({ what: 'publish', action: 'activity.status', actor: { id: ed.account.id, role: 'editor' }, target: a.id });
  assert.equal(p.json.status, 'published');
  assert.equal(p.json.version, 2);
  assert.equal(p.headers.get('etag'), '"2"');
  assert.equal(p.json.assured_date, today(), 'publishing is a verification');
  assert.equal(p.json.assurer, EDITOR);
  assert.equal(p.json.freshness, 'current');
  assert.equal(p.json.unverified, false);
  assert.equal(p.json.due_date, dueOf(today()));
  assert.ok(p.json.published_at, 'published_at set');
  const ms = await timeUntilListed(CLICKS, a.id, true, t0);
  console.log(`report: published activity found by need+kind+municipality after ${ms} ms (both directory instances agreeing 6 times in a row)`);
  assert.ok(ms < 1000, `in the search after ${ms} ms`);
  const detail = await http(`/api/v1/activities/${a.id}`);
  assert.equal(detail.status, 200, detail.text);
  assert.equal(detail.json.name, body.name);
  assert.equal(detail.json.unverified, false);
});

// field -> [value, code(s), field(s) named (default: field), extra fields of the body]
function badValues() {
  const needs = activeTerms('need');
  const kinds = activeTerms('kind');
  const groups = activeTerms('target_group');
  const inactive = psql('SELECT taxonomy_id || \':\' || id FROM taxonomy_terms WHERE NOT active ORDER BY id').split('\n').filter(Boolean);
  const codes = psql('SELECT code FROM municipalities ORDER BY code').split('\n');
  const n = (xs, k) => Array.from({ length: k }, (_, i) => xs[i % xs.length]);
  const contact = { name: 'Yhteys', role: '', email: 'yhteys@example.org', phone: '' };
  const place = { name: 'Kerhohuone', street_address: 'Katu 1', postal_code: '70100', municipality: '297', accessibility: '' };
  const text = (max) => [['x'.repeat(max + 1), 'too_long'], ['ok\u0007', 'invalid'], [7, 'invalid']];
  const ACR = { accepts_contact_requests: true, contact_request_email: 'pyynnot@example.org', response_days: 5 };
  return {
    name: [[MISSING, 'required'], ['A', 'too_short'], ['x'.repeat(201), 'too_long'], ['Nimi\u0001', 'invalid'], [5, 'invalid'], [null, ['required', 'invalid']]],
    summary: text(500),
    description: [...text(5000), ['a\u001bb', 'invalid']],
    for_whom: text(2000),
    how_to_join: text(2000),
    accessibility: text(2000),
    cost: text(500),
    schedule: text(1000),
    url: [['ftp://example.org', 'invalid'], ['https://exa mple.org', 'invalid'], ['example.org', 'invalid'],
      [`https://example.org/${'a'.repeat(490)}`, 'invalid'], [5, 'invalid'], ['javascript:alert(1)', 'invalid']],
    needs: [[['no-such-need'], 'unknown'], [[NEED, NEED], 'invalid'], [n(needs, 11), needs.length >= 11 ? 'too_many' : ['too_many', 'invalid']], [NEED, 'invalid'], [[KIND], 'unknown'],
      [[5], 'invalid'], ...inactive.filter((t) => t.startsWith('need:')).slice(0, 1).map((t) => [[t.slice(5)], 'unknown'])],
    kinds: [[['no-such-kind'], 'unknown'], [[KIND, KIND], 'invalid'], [n(kinds, 11), kinds.length >= 11 ? 'too_many' : ['too_many', 'invalid']], [[NEED], 'unknown'], [KIND, 'invalid'],
      ...inactive.filter((t) => t.startsWith('kind:')).slice(0, 1).map((t) => [[t.slice(5)], 'unknown'])],
    target_groups: [[['no-such-group'], 'unknown'], [n(groups, 7), groups.length >= 7 ? 'too_many' : ['too_many', 'invalid']], [[groups[0], groups[0]], 'invalid'], [[NEED], 'unknown'], ['x', 'invalid']],
    area: [[{ type: 'region' }, 'invalid', 'area.type'], [{}, 'required', 'area.type'], ['PS', ['invalid', 'required'], ['area', 'area.type']],
      [{ type: 'municipalities' }, 'required', 'area.municipalities'], [{ type: 'municipalities', municipalities: [] }, 'required', 'area.municipalities'],
      [{ type: 'municipalities', municipalities: ['999'] }, 'unknown', 'area.municipalities'],
      [{ type: 'municipalities', municipalities: ['297', 'x'] }, ['unknown', 'invalid'], 'area.municipalities'],
      [{ type: 'municipalities', municipalities: n(codes, 401) }, 'too_many', 'area.municipalities'],
      [{ type: 'county' }, 'required', 'area.county'], [{ type: 'county', county: 'XX' }, 'unknown', 'area.county'],
      [{ type: 'county', county: 5 }, ['unknown', 'invalid'], 'area.county']],
    languages: [[['FI'], 'invalid'], [['finnish'], 'invalid'], [['f'], 'invalid'], [['fi', 'fi'], 'invalid'],
      [['fi', 'sv', 'en', 'de', 'fr', 'et', 'ru', 'ar', 'so', 'fa', 'es'], 'too_many'], ['fi', 'invalid']],
    takes_new: [['yes', 'invalid'], [1, 'invalid'], ['false', 'invalid']],
    accepts_contact_requests: [['true', 'invalid'], [1, 'invalid']],
    contact_request_email: [[MISSING, 'required', 'contact_request_email', { ...ACR, contact_request_email: undefined }],
      ['not-an-address', 'invalid', 'contact_request_email', ACR], [5, 'invalid', 'contact_request_email', ACR]],
    response_days: [[MISSING, 'required', 'response_days', { ...ACR, response_days: undefined }], [0, 'invalid', 'response_days', ACR],
      [31, 'invalid', 'response_days', ACR], ['5', 'invalid', 'response_days', ACR], [1.5, 'invalid', 'response_days', ACR],
      [-1, 'invalid', 'response_days', ACR]],
    contacts: [[n([contact], 11), 'too_many'], [[{ name: 'Yhteys', role: '' }], 'required', ['contacts.0.email', 'contacts.0.phone']],
      [[{ ...contact, name: '' }], 'required', 'contacts.0.name'], [[{ ...contact, name: 'x'.repeat(201) }], 'invalid', 'contacts.0.name'],
      [[{ ...contact, email: 'bad' }], 'invalid', 'contacts.0.email'], [[{ ...contact, phone: 'soita' }], 'invalid', 'contacts.0.phone'],
      [[contact, { ...contact, name: '' }], 'required', 'contacts.1.name'], ['x', ['invalid', 'too_many'], 'contacts']],
    locations: [[n([place], 11), 'too_many'], [[{ ...place, name: '' }], 'required', 'locations.0.name'],
      [[{ ...place, postal_code: '1234' }], 'invalid', 'locations.0.postal_code'], [[{ ...place, postal_code: '123456' }], 'invalid', 'locations.0.postal_code'],
      [[{ ...place, postal_code: 'abcde' }], 'invalid', 'locations.0.postal_code'], [[{ ...place, municipality: '999' }], 'unknown', 'locations.0.municipality'],
      [[place, { ...place, postal_code: '7010' }], 'invalid', 'locations.1.postal_code']],
  };
}

function withValue(body, field, value, extra = {}) {
  const b = { ...structuredClone(body), ...structuredClone(extra) };
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete b[k];
  if (value === MISSING) delete b[field];
  else b[field] = value;
  return b;
}

async function eachBadValue(send, { table = badValues() } = {}) {
  const wrong = [];
  let n = 0;
  for (const [field, rows] of Object.entries(table)) {
    for (const [value, code, named = field, extra] of rows) {
      const shown = value === MISSING ? '(missing)' : JSON.stringify(value).slice(0, 40);
      const r = await send(field, value, extra);
      n++;
      try {
        const fields = assertFieldErrors(r, [{ field: named, code }], { what: `${field} = ${shown}` });
        const root = field.split('.')[0];
        const others = fields.filter((f) => f.field !== root && !f.field.startsWith(`${root}.`)
          && !(extra && Object.keys(extra).includes(f.field.split('.')[0])));
        if (others.length) wrong.push(`${field} = ${shown}: also ${others.map((f) => `${f.field}:${f.code}`).join(', ')}`);
      } catch (e) {
        wrong.push(e.message);
      }
    }
  }
  return { wrong, n };
}

test('every invalid value of every activity field, on create and on save: its field error, nothing changed', async () => {
  // Create (as a draft, and the status field on create).
  const before = orgCount();
  const table = badValues();
  table.status = [['paused', 'invalid'], ['archived', 'invalid'], ['live', 'invalid'], [1, 'invalid']];
  const created = await eachBadValue(
    (field, value, extra) => ed.call(`/api/v1/editor/organizations/${ORG}/activities`, { method: 'POST', json: withValue(doc(), field, value, extra) }),
    { table });
  // (A value that was taken answered 2xx, which eachBadValue reports; these say nothing was stored.)
  const createdAny = orgCount() !== before;
  // Save (PUT) on a published activity: version, updated_at, history unchanged.
  const a = await createActivity(ed, ORG, doc({ name: `Virheitä ${RUN}`, status: 'published' }));
  const body = writable((await get(ed, a.id)).json);
  const snap = row(a.id);
  const saved = await eachBadValue((field, value, extra) => put(ed, a.id, withValue(body, field, value, extra), a.version));
  const wrong = [...created.wrong.map((w) => `create: ${w}`), ...saved.wrong.map((w) => `save: ${w}`)];
  assert.deepEqual(wrong, [], `values without their field error:\n${wrong.join('\n')}`);
  assert.equal(createdAny, false, 'an invalid create stored an activity');
  assert.equal(row(a.id), snap, 'an invalid save changed the activity');
  const now = (await get(ed, a.id)).json;
  assert.equal(now.version, a.version);
  assert.equal(now.updated_at, a.updated_at);
  console.log(`report: ${created.n} invalid values on create and ${saved.n} on save, each refused with its field's error, nothing changed`);

  // Several at once: all of them, and nothing saved.
  const many = withValue(withValue(withValue(body, 'name', 'A'), 'url', 'ftp://x'), 'response_days', 0,
    { accepts_contact_requests: true, contact_request_email: 'bad' });
  const r = await put(ed, a.id, { ...many, languages: ['FI'], area: { type: 'county', county: 'XX' } }, a.version);
  assertFieldErrors(r, [{ field: 'name', code: 'too_short' }, { field: 'url', code: 'invalid' }, { field: 'response_days', code: 'invalid' },
    { field: 'contact_request_email', code: 'invalid' }, { field: 'languages', code: 'invalid' }, { field: 'area.county', code: 'unknown' }],
  { exact: true, what: 'six fields wrong' });
  assert.equal(row(a.id), snap, 'nothing saved');
  // Line breaks and tabs are fine in texts; unknown members are ignored.
  const ok = await put(ed, a.id, { ...body, description: 'Rivi 1\nRivi 2\twith a tab', no_such_member: 1 }, a.version);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.description, 'Rivi 1\nRivi 2\twith a tab');
  assert.equal(ok.json.version, a.version + 1);
});

test('publishing an incomplete draft names every missing part: required_to_publish', async () => {
  const incomplete = { name: `Keskeneräinen ${RUN}`, summary: '', how_to_join: '', needs: [], kinds: [], area: null, languages: [] };
  const want = ['summary', 'how_to_join', 'needs', 'kinds', 'area', 'languages'].map((field) => ({ field, code: 'required_to_publish' }));
  const before = orgCount();
  const direct = await ed.call(`/api/v1/editor/organizations/${ORG}/activities`, { method: 'POST', json: { ...incomplete, status: 'published' } });
  assertFieldErrors(direct, want, { exact: true, what: 'create as published, incomplete' });
  assert.equal(orgCount(), before, 'nothing created');
  const d = await ed.call(`/api/v1/editor/organizations/${ORG}/activities`, { method: 'POST', json: incomplete });
  assert.equal(d.status, 201, `an incomplete draft is fine: ${d.text}`);
  const snap = row(d.json.id);
  const p = await setStatus(ed, d.json.id, 'published', d.json.version);
  assertFieldErrors(p, want, { exact: true, what: 'publish an incomplete draft' });
  assert.equal(row(d.json.id), snap, 'still the draft it was');
  // Emptying a published activity's summary is refused the same way.
  const a = await createActivity(ed, ORG, doc({ name: `Julkaistu ${RUN}`, status: 'published' }));
  const r = await put(ed, a.id, { ...writable(a), summary: '' }, a.version);
  assertFieldErrors(r, [{ field: 'summary', code: 'required_to_publish' }], { exact: true, what: 'empty summary on a published activity' });
});

test('If-Match: 428 without it, 400 when malformed, quoted, weak and bare forms accepted', async () => {
  const a = await createActivity(ed, ORG, doc({ name: `Ehto ${RUN}` }));
  const body = writable(a);
  const snap = row(a.id);
  const none = await ed.call(`/api/v1/editor/activities/${a.id}`, { method: 'PUT', json: body });
  assert.equal(none.status, 428, none.text);
  assert.equal(none.json.error.code, 'precondition_required');
  assert.equal(none.json.error.field, 'If-Match');
  const noneStatus = await ed.call(`/api/v1/editor/activities/${a.id}/status`, { method: 'POST', json: { status: 'published' } });
  assert.equal(noneStatus.status, 428, noneStatus.text);
  for (const bad of ['abc', '"x"', '*', '"1', '-1']) {
    const r = await ed.call(`/api/v1/editor/activities/${a.id}`, { method: 'PUT', json: body, headers: { 'If-Match': bad } });
    assert.equal(r.status, 400, `If-Match ${bad}: ${r.text}`);
    assert.equal(r.json.error.code, 'invalid_parameter', `If-Match ${bad}`);
    assert.equal(r.json.error.field, 'If-Match');
  }
  assert.equal(row(a.id), snap, 'nothing changed');
  let v = a.version;
  for (const form of [(x) => `"${x}"`, (x) => `W/"${x}"`, (x) => String(x)]) {
    const r = await ed.call(`/api/v1/editor/activities/${a.id}`, { method: 'PUT', json: { ...body, summary: `Versio ${v}` }, headers: { 'If-Match': form(v) } });
    assert.equal(r.status, 200, `If-Match ${form(v)}: ${r.text}`);
    assert.equal(r.json.version, v + 1);
    assert.equal(r.headers.get('etag'), `"${v + 1}"`);
    v += 1;
  }
  const unknown = await put(ed, randomUUID(), body, 1);
  assert.equal(unknown.status, 404, unknown.text);
});

test('two sessions load version N; the first save wins, the second gets 409 with the current document', async () => {
  const a = await createActivity(ed, ORG, doc({ name: `Kilpailu ${RUN}`, status: 'published' }));
  const n = a.version;
  const one = writable((await get(ed, a.id)).json);
  const two = writable((await get(ed2, a.id)).json);
  const first = await put(ed, a.id, { ...one, summary: `Ensimmäisen muutos ${RUN}` }, n);
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.version, n + 1);
  const second = await put(ed2, a.id, { ...two, how_to_join: `Toisen muutos ${RUN}` }, n);
  assert.equal(second.status, 409, second.text);
  assert.equal(second.json.error.code, 'version_conflict');
  assert.equal(second.json.error.field, 'If-Match');
  assert.equal(second.json.error.current.version, n + 1);
  assert.equal(second.json.error.current.summary, `Ensimmäisen muutos ${RUN}`, 'current carries the first change');
  assert.equal(second.headers.get('etag'), `"${n + 1}"`);
  const now = (await get(ed, a.id)).json;
  assert.equal(now.summary, `Ensimmäisen muutos ${RUN}`);
  assert.equal(now.how_to_join, one.how_to_join, 'the second change was not saved');
  // After merging, the second saves on top of the current version.
  const merged = await put(ed2, a.id, { ...writable(second.json.error.current), how_to_join: `Toisen muutos ${RUN}` }, n + 1);
  assert.equal(merged.status, 200, merged.text);
  assert.equal(merged.json.summary, `Ensimmäisen muutos ${RUN}`);
  assert.equal(merged.json.how_to_join, `Toisen muutos ${RUN}`);
  // Truly at once: exactly one of two parallel saves of the same version wins.
  const v = merged.json.version;
  const base = writable(merged.json);
  const race = await Promise.all([
    put(ed, a.id, { ...base, cost: `A ${RUN}` }, v),
    put(ed2, a.id, { ...base, cost: `B ${RUN}` }, v),
  ]);
  assert.deepEqual(race.map((r) => r.status).sort(), [200, 409], `parallel saves: ${race.map((r) => `${r.status} ${r.text.slice(0, 100)}`)}`);
  const winner = race.find((r) => r.status === 200).json.cost;
  assert.equal((await get(ed, a.id)).json.cost, winner);
  assert.equal((await get(ed, a.id)).json.version, v + 1);
  // A status change with a stale version is a conflict too.
  const stale = await setStatus(ed, a.id, 'paused', v);
  assert.equal(stale.status, 409, stale.text);
  assert.equal(stale.json.error.code, 'version_conflict');
  assert.equal((await get(ed, a.id)).json.status, 'published');
});

test('the history: who, which field, old -> new, newest first; a save that changes nothing writes none; a save verifies', async () => {
  const a = await createActivity(ed, ORG, doc({ name: `Historia ${RUN}`, status: 'published' }));
  // Make it look old: the save must verify it again.
  psql(`UPDATE activities SET assured_date = date '${today()}' - 100, assurer = 'vanha@example.org' WHERE id = '${a.id}'`);
  const oldSummary = a.summary;
  const s1 = await put(ed, a.id, { ...writable(a), summary: `Uusi tiivistelmä ${RUN}` }, a.version);
  assert.equal(s1.status, 200, s1.text);
  assert.equal(s1.json.assured_date, today(), 'a save is a verification');
  assert.equal(s1.json.assurer, EDITOR);
  writes.push({ what: 'update summary', action: 'activity.update', actor: { id: ed.account.id, role: 'editor' }, target: a.id, detail: 'summary' });
  const s2 = await put(admin, a.id, { ...writable(s1.json), languages: ['fi', 'sv'], takes_new: false }, s1.json.version);
  assert.equal(s2.status, 200, s2.text);
  assert.equal(s2.json.assurer, ADMIN);
  writes.push({ what: 'admin update', action: 'activity.update', actor: { id: admin.account.id, role: 'admin' }, target: a.id });
  const hist = async (query = '') => {
    const r = await ed.call(`/api/v1/editor/activities/${a.id}/history${query}`);
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  const h = await hist();
  const ids = h.items.map((i) => i.id);
  assert.deepEqual(ids, [...ids].sort((x, y) => Number(y) - Number(x)), 'newest first');
  const [top1, top2] = h.items.filter((i) => i.version === s2.json.version).sort((x, y) => x.field.localeCompare(y.field));
  assert.deepEqual([top1?.field, top2?.field], ['languages', 'takes_new'], 'the admin save: two fields');
  assert.deepEqual(top1.old, ['fi']);
  assert.deepEqual(top1.new, ['fi', 'sv']);
  assert.equal(top2.old, true);
  assert.equal(top2.new, false);
  assert.equal(top1.actor.email, ADMIN);
  assert.equal(top1.actor.role, 'admin');
  const sum = h.items.find((i) => i.version === s1.json.version && i.field === 'summary');
  assert.ok(sum, 'the summary change is in the history');
  assert.equal(sum.old, oldSummary);
  assert.equal(sum.new, `Uusi tiivistelmä ${RUN}`);
  assert.equal(sum.actor.email, EDITOR);
  assert.equal(sum.actor.id, ed.account.id);
  assert.equal(sum.actor.role, 'editor');
  assert.equal(typeof sum.actor.name, 'string');
  assert.ok(!Number.isNaN(Date.parse(sum.at)));
  assert.equal(h.items.filter((i) => i.version === s1.json.version).length, 1, 'one row: only the summary changed');
  assert.ok(h.items.indexOf(top1) < h.items.indexOf(sum), 'the later save first');
  // Paging.
  const p1 = await hist('?limit=1');
  assert.equal(p1.items.length, 1);
  assert.equal(p1.items[0].id, h.items[0].id);
  assert.ok(p1.next_before, 'next_before');
  const p2 = await hist(`?limit=1&before=${p1.next_before}`);
  assert.equal(p2.items[0].id, h.items[1].id);
  for (const bad of ['?limit=0', '?limit=201', '?before=x']) {
    const r = await ed.call(`/api/v1/editor/activities/${a.id}/history${bad}`);
    assert.equal(r.status, 400, `${bad}: ${r.text}`);
  }
  // The organisation's own history: a profile save, who, what, old -> new.
  const prof = await ed.call(`/api/v1/editor/organizations/${ORG}`);
  assert.equal(prof.status, 200, prof.text);
  const { id: _i, status: _s, version: pv, created_at: _c, updated_at: _u, ...profile } = prof.json;
  assert.equal(prof.headers.get('etag'), `"${pv}"`);
  const newDesc = `Profiilin kuvaus ${RUN}`;
  const ps = await ed.call(`/api/v1/editor/organizations/${ORG}`, { method: 'PUT', json: { ...profile, description: newDesc }, headers: ifMatch(pv) });
  assert.equal(ps.status, 200, ps.text);
  assert.equal(ps.json.version, pv + 1);
  writes.push({ what: 'profile', action: 'organization.update', actor: { id: ed.account.id, role: 'editor' }, target: ORG });
  const oh = await ed.call(`/api/v1/editor/organizations/${ORG}/history?limit=200`);
  assert.equal(oh.status, 200, oh.text);
  const od = oh.json.items[0];
  assert.equal(od?.field, 'description', `the profile change first: ${oh.text.slice(0, 300)}`);
  assert.equal(od.old, profile.description);
  assert.equal(od.new, newDesc);
  assert.equal(od.actor.email, EDITOR);
  const stale = await ed.call(`/api/v1/editor/organizations/${ORG}`, { method: 'PUT', json: { ...profile, description: 'Vanha' }, headers: ifMatch(pv) });
  assert.equal(stale.status, 409, stale.text);
  assert.equal(stale.json.error.current.description, newDesc);
  // Nothing changed: same version, no history row.
  const n = h.items.length;
  const same = await put(ed, a.id, writable(s2.json), s2.json.version);
  assert.equal(same.status, 200, same.text);
  assert.equal(same.json.version, s2.json.version, 'no new version');
  assert.equal((await hist()).items.length, n, 'no history row');
});

test('pause, archive, publish: the search loses and regains the activity within a second; history rows of status', async () => {
  let a = await createActivity(ed, ORG, doc({ name: `Tila ${RUN}`, status: 'published' }));
  await timeUntilListed(CLICKS, a.id, true, Date.now());
  const times = [];
  for (const [to, listed] of [['paused', false], ['published', true], ['archived', false], ['published', true], ['draft', false]]) {
    const from = a.status;
    const t0 = Date.now();
    const r = await setStatus(ed, a.id, to, a.version);
    assert.equal(r.status, 200, `${from} -> ${to}: ${r.text}`);
    assert.equal(r.json.status, to);
    assert.equal(r.json.version, a.version + 1);
    writes.push({ what: `${from} -> ${to}`, action: 'activity.status', actor: { id: ed.account.id, role: 'editor' }, target: a.id, detail: `"to":"${to}"` });
    const ms = await timeUntilListed(CLICKS, a.id, listed, t0);
    times.push(`${to} ${ms} ms`);
    assert.ok(ms < 1000, `${to}: the search followed after ${ms} ms`);
    assert.equal((await http(`/api/v1/activities/${a.id}`)).status, listed ? 200 : 404, `public detail when ${to}`);
    a = r.json;
  }
  console.log(`report: status changes reached the search after ${times.join(', ')}`);
  const h = (await ed.call(`/api/v1/editor/activities/${a.id}/history?limit=50`)).json.items.filter((i) => i.field === 'status');
  assert.deepEqual(h.map((i) => [i.old, i.new]).slice(0, 5), [['published', 'draft'], ['archived', 'published'], ['published', 'archived'],
    ['paused', 'published'], ['published', 'paused']], 'status history, newest first');
  const bad = await setStatus(ed, a.id, 'deleted', a.version);
  assertFieldErrors(bad, [{ field: 'status', code: 'invalid' }], { what: 'status deleted' });
});

test('"still correct" while signed in: assured_date today and the assurer; only when published', async () => {
  const a = await createActivity(ed, ORG, doc({ name: `Vahvistus ${RUN}`, status: 'published' }));
  psql(`UPDATE activities SET assured_date = date '${today()}' - 200, assurer = 'vanha@example.org', freshness = 'unverified' WHERE id = '${a.id}'`);
  const t0 = Date.now();
  const r = await ed.call(`/api/v1/editor/activities/${a.id}/confirm`, { method: 'POST', json: {} });
  assert.equal(r.status, 200, r.text);
  writes.push({ what: 'confirm', action: 'activity.confirm', actor: { id: ed.account.id, role: 'editor' }, target: a.id, detail: '"via":"editor"' });
  assert.equal(r.json.assured_date, today());
  assert.equal(r.json.assurer, EDITOR);
  assert.equal(r.json.freshness, 'current');
  assert.equal(r.json.unverified, false);
  assert.equal(psql(`SELECT assured_date || '/' || assurer || '/' || freshness FROM activities WHERE id = '${a.id}'`), `${today()}/${EDITOR}/current`);
  // The search sees the new date.
  await until(async () => (await http(`/api/v1/activities/${a.id}`)).json?.assured_date === today(), { timeout: 2000, what: 'the new assured_date in the detail' });
  assert.ok(Date.now() - t0 < 2000);
  const paused = await setStatus(ed, a.id, 'paused', r.json.version);
  assert.equal(paused.status, 200, paused.text);
  const no = await ed.call(`/api/v1/editor/activities/${a.id}/confirm`, { method: 'POST', json: {} });
  assert.equal(no.status, 409, no.text);
  assert.equal(no.json.error.code, 'not_published');
});

test("the organisation's activity list and every save in the audit log", async () => {
  const r = await ed.call(`/api/v1/editor/organizations/${ORG}/activities`);
  assert.equal(r.status, 200, r.text);
  const mine = r.json.items.filter((i) => i.name.includes(RUN));
  assert.ok(mine.length >= 6, `the activities this file made are listed: ${mine.length}`);
  assert.equal(Number(psql(`SELECT count(*) FROM activities WHERE organization_id = '${ORG}'`)), r.json.items.length, 'every status');
  for (const i of mine) for (const k of ['id', 'status', 'freshness', 'version', 'updated_at']) assert.ok(k in i, `${k} in the list`);
  await assertAudited(admin, T0, [...writes, ...helperWrites.filter((w) => w.action === 'signin')]);
  assert.equal(psql(`SELECT count(*) FROM activities WHERE name LIKE ${q(`%${RUN}%`)} AND organization_id <> '${ORG}'`), '0');
});
