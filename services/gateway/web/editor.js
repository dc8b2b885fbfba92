// editor.html ("Omat toiminnot"): the organisations an editor keeps (an admin: every
// approved one, filtered by name), each with its activities (docs/selfservice.md
// "Editing"): status, freshness, assured and due dates, and the actions — edit, "still
// correct" (POST .../confirm), publish / pause / archive (POST .../status with If-Match
// from the list's version), a new activity, the maintainers.

import { gatedPage, h, loadFailed } from './admin.js';
import { ApiError, apiGet, apiSendDoc } from './api.js';
import { mergeStrings } from './ssform.js';
import { ACTIVITY_STR, fieldLabel } from './activity-fields.js';
import { fmtDate } from './card.js';

const STR = {
  fi: {
    title: 'Omat toiminnot',
    lead: 'Järjestöjesi toiminnot. Pidä tiedot ajan tasalla: Tarjotin pyytää tarkistamaan ne kahdesti vuodessa, ja vahvistamattomat tiedot merkitään ja lopulta piilotetaan hausta.',
    none: 'Sinulla ei ole vielä yhtään järjestöä.',
    'q.label': 'Hae järjestöä nimellä', 'q.button': 'Hae', 'q.count': ({ n }) => `${n} järjestöä`,
    counts: ({ p, d, pa, a }) => `Julkaistu ${p}, luonnoksia ${d}, keskeytetty ${pa}, arkistoitu ${a}`,
    review: ({ due, u, hd }) => `Tarkistettavana ${due}, vahvistamatta ${u}, piilotettu ${hd}`,
    'act.none': 'Järjestöllä ei ole vielä toimintoja.',
    'act.caption': ({ org }) => `Järjestön ${org} toiminnot`,
    assured: ({ date }) => `Vahvistettu ${date}`, notAssured: 'Ei vahvistettu', due: ({ date }) => `Seuraava tarkistus ${date}`,
    edit: 'Muokkaa', confirm: 'Tiedot ovat yhä oikein', publish: 'Julkaise', pause: 'Keskeytä', archive: 'Arkistoi', toDraft: 'Palauta luonnokseksi',
    newActivity: 'Uusi toiminto', inbox: 'Yhteydenottopyynnöt', maintainers: 'Ylläpitäjät', profile: 'Järjestön tiedot', show: 'Näytä toiminnot',
    confirmed: ({ name }) => `${name}: tiedot vahvistettu.`,
    statusDone: ({ name, st }) => `${name}: tila on nyt ${st}.`,
    conflict: ({ name }) => `${name} on muuttunut sillä välin. Lista päivitettiin; yritä uudelleen.`,
    toPublish: ({ name, list }) => `${name} ei voi julkaista vielä. Puuttuu: ${list}.`,
    notPublished: ({ name }) => `${name} ei ole julkaistu, joten sitä ei voi vahvistaa.`,
    failed: 'Toiminto ei onnistunut. Yritä uudelleen.',
    actionsOf: ({ action, name }) => `${action}: ${name}`,
  },
  sv: {
    title: 'Mina verksamheter',
    lead: 'Dina organisationers verksamheter. Håll uppgifterna aktuella: Tarjotin ber om en kontroll två gånger per år, och obekräftade uppgifter märks och döljs till slut i sökningen.',
    none: 'Du har ännu inga organisationer.',
    'q.label': 'Sök en organisation med namn', 'q.button': 'Sök', 'q.count': ({ n }) => `${n} organisationer`,
    counts: ({ p, d, pa, a }) => `Publicerade ${p}, utkast ${d}, pausade ${pa}, arkiverade ${a}`,
    review: ({ due, u, hd }) => `Ska kontrolleras ${due}, obekräftade ${u}, dolda ${hd}`,
    'act.none': 'Organisationen har ännu inga verksamheter.',
    'act.caption': ({ org }) => `Verksamheter för ${org}`,
    assured: ({ date }) => `Bekräftad ${date}`, notAssured: 'Inte bekräftad', due: ({ date }) => `Nästa kontroll ${date}`,
    edit: 'Redigera', confirm: 'Uppgifterna stämmer fortfarande', publish: 'Publicera', pause: 'Pausa', archive: 'Arkivera', toDraft: 'Gör till utkast',
    newActivity: 'Ny verksamhet', inbox: 'Kontaktförfrågningar', maintainers: 'Redaktörer', profile: 'Organisationens uppgifter', show: 'Visa verksamheterna',
    confirmed: ({ name }) => `${name}: uppgifterna bekräftade.`,
    statusDone: ({ name, st }) => `${name}: status är nu ${st}.`,
    conflict: ({ name }) => `${name} har ändrats under tiden. Listan uppdaterades; försök igen.`,
    toPublish: ({ name, list }) => `${name} kan inte publiceras ännu. Saknas: ${list}.`,
    notPublished: ({ name }) => `${name} är inte publicerad och kan inte bekräftas.`,
    failed: 'Åtgärden lyckades inte. Försök igen.',
    actionsOf: ({ action, name }) => `${action}: ${name}`,
  },
  en: {
    title: 'My activities',
    lead: 'The activities of your associations. Keep them up to date: Tarjotin asks for a check twice a year, and details not confirmed are marked and finally hidden from the search.',
    none: 'You have no associations yet.',
    'q.label': 'Find an association by name', 'q.button': 'Search', 'q.count': ({ n }) => `${n} associations`,
    counts: ({ p, d, pa, a }) => `Published ${p}, drafts ${d}, paused ${pa}, archived ${a}`,
    review: ({ due, u, hd }) => `Due for a check ${due}, not confirmed ${u}, hidden ${hd}`,
    'act.none': 'The association has no activities yet.',
    'act.caption': ({ org }) => `Activities of ${org}`,
    assured: ({ date }) => `Confirmed ${date}`, notAssured: 'Not confirmed', due: ({ date }) => `Next check ${date}`,
    edit: 'Edit', confirm: 'Still correct', publish: 'Publish', pause: 'Pause', archive: 'Archive', toDraft: 'Back to draft',
    newActivity: 'New activity', inbox: 'Contact requests', maintainers: 'Maintainers', profile: 'Association details', show: 'Show the activities',
    confirmed: ({ name }) => `${name}: details confirmed.`,
    statusDone: ({ name, st }) => `${name}: the status is now ${st}.`,
    conflict: ({ name }) => `${name} was changed meanwhile. The list was refreshed; try again.`,
    toPublish: ({ name, list }) => `${name} cannot be published yet. Missing: ${list}.`,
    notPublished: ({ name }) => `${name} is not published, so it cannot be confirmed.`,
    failed: 'That did not succeed. Try again.',
    actionsOf: ({ action, name }) => `${action}: ${name}`,
  },
};

