// Layout stability (issue 11, "The pages shift as they fill in"): no page of the three-click
// flow may move once painted. Measured with the Layout Instability API (layout-shift
// entries, buffered) on a slow network and CPU (Lighthouse's mobile throttling), at mobile
// size (360×740, device pixel ratio 2) and at desktop size (Lighthouse's 1350×940), both
// loading each page's URL afresh (what Lighthouse measures) and clicking through the pages
// (the single-page app). A page fails when the plain sum of its shifts (every shift not
// right after input: stricter than Lighthouse's session-window CLS) is above 0.1. The
// identity pages (sign-in, link, administration, editors) are measured the same way.
//   TARJOTIN_URL=http://127.0.0.1:18080 node --test tests/browser/layout.test.mjs
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, url, waitForView, apiGet, throttle, layoutShifts, cls, assertAccessible, hasHorizontalScroll, signInAs, loginToken,
} from './browser.mjs';

const LIMIT = 0.1;
const PREFER = { need: 'memory', kind: 'peer-support', municipality: '749' };
const DEVICES = {
  // What a default browser paints (launch() otherwise asks for reduced motion).
  mobile: { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, reducedMotion: 'no-preference' },
  desktop: { viewport: { width: 1350, height: 940 }, deviceScaleFactor: 1, reducedMotion: 'no-preference' },
};
// The identity pages (issue 12), each with what it waits for once loaded: [name, path,
// the selector that says it has filled in, who is signed in (null: nobody)].
const ADMIN = 'koordinaattori@hyvinvointialue.example.org';
const EDITOR = 'vapaaehtoiset@savonjarjestot.example.org';
const IDENTITY_PAGES = [
  ['signin', '/signin.html?lang=fi', '#view[data-providers="ready"]', null],
  ['signin (sv, error)', '/signin.html?lang=sv&error=state', '#view[data-providers="ready"]', null],
  ['link (ready)', () => `/link.html?lang=fi#${loginToken(EDITOR)}`, '#view[data-state="ready"]', null],
  ['link (no token)', '/link.html?lang=en', '#view[data-state="invalid"]', null],
  ['register', '/register.html?lang=fi', '#reg-municipalities-list[data-loaded]', null],
  ['confirm (no token)', '/confirm.html?lang=fi', '#view[data-state="invalid"]', null],
  ['withdraw (no token)', '/w.html?lang=fi', '#view[data-state="invalid"]', null],
  ['admin (not signed in)', '/admin.html?lang=fi', '[data-gate="signin"]', null],
  ['admin: user sites', '/admin.html?lang=fi', '#sites-list[data-loaded]', ADMIN],
  ['admin: accounts', '/admin-accounts.html?lang=fi', '#accounts-list[data-loaded]', ADMIN],
  ['admin: audit log', '/admin-audit.html?lang=fi', '#audit-list[data-loaded]', ADMIN],
  ['admin: messages', '/admin-messages.html?lang=fi', '#messages tbody tr', ADMIN],
  ['admin: registrations', '/admin-registrations.html?lang=fi', '#registrations-list[data-loaded]', ADMIN],
  ['admin: reviews', '/admin-reviews.html?lang=fi', '#reviews-report[data-loaded]', ADMIN],
  ['admin: taxonomy', '/admin-taxonomy.html?lang=fi', '#taxonomy-lists[data-loaded]', ADMIN],
  ['editors', '/editors.html?lang=fi', '[data-editors][data-loaded]', EDITOR],
  ['editor: activities', '/editor.html?lang=fi', '[data-activities][data-loaded]', EDITOR],
  ['editor: activity form', '/activity-edit.html?lang=fi&id=a0000000-0000-4000-8000-000000000055', '#act-history[data-loaded]', EDITOR],
  ['account', '/account.html?lang=sv', '[data-signout-everywhere]', EDITOR],
  ['contact requests: inbox', '/inbox.html?lang=fi', '#inbox-orgs[data-loaded]', EDITOR],
  ['contact requests: send', '/request.html?lang=fi', '#cr-consent-text[data-version]', 'ohjaaja@varkaus-terveys.example.org'],
  ['contact requests: mine', '/my-requests.html?lang=sv', '#my-requests[data-loaded]', 'ohjaaja@varkaus-terveys.example.org'],
];

// Throttled loads are slow, more so on a busy machine with a sanitizer-built stack.
const SLOW_TIMEOUT = 90000;

