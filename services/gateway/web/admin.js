// The frame of the administration pages and the editors' page: the page (page.js), its
// heading and navigation, and a gate — the page's content appears only for a session
// with the role it needs; anyone else gets a clear notice (sign in, or "this is for
// administrators"). Also the form helpers these pages share.

import { startPage, h, fieldError } from './page.js';
import { ApiError, getSession } from './api.js';
import { signinHref } from './header.js';

export { h, fieldError };

const STR = {
  fi: {
    'nav.admin': 'Ylläpidon sivut',
    'nav.sites': 'Toimipisteet',
    'nav.accounts': 'Käyttäjätilit',
    'nav.audit': 'Tapahtumaloki',
    'nav.messages': 'Viestit',
    'nav.registrations': 'Rekisteröinnit',
    'nav.reviews': 'Tarkistukset',
    'nav.taxonomy': 'Luokitukset',
    'nav.activities': 'Toiminnot',
    'nav.surveys': 'Kyselyt',
    'nav.stats': 'Tilastot',
    'gate.signin': 'Tämä sivu on vain ylläpitäjille. Kirjaudu sisään ylläpitäjänä.',
    'gate.signinEditor': 'Tämä sivu on järjestöjen toimittajille. Kirjaudu sisään.',
    'gate.signinAny': 'Kirjaudu sisään nähdäksesi tilisi tiedot.',
    'gate.signinButton': 'Kirjaudu sisään',
    'gate.forbidden': ({ role }) => `Olet kirjautunut sisään roolissa ${role}. Tämä sivu on vain ylläpitäjille: kirjaudu sisään ylläpitäjänä.`,
    'gate.forbiddenEditor': ({ role }) => `Olet kirjautunut sisään roolissa ${role}. Tämä sivu on järjestöjen toimittajille.`,
    'gate.failed': 'Kirjautumistietoja ei voitu hakea. Lataa sivu uudelleen.',
    loading: 'Ladataan…',
    'load.failed': 'Tietoja ei voitu hakea. Yritä uudelleen.',
    'save.failed': 'Tallennus ei onnistunut. Yritä uudelleen.',
    retry: 'Yritä uudelleen',
    save: 'Tallenna',
    cancel: 'Peruuta',
    edit: 'Muokkaa',
    none: 'ei',
    'err.required': 'Tämä tieto tarvitaan.',
    'err.invalid': 'Tarkista tämä tieto.',
    'err.email': 'Tarkista sähköpostiosoite. Sen muoto on nimi@esimerkki.fi.',
    'col.actions': 'Toiminnot',
  },
  sv: {
    'nav.admin': 'Administrationens sidor',
    'nav.sites': 'Verksamhetsställen',
    'nav.accounts': 'Användarkonton',
    'nav.audit': 'Händelselogg',
    'nav.messages': 'Meddelanden',
    'nav.registrations': 'Registreringar',
    'nav.reviews': 'Kontroller',
    'nav.taxonomy': 'Klassificeringar',
    'nav.activities': 'Verksamheter',
    'nav.surveys': 'Enkäter',
    'nav.stats': 'Statistik',
    'gate.signin': 'Den här sidan är bara för administratörer. Logga in som administratör.',
    'gate.signinEditor': 'Den här sidan är för organisationsredaktörer. Logga in.',
    'gate.signinAny': 'Logga in för att se ditt kontos uppgifter.',
    'gate.signinButton': 'Logga in',
    'gate.forbidden': ({ role }) => `Du är inloggad i rollen ${role}. Den här sidan är bara för administratörer: logga in som administratör.`,
    'gate.forbiddenEditor': ({ role }) => `Du är inloggad i rollen ${role}. Den här sidan är för organisationsredaktörer.`,
    'gate.failed': 'Inloggningsuppgifterna kunde inte hämtas. Ladda om sidan.',
    loading: 'Laddar…',
    'load.failed': 'Uppgifterna kunde inte hämtas. Försök igen.',
    'save.failed': 'Det gick inte att spara. Försök igen.',
    retry: 'Försök igen',
    save: 'Spara',
    cancel: 'Avbryt',
    edit: 'Redigera',
    none: 'nej',
    'err.required': 'Den här uppgiften behövs.',
    'err.invalid': 'Kontrollera den här uppgiften.',
    'err.email': 'Kontrollera e-postadressen. Formen är namn@exempel.fi.',
    'col.actions': 'Åtgärder',
  },
  en: {
    'nav.admin': 'Administration pages',
    'nav.sites': 'User sites',
    'nav.accounts': 'Accounts',
    'nav.audit': 'Audit log',
    'nav.messages': 'Messages',
    'nav.registrations': 'Registrations',
    'nav.reviews': 'Reviews',
    'nav.taxonomy': 'Taxonomies',
    'nav.activities': 'Activities',
    'nav.surveys': 'Surveys',
    'nav.stats': 'Statistics',
    'gate.signin': 'This page is for administrators only. Sign in as an administrator.',
    'gate.signinEditor': 'This page is for association editors. Sign in.',
    'gate.signinAny': 'Sign in to see your account.',
    'gate.signinButton': 'Sign in',
    'gate.forbidden': ({ role }) => `You are signed in as ${role}. This page is for administrators only: sign in as an administrator.`,
    'gate.forbiddenEditor': ({ role }) => `You are signed in as ${role}. This page is for association editors.`,
    'gate.failed': 'Your sign-in could not be checked. Reload the page.',
    loading: 'Loading…',
    'load.failed': 'The information could not be fetched. Try again.',
    'save.failed': 'Saving did not succeed. Try again.',
    retry: 'Try again',
    save: 'Save',
    cancel: 'Cancel',
    edit: 'Edit',
    none: 'no',
    'err.required': 'This is needed.',
    'err.invalid': 'Check this.',
    'err.email': 'Check the e-mail address. Its form is name@example.fi.',
    'col.actions': 'Actions',
  },
};

