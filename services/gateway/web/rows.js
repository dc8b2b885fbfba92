// Repeating rows of a form (an activity's contact people and meeting places, a
// registration's maintainers): a fieldset with one sub-fieldset per row, add and remove
// buttons, ids <id>-<row>-<key> (row from 0) so that an API field "contacts.1.email"
// finds its input.

import { h } from './dom.js';

// fields: [{key, label, type ('text', 'email', 'tel', 'textarea', 'select'), maxlength,
// options () → [{value, text}] for a select}]; words: {row(n), add, remove(n)}.
export function rowList(id, legend, fields, max, words) {
  const rows = h('div', { class: 'rows' });
  const add = h('button', { type: 'button', class: 'button secondary', id: `${id}-add`, text: words.add });
  const list = {
    onChange: null,
    node: h('fieldset', { id, class: 'group', tabindex: '-1' }, h('legend', { text: legend }), rows, h('p', {}, add),
      h('p', { class: 'field-error', id: `${id}-error`, hidden: true })),
    value() {
      return [...rows.children].map((row) => {
        const o = {};
        for (const f of fields) o[f.key] = row.querySelector(`[data-key="${f.key}"]`).value.trim();
        return o;
      });
    },
    setValue(items) {
      rows.replaceChildren();
      for (const it of items || []) addRow(it, false);
      renumber();
    },
    input(i, key) {
      const row = rows.children[i];
      return row ? row.querySelector(`[data-key="${key}"]`) : null;
    },
    refreshOptions() {
      for (const sel of rows.querySelectorAll('select[data-key]')) {
        const f = fields.find((x) => x.key === sel.dataset.key);
        const v = sel.value || sel.dataset.want || '';
        sel.replaceChildren(...f.options().map((o) => h('option', { value: o.value, text: o.text })));
        sel.value = v;
      }
    },
  };
  function renumber() {
    [...rows.children].forEach((row, i) => {
      row.querySelector('legend').textContent = words.row(i + 1);
      for (const f of fields) {
        const el = row.querySelector(`[data-key="${f.key}"]`);
        el.id = `${id}-${i}-${f.key}`;
        el.closest('.field').querySelector('label').setAttribute('for', el.id);
        el.closest('.field').querySelector('.field-error').id = `${el.id}-error`;
      }
      row.querySelector('[data-remove-row]').textContent = words.remove(i + 1);
    });
    add.hidden = rows.children.length >= max;
  }
  function addRow(item, focus) {
    const row = h('fieldset', { class: 'row-box' }, h('legend', {}),
      fields.map((f) => {
        let el;
        if (f.type === 'textarea') el = h('textarea', { rows: '2', maxlength: f.maxlength || null });
        else if (f.type === 'select') {
          el = h('select', {}, f.options().map((o) => h('option', { value: o.value, text: o.text })));
        } else el = h('input', { type: f.type || 'text', maxlength: f.maxlength || null, autocomplete: 'off' });
        el.dataset.key = f.key;
        const v = item && item[f.key] !== undefined && item[f.key] !== null ? String(item[f.key]) : '';
        el.value = v;
        if (f.type === 'select') el.dataset.want = v;
        el.addEventListener('input', () => { if (list.onChange) list.onChange(); });
        return h('div', { class: 'field' }, h('label', { text: f.label }), el, h('p', { class: 'field-error', hidden: true }));
      }),
      h('p', {}, h('button', { type: 'button', class: 'small-button', 'data-remove-row': '' })));
    row.querySelector('[data-remove-row]').addEventListener('click', () => {
      const idx = [...rows.children].indexOf(row);
      row.remove();
      renumber();
      const next = rows.children[Math.min(idx, rows.children.length - 1)];
      (next ? next.querySelector('input, textarea, select') : add).focus();
      if (list.onChange) list.onChange();
    });
    rows.append(row);
    if (focus) { renumber(); row.querySelector('input, textarea, select').focus(); }
  }
  add.addEventListener('click', () => { addRow(null, true); if (list.onChange) list.onChange(); });
  renumber();
  return list;
}

// An activity's or organisation's contact people (name, role, e-mail, phone; at most 10),
// in the page's language (ssform.js FORM_STR's c.* words).
export function contactRows(page, id, legend) {
  const { t } = page;
  return rowList(id, legend, [
    { key: 'name', label: t('c.name'), maxlength: 200 }, { key: 'role', label: t('c.role'), maxlength: 200 },
    { key: 'email', label: t('c.email'), type: 'email', maxlength: 254 }, { key: 'phone', label: t('c.phone'), type: 'tel', maxlength: 40 },
  ], 10, { row: (n) => t('c.row', { n }), add: t('c.add'), remove: (n) => t('c.remove', { n }) });
}
