// inbox.html: an association's contact requests (docs/contactrequests.md) for its editors:
// per organisation the open (or all) requests; opening one (GET /api/v1/editor/
// contact-requests/{id}) shows the client's details, note, channel, language, the promise
// and the history, and the actions (contacted, could not reach — optionally a text message
// to the client with our number —, declined with a reason, closed). The e-mail's link is
// inbox.html#request=<id>&sig=<sig>: the fragment is read (never sent as a query), taken
// out of the address, and kept for an hour in localStorage when the editor must sign in
// first, so that the page opens the request on coming back.

import { gatedPage, h, loadFailed } from './admin.js';
import { ApiError, apiGet, apiSend } from './api.js';
import { mergeStrings, fieldBox, groupBox, showFieldErrors, clearFieldErrors } from './ssform.js';
import { fmtDate } from './card.js';
import { CR_STR, historyList, factRows, word } from './crwords.js';

const PENDING = 'tarjotin.inbox.pending';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NEXT = {
  sent: ['contacted', 'unreachable', 'declined'], opened: ['contacted', 'unreachable', 'declined'],
  unreachable: ['contacted', 'declined', 'closed'], contacted: ['closed'], declined: ['closed'],
};

const STR = {
  fi: {
    title: 'Yhteydenottopyynnöt',
    lead: 'Ammattilaisten lähettämät pyynnöt ottaa yhteyttä asiakkaaseen. Ota yhteyttä luvatussa ajassa ja merkitse, miten kävi. Asiakkaan tiedot poistetaan, kun pyyntö on hoidettu.',
    none: 'Sinulla ei ole järjestöjä.', 'list.none': 'Ei pyyntöjä.', 'list.open': ({ n }) => `Avoimia ${n}`,
    'state.label': 'Näytä', 'state.open': 'Avoimet', 'state.all': 'Kaikki',
    'list.caption': ({ org }) => `Järjestön ${org} pyynnöt`, open: 'Avaa', openOf: ({ name }) => `Avaa pyyntö: ${name}`,
    'detail.h': 'Pyyntö', close: 'Sulje näkymä', 'detail.audit': 'Asiakkaan tietojen avaaminen kirjataan tapahtumalokiin.',
    'detail.noClient': 'Ylläpitäjä näkee pyynnön ilman asiakkaan tietoja.',
    'detail.gone': 'Pyyntöä ei löytynyt, tai se kuuluu järjestölle, jonka toimittaja et ole.',
    'detail.badLink': 'Linkki on virheellinen tai puutteellinen. Avaa pyyntö alla olevasta luettelosta.',
    'detail.failed': 'Pyyntöä ei voitu hakea. Yritä uudelleen.',
    'act.h': 'Miten kävi?', 'act.legend': 'Uusi tila', 'act.none': 'Pyyntö on käsitelty loppuun.',
    'do.contacted': 'Olimme yhteydessä asiakkaaseen', 'do.unreachable': 'Emme tavoittaneet asiakasta',
    'do.declined': 'Emme voi ottaa asiakasta', 'do.closed': 'Sulje pyyntö',
    reason: 'Syy (näytetään lähettäjälle)', 'reason.hint': 'Pakollinen. Älä kirjoita asiakkaan terveystietoja.',
    notify: 'Lähetä asiakkaalle tekstiviesti, jossa on numeromme', 'notify.phone': 'Numero, johon asiakas voi soittaa',
    save: 'Tallenna', saving: 'Tallennetaan…', saved: ({ st }) => `Tila on nyt: ${st}.`,
    'err.invalid_transition': 'Tilaa ei voi vaihtaa näin: joku on ehkä jo käsitellyt pyynnön. Tiedot päivitettiin.',
    'err.no_mobile': 'Asiakkaalla ei ole matkapuhelinnumeroa, joten tekstiviestiä ei voi lähettää.',
    'err.phone_invalid': 'Tarkista puhelinnumero, esimerkiksi 017 123 4567.',
    failed: 'Tallennus ei onnistunut. Yritä uudelleen.',
  },
  sv: {
    title: 'Kontaktförfrågningar',
    lead: 'Förfrågningar från yrkespersoner om att kontakta en klient. Ta kontakt inom utlovad tid och markera hur det gick. Klientens uppgifter raderas när förfrågan är skött.',
    none: 'Du har inga organisationer.', 'list.none': 'Inga förfrågningar.', 'list.open': ({ n }) => `Öppna ${n}`,
    'state.label': 'Visa', 'state.open': 'Öppna', 'state.all': 'Alla',
    'list.caption': ({ org }) => `Förfrågningar till ${org}`, open: 'Öppna', openOf: ({ name }) => `Öppna förfrågan: ${name}`,
    'detail.h': 'Förfrågan', close: 'Stäng vyn', 'detail.audit': 'Att klientens uppgifter öppnas förs in i händelseloggen.',
    'detail.noClient': 'En administratör ser förfrågan utan klientens uppgifter.',
    'detail.gone': 'Förfrågan hittades inte, eller så hör den till en organisation du inte är redaktör för.',
    'detail.badLink': 'Länken är felaktig eller ofullständig. Öppna förfrågan i listan nedan.',
    'detail.failed': 'Förfrågan kunde inte hämtas. Försök igen.',
    'act.h': 'Hur gick det?', 'act.legend': 'Ny status', 'act.none': 'Förfrågan är färdigbehandlad.',
    'do.contacted': 'Vi var i kontakt med klienten', 'do.unreachable': 'Vi nådde inte klienten',
    'do.declined': 'Vi kan inte ta emot klienten', 'do.closed': 'Stäng förfrågan',
    reason: 'Orsak (visas för avsändaren)', 'reason.hint': 'Obligatorisk. Skriv inte klientens hälsouppgifter.',
    notify: 'Skicka klienten ett textmeddelande med vårt nummer', 'notify.phone': 'Nummer som klienten kan ringa',
    save: 'Spara', saving: 'Sparar…', saved: ({ st }) => `Status är nu: ${st}.`,
    'err.invalid_transition': 'Statusen kan inte ändras så: någon har kanske redan behandlat förfrågan. Uppgifterna uppdaterades.',
    'err.no_mobile': 'Klienten har inget mobilnummer, så inget textmeddelande kan skickas.',
    'err.phone_invalid': 'Kontrollera telefonnumret, till exempel 017 123 4567.',
    failed: 'Det gick inte att spara. Försök igen.',
  },
  en: {
    title: 'Contact requests',
    lead: 'Requests from professionals to contact a client. Get in touch in the promised time and mark how it went. The client’s details are erased once a request has been dealt with.',
    none: 'You have no associations.', 'list.none': 'No requests.', 'list.open': ({ n }) => `Open ${n}`,
    'state.label': 'Show', 'state.open': 'Open', 'state.all': 'All',
    'list.caption': ({ org }) => `Requests to ${org}`, open: 'Open', openOf: ({ name }) => `Open the request: ${name}`,
    'detail.h': 'Request', close: 'Close the request view', 'detail.audit': 'Opening the client’s details is recorded in the audit log.',
    'detail.noClient': 'An administrator sees the request without the client’s details.',
    'detail.gone': 'The request was not found, or it belongs to an association you are not an editor of.',
    'detail.badLink': 'The link is wrong or incomplete. Open the request from the list below.',
    'detail.failed': 'The request could not be fetched. Try again.',
    'act.h': 'How did it go?', 'act.legend': 'New status', 'act.none': 'The request has been dealt with.',
    'do.contacted': 'We were in contact with the client', 'do.unreachable': 'We could not reach the client',
    'do.declined': 'We cannot take the client', 'do.closed': 'Close the request',
    reason: 'Reason (shown to the sender)', 'reason.hint': 'Required. Do not write the client’s health details.',
    notify: 'Send the client a text message with our number', 'notify.phone': 'A number the client can call',
    save: 'Save', saving: 'Saving…', saved: ({ st }) => `The status is now: ${st}.`,
    'err.invalid_transition': 'The status cannot change that way: someone may have dealt with the request already. The details were refreshed.',
    'err.no_mobile': 'The client has no mobile number, so no text message can be sent.',
    'err.phone_invalid': 'Check the phone number, for example 017 123 4567.',
    failed: 'Saving did not succeed. Try again.',
  },
};

