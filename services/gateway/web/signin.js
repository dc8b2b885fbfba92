// signin.html: both ways in (docs/identity.md). One button per OpenID provider of the
// session document ("Kirjaudu: <name>", to /auth/oidc/<id>/start?return=...), and the
// e-mail link form (POST /api/v1/auth/email-link), whose answer is the same whether or not
// the address is known. ?error=<code> (from the OpenID callback) is explained at the top;
// ?return=/path is where a sign-in ends up; ?signedout=1|all confirms a sign-out (here,
// or on every device).

import { startPage, h, fieldError } from './page.js';
import { ApiError, getSession, apiSend } from './api.js';
import { localPath } from './header.js';

const STR = {
  fi: {
    title: 'Kirjaudu sisään',
    lead: 'Kirjautuminen on ammattilaisille ja järjestöjen toimittajille. Toimintojen haku on avoin kaikille ilman kirjautumista.',
    signedOut: 'Olet kirjautunut ulos.',
    signedOutAll: 'Olet kirjautunut ulos kaikilta laitteilta.',
    'err.h': 'Kirjautuminen ei onnistunut',
    'err.oidc_failed': 'Kirjautuminen hyvinvointialueen tunnuksilla epäonnistui. Yritä uudelleen, tai kirjaudu sähköpostilinkillä, jos toimipisteesi käyttää sitä.',
    'err.no_user_site': 'Tunnuksellesi ei löytynyt Tarjottimeen liitettyä toimipistettä. Ota yhteyttä Tarjottimen pääkäyttäjään.',
    'err.account_disabled': 'Käyttäjätilisi on poistettu käytöstä. Ota yhteyttä Tarjottimen pääkäyttäjään.',
    'err.state': 'Kirjautuminen keskeytyi tai kesti liian kauan. Aloita kirjautuminen uudelleen.',
    'err.role_mismatch': 'Järjestöjen toimittajat kirjautuvat sähköpostilinkillä.',
    'idp.h': 'Hyvinvointialueen henkilöstö',
    'idp.lead': 'Kirjaudu hyvinvointialueesi omilla tunnuksilla.',
    'idp.verb': 'Kirjaudu:',
    'idp.none': 'Kirjautuminen hyvinvointialueen tunnuksilla ei ole käytössä.',
    'idp.unavailable': 'Kirjautumistapoja ei voitu hakea. Lataa sivu uudelleen.',
    'mail.h': 'Kirjautuminen sähköpostilinkillä',
    'mail.lead': 'Järjestöjen toimittajille ja toimipisteille, joilla ei ole hyvinvointialueen tunnuksia. Lähetämme sähköpostiisi linkin, jolla pääset kirjautumaan.',
    'mail.label': 'Sähköpostiosoite',
    'mail.hint': 'Esimerkiksi nimi@jarjesto.fi',
    'mail.button': 'Lähetä kirjautumislinkki',
    'mail.sending': 'Lähetetään…',
    'mail.empty': 'Kirjoita sähköpostiosoitteesi.',
    'mail.invalid': 'Tarkista sähköpostiosoite. Sen muoto on nimi@esimerkki.fi.',
    'mail.sent.h': 'Tarkista sähköpostisi',
    'mail.sent': ({ email }) => `Jos osoite ${email} on tiedossamme, lähetimme siihen kirjautumislinkin. Linkki on voimassa 15 minuuttia ja toimii kerran.`,
    'mail.sent.spam': 'Jos viestiä ei näy muutamassa minuutissa, katso myös roskapostikansio.',
    'mail.again': 'Pyydä uusi linkki',
    'mail.throttled.h': 'Liian monta pyyntöä',
    'mail.throttled': ({ wait }) => `Olet pyytänyt kirjautumislinkkiä liian monta kertaa. Yritä uudelleen ${wait} kuluttua.`,
    'mail.failed': 'Linkin lähettäminen ei onnistunut juuri nyt. Yritä hetken kuluttua uudelleen.',
    minutes: ({ n }) => (n === 1 ? '1 minuutin' : `${n} minuutin`),
    seconds: ({ n }) => (n === 1 ? '1 sekunnin' : `${n} sekunnin`),
  },
  sv: {
    title: 'Logga in',
    lead: 'Inloggningen är för yrkespersoner och organisationsredaktörer. Sökningen efter verksamhet är öppen för alla utan inloggning.',
    signedOut: 'Du har loggat ut.',
    signedOutAll: 'Du har loggat ut på alla enheter.',
    'err.h': 'Inloggningen lyckades inte',
    'err.oidc_failed': 'Inloggningen med välfärdsområdets konto misslyckades. Försök igen, eller logga in med en e-postlänk om ditt verksamhetsställe använder det.',
    'err.no_user_site': 'Inget verksamhetsställe som är anslutet till Tarjotin hittades för ditt konto. Kontakta Tarjotins huvudanvändare.',
    'err.account_disabled': 'Ditt användarkonto har stängts av. Kontakta Tarjotins huvudanvändare.',
    'err.state': 'Inloggningen avbröts eller tog för lång tid. Börja om inloggningen.',
    'err.role_mismatch': 'Organisationsredaktörer loggar in med en e-postlänk.',
    'idp.h': 'Välfärdsområdets personal',
    'idp.lead': 'Logga in med ditt välfärdsområdes eget konto.',
    'idp.verb': 'Logga in:',
    'idp.none': 'Inloggning med välfärdsområdets konto används inte.',
    'idp.unavailable': 'Inloggningssätten kunde inte hämtas. Ladda om sidan.',
    'mail.h': 'Inloggning med e-postlänk',
    'mail.lead': 'För organisationsredaktörer och verksamhetsställen utan välfärdsområdets konton. Vi skickar en länk till din e-post som du loggar in med.',
    'mail.label': 'E-postadress',
    'mail.hint': 'Till exempel namn@organisation.fi',
    'mail.button': 'Skicka inloggningslänk',
    'mail.sending': 'Skickar…',
    'mail.empty': 'Skriv din e-postadress.',
    'mail.invalid': 'Kontrollera e-postadressen. Formen är namn@exempel.fi.',
    'mail.sent.h': 'Kontrollera din e-post',
    'mail.sent': ({ email }) => `Om adressen ${email} är känd för oss har vi skickat en inloggningslänk till den. Länken gäller i 15 minuter och fungerar en gång.`,
    'mail.sent.spam': 'Om meddelandet inte syns inom några minuter, titta också i skräppostmappen.',
    'mail.again': 'Be om en ny länk',
    'mail.throttled.h': 'För många förfrågningar',
    'mail.throttled': ({ wait }) => `Du har bett om en inloggningslänk för många gånger. Försök igen om ${wait}.`,
    'mail.failed': 'Länken kunde inte skickas just nu. Försök igen om en stund.',
    minutes: ({ n }) => (n === 1 ? '1 minut' : `${n} minuter`),
    seconds: ({ n }) => (n === 1 ? '1 sekund' : `${n} sekunder`),
  },
  en: {
    title: 'Sign in',
    lead: 'Signing in is for professionals and association editors. Searching for activities is open to everyone without signing in.',
    signedOut: 'You have signed out.',
    signedOutAll: 'You have signed out on every device.',
    'err.h': 'Signing in did not succeed',
    'err.oidc_failed': 'Signing in with your wellbeing services county account failed. Try again, or sign in with an e-mail link if your unit uses one.',
    'err.no_user_site': 'No unit connected to Tarjotin was found for your account. Contact the Tarjotin administrator.',
    'err.account_disabled': 'Your account has been disabled. Contact the Tarjotin administrator.',
    'err.state': 'Signing in was interrupted or took too long. Start signing in again.',
    'err.role_mismatch': 'Association editors sign in with an e-mail link.',
    'idp.h': 'Wellbeing services county staff',
    'idp.lead': 'Sign in with your wellbeing services county’s own account.',
    'idp.verb': 'Sign in:',
    'idp.none': 'Signing in with a wellbeing services county account is not in use.',
    'idp.unavailable': 'The ways to sign in could not be fetched. Reload the page.',
    'mail.h': 'Sign in with an e-mail link',
    'mail.lead': 'For association editors and for units without wellbeing services county accounts. We send a link to your e-mail that signs you in.',
    'mail.label': 'E-mail address',
    'mail.hint': 'For example name@association.fi',
    'mail.button': 'Send a sign-in link',
    'mail.sending': 'Sending…',
    'mail.empty': 'Type your e-mail address.',
    'mail.invalid': 'Check the e-mail address. Its form is name@example.fi.',
    'mail.sent.h': 'Check your e-mail',
    'mail.sent': ({ email }) => `If we know the address ${email}, a sign-in link is on its way to it. The link is valid for 15 minutes and works once.`,
    'mail.sent.spam': 'If the message does not arrive within a few minutes, look in your spam folder too.',
    'mail.again': 'Ask for a new link',
    'mail.throttled.h': 'Too many requests',
    'mail.throttled': ({ wait }) => `You have asked for a sign-in link too many times. Try again in ${wait}.`,
    'mail.failed': 'The link could not be sent just now. Try again in a moment.',
    minutes: ({ n }) => (n === 1 ? '1 minute' : `${n} minutes`),
    seconds: ({ n }) => (n === 1 ? '1 second' : `${n} seconds`),
  },
};

