// The administrators' messages page (/admin-messages.html): signing in with
// the interim admin token, the message list, a wrong token, in Finnish,
// Swedish and English, zero axe (WCAG 2.1 A/AA) violations on both views,
// and no sideways scrolling at 360 px.
//   TARJOTIN_STACK_DIR (make test) or TARJOTIN_ADMIN_TOKEN gives the token.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, url, assertAccessible, hasHorizontalScroll } from './browser.mjs';

/** The stack's admin token: from the environment or the stack's env file. */
function adminToken() {
  if (process.env.TARJOTIN_ADMIN_TOKEN) return process.env.TARJOTIN_ADMIN_TOKEN;
  const dir = process.env.TARJOTIN_STACK_DIR;
  if (!dir) throw new Error('set TARJOTIN_STACK_DIR or TARJOTIN_ADMIN_TOKEN (make test does)');
  const line = fs.readFileSync(path.join(dir, 'env'), 'utf8').split('\n')
    .find((l) => l.startsWith('TARJOTIN_ADMIN_TOKEN='));
  if (!line) throw new Error(`no TARJOTIN_ADMIN_TOKEN in ${dir}/env`);
  return line.slice('TARJOTIN_ADMIN_TOKEN='.length).trim();
}

const H1 = { fi: 'Viestit', sv: 'Meddelanden', en: 'Messages' };

describe('admin messages page', () => {
  let browser;
  let narrow;
  before(async () => {
    browser = await launch();
    narrow = await launch({ viewport: { width: 360, height: 740 } });
  });
  after(async () => {
    if (browser) await browser.close();
    if (narrow) await narrow.close();
  });

  async function open(b, lang) {
    const { page } = b;
    await page.goto(url(`/admin-messages.html?lang=${lang}`));
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(url(`/admin-messages.html?lang=${lang}`));
    await page.waitForSelector('#login:not([hidden])');
    return page;
  }

  async function signIn(page, token) {
    await page.fill('#token', token);
    await page.keyboard.press('Enter');
  }

  for (const lang of ['fi', 'sv', 'en']) {
    test(`sign in and the message list (${lang}), accessible`, async () => {
      const page = await open(browser, lang);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      assert.equal((await page.locator('main h1').innerText()).trim(), H1[lang]);
      await assertAccessible(page, `admin sign-in (${lang})`);

      await signIn(page, adminToken());
      await page.waitForSelector('#app:not([hidden])');
      // The list has loaded: a row per message, or the one "none" row.
      await page.waitForFunction(() => document.querySelectorAll('#messages tbody tr').length > 0
        && document.querySelector('#status').textContent.length > 0);
      assert.equal(await page.locator('#login').isHidden(), true);
      await assertAccessible(page, `admin message list (${lang})`);
      assert.deepEqual(browser.problems, []);
    });
  }

  test('a wrong token is refused with a message, and the sign-in form comes back', async () => {
    const page = await open(browser, 'en');
    await signIn(page, 'not-the-token');
    await page.waitForFunction(() => /not valid/.test(document.querySelector('#status').textContent));
    await page.waitForSelector('#login:not([hidden])');
    assert.equal(await page.locator('#app').isHidden(), true);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('tj.admin')), null);
  });

  test('at 360 px wide neither view scrolls sideways', async () => {
    const page = await open(narrow, 'fi');
    assert.equal(await hasHorizontalScroll(page), false, 'sign-in view');
    await signIn(page, adminToken());
    await page.waitForSelector('#app:not([hidden])');
    await page.waitForFunction(() => document.querySelectorAll('#messages tbody tr').length > 0);
    assert.equal(await hasHorizontalScroll(page), false, 'message list');
    await assertAccessible(page, 'admin message list at 360 px');
  });
});
