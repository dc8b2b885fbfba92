// confirm.html#<token>: the one-click review link of the twice-yearly review
// (docs/selfservice.md "The one-click link"). The token is read from the fragment and at
// once removed from the address; it is only ever sent in a POST body. On load the page
// asks which activity the link confirms (POST /api/v1/reviews/peek); a button confirms
// it (POST /api/v1/reviews/confirm). Each outcome has its state:
// #view[data-state="loading|ready|confirmed|used|expired|invalid|version_changed|not_published|error"].

import { startPage, h, takeFragmentToken } from './page.js';
import { ApiError, apiSend } from './api.js';
import { fmtDate } from './card.js';

const STR = {
  fi: {
    title: 'Toiminnon tietojen tarkistus',
    'ready.lead': 'Tarjotin pyytää tarkistamaan, ovatko toiminnon tiedot yhä oikein. Jos ovat, vahvista ne painikkeella. Jos jokin on muuttunut, muokkaa tietoja.',
    'f.activity': 'Toiminto', 'f.org': 'Järjestö', 'f.assured': 'Vahvistettu viimeksi', 'f.due': 'Tarkistettava',
    button: 'Tiedot ovat ajan tasalla', working: 'Vahvistetaan…',
    'confirmed.h': 'Kiitos, tiedot on vahvistettu', 'confirmed.text': ({ date }) => `Tiedot merkittiin ajan tasalla oleviksi ${date}. Tarjotin kysyy seuraavan kerran, kun tiedot on taas aika tarkistaa.`,
    'used.h': 'Linkki on jo käytetty', 'used.text': 'Tiedot on jo vahvistettu tällä linkillä. Voit silti muokata tietoja kirjautumalla sisään.',
    'expired.h': 'Linkki on vanhentunut', 'expired.text': 'Tämän linkin voimassaoloaika on päättynyt. Voit tarkistaa ja vahvistaa tiedot kirjautumalla sisään.',
    'invalid.h': 'Linkki ei kelpaa', 'invalid.text': 'Linkki on virheellinen tai puutteellinen. Tarkista, että kopioit koko linkin, tai kirjaudu sisään ja tarkista tiedot.',
    'version_changed.h': 'Tietoja on muutettu linkin lähettämisen jälkeen', 'version_changed.text': 'Joku on muokannut toiminnon tietoja tämän linkin lähettämisen jälkeen, joten linkki ei enää vahvista niitä. Tarkista nykyiset tiedot kirjautumalla sisään.',
    'not_published.h': 'Toiminto ei ole julkaistuna', 'not_published.text': 'Toiminto on keskeytetty tai arkistoitu, tai järjestö ei ole enää mukana Tarjottimessa, joten sitä ei voi vahvistaa. Voit tarkistaa tiedot kirjautumalla sisään.',
    'error.text': 'Tietoja ei voitu hakea juuri nyt. Yritä uudelleen.', retry: 'Yritä uudelleen',
    edit: 'Muokkaa tietoja', editSignin: 'Kirjaudu sisään ja muokkaa tietoja', front: 'Siirry etusivulle',
  },
  sv: {
    title: 'Kontroll av verksamhetens uppgifter',
    'ready.lead': 'Tarjotin ber dig kontrollera om verksamhetens uppgifter fortfarande stämmer. Om de gör det, bekräfta dem med knappen. Om något har ändrats, redigera uppgifterna.',
    'f.activity': 'Verksamhet', 'f.org': 'Organisation', 'f.assured': 'Senast bekräftad', 'f.due': 'Ska kontrolleras',
    button: 'Uppgifterna är aktuella', working: 'Bekräftar…',
    'confirmed.h': 'Tack, uppgifterna har bekräftats', 'confirmed.text': ({ date }) => `Uppgifterna markerades som aktuella ${date}. Tarjotin frågar nästa gång när det åter är dags att kontrollera uppgifterna.`,
    'used.h': 'Länken har redan använts', 'used.text': 'Uppgifterna har redan bekräftats med den här länken. Du kan ändå redigera dem genom att logga in.',
    'expired.h': 'Länken har gått ut', 'expired.text': 'Den här länkens giltighetstid har gått ut. Du kan kontrollera och bekräfta uppgifterna genom att logga in.',
    'invalid.h': 'Länken duger inte', 'invalid.text': 'Länken är felaktig eller ofullständig. Kontrollera att du kopierade hela länken, eller logga in och kontrollera uppgifterna.',
    'version_changed.h': 'Uppgifterna har ändrats efter att länken skickades', 'version_changed.text': 'Någon har redigerat verksamhetens uppgifter efter att länken skickades, så länken bekräftar dem inte längre. Kontrollera de aktuella uppgifterna genom att logga in.',
    'not_published.h': 'Verksamheten är inte publicerad', 'not_published.text': 'Verksamheten är pausad eller arkiverad, eller organisationen är inte längre med i Tarjotin, så den kan inte bekräftas. Du kan kontrollera uppgifterna genom att logga in.',
    'error.text': 'Uppgifterna kunde inte hämtas just nu. Försök igen.', retry: 'Försök igen',
    edit: 'Redigera uppgifterna', editSignin: 'Logga in och redigera uppgifterna', front: 'Till startsidan',
  },
  en: {
    title: 'Checking an activity’s details',
    'ready.lead': 'Tarjotin asks you to check whether the activity’s details are still correct. If they are, confirm them with the button. If something has changed, edit the details.',
    'f.activity': 'Activity', 'f.org': 'Association', 'f.assured': 'Last confirmed', 'f.due': 'Due for a check',
    button: 'The details are up to date', working: 'Confirming…',
    'confirmed.h': 'Thank you, the details are confirmed', 'confirmed.text': ({ date }) => `The details were marked up to date on ${date}. Tarjotin asks again when the next check is due.`,
    'used.h': 'This link has been used already', 'used.text': 'The details have been confirmed with this link already. You can still edit them by signing in.',
    'expired.h': 'This link has expired', 'expired.text': 'This link is no longer valid. You can check and confirm the details by signing in.',
    'invalid.h': 'This link is not valid', 'invalid.text': 'The link is wrong or incomplete. Check that you copied the whole link, or sign in and check the details.',
    'version_changed.h': 'The details were changed after the link was sent', 'version_changed.text': 'Someone has edited the activity since this link was sent, so the link no longer confirms it. Check the current details by signing in.',
    'not_published.h': 'The activity is not published', 'not_published.text': 'The activity is paused or archived, or its association is no longer in Tarjotin, so it cannot be confirmed. You can check the details by signing in.',
    'error.text': 'The details could not be fetched just now. Try again.', retry: 'Try again',
    edit: 'Edit the details', editSignin: 'Sign in and edit the details', front: 'Go to the front page',
  },
};

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

