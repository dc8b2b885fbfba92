// A simulated year of the review (issue 13, docs/selfservice.md "The review"),
// with the real scheduler: the test moves the stack's test clock
// ($TARJOTIN_STACK_DIR/clock-offset) and waits for each round
// (scheduler_runs 'review' as_of >= the time set).  An organisation with one
// editor and three published activities: A is confirmed by its one-click
// link each time a request comes, B by the editor (signed in "still correct",
// then a save), C is ignored.  Shown: exactly two review requests for A and
// for B in the year (the mail catcher and review_events agree), the
// reminders (+14, +30 days after due) for C only, C unverified exactly from
// due+30 (the day before still current; the search says "unverified" and puts
// it after every verified item), hidden exactly from due+90 (out of the
// search, detail 404, HSDS keeps it) and the admin told that day; the link
// sets assured_date to the clock's date and the assurer, used again 410
// link_used; an expired link 410 link_expired; a link of an activity edited
// since 409 version_changed.  The clock goes back to 0 at the end.
//
// It moves the stack's clock, so it runs last: tests/system/last/ runs in
// alphabetical order and audit-coverage / auth-logs come before it (it checks
// the logs for the one-click tokens it saw itself).
//
// Steps: a day at a time (370 rounds: about 55 s of the file's ~75 s on a
// quiet machine).  REVIEW_YEAR_STRIDE=7 steps a week at a time between the
// interesting days and the days before them (61 rounds, ~20 s); the
// scheduler behaves the same, as a jump sends the stages in order on later
// rounds.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DIR, env, http, psql, until, anon, signIn, mails, confirmTokens, noteSecret, clearRateLimits, newOrganization,
  createActivity, ifMatch, setClockOffset, reviewAsOf, waitReviewRound, searchIds, activeTerms, q,
} from '../lib.mjs';

const ADMIN = 'koordinaattori@hyvinvointialue.example.org';
const RUN = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const EDITOR = `vuosi-${RUN}@example.org`;
const MONTHS = Number(env.TARJOTIN_REVIEW_MONTHS || 6);
const REMINDERS = (env.TARJOTIN_REVIEW_REMINDER_DAYS || '14,30').split(',').filter(Boolean).map(Number);
const UNVERIFIED = Number(env.TARJOTIN_REVIEW_UNVERIFIED_DAYS || 30);
const HIDDEN = Number(env.TARJOTIN_REVIEW_HIDDEN_DAYS || 90);
const LINK_DAYS = Number(env.TARJOTIN_REVIEW_LINK_DAYS || 60);
const STRIDE = Number(process.env.REVIEW_YEAR_STRIDE || 1);
const NAMES = { A: `Vuosikello ${RUN} Aalto`, B: `Vuosikello ${RUN} Berg`, C: `Vuosikello ${RUN} Cedar` };

const addDays = (d, n) => psql(`SELECT to_char(date '${d}' + ${Number(n)}, 'YYYY-MM-DD')`);
const addMonths = (d, n) => psql(`SELECT to_char(date '${d}' + interval '${Number(n)} months', 'YYYY-MM-DD')`);
const daysBetween = (a, b) => Number(psql(`SELECT date '${b}' - date '${a}'`));

let admin; let ed;
let org; let act = {}; // name -> activity document
const seen = []; // the one-click tokens this file saw
let started;

/** Moves the clock to 'date' 12:00 Finnish time and waits for the round. */
async function dayAt(date) {
  const target = Number(psql(`SELECT (extract(epoch FROM ((date '${date}' + time '12:00') AT TIME ZONE 'Europe/Helsinki')) * 1000)::bigint`));
  const now = Date.now();
  const off = Math.round((target - now) / 1000);
  setClockOffset(off);
  await waitReviewRound(now + off * 1000, { timeout: 15000 });
}

/** The review_events of an activity: "stage@due@sim date" strings, in stage time order. */
function events(id) {
  return psql(`SELECT stage || '@' || due || '@' || ((sim_at AT TIME ZONE 'Europe/Helsinki')::date) FROM review_events
    WHERE activity_id = '${id}' ORDER BY sim_at, stage`).split('\n').filter(Boolean);
}
const freshness = (id) => psql(`SELECT freshness FROM activities WHERE id = '${id}'`);

