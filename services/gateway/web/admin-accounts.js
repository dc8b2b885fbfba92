// admin-accounts.html: the accounts (GET /api/v1/admin/accounts?role=&q=), inviting one
// (POST: an invitation link is e-mailed), changing its role, user site or organisations,
// disabling and enabling it (PUT). User sites come from /api/v1/admin/user-sites, the
// organisations from the open HSDS list (/hsds/organizations).

import { gatedPage, h, field, clearErrors, showError, table, fieldError, loadFailed } from './admin.js';
import { apiGet, apiSend } from './api.js';

const ROLES = ['professional', 'editor', 'admin', 'funder']; // a funder: no user site, no organisations

const STR = {
  fi: {
    title: 'Käyttäjätilit',
    lead: 'Ammattilaisten, järjestöjen toimittajien ja pääkäyttäjien tilit. Kun rooli, toimipiste tai järjestöt muuttuvat tai tili poistetaan käytöstä, tilin kirjautumiset päättyvät.',
    'filter.h': 'Rajaa',
    'filter.role': 'Rooli',
    'filter.all': 'Kaikki roolit',
    'filter.q': 'Hae nimellä tai sähköpostilla',
    'filter.button': 'Hae',
    'form.new': 'Kutsu käyttäjä',
    'form.edit': ({ name }) => `Muokkaa: ${name}`,
    'f.email': 'Sähköpostiosoite',
    'f.name': 'Nimi',
    'f.role': 'Rooli',
    'f.lang': 'Kutsun kieli',
    'f.site': 'Toimipiste',
    'f.siteChoose': 'Valitse toimipiste',
    'f.orgs': 'Järjestöt',
    'f.orgsHint': 'Toimittaja voi muokata valittujen järjestöjen tietoja.',
    'f.orgsNone': 'Järjestöjä ei voitu hakea.',
    invite: 'Lähetä kutsu',
    invited: ({ email }) => `Kutsu lähetettiin osoitteeseen ${email}.`,
    saved: ({ name }) => `Käyttäjän ${name} tiedot tallennettiin.`,
    disabledOk: ({ name }) => `Käyttäjätili ${name} poistettiin käytöstä.`,
    enabledOk: ({ name }) => `Käyttäjätili ${name} otettiin käyttöön.`,
    'err.account_exists': 'Tällä osoitteella on jo käyttäjätili.',
    'err.self': 'Et voi poistaa käytöstä tai alentaa omaa tiliäsi.',
    'err.site': 'Valitse ammattilaisen toimipiste.',
    'err.orgs': 'Valitse toimittajalle vähintään yksi järjestö.',
    'list.caption': 'Käyttäjätilit',
    'list.none': 'Hakuehdoilla ei löytynyt käyttäjätilejä.',
    'list.count': ({ n }) => (n === 1 ? '1 käyttäjätili.' : `${n} käyttäjätiliä.`),
    'col.name': 'Nimi',
    'col.email': 'Sähköposti',
    'col.role': 'Rooli',
    'col.scope': 'Toimipiste tai järjestöt',
    'col.last': 'Kirjautunut viimeksi',
    'col.state': 'Tila',
    active: 'käytössä',
    disabled: 'poistettu käytöstä',
    never: 'ei vielä',
    disable: 'Poista käytöstä',
    enable: 'Ota käyttöön',
    editOf: ({ name }) => `Muokkaa käyttäjää ${name}`,
    disableOf: ({ name }) => `Poista käytöstä: ${name}`,
    enableOf: ({ name }) => `Ota käyttöön: ${name}`,
  },
  sv: {
    title: 'Användarkonton',
    lead: 'Konton för yrkespersoner, organisationsredaktörer och huvudanvändare. När rollen, verksamhetsstället eller organisationerna ändras eller kontot stängs av, avslutas kontots inloggningar.',
    'filter.h': 'Avgränsa',
    'filter.role': 'Roll',
    'filter.all': 'Alla roller',
    'filter.q': 'Sök med namn eller e-post',
    'filter.button': 'Sök',
    'form.new': 'Bjud in en användare',
    'form.edit': ({ name }) => `Redigera: ${name}`,
    'f.email': 'E-postadress',
    'f.name': 'Namn',
    'f.role': 'Roll',
    'f.lang': 'Inbjudans språk',
    'f.site': 'Verksamhetsställe',
    'f.siteChoose': 'Välj verksamhetsställe',
    'f.orgs': 'Organisationer',
    'f.orgsHint': 'Redaktören kan redigera de valda organisationernas uppgifter.',
    'f.orgsNone': 'Organisationerna kunde inte hämtas.',
    invite: 'Skicka inbjudan',
    invited: ({ email }) => `En inbjudan skickades till ${email}.`,
    saved: ({ name }) => `Uppgifterna om ${name} sparades.`,
    disabledOk: ({ name }) => `Kontot ${name} stängdes av.`,
    enabledOk: ({ name }) => `Kontot ${name} togs i bruk.`,
    'err.account_exists': 'Det finns redan ett konto med den här adressen.',
    'err.self': 'Du kan inte stänga av eller degradera ditt eget konto.',
    'err.site': 'Välj yrkespersonens verksamhetsställe.',
    'err.orgs': 'Välj minst en organisation för redaktören.',
    'list.caption': 'Användarkonton',
    'list.none': 'Inga konton matchar sökningen.',
    'list.count': ({ n }) => (n === 1 ? '1 konto.' : `${n} konton.`),
    'col.name': 'Namn',
    'col.email': 'E-post',
    'col.role': 'Roll',
    'col.scope': 'Verksamhetsställe eller organisationer',
    'col.last': 'Senast inloggad',
    'col.state': 'Status',
    active: 'i bruk',
    disabled: 'avstängt',
    never: 'inte ännu',
    disable: 'Stäng av',
    enable: 'Ta i bruk',
    editOf: ({ name }) => `Redigera ${name}`,
    disableOf: ({ name }) => `Stäng av: ${name}`,
    enableOf: ({ name }) => `Ta i bruk: ${name}`,
  },
  en: {
    title: 'Accounts',
    lead: 'The accounts of professionals, association editors and administrators. When an account’s role, user site or organisations change or it is disabled, its sessions end.',
    'filter.h': 'Filter',
    'filter.role': 'Role',
    'filter.all': 'All roles',
    'filter.q': 'Search by name or e-mail',
    'filter.button': 'Search',
    'form.new': 'Invite a user',
    'form.edit': ({ name }) => `Edit: ${name}`,
    'f.email': 'E-mail address',
    'f.name': 'Name',
    'f.role': 'Role',
    'f.lang': 'Language of the invitation',
    'f.site': 'User site',
    'f.siteChoose': 'Choose a user site',
    'f.orgs': 'Organisations',
    'f.orgsHint': 'The editor can edit the chosen organisations’ information.',
    'f.orgsNone': 'The organisations could not be fetched.',
    invite: 'Send the invitation',
    invited: ({ email }) => `An invitation was sent to ${email}.`,
    saved: ({ name }) => `${name} was saved.`,
    disabledOk: ({ name }) => `The account ${name} was disabled.`,
    enabledOk: ({ name }) => `The account ${name} was enabled.`,
    'err.account_exists': 'There is already an account with this address.',
    'err.self': 'You cannot disable or demote your own account.',
    'err.site': 'Choose the professional’s user site.',
    'err.orgs': 'Choose at least one organisation for the editor.',
    'list.caption': 'Accounts',
    'list.none': 'No accounts match the search.',
    'list.count': ({ n }) => (n === 1 ? '1 account.' : `${n} accounts.`),
    'col.name': 'Name',
    'col.email': 'E-mail',
    'col.role': 'Role',
    'col.scope': 'User site or organisations',
    'col.last': 'Last signed in',
    'col.state': 'State',
    active: 'active',
    disabled: 'disabled',
    never: 'not yet',
    disable: 'Disable',
    enable: 'Enable',
    editOf: ({ name }) => `Edit ${name}`,
    disableOf: ({ name }) => `Disable ${name}`,
    enableOf: ({ name }) => `Enable ${name}`,
  },
};

