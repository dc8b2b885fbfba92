// Contact requests, the send and the client's withdrawal (issue 14,
// docs/contactrequests.md "The send (81)" and "Withdrawal"): every rule of
// the send document answers its field error, all at once, and stores
// nothing; a send to three activities of three organisations stores a
// request each with the client's data sealed, mails each NGO the signed
// inbox link and no client data, and texts the client one receipt with the
// withdraw link; the same Idempotency-Key is one send (twice, ten at once),
// with another body a 409; the withdraw link works once (the data erased at
// once, each NGO told) and then answers 410; a stop word from the client's
// number withdraws, from another number or with another text nothing.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  env, http, psql, until, anon, signIn, mails, noteSecret, assertFieldErrors, clearRateLimits, q,
} from './lib.mjs';

const PROFESSIONAL = 'ohjaaja@varkaus-terveys.example.org';
const SEND = '/api/v1/contact-requests';
const SMS = env.TARJOTIN_SMS_STANDIN_URL;
const RUN = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

let pro;
let version;
let acts; // three published activities accepting requests, of three organisations
let closedAct; // one that does not accept requests
let hiddenAct; // one that is not published (or a random id when the demo has none)

/** A fresh Finnish mobile number: {national, e164, msisdn}. */
function mobile() {
  const digits = String(1000000 + Math.floor(Math.random() * 8999999));
  return { national: `040 ${digits}`, e164: `+35840${digits}`, msisdn: Number(`35840${digits}`) };
}

const key = () => `cr-${RUN}-${randomBytes(6).toString('hex')}`;

function doc(over = {}, client = {}) {
  return {
    activities: acts.map((a) => a.id),
    client: { first_name: `Aino${RUN}`, phone: mobile().national, email: `aino.${RUN}@example.org`, ...client },
    channel: 'call',
    lang: 'fi',
    note: `Soittakaa aamulla ${RUN}`,
    consent: { version, given: true },
    context: { need: 'memory', municipality: '297' },
    ...over,
  };
}

const batchIds = new Set(); // every send of this file

async function send(body, k = key()) {
  const r = await pro.call(SEND, { method: 'POST', json: body, headers: { 'Idempotency-Key': k } });
  if (r.status === 201) batchIds.add(r.json.id);
  return r;
}

async function getJson(url) {
  const r = await fetch(url, { signal: AbortSignal.timeout(10000) });
  return r.json();
}

async function postJson(url, body) {
  const r = await fetch(url, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    signal: AbortSignal.timeout(10000),
  });
  return r.json();
}

/** The SMS the stand-in accepted for number 'e164', oldest first. */
async function smsTo(e164) {
  const all = await getJson(`${SMS}/_test/messages`);
  return all.filter((m) => (m.recipients || []).some((r) => `+${r?.msisdn ?? r}` === e164));
}

/** A withdraw link call (path: /peek or not) as the client's page makes it. */
async function withdrawCall(pathname, token) {
  const a = await anon();
  return a.call(pathname, { method: 'POST', json: { token } });
}

function batches() {
  return Number(psql('SELECT count(*) FROM contact_request_batches'));
}

const rows = (sql) => psql(sql).split('\n').filter(Boolean);

test.before(async () => {
  clearRateLimits('crsend');
  clearRateLimits('withdraw');
  pro = await signIn(PROFESSIONAL);
  const c = await pro.call('/api/v1/contact-requests/consent');
  assert.equal(c.status, 200, c.text);
  version = c.json.version;
  acts = rows(`SELECT DISTINCT ON (o.id) a.id || '|' || a.name || '|' || o.name || '|' || a.contact_request_email
    FROM activities a JOIN organizations o ON o.id = a.organization_id
    WHERE a.status = 'published' AND o.status = 'approved' AND a.accepts_contact_requests
    ORDER BY o.id, a.id LIMIT 3`).map((l) => {
    const [id, name, org, email] = l.split('|');
    noteSecret('email', email);
    return { id, name, org, email };
  });
  assert.equal(acts.length, 3, 'the demo has three organisations whose activities accept requests');
  closedAct = psql(`SELECT a.id FROM activities a JOIN organizations o ON o.id = a.organization_id
    WHERE a.status = 'published' AND o.status = 'approved' AND NOT a.accepts_contact_requests LIMIT 1`);
  assert.ok(closedAct, 'the demo has a published activity that takes no requests');
  hiddenAct = psql(`SELECT id FROM activities WHERE status <> 'published' LIMIT 1`) || randomUUID();
});

