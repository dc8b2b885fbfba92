// admin-taxonomy.html: the terms of the three taxonomies (needs, kinds, target groups;
// GET /api/v1/admin/taxonomy, docs/selfservice.md): a term's labels, synonyms (comma-
// separated per language), ICD-10 ranges (needs), position and whether it is in use are
// edited in one form (PUT .../taxonomy/<id>); a new term (POST .../taxonomy). Field errors
// show next to their fields and in a summary.

import { gatedPage, h, table, loadFailed } from './admin.js';
import { ApiError, apiGet, apiSendDoc } from './api.js';
import { mergeStrings, fieldBox, groupBox, showFieldErrors, clearFieldErrors } from './ssform.js';

const TAXES = [['need', 'needs'], ['kind', 'kinds'], ['target_group', 'target_groups']];
const LANGS = ['fi', 'sv', 'en'];

const STR = {
  fi: {
    title: 'Luokitukset',
    intro: 'Tarpeet, toiminnan muodot ja kohderyhmät, joilla toiminnot luokitellaan ja joilla ammattilaiset hakevat. Muutos näkyy haussa sekunnin kuluessa.',
    'tax.need': 'Tarpeet', 'tax.kind': 'Toiminnan muodot', 'tax.target_group': 'Kohderyhmät',
    'col.id': 'Tunniste', 'col.label': 'Nimi', 'col.position': 'Järjestys', 'col.active': 'Käytössä', yes: 'kyllä', no: 'ei',
    edit: 'Muokkaa', editOf: ({ name }) => `Muokkaa: ${name}`, 'new': 'Uusi termi',
    'form.new': 'Uusi termi', 'form.edit': ({ id }) => `Muokkaa termiä ${id}`,
    'f.id': 'Tunniste', 'f.id.hint': 'Pienet kirjaimet, numerot ja väliviivat, esim. muisti-2. Ei voi muuttaa myöhemmin.',
    'f.taxonomy': 'Luokitus', 'f.parent': 'Yläkäsite', noParent: '(ei yläkäsitettä)',
    'f.labels': 'Nimet', 'f.label.fi': 'Nimi suomeksi', 'f.label.sv': 'Nimi ruotsiksi', 'f.label.en': 'Nimi englanniksi',
    'f.synonyms': 'Synonyymit (pilkulla erotettuina)', 'f.syn.fi': 'Suomeksi', 'f.syn.sv': 'Ruotsiksi', 'f.syn.en': 'Englanniksi',
    'f.icd10': 'ICD-10-koodit (pilkulla erotettuina, esim. G30, F00-F03)', 'f.position': 'Järjestys (0–1000)', 'f.active': 'Käytössä',
    save: 'Tallenna', cancel: 'Peruuta', saved: ({ id }) => `Termi ${id} tallennettiin.`, failed: 'Tallennus ei onnistunut. Yritä uudelleen.',
  },
  sv: {
    title: 'Klassificeringar',
    intro: 'Behov, verksamhetsformer och målgrupper som verksamheterna klassificeras och yrkespersonerna söker med. En ändring syns i sökningen inom en sekund.',
    'tax.need': 'Behov', 'tax.kind': 'Verksamhetsformer', 'tax.target_group': 'Målgrupper',
    'col.id': 'Identifierare', 'col.label': 'Namn', 'col.position': 'Ordning', 'col.active': 'I bruk', yes: 'ja', no: 'nej',
    edit: 'Redigera', editOf: ({ name }) => `Redigera: ${name}`, 'new': 'Ny term',
    'form.new': 'Ny term', 'form.edit': ({ id }) => `Redigera termen ${id}`,
    'f.id': 'Identifierare', 'f.id.hint': 'Små bokstäver, siffror och bindestreck, t.ex. minne-2. Kan inte ändras senare.',
    'f.taxonomy': 'Klassificering', 'f.parent': 'Överordnad term', noParent: '(ingen överordnad term)',
    'f.labels': 'Namn', 'f.label.fi': 'Namn på finska', 'f.label.sv': 'Namn på svenska', 'f.label.en': 'Namn på engelska',
    'f.synonyms': 'Synonymer (åtskilda med kommatecken)', 'f.syn.fi': 'På finska', 'f.syn.sv': 'På svenska', 'f.syn.en': 'På engelska',
    'f.icd10': 'ICD-10-koder (åtskilda med kommatecken, t.ex. G30, F00-F03)', 'f.position': 'Ordning (0–1000)', 'f.active': 'I bruk',
    save: 'Spara', cancel: 'Avbryt', saved: ({ id }) => `Termen ${id} sparades.`, failed: 'Det gick inte att spara. Försök igen.',
  },
  en: {
    title: 'Taxonomies',
    intro: 'The needs, kinds of activity and target groups that classify the activities and that professionals search by. A change reaches the search within a second.',
    'tax.need': 'Needs', 'tax.kind': 'Kinds of activity', 'tax.target_group': 'Target groups',
    'col.id': 'Identifier', 'col.label': 'Name', 'col.position': 'Position', 'col.active': 'In use', yes: 'yes', no: 'no',
    edit: 'Edit', editOf: ({ name }) => `Edit: ${name}`, 'new': 'New term',
    'form.new': 'New term', 'form.edit': ({ id }) => `Edit the term ${id}`,
    'f.id': 'Identifier', 'f.id.hint': 'Lower-case letters, digits and hyphens, e.g. memory-2. It cannot be changed later.',
    'f.taxonomy': 'Taxonomy', 'f.parent': 'Broader term', noParent: '(no broader term)',
    'f.labels': 'Names', 'f.label.fi': 'Name in Finnish', 'f.label.sv': 'Name in Swedish', 'f.label.en': 'Name in English',
    'f.synonyms': 'Synonyms (separated by commas)', 'f.syn.fi': 'In Finnish', 'f.syn.sv': 'In Swedish', 'f.syn.en': 'In English',
    'f.icd10': 'ICD-10 codes (separated by commas, e.g. G30, F00-F03)', 'f.position': 'Position (0–1000)', 'f.active': 'In use',
    save: 'Save', cancel: 'Cancel', saved: ({ id }) => `The term ${id} was saved.`, failed: 'Saving did not succeed. Try again.',
  },
};

