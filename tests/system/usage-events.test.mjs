// What the gateway SENDS to stats for issue 15 (docs/statistics.md section 1):
// a second gateway pushes its usage batches to tests/tools/statspull, which
// prints every event as a JSON line; the test drives page views (with and
// without the tj_visit cookie, signed in), searches (filters, a free text
// that finds nothing, a query with a digit) and a detail view, and checks
// the exact events, the cookie's attributes and that no event carries the
// session cookie or an e-mail address.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import {
  BIN, ORIGIN, http, until, psql, q, freePorts, startGateway, stopGateway, signIn, setCookies, activeTerms,
} from './lib.mjs';

const PROFESSIONAL = 'ohjaaja@varkaus-terveys.example.org';
const K = { PAGE_VIEW: 1, API_CALL: 2, SEARCH: 3, DETAIL_VIEW: 5 };
const HEX32 = /^[0-9a-f]{32}$/;

let gw, pull, base;
const events = [];

test.before(async () => {
  const [httpPort, pullPort] = freePorts(2);
  const endpoint = `tcp://127.0.0.1:${pullPort}`;
  pull = spawn(path.join(BIN, 'tools/statspull'), [endpoint, '120'], { stdio: ['ignore', 'pipe', 'pipe'] });
  pull.err = '';
  pull.stderr.on('data', (d) => { pull.err += d; });
  let buf = '';
  pull.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buf.slice(0, i)));
      buf = buf.slice(i + 1);
    }
  });
  pull.exited = new Promise((resolve) => pull.on('exit', resolve));
  await until(() => pull.err.includes('ready') || pull.exitCode !== null, { timeout: 10000, what: 'statspull' });
  assert.ok(pull.err.includes('ready'), pull.err);
  gw = startGateway({ TARJOTIN_HTTP_PORT: httpPort, TARJOTIN_STATS_ENDPOINT: endpoint, TARJOTIN_INSTANCE: 'gateway-usage' });
  await until(() => gw.log.includes('"event":"listening"') || gw.exitCode !== null, { timeout: 15000, what: 'the gateway of the test' });
  assert.ok(gw.log.includes('"event":"listening"'), gw.log);
  base = `http://127.0.0.1:${httpPort}`;
});

test.after(async () => {
  if (gw) await stopGateway(gw);
  if (pull && pull.exitCode === null) pull.kill('SIGTERM');
  if (pull) await pull.exited;
});

/** Waits for the events that match pred, at least n of them. */
async function waitFor(what, pred, n = 1) {
  return until(() => { const m = events.filter(pred); return m.length >= n && m; }, { timeout: 10000, what });
}

test('page views: tj_visit set once per visit, its attributes, the page and the site', async () => {
  const a = await http('/', { base });
  const b = await http('/account.html', { base });
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  const ca = setCookies(a.headers).tj_visit;
  const cb = setCookies(b.headers).tj_visit;
  assert.ok(ca && cb, 'both answers set tj_visit');
  assert.match(ca.value, HEX32);
  assert.match(cb.value, HEX32);
  assert.notEqual(ca.value, cb.value);
  assert.equal(ca.attrs.path, '/');
  assert.equal(ca.attrs.httponly, true);
  assert.equal(ca.attrs.samesite, 'Lax');
  assert.equal(ca.attrs['max-age'], undefined);
  assert.equal(ca.attrs.secure, undefined); // not behind TLS
  // With the cookie: no new one, the same visit counts.
  const c = await http('/index.html', { base, headers: { Cookie: `tj_visit=${ca.value}` } });
  assert.equal(c.status, 200);
  assert.equal(setCookies(c.headers).tj_visit, undefined);
  // A malformed one is replaced.
  const d = await http('/', { base, headers: { Cookie: 'tj_visit=NOT|HEX' } });
  const cd = setCookies(d.headers).tj_visit;
  assert.ok(cd);
  assert.match(cd.value, HEX32);
  // A script is no page view and sets nothing.
  const js = await http('/app.js', { base });
  if (js.status === 200) assert.equal(setCookies(js.headers).tj_visit, undefined);

  const pv = (v) => (e) => e.kind === K.PAGE_VIEW && e.visit === v;
  const [ea] = await waitFor('index view', pv(ca.value), 2);
  const [eb] = await waitFor('account view', pv(cb.value));
  await waitFor('view with cookie', (e) => pv(ca.value)(e), 2);
  assert.equal(ea.page, 'index');
  assert.equal(ea.user_site_id, '');
  assert.equal(ea.status, 200);
  assert.equal(eb.page, 'account');
  assert.equal(events.filter(pv(ca.value)).length, 2);
  await waitFor('the renewed visit', pv(cd.value));

  // Signed in as a professional: the event carries the user site.
  const pro = await signIn(PROFESSIONAL);
  const site = psql(`SELECT user_site_id FROM accounts WHERE email = ${q(PROFESSIONAL)}`);
  assert.match(site, /^[0-9a-f-]{36}$/);
  const sessionCookie = Object.entries(pro.jar).find(([k]) => k.endsWith('tj_session'));
  const s = await http('/my-requests.html', { base, headers: { Cookie: `${sessionCookie[0]}=${sessionCookie[1]}; tj_visit=${cb.value}` } });
  assert.equal(s.status, 200);
  const [es] = await waitFor('signed-in view', (e) => pv(cb.value)(e) && e.page === 'my-requests');
  assert.equal(es.user_site_id, site);
  // 304 counts too.
  const etag = s.headers.get('etag');
  const nm = await http('/my-requests.html', { base, headers: { Cookie: `tj_visit=${cb.value}`, 'If-None-Match': etag } });
  assert.equal(nm.status, 304);
  await waitFor('304 view', (e) => pv(cb.value)(e) && e.status === 304);

  // Nothing carries the session or an e-mail address.
  for (const e of events) {
    const t = JSON.stringify(e);
    assert.ok(!t.includes(sessionCookie[1]), t);
    assert.ok(!/@/.test(t), t);
  }
});