const enc = encodeURIComponent;

// The e-mail link's request and sig, out of the address at once; kept for the sign-in.
function takeLink() {
  let link = null;
  if (location.hash.length > 1) {
    const p = new URLSearchParams(location.hash.slice(1));
    link = { id: p.get('request') || '', sig: p.get('sig') || '', at: Date.now() };
    history.replaceState(history.state, '', location.pathname + location.search);
    try { localStorage.setItem(PENDING, JSON.stringify(link)); } catch (e) { /* kept in memory only */ }
    return link;
  }
  try {
    const kept = JSON.parse(localStorage.getItem(PENDING) || 'null');
    if (kept && Date.now() - kept.at < 3600 * 1000) link = kept;
  } catch (e) { /* none */ }
  return link;
}

const link = takeLink();

gatedPage({
  key: 'inbox',
  role: ['editor', 'admin'],
  strings: mergeStrings(CR_STR, STR),
  async render(page, region, session) {
    const { t, lang } = page;
    try { localStorage.removeItem(PENDING); } catch (e) { /* ignore */ }
    const isEditor = session.account.role === 'editor';
    region.append(h('p', { class: 'lead', text: t('lead') }));
    const detailBox = h('div', { id: 'inbox-detail', 'data-state': 'none' });
    const listBox = h('div', { id: 'inbox-orgs' });
    region.append(detailBox, listBox);
    const reloads = new Map(); // organisation id → its list's load()

    function contactFacts(r) {
      const c = r.client;
      if (!c) return h('p', { class: 'muted', text: r.erased ? t('erased') : t('detail.noClient') });
      const tel = c.phone ? h('a', { href: 'tel:' + String(c.phone).replace(/[^\d+]/g, ''), text: c.phone }) : '';
      const mail = c.email ? h('a', { href: 'mailto:' + c.email, text: c.email }) : '';
      return h('dl', { class: 'facts', 'data-client': '' }, factRows(t, [
        ['f.name', c.first_name], ['f.phone', tel], ['f.email', mail], ['f.note', c.note ? h('span', { class: 'pre-line', text: c.note }) : ''],
      ]));
    }

    function actions(r) {
      const next = isEditor ? NEXT[r.status] || [] : [];
      if (!isEditor) return null;
      if (!next.length) return h('p', { class: 'notice', 'data-final': '', text: t('act.none') });
      const radios = next.map((st) => {
        const rb = h('input', { type: 'radio', name: 'ib-status', id: `ib-status-${st}`, value: st, checked: st === next[0] });
        return h('label', { class: 'check', for: rb.id }, rb, t('do.' + st));
      });
      const reason = h('textarea', { id: 'ib-reason', name: 'ib-reason', maxlength: '500', rows: '3' });
      const reasonBox = fieldBox(t('reason'), reason, t('reason.hint'));
      const notify = h('input', { type: 'checkbox', id: 'ib-notify' });
      const phone = h('input', { type: 'tel', id: 'ib-phone', name: 'ib-phone', maxlength: '40', autocomplete: 'tel' });
      const phoneBox = fieldBox(t('notify.phone'), phone);
      const notifyBox = h('div', { class: 'field' }, h('label', { class: 'check', for: notify.id }, notify, t('notify')),
        h('p', { class: 'field-error', id: 'ib-notify-error', hidden: true }), phoneBox);
      const save = h('button', { type: 'submit', class: 'button', 'data-save-status': '', text: t('save') });
      const status = h('p', { class: 'status-line', role: 'status', id: 'ib-status-line' });
      const form = h('form', { class: 'form', id: 'ib-form', novalidate: true },
        h('div', { class: 'error-summary-slot' }),
        groupBox('ib-status', t('act.legend'), radios), reasonBox, notifyBox,
        h('p', { class: 'form-actions' }, save), status);
      const chosen = () => (form.querySelector('input[name="ib-status"]:checked') || {}).value;
      const sync = () => {
        reasonBox.hidden = chosen() !== 'declined';
        notifyBox.hidden = chosen() !== 'unreachable';
        phoneBox.hidden = !notify.checked;
      };
      form.addEventListener('change', sync);
      sync();
      let busy = false;
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        if (busy) return;
        clearFieldErrors(form);
        const st = chosen();
        const body = { status: st };
        if (st === 'declined') body.reason = reason.value.trim();
        if (st === 'unreachable' && notify.checked) { body.notify_client = true; body.phone = phone.value.trim(); }
        busy = true;
        save.disabled = true;
        status.textContent = t('saving');
        try {
          const res = await apiSend('POST', `editor/contact-requests/${enc(r.id)}/status`, body, lang);
          show(res, true);
          page.announce(t('saved', { st: word(t, 'st.' + res.status, null) }));
          const reload = r.organization && reloads.get(r.organization.id);
          if (reload) reload();
          return;
        } catch (err) {
          status.textContent = '';
          if (page.refused(err)) { page.deny(null); return; }
          const lookup = (f) => ({ reason: reason, phone, notify_client: notify, status: document.getElementById('ib-status') }[f] || null);
          if (err instanceof ApiError && err.code === 'invalid_transition') {
            await openRequest(r.id, '', false);
            const line = document.getElementById('ib-status-line');
            if (line) line.textContent = t('err.invalid_transition');
            else detailBox.append(h('p', { class: 'error-box', role: 'alert', text: t('err.invalid_transition') }));
            return;
          }
          if (err instanceof ApiError && err.code === 'invalid_fields') {
            showFieldErrors(page, form, err.fields.map((f) => ({ ...f, code: f.field === 'phone' && f.code === 'invalid' ? 'phone_invalid' : f.code })), lookup);
          } else if (err instanceof ApiError && err.status === 400 && err.field) {
            showFieldErrors(page, form, [{ field: err.field, code: err.field === 'phone' && err.code === 'invalid' ? 'phone_invalid' : err.code }], lookup);
          } else status.textContent = t('failed');
        } finally {
          busy = false;
          save.disabled = false;
        }
      });
      return h('section', { 'aria-labelledby': 'ib-act-h' }, h('h3', { id: 'ib-act-h', text: t('act.h') }), form);
    }

    function show(r, focus) {
      const closeBtn = h('button', { type: 'button', class: 'small-button', 'data-close-detail': '', text: t('close') });
      closeBtn.addEventListener('click', () => {
        detailBox.replaceChildren();
        detailBox.dataset.state = 'none';
        const opener = region.querySelector(`[data-open="${r.id}"]`);
        if (opener) opener.focus();
      });
      detailBox.replaceChildren(h('section', { class: 'panel cr-open', 'aria-labelledby': 'ib-detail-h', 'data-request': r.id, 'data-status': r.status },
        h('h2', { id: 'ib-detail-h', tabindex: '-1', text: `${t('detail.h')}: ${(r.activity && r.activity.name) || ''}` }),
        h('p', { class: 'card-footer' },
          h('span', { class: 'badge muted', 'data-status-word': '', text: word(t, 'st.' + r.status, null) }),
          r.overdue ? h('span', { class: 'badge warn', text: t('overdue') }) : null),
        h('dl', { class: 'facts' }, factRows(t, [
          ['f.org', (r.organization && r.organization.name) || ''], ['f.site', (r.sender && r.sender.user_site) || ''],
          ['f.sent', page.fmtTime(r.sent_at)], ['f.due', r.due ? fmtDate(r.due, lang) : ''],
          ['f.channel', r.channel ? t('ch.' + r.channel) : ''], ['f.lang', r.lang ? t('lng.' + r.lang) : ''],
          ['f.reason', r.decline_reason || ''],
        ])),
        h('h3', { text: t('f.contact') }), contactFacts(r),
        h('h3', { text: t('hist.h') }), historyList(page, r.history),
        actions(r), h('p', {}, closeBtn)));
      detailBox.dataset.state = 'open';
      if (focus) detailBox.querySelector('h2').focus();
    }

    async function openRequest(id, sig, focus) {
      try {
        const r = await apiGet(`editor/contact-requests/${enc(id)}`, sig ? { sig } : null, lang);
        show(r, focus);
      } catch (err) {
        if (page.refused(err)) { page.deny(null); return; }
        let text = t('detail.failed');
        if (err instanceof ApiError && err.kind === 'not_found') text = t('detail.gone');
        else if (err instanceof ApiError && err.status === 400) text = t('detail.badLink');
        detailBox.replaceChildren(h('div', { class: 'error-box', role: 'alert', 'data-open-error': err.code || String(err.status || '') }, h('p', { text })));
        detailBox.dataset.state = 'error';
      }
    }

    function orgSection(org, i) {
      const hid = `ib-org-${i}-h`;
      const box = h('div', { 'data-requests': org.id });
      const openCount = h('p', { class: 'status-line', role: 'status' });
      const sel = h('select', { id: `ib-org-${i}-state` }, h('option', { value: 'open', text: t('state.open') }), h('option', { value: 'all', text: t('state.all') }));
      async function load() {
        let res;
        try {
          res = await apiGet(`editor/organizations/${enc(org.id)}/contact-requests`, { state: sel.value, per_page: 50 }, lang);
        } catch (err) {
          if (page.refused(err)) { page.deny(null); return; }
          box.replaceChildren(loadFailed(page, load));
          return;
        }
        const items = res.items || [];
        openCount.textContent = t('list.open', { n: res.open || 0 });
        box.replaceChildren(items.length ? h('ul', { class: 'act-list', 'aria-label': t('list.caption', { org: org.name }) }, items.map((r) => {
          const name = (r.activity && r.activity.name) || '';
          const has = [r.has_phone ? t('has.phone') : '', r.has_email ? t('has.email') : ''].filter(Boolean).join(', ');
          return h('li', { class: 'act-item', 'data-request': r.id, 'data-status': r.status },
            h('h3', { text: name }),
            h('p', { class: 'card-footer' },
              h('span', { class: 'badge muted', text: word(t, 'st.' + r.status, null) }),
              r.overdue ? h('span', { class: 'badge warn', text: t('overdue') }) : null,
              h('span', { text: `${t('f.sent')} ${page.fmtTime(r.sent_at)}` }),
              r.due ? h('span', { text: `${t('f.due')} ${fmtDate(r.due, lang)}` }) : null,
              has ? h('span', { text: has }) : null),
            h('p', {}, h('button', {
              type: 'button', class: 'small-button', 'data-open': r.id, 'aria-label': t('openOf', { name }), text: t('open'),
              onclick: () => openRequest(r.id, '', true),
            })));
        })) : h('p', { class: 'notice', text: t('list.none') }));
        box.dataset.loaded = String(items.length);
      }
      sel.addEventListener('change', load);
      reloads.set(org.id, load);
      return {
        node: h('section', { class: 'panel org-panel', 'aria-labelledby': hid, 'data-org': org.id },
          h('h2', { id: hid, text: org.name }),
          h('div', { class: 'field inline-field' }, h('label', { for: sel.id, text: t('state.label') }), sel), openCount, box),
        load,
      };
    }

    const opening = link && UUID.test(link.id) ? openRequest(link.id, link.sig, false) : null;
    if (link && !UUID.test(link.id)) {
      detailBox.replaceChildren(h('div', { class: 'error-box', role: 'alert' }, h('p', { text: t('detail.badLink') })));
      detailBox.dataset.state = 'error';
    }
    const only = new URLSearchParams(location.search).get('org');
    let orgs;
    try {
      ({ items: orgs } = await apiGet('editor/organizations', null, lang));
    } catch (err) {
      if (page.refused(err)) { page.deny(null); return; }
      listBox.replaceChildren(loadFailed(page, () => location.reload()));
      return;
    }
    if (only && orgs.some((o) => o.id === only)) orgs = orgs.filter((o) => o.id === only);
    if (!isEditor) orgs = orgs.slice(0, 20);
    const sections = orgs.map(orgSection);
    await Promise.all([...sections.map((s) => s.load()), opening]);
    if (page.denied) return;
    listBox.replaceChildren(...(sections.length ? sections.map((s) => s.node) : [h('p', { class: 'notice', text: t('none') })]));
    listBox.dataset.loaded = String(sections.length);
  },
});
