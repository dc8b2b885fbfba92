// The statistics pages of issue 15 (docs/statistics.md §4, §7, §9) in Chromium against the
// real stack (stats, its report port, the directory): stats.html and report.html as an
// administrator and as a funder (invited by the admin with role funder), each waited for
// to be filled (data-loaded), with zero axe violations in fi, sv and en at 1280 and 360 px
// and no sideways scroll; the funder's '<5' cells explained; the period selector reached
// and used by keyboard. Then the follow-up survey: an admin makes one in surveys.html,
// counts its recipients (dry run) and sends it; an association opens survey.html with the
// token of its invitation from the mail catcher, answers (a field error first), and the
// link then says "used"; a bad link "invalid"; after closing, a fresh link "closed".
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, url, assertAccessible, hasHorizontalScroll, signInAs, tabTo } from './browser.mjs';
import { signIn, newOrganization, mails, until, noteSecret } from '../system/lib.mjs';

const LANGS = ['fi', 'sv', 'en'];
const ADMIN = 'koordinaattori@hyvinvointialue.example.org';
const WIDTHS = { desktop: { width: 1280, height: 900 }, narrow: { width: 360, height: 740 } };
const RUN = Date.now().toString(36);
const FUNDER = `rahoittaja-ui-${RUN}@example.org`;

let admin;
let funderMade = null; // the invitation's answer: 201 when the directory accepts role funder

before(async () => {
  admin = await signIn(ADMIN);
  noteSecret('email', FUNDER);
  const r = await admin.call('/api/v1/admin/accounts', { method: 'POST', json: { email: FUNDER, role: 'funder', lang: 'fi' } });
  funderMade = r;
});

