// org-edit.html?id=<organisation>: the organisation's profile (GET/PUT
// /api/v1/editor/organizations/<id> with If-Match, docs/selfservice.md "Editing"): the
// registration's rules; every field error next to its field and in a summary; a 409
// offers the current version.

import { gatedPage, h, loadFailed } from './admin.js';
import { ApiError, apiGetDoc, apiSendDoc } from './api.js';
import { mergeStrings, loadRef, fieldBox, groupBox, showFieldErrors, clearFieldErrors, municipalityPicker } from './ssform.js';
import { contactRows } from './rows.js';

const FRAMES = ['association', 'federation', 'district', 'branch', 'club', 'group', 'other'];

const STR = {
  fi: {
    title: 'Järjestön tiedot',
    'f.name': 'Järjestön nimi', 'f.frame': 'Järjestön muoto', 'f.business_id': 'Y-tunnus', 'f.parent_id': 'Liiton tai piirin tunniste Tarjottimessa',
    'f.description': 'Kuvaus', 'f.website': 'Verkkosivut', 'f.email': 'Sähköposti', 'f.phone': 'Puhelin', 'f.seat': 'Kotikunta',
    'f.municipalities': 'Kunnat, joissa järjestö toimii', 'f.contacts': 'Yhteyshenkilöt',
    save: 'Tallenna', saved: 'Tallennettu.', unchanged: 'Ei muutoksia tallennettavaksi.', failed: 'Tallennus ei onnistunut. Yritä uudelleen.',
    conflict: 'Joku muu tallensi järjestön tiedot sillä välin. Tietojasi ei tallennettu.', 'conflict.load': 'Lataa nykyinen versio', 'conflict.mine': 'Tallenna omani sen päälle',
    back: '← Omat toiminnot', notFound: 'Järjestöä ei löytynyt.',
    'frame.association': 'Yhdistys', 'frame.federation': 'Liitto', 'frame.district': 'Piiri', 'frame.branch': 'Paikallisosasto', 'frame.club': 'Kerho', 'frame.group': 'Ryhmä', 'frame.other': 'Muu',
  },
  sv: {
    title: 'Organisationens uppgifter',
    'f.name': 'Organisationens namn', 'f.frame': 'Organisationsform', 'f.business_id': 'FO-nummer', 'f.parent_id': 'Förbundets eller distriktets identifierare i Tarjotin',
    'f.description': 'Beskrivning', 'f.website': 'Webbplats', 'f.email': 'E-post', 'f.phone': 'Telefon', 'f.seat': 'Hemkommun',
    'f.municipalities': 'Kommuner där organisationen verkar', 'f.contacts': 'Kontaktpersoner',
    save: 'Spara', saved: 'Sparat.', unchanged: 'Inga ändringar att spara.', failed: 'Det gick inte att spara. Försök igen.',
    conflict: 'Någon annan sparade organisationens uppgifter under tiden. Dina uppgifter sparades inte.', 'conflict.load': 'Ladda den aktuella versionen', 'conflict.mine': 'Spara mina över den',
    back: '← Mina verksamheter', notFound: 'Organisationen hittades inte.',
    'frame.association': 'Förening', 'frame.federation': 'Förbund', 'frame.district': 'Distrikt', 'frame.branch': 'Lokalavdelning', 'frame.club': 'Klubb', 'frame.group': 'Grupp', 'frame.other': 'Annan',
  },
  en: {
    title: 'Association details',
    'f.name': 'Name of the association', 'f.frame': 'Type of organisation', 'f.business_id': 'Business ID', 'f.parent_id': 'The federation’s or district’s identifier in Tarjotin',
    'f.description': 'Description', 'f.website': 'Website', 'f.email': 'E-mail', 'f.phone': 'Phone', 'f.seat': 'Home municipality',
    'f.municipalities': 'Municipalities where the association works', 'f.contacts': 'Contact people',
    save: 'Save', saved: 'Saved.', unchanged: 'No changes to save.', failed: 'Saving did not succeed. Try again.',
    conflict: 'Someone else saved the association’s details meanwhile. Your changes were not saved.', 'conflict.load': 'Load the current version', 'conflict.mine': 'Save mine over it',
    back: '← My activities', notFound: 'The association was not found.',
    'frame.association': 'Association', 'frame.federation': 'Federation', 'frame.district': 'District', 'frame.branch': 'Local branch', 'frame.club': 'Club', 'frame.group': 'Group', 'frame.other': 'Other',
  },
};

const orgId = (new URLSearchParams(location.search).get('id') || '').trim();
const enc = encodeURIComponent;

