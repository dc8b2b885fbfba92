// NGO self-service in the browser (issue 13's first "Done when"): an NGO is
// registered through register.html (by keyboard), approved by the admin
// through admin-registrations.html, its maintainer signs in by the link from
// the mail catcher, creates and publishes an activity through
// activity-edit.html (the preview shows the card), and a professional finds
// it through the three clicks of the search page.  Form errors show next to
// their fields in the page's language.  confirm.html's states (ready ->
// confirmed -> used again, expired, changed, invalid) come from real one-click
// links the test writes into review_links (the scheduler's own links are
// review-year.test.mjs's).  Then axe-core (WCAG 2.1 A/AA) finds nothing on
// any new page in fi, sv and en at 1280 and 360 px, and none scrolls sideways.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  launch, url, assertAccessible, hasHorizontalScroll, signInAs, pageSession, mailFor, linkToken, psql, tabTo, until, stackEnv,
} from './browser.mjs';

const LANGS = ['fi', 'sv', 'en'];
const ADMIN = 'koordinaattori@hyvinvointialue.example.org';
const EDITOR = 'toimitus@mielenterveysseura.example.org';
const EDITOR_ORG = 'd0000000-0000-4000-8000-000000000006';
const RUN = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const ORG_NAME = `Selainyhdistys ${RUN} ry`;
const MAINTAINER = `selain-${RUN}@example.org`;
const CONTACT = `selain-yhteys-${RUN}@example.org`;
const ACTIVITY = `Selaintoiminta ${RUN}`;
const WIDTHS = { desktop: { width: 1280, height: 900 }, narrow: { width: 360, height: 740 } };

const sqlText = (s) => `'${String(s).replace(/'/g, "''")}'`;
const ready = '#view[data-ready="true"]';

