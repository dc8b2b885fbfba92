// my-requests.html: a professional's contact requests (GET /api/v1/my/contact-requests,
// newest first, docs/contactrequests.md): each with its status in words, its history, and
// when overdue a link to the alternatives (the same search). "Show the client's details"
// opens one (GET .../my/contact-requests/{id}); that opening is audit-logged, and the page
// says so before the button.

import { gatedPage, h, loadFailed } from './admin.js';
import { apiGet } from './api.js';
import { mergeStrings } from './ssform.js';
import { fmtDate } from './card.js';
import { CR_STR, historyList, factRows, word } from './crwords.js';

const PER_PAGE = 20;

const STR = {
  fi: {
    title: 'Omat pyynnöt',
    lead: 'Lähettämäsi yhteydenottopyynnöt, uusimmat ensin. Asiakkaan tiedot poistetaan, kun pyyntö on hoidettu.',
    'gate.signinAny': 'Omat pyynnöt näkyvät kirjautuneille ammattilaisille. Kirjaudu sisään.',
    'gate.forbiddenEditor': ({ role }) => `Olet kirjautunut sisään roolissa ${role}. Tämä sivu on ammattilaisille.`,
    none: 'Et ole vielä lähettänyt yhteydenottopyyntöjä.', newRequest: 'Lähetä uusi pyyntö',
    count: ({ n }) => (n === 1 ? '1 pyyntö' : `${n} pyyntöä`),
    alternatives: 'Katso muita vaihtoehtoja', 'overdue.text': 'Järjestö ei ole vastannut luvatussa ajassa.',
    open: 'Näytä asiakkaan tiedot', opening: 'Haetaan…', hide: 'Piilota asiakkaan tiedot',
    'open.audit': 'Asiakkaan tietojen avaaminen kirjataan tapahtumalokiin.',
    'open.failed': 'Tietoja ei voitu hakea. Yritä uudelleen.', 'open.gone': 'Pyyntöä ei löytynyt.',
    more: 'Näytä vanhempia', 'reason': ({ r }) => `Syy: ${r}`,
  },
  sv: {
    title: 'Mina förfrågningar',
    lead: 'Kontaktförfrågningarna du har skickat, de nyaste först. Klientens uppgifter raderas när förfrågan är skött.',
    'gate.signinAny': 'Dina förfrågningar syns för inloggade yrkespersoner. Logga in.',
    'gate.forbiddenEditor': ({ role }) => `Du är inloggad i rollen ${role}. Den här sidan är för yrkespersoner.`,
    none: 'Du har ännu inte skickat några kontaktförfrågningar.', newRequest: 'Skicka en ny förfrågan',
    count: ({ n }) => (n === 1 ? '1 förfrågan' : `${n} förfrågningar`),
    alternatives: 'Se andra alternativ', 'overdue.text': 'Organisationen har inte svarat inom utlovad tid.',
    open: 'Visa klientens uppgifter', opening: 'Hämtar…', hide: 'Dölj klientens uppgifter',
    'open.audit': 'Att klientens uppgifter öppnas förs in i händelseloggen.',
    'open.failed': 'Uppgifterna kunde inte hämtas. Försök igen.', 'open.gone': 'Förfrågan hittades inte.',
    more: 'Visa äldre', 'reason': ({ r }) => `Orsak: ${r}`,
  },
  en: {
    title: 'My requests',
    lead: 'The contact requests you have sent, newest first. The client’s details are erased once a request has been dealt with.',
    'gate.signinAny': 'Your requests are shown to signed-in professionals. Sign in.',
    'gate.forbiddenEditor': ({ role }) => `You are signed in as ${role}. This page is for professionals.`,
    none: 'You have not sent any contact requests yet.', newRequest: 'Send a new request',
    count: ({ n }) => (n === 1 ? '1 request' : `${n} requests`),
    alternatives: 'See other options', 'overdue.text': 'The association has not replied in the promised time.',
    open: 'Show the client’s details', opening: 'Fetching…', hide: 'Hide the client’s details',
    'open.audit': 'Opening the client’s details is recorded in the audit log.',
    'open.failed': 'The details could not be fetched. Try again.', 'open.gone': 'The request was not found.',
    more: 'Show older', 'reason': ({ r }) => `Reason: ${r}`,
  },
};

const enc = encodeURIComponent;

