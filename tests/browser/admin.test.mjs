// The administration pages, signed in as the demo admin through a one-time link
// (tarjotin-admin login-link): a user site created and edited, an account invited,
// found by role and search, disabled and enabled again, made an editor, the audit log filtered and paged
// back (with next_before), the messages page (the interim admin token is gone: it is the session now).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, url, signInAs, mailFor, linkToken, loginToken, hasHorizontalScroll } from './browser.mjs';

const ADMIN = 'koordinaattori@hyvinvointialue.example.org';
const H1 = { fi: 'Viestit', sv: 'Meddelanden', en: 'Messages' };
const stamp = Date.now().toString(36);

describe('administration pages', () => {
  let browser;
  const site = { name: `Testin terveysasema ${stamp}`, domain: `t${stamp}.example.org` };
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    if (browser) await browser.close();
  });

  test('not signed in, an administration page says so and links to sign-in', async () => {
    const { page } = browser;
    await page.goto(url('/admin-messages.html?lang=fi'));
    const gate = page.locator('[data-gate="signin"]');
    await gate.waitFor();
    assert.match(await gate.innerText(), /vain ylläpitäjille/);
    const href = await gate.locator('a').getAttribute('href');
    assert.equal(new URL(href, url('/')).searchParams.get('return'), '/admin-messages.html?lang=fi');
    assert.equal(await page.locator('#send-form').count(), 0, 'nothing of the page proper');
  });

  test('the admin signs in; the header links to the administration', async () => {
    const { page } = browser;
    await signInAs(page, ADMIN);
    const own = page.locator('#account a[data-own-pages]');
    assert.equal(await own.innerText(), 'Ylläpito');
    await own.click();
    await page.waitForURL((u) => u.pathname === '/admin.html');
    await page.locator('#sites-list[data-loaded]').waitFor({ state: 'attached' });
    assert.equal(await page.locator('.page-nav a[aria-current="page"]').innerText(), 'Toimipisteet');
  });

  test('a user site is created and then edited', async () => {
    const { page } = browser;
    await page.goto(url('/admin.html?lang=fi'));
    await page.locator('#sites-list[data-loaded]').waitFor({ state: 'attached' });
    assert.ok(await page.locator('#sites-list tr[data-site]').count() >= 3, 'the demo sites are listed');
    await page.locator('#site-editor summary').click();
    await page.fill('#site-name', site.name);
    await page.selectOption('#site-county', 'PS');
    await page.fill('#site-domains', `${site.domain.toUpperCase()}, www.${site.domain}`);
    await page.selectOption('#site-idp', '');
    await page.click('#site-form button[type="submit"]');
    const row = page.locator('#sites-list tr[data-site]', { hasText: site.name });
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`${site.domain}, www\\.${site.domain}`));
    assert.match(await page.locator('#sites-status').innerText(), /lisättiin/);

    await row.locator('button').click();
    assert.equal(await page.inputValue('#site-name'), site.name);
    site.name += ' (muokattu)';
    await page.fill('#site-name', site.name);
    await page.selectOption('#site-idp', 'pohjois-savo');
    await page.fill('#site-group', 'tarjotin-testi');
    await page.click('#site-form button[type="submit"]');
    const edited = page.locator('#sites-list tr[data-site]', { hasText: site.name });
    await edited.waitFor();
    assert.match(await edited.innerText(), /Pohjois-Savon hyvinvointialue[^]*tarjotin-testi/);
  });

  test('a field the gateway refuses is shown next to the field', async () => {
    const { page } = browser;
    await page.goto(url('/admin.html?lang=en'));
    await page.locator('#sites-list[data-loaded]').waitFor({ state: 'attached' });
    await page.locator('#site-editor summary').click();
    await page.fill('#site-name', 'Bad domains');
    await page.selectOption('#site-county', 'PS');
    await page.fill('#site-domains', 'no-dot-here');
    await page.click('#site-form button[type="submit"]');
    await page.locator('#site-domains[aria-invalid="true"]').waitFor();
    assert.equal(await page.locator('#site-domains-error').isVisible(), true);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'site-domains');
  });

  test('an account is invited, found by role and name, disabled and enabled again', async () => {
    const { page } = browser;
    const email = `ammattilainen.${stamp}@${site.domain}`;
    await page.goto(url('/admin-accounts.html?lang=fi'));
    await page.locator('#accounts-list[data-loaded]').waitFor({ state: 'attached' });
    await page.locator('#account-editor summary').click();
    await page.fill('#acc-email', email);
    await page.fill('#acc-name', `Testi Ammattilainen ${stamp}`);
    await page.selectOption('#acc-role', 'professional');
    await page.selectOption('#acc-site', { label: site.name });
    await page.click('#account-form button[type="submit"]');
    await page.locator('#accounts-status', { hasText: email }).waitFor();
    const mail = await mailFor(email);
    assert.ok(linkToken(mail.text), 'the invitation carries a sign-in link');

    // The same address again: the account exists.
    await page.locator('#account-editor summary').click();
    await page.fill('#acc-email', email);
    await page.selectOption('#acc-role', 'professional');
    await page.selectOption('#acc-site', { label: site.name });
    await page.click('#account-form button[type="submit"]');
    await page.locator('#acc-email[aria-invalid="true"]').waitFor();
    assert.match(await page.locator('#acc-email-error').innerText(), /jo käyttäjätili/);

    const loads = Number(await page.locator('#accounts-list').getAttribute('data-loads'));
    await page.selectOption('#filter-role', 'professional');
    await page.fill('#filter-q', stamp);
    await page.click('#account-filters button[type="submit"]');
    await page.waitForFunction((k) => Number(document.querySelector('#accounts-list').dataset.loads) > k, loads);
    const row = page.locator(`#accounts-list tr[data-email="${email}"]`);
    await row.waitFor();
    assert.equal(await page.locator('#accounts-list tr[data-account]').count(), 1, 'the search finds just it');
    assert.match(await row.innerText(), new RegExp(`ammattilainen[^]*${site.name.replace(/[()]/g, '\\$&')}[^]*käytössä`));

    await row.locator('button[data-toggle="disable"]').click();
    await row.locator('button[data-toggle="enable"]').waitFor();
    assert.match(await row.innerText(), /poistettu käytöstä/);
    await row.locator('button[data-toggle="enable"]').click();
    await row.locator('button[data-toggle="disable"]').waitFor();

    // Its role changed: an editor of one organisation.
    await row.locator('button', { hasText: 'Muokkaa' }).click();
    assert.equal(await page.inputValue('#acc-email'), email);
    assert.equal(await page.locator('#acc-email').getAttribute('readonly'), '');
    await page.selectOption('#acc-role', 'editor');
    assert.equal(await page.locator('#acc-site').isVisible(), false, 'no user site for an editor');
    const org = page.locator('#acc-orgs input[type="checkbox"]').first();
    const orgName = (await page.locator('#acc-orgs label.check').first().innerText()).trim();
    await org.check();
    await page.click('#account-form button[type="submit"]');
    await page.locator('#accounts-status', { hasText: 'tallennettiin' }).waitFor();
    const n = Number(await page.locator('#accounts-list').getAttribute('data-loads'));
    await page.selectOption('#filter-role', 'editor');
    await page.click('#account-filters button[type="submit"]');
    await page.waitForFunction((k) => Number(document.querySelector('#accounts-list').dataset.loads) > k, n);
    const edited = page.locator(`#accounts-list tr[data-email="${email}"]`);
    assert.match(await edited.innerText(), /järjestön toimittaja/);
    assert.match(await edited.innerText(), new RegExp(orgName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });

  test('the audit log shows the writes with their actor, filtered by action, and pages back', async () => {
    const { page } = browser;
    await page.goto(url('/admin-audit.html?lang=fi'));
    await page.locator('#audit-list[data-loaded]').waitFor({ state: 'attached' });
    const times = await page.locator('#audit-list tr[data-audit]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.audit)));
    assert.ok(times.length > 0);
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');

    // Each search waits for its own answer (#audit-list[data-loads] counts them).
    const search = async (click) => {
      const n = Number(await page.locator('#audit-list').getAttribute('data-loads'));
      await click();
      await page.waitForFunction((k) => Number(document.querySelector('#audit-list').dataset.loads) > k, n);
    };
    await search(async () => {
      await page.selectOption('#audit-action', 'user_site.create');
      await page.click('#audit-filters button[type="submit"]');
    });
    const actions = await page.locator('#audit-list tr[data-audit]').evaluateAll((rows) => rows.map((r) => r.dataset.action));
    assert.ok(actions.length >= 1, 'the site this file created');
    assert.deepEqual([...new Set(actions)], ['user_site.create']);
    const first = page.locator('#audit-list tr[data-audit]').first();
    assert.match(await first.innerText(), /k\*+@|koordinaattori/i, 'the actor is shown by a masked hint');
    assert.match(await first.innerText(), /admin/, 'with the role');

    // Everything since yesterday, 50 at a time: a full page offers "show more", which
    // brings older rows. 51 more rows make sure there is a second page (each link the
    // operator command prints is audited as login_link.issued).
    for (let i = 0; i < 51; i++) loginToken(ADMIN);
    const d = new Date(Date.now() - 86400000);
    await search(async () => {
      await page.selectOption('#audit-action', '');
      await page.fill('#audit-from', `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`);
      await page.click('#audit-filters button[type="submit"]');
    });
    assert.equal(await page.locator('#audit-list tr[data-audit]').count(), 50, 'a page is 50 rows');
    const more = page.locator('#audit-more');
    assert.equal(await more.isVisible(), true, '"show more" is offered after a full page');
    await search(() => more.click());
    assert.doesNotMatch(await page.locator('#audit-status').innerText(), /ei voitu/, 'the older rows were fetched');
    const ids = await page.locator('#audit-list tr[data-audit]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.audit)));
    assert.ok(ids.length > 50, 'older rows were added');
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'still newest first');
    assert.equal(new Set(ids).size, ids.length, 'no row twice');
    assert.deepEqual(browser.problems, []);
  });

  for (const lang of ['fi', 'sv', 'en']) {
    test(`the messages page by session (${lang})`, async () => {
      const { page } = browser;
      await page.goto(url(`/admin-messages.html?lang=${lang}`));
      await page.waitForFunction(() => document.querySelectorAll('#messages tbody tr').length > 0
        && document.querySelector('#status').textContent.length > 0);
      assert.equal((await page.locator('main h1').innerText()).trim(), H1[lang]);
      assert.equal(await page.locator('.page-nav a[aria-current="page"]').getAttribute('href'), `/admin-messages.html?lang=${lang}`);
    });
  }

  test('a test e-mail is sent from the messages page', async () => {
    const { page } = browser;
    const to = `testi.${stamp}@example.org`;
    await page.goto(url('/admin-messages.html?lang=fi'));
    await page.locator('#send-form').waitFor();
    await page.fill('#to', to);
    await page.click('#send-form button[type="submit"]');
    await page.locator('#status', { hasText: 'Viesti on jonossa.' }).waitFor();
    await mailFor(to);
  });

  test('at 360 px the administration pages do not scroll sideways', async () => {
    const narrow = await launch({ viewport: { width: 360, height: 740 } });
    try {
      await signInAs(narrow.page, ADMIN);
      for (const [path, sel] of [['/admin.html', '#sites-list[data-loaded]'], ['/admin-accounts.html', '#accounts-list[data-loaded]'],
        ['/admin-audit.html', '#audit-list[data-loaded]'], ['/admin-messages.html', '#messages']]) {
        await narrow.page.goto(url(path));
        await narrow.page.locator(sel).waitFor({ state: 'attached' });
        assert.equal(await hasHorizontalScroll(narrow.page), false, path);
      }
    } finally {
      await narrow.close();
    }
  });
});
