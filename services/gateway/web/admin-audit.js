// admin-audit.html: the audit log (GET /api/v1/admin/audit), newest first, filtered by
// actor (an account id), action, target and a date range; "load more" pages back with
// next_before. The rows carry only masked hints, never an e-mail address in full.

import { gatedPage, h, field, table, clearErrors, fieldError } from './admin.js';
import { apiGet } from './api.js';

const ACTIONS = ['signin', 'signin_failed', 'signout', 'signout_everywhere', 'login_link.requested',
  'login_link.issued', 'user_site.create', 'user_site.update', 'account.invite', 'account.update',
  'editor.add', 'editor.remove', 'message.send', 'dead_letter.requeue', 'delivery_report'];
const PAGE = 50;

const STR = {
  fi: {
    title: 'Tapahtumaloki',
    lead: 'Kuka teki mitä ja milloin: kirjautumiset, epäonnistuneet kirjautumiset, muutokset ja henkilötietojen avaukset, uusimmat ensin. Lokia ei voi muuttaa.',
    'filter.h': 'Rajaa tapahtumia',
    'f.actor': 'Tekijän käyttäjätili (tunniste)',
    'f.actorHint': 'Käyttäjätilin uuid, esimerkiksi Käyttäjätilit-sivulta.',
    'f.action': 'Toiminto',
    'f.actionAll': 'Kaikki toiminnot',
    'f.target': 'Kohde (tunniste)',
    'f.from': 'Alkaen',
    'f.to': 'Päättyen',
    search: 'Hae',
    more: 'Näytä lisää',
    'list.caption': 'Tapahtumat, uusimmat ensin',
    'list.none': 'Ehdoilla ei löytynyt tapahtumia.',
    'list.count': ({ n, more }) => `${n} tapahtumaa näkyvissä${more ? ', lisää on saatavilla' : ''}.`,
    'col.at': 'Aika',
    'col.actor': 'Tekijä',
    'col.action': 'Toiminto',
    'col.target': 'Kohde',
    'col.detail': 'Lisätiedot',
    'err.actor': 'Tunniste on muotoa 8-4-4-4-12 heksadesimaalia.',
    'err.dates': 'Alkupäivän pitää olla ennen loppupäivää.',
  },
  sv: {
    title: 'Händelselogg',
    lead: 'Vem gjorde vad och när: inloggningar, misslyckade inloggningar, ändringar och öppningar av personuppgifter, de senaste först. Loggen kan inte ändras.',
    'filter.h': 'Avgränsa händelserna',
    'f.actor': 'Utförarens konto (id)',
    'f.actorHint': 'Kontots uuid, till exempel från sidan Användarkonton.',
    'f.action': 'Åtgärd',
    'f.actionAll': 'Alla åtgärder',
    'f.target': 'Objekt (id)',
    'f.from': 'Från',
    'f.to': 'Till',
    search: 'Sök',
    more: 'Visa fler',
    'list.caption': 'Händelser, de senaste först',
    'list.none': 'Inga händelser matchar villkoren.',
    'list.count': ({ n, more }) => `${n} händelser visas${more ? ', fler finns' : ''}.`,
    'col.at': 'Tid',
    'col.actor': 'Utförare',
    'col.action': 'Åtgärd',
    'col.target': 'Objekt',
    'col.detail': 'Detaljer',
    'err.actor': 'Id:t har formen 8-4-4-4-12 hexadecimala tecken.',
    'err.dates': 'Startdagen ska vara före slutdagen.',
  },
  en: {
    title: 'Audit log',
    lead: 'Who did what and when: sign-ins, failed sign-ins, changes and openings of personal data, newest first. The log cannot be changed.',
    'filter.h': 'Filter the events',
    'f.actor': 'Actor’s account (id)',
    'f.actorHint': 'The account’s uuid, for example from the Accounts page.',
    'f.action': 'Action',
    'f.actionAll': 'All actions',
    'f.target': 'Target (id)',
    'f.from': 'From',
    'f.to': 'To',
    search: 'Search',
    more: 'Show more',
    'list.caption': 'Events, newest first',
    'list.none': 'No events match the filters.',
    'list.count': ({ n, more }) => `${n} events shown${more ? ', more are available' : ''}.`,
    'col.at': 'Time',
    'col.actor': 'Actor',
    'col.action': 'Action',
    'col.target': 'Target',
    'col.detail': 'Details',
    'err.actor': 'An id has the form 8-4-4-4-12 hexadecimal digits.',
    'err.dates': 'The first day must come before the last.',
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// A local date (yyyy-mm-dd) as the UTC instant its day starts (plus days), to the second.
function dayStart(value, plusDays = 0) {
  const [y, m, d] = value.split('-').map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

gatedPage({
  key: 'audit',
  strings: STR,
  async render(page, region) {
    const { t, lang } = page;
    const actor = h('input', { type: 'text', id: 'audit-actor', name: 'actor', maxlength: '36', autocomplete: 'off', spellcheck: 'false' });
    const action = h('select', { id: 'audit-action', name: 'action' }, h('option', { value: '', text: t('f.actionAll') }),
      ACTIONS.map((a) => h('option', { value: a, text: a })));
    const target = h('input', { type: 'text', id: 'audit-target', name: 'target', maxlength: '200', autocomplete: 'off', spellcheck: 'false' });
    const from = h('input', { type: 'date', id: 'audit-from', name: 'from' });
    const to = h('input', { type: 'date', id: 'audit-to', name: 'to' });
    const form = h('form', { class: 'form', role: 'search', 'aria-label': t('filter.h'), id: 'audit-filters', novalidate: true },
      h('div', { class: 'filters' },
        field(t('f.actor'), actor, t('f.actorHint')), field(t('f.action'), action), field(t('f.target'), target),
        field(t('f.from'), from), field(t('f.to'), to)),
      h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button', text: t('search') })));
    const status = h('p', { class: 'status-line', role: 'status', id: 'audit-status' });
    const list = h('div', { id: 'audit-list' });
    const more = h('button', { type: 'button', class: 'button secondary', id: 'audit-more', hidden: true, text: t('more') });

    let query = {};
    let next = null;
    let shown = 0;
    let tbody = null;
    let loads = 0; // answers so far, shown or failed (#audit-list[data-loads]), for the tests

    const row = (e) => {
      const who = e.actor ? [e.actor.hint || e.actor.id || '–', e.actor.role ? ` (${e.actor.role})` : ''].join('') : '–';
      const detail = e.detail && Object.keys(e.detail).length ? JSON.stringify(e.detail) : '';
      return h('tr', { 'data-audit': String(e.id), 'data-action': e.action },
        h('td', {}, h('time', { datetime: e.at, text: page.fmtTime(e.at) })),
        h('td', { text: who }),
        h('td', { text: e.action }),
        h('td', { text: [e.target_type, e.target_id].filter(Boolean).join(' ') || '–' }),
        h('td', { class: 'detail-cell', text: detail }));
    };

    async function load(append) {
      const q = { ...query, limit: String(PAGE) };
      if (append && next !== null) q.before = String(next);
      try {
        const res = await apiGet('admin/audit', q, lang);
        const items = res.items || [];
        next = res.next_before ?? null;
        if (!append) {
          shown = 0;
          if (!items.length) {
            tbody = null;
            list.replaceChildren(h('p', { class: 'notice', text: t('list.none') }));
          } else {
            const tbl = table(t('list.caption'), [t('col.at'), t('col.actor'), t('col.action'), t('col.target'), t('col.detail')], []);
            tbody = tbl.querySelector('tbody');
            list.replaceChildren(tbl);
          }
        }
        if (tbody) tbody.append(...items.map(row));
        shown += items.length;
        more.hidden = next === null || !items.length;
        status.textContent = shown ? t('list.count', { n: shown, more: !more.hidden }) : '';
        list.dataset.loaded = String(shown);
      } catch (err) {
        if (page.refused(err)) { page.deny(null); return; }
        status.textContent = t('load.failed');
      }
      list.dataset.loads = String(++loads);
    }

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearErrors(form);
      const q = {};
      const a = actor.value.trim();
      if (a && !UUID.test(a)) { fieldError(actor, 'audit-actor-error', t('err.actor')); actor.focus(); return; }
      if (from.value && to.value && from.value > to.value) { fieldError(from, 'audit-from-error', t('err.dates')); from.focus(); return; }
      if (a) q.actor = a.toLowerCase();
      if (action.value) q.action = action.value;
      if (target.value.trim()) q.target = target.value.trim();
      if (from.value) q.from = dayStart(from.value);
      if (to.value) q.to = dayStart(to.value, 1);
      query = q;
      load(false);
    });
    more.addEventListener('click', () => load(true));
    await load(false);
    // In place only when filled: nothing on the page moves as it loads.
    if (!page.denied) region.append(h('p', { class: 'lead', text: t('lead') }), form, status, list, h('p', {}, more));
  },
});
