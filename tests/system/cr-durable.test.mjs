// "Nothing accepted is lost" for contact requests (issue 14): a send the
// gateway answered 201 survives a SIGKILL of the directory right after the
// answer, a Redis restart and a PostgreSQL restart, and its messages are
// delivered, each exactly once: the NGO e-mail of every request at the mail
// catcher (one per activity of the send), the client's receipt SMS at the
// SMS stand-in (one per send).  Sends that were in flight when the
// directory died are retried with their Idempotency-Key, as the form does,
// and still make one send each.  Runs in the shared stack: everything it
// stops it starts again, and it waits (bounded) until the stack is ready.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { INTERNAL_URL,
  http, env, until, psql, sleep, ROOT, DIR, signIn, crActivity, crBody, crSend, clientPhone, idempotencyKey, smsMessages, q, noteSecret,
} from './lib.mjs';

const run = promisify(execFile);
const MAIL = env.TARJOTIN_MAILCATCHER_URL;
const X = 'd0000000-0000-4000-8000-000000000006';
const Y = 'd0000000-0000-4000-8000-000000000016';

let admin;
let pro;
let acts;

/** scripts/stack.sh without blocking the event loop. */
async function stackAsync(cmd, ...args) {
  await run(path.join(ROOT, 'scripts/stack.sh'), [cmd, DIR, ...args], { timeout: 60000 });
}

/** Waits (bounded) until the gateway is ready and the professional's session answers again. */
async function ready(what) {
  await until(async () => (await http('/readyz', { base: INTERNAL_URL })).status === 200, { timeout: 60000, every: 200, what: `ready after ${what}` });
  await until(async () => (await pro.call('/api/v1/session')).json?.signed_in === true,
    { timeout: 30000, every: 200, what: `the session to answer after ${what}` });
}

/**
 * Sends one request to both activities with its own client phone, retrying
 * with the same Idempotency-Key while the stack is away (503, 502, a
 * timeout, a refused connection) for at most 60 s: {key, phone, reply, tries}.
 */
async function sendRetrying(phone = clientPhone(), key = idempotencyKey()) {
  const body = await crBody(acts.map((a) => a.id), { client: { first_name: 'Kestävä', phone: phone.typed }, channel: 'sms' });
  const end = Date.now() + 60000;
  for (let tries = 1; ; tries++) {
    try {
      const r = await crSend(pro, body, { key });
      if (r.status === 201) return { key, phone, reply: r.json, tries };
      if (![502, 503, 504].includes(r.status)) throw new Error(`send: unexpected ${r.status}: ${r.text}`);
    } catch (e) {
      if (!/timeout|fetch failed|aborted|ECONNREFUSED|socket/i.test(String(e))) throw e;
    }
    if (Date.now() > end) throw new Error(`a send not accepted within 60 s (${tries} tries)`);
    await sleep(200);
  }
}

test.before(async () => {
  admin = await signIn('koordinaattori@hyvinvointialue.example.org');
  pro = await signIn('ohjaaja@varkaus-terveys.example.org');
  acts = [await crActivity(admin, X), await crActivity(admin, Y)];
});

test.after(async () => {
  // Whatever a failed step left stopped comes back (each is a no-op when running).
  await stackAsync('pg-start').catch(() => {});
  await stackAsync('redis-start').catch(() => {});
  await stackAsync('svc-start', 'directory-1', 'directory').catch(() => {});
  await until(async () => (await http('/readyz', { base: INTERNAL_URL })).status === 200, { timeout: 60000, every: 200, what: 'the stack ready at the end' }).catch(() => {});
});

