// activity-edit.html?id=<activity> (edit) or ?org=<organisation> (a new one): the whole
// activity document (docs/selfservice.md "The activity document") as a form, saved with
// PUT + If-Match (create: POST .../organizations/<org>/activities); every field error next
// to its field and in a summary; a 409 version_conflict offers the current version and
// lists what differs; a live preview of the card and the detail page (card.js, what a
// professional sees); the status buttons and the history.

import { gatedPage, h, loadFailed } from './admin.js';
import { ApiError, apiGet, apiGetDoc, apiSendDoc } from './api.js';
import { mergeStrings, loadRef, fieldBox, groupBox, showFieldErrors, clearFieldErrors, municipalityPicker, termChecks } from './ssform.js';
import { ACTIVITY_STR, fieldLabel } from './activity-fields.js';
import { renderCard, renderDetail, countyName, fmtDate } from './card.js';
import { rowList, contactRows } from './rows.js';

const LANG_CODES = ['fi', 'sv', 'en', 'se', 'ru', 'et', 'uk', 'ar', 'so', 'fa'];
const TEXTS = [['name', 200, false], ['summary', 500, true], ['description', 5000, true], ['for_whom', 2000, true],
  ['how_to_join', 2000, true], ['schedule', 1000, true], ['cost', 500, true], ['accessibility', 2000, true]];
const WRITABLE = ['name', 'summary', 'description', 'for_whom', 'how_to_join', 'accessibility', 'cost', 'schedule', 'url',
  'needs', 'kinds', 'target_groups', 'area', 'languages', 'takes_new', 'accepts_contact_requests', 'contact_request_email',
  'response_days', 'contacts', 'locations'];

