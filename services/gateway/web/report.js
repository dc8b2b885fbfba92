// report.html: the printable statistics report (docs/statistics.md §9): every table of
// GET /api/v1/stats/all for the period of the address (?from=YYYY-MM&to=YYYY-MM, as
// stats.html), grouped by report, each with its chart and the same figures as a table.
// Its title names the period and when the report was made; a print button; the print CSS
// (styles.css @media print) leaves out the header and keeps charts and rows whole.
// #report[data-loaded] once filled; [data-state="error"] when the report failed.

import { gatedPage, h } from './admin.js';
import { apiGet } from './api.js';
import { mergeStrings } from './ssform.js';
import {
  STAT_STR, REPORTS, readPeriod, periodDays, formats, statTable, reportDownloads,
  reportNotes, drawCharts, periodText, errorKind, reportOfTable,
} from './statview.js';

const STR = {
  fi: {
    title: 'Tilastoraportti',
    print: 'Tulosta',
    back: 'Takaisin tilastoihin',
    heading: ({ period }) => `Tilastoraportti ${period}`,
  },
  sv: {
    title: 'Statistikrapport',
    print: 'Skriv ut',
    back: 'Tillbaka till statistiken',
    heading: ({ period }) => `Statistikrapport ${period}`,
  },
  en: {
    title: 'Statistics report',
    print: 'Print',
    back: 'Back to the statistics',
    heading: ({ period }) => `Statistics report ${period}`,
  },
};

gatedPage({
  key: 'report',
  role: ['admin', 'funder'],
  strings: mergeStrings(STAT_STR, STR),
  async render(page, region) {
    const { t, lang } = page;
    const fmt = formats(lang);
    const period = readPeriod();
    const days = periodDays(period);
    const ptext = periodText(t, fmt, period);
    // The page's heading names the period (and, printed, tops the first page).
    const heading = page.view.querySelector('h1');
    heading.id = 'report-heading';
    heading.textContent = t('heading', { period: `${fmt.month(period.from)} – ${fmt.month(period.to)}` });
    const meta = h('p', { class: 'report-meta', id: 'report-meta' });
    const back = h('a', { href: `/stats.html?${new URLSearchParams({ lang, from: period.from, to: period.to }).toString()}`, text: t('back') });
    const printButton = h('button', { type: 'button', class: 'button', id: 'print', text: t('print'), onclick: () => window.print() });
    const actions = h('div', { class: 'report-actions' }, printButton, back, reportDownloads(t, 'all', days, lang));
    const report = h('div', { id: 'report', 'aria-busy': 'true', 'aria-labelledby': 'report-heading', role: 'region' },
      h('div', { class: 'stat-skeleton', 'aria-hidden': 'true' },
        h('span', { class: 'sk sk-heading' }), h('div', { class: 'chart-box sk-chart' }),
        h('span', { class: 'sk sk-text' }), h('span', { class: 'sk sk-text' })));
    region.append(meta, actions, report);
    page.setTitle(`${t('title')}: ${ptext}`);

    try {
      const doc = await apiGet('stats/all', { from: days.from, to: days.to, lang }, lang);
      const at = page.fmtTime(doc.generated_at);
      meta.textContent = `${ptext}. ${t('generated', { at })}.`;
      page.setTitle(`${t('title')}: ${ptext} (${at})`);
      const groups = new Map();
      for (const tb of doc.tables || []) {
        const r = reportOfTable(tb.id);
        if (!groups.has(r)) groups.set(r, []);
        groups.get(r).push(tb);
      }
      const order = [...REPORTS, 'other'].filter((r) => groups.has(r));
      const parts = order.map((r) => h('section', { class: 'report-part', 'data-report': r, 'aria-labelledby': `h-${r}` },
        h('h2', { id: `h-${r}`, text: t('r.' + r) }),
        groups.get(r).map((tb) => statTable(tb, { t, lang, fmt, report: 'all', days, level: 3 }))));
      report.replaceChildren(...reportNotes(doc, t, page.fmtTime), ...parts);
      report.removeAttribute('aria-busy');
      drawCharts(report);
      report.dataset.loaded = String((doc.tables || []).length);
    } catch (err) {
      const kind = errorKind(err);
      if (kind === 'refused' && page.refused(err)) { page.deny(null); return; }
      report.replaceChildren(h('div', { class: 'error-box', role: 'alert', 'data-error': kind, 'data-status': String(err.status || 0) },
        h('p', { text: t(kind === 'unavailable' ? 'err.unavailable' : 'err.failed') }),
        h('p', {}, h('button', { type: 'button', class: 'button secondary', text: t('retry'), onclick: () => location.reload() }))));
      report.removeAttribute('aria-busy');
      report.dataset.state = 'error';
    }
  },
});
