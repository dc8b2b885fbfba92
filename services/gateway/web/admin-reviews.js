// admin-reviews.html: the twice-yearly review at a glance (GET /api/v1/admin/reviews,
// docs/selfservice.md): published, due, unverified and hidden activities per county, per
// municipality of a chosen county, and the stale activities, most overdue first.

import { gatedPage, h, table, loadFailed } from './admin.js';
import { apiGet } from './api.js';
import { mergeStrings } from './ssform.js';
import { ACTIVITY_STR } from './activity-fields.js';
import { fmtDate, countyName } from './card.js';

const STR = {
  fi: {
    title: 'Tarkistukset',
    intro: ({ date }) => `Toimintojen tarkistustilanne ${date}. Tarkistettavana: eräpäivä on tullut, mutta tiedot on vielä merkitty ajan tasalla oleviksi.`,
    'f.county': 'Hyvinvointialue', all: 'Kaikki alueet', show: 'Näytä',
    'counties.caption': 'Hyvinvointialueittain', 'munis.caption': ({ name }) => `Kunnittain: ${name}`, 'items.caption': 'Vanhentuneet ja tarkistettavat toiminnot, myöhäisimmät ensin',
    'col.county': 'Alue', 'col.municipality': 'Kunta', 'col.published': 'Julkaistu', 'col.due': 'Tarkistettavana', 'col.unverified': 'Vahvistamatta', 'col.hidden': 'Piilotettu',
    'col.activity': 'Toiminto', 'col.org': 'Järjestö', 'col.freshness': 'Tila', 'col.assured': 'Vahvistettu', 'col.dueDate': 'Eräpäivä',
    'items.none': 'Ei vanhentuneita toimintoja.',
  },
  sv: {
    title: 'Kontroller',
    intro: ({ date }) => `Läget för kontrollen av verksamheterna ${date}. Ska kontrolleras: förfallodagen har kommit, men uppgifterna är ännu markerade som aktuella.`,
    'f.county': 'Välfärdsområde', all: 'Alla områden', show: 'Visa',
    'counties.caption': 'Per välfärdsområde', 'munis.caption': ({ name }) => `Per kommun: ${name}`, 'items.caption': 'Föråldrade verksamheter och sådana som ska kontrolleras, de mest försenade först',
    'col.county': 'Område', 'col.municipality': 'Kommun', 'col.published': 'Publicerade', 'col.due': 'Ska kontrolleras', 'col.unverified': 'Obekräftade', 'col.hidden': 'Dolda',
    'col.activity': 'Verksamhet', 'col.org': 'Organisation', 'col.freshness': 'Läge', 'col.assured': 'Bekräftad', 'col.dueDate': 'Förfallodag',
    'items.none': 'Inga föråldrade verksamheter.',
  },
  en: {
    title: 'Reviews',
    intro: ({ date }) => `The review of the activities on ${date}. Due: the due date has come but the details are still marked up to date.`,
    'f.county': 'Wellbeing services county', all: 'All counties', show: 'Show',
    'counties.caption': 'By county', 'munis.caption': ({ name }) => `By municipality: ${name}`, 'items.caption': 'Stale and due activities, most overdue first',
    'col.county': 'County', 'col.municipality': 'Municipality', 'col.published': 'Published', 'col.due': 'Due', 'col.unverified': 'Not confirmed', 'col.hidden': 'Hidden',
    'col.activity': 'Activity', 'col.org': 'Association', 'col.freshness': 'State', 'col.assured': 'Confirmed', 'col.dueDate': 'Due date',
    'items.none': 'No stale activities.',
  },
};

gatedPage({
  key: 'reviews',
  strings: mergeStrings(ACTIVITY_STR, STR),
  async render(page, region) {
    const { t, lang } = page;
    const sel = h('select', { id: 'reviews-county' }, h('option', { value: '', text: t('all') }));
    const out = h('div', { id: 'reviews-report' });
    const intro = h('p', { id: 'reviews-intro' });
    const form = h('form', { class: 'form filters' },
      h('div', {}, h('label', { for: sel.id, text: t('f.county') }), sel),
      h('div', {}, h('button', { type: 'submit', class: 'button', text: t('show') })));
    form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
    const nums = (x) => [String(x.published || 0), String(x.due || 0), String(x.unverified || 0), String(x.hidden || 0)];
    const numCols = [t('col.published'), t('col.due'), t('col.unverified'), t('col.hidden')];
    let first = true;

    async function load() {
      let r;
      try {
        r = await apiGet('admin/reviews', sel.value ? { county: sel.value } : null, lang);
      } catch (err) {
        if (page.refused(err)) { page.deny(null); return; }
        out.replaceChildren(loadFailed(page, load));
        return;
      }
      const cname = (c) => (typeof c.name === 'string' ? c.name : countyName(c, lang));
      if (first) {
        sel.append(...(r.counties || []).map((c) => h('option', { value: c.key, text: cname(c) })));
        first = false;
      }
      intro.textContent = t('intro', { date: fmtDate(r.as_of, lang) });
      const chosen = (r.counties || []).find((c) => c.key === sel.value);
      out.replaceChildren(
        table(t('counties.caption'), [t('col.county'), ...numCols],
          (r.counties || []).map((c) => ({ attrs: { 'data-county': c.key }, cells: [cname(c), ...nums(c)] })), { id: 'reviews-counties' }),
        chosen ? table(t('munis.caption', { name: cname(chosen) }), [t('col.municipality'), ...numCols],
          (r.municipalities || []).map((m) => ({ attrs: { 'data-municipality': m.code }, cells: [m.name, ...nums(m)] })), { id: 'reviews-municipalities' }) : null,
        (r.items || []).length ? table(t('items.caption'), [t('col.activity'), t('col.org'), t('col.freshness'), t('col.assured'), t('col.dueDate')],
          r.items.map((a) => ({
            attrs: { 'data-activity': a.id, 'data-freshness': a.freshness },
            cells: [h('a', { href: `/activity-edit.html?id=${encodeURIComponent(a.id)}&lang=${lang}`, text: a.name }),
              (a.organization || {}).name || '', t('fr.' + a.freshness), a.assured_date ? fmtDate(a.assured_date, lang) : '–',
              a.due_date ? fmtDate(a.due_date, lang) : '–'],
          })), { id: 'reviews-items' }) : h('p', { class: 'notice', text: t('items.none') }));
      out.dataset.loaded = String((r.items || []).length);
    }
    await load();
    if (!page.denied) region.append(intro, form, out);
  },
});
