// Contact requests on a moved clock (issue 14, docs/contactrequests.md "The
// scheduler", "Working days"), with the real scheduler: the test moves the
// stack's test clock and waits for each contact-request round
// (scheduler_runs 'contact_requests' as_of >= the time set).
//
// Two sends on Thursday 25 March 2027 12:00 Helsinki (Easter Sunday is 28
// March): R1 to an activity that promises 2 working days, left untouched;
// R2 to another, closed the next day.  Shown: R1's reminder exactly at the
// end of the promise (nothing on Wednesday 31 March 23:59, the reminder once
// the clock passes 1 April 00:00: Good Friday and Easter Monday do not
// count), the maintainers at twice the promise, the admins and the
// professional (with the alternatives link) at three times, each once across
// later rounds and each a round later, not earlier; R2 (reacted) none of
// them; R2's data erased TARJOTIN_CR_RETENTION_DAYS after closing and not a
// minute before (client_enc NULL, the event 'erased', its receipt's
// recipient emptied); R1 expired and erased TARJOTIN_CR_EXPIRY_DAYS after
// sending and not a minute before.  And the SQL working-day functions for
// Easter 2024-2030, Ascension, Midsummer Eve and Christmas.
//
// It moves the stack's clock, so it runs in last/ (alphabetically before
// review-year, which starts from offset 0); the clock goes back to 0 at the
// end and the test waits for a round there.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  env, psql, until, signIn, mails, noteSecret, clearRateLimits, newOrganization, createActivity,
  setClockOffset, activeTerms, q,
} from '../lib.mjs';

const ADMIN = 'koordinaattori@hyvinvointialue.example.org';
const PRO = 'ohjaaja@varkaus-terveys.example.org';
const RUN = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const EDITOR = `crclock-${RUN}@example.org`;
const REQUEST_ADDR = `pyynnot-${RUN}@example.org`;
const ESCALATE = (env.TARJOTIN_CR_ESCALATE || '1,2,3').split(',').map(Number);
const RETENTION = Number(env.TARJOTIN_CR_RETENTION_DAYS || 30);
const EXPIRY = Number(env.TARJOTIN_CR_EXPIRY_DAYS || 60);
const CLIENT = `Asiakas${RUN}`; // the client's first name, looked for in the e-mails
const SENT = '2027-03-25 12:00'; // Thursday before Easter 2027, Helsinki time

/** Milliseconds since the epoch of a Helsinki local time 'YYYY-MM-DD HH:MI[:SS]'. */
const fiMs = (local) => Number(psql(`SELECT (extract(epoch FROM (timestamp ${q(local)} AT TIME ZONE 'Europe/Helsinki')) * 1000)::bigint`));

/** The last contact-request round's clock time (ms since the epoch), or 0. */
function crAsOf() {
  const v = psql("SELECT coalesce((extract(epoch FROM as_of) * 1000)::bigint, 0) FROM scheduler_runs WHERE job = 'contact_requests'");
  return Number(v || 0);
}

/** Moves the clock to 'ms' on the scheduler's clock and waits for a round at or after it. */
async function clockAt(ms) {
  const now = Date.now();
  const off = Math.ceil((ms - now) / 1000); // the clock at or just after ms
  setClockOffset(off);
  await until(() => crAsOf() >= ms, { timeout: 15000, every: 50, what: `a contact-request round at ${new Date(ms).toISOString()}` });
}

/** The request's events "kind" in time order. */
const events = (id) => psql(`SELECT kind FROM contact_request_events WHERE request_id = ${q(id)} ORDER BY at, created_at`).split('\n').filter(Boolean);
const count = (id, kind) => events(id).filter((k) => k === kind).length;
const row = (id, cols) => psql(`SELECT ${cols} FROM contact_requests WHERE id = ${q(id)}`);
/** The templates of the messages linked to a request (not to the client), sorted. */
const linked = (id) => psql(`SELECT n.template FROM contact_request_messages m JOIN notifications n ON n.job_id = m.job_id
  WHERE m.request_id = ${q(id)} AND NOT m.to_client ORDER BY 1`).split('\n').filter(Boolean);
/** The client's messages of a request: "recipient_hint/has recipient" strings. */
const clientMessages = (id) => psql(`SELECT n.recipient_hint || '/' || (length(n.recipient_enc) > 0) FROM contact_request_messages m
  JOIN notifications n ON n.job_id = m.job_id WHERE m.request_id = ${q(id)} AND m.to_client`).split('\n').filter(Boolean);

let admin; let ed; let pro; let org; let need;
const act = {};
const req = {};
let admins;