/** Opens a page in a language and waits for it and the header. */
async function open(page, path, lang = 'fi', filled = ready) {
  const [p, hash] = path.split('#');
  await page.goto(url(`${p}${p.includes('?') ? '&' : '?'}lang=${lang}${hash ? `#${hash}` : ''}`));
  await page.waitForSelector(ready, { state: 'attached' });
  await page.waitForSelector(filled, { state: 'attached' });
  await page.waitForSelector('#account nav', { state: 'attached' });
  assert.equal(await page.getAttribute('html', 'lang'), lang);
}

/** The error shown next to the input #id (its #id-error line), once the input is marked invalid. */
async function errorOf(page, id) {
  await page.locator(`#${id}[aria-invalid="true"]`).waitFor();
  assert.match(await page.getAttribute(`#${id}`, 'aria-describedby') || '', new RegExp(`${id}-error`), `#${id} is described by its error`);
  const err = page.locator(`#${id}-error`);
  assert.equal(await err.isVisible(), true, `#${id}-error is shown`);
  return (await err.innerText()).trim();
}

/**
 * Forgets the gateway's per-IP registration counters: every proposal of the
 * test stack comes from 127.0.0.1 and the stack keeps the default limit
 * (TARJOTIN_REGISTER_LIMIT_IP 10 per 15 minutes), which the forms sent here
 * (empty ones count too) would reach.
 */
function clearRegisterCounters() {
  const port = stackEnv().TARJOTIN_REDIS_PORT;
  const keys = execFileSync('redis-cli', ['-p', port, '--scan', '--pattern', 'tj:rl:*regist*'], { encoding: 'utf8', timeout: 10000 })
    .split('\n').filter(Boolean);
  for (const k of keys) execFileSync('redis-cli', ['-p', port, 'DEL', k], { timeout: 10000 });
}

/** A one-click link the directory will take: its token (the row written as the scheduler would). */
function reviewLink(activity, { version, expired = false } = {}) {
  const token = randomBytes(32).toString('base64url');
  const hash = createHash('sha256').update(token).digest('hex');
  const v = version ?? Number(psql(`SELECT version FROM activities WHERE id = '${activity}'`));
  psql(`INSERT INTO review_links (token_hash, activity_id, version, due, account_id, email, created_at, expires_at)
    VALUES (decode('${hash}', 'hex'), '${activity}', ${v}, current_date, NULL, ${sqlText(EDITOR)},
      now() - interval '${expired ? 70 : 1} days', now() + interval '${expired ? -10 : 59} days')`);
  return token;
}

describe('registration to the three clicks, in the browser', () => {
  let browser;
  let orgId;
  let activityId;
  let need;
  let kind;
  before(async () => {
    browser = await launch();
    need = psql("SELECT id FROM taxonomy_terms WHERE taxonomy_id = 'need' AND active ORDER BY position, id LIMIT 1");
    kind = psql("SELECT id FROM taxonomy_terms WHERE taxonomy_id = 'kind' AND active ORDER BY position, id LIMIT 1");
  });
  after(async () => { if (browser) await browser.close(); });

  test('register an NGO through register.html, by keyboard, after seeing the errors next to the fields', async () => {
    const { page } = browser;
    clearRegisterCounters();
    // Sent empty: the errors next to the fields, in the page's language.
    await open(page, '/register.html', 'fi', '#register-form');
    await page.click('#reg-submit');
    const fiError = await errorOf(page, 'reg-name');
    assert.ok(fiError, 'the name field shows its error');
    assert.ok(await errorOf(page, 'reg-terms'), 'the terms box shows its error');
    assert.ok(await page.locator('[data-error-summary]').count(), 'and a summary lists them');
    await open(page, '/register.html', 'en', '#register-form');
    await page.click('#reg-submit');
    const enError = await errorOf(page, 'reg-name');
    assert.ok(enError && enError !== fiError, `the error in the page's language: fi "${fiError}", en "${enError}"`);

    await open(page, '/register.html', 'fi', '#register-form');
    await tabTo(page, '#reg-name');
    await page.keyboard.type(ORG_NAME);
    await page.selectOption('#reg-frame', 'association');
    await page.selectOption('#reg-seat', '297');
    await page.locator('#reg-municipalities-297').check();
    await page.locator('#reg-municipalities-749').focus();
    await page.keyboard.press('Space');
    assert.equal(await page.locator('#reg-municipalities-749').isChecked(), true);
    await page.fill('#reg-contact-name', 'Selaimen Yhteyshenkilö');
    await page.fill('#reg-contact-email', CONTACT);
    await page.locator('#reg-maint-1').focus();
    await page.keyboard.type(MAINTAINER);
    await page.locator('#reg-terms').focus();
    await page.keyboard.press('Space');
    assert.equal(await page.locator('#reg-terms').isChecked(), true);
    // A Y-tunnus with a wrong check digit (1234567-1 is right): its error, nothing stored.
    await page.locator('#reg-business-id').focus();
    await page.keyboard.type('1234567-2');
    await page.keyboard.press('Enter');
    assert.ok(await errorOf(page, 'reg-business-id'), 'the check digit error next to the Y-tunnus');
    assert.equal(psql(`SELECT count(*) FROM organizations WHERE name = ${sqlText(ORG_NAME)}`), '0');
    await page.fill('#reg-business-id', '');
    await page.locator('#reg-business-id').press('Enter');
    await page.waitForSelector('#view[data-state="received"]', { state: 'attached' });
    orgId = await until(() => psql(`SELECT id FROM organizations WHERE name = ${sqlText(ORG_NAME)} AND status = 'pending'`),
      { what: 'the proposal stored as pending' });
    assert.equal(psql(`SELECT string_agg(email, ',') FROM organization_maintainers WHERE organization_id = '${orgId}'`), MAINTAINER);
    assert.equal(psql(`SELECT string_agg(municipality_code, ',' ORDER BY municipality_code) FROM organization_municipalities WHERE organization_id = '${orgId}'`), '297,749');
    assert.deepEqual(browser.problems, []);
  });

  test('the admin approves it through admin-registrations.html', async () => {
    assert.ok(orgId, 'registered');
    const { page } = browser;
    await signInAs(page, ADMIN);
    await open(page, '/admin-registrations.html', 'fi', `[data-registration="${orgId}"]`);
    const item = page.locator(`[data-registration="${orgId}"]`);
    assert.match(await item.innerText(), new RegExp(ORG_NAME));
    await page.click(`[data-approve="${orgId}"]`);
    await until(() => psql(`SELECT status FROM organizations WHERE id = '${orgId}'`) === 'approved', { what: 'approved' });
    await until(async () => (await page.locator('#registrations-status').innerText()).includes(ORG_NAME), { what: 'the status line names it' });
    assert.deepEqual(browser.problems, []);
  });

  test('the maintainer signs in by the link from the mail catcher', async () => {
    assert.ok(orgId, 'approved');
    const { page, context } = browser;
    await context.clearCookies();
    const mail = await mailFor(MAINTAINER);
    const token = linkToken(mail.text);
    assert.ok(token, `a sign-in link in the mail:\n${mail.text}`);
    await page.goto(url(`/link.html?lang=fi#${token}`));
    await page.waitForSelector('#view[data-state="ready"]', { state: 'attached' });
    await page.click('[data-signin-button]');
    await page.waitForURL((u) => !u.pathname.endsWith('/link.html'));
    await page.waitForSelector('#account nav[data-signed-in="true"]');
    const s = await pageSession(page);
    assert.equal(s.account.email, MAINTAINER);
    assert.equal(s.account.role, 'editor');
    assert.deepEqual(s.account.organizations.map((o) => o.id), [orgId]);
  });

  test('the maintainer creates and publishes an activity through activity-edit.html; the preview shows the card', async () => {
    assert.ok(orgId, 'signed in');
    const { page } = browser;
    await open(page, '/editor.html', 'fi', `[data-org="${orgId}"]`);
    await page.click(`a[data-new-activity="${orgId}"]`);
    await page.waitForSelector('#activity-form', { state: 'attached' });
    await page.fill('#act-name', ACTIVITY);
    await page.fill('#act-summary', 'Selaimessa tehty toiminta.');
    await page.fill('#act-how_to_join', 'Tule paikalle.');
    await page.locator(`#act-needs-${need}`).check();
    await page.locator(`#act-kinds-${kind}`).check();
    await page.locator('#act-area-municipalities').check();
    await page.locator('#act-area-mun-297').check();
    await page.locator('#act-lang-fi').check();
    // The preview: the card as a professional sees it.
    await until(async () => (await page.locator('#preview-card [data-card]').first().innerText()).includes(ACTIVITY),
      { what: 'the preview card shows the name' });
    await page.click('#act-save-publish');
    activityId = await until(() => psql(`SELECT id FROM activities WHERE name = ${sqlText(ACTIVITY)} AND status = 'published'`),
      { timeout: 10000, what: 'the activity published' });
    assert.equal(psql(`SELECT organization_id FROM activities WHERE id = '${activityId}'`), orgId);
    assert.equal(psql(`SELECT assurer FROM activities WHERE id = '${activityId}'`), MAINTAINER);
    await until(async () => (await page.locator('#act-status').innerText()).trim() !== '', { what: 'the status line' });
    assert.deepEqual(browser.problems, []);
  });

  test('a professional finds it through the three clicks', async () => {
    assert.ok(activityId, 'published');
    const { page } = browser;
    await page.goto(url('/?lang=fi'));
    await page.waitForSelector('#view[data-ready="true"][data-view="front"]', { state: 'attached' });
    await page.click(`.need-choices a[data-value="${need}"]`);
    await page.waitForSelector('#view[data-ready="true"][data-view="kind"]', { state: 'attached' });
    await page.click(`.kind-choices a[data-value="${kind}"]`);
    await page.waitForSelector('#view[data-ready="true"][data-view="place"]', { state: 'attached' });
    await page.click('#municipality-list a[data-value="297"]');
    await page.waitForSelector('#view[data-ready="true"][data-view="results"]', { state: 'attached' });
    await page.locator('[data-card]', { hasText: ACTIVITY }).first().waitFor();
  });

  test('confirm.html: ready, confirmed, used again; expired, changed and invalid links say so', async () => {
    const { page } = browser;
    const a = psql(`SELECT id FROM activities WHERE organization_id = '${EDITOR_ORG}' AND status = 'published' ORDER BY id LIMIT 1`);
    psql(`UPDATE activities SET assured_date = current_date - 170 WHERE id = '${a}'`);
    const token = reviewLink(a);
    await page.goto(url(`/confirm.html?lang=fi#${token}`));
    await page.waitForSelector('#view[data-state="ready"]', { state: 'attached' });
    const name = psql(`SELECT name FROM activities WHERE id = '${a}'`);
    assert.ok((await page.locator('main').innerText()).includes(name), 'the page names the activity');
    await tabTo(page, '[data-confirm-button]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#view[data-state="confirmed"]', { state: 'attached' });
    assert.equal(psql(`SELECT assured_date = current_date AND assurer = ${sqlText(EDITOR)} FROM activities WHERE id = '${a}'`), 't');
    await page.goto(url(`/confirm.html?lang=fi#${token}`));
    await page.waitForSelector('#view[data-state="used"]', { state: 'attached' });
    assert.ok(await page.locator('[data-edit-link]').count(), 'the used page offers the edit link');
    await page.goto(url(`/confirm.html?lang=en#${reviewLink(a, { expired: true })}`));
    await page.waitForSelector('#view[data-state="expired"]', { state: 'attached' });
    const v = Number(psql(`SELECT version FROM activities WHERE id = '${a}'`));
    psql(`UPDATE activities SET version = version + 1 WHERE id = '${a}'`);
    await page.goto(url(`/confirm.html?lang=sv#${reviewLink(a, { version: v })}`));
    await page.waitForSelector('#view[data-state="version_changed"]', { state: 'attached' });
    await page.goto(url('/confirm.html?lang=fi'));
    await page.waitForSelector('#view[data-state="invalid"]', { state: 'attached' });
    assert.deepEqual(browser.problems, []);
  });
});

for (const [device, viewport] of Object.entries(WIDTHS)) {
  describe(`self-service pages, axe and layout, ${device}`, () => {
    let browser;
    let activity; // one of the editor's, to open in activity-edit.html
    const errors = {};
    before(async () => {
      browser = await launch({ viewport });
      activity = psql(`SELECT id FROM activities WHERE organization_id = '${EDITOR_ORG}' ORDER BY id LIMIT 1`);
    });
    after(async () => { if (browser) await browser.close(); });

    async function check(where) {
      const { page } = browser;
      await assertAccessible(page, `${where} (${device})`);
      assert.equal(await hasHorizontalScroll(page), false, `${where} scrolls sideways at ${viewport.width} px`);
    }

    test(`register.html, empty and with its errors (fi, sv, en), ${device}`, async () => {
      const { page, context } = browser;
      await context.clearCookies();
      clearRegisterCounters();
      for (const lang of LANGS) {
        await open(page, '/register.html', lang, '#register-form');
        await check(`register.html (${lang})`);
        await page.click('#reg-submit');
        await page.locator('#reg-name[aria-invalid="true"]').waitFor();
        await check(`register.html with errors (${lang})`);
      }
    });

    test(`confirm.html in each state (fi, sv, en), ${device}`, async () => {
      const { page } = browser;
      const a = psql(`SELECT id FROM activities WHERE organization_id = '${EDITOR_ORG}' AND status = 'published' ORDER BY id DESC LIMIT 1`);
      for (const lang of LANGS) {
        const token = reviewLink(a);
        await open(page, `/confirm.html#${token}`, lang, '#view[data-state="ready"]');
        await check(`confirm.html ready (${lang})`);
        await page.click('[data-confirm-button]');
        await page.waitForSelector('#view[data-state="confirmed"]', { state: 'attached' });
        await check(`confirm.html confirmed (${lang})`);
        await open(page, `/confirm.html#${token}`, lang, '#view[data-state="used"]');
        await check(`confirm.html used (${lang})`);
        await open(page, `/confirm.html#${reviewLink(a, { expired: true })}`, lang, '#view[data-state="expired"]');
        await check(`confirm.html expired (${lang})`);
        const v = Number(psql(`SELECT version FROM activities WHERE id = '${a}'`));
        psql(`UPDATE activities SET version = version + 1 WHERE id = '${a}'`);
        await open(page, `/confirm.html#${reviewLink(a, { version: v })}`, lang, '#view[data-state="version_changed"]');
        await check(`confirm.html version changed (${lang})`);
        await open(page, '/confirm.html', lang, '#view[data-state="invalid"]');
        await check(`confirm.html invalid (${lang})`);
      }
    });

    test(`editor.html, activity-edit.html (new, existing, with errors) as an editor (fi, sv, en), ${device}`, async () => {
      const { page } = browser;
      await signInAs(page, EDITOR);
      for (const lang of LANGS) {
        await open(page, '/editor.html', lang, '#editor-orgs[data-loaded]');
        await page.waitForSelector(`[data-org="${EDITOR_ORG}"]`, { state: 'attached' });
        await check(`editor.html (${lang})`);
        await open(page, `/activity-edit.html?org=${EDITOR_ORG}`, lang, '#activity-form');
        await check(`activity-edit.html new (${lang})`);
        await open(page, `/activity-edit.html?id=${activity}`, lang, '#act-history[data-loaded]');
        assert.notEqual(await page.inputValue('#act-name'), '', 'the document filled in');
        await check(`activity-edit.html existing (${lang})`);
        await page.fill('#act-name', 'A');
        await page.fill('#act-url', 'ftp://example.org');
        await page.click('#act-save');
        const err = await errorOf(page, 'act-name');
        assert.ok(err, 'the name error shows');
        await errorOf(page, 'act-url');
        await check(`activity-edit.html with errors (${lang})`);
        errors[lang] = err;
      }
      assert.equal(new Set(Object.values(errors)).size, 3, `the errors in each page's language: ${JSON.stringify(errors)}`);
      assert.equal(psql(`SELECT count(*) FROM activities WHERE id = '${activity}' AND name = 'A'`), '0', 'nothing saved');
    });

    test(`admin-registrations, admin-reviews, admin-taxonomy (and org-edit) as the admin (fi, sv, en), ${device}`, async () => {
      const { page } = browser;
      await signInAs(page, ADMIN);
      const orgEdit = (await fetch(url('/org-edit.html'))).status === 200;
      for (const lang of LANGS) {
        await open(page, '/admin-registrations.html', lang, '#registrations-list[data-loaded]');
        await check(`admin-registrations.html (${lang})`);
        await open(page, '/admin-reviews.html', lang, '#reviews-report[data-loaded]');
        await check(`admin-reviews.html (${lang})`);
        await open(page, '/admin-taxonomy.html', lang, '#taxonomy-lists[data-loaded]');
        await check(`admin-taxonomy.html (${lang})`);
        if (orgEdit) {
          await open(page, `/org-edit.html?id=${EDITOR_ORG}`, lang, '#org-form');
          await check(`org-edit.html (${lang})`);
        }
      }
      if (!orgEdit) console.log('# org-edit.html does not exist: not checked');
      assert.deepEqual(browser.problems, []);
    });
  });
}
