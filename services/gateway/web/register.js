// register.html: an association proposes itself (POST /api/v1/registrations,
// docs/selfservice.md "Registration and approval"). Public; the whole form is up before
// the first paint, the municipalities fill boxes of fixed size. Every field error shows
// next to its field and in a summary at the top; 201 shows #view[data-state="received"].

import { startPage, h } from './page.js';
import { ApiError, apiSend } from './api.js';
import { mergeStrings, loadRef, fieldBox, groupBox, showFieldErrors, clearFieldErrors, municipalityPicker } from './ssform.js';

const FRAMES = ['association', 'federation', 'district', 'branch', 'club', 'group', 'other'];

const STR = {
  fi: {
    title: 'Järjestön rekisteröinti',
    lead: 'Ilmoita järjestösi Tarjottimeen. Tarjottimen pääkäyttäjä tarkistaa tiedot ja hyväksyy järjestön; sen jälkeen ylläpitäjät saavat kirjautumislinkin ja voivat lisätä järjestön toiminnot.',
    'h.org': 'Järjestö', 'h.contact': 'Yhteyshenkilö', 'h.maint': 'Tietojen ylläpitäjät', 'h.terms': 'Käyttöehdot',
    'f.name': 'Järjestön nimi', 'f.frame': 'Järjestön muoto', 'f.business_id': 'Y-tunnus (valinnainen)', 'f.business_id.hint': 'Muoto 1234567-8.',
    'f.federation': 'Järjestö kuuluu liittoon tai piiriin', 'f.parent_id': 'Liiton tai piirin tunniste Tarjottimessa (valinnainen)',
    'f.parent_id.hint': 'Tunnisteen saat liitolta tai Tarjottimen pääkäyttäjältä. Jos et tiedä sitä, jätä tyhjäksi ja kerro liitosta kuvauksessa.',
    'f.seat': 'Kotikunta', 'f.municipalities': 'Kunnat, joissa järjestö toimii', 'f.municipalities.hint': 'Valitse ainakin yksi.',
    'f.description': 'Kuvaus järjestöstä (valinnainen)', 'f.website': 'Verkkosivut (valinnainen)', 'f.website.hint': 'Esimerkiksi https://yhdistys.fi',
    'f.contact.name': 'Nimi', 'f.contact.email': 'Sähköposti', 'f.contact.phone': 'Puhelin (valinnainen)',
    'maint.lead': 'Näihin osoitteisiin lähetetään hyväksynnän jälkeen kirjautumislinkki. 1–10 osoitetta.',
    'f.maint': ({ n }) => `Ylläpitäjän sähköposti ${n}`, 'maint.add': 'Lisää ylläpitäjä', 'maint.remove': ({ n }) => `Poista ylläpitäjä ${n}`,
    'terms.text': 'Järjestö vastaa siitä, että sen tiedot ovat oikein ja ajan tasalla. Tarjotin pyytää tarkistamaan tiedot kahdesti vuodessa; tarkistamattomat tiedot merkitään ja piilotetaan lopulta hausta. Yhteystiedot näytetään sosiaali- ja terveysalan ammattilaisille. Tietoja käsitellään Tarjottimen tietosuojaselosteen mukaisesti.',
    'f.terms': 'Hyväksyn käyttöehdot järjestön puolesta',
    submit: 'Lähetä rekisteröinti', sending: 'Lähetetään…',
    'received.h': 'Rekisteröinti vastaanotettu',
    'received.text': 'Kiitos! Rekisteröinti odottaa nyt Tarjottimen pääkäyttäjän hyväksyntää. Saatte yhteyshenkilön osoitteeseen vahvistuksen nyt ja viestin, kun järjestö on hyväksytty.',
    front: 'Siirry etusivulle', failed: 'Lähetys ei onnistunut. Yritä uudelleen.',
    'frame.association': 'Yhdistys', 'frame.federation': 'Liitto', 'frame.district': 'Piiri', 'frame.branch': 'Paikallisosasto',
    'frame.club': 'Kerho', 'frame.group': 'Ryhmä', 'frame.other': 'Muu',
  },
  sv: {
    title: 'Registrering av organisation',
    lead: 'Anmäl din organisation till Tarjotin. Tarjotins huvudanvändare kontrollerar uppgifterna och godkänner organisationen; därefter får redaktörerna en inloggningslänk och kan lägga till organisationens verksamheter.',
    'h.org': 'Organisation', 'h.contact': 'Kontaktperson', 'h.maint': 'Redaktörer', 'h.terms': 'Användarvillkor',
    'f.name': 'Organisationens namn', 'f.frame': 'Organisationsform', 'f.business_id': 'FO-nummer (frivilligt)', 'f.business_id.hint': 'Formen 1234567-8.',
    'f.federation': 'Organisationen hör till ett förbund eller distrikt', 'f.parent_id': 'Förbundets eller distriktets identifierare i Tarjotin (frivilligt)',
    'f.parent_id.hint': 'Identifieraren får du av förbundet eller Tarjotins huvudanvändare. Om du inte vet den, lämna tomt och nämn förbundet i beskrivningen.',
    'f.seat': 'Hemkommun', 'f.municipalities': 'Kommuner där organisationen verkar', 'f.municipalities.hint': 'Välj minst en.',
    'f.description': 'Beskrivning av organisationen (frivilligt)', 'f.website': 'Webbplats (frivilligt)', 'f.website.hint': 'Till exempel https://forening.fi',
    'f.contact.name': 'Namn', 'f.contact.email': 'E-post', 'f.contact.phone': 'Telefon (frivilligt)',
    'maint.lead': 'Till dessa adresser skickas en inloggningslänk efter godkännandet. 1–10 adresser.',
    'f.maint': ({ n }) => `Redaktörens e-post ${n}`, 'maint.add': 'Lägg till en redaktör', 'maint.remove': ({ n }) => `Ta bort redaktör ${n}`,
    'terms.text': 'Organisationen ansvarar för att dess uppgifter är korrekta och aktuella. Tarjotin ber om en kontroll två gånger per år; okontrollerade uppgifter märks och döljs till slut i sökningen. Kontaktuppgifterna visas för yrkespersoner inom social- och hälsovården. Uppgifterna behandlas enligt Tarjotins dataskyddsbeskrivning.',
    'f.terms': 'Jag godkänner användarvillkoren för organisationens del',
    submit: 'Skicka registreringen', sending: 'Skickar…',
    'received.h': 'Registreringen har tagits emot',
    'received.text': 'Tack! Registreringen väntar nu på godkännande av Tarjotins huvudanvändare. Kontaktpersonen får en bekräftelse nu och ett meddelande när organisationen har godkänts.',
    front: 'Till startsidan', failed: 'Det gick inte att skicka. Försök igen.',
    'frame.association': 'Förening', 'frame.federation': 'Förbund', 'frame.district': 'Distrikt', 'frame.branch': 'Lokalavdelning',
    'frame.club': 'Klubb', 'frame.group': 'Grupp', 'frame.other': 'Annan',
  },
  en: {
    title: 'Register an association',
    lead: 'Propose your association for Tarjotin. The Tarjotin administrator checks the details and approves the association; then its maintainers get a sign-in link and can add its activities.',
    'h.org': 'Association', 'h.contact': 'Contact person', 'h.maint': 'Maintainers', 'h.terms': 'Terms of use',
    'f.name': 'Name of the association', 'f.frame': 'Type of organisation', 'f.business_id': 'Business ID (optional)', 'f.business_id.hint': 'The form 1234567-8.',
    'f.federation': 'The association belongs to a federation or district', 'f.parent_id': 'The federation’s or district’s identifier in Tarjotin (optional)',
    'f.parent_id.hint': 'The federation or the Tarjotin administrator can tell it. If you do not know it, leave it empty and name the federation in the description.',
    'f.seat': 'Home municipality', 'f.municipalities': 'Municipalities where the association works', 'f.municipalities.hint': 'Choose at least one.',
    'f.description': 'About the association (optional)', 'f.website': 'Website (optional)', 'f.website.hint': 'For example https://association.fi',
    'f.contact.name': 'Name', 'f.contact.email': 'E-mail', 'f.contact.phone': 'Phone (optional)',
    'maint.lead': 'After the approval a sign-in link is sent to these addresses. 1–10 addresses.',
    'f.maint': ({ n }) => `Maintainer’s e-mail ${n}`, 'maint.add': 'Add a maintainer', 'maint.remove': ({ n }) => `Remove maintainer ${n}`,
    'terms.text': 'The association is responsible for its details being correct and up to date. Tarjotin asks for a check twice a year; details not checked are marked and finally hidden from the search. The contact details are shown to social and health care professionals. The details are processed as Tarjotin’s privacy notice describes.',
    'f.terms': 'I accept the terms of use on behalf of the association',
    submit: 'Send the registration', sending: 'Sending…',
    'received.h': 'Registration received',
    'received.text': 'Thank you! The registration is now waiting for the Tarjotin administrator’s approval. The contact person gets a confirmation now and a message when the association has been approved.',
    front: 'Go to the front page', failed: 'Sending did not succeed. Try again.',
    'frame.association': 'Association', 'frame.federation': 'Federation', 'frame.district': 'District', 'frame.branch': 'Local branch',
    'frame.club': 'Club', 'frame.group': 'Group', 'frame.other': 'Other',
  },
};

