// stats.html: the statistics dashboard for administrators and funders (docs/statistics.md
// §9). A period (from/to months, kept in the address as ?from=YYYY-MM&to=YYYY-MM, with
// presets) and a section per report, each fetched on its own from GET /api/v1/stats/
// <report>: its tables, each with its chart and the same figures as a table, CSV and XLSX
// links. A section that fails says so in place. #stats[data-loaded="<n>"] once every
// section of the n-th load has rendered or failed; section[data-report][data-state].

import { gatedPage, h, fieldError } from './admin.js';
import { apiGet } from './api.js';
import { mergeStrings } from './ssform.js';
import {
  STAT_STR, REPORTS, presets, periodError, readPeriod, periodDays, formats, statTable,
  reportDownloads, reportNotes, drawCharts, dropCharts, periodText, errorKind,
} from './statview.js';

const STR = {
  fi: {
    title: 'Tilastot',
    lead: 'Tarjottimen kattavuus, käyttö ja yhteydenotot valitulla jaksolla. Jokaisen kaavion luvut ovat myös sen alla olevassa taulukossa.',
    'p.legend': 'Jakso',
    'p.from': 'Alkukuukausi',
    'p.to': 'Loppukuukausi',
    'p.hint': 'Muoto VVVV-KK, esimerkiksi 2026-01. Enintään 36 kuukautta.',
    'p.apply': 'Näytä',
    'p.presets': 'Valmiit jaksot',
    'p.last12': 'Viimeiset 12 kuukautta',
    'p.thisyear': 'Tämä vuosi',
    'p.lastyear': 'Viime vuosi',
    'err.from': 'Anna alkukuukausi muodossa VVVV-KK.',
    'err.to': 'Loppukuukausi on alkukuukauden jälkeen, viimeistään tämä kuukausi ja enintään 36 kuukautta alusta.',
    toc: 'Raportit',
    print: 'Tulostettava raportti',
    loaded: ({ period }) => `Tilastot ladattiin: ${period}.`,
  },
  sv: {
    title: 'Statistik',
    lead: 'Tarjotins täckning, användning och kontaktförfrågningar under den valda perioden. Talen i varje diagram finns också i tabellen under det.',
    'p.legend': 'Period',
    'p.from': 'Första månaden',
    'p.to': 'Sista månaden',
    'p.hint': 'Formen ÅÅÅÅ-MM, till exempel 2026-01. Högst 36 månader.',
    'p.apply': 'Visa',
    'p.presets': 'Färdiga perioder',
    'p.last12': 'De senaste 12 månaderna',
    'p.thisyear': 'I år',
    'p.lastyear': 'I fjol',
    'err.from': 'Ange den första månaden i formen ÅÅÅÅ-MM.',
    'err.to': 'Den sista månaden kommer efter den första, senast denna månad och högst 36 månader från början.',
    toc: 'Rapporter',
    print: 'Utskriftsvänlig rapport',
    loaded: ({ period }) => `Statistiken laddades: ${period}.`,
  },
  en: {
    title: 'Statistics',
    lead: 'Tarjotin’s coverage, use and contact requests in the chosen period. The figures of every chart are also in the table under it.',
    'p.legend': 'Period',
    'p.from': 'First month',
    'p.to': 'Last month',
    'p.hint': 'The form YYYY-MM, for example 2026-01. At most 36 months.',
    'p.apply': 'Show',
    'p.presets': 'Ready-made periods',
    'p.last12': 'The last 12 months',
    'p.thisyear': 'This year',
    'p.lastyear': 'Last year',
    'err.from': 'Give the first month in the form YYYY-MM.',
    'err.to': 'The last month comes after the first, this month at the latest, and at most 36 months from the start.',
    toc: 'Reports',
    print: 'Printable report',
    loaded: ({ period }) => `The statistics were loaded: ${period}.`,
  },
};

