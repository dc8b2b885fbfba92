// Shared helpers for the Tarjotin browser tests: Debian's chromium driven by
// playwright-core, accessibility checks with axe-core. Node 18.20+ (node --test).
//
//   TARJOTIN_URL   base URL of a running gateway (default http://127.0.0.1:18080)
//   CHROMIUM       browser binary (default /usr/bin/chromium)

import fs from 'node:fs/promises';
import os from 'node:os';
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

// Launch chromium with a throw-away profile. Returns { context, page, problems, close }.
// Always call close() (in after()/finally): it closes the browser and removes the profile.
export async function launch({ viewport = { width: 1280, height: 900 } } = {}) {
  const profile = await fs.mkdtemp(path.join(os.tmpdir(), 'tarjotin-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport,
      locale: 'fi-FI',
      timeout: 60000,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (err) {
    await fs.rm(profile, { recursive: true, force: true });
    throw err;
  }
  context.setDefaultTimeout(TIMEOUT);
  context.setDefaultNavigationTimeout(TIMEOUT);
  const page = context.pages()[0] || (await context.newPage());
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
      await fs.rm(profile, { recursive: true, force: true });
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
