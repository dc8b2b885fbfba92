// Messaging trust (issue 16 item 5, docs/security.md "Messaging"): a sealed
// recipient copied into another stream entry does not open, so notify
// dead-letters that entry and nothing reaches the mail catcher or the SMS
// stand-in; a replayed delivery report changes nothing (the row, its audit
// trail); a link to a host not allow-listed is never sent; an SMTP login
// without TLS stops notify at start.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { http, env, until, psql, readLog, signIn, sleep, BIN, ROOT, q } from './lib.mjs';

const run = promisify(execFile);
const MAIL = env.TARJOTIN_MAILCATCHER_URL;
const SMS = env.TARJOTIN_SMS_STANDIN_URL;
const RUN = Date.now().toString(36);
const vars = { sent_by: 'Testi Testaaja', sent_at: '2.12.2026 klo 15.00' };
let admin;

test.before(async () => {
  admin = await signIn('koordinaattori@hyvinvointialue.example.org');
});

function send(msg) {
  return admin.call('/api/v1/admin/messages', { method: 'POST', json: msg });
}

async function jobStatus(jobId) {
  const r = await admin.call(`/api/v1/admin/messages/${jobId}`);
  return r.status === 200 ? r.json : null;
}

async function getJson(url) {
  const r = await fetch(url, { signal: AbortSignal.timeout(10000) });
  return r.json();
}

function redis(...args) {
  return run('redis-cli', ['-p', env.TARJOTIN_REDIS_PORT, '--no-raw', ...args], { timeout: 10000 })
    .then((r) => r.stdout.trim());
}

/** The dead-letter entry of 'jobId' as redis-cli prints it (from the job id on), or null. */
async function deadEntry(jobId) {
  const out = await redis('XRANGE', 'tj:notify:dead', '-', '+');
  return out.includes(jobId) ? out.slice(out.indexOf(jobId), out.indexOf(jobId) + 800) : null;
}

/** An HS256 JWT as GatewayAPI signs delivery reports. */
function jwt(payload, secret) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${b64({ typ: 'JWT', alg: 'HS256' })}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/** POSTs 'report' as the provider would, signed with the stack's secret. */
function deliveryReport(report) {
  return http('/api/v1/sms/delivery-reports', {
    method: 'POST', body: JSON.stringify(report),
    headers: { 'Content-Type': 'application/json', 'X-Gwapi-Signature': jwt(report, env.TARJOTIN_SMS_DLR_SECRET) },
  });
}

/** A real job sent to 'to' (channel, template), waited for until sent: its id and its sealed recipient (base64). */
async function sentJob(msg) {
  const r = await send(msg);
  assert.equal(r.status, 201, r.text);
  const job = r.json.job_id;
  await until(async () => ['sent', 'delivered'].includes((await jobStatus(job))?.status),
    { timeout: 20000, what: `job ${job} sent` });
  const recipient = psql(`SELECT translate(encode(recipient_enc, 'base64'), E'\\n', '') FROM notifications WHERE job_id = ${q(job)}`);
  assert.ok(recipient.length > 40, 'a sealed recipient');
  return { job, recipient };
}

test('a sealed recipient copied into a forged stream entry is refused, dead-lettered and never sent', async () => {
  const address = `victim-${RUN}@example.org`;
  const mail = await sentJob({ channel: 'email', to: address, template: 'test', lang: 'en', vars });
  assert.equal((await getJson(`${MAIL}/messages?job_id=${mail.job}`)).length, 1, 'the real one arrived');
  const sms = await sentJob({ channel: 'sms', to: '+358 40 555 0016', template: 'test', lang: 'en', vars });

  // Copies of the real entries, as someone who can write to Redis would
  // forge them: another job id; another job id and template; another
  // channel; the sealed recipient of an SMS as an e-mail's.
  const forged = [
    { what: 'another job id', job: randomUUID(), channel: 'email', template: 'test', recipient: mail.recipient },
    { what: 'another template', job: randomUUID(), channel: 'email', template: 'registration_received', recipient: mail.recipient,
      vars: JSON.stringify({ organization_name: 'X' }) },
    { what: 'another channel', job: randomUUID(), channel: 'sms', template: 'test', recipient: mail.recipient },
    { what: 'an SMS job\'s recipient', job: randomUUID(), channel: 'sms', template: 'test', recipient: sms.recipient },
  ];
  const smsBefore = await getJson(`${SMS}/_test/counts`);
  for (const f of forged) {
    // On the retry stream: tj:notify's entry ids are the relay's own sequence.
    await redis('XADD', 'tj:notify:retry', '*', 'job_id', f.job, 'channel', f.channel, 'template', f.template,
      'lang', 'en', 'recipient', f.recipient, 'vars', f.vars ?? JSON.stringify(vars), 'outbox_id', '', 'attempt', '0');
  }
  for (const f of forged) {
    const dead = await until(() => deadEntry(f.job), { timeout: 15000, what: `the forged entry (${f.what}) in tj:notify:dead` });
    assert.match(dead, /does not open for this job, channel and template/, f.what);
    assert.match(dead, /"attempts"\s+\d+\) "1"/, `${f.what}: dead at once, not retried`);
    assert.equal((await getJson(`${MAIL}/messages?job_id=${f.job}`)).length, 0, `${f.what}: no e-mail`);
  }
  const smsAfter = await getJson(`${SMS}/_test/counts`);
  assert.equal(smsAfter.requests, smsBefore.requests, 'nothing reached the SMS stand-in');
  for (const f of forged) assert.equal(smsAfter.userrefs?.[f.job], undefined);
  assert.equal((await mailToCount(address)), 1, 'the victim got the real message only');
  // notify logged the job ids, never the recipient.
  const logs = readLog('notify-1') + readLog('notify-2');
  for (const f of forged) assert.ok(logs.includes(f.job), `the log names ${f.job}`);
  assert.ok(!logs.includes(address), 'no recipient in notify\'s log');
  assert.ok(!logs.includes('358405550016'), 'no phone number in notify\'s log');
});

