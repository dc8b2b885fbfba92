// admin.html: the user sites (health centres, service units) whose staff sign in:
// list, create, edit (GET/POST/PUT /api/v1/admin/user-sites). The county list comes from
// /api/v1/municipalities, the identity providers from the session document.

import { gatedPage, h, field, clearErrors, showError, table, loadFailed } from './admin.js';
import { apiGet, apiSend, getMunicipalities } from './api.js';

const STR = {
  fi: {
    title: 'Toimipisteet',
    lead: 'Toimipisteet, joiden henkilöstö kirjautuu Tarjottimeen ammattilaisina. Henkilö kuuluu toimipisteeseen sähköpostiosoitteensa verkkotunnuksen tai tunnistuspalvelun ryhmän perusteella.',
    'form.new': 'Uusi toimipiste',
    'form.edit': ({ name }) => `Muokkaa: ${name}`,
    'f.name': 'Nimi',
    'f.county': 'Hyvinvointialue',
    'f.countyChoose': 'Valitse hyvinvointialue',
    'f.domains': 'Sähköpostin verkkotunnukset',
    'f.domainsHint': 'Yksi tai useampi, pilkulla tai rivinvaihdolla erotettuna, esimerkiksi kuopio-terveys.fi.',
    'f.idp': 'Kirjautumistapa',
    'f.idpLink': 'Sähköpostilinkki (ei tunnistuspalvelua)',
    'f.contact': 'Yhteyshenkilön sähköposti (valinnainen)',
    'f.contactHint': 'Tähän osoitteeseen lähetetään toimipisteen seurantakyselyt.',
    'f.group': 'Tunnistuspalvelun ryhmä (valinnainen)',
    'f.groupHint': 'Jos annettu, henkilö kuuluu toimipisteeseen, kun tunnistuspalvelun ryhmätieto sisältää tämän arvon. Muuten ratkaisee sähköpostin verkkotunnus.',
    create: 'Lisää toimipiste',
    created: ({ name }) => `Toimipiste ${name} lisättiin.`,
    saved: ({ name }) => `Toimipisteen ${name} tiedot tallennettiin.`,
    'list.caption': 'Toimipisteet',
    'list.none': 'Toimipisteitä ei ole vielä.',
    'list.count': ({ n }) => (n === 1 ? '1 toimipiste.' : `${n} toimipistettä.`),
    'col.name': 'Nimi',
    'col.county': 'Hyvinvointialue',
    'col.domains': 'Verkkotunnukset',
    'col.idp': 'Kirjautuminen',
    'col.group': 'Ryhmä',
    'col.updated': 'Muokattu',
    editOf: ({ name }) => `Muokkaa toimipistettä ${name}`,
  },
  sv: {
    title: 'Verksamhetsställen',
    lead: 'Verksamhetsställen vars personal loggar in i Tarjotin som yrkespersoner. En person hör till ett verksamhetsställe enligt domänen i sin e-postadress eller en grupp i identifieringstjänsten.',
    'form.new': 'Nytt verksamhetsställe',
    'form.edit': ({ name }) => `Redigera: ${name}`,
    'f.name': 'Namn',
    'f.county': 'Välfärdsområde',
    'f.countyChoose': 'Välj välfärdsområde',
    'f.domains': 'E-postdomäner',
    'f.domainsHint': 'En eller flera, åtskilda med kommatecken eller radbyte, till exempel kuopio-terveys.fi.',
    'f.idp': 'Inloggningssätt',
    'f.idpLink': 'E-postlänk (ingen identifieringstjänst)',
    'f.contact': 'Kontaktpersonens e-post (frivillig)',
    'f.contactHint': 'Verksamhetsställets uppföljningsenkäter skickas till den här adressen.',
    'f.group': 'Grupp i identifieringstjänsten (frivillig)',
    'f.groupHint': 'Om den anges hör en person till verksamhetsstället när identifieringstjänstens gruppuppgift innehåller värdet. Annars avgör e-postdomänen.',
    create: 'Lägg till verksamhetsställe',
    created: ({ name }) => `Verksamhetsstället ${name} lades till.`,
    saved: ({ name }) => `Uppgifterna om ${name} sparades.`,
    'list.caption': 'Verksamhetsställen',
    'list.none': 'Inga verksamhetsställen ännu.',
    'list.count': ({ n }) => (n === 1 ? '1 verksamhetsställe.' : `${n} verksamhetsställen.`),
    'col.name': 'Namn',
    'col.county': 'Välfärdsområde',
    'col.domains': 'Domäner',
    'col.idp': 'Inloggning',
    'col.group': 'Grupp',
    'col.updated': 'Ändrat',
    editOf: ({ name }) => `Redigera ${name}`,
  },
  en: {
    title: 'User sites',
    lead: 'The units whose staff sign in to Tarjotin as professionals. A person belongs to a site by the domain of their e-mail address or by a group of the identity provider.',
    'form.new': 'New user site',
    'form.edit': ({ name }) => `Edit: ${name}`,
    'f.name': 'Name',
    'f.county': 'Wellbeing services county',
    'f.countyChoose': 'Choose a county',
    'f.domains': 'E-mail domains',
    'f.domainsHint': 'One or more, separated by commas or new lines, for example kuopio-terveys.fi.',
    'f.idp': 'How staff sign in',
    'f.idpLink': 'E-mail link (no identity provider)',
    'f.contact': 'Contact e-mail (optional)',
    'f.contactHint': 'The site’s follow-up surveys are sent to this address.',
    'f.group': 'Identity provider group (optional)',
    'f.groupHint': 'When given, a person belongs to the site when the identity provider’s group claim holds this value. Otherwise the e-mail domain decides.',
    create: 'Add the user site',
    created: ({ name }) => `The user site ${name} was added.`,
    saved: ({ name }) => `The user site ${name} was saved.`,
    'list.caption': 'User sites',
    'list.none': 'No user sites yet.',
    'list.count': ({ n }) => (n === 1 ? '1 user site.' : `${n} user sites.`),
    'col.name': 'Name',
    'col.county': 'County',
    'col.domains': 'Domains',
    'col.idp': 'Sign-in',
    'col.group': 'Group',
    'col.updated': 'Updated',
    editOf: ({ name }) => `Edit ${name}`,
  },
};

