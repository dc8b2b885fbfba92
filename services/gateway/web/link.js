// link.html#<token>: the page an e-mailed sign-in link opens (docs/identity.md). The token
// is read from the fragment and at once removed from the address (history.replaceState),
// so it stays out of the history, bookmarks and screen shares; it lives only in this
// page's memory. A button posts it (POST /api/v1/auth/link), so that a mail scanner that
// opens links does not use them up. The answer's "return" is where the user lands.
// A new link opened in the same tab (only the fragment changes) is read the same way.
// Each outcome has its page: #view[data-state="ready|used|expired|invalid|disabled|error"].

import { startPage, h, takeFragmentToken } from './page.js';
import { ApiError, apiSend, setSession } from './api.js';
import { localPath, signinHref } from './header.js';

const STR = {
  fi: {
    title: 'Kirjaudu sisään',
    'ready.lead': 'Kirjaudu Tarjottimeen painamalla painiketta. Linkki toimii kerran.',
    'ready.button': 'Kirjaudu sisään',
    'ready.working': 'Kirjaudutaan…',
    'used.title': 'Linkki on jo käytetty',
    'used.text': 'Tällä linkillä on jo kirjauduttu, ja jokainen linkki toimii vain kerran. Pyydä uusi kirjautumislinkki.',
    'expired.title': 'Linkki on vanhentunut',
    'expired.text': 'Kirjautumislinkki on voimassa 15 minuuttia, ja tämän linkin aika on kulunut umpeen. Pyydä uusi kirjautumislinkki.',
    'invalid.title': 'Linkki ei kelpaa',
    'invalid.text': 'Linkki on virheellinen tai puutteellinen. Tarkista, että kopioit koko linkin, tai pyydä uusi kirjautumislinkki.',
    'disabled.title': 'Käyttäjätili on poistettu käytöstä',
    'disabled.text': 'Tällä käyttäjätilillä ei voi enää kirjautua. Ota yhteyttä Tarjottimen pääkäyttäjään.',
    'error.text': 'Kirjautuminen ei onnistunut juuri nyt. Yritä uudelleen.',
    'error.retry': 'Yritä uudelleen',
    newLink: 'Pyydä uusi kirjautumislinkki',
    front: 'Siirry etusivulle',
  },
  sv: {
    title: 'Logga in',
    'ready.lead': 'Logga in i Tarjotin genom att trycka på knappen. Länken fungerar en gång.',
    'ready.button': 'Logga in',
    'ready.working': 'Loggar in…',
    'used.title': 'Länken har redan använts',
    'used.text': 'Någon har redan loggat in med den här länken, och varje länk fungerar bara en gång. Be om en ny inloggningslänk.',
    'expired.title': 'Länken har gått ut',
    'expired.text': 'En inloggningslänk gäller i 15 minuter, och den här länkens tid har gått ut. Be om en ny inloggningslänk.',
    'invalid.title': 'Länken duger inte',
    'invalid.text': 'Länken är felaktig eller ofullständig. Kontrollera att du kopierade hela länken, eller be om en ny inloggningslänk.',
    'disabled.title': 'Användarkontot har stängts av',
    'disabled.text': 'Det går inte längre att logga in med det här kontot. Kontakta Tarjotins huvudanvändare.',
    'error.text': 'Inloggningen lyckades inte just nu. Försök igen.',
    'error.retry': 'Försök igen',
    newLink: 'Be om en ny inloggningslänk',
    front: 'Till startsidan',
  },
  en: {
    title: 'Sign in',
    'ready.lead': 'Sign in to Tarjotin with the button. The link works once.',
    'ready.button': 'Sign in',
    'ready.working': 'Signing in…',
    'used.title': 'This link has been used already',
    'used.text': 'Someone has already signed in with this link, and each link works only once. Ask for a new sign-in link.',
    'expired.title': 'This link has expired',
    'expired.text': 'A sign-in link is valid for 15 minutes, and this link’s time is up. Ask for a new sign-in link.',
    'invalid.title': 'This link is not valid',
    'invalid.text': 'The link is wrong or incomplete. Check that you copied the whole link, or ask for a new sign-in link.',
    'disabled.title': 'This account has been disabled',
    'disabled.text': 'This account can no longer sign in. Contact the Tarjotin administrator.',
    'error.text': 'Signing in did not succeed just now. Try again.',
    'error.retry': 'Try again',
    newLink: 'Ask for a new sign-in link',
    front: 'Go to the front page',
  },
};

const TOKEN = /^[A-Za-z0-9_-]{16,200}$/;

let token = takeFragmentToken();
let state = TOKEN.test(token) ? 'ready' : 'invalid';
let working = false;

const page = startPage({ strings: STR, title: (t) => t(titleKey()), onLang: () => render(false) });

function titleKey() {
  return { ready: 'title', error: 'title' }[state] || `${state}.title`;
}

function outcome(err) {
  if (!(err instanceof ApiError)) return 'error';
  switch (err.code) {
    case 'link_used': return 'used';
    case 'link_expired': return 'expired';
    case 'link_invalid': return 'invalid';
    case 'account_disabled': return 'disabled';
    default: return err.status === 410 ? 'used' : 'error';
  }
}

async function signIn() {
  if (working) return;
  working = true;
  const button = page.view.querySelector('[data-signin-button]');
  button.setAttribute('aria-disabled', 'true'); // not disabled: the focus stays on it
  button.textContent = page.t('ready.working');
  page.announce(page.t('ready.working'));
  try {
    const answer = await apiSend('POST', 'auth/link', { token }, page.lang);
    setSession(answer);
    location.assign(localPath(answer.return || '/'));
    return;
  } catch (err) {
    state = outcome(err);
  }
  working = false;
  render(true);
}

function render(focus) {
  const { t, view } = page;
  const nodes = [];
  if (state === 'ready' || state === 'error') {
    nodes.push(h('h1', { tabindex: '-1', text: t('title') }));
    if (state === 'error') nodes.push(h('div', { class: 'error-box', role: 'alert' }, h('p', { text: t('error.text') })));
    else nodes.push(h('p', { class: 'lead', text: t('ready.lead') }));
    nodes.push(h('p', {}, h('button', {
      type: 'button', class: 'button', 'data-signin-button': '', 'aria-disabled': working ? 'true' : null, onclick: signIn,
      text: working ? t('ready.working') : t(state === 'error' ? 'error.retry' : 'ready.button'),
    })));
  } else {
    nodes.push(h('h1', { tabindex: '-1', text: t(`${state}.title`) }),
      h('p', { class: 'lead', text: t(`${state}.text`) }),
      h('p', { class: 'link-actions' },
        state === 'disabled' ? null : h('a', { class: 'button', href: signinHref(page.lang, '/'), 'data-new-link': '', text: t('newLink') }),
        ' ',
        h('a', { href: `/?lang=${page.lang}`, text: t('front') })));
  }
  view.replaceChildren(h('div', { class: 'intro link-page' }, nodes));
  view.dataset.view = 'link';
  view.dataset.state = state;
  view.dataset.ready = 'true';
  page.setTitle(t(titleKey()));
  if (focus) view.querySelector('h1').focus();
}

render(false);

// Another link opened in this tab changes only the fragment: the page stays, reads it.
window.addEventListener('hashchange', () => {
  if (!location.hash || working) return;
  token = takeFragmentToken();
  state = TOKEN.test(token) ? 'ready' : 'invalid';
  render(true);
});