const prefer = (values, want) => (values.includes(want) ? want : values[0]);
const positive = (facet) => Object.keys(facet || {}).filter((k) => facet[k] > 0);

// The pages of the flow, chosen from the API as a user would click them.
async function flowUrls() {
  const front = await apiGet('/api/v1/activities?per_page=1');
  const need = prefer(positive(front.facets.need), PREFER.need);
  const step2 = await apiGet(`/api/v1/activities?need=${need}&per_page=1`);
  const kind = prefer(positive(step2.facets.kind), PREFER.kind);
  const step3 = await apiGet(`/api/v1/activities?need=${need}&kind=${kind}&per_page=1`);
  const municipality = prefer(positive(step3.facets.municipality), PREFER.municipality);
  const q = `lang=fi&need=${need}&kind=${kind}&municipality=${municipality}`;
  const results = await apiGet(`/api/v1/activities?need=${need}&kind=${kind}&municipality=${municipality}&per_page=20`);
  assert.ok(results.items.length > 0, 'the chosen search has results');
  return [
    ['front', '/?lang=fi'],
    ['kind', `/?lang=fi&need=${need}`],
    ['place', `/?lang=fi&need=${need}&kind=${kind}`],
    ['results', `/?${q}`],
    ['detail', `/?${q}&activity=${encodeURIComponent(results.items[0].id)}`],
  ];
}

const fmt = (n) => n.toFixed(3);

// Holds the page's API requests back while gate.holding is true, so that a page stays in
// its skeleton; gate.open() lets them through, gate.close() ends the holding.
async function holdApi(page) {
  const held = [];
  const isApi = (u) => u.pathname.startsWith('/api/v1/');
  const gate = {
    holding: true,
    async open() {
      gate.holding = false;
      for (const r of held.splice(0)) await r.continue().catch(() => {});
    },
    async close() {
      await page.unroute(isApi);
      await gate.open();
    },
  };
  await page.route(isApi, (route) => (gate.holding ? held.push(route) : route.continue()));
  return gate;
}

function verdict(device, how, figures) {
  const line = figures.map((f) => `${f.view} ${fmt(f.sum)} (window ${fmt(f.windowed)})`).join(', ');
  console.log(`report: CLS ${device}, ${how}: ${line}`);
  const bad = figures.filter((f) => f.sum > LIMIT);
  const why = bad.map((f) => `  ${f.view}: ${fmt(f.sum)}\n${f.entries.filter((e) => !e.hadRecentInput)
    .map((e) => `    ${fmt(e.value)} at ${Math.round(e.startTime)} ms: ${e.sources.join('; ')}`).join('\n')}`).join('\n');
  assert.equal(bad.length, 0, `layout shift above ${LIMIT} (${device}, ${how}):\n${why}`);
}

// When the first paint came, when the data had arrived and when app.js had put up the
// view's skeleton (its performance mark 'tarjotin:skeleton'), in ms.
async function paintTimes(page) {
  return page.evaluate(() => {
    const paints = performance.getEntriesByType('paint').map((e) => e.startTime);
    const api = performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/v1/'));
    const skeleton = performance.getEntriesByName('tarjotin:skeleton', 'mark')[0];
    return {
      paint: paints.length ? Math.min(...paints) : null,
      dataAt: Math.max(0, ...api.map((r) => r.responseEnd)),
      skeletonAt: skeleton ? skeleton.startTime : null,
    };
  });
}