const page = startPage({ strings: mergeStrings(STR), title: (t) => t('title') });
const { t, lang, view } = page;

const inp = (id, type = 'text', extra = {}) => h('input', { type, id, name: id, autocomplete: 'off', ...extra });
const name = inp('reg-name', 'text', { maxlength: '200', autocomplete: 'organization' });
const frame = h('select', { id: 'reg-frame', name: 'frame' }, FRAMES.map((f) => h('option', { value: f, text: t('frame.' + f) })));
const businessId = inp('reg-business-id', 'text', { maxlength: '9', inputmode: 'numeric' });
const hasParent = h('input', { type: 'checkbox', id: 'reg-has-parent' });
const parentId = inp('reg-parent-id', 'text', { maxlength: '36', spellcheck: 'false' });
const parentBox = fieldBox(t('f.parent_id'), parentId, t('f.parent_id.hint'));
parentBox.hidden = true;
hasParent.addEventListener('change', () => { parentBox.hidden = !hasParent.checked; });
const seat = h('select', { id: 'reg-seat', name: 'seat_municipality' }, h('option', { value: '', text: t('choose') }));
const munis = municipalityPicker(page, 'reg-municipalities', t('f.municipalities'), t('f.municipalities.hint'));
const description = h('textarea', { id: 'reg-description', name: 'description', maxlength: '5000', rows: '4' });
const website = inp('reg-website', 'url', { maxlength: '500', spellcheck: 'false' });
const cName = inp('reg-contact-name', 'text', { maxlength: '200', autocomplete: 'name' });
const cEmail = inp('reg-contact-email', 'email', { maxlength: '254', autocomplete: 'email', spellcheck: 'false' });
const cPhone = inp('reg-contact-phone', 'tel', { maxlength: '40', autocomplete: 'tel' });
const terms = h('input', { type: 'checkbox', id: 'reg-terms', name: 'terms_accepted' });
const maintRows = h('div', { class: 'maint-rows' });
const addMaint = h('button', { type: 'button', class: 'button secondary', id: 'reg-maint-add', text: t('maint.add') });
const maintGroup = groupBox('reg-maintainers', t('h.maint'), h('p', { class: 'hint', text: t('maint.lead') }), maintRows, h('p', {}, addMaint));
const submit = h('button', { type: 'submit', class: 'button', id: 'reg-submit', text: t('submit') });
const alertBox = h('div', { class: 'form-alert', id: 'reg-alert' });
const form = h('form', { class: 'form', id: 'register-form', novalidate: true },
  h('div', { class: 'error-summary-slot' }),
  groupBox('reg-org', t('h.org'),
    fieldBox(t('f.name'), name), fieldBox(t('f.frame'), frame),
    fieldBox(t('f.business_id'), businessId, t('f.business_id.hint')),
    h('label', { class: 'check', for: hasParent.id }, hasParent, t('f.federation')), parentBox,
    fieldBox(t('f.seat'), seat), munis.node,
    fieldBox(t('f.description'), description), fieldBox(t('f.website'), website, t('f.website.hint'))),
  groupBox('reg-contact', t('h.contact'),
    fieldBox(t('f.contact.name'), cName), fieldBox(t('f.contact.email'), cEmail), fieldBox(t('f.contact.phone'), cPhone)),
  maintGroup,
  groupBox('reg-terms-group', t('h.terms'), h('p', { class: 'terms-text', text: t('terms.text') }),
    h('label', { class: 'check', for: terms.id }, terms, t('f.terms')),
    h('p', { class: 'field-error', id: 'reg-terms-error', hidden: true })),
  alertBox,
  h('p', { class: 'form-actions' }, submit));

