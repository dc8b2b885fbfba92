// survey.html#t=<token> (docs/statistics.md §7): a follow-up survey's recipient answers
// without signing in. The token is read from the fragment and at once taken out of the
// address; it lives only in this page's memory and goes only into the POST bodies
// (POST /api/v1/survey-answers/peek, then POST /api/v1/survey-answers). A scale question
// is a radio group 1..5 (1 = strongly disagree … 5 = strongly agree), a text one a
// textarea of at most 2000 characters; a field error (answers.q1) is shown in its
// question's fieldset. The language switch changes the page in place.
// #view[data-state="loading|open|answered|used|closed|invalid|error"].

import { startPage, h, takeFragmentToken, fieldError } from './page.js';
import { ApiError, apiSend } from './api.js';

const MAX_TEXT = 2000;

const STR = {
  fi: {
    title: 'Seurantakysely',
    'scale.1': 'täysin eri mieltä', 'scale.2': 'jokseenkin eri mieltä', 'scale.3': 'ei samaa eikä eri mieltä',
    'scale.4': 'jokseenkin samaa mieltä', 'scale.5': 'täysin samaa mieltä',
    required: '(pakollinen)', optional: '(vapaaehtoinen)', send: 'Lähetä vastaukset', sending: 'Lähetetään…',
    chars: ({ n, max }) => `${n}/${max} merkkiä`, for: ({ name }) => `Vastaaja: ${name}`,
    'err.required': 'Vastaa tähän kysymykseen.', 'err.range': 'Valitse yksi vaihtoehdoista 1–5.',
    'err.too_long': 'Vastaus on liian pitkä: enintään 2000 merkkiä.', 'err.invalid': 'Tarkista vastaus.',
    'err.form': 'Tarkista merkityt kysymykset.',
    'answered.h': 'Kiitos vastauksistasi!', 'answered.text': 'Vastauksesi on tallennettu. Voit sulkea sivun.',
    'used.h': 'Kyselyyn on jo vastattu', 'used.text': 'Tällä linkillä on jo vastattu. Kuhunkin linkkiin voi vastata kerran.',
    'closed.h': 'Kysely on päättynyt', 'closed.text': 'Tähän kyselyyn ei voi enää vastata. Kiitos kiinnostuksestasi.',
    'invalid.h': 'Linkki ei kelpaa', 'invalid.text': 'Linkillä ei löytynyt kyselyä. Tarkista, että avasit koko linkin viestistä.',
    'error.text': 'Kyselyä ei voitu hakea tai lähettää juuri nyt. Yritä hetken kuluttua uudelleen.', retry: 'Yritä uudelleen',
    'throttled.text': 'Liian monta yritystä. Yritä hetken kuluttua uudelleen.',
  },
  sv: {
    title: 'Uppföljningsenkät',
    'scale.1': 'helt av annan åsikt', 'scale.2': 'delvis av annan åsikt', 'scale.3': 'varken av samma eller annan åsikt',
    'scale.4': 'delvis av samma åsikt', 'scale.5': 'helt av samma åsikt',
    required: '(obligatorisk)', optional: '(frivillig)', send: 'Skicka svaren', sending: 'Skickar…',
    chars: ({ n, max }) => `${n}/${max} tecken`, for: ({ name }) => `Svarare: ${name}`,
    'err.required': 'Svara på den här frågan.', 'err.range': 'Välj ett av alternativen 1–5.',
    'err.too_long': 'Svaret är för långt: högst 2000 tecken.', 'err.invalid': 'Kontrollera svaret.',
    'err.form': 'Kontrollera de markerade frågorna.',
    'answered.h': 'Tack för dina svar!', 'answered.text': 'Dina svar har sparats. Du kan stänga sidan.',
    'used.h': 'Enkäten har redan besvarats', 'used.text': 'Enkäten har redan besvarats med den här länken. Varje länk kan användas en gång.',
    'closed.h': 'Enkäten har avslutats', 'closed.text': 'Det går inte längre att svara på enkäten. Tack för ditt intresse.',
    'invalid.h': 'Länken duger inte', 'invalid.text': 'Ingen enkät hittades med länken. Kontrollera att du öppnade hela länken i meddelandet.',
    'error.text': 'Enkäten kunde inte hämtas eller skickas just nu. Försök igen om en stund.', retry: 'Försök igen',
    'throttled.text': 'För många försök. Försök igen om en stund.',
  },
  en: {
    title: 'Follow-up survey',
    'scale.1': 'strongly disagree', 'scale.2': 'somewhat disagree', 'scale.3': 'neither agree nor disagree',
    'scale.4': 'somewhat agree', 'scale.5': 'strongly agree',
    required: '(required)', optional: '(optional)', send: 'Send the answers', sending: 'Sending…',
    chars: ({ n, max }) => `${n}/${max} characters`, for: ({ name }) => `Respondent: ${name}`,
    'err.required': 'Answer this question.', 'err.range': 'Choose one of the options 1–5.',
    'err.too_long': 'The answer is too long: at most 2000 characters.', 'err.invalid': 'Check the answer.',
    'err.form': 'Check the marked questions.',
    'answered.h': 'Thank you for your answers!', 'answered.text': 'Your answers have been saved. You may close the page.',
    'used.h': 'The survey has been answered already', 'used.text': 'This link has already been used to answer. Each link can be used once.',
    'closed.h': 'The survey has ended', 'closed.text': 'This survey can no longer be answered. Thank you for your interest.',
    'invalid.h': 'This link is not valid', 'invalid.text': 'No survey was found with this link. Check that you opened the whole link from the message.',
    'error.text': 'The survey could not be fetched or sent just now. Try again in a while.', retry: 'Try again',
    'throttled.text': 'Too many attempts. Try again in a while.',
  },
};

