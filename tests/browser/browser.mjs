// Shared helpers for the Tarjotin browser tests: Debian's chromium driven by
// playwright-core, accessibility checks with axe-core. Node 18.20+ (node --test).
//
//   TARJOTIN_URL        base URL of a running gateway (default http://127.0.0.1:18080)
//   CHROMIUM            browser binary (default /usr/bin/chromium)
//   TARJOTIN_STACK_DIR  the stack (make test): sessions, the mail catcher, the database

import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = require('axe-core').source;

export const BASE_URL = (process.env.TARJOTIN_URL || 'http://127.0.0.1:18080').replace(/\/+$/, '');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// Generous: the first launch on a cold 2-core machine and an ASan-built stack are slow.
export const TIMEOUT = Number(process.env.TARJOTIN_BROWSER_TIMEOUT || 20000);

export function url(pathAndQuery = '/') {
  return BASE_URL + (pathAndQuery.startsWith('/') ? '' : '/') + pathAndQuery;
}

// One chromium per test process, shared by every launch(): each launch() is a context of
// its own (its own cookies, storage and cache, as a fresh profile has), a third of the
// time of starting a browser. The browser goes when its last context is closed.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
let shared = null; // { browser: Promise<Browser>, contexts: number }

// The process's browser, started on first use; counts the caller as one more context.
async function sharedBrowser() {
  if (!shared) {
    shared = { contexts: 0, browser: chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 60000, args: ARGS }) };
  }
  const state = shared;
  state.contexts += 1;
  try {
    return { state, browser: await state.browser };
  } catch (err) {
    if (shared === state) shared = null; // a failed start is not kept for the next caller
    throw err;
  }
}

// One context fewer; the last one closes the browser.
async function releaseBrowser(state) {
  state.contexts -= 1;
  if (state.contexts > 0) return;
  if (shared === state) shared = null;
  await (await state.browser).close();
}

// A fresh browser context (a clean profile) with one page. Returns { context, page, problems,
// close }. Always call close() (in after()/finally). Other Playwright context options
// (deviceScaleFactor, isMobile, hasTouch, reducedMotion) pass through. reducedMotion is
// 'reduce' unless asked otherwise: the stylesheet's smooth scrolling (prefers-reduced-motion:
// no-preference) makes every click on a field below the fold wait for the scroll to settle;
// the layout test, which measures what a default browser paints, asks for 'no-preference'.
export async function launch({ viewport = { width: 1280, height: 900 }, ...contextOptions } = {}) {
  const { state, browser } = await sharedBrowser();
  let context;
  try {
    context = await browser.newContext({
      reducedMotion: 'reduce',
      ...contextOptions,
      viewport,
      locale: 'fi-FI',
    });
  } catch (err) {
    await releaseBrowser(state);
    throw err;
  }
  context.setDefaultTimeout(TIMEOUT);
  context.setDefaultNavigationTimeout(TIMEOUT);
  const page = await context.newPage();
  // Uncaught exceptions and CSP violations in the page; tests assert there are none.
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  let closed = false;
  async function close() {
    if (closed) return;
    closed = true;
    try {
      await context.close();
    } finally {
      await releaseBrowser(state);
    }
  }
  return { context, page, problems, close };
}

// Wait until the single-page app has finished rendering a view.
// name: 'front' | 'kind' | 'place' | 'results' | 'detail' | 'error' (or undefined: any).
export async function waitForView(page, name) {
  const sel = name ? `#view[data-ready="true"][data-view="${name}"]` : '#view[data-ready="true"]';
  await page.waitForSelector(sel, { state: 'attached' });
}

// Run axe-core with the WCAG 2.0/2.1 A and AA rules; returns the violations.
export async function axeCheck(page) {
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  // Evaluated over the DevTools protocol, not as an inline <script>, so the
  // gateway's Content-Security-Policy (default-src 'self') stays enforced.
  if (!hasAxe) await page.evaluate(`${axeSource}\n;void 0;`);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
    }));
  });
}

