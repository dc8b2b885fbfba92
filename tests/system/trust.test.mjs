// Trust boundaries (issue 16, docs/security.md): the internal ZeroMQ sockets
// admit only listed CURVE keys, in both dial directions; the stack keeps its
// secrets out of other users' reach and out of every command line; each
// service has its own PostgreSQL role and Redis user, and none reaches
// another's data; a service refuses a weak secret at start.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, readdirSync, statSync, lstatSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import {
  env, DIR, BIN, ROOT, http, until, statsDay, todayFi, startGateway, stopGateway, STATS_ENDPOINT,
} from './lib.mjs';

const run = promisify(execFile);
const DIRECTORY_EP = `tcp://127.0.0.1:${env.TARJOTIN_DIRECTORY_PORT}`;
const REPORT_EP = `tcp://127.0.0.1:${env.TARJOTIN_STATS_REPORT_PORT}`;

/** zmqpoke as 'who' (TOOL_CURVE: stack, random, none): its exit code and output. */
async function poke(who, endpoint, args, extra = {}) {
  try {
    const { stdout } = await run(path.join(BIN, 'tools/zmqpoke'), [endpoint, ...args], {
      timeout: 15000, env: { ...process.env, TARJOTIN_STACK_DIR: DIR, TOOL_CURVE: who, ...extra },
    });
    return { code: 0, out: stdout };
  } catch (e) {
    return { code: e.code, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

test('the directory answers a listed key only: an unlisted key and no key get nothing', async () => {
  const ok = await poke('stack', DIRECTORY_EP, ['ping']);
  assert.equal(ok.code, 0, `the stack's gateway key is answered: ${ok.out}`);
  assert.match(ok.out, /"request_id":42/);
  for (const who of ['random', 'none']) {
    const r = await poke(who, DIRECTORY_EP, ['ping']);
    assert.equal(r.code, 1, `${who}: no reply within two seconds (${r.out})`);
    assert.doesNotMatch(r.out, /request_id/);
  }
  // The refusal is logged, naming the peer and the reason, never a key.
  const log = readFileSync(path.join(DIR, 'logs', 'directory-1.log'), 'utf8');
  assert.match(log, /"event":"internal connection refused","peer":"127\.0\.0\.1","reason":"key not listed"/);
});

test("stats' report socket answers a listed key only", async () => {
  const ok = await poke('stack', REPORT_EP, ['ping'], { TOOL_SERVER: 'stats' });
  assert.equal(ok.code, 0, `a reply, whatever it says: ${ok.out}`);
  for (const who of ['random', 'none']) {
    const r = await poke(who, REPORT_EP, ['ping'], { TOOL_SERVER: 'stats' });
    assert.equal(r.code, 1, `${who}: no reply (${r.out})`);
  }
});

test("stats' PULL socket counts nothing pushed with an unlisted key or none", async () => {
  const day = todayFi();
  const route = `trust${randomBytes(3).toString('hex')}`;
  const count = () => statsDay(day)[`api|${route}|200`] ?? 0;
  const push = (who) => run(path.join(BIN, 'tools/statspush'),
    [STATS_ENDPOINT, 'gw', randomBytes(16).toString('hex'), '1', '3', route, '200', '1'],
    { timeout: 15000, env: { ...process.env, TARJOTIN_STACK_DIR: DIR, TOOL_CURVE: who } }).catch((e) => e);
  await push('random');
  await push('none');
  // The listed key's batch comes last: once it is counted, the others had
  // every chance to be.
  await push('stack');
  await until(() => count() > 0, { timeout: 15000, every: 100, what: 'the listed batch counted' });
  assert.equal(count(), 3, 'only the batch of the listed key was counted');
});

test('a stand-in directory without the key, dialling a gateway, receives no request', async () => {
  const port = await freePort();
  const bind = `tcp://127.0.0.1:${port}`;
  // This gateway finds its directories only by being dialled.
  const httpPort = await freePort();
  const gw = startGateway({
    TARJOTIN_HTTP_PORT: String(httpPort), TARJOTIN_GATEWAY_RPC_BIND: bind,
    TARJOTIN_DIRECTORY_ENDPOINTS: '', TARJOTIN_INSTANCE: 'gateway-trust', TARJOTIN_RPC_TIMEOUT_MS: '500',
  });
  const url = `http://127.0.0.1:${httpPort}`;
  try {
    await until(async () => (await http('/healthz', { base: url, timeout: 2000 }).catch(() => ({}))).status === 200,
      { timeout: 15000, what: 'the gateway to answer' });
    const listen = (who) => poke(who, bind, ['listen', '2500']);
    for (const who of ['random', 'none']) {
      const fake = listen(who);
      // Requests while the stand-in is there: none may reach it.
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push((await http('/api/v1/ping', { base: url, timeout: 5000 })).status);
      const r = await fake;
      assert.equal(r.code, 0, r.out);
      assert.deepEqual(JSON.parse(r.out), { received: 0 }, `${who}: the stand-in got nothing`);
      assert.ok(answers.every((s) => s === 503), `${who}: the gateway answered 503 (no directory): ${answers}`);
    }
    // The real key (the control): the same stand-in does receive them.
    const fake = listen('stack');
    for (let i = 0; i < 5; i++) await http('/api/v1/ping', { base: url, timeout: 5000 });
    const r = await fake;
    assert.ok(JSON.parse(r.out).received > 0, `with the directory's key the stand-in is reached: ${r.out}`);
  } finally {
    await stopGateway(gw);
  }
});

test('a stand-in stats without the key receives no usage event from a gateway', async () => {
  const port = await freePort();
  const statsEp = `tcp://127.0.0.1:${port}`;
  const pull = (who) => run(path.join(BIN, 'tools/statspull'), [statsEp, '3'], {
    timeout: 15000, env: { ...process.env, TARJOTIN_STACK_DIR: DIR, TOOL_CURVE: who },
  }).catch((e) => e);
  const httpPort = await freePort();
  const gw = startGateway({ TARJOTIN_HTTP_PORT: String(httpPort), TARJOTIN_STATS_ENDPOINT: statsEp, TARJOTIN_INSTANCE: 'gateway-trust2' });
  const url = `http://127.0.0.1:${httpPort}`;
  try {
    await until(async () => (await http('/healthz', { base: url, timeout: 2000 }).catch(() => ({}))).status === 200,
      { timeout: 15000, what: 'the gateway to answer' });
    for (const who of ['random', 'stack']) {
      const p = pull(who);
      // Pings for most of its three seconds: the gateway reconnects on its
      // own schedule, and sends a batch at least once a second.
      for (const end = Date.now() + 2500; Date.now() < end;) {
        await http('/api/v1/ping', { base: url, timeout: 5000 });
        await new Promise((r) => setTimeout(r, 100));
      }
      const r = await p;
      const events = (r.stdout ?? '').split('\n').filter((l) => l.includes('"route"'));
      if (who === 'random') assert.equal(events.length, 0, `an unlisted stand-in got ${events.length} events`);
      else assert.ok(events.length > 0, 'the control: with the stats key the events arrive');
    }
  } finally {
    await stopGateway(gw);
  }
});

// --- secrets ------------------------------------------------------------------

/** Every path under dir (files and folders), recursively, with lstat. */
function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = lstatSync(p);
    out.push({ p, st });
    if (st.isDirectory()) walk(p, out);
  }
  return out;
}

// What stack.sh and the processes it starts write; the logs the tests
// themselves write (a test's own gateway) are theirs, not the stack's.
const STACK_PATHS = /^(env|secrets|pgpass|clock-offset|(keys|logs|pids|redis|pg|pgsock|mail|sms)(\/.*)?)$/;
const STACK_LOGS = /^(directory-\d|gateway-1|notify-\d|stats-1|redis|postgresql|mailcatcher|sms-standin|oidc|initdb|demo)\.log$/;

test('no file the stack wrote is readable by other users', () => {
  const bad = [];
  const top = statSync(DIR);
  assert.equal(top.mode & 0o066, 0, `${DIR} itself: traversal only (${(top.mode & 0o777).toString(8)})`);
  for (const { p, st } of walk(DIR)) {
    const rel = path.relative(DIR, p);
    if (!STACK_PATHS.test(rel)) continue; // a test's own file
    if (rel.startsWith('logs/') && !STACK_LOGS.test(path.basename(p))) continue;
    // A socket's own mode means nothing: its folder (0700) guards it.
    if (st.isSymbolicLink() || st.isSocket()) continue;
    const mode = st.mode & 0o777;
    if (st.isDirectory() ? (mode & 0o066) : (mode & 0o077)) bad.push(`${rel} ${mode.toString(8)}`);
  }
  assert.deepEqual(bad, [], 'every file 0600 (or stricter), every folder without read/write for others');
  for (const f of ['env', 'secrets', 'pgpass', 'keys/gateway.key', 'keys/directory.key', 'keys/stats.key', 'redis/users.acl']) {
    assert.equal(statSync(path.join(DIR, f)).mode & 0o077, 0, f);
  }
});

/** The secrets of the stack: every value of DIR/secrets and the CURVE secret keys. */
function secrets() {
  const values = readFileSync(path.join(DIR, 'secrets'), 'utf8').split('\n')
    .filter((l) => l.includes('=')).map((l) => l.slice(l.indexOf('=') + 1)).filter((v) => v.length >= 16);
  for (const k of ['gateway', 'directory', 'stats']) values.push(readFileSync(path.join(DIR, 'keys', `${k}.key`), 'utf8').trim());
  return values;
}

/** The PIDs of every process the stack started, and of their children. */
function stackProcesses() {
  const roots = readdirSync(path.join(DIR, 'pids')).map((f) => Number(readFileSync(path.join(DIR, 'pids', f), 'utf8').trim()));
  roots.push(Number(readFileSync(path.join(DIR, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]));
  const parent = new Map();
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone */ }
  }
  const all = new Set(roots.filter((p) => parent.has(p)));
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parent) if (all.has(ppid) && !all.has(pid)) { all.add(pid); grew = true; }
  }
  return [...all];
}

