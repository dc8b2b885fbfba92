// admin-registrations.html: the queue of proposed organisations (docs/selfservice.md
// "Registration and approval"): each proposal's facts and likely duplicates (with the
// reason), approve, or reject with a reason; filtered by status.

import { gatedPage, h, loadFailed } from './admin.js';
import { ApiError, apiGet, apiSend } from './api.js';
import { mergeStrings, loadRef } from './ssform.js';
import { fmtDate } from './card.js';

const STR = {
  fi: {
    title: 'Rekisteröinnit',
    intro: 'Järjestöjen rekisteröitymisehdotukset, vanhimmat ensin. Tarkista mahdolliset kaksoiskappaleet ennen hyväksyntää: hyväksyntä lähettää ylläpitäjille kirjautumislinkit.',
    'f.status': 'Näytä', 'st.pending': 'Odottavat', 'st.approved': 'Hyväksytyt', 'st.rejected': 'Hylätyt', show: 'Näytä',
    none: 'Ei rekisteröintejä tässä tilassa.', count: ({ n }) => `${n} rekisteröintiä`,
    'k.frame': 'Muoto', 'k.business_id': 'Y-tunnus', 'k.seat': 'Kotikunta', 'k.municipalities': 'Toimii kunnissa', 'k.parent': 'Kuuluu',
    'k.description': 'Kuvaus', 'k.website': 'Verkkosivut', 'k.contact': 'Yhteyshenkilö', 'k.maintainers': 'Ylläpitäjät', 'k.lang': 'Kieli',
    'k.created': 'Saapui', 'k.status': 'Tila', 'k.note': 'Hylkäyksen syy', 'k.decided': 'Päätetty',
    'dup.h': 'Mahdolliset kaksoiskappaleet', 'dup.business_id': 'sama Y-tunnus', 'dup.name': ({ s }) => `samankaltainen nimi (${s} %)`,
    approve: 'Hyväksy', 'reject.label': 'Hylkäyksen syy (lähetetään yhteyshenkilölle)', reject: 'Hylkää',
    approved: ({ name }) => `${name} hyväksyttiin; ylläpitäjille lähetettiin kirjautumislinkit.`,
    rejected: ({ name }) => `${name} hylättiin.`,
    'err.not_pending': 'Rekisteröinti on jo käsitelty.', 'err.role_mismatch': ({ m }) => `Ylläpitäjän osoitteella on ammattilaisen tai pääkäyttäjän tili (${m}); hyväksyntää ei tehty.`,
    'err.reason': 'Kirjoita hylkäyksen syy (1–1000 merkkiä).', failed: 'Toiminto ei onnistunut. Yritä uudelleen.',
    'frame.association': 'yhdistys', 'frame.federation': 'liitto', 'frame.district': 'piiri', 'frame.branch': 'paikallisosasto', 'frame.club': 'kerho', 'frame.group': 'ryhmä', 'frame.other': 'muu',
  },
  sv: {
    title: 'Registreringar',
    intro: 'Organisationernas registreringsförslag, de äldsta först. Kontrollera möjliga dubbletter före godkännandet: godkännandet skickar inloggningslänkar till redaktörerna.',
    'f.status': 'Visa', 'st.pending': 'Väntande', 'st.approved': 'Godkända', 'st.rejected': 'Avslagna', show: 'Visa',
    none: 'Inga registreringar med den här statusen.', count: ({ n }) => `${n} registreringar`,
    'k.frame': 'Form', 'k.business_id': 'FO-nummer', 'k.seat': 'Hemkommun', 'k.municipalities': 'Verkar i kommunerna', 'k.parent': 'Hör till',
    'k.description': 'Beskrivning', 'k.website': 'Webbplats', 'k.contact': 'Kontaktperson', 'k.maintainers': 'Redaktörer', 'k.lang': 'Språk',
    'k.created': 'Inkom', 'k.status': 'Status', 'k.note': 'Orsak till avslag', 'k.decided': 'Beslutad',
    'dup.h': 'Möjliga dubbletter', 'dup.business_id': 'samma FO-nummer', 'dup.name': ({ s }) => `liknande namn (${s} %)`,
    approve: 'Godkänn', 'reject.label': 'Orsak till avslag (skickas till kontaktpersonen)', reject: 'Avslå',
    approved: ({ name }) => `${name} godkändes; inloggningslänkar skickades till redaktörerna.`,
    rejected: ({ name }) => `${name} avslogs.`,
    'err.not_pending': 'Registreringen har redan behandlats.', 'err.role_mismatch': ({ m }) => `En redaktörs adress har ett konto som yrkesperson eller huvudanvändare (${m}); inget godkändes.`,
    'err.reason': 'Skriv orsaken till avslaget (1–1000 tecken).', failed: 'Åtgärden lyckades inte. Försök igen.',
    'frame.association': 'förening', 'frame.federation': 'förbund', 'frame.district': 'distrikt', 'frame.branch': 'lokalavdelning', 'frame.club': 'klubb', 'frame.group': 'grupp', 'frame.other': 'annan',
  },
  en: {
    title: 'Registrations',
    intro: 'Proposed associations, oldest first. Check the possible duplicates before approving: an approval sends the maintainers their sign-in links.',
    'f.status': 'Show', 'st.pending': 'Pending', 'st.approved': 'Approved', 'st.rejected': 'Rejected', show: 'Show',
    none: 'No registrations with this status.', count: ({ n }) => `${n} registrations`,
    'k.frame': 'Type', 'k.business_id': 'Business ID', 'k.seat': 'Home municipality', 'k.municipalities': 'Works in', 'k.parent': 'Belongs to',
    'k.description': 'Description', 'k.website': 'Website', 'k.contact': 'Contact person', 'k.maintainers': 'Maintainers', 'k.lang': 'Language',
    'k.created': 'Received', 'k.status': 'Status', 'k.note': 'Reason for rejection', 'k.decided': 'Decided',
    'dup.h': 'Possible duplicates', 'dup.business_id': 'the same business ID', 'dup.name': ({ s }) => `a similar name (${s} %)`,
    approve: 'Approve', 'reject.label': 'Reason for the rejection (sent to the contact person)', reject: 'Reject',
    approved: ({ name }) => `${name} was approved; the maintainers were sent sign-in links.`,
    rejected: ({ name }) => `${name} was rejected.`,
    'err.not_pending': 'The registration has been decided already.', 'err.role_mismatch': ({ m }) => `A maintainer’s address has a professional’s or administrator’s account (${m}); nothing was approved.`,
    'err.reason': 'Write the reason for the rejection (1–1000 characters).', failed: 'That did not succeed. Try again.',
    'frame.association': 'association', 'frame.federation': 'federation', 'frame.district': 'district', 'frame.branch': 'local branch', 'frame.club': 'club', 'frame.group': 'group', 'frame.other': 'other',
  },
};

