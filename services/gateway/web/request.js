// request.html: a professional sends the tray's activities (tray.js) one contact request
// with the client's consent (docs/contactrequests.md, POST /api/v1/contact-requests): the
// tray (each removable), the client's details, the preferred channel and language, a
// note, the consent text (GET .../consent, in the page's language) and its checkbox. One
// Idempotency-Key per form fill, reused when the same fill is sent again (a retry after a
// lost answer, a double click); a fresh one after the server has answered it. Field
// errors at their fields; success shows the receipt summary and empties the tray.

import { gatedPage, h } from './admin.js';
import { ApiError, apiGet, apiSendIdempotent } from './api.js';
import { mergeStrings, fieldBox, groupBox, showFieldErrors, clearFieldErrors } from './ssform.js';
import { fmtDate } from './card.js';
import { CR_STR } from './crwords.js';
import { trayItems, trayRemove, trayClear, searchContext, TRAY_MAX } from './tray.js';

const STR = {
  fi: {
    title: 'Yhteydenottopyyntö',
    lead: 'Asiakkaasi yhteystiedot menevät tarjottimen järjestöille, ja ne ottavat yhteyttä asiakkaaseen. Asiakas saa kuittauksen, jossa on linkki pyynnön perumiseen.',
    'gate.signinAny': 'Yhteydenottopyyntöjä lähettävät kirjautuneet ammattilaiset. Kirjaudu sisään.',
    'gate.forbiddenEditor': ({ role }) => `Olet kirjautunut sisään roolissa ${role}. Yhteydenottopyyntöjä lähettävät ammattilaiset.`,
    'tray.h': 'Tarjottimella', 'tray.empty': 'Tarjotin on tyhjä. Lisää toimintoja hakutuloksista painikkeella ”Lisää tarjottimelle”.',
    'tray.search': 'Siirry hakuun', 'tray.remove': ({ name }) => `Poista tarjottimelta: ${name}`, 'tray.removeShort': 'Poista',
    'tray.removed': ({ name }) => `${name} poistettiin tarjottimelta.`, 'tray.count': ({ n, max }) => `${n}/${max} toimintoa`,
    'client.h': 'Asiakkaan tiedot', 'first_name': 'Asiakkaan etunimi (vapaaehtoinen)', phone: 'Puhelinnumero', email: 'Sähköpostiosoite',
    'contact.hint': 'Anna puhelinnumero, sähköpostiosoite tai molemmat.',
    channel: 'Miten asiakas toivoo yhteydenottoa?', 'clang': 'Asiakkaan kieli',
    'clang.hint': 'Kuittaus ja tekstiviestit tulevat asiakkaalle tällä kielellä.',
    note: 'Viesti järjestölle (vapaaehtoinen)',
    'note.hint': 'Älä kirjoita diagnooseja tai terveystietoja, ellei asiakas itse halua. Enintään 500 merkkiä.',
    'consent.h': 'Asiakkaan suostumus', 'consent.loading': 'Ladataan suostumustekstiä…', 'consent.failed': 'Suostumustekstiä ei voitu hakea. Lataa sivu uudelleen.',
    'consent.check': 'Asiakas on antanut suostumuksensa yllä olevan tekstin mukaisesti.',
    'consent.outdated': 'Suostumusteksti on muuttunut. Lue uusi teksti asiakkaalle ja vahvista suostumus uudelleen.',
    send: 'Lähetä pyyntö', sending: 'Lähetetään…',
    failed: 'Pyyntöä ei voitu lähettää. Yritä uudelleen: samaa pyyntöä ei lähetetä kahdesti.',
    throttled: 'Olet lähettänyt paljon pyyntöjä lyhyessä ajassa. Yritä hetken kuluttua uudelleen.',
    'done.h': 'Pyyntö lähetetty',
    'done.lead': ({ n }) => (n === 1 ? 'Pyyntö lähti yhdelle järjestölle:' : `Pyyntö lähti ${n} järjestölle:`),
    'done.promise': ({ n, date }) => `lupaa vastata ${n} arkipäivän kuluessa, viimeistään ${date}`,
    'done.sms': ({ to }) => `Asiakkaalle lähti kuittaus tekstiviestinä numeroon ${to}.`,
    'done.email': ({ to }) => `Asiakkaalle lähti kuittaus sähköpostiin ${to}.`,
    'done.none': 'Asiakkaalle ei voitu lähettää kuittausta (ei matkapuhelinnumeroa eikä sähköpostia). Kerro hänelle, mille järjestöille pyyntö lähti.',
    'done.mine': 'Omat pyynnöt', 'done.search': 'Uusi haku',
    'err.contact_required': 'Anna puhelinnumero tai sähköpostiosoite; valittu yhteydenottotapa tarvitsee sen.',
    'err.phone_invalid': 'Tarkista puhelinnumero, esimerkiksi 040 123 4567.',
    'err.mobile_required': 'Tekstiviesti tarvitsee suomalaisen matkapuhelinnumeron.',
    'err.email_invalid': 'Tarkista sähköpostiosoite, esimerkiksi nimi@esimerkki.fi.',
    'err.email_required': 'Sähköposti yhteydenottotapana tarvitsee sähköpostiosoitteen.',
    'err.consent_required': 'Pyynnön voi lähettää vain asiakkaan suostumuksella.',
    'err.not_found': 'Toiminto ei ole enää haettavissa. Poista se tarjottimelta.',
    'err.not_accepting': 'Toiminto ei enää ota vastaan yhteydenottopyyntöjä. Poista se tarjottimelta.',
    'err.duplicate': 'Sama toiminto on tarjottimella kahdesti.', 'err.too_many': 'Tarjottimella on liian monta toimintoa.',
    'err.tray_required': 'Lisää tarjottimelle ainakin yksi toiminto.',
  },
  sv: {
    title: 'Kontaktförfrågan',
    lead: 'Klientens kontaktuppgifter går till organisationerna på brickan, och de kontaktar klienten. Klienten får en kvittering med en länk för att återkalla förfrågan.',
    'gate.signinAny': 'Kontaktförfrågningar skickas av inloggade yrkespersoner. Logga in.',
    'gate.forbiddenEditor': ({ role }) => `Du är inloggad i rollen ${role}. Kontaktförfrågningar skickas av yrkespersoner.`,
    'tray.h': 'På brickan', 'tray.empty': 'Brickan är tom. Lägg till verksamheter från sökresultaten med knappen ”Lägg på brickan”.',
    'tray.search': 'Till sökningen', 'tray.remove': ({ name }) => `Ta bort från brickan: ${name}`, 'tray.removeShort': 'Ta bort',
    'tray.removed': ({ name }) => `${name} togs bort från brickan.`, 'tray.count': ({ n, max }) => `${n}/${max} verksamheter`,
    'client.h': 'Klientens uppgifter', 'first_name': 'Klientens förnamn (frivilligt)', phone: 'Telefonnummer', email: 'E-postadress',
    'contact.hint': 'Ge ett telefonnummer, en e-postadress eller båda.',
    channel: 'Hur vill klienten bli kontaktad?', 'clang': 'Klientens språk',
    'clang.hint': 'Kvitteringen och textmeddelandena kommer till klienten på detta språk.',
    note: 'Meddelande till organisationen (frivilligt)',
    'note.hint': 'Skriv inte diagnoser eller hälsouppgifter om inte klienten själv vill det. Högst 500 tecken.',
    'consent.h': 'Klientens samtycke', 'consent.loading': 'Laddar samtyckestexten…', 'consent.failed': 'Samtyckestexten kunde inte hämtas. Ladda om sidan.',
    'consent.check': 'Klienten har gett sitt samtycke enligt texten ovan.',
    'consent.outdated': 'Samtyckestexten har ändrats. Läs den nya texten för klienten och bekräfta samtycket på nytt.',
    send: 'Skicka förfrågan', sending: 'Skickar…',
    failed: 'Förfrågan kunde inte skickas. Försök igen: samma förfrågan skickas inte två gånger.',
    throttled: 'Du har skickat många förfrågningar på kort tid. Försök igen om en stund.',
    'done.h': 'Förfrågan skickad',
    'done.lead': ({ n }) => (n === 1 ? 'Förfrågan gick till en organisation:' : `Förfrågan gick till ${n} organisationer:`),
    'done.promise': ({ n, date }) => `lovar att svara inom ${n} arbetsdagar, senast ${date}`,
    'done.sms': ({ to }) => `Klienten fick en kvittering som textmeddelande till ${to}.`,
    'done.email': ({ to }) => `Klienten fick en kvittering per e-post till ${to}.`,
    'done.none': 'Ingen kvittering kunde skickas till klienten (inget mobilnummer och ingen e-post). Berätta för klienten vilka organisationer förfrågan gick till.',
    'done.mine': 'Mina förfrågningar', 'done.search': 'Ny sökning',
    'err.contact_required': 'Ge ett telefonnummer eller en e-postadress; det valda kontaktsättet behöver det.',
    'err.phone_invalid': 'Kontrollera telefonnumret, till exempel 040 123 4567.',
    'err.mobile_required': 'Textmeddelanden behöver ett finskt mobilnummer.',
    'err.email_invalid': 'Kontrollera e-postadressen, till exempel namn@exempel.fi.',
    'err.email_required': 'E-post som kontaktsätt behöver en e-postadress.',
    'err.consent_required': 'Förfrågan kan skickas bara med klientens samtycke.',
    'err.not_found': 'Verksamheten går inte längre att söka. Ta bort den från brickan.',
    'err.not_accepting': 'Verksamheten tar inte längre emot kontaktförfrågningar. Ta bort den från brickan.',
    'err.duplicate': 'Samma verksamhet finns två gånger på brickan.', 'err.too_many': 'För många verksamheter på brickan.',
    'err.tray_required': 'Lägg minst en verksamhet på brickan.',
  },
  en: {
    title: 'Contact request',
    lead: 'Your client’s contact details go to the associations on the tray, and they contact the client. The client gets a receipt with a link to withdraw the request.',
    'gate.signinAny': 'Contact requests are sent by signed-in professionals. Sign in.',
    'gate.forbiddenEditor': ({ role }) => `You are signed in as ${role}. Contact requests are sent by professionals.`,
    'tray.h': 'On the tray', 'tray.empty': 'The tray is empty. Add activities from the search results with the button “Add to tray”.',
    'tray.search': 'Go to the search', 'tray.remove': ({ name }) => `Remove from the tray: ${name}`, 'tray.removeShort': 'Remove',
    'tray.removed': ({ name }) => `${name} was removed from the tray.`, 'tray.count': ({ n, max }) => `${n}/${max} activities`,
    'client.h': 'The client', 'first_name': 'Client’s first name (optional)', phone: 'Phone number', email: 'E-mail address',
    'contact.hint': 'Give a phone number, an e-mail address or both.',
    channel: 'How does the client want to be contacted?', 'clang': 'Client’s language',
    'clang.hint': 'The receipt and text messages reach the client in this language.',
    note: 'Note to the association (optional)',
    'note.hint': 'Do not write diagnoses or health details unless the client wants you to. At most 500 characters.',
    'consent.h': 'The client’s consent', 'consent.loading': 'Loading the consent text…', 'consent.failed': 'The consent text could not be fetched. Reload the page.',
    'consent.check': 'The client has given their consent as the text above says.',
    'consent.outdated': 'The consent text has changed. Read the new text to the client and confirm the consent again.',
    send: 'Send the request', sending: 'Sending…',
    failed: 'The request could not be sent. Try again: the same request is never sent twice.',
    throttled: 'You have sent many requests in a short time. Try again in a while.',
    'done.h': 'Request sent',
    'done.lead': ({ n }) => (n === 1 ? 'The request went to one association:' : `The request went to ${n} associations:`),
    'done.promise': ({ n, date }) => `promises to reply within ${n} working days, by ${date}`,
    'done.sms': ({ to }) => `The client got a receipt by text message to ${to}.`,
    'done.email': ({ to }) => `The client got a receipt by e-mail to ${to}.`,
    'done.none': 'No receipt could be sent to the client (no mobile number and no e-mail). Tell the client which associations the request went to.',
    'done.mine': 'My requests', 'done.search': 'New search',
    'err.contact_required': 'Give a phone number or an e-mail address; the chosen channel needs it.',
    'err.phone_invalid': 'Check the phone number, for example 040 123 4567.',
    'err.mobile_required': 'A text message needs a Finnish mobile number.',
    'err.email_invalid': 'Check the e-mail address, for example name@example.fi.',
    'err.email_required': 'E-mail as the channel needs an e-mail address.',
    'err.consent_required': 'A request can be sent only with the client’s consent.',
    'err.not_found': 'The activity can no longer be found. Remove it from the tray.',
    'err.not_accepting': 'The activity no longer takes contact requests. Remove it from the tray.',
    'err.duplicate': 'The same activity is on the tray twice.', 'err.too_many': 'Too many activities on the tray.',
    'err.tray_required': 'Put at least one activity on the tray.',
  },
};