async function organisations() {
  const out = [];
  for (let p = 1; p <= 5; p++) {
    const res = await apiGet('/hsds/organizations', { page: p, per_page: 100 });
    out.push(...(res.contents || []));
    if (out.length >= (res.total_items || 0) || !(res.contents || []).length) break;
  }
  return out;
}

gatedPage({
  key: 'accounts',
  strings: STR,
  async render(page, region, session) {
    const { t, lang } = page;
    const me = session.account.id;
    const [sites, orgs] = await Promise.all([
      apiGet('admin/user-sites', null, lang).then((r) => r.items || [], () => []),
      organisations().catch(() => null),
    ]);
    const label = (a) => a.name || a.email;

    // ---- filters
    const fRole = h('select', { id: 'filter-role', name: 'role' }, h('option', { value: '', text: t('filter.all') }),
      ROLES.map((r) => h('option', { value: r, text: t('role.' + r) })));
    const fQ = h('input', { type: 'search', id: 'filter-q', name: 'q', maxlength: '200', autocomplete: 'off' });
    const filters = h('form', { class: 'form filters', role: 'search', 'aria-label': t('filter.h'), id: 'account-filters' },
      field(t('filter.role'), fRole), field(t('filter.q'), fQ),
      h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button', text: t('filter.button') })));

    // ---- invite / edit form
    const email = h('input', { type: 'email', id: 'acc-email', name: 'email', maxlength: '254', autocomplete: 'off', spellcheck: 'false', required: true });
    const name = h('input', { type: 'text', id: 'acc-name', name: 'name', maxlength: '200', autocomplete: 'off' });
    const role = h('select', { id: 'acc-role', name: 'role' }, ROLES.map((r) => h('option', { value: r, text: t('role.' + r) })));
    const langSel = h('select', { id: 'acc-lang', name: 'lang' },
      h('option', { value: 'fi', lang: 'fi', text: 'suomi' }), h('option', { value: 'sv', lang: 'sv', text: 'svenska' }), h('option', { value: 'en', lang: 'en', text: 'English' }));
    langSel.value = lang;
    const site = h('select', { id: 'acc-site', name: 'user_site_id' }, h('option', { value: '', text: t('f.siteChoose') }),
      sites.map((s) => h('option', { value: s.id, text: s.name })));
    const orgBoxes = (orgs || []).map((o) => h('input', { type: 'checkbox', id: `org-${o.id}`, name: 'organization_ids', value: o.id }));
    const orgFieldset = h('fieldset', { class: 'field', id: 'acc-orgs', 'aria-describedby': 'acc-orgs-hint', tabindex: '-1' },
      h('legend', { text: t('f.orgs') }),
      h('p', { class: 'hint', id: 'acc-orgs-hint', text: orgs ? t('f.orgsHint') : t('f.orgsNone') }),
      h('div', { class: 'org-picker' }, (orgs || []).map((o, i) => h('label', { class: 'check', for: orgBoxes[i].id }, orgBoxes[i], o.name))),
      h('p', { class: 'field-error', id: 'acc-orgs-error', role: 'alert', hidden: true }));
    const emailField = field(t('f.email'), email);
    const langField = field(t('f.lang'), langSel);
    const siteField = field(t('f.site'), site);
    const submit = h('button', { type: 'submit', class: 'button', text: t('invite') });
    const cancel = h('button', { type: 'button', class: 'button secondary', hidden: true, text: t('cancel') });
    const formTitle = h('summary', { text: t('form.new') });
    const form = h('form', { class: 'form', novalidate: true, id: 'account-form' },
      emailField, field(t('f.name'), name), field(t('f.role'), role), langField, siteField, orgFieldset,
      h('div', { class: 'form-alert' }),
      h('p', { class: 'form-actions' }, submit, cancel));
    const details = h('details', { class: 'panel', id: 'account-editor' }, formTitle, form);
    const status = h('p', { class: 'status-line', role: 'status', id: 'accounts-status' });
    const list = h('div', { id: 'accounts-list' });

    const byRole = () => {
      siteField.hidden = role.value !== 'professional';
      orgFieldset.hidden = role.value !== 'editor';
    };
    role.addEventListener('change', byRole);
    byRole();

    let editing = null;
    function edit(acc) {
      editing = acc;
      clearErrors(form);
      form.reset();
      langSel.value = lang;
      if (acc) {
        email.value = acc.email;
        name.value = acc.name || '';
        role.value = acc.role;
        site.value = (acc.user_site && acc.user_site.id) || '';
        const mine = new Set((acc.organizations || []).map((o) => o.id));
        for (const b of orgBoxes) b.checked = mine.has(b.value);
      }
      email.readOnly = !!acc;
      langField.hidden = !!acc;
      formTitle.textContent = acc ? t('form.edit', { name: label(acc) }) : t('form.new');
      submit.textContent = acc ? t('save') : t('invite');
      cancel.hidden = !acc;
      byRole();
      if (acc) { details.open = true; name.focus(); }
    }
    cancel.addEventListener('click', () => { edit(null); details.open = false; formTitle.focus(); });

    async function setDisabled(acc, disabled) {
      try {
        await apiSend('PUT', `admin/accounts/${encodeURIComponent(acc.id)}`, { disabled }, lang);
        status.textContent = t(disabled ? 'disabledOk' : 'enabledOk', { name: label(acc) });
        await load();
      } catch (err) {
        if (page.refused(err)) { page.deny(null); return; }
        status.textContent = err.code === 'self' ? t('err.self') : t('save.failed');
      }
    }

    let loads = 0;
    async function load() {
      const q = {};
      if (fRole.value) q.role = fRole.value;
      if (fQ.value.trim()) q.q = fQ.value.trim();
      q.limit = '200';
      try {
        const { items } = await apiGet('admin/accounts', q, lang);
        const scope = (a) => (a.role === 'professional' ? (a.user_site && a.user_site.name) || '–'
          : a.role === 'editor' ? (a.organizations || []).map((o) => o.name).join(', ') || '–' : '–');
        const rows = items.map((a) => ({
          attrs: { 'data-account': a.id, 'data-email': a.email },
          cells: [a.name || '–', a.email, t('role.' + a.role), scope(a),
            a.last_signin_at ? page.fmtTime(a.last_signin_at) : t('never'),
            a.disabled ? t('disabled') : t('active'),
            h('span', { class: 'actions' },
              h('button', { type: 'button', 'aria-label': t('editOf', { name: label(a) }), onclick: () => edit(a), text: t('edit') }),
              a.id === me ? null : h('button', {
                type: 'button', 'data-toggle': a.disabled ? 'enable' : 'disable',
                'aria-label': t(a.disabled ? 'enableOf' : 'disableOf', { name: label(a) }),
                onclick: () => setDisabled(a, !a.disabled), text: t(a.disabled ? 'enable' : 'disable'),
              }))],
        }));
        list.replaceChildren(items.length
          ? table(t('list.caption'), [t('col.name'), t('col.email'), t('col.role'), t('col.scope'), t('col.last'), t('col.state'), t('col.actions')], rows)
          : h('p', { class: 'notice', text: t('list.none') }));
        list.dataset.loaded = String(items.length);
      } catch (err) {
        if (page.refused(err)) { page.deny(null); return; }
        list.replaceChildren(loadFailed(page, load));
      }
      list.dataset.loads = String(++loads); // answers so far, for the tests
    }
    filters.addEventListener('submit', (e) => { e.preventDefault(); load(); });

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const body = { name: name.value.trim(), role: role.value };
      if (!editing) {
        body.email = email.value.trim();
        body.lang = langSel.value;
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(body.email)) { fieldError(email, 'acc-email-error', t('err.email')); email.focus(); return; }
      }
      if (body.role === 'professional') {
        if (!site.value) { fieldError(site, 'acc-site-error', t('err.site')); site.focus(); return; }
        body.user_site_id = site.value;
      }
      if (body.role === 'editor') {
        body.organization_ids = orgBoxes.filter((b) => b.checked).map((b) => b.value);
        if (!body.organization_ids.length) { fieldError(orgFieldset, 'acc-orgs-error', t('err.orgs')); orgFieldset.focus(); return; }
      }
      if (!body.name) delete body.name;
      submit.setAttribute('aria-disabled', 'true');
      try {
        if (editing) {
          await apiSend('PUT', `admin/accounts/${encodeURIComponent(editing.id)}`, body, lang);
          status.textContent = t('saved', { name: label(editing) });
        } else {
          await apiSend('POST', 'admin/accounts', body, lang);
          status.textContent = t('invited', { email: body.email });
        }
        edit(null);
        details.open = false;
        await load();
      } catch (err) {
        if (page.refused(err)) { page.deny(null); return; }
        showError(page, form, err, { email, name, role, user_site_id: site, organization_ids: orgFieldset },
          { account_exists: t('err.account_exists'), self: t('err.self') });
        if (err.code === 'account_exists') fieldError(email, 'acc-email-error', t('err.account_exists'));
      } finally {
        submit.removeAttribute('aria-disabled');
      }
    });
    await load();
    // In place only when filled: nothing on the page moves as it loads.
    if (!page.denied) region.append(h('p', { class: 'lead', text: t('lead') }), details, filters, status, list);
  },
});