// Maintainer rows: 1..10, each with its own id (reg-maint-<n>, n from 1) and a remove button.
const MAX_MAINT = 10;
function maintInputs() { return [...maintRows.querySelectorAll('input')]; }
function renumber() {
  const rows = [...maintRows.children];
  rows.forEach((row, i) => {
    const input = row.querySelector('input');
    const values = input.value;
    input.id = `reg-maint-${i + 1}`;
    input.value = values;
    row.querySelector('label').setAttribute('for', input.id);
    row.querySelector('label').textContent = t('f.maint', { n: i + 1 });
    row.querySelector('.field-error').id = `${input.id}-error`;
    const rm = row.querySelector('button');
    rm.textContent = t('maint.remove', { n: i + 1 });
    rm.hidden = rows.length === 1;
  });
  addMaint.hidden = rows.length >= MAX_MAINT;
}
function addMaintRow(focus) {
  const input = h('input', { type: 'email', maxlength: '254', autocomplete: 'off', spellcheck: 'false', 'data-maintainer': '' });
  const rm = h('button', { type: 'button', class: 'small-button', 'data-remove-maintainer': '' });
  const row = h('div', { class: 'field maint-row' }, h('label', {}), input, ' ', rm, h('p', { class: 'field-error', hidden: true }));
  rm.addEventListener('click', () => {
    const idx = [...maintRows.children].indexOf(row);
    row.remove();
    renumber();
    const ins = maintInputs();
    (ins[Math.min(idx, ins.length - 1)] || addMaint).focus();
  });
  maintRows.append(row);
  renumber();
  if (focus) input.focus();
}
addMaint.addEventListener('click', () => addMaintRow(true));
addMaintRow(false);