test('no secret is on the command line of any process the stack started', () => {
  const values = secrets();
  assert.ok(values.length >= 10, `the secrets found: ${values.length}`);
  const pids = stackProcesses();
  assert.ok(pids.length >= 10, `processes found: ${pids.length}`);
  const leaks = [];
  for (const pid of pids) {
    let cmd;
    try { cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '); } catch { continue; }
    for (const v of values) if (cmd.includes(v)) leaks.push(`${pid}: ${cmd.slice(0, 60)}`);
    if (/password|--token|secret/i.test(cmd) && !/sms_standin|server\.mjs/.test(cmd)) leaks.push(`${pid}: ${cmd.slice(0, 80)}`);
  }
  assert.deepEqual(leaks, [], 'no secret in any argv (ps shows them to every user)');
});

/** Starts a binary with the stack's configuration and 'extra'; its exit code and log. */
function startRefused(binary, extra) {
  const vars = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('TARJOTIN_')));
  const r = spawnSync(path.join(BIN, binary), [], {
    cwd: ROOT, timeout: 15000, killSignal: 'SIGKILL', encoding: 'utf8',
    env: { ...process.env, ...vars, TARJOTIN_HTTP_PORT: '1', TARJOTIN_DIRECTORY_BIND: '', TARJOTIN_STATS_BIND: '', ...extra },
  });
  return { code: r.status, log: r.stderr };
}

