// Shared helpers for the system tests: the stack's configuration, HTTP with a
// timeout, and the stack's own start/stop script for fault injection.
import { appendFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export { sleep };
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIR = process.env.TARJOTIN_STACK_DIR;
if (!DIR) throw new Error('TARJOTIN_STACK_DIR is not set: run the tests through make test');

export const env = Object.fromEntries(
  readFileSync(path.join(DIR, 'env'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
export const URL_BASE = env.TARJOTIN_URL;
/** The gateway's internal listener: /readyz and /metrics are there only. */
export const INTERNAL_URL = env.TARJOTIN_INTERNAL_URL;
export const BIN = env.TARJOTIN_BIN;

/** fetch with a hard timeout (base: another server than the stack's gateway); resolves to {status, headers, text, json, ms}. */
export async function http(pathname, { timeout = 5000, base = URL_BASE, ...opts } = {}) {
  const started = performance.now();
  const res = await fetch(base + pathname, { ...opts, signal: AbortSignal.timeout(timeout) });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json, ms: performance.now() - started };
}

/** Runs scripts/stack.sh with the stack folder; throws on failure. */
export function stack(cmd, ...args) {
  return execFileSync(path.join(ROOT, 'scripts/stack.sh'), [cmd, DIR, ...args], {
    encoding: 'utf8', timeout: 60000, stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Polls fn until it returns a truthy value or the time runs out. */
export async function until(fn, { timeout = 10000, every = 100, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last?.message ?? last)})`);
}

export function psql(sql, { db = 'tarjotin', user = 'tarjotin' } = {}) {
  const r = spawnSync('psql', ['-X', '-q', '-At', '-h', '127.0.0.1', '-p', env.TARJOTIN_PG_PORT,
    '-U', user, '-d', db, '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * A psql session (on db) holding ACCESS EXCLUSIVE on table: resolves, once
 * the lock is held, to release(), which commits (and kills psql if it does
 * not go by itself).
 */
export async function lockTable(table, { db = 'tarjotin' } = {}) {
  const child = spawn('psql', ['-X', '-q', '-At', '-h', '127.0.0.1', '-p', env.TARJOTIN_PG_PORT,
    '-U', 'tarjotin', '-d', db, '-v', 'ON_ERROR_STOP=1'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let exited = false;
  const gone = new Promise((resolve) => child.on('exit', () => { exited = true; resolve(); }));
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const release = async () => {
    if (!exited) {
      child.stdin.end('COMMIT;\n');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
    }
    if (!exited) {
      child.kill('SIGKILL');
      await gone;
    }
  };
  try {
    child.stdin.write(`BEGIN;\nLOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE;\nSELECT 'locked';\n`);
    await until(() => out.includes('locked') || exited, { timeout: 10000, every: 20, what: 'the lock' });
    if (exited || !out.includes('locked')) throw new Error(`psql: ${out}`);
  } catch (e) {
    await release();
    throw e;
  }
  return release;
}

export function readLog(name) {
  try { return readFileSync(path.join(DIR, 'logs', `${name}.log`), 'utf8'); } catch { return ''; }
}

export function metric(text, name) {
  const line = text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : undefined;
}

// --- identity (issue 12): sessions for the tests -----------------------------
// Every secret a test sees (session ids, csrf tokens, login tokens, e-mail
// addresses) is appended to DIR/secrets-seen.txt, "kind<TAB>value" a line;
// tests/system/last/auth-logs.test.mjs searches every service log for them
// after all the other tests.

export const SECRETS_FILE = path.join(DIR, 'secrets-seen.txt');
/** The origin the gateway takes as its own (TARJOTIN_PUBLIC_URL's). */
export const ORIGIN = new URL(env.TARJOTIN_PUBLIC_URL || URL_BASE).origin;

/** Notes a secret the tests saw, for the log search at the end. */
export function noteSecret(kind, value) {
  if (value) appendFileSync(SECRETS_FILE, `${kind}\t${value}\n`);
}

/** The cookies a response sets: {name: {value, attrs: {lower-case name: value|true}, raw}}. */
export function setCookies(headers) {
  const out = {};
  for (const raw of headers.getSetCookie()) {
    const [pair, ...attrs] = raw.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    const a = {};
    for (const x of attrs) {
      const i = x.indexOf('=');
      a[(i < 0 ? x : x.slice(0, i)).toLowerCase()] = i < 0 ? true : x.slice(i + 1);
    }
    out[pair.slice(0, eq)] = { value: pair.slice(eq + 1), attrs: a, raw };
  }
  return out;
}

/** The value of the cookie named 'name' or '__Host-name' in a jar ({name: value}), or undefined. */
function cookieOf(jar, name) {
  return jar[name] ?? jar[`__Host-${name}`];
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A client with a cookie jar: call(path, {method, json, headers, csrf, origin,
 * ...fetch options}) sends the jar's cookies, and on a state-changing method
 * X-CSRF-Token (csrf: false leaves it out, a string sends that) and Origin
 * (origin: false leaves it out, a string sends that).  Cookies the answers
 * set replace the jar's.
 */
function client(jar, state, base = URL_BASE) {
  const c = {
    jar,
    get cookie() { return Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; '); },
    async call(pathname, { method = 'GET', json, headers = {}, csrf = true, origin = true, ...opts } = {}) {
      const h = { ...headers };
      if (Object.keys(jar).length) h.Cookie = c.cookie;
      if (json !== undefined) {
        h['Content-Type'] = 'application/json';
        opts.body = JSON.stringify(json);
      }
      if (!SAFE.has(method)) {
        if (csrf === true && state.csrf) h['X-CSRF-Token'] = state.csrf;
        else if (typeof csrf === 'string') h['X-CSRF-Token'] = csrf;
        if (origin === true) h.Origin = ORIGIN;
        else if (typeof origin === 'string') h.Origin = origin;
      }
      const r = await http(pathname, { method, headers: h, timeout: 10000, base, ...opts });
      for (const [k, v] of Object.entries(setCookies(r.headers))) {
        if (v.value === '' || v.attrs['max-age'] === '0') delete jar[k];
        else jar[k] = v.value;
      }
      return r;
    },
  };
  return c;
}

/**
 * An anonymous client (of the gateway at base): GET /api/v1/session gave it
 * the tj_csrf cookie, which it sends as X-CSRF-Token.  {cookie, csrf, jar, call}.
 */
export async function anon({ base = URL_BASE } = {}) {
  const state = {};
  const c = client({}, state, base);
  const r = await c.call('/api/v1/session');
  if (r.status !== 200) throw new Error(`GET /api/v1/session: ${r.status} ${r.text}`);
  state.csrf = cookieOf(c.jar, 'tj_csrf');
  if (!state.csrf) throw new Error(`GET /api/v1/session set no tj_csrf cookie: ${r.headers.getSetCookie()}`);
  noteSecret('csrf', state.csrf);
  noteSecret('csrf', r.json?.csrf);
  return Object.assign(c, { get csrf() { return state.csrf; }, session: r.json });
}

/** Runs tarjotin-admin with the stack's configuration; its stdout. */
export function tarjotinAdmin(...args) {
  const vars = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('TARJOTIN_')));
  return execFileSync(path.join(BIN, 'tarjotin-admin'), args, {
    encoding: 'utf8', timeout: 30000, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...vars, TARJOTIN_PUBLIC_URL: env.TARJOTIN_PUBLIC_URL || URL_BASE },
  });
}

/** The token of a link .../link.html#<token> in text, or undefined. */
export function linkToken(text) {
  return /\/link\.html#([A-Za-z0-9_-]+)/.exec(text)?.[1];
}

/**
 * The writes the helpers made in this test file, for assertAudited: every
 * signIn ('signin' by the account) and every loginToken ('login_link.issued'
 * by the operator).
 */
export const helperWrites = [];

/** A fresh one-time sign-in token for an existing account (tarjotin-admin login-link). */
export function loginToken(email) {
  const out = tarjotinAdmin('login-link', email);
  helperWrites.push({ what: `tarjotin-admin login-link ${email}`, action: 'login_link.issued', actor: { id: null, role: 'operator' } });
  const token = linkToken(out);
  if (!token) throw new Error(`tarjotin-admin login-link ${email} printed no link: ${out}`);
  noteSecret('email', email);
  noteSecret('login_token', token);
  return token;
}

/**
 * Signs in with a link token (default: a fresh one for 'email' from
 * tarjotin-admin): {cookie, csrf, account, id, jar, call, signin}, where id
 * is the session id and signin the answer to POST /api/v1/auth/link.
 */
export async function signIn(email, token = loginToken(email)) {
  const a = await anon();
  const r = await a.call('/api/v1/auth/link', { method: 'POST', json: { token } });
  if (r.status !== 200) throw new Error(`sign-in of ${email}: ${r.status} ${r.text}`);
  const id = cookieOf(a.jar, 'tj_session');
  if (!id) throw new Error(`sign-in of ${email} set no tj_session cookie`);
  noteSecret('session', id);
  noteSecret('csrf', r.json.csrf);
  helperWrites.push({ what: `signIn(${email})`, action: 'signin', actor: { id: r.json.account.id, role: r.json.account.role } });
  const state = { csrf: r.json.csrf };
  const c = client(a.jar, state);
  return Object.assign(c, { get csrf() { return state.csrf; }, account: r.json.account, id, signin: r });
}

/** Messages the mail catcher got for 'address' (its summaries, oldest first). */
export async function mailTo(address) {
  const r = await fetch(`${env.TARJOTIN_MAILCATCHER_URL}/messages?to=${encodeURIComponent(address)}`,
    { signal: AbortSignal.timeout(10000) });
  return r.json();
}

/** A raw message's text with quoted-printable undone. */
function unQuote(raw) {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

/** The sign-in links (…/link.html#token) mailed to 'address', oldest first, each once. */
export async function mailLinks(address) {
  const links = [];
  for (const m of await mailTo(address)) {
    const r = await fetch(`${env.TARJOTIN_MAILCATCHER_URL}/messages/${m.id}`, { signal: AbortSignal.timeout(10000) });
    const text = unQuote(await r.text());
    for (const [link, token] of text.matchAll(/https?:\/\/[^\s"<>]+\/link\.html#([A-Za-z0-9_-]+)/g)) {
      if (!links.includes(link)) {
        links.push(link);
        noteSecret('login_token', token);
      }
    }
  }
  noteSecret('email', address);
  return links;
}

/**
 * Every audit row since 'from' (a Date) matching the query (actor, action,
 * target), through an admin session, newest first, following next_before.
 */
export async function auditSince(admin, from, query = {}) {
  const items = [];
  let before;
  for (let page = 0; page < 50; page++) {
    const q = new URLSearchParams({ ...query, from: from.toISOString(), limit: '200', ...(before ? { before } : {}) });
    const r = await admin.call(`/api/v1/admin/audit?${q}`);
    if (r.status !== 200) throw new Error(`GET /api/v1/admin/audit?${q}: ${r.status} ${r.text}`);
    items.push(...r.json.items);
    before = r.json.next_before;
    if (!before || r.json.items.length === 0) return items;
  }
  throw new Error('more than 50 pages of audit rows');
}

/**
 * Asserts that each write ({what, action, actor: {id, role}, target?, detail?})
 * has its own row in the audit log: the action, the actor's account id (null
 * for nobody; undefined: any) and role, the target (target_id, or named in
 * detail), a text the detail holds, and a time between 'from' and now.
 * Fails naming every write without its row.
 */
export async function assertAudited(admin, from, writes) {
  const end = new Date(Date.now() + 2000);
  const byAction = new Map();
  const missing = [];
  for (const w of writes) {
    if (!byAction.has(w.action)) byAction.set(w.action, await auditSince(admin, from, { action: w.action }));
    const rows = byAction.get(w.action);
    const i = rows.findIndex((row) => !row.taken && row.action === w.action
      && (w.actor.id === undefined || (row.actor?.id || null) === w.actor.id) && row.actor?.role === w.actor.role
      && (!w.target || row.target_id === w.target || JSON.stringify(row.detail ?? {}).includes(w.target))
      && (!w.detail || JSON.stringify(row.detail ?? {}).includes(w.detail))
      && new Date(row.at) >= from && new Date(row.at) <= end);
    if (i < 0) missing.push(`${w.what}: ${w.action} by ${w.actor.role} ${w.actor.id}${w.target ? ` on ${w.target}` : ''}`);
    else rows[i].taken = true;
  }
  if (missing.length) {
    const seen = [...byAction.values()].flat().filter((r) => !r.taken).slice(0, 10)
      .map((r) => `${r.at} ${r.action} ${r.actor?.role} ${r.actor?.id} ${r.target_type}/${r.target_id}`);
    throw new Error(`${missing.length} of ${writes.length} writes without their audit row:\n  ${missing.join('\n  ')}\n`
      + `unmatched rows of those actions (first 10):\n  ${seen.join('\n  ')}`);
  }
  return [...byAction.values()].flat();
}

/** n free TCP ports on 127.0.0.1 (scripts/free-ports). */
export function freePorts(n) {
  return execFileSync(path.join(ROOT, 'scripts/free-ports'), [String(n)], { encoding: 'utf8' }).trim().split(/\s+/);
}

/**
 * Starts another gateway with the stack's configuration and 'extra'; the
 * caller stops it with stopGateway.  Its stderr (the JSON log) accumulates in
 * .log, and stopGateway writes it to DIR/logs/<TARJOTIN_INSTANCE>.log, where
 * the log search at the end reads it.  Its internal listener gets a free
 * port unless extra names one: .internal is its URL.
 */
export function startGateway(extra) {
  const vars = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('TARJOTIN_')));
  const internal = extra?.TARJOTIN_INTERNAL_PORT ?? freePorts(1)[0];
  const all = { ...process.env, ...vars, TARJOTIN_GATEWAY_RPC_BIND: '', TARJOTIN_INSTANCE: 'gateway-test', ...extra, TARJOTIN_INTERNAL_PORT: internal };
  const p = spawn(path.join(BIN, 'tarjotin-gateway'), [], { cwd: ROOT, env: all, stdio: ['ignore', 'ignore', 'pipe'] });
  p.log = '';
  p.internal = `http://127.0.0.1:${internal}`;
  p.instance = all.TARJOTIN_INSTANCE;
  p.stderr.on('data', (d) => { p.log += d; });
  p.exited = new Promise((resolve) => p.on('exit', (code, signal) => resolve({ code, signal })));
  return p;
}

/** Stops a gateway of startGateway (SIGKILL unless it ended) and keeps its log. */
export async function stopGateway(p) {
  if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  await p.exited;
  appendFileSync(path.join(DIR, 'logs', `${p.instance}.log`), p.log);
}

// --- self-service (issue 13, docs/selfservice.md) ------------------------------

/** redis-cli against the stack's Redis; its stdout. */
export function redisCli(...args) {
  const r = spawnSync('redis-cli', ['-p', env.TARJOTIN_REDIS_PORT, ...args], { encoding: 'utf8', timeout: 10000 });
  if (r.status !== 0) throw new Error(`redis-cli ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Deletes the gateway's rate-limit counters whose key contains 'part' (e.g. 'regist'); how many. */
export function clearRateLimits(part) {
  const keys = redisCli('--scan', '--pattern', `tj:rl:*${part}*`).split('\n').filter(Boolean);
  for (const k of keys) redisCli('DEL', k);
  return keys.length;
}

/** SQL text literal. */
export const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

/** A valid Y-tunnus for a 7-digit number (the check digit computed). */
export function businessId(n) {
  const d = String(n).padStart(7, '0').slice(-7);
  const w = [7, 9, 10, 5, 8, 4, 2];
  const s = [...d].reduce((a, c, i) => a + Number(c) * w[i], 0) % 11;
  if (s === 1) return businessId(Number(d) + 1); // no valid check digit: take the next number
  return `${d}-${s === 0 ? 0 : 11 - s}`;
}

/** The messages mailed to 'address', oldest first, with their template and decoded text. */
export async function mails(address, { template } = {}) {
  const out = [];
  for (const m of await mailTo(address)) {
    const r = await fetch(`${env.TARJOTIN_MAILCATCHER_URL}/messages/${m.id}`, { signal: AbortSignal.timeout(10000) });
    const text = unQuote(await r.text());
    const t = m.job_id ? psql(`SELECT template FROM notifications WHERE job_id = ${q(m.job_id)}`) : '';
    for (const [, token] of text.matchAll(/\/(?:link|confirm)\.html#([A-Za-z0-9_-]+)/g)) noteSecret('login_token', token);
    if (!template || t === template) out.push({ ...m, template: t, text });
  }
  noteSecret('email', address);
  return out;
}

/** The one-click tokens (…/confirm.html#token) in a text, each once. */
export function confirmTokens(text) {
  return [...new Set([...text.matchAll(/\/confirm\.html#([A-Za-z0-9_-]{43})/g)].map((m) => m[1]))];
}

/**
 * Asserts r is 400 invalid_fields whose fields hold every {field, code} of
 * 'want' (and, when exact, nothing else); returns the fields.  A want's
 * field or code may be a list (any of them), its code '*' (any code).
 */
export function assertFieldErrors(r, want, { exact = false, what = '' } = {}) {
  const e = r.json?.error;
  if (r.status !== 400 || e?.code !== 'invalid_fields' || !Array.isArray(e.fields)) {
    throw new Error(`${what}: expected 400 invalid_fields, got ${r.status} ${r.text.slice(0, 400)}`);
  }
  const got = e.fields.map((f) => `${f.field}:${f.code}`);
  // A want's code may be a list (either is right) or '*' (any code on that field).
  const has = (w) => e.fields.some((f) => [].concat(w.field).includes(f.field)
    && (w.code === '*' || [].concat(w.code).includes(f.code)));
  const missing = want.filter((w) => !has(w)).map((w) => `${[].concat(w.field).join('|')}:${[].concat(w.code).join('|')}`);
  if (missing.length) throw new Error(`${what}: missing field errors ${missing.join(', ')}; got ${got.join(', ')}`);
  if (exact && got.length !== want.length) throw new Error(`${what}: extra field errors: got ${got.join(', ')}`);
  if (e.field !== e.fields[0].field) throw new Error(`${what}: error.field ${e.field} is not the first of fields`);
  return e.fields;
}

/** The terms of a taxonomy that are active, by position: ids. */
export function activeTerms(taxonomy) {
  return psql(`SELECT id FROM taxonomy_terms WHERE taxonomy_id = ${q(taxonomy)} AND active ORDER BY position, id`).split('\n').filter(Boolean);
}

/** A complete, publishable activity document (the contract's activity table). */
export function activityDoc(over = {}) {
  const [need] = activeTerms('need');
  const [kind] = activeTerms('kind');
  return {
    name: 'Testitoiminta',
    summary: 'Lyhyt kuvaus testin toiminnasta.',
    description: 'Pidempi kuvaus.',
    for_whom: 'Kaikille',
    how_to_join: 'Tule paikan päälle.',
    accessibility: '',
    cost: 'Maksuton',
    schedule: 'Tiistaisin 13–15',
    url: 'https://example.org/toiminta',
    needs: [need], kinds: [kind], target_groups: [],
    area: { type: 'municipalities', municipalities: ['297'] },
    languages: ['fi'],
    takes_new: true,
    accepts_contact_requests: false,
    contact_request_email: null,
    response_days: null,
    contacts: [{ name: 'Yhteyshenkilö', role: 'ohjaaja', email: 'yhteys@example.org', phone: '' }],
    locations: [],
    ...over,
  };
}

/** A valid registration document; maintainers and names made unique by 'n'. */
export function registrationDoc(n, over = {}) {
  return {
    name: `Testiyhdistys ${n} ry`,
    frame: 'association',
    business_id: null,
    seat_municipality: '297',
    municipalities: ['297', '749'],
    description: 'Testin yhdistys.',
    website: 'https://example.org/yhdistys',
    contact: { name: 'Yhteyshenkilö', email: `yhteys-${n}@example.org`, phone: '040 123 4567' },
    maintainers: [`yllapitaja-${n}@example.org`],
    terms_accepted: true,
    lang: 'fi',
    ...over,
  };
}

/**
 * Registers an organisation (anonymously, through the gateway at base) and
 * approves it as 'admin': {id, name, maintainers}.  Every maintainer became
 * an editor of it.
 */
export async function newOrganization(admin, n, over = {}, { base = URL_BASE } = {}) {
  const body = registrationDoc(n, over);
  for (const m of body.maintainers) noteSecret('email', m);
  noteSecret('email', body.contact.email);
  const a = await anon({ base });
  const r = await a.call('/api/v1/registrations', { method: 'POST', json: body });
  if (r.status !== 201) throw new Error(`registration ${n}: ${r.status} ${r.text}`);
  const ok = await admin.call(`/api/v1/admin/registrations/${r.json.id}/approve`, { method: 'POST', json: {} });
  if (ok.status !== 200) throw new Error(`approval of ${n}: ${ok.status} ${ok.text}`);
  return { id: r.json.id, name: body.name, maintainers: body.maintainers };
}

/** The If-Match header for a version. */
export const ifMatch = (v) => ({ 'If-Match': `"${v}"` });

/** Creates an activity of organisation 'org' as 'who' (status: draft|published): the document. */
export async function createActivity(who, org, over = {}) {
  const r = await who.call(`/api/v1/editor/organizations/${org}/activities`, { method: 'POST', json: activityDoc(over) });
  if (r.status !== 201) throw new Error(`create in ${org}: ${r.status} ${r.text}`);
  return r.json;
}

// The scheduler's test clock (docs/selfservice.md "Time").
export const CLOCK_FILE = path.join(DIR, 'clock-offset');

/** Writes the test clock's offset (whole seconds). */
export function setClockOffset(seconds) {
  writeFileSync(CLOCK_FILE, `${Math.round(seconds)}\n`);
}

/** The last review round's clock time (ms since the epoch), or 0. */
export function reviewAsOf() {
  const v = psql("SELECT coalesce((extract(epoch FROM as_of) * 1000)::bigint, 0) FROM scheduler_runs WHERE job = 'review'");
  return Number(v || 0);
}

/** Waits until a review round began at or after clock time 'ms'. */
export async function waitReviewRound(ms, { timeout = 10000 } = {}) {
  return until(() => reviewAsOf() >= ms, { timeout, every: 50, what: `a review round at ${new Date(ms).toISOString()}` });
}

/** Today's Finnish date on the wall clock (the test clock at offset 0): 'YYYY-MM-DD'. */
export function todayFi(offsetS = 0) {
  return psql(`SELECT to_char(((now() + make_interval(secs => ${Number(offsetS)})) AT TIME ZONE 'Europe/Helsinki')::date, 'YYYY-MM-DD')`);
}

/** The ids of a public search's first 'pages' pages of 100. */
export async function searchIds(params, { pages = 1 } = {}) {
  const ids = [];
  for (let page = 1; page <= pages; page++) {
    const r = await http(`/api/v1/activities?${new URLSearchParams({ ...params, per_page: '100', page: String(page) })}`);
    if (r.status !== 200) throw new Error(`search ${JSON.stringify(params)}: ${r.status} ${r.text.slice(0, 200)}`);
    ids.push(...r.json.items.map((i) => i.id));
    if (r.json.items.length < 100) break;
  }
  return ids;
}

/**
 * Milliseconds from 't0' until 'runs' searches in a row agree that 'id' is
 * listed (want true) or not (want false) — consecutive answers come from
 * every directory instance the gateway spreads them over.  Throws after 'timeout'.
 */
export async function timeUntilListed(params, id, want, t0, { runs = 6, timeout = 5000 } = {}) {
  let streakStart;
  let streak = 0;
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const asked = Date.now();
    const listed = (await searchIds(params)).includes(id);
    if (listed === want) {
      if (streak === 0) streakStart = asked;
      if (++streak >= runs) return streakStart - t0;
    } else streak = 0;
    await sleep(10);
  }
  throw new Error(`${id} not ${want ? 'listed' : 'gone'} in ${runs} searches in a row within ${timeout} ms (${JSON.stringify(params)})`);
}

// --- contact requests (issue 14, docs/contactrequests.md) ----------------------

const CR_RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
let crSeq = 0;

/** A fresh Idempotency-Key (16–64 of [A-Za-z0-9_-]). */
export function idempotencyKey() {
  return `k-${CR_RUN}-${++crSeq}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * A unique Finnish mobile number for a test client: {e164, national,
 * msisdn (a number, as the SMS stand-in shows it), typed ("050 123 4567")}.
 * Noted (without the '+') for the log search at the end.
 */
export function clientPhone() {
  const rest = String(Math.floor(Math.random() * 1e7)).padStart(7, '0');
  const p = { e164: `+35850${rest}`, national: `050${rest}`, msisdn: Number(`35850${rest}`),
    typed: `050 ${rest.slice(0, 3)} ${rest.slice(3)}` };
  noteSecret('client_phone', p.e164.slice(1));
  return p;
}

/** A unique client e-mail address (mixed case, as a professional may type it); noted for the log search. */
export function clientEmail(tag = 'asiakas') {
  const e = `${tag}.${CR_RUN}.${++crSeq}@Example.NET`;
  noteSecret('email', e.toLowerCase());
  return e;
}

let consentVersionCache;
/** The current consent version (GET /api/v1/contact-requests/consent). */
export async function consentVersion() {
  if (consentVersionCache) return consentVersionCache;
  const r = await http('/api/v1/contact-requests/consent');
  if (r.status !== 200 || !r.json?.version) throw new Error(`GET /api/v1/contact-requests/consent: ${r.status} ${r.text.slice(0, 200)}`);
  consentVersionCache = r.json.version;
  return consentVersionCache;
}

/** A valid send body for 'activities' (ids); client, channel, note etc. from 'over'. */
export async function crBody(activities, over = {}) {
  const { client, ...rest } = over;
  return {
    activities,
    client: client ?? { first_name: 'Aino', phone: clientPhone().typed },
    channel: 'call',
    lang: 'fi',
    note: '',
    consent: { version: await consentVersion(), given: true },
    ...rest,
  };
}

/**
 * POST /api/v1/contact-requests as 'who' with 'body' and an Idempotency-Key
 * (default a fresh one): the response, with .key the key used.
 */
export async function crSend(who, body, { key = idempotencyKey(), headers = {} } = {}) {
  const r = await who.call('/api/v1/contact-requests', { method: 'POST', json: body, headers: { 'Idempotency-Key': key, ...headers } });
  return Object.assign(r, { key });
}

/**
 * A new professional account (of Varkauden terveysasema, a site without an
 * identity provider) signed in: a client of signIn.  'tag' makes the
 * address unique.
 */
export async function newProfessional(tag) {
  const email = `cr-${String(tag).toLowerCase().replace(/[^a-z0-9-]/g, '-')}-${CR_RUN}@varkaus-terveys.example.org`;
  noteSecret('email', email);
  // The account is made at its first sign-in by the mailed link (audited), as a real one is.
  const a = await anon();
  const asked = await a.call('/api/v1/auth/email-link', { method: 'POST', json: { email } });
  if (asked.status !== 202) throw new Error(`a sign-in link for ${email}: ${asked.status} ${asked.text}`);
  const [link] = await until(async () => {
    const l = await mailLinks(email);
    return l.length > 0 && l;
  }, { timeout: 20000, what: `the sign-in link for ${email}` });
  return signIn(email, link.slice(link.indexOf('#') + 1));
}

/**
 * A published activity of organisation 'org' that accepts contact requests
 * at its own unique request address (made by 'who', an editor of it or the
 * admin): the document, with .email the request address.
 */
export async function crActivity(who, org, over = {}) {
  const email = over.contact_request_email ?? `pyynnot-${++crSeq}-${CR_RUN}@example.org`;
  noteSecret('email', email);
  const a = await createActivity(who, org, {
    name: `Yhteydenottotoiminta ${CR_RUN}-${crSeq}`, status: 'published',
    accepts_contact_requests: true, contact_request_email: email, response_days: 5, ...over,
  });
  return Object.assign(a, { email });
}

/** The messages the SMS stand-in accepted (every one, or those to 'msisdn', a number or E.164). */
export async function smsMessages(msisdn) {
  const r = await fetch(`${env.TARJOTIN_SMS_STANDIN_URL}/_test/messages`, { signal: AbortSignal.timeout(10000) });
  const all = await r.json();
  if (msisdn === undefined) return all;
  const n = Number(String(msisdn).replace(/\D/g, ''));
  return all.filter((m) => (m.recipients ?? []).map(Number).includes(n));
}

/** The withdraw token of a receipt text (…/w#<token>), or undefined. */
export function withdrawToken(text) {
  return /\/w#([A-Za-z0-9_-]{16,})/.exec(text ?? '')?.[1];
}

/** The last contact-request scheduler round's clock time (ms since the epoch), or 0. */
export function crAsOf() {
  const v = psql("SELECT coalesce((extract(epoch FROM as_of) * 1000)::bigint, 0) FROM scheduler_runs WHERE job = 'contact_requests'");
  return Number(v || 0);
}

/** Waits until a contact-request scheduler round began at or after clock time 'ms'. */
export async function waitCrRound(ms, { timeout = 10000 } = {}) {
  return until(() => crAsOf() >= ms, { timeout, every: 50, what: `a contact-request round at ${new Date(ms).toISOString()}` });
}

// --- searching the stack for personal data (the privacy checks) ----------------
// needles: [{what, value (lower case), shown}].

/** Where in 'text' (case-insensitively) a needle occurs: ["where: what 'shown' …context…"]. */
export function findIn(where, text, needles) {
  const low = String(text).toLowerCase();
  const out = [];
  for (const n of needles) {
    const i = low.indexOf(n.value);
    if (i >= 0) out.push(`${where}: ${n.what} '${n.shown}': …${String(text).slice(Math.max(0, i - 60), i + n.value.length + 60).replace(/\s+/g, ' ')}…`);
  }
  return out;
}

/** A URL and its decoded forms (percent-encoding, '+' as space), joined. */
export function decodeAll(u) {
  let d = u;
  try { d = decodeURIComponent(u); } catch { /* not decodable */ }
  let e = d;
  try { e = decodeURIComponent(u.replace(/\+/g, ' ')); } catch { /* not decodable */ }
  return `${u}\n${d}\n${e}`;
}

/** Every *.log file of dir searched line by line: ["file:line: …"]. */
export function scanLogs(dir, needles) {
  const out = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.log')).sort()) {
    readFileSync(path.join(dir, name), 'utf8').split('\n').forEach((l, i) => out.push(...findIn(`${name}:${i + 1}`, l, needles)));
  }
  return out;
}

/** Every table of the public schema, each column as text (bytea as escaped bytes), but the sealed columns: [{where, text}]. */
export function pgDump() {
  const sql = (s) => {
    const r = spawnSync('psql', ['-X', '-q', '-At', '-h', '127.0.0.1', '-p', env.TARJOTIN_PG_PORT, '-U', 'tarjotin', '-d', 'tarjotin',
      '-v', 'ON_ERROR_STOP=1', '-c', s], { encoding: 'utf8', timeout: 120000, maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
    return r.stdout;
  };
  const tables = sql(`SELECT c.table_name || E'\\t' || string_agg(CASE WHEN c.data_type = 'bytea'
      THEN format('encode(%I, ''escape'')', c.column_name) ELSE format('%I::text', c.column_name) END, ', ' ORDER BY c.ordinal_position)
    FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      AND (c.table_name, c.column_name) NOT IN (('contact_requests', 'client_enc'), ('notifications', 'recipient_enc'), ('notifications', 'vars_enc'))
    GROUP BY c.table_name ORDER BY c.table_name`).split('\n').filter(Boolean);
  return tables.map((l) => {
    const [table, cols] = l.split('\t');
    return { where: table, text: sql(`SELECT concat_ws(' | ', ${cols}) FROM "${table}"`) };
  });
}

/** A small RESP2 client of Redis at 127.0.0.1:port: {cmd(...args) -> reply (Buffers for bulk strings), close()}. */
export function redisClient(port) {
  const sock = net.createConnection({ host: '127.0.0.1', port });
  let buf = Buffer.alloc(0);
  const waiting = [];
  const parse = (b, i) => {
    if (i >= b.length) return null;
    const nl = b.indexOf('\r\n', i);
    if (nl < 0) return null;
    const line = b.toString('utf8', i + 1, nl);
    const t = String.fromCharCode(b[i]);
    if (t === '+') return [line, nl + 2];
    if (t === '-') return [new Error(line), nl + 2];
    if (t === ':') return [Number(line), nl + 2];
    if (t === '$') {
      const n = Number(line);
      if (n < 0) return [null, nl + 2];
      if (b.length < nl + 2 + n + 2) return null;
      return [b.subarray(nl + 2, nl + 2 + n), nl + 4 + n];
    }
    if (t === '*') {
      const n = Number(line);
      if (n < 0) return [null, nl + 2];
      const arr = [];
      let j = nl + 2;
      for (let k = 0; k < n; k++) {
        const r = parse(b, j);
        if (!r) return null;
        arr.push(r[0]);
        j = r[1];
      }
      return [arr, j];
    }
    throw new Error(`unexpected RESP type ${t}`);
  };
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    while (waiting.length) {
      const r = parse(buf, 0);
      if (!r) return;
      buf = buf.subarray(r[1]);
      const w = waiting.shift();
      if (r[0] instanceof Error) w.reject(r[0]); else w.resolve(r[0]);
    }
  });
  sock.on('error', (e) => { while (waiting.length) waiting.shift().reject(e); });
  const client = {
    cmd(...args) {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        const parts = [Buffer.from(`*${args.length}\r\n`)];
        for (const a of args) {
          const v = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
          parts.push(Buffer.from(`$${v.length}\r\n`), v, Buffer.from('\r\n'));
        }
        sock.write(Buffer.concat(parts));
      });
    },
    close() { sock.destroy(); },
  };
  // The stack's Redis has no anonymous user: the operator's password, as
  // redis-cli takes it (REDISCLI_AUTH, tests/run.sh), goes first.
  if (process.env.REDISCLI_AUTH) client.cmd('AUTH', process.env.REDISCLI_AUTH).catch(() => {});
  return client;
}

const str = (v) => (Buffer.isBuffer(v) ? v.toString('utf8') : Array.isArray(v) ? v.map(str).join(' ') : String(v));
// Stream fields that hold sealed values (the recipient, sealed variables).
const SEALED_FIELDS = new Set(['recipient', 'vars_enc']);

/** Every key matching 'pattern' with its value as text: [{where: key, text}]; stream entries without their sealed fields. */
export async function redisDump(redis, pattern) {
  const out = [];
  let cursor = '0';
  for (let round = 0; round < 100000; round++) {
    const [next, keys] = await redis.cmd('SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000');
    for (const kb of keys) {
      const key = str(kb);
      const type = await redis.cmd('TYPE', kb);
      let text = '';
      if (type === 'string') text = str(await redis.cmd('GET', kb));
      else if (type === 'hash') text = str(await redis.cmd('HGETALL', kb));
      else if (type === 'list') text = str(await redis.cmd('LRANGE', kb, '0', '-1'));
      else if (type === 'set') text = str(await redis.cmd('SMEMBERS', kb));
      else if (type === 'zset') text = str(await redis.cmd('ZRANGE', kb, '0', '-1', 'WITHSCORES'));
      else if (type === 'stream') {
        const lines = [];
        for (const [id, fields] of await redis.cmd('XRANGE', kb, '-', '+')) {
          const kept = [];
          for (let i = 0; i + 1 < fields.length; i += 2) {
            const f = str(fields[i]);
            const v = str(fields[i + 1]);
            // A field "vars" that is no JSON is a sealed blob too.
            if (SEALED_FIELDS.has(f) || (f === 'vars' && !/^\s*[{[]/.test(v))) continue;
            kept.push(`${f}=${v}`);
          }
          lines.push(`${str(id)} ${kept.join(' ')}`);
        }
        text = lines.join('\n');
      }
      out.push({ where: `${key} (${type})`, text: `${key}\n${text}` });
    }
    cursor = str(next);
    if (cursor === '0') return out;
  }
  throw new Error('SCAN did not finish');
}

// --- statistics (issue 15, docs/statistics.md) ---------------------------------

/** The day's counters of stats in Redis (tj:stats:<Helsinki day>): {field: number}. */
export function statsDay(day) {
  const text = redisCli('HGETALL', `tj:stats:${day}`);
  const lines = text === '' ? [] : text.split('\n');
  const out = {};
  for (let i = 0; i + 1 < lines.length; i += 2) out[lines[i]] = Number(lines[i + 1]);
  return out;
}

/** psql as the role stats runs as (tarjotin_stats: rows of the schema stats only). */
export function psqlStats(sql) {
  return psql(sql, { user: 'tarjotin_stats' });
}

/** The stats process's PID (DIR/pids/stats-1.pid). */
export function statsPid() {
  return Number(readFileSync(path.join(DIR, 'pids', 'stats-1.pid'), 'utf8').trim());
}

/** The endpoint stats' PULL socket binds (TARJOTIN_STATS_ENDPOINT of the stack). */
export const STATS_ENDPOINT = env.TARJOTIN_STATS_ENDPOINT || `tcp://127.0.0.1:${env.TARJOTIN_STATS_PORT}`;

/** GET /api/v1/stats/<report>?... as 'who' (a client): the response. */
export function statsReport(who, report, params = {}) {
  return who.call(`/api/v1/stats/${report}?${new URLSearchParams(params)}`);
}

/** The table 'id' of a report document, or throws naming the tables it has. */
export function statsTable(doc, id) {
  const t = doc?.tables?.find((x) => x.id === id);
  if (!t) throw new Error(`no table ${id} in ${doc?.report}: ${doc?.tables?.map((x) => x.id).join(', ')}`);
  return t;
}

/** A table's rows as objects by column id; a measure table's 'measure' is
 * the measure's id from the table's "keys" (its cell is a label). */
export function statsRows(t) {
  return t.rows.map((r, k) => Object.fromEntries(t.columns.map((c, i) => [c.id,
    c.id === 'measure' && t.keys ? t.keys[k] : r[i]])));
}

// For a funder (docs/statistics.md section 4): which columns are derived from which counts.
const DERIVED = {
  searches_by_month: { zero_share: ['searches', 'zero_results'] },
  cr_by_month: { reached_share: ['contacted', 'sent'] },
  coverage_by_county: { organizations_per_10000: ['organizations'], activities_per_10000: ['activities'] },
  coverage_by_municipality: { organizations_per_10000: ['organizations'], activities_per_10000: ['activities'] },
  freshness_by_county: { verified_share: ['published', 'verified_6m'] },
};
const small = (v) => typeof v === 'number' && v >= 1 && v <= 4;

/**
 * Compares a funder's table with the admin's of the same moment: the same
 * rows and texts; every count 1..4 null with its [row, col] in suppressed,
 * and so every value derived from one (DERIVED; cr_reaction's medians and
 * p90s when first_reactions is 1..4); 0 and >= 5 as the admin sees them;
 * nothing else suppressed.  Returns how many cells were suppressed.
 */
export function assertFunderTable(a, f) {
  const where = `${a.id}`;
  if (JSON.stringify(a.columns.map((c) => c.id)) !== JSON.stringify(f.columns.map((c) => c.id))) throw new Error(`${where}: other columns`);
  if (a.rows.length !== f.rows.length) throw new Error(`${where}: ${f.rows.length} rows for the funder, ${a.rows.length} for the admin`);
  if (a.suppressed.length !== 0) throw new Error(`${where}: the admin's suppressed is ${JSON.stringify(a.suppressed)}`);
  const want = [];
  const objs = statsRows(a);
  a.rows.forEach((row, r) => {
    const byId = objs[r];
    const reaction = a.id === 'cr_reaction' && small(statsRows(a).find((x) => x.measure === 'first_reactions')?.value);
    row.forEach((v, c) => {
      const col = a.columns[c];
      let hide = false;
      if (['int'].includes(col.type) && small(v)) hide = true;
      if (a.id === 'coverage_totals' || a.id === 'cr_reaction') {
        const measure = byId.measure;
        if (col.id === 'value' && a.id === 'coverage_totals') hide = small(v);
        if (col.id === 'value' && a.id === 'cr_reaction') hide = measure === 'first_reactions' ? small(v) : (reaction && v !== null);
      }
      const from = DERIVED[a.id]?.[col.id];
      if (from && v !== null && from.some((d) => small(byId[d]))) hide = true;
      if (hide) want.push([r, c]);
      const got = f.rows[r][c];
      if (hide && got !== null) throw new Error(`${where}[${r}][${col.id}]: ${got} shown to the funder (the admin sees ${v})`);
      if (!hide && JSON.stringify(got) !== JSON.stringify(v)) throw new Error(`${where}[${r}][${col.id}]: the funder sees ${JSON.stringify(got)}, the admin ${JSON.stringify(v)}`);
    });
  });
  const key = (x) => `${x[0]},${x[1]}`;
  const got = new Set(f.suppressed.map(key));
  const exp = new Set(want.map(key));
  const missing = [...exp].filter((k) => !got.has(k));
  const extra = [...got].filter((k) => !exp.has(k));
  if (missing.length || extra.length) throw new Error(`${where}: suppressed missing [${missing.join('] [')}], extra [${extra.join('] [')}]`);
  return want.length;
}

/** Nearest-rank percentile p (0..1) of numbers (sorted here), or null for none. */
export function nearestRank(values, p) {
  const s = [...values].sort((x, y) => x - y);
  return s.length ? s[Math.max(0, Math.ceil(p * s.length) - 1)] : null;
}

/** One decimal, as the reports round (half away from zero). */
export const dec1 = (x) => Math.round(x * 10) / 10;

/** A random tj_visit value (32 lower-case hex). */
export function visitId() {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}