test('searches: dimensions, zero and its words, no words with a digit; a detail view', async () => {
  const [need] = activeTerms('need');
  const visit = '0123456789abcdef0123456789abcdef';
  const cookie = { Cookie: `tj_visit=${visit}` };
  const r1 = await http(`/api/v1/activities?need=${need}&municipality=091`, { base, headers: cookie });
  assert.equal(r1.status, 200);
  const r2 = await http(`/api/v1/activities?q=${encodeURIComponent('xyzzy nonexistent')}`, { base, headers: cookie });
  assert.equal(r2.status, 200);
  assert.equal(r2.json.items.length, 0);
  const r3 = await http(`/api/v1/activities?q=${encodeURIComponent('kuoro 2')}`, { base, headers: cookie });
  assert.equal(r3.status, 200);
  const r4 = await http('/api/v1/activities?page=2&need=' + need, { base, headers: cookie }); // not page 1: no SEARCH
  assert.equal(r4.status, 200);
  const r5 = await http('/api/v1/activities', { base, headers: cookie }); // no dimension: no SEARCH
  assert.equal(r5.status, 200);

  const searches = await waitFor('the three searches', (e) => e.kind === K.SEARCH && e.visit === visit, 3);
  assert.equal(searches.length, 3, JSON.stringify(searches));
  const [s1, s2, s3] = searches;
  assert.equal(s1.need, need);
  assert.equal(s1.municipality, '091');
  assert.equal(s1.kind_term, '');
  assert.equal(s1.county, '');
  assert.equal(s1.has_q, false);
  assert.equal(s1.user_site_id, '');
  assert.equal(s2.has_q, true);
  assert.equal(s2.need, '');
  // The directory's SearchReply.total says whether a search found nothing.
  assert.equal(r1.json.total > 0, !s1.zero, 'zero as the search found');
  assert.deepEqual(s1.words ?? [], []);
  assert.equal(s2.zero, true, 'a free text nobody has found nothing');
  assert.deepEqual(s2.words, ['xyzzy', 'nonexistent']);
  assert.equal(s3.has_q, true);
  assert.deepEqual(s3.words ?? [], [], 'a query with a digit gives no words');
  // Each search also counts as its API call.
  await waitFor('API calls of the searches', (e) => e.kind === K.API_CALL && e.route === 'search', 5);

  const list = await http('/api/v1/activities?per_page=1', { base });
  const id = list.json.items[0].id;
  const d = await http(`/api/v1/activities/${id}`, { base });
  assert.equal(d.status, 200);
  const [dv] = await waitFor('detail view', (e) => e.kind === K.DETAIL_VIEW && e.activity_id === id);
  assert.equal(dv.user_site_id, '');
  assert.equal(dv.status, 200);
  const miss = await http('/api/v1/activities/00000000-0000-4000-8000-000000000000', { base });
  assert.equal(miss.status, 404);
  for (const e of events) for (const k of ['need', 'kind_term', 'municipality', 'county', 'page']) {
    assert.ok(!String(e[k] ?? '').includes('|'), JSON.stringify(e));
  }
  assert.ok(!events.some((e) => e.kind === K.DETAIL_VIEW && e.activity_id === '00000000-0000-4000-8000-000000000000'));
});

test('a review confirmed by its editor: one REVIEW_CONFIRMED, a refused one none', async () => {
  const ed = await signIn('toimitus@mielenterveysseura.example.org');
  const act = psql(`SELECT a.id FROM activities a JOIN organizations o ON o.id = a.organization_id
    WHERE o.id = 'd0000000-0000-4000-8000-000000000006' AND a.status = 'published' ORDER BY a.id LIMIT 1`);
  assert.match(act, /^[0-9a-f-]{36}$/);
  const post = (id) => http(`/api/v1/editor/activities/${id}/confirm`, {
    base, method: 'POST', body: '{}',
    headers: { 'Content-Type': 'application/json', Cookie: `tj_session=${ed.id}`, 'X-CSRF-Token': ed.csrf, Origin: ORIGIN },
  });
  const before = events.filter((e) => e.kind === 6).length;
  const ok = await post(act);
  assert.equal(ok.status, 200, ok.text);
  await waitFor('the confirmation', (e) => e.kind === 6, before + 1);
  // Someone else's activity: 403, and no confirmation counted.
  const other = psql(`SELECT a.id FROM activities a WHERE a.organization_id <> 'd0000000-0000-4000-8000-000000000006'
    AND a.status = 'published' ORDER BY a.id LIMIT 1`);
  const no = await post(other);
  assert.equal(no.status, 403, no.text);
  await waitFor('the refused call', (e) => e.kind === K.API_CALL && e.route === 'editor_activity_confirm' && e.status === 403);
  assert.equal(events.filter((e) => e.kind === 6).length, before + 1, 'a refused confirmation is not one');
});
