// The foundation's HTTP surface: health, readiness, ping, errors, static
// files, metrics, and a malformed message reaching the directory.
import test from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { gunzipSync } from 'node:zlib';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { INTERNAL_URL, http, env, BIN, readLog, metric, until } from './lib.mjs';

test('healthz says the gateway is alive', async () => {
  const r = await http('/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'ok');
});

test('readyz lists every dependency as ok', async () => {
  const r = await http('/readyz', { base: INTERNAL_URL });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.checks, { directory: 'ok', postgresql: 'ok', redis: 'ok' });
});

test('ping makes a round trip through the directory', async () => {
  const r = await http('/api/v1/ping');
  assert.equal(r.status, 200);
  assert.equal(r.json.pong, true);
  assert.match(r.json.instance, /^directory-/);
  assert.ok(r.json.pid > 0);
  assert.match(r.headers.get('content-type'), /^application\/json/);
});

for (const p of ['/no/such/page', '/api/v1/no-such-thing', '/hsds/nothing-here']) {
  test(`unknown route ${p} is a JSON 404`, async () => {
    const r = await http(p);
    assert.equal(r.status, 404);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.equal(r.json.error.code, 'not_found');
    assert.equal(r.json.error.status, 404);
    assert.ok(r.json.error.message.length > 0);
  });
}

test('a wrong method is a JSON 405', async () => {
  const r = await http('/api/v1/ping', { method: 'DELETE' });
  assert.equal(r.status, 405);
  assert.equal(r.json.error.code, 'method_not_allowed');
});

test('an unknown API path is a JSON 404 for every method', async () => {
  for (const method of ['GET', 'POST', 'DELETE']) {
    const r = await http('/api/v1/no-such-thing', { method, ...(method === 'POST' ? { body: '{}' } : {}) });
    assert.equal(r.status, 404, `${method}: ${r.text}`);
    assert.equal(r.json.error.code, 'not_found');
  }
  // A known path with another method stays 405.
  assert.equal((await http('/api/v1/activities', { method: 'POST', body: '{}' })).status, 405);
});

/** Sends raw bytes and resolves with what came back before the close or timeout. */
function raw(payload, { timeout = 3000 } = {}) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const sock = net.connect(Number(env.TARJOTIN_HTTP_PORT), '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => { sock.destroy(); resolve({ data, ms: Date.now() - started, timedOut: true }); }, timeout);
    sock.on('data', (d) => { data += d; if (/\r\n\r\n[\s\S]*\}$/.test(data)) { clearTimeout(timer); sock.destroy(); resolve({ data, ms: Date.now() - started }); } });
    sock.on('error', (e) => { clearTimeout(timer); if (data) resolve({ data, ms: Date.now() - started }); else reject(e); });
    sock.on('close', () => { clearTimeout(timer); resolve({ data, ms: Date.now() - started }); });
    sock.write(payload);
  });
}

