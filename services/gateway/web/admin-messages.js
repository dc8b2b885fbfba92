// The admin messages page: lists recent messages and dead letters, sends a
// test e-mail or SMS, re-queues dead letters.  The admin token (interim,
// until accounts exist) is kept in sessionStorage only.
const STR = {
  fi: {
    skip: 'Siirry pääsisältöön', brand: 'Tarjotin', area: 'ylläpito', lang: 'Kieli', h1: 'Viestit',
    intro: 'Tarjottimen lähettämät sähköpostit ja tekstiviestit, uusimmat ensin. Vastaanottajat näytetään peitettyinä.',
    'login.h': 'Kirjaudu ylläpitoon', 'login.label': 'Ylläpidon tunniste (TARJOTIN_ADMIN_TOKEN)',
    'login.hint': 'Väliaikainen tapa, kunnes käyttäjätilit ovat valmiina. Tunniste säilyy vain tämän välilehden ajan.',
    'login.button': 'Kirjaudu', logout: 'Kirjaudu ulos', 'send.h': 'Lähetä testiviesti', 'send.channel': 'Kanava',
    'ch.email': 'Sähköposti', 'ch.sms': 'Tekstiviesti',
    'send.to': 'Vastaanottaja (sähköpostiosoite tai matkapuhelinnumero)', 'send.lang': 'Viestin kieli',
    'send.button': 'Lähetä', 'list.h': 'Viimeisimmät viestit', refresh: 'Päivitä',
    'col.created': 'Luotu', 'col.channel': 'Kanava', 'col.to': 'Vastaanottaja', 'col.template': 'Pohja',
    'col.status': 'Tila', 'col.attempts': 'Yrityksiä', 'col.error': 'Viimeisin virhe',
    'dead.h': 'Epäonnistuneet (dead letter)', 'dead.intro': 'Nämä viestit epäonnistuivat kaikilla yrityksillä. Korjaa syy ja lähetä uudelleen.',
    'dead.none': 'Ei epäonnistuneita viestejä.', requeue: 'Lähetä uudelleen', none: 'Ei viestejä vielä.',
    queued: 'jonossa', sent: 'lähetetty', delivered: 'perillä', failed: 'epäonnistui, yritetään uudelleen', dead: 'epäonnistui',
    sentOk: 'Viesti on jonossa.', requeued: 'Viesti lähetetään uudelleen.', badToken: 'Tunniste ei kelpaa.',
    loaded: (n) => `${n} viestiä ladattu.`, failedLoad: 'Lataus epäonnistui: ',
  },
  sv: {
    skip: 'Till huvudinnehållet', brand: 'Tarjotin', area: 'administration', lang: 'Språk', h1: 'Meddelanden',
    intro: 'E-post och SMS som Tarjotin har skickat, de senaste först. Mottagarna visas maskerade.',
    'login.h': 'Logga in som administratör', 'login.label': 'Administratörsnyckel (TARJOTIN_ADMIN_TOKEN)',
    'login.hint': 'Ett tillfälligt sätt tills användarkonton finns. Nyckeln sparas bara för den här fliken.',
    'login.button': 'Logga in', logout: 'Logga ut', 'send.h': 'Skicka ett testmeddelande', 'send.channel': 'Kanal',
    'ch.email': 'E-post', 'ch.sms': 'SMS', 'send.to': 'Mottagare (e-postadress eller mobilnummer)',
    'send.lang': 'Meddelandets språk', 'send.button': 'Skicka', 'list.h': 'Senaste meddelanden', refresh: 'Uppdatera',
    'col.created': 'Skapat', 'col.channel': 'Kanal', 'col.to': 'Mottagare', 'col.template': 'Mall',
    'col.status': 'Status', 'col.attempts': 'Försök', 'col.error': 'Senaste fel',
    'dead.h': 'Misslyckade (dead letter)', 'dead.intro': 'Dessa meddelanden misslyckades vid alla försök. Åtgärda orsaken och skicka igen.',
    'dead.none': 'Inga misslyckade meddelanden.', requeue: 'Skicka igen', none: 'Inga meddelanden ännu.',
    queued: 'i kö', sent: 'skickat', delivered: 'levererat', failed: 'misslyckades, försöker igen', dead: 'misslyckades',
    sentOk: 'Meddelandet står i kö.', requeued: 'Meddelandet skickas igen.', badToken: 'Nyckeln duger inte.',
    loaded: (n) => `${n} meddelanden laddade.`, failedLoad: 'Laddningen misslyckades: ',
  },
  en: {
    skip: 'Skip to main content', brand: 'Tarjotin', area: 'administration', lang: 'Language', h1: 'Messages',
    intro: 'E-mails and text messages Tarjotin has sent, newest first. Recipients are shown masked.',
    'login.h': 'Sign in to administration', 'login.label': 'Admin token (TARJOTIN_ADMIN_TOKEN)',
    'login.hint': 'An interim way until user accounts exist. The token is kept for this tab only.',
    'login.button': 'Sign in', logout: 'Sign out', 'send.h': 'Send a test message', 'send.channel': 'Channel',
    'ch.email': 'E-mail', 'ch.sms': 'Text message', 'send.to': 'Recipient (e-mail address or mobile number)',
    'send.lang': 'Message language', 'send.button': 'Send', 'list.h': 'Recent messages', refresh: 'Refresh',
    'col.created': 'Created', 'col.channel': 'Channel', 'col.to': 'Recipient', 'col.template': 'Template',
    'col.status': 'Status', 'col.attempts': 'Attempts', 'col.error': 'Last error',
    'dead.h': 'Failed (dead letters)', 'dead.intro': 'These messages failed on every attempt. Fix the cause and send them again.',
    'dead.none': 'No failed messages.', requeue: 'Send again', none: 'No messages yet.',
    queued: 'queued', sent: 'sent', delivered: 'delivered', failed: 'failed, retrying', dead: 'failed',
    sentOk: 'The message is queued.', requeued: 'The message will be sent again.', badToken: 'The token is not valid.',
    loaded: (n) => `${n} messages loaded.`, failedLoad: 'Loading failed: ',
  },
};

