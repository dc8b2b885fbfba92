// Statistics under a SIGKILL (issue 15, docs/statistics.md sections 1-2):
// pings at a steady rate for a few seconds, stats killed with SIGKILL by
// its PID half-way and started again as the stack starts it; every ping
// counted at most once, and at most one second of them lost (the test says
// how many).  A gateway batch and a contact-request event pushed twice
// straight to stats' PULL socket (tests/tools/statspush) count once.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import {
  http, until, sleep, signIn, todayFi, statsDay, statsPid, statsReport, psqlStats, redisCli, STATS_ENDPOINT, BIN, ROOT, DIR,
} from './lib.mjs';

const run = promisify(execFile);
const RATE = 150; // pings per second
const SECONDS = 4;
let DAY;

test.before(() => { DAY = todayFi(); });

test.after(async () => {
  // Whatever happened, stats runs again at the end.
  await run(path.join(ROOT, 'scripts/stack.sh'), ['svc-start', DIR, 'stats-1', 'stats'], { timeout: 60000 }).catch(() => {});
});

const pings = () => statsDay(DAY)['api|ping|200'] ?? 0;

/** One more ping, and waits until stats counted it: everything sent before it has arrived too. */
async function barrier() {
  const n = pings();
  assert.equal((await http('/api/v1/ping')).status, 200);
  await until(() => pings() > n, { timeout: 30000, every: 50, what: 'a ping to be counted' });
}

test('SIGKILL in the middle of traffic: nothing counted twice, at most one second lost', async () => {
  await barrier();
  const before = pings();
  const pid = statsPid();
  let sent = 0;
  let failed = 0;
  let killedAt;
  let restart;
  const t0 = Date.now();
  const total = RATE * SECONDS;
  // Paced: ping i leaves at t0 + i/RATE s; a few in flight.
  await Promise.all(Array.from({ length: 8 }, async (_, w) => {
    for (let i = w; i < total; i += 8) {
      const due = t0 + (i * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
      if (!killedAt && i >= total / 2) {
        killedAt = Date.now();
        process.kill(pid, 'SIGKILL');
        // Started again once the old one is gone (until then the stack
        // would see it alive and start nothing).
        restart = until(() => { try { process.kill(pid, 0); return / Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return true; } },
          { timeout: 10000, every: 20, what: 'the killed stats to be gone' })
          .then(() => run(path.join(ROOT, 'scripts/stack.sh'), ['svc-start', DIR, 'stats-1', 'stats'], { timeout: 60000 }));
      }
      const r = await http('/api/v1/ping').catch(() => ({ status: 0 }));
      if (r.status === 200) sent++; else failed++;
    }
  }));
  const secs = (Date.now() - t0) / 1000;
  await restart;
  assert.notEqual(statsPid(), pid, 'stats runs again under a new PID');
  assert.equal(failed, 0, 'every ping answered while stats was down');
  await barrier();
  const counted = pings() - before - 1; // the barrier's ping
  const rate = sent / secs;
  const lost = sent - counted;
  console.log(`report: lost ${lost} of ${sent} events (${rate.toFixed(0)} pings/s, stats killed after ${((killedAt - t0) / 1000).toFixed(1)} s)`);
  assert.ok(counted <= sent, `counted ${counted} of ${sent}: some counted twice`);
  assert.ok(lost >= 0);
  assert.ok(lost <= Math.ceil(rate), `lost ${lost}, more than one second (${rate.toFixed(0)}) of events`);
});

async function push(...args) {
  const { stdout } = await run(path.join(BIN, 'tools/statspush'), [STATS_ENDPOINT, ...args], { timeout: 10000 });
  assert.match(stdout, /^sent \d+/);
}

test('a gateway batch and a contact-request event pushed twice are counted once', async () => {
  const source = randomBytes(16).toString('hex');
  const before = pings();
  await push('gw', source, '1', '7', 'ping', '200', '2');
  // A later batch of the same source, from another connection, after it:
  // once it is counted, so is whatever of the first could be.
  await until(() => pings() >= before + 7, { timeout: 10000, every: 50, what: 'the batch counted' });
  await push('gw', source, '2', '1', 'ping', '200', '1');
  await until(() => pings() >= before + 8, { timeout: 10000, every: 50, what: 'the second batch counted' });
  await barrier();
  assert.equal(pings(), before + 8 + 1, 'seven once, one, and the barrier ping');
  assert.equal(redisCli('GETBIT', `tj:stats:seen:${source}:0`, '1'), '1', 'the first batch marked seen');
  assert.equal(redisCli('GETBIT', `tj:stats:seen:${source}:0`, '2'), '1');

  const id = randomUUID();
  const reminders = () => statsDay(DAY)['cr|reminder'] ?? 0;
  const r0 = reminders();
  await push('cr', id, 'reminder', '2');
  await until(() => reminders() > r0, { timeout: 10000, every: 50, what: 'the event counted' });
  const id2 = randomUUID();
  await push('cr', id2, 'reminder', '1');
  await until(() => reminders() >= r0 + 2, { timeout: 10000, every: 50, what: 'the second event counted' });
  assert.equal(reminders(), r0 + 2, 'each event once');
  // A report rolls up first: the event is one row of stats.cr_events.
  const admin = await signIn('koordinaattori@hyvinvointialue.example.org');
  assert.equal((await statsReport(admin, 'contact_requests', { from: DAY, to: DAY })).status, 200);
  await until(() => psqlStats(`SELECT count(*) FROM stats.cr_events WHERE id IN ('${id}', '${id2}')`) === '2',
    { timeout: 10000, what: 'the events in stats.cr_events' });
  assert.equal(psqlStats(`SELECT count(*) FROM stats.cr_events WHERE id = '${id}'`), '1');
});

test('a Redis that lost the counters is seeded back from PostgreSQL before counting goes on', async () => {
  await barrier();
  // A report rolls up first: PostgreSQL holds the day's pings.
  const admin = await signIn('koordinaattori@hyvinvointialue.example.org');
  assert.equal((await statsReport(admin, 'usage', { from: DAY, to: DAY })).status, 200);
  const rolled = Number(psqlStats(`SELECT n FROM stats.daily WHERE day = '${DAY}' AND metric = 'api' AND d1 = 'ping' AND d2 = '200'`));
  assert.equal(rolled, pings(), 'rolled up as counted');
  // Every key of stats gone, as after a Redis restart without persistence.
  const keys = redisCli('--scan', '--pattern', 'tj:stats:*').split('\n').filter(Boolean);
  assert.ok(keys.includes('tj:stats:epoch'));
  for (let i = 0; i < keys.length; i += 100) redisCli('DEL', ...keys.slice(i, i + 100));
  assert.equal(pings(), 0);
  // The next ping finds no epoch: stats seeds the last days, then counts it.
  assert.equal((await http('/api/v1/ping')).status, 200);
  await until(() => pings() === rolled + 1, { timeout: 10000, every: 50, what: 'the seeded count and the new ping' });
  assert.notEqual(redisCli('GET', 'tj:stats:epoch'), '', 'the epoch set again');
});