test.after(() => {
  clearRateLimits('crsend');
  clearRateLimits('withdraw');
});

test('the consent text: the current version in fi, sv and en', async () => {
  const r = await http('/api/v1/contact-requests/consent');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.version, psql('SELECT version FROM consent_texts ORDER BY valid_from DESC LIMIT 1'));
  for (const l of ['fi', 'sv', 'en']) assert.ok(r.json.texts[l].length >= 20, l);
});

test('every rule of the send document answers its field, all at once, and nothing is stored', async () => {
  const before = batches();
  const eleven = Array.from({ length: 11 }, () => randomUUID());
  const cases = [
    [{ activities: [], client: { phone: 'x', email: 'y' }, channel: 'fax', lang: 'de', consent: {} }, [
      ['activities', 'required'], ['client.phone', 'invalid'], ['client.email', 'invalid'],
      ['channel', 'invalid'], ['lang', 'invalid'], ['consent.given', 'required'],
      ['consent.version', 'outdated']], 'all at once'],
    [doc({ activities: [acts[0].id, acts[0].id], note: 'x'.repeat(501) }, { first_name: 'A'.repeat(61) }), [
      ['activities', 'duplicate'], ['note', 'too_long'], ['client.first_name', 'too_long']], 'duplicate, lengths'],
    [doc({ activities: [randomUUID(), closedAct, hiddenAct, 'nope'], consent: { version: '2020-01', given: true } },
      { first_name: 'Ai\u0007no' }), [
      ['activities.0', 'not_found'], ['activities.1', 'not_accepting'], ['activities.2', 'not_found'],
      ['activities.3', 'not_found'], ['client.first_name', 'invalid'], ['consent.version', 'outdated']],
    'unknown, closed, unpublished activities, old consent'],
    [doc({ activities: eleven, channel: 'sms' }, { phone: '017 123 4567' }), [
      ['activities', 'too_many'], ['client.phone', 'required']], 'too many, sms to a landline'],
    [doc({ channel: 'email', lang: undefined }, { email: null }), [
      ['client.email', 'required'], ['lang', 'invalid']], 'e-mail without an address, no lang'],
    [doc({}, { phone: null, email: '' }), [['client.phone', 'required']], 'neither phone nor e-mail'],
    [doc({ channel: 'call' }, { phone: undefined }), [['client.phone', 'required']], 'a call without a phone'],
    [doc({ client: undefined }), [['client', 'required']], 'no client'],
    [doc({ consent: { version, given: false } }), [['consent.given', 'required']], 'no consent'],
  ];
  for (const [body, want, what] of cases) {
    const r = await send(body);
    assertFieldErrors(r, want.map(([field, code]) => ({ field, code })), { exact: true, what });
  }
  assert.equal(batches(), before, 'no refused send stored anything');
});

let first; // the three-activity send: {body, reply, phone, key}

