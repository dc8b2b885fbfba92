// account.html ("Oma tili"): who the session is (name, e-mail, role, user site or
// organisations), signing out here, and signing out everywhere (POST
// /api/v1/auth/signout-everywhere: every session of the account ends, on every device).

import { gatedPage, h } from './admin.js';
import { ApiError, apiSend, signOut, forgetSession } from './api.js';

const STR = {
  fi: {
    title: 'Oma tili',
    'f.name': 'Nimi', 'f.email': 'Sähköposti', 'f.role': 'Rooli', 'f.site': 'Toimipiste', 'f.orgs': 'Järjestöt',
    'out.h': 'Kirjautuminen',
    'out.lead': 'Jos olet kirjautunut myös toisella laitteella tai unohdit kirjautua ulos yhteiskäyttöisellä koneella, voit lopettaa kaikki kirjautumisesi kerralla.',
    'out.here': 'Kirjaudu ulos',
    'out.everywhere': 'Kirjaudu ulos kaikilta laitteilta',
    'out.failed': 'Uloskirjautuminen ei onnistunut. Yritä uudelleen.',
  },
  sv: {
    title: 'Mitt konto',
    'f.name': 'Namn', 'f.email': 'E-post', 'f.role': 'Roll', 'f.site': 'Verksamhetsställe', 'f.orgs': 'Organisationer',
    'out.h': 'Inloggning',
    'out.lead': 'Om du är inloggad också på en annan enhet eller glömde att logga ut på en delad dator kan du avsluta alla dina inloggningar på en gång.',
    'out.here': 'Logga ut',
    'out.everywhere': 'Logga ut på alla enheter',
    'out.failed': 'Utloggningen lyckades inte. Försök igen.',
  },
  en: {
    title: 'My account',
    'f.name': 'Name', 'f.email': 'E-mail', 'f.role': 'Role', 'f.site': 'User site', 'f.orgs': 'Organisations',
    'out.h': 'Signing in',
    'out.lead': 'If you are signed in on another device too, or forgot to sign out on a shared computer, you can end all your sessions at once.',
    'out.here': 'Sign out',
    'out.everywhere': 'Sign out on every device',
    'out.failed': 'Signing out did not succeed. Try again.',
  },
};

gatedPage({
  key: 'account',
  role: 'any',
  strings: STR,
  render(page, region, session) {
    const { t, lang } = page;
    const a = session.account;
    const rows = [['f.name', a.name || '–'], ['f.email', a.email], ['f.role', t('role.' + a.role)]];
    if (a.role === 'professional') rows.push(['f.site', (a.user_site && a.user_site.name) || '–']);
    if (a.role === 'editor') rows.push(['f.orgs', (a.organizations || []).map((o) => o.name).join(', ') || '–']);
    const status = h('p', { class: 'status-line', role: 'status', id: 'account-status' });
    const done = (all) => location.assign(`/signin.html?lang=${lang}&signedout=${all ? 'all' : '1'}`);
    const action = (all) => async () => {
      try {
        if (all) {
          await apiSend('POST', 'auth/signout-everywhere', {}, lang);
          forgetSession();
        } else {
          await signOut(lang);
        }
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 401)) { status.textContent = t('out.failed'); return; }
      }
      done(all);
    };
    region.append(
      h('dl', { class: 'facts panel', 'data-account': a.id }, rows.map(([k, v]) => [h('dt', { text: t(k) }), h('dd', { text: v })])),
      h('section', { class: 'panel', 'aria-labelledby': 'out-h' },
        h('h2', { id: 'out-h', text: t('out.h') }),
        h('p', { text: t('out.lead') }),
        status,
        h('p', { class: 'form-actions' },
          h('button', { type: 'button', class: 'button secondary', 'data-signout-here': '', onclick: action(false), text: t('out.here') }),
          h('button', { type: 'button', class: 'button', 'data-signout-everywhere': '', onclick: action(true), text: t('out.everywhere') }))));
  },
});
