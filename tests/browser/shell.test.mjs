// Phase 1: the page shell — Finnish first, language switch, landmarks, skip link,
// keyboard focus, 360 px width, zero axe (WCAG 2.1 A/AA) violations; the header's
// account slot (issue 12), which the search never waits for.
//   TARJOTIN_URL=http://127.0.0.1:18080 node --test tests/browser/
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, url, waitForView, assertAccessible, hasHorizontalScroll } from './browser.mjs';

const EXPECT = {
  fi: { h1: 'Järjestöjen toimintaa asiakkaallesi', skip: 'Siirry pääsisältöön', name: 'Suomi' },
  sv: { h1: 'Organisationernas verksamhet för din klient', skip: 'Gå till huvudinnehållet', name: 'Svenska' },
  en: { h1: 'Voluntary-sector activities for your client', skip: 'Skip to main content', name: 'English' },
};

// Hooks live inside describe(): Node 18 does not run top-level before()/after().
describe('page shell', () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    if (browser) await browser.close();
  });

  async function fresh(path = '/') {
    const { page } = browser;
    await page.goto(url(path));
    // Forget a remembered language so every test starts from the default.
    await page.evaluate(() => localStorage.clear());
    await page.goto(url(path));
    await waitForView(page);
    return page;
  }

  async function h1Text(page) {
    return (await page.locator('main h1').first().innerText()).trim();
  }

  test('front page is Finnish first and accessible', async () => {
    const page = await fresh('/');
    assert.equal(await page.getAttribute('html', 'lang'), 'fi');
    assert.equal(await h1Text(page), EXPECT.fi.h1);
    assert.match(await page.title(), /Tarjotin/);
    // Landmarks: exactly one banner, main and contentinfo; navigation present.
    assert.equal(await page.locator('header.site-header').count(), 1);
    assert.equal(await page.locator('main#main').count(), 1);
    assert.equal(await page.locator('footer').count(), 1);
    assert.ok((await page.locator('nav').count()) >= 1);
    assert.equal(await page.locator('.lang-switch a[aria-current="true"]').innerText(), 'Suomi');
    await assertAccessible(page, 'front page (fi)');
    assert.deepEqual(browser.problems, []);
  });

  for (const [lang, how] of [['sv', 'keyboard'], ['en', 'click']]) {
    test(`language switch to ${lang} by ${how}`, async () => {
      const page = await fresh('/');
      const link = page.locator(`.lang-switch a[data-lang="${lang}"]`);
      if (how === 'keyboard') {
        await link.focus();
        await page.keyboard.press('Enter');
      } else {
        await link.click();
      }
      await page.waitForFunction((l) => document.documentElement.lang === l, lang);
      await waitForView(page);
      await page.waitForFunction((t) => document.querySelector('main h1')?.textContent.trim() === t, EXPECT[lang].h1);
      assert.equal(await h1Text(page), EXPECT[lang].h1);
      assert.equal(await page.locator('.skip-link').innerText(), EXPECT[lang].skip);
      assert.equal(await page.locator('.lang-switch a[aria-current="true"]').innerText(), EXPECT[lang].name);
      assert.equal(new URL(page.url()).searchParams.get('lang'), lang);
      // Focus stays on the switch, so a keyboard user is not thrown around.
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.lang), lang);
      await assertAccessible(page, `front page (${lang})`);

      // Remembered: a plain visit to / comes back in the chosen language.
      await page.goto(url('/'));
      await waitForView(page);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      assert.equal(await h1Text(page), EXPECT[lang].h1);

      // And back to Finnish.
      await page.locator('.lang-switch a[data-lang="fi"]').click();
      await page.waitForFunction(() => document.documentElement.lang === 'fi');
      await page.waitForFunction((t) => document.querySelector('main h1')?.textContent.trim() === t, EXPECT.fi.h1);
      assert.deepEqual(browser.problems, []);
    });
  }

  test('?lang= in the URL wins', async () => {
    const page = await fresh('/?lang=sv');
    assert.equal(await page.getAttribute('html', 'lang'), 'sv');
    assert.equal(await h1Text(page), EXPECT.sv.h1);
    await page.goto(url('/?lang=xx'));
    await waitForView(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'sv', 'unknown lang falls back to the remembered one');
  });

  test('skip link is the first tab stop and moves focus to main', async () => {
    const page = await fresh('/');
    await page.locator('body').focus().catch(() => {});
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => ({ cls: document.activeElement?.className, text: document.activeElement?.textContent.trim() }));
    assert.match(first.cls || '', /skip-link/);
    assert.equal(first.text, EXPECT.fi.skip);
    // Visible when focused.
    const box = await page.locator('.skip-link').boundingBox();
    assert.ok(box && box.y >= 0 && box.height > 10, 'skip link is visible on focus');
    // A visible focus indicator.
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement && document.activeElement.closest('main'));
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    // The next tab stop is inside main.
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => Boolean(document.activeElement.closest('main'))), 'next tab stop is inside main');
  });

  // Issue 12: the header names who is signed in, but the public search never waits for
  // the session: with GET /api/v1/session held back, the front page is ready, the account
  // slot (of fixed height) is empty, and it fills in without moving anything when the
  // session is let through; the sign-in link follows the language.
  test('the search does not wait for the session; the header fills in in place', async () => {
    const page = await fresh('/');
    const held = [];
    await page.route('**/api/v1/session', (r) => held.push(r));
    try {
      await page.goto(url('/?lang=sv'));
      await waitForView(page, 'front');
      await page.waitForFunction(() => document.querySelectorAll('.need-choices a').length > 0);
      assert.equal(await page.locator('#account nav').count(), 0, 'the slot waits for the session');
      const before = await page.evaluate(() => [document.querySelector('.account-bar').getBoundingClientRect().height,
        document.querySelector('main').getBoundingClientRect().top]);
      assert.ok(held.length >= 1, 'the session was asked for at once');
      for (const r of held.splice(0)) await r.continue();
      await page.unroute('**/api/v1/session');
      const link = page.locator('#account a[data-signin]');
      await link.waitFor();
      assert.equal(await link.innerText(), 'Logga in');
      assert.match(await link.getAttribute('href'), /^\/signin\.html\?lang=sv/);
      const afterwards = await page.evaluate(() => [document.querySelector('.account-bar').getBoundingClientRect().height,
        document.querySelector('main').getBoundingClientRect().top]);
      assert.deepEqual(afterwards, before, 'the header keeps its height');
      await assertAccessible(page, 'front page with the account bar (sv)');
    } finally {
      await page.unroute('**/api/v1/session').catch(() => {});
    }
    assert.deepEqual(browser.problems, []);
  });

  test('usable at 360 px: no horizontal scroll, all three languages', async () => {
    const page = await fresh('/');
    await page.setViewportSize({ width: 360, height: 740 });
    for (const lang of ['fi', 'sv', 'en']) {
      await page.goto(url(`/?lang=${lang}`));
      await waitForView(page);
      assert.equal(await hasHorizontalScroll(page), false, `horizontal scroll at 360px (${lang})`);
      await assertAccessible(page, `front page at 360px (${lang})`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
