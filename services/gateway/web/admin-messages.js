// admin-messages.html: the messages Tarjotin has sent, newest first, and the dead letters
// (re-queued from here); a test e-mail or SMS. For administrators, by their session
// (the interim admin token is gone).

import { gatedPage, h, field, fieldError } from './admin.js';
import { apiGet, apiSend } from './api.js';

const STR = {
  fi: {
    title: 'Viestit',
    intro: 'Tarjottimen lähettämät sähköpostit ja tekstiviestit, uusimmat ensin. Vastaanottajat näytetään peitettyinä.',
    'send.h': 'Lähetä testiviesti', 'send.channel': 'Kanava', 'ch.email': 'Sähköposti', 'ch.sms': 'Tekstiviesti',
    'send.to': 'Vastaanottaja (sähköpostiosoite tai matkapuhelinnumero)', 'send.lang': 'Viestin kieli', 'send.button': 'Lähetä',
    'list.h': 'Viimeisimmät viestit', refresh: 'Päivitä',
    'col.created': 'Luotu', 'col.channel': 'Kanava', 'col.to': 'Vastaanottaja', 'col.template': 'Pohja',
    'col.status': 'Tila', 'col.attempts': 'Yrityksiä', 'col.error': 'Viimeisin virhe',
    'dead.h': 'Epäonnistuneet (dead letter)', 'dead.intro': 'Nämä viestit epäonnistuivat kaikilla yrityksillä. Korjaa syy ja lähetä uudelleen.',
    'dead.none': 'Ei epäonnistuneita viestejä.', requeue: 'Lähetä uudelleen', 'list.none': 'Ei viestejä vielä.',
    queued: 'jonossa', sent: 'lähetetty', delivered: 'perillä', failed: 'epäonnistui, yritetään uudelleen', dead: 'epäonnistui',
    sentOk: 'Viesti on jonossa.', requeued: 'Viesti lähetetään uudelleen.',
    loaded: ({ n }) => `${n} viestiä ladattu.`,
  },
  sv: {
    title: 'Meddelanden',
    intro: 'E-post och SMS som Tarjotin har skickat, de senaste först. Mottagarna visas maskerade.',
    'send.h': 'Skicka ett testmeddelande', 'send.channel': 'Kanal', 'ch.email': 'E-post', 'ch.sms': 'SMS',
    'send.to': 'Mottagare (e-postadress eller mobilnummer)', 'send.lang': 'Meddelandets språk', 'send.button': 'Skicka',
    'list.h': 'Senaste meddelanden', refresh: 'Uppdatera',
    'col.created': 'Skapat', 'col.channel': 'Kanal', 'col.to': 'Mottagare', 'col.template': 'Mall',
    'col.status': 'Status', 'col.attempts': 'Försök', 'col.error': 'Senaste fel',
    'dead.h': 'Misslyckade (dead letter)', 'dead.intro': 'Dessa meddelanden misslyckades vid alla försök. Åtgärda orsaken och skicka igen.',
    'dead.none': 'Inga misslyckade meddelanden.', requeue: 'Skicka igen', 'list.none': 'Inga meddelanden ännu.',
    queued: 'i kö', sent: 'skickat', delivered: 'levererat', failed: 'misslyckades, försöker igen', dead: 'misslyckades',
    sentOk: 'Meddelandet står i kö.', requeued: 'Meddelandet skickas igen.',
    loaded: ({ n }) => `${n} meddelanden laddade.`,
  },
  en: {
    title: 'Messages',
    intro: 'E-mails and text messages Tarjotin has sent, newest first. Recipients are shown masked.',
    'send.h': 'Send a test message', 'send.channel': 'Channel', 'ch.email': 'E-mail', 'ch.sms': 'Text message',
    'send.to': 'Recipient (e-mail address or mobile number)', 'send.lang': 'Message language', 'send.button': 'Send',
    'list.h': 'Recent messages', refresh: 'Refresh',
    'col.created': 'Created', 'col.channel': 'Channel', 'col.to': 'Recipient', 'col.template': 'Template',
    'col.status': 'Status', 'col.attempts': 'Attempts', 'col.error': 'Last error',
    'dead.h': 'Failed (dead letters)', 'dead.intro': 'These messages failed on every attempt. Fix the cause and send them again.',
    'dead.none': 'No failed messages.', requeue: 'Send again', 'list.none': 'No messages yet.',
    queued: 'queued', sent: 'sent', delivered: 'delivered', failed: 'failed, retrying', dead: 'failed',
    sentOk: 'The message is queued.', requeued: 'The message will be sent again.',
    loaded: ({ n }) => `${n} messages loaded.`,
  },
};