const ERRORS = ['oidc_failed', 'no_user_site', 'account_disabled', 'state', 'role_mismatch'];
const PROVIDERS_KEY = 'tarjotin.providers';

const page = startPage({ strings: STR, title: (t) => t('title') });
const { t, view, lang } = page;
const params = new URLSearchParams(location.search);
const ret = localPath(params.get('return') || '/');

// How many provider buttons to keep room for before the session says: as many as last time.
function expectedProviders() {
  try {
    const n = parseInt(localStorage.getItem(PROVIDERS_KEY) || '1', 10);
    return Number.isFinite(n) && n >= 0 && n <= 8 ? Math.max(n, 1) : 1;
  } catch (e) {
    return 1;
  }
}

function errorBox() {
  const code = params.get('error');
  if (!code) return null;
  const key = ERRORS.includes(code) ? code : 'oidc_failed';
  return h('div', { class: 'error-box', role: 'alert', 'data-error': key },
    h('h2', { text: t('err.h') }), h('p', { text: t('err.' + key) }));
}

function providerSection() {
  const list = h('ul', { class: 'provider-list', 'aria-busy': 'true' },
    Array.from({ length: expectedProviders() }, () => h('li', { class: 'provider-slot', 'aria-hidden': 'true' }, h('span', { class: 'sk sk-button' }))));
  getSession(lang).then((s) => {
    const providers = s.providers || [];
    try { localStorage.setItem(PROVIDERS_KEY, String(providers.length)); } catch (e) { /* ignore */ }
    if (!providers.length) {
      list.replaceWith(h('p', { class: 'provider-slot notice-line', 'data-providers': '0', text: t('idp.none') }));
      view.dataset.providers = 'ready';
      return;
    }
    list.replaceChildren(...providers.map((p) => h('li', { class: 'provider-slot' },
      h('a', {
        class: 'button provider',
        href: `/auth/oidc/${encodeURIComponent(p.id)}/start?` + new URLSearchParams({ return: ret }).toString(),
        'data-provider': p.id,
      }, h('span', { class: 'provider-verb', text: t('idp.verb') }), ' ', h('span', { class: 'provider-name', text: p.name || p.id })))));
    list.removeAttribute('aria-busy');
    view.dataset.providers = 'ready';
  }, () => {
    list.replaceWith(h('p', { class: 'provider-slot notice-line', text: t('idp.unavailable') }));
    view.dataset.providers = 'error';
  });
  return h('section', { class: 'panel signin-way', 'aria-labelledby': 'idp-h' },
    h('h2', { id: 'idp-h', text: t('idp.h') }),
    h('p', { text: t('idp.lead') }),
    list);
}

