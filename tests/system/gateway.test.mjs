// The gateway's own edges: URLs that are not UTF-8, Accept-Encoding
// q-values, configuration refused at start, the directory's health in
// /metrics, and a stop with directory calls in flight that still answers
// every one of them.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { INTERNAL_URL, http, until, signIn, freePorts, startGateway, stopGateway, URL_BASE, ORIGIN } from './lib.mjs';

// The admin's session headers (issue 12), set before the tests.
const ADMIN = {};
test.before(async () => {
  const admin = await signIn('koordinaattori@hyvinvointialue.example.org');
  Object.assign(ADMIN, { Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf, Origin: ORIGIN });
});

/** One request on its own connection, nothing decoded: {status, headers, body}. */
function raw(base, pathname, { method = 'GET', headers = {}, timeout = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(base + pathname, { method, headers, agent: false, timeout }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout on ${pathname}`)));
    req.on('error', reject);
    req.end();
  });
}

test('URLs that are not UTF-8 once unescaped get a JSON 4xx, never a 500', async () => {
  const cases = [
    ['GET', '/api/v1/activities/%FF', {}],
    ['GET', '/api/v1/activities/%C3%28', {}],
    ['GET', '/api/v1/organizations/%FF', {}],
    ['GET', '/api/v1/organizations/%80abc', {}],
    ['GET', '/api/v1/admin/messages/%FF', ADMIN],
    ['GET', '/api/v1/admin/messages/%FF', {}],
    ['POST', '/api/v1/admin/dead-letters/%FF/requeue', ADMIN],
    ['GET', '/api/v1/admin/%FF', ADMIN],
    ['GET', '/api/v1/nothing%FE%FF', {}],
    ['POST', '/api/v1/activities/%FF', {}],
    ['GET', '/hsds/services/%FF', {}],
    ['GET', '/hsds/%FF', {}],
    ['GET', '/api/v1/activities?q=%FF', {}],
    ['GET', '/api/v1/activities?need=%FF', {}],
    ['GET', '/hsds/services?search=%FF', {}],
  ];
  for (const [method, p, headers] of cases) {
    const r = await raw(URL_BASE, p, { method, headers });
    assert.ok(r.status >= 400 && r.status < 500, `${method} ${p}: ${r.status} ${r.body}`);
    assert.match(r.headers['content-type'], /^application\/json/, `${method} ${p}`);
    const j = JSON.parse(r.body.toString('utf8'));
    assert.equal(j.error.status, r.status, `${method} ${p}`);
    assert.equal(typeof j.error.message, 'string');
  }
});

test('Accept-Encoding q-values: gzip;q=0 gets the identity body, gzip;q=0.5 gzip', async () => {
  const plain = await raw(URL_BASE, '/index.html', { headers: {} });
  assert.equal(plain.headers['content-encoding'], undefined);
  const refusals = ['gzip;q=0', 'GZIP; q=0.0', 'gzip;q=0, identity', '*;q=0, identity', 'br, gzip;q=0.000'];
  for (const ae of refusals) {
    const r = await raw(URL_BASE, '/index.html', { headers: { 'Accept-Encoding': ae } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], undefined, ae);
    assert.deepEqual(r.body, plain.body, ae);
  }
  for (const ae of ['gzip;q=0.5', 'deflate, GZip', '*', 'identity;q=0.1, *;q=0.2']) {
    const r = await raw(URL_BASE, '/index.html', { headers: { 'Accept-Encoding': ae } });
    assert.equal(r.headers['content-encoding'], 'gzip', ae);
  }
});

test('the directory\'s health reply shows in /metrics, which stays valid', async () => {
  assert.equal((await http('/readyz', { base: INTERNAL_URL })).status, 200);
  const r = await http('/metrics', { base: INTERNAL_URL });
  const lines = r.text.split('\n');
  for (const name of ['tarjotin_directory_expired_dropped_total', 'tarjotin_directory_workers',
    'tarjotin_directory_workers_busy']) {
    const mine = lines.filter((l) => l.startsWith(`${name}{instance="`));
    assert.ok(mine.length >= 1, `${name} in ${r.text}`);
    for (const l of mine) assert.match(l, / \d+$/);
    assert.ok(lines.includes(`# TYPE ${name} ${name.endsWith('_total') ? 'counter' : 'gauge'}`), name);
  }
  const check = spawnSync('promtool', ['check', 'metrics'], { input: r.text, encoding: 'utf8' });
  assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
});

// The identity settings (issue 12) and the delivery-report secret: a bad
// value stops the gateway with exit 2 and a log line naming the variable
// (never its value when it is a secret).
test('bad identity settings or a bad delivery-report secret stop the gateway at start', async () => {
  for (const extra of [{ TARJOTIN_SESSION_IDLE_MIN: '0' },
    { TARJOTIN_SESSION_MAX_HOURS: 'ten' },
    { TARJOTIN_PUBLIC_URL: 'not a url' },
    { TARJOTIN_OIDC_PROVIDERS: 'Bad Key!' },
    { TARJOTIN_SMS_DLR_SECRET: 'a-secret-with-a-newline\n' }]) {
    const [port] = freePorts(1);
    const p = startGateway({ ...extra, TARJOTIN_HTTP_PORT: port });
    try {
      const end = await Promise.race([p.exited, until(() => p.log.includes('"event":"listening"'),
        { timeout: 15000, what: 'exit or listening' }).then(() => 'listening')]);
      assert.notEqual(end, 'listening', `started with ${JSON.stringify(extra)}: ${p.log}`);
      assert.equal(end.code, 2, p.log);
      const name = Object.keys(extra)[0];
      const line = p.log.split('\n').find((l) => l.includes('"event":"bad configuration"'));
      assert.ok(line, p.log);
      assert.ok(line.includes(name), `${name} named: ${line}`);
      assert.ok(!line.includes('a-secret'), `the secret is not logged: ${line}`);
    } finally {
      await stopGateway(p);
    }
  }
});

test('SIGTERM with directory calls in flight: every request answered, exit 0', async () => {
  const N = 200;
  const [port, nobody, stats] = freePorts(3);
  const p = startGateway({
    TARJOTIN_HTTP_PORT: port, TARJOTIN_HTTP_THREADS: '1',
    // No directory answers there: every call waits until the stop.
    TARJOTIN_DIRECTORY_ENDPOINTS: `tcp://127.0.0.1:${nobody}`, TARJOTIN_STATS_ENDPOINT: `tcp://127.0.0.1:${stats}`,
    TARJOTIN_RPC_TIMEOUT_MS: '60000', TARJOTIN_SHUTDOWN_GRACE_MS: '100',
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await until(() => p.log.includes('"event":"listening"'), { timeout: 15000, what: `listening: ${p.log}` });
    const calls = Array.from({ length: N }, () => raw(base, '/api/v1/ping', { timeout: 30000 })
      .then((r) => r, (e) => ({ error: e.message })));
    await until(async () => {
      const m = (await raw(p.internal, '/metrics')).body.toString('utf8');
      return /^tarjotin_rpc_in_flight (\d+)$/m.exec(m)?.[1] === String(N);
    }, { timeout: 20000, what: `${N} calls in flight` });
    p.kill('SIGTERM');
    const results = await Promise.all(calls);
    const end = await Promise.race([p.exited, until(() => false, { timeout: 20000, what: 'exit' })]);
    const bad = results.filter((r) => r.error || r.status !== 503 || JSON.parse(r.body).error?.status !== 503);
    assert.equal(bad.length, 0, `${bad.length} of ${N} without a whole 503: ${JSON.stringify(bad.slice(0, 3))}`);
    assert.deepEqual(end, { code: 0, signal: null }, p.log.slice(-2000));
    assert.ok(!/PANIC|AddressSanitizer|runtime error/.test(p.log), p.log.slice(-2000));
    assert.ok(p.log.includes('"event":"stopped"'), p.log.slice(-2000));
  } finally {
    await stopGateway(p);
  }
});