async function openFilled(page, path, lang, sel) {
  await page.goto(url(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`));
  await page.waitForSelector('#view[data-ready="true"]', { state: 'attached' });
  const gate = await page.$('[data-gate]:not([data-gate="open"])');
  assert.equal(gate, null, `${path}: the gate let the user in`);
  await page.waitForSelector(`${sel}[data-loaded]`, { state: 'attached', timeout: 30000 });
  assert.equal(await page.getAttribute('html', 'lang'), lang);
}

async function everywhere(page, path, sel, who) {
  for (const [device, viewport] of Object.entries(WIDTHS)) {
    await page.setViewportSize(viewport);
    for (const lang of LANGS) {
      await openFilled(page, path, lang, sel);
      await assertAccessible(page, `${path} as ${who}, ${lang}, ${device}`);
      assert.equal(await hasHorizontalScroll(page), false, `${path} (${who}, ${lang}) scrolls sideways at ${viewport.width} px`);
    }
  }
}

// The stats sections must all be filled (the report server answered), none in error.
async function assertSectionsLoaded(page) {
  const states = await page.$$eval('#stats section[data-report]', (s) => s.map((x) => `${x.dataset.report}:${x.dataset.state}`));
  assert.equal(states.length, 5, 'five report sections');
  for (const s of states) assert.match(s, /:loaded$/, `a section is filled: ${states.join(', ')}`);
}

describe('stats.html and report.html', () => {
  let b;
  before(async () => { b = await launch(); });
  after(async () => { if (b) await b.close(); });

  test('as an administrator: filled in fi, sv, en at 1280 and 360 px, accessible, linked', async () => {
    const { page, problems } = b;
    await signInAs(page, ADMIN);
    await everywhere(page, '/stats.html?from=2026-01&to=2026-12', '#stats', 'admin');
    await assertSectionsLoaded(page);
    assert.ok(await page.$$eval('#stats table.stat-table', (t) => t.length) > 5, 'the sections have their tables');
    assert.equal(await page.$('#stats [data-suppressed]'), null, 'an admin sees every count');
    const href = await page.getAttribute('#report-link', 'href');
    assert.match(href, /^\/report\.html\?.*from=2026-01.*to=2026-12/);

    await everywhere(page, '/report.html?from=2026-01&to=2026-12', '#report', 'admin');
    const tables = Number(await page.getAttribute('#report', 'data-loaded'));
    assert.ok(tables >= 10, `the report has every table (${tables})`);
    assert.equal(await page.$$eval('#report [data-table-block]', (t) => t.length), tables);
    const h1 = await page.textContent('h1');
    assert.match(h1, /2026/, 'the heading names the period');
    assert.match(await page.title(), /\(.+\)/, 'the title names when the report was made');
    assert.ok(await page.isVisible('#print'), 'a print button');
    // Printed: no header or navigation, the tables stay.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.isVisible('.site-header'), false, 'no header in print');
    assert.equal(await page.isVisible('#print'), false, 'no print button in print');
    assert.ok(await page.isVisible('#report table.stat-table'), 'tables in print');
    await page.emulateMedia({ media: 'screen' });
    assert.deepEqual(problems, []);
  });

  test('the period selector by keyboard', async () => {
    const { page } = b;
    await page.setViewportSize(WIDTHS.desktop);
    await signInAs(page, ADMIN);
    await openFilled(page, '/stats.html', 'fi', '#stats');
    assert.equal(await page.getAttribute('#stats', 'data-loaded'), '1');
    await tabTo(page, '#from');
    await tabTo(page, '#to');
    await tabTo(page, '[data-preset="lastyear"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#stats[data-loaded="2"]', { state: 'attached', timeout: 30000 });
    const y = new Date().getUTCFullYear() - 1;
    assert.match(page.url(), new RegExp(`from=${y}-01.*to=${y}-12`), 'the period is in the address');
    assert.equal(await page.getAttribute('#stats', 'data-period'), `${y}-01..${y}-12`);
    // A wrong period is told at its field, not sent.
    await page.fill('#to', '1999-01');
    await tabTo(page, '#period button[type="submit"]');
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('#to', 'aria-invalid'), 'true');
    assert.ok(await page.isVisible('#to-error'));
    assert.equal(await page.getAttribute('#stats', 'data-loaded'), '2', 'nothing was fetched');
    await assertSectionsLoaded(page);
  });

  test('as a funder: the same pages, accessible, with the small counts explained', async () => {
    assert.equal(funderMade.status, 201, `the admin invites a funder: ${funderMade.status} ${funderMade.text}`);
    const f = await launch();
    try {
      const { page, problems } = f;
      await signInAs(page, FUNDER);
      await everywhere(page, '/stats.html?from=2026-01&to=2026-12', '#stats', 'funder');
      // The admin's figures of the same period: some count under 5 that the funder must not see.
      const whole = await admin.call('/api/v1/stats/all?from=2026-01-01&to=2026-12-31&lang=fi');
      assert.equal(whole.status, 200, whole.text.slice(0, 200));
      const small = whole.json.tables.some((tb) => tb.rows.some((r) => r.some((v, i) => tb.columns[i].type === 'int' && v >= 1 && v <= 4)));
      assert.ok(small, 'the demo data has counts under 5');
      await assertSectionsLoaded(page);
      for (const sel of ['#stats', '#report']) {
        if (sel === '#report') await everywhere(page, '/report.html?from=2026-01&to=2026-12', '#report', 'funder');
        assert.ok(await page.$(`${sel} [data-funder-note]`), `${sel}: the funder's note`);
        const cell = await page.$(`${sel} [data-suppressed] abbr[title]`);
        assert.ok(cell, `${sel}: a '<5' cell`);
        assert.equal((await cell.textContent()).trim(), '<5');
        // The table says what '<5' means: its note, linked by aria-describedby.
        const explained = await cell.evaluate((a) => {
          const t = a.closest('table');
          const note = document.getElementById(t.getAttribute('aria-describedby') || '');
          return note ? note.textContent : '';
        });
        assert.match(explained, /<5/);
      }
      // The funder has no administration.
      await page.goto(url('/surveys.html?lang=fi'));
      await page.waitForSelector('#view[data-ready="true"]', { state: 'attached' });
      assert.ok(await page.$('[data-gate="forbidden"]'), 'surveys.html is for admins only');
      assert.deepEqual(problems, []);
    } finally {
      await f.close();
    }
  });
});

describe("the user site's contact e-mail (admin.html)", () => {
  let b;
  before(async () => { b = await launch(); });
  after(async () => { if (b) await b.close(); });

  test('a wrong address is told at its field; a right one is saved and shown again', async () => {
    const { page, problems } = b;
    await signInAs(page, ADMIN);
    await openFilled(page, '/admin.html', 'fi', '#sites-list');
    const name = `Kyselytoimipiste ${RUN}`;
    const contact = `kyselyt-${RUN}@example.org`;
    noteSecret('email', contact);
    await page.locator('#site-editor summary').click();
    await page.fill('#site-name', name);
    await page.selectOption('#site-county', 'PS');
    await page.fill('#site-domains', `ks-${RUN}.example.org`);
    await page.fill('#site-contact', 'ei-osoite');
    await page.click('#site-form button[type="submit"]');
    assert.equal(await page.getAttribute('#site-contact', 'aria-invalid'), 'true');
    assert.match(await page.getAttribute('#site-contact', 'aria-describedby'), /site-contact-error/);
    assert.ok(await page.isVisible('#site-contact-error'));
    await assertAccessible(page, 'admin.html with the contact e-mail error');
    await page.fill('#site-contact', contact);
    await page.click('#site-form button[type="submit"]');
    const row = page.locator('#sites-list tr[data-site]', { hasText: name });
    await row.waitFor();
    const sites = (await admin.call('/api/v1/admin/user-sites')).json.items;
    const mine = sites.find((x) => x.name === name);
    assert.ok(mine, 'the site was made');
    assert.equal(mine.contact_email, contact);
    await row.locator('button').click();
    assert.equal(await page.inputValue('#site-contact'), contact);
    assert.deepEqual(problems, []);
  });
});

