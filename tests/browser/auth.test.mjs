// Signing in by e-mail link in the browser (docs/identity.md, issue 12): an association
// editor asks for a link on signin.html, the link comes from the mail catcher, link.html's
// button signs them in and the header shows them; the same link again is "used"; an
// expired link is "expired"; a wrong one "invalid"; the sixth request within 15 minutes
// gets the wait; the editors' page invites and removes an editor; signing out on every
// device ends the account's other sessions. Keyboard only where a user would type.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, url, linkToken, loginToken, mailFor, lastMailId, psql, signInAs, pageSession, until, tabTo,
} from './browser.mjs';

const EDITOR = 'toimitus@mielenterveysseura.example.org';

describe('sign-in by e-mail link', () => {
  let browser;
  let link; // the link from the mail catcher
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    if (browser) await browser.close();
  });

  test('an editor asks for a link on signin.html by keyboard, opens it from the mail and lands signed in', async () => {
    const { page } = browser;
    const after = await lastMailId(EDITOR);
    await page.goto(url('/signin.html?lang=fi&return=%2Feditors.html'));
    await page.waitForSelector('#view[data-ready="true"]', { state: 'attached' });
    assert.equal((await page.locator('main h1').innerText()).trim(), 'Kirjaudu sisään');
    await tabTo(page, '#email');
    await page.keyboard.type(EDITOR);
    await page.keyboard.press('Enter');
    const sent = page.locator('[data-sent]');
    await sent.waitFor();
    assert.match(await sent.innerText(), /Jos osoite .* on tiedossamme.*15 minuuttia/s);
    assert.equal(await page.evaluate(() => document.activeElement.closest('[data-sent]') !== null), true, 'the focus moves to the confirmation');

    const mail = await mailFor(EDITOR, { after });
    const token = linkToken(mail.text);
    assert.ok(token, `a link in the mail's text part:\n${mail.text}`);
    link = `/link.html#${token}`;
    await page.goto(url(link));
    await page.waitForSelector('#view[data-state="ready"]', { state: 'attached' });
    assert.equal(new URL(page.url()).hash, '', 'the token is taken out of the address');
    assert.equal(await page.evaluate(() => history.length >= 1 && !location.href.includes('#')), true);
    await tabTo(page, '[data-signin-button]');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/editors.html');
    await page.locator('#account nav[data-signed-in="true"]').waitFor();
    const s = await pageSession(page);
    assert.equal(s.signed_in, true);
    assert.equal(s.account.email, EDITOR);
    assert.equal(await page.locator('#account [data-account-name]').innerText(), s.account.name || EDITOR, 'the header names the editor');
    assert.equal(await page.locator('#account [data-role]').getAttribute('data-role'), 'editor');
    assert.match(await page.locator('#account').innerText(), /järjestön toimittaja[^]*Omat järjestöt[^]*Kirjaudu ulos/);
    assert.deepEqual(browser.problems, []);
  });

  test('the same link again shows the "used" page with a way to ask for a new one', async () => {
    assert.ok(link, 'the first test got a link');
    const { page } = browser;
    await page.goto(url(link.replace('/link.html', '/link.html?lang=fi')));
    await page.click('[data-signin-button]');
    await page.waitForSelector('#view[data-state="used"]', { state: 'attached' });
    assert.equal((await page.locator('main h1').innerText()).trim(), 'Linkki on jo käytetty');
    assert.match(await page.locator('main').innerText(), /Pyydä uusi kirjautumislinkki/);
    const href = await page.locator('[data-new-link]').getAttribute('href');
    assert.match(href, /^\/signin\.html\?lang=fi/);
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1', 'the focus moves to the outcome');
  });

  test('an expired link shows the "expired" page', async () => {
    const { page } = browser;
    const token = loginToken(EDITOR);
    // Every unused link of the address ends in the past (the newest is this one).
    const n = psql(`UPDATE login_links SET created_at = now() - interval '30 minutes', expires_at = now() - interval '15 minutes' WHERE email = '${EDITOR}' AND used_at IS NULL AND expires_at > now() RETURNING 1`);
    assert.ok(n.split('\n').filter(Boolean).length >= 1, 'the link was found');
    await page.goto(url(`/link.html?lang=en#${token}`));
    await page.click('[data-signin-button]');
    await page.waitForSelector('#view[data-state="expired"]', { state: 'attached' });
    assert.equal((await page.locator('main h1').innerText()).trim(), 'This link has expired');
    assert.match(await page.locator('main').innerText(), /15 minutes/);
  });

  test('no token, or one the directory does not know, shows the "invalid" page', async () => {
    const { page } = browser;
    await page.goto(url('/link.html?lang=sv'));
    await page.waitForSelector('#view[data-state="invalid"]', { state: 'attached' });
    assert.equal((await page.locator('main h1').innerText()).trim(), 'Länken duger inte');
    // A second link opened on the same page (only the fragment changes) is read too.
    await page.evaluate((t) => { location.hash = t; }, 'A'.repeat(43));
    await page.click('[data-signin-button]');
    await page.waitForSelector('#view[data-state="invalid"]', { state: 'attached' });
  });

  test('the editor sees their organisation, invites another editor and removes them', async () => {
    const { page } = browser;
    await signInAs(page, EDITOR);
    await page.goto(url('/editors.html?lang=fi'));
    const section = page.locator('[data-org]').first();
    await section.waitFor();
    assert.ok(await section.locator(`tr[data-email="${EDITOR}"]`).count(), 'the editor is listed');
    const other = `uusi.toimittaja.${Date.now()}@mielenterveysseura.example.org`;
    await section.locator('input[type="email"]').fill(other);
    await section.locator('input[name="name"]').fill('Uusi Toimittaja');
    await section.locator('form button[type="submit"]').click();
    const row = section.locator(`tr[data-email="${other}"]`);
    await row.waitFor();
    assert.match(await section.locator('[role="status"]').innerText(), new RegExp(`Kutsu lähetettiin osoitteeseen ${other.replace(/[.+]/g, '\\$&')}`));
    const mail = await mailFor(other);
    assert.ok(linkToken(mail.text), 'the invitation carries a sign-in link');
    await row.locator('button[data-remove]').click();
    await row.waitFor({ state: 'detached' });
    assert.deepEqual(browser.problems, []);
  });

  test('signing out on every device ends the sessions of the account elsewhere too', async () => {
    const other = await launch();
    try {
      await signInAs(browser.page, EDITOR);
      await signInAs(other.page, EDITOR, { lang: 'en' });
      assert.equal((await pageSession(other.page)).signed_in, true);
      const { page } = browser;
      await page.locator('#account a[data-account-name]').click();
      await page.waitForURL((u) => u.pathname === '/account.html');
      await page.locator('[data-signout-everywhere]').click();
      await page.waitForURL((u) => u.pathname === '/signin.html');
      assert.equal(await page.locator('[data-signed-out="all"]').innerText(), 'Olet kirjautunut ulos kaikilta laitteilta.');
      assert.equal((await pageSession(page)).signed_in, false);
      assert.equal((await pageSession(other.page)).signed_in, false, 'the other device is signed out too');
      await other.page.goto(url('/editors.html?lang=en'));
      await other.page.locator('[data-gate="signin"]').waitFor();
    } finally {
      await other.close();
    }
  });

  test('the sixth request for one address within 15 minutes tells how long to wait', async () => {
    const { page } = browser;
    const address = `rajoitus.${Date.now()}@example.org`;
    await page.goto(url('/signin.html?lang=fi'));
    let alert = null;
    for (let i = 0; i < 8 && !alert; i++) {
      await page.fill('#email', address);
      await page.click('[data-send]');
      const outcome = await until(async () => {
        if (await page.locator('[data-sent]').count()) return 'sent';
        if (await page.locator('[data-alert]').count()) return page.locator('[data-alert]').getAttribute('data-alert');
        return null;
      }, { timeout: 10000, what: 'an answer to the request' });
      if (outcome === 'sent') {
        assert.ok(i < 5, `request ${i + 1} was accepted`);
        await page.click('[data-again]');
      } else {
        alert = outcome;
        assert.equal(i, 5, 'the sixth request is the first one refused');
      }
    }
    assert.equal(alert, 'throttled');
    assert.match(await page.locator('[data-alert]').innerText(), /Yritä uudelleen \d+ (minuutin|sekunnin) kuluttua/);
  });
});