const enc = encodeURIComponent;

gatedPage({
  key: 'registrations',
  strings: mergeStrings(STR),
  async render(page, region) {
    const { t, lang } = page;
    let ref = null;
    try { ref = await loadRef(lang); } catch (e) { ref = null; }
    const mname = (c) => (ref && ref.municipalities.get(c) || {}).name || c;
    const sel = h('select', { id: 'reg-status' }, ['pending', 'approved', 'rejected'].map((s) => h('option', { value: s, text: t('st.' + s) })));
    const status = h('p', { class: 'status-line', role: 'status', id: 'registrations-status' });
    const list = h('div', { id: 'registrations-list' });
    const filter = h('form', { class: 'form filters' },
      h('div', {}, h('label', { for: sel.id, text: t('f.status') }), sel),
      h('div', {}, h('button', { type: 'submit', class: 'button', text: t('show') })));
    filter.addEventListener('submit', (e) => { e.preventDefault(); load(); });

    function item(r, i) {
      const row = (k, v) => (v ? [h('dt', { text: t(k) }), h('dd', {}, v)] : null);
      const c = r.contact || {};
      const msg = h('p', { class: 'status-line', role: 'status', id: `reg-${i}-msg` });
      const reason = h('textarea', { id: `reg-${i}-reason`, maxlength: '1000', rows: '2' });
      const reasonErr = h('p', { class: 'field-error', id: `reg-${i}-reason-error`, hidden: true });
      async function decide(kind) {
        reasonErr.hidden = true;
        reason.removeAttribute('aria-invalid');
        const body = kind === 'reject' ? { reason: reason.value.trim() } : {};
        if (kind === 'reject' && !body.reason) {
          reasonErr.textContent = t('err.reason');
          reasonErr.hidden = false;
          reason.setAttribute('aria-invalid', 'true');
          reason.setAttribute('aria-describedby', reasonErr.id);
          reason.focus();
          return;
        }
        try {
          await apiSend('POST', `admin/registrations/${enc(r.id)}/${kind}`, body, lang);
          status.textContent = t(kind === 'approve' ? 'approved' : 'rejected', { name: r.name });
          await load();
        } catch (err) {
          if (page.refused(err)) { page.deny(null); return; }
          if (err instanceof ApiError && err.code === 'role_mismatch') msg.textContent = t('err.role_mismatch', { m: err.message });
          else if (err instanceof ApiError && err.code === 'not_pending') msg.textContent = t('err.not_pending');
          else msg.textContent = t('failed');
        }
      }
      const dups = r.duplicates || [];
      return h('section', { class: 'panel', 'aria-labelledby': `reg-${i}-h`, 'data-registration': r.id, 'data-status': r.status },
        h('h2', { id: `reg-${i}-h`, text: r.name }),
        h('dl', { class: 'facts' },
          row('k.frame', t('frame.' + r.frame)), row('k.business_id', r.business_id), row('k.seat', r.seat_municipality ? mname(r.seat_municipality) : ''),
          row('k.municipalities', (r.municipalities || []).map(mname).join(', ')), row('k.parent', r.parent && r.parent.name),
          row('k.description', r.description), row('k.website', r.website),
          row('k.contact', [c.name, c.email, c.phone].filter(Boolean).join(', ')), row('k.maintainers', (r.maintainers || []).join(', ')),
          row('k.lang', r.lang), row('k.created', page.fmtTime(r.created_at)), row('k.status', t('st.' + r.status)),
          row('k.note', r.status_note), row('k.decided', r.decided_at ? page.fmtTime(r.decided_at) : '')),
        dups.length ? h('div', { class: 'notice', 'data-duplicates': String(dups.length) }, h('h3', { text: t('dup.h') }),
          h('ul', {}, dups.map((d) => h('li', { 'data-duplicate': d.id },
            `${d.name}${d.business_id ? ` (${d.business_id})` : ''} – ${t('st.' + d.status)}: `,
            d.reason === 'business_id' ? t('dup.business_id') : t('dup.name', { s: Math.round((d.similarity || 0) * 100) }))))) : null,
        r.status === 'pending' ? h('div', { class: 'form' },
          h('p', { class: 'form-actions' }, h('button', { type: 'button', class: 'button', 'data-approve': r.id, onclick: () => decide('approve'), text: t('approve') })),
          h('label', { for: reason.id, text: t('reject.label') }), reason, reasonErr,
          h('p', { class: 'form-actions' }, h('button', { type: 'button', class: 'button secondary', 'data-reject': r.id, onclick: () => decide('reject'), text: t('reject') })),
          msg) : null);
    }

    async function load() {
      try {
        const { items } = await apiGet('admin/registrations', { status: sel.value }, lang);
        list.replaceChildren(items.length ? h('p', { class: 'muted', text: t('count', { n: items.length }) }) : h('p', { class: 'notice', text: t('none') }),
          ...items.map(item));
        list.dataset.loaded = String(items.length);
      } catch (err) {
        if (page.refused(err)) { page.deny(null); return; }
        list.replaceChildren(loadFailed(page, load));
      }
    }
    await load();
    if (!page.denied) region.append(h('p', { text: t('intro') }), filter, status, list);
  },
});
