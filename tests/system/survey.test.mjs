// Follow-up survey (issue 15, docs/statistics.md section 7): an admin
// defines a survey to three new NGOs and sends it; each NGO's e-mail
// carries its own link (the token in the fragment); two answer through
// their links, a used link answering again is 410 link_used; the results
// show 3 recipients, 2 answered, response rate 66.7 (the UI's 67 %) and the
// answers; a sent survey's definition is frozen, a closed survey refuses.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { DIR, readLog, http, anon, until, signIn, newOrganization, mails, noteSecret, assertAudited, assertFieldErrors } from './lib.mjs';

const ADMIN = 'koordinaattori@hyvinvointialue.example.org';
const RUN = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const T0 = new Date(Date.now() - 2000);
const SURVEY = {
  title: { fi: `Seurantakysely ${RUN}`, sv: `Uppföljningsenkät ${RUN}`, en: `Follow-up survey ${RUN}` },
  intro: { fi: 'Kerro, miten Tarjotin on toiminut.', sv: 'Berätta hur Tarjotin har fungerat.', en: 'Tell us how Tarjotin has worked.' },
  audience: 'organizations',
  questions: [
    { id: 'q1', type: 'scale', text: { fi: 'Tarjotin tuo meille uusia osallistujia.', sv: 'Tarjotin ger oss nya deltagare.', en: 'Tarjotin brings us new participants.' }, required: true },
    { id: 'q2', type: 'text', text: { fi: 'Mitä parantaisit?', sv: 'Vad skulle du förbättra?', en: 'What would you improve?' }, required: false },
  ],
};
let admin; let visitor; let orgs; let id; let tokens;

// The answer page is public but, as every browser POST, carries the
// anonymous session's CSRF token.
const answer = (token, answers) => visitor.call('/api/v1/survey-answers', { method: 'POST', json: { token, lang: 'fi', answers } });
const peek = (token) => visitor.call('/api/v1/survey-answers/peek', { method: 'POST', json: { token } });

test.before(async () => {
  admin = await signIn(ADMIN);
  visitor = await anon();
  orgs = [];
  for (let i = 0; i < 3; i++) {
    const n = `kysely-${RUN}-${i}`;
    orgs.push(Object.assign(await newOrganization(admin, n), { contactEmail: `yhteys-${n}@example.org` }));
  }
});

