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
import {
  launch, url, assertAccessible, hasHorizontalScroll, signInAs, pageSession, mailFor, linkToken, psql, tabTo, until, apiGet,
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

/** The input of a document field (its name attribute is the contract's field name). */
const field = (page, name) => page.locator(`main [name="${name}"]`).first();

/** The error text shown for an input: the element its aria-describedby names that says it is an error. */
async function errorOf(page, name) {
  const input = field(page, name);
  await page.locator(`main [name="${name}"][aria-invalid="true"]`).first().waitFor();
  const ids = ((await input.getAttribute('aria-describedby')) || '').split(/\s+/).filter(Boolean);
  const texts = [];
  for (const id of ids) {
    const el = page.locator(`[id="${id}"]`);
    if (await el.count() && await el.isVisible()) texts.push((await el.innerText()).trim());
  }
  return texts.filter(Boolean).join(' ');
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
  before(async () => { browser = await launch(); });
  after(async () => { if (browser) await browser.close(); });

  test('register an NGO through register.html, by keyboard, after seeing the errors next to the fields', async () => {
    const { page } = browser;
    await open(page, '/register.html', 'fi', 'main form');
    // Sent empty: the errors next to the fields, in Finnish; the page's language changes them.
    await page.locator('main form [type="submit"]').first().click();
    const fiError = await errorOf(page, 'name');
    assert.ok(fiError, 'the name field shows its error');
    assert.ok(await errorOf(page, 'terms_accepted'), 'the terms box shows its error');
    await open(page, '/register.html', 'en', 'main form');
    await page.locator('main form [type="submit"]').first().click();
    const enError = await errorOf(page, 'name');
    assert.ok(enError && enError !== fiError, `the error in the page's language: fi "${fiError}", en "${enError}"`);

    await open(page, '/register.html', 'fi', 'main form');
    await tabTo(page, 'main [name="name"]');
    await page.keyboard.type(ORG_NAME);
    await field(page, 'frame').selectOption('association');
    await field(page, 'seat_municipality').focus();
    await fillMunicipality(page, 'seat_municipality', '297');
    await fillMunicipalities(page, ['297', '749']);
    await field(page, 'contact.name').fill('Selaimen Yhteyshenkilö');
    await field(page, 'contact.email').fill(CONTACT);
    await field(page, 'maintainers').fill(MAINTAINER);
    await field(page, 'terms_accepted').focus();
    await page.keyboard.press('Space');
    assert.equal(await field(page, 'terms_accepted').isChecked(), true);
    // A wrong Y-tunnus is shown next to its field, and nothing is sent.
    await field(page, 'business_id').fill('1234567-1');
    await page.keyboard.press('Enter');
    assert.ok(await errorOf(page, 'business_id'), 'the check digit error next to the Y-tunnus');
    assert.equal(psql(`SELECT count(*) FROM organizations WHERE name = ${sqlText(ORG_NAME)}`), '0');
    await field(page, 'business_id').fill('');
    await field(page, 'business_id').press('Enter');
    await page.locator('main [role="status"], main [data-registered]').first().waitFor();
    orgId = await until(() => psql(`SELECT id FROM organizations WHERE name = ${sqlText(ORG_NAME)} AND status = 'pending'`),
      { what: 'the proposal stored as pending' });
    assert.equal(psql(`SELECT string_agg(email, ',') FROM organization_maintainers WHERE organization_id = '${orgId}'`), MAINTAINER);
    assert.deepEqual(browser.problems, []);
  });

  test('the admin approves it through admin-registrations.html', async () => {
    assert.ok(orgId, 'registered');
    const { page } = browser;
    await signInAs(page, ADMIN);
    await open(page, '/admin-registrations.html', 'fi', `[data-id="${orgId}"]`);
    const item = page.locator(`[data-id="${orgId}"]`);
    assert.match(await item.innerText(), new RegExp(ORG_NAME));
    await item.locator('button[data-approve]').click();
    await until(() => psql(`SELECT status FROM organizations WHERE id = '${orgId}'`) === 'approved', { what: 'approved' });
    await page.locator('main [role="status"]').first().waitFor();
    assert.deepEqual(browser.problems, []);
  });

  test('the maintainer signs in by the link from the mail catcher', async () => {
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
    const { page } = browser;
    await open(page, '/editor.html', 'fi', `[data-org="${orgId}"]`);
    await page.locator(`[data-org="${orgId}"] a[href*="activity-edit.html"]`).first().click();
    await page.waitForSelector('main form', { state: 'attached' });
    const taxonomies = await apiGet('/api/v1/taxonomies');
    const need = (taxonomies.needs ?? taxonomies.need ?? taxonomies.taxonomies?.need)?.[0]?.id
      ?? psql("SELECT id FROM taxonomy_terms WHERE taxonomy_id = 'need' AND active ORDER BY position, id LIMIT 1");
    const kind = psql("SELECT id FROM taxonomy_terms WHERE taxonomy_id = 'kind' AND active ORDER BY position, id LIMIT 1");
    await field(page, 'name').fill(ACTIVITY);
    await field(page, 'summary').fill('Selaimessa tehty toiminta.');
    await field(page, 'how_to_join').fill('Tule paikalle.');
    await page.locator(`main [name="needs"][value="${need}"]`).check();
    await page.locator(`main [name="kinds"][value="${kind}"]`).check();
    await fillArea(page, ['297']);
    await page.locator('main [name="languages"][value="fi"]').check();
    // The preview: the card as a professional sees it.
    const preview = page.locator('main [data-preview] [data-card]');
    await preview.first().waitFor();
    await until(async () => (await preview.first().innerText()).includes(ACTIVITY), { what: 'the preview shows the name' });
    await page.locator('main button[data-publish]').click();
    activityId = await until(() => psql(`SELECT id FROM activities WHERE name = ${sqlText(ACTIVITY)} AND status = 'published'`),
      { timeout: 10000, what: 'the activity published' });
    assert.equal(psql(`SELECT organization_id FROM activities WHERE id = '${activityId}'`), orgId);
    await page.locator('main [role="status"]').first().waitFor();
    assert.deepEqual(browser.problems, []);
    this_.need = need; this_.kind = kind;
  });

  test('a professional finds it through the three clicks', async () => {
    assert.ok(activityId, 'published');
    const { page } = browser;
    await page.goto(url('/?lang=fi'));
    await page.waitForSelector('#view[data-ready="true"][data-view="front"]', { state: 'attached' });
    await page.click(`.need-choices a[data-value="${this_.need}"]`);
    await page.waitForSelector('#view[data-ready="true"][data-view="kind"]', { state: 'attached' });
    await page.click(`.kind-choices a[data-value="${this_.kind}"]`);
    await page.waitForSelector('#view[data-ready="true"][data-view="place"]', { state: 'attached' });
    await page.click('#municipality-list a[data-value="297"]');
    await page.waitForSelector('#view[data-ready="true"][data-view="results"]', { state: 'attached' });
    await until(async () => {
      for (let i = 0; i < 5; i++) {
        if (await page.locator('[data-card]', { hasText: ACTIVITY }).count()) return true;
        const more = page.locator('[data-more], a[rel="next"]').first();
        if (!(await more.count())) return false;
        await more.click();
        await page.waitForSelector('#view[data-ready="true"]', { state: 'attached' });
      }
      return false;
    }, { timeout: 10000, what: 'the card among the results' });
  });

  test('confirm.html: ready, confirmed, used again; expired, changed and invalid links say so', async () => {
    const { page } = browser;
    const a = psql(`SELECT id FROM activities WHERE organization_id = '${EDITOR_ORG}' AND status = 'published' ORDER BY id LIMIT 1`);
    psql(`UPDATE activities SET assured_date = current_date - 170 WHERE id = '${a}'`);
    const token = reviewLink(a);
    await page.goto(url(`/confirm.html?lang=fi#${token}`));
    await page.waitForSelector('#view[data-state="ready"]', { state: 'attached' });
    const name = psql(`SELECT name FROM activities WHERE id = '${a}'`);
    assert.match(await page.locator('main').innerText(), new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await tabTo(page, 'main button[data-confirm]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#view[data-state="confirmed"]', { state: 'attached' });
    assert.equal(psql(`SELECT assured_date = current_date AND assurer = ${sqlText(EDITOR)} FROM activities WHERE id = '${a}'`), 't');
    await page.goto(url(`/confirm.html?lang=fi#${token}`));
    await page.waitForSelector('#view[data-state="used"]', { state: 'attached' });
    assert.ok(await page.locator(`main a[href*="activity-edit.html?id=${a}"]`).count(), 'the used page offers the edit link');
    await page.goto(url(`/confirm.html?lang=en#${reviewLink(a, { expired: true })}`));
    await page.waitForSelector('#view[data-state="expired"]', { state: 'attached' });
    const v = Number(psql(`SELECT version FROM activities WHERE id = '${a}'`));
    if (v > 1) {
      await page.goto(url(`/confirm.html?lang=sv#${reviewLink(a, { version: v - 1 })}`));
      await page.waitForSelector('#view[data-state="changed"], #view[data-state="version_changed"]', { state: 'attached' });
    }
    await page.goto(url('/confirm.html?lang=fi'));
    await page.waitForSelector('#view[data-state="invalid"]', { state: 'attached' });
    assert.deepEqual(browser.problems, []);
  });
});

// Shared between the flow's tests.
const this_ = {};

/** A municipality field: a select or a text input with a list. */
async function fillMunicipality(page, name, code) {
  const el = field(page, name);
  const tag = await el.evaluate((e) => e.tagName);
  if (tag === 'SELECT') await el.selectOption(code);
  else await el.fill(code);
}

/** The municipalities an organisation works in: checkboxes or a multi-select. */
async function fillMunicipalities(page, codes) {
  const boxes = page.locator('main [name="municipalities"]');
  const tag = await boxes.first().evaluate((e) => `${e.tagName}:${e.type}`);
  if (tag.startsWith('SELECT')) await boxes.first().selectOption(codes);
  else if (tag.endsWith('checkbox')) for (const c of codes) await page.locator(`main [name="municipalities"][value="${c}"]`).check();
  else await boxes.first().fill(codes.join(', '));
}

/** An activity's area: listed municipalities. */
async function fillArea(page, codes) {
  const type = page.locator('main [name="area.type"]');
  if (await type.count()) {
    const tag = await type.first().evaluate((e) => e.tagName);
    if (tag === 'SELECT') await type.first().selectOption('municipalities');
    else await page.locator('main [name="area.type"][value="municipalities"]').check();
  }
  const boxes = page.locator('main [name="area.municipalities"]');
  const tag = await boxes.first().evaluate((e) => `${e.tagName}:${e.type}`);
  if (tag.startsWith('SELECT')) await boxes.first().selectOption(codes);
  else if (tag.endsWith('checkbox')) for (const c of codes) await page.locator(`main [name="area.municipalities"][value="${c}"]`).check();
  else await boxes.first().fill(codes.join(', '));
}

for (const [device, viewport] of Object.entries(WIDTHS)) {
  describe(`self-service pages, axe and layout, ${device}`, () => {
    let browser;
    let activity; // one of the editor's, to open in activity-edit.html
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
      for (const lang of LANGS) {
        await open(page, '/register.html', lang, 'main form');
        await check(`register.html (${lang})`);
        await page.locator('main form [type="submit"]').first().click();
        await page.locator('main [aria-invalid="true"]').first().waitFor();
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
        await page.click('main button[data-confirm]');
        await page.waitForSelector('#view[data-state="confirmed"]', { state: 'attached' });
        await check(`confirm.html confirmed (${lang})`);
        await open(page, `/confirm.html#${token}`, lang, '#view[data-state="used"]');
        await check(`confirm.html used (${lang})`);
        await open(page, `/confirm.html#${reviewLink(a, { expired: true })}`, lang, '#view[data-state="expired"]');
        await check(`confirm.html expired (${lang})`);
        await open(page, '/confirm.html', lang, '#view[data-state="invalid"]');
        await check(`confirm.html invalid (${lang})`);
      }
    });

    test(`editor.html, activity-edit.html (new, existing, with errors) as an editor (fi, sv, en), ${device}`, async () => {
      const { page } = browser;
      await signInAs(page, EDITOR);
      for (const lang of LANGS) {
        await open(page, '/editor.html', lang, `[data-org="${EDITOR_ORG}"]`);
        await check(`editor.html (${lang})`);
        await open(page, `/activity-edit.html?org=${EDITOR_ORG}`, lang, 'main form');
        await check(`activity-edit.html new (${lang})`);
        await open(page, `/activity-edit.html?id=${activity}`, lang, `main [name="name"]`);
        await until(async () => (await field(page, 'name').inputValue()) !== '', { what: 'the document filled in' });
        await check(`activity-edit.html existing (${lang})`);
        await field(page, 'name').fill('A');
        await field(page, 'url').fill('ftp://example.org');
        await page.locator('main form [type="submit"]').first().click();
        await page.locator('main [aria-invalid="true"]').first().waitFor();
        await check(`activity-edit.html with errors (${lang})`);
      }
    });

    test(`admin-registrations, admin-reviews, admin-taxonomy (and org-edit) as the admin (fi, sv, en), ${device}`, async () => {
      const { page } = browser;
      await signInAs(page, ADMIN);
      const orgEdit = await fetch(url('/org-edit.html')).then((r) => r.status === 200);
      for (const lang of LANGS) {
        await open(page, '/admin-registrations.html', lang, '[data-loaded]');
        await check(`admin-registrations.html (${lang})`);
        await open(page, '/admin-reviews.html', lang, '[data-loaded]');
        await check(`admin-reviews.html (${lang})`);
        await open(page, '/admin-taxonomy.html', lang, '[data-loaded]');
        await check(`admin-taxonomy.html (${lang})`);
        if (orgEdit) {
          await open(page, `/org-edit.html?id=${EDITOR_ORG}`, lang, 'main form');
          await check(`org-edit.html (${lang})`);
        }
      }
      assert.deepEqual(browser.problems, []);
    });
  });
}
