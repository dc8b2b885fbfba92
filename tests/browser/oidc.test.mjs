// Signing in through the county's OpenID provider in Chromium (docs/identity.md, issue 12):
// the real authorization code flow with PKCE against deploy/oidc-dev on loopback. From a
// search page, the header's "Kirjaudu sisään", the provider's button on signin.html (by
// keyboard), the provider's own login form, back to the search page signed in, the header
// naming the professional; then signing out.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, url, waitForView, pageSession, stackEnv, tabTo } from './browser.mjs';

const NURSE = { email: 'hoitaja@kuopio-terveys.example.org', password: 'demo-hoitaja' };

describe('sign-in with OpenID Connect', () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    if (browser) await browser.close();
  });

  test('a professional signs in through the provider and lands signed in on the page they came from', async () => {
    const { page } = browser;
    const issuer = new URL(stackEnv().TARJOTIN_OIDC_POHJOIS_SAVO_ISSUER);
    const from = '/?lang=fi&q=muisti';
    await page.goto(url(from));
    await waitForView(page);
    const signin = page.locator('#account a[data-signin]');
    await signin.waitFor();
    await signin.click();
    await page.waitForURL((u) => u.pathname === '/signin.html');
    assert.equal(new URL(page.url()).searchParams.get('return'), from, 'signin.html knows where to come back to');

    // The provider's button, by keyboard.
    const button = page.locator('a[data-provider="pohjois-savo"]');
    await button.waitFor();
    assert.equal((await button.innerText()).replace(/\s+/g, ' ').trim(), 'Kirjaudu: Pohjois-Savon hyvinvointialue');
    await tabTo(page, 'a[data-provider="pohjois-savo"]');
    await page.keyboard.press('Enter');

    // The provider's own login form (another origin: its port on loopback).
    await page.waitForURL((u) => u.origin === issuer.origin);
    await page.fill('#email', NURSE.email);
    await page.fill('#password', NURSE.password);
    await page.click('button[type="submit"]');

    await page.waitForURL((u) => u.origin === new URL(url('/')).origin && u.pathname === '/' && u.search === '?lang=fi&q=muisti');
    await waitForView(page);
    await page.locator('#account nav[data-signed-in="true"]').waitFor();
    const s = await pageSession(page);
    assert.equal(s.signed_in, true);
    assert.equal(s.account.email, NURSE.email);
    assert.equal(s.account.role, 'professional');
    assert.equal(s.account.user_site?.name, 'Kuopion Kalevan terveysasema');
    assert.equal(await page.locator('#account [data-account-name]').innerText(), s.account.name || NURSE.email);
    assert.match(await page.locator('#account').innerText(), /ammattilainen/);
    assert.equal(await page.locator('#account [data-own-pages]').count(), 0, 'a professional has no admin or editor link');
    // The search is the same search: still open, the same view.
    assert.equal(await page.locator('#view').getAttribute('data-view'), 'kind');
    assert.deepEqual(browser.problems, []);
  });

  test('signing out ends the session and says so', async () => {
    const { page } = browser;
    await page.locator('#account [data-signout]').waitFor();
    await tabTo(page, '#account [data-signout]');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/signin.html');
    await page.locator('[data-signed-out]').waitFor();
    assert.match(await page.locator('[data-signed-out]').innerText(), /Olet kirjautunut ulos/);
    await page.locator('#account a[data-signin]').waitFor();
    const s = await pageSession(page);
    assert.equal(s.signed_in, false);
    // The search page is anonymous again.
    await page.goto(url('/?lang=fi'));
    await waitForView(page, 'front');
    await page.locator('#account a[data-signin]').waitFor();
    assert.deepEqual(browser.problems, []);
  });

  test('a refused sign-in comes back to signin.html with its reason', async () => {
    const { page } = browser;
    for (const [code, text] of [['no_user_site', /toimipistettä/], ['state', /Aloita kirjautuminen uudelleen/], ['oidc_failed', /epäonnistui/], ['account_disabled', /poistettu käytöstä/]]) {
      await page.goto(url(`/signin.html?lang=fi&error=${code}`));
      const box = page.locator(`[data-error="${code}"]`);
      await box.waitFor();
      assert.equal(await box.getAttribute('role'), 'alert');
      assert.match(await box.innerText(), text);
    }
  });
});
