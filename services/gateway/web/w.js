// w.html, served at /w#<token> (docs/contactrequests.md "Withdrawal"): the client's link
// from the receipt. The token is read from the fragment and at once taken out of the
// address (history.replaceState), so it stays out of the history; it lives only in this
// page's memory. The page shows which associations and activities have the client's
// request (POST /api/v1/withdrawals/peek) and a button that withdraws them all (POST
// /api/v1/withdrawals); nothing else about the client. A used link (410 link_used) or an
// unknown one (404) has its own calm page. The language: ?lang=, else the browser's
// (Swedish or English), else Finnish; the switch changes it in place.
// #view[data-state="loading|ready|done|used|unknown|invalid|error"].

import { startPage, h, takeFragmentToken } from './page.js';
import { ApiError, apiSend } from './api.js';
import { LANGS } from './i18n.js';

const STR = {
  fi: {
    title: 'Yhteydenottopyynnön peruminen',
    'ready.lead': 'Ammattilainen lähetti yhteystietosi näille järjestöille, jotta ne ottaisivat sinuun yhteyttä. Jos et enää halua yhteydenottoa, voit perua pyynnön. Tietosi poistetaan silloin heti.',
    'closed.lead': 'Järjestöt ovat jo käsitelleet pyynnön. Voit silti poistaa yhteystietosi heti painikkeella.',
    'ready.list': 'Pyyntö on lähetetty:', button: 'Peru yhteydenottopyyntö', working: 'Perutaan…',
    'done.h': 'Pyyntö on peruttu', 'done.text': 'Järjestöt saavat tiedon perumisesta, eivätkä ne ota sinuun yhteyttä tämän pyynnön vuoksi. Yhteystietosi on poistettu.',
    'used.h': 'Pyyntö on jo peruttu', 'used.text': 'Tällä linkillä on jo peruttu yhteydenottopyyntö. Sinun ei tarvitse tehdä mitään.',
    'unknown.h': 'Pyyntöä ei löytynyt', 'unknown.text': 'Linkillä ei löytynyt voimassa olevaa pyyntöä. Se on ehkä jo käsitelty ja tiedot poistettu. Sinun ei tarvitse tehdä mitään.',
    'invalid.h': 'Linkki ei kelpaa', 'invalid.text': 'Linkki on virheellinen tai puutteellinen. Tarkista, että avasit koko linkin viestistä.',
    'error.text': 'Tietoja ei voitu hakea juuri nyt. Yritä hetken kuluttua uudelleen.', retry: 'Yritä uudelleen',
    'throttled.text': 'Liian monta yritystä. Yritä hetken kuluttua uudelleen.',
    org: ({ org, act }) => `${org}: ${act}`,
  },
  sv: {
    title: 'Återkalla en kontaktförfrågan',
    'ready.lead': 'En yrkesperson skickade dina kontaktuppgifter till dessa organisationer för att de ska kontakta dig. Om du inte längre vill bli kontaktad kan du återkalla förfrågan. Dina uppgifter raderas då genast.',
    'closed.lead': 'Organisationerna har redan behandlat förfrågan. Du kan ändå radera dina kontaktuppgifter genast med knappen.',
    'ready.list': 'Förfrågan har skickats till:', button: 'Återkalla kontaktförfrågan', working: 'Återkallar…',
    'done.h': 'Förfrågan har återkallats', 'done.text': 'Organisationerna får veta att förfrågan återkallats, och de kontaktar dig inte på grund av den. Dina kontaktuppgifter har raderats.',
    'used.h': 'Förfrågan har redan återkallats', 'used.text': 'Kontaktförfrågan har redan återkallats med den här länken. Du behöver inte göra något.',
    'unknown.h': 'Förfrågan hittades inte', 'unknown.text': 'Ingen giltig förfrågan hittades med länken. Den har kanske redan behandlats och uppgifterna raderats. Du behöver inte göra något.',
    'invalid.h': 'Länken duger inte', 'invalid.text': 'Länken är felaktig eller ofullständig. Kontrollera att du öppnade hela länken i meddelandet.',
    'error.text': 'Uppgifterna kunde inte hämtas just nu. Försök igen om en stund.', retry: 'Försök igen',
    'throttled.text': 'För många försök. Försök igen om en stund.',
    org: ({ org, act }) => `${org}: ${act}`,
  },
  en: {
    title: 'Withdrawing a contact request',
    'ready.lead': 'A professional sent your contact details to these associations so that they would contact you. If you no longer want to be contacted, you can withdraw the request. Your details are then erased at once.',
    'closed.lead': 'The associations have dealt with the request already. You can still erase your contact details at once with the button.',
    'ready.list': 'The request was sent to:', button: 'Withdraw the contact request', working: 'Withdrawing…',
    'done.h': 'The request has been withdrawn', 'done.text': 'The associations are told of the withdrawal and will not contact you because of this request. Your contact details have been erased.',
    'used.h': 'The request has been withdrawn already', 'used.text': 'The contact request has already been withdrawn with this link. You need not do anything.',
    'unknown.h': 'No request was found', 'unknown.text': 'No active request was found with this link. It may have been dealt with and the details erased already. You need not do anything.',
    'invalid.h': 'This link is not valid', 'invalid.text': 'The link is wrong or incomplete. Check that you opened the whole link from the message.',
    'error.text': 'The details could not be fetched just now. Try again in a while.', retry: 'Try again',
    'throttled.text': 'Too many attempts. Try again in a while.',
    org: ({ org, act }) => `${org}: ${act}`,
  },
};

