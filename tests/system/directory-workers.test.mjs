// The directory's worker pool (issue 11): work goes to an idle worker (the
// zguide's load-balancing broker), never queues behind a busy one, and a
// request whose deadline passed while it waited is dropped, not executed, and
// counted.  A worker is made busy by a request that waits on a lock this test
// holds: an admin message list reads the notifications table.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { INTERNAL_URL, lockTable, http, env, until, psql, metric, signIn, BIN } from './lib.mjs';

// An admin session (issue 12): the message list is an admin call.
let admin;
test.before(async () => { admin = await signIn('koordinaattori@hyvinvointialue.example.org'); });
const EP = `tcp://127.0.0.1:${env.TARJOTIN_DIRECTORY_PORT}`;
// The gateway's default TARJOTIN_RPC_TIMEOUT_MS.
const RPC_TIMEOUT_MS = 2000;
// A detail read of an idle worker takes a few ms; behind a busy worker it
// waits for the lock, i.e. until the gateway gives up at RPC_TIMEOUT_MS.
const DETAIL_BOUND_MS = 500;

/** The directory's HealthReply, asked directly (tests/tools/zmqpoke.c). */
function health() {
  const out = execFileSync(path.join(BIN, 'tools/zmqpoke'), [EP, 'health'],
    { encoding: 'utf8', timeout: 5000 });
  return JSON.parse(out.split('\n')[0]);
}

/** Admin list queries (of directory workers) that wait on a lock.  As the
 * superuser: the workers run as their own role, whose query text another
 * role does not see. */
function waiting() {
  return Number(psql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
    + "AND query LIKE 'SELECT json_build_object(''messages''%'", { user: 'postgres' }));
}

/** ACCESS EXCLUSIVE on notifications until release() (lib.mjs lockTable). */
const lockNotifications = () => lockTable('notifications');

/** Starts an admin list (it waits on the lock); resolves to its HTTP status. */
function blockedList() {
  return admin.call('/api/v1/admin/messages?limit=1', { timeout: 10000 })
    .then((r) => r.status, (e) => e.message);
}

/** Ids of up to n activities of the demo data (the index follows its load). */
async function activityIds(n) {
  const r = await until(async () => {
    const x = await http(`/api/v1/activities?per_page=${n}`);
    return x.status === 200 && x.json.items.length > 0 && x;
  }, { timeout: 15000, what: 'the search index to hold the demo data' });
  return r.json.items.map((x) => x.id);
}

test('while one worker waits on a slow query, detail reads are answered by another at once', async () => {
  const ids = await activityIds(20);
  const release = await lockNotifications();
  const pending = [];
  try {
    pending.push(blockedList());
    await until(() => waiting() >= 1, { timeout: 5000, every: 20, what: 'the list to wait on the lock' });
    const slow = [];
    const times = [];
    const started = Date.now();
    // One after another for longer than the gateway's retry interval (its
    // Lazy Pirate tries the list again every 250 ms: a retry must not take
    // the free worker too).
    for (let i = 0; i < 20 || Date.now() - started < 800; i++) {
      if (i >= 200) break;
      const r = await http(`/api/v1/activities/${ids[i % ids.length]}`, { timeout: 10000 });
      times.push(r.ms);
      if (r.status !== 200 || r.ms >= DETAIL_BOUND_MS)
        slow.push(`#${i} ${r.status} in ${Math.round(r.ms)} ms`);
    }
    assert.deepEqual(slow, [], `detail reads waited while a worker was free: ${slow.join(', ')}`);
    console.log(`report: ${times.length} detail reads beside a busy worker, slowest ${Math.round(Math.max(...times))} ms`);
    assert.equal(waiting(), 1, 'the list still waits on the lock, on one worker');
    const h = health();
    assert.equal(h.workers, 2, 'the stack runs two directory workers');
    assert.equal(h.workers_busy, 1, 'one of them is busy');
  } finally {
    await release();
    await Promise.all(pending);
  }
});

let droppedBefore;

test('a request that waited past its deadline for a busy pool is dropped and counted', async () => {
  const [id] = await activityIds(1);
  droppedBefore = health().expired_dropped;
  const release = await lockNotifications();
  const pending = [];
  let detail;
  try {
    pending.push(blockedList(), blockedList());
    await until(() => waiting() >= 2, { timeout: 5000, every: 20, what: 'both lists to wait on the lock' });
    await until(() => health().workers_busy === 2, { timeout: 5000, what: 'both workers busy' });
    // This one waits in the directory's queue: no worker is free.
    detail = await http(`/api/v1/activities/${id}`, { timeout: 10000 });
    assert.equal(detail.status, 503, 'the gateway gives up at its deadline');
    assert.ok(detail.ms >= RPC_TIMEOUT_MS - 100, `answered after ${detail.ms} ms`);
    assert.equal(health().expired_dropped, droppedBefore, 'nothing dropped while the lock is held');
  } finally {
    await release();
    await Promise.all(pending);
  }
  // The workers come free; the queued detail read is past its deadline.
  const h = await until(() => { const x = health(); return x.expired_dropped > droppedBefore && x; },
    { timeout: 10000, what: 'the expired request to be counted' });
  assert.ok(h.expired_dropped >= droppedBefore + 1);
  await until(() => health().workers_busy === 0, { timeout: 5000, what: 'the workers idle again' });
  const again = await http(`/api/v1/activities/${id}`);
  assert.equal(again.status, 200, 'the pool serves again');
});

test('with every worker busy and the queue full, a request is refused at once, clearly', async () => {
  const QUEUE = 256; // the directory's default TARJOTIN_DIRECTORY_QUEUE
  const N = 300;
  const { workers } = health();
  const release = await lockNotifications();
  const pending = [];
  let replies;
  try {
    // First every worker waits on the lock (through the gateway) ...
    for (let i = 0; i < workers; i++) pending.push(blockedList());
    await until(() => health().workers_busy === workers, { timeout: 5000, what: 'every worker busy' });
    // ... then N lists in one message: QUEUE of them wait for a worker, the
    // rest are answered at once.
    const started = Date.now();
    const out = execFileSync(path.join(BIN, 'tools/zmqpoke'), [EP, 'lists', String(N)],
      { encoding: 'utf8', timeout: 15000 });
    replies = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.ok(Date.now() - started < 5000);
    assert.equal(replies.length, N - QUEUE, 'only what did not fit was answered');
    for (const r of replies) {
      assert.equal(r.status, 3, 'STATUS_UNAVAILABLE');
      assert.match(r.error, /directory is busy .* try again/);
    }
    assert.equal(health().workers_busy, workers);
  } finally {
    await release();
    await Promise.all(pending);
  }
  // What waited is past its 1.5 s deadline when the lock goes: dropped.
  await until(() => health().workers_busy === 0, { timeout: 10000, what: 'the workers idle again' });
  assert.equal((await http('/api/v1/ping')).status, 200);
});

// The gateway shows each directory's figures from the latest health reply
// it got, i.e. from the readiness check (which a load balancer or
// Kubernetes calls every few seconds).
test('/metrics shows the directory\'s expired-request count', async () => {
  assert.notEqual(droppedBefore, undefined, 'runs after the test above');
  await until(async () => {
    assert.equal((await http('/readyz', { base: INTERNAL_URL })).status, 200);
    const r = await http('/metrics', { base: INTERNAL_URL });
    const n = metric(r.text, 'tarjotin_directory_expired_dropped_total');
    return n !== undefined && n > droppedBefore;
  }, { timeout: 10000, what: 'tarjotin_directory_expired_dropped_total above its earlier value' });
});