export function formatViolations(violations) {
  return violations.map((v) => {
    const nodes = v.nodes.slice(0, 8).map((n) => `    - ${n.target}\n      ${n.html.slice(0, 200)}\n      ${(n.summary || '').replace(/\n/g, '\n      ')}`).join('\n');
    const more = v.nodes.length > 8 ? `\n    … and ${v.nodes.length - 8} more` : '';
    return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}${more}`;
  }).join('\n');
}

// Assert zero axe violations, printing them readably otherwise.
export async function assertAccessible(page, where) {
  const violations = await axeCheck(page);
  if (violations.length) {
    throw new Error(`axe found ${violations.length} WCAG 2.1 A/AA violation(s) on ${where} (${page.url()}):\n${formatViolations(violations)}`);
  }
}

// True when the page scrolls sideways (content wider than the viewport).
export async function hasHorizontalScroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
}

// GET a JSON API path directly (not through the browser).
export async function apiGet(pathAndQuery) {
  const res = await fetch(url(pathAndQuery), { headers: { Accept: 'application/json' } });
  const body = await res.json();
  if (!res.ok) throw new Error(`GET ${pathAndQuery} → ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

// Lighthouse's mobile emulation ("devtools" throttling of its slow-4G profile): 562.5 ms
// round trips, 1.47 Mbit/s down, 0.675 Mbit/s up, a 4× slower CPU. Applied over a CDP
// session of this page; returns { release } that lifts it (call it in finally). With
// cold: true the HTTP cache is off, so every load fetches everything again, as
// Lighthouse's cold load does.
export const SLOW_4G = { latency: 562.5, download: 1474.56 * 1024 / 8, upload: 675 * 1024 / 8, cpu: 4 };

export async function throttle(page, profile = SLOW_4G, { cold = false } = {}) {
  const cdp = await page.context().newCDPSession(page);
  const set = async (p, noCache) => {
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: noCache });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: p ? p.latency : 0,
      downloadThroughput: p ? p.download : -1,
      uploadThroughput: p ? p.upload : -1,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: p ? p.cpu : 1 });
  };
  await cdp.send('Network.enable');
  await set(profile, cold);
  return {
    async release() {
      try {
        await set(null, false);
      } finally {
        await cdp.detach();
      }
    },
  };
}

// Every layout shift of the current document so far (Layout Instability API,
// buffered), as { value, hadRecentInput, startTime, sources: ['div#view.wrap 0,120 → 0,180'] }.
// It watches for another `settleMs` after two frames, so that the shifts of the frame
// the last render produced are in.
export async function layoutShifts(page, { settleMs = 300 } = {}) {
  return page.evaluate((settle) => new Promise((resolve) => {
    const out = [];
    const name = (n) => {
      if (!n) return '?';
      if (n.nodeType !== 1) return n.nodeName.toLowerCase();
      return n.tagName.toLowerCase() + (n.id ? '#' + n.id : '') + (n.className && typeof n.className === 'string' ? '.' + n.className.trim().split(/\s+/).join('.') : '');
    };
    const rect = (r) => `${Math.round(r.x)},${Math.round(r.y)} ${Math.round(r.width)}×${Math.round(r.height)}`;
    const keep = (list) => {
      for (const e of list) {
        out.push({
          value: e.value,
          hadRecentInput: e.hadRecentInput,
          startTime: e.startTime,
          sources: (e.sources || []).map((s) => `${name(s.node)} ${rect(s.previousRect)} → ${rect(s.currentRect)}`),
        });
      }
    };
    const po = new PerformanceObserver((list) => keep(list.getEntries()));
    po.observe({ type: 'layout-shift', buffered: true });
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => {
      keep(po.takeRecords());
      po.disconnect();
      resolve(out.sort((a, b) => a.startTime - b.startTime));
    }, settle)));
  }), settleMs);
}

// Cumulative layout shift of a list of entries, the two ways: `sum` adds every shift not
// caused by recent input (the stricter figure); `windowed` is Lighthouse's and the Web
// Vitals' session-window CLS (the largest burst: gaps < 1 s, at most 5 s long).
export function cls(entries) {
  let sum = 0;
  let windowed = 0;
  let cur = 0;
  let first = 0;
  let last = 0;
  for (const e of entries) {
    if (e.hadRecentInput) continue;
    sum += e.value;
    if (cur && e.startTime - last < 1000 && e.startTime - first < 5000) {
      cur += e.value;
    } else {
      cur = e.value;
      first = e.startTime;
    }
    last = e.startTime;
    windowed = Math.max(windowed, cur);
  }
  return { sum, windowed };
}

// ---------------------------------------------------------------- identity (issue 12)
// Sessions for the tests: a one-time sign-in link from the operator command, opened in the
// browser; links from the mail catcher. Both need the stack (make test sets
// TARJOTIN_STACK_DIR; its env file has the ports and TARJOTIN_BIN).

