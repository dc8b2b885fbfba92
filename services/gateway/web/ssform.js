// Form parts the self-service pages share (docs/selfservice.md): field errors by code in
// the page's language with an error summary that moves the focus to each field, the
// reference data (taxonomies, municipalities), and the municipality picker (a checkbox
// list grouped by county in a box of fixed height, so nothing moves when it fills in).

import { h } from './dom.js';
import { fieldError } from './page.js';
import { getTaxonomies, getMunicipalities } from './api.js';
import { countyName, label } from './card.js';

export const FORM_STR = {
  fi: {
    'err.required': 'Tämä tieto tarvitaan.',
    'err.too_short': 'Teksti on liian lyhyt.',
    'err.too_long': 'Teksti on liian pitkä.',
    'err.invalid': 'Tarkista tämä tieto.',
    'err.checksum': 'Y-tunnuksen tarkistusmerkki ei täsmää. Tarkista tunnus.',
    'err.unknown': 'Tätä valintaa ei tunneta. Tarkista valinta.',
    'err.too_many': 'Valintoja on liian monta.',
    'err.required_to_publish': 'Tämä tieto tarvitaan ennen julkaisua.',
    'err.exists': 'Tällä tunnisteella on jo termi.',
    'summary.h': ({ n }) => (n === 1 ? 'Tarkista 1 tieto' : `Tarkista ${n} tietoa`),
    'summary.lead': 'Mitään ei tallennettu. Korjaa nämä ja yritä uudelleen:',
    'mun.filter': 'Rajaa kuntia nimellä',
    'mun.chosen': ({ n }) => `Valittu ${n}`,
    'mun.loading': 'Ladataan kuntia…',
    'mun.keys': 'Liiku luettelossa nuolinäppäimillä ja valitse välilyönnillä.',
    choose: 'Valitse…',
    retryAfter: ({ s }) => `Liian monta yritystä. Yritä uudelleen ${Math.ceil(s / 60)} minuutin kuluttua.`,
    tooFast: 'Liian monta yritystä. Yritä hetken kuluttua uudelleen.',
    'c.name': 'Nimi', 'c.role': 'Tehtävä', 'c.email': 'Sähköposti', 'c.phone': 'Puhelin', 'c.row': ({ n }) => `Yhteyshenkilö ${n}`,
    'c.add': 'Lisää yhteyshenkilö', 'c.remove': ({ n }) => `Poista yhteyshenkilö ${n}`,
  },
  sv: {
    'err.required': 'Den här uppgiften behövs.',
    'err.too_short': 'Texten är för kort.',
    'err.too_long': 'Texten är för lång.',
    'err.invalid': 'Kontrollera den här uppgiften.',
    'err.checksum': 'FO-numrets kontrolltecken stämmer inte. Kontrollera numret.',
    'err.unknown': 'Valet är okänt. Kontrollera valet.',
    'err.too_many': 'För många val.',
    'err.required_to_publish': 'Den här uppgiften behövs innan publicering.',
    'err.exists': 'Det finns redan en term med den här identifieraren.',
    'summary.h': ({ n }) => (n === 1 ? 'Kontrollera 1 uppgift' : `Kontrollera ${n} uppgifter`),
    'summary.lead': 'Inget sparades. Rätta dessa och försök igen:',
    'mun.filter': 'Begränsa kommunerna med namn',
    'mun.chosen': ({ n }) => `${n} valda`,
    'mun.loading': 'Laddar kommuner…',
    'mun.keys': 'Flytta i listan med piltangenterna och välj med mellanslag.',
    choose: 'Välj…',
    retryAfter: ({ s }) => `För många försök. Försök igen om ${Math.ceil(s / 60)} minuter.`,
    tooFast: 'För många försök. Försök igen om en stund.',
    'c.name': 'Namn', 'c.role': 'Uppgift', 'c.email': 'E-post', 'c.phone': 'Telefon', 'c.row': ({ n }) => `Kontaktperson ${n}`,
    'c.add': 'Lägg till en kontaktperson', 'c.remove': ({ n }) => `Ta bort kontaktperson ${n}`,
  },
  en: {
    'err.required': 'This is needed.',
    'err.too_short': 'The text is too short.',
    'err.too_long': 'The text is too long.',
    'err.invalid': 'Check this.',
    'err.checksum': 'The business ID’s check digit does not match. Check the ID.',
    'err.unknown': 'This choice is not known. Check it.',
    'err.too_many': 'Too many choices.',
    'err.required_to_publish': 'This is needed before publishing.',
    'err.exists': 'A term with this identifier exists already.',
    'summary.h': ({ n }) => (n === 1 ? 'Check 1 field' : `Check ${n} fields`),
    'summary.lead': 'Nothing was saved. Correct these and try again:',
    'mun.filter': 'Filter the municipalities by name',
    'mun.chosen': ({ n }) => `${n} chosen`,
    'mun.loading': 'Loading municipalities…',
    'mun.keys': 'Move in the list with the arrow keys and choose with the space bar.',
    choose: 'Choose…',
    retryAfter: ({ s }) => `Too many attempts. Try again in ${Math.ceil(s / 60)} minutes.`,
    tooFast: 'Too many attempts. Try again in a while.',
    'c.name': 'Name', 'c.role': 'Role', 'c.email': 'E-mail', 'c.phone': 'Phone', 'c.row': ({ n }) => `Contact person ${n}`,
    'c.add': 'Add a contact person', 'c.remove': ({ n }) => `Remove contact person ${n}`,
  },
};

