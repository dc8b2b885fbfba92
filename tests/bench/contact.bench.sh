# Sourced by tests/bench/bench.sh (URL, TMP available): contact requests
# (issue 14).  Signed-in professionals (BENCH_CR_ACCOUNTS, default 20: the
# gateway lets one account send 60 per 15 minutes, so the load is spread
# over several sessions) send requests to a demo activity over loopback,
# each with its own Idempotency-Key and client phone:
#   1. accepted per second: BENCH_CR_COUNT (default 600) sends, 16 in flight,
#      unpaced, bounded by 60 s of submitting;
#   2. accepted (201) -> the NGO's e-mail received by the mail catcher:
#      BENCH_CR_LAT_COUNT (default 200) sends paced at BENCH_CR_RATE per
#      second (default 20), p50/p99 of the time from the 201 to the mail
#      catcher's received_at (both wall clocks of this machine); the wait
#      for the last e-mail is bounded by 60 s.
# The request's e-mail is found by its job: contact_request_messages links
# each request to its NGO e-mail's job id, the mail catcher names the job.
echo
echo "== contact requests: ${BENCH_CR_COUNT:-600} sends by ${BENCH_CR_ACCOUNTS:-20} professionals (16 in flight), then ${BENCH_CR_LAT_COUNT:-200} paced at ${BENCH_CR_RATE:-20}/s for accepted -> NGO e-mail"
cat >"$TMP/crbench.mjs" <<'JS'
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
const [dir, N, K, NLAT, RATE] = [process.argv[2], ...process.argv.slice(3).map(Number)];
const env = Object.fromEntries(readFileSync(`${dir}/env`, 'utf8').split('\n').filter((l) => l.includes('='))
  .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const psql = (sql) => execFileSync('psql', ['-X', '-q', '-At', '-h', '127.0.0.1', '-p', env.TARJOTIN_PG_PORT, '-U', 'tarjotin',
  '-d', 'tarjotin', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8', timeout: 60000, maxBuffer: 64 << 20 }).trim();
const origin = new URL(env.TARJOTIN_PUBLIC_URL || env.TARJOTIN_URL).origin;
const cookiesOf = (res) => Object.fromEntries(res.headers.getSetCookie().map((c) => c.split(';')[0])
  .map((c) => [c.slice(0, c.indexOf('=')).replace(/^__Host-/, ''), c]));
const ACTIVITY = 'a0000000-0000-4000-8000-000000000001'; // the demo's Muistikahvila, accepts requests
const run = Date.now().toString(36);

// K professionals of Varkauden terveysasema, each signed in with a one-time link.
async function session(email) {
  const link = execFileSync(`${env.TARJOTIN_BIN}/tarjotin-admin`, ['login-link', email],
    { encoding: 'utf8', timeout: 30000, env: { ...process.env, ...env, TARJOTIN_PUBLIC_URL: env.TARJOTIN_PUBLIC_URL || env.TARJOTIN_URL } });
  const anon = cookiesOf(await fetch(`${env.TARJOTIN_URL}/api/v1/session`));
  const r = await fetch(`${env.TARJOTIN_URL}/api/v1/auth/link`, {
    method: 'POST', body: JSON.stringify({ token: /#([A-Za-z0-9_-]+)/.exec(link)[1] }),
    headers: { 'Content-Type': 'application/json', Cookie: anon.tj_csrf, Origin: origin,
      'X-CSRF-Token': anon.tj_csrf.slice(anon.tj_csrf.indexOf('=') + 1) },
  });
  if (r.status !== 200) throw new Error(`sign-in of ${email}: ${r.status} ${await r.text()}`);
  return { Cookie: cookiesOf(r).tj_session, 'X-CSRF-Token': (await r.json()).csrf, Origin: origin };
}
const emails = Array.from({ length: K }, (_, i) => `crbench-${run}-${i}@varkaus-terveys.example.org`);
psql(`INSERT INTO accounts (email, name, role, user_site_id, lang) SELECT e, 'Bench', 'professional',
  'e0000000-0000-4000-8000-000000000003', 'fi' FROM unnest(ARRAY[${emails.map((e) => `'${e}'`).join(',')}]) e`);
const sessions = [];
for (const e of emails) sessions.push(await session(e));
const version = (await (await fetch(`${env.TARJOTIN_URL}/api/v1/contact-requests/consent`)).json()).version;

let seq = 0;
async function send() {
  const i = seq++;
  const body = JSON.stringify({ activities: [ACTIVITY], client: { first_name: 'Bench', phone: `+35850${String(1000000 + i)}` },
    channel: 'call', lang: 'fi', note: '', consent: { version, given: true } });
  const t = performance.now();
  for (let tries = 0; tries < 3; tries++) {
    try {
      const r = await fetch(`${env.TARJOTIN_URL}/api/v1/contact-requests`, {
        method: 'POST', body, signal: AbortSignal.timeout(10000),
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `crbench-${run}-${i}`, ...sessions[i % K] },
      });
      const j = await r.json();
      if (r.status === 201) return { id: j.requests[0].id, at: Date.now(), ms: performance.now() - t };
      if (r.status === 429) return { throttled: true };
    } catch { /* retried with the same key */ }
    await sleep(100);
  }
  return { failed: true };
}
const pct = (a, p) => (a.length ? a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))] : NaN);

// 1. Accepted per second, unpaced.
let next = 0;
const took = [];
let throttled = 0, failed = 0;
const t0 = performance.now();
const stopAt = t0 + 60000;
await Promise.all(Array.from({ length: 16 }, async () => {
  while (next < N && performance.now() < stopAt) {
    next++;
    const r = await send();
    if (r.id) took.push(r.ms); else if (r.throttled) throttled++; else failed++;
  }
}));
const secs = (performance.now() - t0) / 1000;
took.sort((a, b) => a - b);
console.log(`  accepted ${took.length}/${next} in ${secs.toFixed(1)} s: ${(took.length / secs).toFixed(1)} requests/s` +
  ` (201 p50 ${pct(took, 50).toFixed(0)} ms, p99 ${pct(took, 99).toFixed(0)} ms; ${throttled} throttled, ${failed} failed)`);

// 2. Accepted -> the NGO e-mail at the mail catcher, paced.
const accepted = new Map();
const l0 = Date.now();
let li = 0;
await Promise.all(Array.from({ length: 16 }, async () => {
  for (;;) {
    const i = li++;
    if (i >= NLAT) return;
    const due = l0 + (i * 1000) / RATE;
    if (due > Date.now()) await sleep(due - Date.now());
    const r = await send();
    if (r.id) accepted.set(r.id, r.at);
  }
}));
const ids = [...accepted.keys()];
const jobOf = new Map(psql(`SELECT request_id, job_id FROM contact_request_messages WHERE NOT to_client
  AND request_id IN (${ids.map((x) => `'${x}'`).join(',') || 'NULL'})`).split('\n').filter(Boolean).map((l) => l.split('|').reverse()));
const deadline = Date.now() + 60000;
let seen = new Map();
while (Date.now() < deadline) {
  const list = await (await fetch(`${env.TARJOTIN_MAILCATCHER_URL}/messages`, { signal: AbortSignal.timeout(30000) })).json();
  seen = new Map();
  for (const m of list) if (jobOf.has(m.job_id) && (!seen.has(m.job_id) || seen.get(m.job_id) > m.received_at)) seen.set(m.job_id, m.received_at);
  if (seen.size >= jobOf.size) break;
  await sleep(250);
}
const lat = [...seen].map(([job, at]) => at * 1000 - accepted.get(jobOf.get(job))).sort((a, b) => a - b);
console.log(`  NGO e-mails received ${seen.size}/${accepted.size} (of ${NLAT} sent at ${RATE}/s)`);
console.log(`  latency accepted -> NGO e-mail: p50 ${pct(lat, 50).toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms, max ${lat.at(-1)?.toFixed(0)} ms`);
const met = seen.size === NLAT && pct(lat, 99) < 2000;
console.log(`  target p99 < 2 s: ${met ? 'met' : 'NOT MET'}`);
console.log(`RESULT cr rps=${(took.length / secs).toFixed(1)} p50_ms=${pct(lat, 50).toFixed(0)} p99_ms=${pct(lat, 99).toFixed(0)} received=${seen.size}/${NLAT}`);
JS
if out=$(timeout 240 node "$TMP/crbench.mjs" "$TMP" "${BENCH_CR_COUNT:-600}" "${BENCH_CR_ACCOUNTS:-20}" \
  "${BENCH_CR_LAT_COUNT:-200}" "${BENCH_CR_RATE:-20}" 2>&1); then
  grep -v '^RESULT ' <<<"$out"
  sed -n 's/^RESULT //p' <<<"$out" >>"$TMP/results"
else
  echo "$out" | tail -5
  echo "  contact-request bench failed"
fi