// The two devices run side by side, each in its own browser context: a
// throttled load mostly waits on its simulated network, so two lanes take
// little longer than one.
describe('layout shift', { concurrency: 2 }, () => {
  for (const [device, options] of Object.entries(DEVICES)) {
    // Hooks live inside describe(): Node 18 does not run top-level before()/after().
    // A device's tests share its page: one after another (a subtest would
    // otherwise take the parent's concurrency).
    describe(`layout shift, ${device}`, { timeout: 6 * SLOW_TIMEOUT, concurrency: 1 }, () => {
      let browser;
      let pages;
      before(async () => {
        pages = await flowUrls();
        browser = await launch(options);
        browser.context.setDefaultTimeout(SLOW_TIMEOUT);
        browser.context.setDefaultNavigationTimeout(SLOW_TIMEOUT);
      });
      after(async () => {
        if (browser) await browser.close();
      });

      test(`each page of the flow loaded afresh (cold cache, slow 4G, 4× CPU), ${device}`, async () => {
        const { page } = browser;
        const slow = await throttle(page, undefined, { cold: true });
        const figures = [];
        const early = [];
        // The front page in the other two languages too: the header and the view are in
        // the page's language from the first paint, so their text cannot reflow.
        const loads = [...pages, ['front', '/?lang=sv', 'front (sv)'], ['front', '/?lang=en', 'front (en)']];
        try {
          for (const [view, path, name = view] of loads) {
            await page.goto(url(path));
            await waitForView(page, view);
            const entries = await layoutShifts(page);
            const when = await paintTimes(page);
            // The data must arrive after the first paint, or a measured 0 proves nothing.
            assert.ok(when.paint !== null && when.paint < when.dataAt,
              `${name}: the page must paint before its data arrives (first paint ${when.paint} ms, data ${when.dataAt} ms)`);
            // No frame of index.html's own content (the front page's Finnish intro) on
            // another page or in another language: the first paint is the script's skeleton.
            if (!(when.skeletonAt !== null && when.paint >= when.skeletonAt)) {
              early.push(`${name}: first paint at ${Math.round(when.paint)} ms, skeleton at ${when.skeletonAt === null ? 'never' : Math.round(when.skeletonAt) + ' ms'}`);
            }
            figures.push({ view: name, entries, ...cls(entries) });
          }
        } finally {
          await slow.release();
        }
        verdict(device, 'loaded afresh', figures);
        assert.deepEqual(early, [], 'the first paint must be the page itself, not index.html\'s front page');
        assert.deepEqual(browser.problems, []);
      });

      // The API held back: each page stays in its skeleton while it is checked. In Finnish at
      // mobile size, in Swedish on the desktop (no Finnish may show before the script).
      const skLang = device === 'mobile' ? 'fi' : 'sv';
      test(`the skeletons: busy, placeholders hidden from assistive technology, axe-clean, right text (${skLang}), ${device}`, async () => {
        const { page } = browser;
        const gate = await holdApi(page);
        try {
          for (const [view, fiPath] of pages) {
            const path = fiPath.replace('lang=fi', `lang=${skLang}`);
            gate.holding = true;
            await page.goto(url(path));
            // With no data to be had, the view can be nothing but its skeleton.
            await page.waitForSelector('#view[aria-busy="true"] .sk', { state: 'attached' });
            const where = `${view} skeleton (${device})`;
            const odd = await page.evaluate(() => {
              const out = [];
              for (const el of document.querySelectorAll('#view .sk')) {
                if (!el.closest('[aria-hidden="true"]')) out.push(`placeholder not aria-hidden: ${el.outerHTML}`);
              }
              for (const el of document.querySelectorAll('#view [aria-hidden="true"] :is(a, button, input, select, textarea, [tabindex])')) {
                out.push(`focusable inside aria-hidden: ${el.outerHTML.slice(0, 120)}`);
              }
              if (document.querySelector('#view [data-ready]') || document.querySelector('#view').dataset.ready) out.push('marked ready');
              return out;
            });
            assert.deepEqual(odd, [], where);
            assert.equal(await page.getAttribute('html', 'lang'), skLang, where);
            await assertAccessible(page, where);
            assert.equal(await hasHorizontalScroll(page), false, `${where} scrolls sideways`);
            // The text a skeleton shows is the page's own: the same headings and header.
            const texts = () => page.evaluate(() => ({
              h1: [...document.querySelectorAll('#view h1')].map((e) => e.textContent.trim()),
              steps: [...document.querySelectorAll('#view .step-count, #view .step-label')].map((e) => e.textContent.trim()),
              tagline: document.querySelector('.brand-tagline').textContent,
            }));
            const early = await texts();
            await gate.open();
            await waitForView(page, view);
            const done = await texts();
            if (early.h1.length) assert.deepEqual(early.h1, done.h1, `${where}: heading`);
            assert.deepEqual(early.steps, done.steps, `${where}: step texts`);
            assert.equal(early.tagline, done.tagline, `${where}: header`);
          }
        } finally {
          await gate.close();
        }
        assert.deepEqual(browser.problems, []);
      });

      // The skeleton's fields are live: typing while the data loads is kept (and the place
      // list is filtered by it) when the page proper replaces the skeleton.
      test(`typing before the data arrives is kept, ${device}`, async () => {
        const { page } = browser;
        const gate = await holdApi(page);
        try {
          for (const [view, field, text] of [['front', '#q', 'muisti'], ['place', '#place-filter', 'zzqx']]) {
            gate.holding = true;
            await page.goto(url(pages.find(([v]) => v === view)[1]));
            await page.waitForSelector(`#view[aria-busy="true"] ${field}`);
            await page.focus(field);
            await page.keyboard.type(text);
            await gate.open();
            await waitForView(page, view);
            assert.equal(await page.inputValue(field), text, `${view}: the typed text is kept`);
            assert.equal(await page.evaluate((sel) => document.activeElement === document.querySelector(sel), field), true, `${view}: focus stays in ${field}`);
            if (view === 'place') {
              assert.equal(await page.locator('#municipality-list li:not([hidden])').count(), 0, 'the list is filtered by what was typed');
              assert.equal(await page.locator('#view p.notice:not([hidden])').count(), 1, 'no match is said');
            }
          }
        } finally {
          await gate.close();
        }
        assert.deepEqual(browser.problems, []);
      });

      // The sign-in, link, administration and editors' pages, each loaded afresh (cold cache,
      // throttled) with its session; the header's account bar fills in on every one.
      test(`the identity pages loaded afresh (cold cache, slow 4G, 4× CPU), ${device}`, async () => {
        const { page, context } = browser;
        const figures = [];
        const early = [];
        let who = null;
        await context.clearCookies();
        for (const [name, path, filled, account] of IDENTITY_PAGES) {
          if (account !== who) {
            await signInAs(page, account); // not throttled: not what is measured
            who = account;
          }
          const slow = await throttle(page, undefined, { cold: true });
          try {
            await page.goto(url(typeof path === 'function' ? path() : path));
            await page.waitForSelector('#view[data-ready="true"]', { state: 'attached' });
            await page.waitForSelector(filled, { state: 'attached' });
            await page.waitForSelector('#account nav', { state: 'attached' });
            const entries = await layoutShifts(page);
            const when = await paintTimes(page);
            assert.ok(when.paint !== null && when.paint < when.dataAt,
              `${name}: the page must paint before its data arrives (first paint ${when.paint} ms, data ${when.dataAt} ms)`);
            if (!(when.skeletonAt !== null && when.paint >= when.skeletonAt)) {
              early.push(`${name}: first paint at ${Math.round(when.paint)} ms, frame at ${when.skeletonAt === null ? 'never' : Math.round(when.skeletonAt) + ' ms'}`);
            }
            figures.push({ view: name, entries, ...cls(entries) });
          } finally {
            await slow.release();
          }
        }
        await context.clearCookies();
        verdict(device, 'identity pages loaded afresh', figures);
        assert.deepEqual(early, [], 'the first paint must be the page, built by its script');
        assert.deepEqual(browser.problems, []);
      });

      test(`clicking through the flow (slow 4G, 4× CPU), ${device}`, async () => {
        const { page } = browser;
        const [, front] = pages[0];
        const slow = await throttle(page);
        const marks = [];
        const mark = async (view) => marks.push({ view, at: await page.evaluate(() => performance.now()) });
        try {
          await page.goto(url(front));
          await waitForView(page, 'front');
          await mark('kind');
          await page.click(`.need-choices a[data-value="${new URL(pages[1][1], 'http://x').searchParams.get('need')}"]`);
          await waitForView(page, 'kind');
          await mark('place');
          await page.click(`.kind-choices a[data-value="${new URL(pages[2][1], 'http://x').searchParams.get('kind')}"]`);
          await waitForView(page, 'place');
          await mark('results');
          await page.click(`#municipality-list a[data-value="${new URL(pages[3][1], 'http://x').searchParams.get('municipality')}"]`);
          await waitForView(page, 'results');
          await mark('detail');
          await page.locator('[data-card] a[data-detail]').first().click();
          await waitForView(page, 'detail');
          const entries = await layoutShifts(page);
          const bounds = [{ view: 'front', at: 0 }, ...marks, { view: null, at: Infinity }];
          const figures = bounds.slice(0, -1).map((b, i) => {
            const mine = entries.filter((e) => e.startTime >= b.at && e.startTime < bounds[i + 1].at);
            return { view: b.view, entries: mine, ...cls(mine) };
          });
          verdict(device, 'clicked through', figures);
        } finally {
          await slow.release();
        }
        assert.deepEqual(browser.problems, []);
      });
    });
  }
});