// Page strings over FORM_STR (and over each other, later ones winning).
export function mergeStrings(...tables) {
  const out = { fi: {}, sv: {}, en: {} };
  for (const tb of [FORM_STR, ...tables]) for (const l of ['fi', 'sv', 'en']) Object.assign(out[l], tb[l] || {});
  return out;
}

function indexBy(list, key) {
  const m = new Map();
  for (const x of list || []) m.set(x[key], x);
  return m;
}

// The reference data in card.js's ctx.ref shape, plus the lists.
export async function loadRef(lang) {
  const [tax, mun] = await Promise.all([getTaxonomies(lang), getMunicipalities(lang)]);
  const munis = (mun.municipalities || []).map((m) => ({ ...m, name: lang === 'sv' && m.name_sv ? m.name_sv : m.name }));
  return {
    needs: tax.needs || [],
    kinds: tax.kinds || [],
    targetGroups: tax.target_groups || [],
    needById: indexBy(tax.needs, 'id'),
    kindById: indexBy(tax.kinds, 'id'),
    targetById: indexBy(tax.target_groups, 'id'),
    municipalityList: munis,
    municipalities: indexBy(munis, 'code'),
    countyList: mun.counties || [],
    counties: indexBy(mun.counties, 'key'),
  };
}

// A labelled field: <div class="field"> label, hint, control, error line (#<id>-error).
export function fieldBox(text, control, hint) {
  const id = control.id;
  let hintEl = null;
  if (hint) {
    hintEl = h('p', { class: 'hint', id: `${id}-hint`, text: hint });
    control.setAttribute('aria-describedby', hintEl.id);
  }
  return h('div', { class: 'field', dataset: { field: control.name || id } },
    h('label', { for: id, text }), hintEl, control,
    h('p', { class: 'field-error', id: `${id}-error`, hidden: true }));
}

// A fieldset with a legend (checkbox groups, rows): its error line is #<id>-error.
export function groupBox(id, legend, ...children) {
  return h('fieldset', { id, class: 'group', tabindex: '-1' }, h('legend', { text: legend }), ...children,
    h('p', { class: 'field-error', id: `${id}-error`, hidden: true }));
}

// Clears the form's field errors and its summary.
export function clearFieldErrors(form) {
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) {
    if (document.getElementById(`${el.id}-error`)) fieldError(el, `${el.id}-error`, '');
    else el.removeAttribute('aria-invalid');
  }
  const box = form.querySelector('.error-summary-slot');
  if (box) box.replaceChildren();
}

function nameOf(el) {
  if (el.tagName === 'FIELDSET') return (el.querySelector('legend') || {}).textContent || el.id;
  const lab = document.querySelector(`label[for="${el.id}"]`);
  const row = el.closest('fieldset.row-box');
  const rowName = row ? `${row.querySelector('legend').textContent}: ` : '';
  return rowName + (lab ? lab.textContent : el.id);
}

// Shows the API's field errors (errs: [{field, code, message}]) next to their fields
// and, listed with links to the fields, in the form's .error-summary-slot, which gets the
// focus. lookup(field) → the element the error belongs to (an input, or a fieldset) or
// null (then the summary shows the error under `other`). Returns the number shown.
export function showFieldErrors(page, form, errs, lookup, other) {
  clearFieldErrors(form);
  const items = [];
  const seen = new Set();
  for (const e of errs) {
    const el = lookup(e.field) || other || null;
    const key = page.t('err.' + e.code);
    const text = key === 'err.' + e.code ? page.t('err.invalid') : key;
    if (el && !seen.has(el)) {
      seen.add(el);
      if (document.getElementById(`${el.id}-error`)) fieldError(el, `${el.id}-error`, text);
      else el.setAttribute('aria-invalid', 'true');
    }
    items.push({ el, text });
  }
  const slot = form.querySelector('.error-summary-slot');
  if (!slot) return items.length;
  const focusField = (el) => {
    const target = el.tagName === 'FIELDSET' ? el.querySelector('input, select, textarea, button') || el : el;
    target.focus();
  };
  const summary = h('div', { class: 'error-box error-summary', role: 'alert', tabindex: '-1', 'data-error-summary': String(items.length) },
    h('h2', { text: page.t('summary.h', { n: items.length }) }),
    h('p', { text: page.t('summary.lead') }),
    h('ul', {}, items.map(({ el, text }) => h('li', {},
      el ? h('a', {
        href: `#${el.id}`, onclick: (ev) => { ev.preventDefault(); focusField(el); }, text: `${nameOf(el)}: ${text}`,
      }) : text))));
  slot.replaceChildren(summary);
  summary.focus();
  return items.length;
}

