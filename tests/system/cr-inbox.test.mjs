// Contact requests, the NGO's side and the professional's (issue 14,
// docs/contactrequests.md): an editor lists the organisation's requests
// (no client data, no audit) and opens one (the client's data, an audit
// row, the status `opened`); an admin sees it without `client`; an editor
// of another organisation gets 404; a wrong link signature is 400 `sig`.
// Every status transition the contract allows works and the others are
// 409; a decline needs a reason (never audited); unreachable with
// notify_client sends the client the SMS; the activity's observed response
// time (the median of the answered requests, rounded up, at least 1)
// appears on its detail with the 5th answer.  The sender sees their
// requests with history and opens one (audited); another professional gets
// 404.  Stats counts every event once per day and kind, also when the relay
// pushes it again.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  env, psql, until, signIn, createActivity, activeTerms, auditSince, assertAudited, assertFieldErrors, mails, redisCli, q,
} from './lib.mjs';

const PRO = 'ohjaaja@varkaus-terveys.example.org';
const EDITOR = 'toimitus@mielenterveysseura.example.org';
const OTHER_EDITOR = 'vapaaehtoiset@savonjarjestot.example.org';
const ADMIN = 'koordinaattori@hyvinvointialue.example.org';
const ORG = 'd0000000-0000-4000-8000-000000000006';
const SITE = 'e0000000-0000-4000-8000-000000000003';
const RUN = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const T0 = new Date(Date.now() - 2000);
const INBOX = `pyynnot-${RUN}@example.org`;
const CLIENT = { first_name: 'Aino', phone: '040 123 4567', email: `aino-${RUN}@example.org` };
const RETENTION = Number(env.TARJOTIN_CR_RETENTION_DAYS || 30);

let pro; let pro2; let ed; let other; let admin;
let A1; let A2; let NEED;

test.before(async () => {
  [NEED] = activeTerms('need');
  const email2 = `toinen-${RUN}@varkaus-terveys.example.org`;
  admin = await signIn(ADMIN);
  // A second professional, invited as an admin does it (audited).
  const inv = await admin.call('/api/v1/admin/accounts', {
    method: 'POST', json: { email: email2, role: 'professional', user_site_id: SITE, organization_ids: [], lang: 'fi' },
  });
  assert.equal(inv.status, 201, inv.text);
  [pro, pro2, ed, other] = await Promise.all([PRO, email2, EDITOR, OTHER_EDITOR].map((e) => signIn(e)));
  const doc = (name) => ({
    name, status: 'published', needs: [NEED], accepts_contact_requests: true, contact_request_email: INBOX, response_days: 5,
  });
  A1 = (await createActivity(ed, ORG, doc(`Yhteydenotot ${RUN}`))).id;
  A2 = (await createActivity(ed, ORG, doc(`Vastausaika ${RUN}`))).id;
});

