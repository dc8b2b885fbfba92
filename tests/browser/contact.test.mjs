// Contact requests in the browser (issue 14's first "Done when"): a
// professional signs in through the OpenID provider, puts two activities of
// two organisations in the tray, sends one request with the client's
// consent; both NGO e-mails arrive at the mail catcher with their inbox
// links, the client's receipt SMS at the SMS stand-in; the editor of the
// first organisation opens the request from the e-mail's link (the audit
// log shows contact_request.open) and marks it contacted; the
// professional's my-requests page says so.  Every new page passes axe-core
// (WCAG 2.1 A/AA) in fi, sv and en.
//
// Then the privacy check ("A test plants unique client phone numbers and
// e-mail addresses, runs the flow, and searches ..."): more requests with
// planted clients (one withdrawn by its link, one with a note, one e-mail
// only, one opened and marked unreachable), and a search of every service
// log, Redis (outside the sealed stream fields), every PostgreSQL table and
// column but the sealed ones, every URL the browsers visited and the NGO
// e-mails for the phones (E.164, without '+', national, spaced), the
// addresses (any case), the first names and the note.  Each search first
// shows it can fail: a planted control in the same place is found.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  launch, url, assertAccessible, signInAs, pageSession, stackEnv, mailText,
} from './browser.mjs';
import {
  DIR, env, until, psql, q, signIn, anon, crActivity, crBody, crSend, clientPhone, clientEmail, smsMessages, withdrawToken, mails, http,
  findIn, decodeAll, scanLogs, pgDump, redisClient, redisDump,
} from '../system/lib.mjs';

const LANGS = ['fi', 'sv', 'en'];
const NURSE = { email: 'hoitaja@kuopio-terveys.example.org', password: 'demo-hoitaja' };
const ADMIN = 'koordinaattori@hyvinvointialue.example.org';
const EDITOR_X = 'toimitus@mielenterveysseura.example.org';
const X = 'd0000000-0000-4000-8000-000000000006';
const Y = 'd0000000-0000-4000-8000-000000000016';
const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
const ready = '#view[data-ready="true"]';

// Everything planted about clients, searched for at the end.
const planted = [];
/** A planted client: {first_name, phone (clientPhone), email, note}. */
function plant({ withEmail = true, withPhone = true, note = '' } = {}) {
  const letters = RUN.replace(/[^a-z]/g, '').slice(0, 4) || 'abc';
  const c = {
    first_name: `Ainokki${letters}${planted.length}`.slice(0, 60),
    phone: withPhone ? clientPhone() : null,
    email: withEmail ? clientEmail('asiakas') : null,
    note,
  };
  planted.push(c);
  return c;
}
const clientJson = (c) => ({ first_name: c.first_name, ...(c.phone ? { phone: c.phone.typed } : {}), ...(c.email ? { email: c.email } : {}) });

const visited = []; // every URL a browser of this file asked for or navigated to
function record(b) {
  b.page.on('request', (r) => visited.push(r.url()));
  b.page.on('framenavigated', (f) => visited.push(f.url()));
  return b;
}