let lang = new URLSearchParams(location.search).get('lang') || sessionStorage.getItem('tj.lang') || 'fi';
if (!STR[lang]) lang = 'fi';
const t = (k, ...a) => { const v = STR[lang][k] ?? STR.fi[k] ?? k; return typeof v === 'function' ? v(...a) : v; };
const $ = (s) => document.querySelector(s);
const say = (msg) => { $('#status').textContent = msg; };
const token = () => sessionStorage.getItem('tj.admin') || '';

function applyLang() {
  document.documentElement.lang = lang;
  document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll('[data-i18n-aria]').forEach((el) => el.setAttribute('aria-label', t(el.dataset.i18nAria)));
  document.querySelectorAll('[data-lang]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.lang === lang)));
  document.title = `${t('h1')} – Tarjotin`;
}

async function api(path, opts = {}) {
  const r = await fetch(path, { ...opts, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token()}`, ...(opts.headers || {}) } });
  const body = await r.json().catch(() => ({}));
  if (r.status === 401) { sessionStorage.removeItem('tj.admin'); show(); throw new Error(t('badToken')); }
  if (!r.ok) { const e = new Error(body.error?.message || String(r.status)); e.field = body.error?.field; throw e; }
  return body;
}

const fmt = (s) => (s ? new Date(s).toLocaleString(lang === 'en' ? 'en-GB' : lang) : '');

function cell(tr, text, cls) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (cls) td.className = cls;
  tr.append(td);
}

async function load() {
  try {
    const [{ messages }, { dead_letters: dead }] = await Promise.all([
      api('/api/v1/admin/messages?limit=100'), api('/api/v1/admin/dead-letters')]);
    const tbody = $('#messages tbody');
    tbody.replaceChildren();
    if (!messages.length) { const tr = document.createElement('tr'); cell(tr, t('none')); tr.firstChild.colSpan = 7; tbody.append(tr); }
    for (const m of messages) {
      const tr = document.createElement('tr');
      cell(tr, fmt(m.created_at)); cell(tr, t(`ch.${m.channel}`)); cell(tr, m.recipient); cell(tr, m.template);
      cell(tr, t(m.status), `st-${m.status}`); cell(tr, String(m.attempts)); cell(tr, m.last_error);
      tbody.append(tr);
    }
    const ul = $('#dead');
    ul.replaceChildren();
    if (!dead.length) { const li = document.createElement('li'); li.textContent = t('dead.none'); ul.append(li); }
    for (const d of dead) {
      const li = document.createElement('li');
      li.textContent = `${fmt(d.updated_at)} · ${t(`ch.${d.channel}`)} · ${d.recipient} · ${d.last_error ?? ''}`;
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = t('requeue');
      b.setAttribute('aria-label', `${t('requeue')}: ${d.recipient}`);
      b.addEventListener('click', async () => {
        try { await api(`/api/v1/admin/dead-letters/${d.job_id}/requeue`, { method: 'POST' }); say(t('requeued')); load(); } catch (e) { say(e.message); }
      });
      li.append(b);
      ul.append(li);
    }
    say(t('loaded', messages.length));
  } catch (e) { say(t('failedLoad') + e.message); }
}

function show() {
  const inside = !!token();
  $('#login').hidden = inside;
  $('#app').hidden = !inside;
  if (inside) load();
}

document.addEventListener('DOMContentLoaded', () => {
  applyLang();
  document.querySelectorAll('[data-lang]').forEach((b) => b.addEventListener('click', () => {
    lang = b.dataset.lang; sessionStorage.setItem('tj.lang', lang); applyLang(); if (token()) load();
  }));
  $('#login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    sessionStorage.setItem('tj.admin', $('#token').value.trim());
    $('#token').value = '';
    show();
  });
  $('#logout').addEventListener('click', () => { sessionStorage.removeItem('tj.admin'); show(); $('#token').focus(); });
  $('#refresh').addEventListener('click', load);
  $('#send-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const err = $('#to-error');
    err.hidden = true;
    $('#to').removeAttribute('aria-invalid');
    try {
      await api('/api/v1/admin/messages', { method: 'POST', body: JSON.stringify({
        channel: f.get('channel'), to: f.get('to'), template: 'test', lang: f.get('lang'),
        vars: { sent_by: 'admin', sent_at: new Date().toLocaleString(f.get('lang') === 'en' ? 'en-GB' : f.get('lang')) } }) });
      say(t('sentOk'));
      load();
    } catch (e) {
      if (e.field === 'to') { err.textContent = e.message; err.hidden = false; $('#to').setAttribute('aria-invalid', 'true'); $('#to').focus(); }
      say(e.message);
    }
  });
  show();
});
