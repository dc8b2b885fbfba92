# Sourced by tests/bench/bench.sh (URL, TMP available): 5,000 e-mails through
# the whole pipeline - API accepted (201) -> directory outbox -> relay ->
# Redis Stream -> notify -> SMTP -> received by the mail catcher - paced at
# BENCH_MSG_RATE per second (default 200), 32 requests in flight.  Prints
# messages per second end to end and p50/p99 latency from "accepted" to
# "received" (both wall clocks of this machine).  Bounded: the submission
# takes N / rate seconds, the wait for the last message at most 60 s more.
echo
echo "== messaging: ${BENCH_MSG_COUNT:-5000} e-mails, API accepted -> received by the mail catcher (paced at ${BENCH_MSG_RATE:-200}/s)"
cat >"$TMP/msgbench.mjs" <<'JS'
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
const [dir, N, RATE] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const env = Object.fromEntries(readFileSync(`${dir}/env`, 'utf8').split('\n').filter((l) => l.includes('='))
  .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const mails = () => { try { return readdirSync(`${dir}/mail`).filter((f) => f.endsWith('.json')).length; } catch { return 0; } };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// The demo admin's session (issue 12): a one-time link from tarjotin-admin,
// posted with the anonymous csrf cookie; the session cookie and its csrf token.
const origin = new URL(env.TARJOTIN_PUBLIC_URL || env.TARJOTIN_URL).origin;
const cookiesOf = (res) => Object.fromEntries(res.headers.getSetCookie().map((c) => c.split(';')[0])
  .map((c) => [c.slice(0, c.indexOf('=')).replace(/^__Host-/, ''), c]));
const link = execFileSync(`${env.TARJOTIN_BIN}/tarjotin-admin`, ['login-link', 'koordinaattori@hyvinvointialue.example.org'],
  { encoding: 'utf8', timeout: 30000, env: { ...process.env, ...env, TARJOTIN_PUBLIC_URL: env.TARJOTIN_PUBLIC_URL || env.TARJOTIN_URL } });
const anon = cookiesOf(await fetch(`${env.TARJOTIN_URL}/api/v1/session`));
const signin = await fetch(`${env.TARJOTIN_URL}/api/v1/auth/link`, {
  method: 'POST', body: JSON.stringify({ token: /#([A-Za-z0-9_-]+)/.exec(link)[1] }),
  headers: { 'Content-Type': 'application/json', Cookie: anon.tj_csrf, Origin: origin,
    'X-CSRF-Token': anon.tj_csrf.slice(anon.tj_csrf.indexOf('=') + 1) },
});
if (signin.status !== 200) throw new Error(`admin sign-in: ${signin.status} ${await signin.text()}`);
const session = { Cookie: cookiesOf(signin).tj_session, 'X-CSRF-Token': (await signin.json()).csrf, Origin: origin };
const base = mails();
const accepted = new Map();
let next = 0, failures = 0;
const t0 = Date.now();
async function worker() {
  for (;;) {
    const i = next++;
    if (i >= N) return;
    const due = t0 + (i * 1000) / RATE;
    if (due > Date.now()) await sleep(due - Date.now());
    for (let tries = 0; tries < 5; tries++) {
      try {
        const r = await fetch(`${env.TARJOTIN_URL}/api/v1/admin/messages`, {
          method: 'POST', signal: AbortSignal.timeout(10000),
          headers: { 'Content-Type': 'application/json', ...session },
          body: JSON.stringify({ channel: 'email', to: `bench-${i}@example.org`, template: 'test', lang: 'fi',
            vars: { sent_by: 'bench', sent_at: String(i) }, idempotency_key: `bench-${t0}-${i}` }),
        });
        const j = await r.json();
        if (r.status === 201) { accepted.set(j.job_id, Date.now()); break; }
      } catch { /* retried with the same key */ }
      failures++;
      await sleep(100);
    }
  }
}
await Promise.all(Array.from({ length: 32 }, worker));
const submitted = Date.now();
const deadline = submitted + 60000;
while (mails() - base < accepted.size && Date.now() < deadline) await sleep(250);
const received = (await (await fetch(`${env.TARJOTIN_MAILCATCHER_URL}/messages`, { signal: AbortSignal.timeout(60000) })).json())
  .filter((m) => accepted.has(m.job_id));
const firstSeen = new Map();
for (const m of received) if (!firstSeen.has(m.job_id) || firstSeen.get(m.job_id) > m.received_at) firstSeen.set(m.job_id, m.received_at);
const lat = [...firstSeen].map(([j, at]) => at * 1000 - accepted.get(j)).sort((a, b) => a - b);
const pct = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] : NaN);
const last = Math.max(...[...firstSeen.values()].map((s) => s * 1000));
const first = Math.min(...accepted.values());
const rate = firstSeen.size / ((last - first) / 1000);
const submitRate = accepted.size / ((submitted - t0) / 1000);
console.log(`  accepted ${accepted.size}/${N} (${failures} retried), submitted at ${submitRate.toFixed(0)}/s`);
console.log(`  received ${firstSeen.size}/${accepted.size} (${received.length - firstSeen.size} twice)`);
console.log(`  throughput ${rate.toFixed(0)} messages/s (first accepted -> last received)`);
console.log(`  latency accepted -> received: p50 ${pct(50).toFixed(0)} ms, p99 ${pct(99).toFixed(0)} ms, max ${lat.at(-1)?.toFixed(0)} ms`);
console.log(`  target p99 < 2 s at ${submitRate.toFixed(0)}/s: ${firstSeen.size === N && pct(99) < 2000 ? 'met' : 'NOT MET'}`);
JS
timeout 180 node "$TMP/msgbench.mjs" "$TMP" "${BENCH_MSG_COUNT:-5000}" "${BENCH_MSG_RATE:-200}" ||
  echo "  messaging bench failed"
