// The soak under faults (issue 16; run by tests/soak/soak.sh, `make soak`).
//
// 1. Measures the stack's maximum for the request mix (pings through the
//    directory, searches, detail reads) with a closed loop, SOAK_CALIBRATE_S.
// 2. Runs the mix open-loop at SOAK_SHARE of it: a warm-up of SOAK_WARMUP_S,
//    then SOAK_SECONDS with faults: directory-2 SIGKILLed and started again
//    every minute, Redis restarted once, PostgreSQL once.  Beside it, admin
//    messages (e-mail and SMS): SOAK_WARM_MESSAGES during the warm-up, then
//    SOAK_MESSAGES_PER_S, each resent with its idempotency key until
//    accepted.
// 3. Every request ends within SOAK_HANG_MS or counts as hung; a 503 counts
//    as expected only when the request overlapped a fault window (from the
//    fault to a few seconds after the part is back), anything else not 200
//    is lost.  Every accepted message must arrive once: at the mail catcher
//    (per job) or at the SMS stand-in, which keeps repeats (--no-dedup).
// 4. Resident memory of the services that live through it (gateway-1,
//    directory-1, notify-1, stats-1) after the warm-up and at the end: within
//    5 %.  Prints the figures; exits 1 when a target is missed.
import { execFile } from 'node:child_process';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { env, DIR, ROOT, URL_BASE, signIn, sleep, readLog } from '../system/lib.mjs';

const run = promisify(execFile);
const num = (name, def) => Number(process.env[name] ?? def);
const CALIBRATE_S = num('SOAK_CALIBRATE_S', 10);
const WARMUP_S = num('SOAK_WARMUP_S', 60);
const SOAK_S = num('SOAK_SECONDS', 420);
const SHARE = num('SOAK_SHARE', 0.8);
const HANG_MS = num('SOAK_HANG_MS', 10000);
const MSG_RATE = num('SOAK_MESSAGES_PER_S', 4);
// notify's memory settles only after some thousands of messages (its
// sixteen threads' malloc arenas and libcurl's caches fill; measured here:
// +100 KiB per 400 messages at first, under 20 KiB after 2,800), so the
// warm-up sends this many as fast as they are accepted, 20 at a time.
const WARM_MESSAGES = num('SOAK_WARM_MESSAGES', 3000);
const KILL_EVERY_S = num('SOAK_KILL_EVERY_S', 60);
const SETTLE_MS = 3000; // a window stays open this long after the part is back
const MAX_IN_FLIGHT = 8192; // requests waiting for a connection, at most
// A fixed pool of keep-alive connections, as a load balancer would hold:
// the gateway's memory is measured at a constant connection count, and a
// request waits here for a free one (that wait is part of its latency).
const CONNECTIONS = num('SOAK_CONNECTIONS', 64);
const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
const MAIL = env.TARJOTIN_MAILCATCHER_URL;
const SMS = env.TARJOTIN_SMS_STANDIN_URL;

const t0 = Date.now();
const stamp = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const say = (s) => console.log(`soak ${stamp()} ${s}`);
const stack = (...args) => run(path.join(ROOT, 'scripts/stack.sh'), [args[0], DIR, ...args.slice(1)], { timeout: 120000 });

// --- the request mix ------------------------------------------------------------
let ids = [];
const WORDS = ['vertais', 'muisti', 'omaishoitajat', 'liikunta', 'nuoret', 'mielenterveys', 'ruoka', 'kerho'];
function nextPath(i) {
  const k = i % 10;
  if (k < 5) return '/api/v1/ping';
  if (k < 8) return `/api/v1/activities?q=${WORDS[i % WORDS.length]}&per_page=10`;
  return `/api/v1/activities/${ids[i % ids.length]}`;
}

function one(i) {
  const started = Date.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (status, error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ started, ended: Date.now(), status, ...(error ? { error } : {}) });
    };
    const req = http.get(URL_BASE + nextPath(i), { agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => finish(res.statusCode));
      res.on('error', (e) => finish('error', String(e)));
    });
    req.on('error', (e) => finish('error', String(e)));
    const timer = setTimeout(() => { finish('hung'); req.destroy(); }, HANG_MS);
  });
}