/** Opens a page in a language and waits for its view and the header. */
async function open(page, p, lang = 'fi', filled = ready) {
  const [pathPart, hash] = p.split('#');
  await page.goto(url(`${pathPart}${pathPart.includes('?') ? '&' : '?'}lang=${lang}${hash ? `#${hash}` : ''}`));
  await page.waitForSelector(ready, { state: 'attached' });
  await page.waitForSelector(filled, { state: 'attached' });
  await page.waitForSelector('#account nav', { state: 'attached' });
  assert.equal(await page.getAttribute('html', 'lang'), lang);
}

/** Signs the page in as the demo nurse through the OpenID provider, from 'from'; back there signed in. */
async function oidcSignIn(page, from) {
  const issuer = new URL(stackEnv().TARJOTIN_OIDC_POHJOIS_SAVO_ISSUER);
  await page.goto(url(from));
  await page.waitForSelector(ready, { state: 'attached' });
  await page.locator('#account a[data-signin]').click();
  await page.waitForURL((u) => u.pathname === '/signin.html');
  await page.locator('a[data-provider="pohjois-savo"]').click();
  await page.waitForURL((u) => u.origin === issuer.origin);
  await page.fill('#email', NURSE.email);
  await page.fill('#password', NURSE.password);
  await page.click('button[type="submit"]');
  await page.waitForURL((u) => u.origin === new URL(url('/')).origin && u.pathname === '/');
  await page.locator('#account nav[data-signed-in="true"]').waitFor();
  const s = await pageSession(page);
  assert.equal(s.account?.email, NURSE.email);
  assert.equal(s.account.role, 'professional');
  return s.account;
}

describe('a contact request end to end, in the browser', () => {
  let pro; // the professional's browser
  let ngo; // the NGO editor's browser
  let admin; // the admin's API session
  let acts; // [X's activity, Y's activity]
  let nurse; // the professional's account
  let client; // the flow's planted client
  let batch; // the send the flow made
  let requestX; // its request to X's activity
  let inboxLink; // the link of X's e-mail
  let withdrawLink;

  before(async () => {
    admin = await signIn(ADMIN);
    acts = [await crActivity(admin, X, { name: `Tarjotintesti X ${RUN}` }), await crActivity(admin, Y, { name: `Tarjotintesti Y ${RUN}` })];
    pro = record(await launch());
    ngo = record(await launch());
  });
  after(async () => {
    if (pro) await pro.close();
    if (ngo) await ngo.close();
  });

  test('a professional signs in through the provider, puts two activities in the tray and sends a request with consent', async () => {
    const { page } = pro;
    nurse = await oidcSignIn(page, `/?lang=fi&activity=${acts[0].id}`);
    for (const a of acts) {
      await open(page, `/?activity=${a.id}`, 'fi', '#view[data-view="detail"]');
      await page.locator(`button[data-tray="${a.id}"]`).click();
      await page.locator(`button[data-tray="${a.id}"][aria-pressed="true"]`).waitFor({ state: 'attached' });
    }
    // The header's tray link counts them and leads to the send page.
    await page.locator('a[data-tray-link="2"]').click();
    await page.waitForURL((u) => u.pathname === '/request.html');
    await page.waitForSelector('#cr-form [data-tray-items="2"]', { state: 'attached' });
    for (const a of acts) assert.ok((await page.locator('main').innerText()).includes(a.name), `request.html names ${a.name}`);
    client = plant({ note: `Muistiinpano${RUN} soittakaa aamulla` });
    await page.fill('#cr-first-name', client.first_name);
    await page.fill('#cr-phone', client.phone.typed);
    await page.fill('#cr-email', client.email);
    await page.locator('#cr-channel-v-call').check();
    await page.locator('#cr-lang-v-fi').check();
    await page.fill('#cr-note', client.note);
    // The consent text is shown next to its checkbox; without it nothing is sent.
    await page.waitForSelector('#cr-consent-text[data-version]', { state: 'attached' });
    assert.match(await page.locator('#cr-consent-text').innerText(), /luvan/, 'the Finnish consent text is shown');
    await page.click('#cr-send');
    await page.locator('#cr-consent[aria-invalid="true"]').waitFor();
    assert.equal(psql(`SELECT count(*) FROM contact_request_batches WHERE account_id = ${q(nurse.id)}`), '0', 'nothing sent without consent');
    await page.locator('#cr-consent').check();
    await page.click('#cr-send');
    await page.waitForSelector('#cr-done[data-sent]', { state: 'attached' });
    batch = await page.getAttribute('#cr-done', 'data-sent');
    assert.equal(psql(`SELECT account_id FROM contact_request_batches WHERE id = ${q(batch)}`), nurse.id, 'the send stored as the nurse\'s');
    assert.equal(await page.locator('#cr-done [data-receipt="sms"]').count(), 1, 'the page says the receipt went by SMS');
    const rows = psql(`SELECT activity_id || ' ' || id FROM contact_requests WHERE batch_id = ${q(batch)}`).split('\n');
    assert.equal(rows.length, 2, 'one request per activity');
    requestX = rows.find((r) => r.startsWith(acts[0].id)).split(' ')[1];
    assert.equal(psql(`SELECT consent_version FROM contact_request_batches WHERE id = ${q(batch)}`), (await http('/api/v1/contact-requests/consent')).json.version);
    assert.deepEqual(pro.problems, []);
  });

  test('both NGO e-mails arrive with their links, and the client gets the receipt SMS', async () => {
    assert.ok(batch, 'sent');
    for (const a of acts) {
      const [m] = await until(async () => {
        const l = await mails(a.email, { template: 'contact_request' });
        return l.length && l;
      }, { timeout: 30000, what: `the e-mail to ${a.email}` });
      const link = /https?:\/\/[^\s"<>]+\/inbox\.html#request=([0-9a-f-]{36})&sig=([A-Za-z0-9_-]{22})/.exec(m.text);
      assert.ok(link, `an inbox link in the e-mail:\n${m.text.slice(0, 1500)}`);
      assert.equal(psql(`SELECT activity_id FROM contact_requests WHERE id = ${q(link[1])}`), a.id, 'the link opens this activity\'s request');
      assert.ok(m.text.includes(a.name), 'the e-mail names the activity');
      if (a === acts[0]) inboxLink = link[0];
    }
    const [sms] = await until(async () => {
      const l = await smsMessages(client.phone.msisdn);
      return l.length && l;
    }, { timeout: 30000, what: 'the receipt SMS at the stand-in' });
    assert.equal((await smsMessages(client.phone.msisdn)).length, 1, 'one receipt for the send');
    const orgNames = psql(`SELECT string_agg(name, '|') FROM organizations WHERE id IN (${q(X)}, ${q(Y)})`).split('|');
    for (const n of orgNames) assert.ok(sms.message.includes(n), `the receipt names ${n}: ${sms.message}`);
    withdrawLink = /https?:\/\/\S+\/w#[A-Za-z0-9_-]+/.exec(sms.message)?.[0];
    assert.ok(withdrawLink, `a withdraw link in the receipt: ${sms.message}`);
  });

  test('the editor opens the request from the e-mail link (audited) and marks it contacted', async () => {
    assert.ok(inboxLink, 'the e-mail came');
    const { page } = ngo;
    const from = new Date(Date.now() - 1000);
    await signInAs(page, EDITOR_X);
    const editor = (await pageSession(page)).account;
    await page.goto(inboxLink);
    const detail = `#inbox-detail[data-state="open"] [data-request="${requestX}"]`;
    await page.waitForSelector(detail, { state: 'attached' });
    const shown = await page.locator(`${detail} [data-client]`).innerText();
    assert.ok(shown.includes(client.first_name), 'the editor sees the client\'s name');
    assert.ok(shown.replace(/\s/g, '').includes(client.phone.e164) || shown.replace(/\s/g, '').includes(client.phone.national),
      'the editor sees the client\'s phone');
    await until(() => psql(`SELECT count(*) FROM audit_log WHERE action = 'contact_request.open' AND target_id = ${q(requestX)}
      AND actor_account = ${q(editor.id)} AND at >= ${q(from.toISOString())}`) !== '0', { what: 'the audit row contact_request.open' });
    assert.equal(psql(`SELECT status FROM contact_requests WHERE id = ${q(requestX)}`), 'opened');
    await page.locator('#ib-status-contacted').check();
    await page.locator('[data-save-status]').click();
    await until(() => psql(`SELECT status FROM contact_requests WHERE id = ${q(requestX)}`) === 'contacted', { what: 'status contacted' });
    assert.deepEqual(ngo.problems, []);
  });

  test('the professional\'s my-requests page shows "contacted"', async () => {
    assert.ok(requestX, 'sent');
    const { page } = pro;
    await open(page, '/my-requests.html', 'fi', `[data-request="${requestX}"]`);
    const item = page.locator(`li[data-request="${requestX}"]`);
    assert.equal(await item.getAttribute('data-status'), 'contacted');
    assert.equal((await item.locator('[data-status-word]').innerText()).trim(), 'Yhteydessä asiakkaaseen', 'the Finnish word for contacted');
    assert.deepEqual(pro.problems, []);
  });

  test('every new page passes axe-core in fi, sv and en', async () => {
    assert.ok(requestX, 'sent');
    const checked = [];
    const olli = await signIn('ohjaaja@varkaus-terveys.example.org');
    for (const lang of LANGS) {
      // The tray (on the detail page) and request.html with two activities in it.
      const p = pro.page;
      await open(p, `/?activity=${acts[0].id}`, lang, '#view[data-view="detail"]');
      const tb = p.locator(`button[data-tray="${acts[0].id}"]`);
      if ((await tb.getAttribute('aria-pressed')) !== 'true') await tb.click();
      await p.locator(`button[data-tray="${acts[0].id}"][aria-pressed="true"]`).waitFor({ state: 'attached' });
      await assertAccessible(p, `the tray button and link on the detail page (${lang})`);
      await open(p, '/request.html', lang, '#cr-form [data-tray-items]');
      await p.waitForSelector('#cr-consent-text[data-version]', { state: 'attached' });
      await assertAccessible(p, `request.html (${lang})`);
      await p.click('#cr-send'); // no client, no consent: the errors next to the fields
      await p.locator('#cr-consent[aria-invalid="true"]').waitFor();
      await assertAccessible(p, `request.html with errors (${lang})`);
      await open(p, '/my-requests.html', lang, `li[data-request="${requestX}"]`);
      await assertAccessible(p, `my-requests.html (${lang})`);
      // The inbox: the list (with an open request in it), and one request opened.
      const e = ngo.page;
      const more = await crSend(olli, await crBody([acts[0].id], { client: clientJson(plant()) }));
      assert.equal(more.status, 201, more.text);
      await open(e, `/inbox.html?org=${X}`, lang, `#inbox-orgs[data-loaded] li[data-request="${more.json.requests[0].id}"]`);
      await assertAccessible(e, `inbox.html list (${lang})`);
      await open(e, `/inbox.html#request=${requestX}`, lang, `#inbox-detail[data-state="open"] [data-request="${requestX}"]`);
      await assertAccessible(e, `inbox.html request (${lang})`);
      // w.html: a link that names nothing, and no link.
      await open(e, `/w#${'A'.repeat(43)}`, lang, '#view[data-state="unknown"]');
      await assertAccessible(e, `w.html unknown link (${lang})`);
      await open(e, '/w', lang, '#view[data-state="invalid"]');
      await assertAccessible(e, `w.html without a link (${lang})`);
      checked.push(lang);
    }
    // w.html with a real link: ready, withdrawn, used again (once, in Finnish: a link works once).
    const e = ngo.page;
    await open(e, withdrawLink.slice(withdrawLink.indexOf('/w#')), 'fi', '#view[data-state="ready"]');
    await assertAccessible(e, 'w.html ready (fi)');
    await e.locator('[data-withdraw-button]').click();
    await e.waitForSelector('#view[data-state="done"]', { state: 'attached' });
    await assertAccessible(e, 'w.html withdrawn (fi)');
    for (const lang of LANGS) {
      await open(e, withdrawLink.slice(withdrawLink.indexOf('/w#')), lang, '#view[data-state="used"]');
      await assertAccessible(e, `w.html used (${lang})`);
    }
    assert.equal(psql(`SELECT count(*) FROM contact_requests WHERE batch_id = ${q(batch)} AND client_enc IS NOT NULL`), '0', 'the withdrawal erased the data');
    console.log(`report: contact-request pages pass axe in ${checked.join(', ')}`);
    assert.deepEqual(pro.problems, []);
    assert.deepEqual(ngo.problems, []);
  });

  test('privacy: no planted client phone, address, name or note in any log, Redis, PostgreSQL, URL or NGO e-mail', async () => {
    assert.ok(batch, 'the flow ran');
    // More sends with planted clients, through the API as a second professional.
    const olli = await signIn('ohjaaja@varkaus-terveys.example.org');
    const editor = await signIn(EDITOR_X);
    const sends = [];
    const sendOne = async (c, over = {}) => {
      const r = await crSend(olli, await crBody(acts.map((a) => a.id), { client: clientJson(c), note: c.note, ...over }));
      assert.equal(r.status, 201, r.text);
      sends.push({ c, reply: r.json });
      return r.json;
    };
    const withNote = await sendOne(plant({ note: `Muistiinpano${RUN} toinen` }));
    const toWithdraw = await sendOne(plant());
    await sendOne(plant({ withPhone: false }), { channel: 'email' }); // the receipt by e-mail
    const unreachable = await sendOne(plant());
    // X's editor opens two and marks one unreachable, with the SMS to the client.
    for (const s of [withNote, unreachable]) {
      const id = s.requests.find((x) => x.activity.id === acts[0].id).id;
      const o = await editor.call(`/api/v1/editor/contact-requests/${id}`);
      assert.equal(o.status, 200, o.text);
    }
    const uid = unreachable.requests.find((x) => x.activity.id === acts[0].id).id;
    const st = await editor.call(`/api/v1/editor/contact-requests/${uid}/status`, { method: 'POST',
      json: { status: 'unreachable', notify_client: true, phone: '017 123 4567' } });
    assert.equal(st.status, 200, st.text);
    // The withdrawal by the receipt's link.
    const wc = sends.find((s) => s.reply === toWithdraw).c;
    const [receipt] = await until(async () => { const l = await smsMessages(wc.phone.msisdn); return l.length && l; },
      { timeout: 30000, what: 'the receipt to withdraw' });
    const token = withdrawToken(receipt.message);
    assert.ok(token, receipt.message);
    const w = await (await anon()).call('/api/v1/withdrawals', { method: 'POST', json: { token } });
    assert.equal(w.status, 200, w.text);
    // Every message done with (so that notify has logged what it logs) before the search.
    const batches = [batch, ...sends.map((s) => s.reply.id)].map(q).join(',');
    const messagesOf = (where) => psql(`SELECT coalesce(string_agg(DISTINCT n.template || ' ' || n.status || coalesce(': ' || n.last_error, ''), '; '), '')
      FROM notifications n JOIN contact_request_messages m ON m.job_id = n.job_id
      JOIN contact_requests r ON r.id = m.request_id WHERE r.batch_id IN (${batches}) AND ${where}`);
    await until(() => messagesOf("n.status IN ('queued', 'failed')") === '',
      { timeout: 60000, every: 500, what: 'every message of the planted sends sent or dead' });

    const needles = planted.flatMap(needlesOf);
    assert.ok(needles.length >= planted.length * 3, 'needles for every planted client');

    // The search itself can fail: each form is found in a control string.
    for (const n of needles) assert.deepEqual(findIn(`control ${n.what}`, `xx ${n.shown} yy`, [n]).length, 1, `the search finds ${n.what}`);
    const c0 = planted[0];
    for (const form of [c0.phone.e164, c0.phone.e164.slice(1), c0.phone.national, c0.phone.typed, c0.email.toUpperCase(),
      encodeURIComponent(c0.email), `+358 ${c0.phone.national.slice(1, 3)} ${c0.phone.national.slice(3)}`]) {
      assert.ok(findIn('control', `a=${form};`, needlesOf(c0)).length > 0, `a control holding ${form} is found`);
    }

    const leaks = [];
    // 1. Every service log.
    const logDir = path.join(DIR, 'logs');
    const control = mkdtempSync(path.join(os.tmpdir(), 'cr-privacy-'));
    try {
      cpSync(logDir, control, { recursive: true });
      appendFileSync(path.join(control, 'gateway-1.log'), `{"msg":"control","to":"${c0.phone.e164}"}\n`);
      assert.ok(scanLogs(control, needles).some((l) => l.startsWith('gateway-1.log')), 'a phone planted in a copy of a log is found');
    } finally { rmSync(control, { recursive: true, force: true }); }
    leaks.push(...scanLogs(logDir, needles));

    // 2. Redis: every key and value, stream entries without their sealed fields.
    const redis = redisClient(Number(env.TARJOTIN_REDIS_PORT));
    try {
      const ck = `tj:test:privacy-control:${RUN}`;
      await redis.cmd('SET', `${ck}:s`, `x ${c0.email.toLowerCase()} y`);
      await redis.cmd('XADD', `${ck}:x`, '*', 'recipient', c0.phone.e164, 'note', c0.phone.national);
      const cdump = await redisDump(redis, `${ck}:*`);
      const cl = cdump.flatMap((d) => findIn(d.where, d.text, needlesOf(c0)));
      assert.ok(cl.some((l) => l.includes(`${ck}:s`)), `a string value is searched: ${cl.join('; ')}`);
      assert.ok(cl.some((l) => l.includes(`${ck}:x`) && l.includes('national')), 'a stream field is searched');
      assert.ok(!cl.some((l) => l.includes(`${ck}:x`) && l.includes('E.164')), 'the sealed recipient field is skipped');
      await redis.cmd('DEL', `${ck}:s`, `${ck}:x`);
      const dump = await redisDump(redis, '*');
      assert.ok(dump.some((d) => d.where.startsWith('tj:notify')), 'the dump holds the notify stream');
      for (const d of dump) leaks.push(...findIn(`redis ${d.where}`, d.text, needles));
    } finally { redis.close(); }

    // 3. PostgreSQL: every table and column but the sealed ones.
    psql(`CREATE TABLE privacy_control_${RUN} (v text, b bytea)`);
    try {
      psql(`INSERT INTO privacy_control_${RUN} VALUES ('', convert_to(${q(`z${c0.phone.e164}z`)}, 'UTF8'))`);
      const cdb = pgDump().filter((d) => d.where === `privacy_control_${RUN}`);
      assert.ok(cdb.length === 1 && findIn('pg control', cdb[0].text, needlesOf(c0)).length > 0, 'a phone in a bytea column is found');
    } finally { psql(`DROP TABLE privacy_control_${RUN}`); }
    const db = pgDump();
    const cr = db.find((d) => d.where === 'contact_requests');
    assert.ok(cr && cr.text.includes(requestX), 'the dump holds the contact requests');
    assert.ok(db.find((d) => d.where === 'accounts')?.text.includes(NURSE.email), 'the dump holds the accounts');
    for (const d of db) leaks.push(...findIn(`postgresql ${d.where}`, d.text, needles));

    // 4. Every URL the browsers visited (decoded too).
    assert.ok(visited.some((u) => u.includes('/request.html')) && visited.some((u) => u.includes('/inbox.html')), 'the URLs were recorded');
    assert.ok(findIn('url control', decodeAll(`http://x/?q=${encodeURIComponent(c0.phone.e164)}`), needlesOf(c0)).length > 0, 'an encoded phone in a URL is found');
    for (const u of new Set(visited)) leaks.push(...findIn(`url ${u.slice(0, 120)}`, decodeAll(u), needles));

    // 5. The NGO e-mails (requests, withdrawals), raw and decoded.
    let ngoMails = 0;
    for (const a of acts) {
      const list = await mails(a.email);
      ngoMails += list.length;
      for (const m of list) {
        const raw = await (await fetch(`${env.TARJOTIN_MAILCATCHER_URL}/messages/${m.id}`, { signal: AbortSignal.timeout(10000) })).text();
        const text = `${m.subject}\n${m.text}\n${mailText(raw)}\n${raw}`;
        assert.ok(text.includes(a.name), 'the e-mail is searched (it names the activity)');
        leaks.push(...findIn(`e-mail ${m.id} to ${a.email} (${m.template})`, text, needles));
      }
    }
    assert.ok(ngoMails >= 2 * (1 + sends.length), `the NGO e-mails were searched (${ngoMails})`);
    console.log(`report: privacy: ${planted.length} planted clients, ${needles.length} forms searched in ${readdirSync(logDir).length} logs, ` +
      `Redis, ${db.length} tables, ${new Set(visited).size} URLs and ${ngoMails} NGO e-mails: ${leaks.length} found`);
    assert.deepEqual(leaks, [], `client data found where it must not be:\n${leaks.slice(0, 40).join('\n')}`);
    assert.equal(messagesOf("n.status NOT IN ('sent', 'delivered')"), '', 'every message of the planted sends was sent');
  });
});

// --- the search ---------------------------------------------------------------

/** The forms of a planted client's data: {what, value (lower case), shown}. */
function needlesOf(c) {
  const out = [];
  if (c.phone) {
    const n = c.phone.national;
    for (const [what, v] of [['phone E.164', c.phone.e164], ['phone without +', c.phone.e164.slice(1)], ['phone national', n],
      ['phone as typed', c.phone.typed], ['phone spaced E.164', `+358 ${n.slice(1, 3)} ${n.slice(3)}`]]) out.push({ what, value: v.toLowerCase(), shown: v });
  }
  if (c.email) {
    out.push({ what: 'e-mail', value: c.email.toLowerCase(), shown: c.email });
    const local = c.email.slice(0, c.email.indexOf('@'));
    out.push({ what: 'e-mail local part', value: local.toLowerCase(), shown: local });
  }
  out.push({ what: 'first name', value: c.first_name.toLowerCase(), shown: c.first_name });
  if (c.note) out.push({ what: 'note', value: c.note.toLowerCase(), shown: c.note });
  return out;
}