const enc = encodeURIComponent;

gatedPage({
  key: 'activities',
  role: ['editor', 'admin'],
  strings: mergeStrings(ACTIVITY_STR, STR),
  async render(page, region, session) {
    const { t, lang } = page;
    const isAdmin = session.account.role === 'admin';
    region.append(h('p', { class: 'lead', text: t('lead') }));
    const listBox = h('div', { id: 'editor-orgs' });

    function freshBadge(a) {
      if (a.status !== 'published') return null;
      const cls = a.freshness === 'current' ? 'badge' : a.freshness === 'hidden' ? 'badge warn' : 'badge muted';
      return h('span', { class: cls, 'data-freshness': a.freshness, text: t('fr.' + a.freshness) });
    }

    function orgSection(org, i, open) {
      const status = h('p', { class: 'status-line', role: 'status', id: `org-${i}-status` });
      const acts = h('div', { class: 'org-activities', 'data-activities': org.id });
      const base = `editor/organizations/${enc(org.id)}/activities`;

      async function act(a, fn) {
        try {
          await fn();
        } catch (err) {
          if (page.refused(err)) { page.deny(null); return; }
          if (err instanceof ApiError && err.code === 'version_conflict') status.textContent = t('conflict', { name: a.name });
          else if (err instanceof ApiError && err.code === 'invalid_fields') {
            status.textContent = t('toPublish', { name: a.name, list: [...new Set(err.fields.map((f) => fieldLabel(t, f.field)))].join(', ') });
          } else if (err instanceof ApiError && err.code === 'not_published') status.textContent = t('notPublished', { name: a.name });
          else status.textContent = t('failed');
        }
        await load();
      }
      const setStatus = (a, st) => act(a, async () => {
        await apiSendDoc('POST', `editor/activities/${enc(a.id)}/status`, { status: st }, lang, a.version);
        status.textContent = t('statusDone', { name: a.name, st: t('st.' + st).toLocaleLowerCase(page.locale) });
      });
      const confirm = (a) => act(a, async () => {
        await apiSendDoc('POST', `editor/activities/${enc(a.id)}/confirm`, {}, lang, a.version);
        status.textContent = t('confirmed', { name: a.name });
      });

      function item(a) {
        const btn = (text, onclick, data) => h('button', { type: 'button', class: 'small-button', 'aria-label': t('actionsOf', { action: text, name: a.name }), onclick, dataset: data, text });
        return h('li', { class: 'act-item', 'data-activity': a.id, 'data-status': a.status, 'data-version': String(a.version) },
          h('h3', {}, h('a', { href: `/activity-edit.html?id=${enc(a.id)}&lang=${lang}`, text: a.name })),
          h('p', { class: 'card-footer' },
            h('span', { class: 'badge muted', 'data-status-badge': '', text: t('st.' + a.status) }), freshBadge(a),
            h('span', { text: a.assured_date ? t('assured', { date: fmtDate(a.assured_date, lang) }) : t('notAssured') }),
            a.due_date ? h('span', { text: t('due', { date: fmtDate(a.due_date, lang) }) }) : null),
          h('div', { class: 'act-actions' },
            h('a', { href: `/activity-edit.html?id=${enc(a.id)}&lang=${lang}`, 'aria-label': t('actionsOf', { action: t('edit'), name: a.name }), text: t('edit') }),
            a.status === 'published' ? btn(t('confirm'), () => confirm(a), { confirm: a.id }) : null,
            a.status !== 'published' && a.status !== 'archived' ? btn(t('publish'), () => setStatus(a, 'published'), { publish: a.id }) : null,
            a.status === 'published' ? btn(t('pause'), () => setStatus(a, 'paused'), { pause: a.id }) : null,
            a.status === 'archived' ? btn(t('toDraft'), () => setStatus(a, 'draft'), { draft: a.id }) : null,
            a.status !== 'archived' ? btn(t('archive'), () => setStatus(a, 'archived'), { archive: a.id }) : null));
      }

      async function load() {
        try {
          const { items } = await apiGet(base, null, lang);
          acts.replaceChildren(items.length
            ? h('ul', { class: 'act-list', 'aria-label': t('act.caption', { org: org.name }) }, items.map(item))
            : h('p', { class: 'notice', text: t('act.none') }));
          acts.dataset.loaded = String(items.length);
        } catch (err) {
          if (page.refused(err)) { page.deny(null); return; }
          acts.replaceChildren(loadFailed(page, load));
        }
      }
      const c = org.activities || {};
      const r = org.review || {};
      const links = h('p', { class: 'act-actions' },
        h('a', { class: 'button secondary', href: `/activity-edit.html?org=${enc(org.id)}&lang=${lang}`, 'data-new-activity': org.id, text: t('newActivity') }),
        h('a', { href: `/inbox.html?org=${enc(org.id)}&lang=${lang}`, 'data-inbox': org.id, text: t('inbox') }),
        isAdmin ? null : h('a', { href: `/editors.html?lang=${lang}#org-${enc(org.id)}`, text: t('maintainers') }),
        h('a', { href: `/org-edit.html?id=${enc(org.id)}&lang=${lang}`, text: t('profile') }));
      const body = [
        h('p', { class: 'muted', text: t('counts', { p: c.published || 0, d: c.draft || 0, pa: c.paused || 0, a: c.archived || 0 }) }),
        (r.due || r.unverified || r.hidden) ? h('p', { class: 'muted', text: t('review', { due: r.due || 0, u: r.unverified || 0, hd: r.hidden || 0 }) }) : null,
        links, status, acts];
      if (open) {
        return { node: h('section', { class: 'panel org-panel', 'aria-labelledby': `org-${i}-h`, 'data-org': org.id },
          h('h2', { id: `org-${i}-h`, text: org.name }), body), load };
      }
      // An admin's list is long: each organisation opens (and loads) on demand.
      const det = h('details', { class: 'panel org-panel', 'data-org': org.id },
        h('summary', { id: `org-${i}-h`, text: org.name }), body);
      det.addEventListener('toggle', () => { if (det.open && !acts.dataset.loaded) load(); });
      return { node: det, load: null };
    }

    async function show(q) {
      let items;
      try {
        ({ items } = await apiGet('editor/organizations', q ? { q } : null, lang));
      } catch (err) {
        if (page.refused(err)) { page.deny(null); return; }
        listBox.replaceChildren(loadFailed(page, () => show(q)));
        return;
      }
      if (!items.length) {
        listBox.replaceChildren(h('p', { class: 'notice', text: t('none') }));
        listBox.dataset.loaded = '0';
        return;
      }
      const sections = items.map((o, i) => orgSection(o, i, !isAdmin || items.length === 1));
      await Promise.all(sections.filter((s) => s.load).map((s) => s.load()));
      if (page.denied) return;
      listBox.replaceChildren(isAdmin ? h('p', { class: 'status-line', role: 'status', text: t('q.count', { n: items.length }) }) : null,
        ...sections.map((s) => s.node));
      listBox.dataset.loaded = String(items.length);
    }

    if (isAdmin) {
      const q = h('input', { type: 'search', id: 'editor-q', maxlength: '200', autocomplete: 'off' });
      const form = h('form', { class: 'search-form', role: 'search' },
        h('label', { for: q.id, text: t('q.label') }),
        h('div', { class: 'search-row' }, q, h('button', { type: 'submit', class: 'button', text: t('q.button') })));
      form.addEventListener('submit', (e) => { e.preventDefault(); show(q.value.trim()); });
      region.append(form);
    }
    await show('');
    if (!page.denied) region.append(listBox);
  },
});
