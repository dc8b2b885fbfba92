// The identity pages (issue 12) pass axe-core (WCAG 2.1 A/AA) with zero violations in
// Finnish, Swedish and English, at desktop width and at 360 px (where they must not scroll
// sideways): signin.html (and its error, confirmation and throttled states), link.html in
// every state, the administration pages and their gate, the editors' page, the account
// page. The link
// page's outcomes come from answers the test gives in place of the gateway's (the real
// ones are auth.test.mjs's); everything else is the real stack.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, url, assertAccessible, hasHorizontalScroll, signInAs } from './browser.mjs';

const LANGS = ['fi', 'sv', 'en'];
const ADMIN = 'koordinaattori@hyvinvointialue.example.org';
const EDITOR = 'vapaaehtoiset@savonjarjestot.example.org';
const TOKEN = 'x'.repeat(43);
const OUTCOMES = {
  used: [410, 'link_used'], expired: [410, 'link_expired'], invalid: [400, 'link_invalid'],
  disabled: [403, 'account_disabled'], error: [503, 'unavailable'],
};
const WIDTHS = { desktop: { width: 1280, height: 900 }, narrow: { width: 360, height: 740 } };

for (const [device, viewport] of Object.entries(WIDTHS)) {
  describe(`identity pages, axe and layout, ${device}`, () => {
    let browser;
    before(async () => {
      browser = await launch({ viewport });
    });
    after(async () => {
      if (browser) await browser.close();
    });

    async function check(where) {
      const { page } = browser;
      await assertAccessible(page, `${where} (${device})`);
      assert.equal(await hasHorizontalScroll(page), false, `${where} scrolls sideways at ${viewport.width} px`);
    }

    async function open(path, lang, ready = '#view[data-ready="true"]') {
      const { page } = browser;
      await page.goto(url(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`));
      await page.waitForSelector(ready, { state: 'attached' });
      await page.waitForSelector('#account nav', { state: 'attached' });
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      return page;
    }

    test(`signin.html: both ways, an error, the confirmation and the wait (fi, sv, en), ${device}`, async () => {
      for (const lang of LANGS) {
        let page = await open('/signin.html', lang, '#view[data-providers="ready"]');
        await check(`signin.html (${lang})`);
        await page.click('[data-send]'); // empty: the field's error
        await page.locator('#email[aria-invalid="true"]').waitFor();
        assert.equal(await page.locator('#email-error').isVisible(), true);
        assert.match(await page.getAttribute('#email', 'aria-describedby'), /email-error/);
        await check(`signin.html with a field error (${lang})`);
        await page.fill('#email', `nobody.${lang}.${device}.${Date.now()}@example.org`);
        await page.keyboard.press('Enter');
        await page.locator('[data-sent]').waitFor();
        await check(`signin.html, link requested (${lang})`);

        page = await open('/signin.html?error=no_user_site', lang, '#view[data-providers="ready"]');
        await check(`signin.html?error=no_user_site (${lang})`);

        await page.route('**/api/v1/auth/email-link', (r) => r.fulfill({
          status: 429, headers: { 'Retry-After': '540', 'Content-Type': 'application/json' },
          body: JSON.stringify({ error: { status: 429, code: 'too_many_requests', message: 'too many' } }),
        }));
        await page.fill('#email', 'someone@example.org');
        await page.click('[data-send]');
        await page.locator('[data-alert="throttled"]').waitFor();
        assert.match(await page.locator('[data-alert]').innerText(), /9/);
        await check(`signin.html, throttled (${lang})`);
        await page.unroute('**/api/v1/auth/email-link');
      }
      assert.deepEqual(browser.problems, []);
    });

    test(`link.html in every state (fi, sv, en), ${device}`, async () => {
      const { page } = browser;
      for (const lang of LANGS) {
        await page.goto(url(`/link.html?lang=${lang}`));
        await page.waitForSelector('#view[data-state="invalid"]', { state: 'attached' });
        await check(`link.html without a token (${lang})`);
        for (const [state, [status, code]] of Object.entries(OUTCOMES)) {
          await page.route('**/api/v1/auth/link', (r) => r.fulfill({
            status, contentType: 'application/json',
            body: JSON.stringify({ error: { status, code, message: code } }),
          }));
          await page.goto(url(`/link.html?lang=${lang}&s=${state}#${TOKEN}`));
          await page.waitForSelector('#view[data-state="ready"]', { state: 'attached' });
          if (state === 'used') await check(`link.html, ready (${lang})`);
          await page.click('[data-signin-button]');
          await page.waitForSelector(`#view[data-state="${state}"]`, { state: 'attached' });
          await check(`link.html, ${state} (${lang})`);
          await page.unroute('**/api/v1/auth/link');
        }
      }
      assert.deepEqual(browser.problems, []);
    });

    test(`the administration pages' gate, anonymous and as an editor (fi, sv, en), ${device}`, async () => {
      const { context } = browser;
      await context.clearCookies();
      for (const lang of LANGS) {
        const page = await open('/admin.html', lang);
        assert.equal(await page.locator('[data-gate="signin"]').count(), 1);
        await check(`admin.html, not signed in (${lang})`);
        await open('/editors.html', lang);
        assert.equal(await page.locator('[data-gate="signin"]').count(), 1);
        await check(`editors.html, not signed in (${lang})`);
        await open('/account.html', lang);
        assert.equal(await page.locator('[data-gate="signin"]').count(), 1);
      }
      await signInAs(browser.page, EDITOR);
      for (const lang of LANGS) {
        const page = await open('/admin-accounts.html', lang);
        assert.equal(await page.locator('[data-gate="forbidden"]').count(), 1);
        await check(`admin-accounts.html as an editor (${lang})`);
      }
    });

    test(`the editors' page and the account page (fi, sv, en), ${device}`, async () => {
      await signInAs(browser.page, EDITOR);
      for (const lang of LANGS) {
        let page = await open('/editors.html', lang);
        assert.equal(await page.locator('[data-org]').count(), 2, 'the editor of two organisations sees both');
        await page.locator('[data-org] [data-editors][data-loaded]').first().waitFor({ state: 'attached' });
        await check(`editors.html (${lang})`);
        page = await open('/account.html', lang);
        await page.locator('[data-signout-everywhere]').waitFor();
        await check(`account.html (${lang})`);
      }
      assert.deepEqual(browser.problems, []);
    });

    test(`the administration pages as an admin (fi, sv, en), ${device}`, async () => {
      await signInAs(browser.page, ADMIN);
      for (const lang of LANGS) {
        let page = await open('/admin.html', lang);
        await page.locator('#sites-list[data-loaded]').waitFor({ state: 'attached' });
        await check(`admin.html (${lang})`);
        await page.locator('#site-editor summary').click();
        await check(`admin.html, the form open (${lang})`);

        page = await open('/admin-accounts.html', lang);
        await page.locator('#accounts-list[data-loaded]').waitFor({ state: 'attached' });
        await check(`admin-accounts.html (${lang})`);
        await page.locator('#account-editor summary').click();
        await page.selectOption('#acc-role', 'editor');
        await check(`admin-accounts.html, the invitation form (${lang})`);

        page = await open('/admin-audit.html', lang);
        await page.locator('#audit-list[data-loaded]').waitFor({ state: 'attached' });
        await check(`admin-audit.html (${lang})`);

        page = await open('/admin-messages.html', lang);
        await page.waitForFunction(() => document.querySelectorAll('#messages tbody tr').length > 0);
        await check(`admin-messages.html (${lang})`);
      }
      assert.deepEqual(browser.problems, []);
    });
  });
}