// The municipalities as a checkbox list grouped by county, with a name filter, in a box
// of fixed height. Returns {node, set(ref), value() → [codes], setValue(codes), onChange}.
export function municipalityPicker(page, id, legend, hint) {
  const { t } = page;
  const boxes = new Map();
  let chosen = new Set();
  const count = h('p', { class: 'hint', id: `${id}-count`, 'aria-live': 'polite', text: t('mun.chosen', { n: 0 }) });
  const filter = h('input', { type: 'text', id: `${id}-filter`, autocomplete: 'off', spellcheck: 'false' });
  const list = h('div', { class: 'mun-picker', id: `${id}-list` }, h('p', { class: 'muted', text: t('mun.loading') }));
  const picker = {
    onChange: null,
    node: groupBox(id, legend,
      h('p', { class: 'hint', id: `${id}-keys`, text: hint ? `${hint} ${t('mun.keys')}` : t('mun.keys') }),
      h('label', { for: filter.id, class: 'sub-label', text: t('mun.filter') }), filter, count, list),
    value: () => [...chosen],
    setValue(codes) {
      chosen = new Set(codes || []);
      for (const [code, cb] of boxes) cb.checked = chosen.has(code);
      count.textContent = t('mun.chosen', { n: chosen.size });
    },
    set(ref) {
      const groups = new Map();
      for (const m of ref.municipalityList) {
        if (!groups.has(m.county || '')) groups.set(m.county || '', []);
        groups.get(m.county || '').push(m);
      }
      const keys = [...groups.keys()].sort((a, b) => countyName(ref.counties.get(a), page.lang).localeCompare(countyName(ref.counties.get(b), page.lang), 'fi'));
      list.replaceChildren(...keys.map((k, gi) => {
        const gid = `${id}-g${gi}`;
        return h('div', { class: 'mun-group', role: 'group', 'aria-labelledby': gid },
          h('p', { class: 'mun-county', id: gid, text: countyName(ref.counties.get(k), page.lang) || k || '–' }),
          groups.get(k).sort((a, b) => a.name.localeCompare(b.name, 'fi')).map((m) => {
            const cb = h('input', { type: 'checkbox', id: `${id}-${m.code}`, value: m.code, 'data-name': m.name.toLocaleLowerCase('fi') });
            cb.checked = chosen.has(m.code);
            cb.addEventListener('change', () => {
              if (cb.checked) chosen.add(m.code); else chosen.delete(m.code);
              count.textContent = t('mun.chosen', { n: chosen.size });
              if (picker.onChange) picker.onChange();
            });
            boxes.set(m.code, cb);
            return h('label', { class: 'check', for: cb.id }, cb, m.name);
          }));
      }));
      list.dataset.loaded = String(boxes.size);
      roving(null);
    },
  };
  // One tab stop for the whole list (hundreds of checkboxes): the arrow keys, Home and
  // End move among the shown ones, the space bar checks.
  const shown = () => [...boxes.values()].filter((cb) => !cb.closest('[hidden]'));
  function roving(current) {
    const all = shown();
    const stop = current || all.find((cb) => cb.checked) || all[0];
    for (const cb of boxes.values()) cb.tabIndex = cb === stop ? 0 : -1;
  }
  list.addEventListener('focusin', (e) => { if (e.target.type === 'checkbox') roving(e.target); });
  list.addEventListener('keydown', (e) => {
    if (e.target.type !== 'checkbox') return;
    const all = shown();
    const i = all.indexOf(e.target);
    let next = null;
    if (e.key === 'ArrowDown' || e.key === 'ArrowRight') next = all[i + 1];
    else if (e.key === 'ArrowUp' || e.key === 'ArrowLeft') next = all[i - 1];
    else if (e.key === 'Home') next = all[0];
    else if (e.key === 'End') next = all[all.length - 1];
    else return;
    e.preventDefault();
    if (next) next.focus();
  });
  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLocaleLowerCase('fi');
    for (const g of list.querySelectorAll('.mun-group')) {
      let any = false;
      for (const lab of g.querySelectorAll('label')) {
        const ok = !q || lab.querySelector('input').dataset.name.includes(q);
        lab.hidden = !ok;
        any = any || ok;
      }
      g.hidden = !any;
    }
    roving(null);
  });
  return picker;
}

// A checkbox group of taxonomy terms (needs, kinds, target groups).
export function termChecks(page, id, legend, terms, hint) {
  const boxes = terms.map((term) => h('input', { type: 'checkbox', id: `${id}-${term.id}`, value: term.id }));
  const node = groupBox(id, legend, hint ? h('p', { class: 'hint', text: hint }) : null,
    h('div', { class: 'check-grid' }, terms.map((term, i) => h('label', { class: 'check', for: boxes[i].id }, boxes[i], label(term, page.lang)))));
  return {
    node,
    boxes,
    value: () => boxes.filter((b) => b.checked).map((b) => b.value),
    setValue(ids) { const s = new Set(ids || []); for (const b of boxes) b.checked = s.has(b.value); },
  };
}