/** The newest one-click token mailed to the editor for activity k with template t (waits for it). */
async function tokenFor(k, template, { after = 0 } = {}) {
  const m = await until(async () => (await mails(EDITOR, { template })).filter((x) => x.id > after && x.text.includes(NAMES[k])).at(-1),
    { timeout: 20000, what: `a ${template} mail for ${k}` });
  const [token] = confirmTokens(m.text);
  assert.ok(token, `the ${template} mail for ${k} carries a confirm.html link`);
  assert.ok(m.text.includes(`/activity-edit.html?id=${act[k].id}`), 'and the edit link');
  seen.push(token);
  noteSecret('login_token', token);
  return { token, id: m.id };
}

async function link(call, token) {
  const a = await anon();
  return a.call(`/api/v1/reviews/${call}`, { method: 'POST', json: { token } });
}

/** C's filter-only search (need, kind, municipality), every page: {item, items}. */
async function searchItem(id) {
  const a = act.C;
  const items = [];
  for (let page = 1; page <= 30; page++) {
    const r = await http(`/api/v1/activities?${new URLSearchParams({ need: a.needs[0], kind: a.kinds[0], municipality: '297', per_page: '100', page: String(page) })}`);
    assert.equal(r.status, 200, r.text);
    items.push(...r.json.items);
    if (r.json.items.length < 100) break;
  }
  return { item: items.find((i) => i.id === id), items };
}

test.before(async () => {
  started = Date.now();
  setClockOffset(0);
  admin = await signIn(ADMIN);
  clearRateLimits('regist');
  noteSecret('email', EDITOR);
  org = await newOrganization(admin, `vuosi-${RUN}`, { maintainers: [EDITOR] });
  clearRateLimits('regist');
  ed = await signIn(EDITOR);
  const [need] = activeTerms('need');
  const [kind] = activeTerms('kind');
  for (const k of ['A', 'B', 'C']) {
    act[k] = await createActivity(ed, org.id, { name: NAMES[k], needs: [need], kinds: [kind], status: 'published' });
  }
});

test.after(async () => {
  const t = Date.now();
  setClockOffset(0);
  await until(() => { const a = reviewAsOf(); return a >= t && a < t + 3600e3; }, { timeout: 15000, what: 'a review round at offset 0' });
});