test('an oversized body is refused with 413 before it is read', async () => {
  // Announce 100 MB, send 1 KB: the answer must come without the rest.
  const r = await raw('POST /api/v1/ping HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    'Content-Length: 104857600\r\n\r\n' + 'x'.repeat(1024));
  assert.ok(!r.timedOut, 'no answer while the body was incomplete');
  assert.match(r.data, /^HTTP\/1\.1 413/);
  const body = JSON.parse(r.data.slice(r.data.indexOf('\r\n\r\n') + 4));
  assert.equal(body.error.code, 'payload_too_large');
  assert.equal(body.error.field, 'body');
});

test('an oversized chunked body is refused with 413', async () => {
  const chunk = 'x'.repeat(60000);
  const one = chunk.length.toString(16) + '\r\n' + chunk + '\r\n';
  const r = await raw('POST /api/v1/ping HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' +
    one + one + one + '0\r\n\r\n');
  assert.ok(!r.timedOut, 'answered');
  assert.match(r.data, /^HTTP\/1\.1 413/);
});

test('static files have types, ETags, revalidation and gzip', async () => {
  const page = await http('/');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /^text\/html; charset=utf-8/);
  const etag = page.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  assert.equal(page.headers.get('cache-control'), 'no-cache');
  assert.ok(page.text.includes('<html'), 'serves the first page');

  const again = await http('/', { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);

  const gz = await fetch(env.TARJOTIN_URL + '/index.html', { headers: { 'Accept-Encoding': 'gzip' } });
  // fetch decodes gzip itself; check the header, then decode by hand via raw.
  assert.equal(gz.headers.get('content-encoding'), 'gzip');
  const rawGz = await raw('GET /index.html HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n');
  assert.match(rawGz.data, /Content-Encoding: gzip/i);

  const plain = await raw('GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.doesNotMatch(plain.data, /Content-Encoding: gzip/i, 'no gzip unless asked');

  // Every script and style the first page names; a page that names none
  // fails, so the check cannot pass by finding nothing to check.
  for (const [file, type] of [['.js', /^text\/javascript/], ['.css', /^text\/css/]]) {
    const assets = [...page.text.matchAll(new RegExp(`(?:src|href)="(/?[^"]+\\${file})"`, 'g'))].map((m) => m[1]);
    assert.ok(assets.length > 0, `the first page names a ${file} file`);
    for (const a of assets) {
      const r = await http(a.startsWith('/') ? a : '/' + a);
      assert.equal(r.status, 200, a);
      assert.match(r.headers.get('content-type'), type, a);
    }
  }
});

test('gzip bytes decode to the same page', async () => {
  const res = await new Promise((resolve, reject) => {
    const sock = net.connect(Number(env.TARJOTIN_HTTP_PORT), '127.0.0.1');
    const chunks = [];
    sock.on('data', (d) => chunks.push(d));
    sock.on('end', () => resolve(Buffer.concat(chunks)));
    sock.on('error', reject);
    sock.write('GET /index.html HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n');
  });
  const split = res.indexOf('\r\n\r\n');
  const body = gunzipSync(res.subarray(split + 4));
  const plain = await http('/index.html');
  assert.equal(body.toString('utf8'), plain.text);
});

test('metrics are valid Prometheus text with per-route counts', async () => {
  await http('/api/v1/ping');
  const r = await http('/metrics', { base: INTERNAL_URL });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  assert.ok(metric(r.text, 'tarjotin_http_requests_total{route="ping",code="2xx"}') >= 1);
  assert.ok(r.text.includes('tarjotin_http_request_duration_seconds_bucket{route="ping",le="+Inf"}'));
  for (const m of ['tarjotin_rpc_timeouts_total', 'tarjotin_stats_events_dropped_total', 'tarjotin_rpc_retries_total'])
    assert.notEqual(metric(r.text, m), undefined, m);
  const check = spawnSync('promtool', ['check', 'metrics'], { input: r.text, encoding: 'utf8' });
  assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
});

test('a malformed protobuf reaching the directory is answered, logged, and survived', async () => {
  const ep = `tcp://127.0.0.1:${env.TARJOTIN_DIRECTORY_PORT}`;
  const poke = path.join(BIN, 'tools/zmqpoke');
  for (const mode of ['garbage', 'frames']) {
    const out = JSON.parse(execFileSync(poke, [ep, mode], { encoding: 'utf8', timeout: 5000 }).split('\n')[0]);
    assert.equal(out.status, 1, 'STATUS_BAD_REQUEST');
    assert.match(out.error, /malformed envelope/);
  }
  await until(() => readLog('directory-1').includes('"event":"malformed request"'), { what: 'the log line' });
  const ok = JSON.parse(execFileSync(poke, [ep, 'ping'], { encoding: 'utf8', timeout: 5000 }));
  assert.equal(ok.status, 0);
  assert.equal(ok.request_id, 42);
  const r = await http('/api/v1/ping');
  assert.equal(r.status, 200, 'the directory keeps serving');
});

test('requests sent as the frames of one message are each answered, in one batch', async () => {
  const ep = `tcp://127.0.0.1:${env.TARJOTIN_DIRECTORY_PORT}`;
  const out = execFileSync(path.join(BIN, 'tools/zmqpoke'), [ep, 'batch'], { encoding: 'utf8', timeout: 5000 });
  const replies = out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(replies.map((x) => x.request_id).sort(), [42, 43, 44]);
  for (const x of replies) {
    assert.equal(x.status, 0);
    assert.ok(x.instance, 'a pong names its instance');
    assert.equal(x.batched, 3, 'the three replies travel in one MSG_BATCH frame');
  }
});

test('stats count one page view for a page, none for its scripts and styles', async () => {
  // Days are Helsinki days (docs/statistics.md); 'sv-SE' writes YYYY-MM-DD.
  const key = `tj:stats:${new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki' }).format(new Date())}`;
  const views = () => Number(execFileSync('redis-cli', ['-p', env.TARJOTIN_REDIS_PORT, 'HGET', key, 'pv|index|-'],
    { encoding: 'utf8', timeout: 5000 }).trim() || 0);
  const apiCalls = () => Number(execFileSync('redis-cli', ['-p', env.TARJOTIN_REDIS_PORT, 'HGET', key, 'api|ping|200'],
    { encoding: 'utf8', timeout: 5000 }).trim() || 0);
  // Events travel in order, in batches sent at least every 200 ms: once a
  // ping made now is counted, everything before it is counted too.
  const flush = async () => {
    const n = apiCalls();
    assert.equal((await http('/api/v1/ping')).status, 200);
    await until(() => apiCalls() > n, { what: 'the ping to be counted' });
  };
  await flush();
  const before = views();
  const page = await http('/');
  assert.equal(page.status, 200);
  for (const asset of ['/app.js', '/styles.css', '/i18n.js']) assert.equal((await http(asset)).status, 200);
  // The ping counted after the assets is the barrier: no sleep needed.
  await flush();
  assert.equal(views(), before + 1, 'scripts and styles are no page views');
});