let token = takeFragmentToken();
let state = TOKEN.test(token) ? 'loading' : 'invalid';
let info = null; // the peek's (or confirm's) answer
let working = false;

const page = startPage({ strings: STR, title: (t) => t('title'), onLang: () => render(false) });

function outcome(err) {
  if (!(err instanceof ApiError)) return 'error';
  switch (err.code) {
    case 'link_used': return 'used';
    case 'link_expired': return 'expired';
    case 'link_invalid': return 'invalid';
    case 'version_changed': return 'version_changed';
    case 'not_published': return 'not_published';
    default: return 'error';
  }
}

async function peek() {
  state = 'loading';
  render(false);
  try {
    info = await apiSend('POST', 'reviews/peek', { token }, page.lang);
    state = 'ready';
  } catch (err) {
    state = outcome(err);
  }
  render(false);
}

async function confirmIt() {
  if (working) return;
  working = true;
  const button = page.view.querySelector('[data-confirm-button]');
  button.setAttribute('aria-disabled', 'true');
  button.textContent = page.t('working');
  page.announce(page.t('working'));
  try {
    const answer = await apiSend('POST', 'reviews/confirm', { token }, page.lang);
    info = { ...info, ...answer };
    state = 'confirmed';
  } catch (err) {
    state = outcome(err);
  }
  working = false;
  render(true);
}

function editHref() {
  const id = info && info.activity && info.activity.id;
  return id ? `/activity-edit.html?id=${encodeURIComponent(id)}&lang=${page.lang}` : `/editor.html?lang=${page.lang}`;
}

function facts() {
  const { t } = page;
  if (!info) return null;
  const row = (k, v) => (v ? [h('dt', { text: t(k) }), h('dd', { text: v })] : null);
  return h('dl', { class: 'facts', id: 'confirm-facts' },
    row('f.activity', info.activity && info.activity.name), row('f.org', info.organization && info.organization.name),
    row('f.assured', info.assured_date ? fmtDate(info.assured_date, page.lang) : ''),
    state === 'ready' ? row('f.due', info.due_date ? fmtDate(info.due_date, page.lang) : '') : null);
}

function render(focus) {
  const { t, view } = page;
  const box = [];
  if (state === 'loading') {
    box.push(h('p', { class: 'lead', text: t('ready.lead') }),
      h('div', { class: 'facts', 'aria-hidden': 'true' }, h('span', { class: 'sk sk-dt' }), h('span', { class: 'sk sk-dd' }),
        h('span', { class: 'sk sk-dt' }), h('span', { class: 'sk sk-dd' })));
  } else if (state === 'ready') {
    box.push(h('p', { class: 'lead', text: t('ready.lead') }), facts(),
      h('p', { class: 'link-actions' },
        h('button', { type: 'button', class: 'button', id: 'confirm-button', 'data-confirm-button': '', onclick: confirmIt, text: t('button') }),
        h('a', { href: editHref(), 'data-edit-link': '', text: t('edit') })));
  } else if (state === 'error') {
    box.push(h('div', { class: 'error-box', role: 'alert' }, h('p', { text: t('error.text') })),
      h('p', {}, h('button', { type: 'button', class: 'button', onclick: peek, text: t('retry') })));
  } else {
    const text = state === 'confirmed' ? t('confirmed.text', { date: fmtDate(info.assured_date, page.lang) }) : t(`${state}.text`);
    box.push(h('h2', { text: t(`${state}.h`) }), h('p', { class: 'lead', text }), facts(),
      h('p', { class: 'link-actions' },
        h('a', { class: state === 'confirmed' ? null : 'button', href: editHref(), 'data-edit-link': '', text: state === 'confirmed' ? t('edit') : t('editSignin') }),
        h('a', { href: `/?lang=${page.lang}`, text: t('front') })));
  }
  view.replaceChildren(h('div', { class: 'intro link-page' },
    h('h1', { tabindex: '-1', text: t('title') }),
    h('div', { class: 'state-box', id: 'confirm-state', role: state === 'loading' ? null : 'status' }, box)));
  view.dataset.view = 'confirm';
  view.dataset.state = state;
  if (state === 'loading') view.removeAttribute('data-ready'); else view.dataset.ready = 'true';
  if (focus) view.querySelector('h1').focus();
}

if (state === 'loading') peek(); else render(false);

window.addEventListener('hashchange', () => {
  if (!location.hash || working) return;
  token = takeFragmentToken();
  info = null;
  if (TOKEN.test(token)) peek();
  else { state = 'invalid'; render(true); }
});
