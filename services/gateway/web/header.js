// The account bar at the top of every page's header: who is signed in (name or e-mail,
// linking to their account page; role), a link to their own pages (administration, their activities) and a sign-out
// button; or a "sign in" link. It fills a slot of fixed height (styles.css .account-bar)
// from GET /api/v1/session, fetched in parallel with whatever the page loads, so nothing
// waits for it and nothing moves when it arrives.

import { t as translate } from './i18n.js';
import { ApiError, getSession, signOut } from './api.js';
import { h as el } from './dom.js';
import { trayItems } from './tray.js';

// Pages a signed-in user is sent back to after signing in again are local paths only.
export function localPath(p) {
  if (typeof p !== 'string' || !p.startsWith('/') || p.startsWith('//')) return '/';
  if (p.length > 500 || p.includes('\\') || /[\u0000-\u001f\u007f]/.test(p)) return '/';
  return p;
}

// Where "sign in" should come back to: this page, unless it is a sign-in page itself.
function returnHere() {
  if (/\/(signin|link)\.html$/.test(location.pathname)) {
    return localPath(new URLSearchParams(location.search).get('return') || '/');
  }
  return localPath(location.pathname + location.search);
}

export function signinHref(lang, ret = returnHere()) {
  const p = new URLSearchParams({ lang });
  if (ret && ret !== '/') p.set('return', ret);
  return '/signin.html?' + p.toString();
}

// Fills #account and keeps it in the page's language. Returns { setLang(lang) }.
export function mountHeader(initialLang) {
  let lang = initialLang;
  let session = null;
  const t = (k, p) => translate(lang, k, p);

  function render() {
    const slot = document.getElementById('account');
    if (!slot || !session) return;
    const nav = el('nav', { class: 'account-nav', 'aria-label': t('account.nav'), 'data-signed-in': String(!!session.signed_in) });
    if (session.signed_in && session.account) {
      const a = session.account;
      const who = el('p', { class: 'account-who' },
        el('span', { class: 'visually-hidden', text: t('account.signedInAs') + ' ' }),
        el('a', { class: 'account-name', href: `/account.html?lang=${lang}`, 'data-account-name': '', text: a.name || a.email || '' }),
        el('span', { class: 'account-role', 'data-role': a.role || '', text: ` (${t('role.' + a.role)})` }));
      nav.append(who);
      // Administrators and funders: the statistics (an administrator's on a narrow screen
      // from the administration's navigation).
      if (a.role === 'admin') {
        nav.append(el('a', { href: `/admin.html?lang=${lang}`, 'data-own-pages': '', text: t('account.admin') }),
          el('a', { href: `/stats.html?lang=${lang}`, class: 'wide-only', 'data-stats-link': '', text: t('account.stats') }));
      } else if (a.role === 'funder') nav.append(el('a', { href: `/stats.html?lang=${lang}`, 'data-stats-link': '', text: t('account.stats') }));
      // A professional's tray (tray.js: its count, linking to the send page) and their
      // requests (on a narrow screen only the tray fits; the send page links the other).
      else if (a.role === 'professional') {
        const n = trayItems().length;
        nav.append(el('a', { href: `/request.html?lang=${lang}`, class: 'tray-link', 'data-tray-link': String(n) },
          t('tray.link', { n }), el('span', { class: 'visually-hidden', text: `: ${t('tray.linkHint')}` })),
        el('a', { href: `/my-requests.html?lang=${lang}`, class: 'wide-only', 'data-my-requests': '', text: t('account.requests') }));
      }
      // An editor's own pages: their activities, and their organisations' editors (on a
      // narrow screen only the first fits; editor.html links the second). An admin
      // reaches editor.html from the administration's navigation.
      else if (a.role === 'editor') {
        nav.append(el('a', { href: `/editor.html?lang=${lang}`, 'data-activities-page': '', text: t('account.activities') }),
          el('a', { href: `/inbox.html?lang=${lang}`, class: 'wide-only', 'data-inbox-link': '', text: t('account.inbox') }),
          el('a', { href: `/editors.html?lang=${lang}`, class: 'wide-only', 'data-own-pages': '', text: t('account.editor') }));
      }
      const out = el('button', { type: 'button', class: 'account-signout', 'data-signout': '', text: t('account.signout') });
      out.addEventListener('click', async () => {
        out.disabled = true;
        try {
          await signOut(lang);
        } catch (e) {
          // 401: the session had ended already, which is what was asked for.
          if (!(e instanceof ApiError && e.status === 401)) {
            out.disabled = false;
            out.textContent = t('account.signoutFailed');
            return;
          }
        }
        location.assign(`/signin.html?lang=${lang}&signedout=1`);
      });
      nav.append(out);
    } else {
      const link = el('a', { href: signinHref(lang), 'data-signin': '', text: t('account.signin') });
      // The page may have changed (the search keeps its state in the URL): come back to
      // where the user is when they click.
      link.addEventListener('click', () => { link.href = signinHref(lang); });
      nav.append(link);
    }
    slot.replaceChildren(nav);
  }

  window.addEventListener('tarjotin:tray', render);
  getSession(lang).then((s) => { session = s; render(); }, () => {
    session = { signed_in: false, providers: [] };
    render();
  });
  return {
    setLang(next) {
      if (next === lang) return;
      lang = next;
      render();
    },
  };
}