test('sends answered 201 survive a directory SIGKILL, a Redis restart and a PostgreSQL restart, and each message arrives once', async () => {
  const sends = [];
  const log = [];
  const t0 = Date.now();
  const note = (s) => log.push(`${((Date.now() - t0) / 1000).toFixed(1)}s ${s}`);

  // 1. SIGKILL of the directory right after a 201, with more sends in flight.
  const first = await sendRetrying();
  await stackAsync('svc-stop', 'directory-1', 'KILL');
  note('directory-1 SIGKILLed right after a 201');
  sends.push(first);
  const inFlight = Array.from({ length: 4 }, () => sendRetrying());
  await sleep(300); // the in-flight sends meet a dead directory
  await stackAsync('svc-start', 'directory-1', 'directory');
  note('directory-1 started');
  sends.push(...(await Promise.all(inFlight)));
  await ready('the directory restart');

  // 2. A Redis restart right after a 201 (sessions and the stream are on its AOF).
  sends.push(await sendRetrying());
  await stackAsync('redis-stop');
  note('redis stopped');
  await stackAsync('redis-start');
  note('redis started');
  await ready('the Redis restart');

  // 3. A PostgreSQL restart right after a 201.
  sends.push(await sendRetrying());
  await stackAsync('pg-stop');
  note('postgresql stopped');
  await stackAsync('pg-start');
  note('postgresql started');
  await ready('the PostgreSQL restart');
  sends.push(await sendRetrying()); // and one after it all
  note(`${sends.length} sends accepted`);

  // Every send is in the database once, with a request per activity.
  for (const s of sends) {
    assert.equal(psql(`SELECT count(*) FROM contact_request_batches WHERE idempotency_key = ${q(s.key)}`), '1', `send ${s.key} stored once`);
    assert.equal(psql(`SELECT count(*) FROM contact_requests WHERE batch_id = ${q(s.reply.id)}`), String(acts.length), `send ${s.key}: a request per activity`);
    assert.deepEqual(s.reply.requests.map((r) => r.activity.id).sort(), acts.map((a) => a.id).sort());
  }
  // The NGO e-mails: one per send at each request address, each a job of its own that arrived once.
  const want = sends.length;
  let byAddress;
  await until(async () => {
    byAddress = {};
    for (const a of acts) {
      const r = await fetch(`${MAIL}/messages?to=${encodeURIComponent(a.email)}`, { signal: AbortSignal.timeout(10000) });
      byAddress[a.email] = await r.json();
    }
    return Object.values(byAddress).every((l) => new Set(l.map((m) => m.job_id)).size >= want);
  }, { timeout: 90000, every: 500, what: `${want} NGO e-mails at each request address` });
  note('every NGO e-mail at the catcher');
  // ... and the receipts: one SMS to each client.
  const receipts = await until(async () => {
    const out = [];
    for (const s of sends) out.push(await smsMessages(s.phone.msisdn));
    return out.every((l) => l.length >= 1) && out;
  }, { timeout: 90000, every: 500, what: 'a receipt SMS for every send' });
  note('every receipt at the stand-in');
  // Nothing arrives late a second time: the statuses are final first.
  const batchIds = sends.map((s) => q(s.reply.id)).join(',');
  await until(() => psql(`SELECT count(*) FROM notifications n JOIN contact_request_messages m ON m.job_id = n.job_id
      JOIN contact_requests r ON r.id = m.request_id WHERE r.batch_id IN (${batchIds}) AND n.status NOT IN ('sent', 'delivered')`) === '0',
  { timeout: 60000, every: 500, what: 'every message of the sends sent' });

  for (const a of acts) {
    const list = byAddress[a.email];
    const jobs = list.map((m) => m.job_id);
    assert.equal(list.length, want, `${a.email}: ${list.length} e-mails for ${want} sends (jobs ${jobs.join(', ')})`);
    assert.equal(new Set(jobs).size, want, `${a.email}: each e-mail a job of its own`);
    const known = psql(`SELECT count(*) FROM contact_request_messages m JOIN contact_requests r ON r.id = m.request_id
      WHERE NOT m.to_client AND r.activity_id = ${q(a.id)} AND m.job_id IN (${jobs.map(q).join(',')})`);
    assert.equal(known, String(want), `${a.email}: every e-mail is a request's own`);
  }
  for (const [i, s] of sends.entries()) {
    assert.equal(receipts[i].length, 1, `send ${s.key}: ${receipts[i].length} receipts to ${s.phone.e164}`);
    noteSecret('client_phone', String(s.phone.msisdn));
  }
  const counts = (await (await fetch(`${MAIL}/counts`, { signal: AbortSignal.timeout(10000) })).json()).jobs;
  for (const a of acts) for (const m of byAddress[a.email]) assert.equal(counts[m.job_id], 1, `job ${m.job_id} arrived once`);
  const retried = sends.filter((s) => s.tries > 1).length;
  console.log(`report: contact requests durability: ${sends.length} sends (${retried} retried with their key), ${sends.length * acts.length} NGO e-mails and ${sends.length} receipts each once; ${log.join(', ')}`);
});