function waitText(seconds) {
  const s = Math.max(1, Math.round(seconds || 60));
  return s < 60 ? t('seconds', { n: s }) : t('minutes', { n: Math.ceil(s / 60) });
}

function mailSection() {
  const input = h('input', { type: 'email', id: 'email', name: 'email', autocomplete: 'email', inputmode: 'email', spellcheck: 'false', maxlength: '254', 'aria-describedby': 'email-hint', required: true });
  const button = h('button', { type: 'submit', class: 'button', 'data-send': '', text: t('mail.button') });
  const alertBox = h('div', { class: 'form-alert', id: 'mail-alert' });
  const form = h('form', { class: 'signin-form', novalidate: true, 'aria-labelledby': 'mail-h' },
    h('label', { for: 'email', text: t('mail.label') }),
    h('p', { class: 'hint', id: 'email-hint', text: t('mail.hint') }),
    input,
    h('p', { class: 'field-error', id: 'email-error', role: 'alert', hidden: true }),
    alertBox,
    h('p', { class: 'form-actions' }, button));
  const section = h('section', { class: 'panel signin-way', 'aria-labelledby': 'mail-h', 'data-mail': 'form' },
    h('h2', { id: 'mail-h', text: t('mail.h') }),
    h('p', { text: t('mail.lead') }),
    form);

  const showAlert = (title, text, kind) => {
    alertBox.replaceChildren(h('div', { class: 'error-box', role: 'alert', 'data-alert': kind }, h('h3', { text: title }), h('p', { text })));
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    alertBox.replaceChildren();
    const email = input.value.trim();
    if (!email) { fieldError(input, 'email-error', t('mail.empty')); input.focus(); return; }
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) { fieldError(input, 'email-error', t('mail.invalid')); input.focus(); return; }
    fieldError(input, 'email-error', '');
    button.disabled = true;
    button.textContent = t('mail.sending');
    try {
      await apiSend('POST', 'auth/email-link', { email, lang, return: ret }, lang);
      const again = h('button', { type: 'button', class: 'button secondary', 'data-again': '', text: t('mail.again') });
      const heading = h('h3', { tabindex: '-1', text: t('mail.sent.h') });
      const done = h('div', { class: 'confirm-box', role: 'status', 'data-sent': '' },
        heading, h('p', { text: t('mail.sent', { email }) }), h('p', { text: t('mail.sent.spam') }), h('p', {}, again));
      again.addEventListener('click', () => {
        done.replaceWith(form);
        section.dataset.mail = 'form';
        input.focus();
      });
      form.replaceWith(done);
      section.dataset.mail = 'sent';
      heading.focus();
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        showAlert(t('mail.throttled.h'), t('mail.throttled', { wait: waitText(err.retryAfter) }), 'throttled');
      } else if (err instanceof ApiError && err.status === 400 && (err.field === 'email' || !err.field)) {
        fieldError(input, 'email-error', t('mail.invalid'));
        input.focus();
      } else {
        showAlert(t('err.h'), t('mail.failed'), 'failed');
      }
    } finally {
      button.disabled = false;
      button.textContent = t('mail.button');
    }
  });
  return section;
}

const signedOut = { 1: 'signedOut', all: 'signedOutAll' }[params.get('signedout')];
view.dataset.view = 'signin';
view.replaceChildren(...[
  h('div', { class: 'intro' },
    h('h1', { tabindex: '-1', text: t('title') }),
    h('p', { class: 'lead', text: t('lead') })),
  signedOut ? h('p', { class: 'confirm-box', role: 'status', 'data-signed-out': params.get('signedout'), text: t(signedOut) }) : null,
  errorBox(),
  h('div', { class: 'signin-ways' }, providerSection(), mailSection()),
].filter(Boolean));
view.dataset.ready = 'true';