test('a survey to three NGOs: two answer through their links, a used link is refused, 66.7 % and the answers', async () => {
  const made = await admin.call('/api/v1/admin/surveys', { method: 'POST', json: SURVEY });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.json.status, 'draft');
  id = made.json.id;
  assertFieldErrors(await admin.call('/api/v1/admin/surveys', { method: 'POST', json: { ...SURVEY, questions: [] } }),
    [{ field: 'questions', code: 'required' }], { what: 'no questions' });
  const put1 = await admin.call(`/api/v1/admin/surveys/${id}`, { method: 'PUT', json: SURVEY });
  assert.equal(put1.status, 200, put1.text);
  assert.equal(put1.json.status, 'draft');
  const notSent = await admin.call(`/api/v1/admin/surveys/${id}/close`, { method: 'POST', json: {} });
  assert.equal(notSent.status, 409, notSent.text);
  assert.equal(notSent.json.error.code, 'survey_draft');
  const send = (json) => admin.call(`/api/v1/admin/surveys/${id}/send`, { method: 'POST', json });
  // Before sending: the count the UI shows, nothing written; the ids checked.
  const dry = await send({ recipient_ids: orgs.map((o) => o.id), dry_run: true });
  assert.equal(dry.status, 200, dry.text);
  assert.deepEqual(dry.json, { sent: 3, skipped: 0, dry_run: true });
  assertFieldErrors(await send({ recipient_ids: ['x'] }), [{ field: 'recipient_ids', code: 'invalid' }], { what: 'not an id' });
  assertFieldErrors(await send({ recipient_ids: ['00000000-0000-4000-8000-00000000dead'] }), [{ field: 'recipient_ids', code: 'unknown' }], { what: 'no such NGO' });
  const none = await send({ recipient_ids: [] });
  assert.equal(none.status, 409, none.text);
  assert.equal(none.json.error.code, 'no_recipients');
  assert.equal((await admin.call(`/api/v1/admin/surveys/${id}`)).json.status, 'draft', 'still a draft');
  const sent = await admin.call(`/api/v1/admin/surveys/${id}/send`, { method: 'POST', json: { recipient_ids: orgs.map((o) => o.id) } });
  assert.equal(sent.status, 200, sent.text);
  assert.deepEqual(sent.json, { sent: 3, skipped: 0 });

  // Each NGO's invitation, to its address or its maintainers': its own link.
  tokens = [];
  for (const o of orgs) {
    const addresses = [o.contactEmail, ...o.maintainers];
    const token = await until(async () => {
      for (const a of addresses) {
        for (const m of await mails(a, { template: 'survey_invitation' })) {
          const t = /\/survey\.html#t=([A-Za-z0-9_-]{20,})/.exec(m.text)?.[1];
          if (t && m.text.includes(SURVEY.title.fi)) return t;
        }
      }
      return false;
    }, { timeout: 30000, every: 500, what: `the survey invitation of ${o.name}` });
    noteSecret('survey_token', token);
    tokens.push(token);
  }
  assert.equal(new Set(tokens).size, 3, 'a link of its own for each');

  const p = await peek(tokens[0]);
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.state, 'open');
  assert.equal(p.json.recipient_name, orgs[0].name);
  assert.equal(p.json.survey.title.sv, SURVEY.title.sv);
  assert.equal(p.json.survey.questions.length, 2);

  // A wrong answer does not use the link.
  assertFieldErrors(await answer(tokens[2], { q1: 6 }), [{ field: 'answers.q1', code: 'range' }], { what: 'a scale of 6' });
  assertFieldErrors(await answer(tokens[2], { q2: 'x' }), [{ field: 'answers.q1', code: 'required' }], { what: 'no q1' });
  assertFieldErrors(await answer(tokens[2], { q1: 3, q2: 'y'.repeat(2001) }), [{ field: 'answers.q2', code: 'too_long' }], { what: 'a long text' });

  let r = await answer(tokens[0], { q1: 4, q2: 'Enemmän ryhmiä iltaisin.' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json, { ok: true });
  r = await answer(tokens[1], { q1: 5, q2: 'Hyvä palvelu, kiitos.' });
  assert.equal(r.status, 201, r.text);
  // The first link again: refused, and the first answer stays.
  r = await answer(tokens[0], { q1: 1, q2: 'Toinen vastaus' });
  assert.equal(r.status, 410, r.text);
  assert.equal(r.json.error.code, 'link_used');
  assert.equal((await peek(tokens[0])).json?.error?.code, 'link_used');
  const unknown = await peek(`${tokens[2].slice(0, -4)}AAAA`);
  assert.equal(unknown.status, 404, 'an unknown token');
  assert.equal(unknown.json.error.code, 'link_invalid');
  assert.equal((await peek('not a link')).json?.error?.code, 'link_invalid', 'not even a token');

  const got = await admin.call(`/api/v1/admin/surveys/${id}`);
  assert.equal(got.status, 200, got.text);
  assert.equal(got.json.status, 'sent');
  const res = got.json.results;
  assert.equal(res.recipients, 3);
  assert.equal(res.answered, 2);
  assert.equal(res.response_rate, 66.7);
  assert.equal(Math.round(res.response_rate), 67, 'the UI shows 67 %');
  const [q1, q2] = res.questions;
  assert.equal(q1.id, 'q1');
  assert.deepEqual(q1.counts, [0, 0, 0, 1, 1]);
  assert.equal(q1.mean, 4.5);
  assert.equal(q1.n, 2);
  assert.equal(q2.id, 'q2');
  assert.deepEqual(q2.answers, ['Hyvä palvelu, kiitos.', 'Enemmän ryhmiä iltaisin.'], 'newest first');

  const list = await admin.call('/api/v1/admin/surveys');
  assert.equal(list.status, 200);
  const item = list.json.items.find((x) => x.id === id);
  assert.deepEqual([item.status, item.recipients, item.answered, item.response_rate], ['sent', 3, 2, 66.7]);

  // Frozen once sent; sent once.
  const put = await admin.call(`/api/v1/admin/surveys/${id}`, { method: 'PUT', json: SURVEY });
  assert.equal(put.status, 409, put.text);
  assert.equal(put.json.error.code, 'survey_sent');
  const again = await admin.call(`/api/v1/admin/surveys/${id}/send`, { method: 'POST', json: {} });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'survey_sent');

  // Closed: the third link is refused too.
  assert.equal((await admin.call(`/api/v1/admin/surveys/${id}/close`, { method: 'POST', json: {} })).status, 200);
  r = await answer(tokens[2], { q1: 3 });
  assert.equal(r.status, 410, r.text);
  assert.equal(r.json.error.code, 'survey_closed');
  assert.equal((await peek(tokens[2])).json?.error?.code, 'survey_closed');
  assert.equal((await admin.call(`/api/v1/admin/surveys/${id}`)).json.results.answered, 2);
});

test('surveys are the admin\'s: others 403, nobody 401; every write audited, answers anonymously', async () => {
  const ed = await signIn('toimitus@mielenterveysseura.example.org');
  assert.equal((await ed.call('/api/v1/admin/surveys')).status, 403);
  assert.equal((await http('/api/v1/admin/surveys')).status, 401);
  const who = { id: admin.account.id, role: 'admin' };
  await assertAudited(admin, T0, [
    { what: 'create', action: 'survey.create', actor: who, target: id },
    { what: 'update', action: 'survey.update', actor: who, target: id },
    { what: 'send', action: 'survey.send', actor: who, target: id },
    { what: 'close', action: 'survey.close', actor: who, target: id },
    { what: 'the first answer', action: 'survey.answer', actor: { id: null, role: 'anonymous' }, target: id },
    { what: 'the second answer', action: 'survey.answer', actor: { id: null, role: 'anonymous' }, target: id },
  ]);
});

test('no answer link in any log of the stack (the token only in the mail and the fragment)', async () => {
  assert.equal(tokens?.length, 3, 'the first test read the links');
  const logs = readdirSync(path.join(DIR, 'logs'))// the mail catcher's log is the mailbox, not the stack's
    .filter((f) => f.endsWith('.log') && f !== 'mailcatcher.log').map((f) => f.slice(0, -4));
  // The directory logged the sending: these are the logs the services write.
  await until(() => readLog('directory-1').includes('survey sent'), { timeout: 5000, what: 'the directory log of the sending' });
  for (const name of logs) {
    const text = readLog(name);
    for (const t of tokens) assert.ok(!text.includes(t), `a survey token in ${name}.log`);
  }
});