async function mailToCount(address) {
  return (await getJson(`${MAIL}/messages?to=${encodeURIComponent(address)}`)).length;
}

/** Waits until job 'id' is dead; its status. */
function deadJob(id) {
  return until(async () => {
    const s = await jobStatus(id);
    return s?.status === 'dead' ? s : null;
  }, { timeout: 20000, what: `job ${id} dead` });
}

test('a link variable to a host not allow-listed is dead-lettered, not sent', async () => {
  const address = `links-${RUN}@example.org`;
  const r = await send({ channel: 'email', to: address, template: 'login_link', lang: 'en',
    vars: { login_url: 'https://phish.example.net/link.html#token', valid_minutes: '15' } });
  assert.equal(r.status, 201, r.text);
  const dead = await deadJob(r.json.job_id);
  assert.match(dead.last_error, /'login_url' points to 'phish\.example\.net', not in TARJOTIN_LINK_HOSTS/);
  assert.ok(!dead.last_error.includes('token'), 'the reason does not carry the link\'s path');
  const plain = await send({ channel: 'email', to: address, template: 'login_link', lang: 'en',
    vars: { login_url: 'http://tarjotin.example.org/link.html#token', valid_minutes: '15' } });
  assert.equal(plain.status, 201, plain.text);
  const dead2 = await deadJob(plain.json.job_id);
  assert.match(dead2.last_error, /only loopback hosts may be linked without TLS/);
  // The stack's own links (http://127.0.0.1:PORT) still go.
  const ok = await send({ channel: 'email', to: address, template: 'login_link', lang: 'en',
    vars: { login_url: `${env.TARJOTIN_PUBLIC_URL}/link.html#x`, valid_minutes: '15' } });
  assert.equal(ok.status, 201, ok.text);
  await until(async () => (await getJson(`${MAIL}/messages?job_id=${ok.json.job_id}`)).length === 1,
    { timeout: 20000, what: 'the loopback link at the catcher' });
  assert.equal(await mailToCount(address), 1, 'only the allowed link was mailed');
});

/** The row's fields that a report would change, and its audit rows. */
function reportState(job) {
  return {
    row: psql(`SELECT status, coalesce(last_error, ''), coalesce(delivered_at::text, ''), updated_at::text, coalesce(provider_id, '')
      FROM notifications WHERE job_id = ${q(job)}`),
    audit: psql(`SELECT count(*) FROM audit_log WHERE action = 'delivery_report' AND target_id = ${q(job)}`),
  };
}