const STR = {
  fi: {
    title: 'Toiminnon tiedot', newTitle: 'Uusi toiminto',
    'h.basic': 'Perustiedot', 'h.class': 'Luokittelu', 'h.area': 'Alue', 'h.join': 'Osallistuminen', 'h.preview': 'Esikatselu',
    'h.history': 'Muutoshistoria', 'h.status': 'Tila',
    'hint.summary': 'Näkyy hakutuloksissa. Tarvitaan julkaisuun.', 'hint.how_to_join': 'Tarvitaan julkaisuun.',
    'hint.url': 'Esimerkiksi https://yhdistys.fi/toiminta',
    'needs.hint': 'Enintään 10. Ainakin yksi tarvitaan julkaisuun.', 'kinds.hint': 'Enintään 10. Ainakin yksi tarvitaan julkaisuun.', 'tg.hint': 'Enintään 6.',
    'area.type': 'Missä toimintaa on', 'area.municipalities': 'Valituissa kunnissa', 'area.county': 'Koko hyvinvointialueella',
    'area.nationwide': 'Koko Suomessa', 'area.online': 'Verkossa', 'area.mun': 'Kunnat', 'area.countySel': 'Hyvinvointialue',
    'lang.other': 'Muut kielet (kielikoodit pilkulla erotettuina, esim. de, fr)', 'lang.hint': 'Ainakin yksi tarvitaan julkaisuun.',
    'l.name': 'Paikan nimi', 'l.street': 'Katuosoite', 'l.postal': 'Postinumero', 'l.mun': 'Kunta', 'l.access': 'Paikan saavutettavuus',
    'l.row': ({ n }) => `Kokoontumispaikka ${n}`, 'l.add': 'Lisää kokoontumispaikka', 'l.remove': ({ n }) => `Poista kokoontumispaikka ${n}`,
    save: 'Tallenna', saveDraft: 'Tallenna luonnoksena', savePublish: 'Tallenna ja julkaise', saving: 'Tallennetaan…',
    saved: 'Tallennettu.', created: 'Toiminto luotiin.', unchanged: 'Ei muutoksia tallennettavaksi.',
    failed: 'Tallennus ei onnistunut. Yritä uudelleen.',
    'conflict.h': 'Joku muu tallensi tämän toiminnon sillä välin',
    'conflict.text': 'Tietojasi ei tallennettu. Voit ladata nykyisen version (omat muutoksesi katoavat) tai tallentaa omasi sen päälle.',
    'conflict.diff': 'Toinen tallennus muutti näitä kenttiä:', 'conflict.load': 'Lataa nykyinen versio', 'conflict.mine': 'Tallenna omani sen päälle',
    loadedCurrent: 'Nykyinen versio ladattiin.',
    'status.now': ({ st }) => `Tila: ${st}`, publish: 'Julkaise', pause: 'Keskeytä', archive: 'Arkistoi', toDraft: 'Palauta luonnokseksi',
    confirm: 'Tiedot ovat yhä oikein', confirmed: 'Tiedot vahvistettu.', statusDone: ({ st }) => `Tila on nyt ${st}.`,
    statusFirst: 'Tallenna muutokset ennen tilan vaihtamista.',
    assured: ({ date, who }) => (who ? `Vahvistettu ${date} (${who})` : `Vahvistettu ${date}`), due: ({ date }) => `Seuraava tarkistus ${date}`,
    'hist.none': 'Ei muutoksia vielä.', 'hist.caption': 'Muutokset, uusimmat ensin', 'hist.more': 'Näytä vanhempia',
    'col.at': 'Aika', 'col.who': 'Kuka', 'col.field': 'Tieto', 'col.change': 'Muutos', system: 'järjestelmä',
    'preview.lead': 'Näin ammattilainen näkee toiminnon: ensin hakutuloksissa, sitten tarkemmin.', 'preview.card': 'Hakutulos', 'preview.detail': 'Toiminnon sivu',
    back: '← Omat toiminnot', notFound: 'Toimintoa ei löytynyt.',
    yes: 'kyllä', no: 'ei',
  },
  sv: {
    title: 'Verksamhetens uppgifter', newTitle: 'Ny verksamhet',
    'h.basic': 'Grunduppgifter', 'h.class': 'Klassificering', 'h.area': 'Område', 'h.join': 'Deltagande', 'h.preview': 'Förhandsvisning',
    'h.history': 'Ändringshistorik', 'h.status': 'Status',
    'hint.summary': 'Syns i sökresultaten. Behövs för publicering.', 'hint.how_to_join': 'Behövs för publicering.',
    'hint.url': 'Till exempel https://forening.fi/verksamhet',
    'needs.hint': 'Högst 10. Minst ett behövs för publicering.', 'kinds.hint': 'Högst 10. Minst en behövs för publicering.', 'tg.hint': 'Högst 6.',
    'area.type': 'Var verksamheten finns', 'area.municipalities': 'I valda kommuner', 'area.county': 'I hela välfärdsområdet',
    'area.nationwide': 'I hela Finland', 'area.online': 'På nätet', 'area.mun': 'Kommuner', 'area.countySel': 'Välfärdsområde',
    'lang.other': 'Andra språk (språkkoder åtskilda med kommatecken, t.ex. de, fr)', 'lang.hint': 'Minst ett behövs för publicering.',
    'l.name': 'Platsens namn', 'l.street': 'Gatuadress', 'l.postal': 'Postnummer', 'l.mun': 'Kommun', 'l.access': 'Platsens tillgänglighet',
    'l.row': ({ n }) => `Mötesplats ${n}`, 'l.add': 'Lägg till en mötesplats', 'l.remove': ({ n }) => `Ta bort mötesplats ${n}`,
    save: 'Spara', saveDraft: 'Spara som utkast', savePublish: 'Spara och publicera', saving: 'Sparar…',
    saved: 'Sparat.', created: 'Verksamheten skapades.', unchanged: 'Inga ändringar att spara.',
    failed: 'Det gick inte att spara. Försök igen.',
    'conflict.h': 'Någon annan sparade den här verksamheten under tiden',
    'conflict.text': 'Dina uppgifter sparades inte. Du kan ladda den aktuella versionen (dina ändringar försvinner) eller spara dina över den.',
    'conflict.diff': 'Den andra sparningen ändrade dessa fält:', 'conflict.load': 'Ladda den aktuella versionen', 'conflict.mine': 'Spara mina över den',
    loadedCurrent: 'Den aktuella versionen laddades.',
    'status.now': ({ st }) => `Status: ${st}`, publish: 'Publicera', pause: 'Pausa', archive: 'Arkivera', toDraft: 'Gör till utkast',
    confirm: 'Uppgifterna stämmer fortfarande', confirmed: 'Uppgifterna bekräftades.', statusDone: ({ st }) => `Status är nu ${st}.`,
    statusFirst: 'Spara ändringarna innan du byter status.',
    assured: ({ date, who }) => (who ? `Bekräftad ${date} (${who})` : `Bekräftad ${date}`), due: ({ date }) => `Nästa kontroll ${date}`,
    'hist.none': 'Inga ändringar ännu.', 'hist.caption': 'Ändringar, de senaste först', 'hist.more': 'Visa äldre',
    'col.at': 'Tid', 'col.who': 'Vem', 'col.field': 'Uppgift', 'col.change': 'Ändring', system: 'systemet',
    'preview.lead': 'Så här ser en yrkesperson verksamheten: först i sökresultaten, sedan närmare.', 'preview.card': 'Sökresultat', 'preview.detail': 'Verksamhetens sida',
    back: '← Mina verksamheter', notFound: 'Verksamheten hittades inte.',
    yes: 'ja', no: 'nej',
  },
  en: {
    title: 'Activity details', newTitle: 'New activity',
    'h.basic': 'Basic details', 'h.class': 'Classification', 'h.area': 'Area', 'h.join': 'Taking part', 'h.preview': 'Preview',
    'h.history': 'History of changes', 'h.status': 'Status',
    'hint.summary': 'Shown in the search results. Needed to publish.', 'hint.how_to_join': 'Needed to publish.',
    'hint.url': 'For example https://association.fi/activity',
    'needs.hint': 'At most 10. At least one is needed to publish.', 'kinds.hint': 'At most 10. At least one is needed to publish.', 'tg.hint': 'At most 6.',
    'area.type': 'Where the activity is', 'area.municipalities': 'In the chosen municipalities', 'area.county': 'In a whole wellbeing services county',
    'area.nationwide': 'All over Finland', 'area.online': 'Online', 'area.mun': 'Municipalities', 'area.countySel': 'Wellbeing services county',
    'lang.other': 'Other languages (language codes separated by commas, e.g. de, fr)', 'lang.hint': 'At least one is needed to publish.',
    'l.name': 'Name of the place', 'l.street': 'Street address', 'l.postal': 'Postal code', 'l.mun': 'Municipality', 'l.access': 'Accessibility of the place',
    'l.row': ({ n }) => `Meeting place ${n}`, 'l.add': 'Add a meeting place', 'l.remove': ({ n }) => `Remove meeting place ${n}`,
    save: 'Save', saveDraft: 'Save as a draft', savePublish: 'Save and publish', saving: 'Saving…',
    saved: 'Saved.', created: 'The activity was created.', unchanged: 'No changes to save.',
    failed: 'Saving did not succeed. Try again.',
    'conflict.h': 'Someone else saved this activity meanwhile',
    'conflict.text': 'Your changes were not saved. You can load the current version (your changes are lost) or save yours over it.',
    'conflict.diff': 'The other save changed these fields:', 'conflict.load': 'Load the current version', 'conflict.mine': 'Save mine over it',
    loadedCurrent: 'The current version was loaded.',
    'status.now': ({ st }) => `Status: ${st}`, publish: 'Publish', pause: 'Pause', archive: 'Archive', toDraft: 'Back to draft',
    confirm: 'Still correct', confirmed: 'The details were confirmed.', statusDone: ({ st }) => `The status is now ${st}.`,
    statusFirst: 'Save your changes before changing the status.',
    assured: ({ date, who }) => (who ? `Confirmed ${date} (${who})` : `Confirmed ${date}`), due: ({ date }) => `Next check ${date}`,
    'hist.none': 'No changes yet.', 'hist.caption': 'Changes, newest first', 'hist.more': 'Show older',
    'col.at': 'Time', 'col.who': 'Who', 'col.field': 'Field', 'col.change': 'Change', system: 'the system',
    'preview.lead': 'What a professional sees: first in the search results, then in more detail.', 'preview.card': 'Search result', 'preview.detail': 'The activity’s page',
    back: '← My activities', notFound: 'The activity was not found.',
    yes: 'yes', no: 'no',
  },
};