/** One send of the client's data to 'activities' as 'who': the 201 body. */
async function send(activities, { who = pro, client = CLIENT, ...over } = {}) {
  const r = await who.call('/api/v1/contact-requests', {
    method: 'POST',
    headers: { 'Idempotency-Key': randomBytes(12).toString('hex') },
    json: {
      activities, client, channel: 'call', lang: 'fi', note: 'Soita mieluiten aamupäivällä.',
      consent: { version: '2026-12', given: true }, context: { need: NEED, municipality: '297' }, ...over,
    },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const open = (who, id, query = '') => who.call(`/api/v1/editor/contact-requests/${id}${query}`);
const setStatus = (who, id, body) => who.call(`/api/v1/editor/contact-requests/${id}/status`, { method: 'POST', json: body });
const inbox = (who, query = '') => who.call(`/api/v1/editor/organizations/${ORG}/contact-requests${query}`);
const kinds = (doc) => doc.history.map((h) => h.kind);

test('the inbox lists without client data, an editor opens (audited), an admin sees no client, another organisation 404', async () => {
  const s = await send([A1]);
  const id = s.requests[0].id;
  assert.equal(s.requests[0].status, 'sent');

  const list = await inbox(ed, '?state=open&per_page=50');
  assert.equal(list.status, 200, list.text);
  const item = list.json.items.find((i) => i.id === id);
  assert.ok(item, 'the new request is in the open list');
  assert.equal(item.status, 'sent');
  assert.equal(item.client, undefined, 'a list carries no client data');
  assert.equal(item.client_hint, null);
  assert.equal(item.has_phone, true);
  assert.equal(item.has_email, true);
  assert.equal(item.activity.id, A1);
  assert.equal(item.sender.user_site, psql(`SELECT name FROM user_sites WHERE id = '${SITE}'`));
  assert.ok(list.json.open >= 1 && list.json.total >= 1);
  assert.equal(list.json.page, 1);
  assert.equal(list.json.per_page, 50);
  assert.equal((await inbox(ed, '?state=maybe')).status, 400);
  assert.equal((await inbox(ed, '?per_page=1000')).status, 400);
  assert.equal((await inbox(other)).status, 404, 'an editor of another organisation');

  // The admin: the request and its history, never the client's data.
  const seen = await open(admin, id);
  assert.equal(seen.status, 200, seen.text);
  assert.equal(seen.json.client, undefined);
  assert.equal(seen.json.status, 'sent', "an admin's look is no opening");
  assert.equal((await open(other, id)).status, 404);
  assert.equal((await open(pro, id)).status, 403);

  const bad = await open(ed, id, '?sig=AAAAAAAAAAAAAAAAAAAAAA');
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.error.field, 'sig');

  // The NGO's e-mail carries the signed link; it opens.
  let sig;
  await until(async () => {
    for (const m of await mails(INBOX, { template: 'contact_request' })) {
      const hit = new RegExp(`request=${id}&(?:amp;)?sig=([A-Za-z0-9_-]{22})`).exec(m.text);
      if (hit) [, sig] = hit;
    }
    return sig;
  }, { timeout: 30000, every: 500, what: "the NGO's e-mail with the inbox link" });
  const got = await open(ed, id, `?sig=${sig}`);
  assert.equal(got.status, 200, got.text);
  assert.equal(got.json.status, 'opened');
  assert.deepEqual(got.json.client, { first_name: 'Aino', phone: '+358401234567', email: CLIENT.email, note: 'Soita mieluiten aamupäivällä.' });
  assert.equal(got.json.client_hint.phone, '+35840*****67');
  assert.deepEqual(kinds(got.json), ['sent', 'opened']);
  const again = await open(ed, id);
  assert.equal(again.status, 200);
  assert.deepEqual(kinds(again.json), ['sent', 'opened'], 'opened once');
  assert.ok(psql(`SELECT opened_at IS NOT NULL FROM contact_requests WHERE id = '${id}'`) === 't');

  await assertAudited(admin, T0, [
    { what: 'the first opening', action: 'contact_request.open', actor: { id: ed.account.id, role: 'editor' }, target: id },
    { what: 'the second opening', action: 'contact_request.open', actor: { id: ed.account.id, role: 'editor' }, target: id },
  ]);
  const rows = (await auditSince(admin, T0, { action: 'contact_request.open' })).filter((r) => r.target_id === id);
  assert.equal(rows.length, 2, 'no audit row for the admin nor for the lists');
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE target_id = '${id}' AND (detail::text LIKE '%Aino%' OR detail::text LIKE '%4567%')`), '0');
});

test('every transition of the contract, 409 for the others, a decline needs a reason, unreachable tells the client', async () => {
  const s = await send([A1]);
  const s2 = await send([A1]);
  const s3 = await send([A1]);
  const [r1, r2, r3] = [s, s2, s3].map((x) => x.requests[0].id);

  let r = await setStatus(ed, r1, { status: 'closed' });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'invalid_transition');
  assertFieldErrors(await setStatus(ed, r1, { status: 'declined' }), [{ field: 'reason', code: 'required' }], { what: 'decline without reason' });
  assertFieldErrors(await setStatus(ed, r1, { status: 'declined', reason: 'x'.repeat(501) }), [{ field: 'reason', code: 'too_long' }], { what: 'a long reason' });
  assertFieldErrors(await setStatus(ed, r1, { status: 'lost' }), [{ field: 'status', code: 'invalid' }], { what: 'an unknown status' });
  assertFieldErrors(await setStatus(ed, r1, { status: 'unreachable', notify_client: true }), [{ field: 'phone', code: 'required' }], { what: 'no callback number' });
  assert.equal((await setStatus(other, r1, { status: 'contacted' })).status, 404);
  assert.equal((await setStatus(admin, r1, { status: 'contacted' })).status, 403);

  // sent -> contacted -> closed
  r = await setStatus(ed, r1, { status: 'contacted' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'contacted');
  assert.ok(r.json.first_reaction_at);
  assert.equal(r.json.client.first_name, 'Aino', 'answered as the opening answers');
  const ev = r.json.history.at(-1);
  assert.equal(ev.kind, 'contacted');
  assert.equal(typeof ev.detail.days, 'number');
  for (const st of ['contacted', 'declined', 'unreachable']) assert.equal((await setStatus(ed, r1, { status: st, reason: 'x' })).status, 409, st);
  r = await setStatus(ed, r1, { status: 'closed' });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.closed_at);
  assert.equal((await setStatus(ed, r1, { status: 'closed' })).status, 409, 'closed is final');
  assert.equal(psql(`SELECT purge_at = outcome_at + interval '${RETENTION} days' FROM contact_requests WHERE id = '${r1}'`), 't');

  // sent -> unreachable -> declined -> closed
  r = await setStatus(ed, r2, { status: 'unreachable' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await setStatus(ed, r2, { status: 'unreachable' })).status, 409);
  r = await setStatus(ed, r2, { status: 'declined', reason: `Ei tilaa ryhmässä ${RUN}` });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.decline_reason, `Ei tilaa ryhmässä ${RUN}`);
  assert.equal((await setStatus(ed, r2, { status: 'contacted' })).status, 409);
  assert.equal((await setStatus(ed, r2, { status: 'closed' })).status, 200);
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE detail::text LIKE ${q(`%${RUN}%`)}`), '0', 'no reason text in the audit log');
  assert.equal(psql(`SELECT count(*) FROM contact_request_events WHERE detail::text LIKE ${q(`%${RUN}%`)}`), '0', 'nor in an event');

  // opened -> unreachable (the client told by SMS) -> contacted
  assert.equal((await open(ed, r3)).json.status, 'opened');
  r = await setStatus(ed, r3, { status: 'unreachable', notify_client: true, phone: '017 123 4567' });
  assert.equal(r.status, 200, r.text);
  const job = psql(`SELECT job_id FROM contact_request_messages WHERE request_id = '${r3}' AND kind = 'unreachable' AND to_client`);
  assert.match(job, /^[0-9a-f-]{36}$/);
  assert.equal(psql(`SELECT template || '/' || channel FROM notifications WHERE job_id = '${job}'`), 'contact_unreachable/sms');
  await until(async () => {
    const r0 = await fetch(`${env.TARJOTIN_SMS_STANDIN_URL}/_test/messages`, { signal: AbortSignal.timeout(5000) });
    return (await r0.json()).some((m) => m.userref === job);
  }, { timeout: 30000, every: 500, what: 'the unreachable SMS at the stand-in' });
  assert.equal((await setStatus(ed, r3, { status: 'contacted' })).status, 200);
  await assertAudited(admin, T0, [r1, r1, r2, r2, r2, r3, r3].map((id) => (
    { what: `status of ${id}`, action: 'contact_request.status', actor: { id: ed.account.id, role: 'editor' }, target: id })));

  // A client with a landline only cannot be told by SMS.
  const land = await send([A1], { client: { first_name: 'Eino', phone: '017 555 1234' } });
  r = await setStatus(ed, land.requests[0].id, { status: 'unreachable', notify_client: true, phone: '017 123 4567' });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'notify_client');
  assert.equal(r.json.error.code, 'no_mobile');
});