const TOKEN = /^[A-Za-z0-9_-]{16,200}$/;

// Without ?lang=, the browser's language decides (the client has no remembered one here).
function browserLang() {
  if (LANGS.includes(new URLSearchParams(location.search).get('lang'))) return;
  const want = (navigator.languages || [navigator.language || '']).map((l) => String(l).slice(0, 2).toLowerCase()).find((l) => LANGS.includes(l));
  const p = new URLSearchParams(location.search);
  p.set('lang', want || 'fi');
  history.replaceState(history.state, '', `${location.pathname}?${p.toString()}`);
}

let token = takeFragmentToken();
browserLang();
let state = TOKEN.test(token) ? 'loading' : 'invalid';
let requests = [];
let closed = false; // peek's "closed": nothing left to withdraw, the data can still be erased
let working = false;

const page = startPage({ strings: STR, title: (t) => t('title'), onLang: () => render(false) });

function outcome(err) {
  if (!(err instanceof ApiError)) return 'error';
  if (err.code === 'link_used' || err.status === 410) return 'used';
  if (err.status === 404) return 'unknown';
  if (err.status === 400) return 'invalid';
  if (err.status === 429) return 'throttled';
  return 'error';
}

async function peek() {
  state = 'loading';
  render(false);
  try {
    const res = await apiSend('POST', 'withdrawals/peek', { token }, page.lang);
    requests = res.requests || [];
    closed = res.state === 'closed';
    state = 'ready';
  } catch (err) {
    state = outcome(err);
  }
  render(false);
}

async function withdraw() {
  if (working) return;
  working = true;
  const button = page.view.querySelector('[data-withdraw-button]');
  button.setAttribute('aria-disabled', 'true');
  button.textContent = page.t('working');
  page.announce(page.t('working'));
  try {
    const res = await apiSend('POST', 'withdrawals', { token }, page.lang);
    if (Array.isArray(res.requests) && res.requests.length) requests = res.requests;
    state = 'done';
  } catch (err) {
    state = outcome(err);
  }
  working = false;
  render(true);
}

function list() {
  const { t } = page;
  if (!requests.length) return null;
  return h('ul', { class: 'cr-receipt', id: 'w-list' }, requests.map((r) => h('li', {
    text: t('org', { org: (r.organization && r.organization.name) || '', act: (r.activity && r.activity.name) || '' }),
  })));
}

function render(focus) {
  const { t, view } = page;
  const box = [];
  if (state === 'loading') {
    box.push(h('p', { class: 'lead', text: t('ready.lead') }),
      h('div', { 'aria-hidden': 'true' }, h('span', { class: 'sk sk-text' }), h('span', { class: 'sk sk-text sk-short' })));
  } else if (state === 'ready') {
    box.push(h('p', { class: 'lead', text: t(closed ? 'closed.lead' : 'ready.lead') }), h('p', { text: t('ready.list') }), list(),
      h('p', { class: 'link-actions' },
        h('button', { type: 'button', class: 'button', id: 'w-button', 'data-withdraw-button': '', onclick: withdraw, text: t('button') })));
  } else if (state === 'error' || state === 'throttled') {
    box.push(h('div', { class: 'error-box', role: 'alert' }, h('p', { text: t(`${state}.text`) })),
      h('p', {}, h('button', { type: 'button', class: 'button', onclick: peek, text: t('retry') })));
  } else {
    box.push(h('h2', { tabindex: '-1', text: t(`${state}.h`) }), h('p', { class: 'lead', text: t(`${state}.text`) }),
      state === 'done' ? list() : null);
  }
  view.replaceChildren(h('div', { class: 'intro link-page' },
    h('h1', { tabindex: '-1', text: t('title') }),
    h('div', { class: 'state-box', id: 'w-state', role: state === 'loading' ? null : 'status' }, box)));
  view.dataset.view = 'withdraw';
  view.dataset.state = state;
  if (state === 'loading') view.removeAttribute('data-ready'); else view.dataset.ready = 'true';
  if (focus) (view.querySelector('h2') || view.querySelector('h1')).focus();
}

if (state === 'loading') peek(); else render(false);

window.addEventListener('hashchange', () => {
  if (!location.hash || working) return;
  token = takeFragmentToken();
  requests = [];
  if (TOKEN.test(token)) peek();
  else { state = 'invalid'; render(true); }
});
