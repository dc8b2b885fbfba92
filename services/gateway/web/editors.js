// editors.html ("Omat järjestöt"): an editor's organisations (the session's
// account.organizations), each with its editors (GET /api/v1/organizations/<id>/editors);
// inviting another editor (POST .../editors: an invitation link is e-mailed) and removing
// one (DELETE .../editors/<account>).

import { gatedPage, h, field, clearErrors, showError, table, fieldError, loadFailed } from './admin.js';
import { apiGet, apiSend } from './api.js';

const STR = {
  fi: {
    title: 'Omat järjestöt',
    lead: 'Järjestöt, joiden tietoja voit muokata, ja niiden muut toimittajat. Jokaisella järjestöllä voi olla useita toimittajia.',
    none: 'Sinulla ei ole vielä yhtään järjestöä. Pyydä Tarjottimen pääkäyttäjää liittämään sinut järjestöösi.',
    'editors.caption': ({ org }) => `Järjestön ${org} toimittajat`,
    'editors.none': 'Järjestöllä ei ole muita toimittajia.',
    'col.name': 'Nimi',
    'col.email': 'Sähköposti',
    'col.last': 'Kirjautunut viimeksi',
    never: 'ei vielä',
    you: 'sinä',
    remove: 'Poista',
    removeOf: ({ name, org }) => `Poista ${name} järjestön ${org} toimittajista`,
    removed: ({ name }) => `${name} poistettiin toimittajista.`,
    'invite.h': 'Kutsu toimittaja',
    'f.email': 'Sähköpostiosoite',
    'f.name': 'Nimi (valinnainen)',
    'f.lang': 'Kutsun kieli',
    invite: 'Lähetä kutsu',
    invited: ({ email }) => `Kutsu lähetettiin osoitteeseen ${email}. Linkki on voimassa 15 minuuttia.`,
    'err.role_mismatch': 'Tällä osoitteella on ammattilaisen tai pääkäyttäjän tili, eikä sitä voi lisätä järjestön toimittajaksi.',
    'err.last_editor': 'Järjestön viimeistä toimittajaa ei voi poistaa.',
  },
  sv: {
    title: 'Mina organisationer',
    lead: 'Organisationer vars uppgifter du kan redigera, och deras andra redaktörer. Varje organisation kan ha flera redaktörer.',
    none: 'Du har ännu inga organisationer. Be Tarjotins huvudanvändare att koppla dig till din organisation.',
    'editors.caption': ({ org }) => `Redaktörer för ${org}`,
    'editors.none': 'Organisationen har inga andra redaktörer.',
    'col.name': 'Namn',
    'col.email': 'E-post',
    'col.last': 'Senast inloggad',
    never: 'inte ännu',
    you: 'du',
    remove: 'Ta bort',
    removeOf: ({ name, org }) => `Ta bort ${name} från redaktörerna för ${org}`,
    removed: ({ name }) => `${name} togs bort från redaktörerna.`,
    'invite.h': 'Bjud in en redaktör',
    'f.email': 'E-postadress',
    'f.name': 'Namn (frivilligt)',
    'f.lang': 'Inbjudans språk',
    invite: 'Skicka inbjudan',
    invited: ({ email }) => `En inbjudan skickades till ${email}. Länken gäller i 15 minuter.`,
    'err.role_mismatch': 'Adressen har ett konto som yrkesperson eller huvudanvändare och kan inte läggas till som redaktör.',
    'err.last_editor': 'Organisationens sista redaktör kan inte tas bort.',
  },
  en: {
    title: 'My organisations',
    lead: 'The organisations whose information you can edit, and their other editors. Each organisation can have several editors.',
    none: 'You have no organisations yet. Ask the Tarjotin administrator to connect you to your organisation.',
    'editors.caption': ({ org }) => `Editors of ${org}`,
    'editors.none': 'The organisation has no other editors.',
    'col.name': 'Name',
    'col.email': 'E-mail',
    'col.last': 'Last signed in',
    never: 'not yet',
    you: 'you',
    remove: 'Remove',
    removeOf: ({ name, org }) => `Remove ${name} from the editors of ${org}`,
    removed: ({ name }) => `${name} was removed from the editors.`,
    'invite.h': 'Invite an editor',
    'f.email': 'E-mail address',
    'f.name': 'Name (optional)',
    'f.lang': 'Language of the invitation',
    invite: 'Send the invitation',
    invited: ({ email }) => `An invitation was sent to ${email}. The link is valid for 15 minutes.`,
    'err.role_mismatch': 'This address has a professional’s or an administrator’s account and cannot be added as an editor.',
    'err.last_editor': 'The organisation’s last editor cannot be removed.',
  },
};