async function send(activity, phone) {
  const consent = await pro.call('/api/v1/contact-requests/consent');
  assert.equal(consent.status, 200, consent.text);
  noteSecret('phone', phone);
  const r = await pro.call('/api/v1/contact-requests', {
    method: 'POST',
    headers: { 'Idempotency-Key': `crclock-${RUN}-${randomBytes(6).toString('hex')}` },
    json: {
      activities: [activity.id],
      client: { first_name: CLIENT, phone },
      channel: 'call',
      lang: 'fi',
      note: '',
      consent: { version: consent.json.version, given: true },
      context: { need, municipality: '297' },
    },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.requests.length, 1);
  return r.json;
}

test.before(async () => {
  setClockOffset(0);
  admin = await signIn(ADMIN);
  clearRateLimits('regist');
  noteSecret('email', EDITOR);
  noteSecret('email', REQUEST_ADDR);
  org = await newOrganization(admin, `crclock-${RUN}`, { maintainers: [EDITOR] });
  clearRateLimits('regist');
  ed = await signIn(EDITOR);
  [need] = activeTerms('need');
  const [kind] = activeTerms('kind');
  for (const [k, days] of [['A', 2], ['B', 5]]) {
    act[k] = await createActivity(ed, org.id, {
      name: `Kellotesti ${RUN} ${k}`, needs: [need], kinds: [kind], status: 'published',
      accepts_contact_requests: true, contact_request_email: REQUEST_ADDR, response_days: days,
    });
  }
  pro = await signIn(PRO);
  admins = Number(psql("SELECT count(*) FROM accounts WHERE role = 'admin' AND disabled_at IS NULL"));
});

test.after(async () => {
  const t = Date.now();
  setClockOffset(0);
  await until(() => { const a = crAsOf(); return a >= t && a < t + 3600e3; }, { timeout: 15000, what: 'a contact-request round at offset 0' });
});

test('working days in SQL: Easter 2024-2030, Ascension, Midsummer Eve, Christmas', () => {
  const easter = { 2024: '2024-03-31', 2025: '2025-04-20', 2026: '2026-04-05', 2027: '2027-03-28', 2028: '2028-04-16', 2029: '2029-04-01', 2030: '2030-04-21' };
  for (const [y, d] of Object.entries(easter)) {
    assert.equal(psql(`SELECT easter_sunday(${y})`), d, `Easter ${y}`);
    // Good Friday, Easter Monday and Ascension Day (Thursday, Easter + 39) are days off; the Thursday before Easter and the Tuesday after work.
    assert.equal(psql(`SELECT string_agg(fi_working_day(date '${d}' + x)::text, ',' ORDER BY x) FROM unnest(array[-3, -2, 1, 2, 38, 39, 40]) x`),
      'true,false,false,true,true,false,true', `${y}: Thu, Good Friday, Easter Monday, Tue, Wed before Ascension, Ascension, Fri after`);
    assert.equal(psql(`SELECT extract(isodow FROM date '${d}' + 39)`), '4', `${y}: Ascension on a Thursday`);
  }
  // Midsummer Eve: the Friday between 19 and 25 June; the Thursday before works.
  for (const d of ['2024-06-21', '2025-06-20', '2026-06-19', '2027-06-25', '2028-06-23', '2029-06-22', '2030-06-21']) {
    assert.equal(psql(`SELECT extract(isodow FROM date '${d}') || '/' || fi_working_day(date '${d}') || '/' || fi_working_day(date '${d}' - 1)`), '5/false/true', `Midsummer Eve ${d}`);
  }
  assert.equal(psql("SELECT fi_working_day(date '2027-06-18')"), 't', 'the Friday a week before Midsummer Eve 2027 works');
  // Christmas Eve, Christmas Day, St Stephen's Day; New Year, Epiphany, May Day, Independence Day.
  for (const d of ['2026-12-24', '2026-12-25', '2028-12-26', '2027-01-01', '2027-01-06', '2026-05-01', '2027-12-06']) {
    assert.equal(psql(`SELECT fi_holiday(date '${d}')::text || fi_working_day(date '${d}')::text`), 'truefalse', `${d} is a day off`);
  }
  assert.equal(psql("SELECT fi_working_day(date '2026-12-23')"), 't');
  assert.equal(psql("SELECT fi_add_working_days(date '2026-12-23', 1)"), '2026-12-28', 'after 23 December the next working day is the 28th');
  assert.equal(psql("SELECT fi_add_working_days(date '2027-03-25', 2)"), '2027-03-31', 'Thursday before Easter + 2 working days');
  assert.equal(psql("SELECT fi_add_working_days(date '2027-03-25', 0)"), '2027-03-25');
  assert.equal(psql("SELECT fi_working_days_between(date '2027-03-25', date '2027-04-01')"), '3', 'Tue, Wed, Thu after Easter');
  assert.equal(psql("SELECT fi_working_days_between(date '2027-04-01', date '2027-03-25')"), '0');
  assert.equal(psql("SELECT cr_promise_end('2027-03-25 12:00+02', 2) = timestamptz '2027-04-01 00:00+03'"), 't',
    'the promise ends at midnight Helsinki after Wednesday 31 March (summer time from 28 March)');
  assert.equal(psql("SELECT cr_promise_end('2027-03-25 23:59:59+02', 2) = cr_promise_end('2027-03-25 00:00+02', 2)"), 't', "the sending day's hour does not matter");
});

test('on a moved clock: reminder, maintainers, admin and the professional exactly on time, each once; erasure and expiry on schedule', async () => {
  // Both sends at the Thursday before Easter 2027, 12:00 Helsinki.
  const t0 = fiMs(SENT);
  await clockAt(t0);
  const phones = [`040 ${String(Date.now() % 1e7).padStart(7, '0')}`, `050 ${String((Date.now() + 1) % 1e7).padStart(7, '0')}`];
  const s1 = await send(act.A, phones[0]);
  const s2 = await send(act.B, phones[1]);
  req.R1 = s1.requests[0].id;
  req.R2 = s2.requests[0].id;
  assert.equal(s1.requests[0].due, '2027-03-31', "R1's promise: Wednesday 31 March");
  const due = [1, 2, 3].map((i) => Number(row(req.R1, `(extract(epoch FROM due_${i}) * 1000)::bigint`)));
  assert.equal(due[0], fiMs('2027-04-01 00:00'), 'due_1: midnight after 31 March');
  for (const [i, m] of ESCALATE.entries()) {
    assert.equal(row(req.R1, `due_${i + 1} = cr_promise_end(sent_at, ${m * 2})`), 't', `due_${i + 1}: ${m} times the promise`);
  }
  assert.equal(row(req.R1, "to_char(sent_at AT TIME ZONE 'Europe/Helsinki', 'YYYY-MM-DD HH24:MI')"), SENT, "sent_at: the scheduler's clock");

  // R2 is reacted to and closed the next day (the editor's status call
  // belongs to the inbox; here the row gets what that call writes).
  const closedAt = fiMs('2027-03-26 10:00');
  await clockAt(closedAt);
  psql(`UPDATE contact_requests SET status = 'closed', first_reaction_at = to_timestamp(${closedAt} / 1000.0),
    outcome_at = to_timestamp(${closedAt} / 1000.0), closed_at = to_timestamp(${closedAt} / 1000.0),
    purge_at = to_timestamp(${closedAt} / 1000.0) + make_interval(days => ${RETENTION}) WHERE id = ${q(req.R2)}`);

  const stage = [['reminder'], ['escalated_maintainers'], ['escalated_admin', 'professional_told']];
  const done = (k) => stage.slice(0, k).flat();
  const stagesOf = (id) => events(id).filter((e) => stage.flat().includes(e));
  for (const [k, d] of due.entries()) {
    await clockAt(d - 60e3);
    assert.deepEqual(stagesOf(req.R1), done(k), `a minute before due_${k + 1}: only ${done(k)}`);
    await clockAt(d + 30e3);
    assert.deepEqual(stagesOf(req.R1), done(k + 1), `just after due_${k + 1}: ${done(k + 1)}`);
    await clockAt(d + 6 * 3600e3);
    assert.deepEqual(stagesOf(req.R1), done(k + 1), `a later round: each once (due_${k + 1})`);
  }
  for (const kind of stage.flat()) assert.equal(count(req.R1, kind), 1, `${kind} once`);
  assert.deepEqual(stagesOf(req.R2), [], 'R2 (reacted) was neither reminded nor escalated');
  assert.equal(row(req.R1, 'status'), 'sent');

  // The messages: linked to R1, then in the mail catcher.
  assert.deepEqual(linked(req.R1), ['contact_escalation', ...Array(admins).fill('contact_escalation_admin'), 'contact_overdue', 'contact_reminder', 'contact_request'].sort(),
    'one reminder, one escalation (the one editor), one per admin, the professional told');
  const reminder = await until(async () => (await mails(REQUEST_ADDR, { template: 'contact_reminder' })).find((m) => m.text.includes(act.A.name)),
    { timeout: 30000, what: 'the reminder at the request address' });
  assert.ok(reminder.text.includes(`/inbox.html#request=${req.R1}&sig=`), 'with the signed inbox link');
  assert.ok(reminder.text.includes('25.3.2027'), 'and the sending date');
  const esc = await until(async () => (await mails(EDITOR, { template: 'contact_escalation' })).find((m) => m.text.includes(act.A.name)),
    { timeout: 30000, what: "the editor's escalation" });
  assert.ok(esc.text.includes(`request=${req.R1}`));
  const adm = await until(async () => (await mails(ADMIN, { template: 'contact_escalation_admin' })).find((m) => m.text.includes(act.A.name)),
    { timeout: 30000, what: "the admin's escalation" });
  assert.ok(adm.text.includes(org.name), 'names the organisation');
  const told = await until(async () => (await mails(PRO, { template: 'contact_overdue' })).find((m) => m.text.includes(act.A.name)),
    { timeout: 30000, what: 'the professional told' });
  assert.ok(told.text.includes('/my-requests.html'), 'with the link to my requests');
  assert.ok(told.text.includes('municipality=297'), `with the alternatives for the municipality: ${told.text}`);
  if (row(req.R1, "coalesce(need, '')")) assert.ok(told.text.includes(`need=${row(req.R1, 'need')}`), 'and for the need');
  for (const m of [reminder, esc, adm, told]) assert.ok(!m.text.includes(CLIENT) && !m.text.includes(phones[0].slice(4)), 'no client data in the e-mail');

  // R2: erased RETENTION days after closing, not a minute before.
  const purge2 = Number(row(req.R2, '(extract(epoch FROM purge_at) * 1000)::bigint'));
  await clockAt(purge2 - 60e3);
  assert.equal(row(req.R2, '(client_enc IS NOT NULL) || \'/\' || (erased_at IS NULL)'), 'true/true', 'R2 not erased a minute before');
  assert.ok(clientMessages(req.R2).length >= 1 && clientMessages(req.R2).every((m) => m.endsWith('/true')), `R2's receipt still addressed: ${clientMessages(req.R2)}`);
  await clockAt(purge2 + 30e3);
  assert.equal(row(req.R2, '(client_enc IS NULL) || \'/\' || (phone_mac IS NULL) || \'/\' || (erased_at IS NOT NULL)'), 'true/true/true', 'R2 erased');
  assert.equal(count(req.R2, 'erased'), 1, "R2's event 'erased'");
  assert.deepEqual([...new Set(clientMessages(req.R2))], ['erased/false'], "R2's receipt emptied");
  assert.equal(row(req.R2, 'status'), 'closed', 'R2 stays closed');
  assert.equal(row(req.R1, '(client_enc IS NOT NULL)'), 't', 'R1 (another client) not erased with it');

  // R1: expired and erased EXPIRY days after sending, not a minute before.
  const expires = Number(row(req.R1, '(extract(epoch FROM expires_at) * 1000)::bigint'));
  assert.equal(row(req.R1, `abs(extract(epoch FROM expires_at - sent_at) - ${EXPIRY} * 86400) <= 3600`), 't', `expires_at: ${EXPIRY} days after sending (a summer-time hour either way)`);
  await clockAt(expires - 60e3);
  assert.equal(row(req.R1, "status || '/' || (client_enc IS NOT NULL)"), 'sent/true', 'R1 untouched a minute before expiry');
  await clockAt(expires + 30e3);
  assert.equal(row(req.R1, "status || '/' || (client_enc IS NULL) || '/' || (expired_at IS NOT NULL) || '/' || (erased_at IS NOT NULL)"), 'expired/true/true/true', 'R1 expired and erased');
  assert.equal(count(req.R1, 'expired'), 1);
  assert.equal(count(req.R1, 'erased'), 1);
  assert.deepEqual([...new Set(clientMessages(req.R1))], ['erased/false'], "R1's receipt emptied");
  await clockAt(expires + 86400e3);
  assert.equal(count(req.R1, 'expired') + count(req.R1, 'erased'), 2, 'a later round changes nothing');
  for (const kind of stage.flat()) assert.equal(count(req.R1, kind), 1, `${kind} still once`);

  const detail = JSON.parse(psql("SELECT detail FROM scheduler_runs WHERE job = 'contact_requests'"));
  for (const k of ['reminders', 'maintainers', 'admin', 'professional_told', 'expired', 'erased']) assert.equal(typeof detail[k], 'number', `scheduler_runs detail counts ${k}`);
});
