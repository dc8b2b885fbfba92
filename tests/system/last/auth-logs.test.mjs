// No secret in any log (issue 12): run by tests/run.sh after every other
// system test and after the browser tests, i.e. after every sign-in.  It
// gathers what the tests saw - session ids, csrf tokens, login tokens and
// e-mail addresses noted in DIR/secrets-seen.txt ("kind<TAB>value" lines,
// see lib.mjs noteSecret), every recipient and sign-in token the mail
// catcher holds, the demo accounts, the stack's own secrets - and searches
// every file in DIR/logs/ for them, for JWT-looking strings and for e-mail
// addresses that are not masked.  First it shows that it can fail: a line
// planted in a copy of a log must be found.
import test from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { env, DIR, SECRETS_FILE, linkToken } from '../lib.mjs';

const DEMO_ADDRESSES = [
  'koordinaattori@hyvinvointialue.example.org', 'toimitus@mielenterveysseura.example.org',
  'vapaaehtoiset@savonjarjestot.example.org', 'ohjaaja@varkaus-terveys.example.org',
  'hoitaja@kuopio-terveys.example.org', 'sosiaalityo@siilinjarvi-sote.example.org',
];
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const ADDRESS = /[A-Za-z0-9._%+*-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// The sender's own address is no one's personal data.
const ALLOWED_ADDRESSES = new Set([(env.TARJOTIN_MAIL_FROM || 'tarjotin@tarjotin.localhost').toLowerCase()]);

/** {kind, value} of everything the tests saw and the stack's secrets; values of 8+ characters or addresses. */
async function gatherSecrets() {
  const out = new Map();
  const add = (kind, value) => {
    if (typeof value !== 'string') return;
    const v = value.trim();
    if (v.length >= 8 || (kind === 'email' && v.includes('@'))) out.set(kind === 'email' ? v.toLowerCase() : v, kind);
  };
  if (existsSync(SECRETS_FILE)) {
    for (const line of readFileSync(SECRETS_FILE, 'utf8').split('\n')) {
      const tab = line.indexOf('\t');
      if (tab > 0) add(line.slice(0, tab), line.slice(tab + 1));
    }
  }
  for (const a of DEMO_ADDRESSES) add('email', a);
  // Every address mail went to, and every sign-in token it carried.
  const mail = env.TARJOTIN_MAILCATCHER_URL;
  const list = await (await fetch(`${mail}/messages`, { signal: AbortSignal.timeout(30000) })).json();
  for (const m of list) for (const to of m.to) add('email', to);
  for (const m of list.filter((x) => !/test message|testiviesti|testmeddelande/i.test(x.subject ?? ''))) {
    const raw = await (await fetch(`${mail}/messages/${m.id}`, { signal: AbortSignal.timeout(10000) })).text();
    const token = linkToken(raw.replace(/=\r?\n/g, '').replace(/=3D/g, '='));
    if (token) add('login_token', token);
  }
  // The stack's secrets: the data key, provider tokens, client secrets.
  for (const [k, v] of Object.entries(env)) if (/(SECRET|TOKEN|_KEY|PASSWORD)$/.test(k)) add(`config ${k}`, v);
  // And every generated one (the stores' passwords among them) and the
  // services' CURVE secret keys.
  for (const l of readFileSync(path.join(DIR, 'secrets'), 'utf8').split('\n')) {
    const i = l.indexOf('=');
    if (i > 0 && l.length - i > 16) add(`secret ${l.slice(0, i)}`, l.slice(i + 1));
  }
  for (const k of ['gateway', 'directory', 'stats']) add(`curve key ${k}`, readFileSync(path.join(DIR, 'keys', `${k}.key`), 'utf8').trim());
  return out;
}

const RUN = /[A-Za-z0-9_-]{12,}/g;
const PREFIX = 12;

/**
 * Every leak in the *.log files of dir: ["file:line: what", ...].  A secret
 * counts as logged when a run of base64url characters in a line starts with
 * its first 12 characters (whole or cut short); an address when it is not
 * masked (m***@example.org) - any address, not only the ones the tests saw.
 */
function scan(dir, secrets) {
  const byPrefix = new Map();
  for (const [value, kind] of secrets) if (kind !== 'email' && value.length >= PREFIX) byPrefix.set(value.slice(0, PREFIX), kind);
  const found = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.log')).sort()) {
    const seen = new Set();
    readFileSync(path.join(dir, name), 'utf8').split('\n').forEach((l, i) => {
      const at = `${name}:${i + 1}`;
      const report = (what, key) => {
        if (seen.has(key)) return; // each leak once per file: its first line
        seen.add(key);
        found.push(`${at}: ${what}: ${l.slice(0, 200)}`);
      };
      for (const m of l.matchAll(JWT)) report(`a JWT (${m[0].slice(0, 12)}…)`, m[0]);
      for (const m of l.matchAll(RUN)) {
        const kind = byPrefix.get(m[0].slice(0, PREFIX));
        if (kind) report(`a ${kind} (${m[0].slice(0, 4)}…)`, m[0].slice(0, PREFIX));
      }
      for (const m of l.matchAll(ADDRESS)) {
        const a = m[0].toLowerCase();
        if (a.split('@')[0].includes('*') || ALLOWED_ADDRESSES.has(a)) continue;
        report(`an unmasked e-mail address${secrets.get(a) === 'email' ? ' the tests used' : ''} (${a})`, a);
      }
    });
  }
  return found;
}

let secrets;
test.before(async () => { secrets = await gatherSecrets(); });

test('the log search finds a session id, a JWT and an address planted in a copy of a log', () => {
  const copy = mkdtempSync(path.join(os.tmpdir(), 'tarjotin-logscan-'));
  try {
    cpSync(path.join(DIR, 'logs', 'gateway-1.log'), path.join(copy, 'gateway-1.log'));
    const before = scan(copy, secrets).length;
    const session = [...secrets].find(([, k]) => k === 'session')?.[0] ?? 'S'.repeat(43);
    const planted = new Map(secrets).set(session, 'session');
    appendFileSync(path.join(copy, 'gateway-1.log'),
      `{"event":"planted","sid":"${session}","id_token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln","to":"Planted.Person@Example.org"}\n`);
    const found = scan(copy, planted);
    assert.equal(found.length, before + 3, found.join('\n'));
    assert.ok(found.some((f) => f.includes('a session')), found.join('\n'));
    assert.ok(found.some((f) => f.includes('a JWT')), found.join('\n'));
    assert.ok(found.some((f) => f.includes('planted.person@example.org')), found.join('\n'));
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test('no session id, token, secret or unmasked e-mail address in any log', () => {
  const kinds = {};
  for (const k of secrets.values()) kinds[k] = (kinds[k] ?? 0) + 1;
  const logs = readdirSync(path.join(DIR, 'logs')).filter((f) => f.endsWith('.log'));
  console.log(`report: searched ${logs.length} logs for ${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ')}, JWTs and unmasked addresses`);
  assert.ok((kinds.session ?? 0) > 0 && (kinds.login_token ?? 0) > 0, 'the sign-in tests noted what they saw');
  const found = scan(path.join(DIR, 'logs'), secrets);
  assert.deepEqual(found, [], `found in the logs:\n${found.join('\n')}`);
});