describe('the follow-up survey pages', () => {
  let b;
  const orgs = [];
  const TITLE = `Seurantakysely ${RUN}`;
  before(async () => {
    for (let i = 0; i < 2; i++) {
      const n = `ui-kysely-${RUN}-${i}`;
      orgs.push(Object.assign(await newOrganization(admin, n), { contactEmail: `yhteys-${n}@example.org` }));
    }
    b = await launch();
  });
  after(async () => { if (b) await b.close(); });

  async function tokenOf(o) {
    const addresses = [o.contactEmail, ...o.maintainers];
    const token = await until(async () => {
      for (const a of addresses) {
        for (const m of await mails(a, { template: 'survey_invitation' })) {
          const t = /\/survey\.html#t=([A-Za-z0-9_-]{20,})/.exec(m.text)?.[1];
          if (t && m.text.includes(TITLE)) return t;
        }
      }
      return false;
    }, { timeout: 30000, every: 500, what: `the survey invitation of ${o.name}` });
    noteSecret('survey_token', token);
    return token;
  }

  test('an admin makes, counts and sends a survey; the list and results', async () => {
    const { page, problems } = b;
    await signInAs(page, ADMIN);
    page.on('dialog', (d) => d.accept());
    for (const [device, viewport] of Object.entries(WIDTHS)) {
      await page.setViewportSize(viewport);
      for (const lang of LANGS) {
        await openFilled(page, '/surveys.html', lang, '#surveys');
        await page.click('#survey-editor > summary');
        await assertAccessible(page, `surveys.html, ${lang}, ${device}`);
        assert.equal(await hasHorizontalScroll(page), false, `surveys.html (${lang}) scrolls sideways at ${viewport.width} px`);
      }
    }
    await page.setViewportSize(WIDTHS.desktop);
    await openFilled(page, '/admin.html', 'fi', '#sites-list');
    assert.equal((await page.textContent('.page-nav a[href^="/surveys.html"]')).trim(), 'Kyselyt');
    assert.ok(await page.$('#site-contact[type="email"][name="contact_email"]'), 'the user site form has the contact e-mail');

    await openFilled(page, '/surveys.html', 'fi', '#surveys');
    await page.click('#survey-editor > summary');
    // A question without its text is told at its field.
    await page.fill('#s-title-fi', TITLE);
    await page.click('#survey-form button[type="submit"]');
    const q1 = page.locator('#q-list > li').nth(0);
    assert.equal(await q1.locator('input[name="text.fi"]').getAttribute('aria-invalid'), 'true');
    await q1.locator('input[name="text.fi"]').fill('Tarjotin tuo meille uusia osallistujia.');
    await q1.locator('input[name="text.sv"]').fill('Tarjotin ger oss nya deltagare.');
    await q1.locator('input[name="text.en"]').fill('Tarjotin brings us new participants.');
    // Add two, remove one: two questions.
    await page.click('#q-add');
    await page.click('#q-add');
    assert.equal(await page.locator('#q-list > li').count(), 3);
    await page.locator('#q-list > li').nth(2).locator('[data-remove]').click();
    assert.equal(await page.locator('#q-list > li').count(), 2);
    const q2 = page.locator('#q-list > li').nth(1);
    await q2.locator('select[name="type"]').selectOption('text');
    await q2.locator('input[name="text.fi"]').fill('Mitä parantaisit?');
    await q2.locator('input[name="required"]').uncheck();
    await page.click('#survey-form button[type="submit"]');
    await page.waitForSelector('#survey-detail[data-status="draft"]', { state: 'attached' });
    const id = await page.getAttribute('#survey-detail', 'data-survey');
    const saved = await admin.call(`/api/v1/admin/surveys/${id}`);
    assert.equal(saved.status, 200);
    assert.equal(saved.json.title.fi, TITLE);
    assert.deepEqual(saved.json.questions.map((q) => [q.type, q.required]), [['scale', true], ['text', false]]);

    // The count first (dry run), then the send (confirmed).
    await page.click('#send-count');
    await page.waitForSelector('#send-status[data-would]', { state: 'attached' });
    const would = Number(await page.getAttribute('#send-status', 'data-would'));
    assert.ok(would >= 2, `it would go to our two associations at least (${would})`);
    assert.equal(saved.json.status, 'draft', 'the count sent nothing');
    await page.click('#send');
    await page.waitForSelector('#survey-detail[data-status="sent"]', { state: 'attached' });
    await page.waitForSelector(`#surveys tr[data-survey="${id}"][data-status="sent"]`, { state: 'attached' });
    assert.equal((await page.textContent(`#surveys tr[data-survey="${id}"] [data-rate]`)).trim(), '0 %');
    assert.deepEqual(problems, []);
  });

  test('survey.html: open, a field error, answered, used, invalid, closed; accessible in fi, sv, en', async () => {
    const { page, problems } = b;
    const [t1, t2] = [await tokenOf(orgs[0]), await tokenOf(orgs[1])];
    const posted = [];
    page.on('request', (r) => { if (r.url().includes(t1) || r.url().includes(t2)) posted.push(r.url()); });
    for (const [device, viewport] of Object.entries(WIDTHS)) {
      await page.setViewportSize(viewport);
      for (const lang of LANGS) {
        await page.goto(url(`/survey.html?lang=${lang}#t=${t1}`));
        await page.waitForSelector('#view[data-state="open"]', { state: 'attached' });
        assert.equal(new URL(page.url()).hash, '', 'the token is taken out of the address');
        assert.equal(await page.locator('#survey-form fieldset[data-question]').count(), 2);
        await assertAccessible(page, `survey.html open, ${lang}, ${device}`);
        assert.equal(await hasHorizontalScroll(page), false, `survey.html (${lang}) scrolls sideways at ${viewport.width} px`);
      }
    }
    assert.deepEqual(posted, [], 'the token never goes into an address');
    await page.setViewportSize(WIDTHS.desktop);
    await page.goto(url(`/survey.html?lang=fi#t=${t1}`));
    await page.waitForSelector('#view[data-state="open"]', { state: 'attached' });
    assert.match(await page.textContent('#survey-form'), /täysin eri mieltä/);
    // The required scale left out: its fieldset says so.
    await page.fill('#f-q2', 'Enemmän toimintaa Pohjois-Savoon.');
    await page.click('#survey-send');
    const q1 = page.locator('fieldset[data-question="q1"]');
    assert.equal(await q1.getAttribute('data-invalid'), 'true');
    const described = await q1.getAttribute('aria-describedby');
    assert.ok(described && await page.isVisible(`#${described}`), 'the error is at the question');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'q1', 'the focus goes to the question');
    // The language switch keeps the answers and the token (in memory only).
    await page.click('.lang-switch a[data-lang="sv"]');
    await page.waitForSelector('html[lang="sv"]', { state: 'attached' });
    assert.equal(await page.inputValue('#f-q2'), 'Enemmän toimintaa Pohjois-Savoon.');
    await page.check('#f-q1-4', { force: true });
    await page.click('#survey-send');
    await page.waitForSelector('#view[data-state="answered"]', { state: 'attached' });
    await assertAccessible(page, 'survey.html answered');

    for (const lang of LANGS) {
      await page.goto(url(`/survey.html?lang=${lang}#t=${t1}`));
      await page.waitForSelector('#view[data-state="used"]', { state: 'attached' });
      await assertAccessible(page, `survey.html used, ${lang}`);
      await page.goto(url(`/survey.html?lang=${lang}#t=${'x'.repeat(43)}`));
      await page.waitForSelector('#view[data-state="invalid"]', { state: 'attached' });
      await assertAccessible(page, `survey.html invalid, ${lang}`);
    }
    await page.goto(url('/survey.html?lang=fi#t=lyhyt'));
    await page.waitForSelector('#view[data-state="invalid"]', { state: 'attached' });

    // The results in surveys.html: 1 answered, the scale's 4 and the text.
    const list = (await admin.call('/api/v1/admin/surveys')).json.items;
    const mine = list.find((s) => s.title.fi === TITLE);
    assert.ok(mine, 'the survey is listed');
    await signInAs(page, ADMIN);
    await openFilled(page, '/surveys.html', 'fi', '#surveys');
    await page.click(`#surveys tr[data-survey="${mine.id}"] button`);
    await page.waitForSelector(`#survey-detail[data-survey="${mine.id}"] #survey-results`, { state: 'attached' });
    const counts = await page.$$eval('table[data-scale="q1"] tbody tr', (rows) => rows.slice(0, 5).map((r) => r.cells[1].textContent.trim()));
    assert.deepEqual(counts, ['0', '0', '0', '1', '0']);
    assert.match(await page.textContent('table[data-scale="q1"] [data-mean]'), /4/);
    assert.match(await page.textContent('[data-answers="q2"]'), /Pohjois-Savoon/);
    await assertAccessible(page, 'surveys.html with results');
    await page.click('#close');
    await page.waitForSelector('#survey-detail[data-status="closed"]', { state: 'attached' });

    await page.goto(url(`/survey.html?lang=fi#t=${t2}`));
    await page.waitForSelector('#view[data-state="closed"]', { state: 'attached' });
    await assertAccessible(page, 'survey.html closed');
    assert.deepEqual(problems, []);
  });
});