const main = h('div', { class: 'register-page' },
  h('h1', { tabindex: '-1', class: 'page-title', text: t('title') }),
  h('p', { class: 'lead', text: t('lead') }), form);
view.replaceChildren(main);
view.dataset.view = 'register';
view.dataset.state = 'form';

loadRef(lang).then((ref) => {
  const sorted = [...ref.municipalityList].sort((a, b) => a.name.localeCompare(b.name, 'fi'));
  seat.append(...sorted.map((m) => h('option', { value: m.code, text: m.name })));
  munis.set(ref);
  view.dataset.ready = 'true';
}, () => {
  alertBox.replaceChildren(h('div', { class: 'error-box', role: 'alert' }, h('p', { text: t('error.generic') })));
  view.dataset.ready = 'true';
});

function lookup(f) {
  const direct = {
    name, frame, parent_id: parentId, business_id: businessId, seat_municipality: seat,
    municipalities: document.getElementById('reg-municipalities'), description, website,
    contact: cName, 'contact.name': cName, 'contact.email': cEmail, 'contact.phone': cPhone,
    terms_accepted: terms, maintainers: document.getElementById('reg-maintainers'), lang: null,
  };
  if (f in direct) return direct[f];
  const m = /^maintainers\.(\d+)$/.exec(f || '');
  if (m) return maintInputs()[Number(m[1])] || null;
  return null;
}

let sending = false;
form.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (sending) return;
  clearFieldErrors(form);
  alertBox.replaceChildren();
  const maintainers = maintInputs().map((i) => i.value.trim()).filter(Boolean);
  const body = {
    name: name.value.trim(),
    frame: frame.value,
    parent_id: hasParent.checked && parentId.value.trim() ? parentId.value.trim() : null,
    business_id: businessId.value.trim() || null,
    seat_municipality: seat.value,
    municipalities: munis.value(),
    description: description.value.trim(),
    website: website.value.trim() || null,
    contact: { name: cName.value.trim(), email: cEmail.value.trim(), phone: cPhone.value.trim() || null },
    maintainers,
    terms_accepted: terms.checked,
    lang,
  };
  sending = true;
  submit.setAttribute('aria-disabled', 'true');
  submit.textContent = t('sending');
  try {
    await apiSend('POST', 'registrations', body, lang);
    view.dataset.state = 'received';
    main.replaceChildren(h('div', { class: 'intro link-page', id: 'reg-received', role: 'status' },
      h('h1', { tabindex: '-1', text: t('received.h') }),
      h('p', { class: 'lead', text: t('received.text') }),
      h('p', {}, h('a', { href: `/?lang=${lang}`, text: t('front') }))));
    page.setTitle(t('received.h'));
    main.querySelector('h1').focus();
    window.scrollTo(0, 0);
    return;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'invalid_fields' && err.fields.length) {
      showFieldErrors(page, form, err.fields, lookup);
    } else if (err instanceof ApiError && err.status === 400 && err.field && lookup(err.field)) {
      showFieldErrors(page, form, [{ field: err.field, code: err.code }], lookup);
    } else if (err instanceof ApiError && err.status === 429) {
      alertBox.replaceChildren(h('div', { class: 'error-box', role: 'alert', 'data-throttled': '' },
        h('p', { text: err.retryAfter ? t('retryAfter', { s: err.retryAfter }) : t('tooFast') })));
      alertBox.querySelector('.error-box').setAttribute('tabindex', '-1');
      alertBox.querySelector('.error-box').focus();
    } else {
      alertBox.replaceChildren(h('div', { class: 'error-box', role: 'alert', tabindex: '-1' }, h('p', { text: t('failed') })));
      alertBox.querySelector('.error-box').focus();
    }
  } finally {
    sending = false;
    submit.removeAttribute('aria-disabled');
    submit.textContent = t('submit');
  }
});