const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);

gatedPage({
  key: 'taxonomy',
  strings: mergeStrings(STR),
  async render(page, region) {
    const { t, lang } = page;
    let data = null;
    let editing = null; // the term being edited, or null for a new one
    const status = h('p', { class: 'status-line', role: 'status', id: 'taxonomy-status' });
    const lists = h('div', { id: 'taxonomy-lists' });

    const F = {
      id: h('input', { type: 'text', id: 'term-id', maxlength: '40', autocomplete: 'off', spellcheck: 'false' }),
      taxonomy: h('select', { id: 'term-taxonomy' }, TAXES.map(([k]) => h('option', { value: k, text: t('tax.' + k) }))),
      parent: h('select', { id: 'term-parent' }),
      icd10: h('input', { type: 'text', id: 'term-icd10', maxlength: '400', autocomplete: 'off', spellcheck: 'false' }),
      position: h('input', { type: 'number', id: 'term-position', min: '0', max: '1000', inputmode: 'numeric' }),
      active: h('input', { type: 'checkbox', id: 'term-active' }),
    };
    for (const l of LANGS) {
      F['label.' + l] = h('input', { type: 'text', id: `term-label-${l}`, maxlength: '200', autocomplete: 'off', lang: l });
      F['synonyms.' + l] = h('input', { type: 'text', id: `term-synonyms-${l}`, maxlength: '2000', autocomplete: 'off', lang: l });
    }
    const icdBox = fieldBox(t('f.icd10'), F.icd10);
    const formTitle = h('h2', { id: 'term-form-h', tabindex: '-1' });
    const form = h('form', { class: 'form panel', id: 'term-form', novalidate: true, 'aria-labelledby': 'term-form-h' },
      formTitle, h('div', { class: 'error-summary-slot' }),
      fieldBox(t('f.id'), F.id, t('f.id.hint')), fieldBox(t('f.taxonomy'), F.taxonomy), fieldBox(t('f.parent'), F.parent),
      groupBox('term-labels', t('f.labels'), LANGS.map((l) => fieldBox(t('f.label.' + l), F['label.' + l]))),
      groupBox('term-synonyms', t('f.synonyms'), LANGS.map((l) => fieldBox(t('f.syn.' + l), F['synonyms.' + l]))),
      icdBox, fieldBox(t('f.position'), F.position),
      h('label', { class: 'check', for: F.active.id }, F.active, t('f.active')),
      h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button', id: 'term-save', text: t('save') }),
        h('button', { type: 'button', class: 'button secondary', id: 'term-new', onclick: () => open(null), text: t('new') })));

    const termsOf = (tax) => (data ? data[TAXES.find(([k]) => k === tax)[1]] || [] : []);
    function parents() {
      const tax = F.taxonomy.value;
      const keep = F.parent.value;
      F.parent.replaceChildren(h('option', { value: '', text: t('noParent') }),
        ...termsOf(tax).filter((x) => !editing || x.id !== editing.id).map((x) => h('option', { value: x.id, text: `${x.label[lang] || x.label.fi} (${x.id})` })));
      F.parent.value = keep;
      icdBox.hidden = tax !== 'need';
    }
    F.taxonomy.addEventListener('change', parents);
    function open(term, focus = true) {
      editing = term;
      clearFieldErrors(form);
      formTitle.textContent = term ? t('form.edit', { id: term.id }) : t('form.new');
      F.id.value = term ? term.id : '';
      F.id.readOnly = !!term;
      F.taxonomy.value = term ? term.taxonomy : F.taxonomy.value || 'need';
      F.taxonomy.disabled = !!term;
      parents();
      F.parent.value = term && term.parent_id ? term.parent_id : '';
      for (const l of LANGS) {
        F['label.' + l].value = term ? (term.label || {})[l] || '' : '';
        F['synonyms.' + l].value = term ? ((term.synonyms || {})[l] || []).join(', ') : '';
      }
      F.icd10.value = term ? (term.icd10 || []).join(', ') : '';
      F.position.value = term ? String(term.position ?? 0) : '0';
      F.active.checked = term ? term.active !== false : true;
      form.dataset.editing = term ? term.id : '';
      if (focus) formTitle.focus();
    }
    function lookup(f) {
      if (f === 'label' || f === 'synonyms') return document.getElementById(`term-${f}s`) || document.getElementById('term-synonyms');
      if (f === 'parent_id') return F.parent;
      const m = /^(label|synonyms)\.(fi|sv|en)/.exec(f || '');
      if (m) return F[`${m[1]}.${m[2]}`];
      return F[f] || null;
    }
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearFieldErrors(form);
      const body = {
        id: F.id.value.trim(), taxonomy: F.taxonomy.value, parent_id: F.parent.value || null,
        label: Object.fromEntries(LANGS.map((l) => [l, F['label.' + l].value.trim()])),
        synonyms: Object.fromEntries(LANGS.map((l) => [l, list(F['synonyms.' + l].value)])),
        icd10: F.taxonomy.value === 'need' ? list(F.icd10.value) : [],
        position: F.position.value.trim() === '' ? 0 : Number(F.position.value), active: F.active.checked,
      };
      try {
        const r = editing
          ? await apiSendDoc('PUT', `admin/taxonomy/${encodeURIComponent(editing.id)}`, body, lang, editing.version)
          : await apiSendDoc('POST', 'admin/taxonomy', body, lang);
        status.textContent = t('saved', { id: body.id });
        await load();
        const saved = r.data && r.data.id ? r.data : termsOf(body.taxonomy).find((x) => x.id === body.id) || null;
        open(saved, false);
      } catch (err) {
        if (page.refused(err)) { page.deny(null); return; }
        if (err instanceof ApiError && err.code === 'invalid_fields' && err.fields.length) showFieldErrors(page, form, err.fields, lookup, F.id);
        else if (err instanceof ApiError && (err.status === 400 || err.status === 409) && err.code !== 'version_conflict') {
          showFieldErrors(page, form, [{ field: err.field || 'id', code: err.code }], lookup, F.id);
        } else if (err instanceof ApiError && err.code === 'version_conflict') {
          await load();
          status.textContent = t('failed');
        } else status.textContent = t('failed');
      }
    });

    async function load() {
      try {
        data = await apiGet('admin/taxonomy', null, lang);
      } catch (err) {
        if (page.refused(err)) { page.deny(null); return; }
        lists.replaceChildren(loadFailed(page, load));
        return;
      }
      lists.replaceChildren(...TAXES.map(([k, key]) => h('section', { 'aria-labelledby': `tax-${k}-h`, 'data-taxonomy': k },
        h('h2', { id: `tax-${k}-h`, text: t('tax.' + k) }),
        table(t('tax.' + k), [t('col.id'), t('col.label'), t('col.position'), t('col.active'), t('col.actions')],
          (data[key] || []).map((term) => ({
            attrs: { 'data-term': term.id },
            cells: [term.id, term.label[lang] || term.label.fi, String(term.position ?? ''), term.active === false ? t('no') : t('yes'),
              h('button', { type: 'button', 'data-edit-term': term.id, 'aria-label': t('editOf', { name: term.label[lang] || term.id }), onclick: () => open(term), text: t('edit') })],
          }))))));
      lists.dataset.loaded = String(TAXES.reduce((n, [, key]) => n + (data[key] || []).length, 0));
    }
    await load();
    if (page.denied) return;
    open(null, false);
    region.append(h('p', { text: t('intro') }), status, form, lists);
  },
});