gatedPage({
  key: 'org-edit',
  role: ['editor', 'admin'],
  strings: mergeStrings(STR),
  async render(page, region) {
    const { t, lang } = page;
    let ref;
    let doc;
    try {
      const [r, d] = await Promise.all([loadRef(lang), apiGetDoc(`editor/organizations/${enc(orgId)}`, lang)]);
      ref = r;
      doc = d.data;
    } catch (err) {
      if (page.refused(err)) { page.deny(null); return; }
      if (err instanceof ApiError && (err.kind === 'not_found' || err.status === 400)) { region.append(h('p', { class: 'notice', text: t('notFound') })); return; }
      region.append(loadFailed(page, () => location.reload()));
      return;
    }
    const inp = (key, type = 'text', max = '200') => h('input', { type, id: `org-${key}`, name: key, maxlength: max, autocomplete: 'off' });
    const F = {
      name: inp('name'), business_id: inp('business_id', 'text', '9'), parent_id: inp('parent_id', 'text', '36'),
      description: h('textarea', { id: 'org-description', maxlength: '5000', rows: '5' }), website: inp('website', 'url', '500'),
      email: inp('email', 'email', '254'), phone: inp('phone', 'tel', '40'),
      frame: h('select', { id: 'org-frame' }, FRAMES.map((f) => h('option', { value: f, text: t('frame.' + f) }))),
      seat_municipality: h('select', { id: 'org-seat' }, h('option', { value: '', text: t('choose') }),
        [...ref.municipalityList].sort((a, b) => a.name.localeCompare(b.name, 'fi')).map((m) => h('option', { value: m.code, text: m.name }))),
    };
    const munis = municipalityPicker(page, 'org-municipalities', t('f.municipalities'));
    munis.set(ref);
    const contacts = contactRows(page, 'org-contacts', t('f.contacts'));
    const status = h('p', { class: 'status-line', role: 'status', id: 'org-status' });
    const conflictBox = h('div', { id: 'org-conflict' });
    const titleEl = h('h2', { id: 'org-title', text: doc.name });
    const form = h('form', { class: 'form', id: 'org-form', novalidate: true },
      h('div', { class: 'error-summary-slot' }), conflictBox,
      fieldBox(t('f.name'), F.name), fieldBox(t('f.frame'), F.frame), fieldBox(t('f.business_id'), F.business_id),
      fieldBox(t('f.parent_id'), F.parent_id), fieldBox(t('f.seat'), F.seat_municipality), munis.node,
      fieldBox(t('f.description'), F.description), fieldBox(t('f.website'), F.website),
      fieldBox(t('f.email'), F.email), fieldBox(t('f.phone'), F.phone), contacts.node,
      h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button', id: 'org-save', text: t('save') })), status);

    function fill(d) {
      doc = d;
      for (const k of ['name', 'business_id', 'parent_id', 'description', 'website', 'email', 'phone']) F[k].value = d[k] || '';
      F.frame.value = d.frame || 'association';
      F.seat_municipality.value = d.seat_municipality || '';
      munis.setValue(d.municipalities || []);
      contacts.setValue(d.contacts || []);
      titleEl.textContent = d.name;
      page.setTitle(d.name);
    }
    function state() {
      const v = (k) => F[k].value.trim() || null;
      return {
        name: F.name.value.trim(), frame: F.frame.value, parent_id: v('parent_id'), business_id: v('business_id'),
        description: F.description.value.trim(), website: v('website'), email: v('email'), phone: v('phone'),
        seat_municipality: F.seat_municipality.value, municipalities: munis.value(),
        contacts: contacts.value().map((c) => ({ name: c.name, role: c.role, email: c.email || null, phone: c.phone || null })),
      };
    }
    function lookup(f) {
      const m = /^contacts\.(\d+)\.(\w+)$/.exec(f || '');
      if (m) return contacts.input(Number(m[1]), m[2]);
      if (f === 'municipalities') return munis.node;
      if (f === 'contacts') return contacts.node;
      return F[f] || null;
    }
    async function save(version) {
      clearFieldErrors(form);
      conflictBox.replaceChildren();
      try {
        const before = doc.version;
        const r = await apiSendDoc('PUT', `editor/organizations/${enc(orgId)}`, state(), lang, version);
        fill(r.data);
        status.textContent = r.data.version === before ? t('unchanged') : t('saved');
      } catch (err) {
        if (page.refused(err)) { page.deny(null); return; }
        if (err instanceof ApiError && err.code === 'invalid_fields' && err.fields.length) showFieldErrors(page, form, err.fields, lookup, F.name);
        else if (err instanceof ApiError && err.code === 'version_conflict' && err.current) {
          const current = err.current;
          const box = h('div', { class: 'error-box', role: 'alert', tabindex: '-1', 'data-conflict': String(current.version) },
            h('p', { text: t('conflict') }),
            h('p', { class: 'act-actions' },
              h('button', { type: 'button', class: 'button', id: 'conflict-load', onclick: () => { conflictBox.replaceChildren(); fill(current); F.name.focus(); }, text: t('conflict.load') }),
              h('button', { type: 'button', class: 'button secondary', id: 'conflict-mine', onclick: () => save(current.version), text: t('conflict.mine') })));
          conflictBox.replaceChildren(box);
          box.focus();
        } else if (err instanceof ApiError && err.status === 400 && err.field && lookup(err.field)) {
          showFieldErrors(page, form, [{ field: err.field, code: err.code }], lookup);
        } else status.textContent = t('failed');
      }
    }
    form.addEventListener('submit', (e) => { e.preventDefault(); save(doc.version); });
    fill(doc);
    region.append(h('p', {}, h('a', { href: `/editor.html?lang=${lang}`, text: t('back') })), titleEl, form);
  },
});
