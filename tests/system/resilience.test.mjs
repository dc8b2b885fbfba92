// Faults: PostgreSQL and Redis going away and coming back, a directory
// instance killed under load, instances joining and leaving, stats down,
// and two directories migrating one database at the same moment.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { INTERNAL_URL, http, env, stack, until, psql, readLog, metric, signIn, BIN, ROOT } from './lib.mjs';

const DEADLINE_MS = 2000; // TARJOTIN_RPC_TIMEOUT_MS default

test('readyz names PostgreSQL when it stops, and recovers without restarts', async () => {
  // Calls that every worker answers from PostgreSQL, several at once so
  // that each worker has its connection before the restart.
  const admin = await signIn('koordinaattori@hyvinvointialue.example.org');
  const workerCalls = () => Promise.all(Array.from({ length: 8 }, () => admin.call('/api/v1/admin/user-sites')));
  for (const r of await workerCalls()) assert.equal(r.status, 200);
  stack('pg-stop');
  try {
    const down = await until(async () => {
      const r = await http('/readyz', { base: INTERNAL_URL });
      return r.status === 503 && r.json.checks.postgresql === 'down' ? r : null;
    }, { what: 'readyz to report postgresql down' });
    assert.equal(down.json.status, 'unavailable');
    assert.equal(down.json.checks.directory, 'ok');
    assert.equal(down.json.checks.redis, 'ok');
  } finally {
    stack('pg-start');
  }
  const up = await until(async () => ((await http('/readyz', { base: INTERNAL_URL })).status === 200), { what: 'readyz 200 again' });
  assert.ok(up);
  // The workers' connections from before the restart are dead, which libpq
  // learns only when a statement fails on them: the first calls after the
  // restart must not be those statements.
  const after = await workerCalls();
  assert.deepEqual(after.map((r) => r.status), after.map(() => 200),
    `first calls after the restart: ${after.map((r) => r.json?.error?.code ?? r.status).join(', ')}`);
});

test('readyz names Redis when it stops, and recovers without restarts', async () => {
  // Signed-in calls read the session from Redis on one of the gateway's
  // pooled connections; several at once, so that every one is connected.
  const admin = await signIn('koordinaattori@hyvinvointialue.example.org');
  const sessionCalls = () => Promise.all(Array.from({ length: 8 }, () => admin.call('/api/v1/session')));
  for (const r of await sessionCalls()) assert.equal(r.json.signed_in, true);
  stack('redis-stop');
  try {
    const down = await until(async () => {
      const r = await http('/readyz', { base: INTERNAL_URL });
      return r.status === 503 && r.json.checks.redis === 'down' ? r : null;
    }, { what: 'readyz to report redis down' });
    assert.equal(down.json.checks.postgresql, 'ok');
  } finally {
    stack('redis-start');
  }
  await until(async () => ((await http('/readyz', { base: INTERNAL_URL })).status === 200), { what: 'readyz 200 again' });
  // The pooled connections from before the restart are dead, which hiredis
  // learns only when a command fails on them; the session survived (AOF).
  const after = await sessionCalls();
  assert.deepEqual(after.map((r) => r.status), after.map(() => 200),
    `first calls after the restart: ${after.map((r) => r.json?.error?.code ?? r.status).join(', ')}`);
  assert.ok(after.every((r) => r.json.signed_in), 'still signed in after the restart');
  const again = await Promise.all([0, 1, 2, 3].map(() => signIn('koordinaattori@hyvinvointialue.example.org')));
  assert.ok(again.every((a) => a.csrf), 'signing in works at once after the restart');
});

/** n requests to /api/v1/ping with `conc` in flight; onIndex(i) runs before request i. */
async function pings(n, conc, onIndex) {
  const results = new Array(n);
  let next = 0;
  async function worker() {
    while (next < n) {
      const i = next++;
      await onIndex?.(i);
      const started = Date.now();
      try {
        const r = await http('/api/v1/ping', { timeout: DEADLINE_MS + 3000 });
        results[i] = { started, ended: Date.now(), status: r.status, instance: r.json?.pong ? r.json.instance : null, json: r.json };
      } catch (e) {
        results[i] = { started, ended: Date.now(), status: 0, error: String(e) };
      }
    }
  }
  await Promise.all(Array.from({ length: conc }, worker));
  return results;
}