const COLS = ['created', 'channel', 'to', 'template', 'status', 'attempts', 'error'];

gatedPage({
  key: 'messages',
  strings: STR,
  async render(page, region) {
    const { t, lang } = page;
    const say = (msg) => { status.textContent = msg; };
    const status = h('p', { id: 'status', class: 'status-line', role: 'status' });
    const to = h('input', { type: 'text', id: 'to', name: 'to', required: true, autocomplete: 'off' });
    const msgLang = h('select', { id: 'msg-lang', name: 'lang' },
      h('option', { value: 'fi', lang: 'fi', text: 'suomi' }), h('option', { value: 'sv', lang: 'sv', text: 'svenska' }), h('option', { value: 'en', lang: 'en', text: 'English' }));
    const radio = (value, checked) => h('label', { class: 'check' },
      h('input', { type: 'radio', name: 'channel', value, checked }), t('ch.' + value));
    const form = h('form', { id: 'send-form', class: 'form', novalidate: true, 'aria-labelledby': 'send-h' },
      h('fieldset', {}, h('legend', { text: t('send.channel') }), radio('email', true), radio('sms', false)),
      field(t('send.to'), to), field(t('send.lang'), msgLang),
      h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button', text: t('send.button') })));
    const tbody = h('tbody');
    const dead = h('ul', { id: 'dead', class: 'plain-list' });
    const refresh = h('button', { type: 'button', id: 'refresh', class: 'button secondary', text: t('refresh') });

    const cell = (text, cls) => h('td', { class: cls || null, text: text ?? '' });
    async function load() {
      try {
        const [{ messages }, { dead_letters: deadLetters }] = await Promise.all([
          apiGet('admin/messages', { limit: 100 }, lang), apiGet('admin/dead-letters', null, lang)]);
        tbody.replaceChildren(...(messages.length ? messages.map((m) => h('tr', {},
          cell(page.fmtTime(m.created_at)), cell(t('ch.' + m.channel)), cell(m.recipient), cell(m.template),
          cell(t(m.status), `st-${m.status}`), cell(String(m.attempts)), cell(m.last_error)))
          : [h('tr', {}, h('td', { colspan: String(COLS.length), text: t('list.none') }))]));
        dead.replaceChildren(...(deadLetters.length ? deadLetters.map((d) => h('li', {},
          `${page.fmtTime(d.updated_at)} · ${t('ch.' + d.channel)} · ${d.recipient} · ${d.last_error ?? ''} `,
          h('button', {
            type: 'button', class: 'small-button', 'aria-label': `${t('requeue')}: ${d.recipient}`, text: t('requeue'),
            onclick: async () => {
              try { await apiSend('POST', `admin/dead-letters/${encodeURIComponent(d.job_id)}/requeue`, {}, lang); await load(); say(t('requeued')); } catch (e) { say(e.message); }
            },
          }))) : [h('li', { text: t('dead.none') })]));
        say(t('loaded', { n: messages.length }));
      } catch (e) {
        if (page.refused(e)) { page.deny(null); return; }
        say(`${t('load.failed')} ${e.message}`);
      }
    }
    refresh.addEventListener('click', load);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const f = new FormData(form);
      fieldError(to, 'to-error', '');
      try {
        await apiSend('POST', 'admin/messages', {
          channel: f.get('channel'), to: f.get('to'), template: 'test', lang: f.get('lang'),
          vars: { sent_by: 'admin', sent_at: new Date().toLocaleString(f.get('lang') === 'en' ? 'en-GB' : f.get('lang')) },
        }, lang);
        await load();
        say(t('sentOk'));
      } catch (e) {
        if (page.refused(e)) { page.deny(null); return; }
        if (e.field === 'to') { fieldError(to, 'to-error', e.message); to.focus(); }
        say(e.message);
      }
    });
    await load();
    if (page.denied) return;
    region.append(
      h('p', { class: 'lead', text: t('intro') }),
      status,
      h('section', { class: 'panel', 'aria-labelledby': 'send-h' }, h('h2', { id: 'send-h', text: t('send.h') }), form),
      h('section', { 'aria-labelledby': 'list-h' },
        h('h2', { id: 'list-h', text: t('list.h') }),
        h('p', {}, refresh),
        h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'list-h' },
          h('table', { id: 'messages', class: 'data-table' },
            h('thead', {}, h('tr', {}, COLS.map((c) => h('th', { scope: 'col', text: t('col.' + c) })))),
            tbody))),
      h('section', { 'aria-labelledby': 'dead-h' },
        h('h2', { id: 'dead-h', text: t('dead.h') }), h('p', { text: t('dead.intro') }), dead));
  },
});