test('a replayed delivery report changes nothing; one outside the window is not applied', async () => {
  // The stand-in reports this number undeliverable with its own signed DLR.
  const msisdn = 358405550116;
  await http('/_test/fail', { base: SMS, method: 'POST', body: JSON.stringify({ msisdn, mode: 'undeliverable' }),
    headers: { 'Content-Type': 'application/json' } });
  let job;
  try {
    const r = await send({ channel: 'sms', to: '+358 40 555 0116', template: 'test', lang: 'en', vars });
    assert.equal(r.status, 201, r.text);
    job = r.json.job_id;
    await until(async () => {
      const s = await jobStatus(job);
      return s?.status === 'failed' && s.provider_id;
    }, { timeout: 20000, what: 'the stand-in\'s UNDELIVERABLE report applied' });
  } finally {
    await http('/_test/fail', { base: SMS, method: 'POST', body: '{"reset":true}', headers: { 'Content-Type': 'application/json' } });
  }
  const failed = reportState(job);
  assert.equal(failed.audit, '1', 'the stand-in\'s report was audited once');
  const providerId = Number(failed.row.split('|')[4]);
  const now = Math.floor(Date.now() / 1000);
  const report = { id: providerId, msisdn, time: now, status: 'DELIVERED', error: null, code: null,
    userref: job, country_code: 'FI', country_prefix: 358 };

  // Outside the window: too old, too far ahead, for a message sent too long
  // ago: acknowledged (200, so the provider stops retrying), not applied.
  for (const [time, reason] of [[now - 4 * 86400, 'stale'], [now + 3600, 'future']]) {
    const res = await deliveryReport({ ...report, time });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.updated, 0);
    assert.equal(res.json.ignored, true);
    assert.equal(res.json.reason, reason);
  }
  const noTime = await deliveryReport({ ...report, time: undefined });
  assert.equal(noTime.status, 400, noTime.text);
  assert.deepEqual(reportState(job), failed, 'reports outside the window changed nothing');

  const first = await deliveryReport(report);
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.updated, 1);
  const delivered = reportState(job);
  assert.match(delivered.row, /^delivered\|/);
  assert.equal(delivered.audit, '2');

  // The same report again, five at once and then once more; the stand-in's
  // earlier UNDELIVERABLE replayed: nothing changes, nothing is audited.
  const again = await Promise.all([1, 2, 3, 4, 5].map(() => deliveryReport(report)));
  for (const res of again) {
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.updated, 0);
    assert.equal(res.json.replayed, true);
  }
  const undeliverable = await deliveryReport({ ...report, status: 'UNDELIVERABLE', error: 'Unknown subscriber (stand-in)' });
  assert.equal(undeliverable.status, 200, undeliverable.text);
  assert.equal(undeliverable.json.updated, 0);
  assert.deepEqual(reportState(job), delivered, 'the replays changed neither the row nor the audit log');

  // A message sent longer ago than the window: its reports are not applied.
  psql(`UPDATE notifications SET sent_at = now() - interval '4 days', created_at = now() - interval '4 days',
    status = 'sent' WHERE job_id = ${q(job)}`);
  const old = reportState(job);
  const late = await deliveryReport(report);
  assert.equal(late.status, 200, late.text);
  assert.equal(late.json.reason, 'message_outside_window');
  assert.deepEqual(reportState(job), old, 'a report for an old message changed nothing');
});

test('notify refuses to start with an SMTP login over plain SMTP', async () => {
  const base = { ...process.env, ...env, TARJOTIN_INSTANCE: 'notify-tls-check', TARJOTIN_NOTIFY_WORKERS: '1',
    TARJOTIN_TEMPLATES_DIR: path.join(ROOT, 'services/notify/templates') };
  const start = (extra) => new Promise((resolve) => {
    const child = spawn(path.join(BIN, 'tarjotin-notify'), [], { env: { ...base, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => child.kill('SIGTERM'), 10000);
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, out }); });
  });
  const refused = await start({ TARJOTIN_SMTP_URL: 'smtp://127.0.0.1:2525', TARJOTIN_SMTP_USER: 'tarjotin',
    TARJOTIN_SMTP_PASSWORD: 'a-password-that-would-travel-in-clear', TARJOTIN_SMTP_STARTTLS: 'false' });
  assert.notEqual(refused.code, 0, refused.out);
  assert.equal(refused.signal, null, 'it exited by itself');
  assert.match(refused.out, /an SMTP login .* needs TLS/);
  assert.ok(!refused.out.includes('a-password-that-would-travel-in-clear'), 'the password is not logged');
  // With STARTTLS required it starts (and stops cleanly on SIGTERM).
  const child = spawn(path.join(BIN, 'tarjotin-notify'), [], {
    env: { ...base, TARJOTIN_SMTP_URL: 'smtp://127.0.0.1:2525', TARJOTIN_SMTP_USER: 'tarjotin',
      TARJOTIN_SMTP_PASSWORD: 'a-long-enough-password-for-the-relay-0123', TARJOTIN_SMTP_STARTTLS: 'true', TARJOTIN_NOTIFY_STREAM: `tj:tls-check:${RUN}` },
    stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    await until(() => out.includes('"serving"') || child.exitCode !== null, { timeout: 10000, what: 'notify serving' });
    assert.ok(out.includes('"serving"'), out);
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, sleep(10000)]);
    await redis('DEL', `tj:tls-check:${RUN}`, `tj:tls-check:${RUN}:retry`);
  }
});
