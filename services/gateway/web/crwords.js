// Words and parts the contact-request pages share (request.html, my-requests.html,
// inbox.html; docs/contactrequests.md): statuses, history kinds, channels and languages
// in fi/sv/en, and a request's history as a list.

import { h } from './dom.js';

export const CR_STR = {
  fi: {
    'st.sent': 'Lähetetty', 'st.opened': 'Avattu', 'st.contacted': 'Yhteydessä asiakkaaseen', 'st.unreachable': 'Asiakasta ei tavoitettu',
    'st.declined': 'Järjestö kieltäytyi', 'st.closed': 'Suljettu', 'st.withdrawn': 'Asiakas perui', 'st.expired': 'Vanhentunut',
    'ev.sent': 'Lähetetty', 'ev.opened': 'Järjestö avasi pyynnön', 'ev.contacted': 'Järjestö oli yhteydessä asiakkaaseen',
    'ev.unreachable': 'Järjestö ei tavoittanut asiakasta', 'ev.declined': 'Järjestö kieltäytyi', 'ev.closed': 'Suljettu',
    'ev.withdrawn': 'Asiakas perui pyynnön', 'ev.expired': 'Vanhentui ilman vastausta', 'ev.erased': 'Asiakkaan tiedot poistettiin',
    'ev.reminder': 'Järjestölle lähti muistutus', 'ev.escalated_maintainers': 'Asia välitettiin järjestön ylläpitäjille',
    'ev.escalated_admin': 'Asia välitettiin Tarjottimen ylläpidolle', 'ev.professional_told': 'Sinulle kerrottiin viivästyksestä',
    'ev.other': 'Tapahtuma',
    'ch.call': 'Soitto', 'ch.sms': 'Tekstiviesti', 'ch.email': 'Sähköposti',
    'lng.fi': 'suomi', 'lng.sv': 'ruotsi', 'lng.en': 'englanti',
    'role.system': 'järjestelmä', 'role.client': 'asiakas', 'role.sms_provider': 'asiakas (tekstiviesti)',
    'hist.h': 'Vaiheet', 'hist.days': ({ n }) => `${n} arkipäivää lähettämisestä`,
    'f.activity': 'Toiminto', 'f.org': 'Järjestö', 'f.status': 'Tila', 'f.sent': 'Lähetetty', 'f.due': 'Vastaus luvattu viimeistään',
    'f.channel': 'Toivottu yhteydenottotapa', 'f.lang': 'Asiakkaan kieli', 'f.name': 'Etunimi', 'f.phone': 'Puhelin', 'f.email': 'Sähköposti',
    'f.note': 'Viesti', 'f.reason': 'Kieltäytymisen syy', 'f.site': 'Lähettäjä', 'f.contact': 'Yhteystiedot',
    overdue: 'Myöhässä', erased: 'Asiakkaan tiedot on poistettu.',
    'has.phone': 'puhelin', 'has.email': 'sähköposti',
  },
  sv: {
    'st.sent': 'Skickad', 'st.opened': 'Öppnad', 'st.contacted': 'I kontakt med klienten', 'st.unreachable': 'Klienten nåddes inte',
    'st.declined': 'Organisationen avböjde', 'st.closed': 'Stängd', 'st.withdrawn': 'Klienten återkallade', 'st.expired': 'Föråldrad',
    'ev.sent': 'Skickad', 'ev.opened': 'Organisationen öppnade förfrågan', 'ev.contacted': 'Organisationen var i kontakt med klienten',
    'ev.unreachable': 'Organisationen nådde inte klienten', 'ev.declined': 'Organisationen avböjde', 'ev.closed': 'Stängd',
    'ev.withdrawn': 'Klienten återkallade förfrågan', 'ev.expired': 'Föråldrades utan svar', 'ev.erased': 'Klientens uppgifter raderades',
    'ev.reminder': 'Organisationen fick en påminnelse', 'ev.escalated_maintainers': 'Ärendet skickades till organisationens redaktörer',
    'ev.escalated_admin': 'Ärendet skickades till Tarjotins administration', 'ev.professional_told': 'Du fick veta om förseningen',
    'ev.other': 'Händelse',
    'ch.call': 'Samtal', 'ch.sms': 'Textmeddelande', 'ch.email': 'E-post',
    'lng.fi': 'finska', 'lng.sv': 'svenska', 'lng.en': 'engelska',
    'role.system': 'systemet', 'role.client': 'klienten', 'role.sms_provider': 'klienten (textmeddelande)',
    'hist.h': 'Skeden', 'hist.days': ({ n }) => `${n} arbetsdagar efter sändningen`,
    'f.activity': 'Verksamhet', 'f.org': 'Organisation', 'f.status': 'Status', 'f.sent': 'Skickad', 'f.due': 'Svar utlovat senast',
    'f.channel': 'Önskat kontaktsätt', 'f.lang': 'Klientens språk', 'f.name': 'Förnamn', 'f.phone': 'Telefon', 'f.email': 'E-post',
    'f.note': 'Meddelande', 'f.reason': 'Orsak till avböjandet', 'f.site': 'Avsändare', 'f.contact': 'Kontaktuppgifter',
    overdue: 'Försenad', erased: 'Klientens uppgifter har raderats.',
    'has.phone': 'telefon', 'has.email': 'e-post',
  },
  en: {
    'st.sent': 'Sent', 'st.opened': 'Opened', 'st.contacted': 'In contact with the client', 'st.unreachable': 'Client not reached',
    'st.declined': 'Declined by the association', 'st.closed': 'Closed', 'st.withdrawn': 'Withdrawn by the client', 'st.expired': 'Expired',
    'ev.sent': 'Sent', 'ev.opened': 'The association opened the request', 'ev.contacted': 'The association contacted the client',
    'ev.unreachable': 'The association could not reach the client', 'ev.declined': 'The association declined', 'ev.closed': 'Closed',
    'ev.withdrawn': 'The client withdrew the request', 'ev.expired': 'Expired without an answer', 'ev.erased': 'The client’s details were erased',
    'ev.reminder': 'The association was reminded', 'ev.escalated_maintainers': 'Passed on to the association’s maintainers',
    'ev.escalated_admin': 'Passed on to Tarjotin’s administrators', 'ev.professional_told': 'You were told of the delay',
    'ev.other': 'Event',
    'ch.call': 'Phone call', 'ch.sms': 'Text message', 'ch.email': 'E-mail',
    'lng.fi': 'Finnish', 'lng.sv': 'Swedish', 'lng.en': 'English',
    'role.system': 'system', 'role.client': 'client', 'role.sms_provider': 'client (text message)',
    'hist.h': 'Steps', 'hist.days': ({ n }) => `${n} working days after sending`,
    'f.activity': 'Activity', 'f.org': 'Association', 'f.status': 'Status', 'f.sent': 'Sent', 'f.due': 'Reply promised by',
    'f.channel': 'Preferred channel', 'f.lang': 'Client’s language', 'f.name': 'First name', 'f.phone': 'Phone', 'f.email': 'E-mail',
    'f.note': 'Note', 'f.reason': 'Reason for declining', 'f.site': 'Sender', 'f.contact': 'Contact details',
    overdue: 'Overdue', erased: 'The client’s details have been erased.',
    'has.phone': 'phone', 'has.email': 'e-mail',
  },
};