test('a service refuses at start a secret shorter than 32 bytes or a placeholder, naming the variable only', () => {
  const cases = [
    ['tarjotin-gateway', 'TARJOTIN_SMS_DLR_SECRET', 'short-secret'],
    ['tarjotin-gateway', 'TARJOTIN_SMS_DLR_SECRET', 'CHANGE-ME-CHANGE-ME-CHANGE-ME-CHANGE-ME'],
    ['tarjotin-gateway', 'TARJOTIN_CURVE_SECRET_KEY', 'CHANGE-ME-to-a-real-key-before-you-deploy-it-x'],
    ['tarjotin-directory', 'TARJOTIN_REDIS_PASSWORD', 'hunter2'],
    ['tarjotin-stats', 'TARJOTIN_CURVE_SECRET_KEY', 'x'.repeat(64)],
  ];
  for (const [bin, name, value] of cases) {
    const extra = { [name]: value };
    if (name === 'TARJOTIN_CURVE_SECRET_KEY') extra.TARJOTIN_CURVE_SECRET_KEY_FILE = '';
    const r = startRefused(bin, extra);
    assert.equal(r.code, 2, `${bin} with a weak ${name} exits 2: ${r.log.slice(0, 300)}`);
    assert.match(r.log, new RegExp(`"variable":"${name}"`), `${bin}: the log names ${name}`);
    assert.match(r.log, /too weak|placeholder|shorter than 32/);
    assert.ok(!r.log.includes(value), `${bin}: the value itself is never logged`);
  }
});

// --- stores -------------------------------------------------------------------