test('1,000 pings while one of two directory instances is SIGKILLed halfway', async () => {
  const port2 = env.TARJOTIN_DIRECTORY2_PORT;
  stack('svc-start', 'directory-2', 'directory', `TARJOTIN_DIRECTORY_BIND=tcp://127.0.0.1:${port2}`);
  // Both instances answer before the test begins.
  await until(async () => {
    const seen = new Set((await pings(20, 4)).map((r) => r.instance));
    return seen.has('directory-1') && seen.has('directory-2');
  }, { timeout: 20000, what: 'both directory instances to answer' });

  let killedAt = 0;
  const results = await pings(1000, 16, async (i) => {
    if (i === 500) {
      stack('svc-stop', 'directory-2', 'KILL');
      killedAt = Date.now();
    }
  });
  const bad = results.filter((r) => !(r.status === 200 && r.instance) &&
    !(r.status === 503 && r.json?.error?.code === 'unavailable'));
  assert.deepEqual(bad, [], 'every request gets a pong or a clear 503');
  const slow = results.filter((r) => r.ended - r.started > DEADLINE_MS + 1000);
  assert.deepEqual(slow, [], 'no request hangs past its deadline');
  const before = results.filter((r) => r.ended < killedAt);
  assert.ok(before.some((r) => r.instance === 'directory-2'), 'directory-2 served before the kill');
  // About half the pings start after the kill (the kill blocks the loop that
  // starts them); of those, the ones that start 50 ms after it must all go
  // to the survivor.  How many start within those 50 ms depends only on
  // how fast this machine is, so the count is checked on all of them.
  const afterKill = results.filter((r) => r.started >= killedAt);
  assert.ok(afterKill.length >= 400, `${afterKill.length} pings started after the kill`);
  const after = results.filter((r) => r.started > killedAt + 50);
  assert.ok(after.length > 0, `${after.length} pings started 50 ms after the kill`);
  assert.deepEqual([...new Set(after.map((r) => r.instance))], ['directory-1'], 'after the kill only the survivor answers');
  const ok = results.filter((r) => r.status === 200).length;
  console.log(`report: 1000 pings: ${ok} answered, ${1000 - ok} clear 503s; ${afterKill.length} started after the kill, ${after.length} of them 50 ms after it; max latency ${Math.max(...results.map((r) => r.ended - r.started))} ms`);
});

test('a directory instance can join (dialling the gateway) and leave while it runs', async () => {
  stack('svc-start', 'directory-3', 'directory', 'TARJOTIN_DIRECTORY_BIND=',
    `TARJOTIN_DIRECTORY_GATEWAYS=${env.TARJOTIN_GATEWAY_RPC_BIND}`);
  try {
    await until(async () => (await pings(20, 4)).some((r) => r.instance === 'directory-3'),
      { timeout: 20000, what: 'directory-3 to answer' });
  } finally {
    stack('svc-stop', 'directory-3', 'TERM');
  }
  assert.match(readLog('directory-3'), /"event":"stopped"/, 'graceful stop on SIGTERM');
  const results = await pings(100, 8);
  assert.ok(results.every((r) => r.status === 200 && r.instance === 'directory-1'));
});

test('with stats down, requests go on and dropped events are counted', async () => {
  const dropped = async () => metric((await http('/metrics', { base: INTERNAL_URL })).text, 'tarjotin_stats_events_dropped_total');
  stack('svc-stop', 'stats-1', 'TERM');
  try {
    const before = await dropped();
    const results = await pings(300, 8);
    assert.ok(results.every((r) => r.status === 200));
    await until(async () => (await dropped()) >= before + 300, { what: 'dropped events to be counted' });
  } finally {
    stack('svc-start', 'stats-1', 'stats');
  }
  // Back up: events flow again.
  const sent = async () => metric((await http('/metrics', { base: INTERNAL_URL })).text, 'tarjotin_stats_events_sent_total');
  const s0 = await sent();
  await until(async () => { await pings(20, 4); return (await sent()) > s0; }, { timeout: 15000, what: 'events to flow again' });
});

test('two directory instances migrating one new database at once apply each migration once', async () => {
  psql('DROP DATABASE IF EXISTS tarjotin_mig', { db: 'postgres', user: 'postgres' });
  psql('CREATE DATABASE tarjotin_mig OWNER tarjotin', { db: 'postgres', user: 'postgres' });
  const url = `postgresql://tarjotin@127.0.0.1:${env.TARJOTIN_PG_PORT}/tarjotin_mig`;
  const procs = [1, 2].map((i) => spawn(path.join(BIN, 'tarjotin-directory'), [], {
    cwd: ROOT,
    // The stack's configuration (its CURVE keys among it), then this test's.
    env: { ...process.env, ...Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('TARJOTIN_'))),
      TARJOTIN_DATABASE_URL: url, TARJOTIN_MIGRATE_DATABASE_URL: url, TARJOTIN_INSTANCE: `mig-${i}`,
      TARJOTIN_DIRECTORY_BIND: '', TARJOTIN_MIGRATIONS_DIR: path.join(ROOT, 'services/directory/migrations'),
      TARJOTIN_DATA_DIR: path.join(ROOT, 'services/directory/data') },
    stdio: ['ignore', 'ignore', 'pipe'],
  }));
  const logs = procs.map(() => '');
  procs.forEach((p, i) => p.stderr.on('data', (d) => { logs[i] += d; }));
  try {
    await until(() => logs.every((l) => l.includes('"event":"serving"')), { timeout: 30000, what: 'both to serve' }).catch((e) => { throw new Error(`${e.message}: ${logs.join('\n')}`); });
    const files = (await import('node:fs')).readdirSync(path.join(ROOT, 'services/directory/migrations')).filter((f) => f.endsWith('.sql'));
    const rows = psql('SELECT version FROM schema_migrations ORDER BY version', { db: 'tarjotin_mig' }).split('\n');
    assert.deepEqual(rows, files.sort());
    const applied = logs.join('').split('"event":"migration applied"').length - 1;
    assert.equal(applied, files.length, 'each migration applied by exactly one instance');
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r() : p.on('exit', r)))));
    psql('DROP DATABASE IF EXISTS tarjotin_mig', { db: 'postgres', user: 'postgres' });
  }
  assert.deepEqual(procs.map((p) => p.exitCode), [0, 0], 'both exit 0 on SIGTERM');
});