/** Closed loop, as fast as the stack answers: requests per second. */
async function calibrate() {
  let n = 0;
  let ok = 0;
  const end = Date.now() + CALIBRATE_S * 1000;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (Date.now() < end) {
      const r = await one(n++);
      if (r.status === 200) ok++;
    }
  }));
  return ok / CALIBRATE_S;
}

// --- faults -------------------------------------------------------------------------
const windows = []; // [start, end] in ms; end Infinity while open
function openWindow(what) {
  const w = { what, start: Date.now(), end: Infinity };
  windows.push(w);
  return w;
}
const closeWindow = (w) => { w.end = Date.now() + SETTLE_MS; };
const inWindow = (r) => windows.some((w) => r.started <= w.end && r.ended >= w.start);
const faultLog = [];

async function waitServing(name, since) {
  const end = Date.now() + 60000;
  while (Date.now() < end) {
    const lines = readLog(name).split('\n').filter((l) => l.includes('"event":"serving"'));
    const last = lines.at(-1);
    if (last && Date.parse(JSON.parse(last).ts) >= since) return;
    await sleep(100);
  }
  throw new Error(`${name} did not serve again within 60 s`);
}

async function killDirectory() {
  const w = openWindow('directory-2 killed');
  await stack('svc-stop', 'directory-2', 'KILL');
  await sleep(2000);
  const since = Date.now() - 1;
  await stack('svc-start', 'directory-2', 'directory', `TARJOTIN_DIRECTORY_BIND=tcp://127.0.0.1:${env.TARJOTIN_DIRECTORY2_PORT}`);
  await waitServing('directory-2', since);
  closeWindow(w);
  faultLog.push(`${stamp()} directory-2 SIGKILLed, back in ${((Date.now() - w.start) / 1000).toFixed(1)} s`);
}

async function restart(part, stop, start) {
  const w = openWindow(`${part} restarted`);
  await stack(stop);
  await sleep(1500);
  await stack(start);
  closeWindow(w);
  faultLog.push(`${stamp()} ${part} restarted, back in ${((Date.now() - w.start) / 1000).toFixed(1)} s`);
}

// --- messages -------------------------------------------------------------------------
const RUN = Date.now().toString(36);
const vars = { sent_by: 'Soak Testi', sent_at: '2.12.2026 klo 12.00' };
const jobs = [];
let notAccepted = 0;

async function sendMessage(admin, i) {
  const msg = i % 2 === 0
    ? { channel: 'email', to: `soak-${RUN}-${i}@example.org`, template: 'test', lang: 'fi', vars }
    : { channel: 'sms', to: `+35840${2000000 + i}`, template: 'test', lang: 'fi', vars };
  msg.idempotency_key = `soak-${RUN}-${i}`;
  const end = Date.now() + 60000;
  while (Date.now() < end) {
    try {
      const r = await admin.call('/api/v1/admin/messages', { method: 'POST', json: msg, timeout: HANG_MS });
      if (r.status === 201) { jobs.push({ job: r.json.job_id, channel: msg.channel }); return; }
      if (r.status !== 503) throw new Error(`message ${i}: ${r.status} ${r.text}`);
    } catch (e) {
      if (!/timeout|fetch failed|aborted/i.test(String(e))) throw e;
    }
    await sleep(250);
  }
  notAccepted++;
}

// --- memory -----------------------------------------------------------------------------
const SERVICES = ['gateway-1', 'directory-1', 'notify-1', 'stats-1'];
function rss() {
  const out = {};
  for (const name of SERVICES) {
    const pid = readFileSync(path.join(DIR, 'pids', `${name}.pid`), 'utf8').trim();
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    out[name] = Number(m[1]);
  }
  return out;
}