const PAGES = [
  ['sites', '/admin.html'],
  ['accounts', '/admin-accounts.html'],
  ['audit', '/admin-audit.html'],
  ['messages', '/admin-messages.html'],
  ['registrations', '/admin-registrations.html'],
  ['reviews', '/admin-reviews.html'],
  ['taxonomy', '/admin-taxonomy.html'],
  ['activities', '/editor.html'],
  ['surveys', '/surveys.html'],
  ['stats', '/stats.html'],
];

function merge(a, b) {
  return { fi: { ...a.fi, ...b.fi }, sv: { ...a.sv, ...b.sv }, en: { ...a.en, ...b.en } };
}

// key: the page's name ('sites', 'accounts', 'audit', 'messages', 'editors', 'account');
// strings: the page's own; role: 'admin' (default), 'editor', 'any' (anyone signed
// in), or a list of roles (the first names the gate's notice), who may see it; render(page, region, session): fills the region once the gate has
// let the user in.
export function gatedPage({ key, strings, role = 'admin', render }) {
  const page = startPage({ strings: merge(STR, strings), title: (t) => t('title') });
  const roles = Array.isArray(role) ? role : [role];
  const { t, view, lang } = page;
  const region = h('div', { class: 'region', id: 'region', 'aria-busy': 'true' },
    h('p', { class: 'status-line', 'aria-hidden': 'true' }, h('span', { class: 'sk sk-status' })));
  const nav = role === 'admin'
    ? h('nav', { class: 'page-nav', 'aria-label': t('nav.admin') }, h('ul', {}, PAGES.map(([k, href]) => h('li', {},
      h('a', { href: `${href}?lang=${lang}`, 'aria-current': k === key ? 'page' : null, text: t('nav.' + k) })))))
    : null;
  view.dataset.view = key;
  view.replaceChildren(...[h('h1', { tabindex: '-1', class: 'page-title', text: t('title') }), nav, region].filter(Boolean));
  page.region = region;

  // The gate's notice: not signed in, or signed in with another role.
  page.deny = (session) => {
    page.denied = true;
    const signedIn = session && session.signed_in && session.account;
    const who = signedIn ? t('role.' + session.account.role) : '';
    const text = signedIn
      ? t(roles[0] === 'admin' ? 'gate.forbidden' : 'gate.forbiddenEditor', { role: who })
      : t({ admin: 'gate.signin', editor: 'gate.signinEditor' }[roles[0]] || 'gate.signinAny');
    region.replaceChildren(h('div', { class: 'notice', 'data-gate': signedIn ? 'forbidden' : 'signin' },
      h('p', { text }),
      h('p', {}, h('a', { class: 'button', href: signinHref(lang, location.pathname + location.search), text: t('gate.signinButton') }))));
    region.removeAttribute('aria-busy');
    view.dataset.ready = 'true';
  };
  // A call the directory refused (401/403: the session ended or the role changed).
  page.refused = (err) => err instanceof ApiError && (err.status === 401 || (err.status === 403 && err.code !== 'csrf' && err.code !== 'forbidden_origin'));

  getSession(lang).then(async (session) => {
    const a = session.signed_in && session.account;
    if (!a || (role !== 'any' && !roles.includes(a.role))) {
      page.deny(session);
      return;
    }
    region.replaceChildren();
    region.dataset.gate = 'open';
    await render(page, region, session);
    region.removeAttribute('aria-busy');
    view.dataset.ready = 'true';
  }, () => {
    region.replaceChildren(h('div', { class: 'error-box', role: 'alert' }, h('p', { text: t('gate.failed') })));
    region.removeAttribute('aria-busy');
    view.dataset.ready = 'true';
  });
  return page;
}

