// Phase 2: the professional's three-click search (need → kind → municipality → results),
// run against a live stack with demo data. Counts are never hard-coded: every count the
// UI shows is checked against the JSON API (docs/api-v1.md).
//   TARJOTIN_URL=http://127.0.0.1:18080 node --test tests/browser/
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, url, waitForView, assertAccessible, hasHorizontalScroll, apiGet,
} from './browser.mjs';

const LANGS = ['fi', 'sv', 'en'];
const FILTER_KEYS = ['need', 'q', 'kind', 'municipality', 'county'];
const PREFER = { need: 'memory', kind: 'peer-support', municipality: '749' };

// Hooks live inside describe(): Node 18 does not run top-level before()/after().
describe('three-click search', () => {
  let browser;
  let taxonomies;
  before(async () => {
    taxonomies = await apiGet('/api/v1/taxonomies');
    browser = await launch();
  });
  after(async () => {
    if (browser) await browser.close();
  });

  // The API query a choice link stands for ('all' means the filter is left out).
  function apiQueryOf(href) {
    const p = new URL(href, 'http://x/').searchParams;
    const q = new URLSearchParams();
    for (const k of FILTER_KEYS) {
      const v = p.get(k);
      if (v && v !== 'all') q.set(k, v);
    }
    q.set('per_page', '1');
    return q.toString();
  }

  async function mapLimit(items, limit, fn) {
    const out = new Array(items.length);
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }));
    return out;
  }

  // Every choice offered at the current step leads to ≥1 result, and the count shown is
  // the count the API gives for that choice.
  async function checkChoices(page, selector, where) {
    const choices = await page.$$eval(selector, (links) => links.map((a) => ({
      href: a.getAttribute('href'), count: Number(a.dataset.count), value: a.dataset.value,
    text: (a.querySelector('.choice-label') || a).textContent.trim(),
    })));
    assert.ok(choices.length > 0, `${where}: no choices offered`);
    await mapLimit(choices, 6, async (c) => {
      assert.ok(c.count > 0, `${where}: choice "${c.text}" offered with count ${c.count}`);
      const res = await apiGet('/api/v1/activities?' + apiQueryOf(c.href));
      assert.equal(res.total, c.count, `${where}: choice "${c.text}" shows ${c.count} but the API gives ${res.total} (${apiQueryOf(c.href)})`);
    });
    return choices;
  }

  // Nothing with results is hidden: every facet entry > 0 is offered.
  async function checkFacetCoverage(page, dim, listSelector, facetQuery) {
    const res = await apiGet('/api/v1/activities?' + facetQuery);
    const expected = Object.entries(res.facets[dim] || {}).filter(([, n]) => n > 0).map(([k]) => k).sort();
    const offered = (await page.$$eval(`${listSelector} a[data-choice]`, (as) => as.map((a) => a.dataset.value)))
      .filter((v) => v !== 'all').sort();
    assert.deepEqual(offered, expected, `offered ${dim} choices differ from facets.${dim}`);
  }

  async function focusedIsHeading(page) {
    await page.waitForFunction(() => document.activeElement && document.activeElement.tagName === 'H1');
  }

  async function queryOfPage(page) {
    const p = new URL(page.url()).searchParams;
    const q = new URLSearchParams();
    for (const k of FILTER_KEYS) if (p.get(k) && p.get(k) !== 'all') q.set(k, p.get(k));
    return q.toString();
  }

  async function pick(page, selector, preferred) {
    const values = await page.$$eval(selector, (as) => as.map((a) => a.dataset.value).filter((v) => v !== 'all'));
    assert.ok(values.length > 0, `nothing to pick in ${selector}`);
    return values.includes(preferred) ? preferred : values[0];
  }

  for (const lang of LANGS) {
    test(`three clicks from the front page to results, detail and back (${lang})`, async () => {
      const { page } = browser;
      await page.goto(url(`/?lang=${lang}`));
      await waitForView(page, 'front');
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      await assertAccessible(page, `front (${lang})`);
      await checkChoices(page, '.need-choices a[data-choice]', `step 1 (${lang})`);
      await checkFacetCoverage(page, 'need', '.need-choices', 'per_page=1');

      let clicks = 0;

      // Click 1: need tile.
      const need = await pick(page, '.need-choices a[data-choice]', PREFER.need);
      await page.click(`.need-choices a[data-value="${need}"]`);
      clicks += 1;
      await waitForView(page, 'kind');
      await focusedIsHeading(page);
      assert.equal(new URL(page.url()).searchParams.get('need'), need);
      await page.waitForFunction(() => document.querySelector('#announcer').textContent.trim() !== '');
      await assertAccessible(page, `step 2 (${lang})`);
      await checkChoices(page, '.kind-choices a[data-choice]', `step 2 (${lang})`);
      await checkFacetCoverage(page, 'kind', '.kind-choices', `need=${need}&per_page=1`);

      // Click 2: kind button.
      const kind = await pick(page, '.kind-choices a[data-choice]', PREFER.kind);
      await page.click(`.kind-choices a[data-value="${kind}"]`);
      clicks += 1;
      await waitForView(page, 'place');
      await focusedIsHeading(page);
      assert.equal(new URL(page.url()).searchParams.get('kind'), kind);
      await assertAccessible(page, `step 3 (${lang})`);
      await checkChoices(page, '.place-groups a[data-choice], #view .choices a[data-choice][data-value="all"]', `step 3 (${lang})`);
      await checkFacetCoverage(page, 'municipality', '#municipality-list', `need=${need}&kind=${kind}&per_page=1`);
      await checkFacetCoverage(page, 'county', '#county-list', `need=${need}&kind=${kind}&per_page=1`);

      // Type-ahead (typing is not a click), then click 3: the municipality.
      const municipality = await pick(page, '#municipality-list a[data-choice]', PREFER.municipality);
      const name = (await page.locator(`#municipality-list a[data-value="${municipality}"] .choice-label`).innerText()).trim();
      await page.fill('#place-filter', name.slice(0, 4));
      const visible = await page.$$eval('#municipality-list li:not([hidden]) a', (as) => as.map((a) => a.dataset.value));
      assert.ok(visible.includes(municipality), 'type-ahead keeps the typed municipality');
      assert.ok(visible.length < (await page.locator('#municipality-list li').count()) || visible.length === 1, 'type-ahead filters the list');
      await assertAccessible(page, `step 3 filtered (${lang})`);
      await page.click(`#municipality-list a[data-value="${municipality}"]`);
      clicks += 1;
      await waitForView(page, 'results');
      await focusedIsHeading(page);
      assert.equal(clicks, 3);
      const params = new URL(page.url()).searchParams;
      assert.equal(params.get('municipality'), municipality);
      assert.equal(params.get('lang'), lang);

      const cards = page.locator('[data-card]');
      assert.ok((await cards.count()) >= 1, 'at least one result card');
      const api = await apiGet(`/api/v1/activities?${await queryOfPage(page)}&per_page=20`);
      assert.ok(api.total >= 1);
      assert.equal(Number(await page.getAttribute('#result-summary', 'data-total')), api.total);
      assert.equal(await cards.count(), api.items.length);
      assert.equal((await cards.first().locator('h2').innerText()).trim(), api.items[0].name);
      await assertAccessible(page, `results (${lang})`);

      // The detail page opens from a card.
      await cards.first().locator('a[data-detail]').click();
      await waitForView(page, 'detail');
      await focusedIsHeading(page);
      const id = new URL(page.url()).searchParams.get('activity');
      assert.equal(id, api.items[0].id);
      const detail = await apiGet(`/api/v1/activities/${encodeURIComponent(id)}`);
      assert.equal((await page.locator('main h1').innerText()).trim(), detail.name);
      if (detail.organization && detail.organization.name) {
        assert.ok((await page.locator('#view').innerText()).includes(detail.organization.name), 'detail names the NGO');
      }
      await assertAccessible(page, `detail (${lang})`);

      // Back button: detail → results → step 3 → step 2 → front.
      await page.goBack();
      await waitForView(page, 'results');
      assert.ok((await cards.count()) >= 1);
      await page.goBack();
      await waitForView(page, 'place');
      await page.goBack();
      await waitForView(page, 'kind');
      await page.goBack();
      await waitForView(page, 'front');
      assert.deepEqual(browser.problems, []);
    });
  }

  test('keyboard only: Enter on a tile, a kind, then type-ahead + arrow + Enter', async () => {
    const { page } = browser;
    await page.goto(url('/?lang=fi'));
    await waitForView(page, 'front');
    const need = await pick(page, '.need-choices a[data-choice]', PREFER.need);
    await page.focus(`.need-choices a[data-value="${need}"]`);
    await page.keyboard.press('Enter');
    await waitForView(page, 'kind');
    await focusedIsHeading(page);
    // Keyboard activation of a kind (Enter on the focused link).
    const kind = await pick(page, '.kind-choices a[data-choice]', PREFER.kind);
    await page.focus(`.kind-choices a[data-value="${kind}"]`);
    await page.keyboard.press('Enter');
    await waitForView(page, 'place');
    await focusedIsHeading(page);
    const municipality = await pick(page, '#municipality-list a[data-choice]', PREFER.municipality);
    const name = (await page.locator(`#municipality-list a[data-value="${municipality}"] .choice-label`).innerText()).trim();
    await page.focus('#place-filter');
    await page.keyboard.type(name);
    await page.keyboard.press('ArrowDown');
    const focused = await page.evaluate(() => document.activeElement.dataset.value);
    assert.ok(focused, 'ArrowDown moves to the first matching place');
    await page.keyboard.press('Enter');
    await waitForView(page, 'results');
    await focusedIsHeading(page);
    assert.ok((await page.locator('[data-card]').count()) >= 1);
    // The focus ring is visible on a focused card link.
    await page.keyboard.press('Tab');
    const style = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(style, 'none');
  });

  test('step indicator shows the choices and changes each one', async () => {
    const { page } = browser;
    await page.goto(url('/?lang=fi'));
    await waitForView(page, 'front');
    const need = await pick(page, '.need-choices a[data-choice]', PREFER.need);
    await page.click(`.need-choices a[data-value="${need}"]`);
    await waitForView(page, 'kind');
    const kind = await pick(page, '.kind-choices a[data-choice]', PREFER.kind);
    await page.click(`.kind-choices a[data-value="${kind}"]`);
    await waitForView(page, 'place');
    const municipality = await pick(page, '#municipality-list a[data-choice]', PREFER.municipality);
    await page.click(`#municipality-list a[data-value="${municipality}"]`);
    await waitForView(page, 'results');
    const nav = page.locator('nav.steps-nav');
    assert.equal(await nav.locator('li[aria-current="step"]').count(), 0, 'no step is current on the results');
    const needLabel = taxonomies.needs.find((n) => n.id === need).label.fi;
    assert.ok((await nav.innerText()).includes(needLabel));
    // Change the kind: back to step 2 with need and municipality kept.
    await nav.locator('a[data-change="kind"]').click();
    await waitForView(page, 'kind');
    const p = new URL(page.url()).searchParams;
    assert.equal(p.get('need'), need);
    assert.equal(p.get('municipality'), municipality);
    assert.equal(p.get('kind'), null);
    await checkChoices(page, '.kind-choices a[data-choice]', 'step 2 with a municipality');
    // Choosing a kind now goes straight to results (the place is already chosen).
    await page.click(`.kind-choices a[data-value="${kind}"]`);
    await waitForView(page, 'results');
    // Change the need: to step 1, kind and municipality kept, counts still honest.
    await nav.locator('a[data-change="need"]').click();
    await waitForView(page, 'front');
    await checkChoices(page, '.need-choices a[data-choice]', 'step 1 with kind and municipality');
    await assertAccessible(page, 'step 1 with filters');
  });

  test('search box: a diagnosis code or a word leads on', async () => {
    const { page } = browser;
    const withCode = taxonomies.needs.find((n) => n.icd10 && n.icd10.length);
    await page.goto(url('/?lang=fi'));
    await waitForView(page, 'front');
    // Empty search: a clear message, no navigation.
    await page.click('form[role="search"] button[type="submit"]');
    await page.waitForSelector('#search-error');
    assert.equal(await page.getAttribute('#q', 'aria-invalid'), 'true');
    await assertAccessible(page, 'front with an empty-search error');
    if (withCode) {
      const code = withCode.icd10[0].split('-')[0].trim();
      await page.fill('#q', code);
      await page.press('#q', 'Enter');
      await waitForView(page, 'kind');
      assert.equal(new URL(page.url()).searchParams.get('need'), withCode.id);
      await assertAccessible(page, 'step 2 from a diagnosis code');
      await page.goBack();
      await waitForView(page, 'front');
    }
    await page.fill('#q', 'zzqxyzzy');
    await page.press('#q', 'Enter');
    await waitForView(page, 'kind');
    assert.equal(new URL(page.url()).searchParams.get('q'), 'zzqxyzzy');
    await assertAccessible(page, 'step 2 from a free-text search');
  });

  test('a county can be chosen at step 3', async (t) => {
    const { page } = browser;
    await page.goto(url('/?lang=fi'));
    await waitForView(page, 'front');
    const need = await pick(page, '.need-choices a[data-choice]', PREFER.need);
    await page.click(`.need-choices a[data-value="${need}"]`);
    await waitForView(page, 'kind');
    const kind = await pick(page, '.kind-choices a[data-choice]', PREFER.kind);
    await page.click(`.kind-choices a[data-value="${kind}"]`);
    await waitForView(page, 'place');
    const counties = await page.$$eval('#county-list a[data-choice]', (as) => as.map((a) => a.dataset.value));
    if (!counties.length) {
      t.skip('no county offered at step 3 in this data set');
      return;
    }
    await page.click(`#county-list a[data-value="${counties[0]}"]`);
    await waitForView(page, 'results');
    assert.equal(new URL(page.url()).searchParams.get('county'), counties[0]);
    assert.ok((await page.locator('[data-card]').count()) >= 1);
  });

  test('results and detail at 360 px: no horizontal scroll', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 360, height: 740 });
    try {
      await page.goto(url('/?lang=fi'));
      await waitForView(page, 'front');
      const need = await pick(page, '.need-choices a[data-choice]', PREFER.need);
      await page.click(`.need-choices a[data-value="${need}"]`);
      await waitForView(page, 'kind');
      assert.equal(await hasHorizontalScroll(page), false, 'step 2 scrolls sideways');
      await page.click('.kind-choices a[data-choice]:not([data-value="all"])');
      await waitForView(page, 'place');
      assert.equal(await hasHorizontalScroll(page), false, 'step 3 scrolls sideways');
      await page.click('#municipality-list a[data-choice]');
      await waitForView(page, 'results');
      assert.equal(await hasHorizontalScroll(page), false, 'results scroll sideways');
      await page.locator('[data-card] a[data-detail]').first().click();
      await waitForView(page, 'detail');
      assert.equal(await hasHorizontalScroll(page), false, 'detail scrolls sideways');
      await assertAccessible(page, 'detail at 360px');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  test('an empty result offers the broader search as a link', async (t) => {
    const { page } = browser;
    // Find a need+kind+municipality combination with no results but a broader suggestion.
    const muni = (await apiGet('/api/v1/municipalities')).municipalities;
    const front = await apiGet('/api/v1/activities?per_page=1');
    const need = Object.keys(front.facets.need)[0];
    const kind = taxonomies.kinds.map((k) => k.id).find((k) => !(k in (front.facets.kind || {}))) || taxonomies.kinds[0].id;
    let found = null;
    for (const m of muni.slice(0, 60)) {
      const res = await apiGet(`/api/v1/activities?need=${need}&kind=${kind}&municipality=${m.code}&per_page=1`);
      if (res.total === 0 && res.broader && res.broader.total > 0) { found = { m: m.code, broader: res.broader }; break; }
    }
    if (!found) {
      t.skip('no empty search with a broader suggestion found in this data set');
      return;
    }
    await page.goto(url(`/?lang=fi&need=${need}&kind=${kind}&municipality=${found.m}`));
    await waitForView(page, 'results');
    const link = page.locator('a[data-broader]');
    assert.equal(await link.getAttribute('data-broader'), found.broader.drop);
    await assertAccessible(page, 'empty results');
    await link.click();
    await waitForView(page);
    assert.notEqual(await page.getAttribute('#view', 'data-view'), 'error');
  });

  test('API errors are shown politely; 503 asks to try again', async () => {
    const { page } = browser;
    const isSearch = (u) => u.pathname === '/api/v1/activities';
    const fail = (status, code, message) => (route) => route.fulfill({
      status,
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify({ error: { status, code, message } }),
    });
    await page.route(isSearch, fail(503, 'unavailable', 'directory did not answer in time'));
    try {
      await page.goto(url('/?lang=fi&need=memory'));
      await waitForView(page, 'error');
      const alert = page.locator('[role="alert"]');
      assert.ok((await alert.innerText()).includes('Palvelu on hetken tavoittamattomissa, yritä uudelleen'));
      await assertAccessible(page, 'a 503 error');
    } finally {
      await page.unroute(isSearch);
    }
    // The retry button renders the view again once the API answers.
    await page.locator('[role="alert"] button').click();
    await waitForView(page, 'kind');

    await page.route(isSearch, fail(400, 'invalid_parameter', "unknown municipality code '999'"));
    try {
      await page.goto(url('/?lang=sv&need=memory&kind=peer-support&municipality=999'));
      await waitForView(page, 'error');
      const text = await page.locator('[role="alert"]').innerText();
      assert.ok(text.includes("unknown municipality code '999'"), text);
      assert.ok(text.includes('Uppgifterna kunde inte hämtas'), text);
      await assertAccessible(page, 'a 400 error (sv)');
    } finally {
      await page.unroute(isSearch);
    }
  });
  test('pagination and the back link on the detail page', async (t) => {
    const { page } = browser;
    const all = await apiGet('/api/v1/activities?per_page=20');
    await page.goto(url('/?lang=fi&need=all&kind=all&municipality=all'));
    await waitForView(page, 'results');
    assert.equal(Number(await page.getAttribute('#result-summary', 'data-total')), all.total);
    if (all.total > 20) {
      await assertAccessible(page, 'results with pagination');
      await page.click('nav.pagination a[rel="next"]');
      await waitForView(page, 'results');
      await focusedIsHeading(page);
      assert.equal(new URL(page.url()).searchParams.get('page'), '2');
      const second = await apiGet('/api/v1/activities?per_page=20&page=2');
      assert.equal(await page.locator('[data-card]').count(), second.items.length);
      assert.equal((await page.locator('[data-card] h2').first().innerText()).trim(), second.items[0].name);
      await page.click('nav.pagination a[rel="prev"]');
      await waitForView(page, 'results');
      assert.equal(new URL(page.url()).searchParams.get('page'), null);
    } else {
      t.diagnostic('fewer than 21 activities: pagination not exercised');
    }
    // Detail → "back to results" link returns to the same results.
    const before = page.url();
    await page.locator('[data-card] a[data-detail]').first().click();
    await waitForView(page, 'detail');
    await page.click('a[data-back]');
    await waitForView(page, 'results');
    assert.equal(page.url(), before);
    // A detail link opened on its own (shared/bookmarked) renders too.
    const id = all.items[0].id;
    await page.goto(url(`/?lang=en&activity=${encodeURIComponent(id)}`));
    await waitForView(page, 'detail');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal((await page.locator('main h1').innerText()).trim(), all.items[0].name);
    await page.click('a[data-back]');
    await waitForView(page, 'front');
  });

  test('an unknown activity id shows a polite not-found page', async () => {
    const { page } = browser;
    await page.goto(url('/?lang=fi&activity=00000000-0000-4000-8000-ffffffffffff'));
    await waitForView(page, 'detail');
    assert.ok((await page.locator('#view').innerText()).includes('Toimintaa ei löytynyt'));
    await assertAccessible(page, 'detail not found');
  });
});
