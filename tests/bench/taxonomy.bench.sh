# shellcheck shell=bash
# Sourced by tests/bench/bench.sh after search.bench.sh (URL, TMP available;
# the national data is loaded by then): how long an admin's taxonomy edit
# takes to reach the search (issue 13, "Admin: taxonomy").  As the demo
# admin: a new Finnish synonym of the need "memory" (time until the
# free-text search finds that need's activities by it), then a changed
# Finnish label (time until /api/v1/taxonomies shows it), each restored
# afterwards; and the index refreshes the directory logged meanwhile.
# Bounded: every wait ends after 10 s.
echo
echo "== taxonomy edits reaching the search"
cat >"$TMP/taxbench.mjs" <<'JS'
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
const dir = process.argv[2];
const env = Object.fromEntries(readFileSync(`${dir}/env`, 'utf8').split('\n').filter((l) => l.includes('='))
  .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const URL = env.TARJOTIN_URL;
const origin = new globalThis.URL(env.TARJOTIN_PUBLIC_URL || URL).origin;
const cookiesOf = (res) => Object.fromEntries(res.headers.getSetCookie().map((c) => c.split(';')[0])
  .map((c) => [c.slice(0, c.indexOf('=')).replace(/^__Host-/, ''), c]));
const link = execFileSync(`${env.TARJOTIN_BIN}/tarjotin-admin`, ['login-link', 'koordinaattori@hyvinvointialue.example.org'],
  { encoding: 'utf8', timeout: 30000, env: { ...process.env, ...env, TARJOTIN_PUBLIC_URL: env.TARJOTIN_PUBLIC_URL || URL } });
const anon = cookiesOf(await fetch(`${URL}/api/v1/session`));
const signin = await fetch(`${URL}/api/v1/auth/link`, {
  method: 'POST', body: JSON.stringify({ token: /#([A-Za-z0-9_-]+)/.exec(link)[1] }),
  headers: { 'Content-Type': 'application/json', Cookie: anon.tj_csrf, Origin: origin,
    'X-CSRF-Token': anon.tj_csrf.slice(anon.tj_csrf.indexOf('=') + 1) },
});
if (signin.status !== 200) throw new Error(`admin sign-in: ${signin.status}`);
const session = { Cookie: cookiesOf(signin).tj_session, 'X-CSRF-Token': (await signin.json()).csrf, Origin: origin };
const get = async (p) => (await fetch(URL + p, { headers: session, signal: AbortSignal.timeout(10000) })).json();
const put = async (t) => {
  const { version, updated_at, ...body } = t;
  const r = await fetch(`${URL}/api/v1/admin/taxonomy/${t.id}`, { method: 'PUT', body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', ...session }, signal: AbortSignal.timeout(10000) });
  if (r.status !== 200) throw new Error(`PUT ${t.id}: ${r.status} ${await r.text()}`);
};
const until = async (fn) => {
  const t0 = Date.now();
  while (Date.now() - t0 < 10000) { if (await fn()) return Date.now() - t0; await new Promise((r) => setTimeout(r, 10)); }
  return NaN;
};
const memory = (await get('/api/v1/admin/taxonomy')).needs.find((t) => t.id === 'memory');
const total = (await get('/api/v1/activities?need=memory&per_page=1')).total;
let w = 'sanaz';
for (let i = 0; i < 8; i++) w += String.fromCharCode(97 + Math.floor(Math.random() * 26));
let t0 = Date.now();
await put({ ...memory, synonyms: { ...memory.synonyms, fi: [...memory.synonyms.fi, w] } });
const saveMs = Date.now() - t0;
const synMs = await until(async () => (await get(`/api/v1/activities?q=${w}&per_page=1`)).total === total);
await put(memory);
const fresh = (await get('/api/v1/admin/taxonomy')).needs.find((t) => t.id === 'memory');
t0 = Date.now();
await put({ ...fresh, label: { ...fresh.label, fi: `${fresh.label.fi} (muutettu)` } });
const labelSaveMs = Date.now() - t0;
const labelMs = await until(async () => (await get('/api/v1/taxonomies')).needs
  .find((t) => t.id === 'memory')?.label.fi.endsWith('(muutettu)'));
await put({ ...(await get('/api/v1/admin/taxonomy')).needs.find((t) => t.id === 'memory'), label: memory.label });
console.log(`  need "memory": ${total} activities; a save answers in ${saveMs} ms`);
console.log(`  new synonym found them in free text ${synMs} ms after the save answered`);
console.log(`  changed label in /api/v1/taxonomies ${labelMs} ms after the save answered (the save took ${labelSaveMs} ms)`);
JS
if ! timeout 120 node "$TMP/taxbench.mjs" "$TMP"; then
  echo "  taxonomy bench incomplete"
fi
grep -h '"search index built"' "$TMP"/logs/directory-1.log | tail -4 |
  sed -n 's/.*"activities":"\([0-9]*\)","ms":"\([0-9.]*\)".*"how":"\([a-z]*\)".*/  index refresh: \3, \1 activities, \2 ms/p'