// 22 characters of base64url (128 random bits): the send's Idempotency-Key.
function newKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// The API's {field, code} as this form's words (the same code means different things at
// different fields).
function ownCode(e, channel) {
  if (e.field === 'client.phone' && e.code === 'required') return 'contact_required';
  if (e.field === 'client.phone' && e.code === 'invalid') return channel === 'sms' ? 'mobile_required' : 'phone_invalid';
  if (e.field === 'client.email' && e.code === 'invalid') return 'email_invalid';
  if (e.field === 'client.email' && e.code === 'required') return 'email_required';
  if (e.field === 'consent.given') return 'consent_required';
  if (e.field === 'activities' && e.code === 'required') return 'tray_required';
  return e.code;
}

for (const l of ['fi', 'sv', 'en']) STR[l]['err.consent_outdated'] = STR[l]['consent.outdated'];

gatedPage({
  key: 'request',
  role: 'professional',
  strings: mergeStrings(CR_STR, STR),
  async render(page, region) {
    const { t, lang } = page;
    let key = newKey();
    let consent = null;
    let busy = false;

    region.append(h('p', { class: 'lead', text: t('lead') }),
      h('p', {}, h('a', { href: `/my-requests.html?lang=${lang}`, 'data-my-requests-link': '', text: t('done.mine') })));
    const trayBox = h('div', { id: 'cr-tray' });
    const summarySlot = h('div', { class: 'error-summary-slot' });
    const input = (id, type, attrs = {}) => h(type === 'textarea' ? 'textarea' : 'input', {
      id, name: id, type: type === 'textarea' ? null : type, autocomplete: 'off', ...attrs,
    });
    const first = input('cr-first-name', 'text', { maxlength: '60' });
    const phone = input('cr-phone', 'tel', { maxlength: '40', inputmode: 'tel' });
    const email = input('cr-email', 'email', { maxlength: '254' });
    const note = input('cr-note', 'textarea', { maxlength: '500', rows: '3' });
    const radios = (name, values, wordKey, checked) => values.map((v) => {
      const r = h('input', { type: 'radio', name, id: `${name}-${v}`, value: v, checked: v === checked });
      return h('label', { class: 'check', for: r.id }, r, t(wordKey + v));
    });
    const channel = groupBox('cr-channel', t('channel'), h('div', { class: 'check-row' }, radios('cr-channel-v', ['call', 'sms', 'email'], 'ch.', 'call')));
    const clang = groupBox('cr-lang', t('clang'), h('p', { class: 'hint', text: t('clang.hint') }),
      h('div', { class: 'check-row' }, radios('cr-lang-v', ['fi', 'sv', 'en'], 'lng.', lang)));
    const consentText = h('div', { class: 'consent-text', id: 'cr-consent-text', 'aria-live': 'polite' }, h('p', { class: 'muted', text: t('consent.loading') }));
    const consentBox = h('input', { type: 'checkbox', id: 'cr-consent', 'aria-describedby': 'cr-consent-text' });
    const consentGroup = h('section', { class: 'consent', 'aria-labelledby': 'cr-consent-h' },
      h('h2', { id: 'cr-consent-h', text: t('consent.h') }), consentText,
      h('div', { class: 'field' }, h('label', { class: 'check', for: consentBox.id }, consentBox, t('consent.check')),
        h('p', { class: 'field-error', id: 'cr-consent-error', hidden: true })));
    const submit = h('button', { type: 'submit', class: 'button', id: 'cr-send', 'data-send': '', text: t('send') });
    const status = h('p', { class: 'status-line', role: 'status', id: 'cr-status' });
    const form = h('form', { class: 'form', id: 'cr-form', novalidate: true },
      summarySlot, trayBox,
      h('h2', { text: t('client.h') }),
      h('p', { class: 'hint', id: 'cr-contact-hint', text: t('contact.hint') }),
      fieldBox(t('first_name'), first), fieldBox(t('phone'), phone), fieldBox(t('email'), email),
      channel, clang, fieldBox(t('note'), note, t('note.hint')), consentGroup,
      h('p', { class: 'form-actions' }, submit), status);
    phone.setAttribute('aria-describedby', 'cr-contact-hint');
    email.setAttribute('aria-describedby', 'cr-contact-hint');

    function drawTray() {
      const items = trayItems();
      trayBox.replaceChildren(
        h('h2', { id: 'cr-tray-h', text: t('tray.h') }),
        items.length ? h('p', { class: 'muted', text: t('tray.count', { n: items.length, max: TRAY_MAX }) }) : null,
        items.length
          ? h('div', { class: 'tray-list', 'data-tray-items': String(items.length) }, items.map((it, i) => h('fieldset', { class: 'tray-row', id: `cr-act-${i}`, tabindex: '-1', 'data-activity': it.id },
            h('legend', {}, h('span', { class: 'tray-name', text: it.name }), it.organization ? h('span', { class: 'muted', text: ` – ${it.organization}` }) : null),
            h('button', {
              type: 'button', class: 'small-button', 'data-remove': it.id, 'aria-label': t('tray.remove', { name: it.name }), text: t('tray.removeShort'),
              onclick: () => {
                trayRemove(it.id);
                drawTray();
                page.announce(t('tray.removed', { name: it.name }));
                const next = trayBox.querySelector('[data-remove]') || trayBox.querySelector('a') || trayBox.querySelector('h2');
                if (next) { if (next.tagName === 'H2') next.tabIndex = -1; next.focus(); }
              },
            }),
            h('p', { class: 'field-error', id: `cr-act-${i}-error`, hidden: true }))))
          : h('div', { class: 'notice', id: 'cr-act', tabindex: '-1' }, h('p', { text: t('tray.empty') }),
            h('p', {}, h('a', { href: `/?lang=${lang}`, text: t('tray.search') })),
            h('p', { class: 'field-error', id: 'cr-act-error', hidden: true })));
      submit.disabled = !items.length;
    }

    async function loadConsent() {
      try {
        consent = await apiGet('contact-requests/consent', null, lang);
        const texts = consent.texts || {};
        consentText.replaceChildren(...String(texts[lang] || texts.fi || '').split(/\n{2,}/).map((p) => h('p', { class: 'pre-line', text: p })));
        consentText.dataset.version = consent.version || '';
      } catch (err) {
        consent = null;
        consentText.replaceChildren(h('p', { class: 'error-box', role: 'alert', text: t('consent.failed') }));
      }
    }

    const checked = (name) => (form.querySelector(`input[name="${name}"]:checked`) || {}).value;
    const lookup = (field) => {
      const m = /^activities\.(\d+)$/.exec(field || '');
      if (m) return document.getElementById(`cr-act-${m[1]}`);
      return {
        'client.first_name': first, 'client.phone': phone, 'client.email': email, channel: document.getElementById('cr-channel'),
        lang: document.getElementById('cr-lang'), note, 'consent.given': consentBox, 'consent.version': consentBox,
        activities: document.getElementById('cr-act-0') || document.getElementById('cr-act'), client: phone,
      }[field] || null;
    };

    function showDone(res) {
      trayClear();
      const reqs = res.requests || [];
      const r = res.receipt;
      region.replaceChildren(h('section', { class: 'confirm-box', id: 'cr-done', 'data-sent': res.id || '', 'aria-labelledby': 'cr-done-h' },
        h('h2', { id: 'cr-done-h', tabindex: '-1', text: t('done.h') }),
        h('p', { text: t('done.lead', { n: reqs.length }) }),
        h('ul', { class: 'cr-receipt' }, reqs.map((q) => h('li', { 'data-request': q.id || '' },
          h('strong', { text: (q.organization && q.organization.name) || '' }), ': ', (q.activity && q.activity.name) || '',
          q.response_days ? h('span', { text: ` – ${t('done.promise', { n: q.response_days, date: fmtDate(q.due, lang) })}` }) : null))),
        h('p', { 'data-receipt': r ? r.channel : 'none', text: r ? t(r.channel === 'sms' ? 'done.sms' : 'done.email', { to: r.to || '' }) : t('done.none') }),
        h('p', { class: 'link-actions' },
          h('a', { class: 'button', href: `/my-requests.html?lang=${lang}`, text: t('done.mine') }),
          h('a', { href: `/?lang=${lang}`, text: t('done.search') }))));
      region.querySelector('#cr-done-h').focus();
      page.announce(t('done.h'));
    }

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (busy) return;
      clearFieldErrors(form);
      status.textContent = '';
      const items = trayItems();
      const ch = checked('cr-channel-v') || 'call';
      const body = {
        activities: items.map((x) => x.id),
        client: { first_name: first.value.trim(), phone: phone.value.trim(), email: email.value.trim() },
        channel: ch,
        lang: checked('cr-lang-v') || lang,
        note: note.value.trim(),
        consent: { version: (consent && consent.version) || '', given: consentBox.checked },
      };
      for (const k of ['first_name', 'phone', 'email']) if (!body.client[k]) delete body.client[k];
      const ctx = searchContext();
      if (ctx.need || ctx.municipality) body.context = ctx;
      busy = true;
      submit.disabled = true;
      submit.textContent = t('sending');
      status.textContent = t('sending');
      try {
        const { data } = await apiSendIdempotent('contact-requests', body, lang, key);
        showDone(data);
        return;
      } catch (err) {
        status.textContent = '';
        // A definite answer used this fill's key up; a lost one did not (the same key again
        // gives the first answer, never a second send).
        if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 408) key = newKey();
        if (page.refused(err)) { page.deny(null); return; }
        if (err instanceof ApiError && err.code === 'invalid_fields') {
          const outdated = err.fields.some((f) => f.field === 'consent.version');
          if (outdated) { await loadConsent(); consentBox.checked = false; }
          const errs = err.fields.filter((f) => !/^context/.test(f.field)).map((f) => ({ ...f, code: f.field === 'consent.version' ? 'outdated' : ownCode(f, ch) }));
          showFieldErrors(page, form, errs.map((f) => (f.code === 'outdated' ? { ...f, code: 'consent_outdated' } : f)), lookup);
        } else if (err instanceof ApiError && err.status === 400 && err.field) {
          showFieldErrors(page, form, [{ field: err.field, code: ownCode(err, ch) }], lookup);
        } else if (err instanceof ApiError && err.status === 429) {
          status.textContent = t('throttled');
        } else {
          status.textContent = t('failed');
        }
      } finally {
        busy = false;
        if (region.contains(submit)) {
          submit.textContent = t('send');
          submit.disabled = !trayItems().length;
        }
      }
    });

    drawTray();
    region.append(form);
    await loadConsent();
  },
});