/** psql as 'user' (its password from the stack's pgpass); status and output. */
function psqlAs(user, sql, { passfile = path.join(DIR, 'pgpass') } = {}) {
  const r = spawnSync('psql', ['-X', '-q', '-At', '-w', '-h', '127.0.0.1', '-p', env.TARJOTIN_PG_PORT, '-U', user, '-d', 'tarjotin', '-c', sql],
    { encoding: 'utf8', timeout: 10000, env: { ...process.env, PGPASSFILE: passfile } });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

test("the directory's database role cannot read or write the stats schema, nor create anything", () => {
  // The control: it reads its own tables.
  assert.ok(psqlAs('tarjotin_directory', 'SELECT count(*) FROM activities').ok);
  for (const sql of ['SELECT count(*) FROM stats.daily', "INSERT INTO stats.daily (day, key, n) VALUES ('2026-01-01', 'x', 1)",
    'DELETE FROM stats.daily', 'CREATE TABLE public.trust_probe (i int)', 'CREATE SCHEMA trust_probe',
    'CREATE TABLE stats.trust_probe (i int)']) {
    const r = psqlAs('tarjotin_directory', sql);
    assert.ok(!r.ok, `tarjotin_directory: ${sql} must fail`);
    assert.match(r.out, /permission denied/, sql);
  }
  // The directory's owner (its migrations) has no right there either.
  assert.match(psqlAs('tarjotin', 'SELECT count(*) FROM stats.daily').out, /permission denied/);
});

test("stats' role reads and writes only its own schema, and creates nothing", () => {
  assert.ok(psqlAs('tarjotin_stats', 'SELECT count(*) FROM stats.daily').ok);
  for (const sql of ['SELECT count(*) FROM activities', 'SELECT count(*) FROM contact_requests', 'DELETE FROM accounts',
    'CREATE TABLE stats.trust_probe (i int)', 'CREATE TABLE public.trust_probe (i int)', 'DROP TABLE stats.daily']) {
    const r = psqlAs('tarjotin_stats', sql);
    assert.ok(!r.ok, `tarjotin_stats: ${sql} must fail`);
    assert.match(r.out, /permission denied|must be owner/, sql);
  }
});

test('PostgreSQL asks every TCP connection for its password (scram-sha-256)', () => {
  const none = psqlAs('tarjotin_directory', 'SELECT 1', { passfile: '/nonexistent' });
  assert.ok(!none.ok);
  assert.match(none.out, /no password supplied|password authentication failed/);
  const hba = spawnSync('psql', ['-X', '-At', '-w', '-h', '127.0.0.1', '-p', env.TARJOTIN_PG_PORT, '-U', 'postgres', '-d', 'tarjotin', '-c',
    "SELECT DISTINCT auth_method FROM pg_hba_file_rules WHERE type = 'host'"], { encoding: 'utf8', env: { ...process.env, PGPASSFILE: path.join(DIR, 'pgpass') } });
  assert.equal(hba.stdout.trim(), 'scram-sha-256', hba.stderr);
});

/** redis-cli as 'user' with 'password' (through the environment, not argv). */
function redisAs(user, password, ...args) {
  const r = spawnSync('redis-cli', ['-p', env.TARJOTIN_REDIS_PORT, '--no-auth-warning', ...(user ? ['--user', user] : []), ...args],
    { encoding: 'utf8', timeout: 10000, env: { ...process.env, REDISCLI_AUTH: password ?? '' } });
  return `${r.stdout}${r.stderr}`.trim();
}

test("each service's Redis user reaches its own keys only, and nothing dangerous", () => {
  const pw = Object.fromEntries(readFileSync(path.join(DIR, 'secrets'), 'utf8').split('\n')
    .filter((l) => l.startsWith('REDIS_PASSWORD_')).map((l) => [l.slice(15, l.indexOf('=')).toLowerCase(), l.slice(l.indexOf('=') + 1)]));
  const own = { gateway: 'tj:sess:trust-probe', directory: 'tj:notify:status', notify: 'tj:notify:trust-probe', stats: 'tj:stats:trust-probe' };
  const foreign = {
    gateway: ['tj:stats:epoch', 'tj:notify', 'tj:notify:dead'],
    directory: ['tj:sess:x', 'tj:stats:epoch', 'tj:notify:dead', 'tj:rl:x'],
    notify: ['tj:sess:x', 'tj:stats:epoch', 'tj:oidc:x'],
    stats: ['tj:sess:x', 'tj:notify', 'tj:rl:x'],
  };
  for (const user of Object.keys(own)) {
    assert.ok(pw[user], `a password for ${user}`);
    // The control: its own key answers (a type error for the stream is an answer too).
    assert.doesNotMatch(redisAs(user, pw[user], 'EXISTS', own[user]), /NOPERM|NOAUTH|WRONGPASS/, `${user} on ${own[user]}`);
    for (const key of foreign[user]) {
      assert.match(redisAs(user, pw[user], 'EXISTS', key), /NOPERM/, `${user} must not see ${key}`);
      assert.match(redisAs(user, pw[user], 'SET', key, '1'), /NOPERM/, `${user} must not write ${key}`);
    }
    for (const cmd of [['FLUSHALL'], ['KEYS', '*'], ['CONFIG', 'GET', 'requirepass'], ['ACL', 'LIST'], ['DEBUG', 'SLEEP', '0']]) {
      assert.match(redisAs(user, pw[user], ...cmd), /NOPERM|not allowed/, `${user}: ${cmd.join(' ')}`);
    }
    assert.match(redisAs(user, 'not-the-password', 'PING'), /WRONGPASS|invalid username-password/);
  }
  assert.match(redisAs(null, null, 'GET', 'tj:stats:epoch'), /NOAUTH/, 'no anonymous access');
});