test('a simulated year: two requests per confirmed activity, reminders, unverified and hidden on schedule', async () => {
  const D0 = act.A.assured_date;
  for (const k of ['A', 'B', 'C']) assert.equal(act[k].assured_date, D0);
  const due1 = addMonths(D0, MONTHS);
  assert.equal(act.C.due_date, due1, 'due_date: assured_date + the review months');
  const due2 = addMonths(due1, MONTHS); // A and B are confirmed on due1
  const end = [addDays(D0, 370), addDays(due2, 3)].sort().at(-1);
  const remind = REMINDERS.map((d) => addDays(due1, d));
  const unverifiedDay = addDays(due1, UNVERIFIED);
  const hiddenDay = addDays(due1, HIDDEN);
  const expiredDay = addDays(due1, LINK_DAYS + 1);
  const checks = new Map();
  const at = (d, fn) => checks.set(d, [...(checks.get(d) ?? []), fn]);
  const links = {};

  at(addDays(due1, -1), () => {
    for (const k of ['A', 'B', 'C']) assert.deepEqual(events(act[k].id), [], `${k}: nothing the day before due`);
  });
  at(due1, async () => {
    for (const k of ['A', 'B', 'C']) assert.deepEqual(events(act[k].id), [`request@${due1}@${due1}`], `${k}: the request on the due day`);
    // A by its one-click link.
    links.A1 = await tokenFor('A', 'review_request');
    const peek = await link('peek', links.A1.token);
    assert.equal(peek.status, 200, peek.text);
    assert.equal(peek.json.state, 'ready');
    assert.equal(peek.json.activity.id, act.A.id);
    assert.equal(peek.json.organization.id, org.id);
    assert.equal(peek.json.due_date, due1);
    const ok = await link('confirm', links.A1.token);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.state, 'confirmed');
    assert.equal(ok.json.assured_date, due1, "the clock's date");
    assert.equal(psql(`SELECT assured_date || '/' || assurer || '/' || freshness || '/' || version FROM activities WHERE id = '${act.A.id}'`),
      `${due1}/${EDITOR}/current/${act.A.version}`, 'assured_date, assurer; the version does not move');
    for (const call of ['confirm', 'peek']) {
      const again = await link(call, links.A1.token);
      assert.equal(again.status, 410, `${call} again: ${again.text}`);
      assert.equal(again.json.error.code, 'link_used');
    }
    // B by the editor, signed in.
    links.B1 = await tokenFor('B', 'review_request');
    links.C1 = await tokenFor('C', 'review_request');
    ed = await signIn(EDITOR);
    const b = await ed.call(`/api/v1/editor/activities/${act.B.id}/confirm`, { method: 'POST', json: {} });
    assert.equal(b.status, 200, b.text);
    assert.equal(b.json.assured_date, due1);
    assert.equal(b.json.assurer, EDITOR);
    assert.equal(b.json.due_date, due2);
  });
  at(addDays(remind[0], -1), () => assert.deepEqual(events(act.C.id), [`request@${due1}@${due1}`], 'C: no reminder the day before'));
  for (const [i, d] of REMINDERS.entries()) {
    at(remind[i], () => {
      assert.ok(events(act.C.id).includes(`reminder_${d}@${due1}@${remind[i]}`), `C: reminder_${d} on due+${d}: ${events(act.C.id)}`);
      for (const k of ['A', 'B']) assert.equal(events(act[k].id).filter((e) => e.startsWith('reminder')).length, 0, `${k}: no reminder`);
    });
  }
  at(addDays(unverifiedDay, -1), async () => {
    assert.equal(freshness(act.C.id), 'current', 'C still current the day before due+30');
    assert.equal((await searchItem(act.C.id)).item?.unverified, false);
  });
  at(unverifiedDay, async () => {
    assert.equal(freshness(act.C.id), 'unverified', 'C unverified on due+30');
    assert.ok(events(act.C.id).includes(`unverified@${due1}@${unverifiedDay}`));
    const { item, items } = await until(async () => {
      const s = await searchItem(act.C.id);
      return s.item?.unverified === true && s;
    }, { timeout: 2000, what: 'C unverified in the search' });
    assert.ok(item);
    const i = items.indexOf(item);
    assert.ok(items.slice(i).every((x) => x.unverified), 'C after every verified item');
    assert.ok(items.findIndex((x) => x.id === act.A.id) < i, 'A (verified) before C');
    assert.equal((await http(`/api/v1/activities/${act.C.id}`)).json.unverified, true, 'the detail says unverified');
  });
  at(expiredDay, async () => {
    for (const call of ['peek', 'confirm']) {
      const r = await link(call, links.C1.token);
      assert.equal(r.status, 410, `C's request link after ${LINK_DAYS} days (${call}): ${r.text}`);
      assert.equal(r.json.error.code, 'link_expired');
    }
    assert.equal(freshness(act.C.id), 'unverified', 'the expired link changed nothing');
  });
  const hiddenMails = () => Number(psql(`SELECT count(*) FROM notifications WHERE template = 'review_hidden'
    AND (vars::text LIKE ${q(`%${NAMES.C}%`)})`));
  at(addDays(hiddenDay, -1), async () => {
    assert.equal(freshness(act.C.id), 'unverified', 'C not hidden the day before due+90');
    assert.ok((await searchIds({ q: NAMES.C })).includes(act.C.id), 'still in the search');
    assert.equal(hiddenMails(), 0, 'the admin not told yet');
  });
  at(hiddenDay, async () => {
    assert.equal(freshness(act.C.id), 'hidden', 'C hidden on due+90');
    assert.ok(events(act.C.id).includes(`hidden@${due1}@${hiddenDay}`));
    const admins = Number(psql("SELECT count(*) FROM accounts WHERE role = 'admin' AND disabled_at IS NULL"));
    assert.equal(hiddenMails(), admins, 'one review_hidden per enabled admin, that day');
    await until(async () => !(await searchIds({ q: NAMES.C })).includes(act.C.id), { timeout: 2000, what: 'C out of the free-text search' });
    await until(async () => !(await searchItem(act.C.id)).item, { timeout: 2000, what: 'C out of the filter-only search' });
    assert.equal((await http(`/api/v1/activities/${act.C.id}`)).status, 404, 'detail 404');
    assert.equal((await http(`/hsds/services/${act.C.id}`)).status, 200, 'HSDS keeps it');
    assert.equal(psql(`SELECT status FROM activities WHERE id = '${act.C.id}'`), 'published', 'nothing deleted');
  });
  at(addDays(due2, -1), () => {
    for (const k of ['A', 'B']) assert.equal(events(act[k].id).length, 1, `${k}: no second request before its new due date`);
  });
  at(due2, async () => {
    for (const k of ['A', 'B']) assert.deepEqual(events(act[k].id), [`request@${due1}@${due1}`, `request@${due2}@${due2}`], `${k}: the second request`);
    assert.equal(events(act.C.id).filter((e) => e.startsWith('request')).length, 1, 'C: no new cycle');
    links.A2 = await tokenFor('A', 'review_request', { after: links.C1.id });
    const ok = await link('confirm', links.A2.token);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.assured_date, due2);
    links.B2 = await tokenFor('B', 'review_request', { after: links.C1.id });
    // B by a save: an edit verifies it, and its link no longer confirms.
    ed = await signIn(EDITOR);
    const cur = await ed.call(`/api/v1/editor/activities/${act.B.id}`);
    const { id, organization, version, freshness: f, assured_date, assurer, due_date, published_at, created_at, updated_at,
      unverified, status, ...body } = cur.json;
    const saved = await ed.call(`/api/v1/editor/activities/${act.B.id}`, { method: 'PUT', json: { ...body, schedule: `Uusi aikataulu ${RUN}` }, headers: ifMatch(version) });
    assert.equal(saved.status, 200, saved.text);
    assert.equal(saved.json.assured_date, due2, 'a save verifies');
    assert.equal(saved.json.assurer, EDITOR);
    for (const call of ['peek', 'confirm']) {
      const r = await link(call, links.B2.token);
      assert.equal(r.status, 409, `B's link after the edit (${call}): ${r.text}`);
      assert.equal(r.json.error.code, 'version_changed');
    }
  });

  // The steps: every STRIDE days, the interesting days and the days before them.
  const total = daysBetween(D0, end);
  const steps = new Set([...checks.keys()]);
  for (let d = STRIDE; d < total; d += STRIDE) steps.add(addDays(D0, d));
  steps.add(end);
  const order = [...steps].filter((d) => d > D0).sort();
  const t0 = Date.now();
  for (const d of order) {
    await dayAt(d);
    for (const fn of checks.get(d) ?? []) await fn();
  }
  const loop = Math.round((Date.now() - t0) / 1000);

  // The whole year, from the records and from the mail catcher.
  assert.deepEqual(events(act.A.id), [`request@${due1}@${due1}`, `request@${due2}@${due2}`]);
  assert.deepEqual(events(act.B.id), [`request@${due1}@${due1}`, `request@${due2}@${due2}`]);
  assert.deepEqual(events(act.C.id), [`request@${due1}@${due1}`, ...REMINDERS.map((d, i) => `reminder_${d}@${due1}@${remind[i]}`),
    `unverified@${due1}@${unverifiedDay}`, `hidden@${due1}@${hiddenDay}`].sort((x, y) => x.split('@')[2].localeCompare(y.split('@')[2]) || x.localeCompare(y)));
  await until(() => psql(`SELECT count(*) FROM notifications WHERE template LIKE 'review%' AND status NOT IN ('sent', 'delivered', 'dead', 'failed')`) === '0',
    { timeout: 30000, what: 'every review e-mail sent' });
  const byName = async (template) => {
    const ms = await mails(EDITOR, { template });
    return Object.fromEntries(['A', 'B', 'C'].map((k) => [k, ms.filter((m) => m.text.includes(NAMES[k])).length]));
  };
  assert.deepEqual(await byName('review_request'), { A: 2, B: 2, C: 1 }, 'review requests in the mail catcher');
  assert.deepEqual(await byName('review_reminder'), { A: 0, B: 0, C: REMINDERS.length }, 'reminders in the mail catcher');
  const told = await until(async () => (await mails(ADMIN, { template: 'review_hidden' })).find((m) => m.text.includes(NAMES.C)),
    { timeout: 20000, what: 'the admin told that C was hidden' });
  assert.ok(told.text.includes('/admin-reviews.html'), 'with the report link');
  console.log(`report: ${order.length} rounds over ${total} simulated days (stride ${STRIDE}) in ${loop} s; A and B 2 requests each, C 1 request + ${REMINDERS.length} reminders, unverified ${unverifiedDay}, hidden ${hiddenDay}`);
});

test('no one-click token in any log', () => {
  assert.ok(seen.length >= 4, 'the test saw its tokens');
  const hits = [];
  for (const f of readdirSync(path.join(DIR, 'logs'))) {
    const text = readFileSync(path.join(DIR, 'logs', f), 'utf8');
    for (const t of seen) if (text.includes(t)) hits.push(`${f}: ${t.slice(0, 6)}…`);
    if (text.includes(EDITOR)) hits.push(`${f}: the editor's address unmasked`);
  }
  assert.deepEqual(hits, []);
  console.log(`report: review-year took ${Math.round((Date.now() - started) / 1000)} s`);
});
