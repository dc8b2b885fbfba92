// Shared helpers for the system tests: the stack's configuration, HTTP with a
// timeout, and the stack's own start/stop script for fault injection.
import { readFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
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
export const BIN = env.TARJOTIN_BIN;

/** fetch with a hard timeout; resolves to {status, headers, text, json, ms}. */
export async function http(pathname, { timeout = 5000, ...opts } = {}) {
  const started = performance.now();
  const res = await fetch(URL_BASE + pathname, { ...opts, signal: AbortSignal.timeout(timeout) });
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

export function readLog(name) {
  try { return readFileSync(path.join(DIR, 'logs', `${name}.log`), 'utf8'); } catch { return ''; }
}

export function metric(text, name) {
  const line = text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : undefined;
}