const TOKEN = /^[A-Za-z0-9_-]{16,200}$/;

let token = takeFragmentToken().replace(/^t=/, '');
let state = TOKEN.test(token) ? 'loading' : 'invalid';
let survey = null;
let recipient = '';
let answers = {};   // kept across a language switch
let errors = {};    // question id → error code
let sending = false;

const page = startPage({ strings: STR, title: (t) => t('title'), onLang: () => render(false) });

function outcome(err) {
  if (!(err instanceof ApiError)) return 'error';
  if (err.code === 'link_used') return 'used';
  if (err.code === 'survey_closed') return 'closed';
  if (err.status === 410) return 'used';
  if (err.status === 404 || err.status === 400) return 'invalid';
  if (err.status === 429) return 'throttled';
  return 'error';
}

const inLang = (o) => (o && typeof o === 'object' ? o[page.lang] || o.fi || '' : o || '');

async function peek() {
  state = 'loading';
  render(false);
  try {
    const res = await apiSend('POST', 'survey-answers/peek', { token }, page.lang);
    survey = res.survey || {};
    recipient = res.recipient_name || '';
    state = 'open';
  } catch (err) {
    state = outcome(err);
  }
  render(false);
}

// The answers' own check before sending: the API checks them again.
function check() {
  const out = {};
  for (const q of survey.questions || []) {
    const v = answers[q.id];
    const empty = v === undefined || v === '';
    if (q.required && empty) out[q.id] = 'required';
    else if (q.type === 'text' && typeof v === 'string' && v.length > MAX_TEXT) out[q.id] = 'too_long';
  }
  return out;
}

async function send(e) {
  e.preventDefault();
  if (sending) return;
  errors = check();
  if (Object.keys(errors).length) { render(false); focusError(); return; }
  const body = {};
  for (const q of survey.questions || []) {
    const v = answers[q.id];
    if (v !== undefined && v !== '') body[q.id] = v;
  }
  sending = true;
  const button = page.view.querySelector('#survey-send');
  button.setAttribute('aria-disabled', 'true');
  button.textContent = page.t('sending');
  page.announce(page.t('sending'));
  try {
    await apiSend('POST', 'survey-answers', { token, lang: page.lang, answers: body }, page.lang);
    state = 'answered';
    token = '';
  } catch (err) {
    const list = err instanceof ApiError && err.status === 400
      ? (err.fields && err.fields.length ? err.fields : [{ field: err.field, code: err.code }]) : [];
    const named = list.filter((f) => f.field && f.field.startsWith('answers.'));
    if (named.length) {
      errors = {};
      for (const f of named) errors[f.field.slice('answers.'.length)] = f.code;
    } else {
      state = outcome(err);
    }
  }
  sending = false;
  render(state !== 'open');
  if (state === 'open') focusError();
}

function focusError() {
  const first = page.view.querySelector('fieldset[data-invalid] input, fieldset[data-invalid] textarea');
  if (first) first.focus();
}

