// The frame of every page besides the search (sign-in, link, administration, editors):
// the header (account bar, brand, language switch), <main>, a live region and the footer,
// built before the first paint (each page loads its module with blocking="render"), in
// the page's language. ?lang=fi|sv|en, else the remembered one, else Finnish.

import { LANGS, LANG_NAMES, LANG_KEY, readLang, t as translate } from './i18n.js';
import { mountHeader } from './header.js';
import { h } from './dom.js';

export { h };

const LOCALES = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };

function hrefWithLang(l) {
  const p = new URLSearchParams(location.search);
  p.set('lang', l);
  return location.pathname + '?' + p.toString();
}

// strings: {fi: {...}, sv: {...}, en: {...}}, the page's own (looked up before i18n.js's).
// title(t): the page's title. onLang(lang): switch language in place (the page re-renders
// itself) instead of loading the page again (link.html: the token lives only in memory).
// Returns the page: {lang, t, view (the element to fill), announce(text), fmtTime(iso),
// setTitle(text), locale}.
export function startPage({ strings, title, onLang }) {
  const page = { lang: readLang(new URLSearchParams(location.search)) };
  page.t = (key, params) => {
    const own = (strings[page.lang] && strings[page.lang][key]) ?? strings.fi[key];
    if (own === undefined) return translate(page.lang, key, params);
    if (typeof own === 'function') return own(params || {});
    return own.replace(/\{(\w+)\}/g, (m, n) => (params && n in params ? String(params[n]) : m));
  };
  try { localStorage.setItem(LANG_KEY, page.lang); } catch (e) { /* ignore */ }
  const t = page.t;

  const langLinks = LANGS.map((l) => h('a', { href: hrefWithLang(l), lang: l, hreflang: l, 'data-lang': l, text: LANG_NAMES[l] }));
  const brandName = h('span', { class: 'brand-name' });
  const tagline = h('span', { class: 'brand-tagline' });
  const brand = h('a', { class: 'brand', href: '/' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }),
    h('span', { class: 'brand-text' }, brandName, tagline));
  const langNav = h('nav', { class: 'lang-nav' }, h('ul', { class: 'lang-switch' }, langLinks.map((a) => h('li', {}, a))));
  const skip = h('a', { class: 'skip-link', href: '#main' });
  const view = h('div', { class: 'wrap', id: 'view' });
  const announcer = h('div', { id: 'announcer', class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const about = h('p');
  const emergency = h('p');
  const footerName = h('p', { class: 'footer-name' });
  document.body.replaceChildren(
    skip,
    h('header', { class: 'site-header' },
      h('div', { class: 'account-bar' }, h('div', { class: 'wrap account-row', id: 'account' })),
      h('div', { class: 'wrap header-row' }, brand, langNav)),
    h('main', { id: 'main', tabindex: '-1' }, view, announcer),
    h('footer', { class: 'site-footer' }, h('div', { class: 'wrap' }, footerName, about, emergency)));

  function applyLang() {
    document.documentElement.lang = page.lang;
    page.locale = LOCALES[page.lang];
    skip.textContent = t('skip');
    brandName.textContent = t('site.name');
    tagline.textContent = t('site.tagline');
    brand.href = `/?lang=${page.lang}`;
    langNav.setAttribute('aria-label', t('nav.lang'));
    for (const a of langLinks) {
      a.href = hrefWithLang(a.dataset.lang);
      if (a.dataset.lang === page.lang) a.setAttribute('aria-current', 'true');
      else a.removeAttribute('aria-current');
    }
    footerName.textContent = t('site.name');
    about.textContent = t('footer.about');
    emergency.textContent = t('footer.emergency');
    page.setTitle(title(t));
  }

  page.view = view;
  // A page that changed its query (stats.html's period) keeps it in the language links.
  page.syncLangLinks = () => { for (const a of langLinks) a.href = hrefWithLang(a.dataset.lang); };
  page.setTitle = (text) => { document.title = `${text} – ${t('site.name')}`; };
  let timer = 0;
  page.announce = (text) => {
    clearTimeout(timer);
    announcer.textContent = '';
    timer = setTimeout(() => { announcer.textContent = text; }, 120);
  };
  page.fmtTime = (iso) => {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    return new Intl.DateTimeFormat(page.locale, { dateStyle: 'short', timeStyle: 'short' }).format(d);
  };
  skip.addEventListener('click', (e) => {
    e.preventDefault();
    document.getElementById('main').focus();
  });
  applyLang();
  // The layout test checks that the first paint did not come before the frame.
  if (performance.mark) performance.mark('tarjotin:skeleton');
  const header = mountHeader(page.lang);
  if (onLang) {
    for (const a of langLinks) {
      a.addEventListener('click', (e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        page.lang = a.dataset.lang;
        try { localStorage.setItem(LANG_KEY, page.lang); } catch (err) { /* ignore */ }
        history.replaceState(history.state, '', hrefWithLang(page.lang));
        applyLang();
        header.setLang(page.lang);
        onLang(page.lang);
      });
    }
  }
  return page;
}

// A link's token from the address's fragment (link.html, confirm.html, w.html), at once
// taken out of the address (history.replaceState; the query, e.g. ?lang=sv, stays) so that
// it stays out of the history, bookmarks and screen shares. '' when there is none.
export function takeFragmentToken() {
  let tok = '';
  try { tok = decodeURIComponent(location.hash.replace(/^#/, '')); } catch (e) { /* stays '' */ }
  if (location.hash) history.replaceState(history.state, '', location.pathname + location.search);
  return tok;
}

// A field's error, next to it and announced: sets aria-invalid and aria-describedby on
// the input and fills (or empties, with text '') the element with id errId.
export function fieldError(input, errId, text) {
  const err = document.getElementById(errId);
  const ids = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== errId);
  if (text) {
    err.textContent = text;
    err.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    ids.push(errId);
  } else {
    err.textContent = '';
    err.hidden = true;
    input.removeAttribute('aria-invalid');
  }
  if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
  else input.removeAttribute('aria-describedby');
}