const enc = encodeURIComponent;
const params = new URLSearchParams(location.search);
const activityId = (params.get('id') || '').trim();
const orgId = (params.get('org') || '').trim();

// JSON-equal (the documents' values are plain data).
const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

gatedPage({
  key: 'activity-edit',
  role: ['editor', 'admin'],
  strings: mergeStrings(ACTIVITY_STR, STR),
  async render(page, region) {
    const { t, lang } = page;
    const isNew = !activityId;
    let ref;
    let doc = null; // the document as last loaded or saved
    let orgName = ''; // a new activity's organisation
    try {
      if (isNew) ref = await loadRef(lang);
      else {
        const [r, d] = await Promise.all([loadRef(lang), apiGetDoc(`editor/activities/${enc(activityId)}`, lang)]);
        ref = r;
        doc = d.data;
      }
    } catch (err) {
      if (page.refused(err)) { page.deny(null); return; }
      if (err instanceof ApiError && err.kind === 'not_found') { region.append(h('p', { class: 'notice', text: t('notFound') })); return; }
      region.append(loadFailed(page, () => location.reload()));
      return;
    }
    // The page's h1 stays as it was painted (a longer one could wrap and move the page);
    // the activity's name is the region's first heading.
    const titleEl = h('h2', { id: 'act-title', class: 'act-title', text: isNew ? t('newTitle') : doc.name });
    page.setTitle(isNew ? t('newTitle') : doc.name);

    // ---------------------------------------------------------------- the form
    const F = {};
    const textInputs = TEXTS.map(([key, max, area]) => {
      const el = area ? h('textarea', { id: `act-${key}`, name: key, maxlength: String(max), rows: key === 'description' ? '6' : '3' })
        : h('input', { type: 'text', id: `act-${key}`, name: key, maxlength: String(max), autocomplete: 'off' });
      F[key] = el;
      return fieldBox(t('fld.' + key), el, STR.fi['hint.' + key] ? t('hint.' + key) : null);
    });
    F.url = h('input', { type: 'url', id: 'act-url', name: 'url', maxlength: '500', spellcheck: 'false' });
    const needs = termChecks(page, 'act-needs', t('fld.needs'), ref.needs, t('needs.hint'));
    const kinds = termChecks(page, 'act-kinds', t('fld.kinds'), ref.kinds, t('kinds.hint'));
    const tgs = termChecks(page, 'act-target_groups', t('fld.target_groups'), ref.targetGroups, t('tg.hint'));
    const areaRadios = ['municipalities', 'county', 'nationwide', 'online'].map((v) => h('input', { type: 'radio', name: 'area-type', id: `act-area-${v}`, value: v }));
    const areaType = groupBox('act-area', t('area.type'),
      areaRadios.map((r) => h('label', { class: 'check', for: r.id }, r, t('area.' + r.value))));
    const munis = municipalityPicker(page, 'act-area-mun', t('area.mun'));
    munis.set(ref);
    const county = h('select', { id: 'act-area-county', name: 'county' }, h('option', { value: '', text: t('choose') }),
      ref.countyList.map((c) => h('option', { value: c.key, text: countyName(c, lang) })));
    const countyBox = fieldBox(t('area.countySel'), county);
    const langBoxes = LANG_CODES.map((c) => h('input', { type: 'checkbox', id: `act-lang-${c}`, value: c }));
    let langName;
    try { langName = new Intl.DisplayNames([page.locale], { type: 'language' }); } catch (e) { langName = null; }
    F.langOther = h('input', { type: 'text', id: 'act-lang-other', maxlength: '60', autocomplete: 'off', spellcheck: 'false' });
    const languages = groupBox('act-languages', t('fld.languages'), h('p', { class: 'hint', text: t('lang.hint') }),
      h('div', { class: 'check-grid' }, langBoxes.map((b) => h('label', { class: 'check', for: b.id }, b, langName ? langName.of(b.value) : b.value))),
      fieldBox(t('lang.other'), F.langOther));
    F.takes_new = h('input', { type: 'checkbox', id: 'act-takes_new' });
    F.accepts = h('input', { type: 'checkbox', id: 'act-accepts_contact_requests' });
    F.cre = h('input', { type: 'email', id: 'act-contact_request_email', maxlength: '254', spellcheck: 'false' });
    F.days = h('input', { type: 'number', id: 'act-response_days', min: '1', max: '30', inputmode: 'numeric' });
    const creBox = h('div', {}, fieldBox(t('fld.contact_request_email'), F.cre), fieldBox(t('fld.response_days'), F.days));
    const contacts = contactRows(page, 'act-contacts', t('fld.contacts'));
    const munOptions = () => [{ value: '', text: '–' }, ...[...ref.municipalityList].sort((a, b) => a.name.localeCompare(b.name, 'fi')).map((m) => ({ value: m.code, text: m.name }))];
    const locations = rowList('act-locations', t('fld.locations'), [
      { key: 'name', label: t('l.name'), maxlength: 200 }, { key: 'street_address', label: t('l.street'), maxlength: 200 },
      { key: 'postal_code', label: t('l.postal'), maxlength: 5 }, { key: 'municipality', label: t('l.mun'), type: 'select', options: munOptions },
      { key: 'accessibility', label: t('l.access'), type: 'textarea', maxlength: 2000 },
    ], 10, { row: (n) => t('l.row', { n }), add: t('l.add'), remove: (n) => t('l.remove', { n }) });

    const summarySlot = h('div', { class: 'error-summary-slot' });
    const conflictBox = h('div', { id: 'act-conflict' });
    const status = h('p', { class: 'status-line', role: 'status', id: 'act-status' });
    const saveButtons = isNew
      ? [h('button', { type: 'submit', class: 'button', id: 'act-save', value: 'draft', text: t('saveDraft') }),
        h('button', { type: 'submit', class: 'button secondary', id: 'act-save-publish', value: 'published', text: t('savePublish') })]
      : [h('button', { type: 'submit', class: 'button', id: 'act-save', text: t('save') })];
    const form = h('form', { class: 'form', id: 'activity-form', novalidate: true },
      summarySlot, conflictBox,
      groupBox('act-basic', t('h.basic'), textInputs.slice(0, 5), fieldBox(t('fld.url'), F.url, t('hint.url')), textInputs.slice(5)),
      groupBox('act-class', t('h.class'), needs.node, kinds.node, tgs.node),
      groupBox('act-where', t('h.area'), areaType, munis.node, countyBox, languages),
      groupBox('act-join', t('h.join'),
        h('label', { class: 'check', for: F.takes_new.id }, F.takes_new, t('fld.takes_new')),
        h('label', { class: 'check', for: F.accepts.id }, F.accepts, t('fld.accepts_contact_requests')), creBox,
        contacts.node, locations.node),
      h('p', { class: 'form-actions' }, saveButtons), status);

    const areaValue = () => {
      const r = areaRadios.find((x) => x.checked);
      const type = r ? r.value : '';
      if (type === 'municipalities') return { type, municipalities: munis.value() };
      if (type === 'county') return { type, county: county.value };
      if (type) return { type };
      return null;
    };
    function showAreaParts() {
      const a = areaValue();
      munis.node.hidden = !(a && a.type === 'municipalities');
      countyBox.hidden = !(a && a.type === 'county');
      creBox.hidden = !F.accepts.checked;
    }
    // The form's state as the document's writable fields.
    function state() {
      const other = F.langOther.value.split(/[\s,;]+/).map((x) => x.trim().toLowerCase()).filter(Boolean);
      const langs = [...langBoxes.filter((b) => b.checked).map((b) => b.value), ...other.filter((c) => !LANG_CODES.includes(c))];
      const d = {};
      for (const [key] of TEXTS) d[key] = F[key].value.trim();
      d.url = F.url.value.trim() || null;
      d.needs = needs.value();
      d.kinds = kinds.value();
      d.target_groups = tgs.value();
      d.area = areaValue();
      d.languages = [...new Set(langs)];
      d.takes_new = F.takes_new.checked;
      d.accepts_contact_requests = F.accepts.checked;
      d.contact_request_email = F.cre.value.trim() || null;
      d.response_days = F.days.value.trim() === '' ? null : Number(F.days.value);
      d.contacts = contacts.value().map((c) => ({ name: c.name, role: c.role, email: c.email || null, phone: c.phone || null }));
      d.locations = locations.value().map((l) => ({ ...l, municipality: l.municipality || null }));
      return d;
    }
    function fill(d) {
      for (const [key] of TEXTS) F[key].value = d[key] || '';
      F.url.value = d.url || '';
      needs.setValue(d.needs);
      kinds.setValue(d.kinds);
      tgs.setValue(d.target_groups);
      const a = d.area || null;
      for (const r of areaRadios) r.checked = !!a && r.value === a.type;
      munis.setValue(a && a.type === 'municipalities' ? a.municipalities : []);
      county.value = a && a.type === 'county' ? a.county || '' : '';
      const ls = d.languages || [];
      for (const b of langBoxes) b.checked = ls.includes(b.value);
      F.langOther.value = ls.filter((c) => !LANG_CODES.includes(c)).join(', ');
      F.takes_new.checked = d.takes_new === true;
      F.accepts.checked = d.accepts_contact_requests === true;
      F.cre.value = d.contact_request_email || '';
      F.days.value = d.response_days ? String(d.response_days) : '';
      contacts.setValue(d.contacts || []);
      locations.setValue(d.locations || []);
      showAreaParts();
    }

    // Where an API field's error shows.
    function lookup(f) {
      const m = /^(contacts|locations)\.(\d+)\.(\w+)$/.exec(f || '');
      if (m) return (m[1] === 'contacts' ? contacts : locations).input(Number(m[2]), m[3]);
      const map = {
        url: F.url, needs: needs.node, kinds: kinds.node, target_groups: tgs.node, area: areaType, 'area.type': areaType,
        'area.municipalities': munis.node, 'area.county': county, languages, takes_new: F.takes_new,
        accepts_contact_requests: F.accepts, contact_request_email: F.cre, response_days: F.days,
        contacts: contacts.node, locations: locations.node,
      };
      if (f in map) return map[f];
      return F[f] || null;
    }

    // ---------------------------------------------------------------- the preview
    const cardSlot = h('ul', { class: 'cards', id: 'preview-card' });
    const detailSlot = h('div', { id: 'preview-detail' });
    const preview = h('section', { class: 'preview', 'aria-labelledby': 'preview-h', id: 'act-preview' },
      h('h2', { id: 'preview-h', text: t('h.preview') }), h('p', { class: 'hint', text: t('preview.lead') }),
      h('h3', { text: t('preview.card') }), cardSlot, h('h3', { text: t('preview.detail') }), detailSlot);
    let previewTimer = 0;
    function drawPreview() {
      const s = state();
      const base = doc || {};
      const org = base.organization || { id: orgId, name: orgName };
      const full = { ...base, ...s, id: base.id || 'preview', organization: org, unverified: base.freshness === 'unverified' };
      const ctx = { lang, ref, href: null, idPrefix: 'preview-card-' };
      cardSlot.replaceChildren(renderCard(full, ctx));
      detailSlot.replaceChildren(renderDetail(full, { ...ctx, headingTag: 'h3' }));
    }
    const schedulePreview = () => { clearTimeout(previewTimer); previewTimer = setTimeout(drawPreview, 250); };
    form.addEventListener('input', schedulePreview);
    form.addEventListener('change', () => { showAreaParts(); schedulePreview(); });
    munis.onChange = schedulePreview;
    contacts.onChange = schedulePreview;
    locations.onChange = schedulePreview;

    if (isNew) {
      try {
        const { items } = await apiGet('editor/organizations', null, lang);
        orgName = ((items || []).find((o) => o.id === orgId) || {}).name || '';
      } catch (e) { orgName = ''; }
    }

    // ---------------------------------------------------------------- status and history
    const statusBox = h('section', { class: 'panel', 'aria-labelledby': 'status-h', id: 'act-status-panel' });
    const historyBox = h('section', { class: 'panel', 'aria-labelledby': 'history-h', id: 'act-history' });
    let dirtyBase = null;
    const dirty = () => dirtyBase !== null && !same(state(), dirtyBase);

    async function changeStatus(st) {
      if (dirty()) { status.textContent = t('statusFirst'); return; }
      clearFieldErrors(form);
      try {
        const r = await apiSendDoc('POST', `editor/activities/${enc(doc.id)}/${st === 'confirm' ? 'confirm' : 'status'}`,
          st === 'confirm' ? {} : { status: st }, lang, doc.version);
        loaded(r.data);
        status.textContent = st === 'confirm' ? t('confirmed') : t('statusDone', { st: t('st.' + st).toLocaleLowerCase(page.locale) });
        loadHistory(true);
      } catch (err) { handleError(err); }
    }
    function drawStatus() {
      if (!doc) return;
      const b = (key, st) => h('button', { type: 'button', class: 'button secondary', 'data-status-to': st, onclick: () => changeStatus(st), text: t(key) });
      statusBox.replaceChildren(h('h2', { id: 'status-h', text: t('h.status') }),
        h('p', { 'data-status': doc.status, text: t('status.now', { st: t('st.' + doc.status) }) }),
        doc.status === 'published' && doc.freshness !== 'current' ? h('p', {}, h('span', { class: 'badge warn', text: t('fr.' + doc.freshness) })) : null,
        doc.assured_date ? h('p', { text: t('assured', { date: fmtDate(doc.assured_date, lang), who: doc.assurer || '' }) }) : null,
        doc.due_date ? h('p', { text: t('due', { date: fmtDate(doc.due_date, lang) }) }) : null,
        h('p', { class: 'act-actions' },
          doc.status === 'published' ? b('confirm', 'confirm') : null,
          doc.status !== 'published' && doc.status !== 'archived' ? b('publish', 'published') : null,
          doc.status === 'published' ? b('pause', 'paused') : null,
          doc.status === 'archived' ? b('toDraft', 'draft') : null,
          doc.status !== 'archived' ? b('archive', 'archived') : null));
    }
    const show = (v, field) => {
      if (v === null || v === undefined || v === '') return '–';
      if (typeof v === 'boolean') return v ? t('yes') : t('no');
      if (field === 'status' && typeof v === 'string') return t('st.' + v);
      if (Array.isArray(v)) {
        const named = v.map((x) => {
          if (typeof x !== 'string') return x && x.name ? x.name : JSON.stringify(x);
          const term = ref.needById.get(x) || ref.kindById.get(x) || ref.targetById.get(x);
          return term ? (term.label[lang] || term.label.fi) : (ref.municipalities.get(x) || {}).name || x;
        });
        return named.join(', ') || '–';
      }
      if (typeof v === 'object') {
        if (v.type) return v.type === 'municipalities' ? (v.municipalities || []).map((c) => (ref.municipalities.get(c) || {}).name || c).join(', ')
          : v.type === 'county' ? countyName(ref.counties.get(v.county), lang) || v.county : t('area.' + v.type);
        return JSON.stringify(v);
      }
      return String(v);
    };
    let historyItems = [];
    let nextBefore = null;
    async function loadHistory(reset) {
      if (!doc) return;
      try {
        const p = { limit: 50 };
        if (!reset && nextBefore) p.before = nextBefore;
        const r = await apiGet(`editor/activities/${enc(doc.id)}/history`, p, lang);
        historyItems = reset ? r.items : historyItems.concat(r.items);
        nextBefore = r.next_before || null;
      } catch (err) {
        if (page.refused(err)) { page.deny(null); return; }
        historyBox.replaceChildren(h('h2', { id: 'history-h', text: t('h.history') }), loadFailed(page, () => loadHistory(true)));
        return;
      }
      const rows = historyItems.map((it) => ({
        attrs: { 'data-history': String(it.id) },
        cells: [page.fmtTime(it.at), it.actor ? `${it.actor.name || ''} ${it.actor.email ? `<${it.actor.email}>` : ''}`.trim() : t('system'),
          fieldLabel(t, it.field), `${show(it.old, it.field)} → ${show(it.new, it.field)}`],
      }));
      historyBox.replaceChildren(h('h2', { id: 'history-h', text: t('h.history') }),
        rows.length ? tableOf(t('hist.caption'), [t('col.at'), t('col.who'), t('col.field'), t('col.change')], rows) : h('p', { text: t('hist.none') }),
        nextBefore ? h('p', {}, h('button', { type: 'button', class: 'button secondary', id: 'history-more', onclick: () => loadHistory(false), text: t('hist.more') })) : null);
      historyBox.dataset.loaded = String(historyItems.length);
    }
    function tableOf(caption, cols, rows) {
      return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': caption },
        h('table', { class: 'data-table' }, h('caption', { text: caption }),
          h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', text: c })))),
          h('tbody', {}, rows.map((r) => h('tr', r.attrs, r.cells.map((c) => h('td', { text: c })))))));
    }

    function loaded(d) {
      doc = d;
      fill(d);
      dirtyBase = state();
      drawStatus();
      drawPreview();
      titleEl.textContent = d.name;
      page.setTitle(d.name);
    }

    // ---------------------------------------------------------------- saving
    function handleError(err) {
      if (page.refused(err)) { page.deny(null); return; }
      if (err instanceof ApiError && err.code === 'invalid_fields' && err.fields.length) {
        showFieldErrors(page, form, err.fields, lookup, F.name);
      } else if (err instanceof ApiError && err.code === 'version_conflict' && err.current) {
        showConflict(err.current);
      } else if (err instanceof ApiError && err.status === 400 && err.field && lookup(err.field)) {
        showFieldErrors(page, form, [{ field: err.field, code: err.code }], lookup);
      } else {
        status.textContent = t('failed');
      }
    }
    function showConflict(current) {
      // What the other save changed: the current document against the one this form loaded.
      const base = doc || {};
      const changed = WRITABLE.filter((k) => !same(current[k], base[k] === undefined ? null : base[k]));
      if (doc && current.status !== doc.status) changed.push('status');
      const load = h('button', { type: 'button', class: 'button', id: 'conflict-load', text: t('conflict.load') });
      const mine = h('button', { type: 'button', class: 'button secondary', id: 'conflict-mine', text: t('conflict.mine') });
      const box = h('div', { class: 'error-box', role: 'alert', tabindex: '-1', 'data-conflict': String(current.version) },
        h('h2', { text: t('conflict.h') }), h('p', { text: t('conflict.text') }),
        changed.length ? [h('p', { text: t('conflict.diff') }), h('ul', { class: 'diff-list' }, changed.map((k) => h('li', { 'data-diff': k, text: `${t('fld.' + k)}: ${show(current[k], k)}` })))] : null,
        h('p', { class: 'act-actions' }, load, mine));
      load.addEventListener('click', () => { conflictBox.replaceChildren(); loaded(current); status.textContent = t('loadedCurrent'); F.name.focus(); loadHistory(true); });
      mine.addEventListener('click', () => { conflictBox.replaceChildren(); save(current.version, null); });
      conflictBox.replaceChildren(box);
      box.focus();
    }
    let saving = false;
    async function save(version, createStatus) {
      if (saving) return;
      saving = true;
      clearFieldErrors(form);
      conflictBox.replaceChildren();
      status.textContent = t('saving');
      const body = state();
      try {
        if (isNew && !doc) {
          const r = await apiSendDoc('POST', `editor/organizations/${enc(orgId)}/activities`, { ...body, status: createStatus || 'draft' }, lang);
          history.replaceState(null, '', `/activity-edit.html?id=${enc(r.data.id)}&lang=${lang}`);
          loaded(r.data);
          status.textContent = t('created');
          page.region.append(statusBox, historyBox);
          loadHistory(true);
        } else {
          const before = doc.version;
          const r = await apiSendDoc('PUT', `editor/activities/${enc(doc.id)}`, body, lang, version);
          loaded(r.data);
          status.textContent = r.data.version === before ? t('unchanged') : t('saved');
          loadHistory(true);
        }
      } catch (err) {
        status.textContent = '';
        handleError(err);
      } finally {
        saving = false;
      }
    }
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const which = e.submitter && e.submitter.value;
      save(doc ? doc.version : undefined, which || 'draft');
    });

    if (doc) loaded(doc);
    else { fill({}); dirtyBase = null; drawPreview(); }
    region.append(
      h('p', {}, h('a', { href: `/editor.html?lang=${lang}`, text: t('back') })), titleEl,
      h('div', { class: 'edit-layout' }, form, preview));
    if (doc) {
      region.append(statusBox, historyBox);
      await loadHistory(true);
    }
  },
});