function question(q, i) {
  const { t } = page;
  const fid = `f-${q.id}`;
  const errId = `${fid}-error`;
  const legend = h('legend', {}, `${i + 1}. ${inLang(q.text)} `, h('span', { class: 'hint-inline', text: t(q.required ? 'required' : 'optional') }));
  let control;
  if (q.type === 'scale') {
    control = h('div', { class: 'scale' }, [1, 2, 3, 4, 5].map((n) => {
      const input = h('input', { type: 'radio', name: q.id, id: `${fid}-${n}`, value: String(n), checked: answers[q.id] === n,
        onchange: () => { answers[q.id] = n; } });
      return h('label', { class: 'check', for: input.id }, input, h('span', { text: String(n) }), h('span', { class: 'visually-hidden', text: ` ${t('scale.' + n)}` }));
    }));
    control = [control, h('p', { class: 'scale-ends', 'aria-hidden': 'true' }, h('span', { text: `1 = ${t('scale.1')}` }), h('span', { text: `5 = ${t('scale.5')}` }))];
  } else {
    const counter = h('p', { class: 'counter', id: `${fid}-count`, 'aria-live': 'polite' });
    const area = h('textarea', { id: fid, name: q.id, rows: '4', maxlength: String(MAX_TEXT), 'aria-labelledby': `${fid}-legend`, 'aria-describedby': counter.id });
    area.value = typeof answers[q.id] === 'string' ? answers[q.id] : '';
    const count = () => { counter.textContent = t('chars', { n: area.value.length, max: MAX_TEXT }); };
    area.addEventListener('input', () => { answers[q.id] = area.value; count(); });
    count();
    control = [area, counter];
  }
  legend.id = `${fid}-legend`;
  const code = errors[q.id];
  const fs = h('fieldset', { class: 'survey-q', id: fid + '-set', 'data-question': q.id, 'data-invalid': code ? 'true' : null, 'aria-describedby': code ? errId : null },
    legend, h('p', { class: 'field-error', id: errId, hidden: !code, text: code ? t(STR.fi['err.' + code] ? 'err.' + code : 'err.invalid') : '' }), control);
  if (code) for (const el of fs.querySelectorAll('input, textarea')) fieldError(el, errId, t(STR.fi['err.' + code] ? 'err.' + code : 'err.invalid'));
  return fs;
}

function render(focus) {
  const { t, view } = page;
  const box = [];
  if (state === 'loading') {
    box.push(h('div', { 'aria-hidden': 'true' }, h('span', { class: 'sk sk-heading' }), h('span', { class: 'sk sk-text' }), h('span', { class: 'sk sk-text' }), h('span', { class: 'sk sk-short' })));
  } else if (state === 'open') {
    page.setTitle(inLang(survey.title) || t('title'));
    const intro = inLang(survey.intro);
    const hasErr = Object.keys(errors).length > 0;
    box.push(h('h2', { tabindex: '-1', id: 'survey-title', text: inLang(survey.title) }),
      recipient ? h('p', { class: 'hint', text: t('for', { name: recipient }) }) : null,
      intro ? h('p', { class: 'lead survey-intro', text: intro }) : null,
      h('form', { class: 'form', id: 'survey-form', novalidate: true, 'aria-labelledby': 'survey-title', onsubmit: send },
        hasErr ? h('div', { class: 'error-box', role: 'alert' }, h('p', { text: t('err.form') })) : null,
        (survey.questions || []).map(question),
        h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button', id: 'survey-send', text: t('send') }))));
  } else if (state === 'error' || state === 'throttled') {
    box.push(h('div', { class: 'error-box', role: 'alert' }, h('p', { text: t(`${state}.text`) })),
      h('p', {}, h('button', { type: 'button', class: 'button', onclick: peek, text: t('retry') })));
  } else {
    box.push(h('h2', { tabindex: '-1', text: t(`${state}.h`) }), h('p', { class: 'lead', text: t(`${state}.text`) }));
  }
  if (state !== 'open') page.setTitle(t('title'));
  view.replaceChildren(h('div', { class: 'intro link-page' },
    h('h1', { tabindex: '-1', text: t('title') }),
    h('div', { class: 'state-box survey-state', id: 'survey-state', role: state === 'loading' || state === 'open' ? null : 'status' }, box)));
  view.dataset.view = 'survey';
  view.dataset.state = state;
  if (state === 'loading') view.removeAttribute('data-ready'); else view.dataset.ready = 'true';
  if (focus) (view.querySelector('h2') || view.querySelector('h1')).focus();
}

if (state === 'loading') peek(); else render(false);

window.addEventListener('hashchange', () => {
  if (!location.hash || sending) return;
  token = takeFragmentToken().replace(/^t=/, '');
  survey = null;
  answers = {};
  errors = {};
  if (TOKEN.test(token)) peek();
  else { state = 'invalid'; render(true); }
});