gatedPage({
  key: 'stats',
  role: ['admin', 'funder'],
  strings: mergeStrings(STAT_STR, STR),
  async render(page, region) {
    const { t, lang } = page;
    const fmt = formats(lang);
    let period = readPeriod();

    // ---- the period
    const from = h('input', { type: 'month', id: 'from', name: 'from', required: true, pattern: '\\d{4}-\\d{2}', placeholder: 'YYYY-MM', autocomplete: 'off' });
    const to = h('input', { type: 'month', id: 'to', name: 'to', required: true, pattern: '\\d{4}-\\d{2}', placeholder: 'YYYY-MM', autocomplete: 'off' });
    for (const i of [from, to]) i.setAttribute('max', presets().last12.to);
    const fieldOf = (label, input) => h('div', { class: 'field' },
      h('label', { for: input.id, text: label }), input,
      h('p', { class: 'field-error', id: `${input.id}-error`, hidden: true }));
    const presetButtons = ['last12', 'thisyear', 'lastyear'].map((k) => h('button', {
      type: 'button', class: 'button secondary', 'data-preset': k, text: t('p.' + k),
      onclick: () => { const p = presets()[k]; from.value = p.from; to.value = p.to; apply(); },
    }));
    const form = h('form', { class: 'form period-form', id: 'period', novalidate: true },
      h('fieldset', { 'aria-describedby': 'period-hint' },
        h('legend', { text: t('p.legend') }),
        h('p', { class: 'hint', id: 'period-hint', text: t('p.hint') }),
        h('div', { class: 'period-fields' }, fieldOf(t('p.from'), from), fieldOf(t('p.to'), to),
          h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button', text: t('p.apply') })))),
      h('div', { class: 'presets', role: 'group', 'aria-label': t('p.presets') }, presetButtons));
    const periodLine = h('p', { class: 'period-line', id: 'period-line' });
    const printLink = h('a', { class: 'print-link', id: 'report-link', text: t('print') });

    // ---- the sections
    const stats = h('div', { id: 'stats', 'aria-busy': 'true' });
    const toc = h('nav', { class: 'stats-toc', 'aria-label': t('toc') },
      h('ul', {}, REPORTS.map((r) => h('li', {}, h('a', { href: `#sec-${r}`, text: t('r.' + r) })))));
    const sections = new Map(REPORTS.map((r) => [r, h('section', { class: 'stats-section', id: `sec-${r}`, 'data-report': r, 'aria-labelledby': `h-${r}` })]));
    stats.append(...sections.values());

    function skeleton() {
      return h('div', { class: 'stat-skeleton', 'aria-hidden': 'true' },
        h('span', { class: 'sk sk-heading' }), h('div', { class: 'chart-box sk-chart' }),
        h('span', { class: 'sk sk-text' }), h('span', { class: 'sk sk-text' }), h('span', { class: 'sk sk-short' }));
    }

    let loads = 0;
    let generation = 0;
    async function loadSection(report, days, gen) {
      const sec = sections.get(report);
      dropCharts(sec);
      sec.dataset.state = 'loading';
      sec.setAttribute('aria-busy', 'true');
      const head = h('div', { class: 'section-head' }, h('h2', { id: `h-${report}`, text: t('r.' + report) }), reportDownloads(t, report, days, lang));
      sec.replaceChildren(head, skeleton());
      try {
        const doc = await apiGet(`stats/${report}`, { from: days.from, to: days.to, lang }, lang);
        if (gen !== generation) return;
        const ctx = { t, lang, fmt, report, days };
        sec.replaceChildren(head, ...reportNotes(doc, t, page.fmtTime), ...(doc.tables || []).map((tb) => statTable(tb, ctx)));
        sec.dataset.state = 'loaded';
        sec.removeAttribute('aria-busy');
        drawCharts(sec);
      } catch (err) {
        if (gen !== generation) return;
        const kind = errorKind(err);
        if (kind === 'refused' && page.refused(err)) { page.deny(null); return; }
        sec.replaceChildren(head, h('div', { class: 'error-box', role: 'alert', 'data-error': kind, 'data-status': String(err.status || 0) },
          h('p', { text: t(kind === 'unavailable' ? 'err.unavailable' : 'err.failed') }),
          h('p', {}, h('button', { type: 'button', class: 'button secondary', text: t('retry'), onclick: () => loadSection(report, days, gen) }))));
        sec.dataset.state = 'error';
        sec.removeAttribute('aria-busy');
      }
    }

    async function load() {
      const gen = ++generation;
      const days = periodDays(period);
      from.value = period.from;
      to.value = period.to;
      periodLine.textContent = periodText(t, fmt, period);
      printLink.href = `/report.html?${new URLSearchParams({ lang, from: period.from, to: period.to }).toString()}`;
      stats.removeAttribute('data-loaded');
      stats.setAttribute('aria-busy', 'true');
      stats.dataset.period = `${period.from}..${period.to}`;
      await Promise.all(REPORTS.map((r) => loadSection(r, days, gen)));
      if (gen !== generation || page.denied) return;
      stats.removeAttribute('aria-busy');
      stats.dataset.loaded = String(++loads);
      if (loads > 1) page.announce(t('loaded', { period: periodText(t, fmt, period) }));
    }

    function apply() {
      const p = { from: from.value.trim(), to: to.value.trim() };
      fieldError(from, 'from-error', '');
      fieldError(to, 'to-error', '');
      const bad = periodError(p);
      if (bad) {
        const input = bad === 'from' ? from : to;
        fieldError(input, `${input.id}-error`, t('err.' + bad));
        input.focus();
        return;
      }
      period = p;
      const q = new URLSearchParams(location.search);
      q.set('from', p.from);
      q.set('to', p.to);
      history.replaceState(history.state, '', `${location.pathname}?${q.toString()}`);
      page.syncLangLinks();
      load();
    }
    form.addEventListener('submit', (e) => { e.preventDefault(); apply(); });

    region.append(h('p', { class: 'lead', text: t('lead') }), form, periodLine, h('p', {}, printLink), toc, stats);
    await load();
  },
});
