// The contact-request pages (issue 14, docs/contactrequests.md) in Chromium: the tray on
// the activity detail (a professional), request.html (the send: field errors at their
// fields, one Idempotency-Key per fill, the receipt), my-requests.html (statuses, the
// overdue link, opening the client's details), inbox.html (an editor: the e-mail link's
// fragment read and removed, the client's details, the actions and their errors) and
// w.html (the client's withdraw link: peek, withdraw, used, unknown). Each in fi, sv and
// en at 1280 and 360 px: zero axe violations, no sideways scroll, the main actions
// reached by Tab. The contact-request API is answered by the test (page.route) so that
// every state shows; sessions, activities and organisations are the real stack's. Then
// the whole way with the real API: a professional sends, sees it in "my requests", the
// association's editor opens the e-mail's inbox link and marks it, the client withdraws
// with the receipt's link.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, url, assertAccessible, hasHorizontalScroll, signInAs, psql, tabTo, mailFor, lastMailId } from './browser.mjs';
import { signIn } from '../system/lib.mjs';

const LANGS = ['fi', 'sv', 'en'];
const PRO = 'ohjaaja@varkaus-terveys.example.org';
const EDITOR = 'vapaaehtoiset@savonjarjestot.example.org';
const WIDTHS = { desktop: { width: 1280, height: 900 }, narrow: { width: 360, height: 740 } };
const REQ_ID = 'c0000000-0000-4000-8000-0000000000a1';
const REQ_ID2 = 'c0000000-0000-4000-8000-0000000000a2';
const json = (status, body, headers = {}) => ({ status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
const apiError = (status, code, extra = {}) => json(status, { error: { status, code, message: code, field: extra.field || null, ...extra } });
const isApi = (path) => (u) => u.pathname === `/api/v1/${path}`;

function request(over = {}) {
  return {
    id: REQ_ID, batch_id: 'b0000000-0000-4000-8000-000000000001', status: 'sent',
    activity: { id: 'a1', name: 'Muistikahvila' }, organization: { id: 'o1', name: 'Savon Muistiyhdistys ry' },
    channel: 'call', lang: 'fi', sent_at: '2026-12-01T08:30:00Z', due: '2026-12-08', overdue: false,
    response_days: 5, erased: false, decline_reason: null, sender: { user_site: 'Varkauden terveysasema' },
    client_hint: null, has_phone: true, has_email: false,
    history: [{ kind: 'sent', at: '2026-12-01T08:30:00Z', actor_role: 'professional', detail: {} }],
    ...over,
  };
}

for (const [device, viewport] of Object.entries(WIDTHS)) {
  describe(`contact-request pages, ${device}`, () => {
    let browser;
    let accepting;
    before(async () => {
      accepting = psql(`SELECT a.id || '|' || a.name FROM activities a JOIN organizations o ON o.id = a.organization_id
        WHERE a.accepts_contact_requests AND a.status = 'published' AND o.status = 'approved' AND a.freshness <> 'hidden'
        ORDER BY a.name LIMIT 2`).split('\n').filter(Boolean).map((l) => ({ id: l.split('|')[0], name: l.split('|').slice(1).join('|') }));
      assert.ok(accepting.length >= 2, 'the demo data has activities that accept contact requests');
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

    async function open(path, lang, ready) {
      const { page } = browser;
      await page.goto(url(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`));
      await page.waitForSelector('#view[data-ready="true"]', { state: 'attached' });
      if (ready) await page.waitForSelector(ready, { state: 'attached' });
      await page.waitForSelector('#account nav', { state: 'attached' });
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      return page;
    }

    test(`the tray on the detail and the send page (fi, sv, en), ${device}`, async () => {
      const { page } = browser;
      await signInAs(page, PRO);
      const keys = [];
      let sends = 0;
      await page.route(isApi('contact-requests/consent'), (r) => r.fulfill(json(200, {
        version: '2026-12', texts: { fi: 'Suostun siihen, että yhteystietoni välitetään.', sv: 'Jag samtycker till att mina kontaktuppgifter förmedlas.', en: 'I agree that my contact details are passed on.' },
      })));
      await page.route(isApi('contact-requests'), async (r) => {
        const req = r.request();
        keys.push(req.headers()['idempotency-key']);
        const body = JSON.parse(req.postData());
        sends += 1;
        if (!body.client.phone) {
          return r.fulfill(apiError(400, 'invalid_fields', { fields: [{ field: 'client.phone', code: 'required', message: 'x' }, { field: 'activities.1', code: 'not_accepting', message: 'x' }] }));
        }
        assert.equal(body.consent.given, true);
        assert.equal(body.consent.version, '2026-12');
        assert.deepEqual(body.activities, accepting.map((a) => a.id));
        return r.fulfill(json(201, {
          id: 'b1', sent_at: '2026-12-01T08:30:00Z',
          requests: accepting.map((a, i) => ({ id: `r${i}`, status: 'sent', activity: a, organization: { id: 'o', name: `Yhdistys ${i + 1}` }, response_days: 5, due: '2026-12-08' })),
          receipt: { channel: 'sms', to: '+35840*****67' },
        }));
      });
      for (const lang of LANGS) {
        // The detail's toggle: aria-pressed, the header's count follows.
        await page.goto(url(`/?lang=${lang}&activity=${accepting[0].id}`));
        await page.waitForSelector('#view[data-ready="true"][data-view="detail"]', { state: 'attached' });
        const btn = page.locator(`[data-tray="${accepting[0].id}"]`);
        await btn.waitFor();
        if (await btn.getAttribute('aria-pressed') === 'true') await btn.click(); // left from the previous language
        assert.equal(await btn.getAttribute('aria-pressed'), 'false');
        await tabTo(page, `[data-tray="${accepting[0].id}"]`);
        await page.keyboard.press('Enter');
        assert.equal(await btn.getAttribute('aria-pressed'), 'true');
        await page.waitForSelector('[data-tray-link="1"]');
        await check(`the detail with the tray button (${lang})`);
        await page.goto(url(`/?lang=${lang}&activity=${accepting[1].id}`));
        await page.locator(`[data-tray="${accepting[1].id}"][aria-pressed="false"]`).click();
        await page.waitForSelector('[data-tray-link="2"]');

        const p = await open('/request.html', lang, '#cr-consent-text[data-version]');
        assert.equal(await p.locator('[data-tray-items]').getAttribute('data-tray-items'), '2');
        await check(`request.html (${lang})`);
        await tabTo(p, '#cr-consent');
        await tabTo(p, '[data-remove]');
        // Field errors at their fields, in the page's language; the key is not reused after an answer.
        await p.check('#cr-consent');
        await p.click('#cr-send');
        await p.locator('#cr-phone[aria-invalid="true"]').waitFor();
        assert.equal(await p.locator('#cr-phone-error').isVisible(), true);
        assert.equal(await p.locator('#cr-act-1-error').isVisible(), true);
        assert.equal(await p.locator('[data-error-summary="2"]').count(), 1);
        await check(`request.html with field errors (${lang})`);
        await p.fill('#cr-phone', '040 123 4567');
        await p.check('#cr-channel-v-sms');
        await p.click('#cr-send');
        await p.locator('#cr-done').waitFor();
        assert.match(await p.locator('[data-receipt="sms"]').innerText(), /\+35840\*{5}67/);
        assert.equal(await p.locator('.cr-receipt li').count(), 2);
        await p.waitForSelector('[data-tray-link="0"]');
        await check(`request.html, sent (${lang})`);
      }
      assert.equal(sends, 6);
      assert.ok(keys.every((k) => /^[A-Za-z0-9_-]{16,64}$/.test(k)), `keys: ${keys}`);
      assert.equal(new Set(keys).size, keys.length, 'a new key after each answered send');
      await page.unroute(isApi('contact-requests'));

      // A double click and a lost answer: one key for the one fill.
      await page.evaluate((a) => sessionStorage.setItem('tarjotin.tray', JSON.stringify(a.map((x) => ({ id: x.id, name: x.name })))), accepting);
      const p = await open('/request.html', 'fi', '#cr-consent-text[data-version]');
      const seen = [];
      let first = true;
      await p.route(isApi('contact-requests'), async (r) => {
        seen.push(r.request().headers()['idempotency-key']);
        if (first) { first = false; return r.abort('connectionreset'); }
        return r.fulfill(json(201, { id: 'b2', sent_at: '2026-12-01T08:30:00Z', requests: [], receipt: null }));
      });
      await p.fill('#cr-email', 'aino@example.org');
      await p.check('#cr-consent');
      await p.dblclick('#cr-send');
      await p.locator('#cr-status:has-text("Yritä uudelleen")').waitFor();
      await p.click('#cr-send');
      await p.locator('#cr-done [data-receipt="none"]').waitFor();
      assert.equal(seen.length, 2, 'the double click sent once');
      assert.equal(seen[0], seen[1], 'the retry after a lost answer reuses the key');
      await page.unroute(isApi('contact-requests'));
      assert.deepEqual(browser.problems, []);
    });

    test(`my-requests.html (fi, sv, en), ${device}`, async () => {
      const { page } = browser;
      await signInAs(page, PRO);
      let opened = 0;
      await page.route(isApi('my/contact-requests'), (r) => r.fulfill(json(200, {
        items: [
          request({ overdue: true, alternatives: '/?need=memory&municipality=915' }),
          request({ id: REQ_ID2, status: 'declined', decline_reason: 'Ryhmä on täynnä.', history: [
            { kind: 'sent', at: '2026-11-20T08:00:00Z', actor_role: 'professional', detail: {} },
            { kind: 'declined', at: '2026-11-21T08:00:00Z', actor_role: 'editor', detail: { days: 1 } }] }),
        ],
        total: 2, page: 1, per_page: 20,
      })));
      await page.route(isApi(`my/contact-requests/${REQ_ID}`), (r) => {
        opened += 1;
        return r.fulfill(json(200, request({ client: { first_name: 'Aino', phone: '+358401234567', email: null, note: 'Iltapäivät sopivat.' } })));
      });
      for (const lang of LANGS) {
        const p = await open('/my-requests.html', lang, '#my-requests[data-loaded="2"]');
        assert.equal(await p.locator('[data-overdue]').count(), 1);
        assert.match(await p.getAttribute('[data-alternatives]', 'href'), /^\/\?need=memory&municipality=915&lang=/);
        assert.equal(await p.locator(`[data-request="${REQ_ID2}"] [data-status-word]`).innerText() !== 'st.declined', true);
        await check(`my-requests.html (${lang})`);
        await tabTo(p, `[data-open="${REQ_ID}"]`);
        await p.keyboard.press('Enter');
        await p.locator(`[data-request="${REQ_ID}"] [data-client]`).waitFor();
        assert.match(await p.locator(`[data-request="${REQ_ID}"] [data-client]`).innerText(), /Aino/);
        await check(`my-requests.html, a request opened (${lang})`);
      }
      assert.equal(opened, 3);
      await page.unroute(isApi('my/contact-requests'));
      await page.unroute(isApi(`my/contact-requests/${REQ_ID}`));
      assert.deepEqual(browser.problems, []);
    });

    test(`inbox.html from the e-mail link and its actions (fi, sv, en), ${device}`, async () => {
      const { page } = browser;
      await signInAs(page, EDITOR);
      const sigs = [];
      let current = request();
      await page.route((u) => /^\/api\/v1\/editor\/organizations\/[^/]+\/contact-requests$/.test(u.pathname),
        (r) => r.fulfill(json(200, { items: [request(), request({ id: REQ_ID2, status: 'opened', overdue: true })], total: 2, page: 1, per_page: 50, open: 2 })));
      await page.route(isApi(`editor/contact-requests/${REQ_ID}`), (r) => {
        sigs.push(new URL(r.request().url()).searchParams.get('sig'));
        return r.fulfill(json(200, current));
      });
      await page.route(isApi(`editor/contact-requests/${REQ_ID}/status`), (r) => {
        const body = JSON.parse(r.request().postData());
        if (body.status === 'declined' && !body.reason) return r.fulfill(apiError(400, 'invalid_fields', { fields: [{ field: 'reason', code: 'required', message: 'x' }] }));
        if (body.status === 'closed') return r.fulfill(apiError(409, 'invalid_transition'));
        current = request({ ...current, status: body.status, decline_reason: body.reason || null });
        return r.fulfill(json(200, current));
      });
      for (const lang of LANGS) {
        current = request({ status: 'opened', client: { first_name: 'Aino', phone: '+358401234567', email: 'aino@example.org', note: 'Iltapäivät sopivat.' } });
        await page.goto(url(`/inbox.html?lang=${lang}#request=${REQ_ID}&sig=abcdefghijklmnopqrstuv`));
        await page.waitForSelector('#inbox-detail[data-state="open"] [data-client]');
        await page.waitForSelector('#inbox-orgs[data-loaded]', { state: 'attached' });
        assert.equal(new URL(page.url()).hash, '', 'the fragment is out of the address');
        assert.equal(new URL(page.url()).search.includes('sig'), false);
        assert.equal(sigs.at(-1), 'abcdefghijklmnopqrstuv');
        await check(`inbox.html, a request opened (${lang})`);
        await tabTo(page, '[data-save-status]');
        // Declined without a reason: the field's error; then with one.
        await page.check('#ib-status-declined');
        await page.click('[data-save-status]');
        await page.locator('#ib-reason[aria-invalid="true"]').waitFor();
        await check(`inbox.html, a field error (${lang})`);
        await page.fill('#ib-reason', 'Ryhmä on täynnä.');
        await page.click('[data-save-status]');
        await page.waitForSelector('.cr-open[data-status="declined"]');
        // declined → closed is answered 409 here: the page says so and shows the request again.
        await page.check('#ib-status-closed');
        await page.click('[data-save-status]');
        await page.locator('#ib-status-line:not(:empty)').waitFor();
        await check(`inbox.html after invalid_transition (${lang})`);
        // Unreachable: the text-message option asks for our number.
        current = request({ status: 'sent', client: { first_name: '', phone: '+358401234567', email: null, note: '' } });
        await page.locator(`[data-open="${REQ_ID}"]`).first().click();
        await page.waitForSelector('.cr-open[data-status="sent"]');
        await page.check('#ib-status-unreachable');
        assert.equal(await page.locator('#ib-phone').isVisible(), false);
        await page.check('#ib-notify');
        assert.equal(await page.locator('#ib-phone').isVisible(), true);
        await check(`inbox.html, could not reach (${lang})`);
      }
      // Not signed in: the sign-in with the way back, the request kept for after it.
      await browser.context.clearCookies();
      await page.goto(url(`/inbox.html?lang=fi#request=${REQ_ID}&sig=abcdefghijklmnopqrstuv`));
      await page.waitForSelector('[data-gate="signin"]');
      assert.match(await page.getAttribute('[data-gate="signin"] a', 'href'), /return=%2Finbox\.html/);
      assert.equal(new URL(page.url()).hash, '');
      await check('inbox.html, not signed in');
      await page.unroute(isApi(`editor/contact-requests/${REQ_ID}`));
      await page.unroute(isApi(`editor/contact-requests/${REQ_ID}/status`));
      assert.deepEqual(browser.problems, []);
    });

    test(`w.html: peek, withdraw, used, unknown (fi, sv, en), ${device}`, async () => {
      const { page } = browser;
      const token = 'T'.repeat(43);
      let answer = 'ready';
      await page.route(isApi('withdrawals/peek'), (r) => {
        assert.equal(JSON.parse(r.request().postData()).token, token);
        if (answer === 'used') return r.fulfill(apiError(410, 'link_used'));
        if (answer === 'unknown') return r.fulfill(apiError(404, 'not_found'));
        return r.fulfill(json(200, { state: 'active', requests: [{ activity: { name: 'Muistikahvila' }, organization: { name: 'Savon Muistiyhdistys ry' } }] }));
      });
      await page.route(isApi('withdrawals'), (r) => r.fulfill(json(200, { withdrawn: 1, requests: [] })));
      for (const lang of LANGS) {
        answer = 'ready';
        await page.goto(url(`/w.html?lang=${lang}#${token}`));
        await page.waitForSelector('#view[data-state="ready"]');
        assert.equal(new URL(page.url()).hash, '', 'the token is out of the address');
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        await check(`w.html, ready (${lang})`);
        await tabTo(page, '[data-withdraw-button]');
        await page.keyboard.press('Enter');
        await page.waitForSelector('#view[data-state="done"]');
        await check(`w.html, withdrawn (${lang})`);
        for (const st of ['used', 'unknown']) {
          answer = st;
          await page.goto(url(`/w.html?lang=${lang}#${token}`));
          await page.waitForSelector(`#view[data-state="${st}"]`);
          await check(`w.html, ${st} (${lang})`);
        }
      }
      // No ?lang=: the browser's (fi-FI here).
      await page.evaluate(() => localStorage.clear());
      answer = 'ready';
      await page.goto(url(`/w.html#${token}`));
      await page.waitForSelector('#view[data-state="ready"]');
      assert.equal(await page.getAttribute('html', 'lang'), 'fi');
      await page.goto(url('/w.html?lang=sv'));
      await page.waitForSelector('#view[data-state="invalid"]');
      await check('w.html without a token');
      assert.deepEqual(browser.problems, []);
    });
  });
}

describe('contact requests the whole way, real API', () => {
  let browser;
  const run = `${process.pid}-${Date.now()}`;
  const client = `aino.${run}@example.org`;
  const editor = `cr-ui-editor.${run}@example.org`;
  let act;
  before(async () => {
    const [id, name, orgId, address] = psql(`SELECT a.id || '|' || a.name || '|' || a.organization_id || '|' || a.contact_request_email
      FROM activities a JOIN organizations o ON o.id = a.organization_id
      WHERE a.accepts_contact_requests AND a.status = 'published' AND o.status = 'approved' AND a.freshness <> 'hidden'
      AND a.contact_request_email IS NOT NULL ORDER BY a.name DESC LIMIT 1`).split('|');
    act = { id, name, orgId, address };
    // An editor of the activity's organisation of this test's own, added by the admin as
    // people are (audited; the demo editors' lists stay as they are).
    const admin = await signIn('koordinaattori@hyvinvointialue.example.org');
    const add = await admin.call(`/api/v1/organizations/${orgId}/editors`, { method: 'POST', json: { email: editor, lang: 'fi' } });
    assert.equal(add.status, 201, `adding the test's editor: ${add.status} ${add.text}`);
    browser = await launch({ viewport: { width: 1280, height: 900 } });
  });
  after(async () => {
    if (browser) await browser.close();
  });

  test('send, my requests, the inbox link, the withdraw link', async () => {
    const { page } = browser;
    // What the API refused, for the failure's message.
    const refused = [];
    page.on('response', async (res) => {
      if (!res.url().includes('/api/v1/') || res.status() < 400) return;
      refused.push(`${res.request().method()} ${new URL(res.url()).pathname} ${res.status()} ${await res.text().catch(() => '')}`);
    });
    const waitOr = async (sel, what) => {
      try {
        await page.locator(sel).first().waitFor();
      } catch (e) {
        const shown = await page.locator('#view').innerText().catch(() => '');
        // One "report:" line: run.sh prints those of a failed file.
        console.log(`report: ${what}: refused ${refused.join(' | ')}; page: ${shown.slice(0, 1500)}`.replace(/\s+/g, ' '));
        throw new Error(`${what}: ${e.message}`);
      }
    };
    const ngoAfter = await lastMailId(act.address);
    const clientAfter = await lastMailId(client);
    await signInAs(page, PRO);
    // A result card of an activity that accepts requests offers the tray too (the search
    // item says so: accepts_contact_requests).
    await page.goto(url(`/?lang=fi&q=${encodeURIComponent(act.name)}&kind=all&municipality=all`));
    await page.waitForSelector('#view[data-ready="true"][data-view="results"]', { state: 'attached' });
    await page.locator(`[data-card] [data-tray="${act.id}"][aria-pressed="false"]`).first().waitFor({ timeout: 10000 });
    await page.goto(url(`/?lang=fi&need=all&municipality=all&activity=${act.id}`));
    await page.locator(`[data-tray="${act.id}"][aria-pressed="false"]`).click();
    await page.waitForSelector('[data-tray-link="1"]');
    await page.goto(url('/request.html?lang=fi'));
    await page.waitForSelector('#cr-consent-text[data-version]');
    assert.ok((await page.locator('#cr-consent-text').innerText()).length > 20, 'the consent text is the real one');
    await page.fill('#cr-first-name', 'Aino');
    await page.fill('#cr-email', client);
    await page.check('#cr-channel-v-email');
    await page.fill('#cr-note', 'Iltapäivät sopivat parhaiten.');
    // No consent yet: the directory's field error at the checkbox.
    await page.click('#cr-send');
    await waitOr('#cr-consent[aria-invalid="true"]', 'the consent\'s field error');
    await assertAccessible(page, 'request.html with the real field error');
    await page.check('#cr-consent');
    await page.click('#cr-send');
    await waitOr('#cr-done', 'the receipt');
    const reqId = await page.getAttribute('#cr-done li[data-request]', 'data-request');
    assert.match(reqId, /^[0-9a-f-]{36}$/);
    assert.equal(await page.getAttribute('[data-receipt]', 'data-receipt'), 'email');
    assert.doesNotMatch(await page.locator('[data-receipt]').innerText(), new RegExp(client.replace(/\./g, '\\.')), 'the receipt address is masked');
    await assertAccessible(page, 'request.html, sent (real)');

    await page.goto(url('/my-requests.html?lang=fi'));
    await waitOr(`#my-requests [data-request="${reqId}"]`, 'my requests');
    assert.equal(await page.locator(`[data-request="${reqId}"] [data-status-word]`).innerText(), 'Lähetetty');
    await page.click(`[data-open="${reqId}"]`);
    await page.locator(`[data-request="${reqId}"] [data-client]`).waitFor();
    assert.match(await page.locator(`[data-request="${reqId}"] [data-client]`).innerText(), new RegExp(client.replace(/\./g, '\\.')));
    await assertAccessible(page, 'my-requests.html (real)');

    // The association's e-mail: its inbox link, opened by its editor.
    const ngo = await mailFor(act.address, { after: ngoAfter });
    const m = /\/inbox\.html#request=([0-9a-f-]{36})&sig=([A-Za-z0-9_-]+)/.exec(ngo.text);
    assert.ok(m, `the NGO's e-mail has the inbox link: ${ngo.text}`);
    assert.equal(m[1], reqId);
    assert.doesNotMatch(ngo.text, new RegExp(client.replace(/\./g, '\\.')), 'no client data in the NGO e-mail');
    await browser.context.clearCookies();
    await signInAs(page, editor);
    await page.goto(url(`/inbox.html?lang=fi#request=${m[1]}&sig=${m[2]}`));
    await waitOr('#inbox-detail[data-state="open"] [data-client]', 'the inbox link');
    assert.equal(new URL(page.url()).hash, '');
    assert.match(await page.locator('#inbox-detail [data-client]').innerText(), /Aino[^]*Iltapäivät/);
    await page.waitForSelector(`#inbox-orgs [data-request="${reqId}"]`);
    await assertAccessible(page, 'inbox.html (real)');
    await page.check('#ib-status-contacted');
    await page.click('[data-save-status]');
    await waitOr(`.cr-open[data-request="${reqId}"][data-status="contacted"]`, 'contacted');
    // contacted → only "closed" is offered now.
    assert.equal(await page.locator('input[name="ib-status"]').count(), 1);

    // The sender sees it.
    await browser.context.clearCookies();
    await signInAs(page, PRO);
    await page.goto(url('/my-requests.html?lang=en'));
    await page.waitForSelector(`[data-request="${reqId}"][data-status="contacted"]`);
    assert.equal(await page.locator(`[data-request="${reqId}"] [data-status-word]`).innerText(), 'In contact with the client');

    // The client's receipt: the withdraw link, at /w.
    const receipt = await mailFor(client, { after: clientAfter });
    const w = /(\/w#[A-Za-z0-9_-]+)/.exec(receipt.text);
    assert.ok(w, `the receipt has the withdraw link: ${receipt.text}`);
    await browser.context.clearCookies();
    await page.goto(url(w[1]));
    await waitOr('#view[data-state="ready"]', 'the withdraw link');
    assert.equal(new URL(page.url()).hash, '');
    assert.match(await page.locator('#w-list').innerText(), new RegExp(act.name.slice(0, 10)));
    await assertAccessible(page, 'w (real)');
    await page.click('[data-withdraw-button]');
    await page.waitForSelector('#view[data-state="done"]');
    await page.goto(url(w[1]));
    await page.waitForSelector('#view[data-state="used"]');
    assert.equal(psql(`SELECT status || ' ' || (erased_at IS NOT NULL) FROM contact_requests WHERE id = '${reqId}'`), 'withdrawn true');
    assert.deepEqual(browser.problems, []);
  });
});