// A word for a key with a fallback when the key is unknown (t returns the key then).
export function word(t, key, fallbackKey) {
  const w = t(key);
  return w === key && fallbackKey ? t(fallbackKey) : w;
}

// A request's history, oldest first: <ol class="cr-history">.
export function historyList(page, history) {
  const { t } = page;
  return h('ol', { class: 'cr-history', 'data-history': String((history || []).length) }, (history || []).map((e) => {
    const d = e.detail && typeof e.detail === 'object' ? e.detail : {};
    const who = e.actor_role ? word(t, 'role.' + e.actor_role, null) : '';
    return h('li', { 'data-kind': e.kind || '' },
      h('span', { class: 'cr-when', text: page.fmtTime(e.at) }), ' ',
      h('span', { text: word(t, 'ev.' + e.kind, 'ev.other') }),
      who && !who.startsWith('role.') ? h('span', { class: 'muted', text: ` (${who})` }) : null,
      Number.isFinite(d.days) ? h('span', { class: 'muted', text: ` – ${t('hist.days', { n: d.days })}` }) : null);
  }));
}

// Rows of a <dl class="facts">: [labelKey, value] pairs, those without a value left out.
export function factRows(t, pairs) {
  return pairs.filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => [h('dt', { text: t(k) }), h('dd', {}, v)]);
}