// A labelled form field: label, optional hint, the control, and its (hidden) error line.
// control: an <input>/<select>/<textarea> element with an id.
export function field(label, control, hint) {
  const id = control.id;
  const described = [];
  let hintEl = null;
  if (hint) {
    hintEl = h('p', { class: 'hint', id: `${id}-hint`, text: hint });
    described.push(hintEl.id);
  }
  if (described.length) control.setAttribute('aria-describedby', described.join(' '));
  return h('div', { class: 'field', dataset: { field: control.name || id } },
    h('label', { for: id, text: label }), hintEl, control,
    h('p', { class: 'field-error', id: `${id}-error`, role: 'alert', hidden: true }));
}

// Clears every field error of the form, and its alert box.
export function clearErrors(form) {
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) fieldError(el, `${el.id}-error`, '');
  const box = form.querySelector('.form-alert');
  if (box) box.replaceChildren();
}

// Shows an API error next to the field it names (fields: {apiField: input}), or in the
// form's alert box; returns true when it named a field.
export function showError(page, form, err, fields, messages = {}) {
  const box = form.querySelector('.form-alert');
  const text = messages[err.code] || (err.status === 400 ? page.t('err.invalid') : page.t('save.failed'));
  const input = err.field && fields[err.field];
  if (input) {
    fieldError(input, `${input.id}-error`, text);
    input.focus();
    return true;
  }
  if (box) box.replaceChildren(h('div', { class: 'error-box', role: 'alert' }, h('p', { text: messages[err.code] || page.t('save.failed') })));
  return false;
}

// A table with a caption and column headers; rows: arrays of cells (text or nodes).
export function table(caption, columns, rows, attrs = {}) {
  return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: 'data-table', ...attrs },
      h('caption', { text: caption }),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', text: c })))),
      h('tbody', {}, rows.map((r) => h('tr', r.attrs || {}, r.cells.map((c) => h('td', {}, c)))))));
}

// What a list shows when it could not be fetched: the reason and a retry button.
export function loadFailed(page, retry) {
  return h('div', { class: 'error-box', role: 'alert' }, h('p', { text: page.t('load.failed') }),
    h('p', {}, h('button', { type: 'button', class: 'button secondary', onclick: retry, text: page.t('retry') })));
}