test('a send to three activities: a request each, sealed data, NGO mails without client data, one receipt SMS', async () => {
  const phone = mobile();
  noteSecret('email', `aino.${RUN}@example.org`);
  const body = doc({}, { phone: phone.national });
  const k = key();
  const t0 = new Date(Date.now() - 2000);
  const r = await send(body, k);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('idempotent-replayed'), null);
  const b = r.json;
  assert.match(b.id, /^[0-9a-f-]{36}$/);
  assert.equal(b.requests.length, 3);
  assert.deepEqual(b.receipt, { channel: 'sms', to: `${phone.e164.slice(0, 6)}*****${phone.e164.slice(-2)}` });
  for (const [i, x] of b.requests.entries()) {
    assert.equal(x.status, 'sent');
    assert.deepEqual(x.activity, { id: acts[i].id, name: acts[i].name });
    assert.equal(x.organization.name, acts[i].org);
    assert.ok(x.response_days >= 1);
    assert.match(x.due, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(x.due > b.sent_at.slice(0, 10), 'the promise ends after the day of sending');
  }
  for (const secret of [phone.e164.slice(4), phone.national.slice(4), body.client.email, body.client.first_name, body.note]) {
    assert.ok(!r.text.includes(secret), `the reply holds no client data (${secret})`);
  }
  first = { body, reply: b, phone, key: k };
  const ids = b.requests.map((x) => q(x.id)).join(',');
  assert.equal(psql(`SELECT count(*) FROM contact_requests WHERE batch_id = ${q(b.id)} AND client_enc IS NOT NULL
    AND phone_mac IS NOT NULL AND has_phone AND has_email AND has_note AND status = 'sent'
    AND due_1 < due_2 AND due_2 < due_3 AND expires_at = purge_at AND need = 'memory' AND municipality_code = '297'`), '3');
  assert.equal(psql(`SELECT count(*) FROM contact_requests WHERE id IN (${ids})
    AND position(${q(body.client.email)}::bytea IN client_enc) = 0`), '3', 'the e-mail is not in the sealed blob');
  assert.equal(psql(`SELECT count(*) FROM contact_request_events WHERE request_id IN (${ids}) AND kind = 'sent'
    AND actor_role = 'professional'`), '3');
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE action = 'contact_request.send' AND target_id IN (${ids})
    AND actor_role = 'professional' AND at >= ${q(t0.toISOString())}`), '3');
  assert.equal(psql(`SELECT count(DISTINCT job_id) FROM contact_request_messages WHERE request_id IN (${ids})
    AND kind = 'receipt' AND to_client`), '1');
  assert.equal(psql(`SELECT count(*) FROM contact_request_messages WHERE request_id IN (${ids})
    AND kind = 'receipt' AND to_client`), '3', 'the receipt is linked to every request');
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE at >= ${q(t0.toISOString())}
    AND (detail::text LIKE ${q(`%${RUN}%`)} OR detail::text LIKE ${q(`%${phone.e164.slice(4)}%`)})`), '0',
  'no audit detail holds client data');

  // each NGO: the signed inbox link to its own request, no client data
  for (const [i, a] of acts.entries()) {
    const rid = b.requests[i].id;
    const m = await until(async () => (await mails(a.email, { template: 'contact_request' }))
      .find((x) => x.text.includes(`inbox.html#request=${rid}&sig=`)), { timeout: 30000, what: `the NGO mail of ${a.name}` });
    assert.match(m.text, new RegExp(`inbox\\.html#request=${rid}&sig=[A-Za-z0-9_-]{22}\\b`));
    for (const secret of [phone.e164.slice(4), body.client.email, body.client.first_name, body.note]) {
      assert.ok(!m.text.includes(secret), `the NGO mail holds no client data (${secret})`);
    }
  }

  // the client: one receipt SMS naming the three organisations, with the withdraw link
  const sms = await until(async () => {
    const got = await smsTo(phone.e164);
    return got.length > 0 && got;
  }, { timeout: 30000, what: 'the receipt SMS' });
  assert.equal(sms.length, 1, 'one receipt');
  const text = sms[0].message;
  for (const a of acts) assert.ok(text.includes(a.org), `the receipt names ${a.org}: ${text}`);
  const token = /\/w#([A-Za-z0-9_-]{43})/.exec(text)?.[1];
  assert.ok(token, `the receipt carries the withdraw link: ${text}`);
  noteSecret('login_token', token);
  first.token = token;
});

test('idempotency: the same key is one send, the same body again, another body 409; ten at once one send', async () => {
  assert.ok(first, 'the send test ran');
  const again = await send(first.body, first.key);
  assert.equal(again.status, 201, again.text);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual(again.json, first.reply);
  assert.equal(psql(`SELECT count(*) FROM contact_request_batches WHERE idempotency_key = ${q(first.key)}`), '1');
  assert.equal(psql(`SELECT count(*) FROM contact_requests WHERE batch_id = ${q(first.reply.id)}`), '3');

  const other = await send({ ...first.body, note: 'toinen' }, first.key);
  assert.equal(other.status, 409, other.text);
  assert.equal(other.json.error.code, 'idempotency_key_reused');

  const phone = mobile();
  const body = doc({ activities: [acts[0].id] }, { phone: phone.national });
  const k = key();
  const all = await Promise.all(Array.from({ length: 10 }, () => send(body, k)));
  for (const r of all) assert.equal(r.status, 201, r.text);
  assert.equal(new Set(all.map((r) => r.json.id)).size, 1, 'every answer is the same send');
  assert.equal(all.filter((r) => r.headers.get('idempotent-replayed') !== 'true').length, 1, 'one first send');
  for (const r of all) assert.deepEqual(r.json, all[0].json);
  assert.equal(psql(`SELECT count(*) FROM contact_request_batches WHERE idempotency_key = ${q(k)}`), '1');
  assert.equal(psql(`SELECT count(*) FROM contact_requests r JOIN contact_request_batches b ON b.id = r.batch_id
    WHERE b.idempotency_key = ${q(k)}`), '1');
  await until(async () => (await smsTo(phone.e164)).length >= 1, { timeout: 30000, what: 'the receipt' });
  const sms = await smsTo(phone.e164);
  assert.equal(sms.length, 1, 'one receipt for ten clicks');
});