gatedPage({
  key: 'sites',
  strings: STR,
  async render(page, region, session) {
    const { t, lang } = page;
    const providers = session.providers || [];
    const providerName = (id) => (providers.find((p) => p.id === id) || {}).name || id;
    let counties = [];
    try {
      counties = (await getMunicipalities(lang)).counties || [];
    } catch (e) { /* the select then offers what the sites already have */ }
    const countyName = (key) => {
      const c = counties.find((x) => x.key === key);
      const n = c && c.name;
      return (n && (typeof n === 'string' ? n : n[lang] || n.fi)) || key;
    };

    const status = h('p', { class: 'status-line', role: 'status', id: 'sites-status' });
    const name = h('input', { type: 'text', id: 'site-name', name: 'name', maxlength: '200', autocomplete: 'off', required: true });
    const county = h('select', { id: 'site-county', name: 'county', required: true },
      h('option', { value: '', text: t('f.countyChoose') }),
      counties.map((c) => h('option', { value: c.key, text: countyName(c.key) })));
    const domains = h('textarea', { id: 'site-domains', name: 'email_domains', rows: '2', spellcheck: 'false', required: true });
    const idp = h('select', { id: 'site-idp', name: 'idp' },
      h('option', { value: '', text: t('f.idpLink') }),
      providers.map((p) => h('option', { value: p.id, text: p.name || p.id })));
    const group = h('input', { type: 'text', id: 'site-group', name: 'idp_group', maxlength: '200', autocomplete: 'off', spellcheck: 'false' });
    const contact = h('input', { type: 'email', id: 'site-contact', name: 'contact_email', maxlength: '254', autocomplete: 'off', spellcheck: 'false' });
    const submit = h('button', { type: 'submit', class: 'button', text: t('create') });
    const cancel = h('button', { type: 'button', class: 'button secondary', hidden: true, text: t('cancel') });
    const formTitle = h('summary', { text: t('form.new') });
    const form = h('form', { class: 'form', novalidate: true, id: 'site-form' },
      field(t('f.name'), name),
      field(t('f.county'), county),
      field(t('f.domains'), domains, t('f.domainsHint')),
      field(t('f.idp'), idp),
      field(t('f.group'), group, t('f.groupHint')),
      field(t('f.contact'), contact, t('f.contactHint')),
      h('div', { class: 'form-alert' }),
      h('p', { class: 'form-actions' }, submit, cancel));
    const details = h('details', { class: 'panel', id: 'site-editor' }, formTitle, form);
    const list = h('div', { id: 'sites-list' });

    let editing = null;
    const fields = { name, county, email_domains: domains, idp, idp_group: group, contact_email: contact };
    function edit(site) {
      editing = site;
      clearErrors(form);
      if (!site) {
        form.reset();
        formTitle.textContent = t('form.new');
        submit.textContent = t('create');
        cancel.hidden = true;
        return;
      }
      if (site.county && ![...county.options].some((o) => o.value === site.county)) {
        county.append(h('option', { value: site.county, text: site.county }));
      }
      name.value = site.name || '';
      county.value = site.county || '';
      domains.value = (site.email_domains || []).join(', ');
      idp.value = site.idp || '';
      group.value = site.idp_group || '';
      contact.value = site.contact_email || '';
      formTitle.textContent = t('form.edit', { name: site.name });
      submit.textContent = t('save');
      cancel.hidden = false;
      details.open = true;
      name.focus();
    }
    cancel.addEventListener('click', () => { edit(null); details.open = false; formTitle.focus(); });

    async function load() {
      try {
        const { items } = await apiGet('admin/user-sites', null, lang);
        const rows = items.map((s) => ({
          attrs: { 'data-site': s.id },
          cells: [s.name, countyName(s.county), (s.email_domains || []).join(', '),
            s.idp ? providerName(s.idp) : t('f.idpLink'), s.idp_group || '–', page.fmtTime(s.updated_at),
            h('button', { type: 'button', 'aria-label': t('editOf', { name: s.name }), onclick: () => edit(s), text: t('edit') })],
        }));
        list.replaceChildren(items.length
          ? table(t('list.caption'), [t('col.name'), t('col.county'), t('col.domains'), t('col.idp'), t('col.group'), t('col.updated'), t('col.actions')], rows)
          : h('p', { class: 'notice', text: t('list.none') }));
        list.dataset.loaded = String(items.length);
      } catch (err) {
        if (page.refused(err)) { page.deny(null); return; }
        list.replaceChildren(loadFailed(page, load));
      }
    }

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const body = {
        name: name.value.trim(),
        county: county.value,
        email_domains: domains.value.split(/[\s,;]+/).map((d) => d.trim().toLowerCase()).filter(Boolean),
        idp: idp.value || null,
        idp_group: group.value.trim() || null,
        contact_email: contact.value.trim() || null,
      };
      const missing = [[name, body.name], [county, body.county], [domains, body.email_domains.length]].find(([, v]) => !v);
      if (missing) { showError(page, form, { field: 'x', code: 'required' }, { x: missing[0] }, { required: t('err.required') }); return; }
      if (body.contact_email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(body.contact_email)) {
        showError(page, form, { field: 'contact_email', code: 'email' }, fields, { email: t('err.email') });
        return;
      }
      submit.setAttribute('aria-disabled', 'true');
      try {
        const site = editing
          ? await apiSend('PUT', `admin/user-sites/${encodeURIComponent(editing.id)}`, body, lang)
          : await apiSend('POST', 'admin/user-sites', body, lang);
        status.textContent = editing ? t('saved', { name: site.name || body.name }) : t('created', { name: site.name || body.name });
        edit(null);
        details.open = false;
        await load();
      } catch (err) {
        if (page.refused(err)) { page.deny(null); return; }
        showError(page, form, err, fields, err.field === 'contact_email' ? { [err.code]: t('err.email') } : {});
      } finally {
        submit.removeAttribute('aria-disabled');
      }
    });
    await load();
    // In place only when filled: nothing on the page moves as it loads.
    if (!page.denied) region.append(h('p', { class: 'lead', text: t('lead') }), status, details, list);
  },
});