test('the observed response time is the median of the answered requests from the 5th on', async () => {
  const back = [0, 1, 3, 6, 10]; // calendar days the request is made older than it is
  const detail = async () => (await pro.call(`/api/v1/activities/${A2}`)).json;
  const answered = [];
  for (const [i, d] of back.entries()) {
    const id = (await send([A2])).requests[0].id;
    psql(`UPDATE contact_requests SET sent_at = sent_at - interval '${d} days' WHERE id = '${id}'`);
    const edited = psql(`SELECT updated_at FROM activities WHERE id = '${A2}'`);
    assert.equal((await setStatus(ed, id, { status: i % 2 ? 'declined' : 'contacted', reason: 'Ei sovi' })).status, 200);
    answered.push(id);
    const n = Number(psql(`SELECT n FROM activity_response_times WHERE activity_id = '${A2}'`));
    assert.equal(n, i + 1);
    if (i < 4) assert.equal(psql(`SELECT days IS NULL FROM activity_response_times WHERE activity_id = '${A2}'`), 't');
    // An answer is not an edit: the activity's last_modified (HSDS) stays.
    assert.equal(psql(`SELECT updated_at FROM activities WHERE id = '${A2}'`), edited, 'a first reaction moved the activity\'s updated_at');
  }
  const days = psql(`SELECT string_agg(fi_working_days_between((sent_at AT TIME ZONE 'Europe/Helsinki')::date,
    (first_reaction_at AT TIME ZONE 'Europe/Helsinki')::date)::text, ',' ORDER BY 1) FROM contact_requests WHERE id IN (${answered.map(q).join(',')})`)
    .split(',').map(Number).sort((a, b) => a - b);
  const want = Math.max(1, Math.ceil(days[2]));
  await until(async () => {
    const a = await detail();
    return a.response_days_observed === want && a.response_days_observed_n === 5;
  }, { timeout: 20000, what: `the activity's detail to say ${want} (days ${days})` });
});