let envCache = null;
export function stackEnv() {
  if (envCache) return envCache;
  const dir = process.env.TARJOTIN_STACK_DIR;
  if (!dir) throw new Error('set TARJOTIN_STACK_DIR (make test does)');
  envCache = Object.fromEntries(readFileSync(path.join(dir, 'env'), 'utf8').split('\n')
    .filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return envCache;
}

// Polls fn until it returns a truthy value, at most `timeout` ms.
export async function until(fn, { timeout = 10000, every = 100, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last?.message ?? last)})`);
}

// The token of a ".../link.html#<token>" in text, or undefined.
export function linkToken(text) {
  return /\/link\.html#([A-Za-z0-9_-]+)/.exec(text || '')?.[1];
}

// A fresh one-time sign-in token for an existing account (tarjotin-admin login-link).
export function loginToken(email) {
  const env = stackEnv();
  const vars = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('TARJOTIN_')));
  const out = execFileSync(path.join(env.TARJOTIN_BIN, 'tarjotin-admin'), ['login-link', email], {
    encoding: 'utf8', timeout: 30000, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...vars, TARJOTIN_PUBLIC_URL: env.TARJOTIN_PUBLIC_URL || BASE_URL },
  });
  const token = linkToken(out);
  if (!token) throw new Error(`tarjotin-admin login-link ${email} printed no link`);
  return token;
}

// Signs the browser page in as 'email' (an existing account) through link.html and its
// button; resolves when the header shows the account. lang: the pages' language.
export async function signInAs(page, email, { lang = 'fi' } = {}) {
  const token = loginToken(email);
  await page.goto(url(`/link.html?lang=${lang}#${token}`));
  await page.click('[data-signin-button]');
  await page.waitForURL((u) => !u.pathname.endsWith('/link.html'));
  await page.waitForSelector('#account nav[data-signed-in="true"]');
}

// The session as the page's browser sees it.
export function pageSession(page) {
  return page.evaluate(() => fetch('/api/v1/session', { credentials: 'same-origin' }).then((r) => r.json()));
}

// Runs SQL on the stack's database (psql); its output.
export function psql(sql) {
  const env = stackEnv();
  return execFileSync('psql', ['-X', '-q', '-At', '-h', '127.0.0.1', '-p', env.TARJOTIN_PG_PORT,
    '-U', 'tarjotin', '-d', 'tarjotin', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8', timeout: 30000 }).trim();
}

// The text part of a raw message (message/rfc822), quoted-printable or base64 decoded.
export function mailText(raw) {
  const parts = raw.split(/\r?\n(?=--)/);
  for (const part of [raw, ...parts]) {
    const m = /Content-Type:\s*text\/plain[^]*?\r?\n\r?\n([^]*)/i.exec(part);
    if (!m) continue;
    const head = part.slice(0, m.index + m[0].length - m[1].length);
    let body = m[1].split(/\r?\n--/)[0];
    if (/Content-Transfer-Encoding:\s*quoted-printable/i.test(head)) {
      body = Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (x, hex) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
    } else if (/Content-Transfer-Encoding:\s*base64/i.test(head)) {
      body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    }
    return body;
  }
  return '';
}

// The newest message the mail catcher got for 'address' whose id is above 'after', waited
// for (at most timeout ms): {id, subject, text}.
export async function mailFor(address, { after = 0, timeout = 20000 } = {}) {
  const base = stackEnv().TARJOTIN_MAILCATCHER_URL;
  const msg = await until(async () => {
    const list = await (await fetch(`${base}/messages?to=${encodeURIComponent(address)}`)).json();
    return list.filter((m) => Number(m.id) > after).at(-1);
  }, { timeout, every: 200, what: `a message to ${address}` });
  const raw = await (await fetch(`${base}/messages/${msg.id}`)).text();
  return { id: Number(msg.id), subject: msg.subject, text: mailText(raw) };
}

// The id of the newest message for 'address' so far (0: none), to wait for a newer one.
export async function lastMailId(address) {
  const base = stackEnv().TARJOTIN_MAILCATCHER_URL;
  const list = await (await fetch(`${base}/messages?to=${encodeURIComponent(address)}`)).json();
  return list.length ? Number(list.at(-1).id) : 0;
}

// Presses Tab from the top of the page until 'selector' has the focus (at most 40 presses):
// proof that a keyboard user can reach it.
export async function tabTo(page, selector) {
  await page.locator('body').focus();
  await page.evaluate(() => { if (document.activeElement) document.activeElement.blur(); });
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return i + 1;
  }
  throw new Error(`Tab never reached ${selector}`);
}