test('a landline and an e-mail: the receipt goes by e-mail, in the client\'s language', async () => {
  const email = `landline.${RUN}@example.org`;
  noteSecret('email', email);
  const r = await send(doc({ activities: [acts[1].id, acts[2].id], lang: 'en' }, { phone: '017 555 0100', email }));
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.receipt, { channel: 'email', to: `l***@example.org` });
  const m = await until(async () => (await mails(email, { template: 'contact_receipt' }))[0],
    { timeout: 30000, what: 'the receipt e-mail' });
  const token = /\/w#([A-Za-z0-9_-]{43})/.exec(m.text)?.[1];
  assert.ok(token, 'the receipt e-mail carries the withdraw link');
  noteSecret('login_token', token);
  assert.equal(psql(`SELECT lang FROM notifications WHERE job_id = ${q(m.job_id)}`), 'en');
  assert.equal(psql(`SELECT vars_enc IS NOT NULL OR vars::text = '{}' FROM notifications WHERE job_id = ${q(m.job_id)}`), 't',
    'the receipt\'s vars (the token) are sealed');
});

test('a landline and no e-mail: the send goes, without a receipt', async () => {
  const r = await send(doc({ activities: [acts[1].id] }, { phone: '017 555 0101', email: null }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.receipt, null);
  assert.equal(psql(`SELECT withdraw_hash IS NULL FROM contact_request_batches WHERE id = ${q(r.json.id)}`), 't');
  assert.equal(psql(`SELECT has_phone AND NOT has_email FROM contact_requests WHERE batch_id = ${q(r.json.id)}`), 't');
});

test('the withdraw link: works once, erases at once, tells each NGO; then 410 link_used', async () => {
  assert.ok(first?.token, 'the send test ran');
  const ids = first.reply.requests.map((x) => q(x.id)).join(',');
  const peek = await withdrawCall('/api/v1/withdrawals/peek', first.token);
  assert.equal(peek.status, 200, peek.text);
  assert.equal(peek.json.state, 'active');
  assert.deepEqual(peek.json.requests.map((x) => x.activity.id), acts.map((a) => a.id));

  const post = (token) => withdrawCall('/api/v1/withdrawals', token);
  const w = await post(first.token);
  assert.equal(w.status, 200, w.text);
  assert.equal(w.json.withdrawn, 3);
  assert.equal(psql(`SELECT count(*) FROM contact_requests WHERE id IN (${ids}) AND status = 'withdrawn'
    AND client_enc IS NULL AND phone_mac IS NULL AND erased_at IS NOT NULL AND withdrawn_at IS NOT NULL`), '3');
  assert.equal(psql(`SELECT count(*) FROM contact_request_events WHERE request_id IN (${ids})
    AND kind IN ('withdrawn', 'erased')`), '6');
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE action = 'contact_request.withdraw'
    AND target_id IN (${ids}) AND actor_role = 'anonymous'`), '3');
  assert.equal(psql(`SELECT string_agg(DISTINCT n.recipient_hint, ',') FROM notifications n
    JOIN contact_request_messages c ON c.job_id = n.job_id WHERE c.request_id IN (${ids}) AND c.to_client`), 'erased',
  'the receipt lost its recipient');
  const jobs = rows(`SELECT job_id FROM contact_request_messages WHERE request_id IN (${ids}) AND kind = 'withdrawn'`);
  assert.equal(jobs.length, 3);
  for (const a of acts) {
    const m = await until(async () => (await mails(a.email, { template: 'contact_withdrawn' }))
      .find((x) => jobs.includes(x.job_id)), { timeout: 30000, what: `the withdrawal mail to ${a.name}` });
    const vars = JSON.parse(psql(`SELECT vars::text FROM notifications WHERE job_id = ${q(m.job_id)}`));
    assert.equal(vars.activity_name, a.name);
    assert.equal(vars.organization_name, a.org);
    assert.match(vars.sent_date, /^\d{1,2}\.\d{1,2}\.\d{4}$/);
    assert.ok(!m.text.includes(first.body.client.first_name), 'no client data in it');
  }

  const again = await post(first.token);
  assert.equal(again.status, 410, again.text);
  assert.equal(again.json.error.code, 'link_used');
  const peekAgain = await withdrawCall('/api/v1/withdrawals/peek', first.token);
  assert.equal(peekAgain.status, 410, peekAgain.text);
  assert.equal(peekAgain.json.error.code, 'link_used');
  const unknown = await post(randomBytes(32).toString('base64url'));
  assert.equal(unknown.status, 404, unknown.text);
});

test('a stop word from the client\'s number withdraws; another number or another text changes nothing', async () => {
  const phone = mobile();
  const stranger = mobile();
  const r = await send(doc({ activities: [acts[0].id, acts[2].id], lang: 'sv' }, { phone: phone.national }));
  assert.equal(r.status, 201, r.text);
  const ids = r.json.requests.map((x) => q(x.id)).join(',');
  await until(async () => (await smsTo(phone.e164)).length === 1, { timeout: 30000, what: 'the receipt' });
  const state = () => psql(`SELECT string_agg(status::text || ':' || (client_enc IS NOT NULL)::text, ',')
    FROM contact_requests WHERE id IN (${ids})`);
  assert.equal(state(), 'sent:true,sent:true');

  const reply = async (msisdn, message, id) => {
    const x = await postJson(`${SMS}/_test/reply`, { msisdn, message, ...(id ? { id } : {}) });
    return { status: x.status, body: x.body };
  };
  let x = await reply(stranger.msisdn, 'SEIS');
  assert.deepEqual(x, { status: 200, body: { withdrawn: 0 } }, 'a stop word from another number');
  x = await reply(phone.msisdn, 'Kiitos, soittakaa vaan');
  assert.deepEqual(x, { status: 200, body: { ignored: true } }, 'another text');
  assert.equal(state(), 'sent:true,sent:true', 'nothing changed');

  const mid = 900000000 + Math.floor(Math.random() * 99999999);
  x = await reply(phone.msisdn, '  återkalla!', mid);
  assert.deepEqual(x, { status: 200, body: { withdrawn: 2 } }, 'the stop word withdraws both');
  assert.equal(state(), 'withdrawn:false,withdrawn:false');
  x = await reply(phone.msisdn, '  återkalla!', mid);
  assert.deepEqual(x, { status: 200, body: { withdrawn: 2 } }, 'the same webhook again: the same outcome');
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE action = 'contact_request.withdraw'
    AND target_id IN (${ids}) AND actor_role = 'service'`), '2');
  const sms = await until(async () => {
    const all = await smsTo(phone.e164);
    return all.length >= 2 && all;
  }, { timeout: 30000, what: 'the client\'s withdrawal SMS' });
  assert.equal(sms.length, 2, 'the receipt and one withdrawal SMS');
  assert.match(sms[1].message, /återkallats/);
  assert.ok(sms[1].message.includes(acts[0].org), sms[1].message);
  const token = /\/w#([A-Za-z0-9_-]{43})/.exec(sms[0].message)?.[1];
  noteSecret('login_token', token);
  const link = await withdrawCall('/api/v1/withdrawals', token);
  assert.equal(link.status, 410, `the receipt's link after the stop word: ${link.text}`);
});

test('every message a send or a withdrawal queued has its audit row from the same transaction', () => {
  assert.ok(batchIds.size >= 5, 'the sends ran');
  const ids = [...batchIds].map(q).join(',');
  const messages = psql(`SELECT count(*) FROM contact_request_messages c JOIN contact_requests r ON r.id = c.request_id
    WHERE r.batch_id IN (${ids})`);
  assert.ok(Number(messages) >= 20, `messages: ${messages}`);
  assert.equal(psql(`SELECT count(*) FROM contact_request_messages c JOIN contact_requests r ON r.id = c.request_id
    JOIN notifications n ON n.job_id = c.job_id WHERE r.batch_id IN (${ids}) AND NOT EXISTS (SELECT 1 FROM audit_log a
      WHERE a.at = n.created_at AND a.action IN ('contact_request.send', 'contact_request.withdraw'))`), '0');
});