// --- the run ----------------------------------------------------------------------------
async function main() {
  const first = await (await fetch(`${URL_BASE}/api/v1/activities?per_page=50`)).json();
  ids = first.items.map((a) => a.id);
  if (!ids.length) throw new Error('no activities to read');
  const admin = await signIn('koordinaattori@hyvinvointialue.example.org');

  say(`calibrating for ${CALIBRATE_S} s (closed loop, ${CONNECTIONS} at a time)`);
  const max = await calibrate();
  const rate = Math.max(10, Math.round(max * SHARE));
  say(`maximum ${max.toFixed(0)} requests/s; running at ${rate}/s (${Math.round(SHARE * 100)} %)`);

  const results = [];
  let inFlight = 0;
  let skipped = 0;
  let i = 0;
  let stopping = false;
  let msgI = 0;
  const messages = [];
  let warm = null;
  const tStart = Date.now();
  const warmEnd = tStart + WARMUP_S * 1000;
  const end = warmEnd + SOAK_S * 1000;

  // The load: every 10 ms as many as the rate asks for since the start.
  const load = (async () => {
    let issued = 0;
    while (!stopping) {
      const due = Math.floor(((Date.now() - tStart) / 1000) * rate);
      while (issued < due) {
        issued++;
        if (inFlight >= MAX_IN_FLIGHT) { skipped++; continue; }
        inFlight++;
        one(i++).then((r) => { inFlight--; if (r.started >= warmEnd) results.push(r); });
      }
      await sleep(10);
    }
  })();
  const msgs = (async () => {
    while (!stopping && msgI < WARM_MESSAGES && Date.now() < warmEnd - 5000) {
      const batch = Array.from({ length: 20 }, () => sendMessage(admin, msgI++));
      messages.push(...batch);
      await Promise.all(batch);
    }
    while (!stopping) {
      messages.push(sendMessage(admin, msgI++));
      await sleep(1000 / MSG_RATE);
    }
  })();

  // Resident memory every 30 s from the start: a step after a fault and a
  // slope look different.
  const samples = [];
  const sampler = (async () => {
    while (!stopping) {
      samples.push({ t: Math.round((Date.now() - tStart) / 1000), ...rss() });
      await sleep(30000);
    }
  })();
  await sleep(warmEnd - Date.now());
  warm = rss();
  say(`warm; resident memory ${JSON.stringify(warm)} KiB; faults begin`);
  const faults = (async () => {
    let n = 0;
    const redisAt = warmEnd + SOAK_S * 1000 * 0.35;
    const pgAt = warmEnd + SOAK_S * 1000 * 0.65;
    let redisDone = false;
    let pgDone = false;
    let nextKill = warmEnd + 10000;
    while (Date.now() < end - 15000) {
      if (Date.now() >= nextKill) { await killDirectory(); n++; nextKill += KILL_EVERY_S * 1000; }
      if (!redisDone && Date.now() >= redisAt) { await restart('Redis', 'redis-stop', 'redis-start'); redisDone = true; }
      if (!pgDone && Date.now() >= pgAt) { await restart('PostgreSQL', 'pg-stop', 'pg-start'); pgDone = true; }
      await sleep(200);
    }
    return n;
  })();

  const kills = await faults;
  await sleep(Math.max(0, end - Date.now()));
  stopping = true;
  const last = rss();
  samples.push({ t: Math.round((Date.now() - tStart) / 1000), ...last });
  await sampler;
  await load;
  await msgs;
  const drainEnd = Date.now() + HANG_MS + 2000;
  while (inFlight > 0 && Date.now() < drainEnd) await sleep(50);
  await Promise.all(messages);
  say(`load stopped; ${results.length} requests in the faulted part, ${jobs.length} messages accepted`);

  // Every accepted message arrives, once.
  const emails = jobs.filter((j) => j.channel === 'email').map((j) => j.job);
  const smses = jobs.filter((j) => j.channel === 'sms').map((j) => j.job);
  let mail = {};
  let perRef = {};
  const arriveEnd = Date.now() + 120000;
  for (;;) {
    mail = (await (await fetch(`${MAIL}/counts`)).json()).jobs;
    perRef = {};
    for (const m of await (await fetch(`${SMS}/_test/messages`)).json()) perRef[m.userref] = (perRef[m.userref] || 0) + 1;
    const missing = emails.filter((j) => !(mail[j] >= 1)).length + smses.filter((j) => !(perRef[j] >= 1)).length;
    if (missing === 0 || Date.now() > arriveEnd) break;
    await sleep(1000);
  }
  const lostMessages = emails.filter((j) => !(mail[j] >= 1)).length + smses.filter((j) => !(perRef[j] >= 1)).length;
  const twice = emails.filter((j) => mail[j] > 1).length + smses.filter((j) => perRef[j] > 1).length;

  // The requests.
  const ok = results.filter((r) => r.status === 200).length;
  const in503 = results.filter((r) => r.status === 503 && inWindow(r)).length;
  const out503 = results.filter((r) => r.status === 503 && !inWindow(r));
  const hung = results.filter((r) => r.status === 'hung');
  const lost = results.filter((r) => r.status !== 200 && r.status !== 503 && r.status !== 'hung');
  const lat = results.filter((r) => r.status === 200).map((r) => r.ended - r.started).sort((a, b) => a - b);
  const p = (q) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))] ?? 0;

  console.log('\n== soak figures');
  console.log(`  load: ${rate} requests/s (${Math.round(SHARE * 100)} % of the measured ${max.toFixed(0)}/s), ${SOAK_S} s after a ${WARMUP_S} s warm-up`);
  console.log(`  faults: ${kills} directory kills, Redis once, PostgreSQL once`);
  for (const f of faultLog) console.log(`    ${f}`);
  console.log(`  requests: ${results.length}; 200: ${ok}; 503 inside the fault windows: ${in503}; 503 outside: ${out503.length}; lost (other status or error): ${lost.length}; hung (> ${HANG_MS} ms): ${hung.length}; not sent (the driver had ${MAX_IN_FLIGHT} waiting): ${skipped}`);
  console.log(`  latency of the 200s: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${lat.at(-1) ?? 0} ms`);
  console.log(`  messages: ${jobs.length} accepted (${emails.length} e-mail, ${smses.length} SMS); lost ${lostMessages}; sent twice ${twice}; not accepted within 60 s ${notAccepted}`);
  const growth = {};
  for (const name of SERVICES) growth[name] = (last[name] - warm[name]) / warm[name];
  console.log('  resident memory, after warm-up -> end (KiB):');
  for (const name of SERVICES) console.log(`    ${name.padEnd(12)} ${String(warm[name]).padStart(8)} -> ${String(last[name]).padStart(8)}  ${(growth[name] * 100).toFixed(1)} %`);
  console.log(`  resident memory every 30 s (KiB; s from the start, warm-up ends at ${WARMUP_S} s):`);
  console.log(`    ${'s'.padStart(5)} ${SERVICES.map((n) => n.padStart(12)).join(' ')}`);
  for (const x of samples) console.log(`    ${String(x.t).padStart(5)} ${SERVICES.map((n) => String(x[n]).padStart(12)).join(' ')}`);
  for (const r of [...out503, ...lost, ...hung].slice(0, 5)) console.log(`  e.g. ${JSON.stringify(r)}`);

  const targets = [
    ['no request lost or hung', lost.length === 0 && hung.length === 0],
    ['503 only inside the fault windows', out503.length === 0],
    ['no message lost or sent twice', lostMessages === 0 && twice === 0 && notAccepted === 0],
    ['resident memory within 5 % of the warm-up', SERVICES.every((n) => Math.abs(growth[n]) <= 0.05)],
  ];
  console.log('== targets');
  for (const [what, met] of targets) console.log(`  ${what}: ${met ? 'met' : 'NOT MET'}`);
  process.exitCode = targets.every(([, met]) => met) ? 0 : 1;
}

main().catch((e) => { console.error(`soak: ${e.stack ?? e}`); process.exitCode = 2; });