gatedPage({
  key: 'my-requests',
  role: 'professional',
  strings: mergeStrings(CR_STR, STR),
  async render(page, region) {
    const { t, lang } = page;
    region.append(h('p', { class: 'lead', text: t('lead') }));
    const summary = h('p', { class: 'status-line', role: 'status', id: 'my-count' });
    const list = h('ol', { class: 'act-list cr-list', id: 'my-requests' });
    const moreBox = h('p', {});
    region.append(summary, list, moreBox);

    // The alternatives link is a local search path from the API; anything else is left out.
    const localHref = (p) => (typeof p === 'string' && /^\/(\?|$)/.test(p) ? p + (p.includes('?') ? '&' : '?') + `lang=${lang}` : null);

    function clientFacts(c) {
      return h('dl', { class: 'facts', 'data-client': '' }, factRows(t, [
        ['f.name', c.first_name], ['f.phone', c.phone], ['f.email', c.email], ['f.note', c.note ? h('span', { class: 'pre-line', text: c.note }) : ''],
      ]));
    }

    function item(r, i) {
      const hid = `req-${i}-h`;
      const detail = h('div', { class: 'cr-detail', id: `req-${i}-detail` });
      const hist = h('div', {}, h('h4', { text: t('hist.h') }), historyList(page, r.history));
      const openStatus = h('p', { class: 'status-line', role: 'status' });
      let shown = false;
      const openBtn = r.erased ? null : h('button', {
        type: 'button', class: 'small-button', 'data-open': r.id, 'aria-expanded': 'false', 'aria-controls': detail.id, text: t('open'),
      });
      if (openBtn) {
        openBtn.addEventListener('click', async () => {
          if (shown) {
            detail.replaceChildren();
            shown = false;
            openBtn.textContent = t('open');
            openBtn.setAttribute('aria-expanded', 'false');
            return;
          }
          openBtn.setAttribute('aria-disabled', 'true');
          openStatus.textContent = t('opening');
          try {
            const full = await apiGet(`my/contact-requests/${enc(r.id)}`, null, lang);
            openStatus.textContent = '';
            detail.replaceChildren(full.erased || !full.client ? h('p', { class: 'muted', text: t('erased') }) : clientFacts(full.client));
            if (full.history) hist.replaceChildren(h('h4', { text: t('hist.h') }), historyList(page, full.history));
            shown = true;
            openBtn.textContent = t('hide');
            openBtn.setAttribute('aria-expanded', 'true');
          } catch (err) {
            if (page.refused(err)) { page.deny(null); return; }
            openStatus.textContent = err.kind === 'not_found' ? t('open.gone') : t('open.failed');
          } finally {
            openBtn.removeAttribute('aria-disabled');
          }
        });
      }
      const alt = r.overdue ? localHref(r.alternatives) : null;
      return h('li', { class: 'act-item', 'data-request': r.id, 'data-status': r.status, 'aria-labelledby': hid },
        h('h3', { id: hid }, (r.activity && r.activity.name) || ''),
        h('p', { class: 'card-footer' },
          h('span', { class: 'badge muted cr-status', 'data-status-word': '', text: word(t, 'st.' + r.status, null) }),
          r.overdue ? h('span', { class: 'badge warn', 'data-overdue': '', text: t('overdue') }) : null),
        h('dl', { class: 'facts' }, factRows(t, [
          ['f.org', (r.organization && r.organization.name) || ''],
          ['f.sent', page.fmtTime(r.sent_at)],
          ['f.due', r.due ? fmtDate(r.due, lang) : ''],
          ['f.channel', r.channel ? t('ch.' + r.channel) : ''],
          ['f.reason', r.decline_reason || ''],
        ])),
        r.overdue ? h('p', {}, t('overdue.text'), ' ', alt ? h('a', { href: alt, 'data-alternatives': '', text: t('alternatives') }) : null) : null,
        r.erased ? h('p', { class: 'muted', text: t('erased') }) : h('p', { class: 'hint', text: t('open.audit') }),
        openBtn ? h('p', {}, openBtn) : null, openStatus, detail, hist);
    }

    let pageNo = 1;
    let shownCount = 0;
    async function load() {
      let res;
      try {
        res = await apiGet('my/contact-requests', { page: pageNo, per_page: PER_PAGE }, lang);
      } catch (err) {
        if (page.refused(err)) { page.deny(null); return; }
        moreBox.replaceChildren(loadFailed(page, load));
        return;
      }
      const items = res.items || [];
      list.append(...items.map((r, i) => item(r, shownCount + i)));
      shownCount += items.length;
      summary.textContent = res.total ? t('count', { n: res.total }) : '';
      if (!res.total) {
        moreBox.replaceChildren(h('span', { class: 'notice', text: t('none') }), ' ',
          h('a', { href: `/request.html?lang=${lang}`, text: t('newRequest') }));
      } else if (shownCount < res.total && items.length) {
        pageNo += 1;
        moreBox.replaceChildren(h('button', { type: 'button', class: 'button secondary', 'data-more': '', onclick: load, text: t('more') }));
      } else moreBox.replaceChildren();
      list.dataset.loaded = String(shownCount);
    }
    await load();
  },
});