gatedPage({
  key: 'editors',
  role: 'editor',
  strings: STR,
  async render(page, region, session) {
    const { t, lang } = page;
    const me = session.account.id;
    const orgs = session.account.organizations || [];
    region.append(h('p', { class: 'lead', text: t('lead') }));
    if (!orgs.length) {
      region.append(h('p', { class: 'notice', text: t('none') }));
      return;
    }

    function orgSection(org, i) {
      const base = `organizations/${encodeURIComponent(org.id)}/editors`;
      const status = h('p', { class: 'status-line', role: 'status', id: `org-${i}-status` });
      const list = h('div', { class: 'org-editors', 'data-editors': org.id });
      const email = h('input', { type: 'email', id: `org-${i}-email`, name: 'email', maxlength: '254', autocomplete: 'off', spellcheck: 'false', required: true });
      const name = h('input', { type: 'text', id: `org-${i}-name`, name: 'name', maxlength: '200', autocomplete: 'off' });
      const langSel = h('select', { id: `org-${i}-lang`, name: 'lang' },
        h('option', { value: 'fi', lang: 'fi', text: 'suomi' }), h('option', { value: 'sv', lang: 'sv', text: 'svenska' }), h('option', { value: 'en', lang: 'en', text: 'English' }));
      langSel.value = lang;
      const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': `org-${i}-invite`, 'data-invite': org.id },
        h('h3', { id: `org-${i}-invite`, text: t('invite.h') }),
        field(t('f.email'), email), field(t('f.name'), name), field(t('f.lang'), langSel),
        h('div', { class: 'form-alert' }),
        h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button', text: t('invite') })));

      async function remove(ed) {
        try {
          await apiSend('DELETE', `${base}/${encodeURIComponent(ed.id)}`, undefined, lang);
          status.textContent = t('removed', { name: ed.name || ed.email });
          await load();
        } catch (err) {
          if (page.refused(err)) { page.deny(null); return; }
          status.textContent = err.code === 'last_editor' ? t('err.last_editor') : t('save.failed');
        }
      }

      async function load() {
        try {
          const { items } = await apiGet(base, null, lang);
          const rows = items.map((ed) => ({
            attrs: { 'data-editor': ed.id, 'data-email': ed.email },
            cells: [ed.id === me ? `${ed.name || ed.email} (${t('you')})` : ed.name || '–', ed.email,
              ed.last_signin_at ? page.fmtTime(ed.last_signin_at) : t('never'),
              ed.id === me ? '' : h('button', {
                type: 'button', 'data-remove': ed.id, 'aria-label': t('removeOf', { name: ed.name || ed.email, org: org.name }),
                onclick: () => remove(ed), text: t('remove'),
              })],
          }));
          list.replaceChildren(table(t('editors.caption', { org: org.name }), [t('col.name'), t('col.email'), t('col.last'), t('col.actions')], rows));
          list.dataset.loaded = String(items.length);
        } catch (err) {
          if (page.refused(err)) { page.deny(null); return; }
          list.replaceChildren(loadFailed(page, load));
        }
      }

      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors(form);
        const body = { email: email.value.trim(), lang: langSel.value };
        if (name.value.trim()) body.name = name.value.trim();
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(body.email)) { fieldError(email, email.id + '-error', t('err.email')); email.focus(); return; }
        try {
          await apiSend('POST', base, body, lang);
          status.textContent = t('invited', { email: body.email });
          form.reset();
          langSel.value = lang;
          await load();
        } catch (err) {
          if (page.refused(err)) { page.deny(null); return; }
          showError(page, form, err.code === 'role_mismatch' ? { ...err, field: 'email', code: err.code } : err,
            { email, name, lang: langSel }, { role_mismatch: t('err.role_mismatch') });
        }
      });
      return { node: h('section', { class: 'panel org-panel', id: `org-${org.id}`, 'aria-labelledby': `org-${i}-h`, 'data-org': org.id },
        h('h2', { id: `org-${i}-h`, text: org.name }), status, list, form), load };
    }

    const sections = orgs.map(orgSection);
    // In place only when filled: nothing on the page moves as it loads.
    await Promise.all(sections.map((s) => s.load()));
    if (!page.denied) region.append(...sections.map((s) => s.node));
  },
});