test("the sender's own requests with history, overdue with alternatives; another professional 404", async () => {
  const s = await send([A1]);
  const id = s.requests[0].id;
  psql(`UPDATE contact_requests SET due_1 = sent_at - interval '1 hour' WHERE id = '${id}'`);
  const mine = await pro.call('/api/v1/my/contact-requests?per_page=100');
  assert.equal(mine.status, 200, mine.text);
  const item = mine.json.items.find((i) => i.id === id);
  assert.ok(item, 'the request is in my list');
  assert.ok(Array.isArray(item.history) && item.history[0].kind === 'sent');
  assert.equal(item.client, undefined);
  assert.equal(item.overdue, true);
  assert.equal(item.alternatives, `/?need=${NEED}&municipality=297`);
  const times = mine.json.items.map((i) => i.sent_at);
  assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
  assert.equal(mine.json.total, Number(psql(`SELECT count(*) FROM contact_requests WHERE account_id = '${pro.account.id}'`)));
  const page2 = await pro.call('/api/v1/my/contact-requests?per_page=1&page=2');
  assert.equal(page2.json.items.length, 1);
  assert.equal(page2.json.items[0].id, mine.json.items[1].id);

  const got = await pro.call(`/api/v1/my/contact-requests/${id}`);
  assert.equal(got.status, 200, got.text);
  assert.equal(got.json.client.phone, '+358401234567');
  assert.deepEqual(kinds(got.json), ['sent']);
  await assertAudited(admin, T0, [{ what: 'the sender opens', action: 'contact_request.open', actor: { id: pro.account.id, role: 'professional' }, target: id }]);

  assert.equal((await pro2.call(`/api/v1/my/contact-requests/${id}`)).status, 404);
  const theirs = await pro2.call('/api/v1/my/contact-requests');
  assert.equal(theirs.status, 200);
  assert.equal(theirs.json.total, 0);
  assert.equal((await ed.call('/api/v1/my/contact-requests')).status, 403);
});

test('stats counts every event once per day and kind, a second push too', async () => {
  const counts = () => {
    const want = {};
    for (const line of psql(`SELECT d || ' cr|' || kind || ' ' || count(*) FROM (SELECT
      to_char(created_at AT TIME ZONE 'Europe/Helsinki', 'YYYY-MM-DD') AS d, kind FROM contact_request_events) e GROUP BY d, kind ORDER BY d`).split('\n').filter(Boolean)) {
      const [day, field, n] = line.split(' ');
      (want[day] ??= {})[field] = n;
    }
    return want;
  };
  const same = () => {
    const want = counts();
    for (const [day, fields] of Object.entries(want)) {
      const got = Object.fromEntries(redisCli('HGETALL', `tj:stats:${day}`).split('\n').reduce((a, v, i, arr) => (i % 2 ? a : [...a, [v, arr[i + 1]]]), []));
      for (const [f, n] of Object.entries(fields)) if (got[f] !== n) return false;
    }
    return psql('SELECT count(*) FROM contact_request_events WHERE pushed_at IS NULL') === '0' && want;
  };
  const want = await until(same, { timeout: 20000, every: 200, what: 'every event pushed and counted once' });
  assert.ok(Object.values(want).some((f) => Number(f['cr|sent']) >= 1 && Number(f['cr|opened']) >= 1 && Number(f['cr|contacted']) >= 1));
  // Pushed again (a mark lost): counted nothing twice.
  psql("UPDATE contact_request_events SET pushed_at = NULL WHERE id IN (SELECT id FROM contact_request_events ORDER BY created_at DESC LIMIT 5)");
  await until(() => psql('SELECT count(*) FROM contact_request_events WHERE pushed_at IS NULL') === '0', { timeout: 20000, what: 'the second push' });
  // A new event after the second push: once stats has counted it, it has
  // also seen the batch pushed before it, and every count still matches.
  await send([A1]);
  const after = await until(same, { timeout: 20000, every: 200, what: 'the new event counted, the old ones not again' });
  const day = Object.keys(after).at(-1);
  assert.equal(Number(after[day]['cr|sent']), Number(want[day]?.['cr|sent'] ?? 0) + 1);
});
